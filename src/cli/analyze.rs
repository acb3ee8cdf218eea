//! `fitcircle analyze`: load, study, assess, write, print.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use fitcircle::analysis::study::{Depth, Isochrones, Study};
use fitcircle::input::Inputs;
use fitcircle::output::report::{Lang, ReportOptions};
use fitcircle::output::trf;
use fitcircle::output::{self, OutputOptions};
use fitcircle::pipeline;
use fitcircle::timing::{self, StageTime};
use serde_json::json;

use super::args::AnalyzeArgs;
use super::print::{self, with_stage};
use super::run_config::RunConfig;
use super::{Prepared, check_out_folder, prepare};

/// Wall times of the steps after the study, for `--verbose`.
#[derive(Default)]
struct Times {
    write: Duration,
    files: Duration,
    report: Duration,
    print: Duration,
}

pub fn run(a: AnalyzeArgs) -> Result<()> {
    if a.dry_run {
        return super::check::run(&a.input, &a.settings, a.map.lang, a.output.quiet);
    }
    let analysis = execute(a)?;
    // The process exits next and the system takes its memory back in one
    // go; freeing millions of small allocations one by one first took
    // 0.3-0.4 s at 2M nodes (BENCHMARKS.md, fifth session).
    std::mem::forget(analysis);
    Ok(())
}

/// How far the study goes, from the flags.
pub fn depth_of(a: &AnalyzeArgs) -> Depth {
    if a.coverage_only {
        Depth::CoverageOnly
    } else if a.skip_isochrones {
        Depth::Full(Isochrones::None)
    } else if a.isochrones {
        Depth::Full(Isochrones::PerTargetAndFacility)
    } else {
        Depth::Full(Isochrones::PerTarget)
    }
}

/// What the analysis computes beyond the settings, from the flags.
pub fn options_of(a: &AnalyzeArgs) -> pipeline::Options {
    pipeline::Options {
        depth: depth_of(a),
        travel_time_tif: a.travel_time_tif,
        indicators: a.indicators.clone(),
        figures: a.figures.clone(),
        street_minutes: a.network_geojson,
    }
}

/// The optional files written besides the usual ones, from the flags.
pub fn output_options(a: &AnalyzeArgs, run: &RunConfig, lang: Lang) -> OutputOptions {
    OutputOptions {
        network_geojson: a.network_geojson,
        export_graph: a.export_graph,
        formats: run.formats,
        lang,
    }
}

/// `fitcircle analyze` up to the summary printed; returns the analysis
/// (`run` leaves it to the system, `batch` frees it before the next city).
pub fn execute(a: AnalyzeArgs) -> Result<pipeline::Analysis> {
    let t0 = Instant::now();
    let run = RunConfig::from_args(&a.input, &a.settings, &a.output)?;
    check_out_folder(
        &run,
        &a.input,
        &[
            ("indicators", a.indicators.as_ref()),
            ("figures", a.figures.as_ref()),
            ("font", a.map.font.as_ref()),
        ],
    )?;
    let (lang, font_warning) = super::language_and_font(&run, &a.map)?;
    let (basemap, map_size) = super::map_look(&a.map)?;
    let report_options = ReportOptions {
        lang,
        basemap: basemap.as_ref(),
        map_size,
        sites: None,
    };
    let Prepared {
        inputs,
        targets,
        windows,
        mut warnings,
        load_time,
        load_peak,
    } = prepare(&run, font_warning.into_iter().collect(), true, lang)?;
    let options = options_of(&a);
    let prepared = pipeline::Prepared {
        inputs,
        targets,
        windows,
    };
    let studied = super::progress::with_progress("analysing", |p| {
        pipeline::study(&run.config, prepared, &options, p)
    })?;
    if let Some(n) = a.check_sample {
        check_sample(&studied.inputs, &studied.study, n)?;
    }
    print::warnings(run.quiet, &studied.warnings);
    warnings.extend(studied.warnings.iter().cloned());
    let mut times = Times::default();
    let seen = studied.warnings.len();
    let analysis = with_stage("assessing", || pipeline::assess(studied, &options))?;
    print::warnings(run.quiet, &analysis.warnings[seen..]);
    warnings.extend(analysis.warnings[seen..].iter().cloned());
    let t = Instant::now();
    let options = output_options(&a, &run, lang);
    let written = write(&run, &analysis, &report_options, options, &mut times)?;
    times.write = t.elapsed();
    let t = Instant::now();
    print_summary(&run, &analysis, &written, &warnings, lang)?;
    times.print = t.elapsed();
    if run.verbose {
        let mut stages = vec![StageTime {
            name: "load",
            time: load_time,
            peak_rss: load_peak,
        }];
        stages.extend(analysis.inputs.timings.iter().cloned());
        stages.extend(analysis.study.timings.iter().cloned());
        stages.extend(analysis.timings.iter().cloned());
        stages.extend(after_study(&times, t0.elapsed()));
        print::timings(&stages);
    }
    Ok(analysis)
}

/// Recompute the nearest-facility distance of `n` communities with a plain
/// Dijkstra; any mismatch is an error.
fn check_sample(inputs: &Inputs, study: &Study, n: usize) -> Result<()> {
    let t = Instant::now();
    let check = fitcircle::analysis::verify::check_nearest_sample(study, n);
    eprintln!(
        "check: {} communities' nearest-facility distances recomputed with a plain Dijkstra \
         in {:.1} s: largest difference {:.2e} m, {} mismatches",
        check.checked,
        t.elapsed().as_secs_f64(),
        check.max_diff_m,
        check.mismatches.len()
    );
    if let Some((c, table, plain)) = check.mismatches.first() {
        bail!(
            "check failed: community {} ({}): coverage table {table:?} m, plain Dijkstra \
             {plain:?} m",
            c,
            inputs.communities[c.get()].id
        );
    }
    Ok(())
}

/// Write every file into `--out` ([`pipeline::write`]: staged, then
/// moved into place together). Returns the final paths.
fn write(
    run: &RunConfig,
    analysis: &pipeline::Analysis,
    report_options: &ReportOptions<'_>,
    options: OutputOptions,
    times: &mut Times,
) -> Result<Vec<PathBuf>> {
    let title = run.title();
    let written = with_stage("output", || {
        pipeline::write(&run.out, &title, analysis, options, report_options)
    })?;
    times.files = written.files;
    times.report = written.report;
    Ok(written.paths)
}

/// The summary on stdout: JSON, or the text summary and the files written.
fn print_summary(
    run: &RunConfig,
    analysis: &pipeline::Analysis,
    written: &[PathBuf],
    warnings: &[String],
    lang: Lang,
) -> Result<()> {
    let (inputs, study, assessment) = (&analysis.inputs, &analysis.study, &analysis.assessment);
    let title = run.title();
    let cfg = &run.config;
    if run.json {
        let mut v = output::summary::json(&title, inputs, study, assessment, written, warnings);
        v["attribution"] = json!(cfg.attribution);
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else if !run.quiet {
        let text = output::summary::render(&title, inputs, study, assessment, lang);
        let mut out = std::io::stdout().lock();
        write!(out, "{text}")?;
        writeln!(out)?;
        for p in written {
            let path = p.display().to_string();
            writeln!(out, "{}", trf(lang, "t.wrote", &[("path", path)]))?;
        }
        for line in &cfg.attribution {
            writeln!(out, "{}", trf(lang, "t.data", &[("line", line.clone())]))?;
        }
    }
    Ok(())
}

/// The `--verbose` rows of the steps after the study.
fn after_study(times: &Times, total: Duration) -> Vec<StageTime> {
    [
        ("write", times.write),
        ("  files", times.files),
        ("  report", times.report),
        ("print", times.print),
        ("total", total),
    ]
    .into_iter()
    .map(|(name, time)| StageTime {
        name,
        time,
        // Sub-stages (indented) share their stage's peak.
        peak_rss: if name.starts_with(' ') {
            None
        } else {
            timing::peak_rss()
        },
    })
    .collect()
}
