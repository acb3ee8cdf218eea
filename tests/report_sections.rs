//! The report's sections for a bureau's leadership (issue 16): coverage
//! and per-capita area now and with the planned facilities, the
//! measure-15(4) projects, each planned facility with its year and the
//! residents it newly covers, the units ranked by covered share, and each
//! school venue with its openness; numbers worked out by hand on the tiny
//! network (see tests/gaps_sites.rs and tests/catchments.rs for the
//! drawings).

mod common;

use common::{fixture, read_csv_rows, read_text, run_ok, temp_dir};

/// The cells of each body row of `<table id="{id}">`, tags stripped.
fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = html[start..].find("</table>").expect("end of table") + start;
    let body = &html[start..end];
    let body = &body[body.find("<tbody>").expect("tbody")..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let cell = &cell[cell.find('>').expect("cell") + 1..];
                    let cell = &cell[..cell.find("</td>").expect("end of cell")];
                    let mut text = String::new();
                    let mut tag = false;
                    for c in cell.chars() {
                        match c {
                            '<' => tag = true,
                            '>' => tag = false,
                            _ if !tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.trim().to_string()
                })
                .collect()
        })
        .collect()
}

fn tiny(facilities: &str, extra: &[&str]) -> (tempfile::TempDir, String) {
    let tmp = temp_dir();
    let t = fixture("tiny");
    let s = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
    let (config, network, communities) = (
        s(t.join("fitcircle.toml")),
        s(t.join("network.osm")),
        s(t.join("communities.csv")),
    );
    let facilities = s(fixture(facilities));
    let mut args = vec![
        "analyze",
        "--config",
        &config,
        "--network",
        &network,
        "--communities",
        &communities,
        "--facilities",
        &facilities,
        "--minutes",
        "1.2",
        "--speed",
        "6",
        "--quiet",
        "--out",
        "out",
    ];
    args.extend_from_slice(extra);
    run_ok(tmp.path(), &args);
    let html = read_text(&tmp.path().join("out/report.html"));
    (tmp, html)
}

// Before: 600 of 1500 residents (40.0 %); with P1 on node 5 C4's 400 more:
// 66.7 %. P1 newly covers 400, the unreachable trail P2 0. Cage football:
// 0 built, 1 planned; trails 0.00 km built, 1.20 km planned. S1, a school
// field closed to the public.
#[test]
fn before_after_projects_planned_facilities_and_school_venues() {
    let (_tmp, html) = tiny("gaps/planned_facilities.csv", &["--lang", "en"]);
    let before = table_rows(&html, "table-before-after");
    assert_eq!(before[0][1], "40.0%", "{before:?}");
    assert_eq!(before[0][2], "66.7%", "{before:?}");
    let planned = table_rows(&html, "table-planned");
    assert_eq!(planned.len(), 2, "{planned:?}");
    assert_eq!(planned[0][0], "Planned cage football on node 5");
    assert_eq!(
        (planned[0][4].as_str(), planned[0][5].as_str()),
        ("2020", "400")
    );
    assert_eq!(planned[1][0], "Planned fitness trail 2 km north");
    assert_eq!(
        (planned[1][4].as_str(), planned[1][5].as_str()),
        ("2020", "0")
    );
    let projects = table_rows(&html, "table-projects");
    let cage = projects
        .iter()
        .find(|r| r[0].to_lowercase().contains("cage"))
        .unwrap_or_else(|| panic!("{projects:?}"));
    assert_eq!((cage[1].as_str(), cage[2].as_str()), ("0", "1"), "{cage:?}");
    let trail = projects
        .iter()
        .find(|r| r[2].contains("1.20"))
        .unwrap_or_else(|| panic!("trails 1.20 km planned: {projects:?}"));
    assert!(trail[1].contains("0.00"), "{trail:?}");
    let schools = table_rows(&html, "table-schools");
    assert_eq!(schools.len(), 1);
    assert_eq!(schools[0][0], "School field on junction 3");
    assert_eq!(schools[0][3], "no", "closed to the public");
    // The headline says it first.
    assert!(html.contains("40.0%") && html.contains("66.7%"));
}

// West: C1 (100 people), 40 m2 outdoor: 0.40 m2 per person. East: C2, C3,
// C4 (900), 100 m2 outdoor + 80 m2 indoor: 0.20. Ranked by covered share,
// lowest first.
#[test]
fn units_ranked_by_covered_share_with_their_area_per_person() {
    let units = fixture("catchments/units.geojson");
    let units = units.to_string_lossy().into_owned();
    let (tmp, html) = tiny(
        "catchments/facilities_units.csv",
        &["--units", &units, "--lang", "en"],
    );
    let ranking = table_rows(&html, "table-ranking");
    assert_eq!(ranking.len(), 2, "{ranking:?}");
    let csv = read_csv_rows(&tmp.path().join("out/units.csv"));
    let share = |name: &str| -> f64 {
        let r = csv.iter().find(|r| r["name"] == name).expect("unit row");
        r["covered_share_any"].parse().expect("share")
    };
    let (west, east) = (share("West"), share("East"));
    let order = if west <= east {
        ["West", "East"]
    } else {
        ["East", "West"]
    };
    for (k, name) in order.iter().enumerate() {
        let row = &ranking[k];
        assert_eq!(row[0], (k + 1).to_string());
        assert_eq!(row[1], *name);
        let (people, m2pp) = if *name == "West" {
            ("100", "0.40")
        } else {
            ("900", "0.20")
        };
        assert_eq!(
            (row[2].as_str(), row[4].as_str()),
            (people, m2pp),
            "{row:?}"
        );
        let pct = format!("{:.1}%", 100.0 * share(name));
        assert_eq!(row[3], pct);
    }
}
