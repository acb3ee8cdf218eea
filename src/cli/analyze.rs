//! `fitcircle analyze`: load, study, assess, write, print.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use fitcircle::analysis::gaps::{self, Assessment};
use fitcircle::analysis::study::{self, Depth, Isochrones, Study};
use fitcircle::input::{self, Inputs};
use fitcircle::output::report::{Lang, ReportOptions};
use fitcircle::output::trf;
use fitcircle::output::{self, OutputOptions};
use fitcircle::targets::Indicators;
use fitcircle::timing::{self, StageTime};
use serde_json::json;

use super::args::AnalyzeArgs;
use super::print::{self, with_stage};
use super::run_config::RunConfig;
use super::{Prepared, check_out_folder, prepare};

/// Wall times of the steps after the study, for `--verbose`.
#[derive(Default)]
struct Times {
    indicators: Duration,
    gaps: Duration,
    write: Duration,
    files: Duration,
    report: Duration,
    print: Duration,
}

pub fn run(a: AnalyzeArgs) -> Result<()> {
    if a.dry_run {
        return super::check::run(&a.input, &a.settings, a.map.lang, a.output.quiet);
    }
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
        mut inputs,
        targets,
        windows,
        mut warnings,
        load_time,
        load_peak,
    } = prepare(&run, font_warning.into_iter().collect(), true, lang)?;
    let depth = if a.coverage_only {
        Depth::CoverageOnly
    } else if a.skip_isochrones {
        Depth::Full(Isochrones::None)
    } else if a.isochrones {
        Depth::Full(Isochrones::PerTargetAndFacility)
    } else {
        Depth::Full(Isochrones::PerTarget)
    };
    let study = super::progress::with_progress("analysing", |p| {
        let mut settings = run.config.settings;
        settings.travel_time_tif |= a.travel_time_tif;
        settings.street_minutes |= a.network_geojson;
        study::run_taking_network_with_progress(
            &mut inputs,
            &settings,
            &targets,
            &windows,
            depth,
            p,
        )
    })?;
    // No output is drawn from an infinite total (a chart axis up to
    // infinity, a share of inf / inf).
    output::validate::check_figures(&run.config, &inputs, &study)?;
    if let Some(n) = a.check_sample {
        check_sample(&inputs, &study, n)?;
    }
    let mut times = Times::default();
    let t = Instant::now();
    // Opening hours not understood were named when the inputs were read
    // (file and row, or OSM element).
    let indicators = match &a.indicators {
        Some(p) => Indicators::read(p)?,
        None => Indicators::bundled(),
    };
    let figures = match &a.figures {
        Some(p) => input::read_figures(p)?,
        None => Default::default(),
    };
    let unused = gaps::unused_figures(&indicators, &figures);
    print::warnings(run.quiet, &unused);
    warnings.extend(unused);
    times.indicators = t.elapsed();
    let t = Instant::now();
    let assessment = with_stage("assessing", || {
        gaps::assess(&inputs, &study, &indicators, &figures)
    });
    times.gaps = t.elapsed();
    let t = Instant::now();
    let written = write(
        &a,
        &run,
        (&inputs, &study, &assessment),
        &report_options,
        &mut times,
    )?;
    times.write = t.elapsed();
    let t = Instant::now();
    print_summary(
        &run,
        &inputs,
        &study,
        &assessment,
        &written,
        &warnings,
        lang,
    )?;
    times.print = t.elapsed();
    if run.verbose {
        let mut stages = vec![StageTime {
            name: "load",
            time: load_time,
            peak_rss: load_peak,
        }];
        stages.extend(inputs.timings.iter().cloned());
        stages.extend(study.timings.iter().cloned());
        stages.extend(after_study(&times, t0.elapsed()));
        print::timings(&stages);
    }
    // The process exits next and the system takes its memory back in one
    // go; freeing millions of small allocations one by one first took
    // 0.3-0.4 s at 2M nodes (BENCHMARKS.md, fifth session).
    std::mem::forget((inputs, study, assessment));
    Ok(())
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

/// Write the data files and the report (page + image), which are
/// independent, side by side, into a staging folder inside `--out`; then
/// move them into place together, `outputs.json` last
/// ([`output::staging`]). Returns the final paths.
fn write(
    a: &AnalyzeArgs,
    run: &RunConfig,
    (inputs, study, assessment): (&Inputs, &Study, &Assessment),
    report_options: &ReportOptions<'_>,
    times: &mut Times,
) -> Result<Vec<PathBuf>> {
    let lang = report_options.lang;
    let title = run.title();
    let staging = output::staging::Staging::begin(&run.out)?;
    let dir = staging.dir();
    let (files, report) = with_stage("output", || {
        rayon::join(
            || {
                let t = Instant::now();
                let options = OutputOptions {
                    network_geojson: a.network_geojson,
                    export_graph: a.export_graph,
                    formats: run.formats,
                    lang,
                };
                let r = output::write_all(dir, &title, inputs, study, assessment, options);
                (r, t.elapsed())
            },
            || {
                let t = Instant::now();
                let r = output::report::write_files_with(
                    dir,
                    &title,
                    inputs,
                    study,
                    Some(assessment),
                    report_options,
                );
                (r, t.elapsed())
            },
        )
    });
    let (files, files_time) = files;
    let (report, report_time) = report;
    times.files = files_time;
    times.report = report_time;
    let mut written = files?;
    written.extend(report?);
    Ok(staging.commit(&written, "analyze")?)
}

/// The summary on stdout: JSON, or the text summary and the files written.
fn print_summary(
    run: &RunConfig,
    inputs: &Inputs,
    study: &Study,
    assessment: &Assessment,
    written: &[PathBuf],
    warnings: &[String],
    lang: Lang,
) -> Result<()> {
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
        ("indicators", times.indicators),
        ("gaps", times.gaps),
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
