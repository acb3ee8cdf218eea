//! `fitcircle batch MANIFEST --out DIR`: many cities on one machine, one
//! after another, each an `analyze` run into `DIR/<city>/`. The manifest
//! is a CSV with one row per city: `name`, `network`, `facilities`
//! (several separated by `;`), `communities`, `units`, and optionally
//! `settings` (more `analyze` flags, e.g. `--minutes 10 --method e2sfca`).
//! Paths are relative to the manifest's folder. A failing city is
//! reported and the others go on; `DIR/summary.csv` holds one row per city
//! and coverage target (the whole area's rows of the city's summary.csv),
//! and one row per failed city. A city whose `outputs.json` is there and
//! whose inputs and flags are those of the run that wrote it
//! (`DIR/<city>/batch.json`: XXH3 checksums) is not run again.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use fitcircle::output::staging::MANIFEST;
use serde::{Deserialize, Serialize};

use super::args::{BatchArgs, Cli, Command};

/// One row of the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// Folder name of its outputs, unique in the manifest.
    pub name: String,
    /// The `analyze` arguments of the row (inputs and settings).
    pub args: Vec<String>,
}

/// What a finished city left for the next run to compare
/// (`DIR/<city>/batch.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Stamp {
    /// The `analyze` arguments.
    args: Vec<String>,
    /// (path, XXH3 64-bit of its bytes) of every input file.
    inputs: Vec<(String, String)>,
    /// XXH3 64-bit of `outputs.json`.
    outputs: String,
}

/// The stamp's file name in a city's folder.
const STAMP: &str = "batch.json";

/// Columns of `DIR/summary.csv`.
const SUMMARY_COLUMNS: &[&str] = &[
    "city",
    "status",
    "target",
    "facilities",
    "communities",
    "population",
    "covered_population",
    "coverage_share",
    "unreachable_population",
    "walk_minutes",
    "limit_m",
    "error",
];

pub fn run(b: &BatchArgs) -> Result<()> {
    let cities = read_manifest(&b.manifest)?;
    if let Some(n) = b.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting up worker threads")?;
    }
    std::fs::create_dir_all(&b.out).with_context(|| format!("creating {}", b.out.display()))?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut failed = 0;
    for (i, city) in cities.iter().enumerate() {
        let t = Instant::now();
        let dir = b.out.join(&city.name);
        let outcome = run_city(city, &dir);
        let status = match &outcome {
            Ok(true) => "skipped (complete)".to_string(),
            Ok(false) => format!("done in {:.1} s", t.elapsed().as_secs_f64()),
            Err(e) => format!("FAILED: {}", chain(e)),
        };
        if !b.quiet || outcome.is_err() {
            eprintln!("[{}/{}] {}: {status}", i + 1, cities.len(), city.name);
        }
        match outcome.and_then(|skipped| summary_rows(&city.name, &dir, skipped)) {
            Ok(r) => rows.extend(r),
            Err(e) => {
                failed += 1;
                let mut row = vec![city.name.clone(), "failed".into()];
                row.resize(SUMMARY_COLUMNS.len() - 1, String::new());
                row.push(chain(&e));
                rows.push(row);
            }
        }
    }
    let path = b.out.join("summary.csv");
    fitcircle::output::write_csv(
        &path,
        &|w| {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(SUMMARY_COLUMNS)?;
            for r in &rows {
                c.write_record(r)?;
            }
            c.flush()
        },
        b.csv_bom,
    )?;
    if !b.quiet {
        println!(
            "{} cities: {} done, {failed} failed; wrote {}",
            cities.len(),
            cities.len() - failed,
            path.display()
        );
    }
    if failed > 0 {
        bail!(
            "{failed} of {} cities failed (see {})",
            cities.len(),
            path.display()
        );
    }
    Ok(())
}

/// An error with its causes, on one line.
fn chain(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}

/// The manifest's cities, each row checked (a name fit for a folder, once).
pub fn read_manifest(path: &Path) -> Result<Vec<City>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
    let headers: Vec<String> = rdr
        .headers()
        .with_context(|| format!("{}: reading the header", path.display()))?
        .iter()
        .map(str::to_lowercase)
        .collect();
    let known = [
        "name",
        "network",
        "facilities",
        "communities",
        "units",
        "settings",
    ];
    if let Some(h) = headers.iter().find(|h| !known.contains(&h.as_str())) {
        bail!(
            "{}: unknown column {h:?}; the columns are {} (settings holds more analyze flags, \
             e.g. \"--minutes 10\")",
            path.display(),
            known.join(", ")
        );
    }
    if !headers.iter().any(|h| h == "name") {
        bail!(
            "{}: no `name` column (one folder name per city)",
            path.display()
        );
    }
    let mut cities: Vec<City> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{}: reading a row", path.display()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |col: &str| {
            headers
                .iter()
                .position(|h| h == col)
                .and_then(|i| rec.get(i))
                .filter(|v| !v.is_empty())
        };
        let at = || format!("{}, row {line}", path.display());
        let name = get("name").unwrap_or_default().to_string();
        if !fitcircle::output::staging::is_plain_name(&name) || name.starts_with('.') {
            bail!(
                "{}: name {name:?} must be a plain folder name (no / or \\, not empty)",
                at()
            );
        }
        if cities.iter().any(|c| c.name == name) {
            bail!("{}: city {name:?} is named twice", at());
        }
        let mut args = Vec::new();
        let file = |v: &str| base.join(v).to_string_lossy().into_owned();
        for role in ["network", "communities", "units"] {
            if let Some(v) = get(role) {
                args.extend([format!("--{role}"), file(v)]);
            }
        }
        for f in get("facilities").unwrap_or_default().split(';') {
            if !f.trim().is_empty() {
                args.extend(["--facilities".to_string(), file(f.trim())]);
            }
        }
        if let Some(s) = get("settings") {
            args.extend(s.split_whitespace().map(String::from));
        }
        for flag in ["--out", "--threads", "--json", "--verbose", "--progress"] {
            if args
                .iter()
                .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
            {
                bail!("{}: {flag} is not a per-city setting (batch sets it)", at());
            }
        }
        cities.push(City { name, args });
    }
    if cities.is_empty() {
        bail!(
            "{}: no cities (one row per city after the header)",
            path.display()
        );
    }
    Ok(cities)
}

/// Analyse one city into `dir`; `Ok(true)` when it was complete already.
fn run_city(city: &City, dir: &Path) -> Result<bool> {
    let mut argv: Vec<String> = vec!["fitcircle".into(), "analyze".into()];
    argv.extend(city.args.iter().cloned());
    argv.extend([
        "--out".into(),
        dir.to_string_lossy().into_owned(),
        "--quiet".into(),
        "--progress".into(),
        "none".into(),
    ]);
    let cli = <Cli as clap::Parser>::try_parse_from(&argv)
        .map_err(|e| anyhow::anyhow!("{}", e.render().to_string().trim()))?;
    let Command::Analyze(a) = cli.command else {
        unreachable!("parsed as analyze")
    };
    let run = super::run_config::RunConfig::from_args(&a.input, &a.settings, &a.output)?;
    let mut files: Vec<PathBuf> = fitcircle::output::config_inputs(&run.config)
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    files.extend([&a.indicators, &a.figures].into_iter().flatten().cloned());
    let stamp = |outputs: String| -> Result<Stamp> {
        let inputs = files
            .iter()
            .map(|p| Ok((p.display().to_string(), checksum(p)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Stamp {
            args: city.args.clone(),
            inputs,
            outputs,
        })
    };
    if let Some(old) = complete(dir) {
        if stamp(old.outputs.clone())? == old {
            return Ok(true);
        }
    }
    drop(super::analyze::execute(a)?);
    let outputs = checksum(&dir.join(MANIFEST))?;
    let text = serde_json::to_vec_pretty(&stamp(outputs)?)?;
    fitcircle::output::write_file(&dir.join(STAMP), &|w| w.write_all(&text))?;
    Ok(false)
}

/// The stamp of a complete earlier run in `dir` (its `outputs.json` the
/// one the stamp names).
fn complete(dir: &Path) -> Option<Stamp> {
    let stamp: Stamp = serde_json::from_slice(&std::fs::read(dir.join(STAMP)).ok()?).ok()?;
    let outputs = checksum(&dir.join(MANIFEST)).ok()?;
    (outputs == stamp.outputs).then_some(stamp)
}

/// XXH3 64-bit of a file's bytes (bundled files included), hexadecimal.
fn checksum(path: &Path) -> Result<String> {
    let bytes =
        fitcircle::bundled::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes)))
}

/// The whole area's rows of `dir/summary.csv`, with the city and status.
fn summary_rows(city: &str, dir: &Path, skipped: bool) -> Result<Vec<Vec<String>>> {
    let path = dir.join("summary.csv");
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut rdr = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
    let headers: Vec<String> = rdr.headers()?.iter().map(String::from).collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let status = if skipped { "skipped" } else { "done" };
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        if col("area").and_then(|i| rec.get(i)) != Some("all") {
            continue;
        }
        let mut row = vec![city.to_string(), status.to_string()];
        for name in &SUMMARY_COLUMNS[2..SUMMARY_COLUMNS.len() - 1] {
            let v = col(name).and_then(|i| rec.get(i)).unwrap_or_default();
            row.push(v.to_string());
        }
        row.push(String::new());
        rows.push(row);
    }
    Ok(rows)
}
