//! One run as `fitcircle analyze` makes it, in three calls, for callers
//! other than the command line (the Python package, `fitcircle batch`):
//! [`prepare`] (after loading: facilities required, the straight-line
//! note, targets, time windows), [`analyze`] (the study, its checks and
//! the assessment) and [`write()`] (every file of `--out`, staged and moved
//! into place together). The CLI goes through the same functions, so a run
//! made here writes the CLI's bytes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::Result;
use crate::analysis::gaps::{self, Assessment};
use crate::analysis::study::{self, Depth, Study};
use crate::analysis::windows::{self, Window};
use crate::config::Config;
use crate::input::{self, Inputs};
use crate::output::{self, OutputOptions};
use crate::progress::Progress;
use crate::targets::{Indicators, Targets};
use crate::timing::StageTime;

/// How the report is made: its language, base map and image size.
#[cfg(feature = "report")]
pub use crate::output::report::ReportOptions;

/// How the report is made; without the feature `report`, nothing.
#[cfg(not(feature = "report"))]
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions<'a>(std::marker::PhantomData<&'a ()>);

/// Loaded inputs with what a study needs next.
#[derive(Debug)]
pub struct Prepared {
    /// The inputs, the straight-line note added when there is no network.
    pub inputs: Inputs,
    /// The policy targets (`config.targets`, else the bundled ones).
    pub targets: Targets,
    /// The time windows of the config (or the default ones).
    pub windows: Vec<Window>,
}

/// The steps between loading and the study that `analyze` and `sites`
/// share: the check that there are facilities (`need_facilities`), the
/// straight-line note, targets and time windows.
pub fn prepare(
    config: &Config,
    title: &str,
    mut inputs: Inputs,
    need_facilities: bool,
) -> Result<Prepared> {
    if need_facilities {
        study::require_facilities(&inputs, title)?;
    }
    if inputs.network.is_none() {
        let detour = config.settings.detour_factor;
        inputs.notes.push(study::straight_line_note(detour));
    }
    let targets = match &config.targets {
        Some(p) => Targets::read(p)?,
        None => Targets::bundled(),
    };
    let windows = windows::from_config(config)?;
    Ok(Prepared {
        inputs,
        targets,
        windows,
    })
}

/// What an analysis computes beyond the config's settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// How far the study goes (coverage only, isochrones or not).
    pub depth: Depth,
    /// Keep the travel-time surfaces for `travel_time_<target>.tif`.
    pub travel_time_tif: bool,
    /// The scorecard's indicator list (default: the bundled one).
    pub indicators: Option<PathBuf>,
    /// Non-spatial indicator figures, CSV `id,value`.
    pub figures: Option<PathBuf>,
    /// Keep the walking minutes of the street network (for
    /// `network.geojson`).
    pub street_minutes: bool,
}

/// A finished analysis: what [`write()`] writes.
#[derive(Debug)]
pub struct Analysis {
    /// The inputs (the network moved into the study).
    pub inputs: Inputs,
    /// The study.
    pub study: Study,
    /// Gaps and the scorecard.
    pub assessment: Assessment,
    /// Warnings found after loading (opening hours, unused figures).
    pub warnings: Vec<String>,
    /// Time spent after the study: reading the indicators and figures
    /// (`indicators`), assessing (`gaps`).
    pub timings: Vec<StageTime>,
}

/// A study made, not yet assessed: what [`assess`] takes.
#[derive(Debug)]
pub struct Studied {
    /// The inputs (the network moved into the study).
    pub inputs: Inputs,
    /// The study.
    pub study: Study,
    /// Warnings found after loading (opening hours).
    pub warnings: Vec<String>,
}

/// The study, its checks (no infinite totals) and the assessment:
/// [`study()`] then [`assess`].
pub fn analyze(
    config: &Config,
    prepared: Prepared,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Analysis> {
    assess(study(config, prepared, options, progress)?, options)
}

/// The study and its checks (no infinite totals).
pub fn study(
    config: &Config,
    prepared: Prepared,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Studied> {
    let Prepared {
        mut inputs,
        targets,
        windows,
    } = prepared;
    let mut settings = config.settings;
    settings.travel_time_tif |= options.travel_time_tif;
    settings.street_minutes |= options.street_minutes;
    let study = study::run_taking_network_with_progress(
        &mut inputs,
        &settings,
        &targets,
        &windows,
        options.depth,
        progress,
    )?;
    output::validate::check_figures(config, &inputs, &study)?;
    // Opening hours not understood were named when the inputs were read
    // (file and row, or OSM element).
    let warnings: Vec<String> = Vec::new();
    Ok(Studied {
        inputs,
        study,
        warnings,
    })
}

/// The gaps and the scorecard of a study (the indicators and figures of
/// `options` read first); the warnings of `studied` come first in the
/// result's.
pub fn assess(studied: Studied, options: &Options) -> Result<Analysis> {
    let Studied {
        inputs,
        study,
        mut warnings,
    } = studied;
    let t = Instant::now();
    let indicators = match &options.indicators {
        Some(p) => Indicators::read(p)?,
        None => Indicators::bundled(),
    };
    let figures = match &options.figures {
        Some(p) => input::read_figures(p)?,
        None => Default::default(),
    };
    warnings.extend(gaps::unused_figures(&indicators, &figures));
    let mut timings = vec![StageTime::since("indicators", t)];
    let t = Instant::now();
    let assessment = gaps::assess(&inputs, &study, &indicators, &figures);
    timings.push(StageTime::since("gaps", t));
    Ok(Analysis {
        inputs,
        study,
        assessment,
        warnings,
        timings,
    })
}

/// The files [`write()`] moved into place, and how long each half took.
#[derive(Debug, Clone)]
pub struct Written {
    /// The final paths, in order.
    pub paths: Vec<PathBuf>,
    /// Writing the data files.
    pub files: Duration,
    /// Writing report.html and map.png.
    pub report: Duration,
}

/// Write the data files and (feature `report`) the report page and image,
/// which are independent, side by side into a staging folder inside
/// `out`, then move them into place together, `outputs.json` last
/// ([`output::staging`]).
pub fn write(
    out: &Path,
    title: &str,
    a: &Analysis,
    options: OutputOptions,
    look: &ReportOptions<'_>,
) -> Result<Written> {
    let staging = output::staging::Staging::begin(out)?;
    let dir = staging.dir();
    let timed = |f: &dyn Fn() -> Result<Vec<PathBuf>>| {
        let t = Instant::now();
        let r = f();
        (r, t.elapsed())
    };
    let files = || output::write_all(dir, title, &a.inputs, &a.study, &a.assessment, options);
    #[cfg(feature = "report")]
    let report = || {
        let (i, s, asm) = (&a.inputs, &a.study, Some(&a.assessment));
        output::report::write_files_with(dir, title, i, s, asm, look)
    };
    #[cfg(not(feature = "report"))]
    let report = || {
        let _ = look;
        Ok(Vec::new())
    };
    let ((files, files_time), (report, report_time)) =
        rayon::join(|| timed(&files), || timed(&report));
    let mut written = files?;
    written.extend(report?);
    Ok(Written {
        paths: staging.commit(&written, "analyze")?,
        files: files_time,
        report: report_time,
    })
}
