//! Stage 1 of a study, placement: fit the local projection, check for
//! swapped coordinates, snap every facility and community onto the street
//! network, insert the snap points, renumber the nodes spatially and freeze
//! the walking graph. Without a network, distances are straight lines x the
//! detour factor and placement only projects the points.
//!
//! The result, [`Placement`], says how each item touches the network (or
//! why it cannot) in input order; the next stage ([`super::scenario`])
//! searches from it.

use std::borrow::Cow;
use std::ops::Range;
use std::time::Instant;

use geo::Point;
use rayon::prelude::*;

use super::coverage::Access;
use crate::config::Settings;
use crate::graph::snap::{AccessMode, SnapHit, SnapSettings, Snapper, Unreachable, attach};
use crate::graph::{Network, WalkGraph};
use crate::input::Inputs;
use crate::spatial::{LocalProjection, representative_point};
use crate::timing::StageTime;
use crate::{Error, Result};

/// How walking distances are measured, with what each way needs.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per study, never moved in a loop
pub enum Distances {
    /// Along the street network.
    Network {
        /// The walking graph, snap points inserted, spatially renumbered.
        graph: WalkGraph,
        /// Nodes of the street network before snap points were inserted.
        base_nodes: usize,
        /// Edges of the street network before snap points were inserted.
        base_edges: usize,
    },
    /// No network: straight line x `detour` (approximate).
    StraightLine {
        /// The detour factor (e.g. 1.3).
        detour: f64,
    },
}

/// Where every item is, and how it meets the network.
#[derive(Debug)]
pub struct Placement {
    /// Local metric projection centred on the study area.
    pub proj: LocalProjection,
    /// The network (or the straight-line rule) distances are measured on.
    pub distances: Distances,
    /// Per facility (input order): its access nodes with the metres from
    /// the facility to each, or why it is unreachable. Empty access lists
    /// in straight-line mode.
    pub facility_access: Vec<Result<Access, Unreachable>>,
    /// Per community, as for facilities.
    pub community_access: Vec<Result<Access, Unreachable>>,
    /// Representative point (lon/lat) of each facility, if it has one.
    pub facility_points: Vec<Option<[f64; 2]>>,
    /// Representative point (lon/lat) of each community, if it has one.
    pub community_points: Vec<Option<[f64; 2]>>,
    /// Per health facility, then per culture station (input order): how
    /// it meets the network, as for facilities (measures 35 and 36).
    pub place_access: Vec<Result<Access, Unreachable>>,
    /// Representative point (lon/lat) of each health facility, then of each
    /// culture station.
    pub place_points: Vec<Option<[f64; 2]>>,
    /// Stage timings (`index`, `snap` and its parts, `graph`).
    pub timings: Vec<StageTime>,
}

impl Placement {
    /// The walking graph, in network mode.
    pub fn graph(&self) -> Option<&WalkGraph> {
        match &self.distances {
            Distances::Network { graph, .. } => Some(graph),
            Distances::StraightLine { .. } => None,
        }
    }
}

/// Representative points (lon/lat) of geometries, in order.
fn points<'a, I>(geometries: I) -> Vec<Option<[f64; 2]>>
where
    I: IndexedParallelIterator<Item = &'a geo::Geometry<f64>>,
{
    geometries
        .map(|g| representative_point(g).map(|p| [p.x(), p.y()]))
        .collect()
}

/// Place the inputs: on `network` when given (borrowed, or owned and then
/// freed as soon as the snap points are inserted), else for straight lines.
/// Errors: no community, an empty network, swapped coordinates, or (no
/// network) nothing with a location.
pub fn place(
    inputs: &Inputs,
    network: Option<Cow<'_, Network>>,
    settings: &Settings,
) -> Result<Placement> {
    let t = Instant::now();
    if inputs.communities.is_empty() {
        return Err(Error::NoCommunities);
    }
    let facility_points = points(inputs.facilities.par_iter().map(|f| &f.geometry));
    let community_points = points(inputs.communities.par_iter().map(|c| &c.geometry));
    let mut placement = match network {
        Some(net) => on_network(inputs, net, settings, facility_points, community_points, t),
        None => straight_line(inputs, settings, facility_points, community_points, t),
    }?;
    placement.place_points = points(place_geometries(inputs).collect::<Vec<_>>().into_par_iter());
    if placement.graph().is_none() {
        placement.place_access = located(&placement.place_points);
    }
    Ok(placement)
}

/// The geometries of the health facilities, then of the culture stations.
fn place_geometries(inputs: &Inputs) -> impl Iterator<Item = &geo::Geometry<f64>> {
    let health = inputs.health.iter().map(|h| &h.geometry);
    health.chain(inputs.culture.iter().map(|c| &c.geometry))
}

/// Straight-line "access": every item with a point is located (no access
/// nodes), the others have no geometry.
fn located(v: &[Option<[f64; 2]>]) -> Vec<Result<Access, Unreachable>> {
    v.iter()
        .map(|p| p.map(|_| Vec::new()).ok_or(Unreachable::NoGeometry))
        .collect()
}

/// Placement without a network: every located item is "attached" with no
/// access nodes; distances are straight lines.
fn straight_line(
    inputs: &Inputs,
    settings: &Settings,
    facility_points: Vec<Option<[f64; 2]>>,
    community_points: Vec<Option<[f64; 2]>>,
    t: Instant,
) -> Result<Placement> {
    let proj = LocalProjection::fit(
        community_points
            .iter()
            .chain(&facility_points)
            .flatten()
            .copied(),
    )
    .ok_or(Error::NoLocations)?;
    debug_assert_eq!(facility_points.len(), inputs.facilities.len());
    Ok(Placement {
        proj,
        distances: Distances::StraightLine {
            detour: settings.detour_factor,
        },
        facility_access: located(&facility_points),
        community_access: located(&community_points),
        facility_points,
        community_points,
        place_access: Vec::new(),
        place_points: Vec::new(),
        timings: vec![StageTime::since("index", t)],
    })
}

/// The network's box: `[min lon, min lat]`, `[max lon, max lat]` (min and
/// max are exact in any order, so the parallel fold is deterministic).
fn network_box(net: &Network) -> ([f64; 2], [f64; 2]) {
    let empty = || ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    net.coords
        .par_iter()
        .fold(empty, |(lo, hi), c| {
            (
                [lo[0].min(c[0]), lo[1].min(c[1])],
                [hi[0].max(c[0]), hi[1].max(c[1])],
            )
        })
        .reduce(empty, |a, b| {
            (
                [a.0[0].min(b.0[0]), a.0[1].min(b.0[1])],
                [a.1[0].max(b.1[0]), a.1[1].max(b.1[1])],
            )
        })
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
        return Err(Error::SwappedCoordinates {
            what: what.to_string(),
            swapped,
            total: n,
        });
    }
    Ok(())
}

/// The projection centred on the network, after checking that neither
/// input has its coordinates swapped against it.
fn fit_to_network(
    inputs: &Inputs,
    base: &Network,
    facility_points: &[Option<[f64; 2]>],
    community_points: &[Option<[f64; 2]>],
) -> Result<LocalProjection> {
    let (lo, hi) = network_box(base);
    let proj = LocalProjection::fit(base.coords.first().map(|_| [lo, hi]).into_iter().flatten())
        .ok_or(Error::EmptyNetwork)?;
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
    check_swapped(&what, &pts(community_points), bbox)?;
    check_swapped("facilities", &pts(facility_points), bbox)?;
    Ok(proj)
}

/// Each item's snap hits as a range of one shared list (or why it is
/// unreachable), so the per-item lists are freed before the network is
/// copied with the snap points inserted.
type HitRanges = Vec<Result<Range<usize>, Unreachable>>;

/// Snap every facility (entrances, else boundary points) and community (by
/// the input's access mode) onto the network; the segment index is freed
/// before returning.
fn snap_all(
    inputs: &Inputs,
    snapper: Snapper,
    all_hits: &mut Vec<SnapHit>,
) -> (HitRanges, HitRanges, HitRanges) {
    let progress = crate::progress::Counter::start(
        "snapping",
        (inputs.facilities.len() + inputs.communities.len()) as u64,
    );
    let fac_hits: Vec<Result<Vec<SnapHit>, Unreachable>> = inputs
        .facilities
        .par_iter()
        .map(|f| {
            let hits = snapper.access_points(&f.geometry, &f.entrances, AccessMode::Boundary);
            progress.add(1);
            hits
        })
        .collect();
    let com_hits: Vec<Result<Vec<SnapHit>, Unreachable>> = inputs
        .communities
        .par_iter()
        .map(|c| {
            let hits = snapper.access_points(&c.geometry, &c.entrances, inputs.community_access);
            progress.add(1);
            hits
        })
        .collect();
    let place_hits: Vec<Result<Vec<SnapHit>, Unreachable>> = place_geometries(inputs)
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|g| snapper.access_points(g, &[], AccessMode::Boundary))
        .collect();
    progress.finish();
    // The segment R-tree is the largest structure of the run: free it
    // before the graph is built.
    drop(snapper);
    crate::timing::release_freed_memory();
    let mut flatten = |hits: Vec<Result<Vec<SnapHit>, Unreachable>>| -> HitRanges {
        hits.into_iter()
            .map(|h| {
                h.map(|h| {
                    let start = all_hits.len();
                    all_hits.extend_from_slice(&h);
                    start..all_hits.len()
                })
            })
            .collect()
    };
    let fac = flatten(fac_hits);
    let com = flatten(com_hits);
    let places = flatten(place_hits);
    (fac, com, places)
}

/// Placement on the street network (see [`place`]).
fn on_network(
    inputs: &Inputs,
    base_net: Cow<'_, Network>,
    settings: &Settings,
    facility_points: Vec<Option<[f64; 2]>>,
    community_points: Vec<Option<[f64; 2]>>,
    t: Instant,
) -> Result<Placement> {
    let mut timings = Vec::new();
    let base: &Network = &base_net;
    let proj = fit_to_network(inputs, base, &facility_points, &community_points)?;
    let snap_settings = SnapSettings {
        max_snap_m: settings.max_snap_m,
        min_component_nodes: settings.min_component_nodes,
        ..Default::default()
    };
    let snapper = Snapper::new(base, proj, snap_settings);
    timings.push(StageTime::since("index", t));

    let t = Instant::now();
    let mut all_hits = Vec::new();
    let (fac_ranges, com_ranges, place_ranges) = snap_all(inputs, snapper, &mut all_hits);
    let queries = StageTime::since("  queries", t);
    let t_attach = Instant::now();
    let (net, hit_nodes) = attach(base, &all_hits);
    let (base_nodes, base_edges) = (base.node_count(), base.edges.len());
    // An owned street network is freed here (a borrowed one is kept).
    drop(base_net);
    let (net, new_of_old) = net.renumbered_spatially();
    let to_access = |r: &Result<Range<usize>, Unreachable>| -> Result<Access, Unreachable> {
        match r {
            Ok(r) => Ok(r
                .clone()
                .map(|k| (new_of_old[hit_nodes[k] as usize], all_hits[k].dist_m))
                .collect()),
            Err(e) => Err(e.clone()),
        }
    };
    let facility_access: Vec<_> = fac_ranges.iter().map(to_access).collect();
    let community_access: Vec<_> = com_ranges.iter().map(to_access).collect();
    let place_access: Vec<_> = place_ranges.iter().map(to_access).collect();
    drop((
        fac_ranges,
        com_ranges,
        place_ranges,
        hit_nodes,
        all_hits,
        new_of_old,
    ));
    timings.push(StageTime::since("snap", t));
    timings.push(queries);
    timings.push(StageTime::since("  attach", t_attach));

    let t = Instant::now();
    let graph = WalkGraph::new(net);
    timings.push(StageTime::since("graph", t));
    Ok(Placement {
        proj,
        distances: Distances::Network {
            graph,
            base_nodes,
            base_edges,
        },
        facility_access,
        community_access,
        facility_points,
        community_points,
        place_access,
        place_points: Vec::new(),
        timings,
    })
}
