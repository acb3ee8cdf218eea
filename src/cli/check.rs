//! `fitcircle check`: read every input as `analyze` would and report what
//! was found (column mapping, counts, CRS, bounding boxes, warnings),
//! without analysing or writing anything. Exit 0 when the inputs load, 2
//! otherwise (the error says what to fix).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use fitcircle::config::{Config, InputSpec};
use fitcircle::input::{self, Inputs, table};
use geo::{BoundingRect, Geometry, GeometryCollection, Rect};

use super::args::{InputArgs, SettingsArgs};
use super::print;
use super::run_config::make_config;

/// Check the inputs `input` and `settings` name (`fitcircle check`, and
/// `analyze --dry-run` with analyze's arguments).
pub fn run(input_args: &InputArgs, settings: &SettingsArgs, quiet: bool) -> Result<()> {
    let mut warnings = Vec::new();
    let mut config = make_config(input_args, settings, &mut warnings)?;
    let unfilled = set_aside_unfilled(&mut config)?;
    let inputs = print::with_stage("reading", || input::load(&config))?;
    if quiet {
        return Ok(());
    }
    warnings.extend(inputs.warnings.iter().cloned());
    let mut out = std::io::stdout().lock();
    let origin = if config.origin.is_empty() {
        "(defaults)"
    } else {
        config.origin.as_str()
    };
    writeln!(out, "config: {origin}")?;
    if !config.title.is_empty() {
        writeln!(out, "title: {}", config.title)?;
    }
    report_network(&mut out, &config, &inputs)?;
    report_facilities(&mut out, &config, &inputs)?;
    report_communities(&mut out, &config, &inputs)?;
    report_units(&mut out, &config, &inputs)?;
    report_places(&mut out, &config, &inputs)?;
    for n in &inputs.notes {
        writeln!(out, "note: {n}")?;
    }
    for p in &unfilled {
        warnings.push(format!(
            "{}: a header but no rows yet (a template to fill in); analyze needs rows",
            p.display()
        ));
    }
    writeln!(out, "warnings: {}", warnings.len())?;
    for w in &warnings {
        writeln!(out, "  {w}")?;
    }
    writeln!(out, "inputs read; nothing analysed or written")?;
    Ok(())
}

/// Take the tables that have a header but no rows (a template from
/// `fitcircle init` not filled in yet) out of `config`, so the rest can be
/// checked; returns their paths. A table that cannot be read is an error.
fn set_aside_unfilled(config: &mut Config) -> Result<Vec<PathBuf>> {
    let mut unfilled = Vec::new();
    let mut empty = |spec: &InputSpec| -> Result<bool> {
        if is_osm(&spec.path) {
            return Ok(false);
        }
        let t = table::read_table(spec)?;
        if t.records.is_empty() {
            unfilled.push(spec.path.clone());
        }
        Ok(t.records.is_empty())
    };
    let mut kept = Vec::new();
    for spec in std::mem::take(&mut config.facilities) {
        if !empty(&spec)? {
            kept.push(spec);
        }
    }
    config.facilities = kept;
    if let Some(c) = config.communities.take() {
        config.communities = (!empty(&c)?).then_some(c);
    }
    if let Some(u) = config.units.take() {
        config.units = (!empty(&u)?).then_some(u);
    }
    Ok(unfilled)
}

fn report_network(out: &mut impl Write, config: &Config, inputs: &Inputs) -> Result<()> {
    match (&config.network, &inputs.network) {
        (Some(spec), Some(net)) => writeln!(
            out,
            "network: {} ({}): {} walking nodes, {} edges, bbox {}",
            spec.path.display(),
            if is_osm(&spec.path) {
                "OpenStreetMap, WGS-84".to_string()
            } else {
                format!(
                    "street lines, CRS {}{}",
                    spec.crs
                        .map(|c| c.to_string())
                        .unwrap_or_else(|| "as stated in the file".into()),
                    if spec.join_crossings {
                        ", joined at crossings"
                    } else {
                        ""
                    }
                )
            },
            net.node_count(),
            net.edges.len(),
            bbox(net.coords.iter().map(|c| Geometry::Point((*c).into())))
        )?,
        _ => writeln!(
            out,
            "network: none (distances are straight lines x {})",
            config.settings.detour_factor
        )?,
    }
    Ok(())
}

fn report_facilities(out: &mut impl Write, config: &Config, inputs: &Inputs) -> Result<()> {
    writeln!(out, "facilities: {}", inputs.facilities.len())?;
    for spec in &config.facilities {
        describe_input(out, spec)?;
    }
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &inputs.facilities {
        *by_category.entry(f.category.as_str()).or_default() += 1;
    }
    for (c, n) in by_category {
        writeln!(out, "  {c:<18} {n}")?;
    }
    if !inputs.facilities.is_empty() {
        let b = bbox(inputs.facilities.iter().map(|f| f.geometry.clone()));
        writeln!(out, "  bbox (WGS-84) {b}")?;
    }
    Ok(())
}

fn report_communities(out: &mut impl Write, config: &Config, inputs: &Inputs) -> Result<()> {
    let people = inputs.communities.iter().map(|c| c.population).sum::<f64>() + 0.0;
    writeln!(
        out,
        "communities: {} with {people:.0} residents (access: {})",
        inputs.communities.len(),
        inputs.community_access.as_str()
    )?;
    if let Some(spec) = &config.communities {
        describe_input(out, spec)?;
    }
    if !inputs.communities.is_empty() {
        let b = bbox(inputs.communities.iter().map(|c| c.geometry.clone()));
        writeln!(out, "  bbox (WGS-84) {b}")?;
    }
    Ok(())
}

/// Health facilities and culture stations, when given.
fn report_places(out: &mut impl Write, config: &Config, inputs: &Inputs) -> Result<()> {
    if !config.health.is_empty() {
        writeln!(out, "health facilities: {}", inputs.health.len())?;
        for spec in &config.health {
            describe_input(out, spec)?;
        }
        let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
        for h in &inputs.health {
            *by_kind.entry(h.kind.as_str()).or_default() += 1;
        }
        for (k, n) in by_kind {
            writeln!(out, "  {k:<18} {n}")?;
        }
    }
    if !config.culture.is_empty() {
        let combined = inputs.culture.iter().filter(|c| c.with_sports).count();
        writeln!(
            out,
            "culture stations: {} ({combined} combined with sports)",
            inputs.culture.len()
        )?;
        for spec in &config.culture {
            describe_input(out, spec)?;
        }
    }
    Ok(())
}

fn report_units(out: &mut impl Write, config: &Config, inputs: &Inputs) -> Result<()> {
    writeln!(out, "units: {}", inputs.units.len())?;
    if let Some(spec) = &config.units {
        describe_input(out, spec)?;
    }
    if !inputs.units.is_empty() {
        let b = bbox(
            inputs
                .units
                .iter()
                .map(|u| Geometry::MultiPolygon(u.geometry.clone())),
        );
        writeln!(out, "  bbox (WGS-84) {b}")?;
    }
    Ok(())
}

/// One input file: path, CRS, and for a table which column feeds which
/// field (read again here: the loader keeps records, not headers).
fn describe_input(out: &mut impl Write, spec: &InputSpec) -> Result<()> {
    let is_osm = is_osm(&spec.path);
    if is_osm {
        writeln!(out, "  {}: CRS wgs84, OSM tags", spec.path.display())?;
        return Ok(());
    }
    let t = table::read_table(spec).with_context(|| format!("reading {}", spec.path.display()))?;
    writeln!(out, "  {}: CRS {}", spec.path.display(), t.crs)?;
    let mapping = table::column_mapping(&t.columns, &spec.columns);
    let used: Vec<String> = mapping
        .iter()
        .filter_map(|(field, col)| col.as_ref().map(|c| format!("{field} <- {c:?}")))
        .collect();
    writeln!(
        out,
        "    {} rows; columns: {}",
        t.records.len(),
        used.join(", ")
    )?;
    let unused: Vec<&String> = t
        .columns
        .iter()
        .filter(|c| !mapping.iter().any(|(_, m)| m.as_ref() == Some(*c)))
        .collect();
    if !unused.is_empty() {
        let names: Vec<String> = unused.iter().map(|c| format!("{c:?}")).collect();
        writeln!(out, "    not used: {}", names.join(", "))?;
    }
    Ok(())
}

/// An OSM file (`.pbf`, `.osm`), as the loader tells them apart.
fn is_osm(path: &std::path::Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".pbf") || name.ends_with(".osm")
}

/// "lon min..max, lat min..max" of the geometries' bounding box.
fn bbox(geoms: impl Iterator<Item = Geometry<f64>>) -> String {
    let gc: GeometryCollection<f64> = geoms.collect();
    match gc.bounding_rect() {
        Some(r) => fmt_rect(r),
        None => "(empty)".into(),
    }
}

fn fmt_rect(r: Rect<f64>) -> String {
    format!(
        "lon {:.5}..{:.5}, lat {:.5}..{:.5}",
        r.min().x,
        r.max().x,
        r.min().y,
        r.max().y
    )
}
