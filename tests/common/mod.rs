//! Helpers shared by the integration tests that run the `fitcircle` binary:
//! running `fitcircle analyze` in a temporary folder and reading its outputs
//! (GeoJSON as `serde_json::Value`, CSV as rows of named fields).
//!
//! Each test crate uses only some of these, hence `allow(dead_code)`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The crate root (where `data/` and `tests/fixtures/` live).
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures").join(rel)
}

/// A fresh temporary folder, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("fitcircle-test-")
        .tempdir()
        .expect("create a temporary folder")
}

/// Run the `fitcircle` binary with `args` in `cwd`; returns its output
/// whatever the exit status.
pub fn run_fitcircle(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fitcircle"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("start the fitcircle binary")
}

/// Run `fitcircle` and require success; panics with stdout and stderr
/// otherwise. Returns stdout.
pub fn run_ok(cwd: &Path, args: &[&str]) -> String {
    let out = run_fitcircle(cwd, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "fitcircle {args:?} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    stdout
}

/// Read a file as text, naming it on failure.
pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Parse a JSON file.
pub fn read_json(path: &Path) -> Value {
    serde_json::from_str(&read_text(path))
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

/// The `features` array of a FeatureCollection.
pub fn features(fc: &Value) -> &Vec<Value> {
    fc["features"].as_array().expect("a \"features\" array")
}

/// A feature's `properties` object.
pub fn props(feature: &Value) -> &serde_json::Map<String, Value> {
    feature["properties"]
        .as_object()
        .expect("a properties object")
}

/// Index features by their `id` property (as a string).
pub fn features_by_id(fc: &Value) -> HashMap<String, &Value> {
    features(fc)
        .iter()
        .map(|f| {
            let id = match &f["properties"]["id"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (id, f)
        })
        .collect()
}

/// A CSV file as rows of (column -> value).
pub fn read_csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display()));
    let headers: Vec<String> = rdr
        .headers()
        .unwrap_or_else(|e| panic!("{}: header: {e}", path.display()))
        .iter()
        .map(str::to_string)
        .collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// The header row of a CSV file.
pub fn csv_headers(path: &Path) -> Vec<String> {
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("opening {}: {e}", path.display()));
    rdr.headers()
        .unwrap_or_else(|e| panic!("{}: header: {e}", path.display()))
        .iter()
        .map(str::to_string)
        .collect()
}

/// Parse a CSV field as a number, naming the column on failure.
pub fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    let v = row
        .get(column)
        .unwrap_or_else(|| panic!("no column {column:?} in {row:?}"));
    v.parse()
        .unwrap_or_else(|e| panic!("column {column:?}: {v:?} is not a number: {e}"))
}

/// The summary.csv row for `area` and `target`.
pub fn summary_row<'a>(
    rows: &'a [HashMap<String, String>],
    area: &str,
    target: &str,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["area"] == area && r["target"] == target)
        .unwrap_or_else(|| panic!("summary.csv has no row area={area} target={target}: {rows:?}"))
}

/// Relative difference check: |actual - expected| <= rel * |expected|.
pub fn assert_close_rel(actual: f64, expected: f64, rel: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= rel * expected.abs(),
        "{what}: got {actual}, expected {expected} within {:.2} %",
        rel * 100.0
    );
}
