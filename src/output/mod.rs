//! Writers: RFC 7946 GeoJSON (streamed), CSV tables and the terminal
//! summary. Every file is written to a temporary name in the output folder
//! and renamed into place, so a failed run never leaves a half-written file
//! (`atomic`); the CLI writes a run's files into a staging folder and
//! moves them into `--out` together, `outputs.json` last ([`staging`]).
//! Before writing: [`validate::check_figures`] (no infinite totals) and
//! [`out_dir::check_apart_from_inputs`] (`--out` is not an input's folder).
//! CSV cells a spreadsheet would run as formulas get a `'` (`csv_safe`).
//! Each GeoJSON can have companions ([`derived`]: FlatGeobuf, GCJ-02 / BD-09
//! copies); each CSV starts with a UTF-8 byte-order mark unless turned off,
//! so that Excel reads Chinese text correctly.

pub(crate) mod atomic;
#[cfg(feature = "report")]
pub(crate) mod classes;
pub mod columns;
pub(crate) mod csv_safe;
pub mod derived;
pub(crate) mod format;
pub(crate) mod geojson;
pub(crate) mod geotiff;
pub(crate) mod i18n;
#[cfg(feature = "report")]
pub mod map_image;
pub(crate) mod out_dir;
#[cfg(feature = "report")]
pub mod report;
pub(crate) mod schema;
pub(crate) mod scorecard;
pub mod sites;
pub mod staging;
pub mod summary;
pub(crate) mod tables;
pub mod validate;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::gaps::Assessment;
use crate::analysis::study::Study;
use crate::crs::Crs;
use crate::input::Inputs;
pub use crate::output::atomic::write_file;
pub use crate::output::csv_safe::CsvFormulas;
pub use crate::output::i18n::{Lang, trf};
pub use crate::output::out_dir::{check_apart_from_inputs, config_inputs};
pub use crate::output::tables::write_dropped;
use crate::{Error, Result};

/// The UTF-8 byte-order mark written at the start of CSV files.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// File formats and companions, shared by `analyze` and `sites`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// Start every CSV with a UTF-8 byte-order mark (for Excel).
    pub csv_bom: bool,
    /// Also write `<name>.fgb` (FlatGeobuf) next to each `<name>.geojson`.
    pub fgb: bool,
    /// Also write `<name>.<crs>.geojson` with coordinates in this CRS
    /// (GCJ-02 or BD-09; `None` or WGS-84: no extra files).
    pub extra_crs: Option<Crs>,
    /// CSV cells a spreadsheet would read as formulas: neutralised with a
    /// leading `'` (the default) or kept.
    pub csv_formulas: CsvFormulas,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            csv_bom: true,
            fgb: false,
            extra_crs: None,
            csv_formulas: CsvFormulas::Neutralise,
        }
    }
}

/// Which optional outputs to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputOptions {
    /// `network.geojson`: the walking network's edges.
    pub network_geojson: bool,
    /// `graph_nodes.csv` and `graph_edges.csv`.
    pub export_graph: bool,
    /// Formats and companions.
    pub formats: Formats,
    /// Language of scorecard.md (the CSVs carry both).
    pub lang: i18n::Lang,
}

/// A writer filling one file.
pub type Fill<'a> = dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + Sync + 'a;

/// Write the CSV `path` through `fill`, after a byte-order mark when
/// `bom` is set.
pub fn write_csv(path: &Path, fill: &Fill, bom: bool) -> Result<()> {
    atomic::write_file(path, &|w| {
        if bom {
            w.write_all(UTF8_BOM)?;
        }
        fill(w)
    })
}

/// Write the GeoJSON `dir/<stem>.geojson` through `fill`, then its
/// companions as `formats` asks: `<stem>.fgb`, `<stem>.<crs>.geojson` and
/// `<stem>.<crs>.fgb`. Returns the paths written, the GeoJSON first.
pub fn write_geojson(
    dir: &Path,
    stem: &str,
    fill: &Fill,
    formats: Formats,
) -> Result<Vec<PathBuf>> {
    let path = dir.join(format!("{stem}.geojson"));
    let extra = formats.extra_crs.filter(|c| *c != Crs::Wgs84);
    if !formats.fgb && extra.is_none() {
        atomic::write_file(&path, fill)?;
        return Ok(vec![path]);
    }
    let mut bytes = Vec::new();
    fill(&mut bytes).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    atomic::write_file(&path, &|w| w.write_all(&bytes))?;
    let mut written = vec![path.clone()];
    let collection = derived::parse(&bytes).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    drop(bytes);
    if formats.fgb {
        let p = dir.join(format!("{stem}.fgb"));
        atomic::write_file(&p, &|w| {
            derived::write_fgb(w, &collection, stem, Crs::Wgs84)
        })?;
        written.push(p);
    }
    if let Some(crs) = extra {
        let (tag, _) = derived::crs_labels(crs);
        let converted = derived::to_crs(&collection, crs);
        let p = dir.join(format!("{stem}.{tag}.geojson"));
        atomic::write_file(&p, &|w| derived::write_geojson(w, &converted))?;
        written.push(p);
        if formats.fgb {
            let p = dir.join(format!("{stem}.{tag}.fgb"));
            let layer = format!("{stem}_{tag}");
            atomic::write_file(&p, &|w| derived::write_fgb(w, &converted, &layer, crs))?;
            written.push(p);
        }
    }
    Ok(written)
}

/// Write one output file by the kind its name ends in: a GeoJSON with its
/// companions, a CSV with its byte-order mark, or any other file as is.
pub fn write_named(dir: &Path, name: &str, fill: &Fill, formats: Formats) -> Result<Vec<PathBuf>> {
    if let Some(stem) = name.strip_suffix(".geojson") {
        return write_geojson(dir, stem, fill, formats);
    }
    let path = dir.join(name);
    if name.ends_with(".csv") {
        write_csv(&path, fill, formats.csv_bom)?;
    } else {
        atomic::write_file(&path, fill)?;
    }
    Ok(vec![path])
}

/// Write all outputs of a run into `dir` (created if missing). Returns the
/// paths written, in order.
pub fn write_all(
    dir: &Path,
    title: &str,
    inputs: &Inputs,
    study: &Study,
    assessment: &Assessment,
    options: OutputOptions,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let cf = options.formats.csv_formulas;
    type Job<'a> = (&'static str, Box<Fill<'a>>);
    let mut jobs: Vec<Job> = vec![
        (
            "communities.geojson",
            Box::new(|w| geojson::write_communities(w, inputs, study)),
        ),
        (
            "facilities.geojson",
            Box::new(|w| geojson::write_facilities(w, inputs, study)),
        ),
        (
            "unreachable.csv",
            Box::new(|w| tables::write_unreachable(w, inputs, study, cf)),
        ),
        (
            "summary.csv",
            Box::new(|w| tables::write_summary(w, inputs, study, cf)),
        ),
        (
            "dropped.csv",
            Box::new(|w| tables::write_dropped(w, inputs, study, cf)),
        ),
    ];
    // Per-unit figures come with the catchments (not in a coverage-only run).
    if study.catchments.is_some() {
        jobs.push((
            "units.csv",
            Box::new(|w| tables::write_units_csv(w, inputs, study, cf)),
        ));
    }
    if !inputs.units.is_empty() && study.catchments.is_some() {
        jobs.push((
            "units.geojson",
            Box::new(|w| geojson::write_units(w, inputs, study)),
        ));
    }
    jobs.push((
        "isochrones.geojson",
        Box::new(|w| geojson::write_isochrones(w, inputs, study)),
    ));
    jobs.push((
        "gaps.geojson",
        Box::new(|w| scorecard::write_gaps_geojson(w, assessment)),
    ));
    jobs.push((
        "gaps.csv",
        Box::new(|w| scorecard::write_gaps_csv(w, assessment, cf)),
    ));
    jobs.push((
        "scorecard.csv",
        Box::new(|w| scorecard::write_scorecard_csv(w, assessment, cf)),
    ));
    jobs.push((
        "scorecard.md",
        Box::new(|w| scorecard::write_scorecard_md(w, title, inputs, assessment, options.lang)),
    ));
    if options.network_geojson {
        jobs.push((
            "network.geojson",
            Box::new(|w| geojson::write_network(w, study)),
        ));
    }
    if options.export_graph {
        jobs.push((
            "graph_nodes.csv",
            Box::new(|w| tables::write_graph_nodes(w, study, cf)),
        ));
        jobs.push((
            "graph_edges.csv",
            Box::new(|w| tables::write_graph_edges(w, study, cf)),
        ));
    }
    // The files are independent: write them side by side. Each is built
    // by one job, so its bytes do not depend on scheduling; errors are
    // reported for the first failing file in the list order. One task per
    // file, so a small file never waits behind communities.geojson.
    let results: Vec<Result<Vec<PathBuf>>> = jobs
        .par_iter()
        .with_max_len(1)
        .map(|(name, f)| write_named(dir, name, f.as_ref(), options.formats))
        .collect();
    let mut written = Vec::new();
    for r in results {
        written.extend(r?);
    }
    // Travel-time surfaces (kept with `travel_time_tif`), in target order.
    let tifs: Vec<(String, &crate::analysis::surface::Surface)> = study
        .scenarios
        .now
        .targets
        .iter()
        .zip(&study.surfaces)
        .filter_map(|(t, s)| s.as_deref().map(|s| (geotiff::file_name(t.name()), s)))
        .collect();
    let results: Vec<Result<Vec<PathBuf>>> = tifs
        .par_iter()
        .with_max_len(1)
        .map(|(name, s)| {
            let fill = |w: &mut dyn std::io::Write| geotiff::write_surface(w, s);
            write_named(dir, name, &fill, options.formats)
        })
        .collect();
    for r in results {
        written.extend(r?);
    }
    Ok(written)
}
