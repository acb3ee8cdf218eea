//! Opening hours, read when a table is loaded (so a row whose hours are
//! not understood is named) and again by the time windows
//! (`analysis::windows`).
//!
//! [`parse_opening_hours`] reads the common subset of the OSM
//! `opening_hours` syntax, and hours as Chinese bureaus write them
//! (translated to that syntax first by `input::hours::zh`, with
//! `seeds/hours.toml`),
//! into a [`Schedule`]: the weekly open intervals, in minutes of the week
//! (Monday 00:00 = 0, one week = 10080). The subset:
//!
//! - rules separated by `;`; a later rule replaces what earlier rules said
//!   about the days it names (including the spill-over of an earlier
//!   overnight span into those days), as in the specification;
//! - additional rules separated by `,` (`Mo-Fr 18:00-21:00, Sa 08:00-12:00`):
//!   they add to the days they name instead of replacing them;
//! - month selectors (`Jan-Mar`, wrapping `Nov-Mar`, lists `May,Jul-Aug`,
//!   optionally followed by `:`) and ISO week selectors (`week 1-20`,
//!   `week 01-53/2`, `week 5,7`);
//! - day selectors `Mo`..`Su`, ranges (`Mo-Fr`, wrapping `Fr-Mo`) and comma
//!   lists (`Sa,Su`); a rule without days applies to every day and a rule
//!   without times to the whole day;
//! - time spans `HH:MM-HH:MM`, comma separated; an end at or before the start
//!   (`22:00-02:00`) or past 24:00 (`22:00-26:00`) runs into the next day
//!   (Sunday into Monday);
//! - `24/7`, and the modifiers `off` / `closed` (a rule with times closes only
//!   those times: `Mo-Fr 08:00-18:00; We 12:00-14:00 off`) and `open`;
//! - a quoted comment after a rule (`"by appointment"`); a rule with a
//!   comment and no times says nothing about the hours and is left out; a
//!   comment about appointments or booking marks the schedule as open on
//!   booking ([`Schedule::by_booking`]);
//! - `sunrise` / `sunset` are **approximated as 06:00 / 18:00** (no location or
//!   date is known here); the schedule carries a note saying so;
//! - public and school holidays (`PH`, `SH`) cannot be placed in a generic
//!   week: they are dropped from day lists and rules naming only them
//!   (`PH off`) are ignored, with a note.
//!
//! **Seasons.** Time windows are weekly, so a schedule that changes over
//! the year is reduced to the hours open **all year** (every month and
//! week of a reference year, 2025): `Nov-Mar 09:00-18:00, Apr-Oct
//! 08:00-20:00` counts 09:00-18:00; a summer pool (`May-Sep ...`) counts in
//! no window. The schedule notes that its hours vary.
//!
//! Leniencies seen in real data are accepted: day names and keywords in any
//! case, one-digit hours (`8:00`), spaces around `-` and `,`, an en dash `–`
//! for `-`, and empty rules (`Mo-Fr 08:00-12:00;`). `Sa, Su 10:00-12:00` is
//! read as one day list (the specification would read `Sa, ` as a separate
//! all-day rule). Anything else (years, dates within months, `dawn`/`dusk`,
//! sun offsets, open ends `17:00+`, `||` fallbacks, `unknown`, ...) is an
//! `Err` quoting the part not understood; the loader warns naming the row,
//! and the facility then counts in no time window. Parsing never panics.
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
//! The property tests (`tests.rs`) check the parser against an evaluator of
//! generated rules, date by date.

mod parse;
#[cfg(test)]
mod tests;
pub(crate) mod zh;

pub(crate) use parse::{Modifier, Rule, parse_rules};

/// Minutes in a day.
pub const MINUTES_PER_DAY: u32 = 1440;
/// Minutes in a week.
pub const MINUTES_PER_WEEK: u32 = 7 * MINUTES_PER_DAY;
/// `sunrise` is approximated as 06:00.
pub const SUNRISE_MIN: u32 = 6 * 60;
/// `sunset` is approximated as 18:00.
pub const SUNSET_MIN: u32 = 18 * 60;

/// Two-letter day names, Monday first.
pub const DAY_NAMES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

pub(crate) const ALL_DAYS: [bool; 7] = [true; 7];
pub(crate) const SUN_NOTE: &str = "sunrise/sunset approximated as 06:00/18:00";
pub(crate) const PH_NOTE: &str = "public holiday (PH) selectors ignored";
pub(crate) const SH_NOTE: &str = "school holiday (SH) selectors ignored";
pub(crate) const SEASON_NOTE: &str =
    "hours vary over the year; only the hours open all year count in time windows";
pub(crate) const COMMENT_NOTE: &str = "comments without hours left out";

/// Weekly opening hours: sorted, disjoint, non-adjacent half-open intervals
/// in minutes of the week (Monday 00:00 = 0, up to 10080), plus notes on
/// approximations made while parsing (sunrise/sunset, holidays ignored,
/// seasons), whether the place opens on booking, and whether any hours
/// were stated at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    intervals: Vec<(u32, u32)>,
    notes: Vec<String>,
    booking: bool,
    stated: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            intervals: Vec::new(),
            notes: Vec::new(),
            booking: false,
            stated: true,
        }
    }
}

impl Schedule {
    /// Open all week (`24/7`).
    pub fn always() -> Schedule {
        Schedule {
            intervals: vec![(0, MINUTES_PER_WEEK)],
            ..Schedule::default()
        }
    }

    /// Never open (`off`).
    pub fn closed() -> Schedule {
        Schedule::default()
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
            ..Schedule::default()
        }
    }

    /// Sorted, disjoint open intervals in minutes of the week.
    pub fn intervals(&self) -> &[(u32, u32)] {
        &self.intervals
    }

    /// Approximations made while parsing (e.g. sunrise/sunset as
    /// 06:00/18:00, holiday rules ignored, seasonal hours); empty when
    /// exact.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Open on booking (`预约开放`, a comment about appointments).
    pub fn by_booking(&self) -> bool {
        self.booking
    }

    /// Some hours were stated; `false` for a value that only says the
    /// place opens on booking (`预约开放`), whose hours are then unknown.
    pub fn has_hours(&self) -> bool {
        self.stated
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

    /// Minutes open within `intervals` (sorted, disjoint minutes of the
    /// week), summed over the week.
    pub fn open_minutes_within(&self, intervals: &[(u32, u32)]) -> u32 {
        overlap(&self.intervals, intervals)
    }
}

impl std::str::FromStr for Schedule {
    type Err = String;

    fn from_str(s: &str) -> Result<Schedule, String> {
        parse_opening_hours(s)
    }
}

/// Parse an `opening_hours` value: the OSM subset of the [module
/// docs](self), or hours as bureaus write them in Chinese (any value with
/// a character outside ASCII is translated first, with
/// `seeds/hours.toml`). Errors quote the part not understood.
pub fn parse_opening_hours(s: &str) -> Result<Schedule, String> {
    if s.is_ascii() {
        return evaluate(s, parse_rules(s)?, false, Vec::new());
    }
    let t = zh::translate(s)?;
    let parsed = parse_rules(&t.osm).map_err(|e| format!("{e} (read {s:?} as {:?})", t.osm))?;
    evaluate(s, parsed, t.booking, t.notes)
}

/// Whether the hours `text` say the place opens on booking (`false` when
/// they cannot be read).
pub fn by_booking(text: &str) -> bool {
    parse_opening_hours(text).is_ok_and(|s| s.by_booking())
}

/// The schedule of parsed rules (see the module docs for seasons).
fn evaluate(
    src: &str,
    parsed: parse::Parsed,
    booking: bool,
    mut notes: Vec<String>,
) -> Result<Schedule, String> {
    let mut booking = booking;
    let note = |notes: &mut Vec<String>, n: &str| {
        if !notes.iter().any(|x| x == n) {
            notes.push(n.to_string());
        }
    };
    for rule in &parsed.rules {
        if let Some(c) = &rule.comment {
            booking |= zh::is_booking_comment(c);
        }
        for (on, n) in [
            (rule.uses_sun, SUN_NOTE),
            (rule.ph, PH_NOTE),
            (rule.sh, SH_NOTE),
            (rule.comment_only(), COMMENT_NOTE),
        ] {
            if on {
                note(&mut notes, n);
            }
        }
    }
    let rules: Vec<&Rule> = parsed.rules.iter().filter(|r| !r.comment_only()).collect();
    if rules.is_empty() {
        if booking {
            return Ok(Schedule {
                notes,
                booking,
                stated: false,
                ..Schedule::default()
            });
        }
        return Err(format!("opening_hours {src:?}: empty"));
    }
    let (intervals, seasonal) = year_round(&rules);
    if seasonal {
        note(&mut notes, SEASON_NOTE);
    }
    Ok(Schedule {
        intervals,
        notes,
        booking,
        stated: true,
    })
}

/// The weekly intervals open in every part of the year, and whether the
/// hours differ between parts. Without month or week selectors, the one
/// week of the rules.
fn year_round(rules: &[&Rule]) -> (Vec<(u32, u32)>, bool) {
    if rules
        .iter()
        .all(|r| r.months.is_none() && r.weeks.is_none())
    {
        return (week_intervals(&week_days(rules)), false);
    }
    // Per weekday: the hours of its first day in the year, and the hours
    // open on every such day so far.
    let mut first: [Option<Vec<(u32, u32)>>; 7] = Default::default();
    let mut all: [Vec<(u32, u32)>; 7] = Default::default();
    let mut seasonal = false;
    for seg in segments() {
        let applying: Vec<&Rule> = rules
            .iter()
            .copied()
            .filter(|r| r.months.is_none_or(|m| m[seg.month]))
            .filter(|r| r.weeks.is_none_or(|w| w[seg.week]))
            .collect();
        let days = week_days(&applying);
        for d in (0..7).filter(|&d| seg.weekdays[d]) {
            match &first[d] {
                None => {
                    first[d] = Some(days[d].clone());
                    all[d] = days[d].clone();
                }
                Some(f) => {
                    seasonal |= *f != days[d];
                    all[d] = intersect(&all[d], &days[d]);
                }
            }
        }
    }
    (week_intervals(&all), seasonal)
}

/// A part of the reference year in one month and one ISO week, with the
/// weekdays it has.
struct Segment {
    month: usize,
    week: usize,
    weekdays: [bool; 7],
}

/// The (month, ISO week) parts of the reference year 2025, which starts
/// on a Wednesday; ISO week 1 of 2026 begins on Monday 29 December.
fn segments() -> Vec<Segment> {
    const MONTH_DAYS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    const FIRST_WEEKDAY: usize = 2; // 1 January 2025 is a Wednesday.
    let mut out: Vec<Segment> = Vec::new();
    let mut ordinal = 0; // day of the year, from 0
    for (month, &n) in MONTH_DAYS.iter().enumerate() {
        for _ in 0..n {
            let weekday = (FIRST_WEEKDAY + ordinal) % 7;
            // ISO week: the week of the Thursday of this day's week.
            let thursday = ordinal as i64 - weekday as i64 + 3;
            let week = if thursday < 0 {
                52 // The last week of 2024.
            } else if thursday >= 365 {
                1 // Week 1 of 2026.
            } else {
                (thursday / 7) as usize + 1
            };
            match out.last_mut() {
                Some(s) if s.month == month && s.week == week => s.weekdays[weekday] = true,
                _ => {
                    let mut weekdays = [false; 7];
                    weekdays[weekday] = true;
                    out.push(Segment {
                        month,
                        week,
                        weekdays,
                    });
                }
            }
            ordinal += 1;
        }
    }
    out
}

/// Per weekday, the open intervals in minutes of that day (0..=1440) the
/// rules give, in order (see the module docs).
fn week_days(rules: &[&Rule]) -> [Vec<(u32, u32)>; 7] {
    let mut days: [Vec<(u32, u32)>; 7] = Default::default();
    for rule in rules {
        let selected = match rule.days {
            Some(d) => d,
            // Only holidays were named: nothing to apply in a generic week.
            None if rule.holiday => continue,
            None => ALL_DAYS,
        };
        apply_rule(&mut days, rule, &selected);
    }
    days
}

/// Apply one rule to the days it selects.
fn apply_rule(days: &mut [Vec<(u32, u32)>; 7], rule: &Rule, selected: &[bool; 7]) {
    let closing = matches!(rule.modifier, Some(Modifier::Closed));
    let chosen = || (0..7).filter(|&d| selected[d]);
    match (&rule.spans, closing) {
        (None, true) => {
            for d in chosen() {
                days[d].clear();
            }
        }
        (Some(spans), true) => {
            for d in chosen() {
                for &(s, e) in spans {
                    for (day, ds, de) in split_day_span(d, s, e) {
                        subtract(&mut days[day], ds, de);
                    }
                }
            }
        }
        (spans, false) => {
            if !rule.additional {
                // Clear every named day first, so an overnight span of
                // one named day survives into the next named day.
                for d in chosen() {
                    days[d].clear();
                }
            }
            let whole_day = [(0, MINUTES_PER_DAY)];
            let spans: &[(u32, u32)] = spans.as_deref().unwrap_or(&whole_day);
            for d in chosen() {
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

/// Per-day intervals as minutes of the week, normalized.
fn week_intervals(days: &[Vec<(u32, u32)>; 7]) -> Vec<(u32, u32)> {
    let mut intervals = Vec::new();
    for (d, list) in days.iter().enumerate() {
        let base = d as u32 * MINUTES_PER_DAY;
        intervals.extend(list.iter().map(|&(s, e)| (base + s, base + e)));
    }
    normalize(&mut intervals);
    intervals
}

// ---------------------------------------------------------------------------
// Interval helpers
// ---------------------------------------------------------------------------

/// Push `[s, e)` (minutes of the week, `s` within the week, `e` up to one
/// week later), wrapping the part past the end of the week to its start.
pub(crate) fn push_wrapped(out: &mut Vec<(u32, u32)>, s: u32, e: u32) {
    if e > MINUTES_PER_WEEK {
        out.push((s, MINUTES_PER_WEEK));
        out.push((0, (e - MINUTES_PER_WEEK).min(s)));
    } else {
        out.push((s, e));
    }
}

/// Sort, drop empty intervals and merge overlapping or touching ones.
pub(crate) fn normalize(v: &mut Vec<(u32, u32)>) {
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
pub(crate) fn subtract(v: &mut Vec<(u32, u32)>, s: u32, e: u32) {
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

/// The parts of two normalized interval lists that both cover.
pub(crate) fn intersect(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        let s = a[i].0.max(b[j].0);
        let e = a[i].1.min(b[j].1);
        if s < e {
            out.push((s, e));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Total overlap of two normalized interval lists.
pub(crate) fn overlap(a: &[(u32, u32)], b: &[(u32, u32)]) -> u32 {
    intersect(a, b).iter().map(|(s, e)| e - s).sum()
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
