//! Bad inputs through the real binary: every case must exit with code 2, never
//! panic, say on stderr which file (and row or feature) is wrong and what to
//! fix, leave every input file untouched and leave no (partial) output file.
//!
//! Each test runs in its own temporary folder (the working folder of the
//! run): fixtures from `tests/fixtures/bad/` are copied there and named by
//! relative paths, and the bundled Helsinki extract serves as the network.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// The bundled Helsinki street network (read-only input of many cases).
fn helsinki_pbf() -> PathBuf {
    common::manifest_dir().join("data/helsinki/Helsinki.osm.pbf")
}

/// Every regular file under `dir` (recursively), sorted; empty when `dir`
/// does not exist.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The bytes of each file, to compare before and after a run.
fn snapshot(paths: &[PathBuf]) -> BTreeMap<PathBuf, Vec<u8>> {
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()));
            (p.clone(), bytes)
        })
        .collect()
}

/// One failing run in a fresh temporary folder.
struct Case {
    dir: TempDir,
}

impl Case {
    fn new() -> Case {
        Case {
            dir: common::temp_dir(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Copy `tests/fixtures/bad/<name>` into the temporary folder; returns
    /// the name to pass on the command line (relative to the run's folder).
    fn fixture(&self, name: &str) -> &'static str {
        let src = common::fixture("bad").join(name);
        std::fs::copy(&src, self.path(name))
            .unwrap_or_else(|e| panic!("copying {}: {e}", src.display()));
        name.to_string().leak()
    }

    /// Write a file of the given bytes into the temporary folder.
    fn write(&self, name: &str, bytes: &[u8]) -> &'static str {
        std::fs::write(self.path(name), bytes).expect("writing a test file");
        name.to_string().leak()
    }

    /// `fitcircle analyze --quiet --out <tmp>/out ARGS`; see [`Case::fail_with_out`].
    fn fail(&self, args: &[&str]) -> String {
        let out = self.path("out");
        self.fail_with_out(&out, args)
    }

    /// Run `fitcircle analyze --quiet --out OUT ARGS` in the temporary folder
    /// and check the rules every failing run obeys; returns stderr.
    fn fail_with_out(&self, out: &Path, args: &[&str]) -> String {
        // Inputs: everything in the temporary folder, plus the bundled network.
        let mut inputs = files_under(self.dir.path());
        inputs.push(helsinki_pbf());
        let before: BTreeMap<PathBuf, Vec<u8>> = snapshot(&inputs);
        let out_before = files_under(out);

        let out_arg = out.to_str().expect("temporary paths are UTF-8");
        let mut full = vec!["analyze", "--quiet", "--out", out_arg];
        full.extend_from_slice(args);
        let output = common::run_fitcircle(self.dir.path(), &full);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let ctx = format!("args {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");

        assert_eq!(output.status.code(), Some(2), "exit code; {ctx}");
        assert!(!stderr.contains("panicked"), "panic; {ctx}");
        assert!(
            stderr.starts_with("error: "),
            "stderr should start with `error: `; {ctx}"
        );
        assert!(
            stdout.is_empty(),
            "--quiet failing run printed on stdout; {ctx}"
        );

        // No input changed (and none was deleted).
        for (path, bytes) in &before {
            let now = std::fs::read(path)
                .unwrap_or_else(|e| panic!("{} vanished ({e}); {ctx}", path.display()));
            assert!(now == *bytes, "{} was modified; {ctx}", path.display());
        }
        // No output, complete or partial (temporary `.name.tmp-PID` files included).
        let out_after = files_under(out);
        assert_eq!(
            out_after,
            out_before,
            "files left in {}; {ctx}",
            out.display()
        );
        // Nothing new next to the inputs either, except the (empty) out folder.
        let after: Vec<PathBuf> = files_under(self.dir.path());
        let mut expected: Vec<PathBuf> = before
            .keys()
            .filter(|p| p.starts_with(self.dir.path()))
            .cloned()
            .collect();
        expected.sort();
        assert_eq!(after, expected, "new files in the run's folder; {ctx}");
        stderr
    }
}

/// Assert that `stderr` contains every one of `parts`.
#[track_caller]
fn assert_mentions(stderr: &str, parts: &[&str]) {
    for p in parts {
        assert!(stderr.contains(p), "stderr should mention {p:?}:\n{stderr}");
    }
}

/// Control: the fixtures the bad cases start from do work, so each failure
/// below is caused by the one thing that case breaks.
#[test]
fn control_good_inputs_succeed() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("communities.csv");
    let net = helsinki_pbf();
    let out = case.path("out");
    let args = [
        "analyze",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ];
    let output = common::run_fitcircle(case.dir.path(), &args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(out.join("summary.csv").is_file());
}

// 1. A truncated PBF as the network.
#[test]
fn truncated_pbf_network() {
    let case = Case::new();
    let bytes = std::fs::read(helsinki_pbf()).unwrap();
    let net = case.write("truncated.osm.pbf", &bytes[..1000]);
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("communities.csv");
    let err = case.fail(&["--network", net, "--facilities", fac, "--communities", com]);
    assert_mentions(
        &err,
        &[
            "truncated.osm.pbf",
            "not a readable OSM PBF file",
            "truncated or corrupt",
            "download the extract again",
        ],
    );
}

// 2. A coordinate that is not a number.
#[test]
fn non_numeric_coordinate() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("nonnumeric_coord.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "nonnumeric_coord.csv",
            "row 3",
            "column \"lon\"",
            "\"24.94x\"",
            "is not a number",
        ],
    );
}

// 3a. lat/lon swapped, both values in range: caught by the run-level check
// against the network's extent.
#[test]
fn swapped_lonlat_in_range() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("swapped_in_range.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "communities",
            "3 of 3 points",
            "swapped",
            "swap the lon/lat columns",
        ],
    );
}

// 3a'. The same message should name the file; `check_swapped` in
// src/analysis/study.rs only knows the word "communities".
#[test]
fn swapped_lonlat_in_range_names_the_file() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("swapped_in_range.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(&err, &["swapped_in_range.csv", "swap the lon/lat columns"]);
}

// 3b. lat/lon swapped with the latitude out of range: caught per row.
#[test]
fn swapped_lonlat_out_of_range() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("swapped_out_of_range.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "swapped_out_of_range.csv",
            "row 3",
            "latitude 116.4 is out of range",
            "look swapped",
            "swap the columns",
        ],
    );
}

// 4. An unknown CRS name: the error names the flag (not one of the files
// it applies to) and the accepted names, before any file is read.
#[test]
fn unknown_crs() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("communities.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
        "--crs",
        "utm50",
    ]);
    assert!(!err.contains("facilities.csv"), "blames a file: {err}");
    assert_mentions(
        &err,
        &["--crs", "unknown CRS \"utm50\"", "wgs84", "gcj02", "bd09"],
    );
}

// 5a. An empty (0-byte) communities CSV.
#[test]
fn empty_communities_csv() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.write("empty.csv", b"");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &["empty.csv", "the file is empty", "needs a header row"],
    );
}

// 5b. An empty (0-byte) .osm.pbf as the network.
#[test]
fn empty_pbf_network() {
    let case = Case::new();
    let net = case.write("empty.osm.pbf", b"");
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("communities.csv");
    let err = case.fail(&["--network", net, "--facilities", fac, "--communities", com]);
    assert_mentions(
        &err,
        &[
            "empty.osm.pbf",
            "the file is empty",
            "give an OpenStreetMap .osm.pbf extract",
        ],
    );
}

// 6. GeoJSON that is a bare Feature, not a FeatureCollection.
#[test]
fn geojson_not_a_feature_collection() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("bare_feature.geojson");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "bare_feature.geojson",
            "expected a GeoJSON FeatureCollection",
            "found type \"Feature\"",
            "wrap the features",
        ],
    );
}

// 7. A polygon ring with fewer than 4 positions.
#[test]
fn polygon_ring_too_short() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("short_ring.geojson");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "short_ring.geojson",
            "feature 2 (id \"tri\")",
            "polygon ring has 3 positions",
            "at least 4",
        ],
    );
}

// 8. Duplicate ids in a facilities CSV: both rows are named.
#[test]
fn duplicate_facility_ids() {
    let case = Case::new();
    let fac = case.fixture("duplicate_ids.csv");
    let com = case.fixture("communities.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "duplicate_ids.csv",
            "row 4",
            "duplicate id \"f1\"",
            "first used at row 2",
            "ids must be unique",
        ],
    );
}

// 8b. Ids repeated across two facility files: the error names the id
// that repeats first in input order (f2 here: file b repeats it before f1).
#[test]
fn facility_ids_repeated_across_files() {
    let case = Case::new();
    let a = case.write(
        "a.csv",
        b"id,name,category,lon,lat\nf1,Gym A,fitness_centre,24.9410,60.1700\n\
          f2,Pitch B,football_pitch,24.9450,60.1690\n",
    );
    let b = case.write(
        "b.csv",
        b"id,name,category,lon,lat\nf3,Court C,basketball_court,24.9430,60.1695\n\
          f2,Court D,basketball_court,24.9431,60.1696\nf1,Court E,tennis_court,24.9432,60.1697\n",
    );
    let com = case.fixture("communities.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        a,
        "--facilities",
        b,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "facility id \"f2\"",
            "more than one facility input",
            "distinct ids",
        ],
    );
    assert!(!err.contains("\"f1\""), "{err}");
}

// 9. Communities with neither population nor households, and no fallback.
#[test]
fn communities_without_population() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("no_population.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "no_population.csv",
            "no population column",
            "no households column",
            "spread_total",
        ],
    );
}

// 10. A negative population.
#[test]
fn negative_population() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("negative_population.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "negative_population.csv",
            "row 3",
            "column \"population\"",
            "-5 is negative",
            "0 or more",
        ],
    );
}

// 11a. A communities file that does not exist.
#[test]
fn communities_file_not_found() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        "missing.csv",
    ]);
    assert_mentions(
        &err,
        &["missing.csv", "no such file", "check the name and folder"],
    );
    assert!(!case.path("missing.csv").exists());
}

// 11b. A network file that does not exist.
#[test]
fn network_file_not_found() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("communities.csv");
    let err = case.fail(&[
        "--network",
        "missing.osm.pbf",
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "missing.osm.pbf",
            "no such file",
            "check the name and folder",
        ],
    );
}

// 11c. A config file that does not exist.
#[test]
fn config_file_not_found() {
    let case = Case::new();
    let err = case.fail(&["--config", "missing.toml"]);
    assert_mentions(
        &err,
        &[
            "missing.toml",
            "no such config file",
            "check the --config path",
        ],
    );
}

// 12. The output folder cannot be created: its parent is a regular file
// (independent of permissions, so it also holds when tests run as root).
#[test]
fn output_folder_not_writable() {
    let case = Case::new();
    case.write("afile", b"not a folder\n");
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("communities.csv");
    let net = helsinki_pbf();
    let out = case.path("afile").join("out");
    let err = case.fail_with_out(
        &out,
        &[
            "--network",
            net.to_str().unwrap(),
            "--facilities",
            fac,
            "--communities",
            com,
        ],
    );
    assert_mentions(
        &err,
        &[
            "afile/out",
            "cannot write",
            "choose a writable folder with --out",
        ],
    );
    assert!(case.path("afile").is_file());
}

// 13. A CSV row with the wrong number of fields.
#[test]
fn malformed_csv_row() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("wrong_field_count.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "wrong_field_count.csv",
            "row 3",
            "has 3 fields but the header has 4",
            "fix the quoting or the number of commas",
        ],
    );
}

// 14. An unknown facility category.
#[test]
fn unknown_facility_category() {
    let case = Case::new();
    let fac = case.fixture("unknown_category.csv");
    let com = case.fixture("communities.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(
        &err,
        &[
            "unknown_category.csv",
            "row 3",
            "unknown facility category \"curling_sheet\"",
            "use one of",
            "fitness_centre",
        ],
    );
}

// 15a. A config with an unknown key.
#[test]
fn config_unknown_key() {
    let case = Case::new();
    let cfg = case.fixture("unknown_key.toml");
    let err = case.fail(&["--config", cfg]);
    assert_mentions(
        &err,
        &[
            "unknown_key.toml",
            "not a valid fitcircle config",
            "line 3",
            "unknown field `minutess`",
            "expected one of",
            "`minutes`",
        ],
    );
}

// 15b. A config that is not valid TOML.
#[test]
fn config_invalid_toml() {
    let case = Case::new();
    let cfg = case.fixture("invalid.toml");
    let err = case.fail(&["--config", cfg]);
    assert_mentions(
        &err,
        &[
            "invalid.toml",
            "not a valid fitcircle config",
            "TOML parse error",
            "line 1",
        ],
    );
}

// 16. A communities CSV with a header and no rows.
#[test]
fn communities_header_only() {
    let case = Case::new();
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("header_only.csv");
    let net = helsinki_pbf();
    let err = case.fail(&[
        "--network",
        net.to_str().unwrap(),
        "--facilities",
        fac,
        "--communities",
        com,
    ]);
    assert_mentions(&err, &["header_only.csv", "has no rows or features"]);
}

// 17. A PBF that is not PBF at all (text with a .osm.pbf name).
#[test]
fn text_file_as_pbf_network() {
    let case = Case::new();
    let net = case.write("notes.osm.pbf", b"this is not protobuf\n");
    let fac = case.fixture("facilities.csv");
    let com = case.fixture("communities.csv");
    let err = case.fail(&["--network", net, "--facilities", fac, "--communities", com]);
    assert_mentions(
        &err,
        &["notes.osm.pbf", "not a readable OSM PBF file", "osmium"],
    );
}
