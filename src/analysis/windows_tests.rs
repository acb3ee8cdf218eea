//! `counts_in_window` truth table: school / non-school x `open_to_public`
//! x opening hours present / absent x each default window.

use crate::analysis::windows::{
    DEFAULT_MIN_OPEN_MINUTES, Schedule, Window, counts_in_window, default_windows,
    facility_schedule, parse_opening_hours, parse_window,
};

/// Stated hours used in the table: school-day hours plus Saturday morning.
/// Open 5 x 8 h in `weekday_daytime`, 0 in `weekday_evening`, 3 h at the
/// weekend, so it differs from both "always open" and the school default.
const HOURS: &str = "Mo-Fr 07:00-16:00; Sa 09:00-12:00";

fn window_names() -> Vec<String> {
    default_windows().into_iter().map(|w| w.name).collect()
}

#[test]
fn default_window_names_and_order() {
    assert_eq!(
        window_names(),
        ["weekday_daytime", "weekday_evening", "weekend", "any_time"]
    );
}

#[test]
fn truth_table() {
    let hours = parse_opening_hours(HOURS).unwrap();
    let windows = default_windows();
    // (is_school, open_to_public, hours present, expected per window:
    //  weekday_daytime, weekday_evening, weekend, any_time)
    #[rustfmt::skip]
    let table: &[(bool, Option<bool>, bool, [bool; 4])] = &[
        // Non-school facilities.
        (false, None,        false, [true,  true,  true,  true ]), // always open
        (false, None,        true,  [true,  false, true,  true ]), // hours govern
        (false, Some(true),  false, [true,  true,  true,  true ]),
        (false, Some(true),  true,  [true,  false, true,  true ]),
        (false, Some(false), false, [false, false, false, false]), // not public
        (false, Some(false), true,  [false, false, false, false]),
        // School venues.
        (true,  None,        false, [false, true,  true,  true ]), // outside school hours
        (true,  None,        true,  [true,  false, true,  true ]), // hours govern
        (true,  Some(true),  false, [false, true,  true,  true ]), // outside school hours
        (true,  Some(true),  true,  [true,  false, true,  true ]), // hours govern
        (true,  Some(false), false, [false, false, false, false]), // not public
        (true,  Some(false), true,  [false, false, false, false]),
    ];
    assert_eq!(table.len(), 2 * 3 * 2);
    for &(is_school, public, has_hours, expected) in table {
        let schedule = has_hours.then_some(&hours);
        let got: Vec<bool> = windows
            .iter()
            .map(|w| counts_in_window(schedule, is_school, public, w, DEFAULT_MIN_OPEN_MINUTES))
            .collect();
        assert_eq!(
            got,
            expected,
            "school={is_school} open_to_public={public:?} hours={has_hours} (windows {:?})",
            window_names()
        );
    }
}

#[test]
fn unparsable_hours_count_in_no_window() {
    // Hours that cannot be read are never "always open": the caller passes
    // a closed schedule (`facility_schedule` gives the reason).
    let r = facility_schedule(Some("Mo-Fr 08:00-12:00 || \"on request\""));
    let err = r.as_ref().unwrap_err();
    assert!(err.contains("\"|\""), "{err}");
    let closed = Schedule::closed();
    for w in default_windows() {
        for school in [false, true] {
            assert!(!counts_in_window(Some(&closed), school, Some(true), &w, 60));
        }
    }
    // No hours, or hours that only say "on booking": the defaults.
    assert_eq!(facility_schedule(None), Ok(None));
    assert_eq!(facility_schedule(Some("预约开放")), Ok(None));
    assert!(facility_schedule(Some("Mo 10:00-12:00")).unwrap().is_some());
}

#[test]
fn stated_hours_examples() {
    let cases: &[(&str, [bool; 4])] = &[
        (
            "Mo-Fr 17:00-21:00; Sa,Su 08:00-18:00",
            [false, true, true, true],
        ),
        ("24/7", [true, true, true, true]),
        ("Mo-Su 06:00-22:00", [true, true, true, true]),
        ("Sa-Su 09:00-17:00; PH off", [false, false, true, true]),
        (
            "Mo-Fr 18:00-21:00, Sa 08:00-12:00",
            [false, true, true, true],
        ),
        ("off", [false, false, false, false]),
        ("sunrise-sunset", [true, true, true, true]), // 06:00-18:00: 1 h/day in the evening
        ("Mo-Fr 06:30-08:00,17:30-21:30", [false, true, false, true]),
        ("Tu,Th 19:00-21:00", [false, true, false, true]),
        ("Mo-Sa 09:00-21:00; Su off", [true, true, true, true]),
        ("Fr 21:30-22:00", [false, false, false, false]), // 30 min < 60
        ("Fr-Sa 22:00-02:00", [false, false, false, true]),
    ];
    for &(s, expected) in cases {
        let sch = parse_opening_hours(s).unwrap();
        for (w, want) in default_windows().iter().zip(expected) {
            // School or not makes no difference once hours are stated.
            for is_school in [false, true] {
                assert_eq!(
                    counts_in_window(Some(&sch), is_school, Some(true), w, 60),
                    want,
                    "{s:?} in {} (school={is_school})",
                    w.name
                );
            }
        }
    }
}

#[test]
fn custom_windows_and_minimum() {
    let early = parse_window("weekday_early", "Mo-Fr 06:00-08:00").unwrap();
    let late = parse_window("weekend_night", "Fr,Sa 22:00-02:00").unwrap();
    // School default (Mo-Fr 17-22, Sa,Su 08-20): not early, not late nights.
    assert!(!counts_in_window(None, true, Some(true), &early, 60));
    assert!(!counts_in_window(None, true, None, &late, 60));
    // Non-school without hours: always open.
    assert!(counts_in_window(None, false, None, &early, 60));
    assert!(counts_in_window(None, false, None, &late, 60));
    let pool = parse_opening_hours("Mo-Fr 06:30-08:00,17:30-21:30").unwrap();
    assert_eq!(pool.open_minutes_in(&early), 5 * 90);
    assert!(counts_in_window(Some(&pool), false, None, &early, 60));
    assert!(counts_in_window(Some(&pool), false, None, &early, 450));
    assert!(!counts_in_window(Some(&pool), false, None, &early, 451));
    let bar = parse_opening_hours("Fr 23:30-01:00").unwrap();
    assert_eq!(bar.open_minutes_in(&late), 90);
    assert!(counts_in_window(Some(&bar), false, None, &late, 60));
}

#[test]
fn always_and_school_default_schedules() {
    let windows: Vec<Window> = default_windows();
    for w in &windows {
        assert!(counts_in_window(
            Some(&Schedule::always()),
            true,
            None,
            w,
            60
        ));
        assert_eq!(
            counts_in_window(Some(&Schedule::school_outside_hours()), false, None, w, 60),
            counts_in_window(None, true, None, w, 60),
            "{}",
            w.name
        );
    }
}
