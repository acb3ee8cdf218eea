//! Opening hours and named time windows.
//!
//! Coverage can be computed per time window ("who is covered on weekday
//! evenings?"). A facility counts in a window only when it is open in it.
//!
//! # Opening hours
//!
//! Read by [`parse_opening_hours`] into a [`Schedule`] (weekly open
//! intervals): the OSM `opening_hours` subset and hours as Chinese bureaus
//! write them, documented in `input::hours` (the loader reads them too, to
//! warn about the rows it cannot read). Seasonal hours count only where
//! they hold all year; hours that cannot be read make the facility count
//! in no window.
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
use std::sync::LazyLock;

pub use crate::input::hours::{
    DAY_NAMES, MINUTES_PER_DAY, MINUTES_PER_WEEK, SUNRISE_MIN, SUNSET_MIN, Schedule,
    parse_opening_hours,
};
use crate::input::hours::{normalize, parse_rules, push_wrapped};

/// Default for `min_open_minutes` in [`counts_in_window`]: a facility must be
/// open at least one hour (summed over the week) in a window to count in it.
pub const DEFAULT_MIN_OPEN_MINUTES: u32 = 60;

const ALL_DAYS: [bool; 7] = [true; 7];

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
    if rule.months.is_some() || rule.weeks.is_some() || rule.comment.is_some() {
        return Err(bad(
            "months, weeks and comments cannot be used in a window (it is a weekly span)",
        ));
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
    /// The assumed schedule of a school venue open to the public with no
    /// stated hours: Mo-Fr 17:00-22:00 and Sa,Su 08:00-20:00, i.e. outside
    /// school hours (evenings and weekends; holidays cannot be placed in a
    /// generic week).
    pub fn school_outside_hours() -> Schedule {
        SCHOOL_OUTSIDE_HOURS.clone()
    }

    /// Minutes open within the window, summed over the week.
    pub fn open_minutes_in(&self, w: &Window) -> u32 {
        self.open_minutes_within(&w.intervals())
    }
}

/// The schedule a facility's stated hours give for the time windows:
/// `None` when no hours are stated (or they only say "on booking"), the
/// parsed schedule, or, for hours that cannot be read, the reason (such a
/// facility counts in no window: pass [`Schedule::closed`]).
pub fn facility_schedule(hours: Option<&str>) -> Result<Option<Schedule>, String> {
    match hours {
        None => Ok(None),
        Some(text) => parse_opening_hours(text).map(|s| s.has_hours().then_some(s)),
    }
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
/// - Hours that cannot be read: pass [`Schedule::closed`] (the facility
///   then counts in no window, never as always open; see
///   [`facility_schedule`]).
/// - No stated hours (`None`; also hours that only say "on booking"):
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
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::hours::{PH_NOTE, SH_NOTE, SUN_NOTE, overlap, subtract};

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
            ("Jan 01-Mar 15 Mo-Fr 08:00-12:00", "\"01\""),
            ("week 0-20 Sa 10:00-12:00", "\"0\""),
            ("week 20-10 Sa 10:00-12:00", "\"10\""),
            ("2024 Mo-Fr 08:00-12:00", "\"2024\""),
            ("Mo-Fr 17:00+", "\"+\""),
            ("Mo-Fr 08:00-12:00 \"by appointment", "\"\\\"\""),
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
