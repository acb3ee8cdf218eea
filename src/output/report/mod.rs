//! `report.html`: one self-contained page for readers who do not open GIS
//! files. Everything is inlined (Leaflet 1.9.4 from `assets/leaflet/`, the
//! styles, the data as GeoJSON in `<script type="application/json">` blocks,
//! the charts as SVG drawn here), so the file works from `file://` with no
//! network and no tile server: the walking network itself is the base map.
//!
//! Sections: key figures, the map (layers: walking network, covered area,
//! communities by walking minutes, gaps, unit boundaries, facilities by
//! category; a popup per feature), charts (coverage per unit or category,
//! per-capita area against the targets, population by walking minutes,
//! coverage per time window), the tables, a `<section id="scorecard">`
//! placeholder, notes and sources. Labels in Chinese or English ([`Lang`]),
//! all through one table (`tr`).
//!
//! The page writes any script error into `#report-errors` and sets
//! `#report-status[data-state]` to `ok` once the map is drawn, with the
//! number of features per layer in `data-layers`, so a headless browser can
//! check it (tests/browser.rs).
//!
//! Here the page is put together; its parts: `charts` (SVG), `tables`
//! (tables, scorecard, notes), `layers` (the map data as GeoJSON, on
//! `geometry`) and `assets` (Leaflet, `assets/report/`). Labels come from
//! `crate::output::i18n`, numbers from `crate::output::format`.

mod assets;
mod basemap;
mod charts;
mod context;
mod geometry;
mod layers;
mod measures;
mod sections;
mod tables;

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use self::assets::{
    APP_JS, ERROR_HOOK, LEAFLET_LICENSE, STYLE, leaflet_css, leaflet_js, write_script_json,
};
pub use self::basemap::{Basemap, TIANDITU_KEY_VAR};
use self::context::Ctx;
pub use self::layers::{COMPACT_COMMUNITIES, GAP_HEXAGONS_ABOVE};
use super::atomic;
use super::map_image::{self, MapOptions, PageSize};
use crate::analysis::gaps::Assessment;
use crate::analysis::siting::SitePlan;
use crate::analysis::study::{Full, Study};
use crate::input::Inputs;
use crate::output::format::{esc, fixed, num, pct, thousands};
pub use crate::output::i18n::Lang;
use crate::output::i18n::{tr, trf};
use crate::{Error, Result};

/// How the report is made besides the run: its language, an online base
/// map (none: the page works offline), the size of the map image, and
/// suggested sites to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions<'a> {
    /// Language of every label.
    pub lang: Lang,
    /// An online base map under the page's map.
    pub basemap: Option<&'a Basemap>,
    /// Size of the map image (map.png, sites.png).
    pub map_size: PageSize,
    /// Suggested sites (`fitcircle sites`): on the map, in a table.
    pub sites: Option<&'a SitePlan>,
}

/// Write the whole report page.
pub fn write_report(
    w: &mut dyn io::Write,
    title: &str,
    inputs: &Inputs,
    full: Full<'_>,
    lang: Lang,
) -> io::Result<()> {
    write_report_with(w, title, inputs, full, None, lang)
}

/// [`write_report`] with the scorecard and gap counts of an assessment.
/// The page top down: the head with the styles, the header, the sections
/// (written at once), then Leaflet, the data blocks and the page's script.
pub fn write_report_with(
    w: &mut dyn io::Write,
    title: &str,
    inputs: &Inputs,
    full: Full<'_>,
    assessment: Option<&Assessment>,
    lang: Lang,
) -> io::Result<()> {
    let options = ReportOptions {
        lang,
        ..ReportOptions::default()
    };
    write_page(w, title, inputs, full, assessment, &options)
}

/// [`write_report_with`] with the [`ReportOptions`]: a base map, and the
/// suggested sites on the map and in a section after it.
pub fn write_page(
    w: &mut dyn io::Write,
    title: &str,
    inputs: &Inputs,
    full: Full<'_>,
    assessment: Option<&Assessment>,
    options: &ReportOptions<'_>,
) -> io::Result<()> {
    let cx = Ctx::new(inputs, full, options);
    let lang = cx.lang;
    let mut s = String::with_capacity(1 << 20);
    head(&mut s, &cx, title);
    header(&mut s, &cx, title, assessment.is_some());
    s.push_str(&sections::headline(&cx, assessment));
    key_figures(&mut s, &cx);
    map_section(&mut s, &cx);
    if cx.sites.is_some() {
        s.push_str(&sections::sites_section(&cx));
    }
    charts_section(&mut s, &cx);
    if let Some(a) = assessment {
        s.push_str(&sections::planned_section(&cx, a));
    }
    tables_section(&mut s, &cx, title, assessment);
    s.push_str(&measures::measures_section(&cx));
    sections::scorecard_section(&mut s, lang, assessment);
    notes_and_footer(&mut s, &cx);
    w.write_all(s.as_bytes())?;
    drop(s);
    write_leaflet(w)?;
    write_data(w, &cx)?;
    w.write_all(b"<script>\n")?;
    w.write_all(APP_JS.as_bytes())?;
    w.write_all(b"</script>\n</body>\n</html>\n")?;
    Ok(())
}

/// From `<!DOCTYPE html>` to `<body>`: Leaflet's styles, the page's, and
/// the error hook (installed before any other script).
fn head(s: &mut String, cx: &Ctx, title: &str) {
    let lang = cx.lang;
    let _ = writeln!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"fitcircle {}\">\n<title>{} — {}</title>",
        lang.code(),
        env!("CARGO_PKG_VERSION"),
        esc(title),
        esc(tr(lang, page_title_key(cx)))
    );
    s.push_str(
        "<style id=\"leaflet-css\">\n/* Leaflet 1.9.4 (BSD 2-Clause), assets/leaflet/leaflet.css */\n",
    );
    s.push_str(&leaflet_css());
    s.push_str("</style>\n<style>\n");
    s.push_str(STYLE);
    s.push_str("</style>\n<script>\n");
    s.push_str(ERROR_HOOK);
    s.push_str("</script>\n</head>\n<body>\n");
}

/// The page's heading: the coverage report, or the suggested sites.
fn page_title_key(cx: &Ctx) -> &'static str {
    if cx.sites.is_some() {
        "sites.report"
    } else {
        "report"
    }
}

/// The heading, the method, banners for approximate distances and
/// estimated populations, the table of contents; then the status and
/// error elements a browser test reads, and `<main>`.
fn header(s: &mut String, cx: &Ctx, title: &str, assessed: bool) {
    let (lang, study) = (cx.lang, cx.study);
    let set = &study.settings;
    let sub_args = [
        ("minutes", num(set.minutes)),
        ("speed", num(set.speed_kmh)),
        ("limit", num(study.scenarios.now.settings.limit_m.round())),
        ("detour", num(set.detour_factor)),
    ];
    let subtitle = if study.mode().is_approximate() {
        trf(lang, "subtitle_straight", &sub_args)
    } else {
        trf(lang, "subtitle", &sub_args)
    };
    let _ = write!(
        s,
        "<header class=\"top\"><h1>{}</h1><p class=\"subtitle\">{}</p><p class=\"area\">{}</p>",
        esc(tr(lang, page_title_key(cx))),
        esc(&subtitle),
        esc(title)
    );
    if study.mode().is_approximate() {
        let _ = write!(
            s,
            "<p class=\"banner\">{}</p>",
            esc(&trf(lang, "approx_banner", &sub_args))
        );
    }
    if lang == Lang::Zh {
        // The run's notes are in English: the Chinese banner says it.
        for k in crate::output::i18n::estimate_kinds(cx.inputs) {
            let _ = write!(
                s,
                "<p class=\"banner\">{}</p>",
                esc(tr(lang, &format!("banner_{k}")))
            );
        }
    } else {
        for n in &cx.inputs.notes {
            // The approximate-distance warning is already the banner above.
            let repeated = study.mode().is_approximate() && n.contains("APPROXIMATE");
            if (n.contains("ESTIMATE") || n.contains("APPROXIMATE")) && !repeated {
                let _ = write!(s, "<p class=\"banner\">{}</p>", esc(n));
            }
        }
    }
    let mut nav = vec![("summary", "nav_summary"), ("map-section", "nav_map")];
    if cx.sites.is_some() {
        nav.push(("sites", "sites.sec"));
    }
    nav.push(("charts", "nav_charts"));
    if assessed {
        nav.push(("planned", "nav_planned"));
    }
    nav.push(("tables", "nav_tables"));
    nav.push(("measures", "nav_measures"));
    if assessed {
        nav.push(("scorecard", "nav_scorecard"));
    }
    nav.push(("notes", "nav_notes"));
    s.push_str("<nav class=\"toc\">");
    for (id, key) in nav {
        let _ = write!(s, "<a href=\"#{id}\">{}</a>", esc(tr(lang, key)));
    }
    s.push_str("</nav></header>\n");
    s.push_str(
        "<div id=\"report-status\" data-state=\"loading\" hidden></div>\n\
         <pre id=\"report-errors\" hidden></pre>\n<main>\n",
    );
}

/// Cards: covered share, residents, residents not covered, facilities
/// counted, sports area per resident.
fn key_figures(s: &mut String, cx: &Ctx) {
    let lang = cx.lang;
    let all = &cx.study.areas[0];
    let covered_pop = cx
        .any
        .and_then(|t| all.targets.get(t))
        .map(|t| t.covered_population)
        .unwrap_or(0.0);
    let per_capita = cx
        .ca
        .units
        .first()
        .map(|u| u.per_capita.total_per_person())
        .unwrap_or(0.0);
    let _ = writeln!(
        s,
        "<section id=\"summary\"><div class=\"cards\">\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{} <small>{}</small></div></div>\
         </div></section>",
        esc(tr(lang, "card_covered")),
        pct(cx.any_share(0)),
        esc(tr(lang, "card_population")),
        thousands(all.population),
        esc(tr(lang, "card_gap")),
        thousands(all.population - covered_pop),
        esc(tr(lang, "card_facilities")),
        cx.counted_facilities(),
        esc(tr(lang, "card_percapita")),
        fixed(per_capita, 2),
        esc(tr(lang, "ax_m2pp")),
    );
}

/// The map's element (drawn by the page's script) and hints: what the
/// base map is, and how uncovered communities are drawn when they are many.
fn map_section(s: &mut String, cx: &Ctx) {
    let lang = cx.lang;
    let hint = match cx.basemap {
        Some(b) => trf(lang, "map_hint_basemap", &[("name", b.name(lang))]),
        None if cx.study.graph().is_some() => tr(lang, "map_hint").to_string(),
        None => tr(lang, "map_hint_straight").to_string(),
    };
    let hex = layers::gap_hexagon_m(cx)
        .map(|d| {
            format!(
                "<p class=\"hint\">{}</p>",
                esc(&trf(
                    lang,
                    "hex_note",
                    &[
                        ("max", GAP_HEXAGONS_ABOVE.to_string()),
                        ("d", format!("{d:.0}")),
                    ]
                ))
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "<section id=\"map-section\"><h2>{}</h2><div id=\"map\" role=\"region\" aria-label=\"{}\"></div>\
         <p class=\"hint\">{}</p>{hex}</section>",
        esc(tr(lang, "sec_map")),
        esc(tr(lang, "sec_map")),
        esc(&hint)
    );
}

/// The five charts, each a `<figure>`.
fn charts_section(s: &mut String, cx: &Ctx) {
    let _ = write!(
        s,
        "<section id=\"charts\"><h2>{}</h2><div class=\"charts\">",
        esc(tr(cx.lang, "sec_charts"))
    );
    for (id, (caption, body)) in [
        ("fig-coverage", charts::chart_coverage(cx)),
        ("fig-percap", charts::chart_per_capita(cx)),
        ("fig-histogram", charts::chart_histogram(cx)),
        ("fig-windows", charts::chart_windows(cx)),
        ("fig-tiers", charts::chart_tiers(cx)),
    ] {
        // Why a wider tier can have a lower share than a narrower one.
        let why = if id == "fig-tiers" {
            format!("<p class=\"hint\">{}</p>", esc(&sections::tiers_note(cx)))
        } else {
            String::new()
        };
        let _ = write!(
            s,
            "<figure class=\"chart\" id=\"{id}\"><figcaption>{}</figcaption>{body}{why}</figure>",
            esc(&caption)
        );
    }
    s.push_str("</div></section>\n");
}

/// The main figures, coverage per target, figures per unit, the unit
/// ranking and the school venues.
fn tables_section(s: &mut String, cx: &Ctx, title: &str, a: Option<&Assessment>) {
    let _ = writeln!(
        s,
        "<section id=\"tables\"><h2>{}</h2>{}{}{}{}{}</section>",
        esc(tr(cx.lang, "sec_tables")),
        tables::main_table(cx, title),
        tables::targets_table(cx),
        tables::units_table(cx),
        sections::unit_ranking(cx, a),
        sections::school_venues(cx)
    );
}

/// The notes section, the end of `<main>` and the footer.
fn notes_and_footer(s: &mut String, cx: &Ctx) {
    let lang = cx.lang;
    let _ = writeln!(
        s,
        "<section id=\"notes\"><h2>{}</h2>{}</section>\n</main>",
        esc(tr(lang, "sec_notes")),
        tables::notes_html(cx)
    );
    let _ = writeln!(
        s,
        "<footer class=\"foot\">{}</footer>",
        esc(&trf(
            lang,
            "made_with",
            &[("version", env!("CARGO_PKG_VERSION").to_string())]
        ))
    );
}

/// Leaflet's script, with its licence in a comment.
fn write_leaflet(w: &mut dyn io::Write) -> io::Result<()> {
    w.write_all(
        b"<script id=\"leaflet-js\">\n/*! Leaflet 1.9.4, assets/leaflet/leaflet.js (unmodified).\n",
    )?;
    w.write_all(LEAFLET_LICENSE.replace("*/", "* /").as_bytes())?;
    w.write_all(b"*/\n")?;
    w.write_all(leaflet_js().as_bytes())?;
    w.write_all(b"\n</script>\n")
}

/// The map data, one `<script type="application/json">` block per layer.
/// Each layer is built just before it is written and dropped after, so
/// only one is held at a time (a metropolis' layers are hundreds of
/// megabytes each).
fn write_data(w: &mut dyn io::Write, cx: &Ctx) -> io::Result<()> {
    type Layer = fn(&Ctx) -> String;
    let blocks: [(&str, Layer); 8] = [
        ("data-meta", layers::meta_json),
        ("data-network", layers::network_json),
        ("data-covered", layers::covered_json),
        ("data-units", layers::units_json),
        ("data-communities", layers::communities_json),
        ("data-gap-hexagons", layers::gap_hexagons_json),
        ("data-facilities", layers::facilities_json),
        ("data-sites", layers::sites_json),
    ];
    for (id, layer) in blocks {
        let body = layer(cx);
        write!(w, "<script type=\"application/json\" id=\"{id}\">")?;
        write_script_json(w, &body)?;
        w.write_all(b"</script>\n")?;
    }
    Ok(())
}

/// Write `report.html` and `map.png` into `dir` (atomically, like every
/// output); returns the paths written.
pub fn write_files(
    dir: &Path,
    title: &str,
    inputs: &Inputs,
    study: &Study,
    assessment: Option<&Assessment>,
    lang: Lang,
) -> Result<Vec<PathBuf>> {
    let options = ReportOptions {
        lang,
        ..ReportOptions::default()
    };
    write_files_with(dir, title, inputs, study, assessment, &options)
}

/// [`write_files`] with a base map and the map image's size. With
/// suggested sites ([`ReportOptions::sites`]) the files are `sites.html`
/// and `sites.png` instead (`fitcircle sites`).
pub fn write_files_with(
    dir: &Path,
    title: &str,
    inputs: &Inputs,
    study: &Study,
    assessment: Option<&Assessment>,
    options: &ReportOptions<'_>,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let (html, png) = match options.sites {
        None => (dir.join("report.html"), dir.join("map.png")),
        Some(_) => (dir.join("sites.html"), dir.join("sites.png")),
    };
    let map_options = MapOptions {
        lang: options.lang,
        size: options.map_size,
        sites: options.sites,
    };
    let Some(full) = study.full() else {
        // A coverage-only run has no catchment figures for the page: the
        // map image only.
        let progress = crate::progress::Counter::start("report", 1);
        map_image::write_map_png_with(&png, inputs, study, &map_options)?;
        progress.finish();
        return Ok(vec![png]);
    };
    // The page and the image are independent: draw them side by side.
    let progress = crate::progress::Counter::start("report", 2);
    let (a, b) = rayon::join(
        || {
            let r = atomic::write_file(&html, &|w| {
                write_page(w, title, inputs, full, assessment, options)
            });
            progress.add(1);
            r
        },
        || {
            let r = map_image::write_map_png_with(&png, inputs, study, &map_options);
            progress.add(1);
            r
        },
    );
    a?;
    b?;
    progress.finish();
    Ok(vec![html, png])
}
