//! How progress is shown (`--progress`): a spinner or bar on a terminal
//! (indicatif hides them in pipes and CI), one JSON line per update on
//! stderr for GUIs and notebooks, or nothing. The library reports through
//! [`fitcircle::progress::Progress`]; this module draws.

use std::io::Write;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

/// `--progress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Mode {
    /// A spinner or bar on a terminal; nothing when stderr is not one.
    #[default]
    Auto,
    /// One JSON object per line on stderr: {"stage", "done", "total",
    /// "elapsed_s"} (also with --quiet).
    Json,
    /// Nothing.
    None,
}

static MODE: OnceLock<(Mode, Instant)> = OnceLock::new();

/// Set the mode for the process (the first call wins).
pub fn set_mode(mode: Mode) {
    let _ = MODE.set((mode, Instant::now()));
}

fn mode() -> (Mode, Instant) {
    *MODE.get_or_init(|| (Mode::Auto, Instant::now()))
}

/// One JSON progress line on stderr.
fn json_line(stage: &str, done: u64, total: u64, start: Instant) {
    let v = serde_json::json!({
        "stage": stage,
        "done": done,
        "total": total,
        "elapsed_s": (start.elapsed().as_secs_f64() * 1e3).round() / 1e3,
    });
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{v}");
}

/// A spinner on stderr naming a stage, with the time it has taken so far;
/// hidden unless the mode is `auto`, stderr a terminal and not `quiet`.
fn spinner(quiet: bool, name: &str) -> ProgressBar {
    if quiet || mode().0 != Mode::Auto {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        pb.set_style(style);
    }
    pb.set_message(name.to_string());
    if !pb.is_hidden() {
        pb.enable_steady_tick(Duration::from_millis(120));
    }
    pb
}

/// Run `work` as stage `name`: under a spinner, or between two JSON lines
/// (done 0 of 1, then 1 of 1).
pub fn with_stage<T>(quiet: bool, name: &str, work: impl FnOnce() -> T) -> T {
    let (m, start) = mode();
    if m == Mode::Json {
        json_line(name, 0, 1, start);
    }
    let pb = spinner(quiet, name);
    let out = work();
    pb.finish_and_clear();
    if m == Mode::Json {
        json_line(name, 1, 1, start);
    }
    out
}

/// Run `work`, handing it a [`fitcircle::progress::Progress`] that moves a
/// bar with counts and an estimate (auto) or writes JSON lines.
pub fn with_progress<T>(
    quiet: bool,
    name: &str,
    work: impl FnOnce(&dyn fitcircle::progress::Progress) -> T,
) -> T {
    let (m, start) = mode();
    let bar = if quiet || m != Mode::Auto {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::new(1);
        let template =
            "{spinner} {msg} [{bar:20}] {pos}/{len} stages ({elapsed}, about {eta} left)";
        if let Ok(style) = ProgressStyle::with_template(template) {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(name.to_string());
        if !pb.is_hidden() {
            pb.enable_steady_tick(Duration::from_millis(120));
        }
        pb
    };
    let reporter = Reporter {
        bar: bar.clone(),
        json: m == Mode::Json,
        prefix: name,
        start,
    };
    let out = work(&reporter);
    bar.finish_and_clear();
    out
}

struct Reporter<'a> {
    bar: ProgressBar,
    json: bool,
    prefix: &'a str,
    start: Instant,
}

impl fitcircle::progress::Progress for Reporter<'_> {
    fn update(&self, name: &str, done: u64, total: u64) {
        if self.json {
            json_line(name, done, total, self.start);
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
        self.bar.set_message(format!("{}: {name}", self.prefix));
    }
}
