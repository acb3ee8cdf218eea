//! Stage 5 of a study, covered areas: the isochrone polygon of each
//! coverage target (the area within the walking limit of its counted
//! facilities) and, when asked, of each facility. Along the network they
//! are buffered reached streets (`super::isochrone`); without one, discs
//! of the limit / detour.

use geo::MultiPolygon;
use rayon::prelude::*;

use super::coverage::{self, Source, Target};
use super::isochrone;
use super::placement::{Distances, Placement};
use super::search::Scratch;

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
    (0..sources.len())
        .into_par_iter()
        .map_init(
            || graph.map(|g| Scratch::new(g.node_count())),
            |scratch, i| {
                let s = &sources[i];
                if !s.counts {
                    return None;
                }
                match (&placement.distances, scratch) {
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
                }
            },
        )
        .collect()
}
