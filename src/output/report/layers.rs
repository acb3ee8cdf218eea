//! The page's map data, as GeoJSON for `<script type="application/json">`
//! blocks: the walking network, the covered area, unit boundaries,
//! communities and facilities with the figures their popups show, and the
//! labels and colours the page's script needs ([`meta_json`]).

use geo::{Geometry, LineString};
use rayon::prelude::*;
use serde_json::{Value, json};

use super::context::Ctx;
use super::geometry::{collection, feature, geometry_json, push_line, simplified};
use crate::analysis::study::Study;
use crate::model::Category;
use crate::output::classes::{CLASS_COLOURS, category_colour, hex};
use crate::output::format::{num, round};
use crate::output::i18n::{
    self, category_label, requirement_label, target_label, tier_label, tr, trf, window_label,
};
use crate::spatial::representative_point;

/// Most vertices of the walking network drawn in the report; the network is
/// simplified harder until it fits (keeps large cities under a few MB).
const MAX_NETWORK_POINTS: usize = 120_000;
/// Above this many communities the map draws each as a point with its
/// nearest-facility figures only (a browser cannot draw hundreds of
/// thousands of polygons); the full figures stay in communities.geojson.
pub const COMPACT_COMMUNITIES: usize = 20_000;

/// Is the walking network too large to draw within [`MAX_NETWORK_POINTS`]
/// vertices, however hard it is simplified (every edge keeps its two ends)?
pub(super) fn network_too_large(study: &Study) -> bool {
    study
        .graph()
        .is_some_and(|g| 2 * g.net.edges.len() > MAX_NETWORK_POINTS)
}

/// The walking network as one MultiLineString, simplified until it has at
/// most [`MAX_NETWORK_POINTS`] vertices; left out (empty collection, and a
/// note in the report) when it cannot fit.
pub(super) fn network_json(study: &Study) -> String {
    let Some(g) = study.graph() else {
        return collection(&[]);
    };
    if network_too_large(study) {
        return collection(&[]);
    }
    let net = &g.net;
    let mut eps = 1.0;
    let mut lines: Vec<Vec<[f64; 2]>>;
    loop {
        lines = (0..net.edges.len())
            .map(|e| simplified(&study.placement.proj, net.edge_geom(e), eps))
            .filter(|l| l.len() >= 2)
            .collect();
        let points: usize = lines.iter().map(|l| l.len()).sum();
        if points <= MAX_NETWORK_POINTS || eps > 64.0 {
            break;
        }
        eps *= 2.0;
    }
    let mut s = String::from(r#"{"type":"MultiLineString","coordinates":["#);
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_line(&mut s, l);
    }
    s.push_str("]}");
    collection(&[feature(
        &s,
        &json!({"edges": lines.len(), "simplify_m": eps}),
    )])
}

/// Communities with their walk to the nearest facility, minute class,
/// per-target and per-tier figures and 2SFCA access; points only (and no
/// lists) above [`COMPACT_COMMUNITIES`].
pub(super) fn communities_json(cx: &Ctx) -> String {
    let st = cx.study;
    let cov = &st.scenarios.now;
    let ca = cx.ca;
    let compact = cx.inputs.communities.len() > COMPACT_COMMUNITIES;
    let feats: Vec<String> = cx
        .inputs
        .communities
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            // Above COMPACT_COMMUNITIES: a point each, without the
            // per-target and per-tier lists.
            let (near, tiers): (Vec<Value>, Vec<Value>) = if compact {
                (Vec::new(), Vec::new())
            } else {
                (
                    cov.targets
                        .iter()
                        .enumerate()
                        .map(|(t, target)| {
                            json!([
                                target.name(),
                                cx.minutes(t, i).map(|m| round(m, 1)),
                                cov.reachable[t][i]
                            ])
                        })
                        .collect(),
                    ca.tiers
                        .iter()
                        .map(|t| json!([t.name, t.met[i], t.missing[i]]))
                        .collect(),
                )
            };
            let props = json!({
                "id": c.id,
                "name": c.name,
                "pop": round(c.population, 1),
                "est": c.population_source.is_estimate(),
                "unit": cx.unit_name(st.units.community_unit[i]),
                "reach": st.placement.community_access[i].is_ok(),
                "why": st.placement.community_access[i].as_ref().err().map(|e| e.reason()),
                "m": cx.any_minutes(i).map(|m| round(m, 1)),
                "cov": cx.covered_any(i),
                "cls": cx.class(i),
                "near": near,
                "tiers": tiers,
                "sfca": [
                    round(ca.sfca_outdoor[i], 3),
                    round(ca.sfca_indoor[i], 3),
                    round(ca.sfca_total[i], 3)
                ],
            });
            let point = compact
                .then(|| representative_point(&c.geometry))
                .flatten()
                .map(Geometry::Point);
            match point {
                Some(g) => feature(&geometry_json(&st.placement.proj, &g, 0.0), &props),
                None => feature(&geometry_json(&st.placement.proj, &c.geometry, 1.0), &props),
            }
        })
        .collect();
    collection(&feats)
}

/// Facilities as points, with areas, hours, windows and the residents
/// within the limit of each counted one.
pub(super) fn facilities_json(cx: &Ctx) -> String {
    let st = cx.study;
    let limit = st.scenarios.now.settings.limit_m;
    let feats: Vec<String> = cx
        .inputs
        .facilities
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let p = representative_point(&f.geometry)?;
            let counted = st.scenarios.counts_now[i] && st.placement.facility_access[i].is_ok();
            let within: Option<f64> = counted.then(|| {
                st.scenarios.now.facility_hits[i]
                    .iter()
                    .filter(|h| h.1 <= limit)
                    .map(|h| cx.inputs.communities[h.0 as usize].population)
                    .sum()
            });
            let open: Vec<&str> = cx
                .ca
                .windows
                .iter()
                .filter(|w| w.open.get(i).copied().unwrap_or(false))
                .map(|w| w.window.name.as_str())
                .collect();
            let props = json!({
                "id": f.id,
                "name": f.name,
                "cat": f.category.as_str(),
                "status": f.status.as_str(),
                "area": round(f.area_m2, 0),
                "floor": round(f.floor_area_m2, 0),
                "land": round(crate::analysis::catchment::sports_land_m2(f), 0),
                "hours": f.opening_hours,
                "public": f.open_to_public,
                "counted": counted,
                "reach": st.placement.facility_access[i].is_ok(),
                "unit": cx.unit_name(st.units.facility_unit[i]),
                "within": within.map(|x| round(x, 0)),
                "open": open,
            });
            Some(feature(
                &geometry_json(&st.placement.proj, &Geometry::Point(p), 0.0),
                &props,
            ))
        })
        .collect();
    collection(&feats)
}

/// The area within the limit of any facility.
pub(super) fn covered_json(cx: &Ctx) -> String {
    let Some(t) = cx.any else {
        return collection(&[]);
    };
    let Some(mp) = cx.study.isochrones.get(t) else {
        return collection(&[]);
    };
    let g = geometry_json(
        &cx.study.placement.proj,
        &Geometry::MultiPolygon(mp.clone()),
        3.0,
    );
    if g == "null" {
        return collection(&[]);
    }
    collection(&[feature(&g, &json!({"target": "any"}))])
}

/// Unit boundaries with their population, covered share and per-capita
/// area.
pub(super) fn units_json(cx: &Ctx) -> String {
    let st = cx.study;
    let ca = cx.ca;
    let mut feats = Vec::new();
    for k in 1..ca.units.len().min(st.areas.len()) {
        let Some(u) = ca.units[k].unit else { continue };
        let us = &ca.units[k];
        let share = cx.any_share(k);
        let props = json!({
            "name": cx.inputs.units[u.get()].name,
            "pop": round(us.per_capita.population, 0),
            "share": round(share, 4),
            "out": us.per_capita.applicable().then(|| round(us.per_capita.outdoor_per_person(), 3)),
            "in": us.per_capita.applicable().then(|| round(us.per_capita.indoor_per_person(), 3)),
            "meets": us.meets_per_capita,
        });
        // Boundaries are drawn as lines (so they never catch clicks meant
        // for the communities inside).
        let lines: Vec<LineString<f64>> = cx.inputs.units[u.get()]
            .geometry
            .0
            .iter()
            .flat_map(|p| {
                std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned())
            })
            .collect();
        let g = geometry_json(
            &st.placement.proj,
            &Geometry::MultiLineString(geo::MultiLineString::new(lines)),
            2.0,
        );
        if g != "null" {
            feats.push(feature(&g, &props));
        }
    }
    collection(&feats)
}

/// What the page's script needs besides the layers: its labels (the `js.`
/// keys), the minute classes with colours, the labels and colours of
/// categories, targets, tiers, requirements and windows, the attribution.
pub(super) fn meta_json(cx: &Ctx) -> String {
    let lang = cx.lang;
    let mut t = serde_json::Map::new();
    let minutes = num(cx.study.settings.minutes);
    for key in i18n::keys() {
        if let Some(k) = key.strip_prefix("js.") {
            t.insert(
                k.to_string(),
                json!(trf(lang, key, &[("minutes", minutes.clone())])),
            );
        }
    }
    let lim = cx.limit_min;
    let rep = cx.report_min;
    let class_labels = [
        format!("≤ {}", num(lim / 3.0)),
        format!("{}–{}", num(lim / 3.0), num(2.0 * lim / 3.0)),
        format!("{}–{}", num(2.0 * lim / 3.0), num(lim)),
        format!("{}–{}", num(lim), num(rep)),
        format!("> {}", num(rep)),
        tr(lang, "js.unreachable").to_string(),
    ];
    let classes: Vec<Value> = class_labels
        .iter()
        .zip(CLASS_COLOURS)
        .map(|(l, c)| json!({"label": l, "colour": hex(c)}))
        .collect();
    let mut cats = serde_json::Map::new();
    for c in Category::ALL {
        cats.insert(
            c.as_str().to_string(),
            json!({"label": category_label(lang, c), "colour": category_colour(c)}),
        );
    }
    let mut targets = serde_json::Map::new();
    for tg in &cx.study.scenarios.now.targets {
        targets.insert(tg.name().to_string(), json!(target_label(lang, *tg)));
    }
    let mut tiers = serde_json::Map::new();
    let mut reqs = serde_json::Map::new();
    for tier in &cx.study.targets.tier {
        tiers.insert(
            tier.name.clone(),
            json!(tier_label(lang, cx.study, &tier.name)),
        );
        for r in &tier.requirement {
            reqs.insert(
                r.name.clone(),
                json!(requirement_label(lang, cx.study, &r.name)),
            );
        }
    }
    let mut windows = serde_json::Map::new();
    for w in &cx.ca.windows {
        windows.insert(
            w.window.name.clone(),
            json!(window_label(lang, &w.window.name)),
        );
    }
    let mut attribution = Vec::new();
    if cx.study.graph().is_some() {
        attribution.push(tr(lang, "attr_osm").to_string());
    }
    json!({
        "locale": lang.code(),
        "t": t,
        "limit_min": lim,
        "report_min": rep,
        "classes": classes,
        "cats": cats,
        "targets": targets,
        "tiers": tiers,
        "requirements": reqs,
        "windows": windows,
        "attribution": attribution,
    })
    .to_string()
}
