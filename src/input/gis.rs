//! GIS formats into the same records the CSV and GeoJSON readers make:
//! Shapefile (`shapefile` crate; `.dbf` attributes decoded as its `.cpg`
//! says, `.prj` for the CRS), FlatGeobuf (`flatgeobuf`, fitcircle's own
//! `--format fgb` output included) and GeoPackage (`gpkg_read`, SQLite
//! through `rusqlite`, feature `gpkg`). Each gives a [`RawTable`]: records
//! with geometry in the file's own coordinates and the CRS the file states;
//! [`resolve_crs`] settles the CRS against the one the config or `--crs`
//! gives, and `table` converts, checks and builds model records the same
//! way for every format.
//!
//! Every value becomes text as the CSV reader would see it (numbers in
//! their shortest form, `true`/`false`, dates as `YYYY-MM-DD`), so column
//! resolution and parsing are the same for all formats.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use geo::Geometry;
use shapefile::dbase;

use super::record::shared_names;
use crate::crs::{Crs, DeclaredCrs, InputCrs, ToWgs84};
use crate::{Error, Result};

/// One feature as read: where it is (for messages), its attributes as text
/// in column order, and its geometry in the file's coordinates.
#[derive(Debug, Clone)]
pub(crate) struct RawRecord {
    /// "feature 3" or "layer \"roads\", feature 3".
    pub location: String,
    /// (column, value) pairs, in column order.
    pub fields: Vec<(Arc<str>, String)>,
    /// Per field: true when the file types the value as a number (read as
    /// it is, not by the rules for numbers written as text).
    pub numeric: Vec<bool>,
    /// The geometry, in the file's CRS.
    pub geometry: Option<Geometry<f64>>,
}

/// A GIS file's features, columns, warnings and stated CRS.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawTable {
    /// Column names, in file order.
    pub columns: Vec<String>,
    /// The features, in file order.
    pub records: Vec<RawRecord>,
    /// What the reader noticed (an encoding guessed, ...).
    pub warnings: Vec<String>,
    /// The CRS the file states, if any.
    pub declared: Option<DeclaredCrs>,
}

/// A companion file that cannot be read (other than missing).
fn read_failed(path: &Path, source: std::io::Error) -> Error {
    Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// The conversion to WGS-84 for a file: the CRS it states
/// (`declared`), or the one the config or `--crs` gives (`explicit`), or
/// WGS-84. When both are there: a longitude/latitude `explicit` refines a
/// file stated as WGS-84 or CGCS2000 longitude/latitude (GCJ-02 data are
/// stored as "WGS 84" by GIS tools) and does not apply to a projected
/// file (its stated CRS is used, with a warning); any other disagreement
/// follows `explicit`, with a warning naming both.
pub(crate) fn resolve_crs(
    path: &Path,
    explicit: Option<InputCrs>,
    declared: Option<&DeclaredCrs>,
    warnings: &mut Vec<String>,
) -> Result<ToWgs84> {
    let from_explicit = |crs: InputCrs| ToWgs84::new(crs).map_err(|e| Error::file(path, e));
    let Some(d) = declared else {
        return from_explicit(explicit.unwrap_or_default());
    };
    let stated = ToWgs84::declared(d).map_err(|e| {
        Error::file(
            path,
            format!("the file's own CRS cannot be used: {e}; or pass --crs EPSG:xxxx"),
        )
    });
    let Some(e) = explicit else {
        return stated;
    };
    let same = match e {
        InputCrs::Epsg(code) => d.epsg() == Some(u32::from(code)),
        InputCrs::LonLat(Crs::Wgs84) => d.epsg() == Some(4326),
        InputCrs::LonLat(c) => *d == DeclaredCrs::LonLat(c),
    };
    if same {
        return from_explicit(e);
    }
    match e {
        InputCrs::LonLat(_) if d.is_lonlat() => from_explicit(e),
        InputCrs::LonLat(_) => {
            let stated = stated?;
            warnings.push(format!(
                "{}: the file states its CRS ({}); the longitude/latitude CRS {e} given for it \
                 does not apply to projected coordinates and was not used",
                path.display(),
                stated.label()
            ));
            Ok(stated)
        }
        InputCrs::Epsg(_) => {
            let label = stated.map(|s| s.label().to_string()).unwrap_or_default();
            warnings.push(format!(
                "{}: the file states the CRS {label:?} but {e} was given for it; {e} was used \
                 (leave out `crs` / --crs to use the file's own)",
                path.display()
            ));
            from_explicit(e)
        }
    }
}

/// A companion file of a Shapefile (`ext` without the dot, tried in lower
/// and upper case); `None` when neither exists.
fn sidecar(shp: &Path, ext: &str) -> Result<Option<(PathBuf, Vec<u8>)>> {
    for e in [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()] {
        let p = shp.with_extension(&e);
        match crate::bundled::read(&p) {
            Ok(bytes) => return Ok(Some((p, bytes.into_owned()))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(read_failed(&p, err)),
        }
    }
    Ok(None)
}

/// The text encoding a `.cpg` file names: an encoding label (`UTF-8`,
/// `GBK`, `GB2312`, `GB18030`, `Big5`, ...) or a Windows code page number
/// (`936`, `65001`, `CP936`, `ANSI 936`).
fn cpg_encoding(cpg: &Path, text: &str) -> Result<&'static encoding_rs::Encoding> {
    let label = text.trim().trim_start_matches('\u{feff}');
    let lower = label.to_ascii_lowercase();
    let number = lower
        .trim_start_matches("ansi")
        .trim_start_matches("cp")
        .trim_start_matches("windows-")
        .trim();
    let found = match number.parse::<u16>() {
        Ok(cp) => codepage::to_encoding(cp),
        Err(_) => encoding_rs::Encoding::for_label(lower.as_bytes()),
    };
    found.ok_or_else(|| {
        Error::file(
            cpg,
            format!(
                "the .cpg names the encoding {label:?}, which fitcircle does not know; write \
                 the encoding of the .dbf in it (UTF-8, GBK or a code page number such as 936)"
            ),
        )
    })
}

/// A DBF value as text: what a CSV cell of it would say.
fn dbf_value(v: &dbase::FieldValue) -> String {
    use dbase::FieldValue as V;
    match v {
        V::Character(Some(s)) | V::Memo(s) => s.clone(),
        V::Numeric(Some(n)) => n.to_string(),
        V::Float(Some(n)) => n.to_string(),
        V::Logical(Some(b)) => b.to_string(),
        V::Date(Some(d)) => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        V::DateTime(dt) => {
            let d = dt.date();
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        }
        V::Integer(i) => i.to_string(),
        V::Currency(n) | V::Double(n) => n.to_string(),
        V::Character(None)
        | V::Numeric(None)
        | V::Float(None)
        | V::Logical(None)
        | V::Date(None) => String::new(),
    }
}

/// True when a `.dbf` value is a number (numeric, float, integer,
/// currency or double).
fn dbf_numeric(v: &dbase::FieldValue) -> bool {
    use dbase::FieldValue as V;
    matches!(
        v,
        V::Numeric(Some(_)) | V::Float(Some(_)) | V::Integer(_) | V::Currency(_) | V::Double(_)
    )
}

type DbfRows = (Vec<String>, Vec<(shapefile::Shape, dbase::Record)>);

/// The field names and every (shape, record) of a Shapefile, its text
/// decoded as `encoding`.
fn shapefile_rows(
    path: &Path,
    shp: &[u8],
    dbf: &[u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<DbfRows> {
    let bad = |e: &dyn std::fmt::Display| {
        Error::file(
            path,
            format!("not a readable Shapefile ({e}); re-export it, or convert it to a GeoPackage"),
        )
    };
    let dbf_reader = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding))
        .build(Cursor::new(dbf))
        .map_err(|e| bad(&e))?;
    let names: Vec<String> = dbf_reader
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let shapes = shapefile::ShapeReader::new(Cursor::new(shp)).map_err(|e| bad(&e))?;
    let mut reader = shapefile::Reader::new(shapes, dbf_reader);
    let rows = reader
        .iter_shapes_and_records()
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad(&e))?;
    Ok((names, rows))
}

/// True when a text value of `rows` has U+FFFD, the mark of bytes that
/// were not valid in the encoding they were read in.
fn has_replacement(rows: &[(shapefile::Shape, dbase::Record)]) -> bool {
    rows.iter().any(|(_, r)| {
        r.as_ref()
            .values()
            .any(|v| matches!(v, dbase::FieldValue::Character(Some(s)) if s.contains('\u{fffd}')))
    })
}

/// Read a Shapefile (the `.shp` bytes, and the `.dbf` beside `path`) with its `.prj`
/// (the CRS) and `.cpg` (the `.dbf`'s encoding). Without a `.cpg` the text
/// is read as UTF-8, or as GB18030 (GBK, GB2312) when it is not valid
/// UTF-8, with a warning.
pub(crate) fn read_shapefile(path: &Path, shp: &[u8]) -> Result<RawTable> {
    let Some((_, dbf)) = sidecar(path, "dbf")? else {
        return Err(Error::file(
            path,
            "the Shapefile's .dbf (its attributes) is not beside it; copy every file of the \
             Shapefile (.shp, .shx, .dbf, .prj, .cpg) into one folder",
        ));
    };
    let mut warnings = Vec::new();
    let declared = sidecar(path, "prj")?
        .map(|(_, prj)| DeclaredCrs::Wkt(String::from_utf8_lossy(&prj).into_owned()));
    let (names, rows) = match sidecar(path, "cpg")? {
        Some((cpg, text)) => {
            let enc = cpg_encoding(&cpg, &String::from_utf8_lossy(&text))?;
            shapefile_rows(path, shp, &dbf, enc)?
        }
        None => {
            let (names, rows) = shapefile_rows(path, shp, &dbf, encoding_rs::UTF_8)?;
            if has_replacement(&rows) {
                warnings.push(format!(
                    "{}: no .cpg beside it and its .dbf is not UTF-8: its text was read as GBK \
                     (GB18030), the usual encoding of Chinese Shapefiles; if names look wrong, \
                     add a .cpg file naming the encoding (e.g. 936 or UTF-8)",
                    path.display()
                ));
                shapefile_rows(path, shp, &dbf, encoding_rs::GB18030)?
            } else {
                (names, rows)
            }
        }
    };
    let shared = shared_names(&names);
    let mut records = Vec::with_capacity(rows.len());
    for (i, (shape, record)) in rows.into_iter().enumerate() {
        let location = format!("feature {}", i + 1);
        let mut fields = Vec::with_capacity(names.len());
        let mut numeric = Vec::with_capacity(names.len());
        for (n, shared) in names.iter().zip(&shared) {
            let value = record.get(n);
            fields.push((shared.clone(), value.map(dbf_value).unwrap_or_default()));
            numeric.push(value.is_some_and(dbf_numeric));
        }
        let geometry = match shape {
            shapefile::Shape::NullShape => None,
            s => Some(Geometry::<f64>::try_from(s).map_err(|e| {
                Error::record(path, &location, format!("unsupported geometry: {e}"))
            })?),
        };
        records.push(RawRecord {
            location,
            fields,
            numeric,
            geometry,
        });
    }
    Ok(RawTable {
        columns: names,
        records,
        warnings,
        declared,
    })
}

/// The CRS a FlatGeobuf header states.
fn fgb_declared(crs: Option<flatgeobuf::Crs<'_>>) -> Option<DeclaredCrs> {
    let crs = crs?;
    let org_epsg = crs.org().is_none_or(|o| o.eq_ignore_ascii_case("EPSG"));
    if crs.code() > 0 && org_epsg {
        return Some(DeclaredCrs::Epsg(crs.code() as u32));
    }
    if let Some(w) = crs.wkt().filter(|w| !w.trim().is_empty()) {
        return Some(DeclaredCrs::Wkt(w.to_string()));
    }
    match crs.name() {
        Some("GCJ-02") => Some(DeclaredCrs::LonLat(Crs::Gcj02)),
        Some("BD-09") => Some(DeclaredCrs::LonLat(Crs::Bd09)),
        _ => None,
    }
}

/// Read a FlatGeobuf file held in memory.
pub(crate) fn read_flatgeobuf(path: &Path, bytes: &[u8]) -> Result<RawTable> {
    use flatgeobuf::FallibleStreamingIterator;
    use geozero::{FeatureProperties, ToGeo};
    let bad = |e: &dyn std::fmt::Display| {
        Error::file(path, format!("not a readable FlatGeobuf file: {e}"))
    };
    let mut cursor = Cursor::new(bytes);
    let reader = flatgeobuf::FgbReader::open(&mut cursor).map_err(|e| bad(&e))?;
    let header = reader.header();
    let columns: Vec<String> = header
        .columns()
        .map(|cols| cols.iter().map(|c| c.name().to_string()).collect())
        .unwrap_or_default();
    let numeric_cols: Vec<bool> = header
        .columns()
        .map(|cols| {
            cols.iter()
                .map(|c| {
                    use flatgeobuf::ColumnType as T;
                    matches!(
                        c.type_(),
                        T::Byte
                            | T::UByte
                            | T::Short
                            | T::UShort
                            | T::Int
                            | T::UInt
                            | T::Long
                            | T::ULong
                            | T::Float
                            | T::Double
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let declared = fgb_declared(header.crs());
    let mut features = reader.select_all_seq().map_err(|e| bad(&e))?;
    let shared = shared_names(&columns);
    let mut records = Vec::new();
    while let Some(f) = features.next().map_err(|e| bad(&e))? {
        let location = format!("feature {}", records.len() + 1);
        let props = f
            .properties()
            .map_err(|e| Error::record(path, &location, format!("unreadable properties: {e}")))?;
        let fields = columns
            .iter()
            .zip(&shared)
            .map(|(c, n)| (n.clone(), props.get(c).cloned().unwrap_or_default()))
            .collect();
        let geometry = match f.fbs_feature().geometry() {
            None => None,
            Some(_) => Some(f.to_geo().map_err(|e| {
                Error::record(path, &location, format!("unreadable geometry: {e}"))
            })?),
        };
        records.push(RawRecord {
            location,
            fields,
            numeric: numeric_cols.clone(),
            geometry,
        });
    }
    Ok(RawTable {
        columns,
        records,
        warnings: Vec::new(),
        declared,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpg_names_and_code_pages() {
        let p = Path::new("a.cpg");
        for (text, want) in [
            ("UTF-8", encoding_rs::UTF_8),
            ("utf-8\r\n", encoding_rs::UTF_8),
            ("65001", encoding_rs::UTF_8),
            ("GBK", encoding_rs::GBK),
            ("936", encoding_rs::GBK),
            ("CP936", encoding_rs::GBK),
            ("ANSI 936", encoding_rs::GBK),
            ("GB2312", encoding_rs::GBK),
            ("GB18030", encoding_rs::GB18030),
        ] {
            assert_eq!(cpg_encoding(p, text).unwrap(), want, "{text}");
        }
        let m = cpg_encoding(p, "KLINGON").unwrap_err().to_string();
        assert!(m.contains("\"KLINGON\""), "{m}");
    }

    #[test]
    fn stated_and_given_crs_settle() {
        let p = Path::new("x.shp");
        let mut w = Vec::new();
        let wgs = DeclaredCrs::Epsg(4326);
        let gk = DeclaredCrs::Epsg(4527);
        // GCJ-02 data stored as WGS 84: the given CRS refines it, silently.
        let t = resolve_crs(p, Some(InputCrs::LonLat(Crs::Gcj02)), Some(&wgs), &mut w).unwrap();
        assert_eq!((t.label(), w.len()), ("gcj02", 0));
        // A projected file keeps its CRS; a lon/lat --crs does not apply.
        let t = resolve_crs(p, Some(InputCrs::LonLat(Crs::Gcj02)), Some(&gk), &mut w).unwrap();
        assert_eq!(t.label(), "EPSG:4527");
        assert!(w[0].contains("does not apply"), "{w:?}");
        // Another EPSG code given: it wins, with a warning.
        let t = resolve_crs(p, Some(InputCrs::Epsg(4528)), Some(&gk), &mut w).unwrap();
        assert_eq!(t.label(), "EPSG:4528");
        assert!(w[1].contains("EPSG:4528 was used"), "{w:?}");
        // Nothing stated: the given one, else WGS-84.
        let t = resolve_crs(p, None, None, &mut w).unwrap();
        assert!(t.is_identity());
        let m = resolve_crs(p, None, Some(&DeclaredCrs::Epsg(99999)), &mut w)
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with("x.shp: the file's own CRS cannot be used"),
            "{m}"
        );
    }
}
