//! End-to-end tests of `fitcircle analyze`, run as a separate process in a
//! fresh temporary folder per test:
//!
//! * `tiny_*`: a hand-made network (`tests/fixtures/tiny/`) whose walking
//!   distances are worked out by hand below;
//! * `helsinki_*`: the default bundle (36 population cells) and the full
//!   92-cell grid, 56 of whose cells lie outside the street extract;
//! * `porto_alegre_*`: the large bundle checked against an independent
//!   Dijkstra over the exported graph, plus thread-count determinism.

mod common;

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};
use std::path::Path;

use common::*;
use serde_json::Value;

// ---------------------------------------------------------------------------
// Tiny hand-computed network
// ---------------------------------------------------------------------------

// Network (tests/fixtures/tiny/network.osm), lat 60.17, lon 24.94:
//
//                 7 (24.9420, 60.1710)
//                 |  dy
//                 6 (24.9420, 60.1705)
//                 |  dy
//   1 --- 2 --- 3 --- 4 --- 5      along lat 60.1700, lon 24.9400 .. 24.9440
//     dx    dx    dx    dx
//
// Haversine, R = 6,371,008.8 m:
//   dx = 0.001 deg lon at 60.17 N  = R * cos(60.17 deg) * 0.001 * pi/180 = 55.312 m
//   dy = 0.0005 deg lat            = R * 0.0005 * pi/180                 = 55.598 m
// fitcircle measures edges on the WGS-84 ellipsoid (geodesic): 55.513 m and
// 55.708 m, 0.2-0.4 % longer, hence the 0.5 % tolerance.
//
// Facilities (facilities.csv):
//   F1 football_pitch  on node 1                     snap 0
//   F2 fitness_centre  on node 7                     snap 0
//   F3 playground      0.0002 deg lat south of node 4: snap sF3 = 22.239 m
// Communities (communities.csv):
//   C1 pop 100 on node 2, C2 pop 200 on junction 3, C3 pop 300 on node 6,
//   C4 pop 400 0.00045 deg lat (sC4 = 50.038 m) north of node 5 (an end
//      node, so the nearest network point is node 5 itself),
//   C5 pop 500 0.005 deg lat north of node 7: 556 m from the network, more
//      than the 300 m snap limit -> unreachable, too_far.
//
// Walking distances (metres) = snap + network + facility snap:
//        football (F1)              fitness (F2)                 playground (F3)            any
//   C1   dx          =  55.31       dx+2dy        = 166.51       2dx+sF3      = 132.86      55.31
//   C2   2dx         = 110.62       2dy           = 111.20       dx+sF3       =  77.55      77.55
//   C3   dy+2dx      = 166.22       dy            =  55.60       dy+dx+sF3    = 133.15      55.60
//   C4   sC4+4dx     = 271.28       sC4+2dx+2dy   = 271.86       sC4+dx+sF3   = 127.59     127.59
//
// Run with --minutes 1.2 --speed 6: 100 m per minute, limit 120 m, and
// distances are reported up to report_factor 2 x 120 = 240 m (C4's football
// and fitness distances, ~271 m, are beyond: null). Every distance is more
// than 0.5 % away from 120 and 240, so the flags do not hinge on rounding.
//   covered (<= 120 m): any C1 C2 C3; football C1 C2; fitness C2 C3; playground C2.
//   counts within 120 m: C1 any 1 (F1); C2 any 3 (F1 F2 F3); C3 any 1 (F2); C4 0.
//   population 1500; covered any 100+200+300 = 600 (share 0.4), football 300
//   (0.2), fitness 500 (0.3333), playground 200 (0.1333); unreachable 500 (C5).

const DX: f64 = 55.3116;
const DY: f64 = 55.5975;
const SNAP_F3: f64 = 22.2390;
const SNAP_C4: f64 = 50.0378;
const TINY_TARGETS: [&str; 4] = ["any", "football_pitch", "fitness_centre", "playground"];

/// Expected (distance or None beyond 240 m, covered, count) for one target.
type Expect = (Option<f64>, bool, u64);

/// Expected values per community and target (order of `TINY_TARGETS`).
fn tiny_expected() -> Vec<(&'static str, [Expect; 4])> {
    vec![
        (
            "C1",
            [
                (Some(DX), true, 1),
                (Some(DX), true, 1),
                (Some(DX + 2.0 * DY), false, 0),
                (Some(2.0 * DX + SNAP_F3), false, 0),
            ],
        ),
        (
            "C2",
            [
                (Some(DX + SNAP_F3), true, 3),
                (Some(2.0 * DX), true, 1),
                (Some(2.0 * DY), true, 1),
                (Some(DX + SNAP_F3), true, 1),
            ],
        ),
        (
            "C3",
            [
                (Some(DY), true, 1),
                (Some(DY + 2.0 * DX), false, 0),
                (Some(DY), true, 1),
                (Some(DY + DX + SNAP_F3), false, 0),
            ],
        ),
        (
            "C4",
            [
                (Some(SNAP_C4 + DX + SNAP_F3), false, 0),
                (None, false, 0), // SNAP_C4 + 4 DX = 271.3 > 240
                (None, false, 0), // SNAP_C4 + 2 DX + 2 DY = 271.9 > 240
                (Some(SNAP_C4 + DX + SNAP_F3), false, 0),
            ],
        ),
    ]
}

fn tiny_args<'a>(out: &'a str, config: &'a str, dir: &'a str) -> Vec<String> {
    let f = |name: &str| format!("{dir}/{name}");
    let mut v: Vec<String> = vec!["analyze".into()];
    if !config.is_empty() {
        v.extend(["--config".into(), config.to_string()]);
    }
    v.extend([
        "--network".into(),
        f("network.osm"),
        "--facilities".into(),
        f("facilities.csv"),
        "--communities".into(),
        f("communities.csv"),
        "--minutes".into(),
        "1.2".into(),
        "--speed".into(),
        "6".into(),
        "--out".into(),
        out.to_string(),
        "--export-graph".into(),
    ]);
    v
}

fn opt_num(v: &Value) -> Option<f64> {
    if v.is_null() {
        None
    } else {
        Some(v.as_f64().unwrap_or_else(|| panic!("{v} is not a number")))
    }
}

#[test]
fn tiny_network_hand_computed() {
    let tmp = temp_dir();
    let dir = fixture("tiny");
    let dir_s = dir.to_str().unwrap();
    let config = dir.join("fitcircle.toml");
    let args = tiny_args("out", config.to_str().unwrap(), dir_s);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdout = run_ok(tmp.path(), &args);
    let out = tmp.path().join("out");

    // communities.geojson
    let fc = read_json(&out.join("communities.geojson"));
    assert_eq!(features(&fc).len(), 5);
    let by_id = features_by_id(&fc);
    for (id, expected) in tiny_expected() {
        let p = props(by_id[id]);
        assert_eq!(p["reachable"], Value::Bool(true), "{id}");
        assert_eq!(p["access_points"], 1, "{id}");
        let snap = p["snap_m"].as_f64().unwrap();
        let want_snap = if id == "C4" { SNAP_C4 } else { 0.0 };
        assert!(
            (snap - want_snap).abs() <= 0.1,
            "{id} snap_m {snap} vs {want_snap}"
        );
        for (t, (want_m, want_cov, want_n)) in TINY_TARGETS.iter().zip(expected) {
            let got_m = opt_num(&p[&format!("{t}_m")]);
            match (got_m, want_m) {
                (Some(g), Some(w)) => assert_close_rel(g, w, 0.005, &format!("{id} {t}_m")),
                (None, None) => {}
                (g, w) => panic!("{id} {t}_m: got {g:?}, expected {w:?}"),
            }
            // 6 km/h = 100 m per minute.
            let got_min = opt_num(&p[&format!("{t}_min")]);
            match (got_m, got_min) {
                (Some(m), Some(min)) => {
                    assert!(
                        (min - m / 100.0).abs() <= 0.006,
                        "{id} {t}_min {min} vs {m} m"
                    )
                }
                (None, None) => {}
                other => panic!("{id} {t}: _m and _min disagree: {other:?}"),
            }
            assert_eq!(
                p[&format!("{t}_covered")],
                Value::Bool(want_cov),
                "{id} {t}_covered"
            );
            assert_eq!(p[&format!("{t}_count")], want_n, "{id} {t}_count");
        }
    }
    let c5 = props(by_id["C5"]);
    assert_eq!(c5["reachable"], Value::Bool(false));
    assert!(c5["snap_m"].is_null());
    for t in TINY_TARGETS {
        assert!(c5[&format!("{t}_m")].is_null(), "C5 {t}_m");
        assert_eq!(
            c5[&format!("{t}_covered")],
            Value::Bool(false),
            "C5 {t}_covered"
        );
        assert_eq!(c5[&format!("{t}_count")], 0, "C5 {t}_count");
    }

    // unreachable.csv: exactly C5, too far (556 m > 300 m).
    let unreachable = read_csv_rows(&out.join("unreachable.csv"));
    assert_eq!(unreachable.len(), 1, "{unreachable:?}");
    let u = &unreachable[0];
    assert_eq!(
        (
            u["kind"].as_str(),
            u["id"].as_str(),
            u["reason_code"].as_str()
        ),
        ("community", "C5", "too_far")
    );
    assert_eq!(num(u, "population"), 500.0);
    assert!(u["reason"].contains("556 m"), "{}", u["reason"]);

    // summary.csv: one row per target for the whole area.
    let rows = read_csv_rows(&out.join("summary.csv"));
    assert_eq!(rows.len(), 4, "{rows:?}");
    let expect = [
        ("any", 3.0, 600.0, 0.4),
        ("football_pitch", 1.0, 300.0, 0.2),
        ("fitness_centre", 1.0, 500.0, 0.3333),
        ("playground", 1.0, 200.0, 0.1333),
    ];
    for (row, (target, facilities, covered, share)) in rows.iter().zip(expect) {
        assert_eq!(row["area"], "all");
        assert_eq!(row["target"], target);
        assert_eq!(num(row, "facilities"), facilities, "{target}");
        assert_eq!(num(row, "communities"), 5.0, "{target}");
        assert_eq!(num(row, "population"), 1500.0, "{target}");
        assert_eq!(num(row, "covered_population"), covered, "{target}");
        assert!(
            (num(row, "coverage_share") - share).abs() < 1e-9,
            "{target}: {row:?}"
        );
        assert_eq!(num(row, "unreachable_population"), 500.0, "{target}");
        assert_eq!(num(row, "walk_minutes"), 1.2, "{target}");
        assert!((num(row, "limit_m") - 120.0).abs() < 0.05, "{target}");
    }

    // facilities.geojson: communities within 120 m of each facility.
    let fac = read_json(&out.join("facilities.geojson"));
    let fac = features_by_id(&fac);
    for (id, n, pop, snap) in [
        ("F1", 2, 300.0, 0.0),     // C1 55 m, C2 111 m
        ("F2", 2, 500.0, 0.0),     // C2 111 m, C3 56 m
        ("F3", 1, 200.0, SNAP_F3), // C2 78 m
    ] {
        let p = props(fac[id]);
        assert_eq!(p["reachable"], Value::Bool(true), "{id}");
        assert_eq!(p["counted"], Value::Bool(true), "{id}");
        assert_eq!(p["communities_within_limit"], n, "{id}");
        assert_eq!(p["population_within_limit"].as_f64(), Some(pop), "{id}");
        assert!(
            (p["snap_m"].as_f64().unwrap() - snap).abs() <= 0.1,
            "{id} snap_m"
        );
    }

    // Graph export: nodes 1, 3, 5, 7 plus inserted snap nodes at vertices 2
    // (C1), 4 (F3) and 6 (C3); F1, F2, C2 and C4 reuse existing nodes.
    let nodes = read_csv_rows(&out.join("graph_nodes.csv"));
    assert_eq!(nodes.len(), 7, "{nodes:?}");
    let inserted: BTreeSet<(i64, i64)> = nodes
        .iter()
        .filter(|n| n["osm_id"] == "0")
        .map(|n| {
            (
                (num(n, "lon") * 1e4).round() as i64,
                (num(n, "lat") * 1e4).round() as i64,
            )
        })
        .collect();
    let want: BTreeSet<(i64, i64)> = [(249410, 601700), (249430, 601700), (249420, 601705)]
        .into_iter()
        .collect();
    assert_eq!(inserted, want);
    let edges = read_csv_rows(&out.join("graph_edges.csv"));
    assert_eq!(edges.len(), 6);
    let total: f64 = edges.iter().map(|e| num(e, "length_m")).sum();
    assert_close_rel(total, 4.0 * DX + 2.0 * DY, 0.005, "total network length");

    // The stdout table.
    assert!(
        stdout.contains("1.2-minute walk at 6 km/h = 120 m"),
        "{stdout}"
    );
    for t in TINY_TARGETS {
        assert!(
            stdout.lines().any(|l| l.starts_with(t)),
            "no {t} row in:\n{stdout}"
        );
    }
    assert!(stdout.contains("1 unreachable, 500 people"), "{stdout}");
}

/// Without the fixture's config the 4-node network is below the default
/// `min_component_nodes` (50): everything near it is on an island.
#[test]
fn tiny_network_is_an_island_by_default() {
    let tmp = temp_dir();
    let dir = fixture("tiny");
    let args = tiny_args("out", "", dir.to_str().unwrap());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(tmp.path(), &args);
    let rows = read_csv_rows(&tmp.path().join("out/unreachable.csv"));
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r["kind"].clone(), r["id"].clone(), r["reason_code"].clone()))
        .collect();
    let want: Vec<(String, String, String)> = [
        ("community", "C1", "island"),
        ("community", "C2", "island"),
        ("community", "C3", "island"),
        ("community", "C4", "island"),
        ("community", "C5", "too_far"),
        ("facility", "F1", "island"),
        ("facility", "F2", "island"),
        ("facility", "F3", "island"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);
    let summary = read_csv_rows(&tmp.path().join("out/summary.csv"));
    let any = summary_row(&summary, "all", "any");
    assert_eq!(num(any, "facilities"), 0.0);
    assert_eq!(num(any, "covered_population"), 0.0);
    assert_eq!(num(any, "unreachable_population"), 1500.0);
}

/// Totals of nothing are 0, not "-0": `Iterator::sum::<f64>()` of an empty
/// iterator is -0.0 (Rust >= 1.81), which then prints as "-0" in summary.csv
/// and "-0.0" in facilities.geojson. The island run has no covered people
/// and facilities covering nobody.
#[test]
fn zero_totals_are_not_written_as_negative_zero() {
    let tmp = temp_dir();
    let dir = fixture("tiny");
    let args = tiny_args("out", "", dir.to_str().unwrap());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(tmp.path(), &args);
    let out = tmp.path().join("out");
    let summary = read_csv_rows(&out.join("summary.csv"));
    for row in &summary {
        for (k, v) in row {
            assert!(!v.starts_with("-0"), "summary.csv {k} = {v:?} in {row:?}");
        }
    }
    let fac = read_json(&out.join("facilities.geojson"));
    for f in features(&fac) {
        for (k, v) in props(f) {
            assert!(
                !(v.is_number() && v.to_string().starts_with("-0")),
                "facilities.geojson {} {k} = {v}",
                f["properties"]["id"]
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Helsinki
// ---------------------------------------------------------------------------

/// Targets in summary.csv's whole-area rows, in order.
fn summary_targets(rows: &[HashMap<String, String>]) -> Vec<String> {
    rows.iter()
        .filter(|r| r["area"] == "all")
        .map(|r| r["target"].clone())
        .collect()
}

/// Check the per-community fields of communities.geojson against summary.csv:
/// every target has `_m`, `_min`, `_covered`, `_count`; covered means
/// `_m <= limit`; reported distances stay within 2 x limit; per-target
/// covered population matches the summary; `any_count` is the sum of the
/// category counts.
fn check_community_fields(fc: &Value, summary: &[HashMap<String, String>], limit_m: f64) {
    let targets = summary_targets(summary);
    assert_eq!(targets[0], "any");
    let mpm = 4000.0 / 60.0;
    let mut covered_pop: HashMap<&str, f64> = HashMap::new();
    for f in features(fc) {
        let p = props(f);
        let id = &p["id"];
        let pop = p["population"].as_f64().unwrap();
        let mut sum_counts = 0;
        for t in &targets {
            for suffix in ["_m", "_min", "_covered", "_count"] {
                assert!(
                    p.contains_key(&format!("{t}{suffix}")),
                    "{id}: no {t}{suffix}"
                );
            }
            let m = opt_num(&p[&format!("{t}_m")]);
            let min = opt_num(&p[&format!("{t}_min")]);
            let covered = p[&format!("{t}_covered")].as_bool().unwrap();
            let count = p[&format!("{t}_count")].as_u64().unwrap();
            if let Some(m) = m {
                assert!((0.0..=2.0 * limit_m).contains(&m), "{id} {t}_m = {m}");
                assert!((min.unwrap() - m / mpm).abs() <= 0.006, "{id} {t}_min");
                // Rounded to 0.1 m: only a value within 0.05 m of the limit is ambiguous.
                if (m - limit_m).abs() > 0.05 {
                    assert_eq!(covered, m <= limit_m, "{id} {t}: {m} m, covered {covered}");
                }
            } else {
                assert!(min.is_none() && !covered, "{id} {t}");
            }
            assert_eq!(
                count > 0,
                covered,
                "{id} {t}: count {count}, covered {covered}"
            );
            if covered {
                *covered_pop.entry(t.as_str()).or_default() += pop;
            }
            if t != "any" {
                sum_counts += count;
                if let (Some(c), Some(a)) = (m, opt_num(&p["any_m"])) {
                    assert!(c >= a, "{id}: {t}_m {c} < any_m {a}");
                }
            }
        }
        assert_eq!(
            p["any_count"].as_u64().unwrap(),
            sum_counts,
            "{id}: any_count"
        );
    }
    for t in &targets {
        let row = summary_row(summary, "all", t);
        let want = covered_pop.get(t.as_str()).copied().unwrap_or(0.0);
        assert!(
            (num(row, "covered_population") - want).abs() < 0.5,
            "{t}: summary covered {} vs communities {want}",
            row["covered_population"]
        );
    }
}

#[test]
fn helsinki_default_bundle() {
    let tmp = temp_dir();
    let out = tmp.path().join("bundle");
    let stdout = run_ok(
        &manifest_dir(),
        &[
            "analyze",
            "--bundle",
            "helsinki",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let summary = read_csv_rows(&out.join("summary.csv"));
    let any = summary_row(&summary, "all", "any");
    assert_eq!(num(any, "communities"), 36.0);
    assert_eq!(num(any, "population"), 21252.0);
    assert_eq!(num(any, "unreachable_population"), 0.0);
    assert_eq!(num(any, "walk_minutes"), 15.0);
    assert_eq!(num(any, "limit_m"), 1000.0);
    assert!(num(any, "facilities") > 0.0);

    let fc = read_json(&out.join("communities.geojson"));
    assert_eq!(features(&fc).len(), 36);
    let total: f64 = features(&fc)
        .iter()
        .map(|f| f["properties"]["population"].as_f64().unwrap())
        .sum();
    assert_eq!(total, 21252.0);
    for f in features(&fc) {
        let p = props(f);
        assert_eq!(p["reachable"], Value::Bool(true), "{}", p["id"]);
        let any_m = p["any_m"]
            .as_f64()
            .unwrap_or_else(|| panic!("{}: any_m", p["id"]));
        assert!(
            any_m <= 2000.0,
            "{}: any_m {any_m} beyond the report range",
            p["id"]
        );
    }
    check_community_fields(&fc, &summary, 1000.0);
    assert_eq!(read_csv_rows(&out.join("unreachable.csv")).len(), 0);

    assert!(
        stdout
            .lines()
            .any(|l| l.split_whitespace().next() == Some("any")),
        "no \"any\" row in:\n{stdout}"
    );
    assert!(stdout.contains("36 with 21,252 people"), "{stdout}");

    // With no --bundle the default is helsinki, found from any folder.
    let stdout2 = run_ok(tmp.path(), &["analyze", "--out", "default"]);
    assert!(stdout2.contains("36 with 21,252 people"), "{stdout2}");
    for name in [
        "communities.geojson",
        "facilities.geojson",
        "summary.csv",
        "unreachable.csv",
    ] {
        assert!(
            read_text(&out.join(name)) == read_text(&tmp.path().join("default").join(name)),
            "{name} differs between --bundle helsinki and the default run"
        );
    }
}

/// Ids and populations of a GeoJSON population grid.
fn grid_cells(path: &Path) -> Vec<(String, f64)> {
    features(&read_json(path))
        .iter()
        .map(|f| {
            let p = props(f);
            let id = match &p["id"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (id, p["population"].as_f64().unwrap())
        })
        .collect()
}

#[test]
fn helsinki_full_grid_reports_cells_outside_the_extract() {
    let tmp = temp_dir();
    let root = manifest_dir();
    let data = root.join("data/helsinki");
    // Independent expectation: the bundle's near-network file holds the 36
    // cells whose centre lies within 300 m of the extract's streets; the
    // other 56 of the 92 cells must be unreachable.
    let all = grid_cells(&data.join("helsinki_population_grid_2020.geojson"));
    let near: BTreeSet<String> =
        grid_cells(&data.join("helsinki_population_grid_2020_near_network.geojson"))
            .into_iter()
            .map(|(id, _)| id)
            .collect();
    assert_eq!((all.len(), near.len()), (92, 36));
    let far: Vec<&(String, f64)> = all.iter().filter(|(id, _)| !near.contains(id)).collect();
    assert_eq!(far.len(), 56);
    let far_pop: f64 = far.iter().map(|(_, p)| p).sum();
    assert_eq!(far_pop, 50472.0);

    let out = tmp.path().join("grid");
    run_ok(
        &root,
        &[
            "analyze",
            "--bundle",
            "helsinki",
            "--communities",
            "data/helsinki/helsinki_population_grid_2020.geojson",
            "--access",
            "centroid",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let unreachable = read_csv_rows(&out.join("unreachable.csv"));
    let got: Vec<(String, f64)> = unreachable
        .iter()
        .filter(|r| r["kind"] == "community")
        .map(|r| (r["id"].clone(), num(r, "population")))
        .collect();
    let want: Vec<(String, f64)> = far.iter().map(|(id, p)| (id.clone(), *p)).collect();
    assert_eq!(got, want, "unreachable communities, in input order");
    assert_eq!(unreachable.len(), 56, "no facility should be unreachable");
    for r in &unreachable {
        assert_eq!(r["reason_code"], "too_far", "{r:?}");
    }

    let summary = read_csv_rows(&out.join("summary.csv"));
    for r in summary.iter().filter(|r| r["area"] == "all") {
        assert_eq!(num(r, "communities"), 92.0, "{r:?}");
        assert_eq!(num(r, "population"), 71724.0, "{r:?}");
        assert_eq!(num(r, "unreachable_population"), 50472.0, "{r:?}");
        // Unreachable people are never covered.
        assert!(num(r, "covered_population") <= 71724.0 - 50472.0, "{r:?}");
    }

    let fc = read_json(&out.join("communities.geojson"));
    assert_eq!(features(&fc).len(), 92);
    let targets = summary_targets(&summary);
    for f in features(&fc) {
        let p = props(f);
        let id = p["id"].as_str().unwrap();
        if near.contains(id) {
            assert_eq!(p["reachable"], Value::Bool(true), "{id}");
            continue;
        }
        assert_eq!(p["reachable"], Value::Bool(false), "{id}");
        assert!(p["snap_m"].is_null(), "{id}");
        for t in &targets {
            assert!(p[&format!("{t}_m")].is_null(), "{id} {t}_m");
            assert_eq!(
                p[&format!("{t}_covered")],
                Value::Bool(false),
                "{id} {t}_covered"
            );
            assert_eq!(p[&format!("{t}_count")], 0, "{id} {t}_count");
        }
    }
    check_community_fields(&fc, &summary, 1000.0);

    // The 36 reachable cells get the same results as in the bundle run
    // (unreachable cells add no snap nodes, so the graph is the same).
    let out2 = tmp.path().join("bundle");
    run_ok(
        &root,
        &[
            "analyze",
            "--bundle",
            "helsinki",
            "--out",
            out2.to_str().unwrap(),
        ],
    );
    let bundle = read_json(&out2.join("communities.geojson"));
    let bundle = features_by_id(&bundle);
    for f in features(&fc) {
        let p = props(f);
        let Some(b) = bundle.get(p["id"].as_str().unwrap()) else {
            continue;
        };
        let b = props(b);
        for t in &targets {
            for suffix in ["_m", "_covered", "_count"] {
                let k = format!("{t}{suffix}");
                assert_eq!(p[&k], b[&k], "{} {k}", p["id"]);
            }
        }
    }
    let bundle_summary = read_csv_rows(&out2.join("summary.csv"));
    for t in &targets {
        assert_eq!(
            summary_row(&summary, "all", t)["covered_population"],
            summary_row(&bundle_summary, "all", t)["covered_population"],
            "{t}"
        );
    }
}

// ---------------------------------------------------------------------------
// Porto Alegre: an independent reference over the exported graph
// ---------------------------------------------------------------------------

const R_EARTH: f64 = 6_371_008.8;

/// The same local equirectangular projection fitcircle snaps in (centred on
/// the bounding box of the network's own nodes), so straight distances from
/// a point to a node compare with `snap_m`.
struct Proj {
    lon0: f64,
    lat0: f64,
    kx: f64,
    ky: f64,
}

impl Proj {
    fn fit(points: impl Iterator<Item = [f64; 2]>) -> Proj {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in points {
            for i in 0..2 {
                lo[i] = lo[i].min(p[i]);
                hi[i] = hi[i].max(p[i]);
            }
        }
        let (lon0, lat0) = ((lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0);
        let ky = R_EARTH * std::f64::consts::PI / 180.0;
        Proj {
            lon0,
            lat0,
            kx: ky * lat0.to_radians().cos(),
            ky,
        }
    }

    fn dist(&self, a: [f64; 2], b: [f64; 2]) -> f64 {
        let p = |q: [f64; 2]| [(q[0] - self.lon0) * self.kx, (q[1] - self.lat0) * self.ky];
        let (a, b) = (p(a), p(b));
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
    }
}

/// The exported graph: node coordinates, OSM ids, components, and for every
/// node the arcs that END there (`into[v]` = (u, len) for walkable u -> v),
/// so a search from facilities over `into` gives walks TO the facilities.
struct RefGraph {
    coords: Vec<[f64; 2]>,
    osm_ids: Vec<i64>,
    component: Vec<u32>,
    into: Vec<Vec<(u32, f64)>>,
}

fn read_ref_graph(out: &Path) -> RefGraph {
    let nodes = read_csv_rows(&out.join("graph_nodes.csv"));
    let mut coords = Vec::with_capacity(nodes.len());
    let mut osm_ids = Vec::with_capacity(nodes.len());
    let mut component = Vec::with_capacity(nodes.len());
    for (i, n) in nodes.iter().enumerate() {
        assert_eq!(n["node"], i.to_string(), "graph_nodes.csv is in node order");
        coords.push([num(n, "lon"), num(n, "lat")]);
        osm_ids.push(n["osm_id"].parse::<i64>().unwrap());
        component.push(n["component"].parse::<u32>().unwrap());
    }
    let mut into = vec![Vec::new(); nodes.len()];
    for e in read_csv_rows(&out.join("graph_edges.csv")) {
        let (a, b) = (
            e["from"].parse::<u32>().unwrap(),
            e["to"].parse::<u32>().unwrap(),
        );
        let len = num(&e, "length_m");
        assert!(len >= 0.0);
        if e["forward"] == "true" {
            into[b as usize].push((a, len)); // walk a -> b
        }
        if e["backward"] == "true" {
            into[a as usize].push((b, len)); // walk b -> a
        }
    }
    RefGraph {
        coords,
        osm_ids,
        component,
        into,
    }
}

/// Plain Dijkstra over `into` from (node, start distance) seeds, settling
/// nodes up to `limit` metres. Distances are non-negative, so their bit
/// patterns order like the numbers.
fn reference_dijkstra(g: &RefGraph, seeds: &[(u32, f64)], limit: f64) -> Vec<f64> {
    let mut dist = vec![f64::INFINITY; g.coords.len()];
    let mut heap = BinaryHeap::new();
    for &(v, d) in seeds {
        if d < dist[v as usize] {
            dist[v as usize] = d;
            heap.push(Reverse((d.to_bits(), v)));
        }
    }
    while let Some(Reverse((bits, v))) = heap.pop() {
        let d = f64::from_bits(bits);
        if d > dist[v as usize] || d > limit {
            continue;
        }
        for &(u, len) in &g.into[v as usize] {
            let nd = d + len;
            if nd < dist[u as usize] {
                dist[u as usize] = nd;
                heap.push(Reverse((nd.to_bits(), u)));
            }
        }
    }
    dist
}

/// Run the porto-alegre bundle into `out`; returns stdout.
fn run_porto_alegre(out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "analyze",
        "--bundle",
        "porto-alegre",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_ok(&manifest_dir(), &args)
}

#[test]
fn porto_alegre_matches_reference_dijkstra() {
    let tmp = temp_dir();
    let out = tmp.path().join("poa");
    run_porto_alegre(&out, &["--export-graph"]);

    // Totals.
    let summary = read_csv_rows(&out.join("summary.csv"));
    assert_eq!(summary_targets(&summary), ["any", "school_venue"]);
    for t in ["any", "school_venue"] {
        let r = summary_row(&summary, "all", t);
        assert_eq!(num(r, "population"), 812935.0, "{t}");
        assert_eq!(num(r, "facilities"), 194.0, "{t}");
        assert_eq!(num(r, "communities"), 1227.0, "{t}");
    }

    // Input positions (full precision) from the bundle's CSV.
    let input = read_csv_rows(&manifest_dir().join("data/porto-alegre/poa_hexgrid.csv"));
    let pos: HashMap<String, [f64; 2]> = input
        .iter()
        .map(|r| (r["id"].clone(), [num(r, "lon"), num(r, "lat")]))
        .collect();
    let schools: u64 = input
        .iter()
        .map(|r| r["schools"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(schools, 194);

    let g = read_ref_graph(&out);
    let proj = Proj::fit(
        g.coords
            .iter()
            .zip(&g.osm_ids)
            .filter(|(_, id)| **id != 0)
            .map(|(c, _)| *c),
    );
    // Nodes of components with at least 50 nodes (islands are never snapped to).
    let mut comp_size: HashMap<u32, usize> = HashMap::new();
    for c in &g.component {
        *comp_size.entry(*c).or_default() += 1;
    }
    let main_nodes: Vec<u32> = (0..g.coords.len() as u32)
        .filter(|&v| comp_size[&g.component[v as usize]] >= 50)
        .collect();
    // The snap node of a point is the nearest main-network node: the snap
    // point is the nearest point of the main network and is itself a node.
    // Checked against the reported snap_m: within 0.6 m (0.05 rounding,
    // plus up to 0.5 m when the snap point merged into an edge end).
    let snap_node = |p: [f64; 2], snap_m: f64, what: &str| -> u32 {
        let (v, d) = main_nodes
            .iter()
            .map(|&v| (v, proj.dist(p, g.coords[v as usize])))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        assert!(
            (d - snap_m).abs() <= 0.6,
            "{what}: nearest node {v} is {d:.2} m away but snap_m is {snap_m}"
        );
        v
    };

    // Facilities: all schools, counted and reachable; grouped by position.
    let fac_fc = read_json(&out.join("facilities.geojson"));
    assert_eq!(features(&fac_fc).len(), 194);
    let mut fac_groups: HashMap<String, (u32, f64, usize)> = HashMap::new();
    let mut fac_seeds = Vec::new();
    for f in features(&fac_fc) {
        let p = props(f);
        let id = p["id"].as_str().unwrap();
        assert_eq!(p["category"], "school_venue", "{id}");
        assert_eq!(p["counted"], Value::Bool(true), "{id}");
        assert_eq!(p["reachable"], Value::Bool(true), "{id}");
        let hex = id.split('#').next().unwrap().to_string();
        let snap = p["snap_m"].as_f64().unwrap();
        let node = snap_node(pos[&hex], snap, id);
        fac_seeds.push((node, snap));
        let e = fac_groups.entry(hex).or_insert((node, snap, 0));
        assert_eq!(
            (e.0, e.1),
            (node, snap),
            "{id}: schools of a hexagon share a point"
        );
        e.2 += 1;
    }
    assert_eq!(fac_groups.values().map(|g| g.2).sum::<usize>(), 194);

    // Nearest school from every node (walking towards the schools).
    let limit = 1000.0;
    let report = 2000.0;
    let nearest = reference_dijkstra(&g, &fac_seeds, f64::INFINITY);

    let com_fc = read_json(&out.join("communities.geojson"));
    assert_eq!(features(&com_fc).len(), 1227);
    let mut com_nodes: HashMap<u32, Vec<(usize, f64)>> = HashMap::new();
    let mut covered_pop = 0.0;
    let mut checked = 0;
    let mut unreachable = Vec::new();
    for (ci, f) in features(&com_fc).iter().enumerate() {
        let p = props(f);
        let id = p["id"].as_str().unwrap();
        if p["reachable"] == Value::Bool(false) {
            unreachable.push((id.to_string(), p["population"].as_f64().unwrap()));
            continue;
        }
        let snap = p["snap_m"].as_f64().unwrap();
        let node = snap_node(pos[id], snap, id);
        com_nodes.entry(node).or_default().push((ci, snap));
        let want = snap + nearest[node as usize];
        let got = opt_num(&p["school_venue_m"]);
        assert_eq!(
            p["school_venue_m"], p["any_m"],
            "{id}: one category, any = school_venue"
        );
        // Reported values are rounded to 0.1 m; snaps add 2 x 0.05 m.
        let tol = 0.2;
        if want <= report - tol {
            let got = got.unwrap_or_else(|| panic!("{id}: reference {want:.1} m, reported null"));
            assert!(
                (got - want).abs() <= tol,
                "{id}: school_venue_m {got} vs reference {want:.2}"
            );
            checked += 1;
        } else if want > report + tol {
            assert!(
                got.is_none(),
                "{id}: reference {want:.1} m beyond 2000 m, reported {got:?}"
            );
        }
        if (want - limit).abs() > tol {
            let covered = want <= limit;
            assert_eq!(
                p["school_venue_covered"],
                Value::Bool(covered),
                "{id}: {want:.1} m"
            );
            if covered {
                covered_pop += p["population"].as_f64().unwrap();
            }
        }
    }
    assert!(checked > 1100, "only {checked} communities compared");
    assert_eq!(
        num(
            summary_row(&summary, "all", "school_venue"),
            "covered_population"
        ),
        covered_pop
    );

    // Unreachable communities: listed in unreachable.csv with their people.
    let listed: Vec<(String, f64)> = read_csv_rows(&out.join("unreachable.csv"))
        .iter()
        .filter(|r| r["kind"] == "community")
        .map(|r| {
            assert!(
                ["too_far", "island"].contains(&r["reason_code"].as_str()),
                "{r:?}"
            );
            (r["id"].clone(), num(r, "population"))
        })
        .collect();
    assert_eq!(listed, unreachable);
    let unreachable_pop: f64 = unreachable.iter().map(|u| u.1).sum();
    assert_eq!(
        num(
            summary_row(&summary, "all", "any"),
            "unreachable_population"
        ),
        unreachable_pop
    );

    // Counts: one bounded search per school position; a community counts
    // every school whose walk (snaps included) is within the limit.
    let mut counts = vec![0u64; features(&com_fc).len()];
    let mut ambiguous = vec![false; counts.len()];
    let mut groups: Vec<(&String, &(u32, f64, usize))> = fac_groups.iter().collect();
    groups.sort_by(|a, b| a.0.cmp(b.0));
    // Per school position: communities within the limit, and whether any
    // walk lies within 0.2 m of the limit (too close to call after rounding).
    let mut within_by_hex: HashMap<&String, (BTreeSet<usize>, bool)> = HashMap::new();
    for (hex, &(node, snap, n)) in groups {
        let dist = reference_dijkstra(&g, &[(node, snap)], limit + 1.0);
        let mut hits = BTreeSet::new();
        let mut close_call = false;
        for (v, list) in &com_nodes {
            for &(ci, csnap) in list {
                let d = dist[*v as usize] + csnap;
                if (d - limit).abs() <= 0.2 {
                    ambiguous[ci] = true;
                    close_call = true;
                } else if d <= limit {
                    counts[ci] += n as u64;
                    hits.insert(ci);
                }
            }
        }
        within_by_hex.insert(hex, (hits, close_call));
    }
    assert!(ambiguous.iter().filter(|a| **a).count() < 20);
    for (ci, f) in features(&com_fc).iter().enumerate() {
        let p = props(f);
        if ambiguous[ci] || p["reachable"] == Value::Bool(false) {
            continue;
        }
        assert_eq!(
            p["school_venue_count"], counts[ci],
            "{}: school_venue_count",
            p["id"]
        );
        assert_eq!(p["any_count"], counts[ci], "{}: any_count", p["id"]);
    }
    let com_features = features(&com_fc);
    for f in features(&fac_fc) {
        let p = props(f);
        let id = p["id"].as_str().unwrap();
        let hex = id.split('#').next().unwrap().to_string();
        let (hits, close_call) = &within_by_hex[&hex];
        if *close_call {
            continue;
        }
        let ids: Vec<&str> = hits
            .iter()
            .map(|&ci| com_features[ci]["properties"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            p["communities_within_limit"],
            hits.len(),
            "{id}: reference communities within 1000 m: {ids:?}"
        );
        let pop: f64 = hits
            .iter()
            .map(|&ci| {
                com_features[ci]["properties"]["population"]
                    .as_f64()
                    .unwrap()
            })
            .sum();
        let got = p["population_within_limit"].as_f64().unwrap();
        assert!(
            (got - pop).abs() <= 0.05,
            "{id}: population_within_limit {got} vs {pop}"
        );
    }
}

#[test]
fn porto_alegre_is_identical_for_any_thread_count() {
    let tmp = temp_dir();
    let one = tmp.path().join("t1");
    let two = tmp.path().join("t2");
    run_porto_alegre(&one, &["--threads", "1", "--quiet"]);
    run_porto_alegre(&two, &["--threads", "2", "--quiet"]);
    for name in [
        "communities.geojson",
        "facilities.geojson",
        "summary.csv",
        "unreachable.csv",
    ] {
        let (a, b) = (
            std::fs::read(one.join(name)).unwrap(),
            std::fs::read(two.join(name)).unwrap(),
        );
        assert!(a == b, "{name} differs between --threads 1 and --threads 2");
    }
}

#[test]
fn porto_alegre_says_schools_stand_at_hexagon_centres() {
    let tmp = temp_dir();
    let out = tmp.path().join("poa");
    let stdout = run_porto_alegre(&out, &[]);
    let note = "schools stand at their hexagon's centre";
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("note:") && l.contains(note)),
        "stdout has no note about school positions:\n{stdout}"
    );
    // The note travels with the outputs too.
    let fc = read_json(&out.join("communities.geojson"));
    let notes = fc["fitcircle"]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains(note)),
        "{notes:?}"
    );
    let fac = read_json(&out.join("facilities.geojson"));
    for f in features(&fac) {
        assert!(
            f["properties"]["note"]
                .as_str()
                .unwrap_or("")
                .contains(note),
            "{}",
            f["properties"]["id"]
        );
    }
}

/// `sites --verbose` prints the stage timings on stderr (each flag a
/// subcommand accepts does something), and `sites` refuses the flags only
/// `analyze` has.
#[test]
fn sites_verbose_prints_timings_and_rejects_analyze_only_flags() {
    let tmp = common::temp_dir();
    let out = common::run_fitcircle(
        tmp.path(),
        &[
            "sites",
            "--category",
            "fitness_station",
            "--count",
            "1",
            "--verbose",
            "--out",
            "s",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    for stage in ["stage timings", "load", "search", "sites", "total"] {
        assert!(err.contains(stage), "{stage} missing in:\n{err}");
    }
    for flag in ["--coverage-only", "--export-graph", "--isochrones"] {
        let out = common::run_fitcircle(
            tmp.path(),
            &[
                "sites",
                "--category",
                "fitness_station",
                flag,
                "--out",
                "s2",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{flag} accepted by sites");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag));
    }
}
