//! The Xicheng bundle (`data/xicheng/`): 791 Lianjia residential community
//! rows (789 distinct: two rows repeat an earlier row exactly and are dropped
//! with a warning) in BD-09 and the Xicheng district polygon in GCJ-02 (see SOURCES.md).
//!
//! Checks that the bundle loads through the library with the population spread
//! as an estimate, that converting both inputs to WGS-84 puts (nearly) every
//! community inside the district, that leaving the CRS unconverted does not
//! (negative control), that the BD-09 -> WGS-84 shift has the expected size,
//! and that the CLI refuses the bundle (no network, no facilities) cleanly.
//!
//! The CRS tests read the community points with `input::table::read_table`, the
//! reader `input::load` uses, which converts to WGS-84 but does not check that
//! ids are unique: they measure the coordinates only, independent of the
//! population and id rules that `bundle_loads_*` and the CLI test cover.

use std::path::{Path, PathBuf};
use std::process::Command;

use fitcircle::config::Config;
use fitcircle::crs::{Crs, bd09_to_gcj02};
use fitcircle::input::table::read_table;
use fitcircle::input::{Inputs, load};
use fitcircle::model::PopulationSource;
use geo::{Contains, CoordsIter, Geometry, MultiPolygon, Point};

/// Rows in the file, and distinct communities after exact repeats are dropped.
const ROWS: usize = 791;
const COMMUNITIES: usize = 789;
const POPULATION: f64 = 1_106_214.0;

fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn config_path() -> PathBuf {
    crate_root().join("data/xicheng/fitcircle.toml")
}

fn read_config() -> Config {
    let path = config_path();
    Config::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load_inputs(cfg: &Config) -> Inputs {
    load(cfg).unwrap_or_else(|e| panic!("loading the xicheng bundle: {e}"))
}

/// Great-circle distance in metres between two `(lon, lat)` points (mean Earth radius).
fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    const R: f64 = 6_371_008.8;
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().asin()
}

/// The single district polygon of loaded inputs.
fn district(inputs: &Inputs) -> &MultiPolygon<f64> {
    assert_eq!(
        inputs.units.len(),
        1,
        "the bundle has one unit, the district"
    );
    &inputs.units[0].geometry
}

/// The community points as the config's CRS setting reads them (converted to WGS-84
/// unless `crs` is unset), straight from the table reader.
fn community_points(cfg: &Config) -> Vec<Point<f64>> {
    let spec = cfg.communities.as_ref().expect("bundle has communities");
    let table = read_table(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.path.display()));
    let pts: Vec<Point<f64>> = table
        .records
        .iter()
        .map(|r| match &r.geometry {
            Some(Geometry::Point(p)) => *p,
            other => panic!("{}: not a point: {other:?}", r.location),
        })
        .collect();
    assert_eq!(pts.len(), COMMUNITIES);
    assert_eq!(table.warnings.len(), 1, "{:?}", table.warnings);
    assert!(
        table.warnings[0].contains(&format!(
            "{} rows repeat an earlier row",
            ROWS - COMMUNITIES
        )),
        "{:?}",
        table.warnings
    );
    pts
}

/// The district polygon as the config's CRS setting loads it (units only).
fn district_polygon(cfg: &Config) -> MultiPolygon<f64> {
    let mut units_only = cfg.clone();
    units_only.communities = None;
    units_only.population = None;
    district(&load_inputs(&units_only)).clone()
}

/// Count and share of the points strictly inside the polygon.
fn share_inside(pts: &[Point<f64>], poly: &MultiPolygon<f64>) -> (usize, f64) {
    let inside = pts.iter().filter(|p| poly.contains(*p)).count();
    (inside, inside as f64 / pts.len() as f64)
}

#[test]
fn bundle_loads_with_estimated_population_and_wgs84_district() {
    let cfg = read_config();
    let inputs = load_inputs(&cfg);

    assert_eq!(inputs.communities.len(), COMMUNITIES);
    for c in &inputs.communities {
        assert_eq!(
            c.population_source,
            PopulationSource::Estimate,
            "community {:?} ({}) should carry an estimated population",
            c.id,
            c.name
        );
        assert!(c.population > 0.0, "community {:?} has no population", c.id);
    }
    let total: f64 = inputs.communities.iter().map(|c| c.population).sum();
    assert!(
        ((total - POPULATION) / POPULATION).abs() < 1e-6,
        "total population {total}, expected {POPULATION}"
    );
    assert!(
        inputs.notes.iter().any(|n| n.contains("ESTIMATE")),
        "the notes should say the population is an estimate: {:?}",
        inputs.notes
    );

    // The one unit is the district.
    let poly = district(&inputs);
    let unit = &inputs.units[0];
    assert_eq!(unit.id, "110102");
    assert_eq!(unit.name, "西城区");

    // ...converted from GCJ-02 to WGS-84: vertex for vertex, it is the GCJ-02 -> WGS-84
    // inverse of the file's coordinates, a few hundred metres away from them.
    let mut raw_cfg = cfg.clone();
    raw_cfg.units.as_mut().expect("bundle has units").crs = None;
    let raw_poly = &district_polygon(&raw_cfg);
    assert_eq!(poly.coords_count(), raw_poly.coords_count());
    assert!(poly.coords_count() >= 400, "the polygon has ~408 vertices");
    let mut max_shift: f64 = 0.0;
    let mut min_shift = f64::INFINITY;
    for (w, g) in poly.coords_iter().zip(raw_poly.coords_iter()) {
        let want = Crs::Gcj02.to_wgs84(g.x, g.y);
        assert!(
            haversine_m((w.x, w.y), want) < 0.01,
            "vertex {w:?} is not the WGS-84 form {want:?} of GCJ-02 {g:?}"
        );
        let shift = haversine_m((w.x, w.y), (g.x, g.y));
        max_shift = max_shift.max(shift);
        min_shift = min_shift.min(shift);
    }
    println!("district GCJ-02 -> WGS-84 vertex shift: {min_shift:.1} .. {max_shift:.1} m");
    assert!(
        min_shift > 300.0 && max_shift < 800.0,
        "GCJ-02 offset in Beijing is a few hundred metres; got {min_shift:.1} .. {max_shift:.1} m"
    );
}

#[test]
fn converted_communities_lie_inside_converted_district() {
    let cfg = read_config();
    let (inside, share) = share_inside(&community_points(&cfg), &district_polygon(&cfg));
    println!(
        "converted (BD-09 -> WGS-84 points, GCJ-02 -> WGS-84 polygon): {inside}/{COMMUNITIES} \
         = {:.1} % inside",
        share * 100.0
    );
    assert!(
        share >= 0.99,
        "only {inside}/{COMMUNITIES} ({:.1} %) communities inside the district",
        share * 100.0
    );
}

#[test]
fn unconverted_crs_puts_communities_outside_district() {
    let cfg = read_config();

    // (a) Neither converted: BD-09 points against the GCJ-02 polygon.
    let mut neither = cfg.clone();
    neither
        .communities
        .as_mut()
        .expect("bundle has communities")
        .crs = None;
    neither.units.as_mut().expect("bundle has units").crs = None;
    let (inside_a, share_a) =
        share_inside(&community_points(&neither), &district_polygon(&neither));
    println!(
        "(a) neither converted (BD-09 points vs GCJ-02 polygon): {inside_a}/{COMMUNITIES} \
         = {:.1} % inside",
        share_a * 100.0
    );

    // (b) Communities left in BD-09, polygon converted to WGS-84: the realistic mistake.
    let mut points_raw = cfg.clone();
    points_raw
        .communities
        .as_mut()
        .expect("bundle has communities")
        .crs = None;
    let (inside_b, share_b) = share_inside(
        &community_points(&points_raw),
        &district_polygon(&points_raw),
    );
    println!(
        "(b) communities unconverted, polygon converted (BD-09 points vs WGS-84 polygon): \
         {inside_b}/{COMMUNITIES} = {:.1} % inside",
        share_b * 100.0
    );

    // (c) Communities converted, polygon left in GCJ-02.
    let mut poly_raw = cfg.clone();
    poly_raw.units.as_mut().expect("bundle has units").crs = None;
    let (inside_c, share_c) =
        share_inside(&community_points(&poly_raw), &district_polygon(&poly_raw));
    println!(
        "(c) communities converted, polygon unconverted (WGS-84 points vs GCJ-02 polygon): \
         {inside_c}/{COMMUNITIES} = {:.1} % inside",
        share_c * 100.0
    );

    for (what, inside, share) in [
        ("(a) neither converted", inside_a, share_a),
        ("(b) communities unconverted", inside_b, share_b),
        ("(c) polygon unconverted", inside_c, share_c),
    ] {
        assert!(
            share < 0.99,
            "{what}: {inside}/{COMMUNITIES} ({:.1} %) inside; without the CRS step the share \
             should drop below 99 %",
            share * 100.0
        );
    }
    // (b) compounds the GCJ-02 and BD-09 offsets, so it must be worse than (a), which
    // only misses the BD-09 -> GCJ-02 step (SOURCES.md: 713/791 = 90.1 %).
    assert!(
        inside_b < inside_a,
        "(b) {inside_b} should be below (a) {inside_a}"
    );
}

/// Mean, min and max of the haversine distances between paired points, metres.
fn shift_stats(from: &[(f64, f64)], to: &[(f64, f64)]) -> (f64, f64, f64) {
    assert_eq!(from.len(), to.len());
    let d: Vec<f64> = from
        .iter()
        .zip(to)
        .map(|(a, b)| haversine_m(*a, *b))
        .collect();
    let mean = d.iter().sum::<f64>() / d.len() as f64;
    let min = d.iter().copied().fold(f64::INFINITY, f64::min);
    let max = d.iter().copied().fold(0.0, f64::max);
    (mean, min, max)
}

/// BD-09 -> WGS-84 in Beijing is two offsets that point roughly the same way (north-east):
/// GCJ-02 -> WGS-84 about 550 m (mostly east; SOURCES.md measured 540 m on a district vertex)
/// and BD-09 -> GCJ-02 about 860 m (its +0.0065 deg lon / +0.006 deg lat shift). The total is
/// about 1.35 km: e.g. WGS-84 (116.404, 39.915) -> BD-09 (116.4166, 39.9222), per the
/// wandergis/coordtransform vectors in src/crs.rs, is 1.37 km. The bounds below bracket each
/// step and the total; a missing or doubled step falls outside them.
#[test]
fn bd09_to_wgs84_shift_has_the_expected_size() {
    let cfg = read_config();
    let converted = community_points(&cfg);
    let mut raw_cfg = cfg.clone();
    raw_cfg
        .communities
        .as_mut()
        .expect("bundle has communities")
        .crs = None;
    let raw = community_points(&raw_cfg);
    assert_eq!(converted.len(), raw.len());

    let bd: Vec<(f64, f64)> = raw.iter().map(|p| (p.x(), p.y())).collect();
    let wgs: Vec<(f64, f64)> = converted.iter().map(|p| (p.x(), p.y())).collect();
    let gcj: Vec<(f64, f64)> = bd.iter().map(|&(x, y)| bd09_to_gcj02(x, y)).collect();

    let (mean, min, max) = shift_stats(&bd, &wgs);
    let (mean_bg, _, _) = shift_stats(&bd, &gcj);
    let (mean_gw, _, _) = shift_stats(&gcj, &wgs);
    println!(
        "BD-09 -> WGS-84 community shift: mean {mean:.1} m (min {min:.1}, max {max:.1}); \
         steps: BD-09 -> GCJ-02 mean {mean_bg:.1} m, GCJ-02 -> WGS-84 mean {mean_gw:.1} m"
    );
    assert!(
        (1200.0..=1500.0).contains(&mean),
        "mean BD-09 -> WGS-84 shift {mean:.1} m is outside 1200..1500 m"
    );
    assert!(
        (700.0..=1000.0).contains(&mean_bg),
        "mean BD-09 -> GCJ-02 shift {mean_bg:.1} m is outside 700..1000 m"
    );
    assert!(
        (400.0..=700.0).contains(&mean_gw),
        "mean GCJ-02 -> WGS-84 shift {mean_gw:.1} m is outside 400..700 m"
    );
    // Each converted point also matches the library's point conversion of the raw point.
    for (b, w) in bd.iter().zip(&wgs) {
        let want = Crs::Bd09.to_wgs84(b.0, b.1);
        assert!(
            haversine_m(*w, want) < 0.01,
            "{b:?} -> {w:?}, want {want:?}"
        );
    }
}

#[test]
fn cli_refuses_the_bundle_and_says_what_is_missing() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let out = tmp.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_fitcircle"))
        .current_dir(crate_root())
        .args(["analyze", "--bundle", "xicheng", "--out"])
        .arg(&out)
        .output()
        .expect("running fitcircle");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!(
        "exit: {:?}\nstderr:\n{stderr}\nstdout:\n{stdout}",
        output.status.code()
    );

    assert!(!stderr.contains("panicked"), "the CLI panicked:\n{stderr}");
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit code 2; stderr:\n{stderr}"
    );
    let lower = stderr.to_lowercase();
    assert!(
        lower.contains("street network"),
        "stderr should say the street network is missing:\n{stderr}"
    );
    assert!(
        lower.contains("facilities"),
        "stderr should say the facilities are missing:\n{stderr}"
    );
    assert!(
        stderr.contains("ESTIMATE"),
        "stderr should say the population is an ESTIMATE:\n{stderr}"
    );
    assert!(
        stderr.contains("789 communities"),
        "stderr should report 789 communities:\n{stderr}"
    );

    // Nothing written: the out folder is absent (or at least empty), and so is the temp folder.
    if out.exists() {
        let entries: Vec<_> = std::fs::read_dir(&out)
            .expect("reading out folder")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        assert!(entries.is_empty(), "partial output written: {entries:?}");
    }
    let stray: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("reading temp folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p != &out)
        .collect();
    assert!(stray.is_empty(), "stray files written: {stray:?}");
}
