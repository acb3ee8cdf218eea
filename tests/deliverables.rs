//! Issue 16, items 4 and 6 (sites and GIS deliverables), each checked by
//! running the binary on the tiny hand-computed network or the Xicheng
//! bundle:
//!
//! * sites: candidate names kept; coordinates in the output CRS plus WGS-84
//!   columns; the unit and the names of newly covered communities;
//!   `--planned-as-built`; `--tier auto`; the "fewer sites" message tells
//!   how many people remain uncovered; siting without any facility warns;
//! * GIS: each GeoJSON's layer name (`name`) is its file stem (the GCJ-02
//!   copy `<stem>_gcj02`), and a rerun removes the companions (.fgb,
//!   .gcj02) an earlier run wrote.
//!
//! The tiny network (tests/fixtures/tiny, drawing in its network.osm;
//! `--minutes 1.2 --speed 6`: a 120 m walk) with
//! tests/fixtures/gaps/planned_facilities.csv: the existing pitch F1 on node
//! 1 covers C1 (100 people, 55 m) and C2 (200, 111 m): 300 of 1500; the
//! planned cage pitch P1 on node 5 would add C4 (400, 50 m).

mod common;

use std::path::Path;

use common::{fixture, num, read_csv_rows, read_json, run_fitcircle, run_ok, temp_dir};
use serde_json::Value;

fn path_str(p: &Path) -> String {
    p.to_str().expect("UTF-8 path").to_string()
}

/// `sites` on the tiny network with the planned facilities and `extra`.
fn tiny_sites(dir: &Path, extra: &[&str]) -> String {
    let tiny = fixture("tiny");
    let mut args: Vec<String> = [
        "sites",
        "--config",
        &path_str(&tiny.join("fitcircle.toml")),
        "--network",
        &path_str(&tiny.join("network.osm")),
        "--communities",
        &path_str(&tiny.join("communities.csv")),
        "--facilities",
        &path_str(&fixture("gaps/planned_facilities.csv")),
        "--minutes",
        "1.2",
        "--speed",
        "6",
        "--category",
        "football_pitch",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(dir, &args)
}

/// One candidate plot on node 5, with a Chinese name: kept in sites.csv,
/// sites.geojson and on stdout. It covers C4 only; asked for three, the
/// run says 800 people remain (1500 - 300 - 400).
#[test]
fn candidate_names_kept_and_fewer_sites_explained() {
    let tmp = temp_dir();
    let cands = tmp.path().join("plots.csv");
    std::fs::write(
        &cands,
        "id,name,lon,lat\nA-7,原第三纺织厂地块,24.9440,60.1700\n",
    )
    .unwrap();
    let stdout = tiny_sites(
        tmp.path(),
        &[
            "--candidates",
            &path_str(&cands),
            "--count",
            "3",
            "--out",
            "s",
        ],
    );
    let rows = read_csv_rows(&tmp.path().join("s/sites.csv"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["site_id"], "A-7");
    assert_eq!(rows[0]["site_name"], "原第三纺织厂地块");
    assert_eq!(rows[0]["communities"], "C4");
    assert_eq!(rows[0]["community_names"], "50 m north of node 5");
    assert_eq!(num(&rows[0], "newly_covered_population"), 400.0);
    assert_eq!(rows[0]["crs"], "wgs84");
    assert_eq!(rows[0]["lon"], rows[0]["lon_wgs84"]);
    assert!(stdout.contains("A-7 原第三纺织厂地块"), "{stdout}");
    assert!(
        stdout.contains("(only 1 sites add anyone: 800 people remain uncovered"),
        "{stdout}"
    );
    assert!(!stdout.contains("every resident"), "{stdout}");
    let fc = read_json(&tmp.path().join("s/sites.geojson"));
    assert_eq!(fc["name"], "sites");
    let p = &fc["features"][0]["properties"];
    assert_eq!(p["site_name"], "原第三纺织厂地块");
    assert_eq!(p["community_names"], "50 m north of node 5");
}

/// `--planned-as-built`: P1 counts, so C4 is covered before (300 + 400).
#[test]
fn planned_as_built_counts_planned_venues() {
    let tmp = temp_dir();
    tiny_sites(tmp.path(), &["--out", "now"]);
    let stdout = tiny_sites(tmp.path(), &["--planned-as-built", "--out", "built"]);
    let now = read_json(&tmp.path().join("now/sites.geojson"));
    let built = read_json(&tmp.path().join("built/sites.geojson"));
    assert_eq!(now["fitcircle"]["covered_population_before"], 300.0);
    assert_eq!(built["fitcircle"]["covered_population_before"], 700.0);
    assert_eq!(built["fitcircle"]["planned_as_built"], true);
    assert!(
        stdout.contains("covered now (planned counted as built): 700 of 1500"),
        "{stdout}"
    );
    // Nobody the planned pitch covers is a site's new resident.
    for r in read_csv_rows(&tmp.path().join("built/sites.csv")) {
        assert!(!r["communities"].split(';').any(|c| c == "C4"), "{r:?}");
    }
}

/// `--tier auto`: basketball courts are a 5-minute requirement (300 m).
#[test]
fn tier_auto_takes_the_nearest_tier_of_the_category() {
    let tmp = temp_dir();
    let tiny = fixture("tiny");
    run_ok(
        tmp.path(),
        &[
            "sites",
            "--config",
            &path_str(&tiny.join("fitcircle.toml")),
            "--network",
            &path_str(&tiny.join("network.osm")),
            "--communities",
            &path_str(&tiny.join("communities.csv")),
            "--facilities",
            &path_str(&tiny.join("facilities.csv")),
            "--category",
            "basketball_court",
            "--tier",
            "auto",
            "--out",
            "s",
            "--quiet",
        ],
    );
    let fc = read_json(&tmp.path().join("s/sites.geojson"));
    assert_eq!(fc["features"][0]["properties"]["walk_m"], 300.0);
}

/// Xicheng without venues: a warning that this is siting from scratch;
/// `--output-crs gcj02` gives GCJ-02 `lon`/`lat` (what AMap expects, about
/// 500 m from WGS-84 in Beijing) with the WGS-84 beside them; each site
/// names its unit (the district) and its communities.
#[test]
fn xicheng_sites_in_gcj02_with_units_and_a_from_scratch_warning() {
    let tmp = temp_dir();
    let out = run_fitcircle(
        tmp.path(),
        &[
            "sites",
            "--bundle",
            "xicheng",
            "--category",
            "football_pitch",
            "--count",
            "2",
            "--output-crs",
            "gcj02",
            "--lang",
            "en",
            "--out",
            "s",
        ],
    );
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no sports facilities loaded") && stderr.contains("from scratch"),
        "{stderr}"
    );
    let rows = read_csv_rows(&tmp.path().join("s/sites.csv"));
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert_eq!(r["crs"], "gcj02");
        let (lon, lat) = (num(r, "lon_wgs84"), num(r, "lat_wgs84"));
        let (glon, glat) = fitcircle::crs::wgs84_to_gcj02(lon, lat);
        assert!((num(r, "lon") - glon).abs() < 1e-6, "{r:?}");
        assert!((num(r, "lat") - glat).abs() < 1e-6, "{r:?}");
        let dx = (num(r, "lon") - lon) * 111_320.0 * lat.to_radians().cos();
        let dy = (num(r, "lat") - lat) * 110_574.0;
        let shift = dx.hypot(dy);
        assert!((300.0..800.0).contains(&shift), "shift {shift} m");
        assert!(!r["unit"].is_empty(), "{r:?}");
        let ids = r["communities"].split(';').count();
        let names = r["community_names"].split(';').count();
        assert_eq!(ids, names);
        assert!(ids > 0);
    }
    // The GCJ-02 copy of sites.geojson has a layer name of its own.
    let g = read_json(&tmp.path().join("s/sites.gcj02.geojson"));
    assert_eq!(g["name"], "sites_gcj02");
}

/// Layer names are the file stems, and a rerun without `--format fgb
/// --output-crs gcj02` removes the companions of the first run.
#[test]
fn layer_names_and_stale_companions() {
    let tmp = temp_dir();
    let tiny = fixture("tiny");
    let base = |out: &'static str, extra: &[&'static str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "analyze",
            "--config",
            &path_str(&tiny.join("fitcircle.toml")),
            "--network",
            &path_str(&tiny.join("network.osm")),
            "--communities",
            &path_str(&tiny.join("communities.csv")),
            "--facilities",
            &path_str(&tiny.join("facilities.csv")),
            "--out",
            out,
            "--quiet",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let first = base("o", &["--format", "fgb", "--output-crs", "gcj02"]);
    run_ok(
        tmp.path(),
        &first.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let dir = tmp.path().join("o");
    let mut stems = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".geojson") {
            let v: Value = read_json(&dir.join(&name));
            assert_eq!(v["name"], stem.replace('.', "_"), "{name}");
            stems.push(stem.to_string());
        }
    }
    assert!(stems.iter().any(|s| s == "communities.gcj02"), "{stems:?}");
    assert!(dir.join("communities.fgb").exists());
    let second = base("o", &[]);
    run_ok(
        tmp.path(),
        &second.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".fgb") && !name.contains(".gcj02."),
            "stale companion {name} left by the first run"
        );
    }
    assert!(dir.join("communities.geojson").exists());
}
