//! `fitcircle sites`: where would k new facilities of a category newly cover
//! the most residents who are not yet within the walk of one?
//!
//! Demand: every community not covered by an existing facility of the
//! category (communities off the network cannot be covered by a site on it).
//! Candidates: points from a file (reusable plots: old factories,
//! warehouses), snapped to the nearest network node; or network nodes thinned
//! to a spacing. Cover sets are built from the demand side: one bounded
//! search per uncovered community (walking outwards from home), so the cost
//! grows with the uncovered residents, not with the candidates. Without a
//! network, straight-line distance x the detour factor is used and candidates
//! are a grid over the communities. The choice is lazy greedy maximal
//! covering ([`super::sites::lazy_greedy`]): within 1 - 1/e (63 %) of the best
//! possible k sites, usually much closer.

use geo::MultiPolygon;
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::coverage::{Target, matches_target};
use super::isochrone;
use super::placement::Distances;
use super::search::{Scratch, bounded_multi_source, par_map_chunked};
use super::sites::{Pick, lazy_greedy, spaced_candidates};
use super::study::Study;
use crate::graph::csr::{Direction, WalkGraph};
use crate::input::Inputs;
use crate::model::Category;
use crate::spatial::{LocalProjection, representative_point};
use crate::{Error, Result};

/// Candidate ids and names, lon/lat and network node with snap distance.
type CandidateList = (
    Vec<(String, String)>,
    Vec<[f64; 2]>,
    Vec<Option<(u32, f64)>>,
);

/// The candidate sites: ids with names, lon/lat, network node with snap
/// distance (network mode), and each one's cover set (community indices).
struct Candidates {
    ids: Vec<(String, String)>,
    lonlat: Vec<[f64; 2]>,
    nodes: Vec<Option<(u32, f64)>>,
    sets: Vec<Vec<u32>>,
}

/// What to plan.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// Facility category to plan sites for; existing facilities of it count as
    /// cover.
    pub category: Category,
    /// Number of sites to suggest (at most).
    pub count: usize,
    /// Walking distance a site must be within (metres).
    pub walk_m: f64,
    /// Spacing of generated candidates (metres).
    pub spacing_m: f64,
    /// Candidate sites from a file.
    pub candidates: Option<Vec<Candidate>>,
    /// Maximum snap distance for file candidates (metres).
    pub max_snap_m: f64,
    /// Count planned (and under construction) facilities of the category as
    /// built: their residents are not demand (`sites --planned-as-built`).
    pub planned_as_built: bool,
}

/// A candidate site read from a file (a reusable plot).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Its id: the file's `id` column, else `candidate:<row>`.
    pub id: String,
    /// Its name (the file's `name` column); empty when none.
    pub name: String,
    /// WGS-84 longitude and latitude (degrees).
    pub lonlat: [f64; 2],
}

/// One suggested site.
#[derive(Debug, Clone)]
pub struct Site {
    /// Candidate id: from the candidates file, or made up for a generated
    /// candidate.
    pub id: String,
    /// Name of the candidate plot from the candidates file; empty for a
    /// generated candidate.
    pub name: String,
    /// Name of the administrative unit the site lies in; empty when outside
    /// every unit or when there are none.
    pub unit: String,
    /// Position of the site, WGS-84 longitude and latitude (degrees).
    pub lonlat: [f64; 2],
    /// Its place in the greedy order and the residents it adds.
    pub pick: Pick,
    /// Area within the walk of the site (lon/lat).
    pub isochrone: MultiPolygon<f64>,
    /// Ids of the communities it newly covers.
    pub newly_covered: Vec<String>,
    /// Names of the communities it newly covers (same order as
    /// [`newly_covered`](Self::newly_covered)).
    pub newly_covered_names: Vec<String>,
}

/// The plan.
#[derive(Debug, Clone)]
pub struct SitePlan {
    /// Facility category planned for.
    pub category: Category,
    /// Walking distance a site must be within, metres.
    pub walk_m: f64,
    /// Residents of all communities (people).
    pub total_population: f64,
    /// Residents already within the walk of an existing facility of the
    /// category (people).
    pub covered_before: f64,
    /// Whether planned facilities counted as built in `covered_before`.
    pub planned_as_built: bool,
    /// Residents with no facility of the category within the walk who are
    /// not on the walking network (people): no site on it can cover them.
    pub unreachable_population: f64,
    /// Number of candidate sites considered.
    pub candidates: usize,
    /// The suggested sites, in the greedy order.
    pub sites: Vec<Site>,
}

/// Plan `count` sites for `category`.
pub fn plan(inputs: &Inputs, study: &Study, opts: &SiteOptions) -> Result<SitePlan> {
    let nc = inputs.communities.len();
    let population: Vec<f64> = inputs.communities.iter().map(|c| c.population).collect();
    let cov = &study.scenarios.now;
    let walk = opts.walk_m;
    if walk > cov.settings.pair_m.max(cov.settings.limit_m) + 1e-9 {
        return Err(Error::WalkBeyondSearch {
            walk_m: walk,
            searched_m: cov.settings.pair_m,
        });
    }
    let counts = if opts.planned_as_built {
        &study.scenarios.counts_after
    } else {
        &study.scenarios.counts_now
    };
    let covered = covered_by_existing(inputs, study, counts, opts.category, walk);
    let covered_before: f64 = (0..nc)
        .filter(|&c| covered[c])
        .map(|c| population[c])
        .sum::<f64>()
        + 0.0;
    let candidates = match &study.placement.distances {
        Distances::Network { graph, .. } => {
            network_candidates(graph, study, opts, &covered, &population)
        }
        Distances::StraightLine { detour } => {
            straight_candidates(inputs, study, opts, &covered, &population, *detour)
        }
    };
    let picks = lazy_greedy(&population, &covered, &candidates.sets, opts.count);
    let mut now_covered = covered.clone();
    let sites = picks
        .into_iter()
        .map(|pick| site(inputs, study, &candidates, pick, walk, &mut now_covered))
        .collect();
    Ok(SitePlan {
        category: opts.category,
        walk_m: walk,
        total_population: population.iter().sum::<f64>() + 0.0,
        covered_before,
        planned_as_built: opts.planned_as_built,
        unreachable_population: (0..nc)
            .filter(|&c| !covered[c] && study.placement.community_access[c].is_err())
            .map(|c| population[c])
            .sum::<f64>()
            + 0.0,
        candidates: candidates.ids.len(),
        sites,
    })
}

/// Per community: covered by a facility of `category` that `counts`
/// within `walk` metres.
fn covered_by_existing(
    inputs: &Inputs,
    study: &Study,
    counts: &[bool],
    category: Category,
    walk: f64,
) -> Vec<bool> {
    let mut covered = vec![false; inputs.communities.len()];
    for (f, hits) in study.scenarios.now.facility_hits.iter().enumerate() {
        if !counts[f] || !matches_target(Target::Category(category), inputs.facilities[f].category)
        {
            continue;
        }
        for (c, d) in hits {
            if d <= walk {
                covered[c as usize] = true;
            }
        }
    }
    covered
}

/// Network candidates (from the file, snapped to a node of the main
/// network, or network nodes thinned to the spacing) and their cover sets,
/// from demand-side searches.
fn network_candidates(
    g: &WalkGraph,
    study: &Study,
    opts: &SiteOptions,
    covered: &[bool],
    population: &[f64],
) -> Candidates {
    let walk = opts.walk_m;
    let by_node = demand_by_node(g, study, covered, population, walk);
    let big =
        |v: usize| g.component_sizes[g.component[v] as usize] >= study.settings.min_component_nodes;
    let (ids, lonlat, nodes): CandidateList = match &opts.candidates {
        Some(list) => file_candidates(g, study.placement.proj, list, opts.max_snap_m, big),
        None => node_candidates(g, study.placement.proj, &by_node, opts.spacing_m, big),
    };
    let sets: Vec<Vec<u32>> = nodes
        .iter()
        .map(|nd| {
            let (v, extra) = nd.expect("network candidates have nodes");
            let mut set: Vec<u32> = by_node[v as usize]
                .iter()
                .filter(|(_, d)| d + extra <= walk)
                .map(|(c, _)| *c)
                .collect();
            set.sort_unstable();
            set.dedup();
            set
        })
        .collect();
    Candidates {
        ids,
        lonlat,
        nodes,
        sets,
    }
}

/// Demand-side searches: per node, the uncovered communities (with
/// residents and on the network) within `walk` of it, with the walk.
fn demand_by_node(
    g: &WalkGraph,
    study: &Study,
    covered: &[bool],
    population: &[f64],
    walk: f64,
) -> Vec<Vec<(u32, f64)>> {
    let uncovered: Vec<usize> = (0..covered.len())
        .filter(|&c| {
            !covered[c] && population[c] > 0.0 && study.placement.community_access[c].is_ok()
        })
        .collect();
    let reach: Vec<Vec<(u32, f64)>> = par_map_chunked(
        &uncovered,
        || Scratch::new(g.node_count()),
        |scratch, &c| {
            let acc = study.placement.community_access[c]
                .as_ref()
                .expect("filtered");
            bounded_multi_source(g, Direction::Outbound, acc.iter().copied(), walk, scratch);
            scratch
                .reached
                .iter()
                .map(|&v| (v, scratch.dist(v).expect("reached")))
                .collect()
        },
    );
    let mut by_node: Vec<Vec<(u32, f64)>> = vec![Vec::new(); g.node_count()];
    for (k, list) in reach.iter().enumerate() {
        for &(v, d) in list {
            by_node[v as usize].push((uncovered[k] as u32, d));
        }
    }
    by_node
}

/// The candidates of a file within `max_snap_m` of a node of the main
/// network (`big`), each snapped to the nearest such node.
fn file_candidates(
    g: &WalkGraph,
    proj: LocalProjection,
    list: &[Candidate],
    max_snap_m: f64,
    big: impl Fn(usize) -> bool,
) -> CandidateList {
    let tree = RTree::bulk_load(
        (0..g.node_count())
            .filter(|&v| big(v))
            .map(|v| GeomWithData::new(proj.project(g.net.coords[v]), v as u32))
            .collect::<Vec<_>>(),
    );
    let mut ids = Vec::new();
    let mut pts = Vec::new();
    let mut nodes = Vec::new();
    for cand in list {
        let p = &cand.lonlat;
        let q = proj.project(*p);
        let hit = tree.nearest_neighbor(&q).map(|it| {
            let r = it.geom();
            (
                it.data,
                ((q[0] - r[0]).powi(2) + (q[1] - r[1]).powi(2)).sqrt(),
            )
        });
        if let Some((v, d)) = hit.filter(|h| h.1 <= max_snap_m) {
            ids.push((cand.id.clone(), cand.name.clone()));
            pts.push(*p);
            nodes.push(Some((v, d)));
        }
    }
    (ids, pts, nodes)
}

/// Nodes of the main network (`big`) that reach some uncovered demand,
/// thinned to `spacing_m`.
fn node_candidates(
    g: &WalkGraph,
    proj: LocalProjection,
    by_node: &[Vec<(u32, f64)>],
    spacing_m: f64,
    big: impl Fn(usize) -> bool,
) -> CandidateList {
    let mut useful: Vec<usize> = (0..g.node_count())
        .filter(|&v| !by_node[v].is_empty() && big(v))
        .collect();
    // Thin in a canonical order, independent of how the
    // graph numbers its nodes: OSM junctions by id first,
    // then snap points west to east.
    useful.sort_by(|&a, &b| {
        let key = |v: usize| (g.net.osm_ids[v] == 0, g.net.osm_ids[v]);
        key(a).cmp(&key(b)).then_with(|| {
            let (p, q) = (g.net.coords[a], g.net.coords[b]);
            p[0].total_cmp(&q[0]).then(p[1].total_cmp(&q[1]))
        })
    });
    let projected: Vec<[f64; 2]> = useful
        .iter()
        .map(|&v| proj.project(g.net.coords[v]))
        .collect();
    let keep = spaced_candidates(&projected, spacing_m);
    let ids = keep
        .iter()
        .map(|&k| {
            let v = useful[k as usize];
            let id = match g.net.osm_ids[v] {
                0 => format!("node:{v}"),
                osm => format!("osm:node/{osm}"),
            };
            (id, String::new())
        })
        .collect();
    let pts = keep
        .iter()
        .map(|&k| g.net.coords[useful[k as usize]])
        .collect();
    let nodes = keep
        .iter()
        .map(|&k| Some((useful[k as usize] as u32, 0.0)))
        .collect();
    (ids, pts, nodes)
}

/// Without a network: the file's candidates or a grid over the
/// communities, each covering the uncovered communities (with residents)
/// within `walk / detour` in a straight line.
fn straight_candidates(
    inputs: &Inputs,
    study: &Study,
    opts: &SiteOptions,
    covered: &[bool],
    population: &[f64],
    detour: f64,
) -> Candidates {
    let proj = study.placement.proj;
    let com_pts: Vec<Option<[f64; 2]>> = inputs
        .communities
        .iter()
        .map(|c| representative_point(&c.geometry).map(|p| proj.project([p.x(), p.y()])))
        .collect();
    let (ids, lonlat): (Vec<(String, String)>, Vec<[f64; 2]>) = match &opts.candidates {
        Some(list) => list
            .iter()
            .map(|c| ((c.id.clone(), c.name.clone()), c.lonlat))
            .unzip(),
        None => {
            let grid = grid_over(&com_pts, opts.spacing_m);
            let ids = (0..grid.len())
                .map(|i| (format!("grid:{i}"), String::new()))
                .collect();
            (ids, grid.iter().map(|p| proj.unproject(*p)).collect())
        }
    };
    let tree = RTree::bulk_load(
        com_pts
            .iter()
            .enumerate()
            .filter(|(c, p)| p.is_some() && !covered[*c] && population[*c] > 0.0)
            .map(|(c, p)| GeomWithData::new(p.expect("filtered"), c as u32))
            .collect::<Vec<_>>(),
    );
    let r = opts.walk_m / detour;
    let sets = lonlat
        .par_iter()
        .map(|p| {
            let q = proj.project(*p);
            let mut s: Vec<u32> = tree
                .locate_within_distance(q, r * r)
                .map(|it| it.data)
                .collect();
            s.sort_unstable();
            s
        })
        .collect();
    let nodes = vec![None; ids.len()];
    Candidates {
        ids,
        lonlat,
        nodes,
        sets,
    }
}

/// The site of `pick`: the communities it newly covers (marked in
/// `now_covered`) and the area within the walk of it.
fn site(
    inputs: &Inputs,
    study: &Study,
    candidates: &Candidates,
    pick: Pick,
    walk: f64,
    now_covered: &mut [bool],
) -> Site {
    let k = pick.candidate as usize;
    let set = &candidates.sets[k];
    let newly: Vec<&crate::model::Community> = set
        .iter()
        .filter(|&&c| !now_covered[c as usize])
        .map(|&c| &inputs.communities[c as usize])
        .collect();
    for &c in set {
        now_covered[c as usize] = true;
    }
    let lonlat = candidates.lonlat[k];
    let isochrone = match (&study.placement.distances, candidates.nodes[k]) {
        (Distances::Network { graph: g, .. }, Some((v, extra))) => {
            let mut scratch = Scratch::new(g.node_count());
            isochrone::facility_isochrone(
                g,
                &[(v, extra)],
                walk,
                &study.placement.proj,
                study.settings.isochrone_buffer_m,
                &mut scratch,
            )
        }
        (Distances::StraightLine { detour }, _) => {
            isochrone::isochrone_polygon(&[vec![lonlat]], &study.placement.proj, walk / detour)
        }
        _ => MultiPolygon::new(vec![]),
    };
    let (id, name) = candidates.ids[k].clone();
    Site {
        id,
        name,
        unit: unit_at(inputs, lonlat),
        lonlat,
        pick,
        isochrone,
        newly_covered: newly.iter().map(|c| c.id.clone()).collect(),
        newly_covered_names: newly.iter().map(|c| c.name.clone()).collect(),
    }
}

/// The name of the first administrative unit holding `lonlat` (its id when
/// it has no name); empty when none does.
fn unit_at(inputs: &Inputs, lonlat: [f64; 2]) -> String {
    use geo::Intersects;
    let p = geo::Point::new(lonlat[0], lonlat[1]);
    inputs
        .units
        .iter()
        .find(|u| u.geometry.intersects(&p))
        .map(|u| {
            if u.name.is_empty() {
                u.id.clone()
            } else {
                u.name.clone()
            }
        })
        .unwrap_or_default()
}

/// Grid points (projected metres) at `spacing` over the bounding box of the
/// given points.
fn grid_over(points: &[Option<[f64; 2]>], spacing: f64) -> Vec<[f64; 2]> {
    let pts: Vec<[f64; 2]> = points.iter().flatten().copied().collect();
    if pts.is_empty() || spacing.is_nan() || spacing <= 0.0 {
        return Vec::new();
    }
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for p in &pts {
        x0 = x0.min(p[0]);
        y0 = y0.min(p[1]);
        x1 = x1.max(p[0]);
        y1 = y1.max(p[1]);
    }
    let mut out = Vec::new();
    let mut y = y0;
    while y <= y1 + 1e-9 {
        let mut x = x0;
        while x <= x1 + 1e-9 {
            out.push([x, y]);
            x += spacing;
        }
        y += spacing;
    }
    out
}
