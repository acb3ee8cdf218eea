//! What the binary prints on the terminal besides the library's summary:
//! progress spinners, warnings and stage timings on stderr.

use fitcircle::timing::StageTime;

pub use super::progress::with_stage;

/// Each warning on stderr, unless quiet, in the terminal's language
/// ([`fitcircle::output::warning`]).
pub fn warnings(quiet: bool, warnings: &[String]) {
    if !quiet {
        let lang = super::progress::lang();
        for w in warnings {
            eprintln!("{}", fitcircle::output::warning(lang, w));
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
