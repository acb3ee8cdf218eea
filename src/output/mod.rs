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
    let mut written = Vec::new();
    let mut emit = |name: &str, f: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>| {
        let path = dir.join(name);
        atomic::write_file(&path, f)?;
        written.push(path);
        Ok::<(), Error>(())
    };
    emit("communities.geojson", &|w| {
        geojson::write_communities(w, inputs, study)
    })?;
    emit("facilities.geojson", &|w| {
        geojson::write_facilities(w, inputs, study)
    })?;
    emit("unreachable.csv", &|w| {
        tables::write_unreachable(w, inputs, study)
    })?;
    emit("summary.csv", &|w| tables::write_summary(w, inputs, study))?;
    emit("units.csv", &|w| tables::write_units_csv(w, inputs, study))?;
    if !inputs.units.is_empty() {
        emit("units.geojson", &|w| geojson::write_units(w, inputs, study))?;
    }
    emit("isochrones.geojson", &|w| {
        geojson::write_isochrones(w, inputs, study)
    })?;
    emit("gaps.geojson", &|w| {
        scorecard::write_gaps_geojson(w, assessment)
    })?;
    emit("gaps.csv", &|w| scorecard::write_gaps_csv(w, assessment))?;
    emit("scorecard.csv", &|w| {
        scorecard::write_scorecard_csv(w, assessment)
    })?;
    emit("scorecard.md", &|w| {
        scorecard::write_scorecard_md(w, title, inputs, assessment)
    })?;
    if options.network_geojson {
        emit("network.geojson", &|w| geojson::write_network(w, study))?;
    }
    if options.export_graph {
        emit("graph_nodes.csv", &|w| tables::write_graph_nodes(w, study))?;
        emit("graph_edges.csv", &|w| tables::write_graph_edges(w, study))?;
    }
    Ok(written)
}
