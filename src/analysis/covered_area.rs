//! Stage 5 of a study, covered areas: the isochrone polygon of each
//! coverage target (the area within the walking limit of its counted
//! facilities) and, when asked, of each facility. Along the network they
//! are buffered reached streets (`super::isochrone`); without one, discs
//! of the limit / detour.

use std::sync::Arc;

use geo::MultiPolygon;
use rayon::prelude::*;

use super::coverage::{self, Source, Target};
use super::placement::{Distances, Placement};
use super::search::{NodeDistances, Scratch, every_node_swept};
use super::surface::{self, Surface, SurfaceSettings, Walks};
use super::{bands, isochrone};
use crate::graph::WalkGraph;
use crate::graph::contract::Contracted;
use crate::graph::csr::Direction;
use crate::spatial::LocalProjection;

/// The walking limit and the off-street buffer of the polygons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outline {
    /// Walking limit, metres.
    pub limit_m: f64,
    /// Off-street radius around reached streets, metres.
    pub buffer_m: f64,
}

/// One polygon per coverage target (in the order of `targets`), lon/lat.
/// Targets with the same counted facilities (e.g. "any" and the only
/// category) share one computed polygon.
pub fn per_target(
    placement: &Placement,
    targets: &[Target],
    sources: &[Source],
    outline: Outline,
) -> Vec<MultiPolygon<f64>> {
    let member_sets: Vec<Vec<usize>> = targets
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
    let polygons: Vec<MultiPolygon<f64>> = distinct
        .par_iter()
        .map(|members| union_of(placement, sources, members, outline))
        .collect();
    slot.iter().map(|&k| polygons[k].clone()).collect()
}

/// No polygons: one empty polygon per target.
pub fn none(targets: &[Target]) -> Vec<MultiPolygon<f64>> {
    vec![MultiPolygon::new(vec![]); targets.len()]
}

/// The area within the limit of any of `members`.
fn union_of(
    placement: &Placement,
    sources: &[Source],
    members: &[usize],
    outline: Outline,
) -> MultiPolygon<f64> {
    let proj = &placement.proj;
    match &placement.distances {
        Distances::Network { graph, .. } => {
            let seeds: Vec<(u32, f64)> = members
                .iter()
                .flat_map(|&i| sources[i].access.iter().copied())
                .collect();
            let mut scratch = Scratch::new(graph.node_count());
            isochrone::facility_isochrone(
                graph,
                &seeds,
                outline.limit_m,
                proj,
                outline.buffer_m,
                &mut scratch,
            )
        }
        Distances::StraightLine { detour } => {
            let discs: Vec<Vec<[f64; 2]>> = members
                .iter()
                .filter_map(|&i| placement.facility_points[i])
                .map(|p| vec![p])
                .collect();
            isochrone::isochrone_polygon(&discs, proj, outline.limit_m / detour)
        }
    }
}

/// One polygon per facility (input order): `None` for a facility that does
/// not count or (on the network) is unreachable.
pub fn per_facility(
    placement: &Placement,
    sources: &[Source],
    outline: Outline,
) -> Vec<Option<MultiPolygon<f64>>> {
    let proj = &placement.proj;
    let graph = placement.graph();
    let progress = crate::progress::Counter::start("isochrones", sources.len() as u64);
    let polygons = (0..sources.len())
        .into_par_iter()
        .map_init(
            || graph.map(|g| Scratch::new(g.node_count())),
            |scratch, i| {
                let s = &sources[i];
                if !s.counts {
                    progress.add(1);
                    return None;
                }
                let polygon = match (&placement.distances, scratch) {
                    (Distances::Network { graph, .. }, Some(sc)) if !s.access.is_empty() => {
                        Some(isochrone::facility_isochrone(
                            graph,
                            &s.access,
                            outline.limit_m,
                            proj,
                            outline.buffer_m,
                            sc,
                        ))
                    }
                    (Distances::StraightLine { detour }, _) => {
                        placement.facility_points[i].map(|p| {
                            isochrone::isochrone_polygon(&[vec![p]], proj, outline.limit_m / detour)
                        })
                    }
                    _ => None,
                };
                progress.add(1);
                polygon
            },
        )
        .collect();
    progress.finish();
    polygons
}

/// How the walking bands are drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Banding {
    /// The walking limit and off-street radius.
    pub outline: Outline,
    /// Bands, minutes, ascending.
    pub minutes: Vec<f64>,
    /// Side of a surface cell, metres.
    pub cell_m: f64,
    /// Walking speed, metres per minute.
    pub metres_per_minute: f64,
    /// Keep the surfaces (for `travel_time_<target>.tif`).
    pub keep_surfaces: bool,
    /// Keep the walking minutes of every node (for `network.geojson`).
    pub keep_node_minutes: bool,
}

/// Walking bands per target, from travel-time surfaces.
#[derive(Debug, Clone, Default)]
pub struct Banded {
    /// Per target: the area within the walking limit; empty polygons
    /// when the limit is one of the bands ([`Banded::limit_band`]).
    pub limit: Vec<MultiPolygon<f64>>,
    /// The band (index in [`Banded::bands`]) that is the limit, if any:
    /// its polygons are not held twice.
    pub limit_band: Option<usize>,
    /// Per target, per band of [`Banding::minutes`]: the area within it.
    pub bands: Vec<Vec<MultiPolygon<f64>>>,
    /// Per target: its surface, when kept and on a network (targets with
    /// the same facilities share one).
    pub surfaces: Vec<Option<Arc<Surface>>>,
    /// Per target: walking minutes from each network node to its nearest
    /// facility (`NaN` beyond the largest band), when kept and on a
    /// network (targets with the same facilities share one).
    pub node_minutes: Vec<Option<Arc<[f32]>>>,
}

impl Banded {
    /// No bands drawn: an empty outline per target and nothing kept.
    pub fn empty(targets: &[Target]) -> Banded {
        Banded {
            limit: none(targets),
            limit_band: None,
            bands: vec![Vec::new(); targets.len()],
            surfaces: vec![None; targets.len()],
            node_minutes: vec![None; targets.len()],
        }
    }
}

/// Bands, minutes: `given` when not empty, else the tiers' minutes up to
/// `limit_minutes`, and `limit_minutes`.
pub fn band_minutes(
    given: &[f64],
    tiers: impl Iterator<Item = f64>,
    limit_minutes: f64,
) -> Vec<f64> {
    let mut v: Vec<f64> = if given.is_empty() {
        tiers
            .filter(|m| *m > 0.0 && *m < limit_minutes)
            .chain([limit_minutes])
            .collect()
    } else {
        given.to_vec()
    };
    v.sort_by(f64::total_cmp);
    v.dedup();
    v
}

/// For each target, the counted facilities it draws from; targets with the
/// same set share a slot: (distinct sets, slot of each target).
fn member_slots(targets: &[Target], sources: &[Source]) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut distinct: Vec<Vec<usize>> = Vec::new();
    let slot = targets
        .iter()
        .map(|&target| {
            let m: Vec<usize> = (0..sources.len())
                .filter(|&i| {
                    sources[i].counts && coverage::matches_target(target, sources[i].category)
                })
                .collect();
            match distinct.iter().position(|d| *d == m) {
                Some(k) => k,
                None => {
                    distinct.push(m);
                    distinct.len() - 1
                }
            }
        })
        .collect();
    (distinct, slot)
}

/// One set of facilities traced: a polygon per threshold, and the surface
/// and the nodes' minutes when kept.
#[derive(Clone)]
struct Traced {
    polys: Vec<MultiPolygon<f64>>,
    surface: Option<Arc<Surface>>,
    node_minutes: Option<Arc<[f32]>>,
}

/// Minutes from every node, `NaN` when not reached within `reach_m`.
fn node_minutes(d: &NodeDistances, reach_m: f64, mpm: f64) -> Arc<[f32]> {
    (0..d.len() as u32)
        .map(|v| match d.get(v) {
            Some(d) if d <= reach_m => (d / mpm) as f32,
            _ => f32::NAN,
        })
        .collect()
}

/// The walking bands of each target (in the order of `targets`): on the
/// network from a travel-time surface ([`surface`], [`bands`]) per distinct
/// set of facilities, a batch of sets filled together and in memory at a
/// time unless they are kept; without a network, discs of each band's
/// distance / detour.
pub fn bands_per_target(
    placement: &Placement,
    targets: &[Target],
    sources: &[Source],
    b: &Banding,
) -> Banded {
    let (distinct, slot) = member_slots(targets, sources);
    let mpm = b.metres_per_minute;
    let limit_min = b.outline.limit_m / mpm;
    // Thresholds traced: the bands, then the limit unless it is a band.
    let mut thresholds = b.minutes.clone();
    let limit_at = match thresholds.iter().position(|m| (m - limit_min).abs() < 1e-9) {
        Some(k) => k,
        None => {
            thresholds.push(limit_min);
            thresholds.len() - 1
        }
    };
    let reach_min = thresholds.iter().copied().fold(0.0, f64::max);
    let progress = crate::progress::Counter::start("bands", distinct.len() as u64);
    let per_set: Vec<Traced> = match &placement.distances {
        Distances::Network { graph, .. } => {
            let walk = Walk {
                graph,
                proj: &placement.proj,
                sources,
                b,
                reach_m: reach_min * mpm,
            };
            trace_on_network(&walk, &thresholds, &distinct, &progress)
        }
        Distances::StraightLine { detour } => distinct
            .par_iter()
            .map(|members| {
                let traced = trace_discs(placement, members, *detour, mpm, &thresholds);
                progress.add(1);
                traced
            })
            .collect(),
    };
    progress.finish();
    assemble(per_set, &slot, b.minutes.len(), limit_at)
}

/// Most bytes of surfaces filled together ([`surface::fill_many`]): the
/// more sets of facilities share a fill, the less each costs, but all
/// their surfaces are in memory at once. 768 MB: a 2M-node city fills
/// its 15 sets in two batches (isochrones 25 -> 20 s) and peaks 0.1 GB
/// higher, at 3.9 GB, now that the sets' searches and the pairs take less.
const SURFACES_BYTES: f64 = 768.0 * 1024.0 * 1024.0;

/// How many sets of facilities to fill together: as many as fit
/// [`SURFACES_BYTES`] if each reached the whole network's extent (at
/// least one). Depends on the network only, never on the threads.
fn sets_per_fill(graph: &WalkGraph, proj: &LocalProjection, s: &SurfaceSettings) -> usize {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for c in &graph.net.coords {
        let p = proj.project(*c);
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let side = |k: usize| ((hi[k] - lo[k]).max(0.0) + 2.0 * s.radius_m) / s.cell_m + 3.0;
    let bytes = side(0) * side(1) * 4.0;
    (SURFACES_BYTES / bytes).floor().max(1.0) as usize
}

/// What the network's bands are drawn from.
struct Walk<'a> {
    graph: &'a WalkGraph,
    proj: &'a LocalProjection,
    sources: &'a [Source],
    b: &'a Banding,
    /// The largest band, metres.
    reach_m: f64,
}

/// The bands of each set of facilities (`distinct`, indices of
/// `sources`) on the network at each of `thresholds` minutes: the sets
/// searched, filled and traced a batch at a time ([`sets_per_fill`]), the
/// batch's surfaces filled together.
fn trace_on_network(
    w: &Walk<'_>,
    thresholds: &[f64],
    distinct: &[Vec<usize>],
    progress: &crate::progress::Counter,
) -> Vec<Traced> {
    let (graph, b) = (w.graph, w.b);
    let mpm = b.metres_per_minute;
    let settings = SurfaceSettings {
        limit_m: w.reach_m,
        radius_m: b.outline.buffer_m,
        cell_m: b.cell_m,
        metres_per_minute: mpm,
    };
    let per_fill = sets_per_fill(graph, w.proj, &settings);
    // Each set's walks: a sweep over the contracted core (a set's search
    // reaches much of the city), read out for every node.
    let core = Contracted::new(graph, Direction::Inbound);
    let mut scratches: Vec<Scratch> = Vec::new();
    let mut out = Vec::with_capacity(distinct.len());
    for batch in distinct.chunks(per_fill) {
        scratches.resize_with(batch.len().max(scratches.len()), || {
            Scratch::new(core.core_count())
        });
        let dists: Vec<NodeDistances> = scratches[..batch.len()]
            .par_iter_mut()
            .zip(batch)
            .map(|(sc, members)| {
                let seeds = members
                    .iter()
                    .flat_map(|&i| w.sources[i].access.iter().copied());
                every_node_swept(&core, seeds, w.reach_m, sc)
            })
            .collect();
        let reads: Vec<_> = dists.iter().map(|d| move |v| d.get(v)).collect();
        let walks: Vec<Walks<'_>> = reads.iter().map(|d| d as Walks<'_>).collect();
        let surfaces = surface::fill_many(graph, w.proj, &walks, &settings);
        let traced: Vec<Traced> = surfaces
            .into_par_iter()
            .zip(&dists)
            .map(|(surface, d)| {
                let node_minutes = b.keep_node_minutes.then(|| node_minutes(d, w.reach_m, mpm));
                let polys = match &surface {
                    Some(s) => bands::trace(s, thresholds),
                    None => vec![MultiPolygon::new(vec![]); thresholds.len()],
                };
                Traced {
                    polys,
                    surface: surface.filter(|_| b.keep_surfaces).map(Arc::new),
                    node_minutes,
                }
            })
            .collect();
        progress.add(batch.len() as u64);
        out.extend(traced);
    }
    out
}

/// The bands of one set of facilities without a network: discs of each
/// threshold's distance / `detour` around its facilities.
fn trace_discs(
    placement: &Placement,
    members: &[usize],
    detour: f64,
    mpm: f64,
    thresholds: &[f64],
) -> Traced {
    let discs: Vec<Vec<[f64; 2]>> = members
        .iter()
        .filter_map(|&i| placement.facility_points[i])
        .map(|p| vec![p])
        .collect();
    let polys = thresholds
        .par_iter()
        .map(|m| isochrone::isochrone_polygon(&discs, &placement.proj, m * mpm / detour))
        .collect();
    Traced {
        polys,
        surface: None,
        node_minutes: None,
    }
}

/// The targets' bands from the traced sets (`slot`: each target's set):
/// each set's polygons moved to the last target using it, cloned only for
/// the others (targets with the same facilities), so a metropolis's bands
/// are not held twice. The limit is taken out of the thresholds after the
/// `n` bands, or copied from a band equal to it (`limit_at < n`).
fn assemble(per_set: Vec<Traced>, slot: &[usize], n: usize, limit_at: usize) -> Banded {
    let mut uses = vec![0usize; per_set.len()];
    for &k in slot {
        uses[k] += 1;
    }
    let mut per_set: Vec<Option<Traced>> = per_set.into_iter().map(Some).collect();
    let mut out = Banded::default();
    for &k in slot {
        uses[k] -= 1;
        let t = if uses[k] == 0 {
            per_set[k].take()
        } else {
            per_set[k].clone()
        };
        let Traced {
            mut polys,
            surface,
            node_minutes,
        } = t.expect("a set is moved out at its last use only");
        let limit = if limit_at < n {
            out.limit_band = Some(limit_at);
            MultiPolygon::new(vec![])
        } else {
            polys.swap_remove(limit_at)
        };
        polys.truncate(n);
        out.limit.push(limit);
        out.bands.push(polys);
        out.surfaces.push(surface);
        out.node_minutes.push(node_minutes);
    }
    out
}
