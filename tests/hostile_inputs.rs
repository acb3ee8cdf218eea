//! Hostile inputs through the real binary ("never lose data, never hang"):
//! one test per kind of crafted or careless input. Each case writes small
//! inputs into a temporary folder (the tiny hand-made fixture, with one
//! thing broken), runs `fitcircle analyze` there and checks: exit 2 (or
//! the documented repair, exit 0), stderr naming the file and the field or
//! element, no "panicked", and every input byte-identical afterwards.

mod common;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use fitcircle_synth::NoRules;
use fitcircle_synth::pbf::{
    MEMBER_WAY, Member, Node, Relation, Way, encode_header, encode_nodes, encode_relations,
    encode_ways, file_block,
};

/// A temporary folder holding the tiny fixture (network.osm,
/// facilities.csv, communities.csv, fitcircle.toml) plus the case's files.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let dir = common::temp_dir();
        for f in [
            "network.osm",
            "facilities.csv",
            "communities.csv",
            "fitcircle.toml",
        ] {
            std::fs::copy(common::fixture("tiny").join(f), dir.path().join(f)).unwrap();
        }
        Case { dir }
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> &'static str {
        std::fs::write(self.dir.path().join(name), bytes).unwrap();
        name.to_string().leak()
    }

    fn inputs(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .map(|p| {
                let b = std::fs::read(&p).unwrap();
                (p, b)
            })
            .collect()
    }

    /// Run `fitcircle analyze --config fitcircle.toml --out out` with the
    /// tiny network, facilities and communities unless `args` name others;
    /// returns (exit code, stdout, stderr) after checking no panic and
    /// unchanged inputs.
    fn run(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let mut full = vec!["analyze", "--out", "out"];
        for (flag, default) in [
            ("--config", "fitcircle.toml"),
            ("--network", "network.osm"),
            ("--facilities", "facilities.csv"),
            ("--communities", "communities.csv"),
        ] {
            if !args.contains(&flag) {
                full.extend([flag, default]);
            }
        }
        full.extend_from_slice(args);
        self.run_exact(&full)
    }

    /// Run `fitcircle` with exactly `full`; see [`Case::run`].
    fn run_exact(&self, full: &[&str]) -> (Option<i32>, String, String) {
        let before = self.inputs();
        let output = common::run_fitcircle(self.dir.path(), full);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "panic: {full:?}\n{stderr}");
        for (p, bytes) in &before {
            assert!(
                std::fs::read(p).unwrap() == *bytes,
                "{} changed; {full:?}",
                p.display()
            );
        }
        (output.status.code(), stdout, stderr)
    }

    /// [`Case::run`] expecting exit 2 and every one of `parts` in stderr.
    #[track_caller]
    fn fails(&self, args: &[&str], parts: &[&str]) -> String {
        let (code, _, stderr) = self.run(args);
        assert_eq!(code, Some(2), "{args:?}\n{stderr}");
        for p in parts {
            assert!(stderr.contains(p), "stderr should mention {p:?}:\n{stderr}");
        }
        stderr
    }
}

fn tags(t: &[(&'static str, &'static str)]) -> Vec<(&'static str, Cow<'static, str>)> {
    t.iter().map(|(k, v)| (*k, Cow::Borrowed(*v))).collect()
}

/// The tiny network as PBF (nodes in 1e-7 degrees), with `extra` nodes,
/// ways and relations.
fn pbf(extra_nodes: &[Node], extra_ways: &[Way], rels: &[Relation]) -> Vec<u8> {
    let coords = [
        (1, 24.940, 60.1700),
        (2, 24.941, 60.1700),
        (3, 24.942, 60.1700),
        (4, 24.943, 60.1700),
        (5, 24.944, 60.1700),
        (6, 24.942, 60.1705),
        (7, 24.942, 60.1710),
    ];
    let mut nodes: Vec<Node> = coords
        .iter()
        .map(|&(id, lon, lat)| Node {
            id,
            lat: (lat * 1e7_f64).round() as i32,
            lon: (lon * 1e7_f64).round() as i32,
            tags: vec![],
        })
        .collect();
    nodes.extend(extra_nodes.iter().cloned());
    let mut ways = vec![
        Way {
            id: 10,
            refs: vec![1, 2, 3, 4, 5],
            tags: tags(&[("highway", "footway")]),
        },
        Way {
            id: 20,
            refs: vec![3, 6, 7],
            tags: tags(&[("highway", "footway")]),
        },
    ];
    ways.extend(extra_ways.iter().cloned());
    let mut out = file_block("OSMHeader", &encode_header([24.9, 60.1, 25.0, 60.2]));
    out.extend(file_block("OSMData", &encode_nodes(&nodes, &NoRules).0));
    out.extend(file_block("OSMData", &encode_ways(&ways, &NoRules).0));
    if !rels.is_empty() {
        out.extend(file_block("OSMData", &encode_relations(rels, &NoRules).0));
    }
    out
}

#[test]
fn control_tiny_pbf_runs() {
    let case = Case::new();
    let net = case.write("net.osm.pbf", pbf(&[], &[], &[]));
    let (code, _, stderr) = case.run(&["--network", net]);
    assert_eq!(code, Some(0), "{stderr}");
}

// 1. PBF node coordinates out of range: a walkable way's node at lat 214,
// a residential polygon's vertex at lon -200.
#[test]
fn pbf_coordinates_out_of_range() {
    let case = Case::new();
    let far = Node {
        id: 99,
        lat: 2_140_000_000,
        lon: 249_420_000,
        tags: vec![],
    };
    let walk = Way {
        id: 30,
        refs: vec![7, 99],
        tags: tags(&[("highway", "footway")]),
    };
    let net = case.write("lat.osm.pbf", pbf(&[far], &[walk], &[]));
    case.fails(
        &["--network", net],
        &["lat.osm.pbf", "node 99", "coordinate", "latitude"],
    );
    let west = Node {
        id: 98,
        lat: 601_700_000,
        lon: -2_000_000_000,
        tags: vec![],
    };
    let area = Way {
        id: 31,
        refs: vec![1, 2, 98, 1],
        tags: tags(&[("landuse", "residential"), ("population", "10")]),
    };
    let net = case.write("lon.osm.pbf", pbf(&[west], &[area], &[]));
    case.fails(
        &["--network", net, "--communities", net],
        &["lon.osm.pbf", "node 98", "coordinate"],
    );
}

// 2. A relation member of type 7 (osmpbf panics on it).
#[test]
fn pbf_relation_member_of_unknown_type() {
    let case = Case::new();
    let rel = Relation {
        id: 77,
        members: vec![
            Member {
                kind: MEMBER_WAY,
                id: 10,
                role: "outer",
            },
            Member {
                kind: 7,
                id: 20,
                role: "outer",
            },
        ],
        tags: tags(&[("type", "multipolygon"), ("leisure", "park")]),
    };
    let net = case.write("rel.osm.pbf", pbf(&[], &[], &[rel]));
    case.fails(
        &["--network", net],
        &["rel.osm.pbf", "relation 77", "unknown type"],
    );
}

// 3. A PBF cut inside the next block's length prefix, and one with only a
// header block.
#[test]
fn pbf_truncated_or_header_only() {
    let case = Case::new();
    for cut in 1..=3 {
        let mut b = pbf(&[], &[], &[]);
        b.extend(&[0u8, 0, 0, 13][..cut]);
        let net = case.write(&format!("cut{cut}.osm.pbf"), b);
        case.fails(
            &["--network", net],
            &[net, "cut short", "download it again"],
        );
    }
    let header = file_block("OSMHeader", &encode_header([24.9, 60.1, 25.0, 60.2]));
    let net = case.write("header.osm.pbf", header);
    case.fails(&["--network", net], &["header.osm.pbf", "no OSM data"]);
}

/// The tiny communities with `population` of C2 replaced.
fn communities_with(value: &str) -> String {
    format!(
        "id,name,population,lon,lat\n\
         C1,a,100,24.9410,60.1700\n\
         C2,b,\"{value}\",24.9420,60.1700\n"
    )
}

// 4. Numbers outside their bounds, and separators.
#[test]
fn numbers_outside_bounds_or_ambiguous() {
    let case = Case::new();
    for (value, what) in [
        ("1,5", "decimal comma"),
        ("2.000", "ambiguous"),
        ("20000000", "outside"),
        ("-3", "negative"),
        ("NaN", "not a"),
    ] {
        let com = case.write("com.csv", communities_with(value));
        case.fails(
            &["--communities", com],
            &["com.csv", "row 3", "\"population\"", what],
        );
    }
    // Thousands separators in groups of three are read (CSV and OSM agree).
    let com = case.write("com.csv", communities_with("1,234"));
    let (code, _, stderr) = case.run(&["--communities", com]);
    assert_eq!(code, Some(0), "{stderr}");
    let out = common::read_text(&case.dir.path().join("out/communities.geojson"));
    assert!(out.contains("1234"), "{out}");

    // Build year 2019.7 is not 2019.
    let com = case.write(
        "years.csv",
        "id,population,build_year,lon,lat\nC1,10,2019.7,24.941,60.17\n",
    );
    case.fails(
        &["--communities", com],
        &["years.csv", "row 2", "\"build_year\"", "whole number"],
    );
    // An area of 100 km2.
    let fac = case.write(
        "fac.csv",
        "id,category,area_m2,lon,lat\nF1,football_pitch,1e8,24.94,60.17\n",
    );
    case.fails(
        &["--facilities", fac],
        &["fac.csv", "row 2", "\"area_m2\"", "outside"],
    );
    // A count column over 10,000, and one not whole.
    for (n, what) in [("10001", "outside"), ("2.5", "whole number")] {
        case.write(
            "counted.csv",
            format!("id,category,n,lon,lat\nF1,football_pitch,{n},24.94,60.17\n"),
        );
        let cfg = case.write(
            "count.toml",
            "[settings]\nmin_component_nodes = 1\n[network]\npath = \"network.osm\"\n\
             [[facilities]]\npath = \"counted.csv\"\ncount_column = \"n\"\n\
             [communities]\npath = \"communities.csv\"\n",
        );
        let (code, _, stderr) = case.run_exact(&["analyze", "--config", cfg, "--out", "out"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("counted.csv") && stderr.contains("\"n\"") && stderr.contains(what),
            "{stderr}"
        );
    }
    // [population] spread_total must be finite and positive.
    for total in ["-5.0", "nan", "2e9"] {
        let cfg = case.write(
            "spread.toml",
            format!("[settings]\nmin_component_nodes = 1\n[population]\nspread_total = {total}\n"),
        );
        case.fails(&["--config", cfg], &["spread.toml", "spread_total"]);
    }
    let cfg = case.write(
        "method.toml",
        "[settings]\nmin_component_nodes = 1\n[population]\nspread_total = 100.0\nspread = \"by_area\"\n",
    );
    case.fails(&["--config", cfg], &["method.toml", "population.spread"]);
}

/// The tiny network as OSM XML with a residential area tagged `population`.
fn osm_with_population(value: &str) -> String {
    let net = common::read_text(&common::fixture("tiny/network.osm"));
    let area = format!(
        "  <way id=\"40\"><nd ref=\"1\"/><nd ref=\"2\"/><nd ref=\"6\"/><nd ref=\"1\"/>\
         <tag k=\"landuse\" v=\"residential\"/><tag k=\"population\" v=\"{value}\"/></way>\n</osm>"
    );
    net.replace("</osm>", &area)
}

#[test]
fn osm_population_tags_read_like_csv() {
    let case = Case::new();
    let net = case.write("pop.osm", osm_with_population("1,5"));
    case.fails(
        &["--communities", net],
        &["pop.osm", "way 40", "population", "decimal comma"],
    );
    for ok in ["1,234", "1 234"] {
        let net = case.write("pop.osm", osm_with_population(ok));
        let (code, _, stderr) = case.run(&["--communities", net]);
        assert_eq!(code, Some(0), "{ok}: {stderr}");
        let out = common::read_text(&case.dir.path().join("out/communities.geojson"));
        assert!(out.contains("1234"), "{ok}: {out}");
    }
}

/// A GeoJSON FeatureCollection of communities.
fn communities_geojson(coords: &str) -> String {
    format!(
        r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature",
        "properties": {{"id": "G1", "population": 50}},
        "geometry": {{"type": "Polygon", "coordinates": [{coords}]}}}}]}}"#
    )
}

const SQUARE: &str = "[[24.9405, 60.1698], [24.9415, 60.1698], [24.9415, 60.1702], \
                      [24.9405, 60.1702], [24.9405, 60.1698]]";

// 5. GeoJSON: a byte order mark, an empty facilities file.
#[test]
fn geojson_bom_and_empty_files() {
    let case = Case::new();
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(communities_geojson(SQUARE).as_bytes());
    let com = case.write("bom.geojson", bytes);
    let (code, _, stderr) = case.run(&["--communities", com]);
    assert_eq!(code, Some(0), "{stderr}");
    for (name, body) in [
        ("empty.geojson", ""),
        (
            "none.geojson",
            r#"{"type": "FeatureCollection", "features": []}"#,
        ),
        ("header.csv", "id,category,lon,lat\n"),
    ] {
        let fac = case.write(name, body);
        case.fails(&["--facilities", fac], &[name]);
    }
}

/// 120,000 features each with its own property key read in linear time
/// (the column list was searched once per key: quadratic, minutes).
#[test]
fn geojson_many_distinct_keys_is_linear() {
    use fitcircle::config::InputSpec;
    use fitcircle::input::table::{TableFormat, read_table_bytes};
    let n = 120_000;
    let mut s = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"type":"Feature","properties":{{"k{i}":1}},"geometry":{{"type":"Point","coordinates":[24.94,60.17]}}}}"#
        ));
    }
    s.push_str("]}");
    let spec = InputSpec::from_path(PathBuf::from("keys.geojson"));
    let t = std::time::Instant::now();
    let table = read_table_bytes(s.as_bytes(), TableFormat::GeoJson, &spec).unwrap();
    assert_eq!(table.columns.len(), n);
    assert!(t.elapsed().as_secs_f64() < 20.0, "{:?}", t.elapsed());
}

// 6. Geometry: a self-crossing polygon is repaired (not area 0), with a
// warning naming the feature; a hole outside its shell is dropped and
// reported.
#[test]
fn self_crossing_polygon_is_repaired_and_reported() {
    let case = Case::new();
    let bow = "[[24.9405, 60.1698], [24.9415, 60.1702], [24.9415, 60.1698], \
               [24.9405, 60.1702], [24.9405, 60.1698]]";
    let com = case.write("bow.geojson", communities_geojson(bow));
    let (code, stdout, stderr) = case.run(&["--communities", com]);
    assert_eq!(code, Some(0), "{stderr}");
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains("bow.geojson") && all.contains("feature 1") && all.contains("crosses itself"),
        "{all}"
    );
    let hole =
        format!("{SQUARE}, [[24.95, 60.18], [24.951, 60.18], [24.951, 60.181], [24.95, 60.18]]");
    let com = case.write("hole.geojson", communities_geojson(&hole));
    let (code, stdout, stderr) = case.run(&["--communities", com]);
    assert_eq!(code, Some(0), "{stderr}");
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains("hole.geojson") && all.contains("hole lies outside"),
        "{all}"
    );
}

/// The rows of `out/dropped.csv` (after its header), BOM removed.
fn dropped_rows(case: &Case) -> Vec<String> {
    let text = std::fs::read_to_string(case.dir.path().join("out/dropped.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("file,record,id,name,reason,kept,detail"));
    lines.map(str::to_string).collect()
}

// 9. Dropped rows reach a file, not only stderr (which --quiet hides):
// dropped.csv lists each with a reason code; it is always written (a
// header alone when nothing was dropped) and listed in outputs.json.
#[test]
fn dropped_records_go_to_dropped_csv() {
    let case = Case::new();
    let (code, _, stderr) = case.run(&["--quiet"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(dropped_rows(&case).is_empty());
    let manifest = std::fs::read_to_string(case.dir.path().join("out/outputs.json")).unwrap();
    assert!(manifest.contains("\"dropped.csv\""), "{manifest}");
    let text = std::fs::read_to_string(common::fixture("tiny").join("communities.csv")).unwrap();
    let repeated = format!("{text}C2,On junction 3,200,24.9420,60.1700\n");
    let com = case.write("repeated.csv", repeated);
    let (code, stdout, stderr) = case.run(&["--communities", com, "--quiet"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty() && stderr.is_empty(), "{stdout}{stderr}");
    let rows = dropped_rows(&case);
    assert_eq!(
        rows,
        ["repeated.csv,row 7,C2,On junction 3,duplicate,no,repeats row 3 exactly; left out"]
    );
}

/// A units GeoJSON of two rectangles over the tiny network's area, the
/// second starting at longitude `west_of_b` (the first ends at 24.943).
fn two_units(west_of_b: f64) -> String {
    let rect = |id: &str, w: f64, e: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"id":"{id}","name":"Unit {id}"}},
            "geometry":{{"type":"Polygon","coordinates":[[[{w},60.169],[{e},60.169],
            [{e},60.172],[{w},60.172],[{w},60.169]]]}}}}"#
        )
    };
    format!(
        r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
        rect("A", 24.939, 24.943),
        rect("B", west_of_b, 24.946)
    )
}

// 9. Overlapping units: a real overlap is an error naming the file, both
// units and the area; a digitising sliver is tolerated, and the community
// inside it is assigned by the stated rule and listed in dropped.csv.
#[test]
fn overlapping_units_fail_or_are_listed() {
    let case = Case::new();
    let units = case.write("units.geojson", two_units(24.941));
    case.fails(
        &["--units", units],
        &[
            "units.geojson",
            "\"Unit A\" (id \"A\")",
            "\"Unit B\" (id \"B\")",
            "overlap by",
            "fix the boundaries",
        ],
    );
    // C2 (lon 24.942) lies in B alone; C4 (lon 24.944) too. A sliver
    // 24.94295..24.943 (1.25 % of A's width... under 1 % of B's area).
    let units = case.write("sliver.geojson", two_units(24.94299));
    let com = case.write(
        "communities2.csv",
        "id,name,population,lon,lat\nC1,On node 2,100,24.9410,60.1700\n\
         S,In the sliver,50,24.942995,60.1700\n",
    );
    let (code, _, stderr) = case.run(&["--units", units, "--communities", com]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("sliver.geojson") && stderr.contains("overlap by a sliver"),
        "{stderr}"
    );
    let rows = dropped_rows(&case);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].starts_with("communities2.csv,community 2,S,In the sliver,unit_overlap,yes,")
            && rows[0]
                .contains("assigned to \"\"Unit A\"\" (id \"\"A\"\") (first in the units input)"),
        "{rows:?}"
    );
}

/// `bytes` cut after its first `blocks` blocks (header block included).
/// Each blob of a PBF file: (its end offset, whether it holds ways,
/// whether it holds relations).
fn blob_kinds(bytes: &[u8]) -> Vec<(usize, bool, bool)> {
    let reader = osmpbf::BlobReader::new(std::io::Cursor::new(bytes));
    let mut out = Vec::new();
    for (i, blob) in reader.enumerate() {
        let blob = blob.unwrap();
        let (ways, relations) = match blob.decode().unwrap() {
            osmpbf::BlobDecode::OsmData(block) => (
                block.groups().any(|g| g.ways().next().is_some()),
                block.groups().any(|g| g.relations().next().is_some()),
            ),
            _ => (false, false),
        };
        out.push((cut_after_blocks(bytes, i + 1).len(), ways, relations));
    }
    out
}

/// Porto Alegre cut just before its relation block: every node and way
/// is whole, the parks' multipolygons are gone. Used to run with exit 0;
/// now an error naming the file.
#[test]
fn pbf_cut_before_the_relations() {
    let case = Case::new();
    let whole =
        std::fs::read(common::manifest_dir().join("data/porto-alegre/poa_osm.pbf")).unwrap();
    let blobs = blob_kinds(&whole);
    let first = blobs.iter().position(|b| b.2).expect("a relation block");
    assert!(first > 0 && blobs[first - 1].1, "{blobs:?}");
    let cut = case.write("cut.osm.pbf", &whole[..blobs[first - 1].0]);
    case.fails(
        &[
            "--network",
            cut,
            "--facilities",
            cut,
            "--communities",
            cut,
            "--coverage-only",
        ],
        &["cut.osm.pbf", "looks truncated", "belong to no relation"],
    );
}

/// A synthetic city cut between two of its way blocks decodes cleanly
/// (every block whole) and used to run to the end with exit 0, the nodes
/// of the lost ways silently unused: now an error naming the file.
#[test]
fn pbf_cut_among_way_blocks() {
    let case = Case::new();
    case.run_exact(&[
        "synth",
        "--nodes",
        "60000",
        "--seed",
        "5",
        "--out",
        "city.osm.pbf",
    ]);
    let whole = std::fs::read(case.dir.path().join("city.osm.pbf")).unwrap();
    let blobs = blob_kinds(&whole);
    let way_blocks: Vec<usize> = blobs.iter().filter(|b| b.1).map(|b| b.0).collect();
    assert!(
        way_blocks.len() >= 2,
        "the city needs two way blocks: {blobs:?}"
    );
    let cut = case.write(
        "cut.osm.pbf",
        &whole[..way_blocks[way_blocks.len() / 2 - 1]],
    );
    let whole_run = case.run(&[
        "--network",
        "city.osm.pbf",
        "--facilities",
        "city.osm.pbf",
        "--communities",
        "city.osm.pbf",
        "--coverage-only",
    ]);
    assert_eq!(whole_run.0, Some(0), "the whole city runs: {}", whole_run.2);
    case.fails(
        &[
            "--network",
            cut,
            "--facilities",
            cut,
            "--communities",
            cut,
            "--coverage-only",
        ],
        &["cut.osm.pbf", "looks truncated", "belong to no way"],
    );
}

fn cut_after_blocks(bytes: &[u8], blocks: usize) -> &[u8] {
    let mut off = 0usize;
    for _ in 0..blocks {
        let len = u32::from_be_bytes(bytes[off..off + 4].try_into().unwrap()) as usize;
        let header = &bytes[off + 4..off + 4 + len];
        // BlobHeader: field 1 type (string), 2 indexdata, 3 datasize (varint).
        let (mut i, mut datasize) = (0, 0usize);
        while i < header.len() {
            let key = header[i];
            i += 1;
            let mut v = 0usize;
            let mut shift = 0;
            loop {
                let b = header[i];
                i += 1;
                v |= usize::from(b & 0x7f) << shift;
                shift += 7;
                if b < 0x80 {
                    break;
                }
            }
            if key & 7 == 2 {
                i += v;
            } else if key >> 3 == 3 {
                datasize = v;
            }
        }
        off += 4 + len + datasize;
    }
    &bytes[..off]
}

// 9. A PBF cut exactly at a block boundary decodes cleanly; it is taken
// as truncated because its untagged nodes belong to no way.
#[test]
fn pbf_cut_at_a_block_boundary() {
    let case = Case::new();
    let whole =
        std::fs::read(common::manifest_dir().join("data/helsinki/Helsinki.osm.pbf")).unwrap();
    // Header, three node blocks, then a block with the ways: cut before it.
    let net = case.write("cut.osm.pbf", cut_after_blocks(&whole, 4));
    case.fails(
        &["--network", net],
        &["cut.osm.pbf", "looks truncated", "belong to no way"],
    );
}
