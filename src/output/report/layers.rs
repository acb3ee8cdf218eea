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
use crate::output::map_image;
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
pub(super) fn network_json(cx: &Ctx) -> String {
    let study = cx.study;
    let coords = cx.coords();
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
            .map(|e| simplified(coords, net.edge_geom(e), eps))
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
                Some(g) => feature(&geometry_json(cx.coords(), &g, 0.0), &props),
                None => feature(&geometry_json(cx.coords(), &c.geometry, 1.0), &props),
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
                st.scenarios
                    .now
                    .facility_hits
                    .of(i)
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
                &geometry_json(cx.coords(), &Geometry::Point(p), 0.0),
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
    let Some(mp) = cx.study.isochrone(t) else {
        return collection(&[]);
    };
    let g = geometry_json(cx.coords(), &Geometry::MultiPolygon(mp.clone()), 3.0);
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
        // Where the unit's name is shown on the map.
        let at = map_image::label_point(&cx.inputs.units[u.get()].geometry).map(|p| {
            let (x, y) = cx.coords().crs.from_wgs84(p.x(), p.y());
            [round(x, 5), round(y, 5)]
        });
        let props = json!({
            "name": cx.inputs.units[u.get()].name,
            "pop": round(us.per_capita.population, 0),
            "share": round(share, 4),
            "out": us.per_capita.applicable().then(|| round(us.per_capita.outdoor_per_person(), 3)),
            "in": us.per_capita.applicable().then(|| round(us.per_capita.indoor_per_person(), 3)),
            "meets": us.meets_per_capita,
            "at": at,
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
            cx.coords(),
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
    let basemap = cx.basemap.map(|b| b.json(lang));
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
        "basemap": basemap,
        "hex_m": gap_hexagon_m(cx),
        "site_colour": SITE_COLOUR,
        "unit_labels": cx.inputs.units.len() <= MAX_UNIT_LABELS,
    })
    .to_string()
}

/// The map draws each uncovered community as a ring up to this many; above
/// it, when they lie close together (on average at least two to a
/// hexagon), they are summed in hexagons half a walk across, as hundreds of
/// rings pile up into one red blot.
pub const GAP_HEXAGONS_ABOVE: usize = 200;
/// Communities per hexagon, on average, for hexagons to be worth drawing
/// (spread-out gaps, one to a hexagon, stay rings).
const GAP_HEXAGON_MEAN: usize = 2;
/// Units are labelled on the map when there are at most this many.
const MAX_UNIT_LABELS: usize = 80;
/// Suggested sites' colour (map.png's too).
const SITE_COLOUR: &str = "#762a83";

/// Uncovered communities on the network: the map's gap layer.
fn uncovered(cx: &Ctx) -> Vec<usize> {
    (0..cx.inputs.communities.len())
        .filter(|&i| !cx.covered_any(i))
        .collect()
}

/// The hexagons' width (vertex to vertex) when the uncovered communities
/// are summed in hexagons: half the walking limit rounded to 50 m, at
/// least 200 m; `None` when they are drawn one by one ([`hex_bins`]).
pub(super) fn gap_hexagon_m(cx: &Ctx) -> Option<f64> {
    hex_bins(cx).map(|(width, _)| width)
}

/// Uncovered communities (with a location) per hexagon, with the
/// hexagons' width; `None` when there are at most [`GAP_HEXAGONS_ABOVE`]
/// or fewer than [`GAP_HEXAGON_MEAN`] to a hexagon.
fn hex_bins(cx: &Ctx) -> Option<(f64, HexBins)> {
    let gaps = uncovered(cx);
    if gaps.len() <= GAP_HEXAGONS_ABOVE {
        return None;
    }
    let limit = cx.study.scenarios.now.settings.limit_m;
    let width = ((limit / 2.0 / 50.0).round() * 50.0).max(200.0);
    let proj = &cx.study.placement.proj;
    let mut bins = HexBins::new();
    let mut placed = 0;
    for i in gaps {
        let c = &cx.inputs.communities[i];
        if let Some(p) = representative_point(&c.geometry) {
            bins.entry(hex_of(proj.project([p.x(), p.y()]), width / 2.0))
                .or_default()
                .push(i);
            placed += 1;
        }
    }
    (placed >= GAP_HEXAGON_MEAN * bins.len()).then_some((width, bins))
}

/// Communities per hexagon (axial coordinates), in a fixed order.
type HexBins = std::collections::BTreeMap<(i64, i64), Vec<usize>>;

/// The hexagon of a pointy-top grid of circumradius `r` holding projected
/// point `p`, as axial coordinates (q, r).
fn hex_of(p: [f64; 2], r: f64) -> (i64, i64) {
    let q = (3f64.sqrt() / 3.0 * p[0] - p[1] / 3.0) / r;
    let s = (2.0 / 3.0 * p[1]) / r;
    // Cube rounding.
    let (x, z) = (q, s);
    let y = -x - z;
    let (mut rx, ry, mut rz) = (x.round(), y.round(), z.round());
    let (dx, dy, dz) = ((rx - x).abs(), (ry - y).abs(), (rz - z).abs());
    if dx > dy && dx > dz {
        rx = -ry - rz;
    } else if dy <= dz {
        rz = -rx - ry;
    }
    (rx as i64, rz as i64)
}

/// The corners of hexagon (q, r) of circumradius `r`, projected, closed.
fn hex_ring((q, s): (i64, i64), r: f64) -> Vec<[f64; 2]> {
    let cx = r * 3f64.sqrt() * (q as f64 + s as f64 / 2.0);
    let cy = r * 1.5 * s as f64;
    let mut ring: Vec<[f64; 2]> = (0..6)
        .map(|k| {
            let a = (60.0 * k as f64 - 30.0).to_radians();
            [cx + r * a.cos(), cy + r * a.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// Uncovered communities summed per hexagon ([`gap_hexagon_m`]): each
/// hexagon with the number of uncovered communities whose point lies in
/// it, their residents and the names of the five largest; empty when they
/// are drawn one by one.
pub(super) fn gap_hexagons_json(cx: &Ctx) -> String {
    let Some((width, bins)) = hex_bins(cx) else {
        return collection(&[]);
    };
    let r = width / 2.0;
    let proj = &cx.study.placement.proj;
    let feats: Vec<String> = bins
        .into_iter()
        .map(|(hex, mut members)| {
            let communities = &cx.inputs.communities;
            members.sort_by(|&a, &b| {
                communities[b]
                    .population
                    .total_cmp(&communities[a].population)
                    .then(a.cmp(&b))
            });
            let people: f64 = members.iter().map(|&i| communities[i].population).sum();
            let names: Vec<&str> = members
                .iter()
                .take(5)
                .map(|&i| {
                    let c = &communities[i];
                    if c.name.is_empty() {
                        c.id.as_str()
                    } else {
                        c.name.as_str()
                    }
                })
                .collect();
            let ring: Vec<[f64; 2]> = hex_ring(hex, r)
                .into_iter()
                .map(|q| proj.unproject(q))
                .collect();
            let polygon = Geometry::Polygon(geo::Polygon::new(
                LineString::from(ring.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>()),
                vec![],
            ));
            let props = json!({
                "n": members.len(),
                "pop": round(people, 0),
                "names": names,
                "more": members.len().saturating_sub(5),
            });
            feature(&geometry_json(cx.coords(), &polygon, 0.0), &props)
        })
        .collect();
    collection(&feats)
}

/// The suggested sites: a point each with its rank and figures, then each
/// one's walking area.
pub(super) fn sites_json(cx: &Ctx) -> String {
    let Some(plan) = cx.sites else {
        return collection(&[]);
    };
    let total = plan.total_population;
    let mut feats = Vec::new();
    for s in &plan.sites {
        let after = plan.covered_before + s.pick.cumulative_population;
        let shown = 12;
        let props = json!({
            "rank": s.pick.rank,
            "id": s.id,
            "name": s.name,
            "unit": s.unit,
            "new": round(s.pick.newly_covered_population, 0),
            "cum": round(s.pick.cumulative_population, 0),
            "share": round(if total > 0.0 { after / total } else { 0.0 }, 4),
            "names": s.newly_covered_names.iter().take(shown).collect::<Vec<_>>(),
            "more": s.newly_covered_names.len().saturating_sub(shown),
        });
        let point = Geometry::Point(geo::Point::new(s.lonlat[0], s.lonlat[1]));
        feats.push(feature(&geometry_json(cx.coords(), &point, 0.0), &props));
    }
    for s in &plan.sites {
        let g = geometry_json(
            cx.coords(),
            &Geometry::MultiPolygon(s.isochrone.clone()),
            3.0,
        );
        if g != "null" {
            feats.push(feature(&g, &json!({"rank": s.pick.rank, "area": true})));
        }
    }
    collection(&feats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hexagons_hold_their_points() {
        let r = 250.0;
        for p in [[0.0, 0.0], [430.0, 10.0], [-1234.5, 987.6], [216.0, 374.0]] {
            let h = hex_of(p, r);
            let ring = hex_ring(h, r);
            let poly = geo::Polygon::new(
                LineString::from(ring.iter().map(|q| (q[0], q[1])).collect::<Vec<_>>()),
                vec![],
            );
            use geo::Contains;
            assert!(
                poly.contains(&geo::Point::new(p[0], p[1])),
                "{p:?} in {h:?}"
            );
        }
        // Neighbours are distinct hexagons.
        assert_ne!(hex_of([0.0, 0.0], r), hex_of([440.0, 0.0], r));
    }
}
