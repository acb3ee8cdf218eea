//! One whole run over loaded inputs: snap everything onto the network,
//! freeze the graph, compute coverage, assign communities to units and
//! summarise. Each stage is timed.

use std::time::{Duration, Instant};

use geo::{BoundingRect, Centroid, Geometry, Point};
use rayon::prelude::*;

use super::coverage::{self, Access, Coverage, CoverageSettings, Source, Target};
use crate::config::Settings;
use crate::graph::WalkGraph;
use crate::graph::snap::{AccessMode, SnapHit, SnapSettings, Snapper, Unreachable, attach};
use crate::input::Inputs;
use crate::model::Status;
use crate::spatial::{self, LocalProjection};
use crate::{Error, Result};

/// Per-target totals for an area (the whole study area or one unit).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSummary {
    pub target: Target,
    /// Counted facilities of this target (existing, open, reachable).
    pub facilities: usize,
    pub population: f64,
    pub covered_population: f64,
}

impl TargetSummary {
    /// Covered share of the population, 0..1 (0 when nobody lives there).
    pub fn share(&self) -> f64 {
        if self.population > 0.0 {
            self.covered_population / self.population
        } else {
            0.0
        }
    }
}

/// Totals for one administrative unit (or the whole area when `unit` is None).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaSummary {
    /// Index into `inputs.units`; `None` for the whole area.
    pub unit: Option<usize>,
    pub communities: usize,
    pub population: f64,
    /// Population of communities that could not be attached to the network.
    pub unreachable_population: f64,
    pub targets: Vec<TargetSummary>,
}

/// Results of a run.
#[derive(Debug)]
pub struct Study {
    pub graph: WalkGraph,
    /// Nodes / edges of the network before snap points were inserted.
    pub base_nodes: usize,
    pub base_edges: usize,
    pub facility_access: Vec<Result<Access, Unreachable>>,
    pub community_access: Vec<Result<Access, Unreachable>>,
    /// Which facilities count (existing and not closed to the public).
    pub facility_counts: Vec<bool>,
    pub coverage: Coverage,
    /// Unit index per community (by its representative point), if any.
    pub community_unit: Vec<Option<usize>>,
    /// Unit index per facility, if any.
    pub facility_unit: Vec<Option<usize>>,
    /// Whole area first, then one per unit, then communities outside all units.
    pub areas: Vec<AreaSummary>,
    pub timings: Vec<(&'static str, Duration)>,
    pub settings: Settings,
}

/// A representative point of a geometry (itself for points, else centroid).
pub fn representative_point(g: &Geometry<f64>) -> Option<Point<f64>> {
    match g {
        Geometry::Point(p) => Some(*p),
        other => other.centroid(),
    }
}

/// How many communities lie inside some administrative unit, of how many:
/// a quick check that the CRS settings of the two inputs agree.
pub fn communities_inside_units(inputs: &Inputs) -> (usize, usize) {
    let points: Vec<Option<[f64; 2]>> = inputs
        .communities
        .iter()
        .map(|c| representative_point(&c.geometry).map(|p| [p.x(), p.y()]))
        .collect();
    let Some(proj) = LocalProjection::fit(points.iter().flatten().copied()) else {
        return (0, 0);
    };
    let polygons: Vec<geo::MultiPolygon<f64>> =
        inputs.units.iter().map(|u| u.geometry.clone()).collect();
    let tree = spatial::point_tree(&proj, points.iter().copied());
    let inside = spatial::assign_to_polygons(&proj, &tree, &points, &polygons)
        .iter()
        .filter(|u| u.is_some())
        .count();
    (inside, points.len())
}

/// Error when most points lie outside the network but would lie inside it
/// with longitude and latitude swapped.
fn check_swapped(what: &str, points: &[Point<f64>], bbox: geo::Rect<f64>) -> Result<()> {
    if points.is_empty() {
        return Ok(());
    }
    let pad = 0.05;
    let inside = |x: f64, y: f64| {
        bbox.min().x - pad <= x
            && x <= bbox.max().x + pad
            && bbox.min().y - pad <= y
            && y <= bbox.max().y + pad
    };
    let n = points.len();
    let direct = points.iter().filter(|p| inside(p.x(), p.y())).count();
    let swapped = points.iter().filter(|p| inside(p.y(), p.x())).count();
    if direct * 10 < n && swapped * 2 > n {
        return Err(Error::Analysis(format!(
            "{what}: {swapped} of {n} points fall inside the street network only with longitude \
             and latitude swapped; swap the lon/lat columns (GeoJSON positions are [lon, lat])"
        )));
    }
    Ok(())
}

/// Run the coverage analysis. Needs a network; see `input::load`.
pub fn run(inputs: &Inputs, settings: &Settings) -> Result<Study> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let Some(base) = inputs.network.as_ref() else {
        return Err(Error::Analysis(
            "no street network: walking coverage needs an OpenStreetMap extract ([network] \
             path in the config, or --network FILE)"
                .into(),
        ));
    };
    if inputs.communities.is_empty() {
        return Err(Error::Analysis(
            "no residential communities or population cells: give [communities] in the config \
             or --communities FILE"
                .into(),
        ));
    }
    let proj = LocalProjection::fit(base.coords.iter().copied())
        .ok_or_else(|| Error::Analysis("the street network has no nodes".into()))?;
    let bbox = geo::MultiPoint::from(
        base.coords
            .iter()
            .map(|c| Point::new(c[0], c[1]))
            .collect::<Vec<_>>(),
    )
    .bounding_rect()
    .ok_or_else(|| Error::Analysis("the street network has no nodes".into()))?;
    let community_points: Vec<Point<f64>> = inputs
        .communities
        .iter()
        .filter_map(|c| representative_point(&c.geometry))
        .collect();
    let what = match &inputs.community_path {
        Some(p) => format!("{} (communities)", p.display()),
        None => "communities".to_string(),
    };
    check_swapped(&what, &community_points, bbox)?;
    let facility_points: Vec<Point<f64>> = inputs
        .facilities
        .iter()
        .filter_map(|f| representative_point(&f.geometry))
        .collect();
    check_swapped("facilities", &facility_points, bbox)?;

    let snap_settings = SnapSettings {
        max_snap_m: settings.max_snap_m,
        min_component_nodes: settings.min_component_nodes,
        ..Default::default()
    };
    let snapper = Snapper::new(base, proj, snap_settings);
    timings.push(("index", t.elapsed()));

    let t = Instant::now();
    let fac_hits: Vec<Result<Vec<SnapHit>, Unreachable>> = inputs
        .facilities
        .par_iter()
        .map(|f| snapper.access_points(&f.geometry, &f.entrances, AccessMode::Boundary))
        .collect();
    let com_hits: Vec<Result<Vec<SnapHit>, Unreachable>> = inputs
        .communities
        .par_iter()
        .map(|c| snapper.access_points(&c.geometry, &c.entrances, inputs.community_access))
        .collect();
    // Insert all snap points as nodes, then map hits to nodes.
    let mut all_hits = Vec::new();
    for h in fac_hits.iter().chain(&com_hits).flatten() {
        all_hits.extend_from_slice(h);
    }
    let (net, hit_nodes) = attach(base, &all_hits);
    let mut k = 0usize;
    let mut to_access = |hits: &Result<Vec<SnapHit>, Unreachable>| -> Result<Access, Unreachable> {
        match hits {
            Ok(h) => {
                let acc = h
                    .iter()
                    .map(|hit| {
                        let node = hit_nodes[k];
                        k += 1;
                        (node, hit.dist_m)
                    })
                    .collect();
                Ok(acc)
            }
            Err(e) => Err(e.clone()),
        }
    };
    let facility_access: Vec<_> = fac_hits.iter().map(&mut to_access).collect();
    let community_access: Vec<_> = com_hits.iter().map(&mut to_access).collect();
    timings.push(("snap", t.elapsed()));

    let t = Instant::now();
    let graph = WalkGraph::new(net);
    timings.push(("graph", t.elapsed()));

    let t = Instant::now();
    let facility_counts: Vec<bool> = inputs
        .facilities
        .iter()
        .map(|f| f.status == Status::Existing && f.open_to_public != Some(false))
        .collect();
    let sources: Vec<Source> = inputs
        .facilities
        .iter()
        .zip(&facility_access)
        .zip(&facility_counts)
        .map(|((f, acc), counts)| Source {
            category: f.category,
            counts: *counts,
            access: acc.clone().unwrap_or_default(),
        })
        .collect();
    let com_acc: Vec<Access> = community_access
        .iter()
        .map(|a| a.clone().unwrap_or_default())
        .collect();
    let limit_m = settings.limit_m();
    let coverage = coverage::compute(
        &graph,
        &sources,
        &com_acc,
        CoverageSettings {
            limit_m,
            report_m: limit_m * settings.report_factor,
        },
    );
    timings.push(("search", t.elapsed()));

    let t = Instant::now();
    let polygons: Vec<geo::MultiPolygon<f64>> =
        inputs.units.iter().map(|u| u.geometry.clone()).collect();
    let com_points: Vec<Option<[f64; 2]>> = inputs
        .communities
        .iter()
        .map(|c| representative_point(&c.geometry).map(|p| [p.x(), p.y()]))
        .collect();
    let fac_points: Vec<Option<[f64; 2]>> = inputs
        .facilities
        .iter()
        .map(|f| representative_point(&f.geometry).map(|p| [p.x(), p.y()]))
        .collect();
    let com_tree = spatial::point_tree(&proj, com_points.iter().copied());
    let fac_tree = spatial::point_tree(&proj, fac_points.iter().copied());
    let community_unit = spatial::assign_to_polygons(&proj, &com_tree, &com_points, &polygons);
    let facility_unit = spatial::assign_to_polygons(&proj, &fac_tree, &fac_points, &polygons);
    let mut areas = vec![summarise(
        None,
        inputs,
        &coverage,
        &community_access,
        &community_unit,
        &facility_unit,
        &sources,
    )];
    for u in 0..inputs.units.len() {
        areas.push(summarise(
            Some(u),
            inputs,
            &coverage,
            &community_access,
            &community_unit,
            &facility_unit,
            &sources,
        ));
    }
    timings.push(("summary", t.elapsed()));
    Ok(Study {
        base_nodes: base.node_count(),
        base_edges: base.edges.len(),
        graph,
        facility_access,
        community_access,
        facility_counts,
        coverage,
        community_unit,
        facility_unit,
        areas,
        timings,
        settings: *settings,
    })
}

fn summarise(
    unit: Option<usize>,
    inputs: &Inputs,
    coverage: &Coverage,
    access: &[Result<Access, Unreachable>],
    community_unit: &[Option<usize>],
    facility_unit: &[Option<usize>],
    sources: &[Source],
) -> AreaSummary {
    let members: Vec<usize> = (0..inputs.communities.len())
        .filter(|&c| unit.is_none() || community_unit[c] == unit)
        .collect();
    let population: f64 = members
        .iter()
        .map(|&c| inputs.communities[c].population)
        .sum();
    let unreachable_population = members
        .iter()
        .filter(|&&c| access[c].is_err())
        .map(|&c| inputs.communities[c].population)
        .sum();
    let targets = coverage
        .targets
        .iter()
        .enumerate()
        .map(|(ti, &target)| TargetSummary {
            target,
            facilities: sources
                .iter()
                .enumerate()
                .filter(|(i, s)| {
                    s.counts
                        && !s.access.is_empty()
                        && (unit.is_none() || facility_unit[*i] == unit)
                        && match target {
                            Target::Any => true,
                            Target::Category(c) => c == s.category,
                        }
                })
                .count(),
            population,
            covered_population: members
                .iter()
                .filter(|&&c| coverage.covered(ti, c))
                .map(|&c| inputs.communities[c].population)
                .sum(),
        })
        .collect();
    AreaSummary {
        unit,
        communities: members.len(),
        population,
        unreachable_population,
        targets,
    }
}
