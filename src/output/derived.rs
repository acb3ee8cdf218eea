//! Companion files derived from a GeoJSON output once it is written: the same
//! features as FlatGeobuf (`--format fgb`, `communities.fgb`) and with the
//! coordinates converted to a Chinese web-map CRS (`--output-crs gcj02|bd09`,
//! `communities.gcj02.geojson`).
//!
//! The GeoJSON text is the single source: it is parsed back (member and
//! property order kept) and re-emitted, so every companion carries exactly
//! the features, properties and values of its GeoJSON file, in the same order.

use std::fmt;
use std::io::{self, Write};

use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geo::{Coord, Geometry, MapCoords};
use geozero::{ColumnValue, GeomProcessor, GeozeroGeometry, PropertyProcessor};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Value, json};

use super::columns::{Layer, Values};
use super::geojson::FeatureWriter;
use super::schema::{ColumnKind, declared};
use crate::crs::Crs;

/// Members of a JSON object in file order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Ordered(pub Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Ordered, E> {
                Ok(Ordered::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(16));
                while let Some((k, v)) = m.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// One feature: properties in order and the geometry (`None` for null).
#[derive(Debug, Clone)]
pub struct Feature {
    /// The feature's properties (name, value), in file order; empty for null
    /// properties.
    pub properties: Vec<(String, Value)>,
    /// Geometry in the file's coordinates, `None` for a null geometry.
    pub geometry: Option<Geometry<f64>>,
}

#[derive(Deserialize)]
struct RawFeature {
    #[serde(default)]
    properties: Option<Ordered>,
    #[serde(default)]
    geometry: Option<geojson::Geometry>,
}

/// A FeatureCollection: its other top-level members (without `type`) in
/// order, then its features.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// Top-level members other than `type` and `features` (name, value), in
    /// file order.
    pub members: Vec<(String, Value)>,
    /// The features, in file order.
    pub features: Vec<Feature>,
}

impl<'de> Deserialize<'de> for Collection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Collection;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GeoJSON FeatureCollection")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Collection, A::Error> {
                let mut c = Collection::default();
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "features" => {
                            let raw: Vec<RawFeature> = m.next_value()?;
                            c.features.reserve(raw.len());
                            for (i, f) in raw.into_iter().enumerate() {
                                let geometry = match f.geometry {
                                    None => None,
                                    Some(g) => {
                                        Some(Geometry::<f64>::try_from(&g.value).map_err(|e| {
                                            de::Error::custom(format!("feature {i}: {e}"))
                                        })?)
                                    }
                                };
                                c.features.push(Feature {
                                    properties: f.properties.unwrap_or_default().0,
                                    geometry,
                                });
                            }
                        }
                        "type" => {
                            let t: String = m.next_value()?;
                            if t != "FeatureCollection" {
                                return Err(de::Error::custom(format!(
                                    "type {t:?}, not a FeatureCollection"
                                )));
                            }
                        }
                        _ => {
                            let v: Value = m.next_value()?;
                            c.members.push((k, v));
                        }
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_map(V)
    }
}

/// Parse a FeatureCollection written by fitcircle.
pub fn parse(bytes: &[u8]) -> io::Result<Collection> {
    serde_json::from_slice(bytes)
        .map_err(|e| io::Error::other(format!("re-reading the GeoJSON output: {e}")))
}

/// How a CRS is named in file names, and in the `fitcircle_crs` member.
pub fn crs_labels(crs: Crs) -> (&'static str, &'static str) {
    match crs {
        Crs::Wgs84 => ("wgs84", "WGS-84"),
        Crs::Gcj02 => ("gcj02", "GCJ-02"),
        Crs::Bd09 => ("bd09", "BD-09"),
    }
}

/// The note written beside `fitcircle_crs` in converted files.
pub fn crs_note(crs: Crs) -> String {
    let (_, label) = crs_labels(crs);
    let maps = match crs {
        Crs::Bd09 => "Baidu maps",
        _ => "AMap/Gaode and Tencent maps",
    };
    let tag = crs_labels(crs).0;
    format!(
        "coordinates are {label} lon/lat, NOT the WGS-84 that RFC 7946 requires: GDAL, QGIS and \
         PostGIS read any GeoJSON as WGS-84, so in GIS this layer sits a few hundred metres off; \
         for overlay on {maps} only. For GIS work use the file without .{tag} in its name; the \
         .{tag}.fgb companion (--format fgb) declares no EPSG code, only the name {label}"
    )
}

/// The collection with every coordinate converted from WGS-84 to `crs`.
pub fn to_crs(c: &Collection, crs: Crs) -> Collection {
    let conv = |p: Coord<f64>| {
        let (x, y) = crs.from_wgs84(p.x, p.y);
        Coord { x, y }
    };
    let (tag, label) = crs_labels(crs);
    let mut members = c.members.clone();
    // A layer name of its own, so that it never replaces the WGS-84 layer
    // when both are loaded into one database.
    for (k, v) in &mut members {
        if k == "name" {
            if let Some(n) = v.as_str() {
                *v = json!(format!("{n}_{tag}"));
            }
        }
    }
    members.push(("fitcircle_crs".into(), json!(label)));
    members.push(("fitcircle_crs_note".into(), json!(crs_note(crs))));
    Collection {
        members,
        features: c
            .features
            .iter()
            .map(|f| Feature {
                properties: f.properties.clone(),
                geometry: f.geometry.as_ref().map(|g| g.map_coords(conv)),
            })
            .collect(),
    }
}

/// Write a collection as GeoJSON with the same layout as the original
/// writers (7 decimals, RFC 7946 ring orientation).
pub fn write_geojson(w: &mut dyn Write, c: &Collection) -> io::Result<()> {
    let meta: Vec<(&str, Value)> = c
        .members
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let mut fw = FeatureWriter::start(w, &meta)?;
    for f in &c.features {
        fw.feature_opt(f.geometry.as_ref(), &f.properties)?;
    }
    fw.finish()
}

/// FlatGeobuf type of a column, from every value it holds.
fn column_type(values: &mut dyn Iterator<Item = &Value>) -> ColumnType {
    let (mut bools, mut ints, mut floats, mut strings, mut other) = (0, 0, 0, 0, 0);
    for v in values {
        match v {
            Value::Null => {}
            Value::Bool(_) => bools += 1,
            Value::Number(n) if n.is_i64() => ints += 1,
            Value::Number(_) => floats += 1,
            Value::String(_) => strings += 1,
            Value::Array(_) | Value::Object(_) => other += 1,
        }
    }
    let kinds = [bools, ints + floats, strings, other]
        .iter()
        .filter(|&&n| n > 0)
        .count();
    match kinds {
        0 => ColumnType::String,
        1 if bools > 0 => ColumnType::Bool,
        1 if floats > 0 => ColumnType::Double,
        1 if ints > 0 => ColumnType::Long,
        1 if other > 0 => ColumnType::Json,
        _ => ColumnType::String,
    }
}

fn geometry_type(g: &Geometry<f64>) -> GeometryType {
    match g {
        Geometry::Point(_) => GeometryType::Point,
        Geometry::MultiPoint(_) => GeometryType::MultiPoint,
        Geometry::LineString(_) | Geometry::Line(_) => GeometryType::LineString,
        Geometry::MultiLineString(_) => GeometryType::MultiLineString,
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => GeometryType::Polygon,
        Geometry::MultiPolygon(_) => GeometryType::MultiPolygon,
        Geometry::GeometryCollection(_) => GeometryType::GeometryCollection,
    }
}

/// A feature's geometry for geozero, borrowed.
struct GeomRef<'a>(&'a Geometry<f64>);

impl GeozeroGeometry for GeomRef<'_> {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> geozero::error::Result<()> {
        geozero::geo_types::process_geom(self.0, p)
    }
}

fn fgb_err<E: fmt::Display>(e: E) -> io::Error {
    io::Error::other(format!("writing FlatGeobuf: {e}"))
}

/// Write a collection as FlatGeobuf: one column per property (in the order
/// first seen; typed Bool, Long, Double or String as declared by name in
/// `output::schema`, from the values for an undeclared name),
/// features in GeoJSON order (no spatial index, so the order is kept), the
/// top-level members as JSON in the header's metadata.
///
/// Features with a null geometry are left out: GDAL cannot read a
/// FlatGeobuf feature with an empty geometry (and its own FlatGeobuf writer
/// drops such features too), and the `flatgeobuf` crate always writes one.
/// Only gaps.geojson has such features (district-wide gaps); the metadata
/// says how many were left out, and the GeoJSON and CSV keep them.
pub fn write_fgb(w: &mut dyn Write, c: &Collection, layer: &str, crs: Crs) -> io::Result<()> {
    let (names, types) = columns(c);
    let metadata = fgb_metadata(c)?;
    let mut fgb = fgb_writer(layer, collection_geometry_type(c), crs, &metadata, false)?;
    for (name, t) in names.iter().zip(&types) {
        fgb.add_column(name, *t, |_, col| col.nullable = true);
    }
    let mut text = String::new();
    for f in &c.features {
        let Some(g) = &f.geometry else { continue };
        // The closure's argument is flatgeobuf's feature writer (a type the
        // crate does not export by name).
        fgb.add_feature_geom(GeomRef(g), |fw| {
            for (i, (name, t)) in names.iter().zip(&types).enumerate() {
                let Some((_, v)) = f.properties.iter().find(|(k, _)| k == name) else {
                    continue;
                };
                let Some(value) = column_value(v, *t, &mut text) else {
                    continue;
                };
                // The feature writer only appends bytes; it cannot fail.
                let _ = fw.property(i, name, &value);
            }
        })
        .map_err(fgb_err)?;
    }
    fgb.write(w).map_err(fgb_err)
}

/// The columns: every property name in the order first seen, typed as
/// [`super::schema::declared`] says (from all its values only for a name
/// no rule covers).
pub(crate) fn columns(c: &Collection) -> (Vec<&str>, Vec<ColumnType>) {
    let mut names: Vec<&str> = Vec::new();
    for f in &c.features {
        for (k, _) in &f.properties {
            if !names.contains(&k.as_str()) {
                names.push(k.as_str());
            }
        }
    }
    let types: Vec<ColumnType> = names
        .iter()
        .map(|n| {
            if let Some(kind) = declared(n) {
                return match kind {
                    ColumnKind::Bool => ColumnType::Bool,
                    ColumnKind::Long => ColumnType::Long,
                    ColumnKind::Double => ColumnType::Double,
                    ColumnKind::Text => ColumnType::String,
                };
            }
            column_type(
                &mut c
                    .features
                    .iter()
                    .filter_map(|f| f.properties.iter().find(|(k, _)| k == n).map(|(_, v)| v)),
            )
        })
        .collect();
    (names, types)
}

/// The geometry type shared by every feature with a geometry, else
/// `Unknown`.
fn collection_geometry_type(c: &Collection) -> GeometryType {
    shared_type(
        c.features
            .iter()
            .filter_map(|f| f.geometry.as_ref().map(geometry_type)),
    )
}

/// The type all of `types` share, else `Unknown` (none, or mixed).
fn shared_type(mut types: impl Iterator<Item = GeometryType>) -> GeometryType {
    match types.next() {
        Some(t) if types.all(|u| u == t) => t,
        _ => GeometryType::Unknown,
    }
}

/// A FlatGeobuf writer for layer `name` in `crs`, typed `gtype`, with
/// `metadata` in its header, and a packed Hilbert R-tree when `index`
/// (features then come in the index's order).
fn fgb_writer<'a>(
    name: &str,
    gtype: GeometryType,
    crs: Crs,
    metadata: &'a str,
    index: bool,
) -> io::Result<FgbWriter<'a>> {
    FgbWriter::create_with_options(
        name,
        gtype,
        FgbWriterOptions {
            write_index: index,
            detect_type: false,
            promote_to_multi: false,
            crs: fgb_crs(crs),
            metadata: Some(metadata),
            ..Default::default()
        },
    )
    .map_err(fgb_err)
}

/// The header's metadata: the collection's top-level members as JSON, and
/// how many features were left out for having no geometry.
fn fgb_metadata(c: &Collection) -> io::Result<String> {
    let left_out = c.features.iter().filter(|f| f.geometry.is_none()).count();
    metadata_of(&c.members, left_out)
}

/// [`fgb_metadata`] of top-level `members` and `left_out` features without
/// geometry.
fn metadata_of(members: &[(String, Value)], left_out: usize) -> io::Result<String> {
    let mut members: serde_json::Map<String, Value> = members.iter().cloned().collect();
    if left_out > 0 {
        members.insert(
            "fitcircle_fgb_left_out".into(),
            json!(format!(
                "{left_out} features without geometry are not in this FlatGeobuf file \
                 (GDAL cannot read them); the GeoJSON and CSV files have them"
            )),
        );
    }
    serde_json::to_string(&Value::Object(members)).map_err(fgb_err)
}

/// Write a layer of typed records (the features a file's writer emits,
/// [`super::columns::layer`]) as FlatGeobuf in WGS-84, with a packed
/// Hilbert R-tree spatial index (features in the index's order), one
/// column per layer column (Bool, Long, Double or String, as the layer
/// typed it), the file's top-level members in the header's metadata.
/// Features with no geometry are left out, as in [`write_fgb`].
pub(crate) fn write_layer_fgb(w: &mut dyn Write, l: &Layer, name: &str) -> io::Result<()> {
    let located: Vec<(usize, &[u8])> = (0..l.wkb.len())
        .filter_map(|i| Some((i, l.wkb.get(i)?)))
        .collect();
    let metadata = metadata_of(&l.members, l.rows - located.len())?;
    // WKB type codes 1 to 7 are FlatGeobuf's geometry types.
    let gtype = shared_type(located.iter().map(|(_, g)| match super::wkb::kind(g) {
        Some(k @ 1..=7) => GeometryType(k as u8),
        _ => GeometryType::Unknown,
    }));
    let mut fgb = fgb_writer(name, gtype, Crs::Wgs84, &metadata, true)?;
    for c in &l.columns {
        let t = match c.values {
            Values::Bool(_) => ColumnType::Bool,
            Values::Int(_) => ColumnType::Long,
            Values::Float(_) => ColumnType::Double,
            Values::Text(_) => ColumnType::String,
        };
        fgb.add_column(&c.name, t, |_, col| col.nullable = true);
    }
    for (i, wkb) in located {
        fgb.add_feature_geom(geozero::wkb::Wkb(wkb), |fw| {
            for (k, c) in l.columns.iter().enumerate() {
                let value = match &c.values {
                    Values::Bool(v) => v[i].map(ColumnValue::Bool),
                    Values::Int(v) => v[i].map(ColumnValue::Long),
                    Values::Float(v) => (!v[i].is_nan()).then_some(ColumnValue::Double(v[i])),
                    Values::Text(t) => t.get(i).map(ColumnValue::String),
                };
                if let Some(value) = value {
                    // The feature writer only appends bytes; it cannot fail.
                    let _ = fw.property(k, &c.name, &value);
                }
            }
        })
        .map_err(fgb_err)?;
    }
    fgb.write(w).map_err(fgb_err)
}

/// EPSG:4326, or the name of a Chinese offset CRS (no EPSG code exists for
/// them).
fn fgb_crs(crs: Crs) -> FgbCrs<'static> {
    let (_, label) = crs_labels(crs);
    match crs {
        Crs::Wgs84 => FgbCrs {
            code: 4326,
            ..Default::default()
        },
        _ => FgbCrs {
            code: 0,
            name: Some(label),
            ..Default::default()
        },
    }
}

/// A property value as a value of its column's type; `None` for null or a
/// number that does not fit. JSON text (objects, arrays, and values that do
/// not match the column's type) is written into `text`.
fn column_value<'v>(v: &'v Value, t: ColumnType, text: &'v mut String) -> Option<ColumnValue<'v>> {
    Some(match (v, t) {
        (Value::Null, _) => return None,
        (Value::Bool(b), ColumnType::Bool) => ColumnValue::Bool(*b),
        (Value::Number(n), ColumnType::Long) => ColumnValue::Long(n.as_i64()?),
        (Value::Number(n), ColumnType::Double) => ColumnValue::Double(n.as_f64()?),
        (Value::String(s), ColumnType::String) => ColumnValue::String(s),
        (v, ColumnType::Json) => {
            *text = v.to_string();
            ColumnValue::Json(text)
        }
        (Value::String(s), _) => ColumnValue::String(s),
        (v, _) => {
            *text = v.to_string();
            ColumnValue::String(text)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A layer of typed records as FlatGeobuf: a spatial index GDAL and
    /// the reader use (a box selects exactly the points inside it),
    /// every located row once with its typed values, the row without a
    /// geometry left out and counted in the metadata.
    #[test]
    fn typed_layer_fgb_has_an_index_and_every_located_row() {
        use super::super::columns::ColumnSink;
        use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
        let mut sink = ColumnSink::default();
        let mut fw = FeatureWriter::start(&mut sink, &[("name", json!("t"))]).unwrap();
        let pts: Vec<(f64, f64)> = (0..400)
            .map(|k| {
                (
                    116.0 + (k % 20) as f64 * 0.01,
                    39.0 + (k / 20) as f64 * 0.01,
                )
            })
            .collect();
        for (k, &(x, y)) in pts.iter().enumerate() {
            let g = Geometry::Point(geo::Point::new(x, y));
            let props = vec![
                ("id", json!(format!("p{k}"))),
                ("n", json!(k)),
                ("ok", json!(k % 2 == 0)),
            ];
            fw.feature(&g, &props).unwrap();
        }
        fw.feature_opt(None, &[("id", json!("none"))]).unwrap();
        fw.finish().unwrap();
        let layer = sink.finish();
        let mut bytes = Vec::new();
        write_layer_fgb(&mut bytes, &layer, "t").unwrap();

        let reader = FgbReader::open(std::io::Cursor::new(&bytes)).unwrap();
        let header = reader.header();
        assert!(header.index_node_size() > 0, "no spatial index");
        assert_eq!(header.features_count(), 400);
        assert!(
            header
                .metadata()
                .unwrap()
                .contains("fitcircle_fgb_left_out")
        );
        let mut all = reader.select_all().unwrap();
        let mut seen = Vec::new();
        while let Some(f) = all.next().unwrap() {
            let id: String = f.property("id").unwrap();
            let n: i64 = f.property("n").unwrap();
            let ok: bool = f.property("ok").unwrap();
            assert_eq!(id, format!("p{n}"));
            assert_eq!(ok, n % 2 == 0);
            seen.push(n);
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..400).collect::<Vec<i64>>());

        let (lo, hi) = ((116.025, 39.025), (116.075, 39.115));
        let want: Vec<i64> = (0..400)
            .filter(|&k| {
                let (x, y) = pts[k as usize];
                x >= lo.0 && x <= hi.0 && y >= lo.1 && y <= hi.1
            })
            .collect();
        let reader = FgbReader::open(std::io::Cursor::new(&bytes)).unwrap();
        let mut inside = reader.select_bbox(lo.0, lo.1, hi.0, hi.1).unwrap();
        let mut got = Vec::new();
        while let Some(f) = inside.next().unwrap() {
            got.push(f.property::<i64>("n").unwrap());
        }
        got.sort_unstable();
        assert!(!want.is_empty());
        assert_eq!(got, want);
    }

    const SAMPLE: &str = r#"{"type":"FeatureCollection","name":"x","fitcircle":{"b":1,"a":2},"features":[
{"type":"Feature","properties":{"z":1,"a":"s","m":1.5,"n":null,"b":true},"geometry":{"type":"Point","coordinates":[116.4,39.9]}},
{"type":"Feature","properties":{"z":2,"a":"t","m":2,"n":[1],"b":false},"geometry":null}
]}
"#;

    #[test]
    fn parse_keeps_member_and_property_order() {
        let c = parse(SAMPLE.as_bytes()).unwrap();
        let keys: Vec<&str> = c.members.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(keys, ["name", "fitcircle"]);
        let keys: Vec<&str> = c.features[0]
            .properties
            .iter()
            .map(|m| m.0.as_str())
            .collect();
        assert_eq!(keys, ["z", "a", "m", "n", "b"]);
        assert!(c.features[1].geometry.is_none());
        // Re-emitted unchanged in WGS-84 (same writer, same layout).
        let mut out = Vec::new();
        write_geojson(&mut out, &c).unwrap();
        let again = parse(&out).unwrap();
        assert_eq!(again.members, c.members);
        assert_eq!(again.features[0].properties, c.features[0].properties);
        assert_eq!(again.features[0].geometry, c.features[0].geometry);
    }

    #[test]
    fn column_types_follow_the_values() {
        let c = parse(SAMPLE.as_bytes()).unwrap();
        let col = |name: &str| {
            column_type(
                &mut c
                    .features
                    .iter()
                    .filter_map(|f| f.properties.iter().find(|(k, _)| k == name).map(|(_, v)| v)),
            )
        };
        assert_eq!(col("z"), ColumnType::Long);
        assert_eq!(col("m"), ColumnType::Double);
        assert_eq!(col("a"), ColumnType::String);
        assert_eq!(col("b"), ColumnType::Bool);
        assert_eq!(col("n"), ColumnType::Json);
        assert_eq!(col("missing"), ColumnType::String);
    }

    #[test]
    fn gcj02_conversion_moves_beijing_and_round_trips() {
        let c = parse(SAMPLE.as_bytes()).unwrap();
        let g = to_crs(&c, Crs::Gcj02);
        let Some(Geometry::Point(p)) = &g.features[0].geometry else {
            panic!("a point");
        };
        // About 0.0061 degrees east and 0.0014 north in central Beijing.
        assert!((p.x() - 116.4 - 0.0062).abs() < 0.0005, "{p:?}");
        assert!((p.y() - 39.9 - 0.0013).abs() < 0.0005, "{p:?}");
        let (lon, lat) = Crs::Gcj02.to_wgs84(p.x(), p.y());
        assert!((lon - 116.4).abs() < 1e-8 && (lat - 39.9).abs() < 1e-8);
        assert_eq!(
            g.members.iter().find(|m| m.0 == "fitcircle_crs").unwrap().1,
            json!("GCJ-02")
        );
    }

    #[test]
    fn fgb_starts_with_the_magic_bytes() {
        let c = parse(SAMPLE.as_bytes()).unwrap();
        let mut out = Vec::new();
        write_fgb(&mut out, &c, "x", Crs::Wgs84).unwrap();
        assert_eq!(&out[..4], b"fgb\x03");
    }
}
