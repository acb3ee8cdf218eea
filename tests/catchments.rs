//! End-to-end tests of the catchment figures of `fitcircle analyze`
//! (src/analysis/catchment.rs, supply.rs, windows.rs, study.rs): the binary
//! runs in a fresh temporary folder per test and its outputs are compared
//! with values worked out by hand.
//!
//! * `tiny_*`: the hand-made network of `tests/fixtures/tiny/network.osm`
//!   with the inputs of `tests/fixtures/catchments/`: 2SFCA (step, Gaussian,
//!   E2SFCA), per-capita area per unit, life-circle tiers, time windows, the
//!   new-community rule and isochrone polygons;
//! * `xicheng_*`: the no-network (straight line x 1.3) mode on the Xicheng
//!   bundle with a small synthetic venue file;
//! * `helsinki_*`: isochrone polygons of a real network;
//! * `porto_alegre_*`: thread-count determinism of the new outputs.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use common::*;
use geo::{Contains, Intersects};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Hand-computed walking distances on the tiny network
// ---------------------------------------------------------------------------
//
// Network (tests/fixtures/tiny/network.osm), lat 60.17, lon 24.94:
//
//                 7 (24.9420, 60.1710)
//                 |  DY
//                 6 (24.9420, 60.1705)
//                 |  DY
//   1 --- 2 --- 3 --- 4 --- 5      along lat 60.1700, lon 24.9400 .. 24.9440
//     DX    DX    DX    DX
//
// fitcircle measures network edges on the WGS-84 ellipsoid (geodesic) and
// the snap from a point to the network in a local equirectangular projection
// on a sphere of radius 6,371,008.8 m. By hand, with a = 6,378,137 m and
// e2 = f (2 - f), f = 1/298.257223563, the radii of curvature at latitude p
// are N = a / sqrt(1 - e2 sin^2 p) and M = a (1 - e2) / (1 - e2 sin^2 p)^1.5:
//
//   DX = N(60.17) cos(60.17) * 0.001 deg   = 55.5135 m   (edge along a parallel)
//   DY = M(60.1705) * 0.0005 deg           = 55.7076 m   (edge along a meridian)
//   snaps straight north / south of the network, on the sphere:
//   S(0.0002 deg) = 22.2390 m, S(0.00045 deg) = 50.0378 m, S(0.001 deg) = 111.1951 m
//
// (for these 55 m steps the radius-of-curvature formula is within a
// millimetre of the geodesic; the 0.4 % gap to the sphere would matter for
// the Gaussian weights, hence the ellipsoid.)
//
// The network is a tree, so the walk between two points is snap + the path
// along the tree + snap. Communities (tests/fixtures/tiny/communities.csv):
//   C1 pop 100 on node 2, C2 pop 200 on junction 3, C3 pop 300 on node 6,
//   C4 pop 400 S(0.00045) = 50.04 m north of node 5,
//   C5 pop 500 556 m north of node 7: unreachable (more than 300 m off).
//
// Walks (m) to facilities on node 1, node 7 and S(0.0002) south of node 4
// (the tiny fixture's F1, F2, F3):
//        node 1 (F1)            node 7 (F2)                4 + 22.24 (F3)
//   C1   DX          =  55.51   DX+2DY        = 166.93     2DX+S      = 133.27
//   C2   2DX         = 111.03   2DY           = 111.42     DX+S       =  77.75
//   C3   DY+2DX      = 166.74   DY            =  55.71     DY+DX+S    = 133.46
//   C4   S4+4DX      = 272.09   S4+2DX+2DY    = 272.48     S4+DX+S    = 127.79

const R_SPHERE: f64 = 6_371_008.8;
const WGS84_A: f64 = 6_378_137.0;
const WGS84_F: f64 = 1.0 / 298.257_223_563;

fn wgs84_e2() -> f64 {
    WGS84_F * (2.0 - WGS84_F)
}

/// Metres along the parallel at `lat` for `dlon` degrees (WGS-84: N cos(lat) dlon).
fn parallel_m(lat: f64, dlon: f64) -> f64 {
    let p = lat.to_radians();
    let n = WGS84_A / (1.0 - wgs84_e2() * p.sin().powi(2)).sqrt();
    n * p.cos() * dlon.to_radians()
}

/// Metres along the meridian at `lat` for `dlat` degrees (WGS-84: M dlat).
fn meridian_m(lat: f64, dlat: f64) -> f64 {
    let e2 = wgs84_e2();
    let p = lat.to_radians();
    let m = WGS84_A * (1.0 - e2) / (1.0 - e2 * p.sin().powi(2)).powf(1.5);
    m * dlat.to_radians()
}

/// Metres for `dlat` degrees on the sphere (how a snap straight north or
/// south of the network is measured).
fn sphere_m(dlat: f64) -> f64 {
    R_SPHERE * dlat.to_radians()
}

fn dx() -> f64 {
    parallel_m(60.17, 0.001)
}

fn dy() -> f64 {
    meridian_m(60.1705, 0.0005)
}

/// A point attached to the tiny network: `x` metres east of node 1 along
/// way 10 (way-20 points have x = 2 DX), `y` metres north of junction 3
/// along way 20 (0 on way 10), and its straight walk `snap` to that point.
#[derive(Debug, Clone, Copy)]
struct Spot {
    x: f64,
    y: f64,
    snap: f64,
}

/// Node `n` (1..=7) of the tiny network.
fn node(n: u8) -> Spot {
    let (x, y) = match n {
        1..=5 => ((n - 1) as f64 * dx(), 0.0),
        6 => (2.0 * dx(), dy()),
        7 => (2.0 * dx(), 2.0 * dy()),
        _ => panic!("no node {n}"),
    };
    Spot { x, y, snap: 0.0 }
}

/// A point `dlat` degrees straight north or south of node `n`.
fn off_node(n: u8, dlat: f64) -> Spot {
    Spot {
        snap: sphere_m(dlat.abs()),
        ..node(n)
    }
}

/// Walking metres between two attached points (the network is a tree).
fn walk(a: Spot, b: Spot) -> f64 {
    let along = if a.y > 0.0 && b.y > 0.0 {
        (a.y - b.y).abs()
    } else {
        (a.x - b.x).abs() + a.y + b.y
    };
    a.snap + along + b.snap
}

/// The tiny fixture's communities: id, population, attachment (None: C5,
/// beyond the 300 m snap limit).
fn tiny_communities() -> Vec<(&'static str, f64, Option<Spot>)> {
    vec![
        ("C1", 100.0, Some(node(2))),
        ("C2", 200.0, Some(node(3))),
        ("C3", 300.0, Some(node(6))),
        ("C4", 400.0, Some(off_node(5, 0.00045))),
        ("C5", 500.0, None),
    ]
}

/// `walks[c][f]`: walking metres from community c to facility f (None when
/// the community is unreachable).
fn walk_matrix(coms: &[(&str, f64, Option<Spot>)], facs: &[Spot]) -> Vec<Vec<Option<f64>>> {
    coms.iter()
        .map(|(_, _, c)| {
            facs.iter()
                .map(|f| c.map(|c| walk(c, *f)))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Step-by-step 2SFCA by hand: R_j = S_j / sum_k P_k W(d_kj) over d_kj <= d0
/// (0 without demand), A_i = sum_j R_j W(d_ij) over d_ij <= d0.
fn two_step_by_hand(
    supply: &[f64],
    pop: &[f64],
    walks: &[Vec<Option<f64>>],
    d0: f64,
    w: &dyn Fn(f64) -> f64,
) -> Vec<f64> {
    let within = |c: usize, f: usize| walks[c][f].filter(|d| *d <= d0);
    let ratio: Vec<f64> = (0..supply.len())
        .map(|f| {
            let demand: f64 = (0..pop.len())
                .filter_map(|c| within(c, f).map(|d| pop[c] * w(d)))
                .sum();
            if demand > 0.0 {
                supply[f] / demand
            } else {
                0.0
            }
        })
        .collect();
    (0..pop.len())
        .map(|c| {
            (0..supply.len())
                .filter_map(|f| within(c, f).map(|d| ratio[f] * w(d)))
                .sum()
        })
        .collect()
}

fn gaussian_weight(d: f64, d0: f64) -> f64 {
    let e = (-0.5f64).exp();
    ((-0.5 * (d / d0).powi(2)).exp() - e) / (1.0 - e)
}

fn e2sfca_weight(d: f64, d0: f64) -> f64 {
    if d <= d0 / 3.0 {
        1.0
    } else if d <= 2.0 * d0 / 3.0 {
        0.68
    } else if d <= d0 {
        0.22
    } else {
        0.0
    }
}

// ---------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------

fn catchment_fixture(name: &str) -> PathBuf {
    fixture("catchments").join(name)
}

/// `fitcircle analyze` on the tiny network (with the tiny fixture's config,
/// which lets a 4-node network count) at 6 km/h = 100 m a minute; the output
/// goes to `tmp/out`. Returns (stdout, stderr, out folder).
fn run_tiny(
    tmp: &Path,
    facilities: &Path,
    communities: &Path,
    minutes: &str,
    extra: &[&str],
) -> (String, String, PathBuf) {
    let tiny = fixture("tiny");
    let out = tmp.join("out");
    let mut args: Vec<String> = [
        "analyze",
        "--config",
        tiny.join("fitcircle.toml").to_str().unwrap(),
        "--network",
        tiny.join("network.osm").to_str().unwrap(),
        "--facilities",
        facilities.to_str().unwrap(),
        "--communities",
        communities.to_str().unwrap(),
        "--minutes",
        minutes,
        "--speed",
        "6",
        "--out",
        out.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run_fitcircle(tmp, &args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "fitcircle {args:?} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    (stdout, stderr, out)
}

fn f64_prop(p: &serde_json::Map<String, Value>, key: &str) -> f64 {
    p.get(key)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{}: {key} is not a number: {:?}", p["id"], p.get(key)))
}

fn opt_f64_prop(p: &serde_json::Map<String, Value>, key: &str) -> Option<f64> {
    match p.get(key) {
        Some(Value::Null) => None,
        Some(v) => Some(
            v.as_f64()
                .unwrap_or_else(|| panic!("{}: {key} = {v}", p["id"])),
        ),
        None => panic!("{}: no property {key}", p["id"]),
    }
}

fn assert_near(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, expected {want:.6} (tolerance {tol})"
    );
}

/// A feature's geometry as a `geo` geometry.
fn geo_geometry(feature: &Value) -> geo::Geometry<f64> {
    let g: geojson::Geometry = serde_json::from_value(feature["geometry"].clone())
        .unwrap_or_else(|e| panic!("{}: {e}", feature["properties"]["id"]));
    geo::Geometry::<f64>::try_from(&g.value).unwrap_or_else(|e| panic!("{e}"))
}

/// The units.csv row named `name`.
fn units_row<'a>(rows: &'a [HashMap<String, String>], name: &str) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("units.csv has no row {name:?}: {rows:?}"))
}

/// Check that the reported walks (rounded to 0.1 m) match the hand-computed
/// ones, so that a mismatch further on is in the catchment figures and not
/// in the distances. `facs` are (category, spot) of the counted facilities.
fn check_any_m(fc: &Value, coms: &[(&str, f64, Option<Spot>)], facs: &[Spot], report_m: f64) {
    let by_id = features_by_id(fc);
    for (id, _, spot) in coms {
        let p = props(by_id[*id]);
        let want = spot.map(|c| {
            facs.iter()
                .map(|f| walk(c, *f))
                .fold(f64::INFINITY, f64::min)
        });
        match (opt_f64_prop(p, "any_m"), want) {
            (Some(g), Some(w)) => assert_near(g, w, 0.06, &format!("{id} any_m")),
            (None, Some(w)) => assert!(w > report_m, "{id}: any_m null, hand {w:.2} m"),
            (None, None) => {}
            (g, None) => panic!("{id}: unreachable by hand, any_m {g:?}"),
        }
    }
}

// ---------------------------------------------------------------------------
// 1. 2SFCA
// ---------------------------------------------------------------------------

// facilities_area.csv: the tiny fixture's facilities with given areas:
//   F1 football_pitch node 1          outdoor 1200
//   F2 fitness_centre node 7          outdoor   60, indoor 900
//   F3 playground     0.0002 S of 4   outdoor  450
//
// Step 2SFCA, catchment 120 m (1.2 min at 6 km/h): pairs within 120 m are
//   F1: C1 55.51, C2 111.03      demand 300   R = 1200/300 = 4,   indoor 0
//   F2: C2 111.42, C3 55.71      demand 500   R =   60/500 = 0.12, indoor 900/500 = 1.8
//   F3: C2 77.75                 demand 200   R =  450/200 = 2.25
//   outdoor A: C1 4, C2 4 + 0.12 + 2.25 = 6.37, C3 0.12, C4 0, C5 0
//   indoor  A: C1 0, C2 1.8, C3 1.8;  total: C1 4, C2 8.17, C3 1.92
// Step, 180 m: every pair but C4-F1/F2 (272 m): F1, F2 demand 600, F3 1000:
//   outdoor C1..C3 = 2 + 0.1 + 0.45 = 2.55, C4 0.45; indoor C1..C3 1.5.
// Gaussian, d0 = 180 m: W(d) = (exp(-(d/d0)^2/2) - exp(-1/2)) / (1 - exp(-1/2)):
//   W    F1      F2      F3
//   C1 0.8820  0.1117  0.3907
//   C2 0.5597  0.5569  0.7736
//   C3 0.1134  0.8812  0.3892
//   C4   -       -     0.4338
//   outdoor C1 4.9003, C2 3.6739, C3 1.0795, C4 0.4033
//   indoor  C1 0.2599, C2 1.2955, C3 2.0497; total C1 5.1603, C2 4.9694, C3 3.1292
// E2SFCA, d0 = 180 m: zones <= 60 m -> 1, <= 120 m -> 0.68, <= 180 m -> 0.22
//   (C1-F1 55.5 and C3-F2 55.7: 1; C2-*: 0.68; the 127..167 m pairs: 0.22):
//   outdoor C1 4.3196, C2 3.7718, C3 1.3225, C4 0.3173
//   indoor  C1 0.4323, C2 1.3362, C3 1.9651; total C1 4.7520, C2 5.1081, C3 3.2875
// Every walk is at least 4.5 m away from 60, 120 and 180 m.
#[test]
fn tiny_two_step_floating_catchment_by_hand() {
    let coms = tiny_communities();
    let pop: Vec<f64> = coms.iter().map(|c| c.1).collect();
    let facs = [node(1), node(7), off_node(4, -0.0002)];
    let outdoor = [1200.0, 60.0, 450.0];
    let indoor = [0.0, 900.0, 0.0];
    let total: Vec<f64> = outdoor.iter().zip(&indoor).map(|(a, b)| a + b).collect();
    let walks = walk_matrix(&coms, &facs);
    for d in walks.iter().flatten().flatten() {
        for b in [60.0, 120.0, 180.0] {
            assert!((d - b).abs() > 4.0, "fixture walk {d} too close to {b}");
        }
    }

    let cases: [(&str, Option<&str>, f64); 4] = [
        ("1.2", None, 120.0),
        ("1.8", Some("2sfca"), 180.0),
        ("1.8", Some("gaussian"), 180.0),
        ("1.8", Some("e2sfca"), 180.0),
    ];
    for (minutes, method, d0) in cases {
        let tmp = temp_dir();
        let extra: Vec<&str> = match method {
            Some(m) => vec!["--method", m],
            None => vec![],
        };
        let (_, _, out) = run_tiny(
            tmp.path(),
            &catchment_fixture("facilities_area.csv"),
            &fixture("tiny/communities.csv"),
            minutes,
            &extra,
        );
        let name = method.unwrap_or("2sfca");
        let w: Box<dyn Fn(f64) -> f64> = match name {
            "2sfca" => Box::new(|_| 1.0),
            "gaussian" => Box::new(move |d| gaussian_weight(d, d0)),
            "e2sfca" => Box::new(move |d| e2sfca_weight(d, d0)),
            other => panic!("{other}"),
        };
        let want_out = two_step_by_hand(&outdoor, &pop, &walks, d0, &w);
        let want_in = two_step_by_hand(&indoor, &pop, &walks, d0, &w);
        let want_tot = two_step_by_hand(&total, &pop, &walks, d0, &w);
        println!(
            "{name} d0 = {d0} m: outdoor {want_out:.4?} indoor {want_in:.4?} total {want_tot:.4?}"
        );

        let fc = read_json(&out.join("communities.geojson"));
        check_any_m(&fc, &coms, &facs, 2.0 * d0);
        let by_id = features_by_id(&fc);
        for (c, (id, _, _)) in coms.iter().enumerate() {
            let p = props(by_id[*id]);
            let ctx = |k: &str| format!("{name} d0 {d0}: {id} {k}");
            assert_eq!(p["sfca_method"], name, "{}", ctx("sfca_method"));
            for (key, want) in [
                ("sfca_outdoor_m2pp", want_out[c]),
                ("sfca_indoor_m2pp", want_in[c]),
                ("sfca_total_m2pp", want_tot[c]),
                // No opening hours: every facility is open at any time.
                ("window_any_time_sfca_m2pp", want_tot[c]),
            ] {
                assert_near(f64_prop(p, key), want, 1e-3, &ctx(key));
            }
        }

        // units.csv, whole area: population-weighted means over all five
        // communities (C5, unreachable, has 0).
        let rows = read_csv_rows(&out.join("units.csv"));
        assert_eq!(rows.len(), 1, "no units given: only the \"all\" row");
        let all = units_row(&rows, "all");
        assert_eq!(all["sfca_method"], name);
        let mean = |v: &[f64]| v.iter().zip(&pop).map(|(a, p)| a * p).sum::<f64>() / 1500.0;
        assert_near(
            num(all, "sfca_outdoor_mean_m2pp"),
            mean(&want_out),
            1e-3,
            "sfca_outdoor_mean_m2pp",
        );
        assert_near(
            num(all, "sfca_indoor_mean_m2pp"),
            mean(&want_in),
            1e-3,
            "sfca_indoor_mean_m2pp",
        );
        assert_near(
            num(all, "sfca_total_mean_m2pp"),
            mean(&want_tot),
            1e-3,
            "sfca_total_mean_m2pp",
        );
        // Step decay hands out every m2 that has demand in reach exactly
        // once: sum P_i A_i = sum S_j (every facility has demand here).
        if name == "2sfca" {
            let handed: f64 = coms
                .iter()
                .map(|(id, p, _)| p * f64_prop(props(by_id[*id]), "sfca_total_m2pp"))
                .sum();
            assert_near(handed, total.iter().sum(), 0.1, "conservation");
        }
    }
}

// ---------------------------------------------------------------------------
// 2. Per-capita area per unit
// ---------------------------------------------------------------------------

// units.geojson: West = lon 24.9390..24.9415, East = 24.9415..24.9460, both
// lat 60.1690..60.1740 (C5 and P7, farther north, lie in neither).
//   West: C1 (100).  East: C2, C3, C4 (900).  All: 1500.
// facilities_units.csv (outdoor sports land / indoor floor area, m2):
//   P1 table_tennis  W  30 (category default) / 0
//   P2 park          W  area 100 -> 10 % = 10 / 0
//   P3 fitness_centre E  0 / 80
//   P4 playground    E  100 / 0
//   P5 swimming_pool E  closed to the public: not counted (default 1250 indoor)
//   P6 school_venue  E  planned polygon (3,711 m2): not counted; its
//                       sports_land_m2 is the school default 2000
//   P7 sports_centre -- outside both units, unreachable (445 m off the
//                       network) but existing and open: counts for "all" 0 / 100
//   West: 40 / 0 over 100 -> 0.4 / 0: meets (outdoor >= 0.3)
//   East: 100 / 80 over 900 -> 0.1111 / 0.0889: fails both
//   all:  140 / 180 over 1500 -> 0.0933 / 0.12: meets (indoor >= 0.1)
#[test]
fn tiny_per_capita_area_by_unit() {
    let tmp = temp_dir();
    let (stdout, _, out) = run_tiny(
        tmp.path(),
        &catchment_fixture("facilities_units.csv"),
        &fixture("tiny/communities.csv"),
        "1.2",
        &[
            "--units",
            catchment_fixture("units.geojson").to_str().unwrap(),
        ],
    );

    // Facilities: (id, unit, sports land, indoor, counts for area).
    let facs: [(&str, Option<&str>, f64, f64, bool); 7] = [
        ("P1", Some("West"), 30.0, 0.0, true),
        ("P2", Some("West"), 10.0, 0.0, true),
        ("P3", Some("East"), 0.0, 80.0, true),
        ("P4", Some("East"), 100.0, 0.0, true),
        ("P5", Some("East"), 0.0, 1250.0, false),
        ("P6", Some("East"), 2000.0, 0.0, false),
        ("P7", None, 0.0, 100.0, true),
    ];
    let coms: [(&str, Option<&str>, f64); 5] = [
        ("C1", Some("West"), 100.0),
        ("C2", Some("East"), 200.0),
        ("C3", Some("East"), 300.0),
        ("C4", Some("East"), 400.0),
        ("C5", None, 500.0),
    ];

    let fac_fc = read_json(&out.join("facilities.geojson"));
    let fac = features_by_id(&fac_fc);
    for (id, unit, land, floor, counts) in facs {
        let p = props(fac[id]);
        assert_eq!(
            p["unit"],
            unit.map_or(Value::Null, Value::from),
            "{id} unit"
        );
        assert_near(f64_prop(p, "sports_land_m2"), land, 0.05, id);
        assert_near(f64_prop(p, "floor_area_m2"), floor, 0.05, id);
        let status_ok = p["status"] == "existing" && p["open_to_public"] != Value::Bool(false);
        assert_eq!(status_ok, counts, "{id}: status / open_to_public");
    }
    // P6's outline: 0.001 deg x 0.0006 deg at lat 60.1715.
    let p6 = props(fac["P6"]);
    assert_eq!(p6["area_source"], "geometry");
    assert_close_rel(
        f64_prop(p6, "area_m2"),
        parallel_m(60.1715, 0.001) * meridian_m(60.1715, 0.0006),
        0.005,
        "P6 area_m2",
    );
    assert_eq!(props(fac["P2"])["area_m2"].as_f64(), Some(100.0));
    assert_eq!(props(fac["P7"])["reachable"], Value::Bool(false));

    let com_fc = read_json(&out.join("communities.geojson"));
    let com = features_by_id(&com_fc);
    for (id, unit, _) in coms {
        assert_eq!(
            props(com[id])["unit"],
            unit.map_or(Value::Null, Value::from),
            "{id} unit"
        );
    }

    // Expected per row: sums over facilities / communities in the unit.
    let expect = |unit: Option<&str>| -> (usize, f64, f64, f64) {
        let inside = |u: Option<&str>| unit.is_none() || u == unit;
        let (mut land, mut floor) = (0.0, 0.0);
        for (_, u, l, f, counts) in facs {
            if counts && inside(u) {
                land += l;
                floor += f;
            }
        }
        let members: Vec<f64> = coms.iter().filter(|c| inside(c.1)).map(|c| c.2).collect();
        (members.len(), members.iter().sum(), land, floor)
    };
    let rows = read_csv_rows(&out.join("units.csv"));
    assert_eq!(rows.len(), 3, "all + 2 units: {rows:?}");
    assert_eq!(
        rows.iter().map(|r| r["name"].as_str()).collect::<Vec<_>>(),
        ["all", "West", "East"]
    );
    assert_eq!(rows[0]["id"], "");
    assert_eq!((rows[1]["id"].as_str(), rows[2]["id"].as_str()), ("W", "E"));
    let units_fc = read_json(&out.join("units.geojson"));
    assert_eq!(features(&units_fc).len(), 2);
    let unit_features = features_by_id(&units_fc);
    let mut verdicts = Vec::new();
    for (name, unit) in [
        ("all", None),
        ("West", Some("West")),
        ("East", Some("East")),
    ] {
        let row = units_row(&rows, name);
        let (n, pop, land, floor) = expect(unit);
        let (o, i) = (land / pop, floor / pop);
        let meets = o >= 0.3 || i >= 0.1;
        verdicts.push((name, o, i, meets));
        assert_eq!(num(row, "communities"), n as f64, "{name}");
        assert_eq!(num(row, "population"), pop, "{name}");
        assert_near(num(row, "outdoor_sports_land_m2"), land, 0.05, name);
        assert_near(num(row, "indoor_floor_area_m2"), floor, 0.05, name);
        assert_near(num(row, "outdoor_m2pp"), o, 6e-5, name);
        assert_near(num(row, "indoor_m2pp"), i, 6e-5, name);
        assert_near(num(row, "total_m2pp"), o + i, 6e-5, name);
        assert_eq!(num(row, "target_outdoor_m2pp"), 0.3);
        assert_eq!(num(row, "target_indoor_m2pp"), 0.1);
        assert_eq!(
            row["meets_per_capita_target"],
            meets.to_string(),
            "{name}: {o} / {i}"
        );
        // units.geojson carries the same figures (not the "all" row).
        if let Some(u) = unit {
            let id = if u == "West" { "W" } else { "E" };
            let p = props(unit_features[id]);
            assert_eq!(p["name"], u);
            for k in ["outdoor_m2pp", "indoor_m2pp", "total_m2pp", "population"] {
                assert_near(f64_prop(p, k), num(row, k), 1e-9, &format!("{u} {k}"));
            }
            assert_eq!(p["meets_per_capita_target"], Value::Bool(meets), "{u}");
            assert_eq!(unit_features[id]["geometry"]["type"], "MultiPolygon");
        }
    }
    // The three rows cover the three outcomes of the "either" rule.
    assert_eq!(
        verdicts.iter().map(|v| v.3).collect::<Vec<_>>(),
        [true, true, false],
        "{verdicts:?}"
    );
    assert!(
        verdicts[0].1 < 0.3 && verdicts[0].2 >= 0.1,
        "all: indoor only"
    );
    assert!(
        verdicts[1].1 >= 0.3 && verdicts[1].2 < 0.1,
        "West: outdoor only"
    );

    // summary.csv per unit: counted, reachable facilities inside the unit.
    let summary = read_csv_rows(&out.join("summary.csv"));
    assert_eq!(num(summary_row(&summary, "all", "any"), "facilities"), 4.0);
    assert_eq!(num(summary_row(&summary, "West", "any"), "facilities"), 2.0);
    assert_eq!(num(summary_row(&summary, "East", "any"), "facilities"), 2.0);
    assert!(stdout.contains("(outside every unit)"), "{stdout}");
}

// ---------------------------------------------------------------------------
// 3. Life-circle tiers
// ---------------------------------------------------------------------------

// tiers.toml: near 100 m {ball: football_pitch; play: playground |
// fitness_station}, mid 150 m {gym: fitness_centre | sports_centre;
// ball_or_play: football_pitch | playground}, far 250 m {pool:
// swimming_pool; gym: fitness_centre}. facilities_tiers.csv: F1..F3 as above
// plus a swimming pool closed to the public (F4, junction 3) and a planned
// one (F5, node 2): neither counts, so "pool" is never met.
//          near (100 m)          mid (150 m)                far (250 m)
//   C1   ball 55.5 / play 133.3  gym 166.9 x / b|p 55.5    pool x / gym 166.9
//        -> "play"               -> "gym"                   -> "pool"
//   C2   ball 111.0 x / 77.8     gym 111.4 / 77.8 -> met    -> "pool"
//        -> "ball"
//   C3   166.7 x / 133.5 x       gym 55.7 / 133.5 -> met    -> "pool"
//        -> "ball;play"
//   C4   272.1 x / 127.8 x       gym 272.5 x / 127.8        gym 272.5 x
//        -> "ball;play"          -> "gym"                   -> "pool;gym"
//   C5   unreachable: everything missing.
// The far tier reaches past the 120 m walking limit: the pairs behind the
// tiers must be kept up to 250 m. Shares: mid 500/1500, near and far 0.
#[test]
fn tiny_tiers_by_hand() {
    let tmp = temp_dir();
    let (_, _, out) = run_tiny(
        tmp.path(),
        &catchment_fixture("facilities_tiers.csv"),
        &fixture("tiny/communities.csv"),
        "1.2",
        &[
            "--targets",
            catchment_fixture("tiers.toml").to_str().unwrap(),
        ],
    );
    // Hand-check the walks the table above relies on.
    let coms = tiny_communities();
    let f1 = node(1);
    let f2 = node(7);
    let f3 = off_node(4, -0.0002);
    // Tiers by hand from the walks: requirement -> facilities that meet it.
    let tiers = [
        ("near", 100.0, vec![("ball", vec![f1]), ("play", vec![f3])]),
        (
            "mid",
            150.0,
            vec![("gym", vec![f2]), ("ball_or_play", vec![f1, f3])],
        ),
        ("far", 250.0, vec![("pool", vec![]), ("gym", vec![f2])]),
    ];
    let fc = read_json(&out.join("communities.geojson"));
    let by_id = features_by_id(&fc);
    let mut met_pop = [0.0; 3];
    for (id, pop, spot) in &coms {
        let p = props(by_id[*id]);
        for (ti, (tier, dist, reqs)) in tiers.iter().enumerate() {
            let missing: Vec<&str> = reqs
                .iter()
                .filter(|(_, fs)| {
                    !fs.iter().any(|f| {
                        spot.is_some_and(|c| {
                            let d = walk(c, *f);
                            assert!((d - dist).abs() > 5.0, "{id}: {d} near {dist}");
                            d <= *dist
                        })
                    })
                })
                .map(|(name, _)| *name)
                .collect();
            let met = missing.is_empty();
            if met {
                met_pop[ti] += pop;
            }
            assert_eq!(
                p[&format!("tier_{tier}_met")],
                Value::Bool(met),
                "{id} tier {tier}"
            );
            assert_eq!(
                p[&format!("tier_{tier}_missing")],
                missing.join(";"),
                "{id} tier {tier}"
            );
        }
    }
    // The table above, literally.
    let missing_of = |id: &str, tier: &str| {
        by_id[id]["properties"][format!("tier_{tier}_missing")]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(missing_of("C1", "near"), "play");
    assert_eq!(missing_of("C2", "near"), "ball");
    assert_eq!(missing_of("C3", "near"), "ball;play");
    assert_eq!(missing_of("C2", "mid"), "");
    assert_eq!(missing_of("C4", "far"), "pool;gym");
    assert_eq!(missing_of("C5", "mid"), "gym;ball_or_play");
    assert_eq!(met_pop, [0.0, 500.0, 0.0]);

    let rows = read_csv_rows(&out.join("units.csv"));
    let all = units_row(&rows, "all");
    for ((tier, _, _), pop) in tiers.iter().zip(met_pop) {
        assert_near(
            num(all, &format!("tier_{tier}_share")),
            pop / 1500.0,
            6e-5,
            tier,
        );
    }
    // The default tiers (5min/10min/15min) are gone with --targets.
    assert!(!props(by_id["C1"]).contains_key("tier_5min_met"));
}

/// A share of 0 is printed as "0.0%", not "-0.0%": the tier shares are sums
/// of an empty filter (-0.0 in Rust >= 1.81) divided by the population.
#[test]
fn tiny_stdout_has_no_negative_zero_shares() {
    let tmp = temp_dir();
    let (stdout, _, _) = run_tiny(
        tmp.path(),
        &catchment_fixture("facilities_tiers.csv"),
        &fixture("tiny/communities.csv"),
        "1.2",
        &[
            "--targets",
            catchment_fixture("tiers.toml").to_str().unwrap(),
        ],
    );
    assert!(
        !stdout.contains("-0.0%") && !stdout.contains("-0.00"),
        "negative zero in stdout:\n{stdout}"
    );
}

// ---------------------------------------------------------------------------
// 4. Time windows
// ---------------------------------------------------------------------------

// facilities_hours.csv, 120 m limit. Default windows: weekday_daytime Mo-Fr
// 08-17, weekday_evening Mo-Fr 17-22, weekend Sa,Su 08-20, any_time 24/7; a
// facility counts in a window when open there at least 60 min a week.
//   H1 school_venue, open to the public, no hours -> school default
//      (Mo-Fr 17-22, Sa,Su 08-20): day no, evening yes, weekend yes, any yes
//   H2 school_venue, open, Mo-Fr 17:00-21:00: evening and any only
//   H3 school_venue, open_to_public no: never (and not counted)
//   H4 fitness_centre Mo-Fr 06:00-09:00: 5 x 60 min in the daytime window;
//      day yes, evening no, weekend no, any yes
//   H5 playground Sa 10:00-10:30: 30 min a week < 60: never, not even
//      any_time (but it counts for the plain coverage, which ignores hours)
//   H6 tennis_court "by appointment": unreadable, so unknown, so always open
// Positions: H1 node 1, H2 node 7, H3 node 5, H4 0.0002 deg S of node 4,
// H5 node 6, H6 0.0002 deg S of node 5.
//   walks   H1     H2     H4     H6
//   C1     55.5  166.9  133.3  188.8
//   C2    111.0  111.4   77.8  133.3
//   C3    166.7   55.7  133.5  189.0
//   C4    272.1  272.5  127.8   72.3
//   covered (<= 120 m):  day: C2 (H4), C4 (H6); evening: C1..C4;
//   weekend: C1, C2, C4 (C3's nearest is H1 at 166.7); any_time: C1..C4.
#[test]
fn tiny_time_windows_by_hand() {
    let tmp = temp_dir();
    let (_, _, out) = run_tiny(
        tmp.path(),
        &catchment_fixture("facilities_hours.csv"),
        &fixture("tiny/communities.csv"),
        "1.2",
        &[],
    );
    let windows = ["weekday_daytime", "weekday_evening", "weekend", "any_time"];
    // (id, spot, counted, open per window, default outdoor m2, indoor m2)
    let facs = [
        ("H1", node(1), true, [false, true, true, true], 2000.0, 0.0),
        ("H2", node(7), true, [false, true, false, true], 2000.0, 0.0),
        ("H3", node(5), false, [false; 4], 2000.0, 0.0),
        (
            "H4",
            off_node(4, -0.0002),
            true,
            [true, false, false, true],
            0.0,
            500.0,
        ),
        ("H5", node(6), true, [false; 4], 300.0, 0.0),
        ("H6", off_node(5, -0.0002), true, [true; 4], 670.0, 0.0),
    ];
    let fac_fc = read_json(&out.join("facilities.geojson"));
    let fac = features_by_id(&fac_fc);
    for (id, _, counted, open, land, floor) in &facs {
        let p = props(fac[*id]);
        assert_eq!(p["counted"], Value::Bool(*counted), "{id} counted");
        for (w, o) in windows.iter().zip(open) {
            assert_eq!(p[&format!("open_{w}")], Value::Bool(*o), "{id} open_{w}");
        }
        assert_near(f64_prop(p, "sports_land_m2"), *land, 0.05, id);
        assert_near(f64_prop(p, "floor_area_m2"), *floor, 0.05, id);
    }

    let coms = tiny_communities();
    let pop: Vec<f64> = coms.iter().map(|c| c.1).collect();
    let spots: Vec<Spot> = facs.iter().map(|f| f.1).collect();
    let walks = walk_matrix(&coms, &spots);
    let fc = read_json(&out.join("communities.geojson"));
    // Plain coverage ignores hours: C3 sits on H5 (0 m).
    let counted: Vec<Spot> = facs.iter().filter(|f| f.2).map(|f| f.1).collect();
    check_any_m(&fc, &coms, &counted, 240.0);
    let by_id = features_by_id(&fc);
    let mut covered_pop = [0.0; 4];
    let mut covered_ids: Vec<Vec<&str>> = vec![Vec::new(); 4];
    for (wi, w) in windows.iter().enumerate() {
        let open: Vec<usize> = (0..facs.len()).filter(|&f| facs[f].3[wi]).collect();
        let supply: Vec<f64> = facs
            .iter()
            .enumerate()
            .map(|(f, x)| if open.contains(&f) { x.4 + x.5 } else { 0.0 })
            .collect();
        let sfca = two_step_by_hand(&supply, &pop, &walks, 120.0, &|_| 1.0);
        for (c, (id, p_c, _)) in coms.iter().enumerate() {
            let p = props(by_id[*id]);
            let nearest = open
                .iter()
                .filter_map(|&f| walks[c][f])
                .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))));
            let got = opt_f64_prop(p, &format!("window_{w}_m"));
            match (got, nearest) {
                (Some(g), Some(n)) => assert_near(g, n, 0.06, &format!("{id} window_{w}_m")),
                (None, None) => {}
                other => panic!("{id} window_{w}_m: {other:?}"),
            }
            let covered = nearest.is_some_and(|d| d <= 120.0);
            if let Some(d) = nearest {
                assert!((d - 120.0).abs() > 5.0, "{id} {w}: {d} too close to 120");
            }
            assert_eq!(
                p[&format!("window_{w}_covered")],
                Value::Bool(covered),
                "{id} window_{w}_covered"
            );
            assert_near(
                f64_prop(p, &format!("window_{w}_sfca_m2pp")),
                sfca[c],
                1e-3,
                &format!("{id} window_{w}_sfca_m2pp"),
            );
            if covered {
                covered_pop[wi] += p_c;
                covered_ids[wi].push(id);
            }
        }
    }
    assert_eq!(
        covered_ids,
        [
            vec!["C2", "C4"],
            vec!["C1", "C2", "C3", "C4"],
            vec!["C1", "C2", "C4"],
            vec!["C1", "C2", "C3", "C4"],
        ]
    );
    let rows = read_csv_rows(&out.join("units.csv"));
    let all = units_row(&rows, "all");
    for (w, pop) in windows.iter().zip(covered_pop) {
        assert_near(
            num(all, &format!("window_{w}_covered_share")),
            pop / 1500.0,
            6e-5,
            w,
        );
    }
    // Daytime 2SFCA by hand: H4 (500 m2 indoor) reaches only C2 -> 2.5;
    // H6 (670 m2) only C4 -> 1.675.
    assert_near(
        f64_prop(props(by_id["C2"]), "window_weekday_daytime_sfca_m2pp"),
        2.5,
        1e-4,
        "C2 daytime",
    );
    assert_near(
        f64_prop(props(by_id["C4"]), "window_weekday_daytime_sfca_m2pp"),
        1.675,
        1e-4,
        "C4 daytime",
    );
}

/// Opening hours that cannot be read are treated as unknown (always open)
/// and, per the catchment module, "reported": the run should say which
/// facility and what text, on stderr or stdout.
#[test]
fn tiny_unreadable_opening_hours_are_reported() {
    let tmp = temp_dir();
    let (stdout, stderr, _) = run_tiny(
        tmp.path(),
        &catchment_fixture("facilities_hours.csv"),
        &fixture("tiny/communities.csv"),
        "1.2",
        &[],
    );
    let all = format!("{stdout}\n{stderr}");
    assert!(
        all.lines()
            .any(|l| l.contains("H6") && l.contains("by appointment")),
        "no warning about H6's opening hours \"by appointment\":\n{all}"
    );
}

// ---------------------------------------------------------------------------
// 5. New communities
// ---------------------------------------------------------------------------

// communities_new.csv: the tiny positions with build years (new = built in
// or after 2019) and C4 with 4,000 people; C6 is a polygon community 334 m
// north of node 7 (unreachable). facilities_new.csv (outdoor / indoor m2):
//   N1 football_pitch node 1         600 / 0
//   N2 fitness_centre node 7           0 / 200
//   N3 playground 0.0002 S of node 4  300 / 0
//   N4 park 0.001 deg N of node 7: area 20000 -> sports land 2000
//   N5 sports_centre node 5, closed to the public (5000 indoor): excluded
//   N6 stadium junction 3, planned (10000): excluded
//   N7 fitness_station inside C6 (default 150), unreachable: counts for C6
// Sports area within 300 m (the bundled 5min tier) or inside the community:
//   C1 (100, 2020): N1 55.5, N2 166.9, N3 133.3, N4 166.9 + 111.2 = 278.1
//       -> 2900 / 100 = 29.0 outdoor, 200 / 100 = 2.0 indoor: meets
//   C4 (4000, 2019): N1 272.1, N2 272.5, N3 127.8; N4 383.7 is beyond
//       -> 900 / 4000 = 0.225, 200 / 4000 = 0.05: below both targets
//   C5 (500, 2021): unreachable, nothing inside: 0 / 0: below
//   C6 (300, 2022): N7 inside: 150 / 300 = 0.5: meets
//   C2 (no year), C3 (2018): not new.
#[test]
fn tiny_new_communities_by_hand() {
    let tmp = temp_dir();
    let (stdout, _, out) = run_tiny(
        tmp.path(),
        &catchment_fixture("facilities_new.csv"),
        &catchment_fixture("communities_new.csv"),
        "1.2",
        &[],
    );
    // (spot, outdoor sports land, indoor) of the facilities that count for area.
    let facs: [(Spot, f64, f64); 4] = [
        (node(1), 600.0, 0.0),
        (node(7), 0.0, 200.0),
        (off_node(4, -0.0002), 300.0, 0.0),
        (off_node(7, 0.001), 2000.0, 0.0),
    ];
    let fac_fc = read_json(&out.join("facilities.geojson"));
    let fac = features_by_id(&fac_fc);
    assert_near(
        f64_prop(props(fac["N4"]), "sports_land_m2"),
        2000.0,
        0.05,
        "park: 10 % of 20000",
    );
    assert_near(
        f64_prop(props(fac["N4"]), "snap_m"),
        sphere_m(0.001),
        0.06,
        "N4 snap",
    );
    assert_eq!(props(fac["N7"])["reachable"], Value::Bool(false));

    // (id, population, spot, new, area inside the community polygon)
    let coms = [
        ("C1", 100.0, Some(node(2)), true, (0.0, 0.0)),
        ("C2", 200.0, Some(node(3)), false, (0.0, 0.0)),
        ("C3", 300.0, Some(node(6)), false, (0.0, 0.0)),
        ("C4", 4000.0, Some(off_node(5, 0.00045)), true, (0.0, 0.0)),
        ("C5", 500.0, None, true, (0.0, 0.0)),
        ("C6", 300.0, None, true, (150.0, 0.0)),
    ];
    let fc = read_json(&out.join("communities.geojson"));
    let by_id = features_by_id(&fc);
    let mut below = 0;
    let mut new = 0;
    for (id, pop, spot, is_new, (inside_o, inside_i)) in coms {
        let p = props(by_id[id]);
        assert_eq!(p["new_community"], Value::Bool(is_new), "{id}");
        if !is_new {
            for k in ["new_outdoor_m2pp", "new_indoor_m2pp", "new_meets_target"] {
                assert!(p[k].is_null(), "{id} {k}: {}", p[k]);
            }
            continue;
        }
        new += 1;
        let (mut o, mut i) = (inside_o, inside_i);
        if let Some(c) = spot {
            for (f, land, floor) in facs {
                let d = walk(c, f);
                assert!((d - 300.0).abs() > 10.0, "{id}: walk {d} near 300 m");
                if d <= 300.0 {
                    o += land;
                    i += floor;
                }
            }
        }
        let (op, ip) = (o / pop, i / pop);
        let meets = op >= 0.3 || ip >= 0.1;
        if !meets {
            below += 1;
        }
        println!("{id}: {o} / {i} m2 over {pop} -> {op:.4} / {ip:.4}, meets {meets}");
        assert_near(f64_prop(p, "new_outdoor_m2pp"), op, 6e-5, id);
        assert_near(f64_prop(p, "new_indoor_m2pp"), ip, 6e-5, id);
        assert_eq!(p["new_meets_target"], Value::Bool(meets), "{id}");
    }
    // The hand table above.
    assert_eq!(f64_prop(props(by_id["C1"]), "new_outdoor_m2pp"), 29.0);
    assert_eq!(f64_prop(props(by_id["C4"]), "new_outdoor_m2pp"), 0.225);
    assert_eq!(props(by_id["C4"])["new_meets_target"], Value::Bool(false));
    assert_eq!(props(by_id["C6"])["new_meets_target"], Value::Bool(true));
    assert_eq!((new, below), (4, 2));

    let rows = read_csv_rows(&out.join("units.csv"));
    let all = units_row(&rows, "all");
    assert_eq!(num(all, "new_communities"), 4.0);
    assert_eq!(num(all, "new_communities_below_target"), 2.0);
    assert!(
        stdout.contains("new communities (built 2019 or later): 4, of which 2 below the target"),
        "{stdout}"
    );
}

// ---------------------------------------------------------------------------
// 6. No-network mode on the Xicheng bundle
// ---------------------------------------------------------------------------

/// Great-circle distance in metres between two (lon, lat) points.
fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((b[0] - a[0]).to_radians() / 2.0).sin().powi(2);
    2.0 * R_SPHERE * h.sqrt().asin()
}

fn point_of(feature: &Value) -> [f64; 2] {
    let c = &feature["geometry"]["coordinates"];
    assert_eq!(
        feature["geometry"]["type"], "Point",
        "{}",
        feature["properties"]["id"]
    );
    [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()]
}

// tests/fixtures/xicheng_venues/venues.csv is SYNTHETIC: six venues at
// positions picked inside Xicheng for this test (not real venues), in GCJ-02.
// The bundle has no street network: walks are straight lines x 1.3.
#[test]
fn xicheng_without_network_is_straight_line_x_1_3() {
    let tmp = temp_dir();
    let root = manifest_dir();
    let venues = "tests/fixtures/xicheng_venues/venues.csv";
    let out = tmp.path().join("xc");
    let stdout = run_ok(
        &root,
        &[
            "analyze",
            "--bundle",
            "xicheng",
            "--facilities",
            venues,
            "--facilities-crs",
            "gcj02",
            "--lang",
            "en",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    // The terminal follows --lang (zh by default for this Chinese bundle).
    assert!(stdout.contains("APPROXIMATE"), "{stdout}");
    assert!(
        stdout.to_lowercase().contains("straight line")
            || stdout.to_lowercase().contains("straight-line"),
        "{stdout}"
    );
    assert!(stdout.contains("789 with 1,106,214 people"), "{stdout}");

    // Venues: converted from GCJ-02 (a few hundred metres), all in the district.
    let input = read_csv_rows(&root.join(venues));
    let fac_fc = read_json(&out.join("facilities.geojson"));
    let fac = features_by_id(&fac_fc);
    assert_eq!(fac.len(), 6);
    let mut venue_pts = Vec::new();
    for row in &input {
        let f = fac[&row["id"]];
        let p = props(f);
        assert_eq!(p["unit"], "西城区", "{}: inside the district", row["id"]);
        assert_eq!(p["counted"], Value::Bool(true), "{}", row["id"]);
        let wgs = point_of(f);
        let shift = haversine_m([num(row, "lon"), num(row, "lat")], wgs);
        assert!(
            (300.0..800.0).contains(&shift),
            "{}: GCJ-02 -> WGS-84 shift {shift:.0} m",
            row["id"]
        );
        venue_pts.push(wgs);
    }

    // Communities: any_m = 1.3 x the straight line to the nearest venue.
    let fc = read_json(&out.join("communities.geojson"));
    assert_eq!(features(&fc).len(), 789);
    let mut total_pop = 0.0;
    let mut compared = 0;
    for f in features(&fc) {
        let p = props(f);
        assert_eq!(p["distance_method"], "straight_line_x1.3", "{}", p["id"]);
        assert_eq!(p["population_source"], "estimate_spread_total");
        total_pop += f64_prop(p, "population");
        let c = point_of(f);
        let want = 1.3
            * venue_pts
                .iter()
                .map(|v| haversine_m(c, *v))
                .fold(f64::INFINITY, f64::min);
        match opt_f64_prop(p, "any_m") {
            Some(got) => {
                assert_close_rel(got, want, 0.01, &format!("{} any_m", p["id"]));
                compared += 1;
            }
            None => assert!(
                want > 2000.0 * 0.99,
                "{}: any_m null at {want:.0} m",
                p["id"]
            ),
        }
        if (want - 1000.0).abs() > 15.0 {
            assert_eq!(
                p["any_covered"],
                Value::Bool(want <= 1000.0),
                "{}: {want:.0} m",
                p["id"]
            );
        }
    }
    assert!(compared > 300, "only {compared} communities within 2 km");
    // 1,106,214 / 789 = 1402.0456 each, written rounded to 0.01.
    assert!(
        (total_pop - 1_106_214.0).abs() <= 789.0 * 0.005,
        "{total_pop}"
    );

    // units.csv: the whole area and the district, both flagged approximate.
    let rows = read_csv_rows(&out.join("units.csv"));
    assert_eq!(rows.len(), 2, "{rows:?}");
    let all = units_row(&rows, "all");
    assert_eq!(num(all, "population"), 1_106_214.0);
    assert_eq!(num(all, "communities"), 789.0);
    let district = units_row(&rows, "西城区");
    assert_eq!(district["id"], "110102");
    assert!(num(district, "communities") >= 780.0, "{district:?}");
    for r in &rows {
        assert_eq!(r["distance_method"], "straight_line_x1.3");
    }

    // Isochrones without a network: discs of 1000 / 1.3 m; a target with
    // one venue is one disc (a polygon with slightly less area).
    let iso = read_json(&out.join("isochrones.geojson"));
    let r = 1000.0 / 1.3;
    let disc_km2 = std::f64::consts::PI * r * r / 1e6;
    for f in features(&iso) {
        let p = props(f);
        assert_eq!(p["distance_method"], "straight_line_x1.3");
        // The 15-minute band (bands 5, 10, 15 by default).
        if p["target"] == "football_pitch" && f64_prop(p, "minutes") == 15.0 {
            assert_close_rel(f64_prop(p, "area_km2"), disc_km2, 0.02, "one-venue disc");
        }
    }

    // --crs applies to the files given on the command line only: the
    // bundle's BD-09 communities and GCJ-02 district are read as before.
    let out2 = tmp.path().join("xc2");
    run_ok(
        &root,
        &[
            "analyze",
            "--bundle",
            "xicheng",
            "--facilities",
            venues,
            "--crs",
            "gcj02",
            "--lang",
            "en",
            "--quiet",
            "--out",
            out2.to_str().unwrap(),
        ],
    );
    for name in ["communities.geojson", "facilities.geojson", "units.csv"] {
        assert!(
            read_text(&out.join(name)) == read_text(&out2.join(name)),
            "{name}: --crs gcj02 differs from --facilities-crs gcj02"
        );
    }
}

// ---------------------------------------------------------------------------
// 7. Isochrones
// ---------------------------------------------------------------------------

/// Lon/lat of a point `x` metres east of node 1 and `y` metres north of
/// way 10 on the tiny network.
fn tiny_lonlat(x: f64, y: f64) -> geo::Point<f64> {
    geo::Point::new(
        24.94 + x / parallel_m(60.17, 1.0),
        60.17 + y / meridian_m(60.1705, 1.0),
    )
}

// facilities_area.csv at 120 m, --isochrones. Isochrone = everything within
// 40 m (straight line) of the network pieces reachable within 120 m:
//   F1 (node 1): way 10 from node 1 to 120 m east (junction 3 at 111.03, so
//      8.97 m past it) and 8.97 m up way 20.
//   F2 (node 7): all of way 20 (111.42 m) and 8.58 m both ways along way 10.
//   F3 (22.24 m S of node 4): 97.76 m left at node 4: all of 4-5, west to
//      junction 3 (55.51) and 42.25 m further west and up way 20.
// Points inside have >= 5 m to spare (arcs are 32-gons: 39.8 m inner radius),
// points outside are >= 45 m from every reached piece.
#[test]
fn tiny_isochrones_by_hand() {
    let tmp = temp_dir();
    let (_, _, out) = run_tiny(
        tmp.path(),
        &catchment_fixture("facilities_area.csv"),
        &fixture("tiny/communities.csv"),
        "1.2",
        // Cells of 1 m: the bands within 1.4 m of the exact buffer.
        &["--isochrones", "--cell", "1"],
    );
    let (dx, dy) = (dx(), dy());
    let j = 2.0 * dx; // junction 3
    let f1_end = 120.0 - j; // 8.97 m past junction 3
    let f2_end = 120.0 - 2.0 * dy; // 8.58 m
    let f3_end = 120.0 - sphere_m(0.0002) - dx; // 42.25 m
    let cases = [
        (
            "F1",
            vec![
                (0.0, 0.0),
                (dx, 0.0),
                (j + f1_end - 4.0, 0.0),
                (j, f1_end - 4.0),
                (-35.0, 0.0),
                (dx, -35.0),
                (j + f1_end + 35.0, 0.0),
            ],
            vec![
                (-45.0, 0.0),
                (dx, -45.0),
                (j + f1_end + 45.0, 0.0),
                (j, dy), // node 6: 46.7 m past the piece
                (3.0 * dx, 0.0),
            ],
        ),
        (
            "F2",
            vec![
                (j, 2.0 * dy),
                (j, dy),
                (j, 0.0),
                (j, 2.0 * dy + 35.0),
                (j - f2_end - 35.0, 0.0),
                (j + f2_end + 35.0, 0.0),
                (j + 35.0, dy),
            ],
            vec![
                (dx, 0.0), // node 2: 46.9 m past the piece
                (3.0 * dx, 0.0),
                (j, 2.0 * dy + 45.0),
                (j + 45.0, dy),
            ],
        ),
        (
            "F3",
            vec![
                (3.0 * dx, -sphere_m(0.0002)), // the playground itself
                (3.0 * dx, 0.0),
                (4.0 * dx, 0.0),
                (4.0 * dx + 35.0, 0.0),
                (j - f3_end + 4.0, 0.0),
                (j, f3_end - 4.0),
                (dx, 0.0), // node 2: 13.3 m past the piece
            ],
            vec![
                (3.0 * dx, -45.0),
                (j - f3_end - 45.0, 0.0),
                (j, f3_end + 45.0),
                (j, 2.0 * dy),
            ],
        ),
    ];

    let summary = read_csv_rows(&out.join("summary.csv"));
    let targets: Vec<&str> = summary
        .iter()
        .filter(|r| r["area"] == "all")
        .map(|r| r["target"].as_str())
        .collect();
    assert_eq!(
        targets,
        ["any", "football_pitch", "fitness_centre", "playground"]
    );
    let iso = read_json(&out.join("isochrones.geojson"));
    let feats = features(&iso);
    // 1.2 minutes is below every tier: one band per target, the limit.
    assert_eq!(feats.len(), 4 + 3, "4 bands + 3 facilities");
    for (f, t) in feats.iter().zip(&targets) {
        let p = props(f);
        assert_eq!(
            (p["kind"].as_str(), p["target"].as_str()),
            (Some("band"), Some(*t))
        );
        assert!(p["facility_id"].is_null());
        assert_eq!(f64_prop(p, "limit_m"), 120.0);
        assert_eq!(f64_prop(p, "buffer_m"), 40.0);
        assert_eq!(p["distance_method"], "network");
    }
    let union_any = geo_geometry(&feats[0]);
    let union_area = |t: &str| {
        let i = targets.iter().position(|x| *x == t).unwrap();
        f64_prop(props(&feats[i]), "area_km2")
    };
    let mut sum_area = 0.0;
    for ((id, inside, outside), (f, category)) in
        cases.iter().zip(
            feats[4..]
                .iter()
                .zip(["football_pitch", "fitness_centre", "playground"]),
        )
    {
        let p = props(f);
        assert_eq!(p["kind"], "facility");
        assert_eq!(p["facility_id"], *id);
        assert_eq!(p["target"], category);
        let g = geo_geometry(f);
        for &(x, y) in inside {
            let pt = tiny_lonlat(x, y);
            assert!(g.contains(&pt), "{id}: ({x:.1}, {y:.1}) m should be inside");
            assert!(union_any.contains(&pt), "any: ({x:.1}, {y:.1}) m");
        }
        for &(x, y) in outside {
            let pt = tiny_lonlat(x, y);
            assert!(
                !g.intersects(&pt),
                "{id}: ({x:.1}, {y:.1}) m should be outside"
            );
        }
        // One facility per category: its union is its own isochrone.
        let a = f64_prop(p, "area_km2");
        assert!(a > 0.0);
        assert_near(
            a,
            union_area(category),
            1e-4,
            &format!("{id} vs {category}"),
        );
        assert!(a <= union_area("any") + 1e-4, "{id}");
        sum_area += a;
    }
    assert!(union_area("any") <= sum_area + 1e-4);
}

/// The nearest point (lon/lat) and its distance (m) on a set of lon/lat
/// polylines, in an equirectangular projection around `p`.
fn nearest_on_lines(p: [f64; 2], lines: &[Vec<[f64; 2]>]) -> ([f64; 2], f64) {
    let kx = R_SPHERE * p[1].to_radians().cos() * std::f64::consts::PI / 180.0;
    let ky = R_SPHERE * std::f64::consts::PI / 180.0;
    let pr = |q: [f64; 2]| [(q[0] - p[0]) * kx, (q[1] - p[1]) * ky];
    let mut best = ([0.0, 0.0], f64::INFINITY);
    for l in lines {
        for w in l.windows(2) {
            let (a, b) = (pr(w[0]), pr(w[1]));
            let ab = [b[0] - a[0], b[1] - a[1]];
            let len2 = ab[0] * ab[0] + ab[1] * ab[1];
            let t = if len2 > 0.0 {
                (-(a[0] * ab[0] + a[1] * ab[1]) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let q = [a[0] + t * ab[0], a[1] + t * ab[1]];
            let d = (q[0] * q[0] + q[1] * q[1]).sqrt();
            if d < best.1 {
                best = ([p[0] + q[0] / kx, p[1] + q[1] / ky], d);
            }
        }
    }
    best
}

// Helsinki, 3-minute walk (200 m; the full 15 minutes takes too long in a
// debug build) with --isochrones and --network-geojson.
#[test]
fn helsinki_isochrones_match_summary_and_coverage() {
    let tmp = temp_dir();
    let out = tmp.path().join("iso");
    run_ok(
        &manifest_dir(),
        &[
            "analyze",
            "--bundle",
            "helsinki",
            "--minutes",
            "3",
            "--isochrones",
            // Bands within ~3 m of the exact buffer (the checks below
            // leave 10 m).
            "--cell",
            "5",
            "--network-geojson",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let summary = read_csv_rows(&out.join("summary.csv"));
    let targets: Vec<String> = summary
        .iter()
        .filter(|r| r["area"] == "all")
        .map(|r| r["target"].clone())
        .collect();
    assert!(targets.len() > 3, "{targets:?}");
    let iso = read_json(&out.join("isochrones.geojson"));
    let feats = features(&iso);

    // One band (3 minutes: below every tier) per summary target, in
    // order, then one per facility.
    let unions: Vec<&Value> = feats
        .iter()
        .filter(|f| f["properties"]["kind"] == "band")
        .collect();
    let per_fac: Vec<&Value> = feats
        .iter()
        .filter(|f| f["properties"]["kind"] == "facility")
        .collect();
    assert_eq!(unions.len() + per_fac.len(), feats.len());
    assert_eq!(
        unions
            .iter()
            .map(|f| f["properties"]["target"].as_str().unwrap())
            .collect::<Vec<_>>(),
        targets
    );
    let union_geo: HashMap<String, geo::Geometry<f64>> = unions
        .iter()
        .map(|f| {
            (
                f["properties"]["target"].as_str().unwrap().to_string(),
                geo_geometry(f),
            )
        })
        .collect();
    let union_area: HashMap<&str, f64> = unions
        .iter()
        .map(|f| {
            let p = props(f);
            (p["target"].as_str().unwrap(), f64_prop(p, "area_km2"))
        })
        .collect();
    for f in &unions {
        assert!(f64_prop(props(f), "area_km2") > 0.0);
        assert!(props(f)["facility_id"].is_null());
    }

    let fac_fc = read_json(&out.join("facilities.geojson"));
    let reachable: Vec<&Value> = features(&fac_fc)
        .iter()
        .filter(|f| {
            f["properties"]["counted"] == Value::Bool(true)
                && f["properties"]["reachable"] == Value::Bool(true)
        })
        .collect();
    assert_eq!(
        reachable.len() as f64,
        num(summary_row(&summary, "all", "any"), "facilities")
    );
    let want_ids: Vec<&str> = reachable
        .iter()
        .map(|f| f["properties"]["id"].as_str().unwrap())
        .collect();
    let got_ids: Vec<&str> = per_fac
        .iter()
        .map(|f| f["properties"]["facility_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        got_ids, want_ids,
        "one facility isochrone per counted, reachable facility"
    );

    let mut checked_facilities = 0;
    for (iso_f, fac_f) in per_fac.iter().zip(&reachable) {
        let p = props(iso_f);
        let fp = props(fac_f);
        let id = fp["id"].as_str().unwrap();
        let category = fp["category"].as_str().unwrap();
        assert_eq!(p["target"], category, "{id}");
        let a = f64_prop(p, "area_km2");
        assert!(a > 0.0, "{id}");
        // Bands are traced on a grid: within 1 % of the exact area.
        assert!(
            a <= union_area[category] * 1.01 + 1e-4,
            "{id}: {a} > {category} union"
        );
        assert!(
            a <= union_area["any"] * 1.01 + 1e-4,
            "{id}: {a} > any union"
        );
        // A facility within 30 m of the network (its nearest access point is
        // reached at 0 m of walking) lies inside the 40 m buffer.
        if f64_prop(fp, "snap_m") <= 30.0 {
            let g = geo_geometry(fac_f);
            let own = geo_geometry(iso_f);
            assert!(own.intersects(&g), "{id}: outside its own isochrone");
            assert!(
                union_geo[category].intersects(&g),
                "{id}: outside the {category} union"
            );
            assert!(
                union_geo["any"].intersects(&g),
                "{id}: outside the any union"
            );
            checked_facilities += 1;
        }
    }
    assert!(checked_facilities > 30, "{checked_facilities}");

    // Covered communities: the point where the community meets the network
    // (the nearest point of a main-component edge to its centroid; the
    // bundle uses access = "centroid") is walked within the limit, so it is
    // inside the union of every target the community is covered for.
    let net = read_json(&out.join("network.geojson"));
    let lines: Vec<Vec<[f64; 2]>> = features(&net)
        .iter()
        .filter(|f| f["properties"]["component_nodes"].as_u64().unwrap() >= 50)
        .map(|f| {
            f["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()])
                .collect()
        })
        .collect();
    let fc = read_json(&out.join("communities.geojson"));
    let mut checked = 0;
    for f in features(&fc) {
        let p = props(f);
        let covered: Vec<&String> = targets
            .iter()
            .filter(|t| p[&format!("{t}_covered")] == Value::Bool(true))
            .collect();
        if covered.is_empty() {
            continue;
        }
        let c = geo::Centroid::centroid(&geo_geometry(f)).unwrap();
        let (q, d) = nearest_on_lines([c.x(), c.y()], &lines);
        let snap = f64_prop(p, "snap_m");
        assert_near(d, snap, 0.5, &format!("{}: nearest network point", p["id"]));
        let q = geo::Point::new(q[0], q[1]);
        for t in covered {
            assert!(
                union_geo[t.as_str()].intersects(&q),
                "{}: covered for {t} but its network point is outside the {t} union",
                p["id"]
            );
            checked += 1;
        }
    }
    println!(
        "{checked_facilities} facilities and {checked} covered community-target pairs checked"
    );
    assert!(
        checked >= 10,
        "only {checked} community-target pairs checked"
    );
}

// ---------------------------------------------------------------------------
// 8. Determinism
// ---------------------------------------------------------------------------

// Porto Alegre (1,227 hexagons, 194 schools) with per-facility isochrones at
// a 4-minute walk (the full 15 minutes takes minutes in a debug build).
#[test]
fn porto_alegre_catchment_outputs_identical_for_any_thread_count() {
    let tmp = temp_dir();
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("t{threads}"));
        run_ok(
            &manifest_dir(),
            &[
                "analyze",
                "--bundle",
                "porto-alegre",
                "--minutes",
                "4",
                "--isochrones",
                "--threads",
                threads,
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        outs.push(out);
    }
    for name in [
        "units.csv",
        "isochrones.geojson",
        "communities.geojson",
        "facilities.geojson",
        "summary.csv",
    ] {
        let (a, b) = (
            std::fs::read(outs[0].join(name)).unwrap(),
            std::fs::read(outs[1].join(name)).unwrap(),
        );
        assert!(a == b, "{name} differs between --threads 1 and --threads 2");
    }
    let iso = read_json(&outs[0].join("isochrones.geojson"));
    let kinds: BTreeSet<(String, usize)> = {
        let mut n: HashMap<String, usize> = HashMap::new();
        for f in features(&iso) {
            *n.entry(f["properties"]["kind"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        n.into_iter().collect()
    };
    assert_eq!(
        kinds,
        [("band".to_string(), 2), ("facility".to_string(), 194)]
            .into_iter()
            .collect()
    );
}
