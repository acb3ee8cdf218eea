//! `fitcircle check`: read every input as `analyze` would and report what
//! was found (column mapping, counts, CRS, bounding boxes, warnings),
//! without analysing or writing anything. Exit 0 when the inputs load, 2
//! otherwise (the error says what to fix).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use fitcircle::config::{Config, InputSpec};
use fitcircle::input::columns::InputKind;
use fitcircle::input::{self, Inputs, table};
use fitcircle::output::summary::pad;
use fitcircle::output::{Lang, trf};
use geo::{BoundingRect, Geometry, GeometryCollection, Rect};

use super::args::{InputArgs, SettingsArgs};
use super::print;
use super::run_config::make_config;

/// Check the inputs `input` and `settings` name (`fitcircle check`, and
/// `analyze --dry-run` with analyze's arguments).
pub fn run(
    input_args: &InputArgs,
    settings: &SettingsArgs,
    lang: Option<Lang>,
    quiet: bool,
) -> Result<()> {
    let mut warnings = Vec::new();
    let mut config = make_config(input_args, settings, &mut warnings)?;
    let unfilled = set_aside_unfilled(&mut config)?;
    let inputs = print::with_stage("reading", || input::load(&config))?;
    if quiet {
        return Ok(());
    }
    warnings.extend(inputs.warnings.iter().cloned());
    let mut out = std::io::stdout().lock();
    let lang = lang.unwrap_or_else(|| Lang::detect(&config.name, &config.title));
    let origin = if config.origin.is_empty() {
        trf(lang, "check.defaults", &[])
    } else {
        config.origin.clone()
    };
    writeln!(out, "{}", trf(lang, "check.config", &[("origin", origin)]))?;
    if !config.title.is_empty() {
        let title = config.title.clone();
        writeln!(out, "{}", trf(lang, "check.title", &[("title", title)]))?;
    }
    report_network(&mut out, &config, &inputs, lang)?;
    report_facilities(&mut out, &config, &inputs, lang)?;
    report_communities(&mut out, &config, &inputs, lang)?;
    report_units(&mut out, &config, &inputs, lang)?;
    report_places(&mut out, &config, &inputs, lang)?;
    for n in &inputs.notes {
        let text = in_lang(lang, n);
        writeln!(out, "{}", trf(lang, "check.note", &[("text", text)]))?;
    }
    for p in &unfilled {
        let path = p.display().to_string();
        warnings.push(trf(lang, "check.unfilled", &[("path", path)]));
    }
    let n = warnings.len().to_string();
    writeln!(out, "{}", trf(lang, "check.warnings", &[("n", n)]))?;
    for w in &warnings {
        writeln!(out, "  {}", in_lang(lang, w))?;
    }
    writeln!(out, "{}", trf(lang, "check.done", &[]))?;
    Ok(())
}

/// A warning's or note's text in `lang` (the library's known wordings;
/// as it is otherwise), without the `warning:` prefix.
fn in_lang(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Zh => {
            let w = fitcircle::output::warning(lang, text);
            w.strip_prefix("警告：").map_or(w.clone(), str::to_string)
        }
    }
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

fn report_network(
    out: &mut impl Write,
    config: &Config,
    inputs: &Inputs,
    lang: Lang,
) -> Result<()> {
    let line = match (&config.network, &inputs.network) {
        (Some(spec), Some(net)) => {
            let source = if is_osm(&spec.path) {
                trf(lang, "check.osm", &[])
            } else {
                let crs = spec
                    .crs
                    .map_or_else(|| trf(lang, "check.crs_in_file", &[]), |c| c.to_string());
                let joined = if spec.join_crossings {
                    trf(lang, "check.joined", &[])
                } else {
                    String::new()
                };
                trf(lang, "check.lines", &[("crs", crs), ("joined", joined)])
            };
            let points = net.coords.iter().map(|c| Geometry::Point((*c).into()));
            trf(
                lang,
                "check.network",
                &[
                    ("path", spec.path.display().to_string()),
                    ("source", source),
                    ("nodes", net.node_count().to_string()),
                    ("edges", net.edges.len().to_string()),
                    ("bbox", bbox(lang, points)),
                ],
            )
        }
        _ => {
            let detour = config.settings.detour_factor.to_string();
            trf(lang, "check.no_network", &[("detour", detour)])
        }
    };
    writeln!(out, "{line}")?;
    Ok(())
}

/// The `bbox (WGS-84) ...` line of an input's items.
fn bbox_line(lang: Lang, geoms: impl Iterator<Item = Geometry<f64>>) -> String {
    let b = bbox(lang, geoms);
    format!("  {}", trf(lang, "check.bbox", &[("bbox", b)]))
}

fn report_facilities(
    out: &mut impl Write,
    config: &Config,
    inputs: &Inputs,
    lang: Lang,
) -> Result<()> {
    let n = inputs.facilities.len().to_string();
    writeln!(out, "{}", trf(lang, "check.facilities", &[("n", n)]))?;
    for spec in &config.facilities {
        describe_input(out, spec, inputs, InputKind::Facilities, lang)?;
    }
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &inputs.facilities {
        *by_category.entry(f.category.as_str()).or_default() += 1;
    }
    for (c, n) in by_category {
        let label = labelled(lang, "cat", c);
        let width: usize = if lang == Lang::Zh { 30 } else { 18 };
        writeln!(out, "  {} {n}", pad(&label, width))?;
    }
    if !inputs.facilities.is_empty() {
        let geoms = inputs.facilities.iter().map(|f| f.geometry.clone());
        writeln!(out, "{}", bbox_line(lang, geoms))?;
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
    let access = inputs.community_access.as_str();
    let access = match lang {
        Lang::En => access.to_string(),
        Lang::Zh => trf(lang, &format!("check.access_{access}"), &[]),
    };
    let line = trf(
        lang,
        "check.communities",
        &[
            ("n", inputs.communities.len().to_string()),
            ("people", format!("{people:.0}")),
            ("access", access),
        ],
    );
    writeln!(out, "{line}")?;
    if let Some(spec) = &config.communities {
        describe_input(out, spec, inputs, InputKind::Communities, lang)?;
    }
    if !inputs.communities.is_empty() {
        let geoms = inputs.communities.iter().map(|c| c.geometry.clone());
        writeln!(out, "{}", bbox_line(lang, geoms))?;
    }
    Ok(())
}

/// Health facilities and culture stations, when given.
fn report_places(out: &mut impl Write, config: &Config, inputs: &Inputs, lang: Lang) -> Result<()> {
    if !config.health.is_empty() {
        let n = inputs.health.len().to_string();
        writeln!(out, "{}", trf(lang, "check.health", &[("n", n)]))?;
        for spec in &config.health {
            describe_places(out, spec, InputKind::Health, lang)?;
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
        let line = trf(
            lang,
            "check.culture",
            &[
                ("n", inputs.culture.len().to_string()),
                ("combined", combined.to_string()),
            ],
        );
        writeln!(out, "{line}")?;
        for spec in &config.culture {
            describe_places(out, spec, InputKind::Culture, lang)?;
        }
    }
    Ok(())
}

fn report_units(out: &mut impl Write, config: &Config, inputs: &Inputs, lang: Lang) -> Result<()> {
    let n = inputs.units.len().to_string();
    writeln!(out, "{}", trf(lang, "check.units", &[("n", n)]))?;
    if let Some(spec) = &config.units {
        describe_input(out, spec, inputs, InputKind::Units, lang)?;
    }
    if !inputs.units.is_empty() {
        let geoms = inputs
            .units
            .iter()
            .map(|u| Geometry::MultiPolygon(u.geometry.clone()));
        writeln!(out, "{}", bbox_line(lang, geoms))?;
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
    let report = inputs
        .columns
        .iter()
        .find(|r| r.file == spec.path && r.input == kind);
    // A table's CRS as the reader settled it (the file's own or the
    // config's); OSM is WGS-84.
    let crs = match report {
        Some(r) if !is_osm => r.crs.clone(),
        _ if is_osm => "wgs84".to_string(),
        _ => spec.crs().to_string(),
    };
    let osm = if is_osm {
        trf(lang, "check.osm_tags", &[])
    } else {
        String::new()
    };
    writeln!(out, "  {}", file_line(lang, spec, crs, osm))?;
    if let Some(r) = report {
        for line in fitcircle::output::column_report::table_lines(lang, r) {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

/// A health or culture input: path, the CRS its coordinates were
/// converted from, and which header fed which field (read again here: the
/// loader keeps no report for them).
fn describe_places(
    out: &mut impl Write,
    spec: &InputSpec,
    kind: InputKind,
    lang: Lang,
) -> Result<()> {
    let t = table::read_table(spec).with_context(|| format!("reading {}", spec.path.display()))?;
    writeln!(
        out,
        "  {}",
        file_line(lang, spec, t.crs.clone(), String::new())
    )?;
    let r = table::column_report(spec, &t, kind)?;
    for line in fitcircle::output::column_report::table_lines(lang, &r) {
        writeln!(out, "    {line}")?;
    }
    Ok(())
}

/// An OSM file (`.pbf`, `.osm`), as the loader tells them apart.
fn is_osm(path: &std::path::Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".pbf") || name.ends_with(".osm")
}

/// "path: CRS crs" of an input file.
fn file_line(lang: Lang, spec: &InputSpec, crs: String, osm: String) -> String {
    let path = spec.path.display().to_string();
    trf(
        lang,
        "check.file",
        &[("path", path), ("crs", crs), ("osm", osm)],
    )
}

/// A code (`football_pitch`, `hospital`) with its label in Chinese
/// (`足球场 football_pitch`) when the table has one (`prefix.code`).
fn labelled(lang: Lang, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}.{code}");
    match lang {
        Lang::Zh if fitcircle::output::has_label(&key) => {
            format!("{} {code}", trf(lang, &key, &[]))
        }
        _ => code.to_string(),
    }
}

/// "lon min..max, lat min..max" of the geometries' bounding box.
fn bbox(lang: Lang, geoms: impl Iterator<Item = Geometry<f64>>) -> String {
    let gc: GeometryCollection<f64> = geoms.collect();
    match gc.bounding_rect() {
        Some(r) => fmt_rect(lang, r),
        None => trf(lang, "check.empty", &[]),
    }
}

fn fmt_rect(lang: Lang, r: Rect<f64>) -> String {
    let f = |x: f64| format!("{x:.5}");
    trf(
        lang,
        "check.rect",
        &[
            ("x0", f(r.min().x)),
            ("x1", f(r.max().x)),
            ("y0", f(r.min().y)),
            ("y1", f(r.max().y)),
        ],
    )
}
