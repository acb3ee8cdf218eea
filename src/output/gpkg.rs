//! `--format gpkg`: the run's GeoJSON outputs as one GeoPackage, one layer
//! per file (named by the file's stem: `communities`, `facilities`, ...),
//! each column declared with the type [`super::schema`] gives its name
//! (BOOLEAN, INTEGER, REAL, TEXT), EPSG:4326, and an R-tree spatial index
//! (the `gpkg_rtree_index` extension with the standard triggers).
//!
//! As for FlatGeobuf ([`super::derived`]), the GeoJSON text just written is
//! the single source: its features, values and order. Features without a
//! geometry keep a NULL geometry (GeoPackage allows it). The GeoJSON's
//! top-level members (the run's notes) are the layer's `description` in
//! `gpkg_contents`, as JSON.
//!
//! The database is built in memory by SQLite (`rusqlite`, bundled) and its
//! bytes written through the atomic writer. `last_change` is a fixed
//! timestamp, so the same run gives the same bytes.

use std::io::{self, Write};

use flatgeobuf::ColumnType;
use geo::{BoundingRect, Geometry};
use geozero::CoordDimensions;
use geozero::ToWkb;
use rusqlite::{Connection, MAIN_DB, params_from_iter, types::Value as SqlValue};
use serde_json::Value;

use super::derived::{Collection, columns};

/// `last_change` of every layer: fixed, for byte-identical output.
const LAST_CHANGE: &str = "2000-01-01T00:00:00.000Z";

/// The WGS-84 definition of `gpkg_spatial_ref_sys` (as GDAL writes it).
const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

/// The tables every GeoPackage has (GeoPackage 1.3, clauses 1.1.2-1.1.3),
/// with the two undefined systems and WGS-84.
const CORE: &str = r#"
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1,
  'undefined', 'undefined cartesian coordinate reference system');
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0,
  'undefined', 'undefined geographic coordinate reference system');
"#;

/// The triggers of the R-tree extension (GeoPackage 1.3, F.3), with `{t}`
/// the table and `{c}` the geometry column. They use the GeoPackage SQL
/// functions (ST_IsEmpty, ST_MinX, ...) that GIS software registers; this
/// writer fills the index itself before creating them.
const RTREE_TRIGGERS: &str = r#"
CREATE TRIGGER "rtree_{t}_{c}_insert" AFTER INSERT ON "{t}" WHEN (new."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}")) BEGIN INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (NEW."fid", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END;
CREATE TRIGGER "rtree_{t}_{c}_update1" AFTER UPDATE OF "{c}" ON "{t}" WHEN OLD."fid" = NEW."fid" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}")) BEGIN INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (NEW."fid", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END;
CREATE TRIGGER "rtree_{t}_{c}_update2" AFTER UPDATE OF "{c}" ON "{t}" WHEN OLD."fid" = NEW."fid" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."fid"; END;
CREATE TRIGGER "rtree_{t}_{c}_update3" AFTER UPDATE ON "{t}" WHEN OLD."fid" != NEW."fid" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."fid"; INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (NEW."fid", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END;
CREATE TRIGGER "rtree_{t}_{c}_update4" AFTER UPDATE ON "{t}" WHEN OLD."fid" != NEW."fid" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "rtree_{t}_{c}" WHERE id IN (OLD."fid", NEW."fid"); END;
CREATE TRIGGER "rtree_{t}_{c}_delete" AFTER DELETE ON "{t}" WHEN old."{c}" NOT NULL BEGIN DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."fid"; END;
"#;

fn sql_err(e: rusqlite::Error) -> io::Error {
    io::Error::other(format!("writing GeoPackage: {e}"))
}

fn geo_err<E: std::fmt::Display>(e: E) -> io::Error {
    io::Error::other(format!("writing GeoPackage geometry: {e}"))
}

/// `name` as an SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The SQL type of a column.
fn sql_type(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Bool => "BOOLEAN",
        ColumnType::Long | ColumnType::Int => "INTEGER",
        ColumnType::Double | ColumnType::Float => "REAL",
        _ => "TEXT",
    }
}

/// The GeoPackage geometry type name shared by every feature, else
/// GEOMETRY.
fn geometry_type_name(c: &Collection) -> &'static str {
    let name = |g: &Geometry<f64>| match g {
        Geometry::Point(_) => "POINT",
        Geometry::MultiPoint(_) => "MULTIPOINT",
        Geometry::LineString(_) | Geometry::Line(_) => "LINESTRING",
        Geometry::MultiLineString(_) => "MULTILINESTRING",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "POLYGON",
        Geometry::MultiPolygon(_) => "MULTIPOLYGON",
        Geometry::GeometryCollection(_) => "GEOMETRYCOLLECTION",
    };
    let mut names = c
        .features
        .iter()
        .filter_map(|f| f.geometry.as_ref().map(name));
    match names.next() {
        Some(first) if names.all(|n| n == first) => first,
        _ => "GEOMETRY",
    }
}

/// A property as an SQL value of its column's type.
fn sql_value(v: Option<&Value>, t: ColumnType) -> SqlValue {
    match (v, t) {
        (None | Some(Value::Null), _) => SqlValue::Null,
        (Some(Value::Bool(b)), ColumnType::Bool) => SqlValue::Integer(i64::from(*b)),
        (Some(Value::Number(n)), ColumnType::Long) => {
            n.as_i64().map_or(SqlValue::Null, SqlValue::Integer)
        }
        (Some(Value::Number(n)), ColumnType::Double) => {
            n.as_f64().map_or(SqlValue::Null, SqlValue::Real)
        }
        (Some(Value::String(s)), _) => SqlValue::Text(s.clone()),
        (Some(other), _) => SqlValue::Text(other.to_string()),
    }
}

/// A geometry as a GeoPackage blob (WKB with the GeoPackage header, SRS
/// 4326, an envelope except for points) and its bounding box.
fn blob(g: &Geometry<f64>) -> io::Result<(Vec<u8>, Option<[f64; 4]>)> {
    let rect = g.bounding_rect();
    let bbox = rect.map(|r| [r.min().x, r.max().x, r.min().y, r.max().y]);
    let envelope = match g {
        Geometry::Point(_) => Vec::new(),
        _ => bbox.map(|b| b.to_vec()).unwrap_or_default(),
    };
    let bytes = g
        .to_gpkg_wkb(CoordDimensions::xy(), Some(4326), envelope)
        .map_err(geo_err)?;
    Ok((bytes, bbox))
}

/// One layer: its table, contents and geometry rows, features and R-tree.
fn add_layer(conn: &Connection, name: &str, c: &Collection) -> io::Result<()> {
    let (names, types) = columns(c);
    let t = quoted(name);
    let mut cols = vec![
        "\"fid\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string(),
        format!("\"geom\" {}", geometry_type_name(c)),
    ];
    cols.extend(
        names
            .iter()
            .zip(&types)
            .map(|(n, ty)| format!("{} {}", quoted(n), sql_type(*ty))),
    );
    conn.execute_batch(&format!("CREATE TABLE {t} ({});", cols.join(", ")))
        .map_err(sql_err)?;
    let placeholders = vec!["?"; names.len() + 2].join(", ");
    let column_list: Vec<String> = ["fid", "geom"]
        .iter()
        .map(|s| quoted(s))
        .chain(names.iter().map(|n| quoted(n)))
        .collect();
    let mut insert = conn
        .prepare(&format!(
            "INSERT INTO {t} ({}) VALUES ({placeholders})",
            column_list.join(", ")
        ))
        .map_err(sql_err)?;
    let rtree = quoted(&format!("rtree_{name}_geom"));
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {rtree} USING rtree(id, minx, maxx, miny, maxy);"
    ))
    .map_err(sql_err)?;
    let mut index = conn
        .prepare(&format!("INSERT INTO {rtree} VALUES (?, ?, ?, ?, ?)"))
        .map_err(sql_err)?;
    let mut extent: Option<[f64; 4]> = None;
    for (i, f) in c.features.iter().enumerate() {
        let fid = i as i64 + 1;
        let (geom, bbox) = match &f.geometry {
            Some(g) => {
                let (b, bbox) = blob(g)?;
                (SqlValue::Blob(b), bbox)
            }
            None => (SqlValue::Null, None),
        };
        let mut row = vec![SqlValue::Integer(fid), geom];
        for (n, ty) in names.iter().zip(&types) {
            let v = f.properties.iter().find(|(k, _)| k == n).map(|(_, v)| v);
            row.push(sql_value(v, *ty));
        }
        insert.execute(params_from_iter(row)).map_err(sql_err)?;
        if let Some(b) = bbox {
            index
                .execute(rusqlite::params![fid, b[0], b[1], b[2], b[3]])
                .map_err(sql_err)?;
            extent = Some(match extent {
                None => b,
                Some(e) => [
                    e[0].min(b[0]),
                    e[1].max(b[1]),
                    e[2].min(b[2]),
                    e[3].max(b[3]),
                ],
            });
        }
    }
    let description = members_json(c)?;
    let e = extent.map(|e| [e[0], e[2], e[1], e[3]]);
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, \
         last_change, min_x, min_y, max_x, max_y, srs_id) \
         VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7, 4326)",
        rusqlite::params![
            name,
            description,
            LAST_CHANGE,
            e.map(|e| e[0]),
            e.map(|e| e[1]),
            e.map(|e| e[2]),
            e.map(|e| e[3])
        ],
    )
    .map_err(sql_err)?;
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
        rusqlite::params![name, geometry_type_name(c)],
    )
    .map_err(sql_err)?;
    conn.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index', \
         'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        [name],
    )
    .map_err(sql_err)?;
    let triggers = RTREE_TRIGGERS.replace("{t}", name).replace("{c}", "geom");
    conn.execute_batch(&triggers).map_err(sql_err)
}

/// The collection's top-level members as one JSON object.
fn members_json(c: &Collection) -> io::Result<String> {
    let members: serde_json::Map<String, Value> = c.members.iter().cloned().collect();
    serde_json::to_string(&Value::Object(members)).map_err(geo_err)
}

/// Write `layers` (name, collection) as one GeoPackage.
pub(crate) fn write_gpkg(w: &mut dyn Write, layers: &[(String, Collection)]) -> io::Result<()> {
    let conn = Connection::open_in_memory().map_err(sql_err)?;
    conn.execute_batch(CORE).map_err(sql_err)?;
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, ?1, \
         'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        [WGS84_WKT],
    )
    .map_err(sql_err)?;
    for (name, c) in layers {
        add_layer(&conn, name, c)?;
    }
    let data = conn.serialize(MAIN_DB).map_err(sql_err)?;
    w.write_all(&data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::derived::parse;

    const FC: &str = r#"{"type":"FeatureCollection","name":"sites","fitcircle":{"note":"n"},"features":[
{"type":"Feature","properties":{"id":"a","population":12.5,"reachable":true,"rank":1},"geometry":{"type":"Point","coordinates":[116.36,39.91]}},
{"type":"Feature","properties":{"id":"b","population":null,"reachable":false,"rank":2},"geometry":{"type":"LineString","coordinates":[[116.36,39.91],[116.37,39.92]]}},
{"type":"Feature","properties":{"id":"c","population":3,"reachable":true,"rank":3},"geometry":null}]}"#;

    fn written() -> Vec<u8> {
        let c = parse(FC.as_bytes()).unwrap();
        let mut out = Vec::new();
        write_gpkg(&mut out, &[("sites".to_string(), c)]).unwrap();
        out
    }

    #[test]
    fn gpkg_has_typed_columns_index_and_same_bytes_each_time() {
        let bytes = written();
        assert_eq!(bytes, written());
        assert!(bytes.starts_with(b"SQLite format 3\0"));
        let mut conn = Connection::open_in_memory().unwrap();
        conn.deserialize_read_exact(MAIN_DB, &bytes[..], bytes.len(), true)
            .unwrap();
        let types: Vec<(String, String)> = conn
            .prepare("SELECT name, type FROM pragma_table_info('sites')")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let want = [
            ("fid", "INTEGER"),
            ("geom", "GEOMETRY"),
            ("id", "TEXT"),
            ("population", "REAL"),
            ("reachable", "BOOLEAN"),
            ("rank", "INTEGER"),
        ];
        let got: Vec<(&str, &str)> = types
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(got, want);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM rtree_sites_geom", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2, "the feature without geometry has no index entry");
        let (minx, maxy): (f64, f64) = conn
            .query_row(
                "SELECT min_x, max_y FROM gpkg_contents WHERE table_name = 'sites'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((minx, maxy), (116.36, 39.92));
    }
}
