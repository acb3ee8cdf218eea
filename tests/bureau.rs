//! A district bureau's own files read right (issue 15): Chinese headers
//! with units in brackets, Chinese types, statuses and hours, a GBK file
//! with CRLF line ends, UTF-16, numbers with thousands separators, the
//! measure logic that depends on them (indicator 16, trails, 15(4),
//! units without residents) and population from the units' census
//! figures. Fixtures: `tests/fixtures/bureau/` (synthetic; its README).
//! Every expected figure below is worked out by hand from the fixture
//! rows (quoted in the comments).

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{
    features_by_id, fixture, read_csv_rows, read_json, read_text, run_fitcircle, temp_dir,
};
use serde_json::Value;

/// `analyze --config <fixture>` (`--lang en` unless `extra` sets it) into
/// a fresh folder: (stdout,
/// stderr, the output folder).
fn analyze(config: &str, extra: &[&str]) -> (String, String, tempfile::TempDir) {
    let dir = temp_dir();
    let cfg = fixture(&format!("bureau/{config}"));
    let out = dir.path().join("out");
    let mut args = vec![
        "analyze",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    if !extra.contains(&"--lang") {
        args.extend(["--lang", "en"]);
    }
    args.extend_from_slice(extra);
    let run = run_fitcircle(dir.path(), &args);
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr, dir)
}

fn out(dir: &tempfile::TempDir, name: &str) -> std::path::PathBuf {
    dir.path().join("out").join(name)
}

fn prop<'a>(f: &'a Value, key: &str) -> &'a Value {
    &f["properties"][key]
}

/// The inputs.csv row of `file`'s `field`.
fn input_row<'a>(
    rows: &'a [HashMap<String, String>],
    file: &str,
    field: &str,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["file"].ends_with(file) && r["field"] == field)
        .unwrap_or_else(|| panic!("inputs.csv has no row {file} {field}: {rows:?}"))
}

#[test]
fn column_mapping_is_printed_written_and_warned() {
    let (_, stderr, dir) = analyze("fitcircle.toml", &[]);
    // The mapping, one line per file, with its encoding.
    let line = |file: &str| {
        stderr
            .lines()
            .find(|l| l.contains(file) && l.contains("<-"))
            .unwrap_or_else(|| panic!("no mapping line for {file}: {stderr}"))
            .to_string()
    };
    let venues = line("venues.csv");
    for part in [
        "(facilities, UTF-8 with BOM, 19 rows)",
        "id <- \"序号\"",
        "name <- \"场地名称\"",
        "category <- \"场地类型\"",
        "area_m2 <- \"占地面积（㎡）\"",
        "floor_area_m2 <- \"建筑面积（㎡）\"",
        "length_m <- \"长度（米）\"",
        "open_to_public <- \"是否对外开放\"",
        "fit_to_open <- \"具备开放条件\"",
        "opening_hours <- \"开放时间\"",
        "status <- \"建设状态\"",
        "build_year <- \"建成年份\"",
        "not in the file: equipment_generation",
        "columns not used: \"所属街道\", \"备注\"",
    ] {
        assert!(venues.contains(part), "{part:?} in {venues}");
    }
    let communities = line("communities.gbk.csv");
    for part in [
        "(communities, GB18030/GBK, 5 rows)",
        "id <- \"社区编码\"",
        "name <- \"社区名称\"",
        "population <- \"常住人口\"",
        "households <- \"户数\"",
        "columns not used: \"街道名称\"",
    ] {
        assert!(communities.contains(part), "{part:?} in {communities}");
    }
    let units = line("units.geojson");
    assert!(units.contains("name <- \"街道名称\""), "{units}");
    assert!(units.contains("id <- \"街道编码\""), "{units}");
    // Every header not used is a warning; the units' census population is
    // not used without [population] from_units, and says how to use it.
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("2 columns not used: \"所属街道\", \"备注\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 column not used: \"街道名称\""),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "the units' population column \"常住人口\" is not used; set [population] from_units"
        ),
        "{stderr}"
    );
    // inputs.csv: the same mapping, with the rows that fill each field.
    let rows = read_csv_rows(&out(&dir, "inputs.csv"));
    let r = input_row(&rows, "venues.csv", "area_m2");
    assert_eq!(
        (
            r["header"].as_str(),
            r["unit"].as_str(),
            r["rows_filled"].as_str()
        ),
        ("占地面积（㎡）", "㎡ = 1 m2", "10")
    );
    assert_eq!(r["encoding"], "UTF-8 with BOM");
    // 长度: V10 1200 and V11 800; 具备开放条件: the five school rows; the
    // 项目 column is there but empty.
    assert_eq!(
        input_row(&rows, "venues.csv", "length_m")["rows_filled"],
        "2"
    );
    assert_eq!(
        input_row(&rows, "venues.csv", "fit_to_open")["rows_filled"],
        "5"
    );
    assert_eq!(
        input_row(&rows, "venues.csv", "subtype")["rows_filled"],
        "0"
    );
    let g = input_row(&rows, "venues.csv", "equipment_generation");
    assert_eq!(g["header"], "");
    assert!(g["note"].contains("unknown"), "{g:?}");
    assert!(!g["note_zh"].is_empty());
    let unused: Vec<&str> = rows
        .iter()
        .filter(|r| r["field"].is_empty())
        .map(|r| r["header"].as_str())
        .collect();
    assert_eq!(unused, ["所属街道", "备注", "街道名称"]);
    let c = input_row(&rows, "communities.gbk.csv", "population");
    assert_eq!(
        (c["encoding"].as_str(), c["rows_filled"].as_str()),
        ("GB18030/GBK", "3")
    );
}

#[test]
fn chinese_types_statuses_and_numbers() {
    let (_, _, dir) = analyze("fitcircle.toml", &[]);
    let fc = read_json(&out(&dir, "facilities.geojson"));
    let f = features_by_id(&fc);
    let get = |id: &str, key: &str| prop(f[id], key).clone();
    let s = |v: Value| v.as_str().map(str::to_string);
    // V01 体育馆, 建筑面积 "12,000": a sports centre of 12,000 m2 (not the
    // 2,000 m2 category default).
    assert_eq!(s(get("V01", "category")).as_deref(), Some("sports_centre"));
    assert_eq!(get("V01", "floor_area_m2"), 12000.0);
    assert_eq!(s(get("V01", "area_source")).as_deref(), Some("given"));
    assert_eq!(s(get("V01", "name")).as_deref(), Some("月坛体育中心"));
    // Types and the subtypes they imply.
    for (id, category, subtype) in [
        ("V02", "school_venue", None),
        ("V07", "football_pitch", Some("11_a_side")), // 足球场 of 7,140 m2
        ("V08", "football_pitch", Some("5_a_side")),  // 五人制足球场
        ("V09", "football_pitch", Some("cage")),      // 笼式足球场
        ("V10", "track", None),                       // 健身步道
        ("V12", "fitness_station", None),             // 健身路径: equipment, not a trail
        ("V13", "other_pitch", Some("gateball")),     // 门球场
        ("V14", "card_room", None),                   // 棋牌室, not a chess garden
        ("V15", "sports_centre", Some("badminton")),  // 羽毛球馆
        ("V18", "table_tennis", Some("corridor")),    // 乒乓球长廊
    ] {
        assert_eq!(s(get(id, "category")).as_deref(), Some(category), "{id}");
        assert_eq!(s(get(id, "subtype")).as_deref(), subtype, "{id}");
    }
    // Statuses: 规划 and 在建 are planned, 关闭 closed (never counted).
    assert_eq!(s(get("V04", "status")).as_deref(), Some("planned"));
    assert_eq!(s(get("V09", "status")).as_deref(), Some("planned"));
    assert_eq!(s(get("V18", "status")).as_deref(), Some("closed"));
    assert_eq!(get("V18", "counted"), false);
    assert_eq!(get("V17", "counted"), true);
    // A trail given as a point with 长度 1200: length x 2 m.
    assert_eq!(get("V10", "length_m"), 1200.0);
    assert_eq!(get("V10", "area_m2"), 2400.0);
    assert_eq!(s(get("V10", "area_source")).as_deref(), Some("length_x_2m"));
    // Flags.
    assert_eq!(get("V03", "open_to_public"), false);
    assert_eq!(get("V05", "fit_to_open"), false);
    assert_eq!(get("V02", "fit_to_open"), true);
    assert_eq!(get("V01", "fit_to_open"), Value::Null);
}

#[test]
fn bureau_hours_in_time_windows() {
    let (_, stderr, dir) = analyze("fitcircle.toml", &[]);
    // V17's hours (看天气) are not understood: a warning naming the file and
    // its row (line 18: the header is line 1, V01 line 2).
    assert!(
        stderr.contains("venues.csv: the opening hours of 1 record are not understood")
            && stderr.contains("row 18 \"V17\" (opening_hours \"看天气\""),
        "{stderr}"
    );
    let fc = read_json(&out(&dir, "facilities.geojson"));
    let f = features_by_id(&fc);
    let open = |id: &str| -> Vec<bool> {
        ["weekday_daytime", "weekday_evening", "weekend", "any_time"]
            .iter()
            .map(|w| {
                prop(f[id], &format!("open_{w}"))
                    .as_bool()
                    .unwrap_or_else(|| panic!("{id} open_{w}: {}", f[id]))
            })
            .collect()
    };
    // 周一至周日 6:00-22:00: open in every window.
    assert_eq!(open("V01"), [true; 4]);
    // 周一至周五 18:00-21:00，周末 8:00-18:00: evenings and weekends.
    assert_eq!(open("V02"), [false, true, true, true]);
    // 周一至周五 9:00-21:00 (V15): 8 h of daytime, 4 h of evening, no weekend.
    assert_eq!(open("V15"), [true, true, false, true]);
    // 全天开放.
    assert_eq!(open("V07"), [true; 4]);
    // 冬季 9:00-18:00: winter only, so open in no window all year.
    assert_eq!(open("V16"), [false; 4]);
    // Not understood: no window, never "always open".
    assert_eq!(open("V17"), [false; 4]);
    // 预约开放 without times: a school venue open on booking, at the
    // school default (evenings and weekends).
    assert_eq!(prop(f["V06"], "booking"), true);
    assert_eq!(prop(f["V02"], "booking"), false);
    assert_eq!(open("V06"), [false, true, true, true]);
}

#[test]
fn measures_16_15_4_and_units_without_residents() {
    let (_, _, dir) = analyze("fitcircle.toml", &[]);
    let rows = read_csv_rows(&out(&dir, "scorecard.csv"));
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    // Indicator 16: school venues V02-V06. V04 is planned and V05 not fit
    // to open: left out. Of V02, V03, V06, two are open.
    let r = row("16");
    assert_eq!(r["status"], "not met");
    assert_eq!(r["figure"], "66.7 % open (2 of 3 fit to open)");
    for part in [
        "2 left out (planned, closed or not fit to open)",
        "北京四中操场 周一至周五 18:00-21:00，周末 8:00-18:00",
        "三里河小学操场 not given",
        "复兴门外小学操场 预约开放 (on booking)",
    ] {
        assert!(r["note"].contains(part), "{part:?} in {}", r["note"]);
    }
    assert!(r["note_zh"].contains("（预约开放）"), "{}", r["note_zh"]);
    // Indicator 15 / measure 15(4). Cage football: V08 (5-a-side, 2021)
    // exists and is new, V09 (cage) is planned, V07 (7,140 m2: 11-a-side)
    // is not a cage court. Trails: V10 (1.2 km, 2020) and V11 (0.8 km, no
    // build year: still existing), both points with a length. Gateball:
    // V13 (门球场, 2020). The closed corridor V18 and the card room V14
    // count nowhere.
    let r = row("15");
    assert_eq!(
        r["figure"],
        "cage football courts: 1 existing, 1 built + 1 planned; fitness trails: 2.00 km \
         existing, 1.20 km built + 0.00 km planned; table-tennis corridors: 0 existing, 0 \
         built + 0 planned; gateball courts: 1 existing, 1 built + 0 planned; chess gardens: 0 \
         existing, 0 built + 0 planned"
    );
    assert!(
        r["note"]
            .contains("fitness trails: 2 given as points, their length from the length column"),
        "{}",
        r["note"]
    );
    // Gaps: V03 (fit to open, closed) is a gap; V05 (not fit) is not. The
    // unit without residents has no per-capita gap.
    let gaps = read_csv_rows(&out(&dir, "gaps.csv"));
    let schools: Vec<&str> = gaps
        .iter()
        .filter(|g| g["kind"] == "school_venue_not_open")
        .map(|g| g["subject_id"].as_str())
        .collect();
    assert_eq!(schools, ["V03"]);
    assert!(
        !gaps
            .iter()
            .any(|g| g["kind"] == "unit_below_per_capita" && g["name"] == "无居民地块"),
        "{gaps:?}"
    );
    let units = read_csv_rows(&out(&dir, "units.csv"));
    let empty = units.iter().find(|u| u["name"] == "无居民地块").unwrap();
    assert_eq!(empty["population"], "0.0");
    for key in [
        "outdoor_m2pp",
        "indoor_m2pp",
        "total_m2pp",
        "meets_per_capita_target",
    ] {
        assert_eq!(empty[key], "", "{key}: not applicable, not 0.00");
    }
    // V19's 150 m2 is still reported as the unit's land.
    assert_eq!(empty["outdoor_sports_land_m2"], "150.0");
    let report = read_text(&out(&dir, "report.html"));
    assert!(report.contains("not applicable (no residents)"));
}

#[test]
fn population_estimates_are_flagged() {
    let (stdout, _, dir) = analyze("fitcircle.toml", &[]);
    // C2 and C5 give only 户数: 1000 and 900 households x 2.31.
    let fc = read_json(&out(&dir, "communities.geojson"));
    let c = features_by_id(&fc);
    for (id, pop, source, estimate) in [
        ("C1", 3200.0, "given", false),
        ("C2", 2310.0, "households_x_size", true),
        ("C3", 1250.0, "given", false), // "1,250": a thousands separator
        ("C5", 2079.0, "households_x_size", true),
    ] {
        assert_eq!(prop(c[id], "population").as_f64(), Some(pop), "{id}");
        assert_eq!(prop(c[id], "population_source"), source, "{id}");
        assert_eq!(prop(c[id], "population_estimate"), estimate, "{id}");
    }
    assert!(
        stdout.contains("population is an ESTIMATE for 2 of 5 communities: households x 2.31"),
        "{stdout}"
    );
    assert!(
        read_text(&out(&dir, "report.html")).contains("ESTIMATE for 2 of 5 communities"),
        "report"
    );
    let (zh, _, _) = analyze("fitcircle.toml", &["--lang", "zh"]);
    assert!(zh.contains("部分社区人口为估算值"), "{zh}");
}

#[test]
fn units_census_population_spread_by_households() {
    let (stdout, _, dir) = analyze("fitcircle_spread.toml", &[]);
    // 月坛街道 10,000 people over C1-C3 (1300, 1000, 500 households);
    // 展览路街道 9,000 over C4, C5 (1800, 900).
    let fc = read_json(&out(&dir, "communities.geojson"));
    let c = features_by_id(&fc);
    for (id, pop) in [
        ("C1", 10_000.0 * 1300.0 / 2800.0),
        ("C2", 10_000.0 * 1000.0 / 2800.0),
        ("C3", 10_000.0 * 500.0 / 2800.0),
        ("C4", 6000.0),
        ("C5", 3000.0),
    ] {
        let got = prop(c[id], "population").as_f64().unwrap();
        assert!((got - pop).abs() < 0.01, "{id}: {got} vs {pop}");
        assert_eq!(prop(c[id], "population_source"), "estimate_unit_total");
        assert_eq!(prop(c[id], "population_estimate"), true);
    }
    assert!(
        stdout.contains("population is an ESTIMATE for 5 communities: each unit's population")
            && stdout.contains("in proportion to their households"),
        "{stdout}"
    );
}

/// `check` on `args`: (exit code, stdout, stderr).
fn check(args: &[&str]) -> (Option<i32>, String, String) {
    let dir = temp_dir();
    let mut all = vec!["check", "--lang", "en"];
    all.extend_from_slice(args);
    let run = run_fitcircle(dir.path(), &all);
    (
        run.status.code(),
        String::from_utf8_lossy(&run.stdout).into_owned(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

#[test]
fn check_prints_the_table_and_encodings() {
    let cfg = fixture("bureau/fitcircle.toml");
    let (code, stdout, stderr) = check(&["--config", cfg.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    for part in [
        "venues.csv (facilities, UTF-8 with BOM, 19 rows)",
        "<- \"占地面积（㎡）\" [㎡ = 1 m2] (10 of 19 rows filled)",
        "<- \"长度（米）\" [米 = 1 m] (2 of 19 rows filled)",
        "equipment_generation: not in the file; equipment generation unknown",
        "not used: \"所属街道\"",
        "communities.gbk.csv (communities, GB18030/GBK, 5 rows)",
    ] {
        assert!(stdout.contains(part), "{part:?} in\n{stdout}");
    }
    // UTF-16 with a byte-order mark.
    let f = fixture("bureau/venues.utf16.csv");
    let (code, stdout, stderr) = check(&["--facilities", f.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("(facilities, UTF-16LE, 2 rows)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("basketball_court   1") && stdout.contains("fitness_station    1"),
        "{stdout}"
    );
    // --column names a header for a field.
    let (code, stdout, stderr) = check(&[
        "--config",
        cfg.to_str().unwrap(),
        "--column",
        "subtype=备注",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("subtype <- \"备注\""), "{stdout}");
    let (code, _, stderr) = check(&["--config", cfg.to_str().unwrap(), "--column", "areas=x"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown field \"areas\""), "{stderr}");
}

#[test]
fn check_speaks_chinese_under_lang_zh() {
    let cfg = fixture("bureau/fitcircle.toml");
    let dir = temp_dir();
    let run = run_fitcircle(
        dir.path(),
        &["check", "--lang", "zh", "--config", cfg.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert_eq!(run.status.code(), Some(0), "{stdout}");
    for part in [
        "配置：",
        "体育设施：",
        "居住社区：",
        "范围（WGS-84）经度 ",
        "警告：",
        "已读取全部输入",
    ] {
        assert!(stdout.contains(part), "{part:?} in\n{stdout}");
    }
    // The frame of the English run is gone; the inputs' own words (paths,
    // headers, category codes after their labels) may stay.
    for english in [
        "config:",
        "facilities:",
        "communities:",
        "bbox",
        "warnings:",
        "residents",
        "CRS ",
    ] {
        assert!(!stdout.contains(english), "{english:?} in\n{stdout}");
    }
}

#[test]
fn bad_bureau_files_name_the_row() {
    let bad = |name: &str| fixture(&format!("bureau/bad/{name}"));
    for (file, parts) in [
        (
            "unknown_type.csv",
            vec![
                "unknown_type.csv, row 3: unknown facility category \"蹦床馆\"",
                "school_venue (school, 学校, 学校体育场地, 学校操场",
                "[categories]",
            ],
        ),
        (
            "decimal_comma.csv",
            vec![
                "decimal_comma.csv, row 3: column \"占地面积（㎡）\"",
                "decimal comma",
            ],
        ),
        (
            "ambiguous_point.csv",
            vec!["ambiguous_point.csv, row 2", "ambiguous"],
        ),
        (
            "unknown_unit.csv",
            vec![
                "unknown_unit.csv: column \"面积（室外）\" (area_m2): fitcircle does not know the unit \"室外\"",
            ],
        ),
        (
            "bad_flag.csv",
            vec!["bad_flag.csv, row 3: column \"是否对外开放\": \"也许\" is not yes or no"],
        ),
        (
            "bad_status.csv",
            vec![
                "bad_status.csv, row 3: column \"建设状态\": unknown status \"好\"",
                "已建成",
            ],
        ),
        // CRLF and CR line ends: the row is the file's line.
        (
            "crlf_row4.csv",
            vec!["crlf_row4.csv, row 4: column \"经度\""],
        ),
        ("cr_row3.csv", vec!["cr_row3.csv, row 3: column \"经度\""]),
        (
            "latin1.csv",
            vec!["latin1.csv: line 2: byte", "nor GB18030/GBK", "CSV UTF-8"],
        ),
    ] {
        let path = bad(file);
        let (code, _, stderr) = check(&["--facilities", path.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{file}: {stderr}");
        for p in parts {
            assert!(stderr.contains(p), "{file}: {p:?} in\n{stderr}");
        }
    }
}

/// GeoJSON strings follow the text rule for numbers; GeoJSON numbers are
/// read as they are.
#[test]
fn geojson_numbers_agree_with_csv() {
    let dir = temp_dir();
    let write = |name: &str, area: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "id": "G1",
                "properties": {{"类别": "篮球场", "占地面积（㎡）": {area}}},
                "geometry": {{"type": "Point", "coordinates": [116.35, 39.91]}}}}]}}"#
            ),
        )
        .unwrap();
        path
    };
    let community = dir.path().join("c.csv");
    std::fs::write(&community, "常住人口,经度,纬度\n100,116.35,39.91\n").unwrap();
    let run = |path: &Path| {
        let o = dir.path().join("out");
        let r = run_fitcircle(
            dir.path(),
            &[
                "analyze",
                "--facilities",
                path.to_str().unwrap(),
                "--communities",
                community.to_str().unwrap(),
                "--out",
                o.to_str().unwrap(),
                "--quiet",
            ],
        );
        (
            r.status.code(),
            String::from_utf8_lossy(&r.stderr).into_owned(),
            o,
        )
    };
    // area_m2 is written to 0.1 m2.
    for (area, want) in [("\"1,234\"", 1234.0), ("12.345", 12.3), ("1234", 1234.0)] {
        let (code, stderr, o) = run(&write("n.geojson", area));
        assert_eq!(code, Some(0), "{area}: {stderr}");
        let fc = read_json(&o.join("facilities.geojson"));
        assert_eq!(
            prop(&common::features(&fc)[0], "area_m2").as_f64(),
            Some(want),
            "{area}"
        );
    }
    for (area, what) in [("\"1,5\"", "decimal comma"), ("\"12.345\"", "ambiguous")] {
        let (code, stderr, _) = run(&write("n.geojson", area));
        assert_eq!(code, Some(2), "{area}");
        assert!(
            stderr.contains("n.geojson, feature 1 (id \"G1\")") && stderr.contains(what),
            "{area}: {stderr}"
        );
    }
}

/// `[columns]` and `[categories]` in a config: a header added for a
/// field, a type name added to the table.
#[test]
fn config_adds_headers_and_types() {
    let dir = temp_dir();
    let venues = fixture("bureau/bad/unknown_type.csv");
    let cfg = dir.path().join("my.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[facilities]]\npath = {:?}\n[columns]\nname = [\"场地名称\"]\n\
             [categories]\n\"蹦床馆\" = \"sports_centre/trampoline\"\n",
            venues.display().to_string()
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = check(&["--config", cfg.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("sports_centre      1"), "{stdout}");
    // An unknown field or category in the config is an error naming it.
    std::fs::write(&cfg, "[columns]\nnames = \"x\"\n").unwrap();
    let (code, _, stderr) = check(&["--config", cfg.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("my.toml") && stderr.contains("unknown field \"names\""),
        "{stderr}"
    );
    std::fs::write(
        &cfg,
        format!(
            "[[facilities]]\npath = {:?}\n[categories]\n\"蹦床馆\" = \"trampolines\"\n",
            venues.display().to_string()
        ),
    )
    .unwrap();
    let (code, _, stderr) = check(&["--config", cfg.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("categories.\"蹦床馆\"") && stderr.contains("trampolines"),
        "{stderr}"
    );
}
