//! `fitcircle check`: read every input as `analyze` would and report what
//! was found (column mapping, counts, CRS, bounding boxes, warnings),
//! without analysing or writing anything. Exit 0 when the inputs load, 2
//! otherwise (the error says what to fix).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use fitcircle::config::{Config, InputSpec};
use fitcircle::input::columns::InputKind;
use fitcircle::input::{self, Inputs, table};
use fitcircle::output::Lang;
use geo::{BoundingRect, Geometry, GeometryCollection, Rect};

use super::args::CheckArgs;
use super::print;
use super::run_config::make_config;

pub fn run(a: &CheckArgs) -> Result<()> {
    let mut warnings = Vec::new();
    let mut config = make_config(&a.input, &a.settings, &mut warnings)?;
    let unfilled = set_aside_unfilled(&mut config)?;
    let inputs = print::with_stage(a.quiet, "reading inputs", || input::load(&config))?;
    if a.quiet {
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
    let lang = a
        .lang
        .unwrap_or_else(|| Lang::detect(&config.name, &config.title));
    report_network(&mut out, &config, &inputs)?;
    report_facilities(&mut out, &config, &inputs, lang)?;
    report_communities(&mut out, &config, &inputs, lang)?;
    report_units(&mut out, &config, &inputs, lang)?;
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
            "network: {} (OpenStreetMap, WGS-84): {} walking nodes, {} edges, bbox {}",
            spec.path.display(),
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

fn report_facilities(
    out: &mut impl Write,
    config: &Config,
    inputs: &Inputs,
    lang: Lang,
) -> Result<()> {
    writeln!(out, "facilities: {}", inputs.facilities.len())?;
    for spec in &config.facilities {
        describe_input(out, spec, inputs, InputKind::Facilities, lang)?;
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

fn report_communities(
    out: &mut impl Write,
    config: &Config,
    inputs: &Inputs,
    lang: Lang,
) -> Result<()> {
    let people = inputs.communities.iter().map(|c| c.population).sum::<f64>() + 0.0;
    writeln!(
        out,
        "communities: {} with {people:.0} residents (access: {})",
        inputs.communities.len(),
        inputs.community_access.as_str()
    )?;
    if let Some(spec) = &config.communities {
        describe_input(out, spec, inputs, InputKind::Communities, lang)?;
    }
    if !inputs.communities.is_empty() {
        let b = bbox(inputs.communities.iter().map(|c| c.geometry.clone()));
        writeln!(out, "  bbox (WGS-84) {b}")?;
    }
    Ok(())
}

fn report_units(out: &mut impl Write, config: &Config, inputs: &Inputs, lang: Lang) -> Result<()> {
    writeln!(out, "units: {}", inputs.units.len())?;
    if let Some(spec) = &config.units {
        describe_input(out, spec, inputs, InputKind::Units, lang)?;
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

/// One input file: path, CRS, and for a table which header fed which
/// field (the loader's report), the encoding, and the headers not used.
fn describe_input(
    out: &mut impl Write,
    spec: &InputSpec,
    inputs: &Inputs,
    kind: InputKind,
    lang: Lang,
) -> Result<()> {
    let is_osm = is_osm(&spec.path);
    writeln!(
        out,
        "  {}: CRS {}{}",
        spec.path.display(),
        spec.crs().as_str(),
        if is_osm { ", OSM tags" } else { "" }
    )?;
    let report = inputs
        .columns
        .iter()
        .find(|r| r.file == spec.path && r.input == kind);
    if let Some(r) = report {
        for line in fitcircle::output::columns::table_lines(lang, r) {
            writeln!(out, "    {line}")?;
        }
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
