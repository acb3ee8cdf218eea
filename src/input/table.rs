//! CSV and GeoJSON readers for facilities, communities and administrative
//! units. Both formats become a [`Table`] of [`Record`]s (named fields +
//! WGS-84 geometry), then one set of builders turns records into model
//! types, so the rules (columns, numbers, types, messages) are the same
//! for every format that yields a `Table`.
//!
//! Which column feeds which field is decided once per table by the column
//! table (`seeds/columns.toml`, [`super::columns`]); types and statuses by
//! `seeds/categories.toml` ([`super::categories`]). Text files are decoded
//! by `input::text` (UTF-8, UTF-16, GB18030/GBK; CRLF and CR line ends).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use geo::{Area, Coord, Geodesic, Geometry, Length, MapCoords, MultiPolygon, Point};

use super::bounds;
use super::categories;
use super::columns::{ColumnReport, InputKind, Mapping, field};
pub(crate) use super::record::shared_names;
pub use super::record::{Record, Table};
use crate::config::{InputSpec, PopulationSpec};
use crate::crs::{DeclaredCrs, ToWgs84};
use crate::model::{
    AdminUnit, AreaSource, Category, Community, CultureStation, DropReason, Dropped, Facility,
    GroupPopulation, Groups, HealthFacility, HealthKind, Level, PlanAttributes, PopulationSource,
    Season, Space, Status,
};
use crate::{Error, Result};

/// Which header of `table` feeds each field an input of `kind` reads, and
/// the headers not used, for `fitcircle check`, the terminal and
/// `inputs.csv`; the builders decide the same way.
pub fn column_report(spec: &InputSpec, table: &Table, kind: InputKind) -> Result<ColumnReport> {
    let mut report = Mapping::resolve(&spec.path, table, kind, spec)?.report(&spec.path, table);
    // A category the config gives every row is not a default: say so.
    if let (Some(c), InputKind::Facilities) = (&spec.category, kind)
        && let Some(f) = report
            .fields
            .iter_mut()
            .find(|f| f.field == field::CATEGORY && f.header.is_none())
    {
        f.missing = format!("every row {c:?} (the config's `category`)");
        f.missing_zh = format!("所有行均为 {c:?}（配置中指定）");
    }
    Ok(report)
}

impl Record {
    /// The record of `reason` for this record in `path`, its id and name
    /// taken from the first column named like an id or a name.
    pub fn dropped(&self, path: &Path, reason: DropReason, detail: String) -> Dropped {
        let headers: Vec<String> = self.fields.iter().map(|(k, _)| k.to_string()).collect();
        self.dropped_as(path, &IdName::of(path, &headers), reason, detail)
    }

    /// [`Record::dropped`] with the id and name columns found once for the
    /// whole table.
    fn dropped_as(
        &self,
        path: &Path,
        cols: &IdName,
        reason: DropReason,
        detail: String,
    ) -> Dropped {
        let value = |c: &Option<String>| self.get(c.as_ref()).unwrap_or("").to_string();
        Dropped {
            file: path.to_path_buf(),
            id: value(&cols.id),
            name: value(&cols.name),
            ..Dropped::new(self.location.clone(), reason, detail)
        }
    }
}

/// The columns naming a record in `dropped.csv`: its id and name, as the
/// first input kind (facilities, communities, units) that has them finds
/// them.
struct IdName {
    id: Option<String>,
    name: Option<String>,
}

impl IdName {
    fn of(path: &Path, headers: &[String]) -> IdName {
        let spec = InputSpec::from_path(path.to_path_buf());
        let find = |f: &str| {
            [
                InputKind::Facilities,
                InputKind::Communities,
                InputKind::Units,
            ]
            .iter()
            .find_map(|k| {
                let m = Mapping::of_headers(path, headers, *k, &spec, false).ok()?;
                m.header(f).cloned()
            })
        };
        IdName {
            id: find(field::ID),
            name: find(field::NAME),
        }
    }
}

/// An [`Error::Read`] whose I/O error says what to fix for the common cases
/// (no such file, a folder instead of a file, no permission); the error kind
/// is kept.
pub(crate) fn read_error(path: &Path, source: std::io::Error) -> Error {
    use std::io::ErrorKind;
    let hint = match source.kind() {
        ErrorKind::NotFound => Some(
            "no such file; check the name and folder (a path on the command line is relative \
             to the current folder, a path in a config file to the config file's folder)",
        ),
        ErrorKind::IsADirectory => Some("this is a folder, not a file; name a file inside it"),
        ErrorKind::PermissionDenied => {
            Some("permission denied; make the file readable or copy it somewhere readable")
        }
        _ => None,
    };
    let source = match hint {
        Some(h) => std::io::Error::new(source.kind(), h),
        None => source,
    };
    Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// The table formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values with a header row (`.csv`, `.txt`, `.tsv`).
    Csv,
    /// A GeoJSON FeatureCollection (`.geojson`, `.json`).
    GeoJson,
    /// A GeoPackage (`.gpkg`): one layer of features.
    GeoPackage,
    /// An ESRI Shapefile (`.shp` with its `.dbf`, `.prj` and `.cpg`).
    Shapefile,
    /// FlatGeobuf (`.fgb`), as fitcircle writes it with `--format fgb`.
    FlatGeobuf,
}

impl TableFormat {
    /// The format a file's extension says; an error naming the file for
    /// any other extension.
    pub fn of_path(path: &Path) -> Result<Self> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" | "tsv" => Ok(TableFormat::Csv),
            "geojson" | "json" => Ok(TableFormat::GeoJson),
            "gpkg" => Ok(TableFormat::GeoPackage),
            "shp" => Ok(TableFormat::Shapefile),
            "fgb" => Ok(TableFormat::FlatGeobuf),
            "dbf" | "shx" | "prj" | "cpg" => Err(Error::file(
                path,
                "this is one of a Shapefile's companion files; give the .shp file (its .dbf, \
                 .prj and .cpg are read from beside it)",
            )),
            other => Err(Error::file(
                path,
                format!(
                    "unknown file type {other:?}; use .csv, .geojson/.json, .gpkg, .shp, .fgb, \
                     .osm.pbf or .osm"
                ),
            )),
        }
    }
}

/// Read a table file into records (geometry converted to WGS-84).
pub fn read_table(spec: &InputSpec) -> Result<Table> {
    let path = &spec.path;
    let format = TableFormat::of_path(path)?;
    let text = crate::bundled::read(path).map_err(|source| read_error(path, source))?;
    if format == TableFormat::Shapefile {
        let (table, declared) = from_raw(super::gis::read_shapefile(path, &text)?);
        return finish_table(table, declared, spec);
    }
    check_not_empty(path, &text)?;
    parse_table(&text, format, spec)
}

/// Read a table held in memory into records (geometry converted to
/// WGS-84). `spec` gives the options (CRS, columns, filter, layer); its
/// `path` only names the data, in error messages and in the ids made up
/// for rows without one (`stem:row`): it is not opened. A Shapefile is
/// several files and is read by [`read_table`] only.
pub fn read_table_bytes(bytes: &[u8], format: TableFormat, spec: &InputSpec) -> Result<Table> {
    check_not_empty(&spec.path, bytes)?;
    parse_table(bytes, format, spec)
}

/// [`read_table_bytes`] over everything `reader` gives (a pipe, a
/// socket, an open file).
pub fn read_table_from(
    mut reader: impl std::io::Read,
    format: TableFormat,
    spec: &InputSpec,
) -> Result<Table> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|source| read_error(&spec.path, source))?;
    read_table_bytes(&bytes, format, spec)
}

fn check_not_empty(path: &Path, bytes: &[u8]) -> Result<()> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::file(
            path,
            "the file is empty; it needs a header row (CSV) or a FeatureCollection (GeoJSON)",
        ));
    }
    Ok(())
}

/// The records of a table (not empty) of `format`, filtered, without
/// exact repeats, their geometry checked and converted to WGS-84.
fn parse_table(bytes: &[u8], format: TableFormat, spec: &InputSpec) -> Result<Table> {
    let path = &spec.path;
    let (table, declared) = match format {
        TableFormat::Csv => (read_csv(path, bytes)?, None),
        TableFormat::GeoJson => read_geojson(path, bytes)?,
        TableFormat::GeoPackage => from_raw(read_geopackage(path, bytes, spec.layer.as_deref())?),
        TableFormat::FlatGeobuf => from_raw(super::gis::read_flatgeobuf(path, bytes)?),
        TableFormat::Shapefile => {
            return Err(Error::file(
                path,
                "a Shapefile is several files (.shp, .dbf, .prj, .cpg); read it by its path",
            ));
        }
    };
    finish_table(table, declared, spec)
}

/// A GIS reader's table as records, and the CRS the file states.
fn from_raw(raw: super::gis::RawTable) -> (Table, Option<DeclaredCrs>) {
    let records = raw
        .records
        .into_iter()
        .map(|r| Record {
            location: r.location,
            fields: r.fields,
            numeric: r.numeric,
            geometry: r.geometry,
        })
        .collect();
    let table = Table {
        columns: raw.columns,
        records,
        warnings: raw.warnings,
        ..Default::default()
    };
    (table, raw.declared)
}

/// One layer of a GeoPackage held in memory: `layer`, or the only one.
#[cfg(feature = "gpkg")]
fn read_geopackage(path: &Path, bytes: &[u8], layer: Option<&str>) -> Result<super::gis::RawTable> {
    super::gpkg_read::read(path, bytes, layer)
}

/// Without the `gpkg` feature: an error saying how to convert the file.
#[cfg(not(feature = "gpkg"))]
fn read_geopackage(
    path: &Path,
    _bytes: &[u8],
    _layer: Option<&str>,
) -> Result<super::gis::RawTable> {
    Err(Error::file(
        path,
        "this build of fitcircle reads no GeoPackage (built without the `gpkg` feature); \
         convert the layer with `ogr2ogr -f FlatGeobuf out.fgb in.gpkg LAYER`",
    ))
}

/// Filter, drop exact repeats, and check, repair and convert each
/// record's geometry to WGS-84 from the CRS `spec` and the file's own
/// declaration settle on (see [`super::gis::resolve_crs`]). The same for
/// every source of records (a file, or records held in memory,
/// `input::memory`).
pub(crate) fn finish_table(
    mut table: Table,
    declared: Option<DeclaredCrs>,
    spec: &InputSpec,
) -> Result<Table> {
    let path = &spec.path;
    if let Some(f) = &spec.filter {
        if !table.columns.iter().any(|c| c == &f.column) {
            return Err(Error::file(
                path,
                format!("filter column {:?} is not in the file", f.column),
            ));
        }
        table
            .records
            .retain(|r| r.get(Some(&f.column)) == Some(f.equals.as_str()));
    }
    drop_exact_duplicates(path, &mut table);
    if table.geometry_from_columns {
        geometry_from_columns(path, &mut table, spec)?;
    }
    let names = IdName::of(path, &table.columns);
    let conv = super::gis::resolve_crs(path, spec.crs, declared.as_ref(), &mut table.warnings)?;
    table.crs = conv.label().to_string();
    let mut repaired = Vec::new();
    for r in table.records.iter_mut() {
        if let Some(g) = r.geometry.take() {
            let g = if conv.is_lonlat() {
                check_geometry(path, &r.location, &g)?;
                to_wgs84(path, &r.location, g, &conv)?
            } else {
                let g = to_wgs84(path, &r.location, g, &conv)?;
                check_geometry(path, &r.location, &g)?;
                g
            };
            let (g, note) = super::repair::repair_geometry(g);
            if let Some(note) = note {
                let detail = format!("invalid polygon repaired: {note}");
                table
                    .dropped
                    .push(r.dropped_as(path, &names, DropReason::PolygonRepaired, detail));
                repaired.push(format!("{} ({note})", r.location));
            }
            r.geometry = Some(g);
        }
    }
    if !repaired.is_empty() {
        const SHOWN: usize = 10;
        let more = repaired.len().saturating_sub(SHOWN);
        repaired.truncate(SHOWN);
        table.warnings.push(format!(
            "{}: {} invalid polygons repaired: {}{}",
            path.display(),
            repaired.len() + more,
            repaired.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    Ok(table)
}

/// `g` converted to WGS-84; a point outside the CRS's domain is an error
/// naming the record, the CRS and what to check.
fn to_wgs84(
    path: &Path,
    location: &str,
    g: Geometry<f64>,
    conv: &ToWgs84,
) -> Result<Geometry<f64>> {
    if conv.is_identity() {
        return Ok(g);
    }
    let bad = std::cell::Cell::new(None);
    let out = g.map_coords(|c| match conv.convert(c.x, c.y) {
        Some((x, y)) => Coord { x, y },
        None => {
            if bad.get().is_none() {
                bad.set(Some((c.x, c.y)));
            }
            Coord {
                x: f64::NAN,
                y: f64::NAN,
            }
        }
    });
    if let Some((x, y)) = bad.get() {
        return Err(Error::record(
            path,
            location,
            format!(
                "coordinate ({x}, {y}) cannot be converted from {}: it lies outside that \
                 CRS; check the CRS (--crs, `crs` in the config, or the file's .prj)",
                conv.label()
            ),
        ));
    }
    Ok(out)
}

/// A coordinate (decimal degrees, or metres for projected data): a plain
/// number with a point as the decimal mark; a comma is refused (it was
/// once dropped, reading `39,9` as 399).
fn parse_number(path: &Path, location: &str, column: &str, value: &str) -> Result<f64> {
    if value.contains(',') {
        return Err(Error::record(
            path,
            location,
            format!(
                "column {column:?}: {value:?} has a comma; write coordinates in decimal \
                 degrees with a point (e.g. 39.9)"
            ),
        ));
    }
    let v: f64 = value.trim().parse().map_err(|_| {
        Error::record(
            path,
            location,
            format!("column {column:?}: {value:?} is not a number"),
        )
    })?;
    if !v.is_finite() {
        return Err(Error::record(
            path,
            location,
            format!("column {column:?}: {value:?} is not a finite number"),
        ));
    }
    Ok(v)
}

/// Check a lon/lat pair, spotting swapped columns.
fn check_lonlat(path: &Path, location: &str, lon: f64, lat: f64) -> Result<()> {
    let lon_ok = (-180.0..=180.0).contains(&lon);
    let lat_ok = (-90.0..=90.0).contains(&lat);
    if lon_ok && lat_ok {
        return Ok(());
    }
    if !lat_ok && (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
        return Err(Error::record(
            path,
            location,
            format!(
                "latitude {lat} is out of range [-90, 90] while longitude {lon} would be a \
                 valid latitude: longitude and latitude look swapped; swap the columns (or \
                 set columns.lon / columns.lat in the config; GeoJSON positions are [lon, lat])"
            ),
        ));
    }
    Err(Error::record(
        path,
        location,
        format!(
            "coordinate ({lon}, {lat}) is out of range (longitude -180..180, latitude -90..90); \
             are the coordinates projected (metres)? Give their CRS: --crs EPSG:xxxx (e.g. \
             EPSG:4527 for CGCS2000 3-degree Gauss-Kruger zone 39, EPSG:4548 for its central \
             meridian 117E without the zone number, EPSG:32650 for UTM 50N), `crs = \"EPSG:xxxx\"` \
             in the config, or the Shapefile's .prj beside the .shp"
        ),
    ))
}

fn check_geometry(path: &Path, location: &str, g: &Geometry<f64>) -> Result<()> {
    use geo::CoordsIter;
    for c in g.coords_iter() {
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(Error::record(
                path,
                location,
                "coordinate is not a finite number",
            ));
        }
        check_lonlat(path, location, c.x, c.y)?;
    }
    let check_poly = |p: &geo::Polygon<f64>| -> Result<()> {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            if ring.0.len() < 4 {
                return Err(Error::record(
                    path,
                    location,
                    format!(
                        "polygon ring has {} positions; a ring needs at least 4 (3 corners \
                         plus the first repeated at the end)",
                        ring.0.len()
                    ),
                ));
            }
        }
        Ok(())
    };
    match g {
        Geometry::Polygon(p) => check_poly(p)?,
        Geometry::MultiPolygon(mp) => mp.iter().try_for_each(check_poly)?,
        Geometry::LineString(l) if l.0.len() < 2 => {
            return Err(Error::record(
                path,
                location,
                "line has fewer than 2 positions",
            ));
        }
        _ => {}
    }
    Ok(())
}

fn read_csv(path: &Path, bytes: &[u8]) -> Result<Table> {
    let (text, encoding) = super::text::decode(path, bytes)?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| Error::file(path, format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(Error::file(path, "the CSV header row is empty"));
    }
    let shared = shared_names(&headers);
    let mut records = Vec::new();
    for row in rdr.records() {
        let row = row.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            let what = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!(
                    "has {len} fields but the header has {expected_len}; fix the quoting or \
                     the number of commas"
                ),
                _ => format!("cannot be read: {e}"),
            };
            Error::record(path, format!("row {line}"), format!("the row {what}"))
        })?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        records.push(Record {
            location: format!("row {line}"),
            fields: shared
                .iter()
                .cloned()
                .zip(row.iter().map(str::to_string))
                .collect(),
            numeric: Vec::new(),
            geometry: None,
        });
    }
    Ok(Table {
        columns: headers,
        records,
        encoding: Some(encoding),
        geometry_from_columns: true,
        ..Table::default()
    })
}

/// The geometry of each row of a table whose geometry is in columns (a
/// CSV): its WKT, else its lon / lat.
fn geometry_from_columns(path: &Path, table: &mut Table, spec: &InputSpec) -> Result<()> {
    let [lon_col, lat_col, wkt_col] = super::columns::geometry_columns(path, &table.columns, spec)?;
    if wkt_col.is_none() && (lon_col.is_none() || lat_col.is_none()) {
        let tried = |f: &str| {
            super::columns::field_def(f)
                .map(|d| d.all_headers().join(", "))
                .unwrap_or_default()
        };
        return Err(Error::file(
            path,
            format!(
                "no coordinate columns: need lon and lat columns (tried {} / {}) or a WKT \
                 column (tried {}); found: {}; or name them with --column lon=HEADER \
                 --column lat=HEADER (columns.lon / columns.lat in the config)",
                tried(field::LON),
                tried(field::LAT),
                tried(field::WKT),
                table.columns.join(", ")
            ),
        ));
    }
    for rec in table.records.iter_mut() {
        let geometry = if let Some(w) = rec.get(wkt_col.as_ref()) {
            parse_wkt(path, &rec.location, w)?
        } else {
            match (rec.get(lon_col.as_ref()), rec.get(lat_col.as_ref())) {
                (Some(x), Some(y)) => {
                    let lon =
                        parse_number(path, &rec.location, lon_col.as_deref().unwrap_or(""), x)?;
                    let lat =
                        parse_number(path, &rec.location, lat_col.as_deref().unwrap_or(""), y)?;
                    Geometry::Point(Point::new(lon, lat))
                }
                _ => {
                    return Err(Error::record(
                        path,
                        &rec.location,
                        "missing coordinates: fill in the lon and lat columns (or the WKT column)",
                    ));
                }
            }
        };
        rec.geometry = Some(geometry);
    }
    Ok(())
}

fn parse_wkt(path: &Path, location: &str, text: &str) -> Result<Geometry<f64>> {
    use std::str::FromStr;
    let w = wkt::Wkt::<f64>::from_str(text)
        .map_err(|e| Error::record(path, location, format!("invalid WKT geometry: {e}")))?;
    Geometry::try_from(w)
        .map_err(|e| Error::record(path, location, format!("unsupported WKT geometry: {e}")))
}

fn json_to_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Raw GeoJSON check before conversion: positions need 2+ numbers and
/// polygon rings 4+ closed positions.
fn check_raw_geometry(path: &Path, location: &str, v: &geojson::GeometryValue) -> Result<()> {
    use geojson::GeometryValue as G;
    let pos = |p: &geojson::Position| -> Result<()> {
        if p.as_slice().len() < 2 {
            return Err(Error::record(
                path,
                location,
                "a position needs at least 2 numbers [longitude, latitude]",
            ));
        }
        Ok(())
    };
    let ring = |r: &Vec<geojson::Position>| -> Result<()> {
        r.iter().try_for_each(pos)?;
        if r.len() < 4 {
            return Err(Error::record(
                path,
                location,
                format!(
                    "polygon ring has {} positions; a ring needs at least 4 (3 corners plus \
                     the first repeated at the end)",
                    r.len()
                ),
            ));
        }
        if r.first() != r.last() {
            return Err(Error::record(
                path,
                location,
                "polygon ring is not closed: repeat the first position at the end",
            ));
        }
        Ok(())
    };
    match v {
        G::Point { coordinates } => pos(coordinates),
        G::MultiPoint { coordinates } | G::LineString { coordinates } => {
            coordinates.iter().try_for_each(pos)
        }
        G::MultiLineString { coordinates } => coordinates.iter().flatten().try_for_each(pos),
        G::Polygon { coordinates } => coordinates.iter().try_for_each(ring),
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().try_for_each(ring),
        G::GeometryCollection { geometries } => geometries
            .iter()
            .try_for_each(|g| check_raw_geometry(path, location, &g.value)),
    }
}

/// The CRS a GeoJSON's `crs` member names (GeoJSON 2008; RFC 7946 dropped
/// it, but GDAL still writes it for projected data): `{"type": "name",
/// "properties": {"name": "urn:ogc:def:crs:EPSG::4527"}}` or the older
/// `{"type": "EPSG", "properties": {"code": 4527}}`.
fn geojson_crs(path: &Path, value: &serde_json::Value) -> Result<Option<DeclaredCrs>> {
    let Some(crs) = value.get("crs").filter(|c| !c.is_null()) else {
        return Ok(None);
    };
    let props = crs.get("properties");
    let name = props.and_then(|p| p.get("name")).and_then(|n| n.as_str());
    let code = props.and_then(|p| p.get("code"));
    let found = match (name, code) {
        (Some(n), _) => crate::crs::projected::epsg_code_of(n),
        (None, Some(c)) => c
            .as_u64()
            .and_then(|c| u32::try_from(c).ok())
            .or_else(|| c.as_str().and_then(crate::crs::projected::epsg_code_of)),
        (None, None) => None,
    };
    match found {
        Some(code) => Ok(Some(DeclaredCrs::Epsg(code))),
        None => Err(Error::file(
            path,
            format!(
                "the \"crs\" member {crs} names no EPSG code fitcircle can read; write it as \
                 {{\"type\": \"name\", \"properties\": {{\"name\": \"EPSG:4527\"}}}}, or remove it \
                 and pass --crs EPSG:xxxx"
            ),
        )),
    }
}

fn read_geojson(path: &Path, bytes: &[u8]) -> Result<(Table, Option<DeclaredCrs>)> {
    // Decoded like a CSV: a byte-order mark (Windows editors write one) is
    // not JSON, and a GBK file is read as such.
    let (text, encoding) = super::text::decode(path, bytes)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Error::file(
            path,
            format!(
                "not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let kind = value.get("type").and_then(|t| t.as_str()).unwrap_or("");
    if kind != "FeatureCollection" {
        return Err(Error::file(
            path,
            format!(
                "expected a GeoJSON FeatureCollection, found {}; wrap the features in \
                 {{\"type\": \"FeatureCollection\", \"features\": [...]}}",
                if kind.is_empty() {
                    "no \"type\"".to_string()
                } else {
                    format!("type {kind:?}")
                }
            ),
        ));
    }
    let Some(features) = value.get("features").and_then(|f| f.as_array()) else {
        return Err(Error::file(
            path,
            "the FeatureCollection has no \"features\" array",
        ));
    };
    let declared = geojson_crs(path, &value)?;
    // Columns in order of first use, with a set to find them: a file whose
    // every feature has its own property key stays linear.
    let mut columns: Vec<String> = Vec::new();
    let mut known: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut records = Vec::with_capacity(features.len());
    for (i, fv) in features.iter().enumerate() {
        let mut location = format!("feature {}", i + 1);
        let feature: geojson::Feature = serde_json::from_value(fv.clone()).map_err(|e| {
            Error::record(path, &location, format!("not a valid GeoJSON Feature: {e}"))
        })?;
        let mut fields: Vec<(Arc<str>, String)> = Vec::new();
        let mut numeric: Vec<bool> = Vec::new();
        if let Some(props) = &feature.properties {
            for (k, v) in props {
                fields.push((Arc::from(k.as_str()), json_to_string(v)));
                numeric.push(v.is_number());
            }
        }
        if let Some(id) = &feature.id {
            let id = match id {
                geojson::feature::Id::String(s) => s.clone(),
                geojson::feature::Id::Number(n) => n.to_string(),
            };
            if !fields.iter().any(|(k, _)| &**k == "id") {
                fields.push((Arc::from("id"), id));
                numeric.push(false);
            }
        }
        if let Some((_, id)) = fields.iter().find(|(k, _)| &**k == "id") {
            location = format!("feature {} (id {id:?})", i + 1);
        }
        for (k, _) in &fields {
            if !known.contains(&**k) {
                known.insert(k.to_string());
                columns.push(k.to_string());
            }
        }
        let geometry = match &feature.geometry {
            None => None,
            Some(g) => {
                check_raw_geometry(path, &location, &g.value)?;
                Some(Geometry::<f64>::try_from(&g.value).map_err(|e| {
                    Error::record(path, &location, format!("unsupported geometry: {e}"))
                })?)
            }
        };
        records.push(Record {
            location,
            fields,
            numeric,
            geometry,
        });
    }
    let table = Table {
        columns,
        records,
        encoding: Some(encoding),
        ..Table::default()
    };
    Ok((table, declared))
}

/// The id of `rec`: its id column, else `stem:row` (the file's stem and
/// the record's position, from 1).
fn record_id(path: &Path, rec: &Record, cols: &Mapping, index: usize) -> String {
    cols.text(rec, field::ID)
        .map(str::to_string)
        .unwrap_or_else(|| {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("row");
            format!("{stem}:{}", index + 1)
        })
}

/// Drop records identical in every field and in geometry to an earlier one
/// (scraped sources repeat rows); one warning names the rows. Records that
/// share an id but differ are left for [`check_unique`] to reject.
fn drop_exact_duplicates(path: &Path, table: &mut Table) {
    let names = IdName::of(path, &table.columns);
    // Records by a hash of their fields and coordinates; those with equal
    // hashes compared in full (the geometry by its Debug text, as exact as
    // before: the same structure and every coordinate's bits). Formatting
    // every record's geometry to text as the key took most of the time
    // of loading 500,000 polygons held in memory.
    // The first record of each hash, and the later ones whose hash it
    // shares without being the same (rare): no list per record.
    let mut seen: HashMap<u64, usize> = HashMap::with_capacity(table.records.len());
    let mut more: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut dropped = Vec::new();
    let mut keep = vec![true; table.records.len()];
    let mut buf = Vec::new();
    for (i, r) in table.records.iter().enumerate() {
        let h = record_hash(r, &mut buf);
        let j = *seen.entry(h).or_insert(i);
        let first = if j == i {
            None
        } else {
            let bucket = more.entry(h).or_default();
            let same = std::iter::once(j)
                .chain(bucket.iter().copied())
                .find(|&j| same_record(&table.records[j], r));
            if same.is_none() {
                bucket.push(i);
            }
            same
        };
        if let Some(j) = first {
            let first = &table.records[j].location;
            let detail = format!("repeats {first} exactly; left out");
            table
                .dropped
                .push(r.dropped_as(path, &names, DropReason::Duplicate, detail));
            dropped.push(format!("{} (same as {first})", r.location));
            keep[i] = false;
        }
    }
    if !dropped.is_empty() {
        let mut flags = keep.iter();
        table
            .records
            .retain(|_| *flags.next().expect("one flag per record"));
    }
    if !dropped.is_empty() {
        table.warnings.push(format!(
            "{}: {} rows repeat an earlier row exactly and were dropped: {}",
            path.display(),
            dropped.len(),
            dropped.join(", ")
        ));
    }
}

/// A hash of a record's fields and geometry (its kind and every
/// coordinate's bits) for [`drop_exact_duplicates`]: the bytes end to end
/// (each field's name and value ended by a 0xff, which UTF-8 never holds)
/// through xxh3 at once, rather than a streaming hasher per value.
fn record_hash(r: &Record, buf: &mut Vec<u8>) -> u64 {
    use geo::CoordsIter;
    buf.clear();
    for (k, v) in &r.fields {
        buf.extend_from_slice(k.as_bytes());
        buf.push(0xff);
        buf.extend_from_slice(v.as_bytes());
        buf.push(0xff);
    }
    match &r.geometry {
        None => buf.push(0),
        Some(g) => {
            buf.push(1);
            buf.extend_from_slice(&geometry_kind(g).to_le_bytes());
            for c in g.coords_iter() {
                buf.extend_from_slice(&c.x.to_bits().to_le_bytes());
                buf.extend_from_slice(&c.y.to_bits().to_le_bytes());
            }
        }
    }
    xxhash_rust::xxh3::xxh3_64(buf)
}

/// A number per kind of geometry, for [`record_hash`].
fn geometry_kind(g: &Geometry<f64>) -> u32 {
    match g {
        Geometry::Point(_) => 0,
        Geometry::Line(_) => 1,
        Geometry::LineString(_) => 2,
        Geometry::Polygon(_) => 3,
        Geometry::MultiPoint(_) => 4,
        Geometry::MultiLineString(_) => 5,
        Geometry::MultiPolygon(_) => 6,
        Geometry::GeometryCollection(_) => 7,
        Geometry::Rect(_) => 8,
        Geometry::Triangle(_) => 9,
    }
}

/// A hasher for [`check_unique`]'s ids: xxh3 of each write (an id is one
/// write and its end marker), seeded by what came before.
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.0);
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0 ^ u64::from(i)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Two records the same in every field and in geometry.
fn same_record(a: &Record, b: &Record) -> bool {
    a.fields == b.fields && format!("{:?}", a.geometry) == format!("{:?}", b.geometry)
}

/// Fail on the first repeated id, naming both places.
fn check_unique<'a>(path: &Path, items: impl Iterator<Item = (&'a str, &'a str)>) -> Result<()> {
    type Ids<'a> = HashMap<&'a str, &'a str, std::hash::BuildHasherDefault<IdHasher>>;
    let mut seen: Ids = HashMap::with_capacity_and_hasher(items.size_hint().0, Default::default());
    for (id, location) in items {
        if let Some(first) = seen.insert(id, location) {
            return Err(Error::record(
                path,
                location,
                format!("duplicate id {id:?} (first used at {first}); ids must be unique"),
            ));
        }
    }
    Ok(())
}

fn geometry_area(g: &Geometry<f64>) -> Option<f64> {
    crate::spatial::geodesic_area_m2(g)
}

/// Build facilities from a CSV/GeoJSON input.
pub fn facilities_from(spec: &InputSpec, warnings: &mut Vec<String>) -> Result<Vec<Facility>> {
    facilities_from_table(spec, &read_table(spec)?, warnings)
}

/// Build facilities from the records of a table read for `spec` (by
/// [`read_table`] or [`read_table_bytes`]); the table's warnings, the
/// headers not used and the opening hours not understood are added to
/// `warnings`.
pub fn facilities_from_table(
    spec: &InputSpec,
    table: &Table,
    warnings: &mut Vec<String>,
) -> Result<Vec<Facility>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = Mapping::resolve(path, table, InputKind::Facilities, spec)?;
    warnings.extend(cols.unused_warning(path));
    if table.records.is_empty() && spec.filter.is_none() {
        return Err(Error::file(
            path,
            "the file has no rows or features; give at least one facility (a row with a \
             category and a location) or leave the file out",
        ));
    }
    let fixed_type = fixed_type(spec, &cols)?;
    let count_col = match &spec.count_column {
        Some(c) if table.columns.iter().any(|h| h == c) => Some(c.clone()),
        Some(c) => {
            return Err(Error::file(
                path,
                format!(
                    "configured column {c:?} is not in the file (columns: {})",
                    table.columns.join(", ")
                ),
            ));
        }
        None => None,
    };
    let mut out = Vec::new();
    let mut locations = Vec::new();
    let mut unread_hours = Vec::new();
    for (i, rec) in table.records.iter().enumerate() {
        let row = FacilityRow::read(path, spec, rec, &cols, fixed_type.as_ref())?;
        let id = record_id(path, rec, &cols, i);
        let copies = match &count_col {
            Some(c) => copies(path, rec, c)?,
            None => 1,
        };
        if copies == 0 {
            continue;
        }
        let facility = row.facility(path, spec, rec, &cols, id)?;
        if let Some(e) = facility
            .opening_hours
            .as_deref()
            .and_then(|h| super::hours::parse_opening_hours(h).err())
        {
            unread_hours.push(format!("{} {:?} ({e})", rec.location, facility.id));
        }
        for _ in 0..copies {
            locations.push(rec.location.clone());
        }
        push_copies(&mut out, facility, copies, count_col.is_some());
    }
    warnings.extend(hours_warning(path, &unread_hours));
    check_unique(
        path,
        out.iter()
            .zip(&locations)
            .map(|(f, l)| (f.id.as_str(), l.as_str())),
    )?;
    Ok(out)
}

/// The warning for rows whose opening hours are not understood (the first
/// ten named), `None` when there are none.
pub(crate) fn hours_warning(path: &Path, rows: &[String]) -> Option<String> {
    const SHOWN: usize = 10;
    if rows.is_empty() {
        return None;
    }
    let more = rows.len().saturating_sub(SHOWN);
    Some(format!(
        "{}: the opening hours of {} record{} are not understood, so {} in no time window \
         (never as always open); write them as in the README (\"Opening hours\"): {}{}",
        path.display(),
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        if rows.len() == 1 {
            "that venue counts"
        } else {
            "those venues count"
        },
        rows[..rows.len().min(SHOWN)].join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    ))
}

/// The type the config gives every row of `spec`, if any; an error when
/// it gives none and the file has no category column.
fn fixed_type(spec: &InputSpec, cols: &Mapping) -> Result<Option<(Category, Option<String>)>> {
    let path = &spec.path;
    let fixed = match &spec.category {
        Some(c) => Some(
            categories::facility_type(c, &spec.extra_categories)
                .map_err(|e| Error::config(path.display().to_string(), e))?,
        ),
        None => None,
    };
    if fixed.is_none() && cols.header(field::CATEGORY).is_none() {
        let tried = super::columns::field_def(field::CATEGORY)
            .map(|d| d.accepted(InputKind::Facilities).join(", "))
            .unwrap_or_default();
        return Err(Error::file(
            path,
            format!(
                "no category column (tried {tried}); add one, name it with --column \
                 category=HEADER, or set `category` for this input in the config"
            ),
        ));
    }
    Ok(fixed)
}

/// The number of facilities a row stands for, from its count column (a
/// whole number, 0 or more).
fn copies(path: &Path, rec: &Record, count_col: &String) -> Result<usize> {
    let n = match rec.get(Some(count_col)) {
        Some(v) => bounds::COUNT.parse(v).map_err(|e| {
            Error::record(path, &rec.location, format!("column {count_col:?}: {e}"))
        })?,
        None => 0.0,
    };
    Ok(n as usize)
}

/// `copies` (at least 1) of `facility`: numbered `id#1`, `id#2`, ... when
/// `numbered` (the row has a count column), else all with its id.
fn push_copies(out: &mut Vec<Facility>, mut facility: Facility, copies: usize, numbered: bool) {
    let id = std::mem::take(&mut facility.id);
    let id_of = |k: usize| {
        if numbered {
            format!("{id}#{}", k + 1)
        } else {
            id.clone()
        }
    };
    for k in 0..copies - 1 {
        out.push(Facility {
            id: id_of(k),
            ..facility.clone()
        });
    }
    out.push(Facility {
        id: id_of(copies - 1),
        ..facility
    });
}

/// The fields of one facility row that are checked before its count
/// (kept in this order: the first error of a row is the one reported).
struct FacilityRow {
    geometry: Geometry<f64>,
    category: Category,
    subtype: Option<String>,
    status: Status,
    area_m2: f64,
    floor_area_m2: f64,
    area_source: AreaSource,
    length_m: Option<f64>,
    open_to_public: Option<bool>,
    fit_to_open: Option<bool>,
    build_year: Option<i32>,
}

impl FacilityRow {
    fn read(
        path: &Path,
        spec: &InputSpec,
        rec: &Record,
        cols: &Mapping,
        fixed_type: Option<&(Category, Option<String>)>,
    ) -> Result<Self> {
        let Some(geometry) = rec.geometry.clone() else {
            return Err(Error::record(
                path,
                &rec.location,
                "feature has no geometry",
            ));
        };
        let (category, type_subtype) = match (fixed_type, cols.text(rec, field::CATEGORY)) {
            (Some(t), _) => t.clone(),
            (None, Some(v)) => categories::facility_type(v, &spec.extra_categories)
                .map_err(|e| Error::record(path, &rec.location, e))?,
            (None, None) => {
                return Err(Error::record(
                    path,
                    &rec.location,
                    format!(
                        "empty category; fill in the {:?} column",
                        cols.header(field::CATEGORY)
                            .map_or("category", String::as_str)
                    ),
                ));
            }
        };
        let status = match cols.text(rec, field::STATUS) {
            Some(v) => categories::status(v).map_err(|e| {
                Error::record(
                    path,
                    &rec.location,
                    format!(
                        "column {:?}: {e}",
                        cols.header(field::STATUS).map_or("", String::as_str)
                    ),
                )
            })?,
            None => Status::Existing,
        };
        let given_area = cols.number(path, rec, field::AREA, &bounds::AREA_M2)?;
        let given_floor = cols.number(path, rec, field::FLOOR, &bounds::FLOOR_AREA_M2)?;
        let length_m = cols.number(path, rec, field::LENGTH, &bounds::LENGTH_M)?;
        let (area_m2, floor_area_m2, area_source) =
            facility_areas(category, &geometry, given_area, given_floor, length_m);
        let subtype = cols
            .text(rec, field::SUBTYPE)
            .map(categories::subtype)
            .or(type_subtype);
        Ok(FacilityRow {
            subtype: sized_subtype(category, subtype, area_m2, area_source),
            geometry,
            category,
            status,
            area_m2,
            floor_area_m2,
            area_source,
            length_m,
            open_to_public: cols.flag(path, rec, field::OPEN)?,
            fit_to_open: cols.flag(path, rec, field::FIT_TO_OPEN)?,
            build_year: cols.year(path, rec, field::YEAR)?,
        })
    }

    /// The facility of this row with id `id` (the remaining fields read
    /// from `rec`).
    fn facility(
        self,
        path: &Path,
        spec: &InputSpec,
        rec: &Record,
        cols: &Mapping,
        id: String,
    ) -> Result<Facility> {
        let equipment_generation = cols
            .number(path, rec, field::GENERATION, &bounds::GENERATION)?
            .map(|g| g as u8);
        Ok(Facility {
            id,
            name: cols.text(rec, field::NAME).unwrap_or("").to_string(),
            category: self.category,
            status: self.status,
            area_m2: self.area_m2,
            floor_area_m2: self.floor_area_m2,
            area_source: self.area_source,
            opening_hours: cols.text(rec, field::HOURS).map(str::to_string),
            open_to_public: self.open_to_public,
            fit_to_open: self.fit_to_open,
            length_m: self.length_m,
            school_id: None,
            build_year: self.build_year,
            geometry: self.geometry,
            entrances: Vec::new(),
            note: spec.note.clone(),
            subtype: self.subtype,
            equipment_generation,
            plan: plan_attributes(path, rec, cols)?,
        })
    }
}

/// The value of `field` in `rec` parsed by `parse`, `None` when empty;
/// an error names the file, the row, the column and what to use.
fn parsed<T>(
    path: &Path,
    rec: &Record,
    cols: &Mapping,
    field: &str,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> Result<Option<T>> {
    let Some(v) = cols.text(rec, field) else {
        return Ok(None);
    };
    let name = cols.header(field).map_or("", String::as_str);
    parse(v)
        .map(Some)
        .map_err(|e| Error::record(path, &rec.location, format!("column {name:?}: {e}")))
}

/// A facility row's attributes for the plan's measures (level, free or
/// discounted use, groups suited, season, space).
fn plan_attributes(path: &Path, rec: &Record, cols: &Mapping) -> Result<PlanAttributes> {
    Ok(PlanAttributes {
        level: parsed(path, rec, cols, field::LEVEL, str::parse::<Level>)?,
        discount_for: parsed(path, rec, cols, field::DISCOUNT, Groups::parse_discount)?,
        suited_for: parsed(path, rec, cols, field::SUITED, Groups::parse_suited)?,
        season: parsed(path, rec, cols, field::SEASON, str::parse::<Season>)?,
        space: parsed(path, rec, cols, field::SPACE, str::parse::<Space>)?,
    })
}

/// A football pitch's subtype: its own when it names a size (`cage`,
/// `5_a_side`, ...), else the size class of its measured area (a column
/// or the polygon; a category default measures nothing, and the subtype
/// is then left as it is). Other categories keep theirs.
pub(crate) fn sized_subtype(
    category: Category,
    subtype: Option<String>,
    area_m2: f64,
    source: AreaSource,
) -> Option<String> {
    let sized = subtype.as_deref().is_some_and(categories::is_football_size);
    let measured = matches!(source, AreaSource::Given | AreaSource::Geometry) && area_m2 > 0.0;
    if category == Category::FootballPitch && !sized && measured {
        Some(categories::football_size(area_m2).to_string())
    } else {
        subtype
    }
}

/// Outdoor area, floor area and where they come from: the columns when
/// either is given, else the footprint of a polygon (floor area for an
/// indoor category), twice the length of a track drawn as a line or given
/// in a length column (2 m wide), else the category's default.
fn facility_areas(
    category: Category,
    geometry: &Geometry<f64>,
    given_area: Option<f64>,
    given_floor: Option<f64>,
    length_m: Option<f64>,
) -> (f64, f64, AreaSource) {
    let (def_out, def_in) = category.default_area();
    if given_area.is_some() || given_floor.is_some() {
        (
            given_area.unwrap_or(0.0),
            given_floor.unwrap_or(0.0),
            AreaSource::Given,
        )
    } else if let Some(a) = geometry_area(geometry) {
        if category.is_indoor() {
            (0.0, a, AreaSource::Geometry)
        } else {
            (a, 0.0, AreaSource::Geometry)
        }
    } else if let (Category::Track, Geometry::LineString(l)) = (category, geometry) {
        (Geodesic.length(l) * 2.0, 0.0, AreaSource::Geometry)
    } else if let (Category::Track, Some(len)) = (category, length_m) {
        (len * 2.0, 0.0, AreaSource::Length)
    } else {
        (def_out, def_in, AreaSource::Default)
    }
}

/// Build communities from a CSV/GeoJSON input. Population comes from a
/// population column, else households x `household_size`, else (when the
/// config spreads a total) is filled in later; otherwise it is an error.
pub fn communities_from(
    spec: &InputSpec,
    household_size: f64,
    population: Option<&PopulationSpec>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Community>> {
    let mut table = read_table(spec)?;
    communities_taking_geometry(spec, &mut table, household_size, population, warnings)
}

/// [`communities_from`] over the records of a table read for `spec` (by
/// [`read_table`] or [`read_table_bytes`]).
pub fn communities_from_table(
    spec: &InputSpec,
    table: &Table,
    household_size: f64,
    population: Option<&PopulationSpec>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Community>> {
    let geometries = table.records.iter().map(|r| r.geometry.clone()).collect();
    let settings = (household_size, population);
    communities_of(spec, table, geometries, settings, warnings)
}

/// [`communities_from_table`], moving the records' geometries into the
/// communities rather than copying them (a large table's polygons); the
/// table keeps its fields, for [`column_report`].
pub fn communities_taking_geometry(
    spec: &InputSpec,
    table: &mut Table,
    household_size: f64,
    population: Option<&PopulationSpec>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Community>> {
    let geometries = table
        .records
        .iter_mut()
        .map(|r| r.geometry.take())
        .collect();
    let settings = (household_size, population);
    communities_of(spec, table, geometries, settings, warnings)
}

/// The communities of `table`'s records, record `i` with `geometries[i]`;
/// `settings` are the household size and the population spec.
fn communities_of(
    spec: &InputSpec,
    table: &Table,
    geometries: Vec<Option<Geometry<f64>>>,
    (household_size, population): (f64, Option<&PopulationSpec>),
    warnings: &mut Vec<String>,
) -> Result<Vec<Community>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = Mapping::resolve(path, table, InputKind::Communities, spec)?;
    warnings.extend(cols.unused_warning(path));
    let spread = population.and_then(|p| p.spread_total).is_some();
    let from_units = population.and_then(|p| p.from_units).is_some();
    if table.records.is_empty() {
        return Err(Error::file(
            path,
            if spec.filter.is_some() {
                "no row or feature matches the filter; check filter.column / filter.equals in \
                 the config"
            } else {
                "the file has no rows or features; communities need at least one, each with a \
                 location and a population"
            },
        ));
    }
    let has_population = cols.header(field::POPULATION).is_some();
    if !has_population && cols.header(field::HOUSEHOLDS).is_none() && !spread && !from_units {
        let tried = |f: &str| {
            super::columns::field_def(f)
                .map(|d| d.accepted(InputKind::Communities).join(", "))
                .unwrap_or_default()
        };
        return Err(Error::file(
            path,
            format!(
                "no population column (tried {}) and no households column (tried {}); add \
                 one, name it with --column population=HEADER, or set [population] \
                 spread_total to spread a known total (or from_units to spread the units' \
                 population)",
                tried(field::POPULATION),
                tried(field::HOUSEHOLDS)
            ),
        ));
    }
    let mut out = Vec::with_capacity(table.records.len());
    for (i, (rec, geometry)) in table.records.iter().zip(geometries).enumerate() {
        let Some(geometry) = geometry else {
            return Err(Error::record(
                path,
                &rec.location,
                "feature has no geometry",
            ));
        };
        let pop = cols.number(path, rec, field::POPULATION, &bounds::POPULATION)?;
        let households = cols.number(path, rec, field::HOUSEHOLDS, &bounds::HOUSEHOLDS)?;
        let (population, source) = match (pop, households) {
            (Some(p), _) if !spread => (p, PopulationSource::Given),
            (None, Some(h)) if !spread => (h * household_size, PopulationSource::Households),
            _ if spread => (0.0, PopulationSource::Estimate),
            // Filled in from the units' population when the config says so
            // (`input::load`); a community outside every unit is an error
            // there.
            _ if from_units => (0.0, PopulationSource::UnitSpread),
            _ => {
                return Err(Error::record(
                    path,
                    &rec.location,
                    "missing population (and no households); fill it in or set \
                     [population] spread_total in the config",
                ));
            }
        };
        let mut groups = GroupPopulation::default();
        for (g, f) in groups.0.iter_mut().zip(field::GROUPS) {
            *g = cols.number(path, rec, f, &bounds::POPULATION)?;
        }
        out.push(Community {
            id: record_id(path, rec, &cols, i),
            name: cols.text(rec, field::NAME).unwrap_or("").to_string(),
            population,
            population_source: source,
            households,
            build_year: cols.year(path, rec, field::YEAR)?,
            geometry,
            entrances: Vec::new(),
            groups,
        });
    }
    check_unique(
        path,
        out.iter()
            .zip(&table.records)
            .map(|(c, r)| (c.id.as_str(), r.location.as_str())),
    )?;
    Ok(out)
}

/// Build administrative units (polygons) from a CSV/GeoJSON input.
pub fn units_from(spec: &InputSpec, warnings: &mut Vec<String>) -> Result<Vec<AdminUnit>> {
    units_from_table(spec, &read_table(spec)?, warnings)
}

/// [`units_from`] over the records of a table read for `spec` (by
/// [`read_table`] or [`read_table_bytes`]).
pub fn units_from_table(
    spec: &InputSpec,
    table: &Table,
    warnings: &mut Vec<String>,
) -> Result<Vec<AdminUnit>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = Mapping::resolve(path, table, InputKind::Units, spec)?;
    warnings.extend(cols.unused_warning(path));
    let mut out = Vec::new();
    for (i, rec) in table.records.iter().enumerate() {
        let geometry = match &rec.geometry {
            Some(Geometry::Polygon(p)) => MultiPolygon::new(vec![p.clone()]),
            Some(Geometry::MultiPolygon(mp)) => mp.clone(),
            _ => {
                return Err(Error::record(
                    path,
                    &rec.location,
                    "an administrative unit needs a Polygon or MultiPolygon geometry",
                ));
            }
        };
        if geometry.unsigned_area() == 0.0 {
            return Err(Error::record(
                path,
                &rec.location,
                "unit polygon has zero area",
            ));
        }
        out.push(AdminUnit {
            id: record_id(path, rec, &cols, i),
            name: cols.text(rec, field::NAME).unwrap_or("").to_string(),
            geometry,
        });
    }
    check_unique(
        path,
        out.iter()
            .zip(&table.records)
            .map(|(u, r)| (u.id.as_str(), r.location.as_str())),
    )?;
    Ok(out)
}

/// The population and households of each unit of a table read for `spec`
/// (its population and households columns; `None` where empty), in the
/// order of [`units_from_table`], for spreading over the communities.
pub fn unit_totals(spec: &InputSpec, table: &Table) -> Result<Vec<(Option<f64>, Option<f64>)>> {
    let path = &spec.path;
    let cols = Mapping::resolve(path, table, InputKind::Units, spec)?;
    if cols.header(field::POPULATION).is_none() {
        let tried = super::columns::field_def(field::POPULATION)
            .map(|d| d.accepted(InputKind::Units).join(", "))
            .unwrap_or_default();
        return Err(Error::file(
            path,
            format!(
                "[population] from_units needs a population column in the units file (tried \
                 {tried}); add one or name it with --column population=HEADER"
            ),
        ));
    }
    table
        .records
        .iter()
        .map(|rec| {
            Ok((
                cols.number(path, rec, field::POPULATION, &bounds::UNIT_POPULATION)?,
                cols.number(path, rec, field::HOUSEHOLDS, &bounds::UNIT_POPULATION)?,
            ))
        })
        .collect()
}

/// The point (or shape) of a record of a places input, or an error naming
/// the record.
fn place_geometry(path: &Path, rec: &Record) -> Result<Geometry<f64>> {
    rec.geometry
        .clone()
        .ok_or_else(|| Error::record(path, &rec.location, "feature has no geometry"))
}

/// Build health facilities (measure 35) from a CSV/GeoJSON input: a kind
/// in the category column (社区卫生服务中心, 医院, 康复中心, 健康促进中心, or
/// `category` in the config for every row).
pub fn health_from_table(
    spec: &InputSpec,
    table: &Table,
    warnings: &mut Vec<String>,
) -> Result<Vec<HealthFacility>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = Mapping::resolve(path, table, InputKind::Health, spec)?;
    let fixed = match &spec.category {
        Some(c) => Some(
            c.parse::<HealthKind>()
                .map_err(|e| Error::config(path.display().to_string(), e))?,
        ),
        None => None,
    };
    if fixed.is_none() && cols.header(field::CATEGORY).is_none() {
        return Err(Error::file(
            path,
            format!(
                "no kind column for the health facilities (tried {}); add one (社区卫生服务中心 / \
                 医院 / 康复中心 / 健康促进中心) or set `category` for this input in the config",
                tried(field::CATEGORY, InputKind::Health)
            ),
        ));
    }
    let mut out = Vec::with_capacity(table.records.len());
    for (i, rec) in table.records.iter().enumerate() {
        let geometry = place_geometry(path, rec)?;
        let kind = match fixed {
            Some(k) => k,
            None => parsed(path, rec, &cols, field::CATEGORY, str::parse::<HealthKind>)?
                .ok_or_else(|| {
                    Error::record(path, &rec.location, "empty kind; fill in the kind column")
                })?,
        };
        out.push(HealthFacility {
            id: record_id(path, rec, &cols, i),
            name: cols.text(rec, field::NAME).unwrap_or("").to_string(),
            kind,
            geometry,
        });
    }
    check_unique(
        path,
        out.iter()
            .zip(&table.records)
            .map(|(h, r)| (h.id.as_str(), r.location.as_str())),
    )?;
    Ok(out)
}

/// Is a culture station's kind one combined with sports (文体站,
/// 文体活动室, `culture_sports_station`)?
fn kind_with_sports(kind: &str) -> bool {
    let k = kind.trim().to_lowercase();
    k.contains("文体") || k.contains("culture_sports") || k.contains("culture_and_sports")
}

/// Build culture stations (measure 36) from a CSV/GeoJSON input: combined
/// with sports when the `with_sports` column (文体结合 / 是否文体站) says yes,
/// or when the kind column names a 文体站.
pub fn culture_from_table(
    spec: &InputSpec,
    table: &Table,
    warnings: &mut Vec<String>,
) -> Result<Vec<CultureStation>> {
    let path = &spec.path;
    warnings.extend(table.warnings.iter().cloned());
    let cols = Mapping::resolve(path, table, InputKind::Culture, spec)?;
    if cols.header(field::WITH_SPORTS).is_none() && cols.header(field::CATEGORY).is_none() {
        warnings.push(format!(
            "{}: no with_sports column (tried {}) and no kind column: no culture station \
             counts as combined with sports (文体站)",
            path.display(),
            tried(field::WITH_SPORTS, InputKind::Culture)
        ));
    }
    let mut out = Vec::with_capacity(table.records.len());
    for (i, rec) in table.records.iter().enumerate() {
        let geometry = place_geometry(path, rec)?;
        let flag = cols.flag(path, rec, field::WITH_SPORTS)?;
        let by_kind = cols
            .text(rec, field::CATEGORY)
            .is_some_and(kind_with_sports);
        out.push(CultureStation {
            id: record_id(path, rec, &cols, i),
            name: cols.text(rec, field::NAME).unwrap_or("").to_string(),
            with_sports: flag.unwrap_or(by_kind),
            geometry,
        });
    }
    check_unique(
        path,
        out.iter()
            .zip(&table.records)
            .map(|(c, r)| (c.id.as_str(), r.location.as_str())),
    )?;
    Ok(out)
}

/// The headers accepted for `field` in an input of `kind`, for messages.
fn tried(field: &str, kind: InputKind) -> String {
    super::columns::field_def(field)
        .map(|d| d.accepted(kind).join(", "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Filter;
    use crate::model::Group;
    use std::path::PathBuf;

    fn spec(name: &str) -> InputSpec {
        InputSpec::from_path(PathBuf::from(name))
    }

    /// Three venues with Chinese headers: an indoor centre without an area,
    /// a court with one, and a fitness point that is planned.
    const VENUES: &str = "\u{feff}编号,名称,类别,经度,纬度,面积,状态,开放时间\n\
        V1,东单体育中心,体育中心,116.4170,39.9100,,,06:00-22:00\n\
        V2,\"篮球场, 北\",篮球场,116.4200,39.9200,600,,\n\
        V3,健身点,健身器材,116.4300,39.9300,,规划,\n";

    #[test]
    fn csv_records_with_chinese_headers() {
        let t = read_table_bytes(VENUES.as_bytes(), TableFormat::Csv, &spec("venues.csv")).unwrap();
        assert_eq!(
            t.columns,
            [
                "编号",
                "名称",
                "类别",
                "经度",
                "纬度",
                "面积",
                "状态",
                "开放时间"
            ]
        );
        assert_eq!(t.records.len(), 3);
        let r = &t.records[1];
        assert_eq!(r.location, "row 3");
        assert_eq!(
            (&*r.fields[1].0, r.fields[1].1.as_str()),
            ("名称", "篮球场, 北")
        );
        assert_eq!(r.get(Some(&"面积".to_string())), Some("600"));
        assert_eq!(r.get(Some(&"状态".to_string())), None);
        assert_eq!(r.geometry, Some(Geometry::Point(Point::new(116.42, 39.92))));
        assert!(t.warnings.is_empty());
    }

    #[test]
    fn plan_columns_in_chinese_and_english() {
        let csv = "编号,名称,类别,级别,优惠对象,适用人群,开放季节,设置场所,经度,纬度\n\
                   A,冰场,滑冰场,区级,学生优惠、老年人免费,,冬季,自然水域,116.39,39.94\n\
                   B,健身点,健身器材,社区级,免费,适老;无障碍,,地下空间,116.36,39.91\n\
                   C,球场,篮球场,,,,,,116.37,39.92\n";
        let s = spec("plan.csv");
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let f = facilities_from_table(&s, &t, &mut Vec::new()).unwrap();
        let youth_elderly = Groups::NONE.with(Group::Youth).with(Group::Elderly);
        assert_eq!(
            f[0].plan,
            PlanAttributes {
                level: Some(Level::District),
                discount_for: Some(youth_elderly),
                suited_for: None,
                season: Some(Season::Winter),
                space: Some(Space::NaturalWater),
            }
        );
        assert_eq!(f[1].plan.level, Some(Level::Community));
        assert_eq!(f[1].plan.discount_for, Some(Groups::ALL));
        assert_eq!(
            f[1].plan.suited_for,
            Some(Groups::NONE.with(Group::Elderly).with(Group::Disabled))
        );
        assert_eq!(f[1].plan.space, Some(Space::Underground));
        assert_eq!(f[2].plan, PlanAttributes::default());
        // English headers, and a bad value named with its column and row.
        let csv = "id,category,facility_level,suited_for,lon,lat\nX,park,subdistrict,youth,1,2\n\
                   Y,park,city,,1,2\n";
        let s = spec("en.csv");
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let m = facilities_from_table(&s, &t, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with("en.csv, row 3: column \"facility_level\": unknown level \"city\""),
            "{m}"
        );
    }

    #[test]
    fn group_populations_health_and_culture_tables() {
        let csv = "id,人口,60岁以上人口,残疾人数,0-17岁人口,lon,lat\nC1,1000,250,12,,1,2\n";
        let mut s = spec("c.csv");
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let c = communities_from_table(&s, &t, 2.31, None, &mut Vec::new()).unwrap();
        assert_eq!(c[0].groups.0, [Some(250.0), Some(12.0), None]);
        let csv = "编号,名称,类型,经度,纬度\nH1,月坛社区卫生服务中心,社区卫生服务中心,1,2\n\
                   H2,某医院,医院,1,2\nH3,健康促进中心,健康促进服务中心,1,2\n";
        s.path = "h.csv".into();
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let h = health_from_table(&s, &t, &mut Vec::new()).unwrap();
        let kinds: Vec<HealthKind> = h.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            [
                HealthKind::CommunityHealth,
                HealthKind::Hospital,
                HealthKind::HealthPromotion
            ]
        );
        let bad = "id,type,lon,lat\nH1,pharmacy,1,2\n";
        let t = read_table_bytes(bad.as_bytes(), TableFormat::Csv, &s).unwrap();
        let m = health_from_table(&s, &t, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(m.contains("row 2") && m.contains("pharmacy"), "{m}");
        let no_kind = "id,lon,lat\nH1,1,2\n";
        let t = read_table_bytes(no_kind.as_bytes(), TableFormat::Csv, &s).unwrap();
        let m = health_from_table(&s, &t, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(m.contains("no kind column"), "{m}");
        // Culture: the flag column, else a kind naming a 文体站.
        let csv = "编号,名称,类型,文体结合,经度,纬度\nK1,a,文化站,是,1,2\nK2,b,文化站,否,1,2\n\
                   K3,c,文体站,,1,2\nK4,d,文化活动室,,1,2\n";
        s.path = "k.csv".into();
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let mut w = Vec::new();
        let k = culture_from_table(&s, &t, &mut w).unwrap();
        let flags: Vec<bool> = k.iter().map(|x| x.with_sports).collect();
        assert_eq!(flags, [true, false, true, false]);
        assert!(w.is_empty(), "{w:?}");
        let t = read_table_bytes(b"id,lon,lat\nK1,1,2\n", TableFormat::Csv, &s).unwrap();
        let k = culture_from_table(&s, &t, &mut w).unwrap();
        assert!(!k[0].with_sports);
        assert!(w[0].contains("no with_sports column"), "{w:?}");
    }

    #[test]
    fn facilities_from_chinese_csv() {
        let s = spec("venues.csv");
        let t = read_table_bytes(VENUES.as_bytes(), TableFormat::Csv, &s).unwrap();
        let mut warnings = Vec::new();
        let f = facilities_from_table(&s, &t, &mut warnings).unwrap();
        assert!(warnings.is_empty());
        let ids: Vec<&str> = f.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["V1", "V2", "V3"]);
        assert_eq!(f[0].name, "东单体育中心");
        assert_eq!(f[0].category, Category::SportsCentre);
        // No area given, a point: the category's default (indoor floor area).
        assert_eq!((f[0].area_m2, f[0].floor_area_m2), (0.0, 2000.0));
        assert_eq!(f[0].area_source, AreaSource::Default);
        assert_eq!(f[0].opening_hours.as_deref(), Some("06:00-22:00"));
        assert_eq!(f[0].status, Status::Existing);
        assert_eq!(f[1].category, Category::BasketballCourt);
        assert_eq!((f[1].area_m2, f[1].floor_area_m2), (600.0, 0.0));
        assert_eq!(f[1].area_source, AreaSource::Given);
        assert_eq!(f[1].opening_hours, None);
        assert_eq!(f[2].category, Category::FitnessStation);
        assert_eq!(f[2].status, Status::Planned);
        assert_eq!(f[2].area_m2, 150.0);
        assert_eq!(f[2].geometry, Geometry::Point(Point::new(116.43, 39.93)));
    }

    #[test]
    fn file_and_bytes_and_reader_agree() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("venues.csv");
        std::fs::write(&path, VENUES).unwrap();
        let s = InputSpec::from_path(path.clone());
        let mut w = Vec::new();
        let from_file = facilities_from(&s, &mut w).unwrap();
        let t = read_table_from(VENUES.as_bytes(), TableFormat::Csv, &s).unwrap();
        let from_reader = facilities_from_table(&s, &t, &mut w).unwrap();
        assert_eq!(from_file.len(), 3);
        for (a, b) in from_file.iter().zip(&from_reader) {
            assert_eq!((&a.id, &a.name, a.category), (&b.id, &b.name, b.category));
            assert_eq!(a.geometry, b.geometry);
        }
        assert_eq!(TableFormat::of_path(&path).unwrap(), TableFormat::Csv);
        assert_eq!(
            TableFormat::of_path(Path::new("a.GeoJSON")).unwrap(),
            TableFormat::GeoJson
        );
        let m = TableFormat::of_path(Path::new("a.xlsx"))
            .unwrap_err()
            .to_string();
        assert!(m.starts_with("a.xlsx: unknown file type \"xlsx\""), "{m}");
    }

    #[test]
    fn communities_from_population_or_households() {
        let csv = "小区名称,人口,户数,经度,纬度\n\
            甲,1200,,116.40,39.90\n\
            乙,,300,116.41,39.91\n\
            丙,80,500,116.42,39.92\n";
        let s = spec("小区.csv");
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let mut w = Vec::new();
        let c = communities_from_table(&s, &t, 2.5, None, &mut w).unwrap();
        assert_eq!(c.len(), 3);
        // No id column: ids from the source name and the row's index.
        let ids: Vec<&str> = c.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["小区:1", "小区:2", "小区:3"]);
        assert_eq!(c[0].name, "甲");
        assert_eq!(
            (c[0].population, c[0].population_source),
            (1200.0, PopulationSource::Given)
        );
        assert_eq!(
            (c[1].population, c[1].population_source),
            (750.0, PopulationSource::Households)
        );
        assert_eq!(c[1].households, Some(300.0));
        assert_eq!(
            (c[2].population, c[2].population_source),
            (80.0, PopulationSource::Given)
        );
    }

    #[test]
    fn count_column_makes_numbered_copies() {
        let csv = "id,category,lon,lat,n,generation\n\
            a,table_tennis,116.4,39.9,2,3\n\
            b,table_tennis,116.5,39.9,0,not a number\n\
            c,table_tennis,116.6,39.9,1,\n";
        let mut s = spec("tables.csv");
        s.count_column = Some("n".into());
        let t = read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s).unwrap();
        let f = facilities_from_table(&s, &t, &mut Vec::new()).unwrap();
        let ids: Vec<&str> = f.iter().map(|f| f.id.as_str()).collect();
        // A row counted 0 makes nothing (its other columns are not read).
        assert_eq!(ids, ["a#1", "a#2", "c#1"]);
        assert_eq!(f[0].equipment_generation, Some(3));
        assert_eq!(f[1].equipment_generation, Some(3));
        assert_eq!(f[1].geometry, Geometry::Point(Point::new(116.4, 39.9)));
        assert_eq!(f[2].equipment_generation, None);
    }

    #[test]
    fn geojson_features_and_filter() {
        let json = r#"{"type": "FeatureCollection", "features": [
          {"type": "Feature", "id": "p1",
           "properties": {"category": "park", "名称": "小公园", "district": "东城"},
           "geometry": {"type": "Polygon", "coordinates":
             [[[116.40, 39.90], [116.401, 39.90], [116.401, 39.901], [116.40, 39.901], [116.40, 39.90]]]}},
          {"type": "Feature", "id": 7,
           "properties": {"category": "pitch", "district": "西城"},
           "geometry": {"type": "Point", "coordinates": [116.3, 39.9]}}
        ]}"#;
        let mut s = spec("parks.geojson");
        let t = read_table_bytes(json.as_bytes(), TableFormat::GeoJson, &s).unwrap();
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].location, "feature 1 (id \"p1\")");
        assert_eq!(t.records[1].location, "feature 2 (id \"7\")");
        let f = facilities_from_table(&s, &t, &mut Vec::new()).unwrap();
        assert_eq!(f[0].id, "p1");
        assert_eq!(f[0].name, "小公园");
        assert_eq!(f[0].category, Category::Park);
        // About 85 m x 111 m at 40 N, from the polygon.
        assert_eq!(f[0].area_source, AreaSource::Geometry);
        assert!((f[0].area_m2 - 9_500.0).abs() < 150.0, "{}", f[0].area_m2);
        assert_eq!(f[1].id, "7");
        assert_eq!(f[1].category, Category::OtherPitch);
        s.filter = Some(Filter {
            column: "district".into(),
            equals: "西城".into(),
        });
        let t = read_table_bytes(json.as_bytes(), TableFormat::GeoJson, &s).unwrap();
        assert_eq!(t.records.len(), 1);
        assert_eq!(t.records[0].location, "feature 2 (id \"7\")");
    }

    #[test]
    fn errors_name_the_source() {
        let s = spec("upload.csv");
        let err = |csv: &str| -> String {
            match read_table_bytes(csv.as_bytes(), TableFormat::Csv, &s)
                .and_then(|t| facilities_from_table(&s, &t, &mut Vec::new()))
            {
                Ok(_) => panic!("expected an error for {csv}"),
                Err(e) => e.to_string(),
            }
        };
        assert_eq!(
            err("  \n"),
            "upload.csv: the file is empty; it needs a header row (CSV) or a \
             FeatureCollection (GeoJSON)"
        );
        assert_eq!(
            err("id,category,lon,lat\na,park,116.4,39.9\na,park,116.5,39.9\n"),
            "upload.csv, row 3: duplicate id \"a\" (first used at row 2); ids must be unique"
        );
        assert!(
            err("id,category,lon,lat\na,park,39.9,116.4\n")
                .starts_with("upload.csv, row 2: latitude 116.4 is out of range")
        );
        assert_eq!(
            err("id,category,lon,lat\na,velodrome,116.4,39.9\n")
                .split(';')
                .next()
                .unwrap(),
            "upload.csv, row 2: unknown facility category \"velodrome\""
        );
        // (An unknown CRS name cannot reach a reader: `InputSpec::crs` is a
        // `Crs`, so the config or the flag is refused when parsed.)
    }
}
