//! report.html and map.png: produced by `fitcircle analyze` for the bundled
//! data, self-contained (nothing fetched from outside the file), with the
//! data blocks, the SVG charts and the scorecard placeholder; map.png a
//! valid PNG of the documented size. The browser check is tests/browser.rs.

mod common;

use std::path::Path;

use common::{manifest_dir, read_text, run_fitcircle, run_ok, temp_dir};
use serde_json::Value;

/// Largest report.html accepted for the bundled data (the issue asks for a
/// reasonable size, under 5 MB for Porto Alegre).
const MAX_REPORT_BYTES: u64 = 5_000_000;

const DATA_BLOCKS: [&str; 8] = [
    "data-meta",
    "data-network",
    "data-covered",
    "data-units",
    "data-communities",
    "data-gap-hexagons",
    "data-facilities",
    "data-sites",
];

const CHARTS: [&str; 5] = [
    "chart-coverage",
    "chart-percap",
    "chart-histogram",
    "chart-windows",
    "chart-tiers",
];

/// Text between `start` (inclusive of its end) and the next `end`.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// The report without the vendored Leaflet script and style (their own
/// comments and strings name leafletjs.com and browser bug trackers).
fn without_leaflet(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [
        ("<script id=\"leaflet-js\">", "</script>"),
        ("<style id=\"leaflet-css\">", "</style>"),
    ] {
        let i = s.find(open).unwrap_or_else(|| panic!("no {open}"));
        let j = s[i..].find(close).expect("end of the vendored block") + i;
        s = format!("{}{}", &s[..i], &s[j..]);
    }
    s
}

/// The JSON of a `<script type="application/json" id=...>` block.
fn data_block(html: &str, id: &str) -> Value {
    let start = format!("<script type=\"application/json\" id=\"{id}\">");
    let body = between(html, &start, "</script>").unwrap_or_else(|| panic!("no data block {id}"));
    serde_json::from_str(body).unwrap_or_else(|e| panic!("data block {id} is not JSON: {e}"))
}

fn features(v: &Value) -> &Vec<Value> {
    v["features"].as_array().expect("a features array")
}

/// Every number in a GeoJSON geometry's coordinates.
fn coordinates(g: &Value, out: &mut Vec<f64>) {
    match g {
        Value::Number(n) => out.push(n.as_f64().unwrap()),
        Value::Array(a) => a.iter().for_each(|x| coordinates(x, out)),
        _ => {}
    }
}

fn assert_self_contained(html: &str) {
    let rest = without_leaflet(html);
    for bad in [
        "<link",
        " src=",
        "@import",
        "<iframe",
        "<img",
        "url(http",
        "url(//",
        "href=\"//",
    ] {
        assert!(
            !rest.contains(bad),
            "report.html refers to something outside itself: {bad:?}"
        );
    }
    // The only absolute URL left is the SVG namespace.
    let mut k = 0;
    while let Some(i) = rest[k..].find("http") {
        let at = k + i;
        let tail = &rest[at..(at + 40).min(rest.len())];
        if tail.starts_with("http://") || tail.starts_with("https://") {
            assert!(
                tail.starts_with("http://www.w3.org/2000/svg"),
                "unexpected URL in report.html: {tail:?}"
            );
        }
        k = at + 4;
    }
    // CSS images are data: URIs (the one `url(#default#VML)` is an old IE
    // behaviour, not a fetch).
    let mut k = 0;
    while let Some(i) = html[k..].find("url(") {
        let at = k + i + 4;
        let tail = &html[at..(at + 20).min(html.len())];
        assert!(
            tail.starts_with("data:") || tail.starts_with("#default#VML"),
            "CSS url( not inlined: {tail:?}"
        );
        k = at;
    }
    // The vendored script keeps its licence and no source map reference.
    let leaflet = between(html, "<script id=\"leaflet-js\">", "</script>").unwrap();
    assert!(leaflet.contains("BSD 2-Clause License"));
    assert!(!leaflet.contains("sourceMappingURL"));
}

fn assert_charts(html: &str) {
    for id in CHARTS {
        let svg = between(html, &format!("<svg id=\"{id}\""), "</svg>")
            .unwrap_or_else(|| panic!("no SVG chart {id}"));
        assert!(svg.contains("<rect"), "chart {id} has no bars");
        assert!(svg.contains("<text"), "chart {id} has no labels");
    }
}

/// Check the PNG signature, the IHDR size and that the picture is not blank
/// (decoded with the `png` crate).
fn assert_map_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.len() > 50_000,
        "map.png is only {} bytes",
        bytes.len()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!(
        (w, h),
        (
            fitcircle::output::map_image::WIDTH,
            fitcircle::output::map_image::HEIGHT
        )
    );
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().expect("map.png header decodes");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("map.png decodes");
    let px = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    for p in buf[..info.buffer_size()].chunks(px).step_by(7) {
        colours.insert(p.to_vec());
        if colours.len() > 50 {
            break;
        }
    }
    assert!(colours.len() > 50, "map.png looks blank");
    // No temporary file left behind.
    let dir = path.parent().unwrap();
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp-"), "temporary file left: {name}");
    }
}

struct Expect {
    communities: usize,
    facilities: usize,
    lang: &'static str,
}

fn check_bundle(args: &[&str], expect: Expect) -> (String, u64) {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let mut all: Vec<&str> = vec!["analyze", "--quiet", "--out"];
    let out_s = out.to_string_lossy().into_owned();
    all.push(&out_s);
    all.extend_from_slice(args);
    run_ok(tmp.path(), &all);
    let path = out.join("report.html");
    let size = std::fs::metadata(&path).expect("report.html written").len();
    assert!(
        size < MAX_REPORT_BYTES,
        "report.html is {size} bytes (limit {MAX_REPORT_BYTES})"
    );
    assert!(size > 150_000, "report.html is only {size} bytes");
    let html = read_text(&path);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains(&format!("<html lang=\"{}\">", expect.lang)),
        "language {}",
        expect.lang
    );
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert_self_contained(&html);
    assert_charts(&html);
    assert!(html.contains("<section id=\"scorecard\">"));
    assert!(html.contains("id=\"report-status\""));
    assert!(html.contains("id=\"table-main\""));
    assert!(html.contains("id=\"map\""));

    for id in DATA_BLOCKS {
        let v = data_block(&html, id);
        if id != "data-meta" {
            assert_eq!(v["type"], "FeatureCollection", "{id}");
        }
    }
    let coms = data_block(&html, "data-communities");
    assert_eq!(features(&coms).len(), expect.communities);
    let facs = data_block(&html, "data-facilities");
    assert_eq!(features(&facs).len(), expect.facilities);
    for f in features(&facs) {
        assert_eq!(f["geometry"]["type"], "Point");
        assert!(f["properties"]["cat"].is_string());
    }
    let net = data_block(&html, "data-network");
    assert_eq!(features(&net).len(), 1);
    assert_eq!(features(&net)[0]["geometry"]["type"], "MultiLineString");
    let covered = data_block(&html, "data-covered");
    assert_eq!(features(&covered).len(), 1);
    // Coordinates are rounded to 5 decimals.
    let mut xs = Vec::new();
    for fc in [&coms, &facs, &net, &covered] {
        for f in features(fc) {
            coordinates(&f["geometry"]["coordinates"], &mut xs);
        }
    }
    assert!(!xs.is_empty());
    for x in &xs {
        assert!(
            ((x * 1e5).round() - x * 1e5).abs() < 1e-6,
            "coordinate {x} has more than 5 decimals"
        );
    }
    // Every community carries the figures its popup shows.
    for f in features(&coms) {
        let p = &f["properties"];
        for key in [
            "pop", "reach", "m", "cov", "cls", "near", "tiers", "sfca", "unit",
        ] {
            assert!(p.get(key).is_some(), "community property {key}");
        }
    }
    let meta = data_block(&html, "data-meta");
    assert_eq!(meta["classes"].as_array().unwrap().len(), 6);
    assert!(meta["t"]["lyr_network"].is_string());
    assert_map_png(&out.join("map.png"));
    (html, size)
}

#[test]
fn helsinki_report_is_self_contained_with_data_and_charts() {
    let (html, size) = check_bundle(
        &[],
        Expect {
            communities: 36,
            facilities: 42,
            lang: "en",
        },
    );
    eprintln!("helsinki report.html: {size} bytes");
    assert!(html.contains("15-minute fitness circle report"));
    // No units in this bundle: coverage per facility type instead.
    assert!(html.contains("Covered share per facility type"));
    assert!(!html.contains("id=\"table-units\""));
}

#[test]
fn porto_alegre_report_in_chinese_stays_under_the_size_limit() {
    let (html, size) = check_bundle(
        &["--bundle", "porto-alegre", "--lang", "zh"],
        Expect {
            communities: 1227,
            facilities: 194,
            lang: "zh-CN",
        },
    );
    eprintln!("porto-alegre report.html: {size} bytes");
    assert!(html.contains("15分钟健身圈覆盖报告"));
    assert!(html.contains("学校体育场地"));
    // Gaps exist here: 10 hexagons are off the network.
    let coms = data_block(&html, "data-communities");
    let unreachable = features(&coms)
        .iter()
        .filter(|f| f["properties"]["reach"] == false)
        .count();
    assert_eq!(unreachable, 10);
}

#[test]
fn units_get_a_table_a_layer_and_a_row_per_unit_in_the_charts() {
    let tmp = temp_dir();
    let units = tmp.path().join("halves.geojson");
    let square = |x0: f64, x1: f64| {
        serde_json::json!([[
            [x0, 60.15],
            [x1, 60.15],
            [x1, 60.19],
            [x0, 60.19],
            [x0, 60.15]
        ]])
    };
    let fc = serde_json::json!({
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"id": "W", "name": "West half"},
             "geometry": {"type": "Polygon", "coordinates": square(24.90, 24.944)}},
            {"type": "Feature", "properties": {"id": "E", "name": "East <half> & co"},
             "geometry": {"type": "Polygon", "coordinates": square(24.944, 24.99)}},
        ]
    });
    std::fs::write(&units, fc.to_string()).unwrap();
    let out = tmp.path().join("out");
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--quiet",
            "--bundle",
            "helsinki",
            "--units",
            units.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let html = read_text(&out.join("report.html"));
    assert_self_contained(&html);
    assert_charts(&html);
    assert!(html.contains("id=\"table-units\""));
    assert!(html.contains("Covered share per unit"));
    // Names are escaped in HTML and SVG.
    assert!(html.contains("East &lt;half&gt; &amp; co"));
    assert!(!html.contains("East <half>"));
    let units_fc = data_block(&html, "data-units");
    let names: Vec<&str> = features(&units_fc)
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["West half", "East <half> & co"]);
    let cov = between(&html, "<svg id=\"chart-coverage\"", "</svg>").unwrap();
    assert!(cov.contains("West half"));
    let percap = between(&html, "<svg id=\"chart-percap\"", "</svg>").unwrap();
    // Whole area + 2 units, outdoor and indoor each.
    assert_eq!(percap.matches("<rect").count(), 6);
    assert!(percap.matches("class=\"mark\"").count() == 6);
}

#[test]
fn unknown_language_is_refused() {
    let tmp = temp_dir();
    let out = run_fitcircle(tmp.path(), &["analyze", "--lang", "fr", "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--lang") && err.contains("zh or en"), "{err}");
}

#[test]
fn text_from_the_data_cannot_break_out_of_the_page() {
    use fitcircle::analysis::study;
    use fitcircle::config::Config;
    use fitcircle::output::report::{Lang, write_report};

    let cfg = Config::read(&manifest_dir().join("data/helsinki/fitcircle.toml")).unwrap();
    let mut inputs = fitcircle::input::load(&cfg).unwrap();
    inputs.communities[0].name = "</script><script>alert(1)</script>".into();
    inputs.facilities[0].name = "<!-- x".into();
    inputs
        .notes
        .push("note with <b>markup</b> & an ESTIMATE".into());
    let st = study::run_with_defaults(&inputs, &cfg.settings).unwrap();
    let mut buf = Vec::new();
    write_report(&mut buf, "Title <i>", &inputs, st.full().unwrap(), Lang::Zh).unwrap();
    let html = String::from_utf8(buf).unwrap();
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("<!-- x"));
    assert!(!html.contains("<b>markup</b>"));
    assert!(html.contains("Title &lt;i&gt;"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    let coms = data_block(&html, "data-communities");
    assert_eq!(
        features(&coms)[0]["properties"]["name"],
        "</script><script>alert(1)</script>"
    );
    // The page holds exactly the scripts it should.
    assert_eq!(html.matches("<script").count(), 3 + DATA_BLOCKS.len());
}
