//! `sites.geojson` / `sites.csv`: suggested sites with rank, newly covered
//! residents, cumulative coverage and each site's own isochrone.

use std::io::{self, Write};

use geo::{Geometry, Point};
use serde_json::{Value, json};

use super::csv_safe::{CsvFormulas, CsvOut};
use super::format::round;
use super::geojson::FeatureWriter;
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
) -> io::Result<()> {
    let crs = crs.unwrap_or(Crs::Wgs84);
    let mut c = CsvOut::new(w, formulas);
    c.write_record([
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
        "communities",
        "community_names",
    ])?;
    for s in &plan.sites {
        let cumulative = plan.covered_before + s.pick.cumulative_population;
        let (lon, lat) = crs.from_wgs84(s.lonlat[0], s.lonlat[1]);
        c.write_record([
            s.pick.rank.to_string(),
            s.id.clone(),
            s.name.clone(),
            plan.category.as_str().to_string(),
            s.unit.clone(),
            round(lon, 7).to_string(),
            round(lat, 7).to_string(),
            crs.as_str().to_string(),
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
