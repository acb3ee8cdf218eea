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
        &[("candidates", args.candidates.as_ref())],
    )?;
    check_spacing(args.spacing)?;
    let t0 = std::time::Instant::now();
    let Prepared {
        inputs,
        targets,
        windows,
        mut warnings,
        load_time,
        load_peak,
    } = prepare(&run, Vec::new(), false)?;
    if let Some(w) = from_scratch_warning(&inputs) {
        print::warnings(run.quiet, std::slice::from_ref(&w));
        warnings.push(w);
    }
    let walk_m = walk_limit(&args, &run, &targets)?;
    let depth = Depth::Full(Isochrones::None);
    let study = with_stage(run.quiet, "analysing: walking network and coverage", || {
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
    let plan = with_stage(run.quiet, "choosing sites", || {
        siting::plan(&inputs, &study, &site_options)
    })?;
    let siting_time = t.elapsed();
    let written = with_stage(run.quiet, "writing files", || {
        write(&run, &plan, &inputs, &study)
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
        print_text(&args, walk_m, &plan, &inputs.notes, &written)?;
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
pub fn from_scratch_warning(inputs: &input::Inputs) -> Option<String> {
    inputs.facilities.is_empty().then(|| {
        "no sports facilities loaded: every resident counts as uncovered, so these sites are \
         chosen from scratch (analyze refuses this input; add --facilities to count the \
         existing venues)"
            .to_string()
    })
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
) -> Result<Vec<PathBuf>> {
    let staging = output::staging::Staging::begin(&run.out)?;
    let dir = staging.dir();
    let mut written = output::write_named(
        dir,
        "sites.geojson",
        &|w| output::sites::write_sites_geojson(w, plan),
        run.formats,
    )?;
    let formulas = run.formats.csv_formulas;
    written.extend(output::write_named(
        dir,
        "sites.csv",
        &|w| output::sites::write_sites_csv(w, plan, formulas, run.formats.extra_crs),
        run.formats,
    )?);
    written.extend(output::write_named(
        dir,
        "dropped.csv",
        &|w| output::write_dropped(w, inputs, study, formulas),
        run.formats,
    )?);
    Ok(staging.commit(&written, "sites")?)
}

/// The text summary: the demand, the method, one row per site.
fn print_text(
    args: &SitesArgs,
    walk_m: f64,
    plan: &Plan,
    notes: &[String],
    written: &[PathBuf],
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "sites for {} within {:.0} m ({} candidates); covered now{}: {:.0} of {:.0} people",
        args.category,
        walk_m,
        plan.candidates,
        if plan.planned_as_built {
            " (planned counted as built)"
        } else {
            ""
        },
        plan.covered_before,
        plan.total_population
    )?;
    for n in notes {
        writeln!(out, "note: {n}")?;
    }
    writeln!(
        out,
        "method: lazy greedy maximal covering (within 1 - 1/e of the best k sites)"
    )?;
    writeln!(
        out,
        "{:>4} {:<16} {:>12} {:>12} {:>8}  unit",
        "rank", "site", "new people", "cumulative", "share"
    )?;
    for s in &plan.sites {
        let after = plan.covered_before + s.pick.cumulative_population;
        let label = if s.name.is_empty() {
            s.id.clone()
        } else {
            format!("{} {}", s.id, s.name)
        };
        writeln!(
            out,
            "{:>4} {:<16} {:>12.0} {:>12.0} {:>7.1}%  {}",
            s.pick.rank,
            label,
            s.pick.newly_covered_population,
            s.pick.cumulative_population,
            if plan.total_population > 0.0 {
                100.0 * after / plan.total_population
            } else {
                0.0
            },
            s.unit
        )?;
    }
    if plan.sites.len() < args.count {
        writeln!(out, "{}", stopped_early(plan))?;
    }
    for p in written {
        writeln!(out, "wrote {}", p.display())?;
    }
    Ok(())
}

/// Why fewer sites than asked: everyone is covered, or the residents left
/// are off the network or out of reach of every candidate.
fn stopped_early(plan: &Plan) -> String {
    let added = plan
        .sites
        .last()
        .map_or(0.0, |s| s.pick.cumulative_population);
    let left = (plan.total_population - plan.covered_before - added).max(0.0);
    let n = plan.sites.len();
    if left < 0.5 {
        return format!("(only {n} sites add anyone: every resident is covered)");
    }
    let off = plan.unreachable_population.min(left);
    format!(
        "(only {n} sites add anyone: {left:.0} people remain uncovered, {off:.0} of them off the \
         walking network; no other candidate is within {:.0} m of the rest)",
        plan.walk_m
    )
}
