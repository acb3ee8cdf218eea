//! What the binary prints on the terminal besides the library's summary:
//! progress spinners, warnings and stage timings on stderr.

use std::time::Duration;

use fitcircle::timing::StageTime;
use indicatif::{ProgressBar, ProgressStyle};

/// A spinner on stderr naming a stage, with the time it has taken so far.
/// indicatif hides it when stderr is not a terminal (or `TERM` is unset or
/// `dumb`); `quiet` hides it always. Clear it with `finish_and_clear`.
pub fn stage(quiet: bool, name: &str) -> ProgressBar {
    if quiet {
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

/// Run `work` under a spinner named `name`.
pub fn with_stage<T>(quiet: bool, name: &str, work: impl FnOnce() -> T) -> T {
    let pb = stage(quiet, name);
    let out = work();
    pb.finish_and_clear();
    out
}

/// Each warning on stderr, unless quiet.
pub fn warnings(quiet: bool, warnings: &[String]) {
    if !quiet {
        for w in warnings {
            eprintln!("warning: {w}");
        }
    }
}

/// The stage timings table of `--verbose`, with the peak memory so far.
pub fn timings(stages: &[StageTime]) {
    eprintln!("stage timings (peak memory so far):");
    for s in stages {
        let peak = s
            .peak_rss
            .map(|b| format!("{:>8.0} MB", b as f64 / 1e6))
            .unwrap_or_default();
        eprintln!(
            "  {:<12} {:>9.1} ms {peak}",
            s.name,
            s.time.as_secs_f64() * 1e3
        );
    }
}
