//! Opening hours: months, weeks, seasons, Chinese forms, booking, and
//! property tests against a date-by-date evaluator of generated rules
//! (the part of the OSM grammar both cover). The weekly rules themselves
//! are tested with the time windows (`analysis::windows`).

use proptest::prelude::*;

use super::*;

const MO: usize = 0;
const FR: usize = 4;
const SA: usize = 5;
const SU: usize = 6;

fn hm(h: u32, m: u32) -> u32 {
    h * 60 + m
}

fn p(s: &str) -> Schedule {
    parse_opening_hours(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// Same-day spans on each of `days`, as minutes of the week.
fn each(days: &[usize], s: u32, e: u32) -> Vec<(u32, u32)> {
    let mut v: Vec<(u32, u32)> = days
        .iter()
        .map(|&d| {
            (
                d as u32 * MINUTES_PER_DAY + s,
                d as u32 * MINUTES_PER_DAY + e,
            )
        })
        .collect();
    normalize(&mut v);
    v
}

const ALL: [usize; 7] = [0, 1, 2, 3, 4, 5, 6];
const WEEKDAYS: [usize; 5] = [0, 1, 2, 3, 4];

#[test]
fn chinese_forms_read_as_their_osm_equivalents() {
    let cases: &[(&str, &str)] = &[
        ("周一至周五 18:00-21:00", "Mo-Fr 18:00-21:00"),
        ("周一至周五18：00－21：00", "Mo-Fr 18:00-21:00"),
        ("星期一到星期五 18:00~21:00", "Mo-Fr 18:00-21:00"),
        (
            "工作日18:00-21:00，周末8:00-20:00",
            "Mo-Fr 18:00-21:00; Sa,Su 08:00-20:00",
        ),
        ("周六、周日 9:00-17:00", "Sa,Su 09:00-17:00"),
        ("全天开放", "24/7"),
        ("24小时开放", "24/7"),
        ("周末全天开放", "Sa,Su 00:00-24:00"),
        ("每天 6:00-22:00，周一闭馆", "06:00-22:00; Mo off"),
        ("每天9:00-21:00（周一闭馆）", "09:00-21:00; Mo off"),
        ("上午8:00-12:00，下午2:00-6:00", "08:00-12:00,14:00-18:00"),
        ("早8点至晚9点", "08:00-21:00"),
        ("开放时间：9:00-17:30", "09:00-17:30"),
        ("9点半-11点", "09:30-11:00"),
        (
            "周一至周五 18:00-21:00；节假日除外",
            "Mo-Fr 18:00-21:00; PH off",
        ),
        ("冬季 9:00-18:00", "Nov-Mar 09:00-18:00"),
        ("5-9月 6:00-21:00", "May-Sep 06:00-21:00"),
    ];
    for (zh, osm) in cases {
        let a = p(zh);
        let b = p(osm);
        assert_eq!(a.intervals(), b.intervals(), "{zh} vs {osm}");
    }
}

#[test]
fn months_and_seasons_count_only_the_hours_open_all_year() {
    // Winter 09:00-18:00, summer 08:00-20:00: all year 09:00-18:00.
    let s = p("冬季9:00-18:00，夏季8:00-20:00");
    assert_eq!(s.intervals(), each(&ALL, hm(9, 0), hm(18, 0)));
    assert_eq!(s.notes(), [SEASON_NOTE]);
    assert_eq!(s, p("Nov-Mar 09:00-18:00, Apr-Oct 08:00-20:00"));
    // A summer pool is open in no week of the whole year.
    let s = p("May-Sep 06:00-21:00");
    assert_eq!(s.open_minutes_per_week(), 0);
    assert!(s.has_hours());
    assert_eq!(s.notes(), [SEASON_NOTE]);
    // Every month named: the same as no month.
    assert_eq!(
        p("Jan-Dec Mo-Fr 10:00-12:00").intervals(),
        p("Mo-Fr 10:00-12:00").intervals()
    );
    assert!(p("Jan-Dec Mo-Fr 10:00-12:00").notes().is_empty());
    // A wrapping range and a later rule closing winter Sundays.
    let s = p("Mo-Su 08:00-20:00; Dec-Feb Su off");
    assert_eq!(
        s.intervals(),
        each(&[0, 1, 2, 3, 4, 5], hm(8, 0), hm(20, 0))
    );
    // Colon after the month selector.
    assert_eq!(
        p("Jan-Dec: Mo 10:00-11:00").intervals(),
        each(&[MO], hm(10, 0), hm(11, 0))
    );
}

#[test]
fn week_selectors() {
    // Even weeks only: not open all year.
    assert_eq!(p("week 02-52/2 Sa 10:00-12:00").open_minutes_per_week(), 0);
    // Every week 1-53 named: all year.
    assert_eq!(
        p("week 1-53 Sa 10:00-12:00").intervals(),
        each(&[SA], hm(10, 0), hm(12, 0))
    );
    // Closed in weeks 30-35 (a summer break): Saturdays are not open all year.
    let s = p("Sa,Su 10:00-12:00; week 30-35 Sa off");
    assert_eq!(s.intervals(), each(&[SU], hm(10, 0), hm(12, 0)));
}

#[test]
fn booking_is_a_status() {
    let s = p("预约开放");
    assert!(s.by_booking());
    assert!(!s.has_hours());
    let s = p("周一至周五 18:00-21:00 预约开放");
    assert!(s.by_booking() && s.has_hours());
    assert_eq!(s.intervals(), each(&WEEKDAYS, hm(18, 0), hm(21, 0)));
    let s = p("Mo-Fr 18:00-21:00 \"by appointment\"");
    assert!(s.by_booking());
    assert_eq!(s.intervals(), each(&WEEKDAYS, hm(18, 0), hm(21, 0)));
    let s = p("Sa \"on appointment\"");
    assert!(s.by_booking() && !s.has_hours());
    assert!(by_booking("周末需预约"));
    assert!(!by_booking("Mo-Fr 08:00-12:00"));
    assert!(!by_booking("看情况"));
    // A comment that is not about booking, on a rule with hours.
    let s = p("Mo 10:00-12:00 \"closed in rain\"");
    assert!(!s.by_booking());
    assert_eq!(s.intervals(), each(&[MO], hm(10, 0), hm(12, 0)));
}

#[test]
fn not_understood_is_an_error() {
    for bad in [
        "周一至周五 看天气",
        "冬季 25:00-26:00",
        "Mo-Fr 08:00-12:00 || \"on request\"",
        "2024 Mo-Fr 08:00-12:00",
        "unknown",
    ] {
        assert!(parse_opening_hours(bad).is_err(), "{bad}");
    }
    let e = parse_opening_hours("周一至周五 25:00-26:00").unwrap_err();
    assert!(
        e.contains("\"25:00\"") && e.contains("read \"周一至周五 25:00-26:00\" as"),
        "{e}"
    );
}

#[test]
fn fridays_late() {
    assert!(p("Fr 22:00-02:00").is_open_at(SA, hm(1, 0)));
    assert!(p("Fr 22:00-02:00").is_open_at(FR, hm(23, 0)));
}

// ---------------------------------------------------------------------------
// Property tests: generated rules against a date-by-date evaluator.
// ---------------------------------------------------------------------------

/// A generated rule of the subset both the parser and the evaluator cover
/// (spans within one day).
#[derive(Debug, Clone)]
struct GenRule {
    months: Option<(usize, usize)>,
    weeks: Option<(usize, usize, usize)>,
    days: Option<Vec<(usize, usize)>>,
    spans: Vec<(u32, u32)>,
    off: bool,
    additional: bool,
}

fn gen_rule() -> impl Strategy<Value = GenRule> {
    let months = prop::option::weighted(0.4, (0usize..12, 0usize..12));
    let weeks = prop::option::weighted(
        0.25,
        (1usize..=53, 0usize..53, 1usize..4)
            .prop_map(|(a, len, step)| (a, (a + len).min(53), step)),
    );
    let days = prop::option::weighted(0.7, prop::collection::vec((0usize..7, 0usize..7), 1..3));
    let spans = prop::collection::vec((0u32..96, 1u32..96), 0..3).prop_map(|v| {
        v.into_iter()
            .map(|(s, len)| (s * 15, (s * 15 + len * 15).min(MINUTES_PER_DAY)))
            .filter(|(s, e)| s < e)
            .collect()
    });
    (
        months,
        weeks,
        days,
        spans,
        prop::bool::weighted(0.2),
        any::<bool>(),
    )
        .prop_map(|(months, weeks, days, spans, off, additional)| GenRule {
            months,
            weeks,
            days,
            spans,
            off,
            additional,
        })
}

fn hhmm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// The rules in OSM syntax. A rule joins the previous one with `,`
/// (additional) only when it starts with a selector, as the grammar asks.
fn render(rules: &[GenRule]) -> String {
    let mut out = String::new();
    for (i, r) in rules.iter().enumerate() {
        let mut parts: Vec<String> = Vec::new();
        if let Some((a, b)) = r.months {
            parts.push(format!(
                "{}-{}",
                parse::MONTH_NAMES[a],
                parse::MONTH_NAMES[b]
            ));
        }
        if let Some((a, b, step)) = r.weeks {
            parts.push(format!("week {a:02}-{b:02}/{step}"));
        }
        if let Some(days) = &r.days {
            let list: Vec<String> = days
                .iter()
                .map(|&(a, b)| format!("{}-{}", DAY_NAMES[a], DAY_NAMES[b]))
                .collect();
            parts.push(list.join(","));
        }
        if !r.spans.is_empty() {
            let list: Vec<String> = r
                .spans
                .iter()
                .map(|&(s, e)| format!("{}-{}", hhmm(s), hhmm(e)))
                .collect();
            parts.push(list.join(","));
        }
        if r.off {
            parts.push("off".into());
        }
        if parts.is_empty() {
            parts.push("open".into());
        }
        if i > 0 {
            out.push_str(if joins_additional(&rules[i - 1], r) {
                ", "
            } else {
                "; "
            });
        }
        out.push_str(&parts.join(" "));
    }
    out
}

/// `r` joins `prev` as an additional rule: asked for, `r` starts with a
/// selector, and the comma cannot be read as continuing `prev`'s day or
/// month list (`Mo-Fr, Sa 10:00-12:00` is one day list, a documented
/// leniency).
fn joins_additional(prev: &GenRule, r: &GenRule) -> bool {
    let prev_open_list = prev.spans.is_empty() && !prev.off;
    let prev_days = prev_open_list && prev.days.is_some();
    let prev_months =
        prev_open_list && prev.months.is_some() && prev.weeks.is_none() && prev.days.is_none();
    let starts_days = r.months.is_none() && r.weeks.is_none() && r.days.is_some();
    let starts_months = r.months.is_some();
    r.additional
        && (r.months.is_some() || r.weeks.is_some() || r.days.is_some())
        && !(prev_days && starts_days)
        && !(prev_months && starts_months)
}

/// Month (0-11), ISO week and weekday (0 = Monday) of each day of 2025,
/// worked out on its own (not with `segments`).
fn dates_2025() -> Vec<(usize, usize, usize)> {
    let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut out = Vec::new();
    let mut ordinal = 1i64; // 1 January = 1
    for (m, &n) in lengths.iter().enumerate() {
        for _ in 0..n {
            let iso_weekday = (ordinal + 1) % 7 + 1; // 1 Jan 2025: Wednesday = 3
            let mut week = (ordinal - iso_weekday + 10) / 7;
            if week < 1 {
                week = 52; // 2024 has 52 ISO weeks
            } else if week > 52 {
                week = 1; // 2025 has 52: 29-31 December are in 2026's week 1
            }
            out.push((m, week as usize, (iso_weekday - 1) as usize));
            ordinal += 1;
        }
    }
    out
}

/// `x` in `a..=b`, wrapping past the end when `a > b` (`Nov-Mar`, `Fr-Mo`).
fn in_range(x: usize, a: usize, b: usize) -> bool {
    if a <= b {
        (a..=b).contains(&x)
    } else {
        x >= a || x <= b
    }
}

/// Minutes of one date open under the rules, evaluated the way the
/// specification reads them, rule by rule.
fn open_on(rules: &[GenRule], month: usize, week: usize, weekday: usize) -> [bool; 1440] {
    let mut open = [false; 1440];
    for (i, r) in rules.iter().enumerate() {
        let hit = r.months.is_none_or(|(a, b)| in_range(month, a, b))
            && r.weeks
                .is_none_or(|(a, b, step)| (a..=b).contains(&week) && (week - a) % step == 0)
            && r.days
                .as_ref()
                .is_none_or(|d| d.iter().any(|&(a, b)| in_range(weekday, a, b)));
        if !hit {
            continue;
        }
        let whole = [(0, MINUTES_PER_DAY)];
        let spans: &[(u32, u32)] = if r.spans.is_empty() { &whole } else { &r.spans };
        let additional = i > 0 && joins_additional(&rules[i - 1], r);
        if !r.off && !additional {
            open = [false; 1440];
        }
        if r.off && r.spans.is_empty() {
            open = [false; 1440];
        }
        for &(s, e) in spans {
            for m in s..e {
                open[m as usize] = !r.off;
            }
        }
    }
    open
}

/// The schedule open on every date of each weekday.
fn oracle(rules: &[GenRule]) -> Vec<(u32, u32)> {
    let mut all = [[true; 1440]; 7];
    for (month, week, weekday) in dates_2025() {
        let day = open_on(rules, month, week, weekday);
        for m in 0..1440 {
            all[weekday][m] &= day[m];
        }
    }
    let mut out = Vec::new();
    for (d, day) in all.iter().enumerate() {
        let base = d as u32 * MINUTES_PER_DAY;
        let mut m = 0;
        while m < 1440 {
            if day[m] {
                let s = m;
                while m < 1440 && day[m] {
                    m += 1;
                }
                out.push((base + s as u32, base + m as u32));
            } else {
                m += 1;
            }
        }
    }
    normalize(&mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Every generated rule list parses, and the schedule is what the
    /// date-by-date evaluator finds open all year.
    #[test]
    fn generated_rules_match_the_evaluator(rules in prop::collection::vec(gen_rule(), 1..5)) {
        let text = render(&rules);
        let s = parse_opening_hours(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(s.intervals(), &oracle(&rules)[..], "{}", text);
    }

    /// The Chinese rendering of weekly rules reads as the OSM one.
    #[test]
    fn chinese_renderings_match(
        days in (0usize..7, 0usize..7),
        span in (0u32..47, 1u32..48),
        full_width in any::<bool>(),
        off_day in prop::option::of(0usize..7),
    ) {
        const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
        let (s, e) = (span.0 * 30, (span.0 * 30 + span.1 * 30).min(MINUTES_PER_DAY));
        let (colon, dash) = if full_width { ("：", "－") } else { (":", "-") };
        let t = |m: u32| format!("{}{colon}{:02}", m / 60, m % 60);
        let mut zh = format!("{}至{} {}{dash}{}", ZH[days.0], ZH[days.1], t(s), t(e));
        let mut osm = format!("{}-{} {}-{}", DAY_NAMES[days.0], DAY_NAMES[days.1], hhmm(s), hhmm(e));
        if let Some(d) = off_day {
            zh.push_str(&format!("，{}闭馆", ZH[d]));
            osm.push_str(&format!(", {} off", DAY_NAMES[d]));
        }
        let a = parse_opening_hours(&zh).map_err(TestCaseError::fail)?;
        let b = parse_opening_hours(&osm).map_err(TestCaseError::fail)?;
        prop_assert_eq!(a.intervals(), b.intervals(), "{} / {}", zh, osm);
    }

    /// Any mix of words, digits and signs: an answer or an error, never a
    /// panic, and a schedule within the week.
    #[test]
    fn never_panics(parts in prop::collection::vec(prop::sample::select(vec![
        "周一", "至", "周五", "周末", "全天", "开放", "冬季", "夏季", "5", "月", "日", "9", ":",
        "：", "00", "-", "－", "～", "，", "；", "（", "）", "闭馆", "预约", "下午", "点", "半",
        "Mo", "Jan", "week", "/", "2", "24/7", "off", "\"", "PH", "SH", "节假日", "除外", "?",
    ]), 0..14)) {
        let text: String = parts.concat();
        if let Ok(s) = parse_opening_hours(&text) {
            prop_assert!(s.intervals().iter().all(|&(a, b)| a < b && b <= MINUTES_PER_WEEK));
        }
    }
}
