//! Opening hours and named time windows.
//!
//! Coverage can be computed per time window ("who is covered on weekday
//! evenings?"). A facility counts in a window only when it is open in it.
//!
//! # Opening hours
//!
//! [`parse_opening_hours`] reads the common subset of the OSM
//! `opening_hours` syntax into a [`Schedule`]: the weekly open intervals, in
//! minutes of the week (Monday 00:00 = 0, one week = 10080). The subset:
//!
//! - rules separated by `;`; a later rule replaces what earlier rules said
//!   about the days it names (including the spill-over of an earlier
//!   overnight span into those days), as in the specification;
//! - additional rules separated by `,` (`Mo-Fr 18:00-21:00, Sa 08:00-12:00`):
//!   they add to the days they name instead of replacing them;
//! - day selectors `Mo`..`Su`, ranges (`Mo-Fr`, wrapping `Fr-Mo`) and comma
//!   lists (`Sa,Su`); a rule without days applies to every day and a rule
//!   without times to the whole day;
//! - time spans `HH:MM-HH:MM`, comma separated; an end at or before the start
//!   (`22:00-02:00`) or past 24:00 (`22:00-26:00`) runs into the next day
//!   (Sunday into Monday);
//! - `24/7`, and the modifiers `off` / `closed` (a rule with times closes only
//!   those times: `Mo-Fr 08:00-18:00; We 12:00-14:00 off`) and `open`;
//! - `sunrise` / `sunset` are **approximated as 06:00 / 18:00** (no location or
//!   date is known here); the schedule carries a note saying so;
//! - public and school holidays (`PH`, `SH`) cannot be placed in a generic
//!   week: they are dropped from day lists and rules naming only them
//!   (`PH off`) are ignored, with a note.
//!
//! Leniencies seen in real data are accepted: day names and keywords in any
//! case, one-digit hours (`8:00`), spaces around `-` and `,`, an en dash `–`
//! for `-`, and empty rules (`Mo-Fr 08:00-12:00;`). `Sa, Su 10:00-12:00` is
//! read as one day list (the specification would read `Sa, ` as a separate
//! all-day rule). Anything else (months, weeks, years, `dawn`/`dusk`, sun
//! offsets, open ends `17:00+`, comments, `||` fallbacks, `unknown`, ...) is
//! an `Err` quoting the part not understood. Parsing never panics; callers
//! warn and treat the facility's hours as unknown (pass `None` to
//! [`counts_in_window`]).
//!
//! Checked against the `opening-hours` crate (2.1.4): identical weekly
//! schedules on 20,000 random rule strings without overnight spans. With
//! overnight spans the two differ only when rules override each other: here
//! the spill-over past midnight belongs to the day it starts on and is
//! replaced only by a *later* rule naming the next day, while that crate
//! takes it from whichever rule decides the next day. That crate is not used:
//! it adds about 20 crates (pest, stacker/psm built with a C compiler,
//! chrono, a compiled-in holiday database), needs Rust 1.88 (this crate
//! declares 1.85) and evaluates calendar dates rather than a generic week.
//!
//! # Windows
//!
//! A [`Window`] is a named weekly time window; [`default_windows`] gives
//! `weekday_daytime` (Mo-Fr 08:00-17:00), `weekday_evening` (Mo-Fr
//! 17:00-22:00), `weekend` (Sa,Su 08:00-20:00) and `any_time` (24/7);
//! [`parse_window`] reads config strings such as `Mo-Fr 17:00-22:00`.
//!
//! # Counting rule
//!
//! See [`counts_in_window`].

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

/// Minutes in a day.
pub const MINUTES_PER_DAY: u32 = 1440;
/// Minutes in a week.
pub const MINUTES_PER_WEEK: u32 = 7 * MINUTES_PER_DAY;
/// Default for `min_open_minutes` in [`counts_in_window`]: a facility must be
/// open at least one hour (summed over the week) in a window to count in it.
pub const DEFAULT_MIN_OPEN_MINUTES: u32 = 60;
/// `sunrise` is approximated as 06:00.
pub const SUNRISE_MIN: u32 = 6 * 60;
/// `sunset` is approximated as 18:00.
pub const SUNSET_MIN: u32 = 18 * 60;

/// Two-letter day names, Monday first.
pub const DAY_NAMES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

const ALL_DAYS: [bool; 7] = [true; 7];
const SUN_NOTE: &str = "sunrise/sunset approximated as 06:00/18:00";
const PH_NOTE: &str = "public holiday (PH) selectors ignored";
const SH_NOTE: &str = "school holiday (SH) selectors ignored";

// ---------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------

/// A named weekly time window: the same span of the day on each chosen day.
///
/// `start_min` is in `0..1440`; `end_min` is in `start_min + 1 ..=
/// start_min + 1440`, so a value above 1440 runs into the next day (a window
/// `Fr,Sa 20:00-02:00` has `start_min = 1200`, `end_min = 1560`).
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Name of the window as configured (e.g. `any_time`), used in outputs.
    pub name: String,
    /// Monday first.
    pub days: [bool; 7],
    /// Start, minutes after midnight (`0..1440`).
    pub start_min: u32,
    /// End, minutes after midnight of the start day (above 1440 runs into the
    /// next day).
    pub end_min: u32,
}

impl Window {
    /// The whole week (`24/7`), named `any_time`.
    pub fn any_time() -> Window {
        Window {
            name: "any_time".to_string(),
            days: ALL_DAYS,
            start_min: 0,
            end_min: MINUTES_PER_DAY,
        }
    }

    /// Length of the window summed over the week, in minutes.
    pub fn minutes_per_week(&self) -> u32 {
        let per_day = self.end_min.saturating_sub(self.start_min);
        self.days.iter().filter(|d| **d).count() as u32 * per_day
    }

    /// The window as sorted, disjoint minute-of-week intervals.
    pub fn intervals(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for (d, on) in self.days.iter().enumerate() {
            if !on {
                continue;
            }
            let base = d as u32 * MINUTES_PER_DAY;
            push_wrapped(&mut out, base + self.start_min, base + self.end_min);
        }
        normalize(&mut out);
        out
    }

    /// The window in config syntax, e.g. `Mo-Fr 17:00-22:00` (`24/7` for the
    /// whole week). [`parse_window`] reads it back.
    pub fn spec(&self) -> String {
        if self.days == ALL_DAYS && self.start_min == 0 && self.end_min == MINUTES_PER_DAY {
            return "24/7".to_string();
        }
        format!(
            "{} {}-{}",
            format_days(&self.days),
            format_hm(self.start_min),
            format_hm(self.end_min)
        )
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.spec())
    }
}

/// The default windows: `weekday_daytime` (Mo-Fr 08:00-17:00),
/// `weekday_evening` (Mo-Fr 17:00-22:00), `weekend` (Sa,Su 08:00-20:00) and
/// `any_time` (24/7), in that order.
pub fn default_windows() -> Vec<Window> {
    let weekdays = [true, true, true, true, true, false, false];
    let weekend = [false, false, false, false, false, true, true];
    vec![
        Window {
            name: "weekday_daytime".to_string(),
            days: weekdays,
            start_min: 8 * 60,
            end_min: 17 * 60,
        },
        Window {
            name: "weekday_evening".to_string(),
            days: weekdays,
            start_min: 17 * 60,
            end_min: 22 * 60,
        },
        Window {
            name: "weekend".to_string(),
            days: weekend,
            start_min: 8 * 60,
            end_min: 20 * 60,
        },
        Window::any_time(),
    ]
}

/// The config's `[[windows]]`, or the default windows when it has none.
/// Errors name the config and the window.
pub fn from_config(cfg: &crate::config::Config) -> crate::Result<Vec<Window>> {
    if cfg.windows.is_empty() {
        return Ok(default_windows());
    }
    cfg.windows
        .iter()
        .map(|w| {
            parse_window(&w.name, &w.hours).map_err(|e| {
                crate::Error::config(cfg.origin.clone(), format!("window {:?}: {e}", w.name))
            })
        })
        .collect()
}

/// Parse a window from a config string: optional days and at most one time
/// span, e.g. `Mo-Fr 17:00-22:00`, `Sa,Su 08:00-20:00`, `Fr,Sa 20:00-02:00`,
/// `Sa` (whole day), `08:00-12:00` (every day), `24/7`. No modifiers, no
/// holidays, no second rule.
pub fn parse_window(name: &str, spec: &str) -> Result<Window, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("time window {spec:?} has an empty name"));
    }
    let bad = |why: &str| format!("time window {name:?} = {spec:?}: {why}");
    let mut parsed = parse_rules(spec).map_err(|e| bad(&e))?;
    if parsed.rules.len() != 1 {
        return Err(bad(
            "expected one rule: days and one time span, e.g. \"Mo-Fr 17:00-22:00\"",
        ));
    }
    let rule = parsed.rules.remove(0);
    if rule.modifier.is_some() {
        return Err(bad("open/off/closed are not allowed in a window"));
    }
    if rule.holiday {
        return Err(bad("holidays (PH, SH) cannot be used in a window"));
    }
    if rule.uses_sun {
        return Err(bad("sunrise/sunset cannot be used in a window"));
    }
    let (start_min, end_min) = match rule.spans.as_deref() {
        None => (0, MINUTES_PER_DAY),
        Some([span]) => *span,
        Some(_) => return Err(bad("a window takes at most one time span")),
    };
    let days = rule.days.unwrap_or(ALL_DAYS);
    Ok(Window {
        name: name.to_string(),
        days,
        start_min,
        // A window spans at most one day (a span like 08:00-34:00 is cut).
        end_min: end_min.min(start_min + MINUTES_PER_DAY),
    })
}

// ---------------------------------------------------------------------------
// Schedule
// ---------------------------------------------------------------------------

/// Weekly opening hours: sorted, disjoint, non-adjacent half-open intervals
/// in minutes of the week (Monday 00:00 = 0, up to 10080), plus notes on
/// approximations made while parsing (sunrise/sunset, holidays ignored).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schedule {
    intervals: Vec<(u32, u32)>,
    notes: Vec<String>,
}

/// Public school venues without stated hours: open only outside school hours,
/// i.e. weekday evenings and weekends (see [`counts_in_window`]).
static SCHOOL_OUTSIDE_HOURS: LazyLock<Schedule> = LazyLock::new(|| {
    let mut out = Vec::new();
    for d in 0..7u32 {
        let base = d * MINUTES_PER_DAY;
        if d < 5 {
            out.push((base + 17 * 60, base + 22 * 60));
        } else {
            out.push((base + 8 * 60, base + 20 * 60));
        }
    }
    Schedule::from_intervals(out)
});

impl Schedule {
    /// Open all week (`24/7`).
    pub fn always() -> Schedule {
        Schedule {
            intervals: vec![(0, MINUTES_PER_WEEK)],
            notes: Vec::new(),
        }
    }

    /// Never open (`off`).
    pub fn closed() -> Schedule {
        Schedule::default()
    }

    /// The assumed schedule of a school venue open to the public with no
    /// stated hours: Mo-Fr 17:00-22:00 and Sa,Su 08:00-20:00, i.e. outside
    /// school hours (evenings and weekends; holidays cannot be placed in a
    /// generic week).
    pub fn school_outside_hours() -> Schedule {
        SCHOOL_OUTSIDE_HOURS.clone()
    }

    /// A schedule from minute-of-week intervals `(start, end)`; intervals
    /// are clipped to the week, wrapped past its end, sorted and merged.
    pub fn from_intervals(intervals: impl IntoIterator<Item = (u32, u32)>) -> Schedule {
        let mut out = Vec::new();
        for (s, e) in intervals {
            if e <= s {
                continue;
            }
            let len = (e - s).min(MINUTES_PER_WEEK);
            let s = s % MINUTES_PER_WEEK;
            push_wrapped(&mut out, s, s + len);
        }
        normalize(&mut out);
        Schedule {
            intervals: out,
            notes: Vec::new(),
        }
    }

    /// Sorted, disjoint open intervals in minutes of the week.
    pub fn intervals(&self) -> &[(u32, u32)] {
        &self.intervals
    }

    /// Approximations made while parsing (e.g. sunrise/sunset as
    /// 06:00/18:00, holiday rules ignored); empty when exact.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Total open minutes per week.
    pub fn open_minutes_per_week(&self) -> u32 {
        self.intervals.iter().map(|(s, e)| e - s).sum()
    }

    /// Whether open on `day` (0 = Monday) at `minute` of that day. Out of
    /// range arguments are wrapped.
    pub fn is_open_at(&self, day: usize, minute: u32) -> bool {
        let t = ((day % 7) as u32 * MINUTES_PER_DAY + minute) % MINUTES_PER_WEEK;
        self.intervals.iter().any(|&(s, e)| s <= t && t < e)
    }

    /// Minutes open within the window, summed over the week.
    pub fn open_minutes_in(&self, w: &Window) -> u32 {
        overlap(&self.intervals, &w.intervals())
    }
}

impl FromStr for Schedule {
    type Err = String;

    fn from_str(s: &str) -> Result<Schedule, String> {
        parse_opening_hours(s)
    }
}

/// Parse an OSM `opening_hours` value (the subset described in the
/// [module docs](self)). Errors quote the part not understood.
pub fn parse_opening_hours(s: &str) -> Result<Schedule, String> {
    let parsed = parse_rules(s)?;
    if parsed.rules.is_empty() {
        return Err(format!("opening_hours {s:?}: empty"));
    }
    // Per day: open intervals in minutes of that day, within 0..=1440.
    let mut days: [Vec<(u32, u32)>; 7] = Default::default();
    let mut notes: Vec<String> = Vec::new();
    let mut note = |n: &str| {
        if !notes.iter().any(|x| x == n) {
            notes.push(n.to_string());
        }
    };
    for rule in &parsed.rules {
        if rule.uses_sun {
            note(SUN_NOTE);
        }
        if rule.ph {
            note(PH_NOTE);
        }
        if rule.sh {
            note(SH_NOTE);
        }
        let selected = match rule.days {
            Some(d) => d,
            // Only holidays were named: nothing to apply in a generic week.
            None if rule.holiday => continue,
            None => ALL_DAYS,
        };
        let closing = matches!(rule.modifier, Some(Modifier::Closed));
        match (&rule.spans, closing) {
            (None, true) => {
                for (d, on) in selected.iter().enumerate() {
                    if *on {
                        days[d].clear();
                    }
                }
            }
            (Some(spans), true) => {
                for (d, on) in selected.iter().enumerate() {
                    if *on {
                        for &(s, e) in spans {
                            for (day, ds, de) in split_day_span(d, s, e) {
                                subtract(&mut days[day], ds, de);
                            }
                        }
                    }
                }
            }
            (spans, false) => {
                if !rule.additional {
                    // Clear every named day first, so an overnight span of
                    // one named day survives into the next named day.
                    for (d, on) in selected.iter().enumerate() {
                        if *on {
                            days[d].clear();
                        }
                    }
                }
                let whole_day = [(0, MINUTES_PER_DAY)];
                let spans: &[(u32, u32)] = spans.as_deref().unwrap_or(&whole_day);
                for (d, on) in selected.iter().enumerate() {
                    if *on {
                        for &(s, e) in spans {
                            for (day, ds, de) in split_day_span(d, s, e) {
                                days[day].push((ds, de));
                                normalize(&mut days[day]);
                            }
                        }
                    }
                }
            }
        }
    }
    let mut intervals = Vec::new();
    for (d, list) in days.iter().enumerate() {
        let base = d as u32 * MINUTES_PER_DAY;
        intervals.extend(list.iter().map(|&(s, e)| (base + s, base + e)));
    }
    normalize(&mut intervals);
    Ok(Schedule { intervals, notes })
}

// ---------------------------------------------------------------------------
// Counting rule
// ---------------------------------------------------------------------------

/// Whether a facility counts in window `w`.
///
/// - `open_to_public == Some(false)`: never counts (school or not; the same
///   rule that excludes such facilities from the all-day analysis).
/// - Stated hours (`schedule` is `Some`): counts when open at least
///   `min_open_minutes` in the window, summed over the week
///   ([`DEFAULT_MIN_OPEN_MINUTES`] = 60: at least an hour). When the window
///   itself is shorter than that, being open for the whole window suffices.
///   A schedule open 0 minutes never counts, even with `min_open_minutes = 0`.
/// - No stated hours (or hours that could not be parsed; pass `None`):
///   - non-school facility: treated as always open;
///   - school venue (`open_to_public` `Some(true)`, or `None` — unknown is
///     treated as open, as in the all-day analysis): open only outside school
///     hours, [`Schedule::school_outside_hours`] (Mo-Fr 17:00-22:00, Sa,Su
///     08:00-20:00). With the default windows it counts in
///     `weekday_evening`, `weekend` and `any_time`, never in
///     `weekday_daytime`: school venues open to the public in the evenings,
///     at weekends and in holidays.
pub fn counts_in_window(
    schedule: Option<&Schedule>,
    is_school: bool,
    open_to_public: Option<bool>,
    w: &Window,
    min_open_minutes: u32,
) -> bool {
    if open_to_public == Some(false) {
        return false;
    }
    let window_len = w.minutes_per_week();
    let open = match (schedule, is_school) {
        (Some(s), _) => s.open_minutes_in(w),
        (None, false) => window_len,
        (None, true) => SCHOOL_OUTSIDE_HOURS.open_minutes_in(w),
    };
    open > 0 && open >= min_open_minutes.min(window_len)
}

// ---------------------------------------------------------------------------
// Interval helpers
// ---------------------------------------------------------------------------

/// Push `[s, e)` (minutes of the week, `s` within the week, `e` up to one
/// week later), wrapping the part past the end of the week to its start.
fn push_wrapped(out: &mut Vec<(u32, u32)>, s: u32, e: u32) {
    if e > MINUTES_PER_WEEK {
        out.push((s, MINUTES_PER_WEEK));
        out.push((0, (e - MINUTES_PER_WEEK).min(s)));
    } else {
        out.push((s, e));
    }
}

/// Sort, drop empty intervals and merge overlapping or touching ones.
fn normalize(v: &mut Vec<(u32, u32)>) {
    v.retain(|(s, e)| s < e);
    v.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(v.len());
    for &(s, e) in v.iter() {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    *v = out;
}

/// Remove `[s, e)` from normalized intervals.
fn subtract(v: &mut Vec<(u32, u32)>, s: u32, e: u32) {
    let mut out = Vec::with_capacity(v.len() + 1);
    for &(a, b) in v.iter() {
        if b <= s || a >= e {
            out.push((a, b));
        } else {
            if a < s {
                out.push((a, s));
            }
            if b > e {
                out.push((e, b));
            }
        }
    }
    *v = out;
}

/// Total overlap of two normalized interval lists.
fn overlap(a: &[(u32, u32)], b: &[(u32, u32)]) -> u32 {
    let (mut i, mut j, mut total) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let s = a[i].0.max(b[j].0);
        let e = a[i].1.min(b[j].1);
        if s < e {
            total += e - s;
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

/// Split a span of day `d` (minutes of that day, end up to 2880) into pieces
/// `(day, start, end)` within single days; the part past midnight goes to
/// the next day (Sunday to Monday).
fn split_day_span(d: usize, s: u32, e: u32) -> Vec<(usize, u32, u32)> {
    let mut out = Vec::with_capacity(2);
    if s < MINUTES_PER_DAY {
        out.push((d, s, e.min(MINUTES_PER_DAY)));
    }
    if e > MINUTES_PER_DAY {
        let next = (d + 1) % 7;
        out.push((
            next,
            s.saturating_sub(MINUTES_PER_DAY),
            (e - MINUTES_PER_DAY).min(MINUTES_PER_DAY),
        ));
    }
    out
}

fn format_hm(min: u32) -> String {
    format!("{:02}:{:02}", min / 60, min % 60)
}

/// `Mo-Fr`, `Sa,Su`, `Mo,We-Fr` (runs of three or more days as ranges).
fn format_days(days: &[bool; 7]) -> String {
    let mut parts = Vec::new();
    let mut d = 0;
    while d < 7 {
        if !days[d] {
            d += 1;
            continue;
        }
        let start = d;
        while d + 1 < 7 && days[d + 1] {
            d += 1;
        }
        match d - start {
            0 => parts.push(DAY_NAMES[start].to_string()),
            1 => {
                parts.push(DAY_NAMES[start].to_string());
                parts.push(DAY_NAMES[d].to_string());
            }
            _ => parts.push(format!("{}-{}", DAY_NAMES[start], DAY_NAMES[d])),
        }
        d += 1;
    }
    parts.join(",")
}

// ---------------------------------------------------------------------------
// Tokenizer and rule parser
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    Word(&'a str),
    /// `H:MM` / `HH:MM`: (hours, minutes), minutes < 60, hours unchecked.
    Time(u32, u32),
    TwentyFourSeven,
    Dash,
    Comma,
    Semi,
    /// Anything else: always an error.
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok<'a>,
    text: &'a str,
}

fn tokenize(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        let mut end = i + c.len_utf8();
        let tok = if c.is_ascii_alphabetic() {
            it.next();
            while let Some(&(j, c2)) = it.peek() {
                if !c2.is_ascii_alphabetic() {
                    break;
                }
                it.next();
                end = j + 1;
            }
            Tok::Word(&s[i..end])
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < s.len() && s.as_bytes()[j].is_ascii_digit() {
                j += 1;
            }
            let hours = &s[i..j];
            let rest = &s[j..];
            let tok = if rest.starts_with(':')
                && rest.len() >= 3
                && rest.as_bytes()[1].is_ascii_digit()
                && rest.as_bytes()[2].is_ascii_digit()
                && !rest.as_bytes().get(3).is_some_and(|b| b.is_ascii_digit())
                && hours.len() <= 2
            {
                let h: u32 = hours.parse().unwrap_or(99);
                let m: u32 = rest[1..3].parse().unwrap_or(99);
                j += 3;
                if m < 60 { Tok::Time(h, m) } else { Tok::Other }
            } else if hours == "24" && rest.starts_with("/7") {
                j += 2;
                Tok::TwentyFourSeven
            } else {
                Tok::Other
            };
            end = j;
            while it.peek().is_some_and(|&(k, _)| k < end) {
                it.next();
            }
            tok
        } else {
            it.next();
            match c {
                '-' | '\u{2013}' => Tok::Dash,
                ',' => Tok::Comma,
                ';' => Tok::Semi,
                _ => Tok::Other,
            }
        };
        out.push(Token {
            tok,
            text: &s[i..end],
        });
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Modifier {
    Open,
    Closed,
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    /// Named weekdays; `None` when no weekday was named (every day, unless
    /// only holidays were named).
    days: Option<[bool; 7]>,
    /// Some holiday (`PH`, `SH`) was named.
    holiday: bool,
    ph: bool,
    sh: bool,
    /// Spans in minutes of the day, end up to 2880; `None`: whole day.
    spans: Option<Vec<(u32, u32)>>,
    modifier: Option<Modifier>,
    /// Joined to the previous rule with `,` (adds instead of replacing).
    additional: bool,
    uses_sun: bool,
}

struct Parsed {
    rules: Vec<Rule>,
}

fn day_index(w: &str) -> Option<usize> {
    DAY_NAMES.iter().position(|d| d.eq_ignore_ascii_case(w))
}

fn is_day_word(t: Option<&Token<'_>>) -> bool {
    match t.map(|t| t.tok) {
        Some(Tok::Word(w)) => {
            day_index(w).is_some() || w.eq_ignore_ascii_case("PH") || w.eq_ignore_ascii_case("SH")
        }
        _ => false,
    }
}

fn is_time_point(t: Option<&Token<'_>>) -> bool {
    match t.map(|t| t.tok) {
        Some(Tok::Time(..)) => true,
        Some(Tok::Word(w)) => w.eq_ignore_ascii_case("sunrise") || w.eq_ignore_ascii_case("sunset"),
        _ => false,
    }
}

struct RuleParser<'a, 'b> {
    src: &'a str,
    toks: &'b [Token<'a>],
    pos: usize,
}

impl<'a> RuleParser<'a, '_> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, k: usize) -> Option<&Token<'a>> {
        self.toks.get(self.pos + k)
    }

    fn err_here(&self) -> String {
        match self.peek() {
            Some(t) => self.err_at(t.text),
            None => format!("opening_hours {:?}: unexpected end", self.src),
        }
    }

    fn err_at(&self, part: &str) -> String {
        format!("opening_hours {:?}: cannot understand {:?}", self.src, part)
    }

    /// One rule: `24/7 [modifier]` or `[days] [spans] [modifier]`. Stops at
    /// the end, at `;`, or at a `,` that starts an additional rule.
    fn rule(&mut self, additional: bool) -> Result<Rule, String> {
        let mut rule = Rule {
            days: None,
            holiday: false,
            ph: false,
            sh: false,
            spans: None,
            modifier: None,
            additional,
            uses_sun: false,
        };
        let start = self.pos;
        if matches!(self.peek().map(|t| t.tok), Some(Tok::TwentyFourSeven)) {
            self.pos += 1;
            rule.days = Some(ALL_DAYS);
        } else {
            self.days(&mut rule)?;
            self.spans(&mut rule)?;
        }
        if let Some(Tok::Word(w)) = self.peek().map(|t| t.tok) {
            if w.eq_ignore_ascii_case("off") || w.eq_ignore_ascii_case("closed") {
                rule.modifier = Some(Modifier::Closed);
                self.pos += 1;
            } else if w.eq_ignore_ascii_case("open") {
                rule.modifier = Some(Modifier::Open);
                self.pos += 1;
            }
        }
        if self.pos == start {
            return Err(self.err_here());
        }
        match self.peek().map(|t| t.tok) {
            None | Some(Tok::Semi) => Ok(rule),
            Some(Tok::Comma) if is_day_word(self.peek_at(1)) => Ok(rule),
            _ => Err(self.err_here()),
        }
    }

    fn days(&mut self, rule: &mut Rule) -> Result<(), String> {
        let mut days = [false; 7];
        let mut any_day = false;
        while let Some(Tok::Word(w)) = self.peek().map(|t| t.tok) {
            if w.eq_ignore_ascii_case("PH") || w.eq_ignore_ascii_case("SH") {
                rule.holiday = true;
                if w.eq_ignore_ascii_case("PH") {
                    rule.ph = true;
                } else {
                    rule.sh = true;
                }
                self.pos += 1;
            } else if let Some(a) = day_index(w) {
                self.pos += 1;
                let mut b = a;
                if matches!(self.peek().map(|t| t.tok), Some(Tok::Dash)) {
                    let Some(Tok::Word(w2)) = self.peek_at(1).map(|t| t.tok) else {
                        return Err(self.err_at(self.peek_at(1).map_or(w, |t| t.text)));
                    };
                    let Some(b2) = day_index(w2) else {
                        return Err(self.err_at(w2));
                    };
                    b = b2;
                    self.pos += 2;
                }
                let mut d = a;
                loop {
                    days[d] = true;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
                any_day = true;
            } else {
                break;
            }
            // A comma continues the day list only when a day follows.
            if matches!(self.peek().map(|t| t.tok), Some(Tok::Comma))
                && is_day_word(self.peek_at(1))
            {
                self.pos += 1;
            } else {
                break;
            }
        }
        if any_day {
            rule.days = Some(days);
        }
        Ok(())
    }

    fn time_point(&mut self, end: bool, rule: &mut Rule) -> Result<u32, String> {
        let Some(t) = self.peek().copied() else {
            return Err(self.err_here());
        };
        let min = match t.tok {
            Tok::Time(h, m) => {
                let ok = if end {
                    h < 48 || (h == 48 && m == 0)
                } else {
                    h < 24
                };
                if !ok {
                    return Err(self.err_at(t.text));
                }
                h * 60 + m
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("sunrise") => {
                rule.uses_sun = true;
                SUNRISE_MIN
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("sunset") => {
                rule.uses_sun = true;
                SUNSET_MIN
            }
            _ => return Err(self.err_at(t.text)),
        };
        self.pos += 1;
        Ok(min)
    }

    fn spans(&mut self, rule: &mut Rule) -> Result<(), String> {
        if !is_time_point(self.peek()) {
            return Ok(());
        }
        let mut spans = Vec::new();
        loop {
            let s = self.time_point(false, rule)?;
            if !matches!(self.peek().map(|t| t.tok), Some(Tok::Dash)) {
                return Err(self.err_here());
            }
            self.pos += 1;
            let mut e = self.time_point(true, rule)?;
            if e <= s {
                // Overnight: 22:00-02:00 ends the next day (s < 24:00, so
                // e stays within 48:00).
                e += MINUTES_PER_DAY;
            }
            spans.push((s, e));
            if matches!(self.peek().map(|t| t.tok), Some(Tok::Comma))
                && is_time_point(self.peek_at(1))
            {
                self.pos += 1;
            } else {
                break;
            }
        }
        rule.spans = Some(spans);
        Ok(())
    }
}

/// Tokenize and parse into rules, in order. Empty `;` sections are skipped.
fn parse_rules(s: &str) -> Result<Parsed, String> {
    let toks = tokenize(s);
    let mut p = RuleParser {
        src: s,
        toks: &toks,
        pos: 0,
    };
    let mut rules = Vec::new();
    let mut additional = false;
    while p.pos < toks.len() {
        match p.peek().map(|t| t.tok) {
            Some(Tok::Semi) => {
                p.pos += 1;
                additional = false;
                continue;
            }
            Some(Tok::Comma) if !rules.is_empty() && additional => {
                // Comma before an additional rule (checked by `rule`).
                p.pos += 1;
            }
            _ => {}
        }
        let rule = p.rule(additional)?;
        rules.push(rule);
        // After a rule: `;` (normal rule next), `,` + day (additional next),
        // or the end.
        additional = matches!(p.peek().map(|t| t.tok), Some(Tok::Comma));
    }
    Ok(Parsed { rules })
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const MO: usize = 0;
    const TU: usize = 1;
    const WE: usize = 2;
    const TH: usize = 3;
    const FR: usize = 4;
    const SA: usize = 5;
    const SU: usize = 6;

    fn hm(h: u32, m: u32) -> u32 {
        h * 60 + m
    }

    fn at(day: usize, h: u32, m: u32) -> u32 {
        day as u32 * MINUTES_PER_DAY + hm(h, m)
    }

    fn p(s: &str) -> Schedule {
        parse_opening_hours(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn win(name: &str) -> Window {
        default_windows()
            .into_iter()
            .find(|w| w.name == name)
            .unwrap()
    }

    /// Build a schedule from `(day, "HH:MM", "HH:MM")` same-day spans.
    fn sched(spans: &[(usize, u32, u32)]) -> Vec<(u32, u32)> {
        let mut v: Vec<(u32, u32)> = spans
            .iter()
            .map(|&(d, s, e)| {
                (
                    d as u32 * MINUTES_PER_DAY + s,
                    d as u32 * MINUTES_PER_DAY + e,
                )
            })
            .collect();
        normalize(&mut v);
        v
    }

    fn each_day(days: &[usize], s: u32, e: u32) -> Vec<(usize, u32, u32)> {
        days.iter().map(|&d| (d, s, e)).collect()
    }

    const WEEKDAYS: [usize; 5] = [MO, TU, WE, TH, FR];

    #[test]
    fn weekday_evenings_and_weekend() {
        let s = p("Mo-Fr 17:00-21:00; Sa,Su 08:00-18:00");
        let mut want = each_day(&WEEKDAYS, hm(17, 0), hm(21, 0));
        want.extend(each_day(&[SA, SU], hm(8, 0), hm(18, 0)));
        assert_eq!(s.intervals(), sched(&want));
        assert!(s.notes().is_empty());
        assert_eq!(s.open_minutes_per_week(), 5 * 240 + 2 * 600);
        assert_eq!(s.open_minutes_in(&win("weekday_daytime")), 0);
        assert_eq!(s.open_minutes_in(&win("weekday_evening")), 5 * 240);
        assert_eq!(s.open_minutes_in(&win("weekend")), 2 * 600);
        assert_eq!(s.open_minutes_in(&Window::any_time()), 5 * 240 + 2 * 600);
    }

    #[test]
    fn always_open_forms() {
        for s in [
            "24/7",
            "Mo-Su 00:00-24:00",
            "00:00-24:00",
            "Mo-Su",
            "open",
            " 24/7 ",
        ] {
            assert_eq!(p(s), Schedule::always(), "{s}");
        }
        assert_eq!(
            p("24/7; PH off").intervals(),
            Schedule::always().intervals()
        );
        assert_eq!(Schedule::always().open_minutes_per_week(), MINUTES_PER_WEEK);
        for w in default_windows() {
            assert_eq!(Schedule::always().open_minutes_in(&w), w.minutes_per_week());
        }
    }

    #[test]
    fn every_day_same_hours() {
        let s = p("Mo-Su 06:00-22:00");
        assert_eq!(
            s.intervals(),
            sched(&each_day(
                &[MO, TU, WE, TH, FR, SA, SU],
                hm(6, 0),
                hm(22, 0)
            ))
        );
        assert_eq!(s, p("06:00-22:00"));
        assert_eq!(s.open_minutes_in(&win("weekday_daytime")), 5 * 540);
        assert_eq!(s.open_minutes_in(&win("weekday_evening")), 5 * 300);
        assert_eq!(s.open_minutes_in(&win("weekend")), 2 * 720);
    }

    #[test]
    fn public_holidays_ignored_with_note() {
        let s = p("Sa-Su 09:00-17:00; PH off");
        assert_eq!(
            s.intervals(),
            sched(&each_day(&[SA, SU], hm(9, 0), hm(17, 0)))
        );
        assert_eq!(s.notes(), [PH_NOTE.to_string()]);
        let s = p("Sa,Su,PH 08:00-18:00");
        assert_eq!(
            s.intervals(),
            sched(&each_day(&[SA, SU], hm(8, 0), hm(18, 0)))
        );
        assert_eq!(s.notes(), [PH_NOTE.to_string()]);
        // School holidays likewise; `SH Mo-Fr` (holiday and weekday
        // combined) is not in the subset.
        assert!(parse_opening_hours("Mo-Fr 16:00-20:00; SH Mo-Fr 08:00-20:00").is_err());
        let s = p("Mo-Fr 18:00-21:00; SH 09:00-12:00");
        assert_eq!(
            s.intervals(),
            sched(&each_day(&WEEKDAYS, hm(18, 0), hm(21, 0)))
        );
        assert_eq!(s.notes(), [SH_NOTE.to_string()]);
    }

    #[test]
    fn additional_rule_with_comma() {
        let s = p("Mo-Fr 18:00-21:00, Sa 08:00-12:00");
        let mut want = each_day(&WEEKDAYS, hm(18, 0), hm(21, 0));
        want.push((SA, hm(8, 0), hm(12, 0)));
        assert_eq!(s.intervals(), sched(&want));
        // An additional rule adds to a day instead of replacing it.
        let s = p("Mo 08:00-10:00, Mo 12:00-14:00");
        assert_eq!(
            s.intervals(),
            sched(&[(MO, hm(8, 0), hm(10, 0)), (MO, hm(12, 0), hm(14, 0))])
        );
        // A normal rule replaces it.
        let s = p("Mo 08:00-10:00; Mo 12:00-14:00");
        assert_eq!(s.intervals(), sched(&[(MO, hm(12, 0), hm(14, 0))]));
    }

    #[test]
    fn off_and_closed() {
        for s in ["off", "closed", "Off", "Mo-Su off", "24/7 off"] {
            let sch = p(s);
            assert_eq!(sch, Schedule::closed(), "{s}");
            assert_eq!(sch.open_minutes_per_week(), 0);
        }
        let s = p("Mo-Sa 09:00-21:00; Su off");
        assert_eq!(
            s.intervals(),
            sched(&each_day(&[MO, TU, WE, TH, FR, SA], hm(9, 0), hm(21, 0)))
        );
        let s = p("Mo-Fr 17:00-21:00; We off");
        assert_eq!(
            s.intervals(),
            sched(&each_day(&[MO, TU, TH, FR], hm(17, 0), hm(21, 0)))
        );
        assert_eq!(s, p("Mo-Fr 17:00-21:00, We off"));
        assert_eq!(s, p("Mo-Fr 17:00-21:00; We closed"));
        // `off` with times closes only those times.
        let s = p("Mo-Fr 08:00-18:00; We 12:00-14:00 off");
        let mut want = each_day(&[MO, TU, TH, FR], hm(8, 0), hm(18, 0));
        want.push((WE, hm(8, 0), hm(12, 0)));
        want.push((WE, hm(14, 0), hm(18, 0)));
        assert_eq!(s.intervals(), sched(&want));
        assert_eq!(s, p("Mo-Fr 08:00-18:00, We 12:00-14:00 off"));
        // Closing everything, then opening some days.
        let s = p("off; Sa 10:00-12:00");
        assert_eq!(s.intervals(), sched(&[(SA, hm(10, 0), hm(12, 0))]));
    }

    #[test]
    fn split_hours_and_single_days() {
        let s = p("Mo-Fr 06:30-08:00,17:30-21:30");
        let mut want = each_day(&WEEKDAYS, hm(6, 30), hm(8, 0));
        want.extend(each_day(&WEEKDAYS, hm(17, 30), hm(21, 30)));
        assert_eq!(s.intervals(), sched(&want));
        assert_eq!(s.open_minutes_in(&win("weekday_daytime")), 0);
        assert_eq!(s.open_minutes_in(&win("weekday_evening")), 5 * 240);
        assert_eq!(s, p("Mo-Fr 06:30-08:00, 17:30-21:30"));
        assert_eq!(s, p("mo-fr 6:30 - 8:00 , 17:30 – 21:30"));
        // "Sa, Su" with a space is still one day list.
        assert_eq!(p("Sa, Su 10:00-12:00"), p("Sa,Su 10:00-12:00"));

        let s = p("Tu,Th 19:00-21:00");
        assert_eq!(
            s.intervals(),
            sched(&each_day(&[TU, TH], hm(19, 0), hm(21, 0)))
        );
        assert_eq!(s.open_minutes_in(&win("weekday_evening")), 240);
        assert_eq!(s.open_minutes_in(&win("weekend")), 0);
        assert!(s.is_open_at(TU, hm(19, 0)));
        assert!(s.is_open_at(TH, hm(20, 59)));
        assert!(!s.is_open_at(TH, hm(21, 0)));
        assert!(!s.is_open_at(WE, hm(20, 0)));
    }

    #[test]
    fn overnight_spans() {
        let s = p("Fr-Sa 22:00-02:00");
        assert_eq!(
            s.intervals(),
            [(at(FR, 22, 0), at(SA, 2, 0)), (at(SA, 22, 0), at(SU, 2, 0))]
        );
        // Extended hours mean the same.
        assert_eq!(s, p("Fr,Sa 22:00-26:00"));
        // Sunday night wraps into Monday morning.
        let s = p("Su 20:00-03:00");
        assert_eq!(
            s.intervals(),
            [(0, hm(3, 0)), (at(SU, 20, 0), MINUTES_PER_WEEK)]
        );
        assert!(s.is_open_at(MO, hm(2, 59)));
        assert!(s.is_open_at(SU, hm(23, 59)));
        // Consecutive nights merge across midnight.
        let s = p("Mo-Su 18:00-02:00");
        assert!(s.is_open_at(TU, hm(1, 0)));
        assert_eq!(s.open_minutes_per_week(), 7 * 480);
        // A later rule for the next day replaces the spill-over into it.
        let s = p("Mo 22:00-02:00; Tu off");
        assert_eq!(s.intervals(), [(at(MO, 22, 0), at(TU, 0, 0))]);
        let s = p("Tu 08:00-09:00; Mo 22:00-02:00");
        assert_eq!(
            s.intervals(),
            [(at(MO, 22, 0), at(TU, 2, 0)), (at(TU, 8, 0), at(TU, 9, 0))]
        );
        // Equal start and end: a full day.
        assert_eq!(p("Mo 10:00-10:00").open_minutes_per_week(), MINUTES_PER_DAY);
        // Wrapping day range.
        let s = p("Fr-Mo 10:00-12:00");
        assert_eq!(
            s.intervals(),
            sched(&each_day(&[MO, FR, SA, SU], hm(10, 0), hm(12, 0)))
        );
    }

    #[test]
    fn sunrise_sunset_approximation() {
        let s = p("sunrise-sunset");
        assert_eq!(
            s.intervals(),
            sched(&each_day(
                &[MO, TU, WE, TH, FR, SA, SU],
                hm(6, 0),
                hm(18, 0)
            ))
        );
        assert_eq!(s.notes(), [SUN_NOTE.to_string()]);
        let s = p("Mo-Fr 17:00-sunset; Sa,Su sunrise-20:00");
        let mut want = each_day(&WEEKDAYS, hm(17, 0), hm(18, 0));
        want.extend(each_day(&[SA, SU], hm(6, 0), hm(20, 0)));
        assert_eq!(s.intervals(), sched(&want));
    }

    #[test]
    fn more_real_world_strings() {
        let cases: &[(&str, u32)] = &[
            ("Mo-Fr 08:00-12:00,13:00-17:30", 5 * (240 + 270)),
            (
                "Mo-Fr 07:00-22:00; Sa 08:00-20:00; Su 09:00-18:00",
                5 * 900 + 720 + 540,
            ),
            (
                "Mo-Th 16:00-21:00; Fr 16:00-22:00; Sa-Su 10:00-18:00",
                4 * 300 + 360 + 2 * 480,
            ),
            ("Mo-Fr 18:00-22:00; Sa,Su,PH 08:00-22:00", 5 * 240 + 2 * 840),
            (
                "Mo-Fr 05:30-09:00,16:00-22:00; Sa-Su 07:00-22:00",
                5 * (210 + 360) + 2 * 900,
            ),
            ("Mo-Fr 17:00-21:00; PH off; Sa 09:00-12:00", 5 * 240 + 180),
            ("Mo-Fr 06:00-24:00; Sa-Su 08:00-24:00", 5 * 1080 + 2 * 960),
            ("Mo-Fr 08:00-18:00;", 5 * 600),
            ("Mo 08:00-12:00; Mo 08:00-12:00 open", 240),
            ("Su 10:00-10:00", MINUTES_PER_DAY),
        ];
        for &(s, minutes) in cases {
            assert_eq!(p(s).open_minutes_per_week(), minutes, "{s}");
        }
    }

    #[test]
    fn errors_quote_the_part_not_understood() {
        let cases: &[(&str, &str)] = &[
            ("sometimes", "\"sometimes\""),
            ("Mo-Fr 25:00-26:00", "\"25:00\""),
            ("Mo-Fr 08:00-49:00", "\"49:00\""),
            ("Mo-Fr 24:00-26:00", "\"24:00\""),
            ("Mo 30:00-26:00", "\"30:00\""),
            ("Mo-Fr 08:60-12:00", "\"08:60\""),
            ("Jan-Mar Mo-Fr 08:00-12:00", "\"Jan\""),
            ("Mo-Fr 08:00-12:00; week 1-20 Sa 10:00-12:00", "\"week\""),
            ("2024 Mo-Fr 08:00-12:00", "\"2024\""),
            ("Mo-Fr 17:00+", "\"+\""),
            ("Mo-Fr 08:00-12:00 \"by appointment\"", "\"\\\"\""),
            ("Mo-Fr 08:00-12:00 || \"on request\"", "\"|\""),
            ("Mo-Fr dawn-dusk", "\"dawn\""),
            ("Mo-Fr (sunrise+01:00)-sunset", "\"(\""),
            ("Mo-Fr 08:00-12:00 unknown", "\"unknown\""),
            ("Mo[1] 10:00-12:00", "\"[\""),
            ("Monday 10:00-12:00", "\"Monday\""),
            ("Mo-Xy 10:00-12:00", "\"Xy\""),
            ("Mo- 10:00-12:00", "\"10:00\""),
            ("Mo 10:00 Tu", "\"Tu\""),
            ("Mo 10:00-", "unexpected end"),
            ("Mo 10:00-12:00 13:00-14:00", "\"13:00\""),
            ("Mo 10:00-12:00,", "\",\""),
            (", Mo 10:00-12:00", "\",\""),
            ("Mo 10:00-26:00-11:00", "\"-\""),
            ("Mo 20:00-19:00x", "\"x\""),
            ("Mo 8:0-9:00", "\"8\""),
            ("", "empty"),
            ("   ", "empty"),
            (";", "empty"),
        ];
        for &(s, quoted) in cases {
            let e = parse_opening_hours(s).expect_err(s);
            assert!(
                e.contains(quoted),
                "{s:?}: error {e:?} should contain {quoted}"
            );
        }
        // Ends past 24:00 are fine when after the start.
        for s in [
            "Mo 23:00-25:00",
            "Mo 20:00-30:00",
            "Mo 00:00-48:00",
            "10:00-10:00",
        ] {
            assert!(parse_opening_hours(s).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn windows_parse_and_print() {
        for w in default_windows() {
            let back = parse_window(&w.name, &w.spec()).unwrap();
            assert_eq!(back, w, "{}", w.spec());
        }
        let w = parse_window("weekday_evening", "Mo-Fr 17:00-22:00").unwrap();
        assert_eq!(w, win("weekday_evening"));
        assert_eq!(w.to_string(), "weekday_evening (Mo-Fr 17:00-22:00)");
        assert_eq!(w.minutes_per_week(), 5 * 300);
        assert_eq!(win("weekend").spec(), "Sa,Su 08:00-20:00");
        assert_eq!(Window::any_time().spec(), "24/7");
        let w = parse_window("nights", "Fr,Sa 20:00-02:00").unwrap();
        assert_eq!((w.start_min, w.end_min), (hm(20, 0), hm(26, 0)));
        assert_eq!(w.spec(), "Fr,Sa 20:00-26:00");
        assert_eq!(parse_window("nights", &w.spec()).unwrap(), w);
        let w = parse_window("sunday_night", "Su 22:00-02:00").unwrap();
        assert_eq!(
            w.intervals(),
            [(0, hm(2, 0)), (at(SU, 22, 0), MINUTES_PER_WEEK)]
        );
        let w = parse_window("sat", "Sa").unwrap();
        assert_eq!(
            (w.start_min, w.end_min, w.minutes_per_week()),
            (0, 1440, 1440)
        );
        let w = parse_window("mornings", "06:00-09:00").unwrap();
        assert_eq!(w.days, [true; 7]);
        assert_eq!(w.spec(), "Mo-Su 06:00-09:00");
        let w = parse_window("odd", "Mo,We,Fr 10:00-11:00").unwrap();
        assert_eq!(w.spec(), "Mo,We,Fr 10:00-11:00");
        let w = parse_window("x", "Mo,Tu,Th-Su 10:00-11:00").unwrap();
        assert_eq!(w.spec(), "Mo,Tu,Th-Su 10:00-11:00");
        assert_eq!(parse_window("x", &w.spec()).unwrap(), w);

        for bad in [
            "Mo-Fr 17:00-22:00; Sa 08:00-20:00",
            "Mo-Fr 17:00-22:00, Sa 08:00-20:00",
            "Mo-Fr 08:00-10:00,12:00-14:00",
            "Mo-Fr off",
            "PH 10:00-12:00",
            "Mo-Fr sunrise-sunset",
            "evenings",
            "",
        ] {
            assert!(parse_window("w", bad).is_err(), "{bad:?}");
        }
        assert!(parse_window(" ", "Mo").is_err());
    }

    #[test]
    fn open_minutes_in_window_edges() {
        let s = p("Mo-Fr 16:30-17:30");
        assert_eq!(s.open_minutes_in(&win("weekday_daytime")), 5 * 30);
        assert_eq!(s.open_minutes_in(&win("weekday_evening")), 5 * 30);
        // A window past midnight sees the small hours of the next day.
        let w = parse_window("late", "Fr 22:00-02:00").unwrap();
        assert_eq!(p("Sa 00:00-01:00").open_minutes_in(&w), 60);
        assert_eq!(p("Fr 23:00-01:00").open_minutes_in(&w), 120);
        let w = parse_window("late", "Su 22:00-02:00").unwrap();
        assert_eq!(p("Mo 00:00-01:00").open_minutes_in(&w), 60);
    }

    #[test]
    fn school_default_schedule() {
        let s = Schedule::school_outside_hours();
        assert_eq!(s, p("Mo-Fr 17:00-22:00; Sa,Su 08:00-20:00"));
        let w = default_windows();
        let open: Vec<u32> = w.iter().map(|w| s.open_minutes_in(w)).collect();
        assert_eq!(open, [0, 5 * 300, 2 * 720, 5 * 300 + 2 * 720]);
    }

    #[test]
    fn counts_in_window_minimum_open_time() {
        let evening = win("weekday_evening");
        let short = p("Fr 21:30-22:00");
        assert!(!counts_in_window(Some(&short), false, None, &evening, 60));
        assert!(counts_in_window(Some(&short), false, None, &evening, 30));
        assert!(counts_in_window(Some(&short), false, None, &evening, 0));
        let closed = p("off");
        assert!(!counts_in_window(Some(&closed), false, None, &evening, 0));
        // A window shorter than the minimum: open throughout it suffices.
        let tiny = parse_window("tiny", "Mo 12:00-12:30").unwrap();
        assert!(counts_in_window(None, false, None, &tiny, 60));
        assert!(counts_in_window(
            Some(&p("Mo 12:00-13:00")),
            false,
            None,
            &tiny,
            60
        ));
        assert!(!counts_in_window(
            Some(&p("Mo 12:10-13:00")),
            false,
            None,
            &tiny,
            60
        ));
    }

    #[test]
    fn intervals_helpers() {
        let mut v = vec![(5, 10), (0, 3), (3, 4), (9, 12), (20, 20)];
        normalize(&mut v);
        assert_eq!(v, [(0, 4), (5, 12)]);
        subtract(&mut v, 2, 6);
        assert_eq!(v, [(0, 2), (6, 12)]);
        assert_eq!(overlap(&v, &[(1, 7), (11, 20)]), 1 + 1 + 1);
        let s = Schedule::from_intervals([(MINUTES_PER_WEEK - 10, MINUTES_PER_WEEK + 10), (7, 3)]);
        assert_eq!(
            s.intervals(),
            [(0, 10), (MINUTES_PER_WEEK - 10, MINUTES_PER_WEEK)]
        );
        let s = Schedule::from_intervals([(0, 3 * MINUTES_PER_WEEK)]);
        assert_eq!(s, Schedule::always());
        assert!(s.is_open_at(9, 99_999));
    }

    /// The workspace's seeded generator, so the fuzz run is reproducible.
    use crate::testing::Rng as SplitMix;

    #[test]
    fn fuzz_never_panics() {
        // Random printable strings, plus strings built from syntax fragments
        // so the fuzz reaches deep into the parser.
        const FRAGMENTS: &[&str] = &[
            "Mo", "Fr", "Su", "sa", "PH", "SH", "-", "–", ",", ";", " ", ":", "24/7", "24", "/7",
            "08:00", "17:30", "24:00", "26:00", "48:00", "99:99", "8:0", "0", "off", "closed",
            "open", "sunrise", "sunset", "\"", "|", "+", "(", "中", "é", "\u{2014}", "\t",
        ];
        let mut rng = SplitMix(0x5EED_F17C_1C1E);
        let (mut ok, mut err) = (0, 0);
        for i in 0..20_000 {
            let len = rng.below(40);
            let mut s = String::new();
            while s.chars().count() < len {
                if i % 2 == 0 {
                    // Printable ASCII with an occasional non-ASCII char.
                    let c = match rng.below(20) {
                        0 => ['–', 'é', '中', '\u{00A0}'][rng.below(4)],
                        _ => (b' ' + rng.below(95) as u8) as char,
                    };
                    s.push(c);
                } else {
                    s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
                }
            }
            match parse_opening_hours(&s) {
                Ok(sch) => {
                    ok += 1;
                    // Intervals stay sorted, disjoint and inside the week.
                    let iv = sch.intervals();
                    assert!(
                        iv.iter().all(|&(a, b)| a < b && b <= MINUTES_PER_WEEK),
                        "{s:?}"
                    );
                    assert!(iv.windows(2).all(|w| w[0].1 < w[1].0), "{s:?}");
                    for w in default_windows() {
                        assert!(sch.open_minutes_in(&w) <= w.minutes_per_week());
                    }
                }
                Err(e) => {
                    err += 1;
                    assert!(!e.is_empty());
                }
            }
            let _ = parse_window("fuzz", &s);
        }
        assert!(ok > 100 && err > 100, "ok {ok}, err {err}");
    }
}
