//! Output options of `analyze` and `sites`, run through the binary:
//!
//! - `--output-crs gcj02|bd09`: extra `<name>.<crs>.geojson` files whose
//!   coordinates are the WGS-84 ones converted with `fitcircle::crs` (a few
//!   hundred metres off in Beijing, round trip back to WGS-84), with the
//!   `fitcircle_crs` member; identity outside China for GCJ-02;
//! - CSV files start with a UTF-8 byte-order mark by default (Excel), not
//!   with `--csv-bom false`; input CSVs with a BOM read like those without;
//! - `--json`: stdout is one JSON document whose figures match summary.csv;
//! - every subcommand's `--help` has an `Examples:` section;
//! - no progress spinner output when stderr is not a terminal;
//! - `--font` errors name the file.

mod common;

use std::path::Path;

use common::*;
use fitcircle::crs::Crs;
use serde_json::Value;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn xicheng_args<'a>(venues: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "analyze",
        "--bundle",
        "xicheng",
        "--facilities",
        venues,
        "--facilities-crs",
        "gcj02",
        "--out",
        out,
        "--quiet",
    ];
    v.extend_from_slice(extra);
    v
}

fn venues() -> String {
    fixture("xicheng_venues/venues.csv")
        .to_str()
        .unwrap()
        .to_string()
}

/// Every [lon, lat] position of a geometry, in order.
fn positions(g: &Value, out: &mut Vec<[f64; 2]>) {
    match g {
        Value::Array(a) if a.len() == 2 && a.iter().all(Value::is_number) => {
            out.push([a[0].as_f64().unwrap(), a[1].as_f64().unwrap()]);
        }
        Value::Array(a) => a.iter().for_each(|x| positions(x, out)),
        Value::Object(o) => {
            if let Some(c) = o.get("coordinates") {
                positions(c, out);
            }
            if let Some(Value::Array(gs)) = o.get("geometries") {
                gs.iter().for_each(|x| positions(x, out));
            }
        }
        _ => {}
    }
}

fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    const R: f64 = 6_371_008.8;
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((b[0] - a[0]).to_radians() / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().asin()
}

/// Compare `<stem>.geojson` with `<stem>.<tag>.geojson`: same features and
/// properties; every position converted from WGS-84 by `crs`, shifted by
/// `min_m..max_m` metres, and back to WGS-84 within 3 cm. Returns the
/// number of positions compared.
fn check_converted(
    dir: &Path,
    stem: &str,
    crs: Crs,
    tag: &str,
    label: &str,
    min_m: f64,
    max_m: f64,
) -> usize {
    let wgs = read_json(&dir.join(format!("{stem}.geojson")));
    let conv = read_json(&dir.join(format!("{stem}.{tag}.geojson")));
    assert!(wgs.get("fitcircle_crs").is_none(), "WGS-84 {stem} marked");
    assert_eq!(conv["fitcircle_crs"], label, "{stem}.{tag}");
    let note = conv["fitcircle_crs_note"].as_str().expect("a note");
    assert!(note.contains("NOT the WGS-84"), "{note}");
    assert_eq!(conv["fitcircle"], wgs["fitcircle"], "{stem}: members kept");
    let (fw, fc) = (features(&wgs), features(&conv));
    assert_eq!(fw.len(), fc.len(), "{stem}: feature count");
    assert!(!fw.is_empty());
    let mut n = 0;
    for (i, (a, b)) in fw.iter().zip(fc).enumerate() {
        assert_eq!(a["properties"], b["properties"], "{stem} feature {i}");
        let (mut pa, mut pb) = (Vec::new(), Vec::new());
        positions(&a["geometry"], &mut pa);
        positions(&b["geometry"], &mut pb);
        assert_eq!(pa.len(), pb.len(), "{stem} feature {i}: positions");
        for (p, q) in pa.iter().zip(&pb) {
            let (x, y) = crs.from_wgs84(p[0], p[1]);
            assert!(
                (x - q[0]).abs() < 2e-7 && (y - q[1]).abs() < 2e-7,
                "{stem} feature {i}: {p:?} -> {q:?}, expected [{x}, {y}]"
            );
            let d = haversine_m(*p, *q);
            assert!(
                (min_m..=max_m).contains(&d),
                "{stem} feature {i}: shifted {d:.1} m, expected {min_m}..{max_m}"
            );
            let (bx, by) = crs.to_wgs84(q[0], q[1]);
            assert!(
                haversine_m([bx, by], *p) < 0.03,
                "{stem} feature {i}: round trip {p:?} -> {q:?} -> [{bx}, {by}]"
            );
            n += 1;
        }
    }
    n
}

#[test]
fn gcj02_and_bd09_copies_in_beijing() {
    let v = venues();
    for (crs, tag, label, min_m, max_m) in [
        // GCJ-02 is about 550 m off in Beijing; BD-09 adds about 860 m more.
        (Crs::Gcj02, "gcj02", "GCJ-02", 300.0, 800.0),
        (Crs::Bd09, "bd09", "BD-09", 900.0, 1800.0),
    ] {
        let tmp = temp_dir();
        run_ok(tmp.path(), &xicheng_args(&v, "out", &["--output-crs", tag]));
        let out = tmp.path().join("out");
        let points = check_converted(&out, "communities", crs, tag, label, min_m, max_m);
        assert_eq!(points, 789, "one point per community");
        check_converted(&out, "facilities", crs, tag, label, min_m, max_m);
        let ring = check_converted(&out, "units", crs, tag, label, min_m, max_m);
        assert!(ring > 100, "the district polygon: {ring} positions");
        for stem in ["isochrones", "gaps"] {
            assert!(out.join(format!("{stem}.{tag}.geojson")).is_file());
        }
        // Only the asked-for CRS; no FlatGeobuf unless asked.
        let other = if tag == "gcj02" { "bd09" } else { "gcj02" };
        assert!(!out.join(format!("communities.{other}.geojson")).exists());
        assert!(!out.join("communities.fgb").exists());
    }
}

#[test]
fn gcj02_is_identity_outside_china() {
    let tmp = temp_dir();
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--out",
            "out",
            "--quiet",
            "--output-crs",
            "gcj02",
        ],
    );
    let out = tmp.path().join("out");
    let n = check_converted(&out, "communities", Crs::Gcj02, "gcj02", "GCJ-02", 0.0, 0.0);
    assert!(n > 36);
    // And the run says so.
    let stdout = run_ok(
        tmp.path(),
        &[
            "analyze",
            "--out",
            "out2",
            "--json",
            "--output-crs",
            "gcj02",
        ],
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("outside mainland China")),
        "{}",
        v["warnings"]
    );
}

#[test]
fn unknown_output_crs_is_refused() {
    let tmp = temp_dir();
    let out = run_fitcircle(
        tmp.path(),
        &["analyze", "--output-crs", "mars", "--out", "o"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--output-crs") && err.contains("gcj02"),
        "{err}"
    );
    assert!(!tmp.path().join("o").exists(), "nothing written");
}

#[test]
fn csv_files_start_with_a_bom_unless_turned_off() {
    let tmp = temp_dir();
    run_ok(
        tmp.path(),
        &["analyze", "--out", "bom", "--quiet", "--export-graph"],
    );
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--out",
            "plain",
            "--quiet",
            "--export-graph",
            "--csv-bom",
            "false",
        ],
    );
    let mut names: Vec<String> = std::fs::read_dir(tmp.path().join("bom"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "dropped.csv",
            "gaps.csv",
            "graph_edges.csv",
            "graph_nodes.csv",
            "measures.csv",
            "scorecard.csv",
            "scorecard_measures.csv",
            "summary.csv",
            "units.csv",
            "unreachable.csv"
        ]
    );
    for n in &names {
        let with = std::fs::read(tmp.path().join("bom").join(n)).unwrap();
        let without = std::fs::read(tmp.path().join("plain").join(n)).unwrap();
        assert!(with.starts_with(BOM), "{n} has no BOM");
        assert!(
            !without.starts_with(BOM),
            "{n} has a BOM with --csv-bom false"
        );
        assert_eq!(&with[3..], &without[..], "{n}: only the BOM differs");
    }
    // Other files never get one.
    for n in ["communities.geojson", "scorecard.md", "report.html"] {
        let b = std::fs::read(tmp.path().join("bom").join(n)).unwrap();
        assert!(!b.starts_with(BOM), "{n}");
    }
    // The csv crate (used by the tests and by fitcircle's readers) strips it.
    let rows = read_csv_rows(&tmp.path().join("bom/summary.csv"));
    assert_eq!(rows[0]["area"], "all");
    assert_eq!(rows[0]["target"], "any");
    assert_eq!(
        csv_headers(&tmp.path().join("bom/summary.csv"))[0],
        "area",
        "no BOM in the first column name"
    );
}

#[test]
fn input_csv_with_a_bom_reads_like_without() {
    let tmp = temp_dir();
    for name in ["communities.csv", "facilities.csv"] {
        let mut bytes = BOM.to_vec();
        bytes.extend(std::fs::read(fixture(&format!("tiny/{name}"))).unwrap());
        std::fs::write(tmp.path().join(format!("bom_{name}")), bytes).unwrap();
    }
    let network = fixture("tiny/network.osm");
    let config = fixture("tiny/fitcircle.toml");
    let run = |fac: &str, com: &str, out: &str| {
        run_ok(
            tmp.path(),
            &[
                "analyze",
                "--config",
                config.to_str().unwrap(),
                "--network",
                network.to_str().unwrap(),
                "--facilities",
                fac,
                "--communities",
                com,
                "--out",
                out,
                "--quiet",
            ],
        );
        read_csv_rows(&tmp.path().join(out).join("summary.csv"))
    };
    let plain = run(
        fixture("tiny/facilities.csv").to_str().unwrap(),
        fixture("tiny/communities.csv").to_str().unwrap(),
        "plain",
    );
    let bom = run("bom_facilities.csv", "bom_communities.csv", "bom");
    assert_eq!(plain, bom);
    let any = summary_row(&bom, "all", "any");
    assert_eq!(
        num(any, "communities"),
        5.0,
        "every community read: {any:?}"
    );
    assert_eq!(
        num(any, "population"),
        1500.0,
        "every community read: {any:?}"
    );
    assert_eq!(num(any, "facilities"), 3.0, "every facility read: {any:?}");
}

/// The JSON summary's per-target rows against summary.csv for one area.
fn assert_targets_match(
    rows: &[std::collections::HashMap<String, String>],
    area: &str,
    targets: &Value,
) {
    let targets = targets.as_array().expect("targets");
    let csv: Vec<_> = rows.iter().filter(|r| r["area"] == area).collect();
    assert_eq!(targets.len(), csv.len(), "{area}: targets");
    assert!(!targets.is_empty());
    for (t, r) in targets.iter().zip(csv) {
        assert_eq!(t["target"], r["target"].as_str(), "{area}");
        for (j, c) in [
            ("facilities", "facilities"),
            ("population", "population"),
            ("covered_population", "covered_population"),
            ("coverage_share", "coverage_share"),
        ] {
            assert_eq!(
                t[j].as_f64().unwrap(),
                num(r, c),
                "{area} {}: {j}",
                r["target"]
            );
        }
    }
}

#[test]
fn json_summary_matches_summary_csv() {
    let tmp = temp_dir();
    let stdout = run_ok(tmp.path(), &["analyze", "--out", "out", "--json"]);
    let v: Value = serde_json::from_str(&stdout).expect("stdout is one JSON document");
    let rows = read_csv_rows(&tmp.path().join("out/summary.csv"));
    let any = summary_row(&rows, "all", "any");
    assert_eq!(v["mode"], "network");
    assert_eq!(v["approximate"], false);
    assert_eq!(v["communities"], 36);
    assert_eq!(v["facilities"], 42);
    assert_eq!(v["population"].as_f64().unwrap(), num(any, "population"));
    assert_eq!(v["population"].as_f64().unwrap(), 21252.0);
    assert_eq!(
        v["covered_population"].as_f64().unwrap(),
        num(any, "covered_population")
    );
    assert_eq!(
        v["coverage_share"].as_f64().unwrap(),
        num(any, "coverage_share")
    );
    assert_eq!(v["walk_minutes"].as_f64().unwrap(), 15.0);
    assert_eq!(v["limit_m"].as_f64().unwrap(), 1000.0);
    // Every community covered in Helsinki (README: 100.0 %).
    assert_eq!(v["communities_covered"], 36);
    assert_targets_match(&rows, "all", &v["targets"]);
    assert_eq!(
        v["units"].as_array().unwrap().len(),
        0,
        "no units in Helsinki"
    );
    // The 37 national indicators and the plan's own measures 38-44.
    assert_eq!(v["scorecard"]["indicators"], 44);
    // The load warnings (clipped ways) are in the JSON too.
    assert!(!v["warnings"].as_array().unwrap().is_empty());
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for f in &files {
        assert!(tmp.path().join(f).is_file(), "{f} listed but missing");
    }
    for f in [
        "communities.geojson",
        "summary.csv",
        "report.html",
        "map.png",
    ] {
        assert!(files.iter().any(|p| p.ends_with(f)), "{f} not listed");
    }
    // --quiet leaves the JSON (it was asked for) and nothing else.
    let tmp2 = temp_dir();
    let quiet = run_fitcircle(
        tmp2.path(),
        &["analyze", "--out", "out", "--json", "--quiet"],
    );
    assert!(quiet.status.success());
    let q: Value = serde_json::from_slice(&quiet.stdout).expect("JSON with --quiet");
    assert_eq!(q["coverage_share"], v["coverage_share"]);
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}

#[test]
fn json_summary_of_units_without_network() {
    let tmp = temp_dir();
    let v = venues();
    // summary.csv with its English keys (the bundle's default is Chinese).
    let stdout = run_ok(
        tmp.path(),
        &xicheng_args(&v, "out", &["--json", "--lang", "en"]),
    );
    let j: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(j["mode"], "straight_line");
    assert_eq!(j["approximate"], true);
    assert_eq!(j["distance_method"], "straight_line_x1.3");
    assert_eq!(j["communities"], 789);
    assert!(
        j["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("APPROXIMATE"))
    );
    let rows = read_csv_rows(&tmp.path().join("out/summary.csv"));
    assert_targets_match(&rows, "all", &j["targets"]);
    let units = j["units"].as_array().unwrap();
    assert_eq!(units.len(), 1);
    let name = units[0]["name"].as_str().unwrap();
    assert_targets_match(&rows, name, &units[0]["targets"]);
    let row = summary_row(&rows, name, "any");
    assert_eq!(
        units[0]["population"].as_f64().unwrap(),
        num(row, "population")
    );
    assert_eq!(
        units[0]["coverage_share"].as_f64().unwrap(),
        num(row, "coverage_share")
    );
    let covered = units[0]["communities_covered"].as_u64().unwrap();
    assert!(covered > 0 && covered < 789, "{covered}");
}

#[test]
fn sites_json_matches_sites_csv() {
    let tmp = temp_dir();
    let stdout = run_ok(
        tmp.path(),
        &[
            "sites",
            "--category",
            "fitness_station",
            "--count",
            "3",
            "--out",
            "out",
            "--json",
        ],
    );
    let v: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["category"], "fitness_station");
    let rows = read_csv_rows(&tmp.path().join("out/sites.csv"));
    let sites = v["sites"].as_array().unwrap();
    assert_eq!(sites.len(), rows.len());
    // At most the 3 asked for; fewer when they already cover everyone.
    assert!((1..=3).contains(&sites.len()), "{} sites", sites.len());
    for (s, r) in sites.iter().zip(&rows) {
        assert_eq!(s["site_id"], r["site_id"].as_str());
        for c in [
            "rank",
            "lon",
            "lat",
            "newly_covered_population",
            "cumulative_new_population",
            "covered_share_after",
        ] {
            assert_eq!(s[c].as_f64().unwrap(), num(r, c), "{c}");
        }
    }
    // sites.geojson, sites.csv, dropped.csv, sites.html and sites.png.
    assert_eq!(v["files"].as_array().unwrap().len(), 5);
}

#[test]
fn every_subcommand_help_has_examples() {
    let tmp = temp_dir();
    for sub in ["analyze", "sites", "synth", "bundles"] {
        let help = run_ok(tmp.path(), &[sub, "--help"]);
        assert!(help.contains("Examples:"), "{sub} --help:\n{help}");
        assert!(
            help.contains(&format!("  fitcircle {sub}")),
            "{sub} --help has no example command:\n{help}"
        );
        // -h too.
        let short = run_ok(tmp.path(), &[sub, "-h"]);
        assert!(short.contains("Examples:"), "{sub} -h");
    }
    let help = run_ok(tmp.path(), &["analyze", "--help"]);
    for opt in ["--format", "--output-crs", "--csv-bom", "--json", "--font"] {
        assert!(help.contains(opt), "analyze --help lacks {opt}");
    }
}

#[test]
fn no_progress_output_when_stderr_is_not_a_terminal() {
    // The tests capture stderr (a pipe), as a script or cron job would.
    let tmp = temp_dir();
    let out = run_fitcircle(tmp.path(), &["analyze", "--out", "out"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains('\x1b'), "escape codes on stderr: {err:?}");
    for stage in ["loading inputs", "analysing", "writing files"] {
        assert!(
            !err.contains(stage),
            "spinner text {stage:?} on stderr: {err}"
        );
    }
    // Only the warnings are there.
    assert!(err.lines().all(|l| l.starts_with("warning: ")), "{err}");
}

#[test]
fn bad_font_is_an_error_naming_the_file() {
    let tmp = temp_dir();
    let out = run_fitcircle(
        tmp.path(),
        &["analyze", "--out", "out", "--font", "no-such-font.ttc"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-font.ttc"), "{err}");
    let not_a_font = manifest_dir().join("Cargo.toml");
    let out = run_fitcircle(
        tmp.path(),
        &[
            "analyze",
            "--out",
            "out",
            "--font",
            not_a_font.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Cargo.toml") && err.contains("Chinese glyphs"),
        "{err}"
    );
}

#[test]
fn chinese_map_labels_with_a_cjk_font() {
    let Some(font) = fitcircle::output::map_image::find_cjk_font() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs a CJK font (fonts-wqy-microhei)"
        );
        eprintln!("SKIPPED chinese_map_labels_with_a_cjk_font: no CJK font installed");
        return;
    };
    let tmp = temp_dir();
    let v = venues();
    // Not --quiet: the font warning would show on stderr.
    let not_quiet = |out| -> Vec<&str> {
        xicheng_args(&v, out, &[])
            .into_iter()
            .filter(|a| *a != "--quiet")
            .collect()
    };
    let mut zh = not_quiet("out");
    zh.extend(["--lang", "zh", "--font", font.to_str().unwrap()]);
    let out = run_fitcircle(tmp.path(), &zh);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("map.png labels are in English") && !err.contains("map.png 的文字为英文"),
        "{err}"
    );
    let zh_png = std::fs::read(tmp.path().join("out/map.png")).unwrap();
    let mut en = not_quiet("en");
    en.extend(["--lang", "en"]);
    run_ok(tmp.path(), &en);
    let en_png = std::fs::read(tmp.path().join("en/map.png")).unwrap();
    assert_ne!(
        zh_png, en_png,
        "the Chinese map differs from the English one"
    );
}
