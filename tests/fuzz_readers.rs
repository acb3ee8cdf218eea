//! Fuzz properties of every reader: random bytes, and byte-level mutations
//! (replace, insert, delete, cut) of a small valid input, must give `Ok` or
//! a typed [`fitcircle::Error`], never a panic. A panic fails the case and
//! shows the input (proptest then shrinks it).
//!
//! Readers: OSM PBF (compressed and raw blocks, then feature extraction and
//! the walking network), OSM XML (likewise), CSV and GeoJSON tables (then
//! facilities and communities), WKT in a CSV column, indicator figures, and
//! the TOML config (`toml::from_str::<Config>` then `Config::validate`).
//!
//! Inputs stay under a few kilobytes, so a reader that allocated in
//! proportion to a number read from the input (a length, a count) would
//! show as a slow or aborted run.
//!
//! 256 cases per reader by default (a few seconds); set
//! `FITCIRCLE_FUZZ_CASES` to run longer. Each reader prints its cases per
//! second on stderr (`-- --nocapture` to see them).

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use fitcircle::config::{Config, InputSpec};
use fitcircle::input::table::{
    TableFormat, communities_from_table, facilities_from_table, read_table_bytes,
};
use fitcircle::input::{OsmFormat, osm_extract, read_figures_bytes, read_osm_bytes};
use fitcircle_synth::NoRules;
use fitcircle_synth::pbf::{
    MEMBER_WAY, Member, Node, Relation, Way, encode_header, encode_nodes, encode_relations,
    encode_ways, file_block,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};

/// Cases per reader: `FITCIRCLE_FUZZ_CASES`, else 256.
fn cases() -> u32 {
    std::env::var("FITCIRCLE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// One byte-level edit: (position, byte, kind).
type Edit = (usize, u8, u8);

/// `seed` with `edits` applied: by `kind % 16`, 0-9 replace a byte, 10-12
/// insert one, 13-14 delete one, 15 cut the rest (positions wrap around the
/// current length).
fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for &(pos, byte, kind) in edits {
        if b.is_empty() {
            b.push(byte);
            continue;
        }
        let i = pos % b.len();
        match kind % 16 {
            0..=9 => b[i] = byte,
            10..=12 => b.insert(i, byte),
            13..=14 => {
                b.remove(i);
            }
            _ => b.truncate(i),
        }
    }
    b
}

/// Random bytes, or mutations of one of `seeds`.
fn inputs(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..512),
        4 => (
            0..n,
            prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4)
        )
            .prop_map(move |(s, edits)| mutate(&seeds[s], &edits)),
    ]
}

/// Run `check` on `cases()` inputs; a panic fails with the input shown.
/// `check` returns true when the reader accepted the input. Prints the
/// cases per second and the share of inputs read without error.
fn fuzz(name: &str, seeds: Vec<Vec<u8>>, check: impl Fn(&[u8]) -> bool) {
    let accepted = std::sync::atomic::AtomicU32::new(0);
    let n = cases();
    let mut runner = TestRunner::new(RunnerConfig {
        cases: n,
        failure_persistence: None,
        ..RunnerConfig::default()
    });
    let start = Instant::now();
    let result = runner.run(&inputs(seeds), |bytes| {
        catch_unwind(AssertUnwindSafe(|| {
            if check(&bytes) {
                accepted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }))
        .map_err(|_| {
            TestCaseError::fail(format!(
                "{name}: panic on input ({} bytes) {:?}",
                bytes.len(),
                String::from_utf8_lossy(&bytes)
            ))
        })
    });
    let secs = start.elapsed().as_secs_f64();
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!(
        "fuzz {name}: {n} cases in {secs:.2} s = {:.0} cases/s, {} read without error",
        f64::from(n) / secs,
        accepted.into_inner()
    );
}

fn tag(k: &'static str, v: &'static str) -> (&'static str, Cow<'static, str>) {
    (k, Cow::Borrowed(v))
}

/// Primitive blocks of a small city: nodes (one a pitch), a footway, a
/// residential area with a population, a multipolygon park.
fn pbf_blocks() -> Vec<(&'static str, Vec<u8>)> {
    let node = |id: i64, lon: f64, lat: f64| Node {
        id,
        lat: (lat * 1e7).round() as i32,
        lon: (lon * 1e7).round() as i32,
        tags: if id == 1 {
            vec![tag("leisure", "pitch")]
        } else {
            vec![]
        },
    };
    let nodes: Vec<Node> = (1..=6)
        .map(|i| node(i, 24.94 + 0.001 * i as f64, 60.17 + 0.0005 * (i % 3) as f64))
        .collect();
    let ways = [
        Way {
            id: 10,
            refs: vec![1, 2, 3, 4],
            tags: vec![tag("highway", "footway")],
        },
        Way {
            id: 11,
            refs: vec![2, 3, 5, 2],
            tags: vec![tag("landuse", "residential"), tag("population", "1,234")],
        },
        Way {
            id: 12,
            refs: vec![3, 4, 6, 3],
            tags: vec![],
        },
    ];
    let rels = [Relation {
        id: 100,
        members: vec![Member {
            kind: MEMBER_WAY,
            id: 12,
            role: "outer",
        }],
        tags: vec![tag("type", "multipolygon"), tag("leisure", "park")],
    }];
    vec![
        ("OSMHeader", encode_header([24.9, 60.1, 25.0, 60.2])),
        ("OSMData", encode_nodes(&nodes, &NoRules).0),
        ("OSMData", encode_ways(&ways, &NoRules).0),
        ("OSMData", encode_relations(&rels, &NoRules).0),
    ]
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    put_varint(out, (field << 3) | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// A file block holding `raw` uncompressed (so mutations reach the
/// protobuf block parser rather than zlib).
fn raw_block(kind: &str, raw: &[u8]) -> Vec<u8> {
    let mut blob = Vec::new();
    put_bytes(&mut blob, 1, raw);
    let mut header = Vec::new();
    put_bytes(&mut header, 1, kind.as_bytes());
    put_varint(&mut header, 3 << 3);
    put_varint(&mut header, blob.len() as u64);
    let mut out = (header.len() as u32).to_be_bytes().to_vec();
    out.extend(header);
    out.extend(blob);
    out
}

fn check_osm(bytes: &[u8], format: OsmFormat, name: &str) -> bool {
    let Ok(raw) = read_osm_bytes(bytes, format, Path::new(name)) else {
        return false;
    };
    let features = osm_extract::extract(&raw);
    let _ = fitcircle::graph::build::build_network(&features.walk_input(&raw));
    true
}

#[test]
fn fuzz_osm_pbf() {
    let blocks = pbf_blocks();
    let compressed: Vec<u8> = blocks.iter().flat_map(|(k, b)| file_block(k, b)).collect();
    let raw: Vec<u8> = blocks.iter().flat_map(|(k, b)| raw_block(k, b)).collect();
    // Both seeds are valid.
    for seed in [&compressed, &raw] {
        let osm = read_osm_bytes(seed, OsmFormat::Pbf, Path::new("seed.osm.pbf")).unwrap();
        assert_eq!(osm.node_ids.len(), 6);
    }
    fuzz("osm_pbf", vec![compressed, raw], |b| {
        check_osm(b, OsmFormat::Pbf, "fuzz.osm.pbf")
    });
}

const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="60.1700" lon="24.9400"><tag k="leisure" v="pitch"/></node>
  <node id="2" lat="60.1700" lon="24.9410"/>
  <node id="3" lat="60.1705" lon="24.9420"/>
  <node id="4" lat="60.1710" lon="24.9410"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="footway"/></way>
  <way id="11"><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="2"/>
    <tag k="landuse" v="residential"/><tag k="population" v="1 234"/></way>
  <relation id="100"><member type="way" ref="11" role="outer"/>
    <tag k="type" v="multipolygon"/><tag k="leisure" v="park"/></relation>
</osm>
"#;

#[test]
fn fuzz_osm_xml() {
    check_osm(XML.as_bytes(), OsmFormat::Xml, "seed.osm");
    fuzz("osm_xml", vec![XML.as_bytes().to_vec()], |b| {
        check_osm(b, OsmFormat::Xml, "fuzz.osm")
    });
}

/// Facilities and communities from a table, whatever the outcome.
fn check_table(bytes: &[u8], format: TableFormat, spec: &InputSpec) -> bool {
    let Ok(table) = read_table_bytes(bytes, format, spec) else {
        return false;
    };
    let _ = facilities_from_table(spec, &table, &mut Vec::new());
    let _ = communities_from_table(spec, &table, 2.31, None, &mut Vec::new());
    true
}

const CSV: &str = "id,name,category,status,area_m2,population,households,build_year,\
open_to_public,generation,lon,lat\n\
F1,\"Pitch, north\",football_pitch,,600,1200,,1998,yes,2,24.9400,60.1700\n\
F2,Gym,fitness_centre,planned,\"1,234\",80,30,2019,no,,24.9410,60.1705\n";

#[test]
fn fuzz_csv() {
    let spec = InputSpec::from_path(PathBuf::from("fuzz.csv"));
    let t = read_table_bytes(CSV.as_bytes(), TableFormat::Csv, &spec).unwrap();
    assert_eq!(
        facilities_from_table(&spec, &t, &mut Vec::new())
            .unwrap()
            .len(),
        2
    );
    let mut counted = spec.clone();
    counted.count_column = Some("generation".into());
    fuzz("csv", vec![CSV.as_bytes().to_vec()], |b| {
        check_table(b, TableFormat::Csv, &counted);
        check_table(b, TableFormat::Csv, &spec)
    });
}

const WKT_CSV: &str = "id,category,population,wkt\n\
P1,park,10,\"POLYGON((24.94 60.17,24.95 60.17,24.95 60.18,24.94 60.18,24.94 60.17),\
(24.941 60.171,24.942 60.171,24.942 60.172,24.941 60.171))\"\n\
P2,track,5,\"LINESTRING(24.94 60.17,24.95 60.18)\"\n\
P3,park,7,\"MULTIPOLYGON(((24.94 60.17,24.95 60.18,24.95 60.17,24.94 60.18,24.94 60.17)))\"\n";

#[test]
fn fuzz_wkt_column() {
    let spec = InputSpec::from_path(PathBuf::from("fuzz_wkt.csv"));
    let t = read_table_bytes(WKT_CSV.as_bytes(), TableFormat::Csv, &spec).unwrap();
    assert_eq!(t.records.len(), 3);
    fuzz("wkt_column", vec![WKT_CSV.as_bytes().to_vec()], |b| {
        check_table(b, TableFormat::Csv, &spec)
    });
}

const GEOJSON: &str = r#"{"type": "FeatureCollection", "features": [
 {"type": "Feature", "id": "p1", "properties": {"category": "park", "population": 12, "area_m2": "1,200"},
  "geometry": {"type": "Polygon", "coordinates": [[[24.94, 60.17], [24.95, 60.17], [24.95, 60.18], [24.94, 60.17]]]}},
 {"type": "Feature", "id": 2, "properties": {"category": "pitch", "population": null, "build_year": 2001},
  "geometry": {"type": "Point", "coordinates": [24.941, 60.171]}},
 {"type": "Feature", "properties": {"category": "track", "population": 3},
  "geometry": {"type": "MultiLineString", "coordinates": [[[24.94, 60.17], [24.95, 60.18]]]}}
]}"#;

#[test]
fn fuzz_geojson() {
    let spec = InputSpec::from_path(PathBuf::from("fuzz.geojson"));
    let t = read_table_bytes(GEOJSON.as_bytes(), TableFormat::GeoJson, &spec).unwrap();
    assert_eq!(t.records.len(), 3);
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(GEOJSON.as_bytes());
    fuzz("geojson", vec![GEOJSON.as_bytes().to_vec(), bom], |b| {
        check_table(b, TableFormat::GeoJson, &spec)
    });
}

const FIGURES: &str = "id,value\n29,5.3\n7,\"1,234\"\n";

#[test]
fn fuzz_figures() {
    assert_eq!(
        read_figures_bytes(FIGURES.as_bytes(), Path::new("f.csv"))
            .unwrap()
            .len(),
        2
    );
    fuzz("figures", vec![FIGURES.as_bytes().to_vec()], |b| {
        read_figures_bytes(b, Path::new("fuzz_figures.csv")).is_ok()
    });
}

const TOML: &str = r#"name = "fuzz"
title = "a fuzzed config"
notes = ["n"]
[network]
path = "city.osm.pbf"
[[facilities]]
path = "venues.csv"
crs = "gcj02"
count_column = "n"
columns = { lon = "x", lat = "y" }
filter = { column = "district", equals = "a" }
[communities]
path = "grid.geojson"
access = "centroid"
[units]
path = "city.osm.pbf"
admin_level = 8
[population]
spread_total = 1000.0
spread = "even"
[settings]
minutes = 15.0
speed_kmh = 4.0
max_snap_m = 300.0
method = "e2sfca"
min_component_nodes = 50
"#;

#[test]
fn fuzz_config_toml() {
    let cfg: Config = toml::from_str(TOML).unwrap();
    cfg.validate().unwrap();
    fuzz("config_toml", vec![TOML.as_bytes().to_vec()], |b| {
        let Ok(text) = std::str::from_utf8(b) else {
            return false;
        };
        toml::from_str::<Config>(text).is_ok_and(|cfg| cfg.validate().is_ok())
    });
}
