//! Writers: RFC 7946 GeoJSON (streamed), CSV tables and the terminal
//! summary. Every file is written to a temporary name in the output folder
//! and renamed into place, so a failed run never leaves a half-written file.

pub mod atomic;
pub mod geojson;
pub mod map_image;
pub mod report;
pub mod scorecard;
pub mod sites;
pub mod summary;
pub mod tables;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::analysis::gaps::Assessment;
use crate::analysis::study::Study;
use crate::input::Inputs;
use crate::{Error, Result};

/// Which optional outputs to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputOptions {
    /// `network.geojson`: the walking network's edges.
    pub network_geojson: bool,
    /// `graph_nodes.csv` and `graph_edges.csv`.
    pub export_graph: bool,
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
    type Job<'a> = (
        &'static str,
        Box<dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + Sync + 'a>,
    );
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
            Box::new(|w| tables::write_unreachable(w, inputs, study)),
        ),
        (
            "summary.csv",
            Box::new(|w| tables::write_summary(w, inputs, study)),
        ),
        (
            "units.csv",
            Box::new(|w| tables::write_units_csv(w, inputs, study)),
        ),
    ];
    if !inputs.units.is_empty() {
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
        Box::new(|w| scorecard::write_gaps_csv(w, assessment)),
    ));
    jobs.push((
        "scorecard.csv",
        Box::new(|w| scorecard::write_scorecard_csv(w, assessment)),
    ));
    jobs.push((
        "scorecard.md",
        Box::new(|w| scorecard::write_scorecard_md(w, title, inputs, assessment)),
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
            Box::new(|w| tables::write_graph_nodes(w, study)),
        ));
        jobs.push((
            "graph_edges.csv",
            Box::new(|w| tables::write_graph_edges(w, study)),
        ));
    }
    // The files are independent: write them side by side. Each is built
    // by one job, so its bytes do not depend on scheduling; errors are
    // reported for the first failing file in the list order.
    let results: Vec<Result<PathBuf>> = jobs
        .par_iter()
        .map(|(name, f)| {
            let path = dir.join(name);
            atomic::write_file(&path, f.as_ref())?;
            Ok(path)
        })
        .collect();
    let written = results.into_iter().collect::<Result<Vec<_>>>()?;
    Ok(written)
}
