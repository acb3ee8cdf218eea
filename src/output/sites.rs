//! `sites.geojson` / `sites.csv`: suggested sites with rank, newly covered
//! residents, cumulative coverage and each site's own isochrone.

use std::io::{self, Write};

use geo::{Geometry, Point};
use serde_json::{Value, json};

use super::csv_safe::{CsvFormulas, CsvOut};
use super::format::{round, thousands};
use super::geojson::FeatureWriter;
use super::i18n::{Lang, category_label, tr, trf};
use super::summary::{pad, rpad};
use crate::analysis::siting::SitePlan;
use crate::crs::Crs;

fn share(plan: &SitePlan, people: f64) -> f64 {
    if plan.total_population > 0.0 {
        people / plan.total_population
    } else {
        0.0
    }
}

fn props(plan: &SitePlan, k: usize, kind: &str) -> Vec<(String, Value)> {
    let s = &plan.sites[k];
    let cumulative = plan.covered_before + s.pick.cumulative_population;
    vec![
        ("kind".into(), json!(kind)),
        ("rank".into(), json!(s.pick.rank)),
        ("site_id".into(), json!(s.id)),
        ("site_name".into(), json!(s.name)),
        ("unit".into(), json!(s.unit)),
        ("category".into(), json!(plan.category.as_str())),
        ("walk_m".into(), json!(round(plan.walk_m, 1))),
        (
            "newly_covered_population".into(),
            json!(round(s.pick.newly_covered_population, 1)),
        ),
        (
            "newly_covered_communities".into(),
            json!(s.pick.newly_covered_communities),
        ),
        (
            "community_names".into(),
            json!(s.newly_covered_names.join(";")),
        ),
        (
            "cumulative_new_population".into(),
            json!(round(s.pick.cumulative_population, 1)),
        ),
        (
            "covered_population_after".into(),
            json!(round(cumulative, 1)),
        ),
        (
            "covered_share_after".into(),
            json!(round(share(plan, cumulative), 4)),
        ),
    ]
}

/// Points (`kind=site`) then isochrones (`kind=isochrone`).
pub fn write_sites_geojson(w: &mut dyn Write, plan: &SitePlan) -> io::Result<()> {
    sites_features(w, plan)
}

/// [`write_sites_geojson`] into any sink (text or columns).
pub(crate) fn sites_features<'w>(
    w: impl Into<super::geojson::Sink<'w>>,
    plan: &SitePlan,
) -> io::Result<()> {
    let mut fw = FeatureWriter::start(
        w,
        &[
            ("name", json!("sites")),
            (
                "fitcircle",
                json!({
                    "method": "lazy greedy maximal covering (within 1 - 1/e of the optimum)",
                    "covered_population_before": round(plan.covered_before, 1),
                    "planned_as_built": plan.planned_as_built,
                    "total_population": round(plan.total_population, 1),
                    "candidates": plan.candidates,
                }),
            ),
        ],
    )?;
    for (k, s) in plan.sites.iter().enumerate() {
        let p = Geometry::Point(Point::new(s.lonlat[0], s.lonlat[1]));
        fw.feature(&p, &props(plan, k, "site"))?;
    }
    for (k, s) in plan.sites.iter().enumerate() {
        fw.feature(
            &Geometry::MultiPolygon(s.isochrone.clone()),
            &props(plan, k, "isochrone"),
        )?;
    }
    fw.finish()
}

/// The plan as JSON (`fitcircle sites --json`): the sites with the figures
/// of sites.csv, and the files written.
pub fn json(plan: &SitePlan, files: &[std::path::PathBuf]) -> Value {
    let sites: Vec<Value> = plan
        .sites
        .iter()
        .map(|s| {
            let cumulative = plan.covered_before + s.pick.cumulative_population;
            json!({
                "rank": s.pick.rank,
                "site_id": s.id,
                "site_name": s.name,
                "unit": s.unit,
                "lon": round(s.lonlat[0], 7),
                "lat": round(s.lonlat[1], 7),
                "newly_covered_population": round(s.pick.newly_covered_population, 1),
                "newly_covered_communities": s.pick.newly_covered_communities,
                "cumulative_new_population": round(s.pick.cumulative_population, 1),
                "covered_population_after": round(cumulative, 1),
                "covered_share_after": round(share(plan, cumulative), 4),
                "communities": s.newly_covered,
                "community_names": s.newly_covered_names,
            })
        })
        .collect();
    json!({
        "category": plan.category.as_str(),
        "walk_m": round(plan.walk_m, 1),
        "method": "lazy greedy maximal covering (within 1 - 1/e of the optimum)",
        "candidates": plan.candidates,
        "covered_population_before": round(plan.covered_before, 1),
        "planned_as_built": plan.planned_as_built,
        "total_population": round(plan.total_population, 1),
        "covered_share_before": round(share(plan, plan.covered_before), 4),
        "sites": sites,
        "files": files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
    })
}

/// One row per site: `lon`/`lat` in the output CRS `crs` (named in the
/// `crs` column, so a GCJ-02 run pastes straight into AMap), `lon_wgs84` /
/// `lat_wgs84` always, the unit, and the newly covered communities' ids and
/// names.
pub fn write_sites_csv(
    w: &mut dyn Write,
    plan: &SitePlan,
    formulas: CsvFormulas,
    crs: Option<Crs>,
    lang: Lang,
) -> io::Result<()> {
    let crs = crs.unwrap_or(Crs::Wgs84);
    let mut c = CsvOut::new(w, formulas);
    c.write_header(
        &[
            "rank",
            "site_id",
            "site_name",
            "category",
            "unit",
            "lon",
            "lat",
            "crs",
            "lon_wgs84",
            "lat_wgs84",
            "newly_covered_population",
            "newly_covered_communities",
            "cumulative_new_population",
            "covered_share_after",
            "community_ids",
            "community_names",
        ],
        lang,
        None,
    )?;
    let (category, crs_name) = match lang {
        Lang::En => (plan.category.as_str().to_string(), crs.as_str().to_string()),
        Lang::Zh => (category_label(lang, plan.category), crs_label(crs)),
    };
    for s in &plan.sites {
        let cumulative = plan.covered_before + s.pick.cumulative_population;
        let (lon, lat) = crs.from_wgs84(s.lonlat[0], s.lonlat[1]);
        c.write_record([
            s.pick.rank.to_string(),
            s.id.clone(),
            s.name.clone(),
            category.clone(),
            s.unit.clone(),
            round(lon, 7).to_string(),
            round(lat, 7).to_string(),
            crs_name.clone(),
            round(s.lonlat[0], 7).to_string(),
            round(s.lonlat[1], 7).to_string(),
            round(s.pick.newly_covered_population, 1).to_string(),
            s.pick.newly_covered_communities.to_string(),
            round(s.pick.cumulative_population, 1).to_string(),
            round(share(plan, cumulative), 4).to_string(),
            s.newly_covered.join(";"),
            s.newly_covered_names.join(";"),
        ])?;
    }
    c.flush()
}

/// A CRS as its standard name (`WGS-84`, `GCJ-02`, `BD-09`).
fn crs_label(crs: Crs) -> String {
    match crs {
        Crs::Wgs84 => "WGS-84",
        Crs::Gcj02 => "GCJ-02",
        Crs::Bd09 => "BD-09",
    }
    .to_string()
}

/// What a `sites` run prints besides the plan: the notes of the run (as
/// terminal lines, [`super::summary::note_lines`]), the number of sites
/// asked for and the files written.
#[derive(Debug, Clone, Copy)]
pub struct TextContext<'a> {
    /// The run's notes, one terminal line each.
    pub notes: &'a [String],
    /// Sites asked for (`--count`).
    pub asked: usize,
    /// The files written.
    pub written: &'a [std::path::PathBuf],
}

/// The terminal summary of `fitcircle sites` in `lang`: the demand, the
/// notes, the method, one row per site (columns aligned by display width),
/// why there are fewer sites than asked, the files written.
pub fn render_text(plan: &SitePlan, cx: TextContext<'_>, lang: Lang) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let category = match lang {
        Lang::En => plan.category.as_str().to_string(),
        Lang::Zh => category_label(lang, plan.category),
    };
    let planned = if plan.planned_as_built {
        tr(lang, "sites.planned_built")
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{}",
        trf(
            lang,
            "sites.head",
            &[
                ("category", category),
                ("walk", format!("{:.0}", plan.walk_m)),
                ("candidates", plan.candidates.to_string()),
                ("planned", planned.to_string()),
                ("covered", format!("{:.0}", plan.covered_before)),
                ("total", format!("{:.0}", plan.total_population)),
            ],
        )
    );
    for n in cx.notes {
        let _ = writeln!(out, "{n}");
    }
    let _ = writeln!(out, "{}", tr(lang, "sites.method"));
    let _ = writeln!(
        out,
        "{} {} {} {} {}  {}",
        rpad(tr(lang, "sites.col_rank"), 4),
        pad(tr(lang, "sites.col_site"), 24),
        rpad(tr(lang, "sites.col_new"), 12),
        rpad(tr(lang, "sites.col_cumulative"), 12),
        rpad(tr(lang, "sites.col_share"), 8),
        tr(lang, "sites.col_unit")
    );
    for s in &plan.sites {
        let after = plan.covered_before + s.pick.cumulative_population;
        let id = match (lang, s.id.strip_prefix("grid:")) {
            (Lang::Zh, Some(n)) => trf(lang, "sites.grid_point", &[("n", n.to_string())]),
            _ => s.id.clone(),
        };
        let label = if s.name.is_empty() {
            id
        } else {
            format!("{id} {}", s.name)
        };
        let _ = writeln!(
            out,
            "{} {} {} {} {}  {}",
            rpad(&s.pick.rank.to_string(), 4),
            pad(&label, 24),
            rpad(&format!("{:.0}", s.pick.newly_covered_population), 12),
            rpad(&format!("{:.0}", s.pick.cumulative_population), 12),
            rpad(&format!("{:.1}%", 100.0 * share(plan, after)), 8),
            s.unit
        );
    }
    if plan.sites.len() < cx.asked {
        let _ = writeln!(out, "{}", stopped_early(plan, lang));
    }
    for p in cx.written {
        let _ = writeln!(
            out,
            "{}",
            trf(lang, "t.wrote", &[("path", p.display().to_string())])
        );
    }
    out
}

/// Why fewer sites than asked: everyone is covered, or the residents left
/// are off the network or out of reach of every candidate.
fn stopped_early(plan: &SitePlan, lang: Lang) -> String {
    let added = plan
        .sites
        .last()
        .map_or(0.0, |s| s.pick.cumulative_population);
    let left = (plan.total_population - plan.covered_before - added).max(0.0);
    let n = plan.sites.len().to_string();
    if left < 0.5 {
        return trf(lang, "sites.all_covered", &[("n", n)]);
    }
    let off = plan.unreachable_population.min(left);
    trf(
        lang,
        "sites.stopped",
        &[
            ("n", n),
            ("left", thousands(left)),
            ("off", thousands(off)),
            ("walk", format!("{:.0}", plan.walk_m)),
        ],
    )
}
