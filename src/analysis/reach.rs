//! Walking distances between any two sets of placed items (facilities,
//! communities, health facilities, culture stations), for the plan's
//! measures ([`super::measures`]): the same searches as the coverage
//! ([`super::coverage`]), along the network placed in stage 1, or straight
//! lines x the detour factor without one.
//!
//! [`nearest`] is one bounded multi-source search from all the sources
//! (whatever their number); [`pairs`] one bounded search per source.
//! Distances are walked from the target to the source (inbound arcs), as
//! the coverage walks from home to the facility.

use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::coverage::{self, Access, CoverageSettings, Pairs, Source};
use super::placement::{Distances, Placement};
use super::search::{Scratch, bounded_multi_source};
use crate::graph::csr::Direction;
use crate::graph::snap::Unreachable;
use crate::model::Category;

/// One item as the searches see it: where it meets the network (network
/// mode) or its projected point (straight lines); `None` when it cannot be
/// reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Spot<'a> {
    /// Access nodes with the off-network metres to each.
    Network(&'a Access),
    /// Projected point, metres.
    Point([f64; 2]),
}

/// The spots of items placed in `placement`: `access` and `points` (lon/lat)
/// in item order; `None` for an unreachable item (or one without a point).
pub(crate) fn spots<'a>(
    placement: &Placement,
    access: &'a [Result<Access, Unreachable>],
    points: &[Option<[f64; 2]>],
) -> Vec<Option<Spot<'a>>> {
    match placement.distances {
        Distances::Network { .. } => access
            .iter()
            .map(|a| match a {
                Ok(acc) if !acc.is_empty() => Some(Spot::Network(acc)),
                _ => None,
            })
            .collect(),
        Distances::StraightLine { .. } => points
            .iter()
            .map(|p| p.map(|q| Spot::Point(placement.proj.project(q))))
            .collect(),
    }
}

/// Per target: the walking metres to the nearest source, `None` beyond
/// `max_m` or when either cannot be reached.
pub(crate) fn nearest(
    placement: &Placement,
    sources: &[Option<Spot>],
    targets: &[Option<Spot>],
    max_m: f64,
) -> Vec<Option<f64>> {
    match &placement.distances {
        Distances::Network { graph, .. } => {
            let mut scratch = Scratch::new(graph.node_count());
            let seeds = sources.iter().flatten().flat_map(|s| match s {
                Spot::Network(acc) => acc.as_slice(),
                Spot::Point(_) => &[],
            });
            bounded_multi_source(
                graph,
                Direction::Inbound,
                seeds.copied(),
                max_m,
                &mut scratch,
            );
            targets
                .iter()
                .map(|t| match t {
                    Some(Spot::Network(acc)) => acc
                        .iter()
                        .filter_map(|&(v, extra)| scratch.dist(v).map(|d| d + extra))
                        .min_by(f64::total_cmp)
                        .filter(|d| *d <= max_m),
                    _ => None,
                })
                .collect()
        }
        Distances::StraightLine { detour } => {
            let tree = point_tree(sources);
            targets
                .par_iter()
                .map(|t| {
                    let Some(Spot::Point(p)) = t else {
                        return None;
                    };
                    let q = tree.nearest_neighbor(p)?.geom();
                    let d = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt() * detour;
                    (d <= max_m).then_some(d)
                })
                .collect()
        }
    }
}

/// Per source (in order): (target, walking metres) for every target within
/// `max_m`, sorted by target; empty for a source that cannot be reached.
pub(crate) fn pairs(
    placement: &Placement,
    sources: &[Option<Spot>],
    targets: &[Option<Spot>],
    max_m: f64,
) -> Pairs {
    match &placement.distances {
        Distances::Network { graph, .. } => {
            let access = |s: &Option<Spot>| match s {
                Some(Spot::Network(acc)) => (*acc).clone(),
                _ => Vec::new(),
            };
            let sources: Vec<Source> = sources
                .iter()
                .map(|s| Source {
                    category: Category::Park,
                    counts: true,
                    access: access(s),
                })
                .collect();
            let targets: Vec<Access> = targets.iter().map(access).collect();
            let settings = CoverageSettings {
                limit_m: max_m,
                report_m: max_m,
                pair_m: max_m,
            };
            coverage::facility_pairs(graph, &sources, &targets, settings)
        }
        Distances::StraightLine { detour } => {
            let tree = point_tree(targets);
            let radius = max_m / detour;
            let lists: Vec<Vec<(u32, f64)>> = sources
                .par_iter()
                .map(|s| {
                    let Some(Spot::Point(p)) = s else {
                        return Vec::new();
                    };
                    let mut hits: Vec<(u32, f64)> = tree
                        .locate_within_distance(*p, radius * radius)
                        .map(|it| {
                            let q = it.geom();
                            let d = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt();
                            (it.data, d * detour)
                        })
                        .filter(|h| h.1 <= max_m)
                        .collect();
                    hits.sort_by_key(|h| h.0);
                    hits
                })
                .collect();
            Pairs::from_lists(lists)
        }
    }
}

/// An R-tree of the projected points among `spots`, each with its index.
fn point_tree(spots: &[Option<Spot>]) -> RTree<GeomWithData<[f64; 2], u32>> {
    RTree::bulk_load(
        spots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match s {
                Some(Spot::Point(p)) => Some(GeomWithData::new(*p, i as u32)),
                _ => None,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::WalkGraph;
    use crate::spatial::LocalProjection;
    use crate::timing::StageTime;

    /// A placement on a path graph 0 - 1 - 2 - 3 with 100 m edges along
    /// the x axis (no items: the tests give the spots by hand).
    fn path_placement() -> Placement {
        let proj = LocalProjection::new(0.0, 0.0);
        let xy = [[0.0, 0.0], [100.0, 0.0], [200.0, 0.0], [300.0, 0.0]];
        let net = crate::testing::network_from_xy(
            &proj,
            &xy,
            &[(0, 1, true, true), (1, 2, true, true), (2, 3, true, true)],
        );
        Placement {
            proj,
            distances: Distances::Network {
                graph: WalkGraph::new(net),
                base_nodes: 4,
                base_edges: 3,
            },
            facility_access: Vec::new(),
            community_access: Vec::new(),
            facility_points: Vec::new(),
            community_points: Vec::new(),
            place_access: Vec::new(),
            place_points: Vec::new(),
            timings: Vec::<StageTime>::new(),
        }
    }

    #[test]
    fn nearest_and_pairs_along_the_network() {
        let p = path_placement();
        // Node lengths are geodesic: about 100 m each at the equator.
        let edge = p.graph().unwrap().net.edges[0].length_m;
        assert!((edge - 100.0).abs() < 0.5, "{edge}");
        let a0: Access = vec![(0, 5.0)];
        let a3: Access = vec![(3, 0.0)];
        let a2: Access = vec![(2, 10.0), (1, 1.0)];
        let sources = [Some(Spot::Network(&a0)), None];
        let targets = [Some(Spot::Network(&a3)), Some(Spot::Network(&a2)), None];
        let got = nearest(&p, &sources, &targets, 250.0);
        // Target 0 is 3 edges + 5 m away (beyond 250 m); target 1 reaches
        // node 1 (1 edge) with 1 m of its own walk, + 5 m of the source's.
        assert_eq!(got[0], None);
        assert!((got[1].unwrap() - (edge + 6.0)).abs() < 0.01, "{got:?}");
        assert_eq!(got[2], None);
        let got = nearest(&p, &sources, &targets, 1000.0);
        assert!(
            (got[0].unwrap() - (3.0 * edge + 5.0)).abs() < 0.01,
            "{got:?}"
        );
        let pr = pairs(&p, &sources, &targets, 250.0).to_lists();
        assert_eq!(pr.len(), 2);
        assert_eq!(pr[0].len(), 1);
        assert_eq!(pr[0][0].0, 1);
        assert!((pr[0][0].1 - (edge + 6.0)).abs() < 0.01);
        assert!(pr[1].is_empty());
    }

    #[test]
    fn straight_lines_times_the_detour() {
        let mut p = path_placement();
        p.distances = Distances::StraightLine { detour: 1.3 };
        let sources = [
            Some(Spot::Point([0.0, 0.0])),
            Some(Spot::Point([1000.0, 0.0])),
        ];
        let targets = [
            Some(Spot::Point([300.0, 400.0])),
            Some(Spot::Point([900.0, 0.0])),
            None,
        ];
        let got = nearest(&p, &sources, &targets, 700.0);
        assert_eq!(got, vec![Some(650.0), Some(130.0), None]);
        let pr = pairs(&p, &sources, &targets, 700.0).to_lists();
        assert_eq!(pr, vec![vec![(0, 650.0)], vec![(1, 130.0)]]);
    }
}
