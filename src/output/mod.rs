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
pub mod column_report;
pub mod columns;
pub(crate) mod csv_safe;
pub mod derived;
pub(crate) mod format;
pub(crate) mod geojson;
pub(crate) mod geotiff;
#[cfg(feature = "gpkg")]
pub(crate) mod gpkg;
pub(crate) mod i18n;
#[cfg(feature = "report")]
pub mod map_image;
pub(crate) mod measures;
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
pub(crate) mod wkb;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::gaps::Assessment;
use crate::analysis::study::Study;
use crate::crs::Crs;
use crate::input::Inputs;
pub use crate::output::atomic::write_file;
pub use crate::output::csv_safe::CsvFormulas;
pub use crate::output::i18n::{Lang, has_label, trf, warning};
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
    /// Also write one GeoPackage with a layer per GeoJSON file
    /// (`fitcircle.gpkg`; `sites.gpkg` for `sites`; feature `gpkg`).
    pub gpkg: bool,
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
            gpkg: false,
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
    write_geojson_with(dir, stem, fill, formats, &|_| None)
}

/// Typed records of a GeoJSON file by its stem ([`columns::layer`]), for
/// the files whose writer can emit them; `None` for the others.
pub type Typed<'a> = dyn Fn(&str) -> Option<Result<columns::Layer>> + Sync + 'a;

/// [`write_geojson`], the `.fgb` written from the file's typed records
/// (`typed`, with a spatial index) when it has them and no copy in
/// another CRS is asked for; otherwise converted from the GeoJSON.
fn write_geojson_with(
    dir: &Path,
    stem: &str,
    fill: &Fill,
    formats: Formats,
    typed: &Typed<'_>,
) -> Result<Vec<PathBuf>> {
    let path = dir.join(format!("{stem}.geojson"));
    let extra = formats.extra_crs.filter(|c| *c != Crs::Wgs84);
    if !formats.fgb && extra.is_none() {
        atomic::write_file(&path, fill)?;
        return Ok(vec![path]);
    }
    if extra.is_none() {
        if let Some(layer) = typed(stem) {
            atomic::write_file(&path, fill)?;
            let layer = layer?;
            let p = dir.join(format!("{stem}.fgb"));
            atomic::write_file(&p, &|w| derived::write_layer_fgb(w, &layer, stem))?;
            return Ok(vec![path, p]);
        }
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
    write_named_with(dir, name, fill, formats, &|_| None)
}

/// [`write_named`] with the typed records of the GeoJSON files that have
/// them, from which their `.fgb` is written (see [`write_geojson`]).
pub fn write_named_with(
    dir: &Path,
    name: &str,
    fill: &Fill,
    formats: Formats,
    typed: &Typed<'_>,
) -> Result<Vec<PathBuf>> {
    if let Some(stem) = name.strip_suffix(".geojson") {
        return write_geojson_with(dir, stem, fill, formats, typed);
    }
    let path = dir.join(name);
    if name.ends_with(".csv") {
        write_csv(&path, fill, formats.csv_bom)?;
    } else {
        atomic::write_file(&path, fill)?;
    }
    Ok(vec![path])
}

/// A file to write: its name and what fills it.
type Job<'a> = (&'static str, Box<Fill<'a>>);

/// The files of the assessment: gaps, the scorecard (with its sub-measure
/// rows) and the measures per area.
fn assessment_jobs<'a>(
    title: &'a str,
    inputs: &'a Inputs,
    study: &'a Study,
    assessment: &'a Assessment,
    options: OutputOptions,
) -> Vec<Job<'a>> {
    let cf = options.formats.csv_formulas;
    let lang = options.lang;
    vec![
        (
            "gaps.geojson",
            Box::new(|w| scorecard::write_gaps_geojson(w, assessment)),
        ),
        (
            "gaps.csv",
            Box::new(move |w| scorecard::write_gaps_csv(w, assessment, cf, lang)),
        ),
        (
            "scorecard.csv",
            Box::new(move |w| scorecard::write_scorecard_csv(w, assessment, cf, lang)),
        ),
        (
            "scorecard_measures.csv",
            Box::new(move |w| measures::write_scorecard_measures_csv(w, assessment, cf, lang)),
        ),
        (
            "measures.csv",
            Box::new(move |w| measures::write_measures_csv(w, inputs, study, cf, lang)),
        ),
        (
            "scorecard.md",
            Box::new(move |w| {
                scorecard::write_scorecard_md(w, title, inputs, assessment, options.lang)
            }),
        ),
    ]
}

/// Write each job's file (name, filler) into `dir`, counting them as
/// progress stage `writing`. The files are independent: written side by
/// side, one task per file, so a small file never waits behind
/// communities.geojson. Each is built by one job, so its bytes do not
/// depend on scheduling; errors are reported for the first failing file in
/// the list order. Returns the paths written, in order.
fn write_jobs(
    dir: &Path,
    jobs: &[(&'static str, Box<Fill<'_>>)],
    formats: Formats,
    typed: &Typed<'_>,
) -> Result<Vec<PathBuf>> {
    let progress = crate::progress::Counter::start("writing", jobs.len() as u64);
    // The largest files first, each taken by the next free thread, so that
    // the longest one does not start last; results keep the jobs' order.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&j| writing_rank(jobs[j].0));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<Vec<PathBuf>>>>> =
        jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads().min(jobs.len()) {
            s.spawn(|_| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&j) = order.get(k) else { break };
                    let (name, f) = &jobs[j];
                    let r = write_named_with(dir, name, f.as_ref(), formats, typed);
                    progress.add(1);
                    *results[j].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                }
            });
        }
    });
    progress.finish();
    let mut written = Vec::new();
    for r in results {
        let r = r.into_inner().unwrap_or_else(|e| e.into_inner());
        written.extend(r.expect("every job ran")?);
    }
    Ok(written)
}

/// Where a file comes in the writing order: the ones that take longest
/// (at a city's scale) first.
fn writing_rank(name: &str) -> usize {
    const LARGEST_FIRST: [&str; 5] = [
        "isochrones.geojson",
        "communities.geojson",
        "network.geojson",
        "facilities.geojson",
        "gaps.geojson",
    ];
    LARGEST_FIRST
        .iter()
        .position(|&n| n == name)
        .unwrap_or(LARGEST_FIRST.len())
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
    let lang = options.lang;
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
            Box::new(|w| tables::write_unreachable(w, inputs, study, cf, lang)),
        ),
        (
            "summary.csv",
            Box::new(|w| tables::write_summary(w, inputs, study, cf, lang)),
        ),
        (
            "dropped.csv",
            Box::new(|w| tables::write_dropped(w, inputs, study, cf, lang)),
        ),
        (
            "inputs.csv",
            Box::new(|w| column_report::write_inputs_csv(w, inputs, cf, lang)),
        ),
    ];
    // Per-unit figures come with the catchments (not in a coverage-only run).
    if study.catchments.is_some() {
        jobs.push((
            "units.csv",
            Box::new(|w| tables::write_units_csv(w, inputs, study, cf, lang)),
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
    jobs.extend(assessment_jobs(title, inputs, study, assessment, options));
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
    // The layers whose writers also emit typed records: their .fgb is
    // written from those, not converted from the GeoJSON text.
    let typed = |stem: &str| {
        if stem == "network" {
            let rows = columns::rows_of(|s| geojson::write_network(s, study));
            return Some(rows.map_err(|source| Error::Write {
                path: dir.join("network.geojson"),
                source,
            }));
        }
        let name = match stem {
            "communities" => columns::LayerName::Communities,
            "facilities" => columns::LayerName::Facilities,
            "units" => columns::LayerName::Units,
            "isochrones" => columns::LayerName::Isochrones,
            "gaps" => columns::LayerName::Gaps,
            _ => return None,
        };
        Some(columns::layer(name, inputs, study, assessment, lang))
    };
    let mut written = write_jobs(dir, &jobs, options.formats, &typed)?;
    written.extend(write_surfaces(dir, study, options.formats)?);
    if options.formats.gpkg {
        let gpkg = write_gpkg_of(dir, "fitcircle.gpkg", &written)?;
        written.push(gpkg);
    }
    Ok(written)
}

/// The travel-time surfaces kept with `travel_time_tif`, one GeoTIFF per
/// target, in target order.
fn write_surfaces(dir: &Path, study: &Study, formats: Formats) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
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
            write_named(dir, name, &fill, formats)
        })
        .collect();
    for r in results {
        written.extend(r?);
    }
    Ok(written)
}

/// Write `dir/name`, a GeoPackage with one layer per WGS-84 GeoJSON file
/// of `written` (in that order; the `.gcj02` / `.bd09` copies are left
/// out), each layer named by its file's stem. The GeoJSON files are read
/// back, so the layers hold exactly their features.
pub fn write_gpkg_of(dir: &Path, name: &str, written: &[PathBuf]) -> Result<PathBuf> {
    let path = dir.join(name);
    #[cfg(feature = "gpkg")]
    {
        let mut layers = Vec::new();
        for p in written {
            let Some(file) = p.file_name().and_then(|f| f.to_str()) else {
                continue;
            };
            let Some(stem) = file.strip_suffix(".geojson") else {
                continue;
            };
            if stem.contains('.') {
                continue;
            }
            let bytes = std::fs::read(p).map_err(|source| Error::Read {
                path: p.clone(),
                source,
            })?;
            let c = derived::parse(&bytes).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
            layers.push((stem.to_string(), c));
        }
        atomic::write_file(&path, &|w| gpkg::write_gpkg(w, &layers))?;
        Ok(path)
    }
    #[cfg(not(feature = "gpkg"))]
    {
        let _ = written;
        Err(Error::file(
            &path,
            "this build of fitcircle writes no GeoPackage (built without the `gpkg` feature)",
        ))
    }
}
