//! One whole run over loaded inputs: snap everything onto the network,
//! freeze the graph, compute coverage, assign communities to units and
//! summarise. Each stage is timed.

use std::borrow::Cow;
use std::time::Instant;

use geo::{MultiPolygon, Point};
use rayon::prelude::*;

use super::catchment::{self, Catchments};
use super::coverage::{self, Access, Coverage, CoverageSettings, Source, Target};
use super::isochrone;
use super::search::Scratch;
use super::straight;
use super::windows::Window;
use crate::config::Settings;
use crate::graph::snap::{AccessMode, SnapHit, SnapSettings, Snapper, Unreachable, attach};
use crate::graph::{Network, WalkGraph};
use crate::input::Inputs;
use crate::model::Status;
use crate::spatial::{self, LocalProjection, representative_point};
use crate::targets::Targets;
use crate::timing::StageTime;
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

/// How walking distances were measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// Along the street network.
    Network,
    /// No network: straight line x detour factor (approximate).
    StraightLine { detour: f64 },
}

impl Mode {
    /// Short label for outputs.
    pub fn label(&self) -> String {
        match self {
            Mode::Network => "network".to_string(),
            Mode::StraightLine { detour } => format!("straight_line_x{detour}"),
        }
    }

    pub fn is_approximate(&self) -> bool {
        matches!(self, Mode::StraightLine { .. })
    }
}

/// Options beyond the settings.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Also build one isochrone polygon per counted facility.
    pub facility_isochrones: bool,
    /// Skip the per-target isochrone unions (e.g. for `sites`).
    pub skip_unions: bool,
    /// Coverage only: nearest distances and covered population, without
    /// the per-facility searches, catchments (tiers, windows, 2SFCA,
    /// per-capita by unit) or isochrones. For metropolitan networks where
    /// the coverage table is needed fast.
    pub coverage_only: bool,
}

/// Results of a run.
#[derive(Debug)]
pub struct Study {
    pub mode: Mode,
    pub proj: LocalProjection,
    /// The walking graph (network mode only).
    pub graph: Option<WalkGraph>,
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
    /// Whole area first, then one per unit.
    pub areas: Vec<AreaSummary>,
    /// Tiers, windows, 2SFCA, per-capita figures; `None` in a
    /// coverage-only run ([`RunOptions::coverage_only`]).
    pub catchments: Option<Catchments>,
    /// Union of the walking catchments per coverage target (same order as
    /// `coverage.targets`), lon/lat.
    pub isochrones: Vec<MultiPolygon<f64>>,
    /// Per facility (with `RunOptions::facility_isochrones`), else empty.
    pub facility_isochrones: Vec<Option<MultiPolygon<f64>>>,
    pub targets: Targets,
    /// Coverage with planned facilities added (when there are any).
    pub coverage_after: Option<Coverage>,
    /// Which facilities count in the "after" scenario.
    pub facility_counts_after: Vec<bool>,
    pub timings: Vec<StageTime>,
    pub settings: Settings,
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

/// Run the whole analysis: coverage, catchments, isochrones, summaries.
/// With a network, distances are walked along it; without one, they are
/// straight lines x the detour factor and every output says so.
pub fn run(
    inputs: &Inputs,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
    options: &RunOptions,
) -> Result<Study> {
    let network = inputs.network.as_ref().map(Cow::Borrowed);
    run_with_network(inputs, network, settings, targets, window_list, options)
}

/// [`run`] that takes the street network out of `inputs` and frees it as
/// soon as the snap points are inserted (the study keeps its own copy with
/// them): at metropolis scale the street network is hundreds of megabytes
/// that are no longer needed. `inputs.network` is `None` afterwards.
pub fn run_taking_network(
    inputs: &mut Inputs,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
    options: &RunOptions,
) -> Result<Study> {
    let network = inputs.network.take().map(Cow::Owned);
    run_with_network(inputs, network, settings, targets, window_list, options)
}

fn run_with_network(
    inputs: &Inputs,
    network: Option<Cow<'_, Network>>,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
    options: &RunOptions,
) -> Result<Study> {
    let mut timings = Vec::new();
    let t = Instant::now();
    if inputs.communities.is_empty() {
        return Err(Error::Analysis(
            "no residential communities or population cells: give [communities] in the config \
             or --communities FILE"
                .into(),
        ));
    }
    let limit_m = settings.limit_m();
    let cov_settings = CoverageSettings {
        limit_m,
        report_m: limit_m * settings.report_factor,
        pair_m: limit_m.max(targets.max_tier_m()),
    };
    let facility_counts: Vec<bool> = inputs
        .facilities
        .iter()
        .map(|f| f.status == Status::Existing && f.open_to_public != Some(false))
        .collect();
    let fac_points: Vec<Option<[f64; 2]>> = inputs
        .facilities
        .par_iter()
        .map(|f| representative_point(&f.geometry).map(|p| [p.x(), p.y()]))
        .collect();
    let com_points: Vec<Option<[f64; 2]>> = inputs
        .communities
        .par_iter()
        .map(|c| representative_point(&c.geometry).map(|p| [p.x(), p.y()]))
        .collect();

    // The "after" scenario: existing plus planned facilities.
    let counts_after: Vec<bool> = inputs
        .facilities
        .iter()
        .map(|f| f.open_to_public != Some(false))
        .collect();
    let any_planned = inputs
        .facilities
        .iter()
        .any(|f| f.status == Status::Planned);
    let (mode, proj, graph, base_nodes, base_edges, facility_access, community_access, coverage);
    let coverage_after: Option<Coverage>;
    if let Some(base_net) = network {
        let base: &Network = &base_net;
        // The network's box (min and max are exact in any order) gives the
        // projection's centre and the swapped-coordinates check.
        let (lo, hi) = base
            .coords
            .par_iter()
            .fold(
                || ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
                |(lo, hi), c| {
                    (
                        [lo[0].min(c[0]), lo[1].min(c[1])],
                        [hi[0].max(c[0]), hi[1].max(c[1])],
                    )
                },
            )
            .reduce(
                || ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
                |a, b| {
                    (
                        [a.0[0].min(b.0[0]), a.0[1].min(b.0[1])],
                        [a.1[0].max(b.1[0]), a.1[1].max(b.1[1])],
                    )
                },
            );
        let p = LocalProjection::fit(base.coords.first().map(|_| [lo, hi]).into_iter().flatten())
            .ok_or_else(|| Error::Analysis("the street network has no nodes".into()))?;
        let bbox = geo::Rect::new(
            geo::coord! { x: lo[0], y: lo[1] },
            geo::coord! { x: hi[0], y: hi[1] },
        );
        let pts = |v: &[Option<[f64; 2]>]| -> Vec<Point<f64>> {
            v.iter().flatten().map(|p| Point::new(p[0], p[1])).collect()
        };
        let what = match &inputs.community_path {
            Some(p) => format!("{} (communities)", p.display()),
            None => "communities".to_string(),
        };
        check_swapped(&what, &pts(&com_points), bbox)?;
        check_swapped("facilities", &pts(&fac_points), bbox)?;

        let snap_settings = SnapSettings {
            max_snap_m: settings.max_snap_m,
            min_component_nodes: settings.min_component_nodes,
            ..Default::default()
        };
        let snapper = Snapper::new(base, p, snap_settings);
        timings.push(StageTime::since("index", t));

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
        let queries = StageTime::since("  queries", t);
        let t_attach = Instant::now();
        // The segment R-tree is the largest structure of the run: free it
        // before the graph is built.
        drop(snapper);
        crate::timing::release_freed_memory();
        // All hits in one list, each item keeping its range of it (or why
        // it is unreachable); the per-item lists are freed before the
        // network is copied with the snap points inserted.
        let mut all_hits = Vec::new();
        let mut flatten = |hits: Vec<Result<Vec<SnapHit>, Unreachable>>| {
            hits.into_iter()
                .map(|h| {
                    h.map(|h| {
                        let start = all_hits.len();
                        all_hits.extend_from_slice(&h);
                        start..all_hits.len()
                    })
                })
                .collect::<Vec<_>>()
        };
        let fac_ranges = flatten(fac_hits);
        let com_ranges = flatten(com_hits);
        let (net, hit_nodes) = attach(base, &all_hits);
        let (base_node_count, base_edge_count) = (base.node_count(), base.edges.len());
        // An owned street network is freed here (a borrowed one is kept).
        drop(base_net);
        let (net, new_of_old) = net.renumbered_spatially();
        let to_access =
            |r: &Result<std::ops::Range<usize>, Unreachable>| -> Result<Access, Unreachable> {
                match r {
                    Ok(r) => Ok(r
                        .clone()
                        .map(|k| (new_of_old[hit_nodes[k] as usize], all_hits[k].dist_m))
                        .collect()),
                    Err(e) => Err(e.clone()),
                }
            };
        let fa: Vec<_> = fac_ranges.iter().map(to_access).collect();
        let ca: Vec<_> = com_ranges.iter().map(to_access).collect();
        drop((fac_ranges, com_ranges, hit_nodes, all_hits, new_of_old));
        timings.push(StageTime::since("snap", t));
        timings.push(queries);
        timings.push(StageTime::since("  attach", t_attach));

        let t = Instant::now();
        let g = WalkGraph::new(net);
        timings.push(StageTime::since("graph", t));

        let t = Instant::now();
        let sources = make_sources(inputs, &fa, &facility_counts);
        let com_acc: Vec<Access> = ca.iter().map(|a| a.clone().unwrap_or_default()).collect();
        coverage = if options.coverage_only {
            coverage::compute_nearest_only(&g, &sources, &com_acc, cov_settings)
        } else {
            coverage::compute(&g, &sources, &com_acc, cov_settings)
        };
        coverage_after = any_planned.then(|| {
            let after = make_sources(inputs, &fa, &counts_after);
            if options.coverage_only {
                coverage::compute_nearest_only(&g, &after, &com_acc, cov_settings)
            } else {
                coverage::compute_with_pairs(
                    &g,
                    &after,
                    &com_acc,
                    cov_settings,
                    coverage.facility_hits.clone(),
                )
            }
        });
        timings.push(StageTime::since("search", t));
        mode = Mode::Network;
        proj = p;
        base_nodes = base_node_count;
        base_edges = base_edge_count;
        graph = Some(g);
        facility_access = fa;
        community_access = ca;
    } else {
        let p = LocalProjection::fit(com_points.iter().chain(&fac_points).flatten().copied())
            .ok_or_else(|| Error::Analysis("no community or facility has a location".into()))?;
        timings.push(StageTime::since("index", t));
        let t = Instant::now();
        let detour = settings.detour_factor;
        let fa: Vec<Result<Access, Unreachable>> = fac_points
            .iter()
            .map(|p| p.map(|_| Vec::new()).ok_or(Unreachable::NoGeometry))
            .collect();
        let ca: Vec<Result<Access, Unreachable>> = com_points
            .iter()
            .map(|p| p.map(|_| Vec::new()).ok_or(Unreachable::NoGeometry))
            .collect();
        let sources = make_sources(inputs, &fa, &facility_counts);
        let proj_pts = |v: &[Option<[f64; 2]>]| -> Vec<Option<[f64; 2]>> {
            v.iter().map(|x| x.map(|q| p.project(q))).collect()
        };
        let (fp, cp) = (proj_pts(&fac_points), proj_pts(&com_points));
        coverage = straight::compute(&p, &sources, &fp, &cp, detour, cov_settings);
        coverage_after = any_planned.then(|| {
            let after = make_sources(inputs, &fa, &counts_after);
            straight::compute(&p, &after, &fp, &cp, detour, cov_settings)
        });
        timings.push(StageTime::since("search", t));
        mode = Mode::StraightLine { detour };
        proj = p;
        base_nodes = 0;
        base_edges = 0;
        graph = None;
        facility_access = fa;
        community_access = ca;
    }

    let t = Instant::now();
    let polygons: Vec<geo::MultiPolygon<f64>> =
        inputs.units.iter().map(|u| u.geometry.clone()).collect();
    // Which unit each community and facility lies in (none without units:
    // no trees to build).
    let in_units = |points: &[Option<[f64; 2]>]| {
        if polygons.is_empty() {
            return vec![None; points.len()];
        }
        let tree = spatial::point_tree(&proj, points.iter().copied());
        spatial::assign_to_polygons(&proj, &tree, points, &polygons)
    };
    let (community_unit, facility_unit) =
        rayon::join(|| in_units(&com_points), || in_units(&fac_points));
    let sources = make_sources(inputs, &facility_access, &facility_counts);
    // The district and each unit on their own (each sum is taken in
    // community order by one thread, so the figures do not depend on the
    // thread count).
    let units: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..inputs.units.len()).map(Some))
        .collect();
    let areas: Vec<AreaSummary> = units
        .par_iter()
        .map(|&unit| {
            summarise(
                unit,
                inputs,
                &coverage,
                &community_access,
                &community_unit,
                &facility_unit,
                &sources,
            )
        })
        .collect();
    timings.push(StageTime::since("summary", t));

    let t = Instant::now();
    let catchments = (!options.coverage_only).then(|| {
        catchment::evaluate(
            inputs,
            &coverage,
            &facility_counts,
            &community_unit,
            &facility_unit,
            settings,
            targets,
            window_list,
        )
    });
    timings.push(StageTime::since("catchments", t));

    let t = Instant::now();
    let buffer = settings.isochrone_buffer_m;
    // One polygon per distinct facility set (e.g. "any" equals the only
    // category when there is one), then mapped back to the targets.
    let member_sets: Vec<Vec<usize>> = coverage
        .targets
        .iter()
        .map(|&target| {
            (0..sources.len())
                .filter(|&i| {
                    sources[i].counts && coverage::matches_target(target, sources[i].category)
                })
                .collect()
        })
        .collect();
    let mut distinct: Vec<&Vec<usize>> = Vec::new();
    let slot: Vec<usize> = member_sets
        .iter()
        .map(|m| match distinct.iter().position(|d| *d == m) {
            Some(k) => k,
            None => {
                distinct.push(m);
                distinct.len() - 1
            }
        })
        .collect();
    if options.skip_unions || options.coverage_only {
        distinct.clear();
    }
    let polygons_distinct: Vec<MultiPolygon<f64>> = distinct
        .par_iter()
        .map(|members| match (&graph, mode) {
            (Some(g), _) => {
                let seeds: Vec<(u32, f64)> = members
                    .iter()
                    .flat_map(|&i| sources[i].access.iter().copied())
                    .collect();
                let mut scratch = Scratch::new(g.node_count());
                isochrone::facility_isochrone(g, &seeds, limit_m, &proj, buffer, &mut scratch)
            }
            (None, Mode::StraightLine { detour }) => {
                let discs: Vec<Vec<[f64; 2]>> = members
                    .iter()
                    .filter_map(|&i| fac_points[i])
                    .map(|p| vec![p])
                    .collect();
                isochrone::isochrone_polygon(&discs, &proj, limit_m / detour)
            }
            (None, Mode::Network) => MultiPolygon::new(vec![]),
        })
        .collect();
    let isochrones: Vec<MultiPolygon<f64>> = slot
        .iter()
        .map(|&k| {
            polygons_distinct
                .get(k)
                .cloned()
                .unwrap_or_else(|| MultiPolygon::new(vec![]))
        })
        .collect();
    let facility_isochrones: Vec<Option<MultiPolygon<f64>>> = if options.facility_isochrones
        && !options.coverage_only
    {
        (0..sources.len())
            .into_par_iter()
            .map_init(
                || graph.as_ref().map(|g| Scratch::new(g.node_count())),
                |scratch, i| {
                    let s = &sources[i];
                    if !s.counts {
                        return None;
                    }
                    match (&graph, mode, scratch) {
                        (Some(g), _, Some(sc)) if !s.access.is_empty() => Some(
                            isochrone::facility_isochrone(g, &s.access, limit_m, &proj, buffer, sc),
                        ),
                        (None, Mode::StraightLine { detour }, _) => fac_points[i].map(|p| {
                            isochrone::isochrone_polygon(&[vec![p]], &proj, limit_m / detour)
                        }),
                        _ => None,
                    }
                },
            )
            .collect()
    } else {
        Vec::new()
    };
    timings.push(StageTime::since("isochrones", t));

    Ok(Study {
        mode,
        proj,
        graph,
        base_nodes,
        base_edges,
        facility_access,
        community_access,
        facility_counts,
        coverage,
        community_unit,
        facility_unit,
        areas,
        catchments,
        isochrones,
        facility_isochrones,
        targets: targets.clone(),
        coverage_after,
        facility_counts_after: counts_after,
        timings,
        settings: *settings,
    })
}

/// [`run`] with the bundled targets, the default time windows and no
/// per-facility isochrones.
pub fn run_with_defaults(inputs: &Inputs, settings: &Settings) -> Result<Study> {
    run(
        inputs,
        settings,
        &Targets::bundled(),
        &super::windows::default_windows(),
        &RunOptions::default(),
    )
}

fn make_sources(
    inputs: &Inputs,
    access: &[Result<Access, Unreachable>],
    counts: &[bool],
) -> Vec<Source> {
    inputs
        .facilities
        .iter()
        .zip(access)
        .zip(counts)
        .map(|((f, acc), counts)| Source {
            category: f.category,
            counts: *counts && acc.is_ok(),
            access: acc.clone().unwrap_or_default(),
        })
        .collect()
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
        .par_iter()
        .enumerate()
        .map(|(ti, &target)| TargetSummary {
            target,
            facilities: sources
                .iter()
                .enumerate()
                .filter(|(i, s)| {
                    s.counts
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
