//! Progress of long work. The library says which stage it is in and how far
//! along; whoever drives it (the binary: a bar or JSON lines) decides how
//! to show it. Bottom layer: no imports from the crate.
//!
//! Two levels:
//!
//! - **steps of a run**: [`crate::analysis::study::run_taking_network_with_progress`]
//!   reports its stages to the [`Progress`] it is handed, as stage
//!   `analysis`, `done` stages of the total;
//! - **counts inside a long stage**: decoding a PBF file (blocks), snapping
//!   (items), searches (facilities, or categories in a coverage-only run),
//!   catchments (communities), walking bands (targets) and isochrones
//!   (facilities), writing (files) report through a [`Counter`] to the
//!   process's sink ([`set_sink`]). The sink is process-wide, like the
//!   terminal it usually draws on: the binary installs one; a library
//!   caller that installs none pays one relaxed atomic read per stage.
//!
//! A [`Counter`] reports at most about [`UPDATES`] times per stage (when
//! its count crosses a step) and always its start (`0`) and its end
//! (`done == total`), so the cost inside a loop is one atomic addition.
//! Updates from parallel threads can arrive out of order: a sink that
//! needs monotone counts keeps the largest seen per stage.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// Receives progress updates. Called from the thread doing the work (any
/// of the worker threads for parallel stages).
pub trait Progress: Sync {
    /// Stage `name` has `done` of `total` steps behind it (`done == total`:
    /// finished).
    fn update(&self, name: &str, done: u64, total: u64);
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _name: &str, _done: u64, _total: u64) {}
}

/// A sink shared across threads.
pub type Sink = Arc<dyn Progress + Send + Sync>;

/// About this many updates per stage at most (besides the start and end).
pub const UPDATES: u64 = 100;

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
/// Set while a sink is installed, so counters skip the lock otherwise.
static HAS_SINK: AtomicBool = AtomicBool::new(false);

/// Install `sink` as the process's progress sink (`None`: report nothing).
/// The counters of the long stages report to it from then on.
pub fn set_sink(sink: Option<Sink>) {
    let mut slot = SINK.write().unwrap_or_else(|e| e.into_inner());
    HAS_SINK.store(sink.is_some(), Ordering::Relaxed);
    *slot = sink;
}

fn current_sink() -> Option<Sink> {
    if !HAS_SINK.load(Ordering::Relaxed) {
        return None;
    }
    SINK.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Counts the steps of one stage and reports them, rate-limited, to a
/// sink. Shared by reference between worker threads.
pub struct Counter {
    sink: Option<Sink>,
    stage: &'static str,
    total: u64,
    step: u64,
    done: AtomicU64,
}

impl std::fmt::Debug for Counter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Counter")
            .field("stage", &self.stage)
            .field("total", &self.total)
            .field("done", &self.done.load(Ordering::Relaxed))
            .finish()
    }
}

impl Counter {
    /// A counter of `total` steps of `stage` reporting to the process's
    /// sink ([`set_sink`]); reports `0` of `total` now.
    pub fn start(stage: &'static str, total: u64) -> Counter {
        Counter::with_sink(current_sink(), stage, total)
    }

    /// A counter reporting to `sink` (`None`: nowhere); reports `0` of
    /// `total` now.
    pub fn with_sink(sink: Option<Sink>, stage: &'static str, total: u64) -> Counter {
        if let Some(s) = &sink {
            s.update(stage, 0, total);
        }
        Counter {
            sink,
            stage,
            total,
            step: (total / UPDATES).max(1),
            done: AtomicU64::new(0),
        }
    }

    /// `n` more steps done. Reports when the count crosses a step of
    /// `total / UPDATES`, and when it reaches the total.
    pub fn add(&self, n: u64) {
        let Some(sink) = &self.sink else { return };
        if n == 0 {
            return;
        }
        let before = self.done.fetch_add(n, Ordering::Relaxed);
        let after = (before + n).min(self.total);
        let crossed = after / self.step != before / self.step;
        if (crossed || after == self.total) && before < self.total {
            sink.update(self.stage, after, self.total);
        }
    }

    /// The stage is over: reports `total` of `total` unless the count
    /// already did (some steps may have been skipped).
    pub fn finish(&self) {
        let Some(sink) = &self.sink else { return };
        let before = self.done.swap(self.total, Ordering::Relaxed);
        if before < self.total {
            sink.update(self.stage, self.total, self.total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Record(Mutex<Vec<(String, u64, u64)>>);

    impl Progress for Record {
        fn update(&self, name: &str, done: u64, total: u64) {
            self.0
                .lock()
                .expect("lock")
                .push((name.to_string(), done, total));
        }
    }

    #[test]
    fn counter_reports_start_steps_and_end_at_most_about_updates_times() {
        let rec = Arc::new(Record::default());
        let c = Counter::with_sink(Some(rec.clone()), "searching", 1000);
        for _ in 0..1000 {
            c.add(1);
        }
        c.finish();
        let got = rec.0.lock().expect("lock").clone();
        assert_eq!(got.first(), Some(&("searching".to_string(), 0, 1000)));
        assert_eq!(got.last(), Some(&("searching".to_string(), 1000, 1000)));
        // 0, then every 10 steps: 101 updates; finish adds none.
        assert_eq!(got.len(), 101);
        assert!(got.windows(2).all(|w| w[0].1 < w[1].1));
    }

    #[test]
    fn counter_from_threads_reaches_the_total_once() {
        let rec = Arc::new(Record::default());
        let c = Counter::with_sink(Some(rec.clone()), "snapping", 777);
        std::thread::scope(|s| {
            for _ in 0..7 {
                s.spawn(|| {
                    for _ in 0..111 {
                        c.add(1);
                    }
                });
            }
        });
        c.finish();
        let got = rec.0.lock().expect("lock").clone();
        let ends = got.iter().filter(|u| u.1 == 777).count();
        assert_eq!(ends, 1, "{got:?}");
        assert!(got.iter().all(|u| u.1 <= u.2 && u.2 == 777));
        assert!(got.len() <= 2 + 777 / 7 + 1);
    }

    #[test]
    fn finish_reports_the_end_when_steps_were_skipped_and_empty_stages_end() {
        let rec = Arc::new(Record::default());
        let c = Counter::with_sink(Some(rec.clone()), "writing", 5);
        c.add(2);
        c.finish();
        c.finish();
        let empty = Counter::with_sink(Some(rec.clone()), "bands", 0);
        empty.finish();
        let got = rec.0.lock().expect("lock").clone();
        let w: Vec<u64> = got
            .iter()
            .filter(|u| u.0 == "writing")
            .map(|u| u.1)
            .collect();
        assert_eq!(w, [0, 2, 5]);
        let b: Vec<(u64, u64)> = got
            .iter()
            .filter(|u| u.0 == "bands")
            .map(|u| (u.1, u.2))
            .collect();
        assert_eq!(b, [(0, 0)]);
    }

    #[test]
    fn no_sink_no_reports() {
        let c = Counter::with_sink(None, "x", 3);
        c.add(3);
        c.finish();
        assert_eq!(c.done.load(Ordering::Relaxed), 0);
    }
}
