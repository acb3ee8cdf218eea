//! report.html in a real browser: headless Debian Chromium opens the report
//! from `file://` with no network and
//!
//! - no console message at all (the page logs nothing when all is well) and
//!   no script error, failed load or `console.error` recorded by the page in
//!   `#report-errors`;
//! - no file fetched but the report itself (Chromium's `--v=1` log);
//! - the map drawn: Leaflet's panes, the canvas, every layer with its
//!   features, and a popup opened on the first feature of each layer
//!   (`#selftest`);
//! - every SVG chart with its bars;
//! - a screenshot (1400 x 1000) saved as `target/tmp/browser/<name>.png`,
//!   and one of the page's first 3000 pixels as `<name>-page.png` (the
//!   README's pictures in docs/ are copies of them).
//!
//! The cases: Helsinki (English), Porto Alegre and Xicheng in Chinese (the
//! Xicheng one without a street network, its uncovered communities summed
//! in hexagons), and the sites page of `fitcircle sites` on Xicheng.
//!
//! Skipped, with a note, when Chromium is not installed (set
//! `FITCIRCLE_CHROMIUM` to use another binary). CI installs Debian's
//! `chromium` package, so the check runs there.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{read_text, run_ok, temp_dir};
use serde_json::Value;

/// One browser at a time (2 cores).
static BROWSER: Mutex<()> = Mutex::new(());

const TIMEOUT: Duration = Duration::from_secs(180);

fn chromium_path() -> PathBuf {
    std::env::var_os("FITCIRCLE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn chromium() -> Option<PathBuf> {
    let path = chromium_path();
    path.is_file().then_some(path)
}

/// Where screenshots are kept for people to look at.
fn shots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("create the screenshot folder");
    dir
}

struct Run {
    stdout: String,
    stderr: String,
}

/// Run Chromium headless with the flags CI uses, a fresh profile folder and
/// `extra` arguments; kill it after [`TIMEOUT`].
fn run_chromium(bin: &Path, extra: &[String]) -> Run {
    let profile = temp_dir();
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start chromium");
    // Read both pipes on threads so a full pipe never blocks the browser.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {TIMEOUT:?}: {extra:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    assert!(
        status.success(),
        "chromium failed ({status}) for {extra:?}:\n{}",
        tail(&stderr)
    );
    Run { stdout, stderr }
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// Value of `attr="..."` in the first tag that contains `marker`.
fn attribute(dom: &str, marker: &str, attr: &str) -> Option<String> {
    let i = dom.find(marker)?;
    let tag_start = dom[..i].rfind('<')?;
    let tag_end = dom[i..].find('>')? + i;
    let tag = &dom[tag_start..tag_end];
    let key = format!("{attr}=\"");
    let a = tag.find(&key)? + key.len();
    let b = tag[a..].find('"')? + a;
    Some(
        tag[a..b]
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">"),
    )
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// What a page must show.
struct Expect {
    /// Communities drawn.
    communities: u64,
    /// A street network drawn (not in a run without one).
    network: bool,
    /// Uncovered communities summed in hexagons (else one ring each).
    hexagons: bool,
    /// Suggested sites drawn.
    sites: u64,
    /// The page: report.html, or sites.html for `fitcircle sites`.
    page: &'static str,
}

/// The venue fixture of the Xicheng bundle.
fn venues() -> String {
    common::manifest_dir()
        .join("tests/fixtures/xicheng_venues/venues.csv")
        .display()
        .to_string()
}

/// Open a report and check everything the module docs list. `args` start
/// with the subcommand (`analyze`, `sites`).
fn check_in_browser(name: &str, args: &[&str], expect: Expect) {
    let Some(bin) = chromium() else {
        eprintln!(
            "SKIPPED browser check of the {name} report: no Chromium at {} \
             (apt-get install chromium, or set FITCIRCLE_CHROMIUM to its path)",
            chromium_path().display()
        );
        return;
    };
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(["--quiet".into(), "--out".into(), out.display().to_string()]);
    let all_ref: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
    run_ok(tmp.path(), &all_ref);
    let report = out.join(expect.page).canonicalize().unwrap();
    assert!(read_text(&report).contains("data-state=\"loading\""));

    // 1. The DOM after load, with every layer's first popup opened.
    let run = run_chromium(
        &bin,
        &[
            "--enable-logging=stderr".into(),
            "--v=1".into(),
            "--dump-dom".into(),
            format!("{}#selftest", file_url(&report)),
        ],
    );
    let dom = &run.stdout;
    assert!(
        dom.contains("</html>"),
        "no DOM dumped:\n{}",
        tail(&run.stderr)
    );

    let console: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .collect();
    assert!(
        console.is_empty(),
        "console messages from the report:\n{}",
        console.join("\n")
    );
    let loads: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.split("FileURLLoader::Start: ").nth(1))
        .collect();
    let own = file_url(&report);
    for l in &loads {
        assert!(
            l.trim_end().split('#').next() == Some(own.as_str()),
            "the report loaded another file: {l}"
        );
    }
    if loads.is_empty() {
        eprintln!(
            "note: this Chromium logs no FileURLLoader lines; the file-load check was vacuous"
        );
    }

    assert!(
        dom.contains("<pre id=\"report-errors\" hidden=\"\"></pre>"),
        "the page recorded errors: {}",
        dom.split("id=\"report-errors\"")
            .nth(1)
            .map(|s| &s[..s.len().min(2000)])
            .unwrap_or("")
    );
    let state = attribute(dom, "id=\"report-status\"", "data-state");
    assert_eq!(state.as_deref(), Some("ok"), "report status");
    let layers: Value = serde_json::from_str(
        &attribute(dom, "id=\"report-status\"", "data-layers").expect("layer counts"),
    )
    .expect("layer counts are JSON");
    eprintln!("{name}: layers drawn {layers}");
    if expect.network {
        assert!(layers["network"].as_u64().unwrap() > 1000, "network edges");
    } else {
        assert_eq!(layers["network"].as_u64(), Some(0));
    }
    assert_eq!(layers["communities"].as_u64(), Some(expect.communities));
    assert!(layers["facilities"].as_u64().unwrap() > 0);
    if expect.page == "report.html" {
        assert_eq!(layers["covered"].as_u64(), Some(1));
    }
    assert_eq!(
        layers["gap_hexagons"].as_u64().unwrap_or(0) > 0,
        expect.hexagons,
        "hexagons"
    );
    assert_eq!(layers["sites"].as_u64(), Some(expect.sites));
    assert!(layers.get("basemap").is_none(), "no online base map");
    assert!(layers["panes"].as_u64().unwrap() >= 5, "Leaflet panes");
    assert!(layers["canvas"].as_u64().unwrap() >= 1, "canvas renderer");
    assert_eq!(
        layers["popups"], layers["popup_layers"],
        "a popup failed to render"
    );
    assert!(layers["popups"].as_u64().unwrap() >= 2);
    // Leaflet built its map: panes, the layers control and the legend.
    for marker in [
        "leaflet-map-pane",
        "leaflet-overlay-pane",
        "leaflet-control-layers",
        "class=\"legend leaflet-control\"",
        "leaflet-control-scale",
    ] {
        assert!(dom.contains(marker), "no {marker} in the DOM");
    }
    assert!(
        dom.matches("leaflet-control-layers-selector").count() >= 4,
        "layer toggles"
    );
    // Every chart rendered with bars.
    for id in [
        "chart-coverage",
        "chart-percap",
        "chart-histogram",
        "chart-windows",
        "chart-tiers",
    ] {
        let start = dom
            .find(&format!("<svg id=\"{id}\""))
            .unwrap_or_else(|| panic!("chart {id} missing from the DOM"));
        let end = dom[start..].find("</svg>").unwrap() + start;
        let svg = &dom[start..end];
        assert!(svg.matches("<rect").count() >= 1, "chart {id} has no bars");
    }
    if expect.page == "report.html" {
        assert!(dom.contains("<section id=\"scorecard\">"));
    } else {
        assert!(dom.contains("<section id=\"sites\">"));
    }

    // 2. The screenshots: the map, then the page's top.
    let page_shot = shots_dir().join(format!("{name}-page.png"));
    let _ = std::fs::remove_file(&page_shot);
    run_chromium(
        &bin,
        &[
            "--window-size=1400,3000".into(),
            format!("--screenshot={}", page_shot.display()),
            file_url(&report),
        ],
    );
    assert!(page_shot.is_file(), "page screenshot written");
    let shot = shots_dir().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    run_chromium(
        &bin,
        &[
            "--window-size=1400,1000".into(),
            format!("--screenshot={}", shot.display()),
            file_url(&report),
        ],
    );
    let bytes = std::fs::read(&shot).expect("screenshot written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let mut reader = decoder.read_info().expect("screenshot decodes");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("screenshot decodes");
    assert_eq!((info.width, info.height), (1400, 1000));
    // The map area (below the header and key figures) is not blank.
    let px = info.color_type.samples();
    let row = info.line_size;
    let mut colours = std::collections::HashSet::new();
    for y in (380..900).step_by(3) {
        for x in (100..1300).step_by(3) {
            let i = y * row + x * px;
            colours.insert(buf[i..i + 3].to_vec());
        }
    }
    assert!(
        colours.len() > 30,
        "the map area of the screenshot looks blank ({} colours)",
        colours.len()
    );
    eprintln!(
        "{name}: screenshots {} and {}",
        shot.display(),
        page_shot.display()
    );
}

#[test]
fn helsinki_report_renders_in_chromium() {
    check_in_browser(
        "helsinki",
        &["analyze"],
        Expect {
            communities: 36,
            network: true,
            hexagons: false,
            sites: 0,
            page: "report.html",
        },
    );
}

#[test]
fn porto_alegre_report_in_chinese_renders_in_chromium() {
    check_in_browser(
        "porto-alegre-zh",
        &["analyze", "--bundle", "porto-alegre", "--lang", "zh"],
        Expect {
            communities: 1227,
            network: true,
            hexagons: false,
            sites: 0,
            page: "report.html",
        },
    );
}

#[test]
fn xicheng_report_in_chinese_renders_in_chromium() {
    let v = venues();
    check_in_browser(
        "xicheng-zh",
        &[
            "analyze",
            "--bundle",
            "xicheng",
            "--facilities",
            &v,
            "--facilities-crs",
            "gcj02",
            "--lang",
            "zh",
        ],
        Expect {
            communities: 789,
            network: false,
            hexagons: true,
            sites: 0,
            page: "report.html",
        },
    );
}

#[test]
fn xicheng_sites_page_renders_in_chromium() {
    let v = venues();
    check_in_browser(
        "xicheng-sites-zh",
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
            "5",
        ],
        Expect {
            communities: 789,
            network: false,
            hexagons: true,
            sites: 5,
            page: "sites.html",
        },
    );
}
