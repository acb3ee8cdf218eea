//! Every GeoJSON file fitcircle writes follows RFC 7946: checked on the
//! Helsinki bundle's communities.geojson, facilities.geojson and (with
//! --network-geojson) network.geojson, parsed back both with serde_json
//! (structure, ranges, ring orientation, no "crs") and with the `geojson`
//! crate (and on into `geo` geometries), plus a scan of the raw text for the
//! number of decimals in coordinates.

mod common;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use common::*;
use serde_json::Value;

/// What was seen in one file.
#[derive(Debug, Default)]
struct Stats {
    features: usize,
    positions: usize,
    rings: usize,
    holes: usize,
}

/// Check one position: exactly [lon, lat] (no altitude), in range.
fn check_position(v: &Value, ctx: &str, stats: &mut Stats) -> [f64; 2] {
    let a = v
        .as_array()
        .unwrap_or_else(|| panic!("{ctx}: position {v} is not an array"));
    assert_eq!(a.len(), 2, "{ctx}: position {v} should be [lon, lat]");
    let lon = a[0].as_f64().unwrap_or_else(|| panic!("{ctx}: {v}"));
    let lat = a[1].as_f64().unwrap_or_else(|| panic!("{ctx}: {v}"));
    assert!((-180.0..=180.0).contains(&lon), "{ctx}: longitude {lon}");
    assert!((-90.0..=90.0).contains(&lat), "{ctx}: latitude {lat}");
    stats.positions += 1;
    [lon, lat]
}

fn check_positions(v: &Value, ctx: &str, stats: &mut Stats) -> Vec<[f64; 2]> {
    v.as_array()
        .unwrap_or_else(|| panic!("{ctx}: {v} is not an array of positions"))
        .iter()
        .map(|p| check_position(p, ctx, stats))
        .collect()
}

/// Twice the signed area (shoelace, lon/lat plane): > 0 counter-clockwise.
fn signed_area2(ring: &[[f64; 2]]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum()
}

/// Polygon rings: closed, 4+ positions, exterior counter-clockwise, holes
/// clockwise (RFC 7946 section 3.1.6).
fn check_polygon(v: &Value, ctx: &str, stats: &mut Stats) {
    let rings = v
        .as_array()
        .unwrap_or_else(|| panic!("{ctx}: polygon coordinates {v}"));
    assert!(!rings.is_empty(), "{ctx}: polygon without rings");
    for (i, r) in rings.iter().enumerate() {
        let ring = check_positions(r, ctx, stats);
        assert!(
            ring.len() >= 4,
            "{ctx}: ring {i} has {} positions",
            ring.len()
        );
        assert_eq!(ring.first(), ring.last(), "{ctx}: ring {i} is not closed");
        let a = signed_area2(&ring);
        if i == 0 {
            assert!(
                a > 0.0,
                "{ctx}: exterior ring is not counter-clockwise (2A = {a:e})"
            );
        } else {
            assert!(a < 0.0, "{ctx}: hole {i} is not clockwise (2A = {a:e})");
            stats.holes += 1;
        }
        stats.rings += 1;
    }
}

fn check_geometry(g: &Value, ctx: &str, stats: &mut Stats) {
    let obj = g
        .as_object()
        .unwrap_or_else(|| panic!("{ctx}: geometry {g} is not an object"));
    assert!(
        !obj.contains_key("crs"),
        "{ctx}: geometry has a \"crs\" member"
    );
    let kind = obj["type"]
        .as_str()
        .unwrap_or_else(|| panic!("{ctx}: geometry type"));
    let ctx = &format!("{ctx} ({kind})");
    if kind == "GeometryCollection" {
        for sub in obj["geometries"].as_array().expect("geometries array") {
            check_geometry(sub, ctx, stats);
        }
        return;
    }
    let c = &obj["coordinates"];
    match kind {
        "Point" => {
            check_position(c, ctx, stats);
        }
        "MultiPoint" => {
            check_positions(c, ctx, stats);
        }
        "LineString" => {
            let l = check_positions(c, ctx, stats);
            assert!(l.len() >= 2, "{ctx}: line with {} positions", l.len());
        }
        "MultiLineString" => {
            for l in c.as_array().expect("lines") {
                let l = check_positions(l, ctx, stats);
                assert!(l.len() >= 2, "{ctx}: line with {} positions", l.len());
            }
        }
        "Polygon" => check_polygon(c, ctx, stats),
        "MultiPolygon" => {
            for p in c.as_array().expect("polygons") {
                check_polygon(p, ctx, stats);
            }
        }
        other => panic!("{ctx}: unknown geometry type {other:?}"),
    }
}

/// Number tokens inside every `"coordinates":` array of the raw text; each
/// must be plain decimal notation with at most 7 decimals.
fn coordinate_tokens(text: &str, file: &str) -> usize {
    let key = "\"coordinates\":";
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut from = 0;
    while let Some(k) = text[from..].find(key) {
        let mut i = from + k + key.len();
        assert_eq!(
            bytes[i], b'[',
            "{file}: coordinates at byte {i} is not an array"
        );
        let mut depth = 0usize;
        let mut token = String::new();
        loop {
            let b = bytes[i];
            match b {
                b'[' => depth += 1,
                b']' | b',' => {
                    if !token.is_empty() {
                        assert!(
                            !token.contains(['e', 'E']),
                            "{file}: coordinate {token} in exponent notation"
                        );
                        let decimals = token.split_once('.').map_or(0, |(_, f)| f.len());
                        assert!(
                            decimals <= 7,
                            "{file}: coordinate {token} has {decimals} decimals"
                        );
                        token.clear();
                        count += 1;
                    }
                    if b == b']' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
                b' ' | b'\n' | b'\r' | b'\t' => {}
                _ => token.push(b as char),
            }
            i += 1;
        }
        from = i;
    }
    count
}

/// All checks on one output file; returns what was seen.
fn check_file(path: &Path) -> Stats {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = read_text(path);
    let mut stats = Stats::default();

    // serde_json: the structure.
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let top = v.as_object().expect("top level is an object");
    assert_eq!(top["type"], "FeatureCollection", "{file}");
    assert!(!top.contains_key("crs"), "{file}: top-level \"crs\" member");
    for (i, f) in features(&v).iter().enumerate() {
        let ctx = format!("{file} feature {i}");
        let obj = f
            .as_object()
            .unwrap_or_else(|| panic!("{ctx}: not an object"));
        assert_eq!(obj["type"], "Feature", "{ctx}");
        assert!(!obj.contains_key("crs"), "{ctx}: \"crs\" member");
        assert!(
            obj.get("properties").is_some_and(Value::is_object),
            "{ctx}: properties"
        );
        let g = obj
            .get("geometry")
            .unwrap_or_else(|| panic!("{ctx}: no geometry"));
        assert!(!g.is_null(), "{ctx}: null geometry");
        check_geometry(g, &ctx, &mut stats);
        stats.features += 1;
    }

    // The raw text: every coordinate has at most 7 decimals.
    let tokens = coordinate_tokens(&text, &file);
    assert_eq!(
        tokens,
        2 * stats.positions,
        "{file}: raw scan vs parsed positions"
    );

    // The geojson crate reads the same features, and geo accepts every geometry.
    let gj = geojson::GeoJson::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("{file}: the geojson crate does not see a FeatureCollection");
    };
    assert_eq!(fc.features.len(), stats.features, "{file}");
    for (i, f) in fc.features.iter().enumerate() {
        assert!(f.properties.is_some(), "{file} feature {i}: properties");
        let g = f
            .geometry
            .as_ref()
            .unwrap_or_else(|| panic!("{file} feature {i}"));
        geo::Geometry::<f64>::try_from(&g.value)
            .unwrap_or_else(|e| panic!("{file} feature {i}: not a valid geometry: {e}"));
    }
    stats
}

#[test]
fn helsinki_outputs_are_rfc7946() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let stdout = run_ok(
        &manifest_dir(),
        &[
            "analyze",
            "--bundle",
            "helsinki",
            "--network-geojson",
            "--export-graph",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(stdout.is_empty(), "--quiet printed:\n{stdout}");

    let communities = check_file(&out.join("communities.geojson"));
    // The bundle's 36 population cells, all polygons.
    let input = read_json(
        &manifest_dir().join("data/helsinki/helsinki_population_grid_2020_near_network.geojson"),
    );
    assert_eq!(features(&input).len(), 36);
    assert_eq!(communities.features, 36);
    assert_eq!(communities.rings, 36);

    let facilities = check_file(&out.join("facilities.geojson"));
    // Every facility is listed: counted and reachable ones in the summary,
    // the rest in unreachable.csv.
    let summary = read_csv_rows(&out.join("summary.csv"));
    let counted = num(summary_row(&summary, "all", "any"), "facilities") as usize;
    let unreachable = read_csv_rows(&out.join("unreachable.csv"))
        .iter()
        .filter(|r| r["kind"] == "facility")
        .count();
    let fac = read_json(&out.join("facilities.geojson"));
    let not_counted = features(&fac)
        .iter()
        .filter(|f| f["properties"]["counted"] == Value::Bool(false))
        .count();
    assert_eq!(facilities.features, counted + unreachable + not_counted);
    assert_eq!(facilities.features, 42);
    // The extract has a multipolygon facility with a hole: orientation of
    // holes is exercised on real data.
    assert!(facilities.holes >= 1, "{facilities:?}");

    // One LineString per graph edge.
    let network = check_file(&out.join("network.geojson"));
    let edges = read_csv_rows(&out.join("graph_edges.csv"));
    assert_eq!(network.features, edges.len());
    assert!(network.features > 5000, "{network:?}");
}

// The checker itself must catch the violations it looks for.

fn check_text(text: &str) -> Stats {
    let tmp = temp_dir();
    let path = tmp.path().join("sample.geojson");
    std::fs::write(&path, text).unwrap();
    check_file(&path)
}

const GOOD: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[0.2,0.2],[0.2,0.8],[0.8,0.8],[0.8,0.2],[0.2,0.2]]]}}]}"#;

#[test]
fn checker_accepts_a_valid_polygon_with_a_hole() {
    let s = check_text(GOOD);
    assert_eq!((s.features, s.rings, s.holes, s.positions), (1, 2, 1, 10));
}

#[test]
#[should_panic(expected = "not counter-clockwise")]
fn checker_rejects_a_clockwise_exterior() {
    check_text(&GOOD.replace(
        "[[0,0],[1,0],[1,1],[0,1],[0,0]]",
        "[[0,0],[0,1],[1,1],[1,0],[0,0]]",
    ));
}

#[test]
#[should_panic(expected = "is not clockwise")]
fn checker_rejects_a_counter_clockwise_hole() {
    check_text(&GOOD.replace(
        "[[0.2,0.2],[0.2,0.8],[0.8,0.8],[0.8,0.2],[0.2,0.2]]",
        "[[0.2,0.2],[0.8,0.2],[0.8,0.8],[0.2,0.8],[0.2,0.2]]",
    ));
}

#[test]
#[should_panic(expected = "has 8 decimals")]
fn checker_rejects_eight_decimals() {
    check_text(&GOOD.replace("[1,1]", "[1,1.00000001]"));
}

#[test]
#[should_panic(expected = "\"crs\" member")]
fn checker_rejects_a_crs_member() {
    check_text(&GOOD.replace(
        r#"{"type":"FeatureCollection","#,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"#,
    ));
}

#[test]
#[should_panic(expected = "latitude")]
fn checker_rejects_swapped_coordinates() {
    check_text(
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[60.17,124.94]}}]}"#,
    );
}

/// Counted facilities that could be attached to the network, and the
/// whole-area targets of summary.csv, of a finished run.
fn counted_reachable_and_targets(out: &Path) -> (usize, usize) {
    let fac = read_json(&out.join("facilities.geojson"));
    let reachable = features(&fac)
        .iter()
        .filter(|f| {
            f["properties"]["counted"] == Value::Bool(true)
                && f["properties"]["reachable"] == Value::Bool(true)
        })
        .count();
    let targets = read_csv_rows(&out.join("summary.csv"))
        .iter()
        .filter(|r| r["area"] == "all")
        .count();
    (reachable, targets)
}

/// units.geojson and isochrones.geojson (per-target unions and, with
/// --isochrones, per-facility polygons) on the tiny network with the two
/// units of tests/fixtures/catchments/units.geojson, whose East ring is
/// clockwise and whose West hole is counter-clockwise in the input: the
/// writer must re-orient both.
#[test]
fn tiny_units_and_isochrones_are_rfc7946() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let tiny = fixture("tiny");
    let catchments = fixture("catchments");
    let path = |p: PathBuf| p.to_str().unwrap().to_string();
    let args = [
        "analyze".to_string(),
        "--config".into(),
        path(tiny.join("fitcircle.toml")),
        "--network".into(),
        path(tiny.join("network.osm")),
        "--facilities".into(),
        path(catchments.join("facilities_units.csv")),
        "--communities".into(),
        path(tiny.join("communities.csv")),
        "--units".into(),
        path(catchments.join("units.geojson")),
        "--minutes".into(),
        "1.2".into(),
        "--speed".into(),
        "6".into(),
        "--isochrones".into(),
        "--quiet".into(),
        "--out".into(),
        path(out.clone()),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(tmp.path(), &args);

    let units = check_file(&out.join("units.geojson"));
    assert_eq!(units.features, 2, "{units:?}");
    assert_eq!((units.rings, units.holes), (3, 1), "{units:?}");

    let iso = check_file(&out.join("isochrones.geojson"));
    let (reachable, targets) = counted_reachable_and_targets(&out);
    assert_eq!((reachable, targets), (4, 5));
    assert_eq!(iso.features, targets + reachable, "{iso:?}");
    assert!(iso.rings >= iso.features, "{iso:?}");
}

/// Isochrones over a real street network have holes (blocks farther than
/// the 40 m buffer from every reached street). A 2-minute walk keeps the
/// debug-build run short; per-facility polygons included.
#[test]
fn helsinki_isochrones_are_rfc7946() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    run_ok(
        &manifest_dir(),
        &[
            "analyze",
            "--bundle",
            "helsinki",
            "--minutes",
            "2",
            "--isochrones",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let iso = check_file(&out.join("isochrones.geojson"));
    let (reachable, targets) = counted_reachable_and_targets(&out);
    assert_eq!(iso.features, targets + reachable, "{iso:?}");
    assert!(iso.holes >= 1, "{iso:?}");
}
