//! A Chinese run's outputs carry no English (issue 16): `analyze --lang zh`
//! and `sites` (Chinese by default for the Xicheng bundle) on the Xicheng
//! bundle with the venue fixture, then every word a reader sees is scanned
//! for runs of ASCII letters outside an allow-list of ids, units, file
//! names and proper names: the terminal (stdout and stderr: the summary,
//! the warnings), scorecard.md, the visible text of report.html (tags,
//! scripts, styles and attributes stripped) and every CSV file, headers and
//! cells. Words from the inputs (the bundle's title and data attributions,
//! facility, community and unit names) are the user's own and are left
//! out; so are CSV columns of ids (headed 编号), of stable codes (headed
//! 代码) and the English columns of the bilingual files (headed （英文）).
//!
//! Not scanned: the labels drawn into map.png (tests/output_formats.rs
//! checks that the Chinese map differs from the English one).

mod common;

use std::path::Path;

use common::{read_text, run_fitcircle, temp_dir};

/// Words allowed in Chinese outputs: units, proper names, the program's
/// name and the licences and tools it credits.
const ALLOW: &[&str] = &[
    "fitcircle",
    "km",
    "h",
    "m",
    "SFCA",
    "Gini",
    "OpenStreetMap",
    "ODbL",
    "Leaflet",
    "Volodymyr",
    "Agafonkin",
    "CloudMade",
    "BSD",
    "Clause",
    "QGIS",
    "GeoJSON",
    "CSV",
    "AMap",
    "WGS",
    "GCJ",
    "BD",
];

/// `text` with the allowed parts blanked: `<code>` spans, file names
/// (`map.png`, `bundle:xicheng/x.csv`), command-line options (`--figures`), snake_case keys
/// (`open_to_public`) and the inputs' own names.
fn strip_allowed(text: &str, names: &[String]) -> String {
    // Bundled files are named `bundle:<name>/<file>`.
    let mut t: String = text
        .split(' ')
        .map(|w| match w.find("bundle:") {
            Some(k) => &w[..k],
            None => w,
        })
        .collect::<Vec<_>>()
        .join(" ");
    for n in names {
        if !n.is_empty() {
            t = t.replace(n.as_str(), " ");
        }
    }
    let mut out = String::with_capacity(t.len());
    for word in t.split(|c: char| c.is_whitespace() || "，。；：、（）()[]|,;:".contains(c))
    {
        let file = word.contains('.')
            && [
                ".geojson", ".csv", ".md", ".html", ".png", ".fgb", ".json", ".toml",
            ]
            .iter()
            .any(|e| word.contains(e));
        let option = word.starts_with("--");
        let key = word.contains('_');
        let path = word.contains('/') && word.chars().filter(|c| *c == '/').count() > 1;
        if !(file || option || key || path) {
            out.push_str(word);
        }
        out.push(' ');
    }
    out
}

/// Runs of ASCII letters in `text` not in [`ALLOW`], with some context.
fn english(text: &str, names: &[String]) -> Vec<String> {
    let t = strip_allowed(text, names);
    let chars: Vec<char> = t.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if !ALLOW.contains(&word.as_str()) {
                let a = start.saturating_sub(20);
                let b = (i + 20).min(chars.len());
                found.push(format!(
                    "{word:?} in …{}…",
                    chars[a..b].iter().collect::<String>()
                ));
            }
        } else {
            i += 1;
        }
    }
    found
}

/// The text a browser shows: no scripts, styles, comments or tags, the
/// common entities decoded; `<code>` spans dropped (opening-hours syntax).
fn visible_text(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<!--", "-->"),
        ("<code>", "</code>"),
    ] {
        while let Some(a) = s.find(open) {
            let Some(b) = s[a..].find(close) else { break };
            s.replace_range(a..a + b + close.len(), " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The names the inputs bring: title, the bundle's data attributions
/// (sources and licences, as the bundle words them), facilities,
/// communities, units.
fn input_names(out: &Path, title: &str) -> Vec<String> {
    let mut names = vec![title.to_string()];
    let bundle = read_text(&common::manifest_dir().join("data/xicheng/fitcircle.toml"));
    let bundle: toml::Table = toml::from_str(&bundle).expect("the bundle's fitcircle.toml");
    for a in bundle["attribution"].as_array().expect("attribution") {
        names.push(a.as_str().expect("text").to_string());
    }
    for file in ["facilities.geojson", "communities.geojson", "units.geojson"] {
        let p = out.join(file);
        if !p.exists() {
            continue;
        }
        let v = common::read_json(&p);
        for f in common::features(&v) {
            let props = common::props(f);
            for k in ["name", "unit", "id"] {
                if let Some(s) = props.get(k).and_then(|v| v.as_str()) {
                    names.push(s.to_string());
                }
            }
        }
    }
    // Longest first, so a name containing another is removed whole.
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
}

/// Columns not scanned: ids, codes and the declared English columns.
fn skipped_column(header: &str) -> bool {
    header.contains("编号") || header.ends_with("代码") || header.ends_with("（英文）")
}

/// Every CSV file in `out`: its header and the cells of the scanned
/// columns, each with where it is.
fn csv_texts(out: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(out)
        .expect("out folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    let mut texts = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let mut rdr = csv::Reader::from_path(&path).expect("csv");
        let headers: Vec<String> = rdr
            .headers()
            .expect("header")
            .iter()
            .map(str::to_string)
            .collect();
        texts.push((format!("{name} header"), headers.join(" | ")));
        for row in rdr.records() {
            let row = row.expect("row");
            for (h, cell) in headers.iter().zip(row.iter()) {
                if !skipped_column(h) {
                    texts.push((format!("{name} {h}"), cell.to_string()));
                }
            }
        }
    }
    texts
}

#[test]
fn chinese_run_has_no_english_outside_the_allow_list() {
    let dir = temp_dir();
    let root = common::manifest_dir();
    let venues = root.join("tests/fixtures/xicheng_venues/venues.csv");
    let venues = venues.to_str().expect("utf-8 path");
    let out = dir.path().join("out");
    let run = run_fitcircle(
        &root,
        &[
            "analyze",
            "--bundle",
            "xicheng",
            "--facilities",
            venues,
            "--facilities-crs",
            "gcj02",
            "--output-crs",
            "gcj02",
            "--lang",
            "zh",
            "--out",
            out.to_str().expect("utf-8 path"),
        ],
    );
    assert!(run.status.success());
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    // sites: Chinese by default for this bundle.
    let sites_out = dir.path().join("sites");
    let sites = run_fitcircle(
        &root,
        &[
            "sites",
            "--bundle",
            "xicheng",
            "--facilities",
            venues,
            "--facilities-crs",
            "gcj02",
            "--category",
            "football_pitch",
            "--count",
            "3",
            "--out",
            sites_out.to_str().expect("utf-8 path"),
        ],
    );
    assert!(sites.status.success());
    let title = stdout
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("fitcircle: "))
        .expect("the summary opens with the title")
        .to_string();
    let names = input_names(&out, &title);
    let mut problems: Vec<String> = Vec::new();
    let mut check = |what: &str, text: &str| {
        for e in english(text, &names) {
            problems.push(format!("{what}: {e}"));
        }
    };
    check("terminal", &stdout);
    assert!(stderr.contains("警告"), "the run warns: {stderr}");
    check("stderr", &stderr);
    check("sites terminal", &String::from_utf8_lossy(&sites.stdout));
    check("sites stderr", &String::from_utf8_lossy(&sites.stderr));
    check("scorecard.md", &read_text(&out.join("scorecard.md")));
    check(
        "report.html",
        &visible_text(&read_text(&out.join("report.html"))),
    );
    for folder in [&out, &sites_out] {
        for (what, text) in csv_texts(folder) {
            check(&what, &text);
        }
    }
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} English words in Chinese outputs:\n{}",
        problems.len(),
        problems[..problems.len().min(60)].join("\n")
    );
}

#[test]
fn the_scan_finds_english_and_passes_the_allow_list() {
    let names = vec!["Xicheng District".to_string()];
    assert!(english("步行 15 分钟 = 1000 m，km，map.png，open_to_public", &names).is_empty());
    assert!(english("西城区 Xicheng District 报告", &names).is_empty());
    assert!(english("警告：bundle:xicheng/a.csv：2 行", &names).is_empty());
    assert_eq!(english("目标3-5 courts", &names).len(), 1);
    assert_eq!(english("状态：not spatial", &names).len(), 2);
    let v = visible_text("<p title=\"x\">中文<script>var a=1;</script><b>b</b></p>");
    let words: Vec<&str> = v.split_whitespace().collect();
    assert_eq!(words, ["中文", "b"]);
}
