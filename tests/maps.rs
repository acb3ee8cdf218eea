//! The maps of issue 16: an online base map for report.html only when
//! asked for (`--basemap`), with the page's data shifted to GCJ-02 under
//! AMap's tiles; uncovered communities summed in hexagons above a count;
//! units labelled; map.png at print sizes with its scale bar and north
//! arrow; the suggested sites of `fitcircle sites` on a report map
//! (sites.html) and a map image (sites.png).

mod common;

use std::path::Path;
use std::process::Command;

use common::{manifest_dir, read_csv_rows, read_text, run_ok, temp_dir};
use serde_json::Value;

/// The JSON of a `<script type="application/json" id=...>` block.
fn data_block(html: &str, id: &str) -> Value {
    let start = format!("<script type=\"application/json\" id=\"{id}\">");
    let i = html
        .find(&start)
        .unwrap_or_else(|| panic!("no data block {id}"))
        + start.len();
    let j = html[i..].find("</script>").expect("end of the block") + i;
    serde_json::from_str(&html[i..j]).unwrap_or_else(|e| panic!("{id} is not JSON: {e}"))
}

/// The page without the vendored Leaflet script (whose code knows tile URL
/// templates).
fn without_leaflet(html: &str) -> String {
    let i = html.find("<script id=\"leaflet-js\">").expect("leaflet");
    let j = html[i..].find("</script>").expect("end") + i;
    format!("{}{}", &html[..i], &html[j..])
}

fn features(v: &Value) -> &Vec<Value> {
    v["features"].as_array().expect("a features array")
}

fn venues() -> String {
    manifest_dir()
        .join("tests/fixtures/xicheng_venues/venues.csv")
        .to_string_lossy()
        .into_owned()
}

/// `fitcircle analyze` of the Xicheng bundle with the venue fixture into
/// `out`, with `extra` arguments; returns report.html.
fn xicheng_report(dir: &Path, out: &str, extra: &[&str]) -> String {
    let v = venues();
    let mut args = vec![
        "analyze",
        "--bundle",
        "xicheng",
        "--facilities",
        &v,
        "--facilities-crs",
        "gcj02",
        "--quiet",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    run_ok(dir, &args);
    read_text(&dir.join(out).join("report.html"))
}

/// The tile servers the page could fetch from.
const TILE_HOSTS: [&str; 4] = ["openstreetmap.org/{z}", "autonavi", "tianditu", "{z}"];

#[test]
fn no_base_map_unless_asked_then_osm_with_its_attribution() {
    let tmp = temp_dir();
    run_ok(tmp.path(), &["analyze", "--quiet", "--out", "plain"]);
    let plain = read_text(&tmp.path().join("plain/report.html"));
    let page = without_leaflet(&plain);
    for host in TILE_HOSTS {
        assert!(!page.contains(host), "offline report names {host}");
    }
    assert_eq!(data_block(&plain, "data-meta")["basemap"], Value::Null);
    assert!(plain.contains("no online tiles"));

    run_ok(
        tmp.path(),
        &["analyze", "--quiet", "--out", "osm", "--basemap", "osm"],
    );
    let osm = read_text(&tmp.path().join("osm/report.html"));
    let b = &data_block(&osm, "data-meta")["basemap"];
    assert_eq!(b["url"], "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    assert_eq!(b["crs"], "wgs84");
    assert!(
        b["attribution"]
            .as_str()
            .unwrap()
            .contains("OpenStreetMap contributors")
    );
    assert!(osm.contains("online tiles: needs the internet"));
    // WGS-84 tiles: the data are as without a base map.
    for id in ["data-facilities", "data-communities", "data-network"] {
        assert_eq!(data_block(&plain, id), data_block(&osm, id), "{id}");
    }
}

#[test]
fn amap_shifts_the_page_data_to_gcj02() {
    let tmp = temp_dir();
    let plain = xicheng_report(tmp.path(), "plain", &[]);
    let amap = xicheng_report(tmp.path(), "amap", &["--basemap", "amap"]);
    let b = &data_block(&amap, "data-meta")["basemap"];
    assert!(b["url"].as_str().unwrap().contains("autonavi.com"));
    assert_eq!(b["crs"], "gcj02");
    assert!(b["attribution"].as_str().unwrap().contains("高德"));
    let (p, a) = (
        data_block(&plain, "data-facilities"),
        data_block(&amap, "data-facilities"),
    );
    assert_eq!(features(&p).len(), features(&a).len());
    assert!(!features(&p).is_empty());
    for (fp, fa) in features(&p).iter().zip(features(&a)) {
        let c = |f: &Value, k: usize| f["geometry"]["coordinates"][k].as_f64().unwrap();
        let (lon, lat) = (c(fp, 0), c(fp, 1));
        let (glon, glat) = fitcircle::crs::wgs84_to_gcj02(lon, lat);
        // Both are rounded to 1e-5 degree.
        assert!((c(fa, 0) - glon).abs() < 2e-5 && (c(fa, 1) - glat).abs() < 2e-5);
        let dx = (c(fa, 0) - lon) * 111_320.0 * lat.to_radians().cos();
        let dy = (c(fa, 1) - lat) * 110_574.0;
        assert!(
            (300.0..800.0).contains(&dx.hypot(dy)),
            "shift {}",
            dx.hypot(dy)
        );
    }
    // The outlines move too (units, hexagons).
    assert_ne!(
        data_block(&plain, "data-units"),
        data_block(&amap, "data-units")
    );
}

#[test]
fn tianditu_needs_a_key_and_templates_are_checked() {
    let tmp = temp_dir();
    let bin = env!("CARGO_BIN_EXE_fitcircle");
    let run = |args: &[&str], key: Option<&str>| {
        let mut c = Command::new(bin);
        c.args(args).current_dir(tmp.path());
        match key {
            Some(k) => c.env("FITCIRCLE_TIANDITU_KEY", k),
            None => c.env_remove("FITCIRCLE_TIANDITU_KEY"),
        };
        c.output().expect("run fitcircle")
    };
    let no_key = run(
        &["analyze", "-q", "--out", "t", "--basemap", "tianditu"],
        None,
    );
    assert_eq!(no_key.status.code(), Some(2));
    let err = String::from_utf8_lossy(&no_key.stderr);
    assert!(err.contains("FITCIRCLE_TIANDITU_KEY"), "{err}");
    assert!(
        !tmp.path().join("t").exists(),
        "refused before anything is written"
    );

    let ok = run(
        &["analyze", "-q", "--out", "t", "--basemap", "tianditu"],
        Some("0123abcd"),
    );
    assert!(ok.status.success());
    let b =
        data_block(&read_text(&tmp.path().join("t/report.html")), "data-meta")["basemap"].clone();
    assert!(
        b["url"].as_str().unwrap().contains("vec_w")
            && b["url"].as_str().unwrap().contains("tk=0123abcd")
    );
    assert!(b["labels"].as_str().unwrap().contains("cva_w"));

    let template = "https://tiles.example.org/base/{z}/{x}/{y}.png";
    run_ok(
        tmp.path(),
        &["analyze", "-q", "--out", "u", "--basemap", template],
    );
    let meta = data_block(&read_text(&tmp.path().join("u/report.html")), "data-meta");
    assert_eq!(meta["basemap"]["url"], template);
    assert!(
        meta["basemap"]["attribution"]
            .as_str()
            .unwrap()
            .contains("tiles.example.org")
    );
    for bad in ["https://tiles.example.org/{z}/{x}.png", "mapbox"] {
        let out = run(&["analyze", "-q", "--out", "v", "--basemap", bad], None);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--basemap"));
    }
}

/// Whether `(x, y)` lies inside the ring (even-odd rule).
fn inside(ring: &[Value], x: f64, y: f64) -> bool {
    let pts: Vec<(f64, f64)> = ring
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect();
    let mut c = false;
    for i in 0..pts.len() {
        let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
        if (a.1 > y) != (b.1 > y) && x < (b.0 - a.0) * (y - a.1) / (b.1 - a.1) + a.0 {
            c = !c;
        }
    }
    c
}

#[test]
fn many_uncovered_communities_are_summed_in_hexagons() {
    let tmp = temp_dir();
    let html = xicheng_report(tmp.path(), "out", &["--lang", "zh"]);
    let coms = data_block(&html, "data-communities");
    let uncovered: Vec<&Value> = features(&coms)
        .iter()
        .filter(|f| f["properties"]["cov"] == false)
        .collect();
    assert!(uncovered.len() > 200, "{}", uncovered.len());
    let hexes = data_block(&html, "data-gap-hexagons");
    let hexes = features(&hexes);
    assert!(!hexes.is_empty());
    // Every uncovered community is in exactly one hexagon, with its people.
    let n: u64 = hexes
        .iter()
        .map(|h| h["properties"]["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n as usize, uncovered.len());
    let people: f64 = hexes
        .iter()
        .map(|h| h["properties"]["pop"].as_f64().unwrap())
        .sum();
    let expected: f64 = uncovered
        .iter()
        .map(|f| f["properties"]["pop"].as_f64().unwrap())
        .sum();
    assert!(
        (people - expected).abs() <= hexes.len() as f64,
        "{people} vs {expected}"
    );
    let rings: Vec<&Vec<Value>> = hexes
        .iter()
        .map(|h| h["geometry"]["coordinates"][0].as_array().unwrap())
        .collect();
    for f in &uncovered {
        let p = &f["geometry"]["coordinates"];
        let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
        let holding = rings.iter().filter(|r| inside(r, x, y)).count();
        assert!(holding <= 1, "a community in {holding} hexagons");
    }
    let meta = data_block(&html, "data-meta");
    assert_eq!(meta["hex_m"], 500.0, "half the 1000 m walk");
    assert!(
        html.contains("六边形"),
        "the map's note says how gaps are drawn"
    );
    // Over 200 but spread out (Porto Alegre's 219 population cells, mostly
    // one to a hexagon): rings, as hexagons would not thin the picture.
    run_ok(
        tmp.path(),
        &[
            "analyze",
            "--quiet",
            "--bundle",
            "porto-alegre",
            "--out",
            "poa",
        ],
    );
    let poa = read_text(&tmp.path().join("poa/report.html"));
    let poa_gaps = features(&data_block(&poa, "data-communities"))
        .iter()
        .filter(|f| f["properties"]["cov"] == false)
        .count();
    assert!(poa_gaps > 200, "{poa_gaps}");
    assert!(features(&data_block(&poa, "data-gap-hexagons")).is_empty());
    // Few uncovered communities (Helsinki): one ring each, no hexagons.
    run_ok(tmp.path(), &["analyze", "--quiet", "--out", "hel"]);
    let hel = read_text(&tmp.path().join("hel/report.html"));
    assert!(features(&data_block(&hel, "data-gap-hexagons")).is_empty());
    assert_eq!(data_block(&hel, "data-meta")["hex_m"], Value::Null);
}

#[test]
fn units_carry_a_label_point_inside_them() {
    let tmp = temp_dir();
    let html = xicheng_report(tmp.path(), "out", &[]);
    let units = data_block(&html, "data-units");
    assert_eq!(features(&units).len(), 1);
    let u = &features(&units)[0];
    assert_eq!(u["properties"]["name"], "西城区");
    let at = &u["properties"]["at"];
    let (x, y) = (at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
    // The district's outline (drawn as lines): its longest ring holds it.
    let lines = u["geometry"]["coordinates"].as_array().unwrap();
    let ring = lines
        .iter()
        .max_by_key(|l| l.as_array().unwrap().len())
        .unwrap()
        .as_array()
        .unwrap();
    assert!(inside(ring, x, y), "label at {x},{y}");
    assert_eq!(data_block(&html, "data-meta")["unit_labels"], true);
}

/// The PNG's size, resolution (pixels per metre, if stated) and pixels.
fn png(path: &Path) -> (u32, u32, Option<u32>, Vec<u8>) {
    let bytes = std::fs::read(path).expect("png");
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().expect("header");
    let ppm = reader.info().pixel_dims.map(|d| {
        assert_eq!(d.unit, png::Unit::Meter);
        assert_eq!(d.xppu, d.yppu);
        d.xppu
    });
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("decodes");
    assert_eq!(info.color_type.samples(), 3);
    (info.width, info.height, ppm, buf)
}

/// The north arrow and the scale bar in the legend column under the legend
/// (x beyond the map area, `k` the page's scale): dark pixels where the
/// arrow stands, and a long dark run (the bar's dark half).
fn assert_furniture(w: u32, h: u32, buf: &[u8], k: f64) {
    let px = |x: u32, y: u32| {
        let i = ((y * w + x) * 3) as usize;
        buf[i] < 90 && buf[i + 1] < 90 && buf[i + 2] < 90
    };
    let legend_x = w - ((30.0 + 330.0) * k) as u32;
    let y0 = (600.0 * k) as u32;
    let arrow: usize = (y0..h)
        .map(|y| {
            let (a, b) = (legend_x + (14.0 * k) as u32, legend_x + (46.0 * k) as u32);
            (a..b).filter(|&x| px(x, y)).count()
        })
        .sum();
    assert!(
        arrow as f64 > 300.0 * k * k,
        "north arrow: {arrow} dark pixels"
    );
    let longest_run = (y0..h)
        .map(|y| {
            let mut best = 0;
            let mut run = 0;
            for x in legend_x + (70.0 * k) as u32..w {
                run = if px(x, y) { run + 1 } else { 0 };
                best = best.max(run);
            }
            best
        })
        .max()
        .unwrap_or(0);
    assert!(
        longest_run as f64 > 30.0 * k,
        "scale bar: longest dark run {longest_run}"
    );
}

#[test]
fn map_png_on_screen_and_for_print_with_scale_bar_and_north_arrow() {
    let tmp = temp_dir();
    run_ok(tmp.path(), &["analyze", "--quiet", "--out", "screen"]);
    let (w, h, ppm, buf) = png(&tmp.path().join("screen/map.png"));
    assert_eq!((w, h, ppm), (1600, 1200, None));
    assert_furniture(w, h, &buf, 1.0);
    for (size, dims) in [("a4", (3508, 2480)), ("a3", (4961, 3508))] {
        run_ok(
            tmp.path(),
            &["analyze", "--quiet", "--out", size, "--map-size", size],
        );
        let (w, h, ppm, buf) = png(&tmp.path().join(size).join("map.png"));
        assert_eq!((w, h), dims, "{size}");
        // 300 dpi = 11811 pixels per metre: A4 landscape is 297 mm wide.
        assert_eq!(ppm, Some(11811), "{size}");
        assert!(
            (f64::from(w) / 11811.0 * 1000.0 - if size == "a4" { 297.0 } else { 420.0 }).abs()
                < 1.0
        );
        let k = (f64::from(w) / 1600.0).min(f64::from(h) / 1200.0);
        assert_furniture(w, h, &buf, k);
    }
}

#[test]
fn sites_get_a_report_map_and_a_map_image() {
    let tmp = temp_dir();
    let v = venues();
    let stdout = run_ok(
        tmp.path(),
        &[
            "sites",
            "--bundle",
            "xicheng",
            "--facilities",
            &v,
            "--facilities-crs",
            "gcj02",
            "--category",
            "football_pitch",
            "--count",
            "3",
            "--out",
            "s",
        ],
    );
    assert!(
        stdout.contains("sites.html") && stdout.contains("sites.png"),
        "{stdout}"
    );
    let html = read_text(&tmp.path().join("s/sites.html"));
    let rows = read_csv_rows(&tmp.path().join("s/sites.csv"));
    assert_eq!(rows.len(), 3);
    let sites = data_block(&html, "data-sites");
    let points: Vec<&Value> = features(&sites)
        .iter()
        .filter(|f| f["geometry"]["type"] == "Point")
        .collect();
    assert_eq!(points.len(), 3);
    for (f, r) in points.iter().zip(&rows) {
        // sites.csv in Chinese (the bundle's language): 排名, 经度 (WGS-84 here).
        assert_eq!(f["properties"]["rank"].to_string(), r["排名"]);
        let lon: f64 = r["经度（WGS-84）"].parse().unwrap();
        let x = f["geometry"]["coordinates"][0].as_f64().unwrap();
        assert!((x - lon).abs() < 2e-5, "{x} vs {lon}");
        let new: f64 = r["新增覆盖人口"].parse().unwrap();
        assert!((f["properties"]["new"].as_f64().unwrap() - new).abs() <= 0.5);
    }
    // Each site's walking area, and a table of the sites.
    assert_eq!(features(&sites).len(), 6);
    assert!(html.contains("<section id=\"sites\">") && html.contains("id=\"table-sites\""));
    assert!(html.contains("建议选址报告"));
    let (w, h, _, _) = png(&tmp.path().join("s/sites.png"));
    assert_eq!((w, h), (1600, 1200));
    let outputs = read_text(&tmp.path().join("s/outputs.json"));
    assert!(outputs.contains("sites.html") && outputs.contains("sites.png"));
}
