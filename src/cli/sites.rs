//! `fitcircle sites`: load, study (coverage only as far as siting needs),
//! choose sites, write, print.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};
use fitcircle::analysis::siting::{self, Candidate, SiteOptions, SitePlan as Plan};
use fitcircle::analysis::study::{self, Depth, Isochrones};
use fitcircle::config::InputSpec;
use fitcircle::input;
use fitcircle::output;
use fitcircle::targets::Targets;
use fitcircle::timing::{self, StageTime};
use serde_json::json;

use super::args::SitesArgs;
use super::print::{self, with_stage};
use super::run_config::RunConfig;
use super::{Prepared, check_out_folder, prepare};

/// Smallest spacing of generated candidates, metres: finer grids add
/// nothing at walking scale and grow as the inverse square.
const MIN_SPACING_M: f64 = 10.0;

/// `--spacing`: at least [`MIN_SPACING_M`].
pub fn check_spacing(spacing: f64) -> Result<()> {
    if !(spacing.is_finite() && spacing >= MIN_SPACING_M) {
        bail!(
            "--spacing {spacing}: give at least {MIN_SPACING_M} metres between generated candidate sites"
        );
    }
    Ok(())
}

pub fn run(args: SitesArgs) -> Result<()> {
    let run = RunConfig::from_args(&args.input, &args.settings, &args.output)?;
    check_out_folder(
        &run,
        &args.input,
        &[
            ("candidates", args.candidates.as_ref()),
            ("font", args.map.font.as_ref()),
        ],
    )?;
    check_spacing(args.spacing)?;
    let t0 = std::time::Instant::now();
    let (lang, font_warning) = super::language_and_font(&run, &args.map)?;
    let (basemap, map_size) = super::map_look(&args.map)?;
    let Prepared {
        inputs,
        targets,
        windows,
        mut warnings,
        load_time,
        load_peak,
    } = prepare(&run, font_warning.into_iter().collect(), false, lang)?;
    if let Some(w) = from_scratch_warning(&inputs, lang) {
        print::warnings(run.quiet, std::slice::from_ref(&w));
        warnings.push(w);
    }
    let walk_m = walk_limit(&args, &run, &targets)?;
    let depth = Depth::Full(Isochrones::None);
    let study = with_stage("analysing", || {
        study::run(&inputs, &run.config.settings, &targets, &windows, depth)
    })?;
    output::validate::check_figures(&run.config, &inputs, &study)?;
    let candidates = match &args.candidates {
        Some(p) => Some(read_candidates(p, &args)?),
        None => None,
    };
    let site_options = SiteOptions {
        category: args.category,
        count: args.count,
        walk_m,
        spacing_m: args.spacing,
        candidates,
        max_snap_m: run.config.settings.max_snap_m,
        planned_as_built: args.planned_as_built,
    };
    let t = std::time::Instant::now();
    let plan = with_stage("siting", || siting::plan(&inputs, &study, &site_options))?;
    let siting_time = t.elapsed();
    let report_options = output::report::ReportOptions {
        lang,
        basemap: basemap.as_ref(),
        map_size,
        sites: Some(&plan),
    };
    let written = with_stage("output", || {
        write(&run, &plan, &inputs, &study, &report_options)
    })?;
    if run.json {
        let mut v = output::sites::json(&plan, &written);
        v["notes"] = json!(inputs.notes);
        v["warnings"] = json!(warnings);
        v["distance_method"] = json!(study.mode().label());
        v["approximate"] = json!(study.mode().is_approximate());
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else if !run.quiet {
        let notes = output::summary::note_lines(&inputs, &study, lang);
        let cx = output::sites::TextContext {
            notes: &notes,
            asked: args.count,
            written: &written,
        };
        let text = output::sites::render_text(&plan, cx, lang);
        std::io::stdout().lock().write_all(text.as_bytes())?;
    }
    if run.verbose {
        let mut stages = vec![StageTime {
            name: "load",
            time: load_time,
            peak_rss: load_peak,
        }];
        stages.extend(inputs.timings.iter().cloned());
        stages.extend(study.timings.iter().cloned());
        for (name, time) in [("sites", siting_time), ("total", t0.elapsed())] {
            stages.push(StageTime {
                name,
                time,
                peak_rss: timing::peak_rss(),
            });
        }
        print::timings(&stages);
    }
    Ok(())
}

/// `sites` on inputs without any facility: `analyze` refuses them
/// ([`study::require_facilities`]), but siting from scratch (a new district,
/// or a bureau that has not yet mapped its venues) is a real question, so
/// `sites` goes on and says so.
pub fn from_scratch_warning(inputs: &input::Inputs, lang: output::Lang) -> Option<String> {
    inputs
        .facilities
        .is_empty()
        .then(|| output::trf(lang, "sites.from_scratch", &[]))
}

/// The walking distance of the demand: the `--tier`'s, else the limit.
/// `--tier auto`: the nearest tier (smallest distance) with a requirement
/// listing the category, else the limit.
pub fn walk_limit(args: &SitesArgs, run: &RunConfig, targets: &Targets) -> Result<f64> {
    let Some(name) = &args.tier else {
        return Ok(run.config.settings.limit_m());
    };
    if name == "auto" {
        let nearest = targets
            .tier
            .iter()
            .filter(|t| {
                t.requirement
                    .iter()
                    .any(|r| r.parsed.contains(&args.category))
            })
            .map(|t| t.distance_m)
            .min_by(f64::total_cmp);
        return Ok(nearest.unwrap_or_else(|| run.config.settings.limit_m()));
    }
    targets
        .tier
        .iter()
        .find(|t| &t.name == name)
        .map(|t| t.distance_m)
        .ok_or_else(|| {
            let names: Vec<&str> = targets.tier.iter().map(|t| t.name.as_str()).collect();
            anyhow::anyhow!("unknown tier {name:?}; use one of: {}", names.join(", "))
        })
}

/// `--candidates`: each located row's id (or `candidate:N`), name (the
/// `name` or `名称` column) and point.
pub fn read_candidates(path: &std::path::Path, args: &SitesArgs) -> Result<Vec<Candidate>> {
    let mut spec = InputSpec::from_path(path.to_path_buf());
    spec.crs = args.input.crs;
    let table = input::table::read_table(&spec)?;
    let list: Vec<Candidate> = table
        .records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let pt = r
                .geometry
                .as_ref()
                .and_then(fitcircle::representative_point)?;
            let field = |names: &[&str]| {
                r.fields
                    .iter()
                    .find(|(k, v)| {
                        !v.trim().is_empty()
                            && names.iter().any(|n| k.trim().eq_ignore_ascii_case(n))
                    })
                    .map(|(_, v)| v.trim().to_string())
            };
            let id = field(&["id", "编号"]).unwrap_or_else(|| format!("candidate:{}", i + 1));
            let name = field(&["name", "名称"]).unwrap_or_default();
            Some(Candidate {
                id,
                name,
                lonlat: [pt.x(), pt.y()],
            })
        })
        .collect();
    if list.is_empty() {
        bail!("{}: no candidate sites with a location", path.display());
    }
    Ok(list)
}

/// sites.geojson and sites.csv (and their companions), through a staging
/// folder like `analyze` ([`output::staging`]); returns the final paths.
pub fn write(
    run: &RunConfig,
    plan: &Plan,
    inputs: &input::Inputs,
    study: &study::Study,
    report_options: &output::report::ReportOptions<'_>,
) -> Result<Vec<PathBuf>> {
    let lang = report_options.lang;
    let staging = output::staging::Staging::begin(&run.out)?;
    let dir = staging.dir();
    // sites.fgb from the sites' typed records, as analyze's layers.
    let mut written = output::write_named_with(
        dir,
        "sites.geojson",
        &|w| output::sites::write_sites_geojson(w, plan),
        run.formats,
        &|_| Some(output::columns::sites_layer(plan)),
    )?;
    let formulas = run.formats.csv_formulas;
    written.extend(output::write_named(
        dir,
        "sites.csv",
        &|w| output::sites::write_sites_csv(w, plan, formulas, run.formats.extra_crs, lang),
        run.formats,
    )?);
    written.extend(output::write_named(
        dir,
        "dropped.csv",
        &|w| output::write_dropped(w, inputs, study, formulas, lang),
        run.formats,
    )?);
    written.extend(output::write_named(
        dir,
        "inputs.csv",
        &|w| output::column_report::write_inputs_csv(w, inputs, formulas, lang),
        run.formats,
    )?);
    // sites.html and sites.png: the suggested sites on the report's map.
    written.extend(output::report::write_files_with(
        dir,
        &run.title(),
        inputs,
        study,
        None,
        report_options,
    )?);
    if run.formats.gpkg {
        let gpkg = output::write_gpkg_of(dir, "sites.gpkg", &written)?;
        written.push(gpkg);
    }
    Ok(staging.commit(&written, "sites")?)
}
