//! GeoPackage input (feature `gpkg`): one layer's features as a
//! [`RawTable`].
//!
//! The file's bytes are loaded into an in-memory SQLite database opened
//! read-only (`sqlite3_deserialize`), so the input is never opened for
//! writing and no `-wal` / `-shm` file appears beside it. A database in
//! WAL mode is read from its main file (the two header bytes that say WAL
//! are reset in the in-memory copy; changes still in a `-wal` file beside
//! it are not seen: open and close it once in QGIS or `ogrinfo` first).

use std::path::Path;

use geo::Geometry;
use geozero::ToGeo;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, MAIN_DB, OpenFlags};

use super::gis::{RawRecord, RawTable};
use super::record::shared_names;
use crate::crs::DeclaredCrs;
use crate::{Error, Result};

/// A feature table of the GeoPackage: name, geometry column, SRS id.
struct Layer {
    name: String,
    geom_column: String,
    srs_id: i64,
}

fn sql_err(path: &Path, e: rusqlite::Error) -> Error {
    Error::file(path, format!("cannot read the GeoPackage: {e}"))
}

/// `name` as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The database of `bytes`, in memory and read-only.
fn open(path: &Path, bytes: &[u8]) -> Result<Connection> {
    if !bytes.starts_with(b"SQLite format 3\0") || bytes.len() < 100 {
        return Err(Error::file(
            path,
            "not a GeoPackage (a GeoPackage is an SQLite database; this file does not start \
             like one); check the file, or export the layer again from QGIS",
        ));
    }
    let mut data = bytes.to_vec();
    // File format read/write versions 2 = WAL; 1 = rollback journal.
    if data[18] == 2 || data[19] == 2 {
        data[18] = 1;
        data[19] = 1;
    }
    let mut conn = Connection::open_with_flags(
        ":memory:",
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sql_err(path, e))?;
    let len = data.len();
    conn.deserialize_read_exact(MAIN_DB, &data[..], len, true)
        .map_err(|e| sql_err(path, e))?;
    Ok(conn)
}

/// The feature tables, by name.
fn layers(path: &Path, conn: &Connection) -> Result<Vec<Layer>> {
    let mut stmt = conn
        .prepare(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
             JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
             WHERE c.data_type = 'features' ORDER BY c.table_name",
        )
        .map_err(|e| {
            Error::file(
                path,
                format!(
                    "not a GeoPackage of features ({e}): it has no gpkg_contents / \
                     gpkg_geometry_columns tables; export the layer again from QGIS or ogr2ogr"
                ),
            )
        })?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Layer {
                name: r.get(0)?,
                geom_column: r.get(1)?,
                srs_id: r.get(2)?,
            })
        })
        .map_err(|e| sql_err(path, e))?;
    rows.collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| sql_err(path, e))
}

/// The layer to read: the one named, or the only one.
fn choose(path: &Path, mut all: Vec<Layer>, wanted: Option<&str>) -> Result<Layer> {
    let names: Vec<String> = all.iter().map(|l| format!("{:?}", l.name)).collect();
    match wanted {
        Some(w) => match all.iter().position(|l| l.name == w) {
            Some(i) => Ok(all.swap_remove(i)),
            None => Err(Error::file(
                path,
                format!(
                    "no layer {w:?} of features in the GeoPackage; its layers: {}",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            )),
        },
        None if all.len() == 1 => Ok(all.remove(0)),
        None if all.is_empty() => Err(Error::file(
            path,
            "the GeoPackage has no layer of features (points, lines or polygons)",
        )),
        None => Err(Error::file(
            path,
            format!(
                "the GeoPackage has {} layers ({}); name the one to read with `layer = \
                 \"...\"` for this input in the config",
                all.len(),
                names.join(", ")
            ),
        )),
    }
}

/// The CRS of SRS `srs_id`: its EPSG code, else its WKT definition;
/// `None` for the undefined systems 0 and -1.
fn declared(path: &Path, conn: &Connection, srs_id: i64) -> Result<Option<DeclaredCrs>> {
    if srs_id <= 0 {
        return Ok(None);
    }
    let row: Option<(String, i64, String)> = conn
        .query_row(
            "SELECT organization, organization_coordsys_id, definition \
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(sql_err(path, e)),
        })?;
    let Some((org, code, definition)) = row else {
        return Err(Error::file(
            path,
            format!(
                "the layer's SRS {srs_id} is not in gpkg_spatial_ref_sys; pass its CRS with \
                 --crs EPSG:xxxx or `crs` in the config"
            ),
        ));
    };
    if org.eq_ignore_ascii_case("EPSG") && code > 0 {
        return Ok(u32::try_from(code).ok().map(DeclaredCrs::Epsg));
    }
    let d = definition.trim();
    Ok((!d.is_empty() && !d.eq_ignore_ascii_case("undefined"))
        .then(|| DeclaredCrs::Wkt(d.to_string())))
}

/// A cell as text: what a CSV cell of it would say.
fn cell(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null | ValueRef::Blob(_) => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
    }
}

/// A GeoPackage geometry blob (header and WKB); `None` for an empty one.
fn geometry(path: &Path, location: &str, blob: &[u8]) -> Result<Option<Geometry<f64>>> {
    // Header flags (byte 3), bit 4: empty geometry.
    if blob.len() >= 4 && blob[3] & 0b1_0000 != 0 {
        return Ok(None);
    }
    geozero::wkb::GpkgWkb(blob)
        .to_geo()
        .map(Some)
        .map_err(|e| Error::record(path, location, format!("unreadable geometry: {e}")))
}

/// Read one layer (see the module docs).
pub(crate) fn read(path: &Path, bytes: &[u8], wanted: Option<&str>) -> Result<RawTable> {
    let conn = open(path, bytes)?;
    let layer = choose(path, layers(path, &conn)?, wanted)?;
    let declared = declared(path, &conn, layer.srs_id)?;
    let sql = format!("SELECT * FROM {}", quoted(&layer.name));
    let mut stmt = conn.prepare(&sql).map_err(|e| sql_err(path, e))?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let geom_at = names.iter().position(|n| *n == layer.geom_column);
    let shared = shared_names(&names);
    let mut rows = stmt.query([]).map_err(|e| sql_err(path, e))?;
    let mut records = Vec::new();
    while let Some(row) = rows.next().map_err(|e| sql_err(path, e))? {
        let location = format!("layer {:?}, feature {}", layer.name, records.len() + 1);
        let mut fields = Vec::with_capacity(names.len());
        let mut numeric = Vec::with_capacity(names.len());
        let mut geom = None;
        for (i, name) in shared.iter().enumerate() {
            let v = row.get_ref(i).map_err(|e| sql_err(path, e))?;
            if Some(i) == geom_at {
                if let ValueRef::Blob(b) = v {
                    geom = geometry(path, &location, b)?;
                }
            } else {
                fields.push((name.clone(), cell(v)));
                numeric.push(matches!(v, ValueRef::Integer(_) | ValueRef::Real(_)));
            }
        }
        records.push(RawRecord {
            location,
            fields,
            numeric,
            geometry: geom,
        });
    }
    let columns = names
        .into_iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != geom_at)
        .map(|(_, n)| n)
        .collect();
    Ok(RawTable {
        columns,
        records,
        warnings: Vec::new(),
        declared,
    })
}
