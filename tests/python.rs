//! The Python package: build the wheel with maturin (reusing `target/`),
//! install it into the test venv and run pytest on `python/tests` (the API
//! against the CLI, and the Dask runner on a LocalCluster read back with
//! DuckDB).
//!
//! The venv is `FITCIRCLE_PYTHON` (a Python executable), else
//! `target/py-venv/bin/python`, with maturin, pytest, geopandas, pyarrow,
//! dask[distributed] and duckdb; `.ci/run` makes it. Without it the test is
//! skipped with a note, unless `CI` is set (then it fails).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's Python, if it has what the tests need.
fn python() -> Result<PathBuf, String> {
    let py = std::env::var_os("FITCIRCLE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/py-venv/bin/python"));
    if !py.is_file() {
        return Err(format!("no Python at {}", py.display()));
    }
    let probe = Command::new(&py)
        .args([
            "-c",
            "import maturin, pytest, geopandas, pyarrow, dask.distributed, duckdb",
        ])
        .output()
        .map_err(|e| format!("{}: {e}", py.display()))?;
    if !probe.status.success() {
        return Err(format!(
            "{} lacks a package: {}",
            py.display(),
            String::from_utf8_lossy(&probe.stderr).trim()
        ));
    }
    Ok(py)
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{what}:\n{}", tail(&text, 60));
    assert!(out.status.success(), "{what} failed");
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn wheel(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .expect("a wheel")
}

#[test]
fn python_package() {
    let py = match python() {
        Ok(p) => p,
        Err(why) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "SKIPPED the Python package's tests: {why} (python3 -m venv target/py-venv && \
                 target/py-venv/bin/pip install maturin pytest geopandas pyarrow \
                 'dask[distributed]' duckdb, as .ci/run does)"
            );
            return;
        }
        Err(why) => panic!("CI is set and the Python tests cannot run: {why}"),
    };
    let wheels = root().join("target/wheels-test");
    let _ = std::fs::remove_dir_all(&wheels);
    run(
        Command::new(&py)
            .args(["-m", "maturin", "build", "--release", "--out"])
            .arg(&wheels)
            .current_dir(root()),
        "maturin build",
    );
    run(
        Command::new(&py)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--force-reinstall",
            ])
            .arg(wheel(&wheels)),
        "pip install the wheel",
    );
    run(
        Command::new(&py)
            .args([
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "python/tests",
            ])
            .env("FITCIRCLE_BIN", env!("CARGO_BIN_EXE_fitcircle"))
            .current_dir(root()),
        "pytest python/tests",
    );
}
