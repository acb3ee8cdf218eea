//! End-to-end tests of the gap layer, the model-district scorecard and
//! `fitcircle sites`, each run as a separate process in a fresh temporary
//! folder:
//!
//! * `helsinki_gaps_and_scorecard`: gaps.geojson / gaps.csv / scorecard.csv /
//!   scorecard.md of the default bundle, without and with a `--figures` CSV;
//! * `helsinki_sites_rerun` / `porto_alegre_sites_rerun`: the acceptance test
//!   of `sites`: build the suggested sites as facilities, re-run `analyze`,
//!   and the covered population must grow by what `sites` promised;
//! * `tiny_planned_projects_before_after`: planned facilities on the tiny
//!   hand-computed network (tests/fixtures/tiny, see tests/cli.rs) plus
//!   tests/fixtures/gaps/planned_facilities.csv;
//! * `xicheng_sites_straight_line`: `sites` without a street network.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use common::*;
use serde_json::Value;

/// The gap kinds src/analysis/gaps.rs can emit.
const GAP_KINDS: [&str; 17] = [
    "unreachable",
    "uncovered_15min",
    "tier_missing",
    "unit_below_per_capita",
    "new_community_below_per_capita",
    "school_venue_not_open",
    "no_second_generation_equipment",
    "planned_project_short",
    "no_district_venue",
    "no_subdistrict_facility",
    "no_community_facility",
    "not_suited_for_groups",
    "no_free_or_discount_for_groups",
    "no_winter_ground",
    "no_small_space_pilot",
    "no_health_promotion_centre",
    "culture_station_not_combined",
];

const STATUSES: [&str; 4] = ["met", "not met", "no data", "not spatial"];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// (id, kind) of every indicator in seeds/indicators.toml, in file order.
fn seed_indicators() -> Vec<(String, String)> {
    let text = read_text(&manifest_dir().join("seeds/indicators.toml"));
    let table: toml::Table = toml::from_str(&text).expect("seeds/indicators.toml parses");
    table["indicator"]
        .as_array()
        .expect("[[indicator]] tables")
        .iter()
        .map(|i| {
            (
                i["id"].as_str().expect("id").to_string(),
                i["kind"].as_str().expect("kind").to_string(),
            )
        })
        .collect()
}

/// Parse gaps.geojson with the `geojson` crate (it must be a
/// FeatureCollection) and check the gap properties; returns the features as
/// JSON values.
fn check_gaps_geojson(out: &Path) -> Vec<Value> {
    let path = out.join("gaps.geojson");
    let text = read_text(&path);
    match geojson::GeoJson::from_str(&text) {
        Ok(geojson::GeoJson::FeatureCollection(_)) => {}
        Ok(other) => panic!("gaps.geojson is not a FeatureCollection: {other:?}"),
        Err(e) => panic!("gaps.geojson does not parse as GeoJSON: {e}"),
    }
    let fc: Value = serde_json::from_str(&text).expect("gaps.geojson is JSON");
    assert_eq!(fc["type"], "FeatureCollection");
    let feats = features(&fc).clone();
    for (i, f) in feats.iter().enumerate() {
        assert_eq!(f["type"], "Feature", "gap {i}");
        let g = &f["geometry"];
        assert!(
            g.is_null() || g["type"].is_string(),
            "gap {i}: geometry must be null or a geometry object: {g}"
        );
        let p = props(f);
        let kind = p["kind"].as_str().unwrap_or_default();
        assert!(GAP_KINDS.contains(&kind), "gap {i}: unknown kind {kind:?}");
        for key in ["indicator", "lead", "explanation_zh", "explanation_en"] {
            let v = p[key].as_str().unwrap_or_default();
            assert!(!v.trim().is_empty(), "gap {i} ({kind}): empty {key}: {p:?}");
        }
        let people = p["people"].as_f64().expect("people is a number");
        assert!(people >= 0.0, "gap {i}: people {people}");
    }
    feats
}

/// The scorecard.csv rows, checked for 44 rows (the 37 national indicators
/// and the plan's own measures 38-44) with ids 1..44 in order and a known
/// status; returned by id.
fn check_scorecard_csv(out: &Path) -> BTreeMap<u32, HashMap<String, String>> {
    let rows = read_csv_rows(&out.join("scorecard.csv"));
    assert_eq!(rows.len(), 44, "scorecard.csv rows");
    let mut by_id = BTreeMap::new();
    for (k, r) in rows.into_iter().enumerate() {
        assert_eq!(r["id"], (k + 1).to_string(), "scorecard.csv row {k}");
        assert!(
            STATUSES.contains(&r["status"].as_str()),
            "indicator {}: status {:?}",
            r["id"],
            r["status"]
        );
        by_id.insert(k as u32 + 1, r);
    }
    by_id
}

/// The rows of the first Markdown table (after its header and `|---|`
/// separator) in scorecard.md.
fn md_indicator_rows(md: &str) -> Vec<&str> {
    let mut lines = md
        .lines()
        .skip_while(|l| !l.starts_with("| id | indicator |"));
    assert!(
        lines.next().is_some(),
        "scorecard.md has no indicator table"
    );
    let sep = lines.next().unwrap_or_default();
    assert!(sep.starts_with("|---"), "separator row: {sep:?}");
    lines.take_while(|l| l.starts_with('|')).collect()
}

/// Counts by status, from a scorecard.
fn status_counts(rows: &BTreeMap<u32, HashMap<String, String>>) -> [usize; 4] {
    STATUSES.map(|s| rows.values().filter(|r| r["status"] == s).count())
}

/// The lines of the HEADLINE block of the printed summary.
fn headline_block(stdout: &str) -> Vec<&str> {
    let lines: Vec<&str> = stdout.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("HEADLINE"))
        .unwrap_or_else(|| panic!("no HEADLINE in stdout:\n{stdout}"));
    let mut block = vec![lines[start]];
    block.extend(
        lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("          ")),
    );
    block
}

/// Covered population for `target` in summary.csv (area=all); 0 when the
/// target has no row (no counted facility of that category).
fn covered_in_summary(out: &Path, target: &str) -> f64 {
    let rows = read_csv_rows(&out.join("summary.csv"));
    rows.iter()
        .find(|r| r["area"] == "all" && r["target"] == target)
        .map(|r| num(r, "covered_population"))
        .unwrap_or(0.0)
}

/// Write the sites of sites.csv as a facilities CSV (id,name,category,lon,lat).
fn sites_as_facilities(sites: &[HashMap<String, String>], category: &str, path: &Path) {
    let mut text = String::from("id,name,category,lon,lat\n");
    for s in sites {
        text.push_str(&format!(
            "new-{},suggested site {},{category},{},{}\n",
            s["rank"], s["site_id"], s["lon"], s["lat"]
        ));
    }
    write(path, &text);
}

/// The acceptance test of `sites`: `cov_before` is the population covered
/// for `category` without the suggested sites, `after` the analyze output
/// folder with them as facilities.
fn check_rerun(sites: &[HashMap<String, String>], cov_before: f64, after: &Path, category: &str) {
    let last = sites.last().expect("at least one site");
    let promised = num(last, "cumulative_new_population");
    let cov_after = covered_in_summary(after, category);
    let gained = cov_after - cov_before;
    eprintln!(
        "{category}: covered before {cov_before}, after {cov_after}, gained {gained}, \
         sites promised {promised}"
    );
    assert!(
        (gained - promised).abs() <= 0.01 * promised + 1.0,
        "{category}: re-run gained {gained} people ({cov_before} -> {cov_after}), sites.csv \
         promised {promised}"
    );
    // The share in sites.csv is the share after, over the same population.
    let all_rows = read_csv_rows(&after.join("summary.csv"));
    let row = summary_row(&all_rows, "all", category);
    let share_after = num(row, "coverage_share");
    let share_promised = num(last, "covered_share_after");
    assert!(
        (share_after - share_promised).abs() <= 0.01 * share_promised + 1e-4,
        "{category}: coverage share after {share_after} vs sites.csv {share_promised}"
    );
    // Every community a site newly covers is covered after the re-run.
    let fc = read_json(&after.join("communities.geojson"));
    let by_id = features_by_id(&fc);
    let flag = format!("{category}_covered");
    let mut missing = Vec::new();
    let mut listed = 0;
    for s in sites {
        for id in s["communities"].split(';').filter(|x| !x.is_empty()) {
            listed += 1;
            let f = by_id
                .get(id)
                .unwrap_or_else(|| panic!("site {}: community {id} not in output", s["rank"]));
            if props(f)[&flag] != Value::Bool(true) {
                missing.push(id.to_string());
            }
        }
    }
    assert!(listed > 0, "{category}: no community listed in sites.csv");
    assert!(
        missing.is_empty(),
        "{category}: {} of {listed} communities listed in sites.csv are not {flag} after the \
         re-run: {missing:?}",
        missing.len()
    );
}

/// Structural checks of sites.csv: ranks 1..n, non-increasing gains,
/// cumulative sums and the community lists. Fewer than `count` sites only
/// when `sites` said so on stdout and everyone is covered after them.
fn check_sites_csv(sites: &[HashMap<String, String>], count: usize, category: &str, stdout: &str) {
    assert!(
        (1..=count).contains(&sites.len()),
        "sites.csv rows: {sites:?}"
    );
    if sites.len() < count {
        assert!(
            stdout.contains(&format!("(only {} sites add anyone", sites.len())),
            "fewer sites than asked without saying why:\n{stdout}"
        );
        let last = sites.last().expect("a site");
        assert!(
            num(last, "covered_share_after") > 0.999,
            "stopped early but not everyone is covered: {last:?}"
        );
    }
    let mut sum = 0.0;
    let mut prev = f64::INFINITY;
    for (k, s) in sites.iter().enumerate() {
        assert_eq!(s["rank"], (k + 1).to_string());
        assert_eq!(s["category"], category);
        let new = num(s, "newly_covered_population");
        assert!(new > 0.0, "site {k}: adds nobody: {s:?}");
        assert!(
            new <= prev + 1e-9,
            "site {}: gain {new} exceeds the previous {prev} (greedy gains never grow)",
            k + 1
        );
        prev = new;
        sum += new;
        let cumulative = num(s, "cumulative_new_population");
        // Each figure is rounded to 0.1 person.
        assert!(
            (cumulative - sum).abs() <= 0.05 * (k + 1) as f64 + 1e-9,
            "site {}: cumulative {cumulative} vs running sum {sum}",
            k + 1
        );
        let listed = s["communities"]
            .split(';')
            .filter(|x| !x.is_empty())
            .count();
        assert_eq!(
            listed as f64,
            num(s, "newly_covered_communities"),
            "site {}: communities list vs newly_covered_communities",
            k + 1
        );
        let share = num(s, "covered_share_after");
        assert!(
            (0.0..=1.0).contains(&share),
            "site {}: share {share}",
            k + 1
        );
    }
    // Shares grow with the cumulative population.
    for w in sites.windows(2) {
        assert!(num(&w[1], "covered_share_after") >= num(&w[0], "covered_share_after"));
    }
}

// ---------------------------------------------------------------------------
// 1. Helsinki: gaps and scorecard
// ---------------------------------------------------------------------------

#[test]
fn helsinki_gaps_and_scorecard() {
    let tmp = temp_dir();
    let stdout = run_ok(tmp.path(), &["analyze", "--out", "out"]);
    let out = tmp.path().join("out");

    // gaps.geojson and gaps.csv: the same gaps in the same order.
    let feats = check_gaps_geojson(&out);
    assert!(!feats.is_empty(), "Helsinki has gaps");
    let csv_rows = read_csv_rows(&out.join("gaps.csv"));
    assert_eq!(csv_rows.len(), feats.len(), "gaps.csv vs gaps.geojson");
    for (i, (row, f)) in csv_rows.iter().zip(&feats).enumerate() {
        let p = props(f);
        for key in ["kind", "indicator", "subject_id", "lead"] {
            assert_eq!(
                Some(row[key].as_str()),
                p[key].as_str(),
                "gap {i}: {key} differs between gaps.csv and gaps.geojson"
            );
        }
        for key in ["lead", "explanation_zh", "explanation_en", "indicator"] {
            assert!(!row[key].trim().is_empty(), "gaps.csv row {i}: empty {key}");
        }
    }
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for r in &csv_rows {
        *kinds.entry(r["kind"].clone()).or_default() += 1;
    }
    eprintln!("Helsinki gaps by kind: {kinds:?}");
    // Gaps about communities sit where the community is.
    for f in &feats {
        let p = props(f);
        if matches!(
            p["kind"].as_str(),
            Some("uncovered_15min" | "tier_missing" | "unreachable")
        ) {
            assert!(
                !f["geometry"].is_null(),
                "community gap without geometry: {p:?}"
            );
            assert_eq!(p["indicator"], "13", "{p:?}");
        }
    }

    // scorecard.csv without figures.
    let seed = seed_indicators();
    assert_eq!(seed.len(), 44);
    let not_spatial: Vec<&str> = seed
        .iter()
        .filter(|(_, k)| k == "not_spatial")
        .map(|(i, _)| i.as_str())
        .collect();
    let tabular: Vec<&str> = seed
        .iter()
        .filter(|(_, k)| k == "tabular")
        .map(|(i, _)| i.as_str())
        .collect();
    assert_eq!(not_spatial.len(), 30, "not_spatial indicators in the seed");
    assert_eq!(tabular.len(), 7, "tabular indicators in the seed");
    let score = check_scorecard_csv(&out);
    for (id, kind) in &seed {
        let r = &score[&id.parse::<u32>().unwrap()];
        assert_eq!(&r["kind"], kind, "indicator {id}: kind");
        match kind.as_str() {
            "not_spatial" => assert_eq!(r["status"], "not spatial", "indicator {id}"),
            "tabular" => {
                assert_eq!(r["status"], "no data", "indicator {id} without --figures");
                assert!(r["figure"].is_empty(), "indicator {id}: {r:?}");
            }
            _ => assert_ne!(r["status"], "not spatial", "spatial indicator {id}"),
        }
    }
    // 13: the 15-minute circle is a computed share, met only at 100 %.
    let r13 = &score[&13];
    assert!(
        r13["figure"].contains("% of residents within 15 min"),
        "{r13:?}"
    );
    let covered_any = {
        let rows = read_csv_rows(&out.join("summary.csv"));
        num(summary_row(&rows, "all", "any"), "coverage_share")
    };
    assert_eq!(
        r13["status"],
        if covered_any >= 1.0 { "met" } else { "not met" },
        "{r13:?}, any coverage share {covered_any}"
    );
    let counts = status_counts(&score);
    eprintln!("Helsinki scorecard (met, not met, no data, not spatial): {counts:?}");

    // scorecard.md: one table row per indicator, same statuses.
    let md = read_text(&out.join("scorecard.md"));
    let md_rows = md_indicator_rows(&md);
    assert_eq!(md_rows.len(), 44, "scorecard.md indicator table rows");
    for (k, line) in md_rows.iter().enumerate() {
        let cells: Vec<&str> = line.split(" | ").collect();
        assert_eq!(
            cells[0],
            format!("| {}", k + 1),
            "scorecard.md row {k}: {line}"
        );
        assert_eq!(
            cells[2],
            score[&(k as u32 + 1)]["status"],
            "scorecard.md row {k}"
        );
    }
    assert!(
        md.contains(&format!(
            "44 indicators: {} met, {} not met, {} no data, {} not spatial.",
            counts[0], counts[1], counts[2], counts[3]
        )),
        "scorecard.md counts line:\n{md}"
    );

    // stdout: the summary opens with the HEADLINE block (after the title
    // and settings lines), before the network line and the target table.
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("fitcircle: "), "{stdout}");
    let h = lines
        .iter()
        .position(|l| l.starts_with("HEADLINE"))
        .expect("HEADLINE");
    assert!(h <= 3, "HEADLINE on line {h}:\n{stdout}");
    assert!(lines[2..h].iter().all(|l| l.trim().is_empty()), "{stdout}");
    let network = lines
        .iter()
        .position(|l| l.starts_with("network:"))
        .expect("network line");
    assert!(h < network, "HEADLINE after the network line:\n{stdout}");
    let block = headline_block(&stdout);
    assert!(
        block[0].contains("residents within the walk:"),
        "{}",
        block[0]
    );
    // No planned facilities in the bundle: no "->" scenario.
    assert!(!block[0].contains("->"), "{}", block[0]);
    let want = format!(
        "scorecard (44 indicators): {} met, {} not met, {} no data, {} not spatial",
        counts[0], counts[1], counts[2], counts[3]
    );
    assert!(
        block.iter().any(|l| l.contains(&want)),
        "HEADLINE lacks {want:?}:\n{}",
        block.join("\n")
    );
    for (kind, n) in &kinds {
        assert!(
            block.iter().any(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.len() >= 4 && w[0] == "gaps:" && w[1] == kind && w[2] == n.to_string()
            }),
            "HEADLINE lacks gaps: {kind} {n}:\n{}",
            block.join("\n")
        );
    }

    // With a --figures CSV (Chinese headers): 21 (pass rate >= 95 %) met,
    // 29 (instructors >= 5 per 1000) not met; the other tabular ones stay
    // "no data"; the value for 13 (computed from the maps) is ignored with a
    // warning.
    let figures = tmp.path().join("figures.csv");
    write(&figures, "指标编号,目标序号,数值\n21,,96\n29,1,4\n13,,1\n");
    let json = run_ok(
        tmp.path(),
        &[
            "analyze",
            "--figures",
            path_str(&figures),
            "--out",
            "out2",
            "--json",
        ],
    );
    let v: Value = serde_json::from_str(&json).expect("--json output");
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w.as_str())
        .filter(|w| w.starts_with("figures file:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("indicator 13 ") && warnings[0].contains("computed from the maps"),
        "{warnings:?}"
    );
    let out2 = tmp.path().join("out2");
    let score2 = check_scorecard_csv(&out2);
    assert_eq!(score2[&21]["status"], "met", "{:?}", score2[&21]);
    assert!(score2[&21]["figure"].starts_with("96"), "{:?}", score2[&21]);
    assert_eq!(score2[&29]["status"], "not met", "{:?}", score2[&29]);
    // 29 has three figures: the one given is named, the others are listed
    // as not given.
    assert!(
        score2[&29]["figure"].contains("instructors: 4 per 1000"),
        "{:?}",
        score2[&29]
    );
    assert!(
        score2[&29]["note"].contains("not given"),
        "{:?}",
        score2[&29]
    );
    for id in &tabular {
        let id: u32 = id.parse().unwrap();
        if id != 21 && id != 29 {
            assert_eq!(score2[&id]["status"], "no data", "indicator {id}");
        }
    }
    for id in 1..=44u32 {
        if id != 21 && id != 29 {
            assert_eq!(
                score2[&id]["status"], score[&id]["status"],
                "indicator {id} changed with --figures"
            );
        }
    }
    let counts2 = status_counts(&score2);
    assert_eq!(counts2[0], counts[0] + 1, "one more met");
    assert_eq!(counts2[1], counts[1] + 1, "one more not met");
    assert_eq!(counts2[2], counts[2] - 2, "two fewer no data");
    assert_eq!(counts2[3], 30);
    let md2 = read_text(&out2.join("scorecard.md"));
    assert_eq!(md_indicator_rows(&md2).len(), 44);
}

// ---------------------------------------------------------------------------
// 2. Sites re-run check (acceptance test)
// ---------------------------------------------------------------------------

#[test]
fn helsinki_sites_rerun() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let category = "fitness_station";
    let stdout = run_ok(
        dir,
        &[
            "sites",
            "--category",
            category,
            "--count",
            "5",
            "--out",
            "sites",
        ],
    );
    assert!(stdout.contains("lazy greedy"), "{stdout}");
    let sites = read_csv_rows(&dir.join("sites/sites.csv"));
    check_sites_csv(&sites, 5, category, &stdout);
    eprintln!("Helsinki sites: {sites:?}");

    let new_csv = dir.join("new_sites.csv");
    sites_as_facilities(&sites, category, &new_csv);
    let pbf = manifest_dir().join("data/helsinki/Helsinki.osm.pbf");
    run_ok(
        dir,
        &[
            "analyze", "--bundle", "helsinki", "--out", "before", "--quiet",
        ],
    );
    run_ok(
        dir,
        &[
            "analyze",
            "--bundle",
            "helsinki",
            "--facilities",
            path_str(&pbf),
            "--facilities",
            path_str(&new_csv),
            "--out",
            "after",
            "--quiet",
        ],
    );
    let cov_before = covered_in_summary(&dir.join("before"), category);
    let sites_fc = read_json(&dir.join("sites/sites.geojson"));
    let sites_before = sites_fc["fitcircle"]["covered_population_before"]
        .as_f64()
        .expect("covered_population_before");
    assert!(
        (sites_before - cov_before).abs() <= 1.0,
        "sites says {sites_before} covered now, analyze says {cov_before}"
    );
    check_rerun(&sites, cov_before, &dir.join("after"), category);
}

#[test]
fn porto_alegre_sites_rerun() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let category = "school_venue";
    let stdout = run_ok(
        dir,
        &[
            "sites",
            "--bundle",
            "porto-alegre",
            "--category",
            category,
            "--count",
            "5",
            "--out",
            "sites",
        ],
    );
    let sites = read_csv_rows(&dir.join("sites/sites.csv"));
    check_sites_csv(&sites, 5, category, &stdout);
    eprintln!("Porto Alegre sites: {sites:?}");

    // The bundle's facilities come from the hexagon grid's school counts
    // (count_column), which only the config can say: copy the config with
    // absolute paths and add the new sites as another [[facilities]] input.
    let new_csv = dir.join("new_sites.csv");
    sites_as_facilities(&sites, category, &new_csv);
    let data: PathBuf = manifest_dir().join("data/porto-alegre");
    let original = read_text(&data.join("fitcircle.toml"));
    let mut config = String::new();
    for line in original.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("path = \"") {
            let name = rest.trim_end().trim_end_matches('"');
            config.push_str(&format!("path = '{}'\n", path_str(&data.join(name))));
        } else {
            config.push_str(line);
            config.push('\n');
        }
    }
    config.push_str(&format!(
        "\n[[facilities]]\npath = '{}'\ncategory = \"{category}\"\n",
        path_str(&new_csv)
    ));
    let config_path = dir.join("poa_with_sites.toml");
    write(&config_path, &config);

    run_ok(
        dir,
        &[
            "analyze",
            "--bundle",
            "porto-alegre",
            "--out",
            "before",
            "--quiet",
        ],
    );
    run_ok(
        dir,
        &[
            "analyze",
            "--config",
            path_str(&config_path),
            "--out",
            "after",
            "--quiet",
        ],
    );
    // The copied config reads the same facilities plus five.
    let fac_before = features(&read_json(&dir.join("before/facilities.geojson"))).len();
    let fac_after = features(&read_json(&dir.join("after/facilities.geojson"))).len();
    assert_eq!(fac_after, fac_before + 5, "facilities before/after");
    let cov_before = covered_in_summary(&dir.join("before"), category);
    let sites_fc = read_json(&dir.join("sites/sites.geojson"));
    let sites_before = sites_fc["fitcircle"]["covered_population_before"]
        .as_f64()
        .expect("covered_population_before");
    assert!(
        (sites_before - cov_before).abs() <= 1.0,
        "sites says {sites_before} covered now, analyze says {cov_before}"
    );
    check_rerun(&sites, cov_before, &dir.join("after"), category);
}

// ---------------------------------------------------------------------------
// 3. Planned projects before / after (tiny network)
// ---------------------------------------------------------------------------

// tests/fixtures/gaps/planned_facilities.csv on the tiny network (see the
// drawing in tests/cli.rs; --minutes 1.2 --speed 6: a 120 m walk):
//   F1 football_pitch, F2 fitness_centre, F3 playground: as in tiny/, existing;
//   P1 football_pitch (cage), planned, build year 2020, on node 5: C4 is
//      sC4 = 50.0 m away (uncovered before: nearest 127.6 m), C2 2dx = 110.6 m
//      (already covered);
//   P2 track, planned, build year 2020: a LINESTRING of 0.0216 deg lon along
//      lat 60.19 = R cos(60.19 deg) 0.0216 pi/180 = 1.194 km (sphere; the
//      ellipsoid gives ~1.197 km); 2.2 km north of the network, so it cannot
//      be reached (it still counts as 1.20 km of planned trail);
//   S1 school_venue on junction 3, existing but open_to_public = no: never
//      counted; C1 (55 m), C2 (0 m), C3 (56 m), 600 people, live within the
//      walk of it.
// Before: any 600 of 1500 (40.0 %), football 300; after: + C4 (400) ->
// 1000 of 1500 (66.7 %). Planned gains: P1 400, P2 0.
// Measure 15(4): cage football 0 built + 1 planned vs 3-5, trails 0.00 km
// built + 1.20 km planned vs >= 5 km: both short (indicator 15).

fn tiny_planned_args(out: &str) -> Vec<String> {
    let tiny = fixture("tiny");
    let f = |name: &str| path_str(&tiny.join(name)).to_string();
    [
        "analyze",
        "--config",
        &f("fitcircle.toml"),
        "--network",
        &f("network.osm"),
        "--communities",
        &f("communities.csv"),
        "--facilities",
        path_str(&fixture("gaps/planned_facilities.csv")),
        "--minutes",
        "1.2",
        "--speed",
        "6",
        "--out",
        out,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[test]
fn tiny_planned_projects_before_after() {
    let tmp = temp_dir();
    let args = tiny_planned_args("out");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdout = run_ok(tmp.path(), &args);
    let out = tmp.path().join("out");

    // HEADLINE: before -> after with the planned facilities, and P1's gain.
    let block = headline_block(&stdout);
    assert!(
        block[0].contains("40.0 % -> 66.7 % with planned facilities"),
        "{}",
        block.join("\n")
    );
    let gains: Vec<&&str> = block
        .iter()
        .filter(|l| l.trim_start().starts_with("planned facility"))
        .collect();
    assert_eq!(
        gains.len(),
        2,
        "one gain line per planned facility: {gains:?}"
    );
    assert!(
        gains[0].ends_with("newly covers 400 people"),
        "largest gain first: {gains:?}"
    );
    assert!(gains[1].ends_with("newly covers 0 people"), "{gains:?}");

    // summary.csv is the "before" scenario: planned facilities not counted.
    let rows = read_csv_rows(&out.join("summary.csv"));
    let any = summary_row(&rows, "all", "any");
    assert_eq!(num(any, "covered_population"), 600.0, "{any:?}");
    assert_eq!(
        num(any, "facilities"),
        3.0,
        "existing, open facilities only"
    );
    let football = summary_row(&rows, "all", "football_pitch");
    assert_eq!(num(football, "facilities"), 1.0, "{football:?}");
    assert_eq!(num(football, "covered_population"), 300.0, "{football:?}");
    assert!(
        !rows.iter().any(|r| r["target"] == "school_venue"),
        "a closed school venue is not a counted facility: {rows:?}"
    );
    assert!(
        !rows.iter().any(|r| r["target"] == "track"),
        "a planned track is not counted before: {rows:?}"
    );
    let fc = read_json(&out.join("communities.geojson"));
    let by_id = features_by_id(&fc);
    assert_eq!(props(by_id["C4"])["football_pitch_covered"], false);
    assert_eq!(props(by_id["C4"])["any_covered"], false);

    // Gaps.
    let feats = check_gaps_geojson(&out);
    let gaps = read_csv_rows(&out.join("gaps.csv"));
    assert_eq!(gaps.len(), feats.len());
    let of_kind = |k: &str| -> Vec<&HashMap<String, String>> {
        gaps.iter().filter(|g| g["kind"] == k).collect()
    };
    let school = of_kind("school_venue_not_open");
    assert_eq!(school.len(), 1, "{gaps:?}");
    assert_eq!(school[0]["subject_id"], "S1");
    assert_eq!(school[0]["indicator"], "16");
    assert!(school[0]["lead"].contains("区教委"), "{:?}", school[0]);
    let short = of_kind("planned_project_short");
    assert_eq!(short.len(), 2, "cage football and trails: {short:?}");
    for g in &short {
        assert_eq!(g["indicator"], "15", "{g:?}");
        assert!(g["lead"].contains("区体育局"), "{g:?}");
    }
    let cage = short
        .iter()
        .find(|g| g["subject_id"] == "cage_football_courts")
        .expect("cage football gap");
    assert!(
        cage["explanation_en"].contains("0 built since 2019, 1 planned, target 3-5 courts"),
        "{cage:?}"
    );
    let trails = short
        .iter()
        .find(|g| g["subject_id"] == "fitness_trails")
        .expect("fitness trails gap");
    assert!(
        trails["explanation_en"]
            .contains("0.00 km built since 2019, 1.20 km planned, target at least 5 km"),
        "{trails:?}"
    );
    assert!(
        trails["explanation_zh"].contains("已建0.00公里、规划1.20公里，目标新建5公里以上"),
        "{trails:?}"
    );
    // The cage-football gap sits on the planned pitch.
    let cage_feat = feats
        .iter()
        .find(|f| props(f)["subject_id"] == "cage_football_courts")
        .expect("cage football feature");
    assert_eq!(cage_feat["geometry"]["type"], "MultiPoint");
    let pts = cage_feat["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(pts.len(), 1, "{cage_feat}");
    assert!(
        (pts[0][0].as_f64().unwrap() - 24.944).abs() < 1e-9,
        "{cage_feat}"
    );
    assert!(
        (pts[0][1].as_f64().unwrap() - 60.17).abs() < 1e-9,
        "{cage_feat}"
    );
    // C4 is uncovered before (the planned pitch does not count yet); C5 is
    // off the network.
    let uncovered = of_kind("uncovered_15min");
    assert_eq!(uncovered.len(), 1, "{uncovered:?}");
    assert_eq!(uncovered[0]["subject_id"], "C4");
    assert_eq!(num(uncovered[0], "people"), 400.0);
    let unreachable = of_kind("unreachable");
    assert_eq!(unreachable.len(), 1);
    assert_eq!(unreachable[0]["subject_id"], "C5");

    // Scorecard: 15 lists the progress, 16 the closed school.
    let score = check_scorecard_csv(&out);
    let r15 = &score[&15];
    assert_eq!(r15["status"], "not met", "{r15:?}");
    for part in [
        "cage football courts: 0 built + 1 planned",
        "fitness trails: 0.00 km built + 1.20 km planned",
    ] {
        assert!(
            r15["figure"].contains(part),
            "row 15 lacks {part:?}: {r15:?}"
        );
    }
    let r16 = &score[&16];
    assert_eq!(r16["status"], "not met", "{r16:?}");
    assert!(r16["figure"].contains("0 of 1"), "{r16:?}");
    let r13 = &score[&13];
    assert_eq!(r13["status"], "not met");
    assert!(r13["figure"].starts_with("40.0 %"), "{r13:?}");
    let md = read_text(&out.join("scorecard.md"));
    assert_eq!(md_indicator_rows(&md).len(), 44);
    assert!(
        md.contains("| 笼式足球场 (cage football courts) | 0 | 1 | 3-5 courts | not met |"),
        "{md}"
    );
    assert!(
        md.contains("| 健身步道 (fitness trails) | 0.00 km | 1.20 km | at least 5 km | not met |"),
        "{md}"
    );
}

/// A closed school venue's gap should say how many residents live within
/// the walk of it (gaps.csv explains `people` as "residents within the walk
/// who could use it"): C1 + C2 + C3 = 600 on the tiny network.
#[test]
fn tiny_closed_school_gap_counts_nearby_residents() {
    let tmp = temp_dir();
    let args = tiny_planned_args("out");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(tmp.path(), &args);
    let gaps = read_csv_rows(&tmp.path().join("out/gaps.csv"));
    let school = gaps
        .iter()
        .find(|g| g["kind"] == "school_venue_not_open")
        .expect("school gap");
    assert_eq!(num(school, "people"), 600.0, "{school:?}");
}

// ---------------------------------------------------------------------------
// 4. Xicheng: sites without a street network
// ---------------------------------------------------------------------------

#[test]
fn xicheng_sites_straight_line() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let category = "football_pitch";
    let stdout = run_ok(
        dir,
        &[
            "sites",
            "--bundle",
            "xicheng",
            "--category",
            category,
            "--count",
            "5",
            "--lang",
            "en",
            "--out",
            "sites",
        ],
    );
    assert!(
        stdout.contains("APPROXIMATE") && stdout.contains("straight-line distances"),
        "no-network mode must say so:\n{stdout}"
    );
    let sites = read_csv_rows(&dir.join("sites/sites.csv"));
    check_sites_csv(&sites, 5, category, &stdout);
    // No facilities at all: nobody is covered before, so the share after is
    // the cumulative population over the census total spread on the
    // communities.
    let total = 1_106_214.0;
    for s in &sites {
        let want = num(s, "cumulative_new_population") / total;
        assert!(
            (num(s, "covered_share_after") - want).abs() <= 1e-4,
            "{s:?}: share vs {want}"
        );
    }
    eprintln!(
        "Xicheng sites: {:?}",
        sites
            .iter()
            .map(|s| (
                s["site_id"].clone(),
                s["lon"].clone(),
                s["lat"].clone(),
                s["newly_covered_population"].clone(),
                s["cumulative_new_population"].clone()
            ))
            .collect::<Vec<_>>()
    );

    // sites.geojson: 5 site points inside Xicheng, then 5 isochrones.
    let fc = read_json(&dir.join("sites/sites.geojson"));
    let feats = features(&fc);
    let points: Vec<&Value> = feats
        .iter()
        .filter(|f| f["properties"]["kind"] == "site")
        .collect();
    let isos: Vec<&Value> = feats
        .iter()
        .filter(|f| f["properties"]["kind"] == "isochrone")
        .collect();
    assert_eq!(points.len(), 5);
    assert_eq!(isos.len(), 5);
    for (k, (p, s)) in points.iter().zip(&sites).enumerate() {
        assert_eq!(p["geometry"]["type"], "Point");
        let lon = p["geometry"]["coordinates"][0].as_f64().unwrap();
        let lat = p["geometry"]["coordinates"][1].as_f64().unwrap();
        assert!(
            (116.31..=116.40).contains(&lon) && (39.86..=39.98).contains(&lat),
            "site {k} at ({lon}, {lat}) is outside Xicheng"
        );
        assert!((lon - num(s, "lon")).abs() < 1e-6, "site {k} lon");
        assert!((lat - num(s, "lat")).abs() < 1e-6, "site {k} lat");
        assert_eq!(props(p)["rank"], k as u64 + 1);
        let iso = isos[k];
        assert_eq!(props(iso)["rank"], k as u64 + 1);
        assert!(
            matches!(
                iso["geometry"]["type"].as_str(),
                Some("Polygon" | "MultiPolygon")
            ),
            "{}",
            iso["geometry"]["type"]
        );
    }

    // Re-run in no-network mode with the sites as facilities: the covered
    // population is what sites promised, and the listed communities are
    // covered.
    let new_csv = dir.join("new_sites.csv");
    sites_as_facilities(&sites, category, &new_csv);
    let stdout = run_ok(
        dir,
        &[
            "analyze",
            "--bundle",
            "xicheng",
            "--facilities",
            path_str(&new_csv),
            "--lang",
            "en",
            "--out",
            "after",
        ],
    );
    assert!(stdout.contains("APPROXIMATE"), "{stdout}");
    check_rerun(&sites, 0.0, &dir.join("after"), category);
}
