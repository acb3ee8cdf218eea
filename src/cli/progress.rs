//! How progress is shown (`--progress`): on a terminal a spinner naming
//! the stage, which turns into a bar with counts and an estimate while a
//! long stage counts its work (indicatif hides both in pipes and CI); one
//! JSON line per update on stderr for GUIs and notebooks; or nothing.
//!
//! The library reports through [`fitcircle::progress`]: the run's stages
//! as stage `analysis` (to the [`fitcircle::progress::Progress`] handed
//! to it) and the counts inside long stages (`decoding`, `snapping`,
//! `searching`, `nearest`, `catchments`, `bands`, `isochrones`, `writing`,
//! `report`) to the process's sink, which is the [`Display`] installed by
//! [`init`]. Updates are rate-limited here (at most one line per stage per
//! [`MIN_GAP`], besides each stage's start and end) and made monotone (an
//! update from a slower worker thread that arrives after a larger count is
//! dropped; a stage that runs again starts again at 0).

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use clap::ValueEnum;
use fitcircle::output::{Lang, trf};
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

/// Least time between two JSON lines of one stage (its start and end are
/// always written).
const MIN_GAP: Duration = Duration::from_millis(100);

/// What one stage last reported.
struct Seen {
    done: u64,
    at: Instant,
}

/// Draws progress: the bar (hidden unless the mode is `auto`, stderr a
/// terminal and not `--quiet`) or JSON lines.
pub struct Display {
    mode: Mode,
    /// Bars are drawn: mode `auto` and not `--quiet` (indicatif then draws
    /// only on a terminal).
    visible: bool,
    start: Instant,
    /// The current stage's spinner or bar (hidden between stages).
    bar: Mutex<ProgressBar>,
    state: Mutex<State>,
}

struct State {
    lang: Lang,
    stages: HashMap<String, Seen>,
    /// The label of the stage the spinner names (`with_stage`).
    spinner: String,
}

static DISPLAY: OnceLock<Arc<Display>> = OnceLock::new();

/// Set up progress for the process (the first call wins) and install it
/// as the library's sink.
pub fn init(mode: Mode, quiet: bool) {
    let d = DISPLAY.get_or_init(|| {
        Arc::new(Display {
            mode,
            visible: mode == Mode::Auto && !quiet,
            start: Instant::now(),
            bar: Mutex::new(ProgressBar::hidden()),
            state: Mutex::new(State {
                lang: Lang::En,
                stages: HashMap::new(),
                spinner: String::new(),
            }),
        })
    });
    if mode != Mode::None {
        fitcircle::progress::set_sink(Some(d.clone() as fitcircle::progress::Sink));
    }
}

/// The display [`init`] set up, else a silent one (the Python package
/// never calls `init`). Not `get_or_init(|| init(..))`: initialising the
/// cell again from inside its own initialiser deadlocks.
fn display() -> &'static Arc<Display> {
    if DISPLAY.get().is_none() {
        init(Mode::None, true);
    }
    DISPLAY.get().expect("initialised")
}

/// The language of the terminal (stage labels, warnings) from now on.
pub fn set_lang(lang: Lang) {
    display().lock().lang = lang;
}

/// The language of the terminal ([`set_lang`]; English until set).
pub fn lang() -> Lang {
    display().lock().lang
}

/// The label of stage `key` in `lang` (`progress.<key>` in the string
/// table), else the key.
fn label(lang: Lang, key: &str) -> String {
    let k = format!("progress.{key}");
    if fitcircle::output::has_label(&k) {
        trf(lang, &k, &[])
    } else {
        key.to_string()
    }
}

impl Display {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One JSON progress line on stderr.
    fn json_line(&self, stage: &str, done: u64, total: u64) {
        let v = serde_json::json!({
            "stage": stage,
            "done": done,
            "total": total,
            "elapsed_s": (self.start.elapsed().as_secs_f64() * 1e3).round() / 1e3,
        });
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{v}");
    }

    /// Keep `done` of `stage` if it moves the stage on (a new run at 0, a
    /// larger count) and is due (its end, or [`MIN_GAP`] after the last).
    fn admit(&self, state: &mut State, stage: &str, done: u64, total: u64) -> bool {
        let now = Instant::now();
        match state.stages.get_mut(stage) {
            Some(seen) if done != 0 => {
                if done <= seen.done {
                    return false;
                }
                if done < total && now.duration_since(seen.at) < MIN_GAP {
                    return false;
                }
                seen.done = done;
                seen.at = now;
            }
            _ => {
                state
                    .stages
                    .insert(stage.to_string(), Seen { done, at: now });
            }
        }
        true
    }

    fn bar(&self) -> std::sync::MutexGuard<'_, ProgressBar> {
        self.bar.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current bar shows a spinner naming `label`.
    fn spin(&self, label: &str) {
        let bar = self.bar();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(label.to_string());
    }

    /// The current bar shows a counting stage: its label, counts and
    /// estimate.
    fn count(&self, lang: Lang, stage: &str, done: u64, total: u64) {
        let bar = self.bar();
        bar.set_length(total);
        bar.set_position(done);
        if done == 0 {
            bar.reset();
            let template = format!(
                "{{spinner}} {{msg}} [{{bar:24}}] {{pos}}/{{len}} ({})",
                trf(lang, "progress.eta", &[])
            );
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(label(lang, stage));
        }
    }
}

impl fitcircle::progress::Progress for Display {
    fn update(&self, stage: &str, done: u64, total: u64) {
        let mut state = self.lock();
        if !self.admit(&mut state, stage, done, total) {
            return;
        }
        match self.mode {
            Mode::Json => self.json_line(stage, done, total),
            Mode::Auto if self.visible && stage != "analysis" => {
                if done >= total {
                    let spinner = state.spinner.clone();
                    drop(state);
                    self.spin(&spinner);
                } else {
                    let lang = state.lang;
                    drop(state);
                    self.count(lang, stage, done, total);
                }
            }
            _ => {}
        }
    }
}

/// Run `work` as stage `key` (`loading`, `assessing`, ...): under a
/// spinner naming it, or between two JSON lines (done 0 of 1, then 1 of 1).
pub fn with_stage<T>(key: &str, work: impl FnOnce() -> T) -> T {
    let d = display();
    let text = {
        let mut state = d.lock();
        state.spinner = label(state.lang, key);
        state.spinner.clone()
    };
    use fitcircle::progress::Progress as _;
    if d.mode == Mode::Json {
        d.update(key, 0, 1);
    }
    if d.visible {
        let bar = ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        *d.bar() = bar;
        d.spin(&text);
    }
    let out = work();
    let bar = std::mem::replace(&mut *d.bar(), ProgressBar::hidden());
    bar.finish_and_clear();
    if d.mode == Mode::Json {
        d.update(key, 1, 1);
    }
    out
}

/// Run `work` as stage `key`, handing it the display as the
/// [`fitcircle::progress::Progress`] of the run's stages.
pub fn with_progress<T>(
    key: &str,
    work: impl FnOnce(&dyn fitcircle::progress::Progress) -> T,
) -> T {
    let d = display().clone();
    with_stage(key, || work(d.as_ref()))
}
