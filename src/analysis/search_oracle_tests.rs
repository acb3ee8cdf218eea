//! Bounded multi-source Dijkstra (`analysis::search`) and per-category
//! coverage (`analysis::coverage`) against brute force (Floyd-Warshall) on
//! seeded random graphs with one-way edges, parallel edges, self-loops and
//! isolated nodes. A tiny splitmix64 PRNG keeps every run identical.
//!
//! The searches work in whole millimetres: arc lengths, starting distances
//! and the limit are rounded to the millimetre and summed as integers. The
//! brute force does the same (integer-valued `f64`s, exact), so search
//! distances must equal it exactly, with no tolerance band at the limit.

use crate::analysis::coverage::{Access, CoverageSettings, Source, Target, compute};
use crate::analysis::search::{
    Scratch, bounded_multi_source, every_node_swept, sweep, sweep_contracted,
};
use crate::graph::contract::Contracted;
use crate::graph::csr::Direction;
use crate::graph::{Edge, Network, WalkGraph};
use crate::model::Category;

/// Absolute tolerance (metres) where community extras, not rounded to the
/// millimetre, are added to millimetre sums (~1e-11 rounding).
const EPS: f64 = 1e-9;

/// Metres to whole millimetres, as an integer-valued f64.
fn mm(m: f64) -> f64 {
    (m * 1000.0).round()
}

use crate::testing::Rng;

/// A random network: `n` nodes in 5..60, some isolated, random one-way and
/// two-way edges of 1..500 m, parallel edges and self-loops.
fn random_network(rng: &mut Rng) -> Network {
    let n = rng.range(5, 60);
    let coords: Vec<[f64; 2]> = (0..n)
        .map(|_| [rng.uniform(24.0, 25.0), rng.uniform(60.0, 60.5)])
        .collect();
    // Some nodes never get an edge.
    let isolated: Vec<bool> = (0..n).map(|_| rng.chance(0.1)).collect();
    let usable: Vec<u32> = (0..n as u32).filter(|v| !isolated[*v as usize]).collect();
    let density = rng.uniform(0.3, 3.0);
    let m = if usable.is_empty() {
        0
    } else {
        (density * n as f64) as usize
    };
    let mut net = Network {
        coords,
        osm_ids: (0..n as i64).map(|i| 1000 + i).collect(),
        edges: Vec::new(),
        geom: Vec::new(),
    };
    let push = |net: &mut Network, from: u32, to: u32, len: f64, fw: bool, bw: bool| {
        let geom_start = net.geom.len() as u32;
        let (a, b) = (net.coords[from as usize], net.coords[to as usize]);
        net.geom.extend([a, b]);
        let way_id = net.edges.len() as i64 + 1;
        net.edges.push(Edge {
            from,
            to,
            length_m: len,
            way_id,
            forward: fw,
            backward: bw,
            geom_start,
            geom_end: net.geom.len() as u32,
        });
    };
    for _ in 0..m {
        let r = rng.unit();
        let (from, to) = if r < 0.05 {
            // Self-loop.
            let v = usable[rng.range(0, usable.len())];
            (v, v)
        } else if r < 0.15 && !net.edges.is_empty() {
            // Parallel edge (same or reversed ends) with another length.
            let e = &net.edges[rng.range(0, net.edges.len())];
            if rng.chance(0.5) {
                (e.from, e.to)
            } else {
                (e.to, e.from)
            }
        } else {
            (
                usable[rng.range(0, usable.len())],
                usable[rng.range(0, usable.len())],
            )
        };
        let (fw, bw) = match rng.range(0, 10) {
            0..=5 => (true, true),
            6 | 7 => (true, false),
            8 => (false, true),
            // No walking at all: must give no arcs.
            _ => (false, false),
        };
        // Mostly continuous lengths; sometimes whole metres, so that equal
        // path lengths (ties) occur.
        let len = if rng.chance(0.2) {
            rng.range(1, 501) as f64
        } else {
            rng.uniform(1.0, 500.0)
        };
        push(&mut net, from, to, len, fw, bw);
    }
    net
}

/// All-pairs shortest walking distances in whole millimetres over the
/// directed arcs implied by the edges: `d[a][b]` from `a` to `b`.
fn floyd_warshall(net: &Network) -> Vec<Vec<f64>> {
    let n = net.node_count();
    let mut d = vec![vec![f64::INFINITY; n]; n];
    for (v, row) in d.iter_mut().enumerate() {
        row[v] = 0.0;
    }
    for e in &net.edges {
        let (a, b) = (e.from as usize, e.to as usize);
        if e.forward {
            d[a][b] = d[a][b].min(mm(e.length_m));
        }
        if e.backward {
            d[b][a] = d[b][a].min(mm(e.length_m));
        }
    }
    for k in 0..n {
        let row_k = d[k].clone();
        for row in d.iter_mut() {
            let dik = row[k];
            if dik.is_infinite() {
                continue;
            }
            for (dij, dkj) in row.iter_mut().zip(&row_k) {
                let via = dik + dkj;
                if via < *dij {
                    *dij = via;
                }
            }
        }
    }
    d
}

/// The brute-force answer for one node in millimetres: min over sources of
/// offset + path.
fn reference(d: &[Vec<f64>], dir: Direction, sources: &[(u32, f64)], v: usize) -> f64 {
    sources
        .iter()
        .map(|&(s, off)| {
            let path = match dir {
                Direction::Inbound => d[v][s as usize],
                Direction::Outbound => d[s as usize][v],
            };
            mm(off) + path
        })
        .fold(f64::INFINITY, f64::min)
}

/// Check the last search in `scratch` against brute force.
fn check_search(
    ctx: &str,
    g: &WalkGraph,
    d: &[Vec<f64>],
    dir: Direction,
    sources: &[(u32, f64)],
    limit: f64,
    scratch: &Scratch,
) {
    let n = g.node_count();
    let limit_mm = mm(limit);
    for v in 0..n {
        let want = reference(d, dir, sources, v);
        let got = scratch.dist(v as u32);
        if want.is_finite() && want <= limit_mm {
            let got = got.unwrap_or_else(|| {
                panic!("{ctx}: node {v} not reached, expected {want} mm (limit {limit})")
            });
            assert_eq!(mm(got), want, "{ctx}: node {v}: got {got} m");
            assert_eq!(got, want / 1000.0, "{ctx}: node {v}: whole millimetres");
        } else {
            assert_eq!(got, None, "{ctx}: node {v}: expected None ({want} mm)");
        }
    }
    // `reached`: every reached node exactly once, nothing else, and settled
    // in non-decreasing distance order.
    let mut seen = vec![false; n];
    for &v in &scratch.reached {
        assert!(
            !seen[v as usize],
            "{ctx}: node {v} twice in reached {:?}",
            scratch.reached
        );
        seen[v as usize] = true;
    }
    for (v, s) in seen.iter().enumerate() {
        assert_eq!(
            *s,
            scratch.dist(v as u32).is_some(),
            "{ctx}: node {v} reached-list membership disagrees with dist()"
        );
    }
    for w in scratch.reached.windows(2) {
        let (a, b) = (scratch.dist(w[0]).unwrap(), scratch.dist(w[1]).unwrap());
        assert!(
            a <= b,
            "{ctx}: settled {} at {a} before {} at {b}",
            w[0],
            w[1]
        );
    }
}

fn random_sources(rng: &mut Rng, n: usize) -> Vec<(u32, f64)> {
    let k = match rng.range(0, 11) {
        0 => 0,
        1..=5 => 1,
        // More than `search::BANDED_SOURCES`: the radix heap's searches.
        10 => rng.range(65, 90),
        _ => rng.range(2, 6),
    };
    let mut sources: Vec<(u32, f64)> = (0..k)
        .map(|_| {
            let v = rng.range(0, n) as u32;
            let off = if rng.chance(0.3) {
                0.0
            } else {
                rng.uniform(0.0, 300.0)
            };
            (v, off)
        })
        .collect();
    // The same node twice with different offsets: the smaller one counts.
    if let Some(&(v, off)) = sources.first() {
        if rng.chance(0.2) {
            sources.push((v, off + rng.uniform(-50.0, 50.0).max(-off)));
        }
    }
    sources
}

fn random_limit(rng: &mut Rng, sources: &[(u32, f64)]) -> f64 {
    match rng.range(0, 10) {
        0 => f64::INFINITY,
        1 => 0.0,
        // Exactly a source's offset: that source is reached (limit inclusive).
        2 if !sources.is_empty() => sources[rng.range(0, sources.len())].1,
        _ => rng.uniform(0.0, 2000.0),
    }
}

#[test]
fn bounded_multi_source_matches_floyd_warshall() {
    let mut rng = Rng(0x5EED_F17C_C1C1_E123);
    let mut searches = 0usize;
    let mut nonempty = 0usize;
    for graph_no in 0..200 {
        let net = random_network(&mut rng);
        let d = floyd_warshall(&net);
        let g = WalkGraph::new(net);
        let n = g.node_count();

        // The CSR arcs are exactly the arcs implied by the edges (self-loops
        // dropped): compare arc multisets per node.
        for dir in [Direction::Outbound, Direction::Inbound] {
            let mut want: Vec<Vec<(u32, u64)>> = vec![Vec::new(); n];
            for e in &g.net.edges {
                if e.from == e.to {
                    continue;
                }
                let (fw, bw) = match dir {
                    Direction::Outbound => (e.forward, e.backward),
                    Direction::Inbound => (e.backward, e.forward),
                };
                // Lengths in whole millimetres.
                let len = (mm(e.length_m) / 1000.0).to_bits();
                if fw {
                    want[e.from as usize].push((e.to, len));
                }
                if bw {
                    want[e.to as usize].push((e.from, len));
                }
            }
            for (v, w) in want.iter_mut().enumerate() {
                w.sort_unstable();
                let mut got: Vec<(u32, u64)> = g
                    .arcs(v as u32, dir)
                    .map(|(h, l)| (h, l.to_bits()))
                    .collect();
                got.sort_unstable();
                assert_eq!(&got, w, "graph {graph_no}: arcs of {v} ({dir:?})");
            }
        }

        // One scratch for every search on this graph.
        let mut scratch = Scratch::new(n);
        for search_no in 0..25 {
            let sources = random_sources(&mut rng, n);
            let limit = random_limit(&mut rng, &sources);
            for dir in [Direction::Inbound, Direction::Outbound] {
                bounded_multi_source(&g, dir, sources.iter().copied(), limit, &mut scratch);
                let ctx = format!(
                    "graph {graph_no} (n={n}, {} edges), search {search_no}, {dir:?}, \
                     sources {sources:?}, limit {limit}",
                    g.net.edges.len()
                );
                check_search(&ctx, &g, &d, dir, &sources, limit, &scratch);
                // Inclusive limit: a source whose offset equals the limit is
                // reached at exactly that distance (unless another source is
                // nearer).
                for &(s, off) in &sources {
                    if off == limit {
                        let got = scratch.dist(s);
                        assert!(
                            got.is_some_and(|x| mm(x) <= mm(off)),
                            "{ctx}: source {s} at offset == limit: {got:?}"
                        );
                    }
                }
                searches += 1;
                nonempty += usize::from(scratch.reached.len() > 1);
            }
        }
    }
    // The generator makes interesting searches, not just trivial ones.
    assert!(searches == 200 * 25 * 2);
    assert!(
        nonempty > searches / 3,
        "only {nonempty} of {searches} searches spread"
    );
}

/// Many searches on one scratch: stale distances from earlier searches
/// never leak into later ones (the reset clears what the last search
/// touched, or everything after a large search).
#[test]
fn scratch_reuse_does_not_leak() {
    let mut rng = Rng(42);
    let net = loop {
        let net = random_network(&mut rng);
        if net.node_count() >= 20 && net.edges.len() >= 30 {
            break net;
        }
    };
    let d = floyd_warshall(&net);
    let g = WalkGraph::new(net);
    let n = g.node_count();
    let mut scratch = Scratch::new(n);
    for i in 0..2000 {
        // Alternate a wide search with a tiny one, so that a leak would show.
        let (sources, limit) = if i % 2 == 0 {
            (vec![(rng.range(0, n) as u32, 0.0)], f64::INFINITY)
        } else {
            (vec![(rng.range(0, n) as u32, 0.0)], rng.uniform(0.0, 30.0))
        };
        let dir = if i % 4 < 2 {
            Direction::Inbound
        } else {
            Direction::Outbound
        };
        bounded_multi_source(&g, dir, sources.iter().copied(), limit, &mut scratch);
        check_search(
            &format!("search {i}"),
            &g,
            &d,
            dir,
            &sources,
            limit,
            &scratch,
        );
    }
    // No sources at all: nothing reached.
    bounded_multi_source(&g, Direction::Inbound, [], f64::INFINITY, &mut scratch);
    assert!(scratch.reached.is_empty());
    assert!((0..n as u32).all(|v| scratch.dist(v).is_none()));
    // A source beyond the limit is not a seed.
    bounded_multi_source(&g, Direction::Inbound, [(0, 10.0)], 5.0, &mut scratch);
    assert!(scratch.reached.is_empty());
}

/// The bucketed whole-graph sweep gives exactly the brute-force distances,
/// on one scratch shared with ordinary searches (resets in both orders),
/// including long graphs where nodes are improved within their bucket; so
/// does a sweep over the graph with its pass-through chains contracted.
#[test]
fn sweep_matches_floyd_warshall() {
    let mut rng = Rng(0x5EED_5EE9);
    let mut reached_some = 0usize;
    let mut inner_nodes = 0usize;
    for graph_no in 0..150 {
        let net = random_network(&mut rng);
        let d = floyd_warshall(&net);
        let g = WalkGraph::new(net);
        let n = g.node_count();
        let mut scratch = Scratch::new(n);
        for search_no in 0..20 {
            let sources = random_sources(&mut rng, n);
            let limit = if rng.chance(0.5) {
                rng.uniform(0.0, 20_000.0)
            } else {
                random_limit(&mut rng, &sources)
            };
            for dir in [Direction::Inbound, Direction::Outbound] {
                let ctx = format!("graph {graph_no}, sweep {search_no}, {dir:?}, limit {limit}");
                sweep(
                    g.adjacency(dir),
                    sources.iter().copied(),
                    limit,
                    &mut scratch,
                );
                assert!(scratch.reached.is_empty(), "{ctx}");
                // The same sweep over the graph with its chains contracted
                // (sources inside chains start at their ends).
                let core = Contracted::new(&g, dir);
                inner_nodes += n - core.core_count();
                let mut core_scratch = Scratch::new(core.core_count());
                let inside =
                    sweep_contracted(&core, sources.iter().copied(), limit, &mut core_scratch);
                // And every node's distance read out of such a sweep.
                let mut every_scratch = Scratch::new(core.core_count());
                let every =
                    every_node_swept(&core, sources.iter().copied(), limit, &mut every_scratch);
                assert_eq!(every.len(), n, "{ctx}");
                let limit_mm = mm(limit);
                for v in 0..n {
                    let want = reference(&d, dir, &sources, v);
                    let got = scratch.dist(v as u32);
                    let through = core_scratch.dist_through(&core, &inside, v as u32);
                    assert_eq!(every.get(v as u32), through, "{ctx}: read out, node {v}");
                    if want.is_finite() && want <= limit_mm {
                        assert_eq!(got, Some(want / 1000.0), "{ctx}: node {v}");
                        assert_eq!(through, got, "{ctx}: contracted, node {v}");
                        reached_some += 1;
                    } else {
                        assert_eq!(got, None, "{ctx}: node {v} ({want} mm)");
                        assert_eq!(through, None, "{ctx}: contracted, node {v}");
                    }
                }
                // An ordinary search on the same scratch right after.
                bounded_multi_source(&g, dir, sources.iter().copied(), limit, &mut scratch);
                check_search(&ctx, &g, &d, dir, &sources, limit, &scratch);
            }
        }
    }
    assert!(
        reached_some > 10_000,
        "only {reached_some} reached nodes checked"
    );
    assert!(
        inner_nodes > 10_000,
        "only {inner_nodes} chain nodes contracted"
    );
}

// ----------------------------------------------------------------- coverage

const CATS: [Category; 3] = [
    Category::FootballPitch,
    Category::Park,
    Category::BasketballCourt,
];

fn random_access(rng: &mut Rng, n: usize, max_points: usize) -> Access {
    let k = rng.range(0, max_points + 1);
    (0..k)
        .map(|_| {
            let extra = if rng.chance(0.3) {
                0.0
            } else {
                rng.uniform(0.0, 200.0)
            };
            (rng.range(0, n) as u32, extra)
        })
        .collect()
}

/// Brute force in metres: min over (facility access, community access)
/// pairs of facility extra + walk(community node -> facility node), both in
/// whole millimetres, + community extra (not rounded: it is added after the
/// search).
fn pair_distance(d: &[Vec<f64>], fac: &Access, com: &Access) -> f64 {
    let mut best = f64::INFINITY;
    for &(fv, fx) in fac {
        for &(cv, cx) in com {
            best = best.min((mm(fx) + d[cv as usize][fv as usize]) / 1000.0 + cx);
        }
    }
    best
}

fn matches(t: Target, c: Category) -> bool {
    match t {
        Target::Any => true,
        Target::Category(x) => x == c,
    }
}

#[test]
fn coverage_matches_brute_force() {
    let mut rng = Rng(0xC0FE_1234);
    let mut covered_some = 0usize;
    let mut counted_some = 0usize;
    for graph_no in 0..40 {
        let net = random_network(&mut rng);
        let d = floyd_warshall(&net);
        let g = WalkGraph::new(net);
        let n = g.node_count();
        let n_sources = rng.range(0, 12);
        let sources: Vec<Source> = (0..n_sources)
            .map(|_| Source {
                // Only two of the three categories most of the time, so some
                // category has no column.
                category: CATS[rng.range(0, if graph_no % 3 == 0 { 3 } else { 2 })],
                counts: rng.chance(0.8),
                access: random_access(&mut rng, n, 3),
            })
            .collect();
        let communities: Vec<Access> = (0..rng.range(1, 15))
            .map(|_| random_access(&mut rng, n, 3))
            .collect();
        let limit_m = rng.uniform(100.0, 1500.0);
        let report_m = match rng.range(0, 3) {
            0 => limit_m,
            1 => limit_m * 2.0,
            // Below the limit: the search still goes to the limit.
            _ => limit_m * 0.5,
        };
        let settings = CoverageSettings {
            limit_m,
            report_m,
            pair_m: limit_m,
        };
        let cov = compute(&g, &sources, &communities, settings);
        let ctx = format!("graph {graph_no} (n={n}), limit {limit_m}, report {report_m}");

        // Columns: Any first, then each category with a counted, reachable
        // facility, in Category::ALL order.
        let mut want_targets = vec![Target::Any];
        for c in Category::ALL {
            if sources
                .iter()
                .any(|s| s.counts && s.category == c && !s.access.is_empty())
            {
                want_targets.push(Target::Category(c));
            }
        }
        assert_eq!(cov.targets, want_targets, "{ctx}");
        assert_eq!(cov.settings, settings);
        assert_eq!(cov.nearest_m.len(), cov.targets.len());
        assert_eq!(cov.reachable.len(), cov.targets.len());

        let report = report_m.max(limit_m);
        for (ti, &t) in cov.targets.iter().enumerate() {
            assert_eq!(cov.target_index(t), Some(ti));
            assert_eq!(cov.nearest_m[ti].len(), communities.len());
            assert_eq!(cov.reachable[ti].len(), communities.len());
            let counted: Vec<&Source> = sources
                .iter()
                .filter(|s| s.counts && matches(t, s.category))
                .collect();
            for (ci, com) in communities.iter().enumerate() {
                let ctx = format!("{ctx}, target {}, community {ci} {com:?}", t.name());
                // Nearest.
                let want = counted
                    .iter()
                    .map(|s| pair_distance(&d, &s.access, com))
                    .fold(f64::INFINITY, f64::min);
                let got = cov.nearest_m[ti].get(ci);
                if want <= report - EPS {
                    let got = got.unwrap_or_else(|| panic!("{ctx}: nearest None, want {want}"));
                    assert!((got - want).abs() <= EPS, "{ctx}: nearest {got} vs {want}");
                } else if want > report + EPS {
                    assert_eq!(got, None, "{ctx}: nearest beyond report ({want})");
                } else if let Some(got) = got {
                    assert!((got - want).abs() <= EPS, "{ctx}: nearest {got} vs {want}");
                }
                assert_eq!(
                    cov.covered(ti, ci),
                    got.is_some_and(|x| x <= limit_m),
                    "{ctx}"
                );
                covered_some += usize::from(cov.covered(ti, ci));
                // Reachable counts: facilities within the limit.
                let dists: Vec<f64> = counted
                    .iter()
                    .map(|s| pair_distance(&d, &s.access, com))
                    .collect();
                let lo = dists.iter().filter(|x| **x <= limit_m - EPS).count() as u32;
                let hi = dists.iter().filter(|x| **x <= limit_m + EPS).count() as u32;
                let got = cov.reachable[ti][ci];
                assert!(
                    lo <= got && got <= hi,
                    "{ctx}: reachable {got}, brute force {lo}..={hi} (dists {dists:?})"
                );
                counted_some += usize::from(got > 0);
                // Consistency: covered iff at least one reachable facility
                // (away from the limit's rounding band).
                if want <= limit_m - EPS || want > limit_m + EPS {
                    assert_eq!(cov.covered(ti, ci), got > 0, "{ctx}");
                }
            }
        }
    }
    assert!(covered_some > 20, "too few covered pairs: {covered_some}");
    assert!(counted_some > 20, "too few reachable pairs: {counted_some}");
}

/// `net` with every edge cut into 1 to 6 pieces at new nodes (the
/// snap points of a real run): long chains of pass-through nodes.
fn subdivided(net: &Network, rng: &mut Rng) -> Network {
    let mut out = Network {
        coords: net.coords.clone(),
        osm_ids: net.osm_ids.clone(),
        edges: Vec::new(),
        geom: Vec::new(),
    };
    for e in &net.edges {
        let pieces = rng.range(1, 7);
        let mut from = e.from;
        for p in 0..pieces {
            let to = if p + 1 == pieces {
                e.to
            } else {
                out.coords.push(net.coords[e.from as usize]);
                out.osm_ids.push(-(out.coords.len() as i64));
                out.coords.len() as u32 - 1
            };
            let g = out.geom.len() as u32;
            out.geom
                .extend([out.coords[from as usize], out.coords[to as usize]]);
            out.edges.push(Edge {
                from,
                to,
                length_m: e.length_m / pieces as f64,
                geom_start: g,
                geom_end: out.geom.len() as u32,
                ..*e
            });
            from = to;
        }
    }
    out
}

/// The facility-community pairs over the core (`facility_pairs`) against
/// the same pairs from a plain search over every node, on networks of
/// long chains, with limits shorter than the chains (a facility inside a
/// chain reaching neither end) and longer.
#[test]
fn pairs_over_the_core_equal_pairs_over_every_node() {
    let mut rng = Rng(0x9A1E_5EED);
    let mut pairs_seen = 0usize;
    for graph_no in 0..60 {
        let net = subdivided(&random_network(&mut rng), &mut rng);
        let g = WalkGraph::new(net);
        let n = g.node_count();
        let sources: Vec<Source> = (0..rng.range(0, 10))
            .map(|_| Source {
                category: CATS[rng.range(0, 3)],
                counts: true,
                access: random_access(&mut rng, n, 3),
            })
            .collect();
        let communities: Vec<Access> = (0..rng.range(1, 20))
            .map(|_| random_access(&mut rng, n, 3))
            .collect();
        let limit_m = [rng.uniform(5.0, 60.0), rng.uniform(100.0, 1500.0)][graph_no % 2];
        let settings = CoverageSettings {
            limit_m,
            report_m: limit_m,
            pair_m: limit_m,
        };
        let got = crate::analysis::coverage::facility_pairs(&g, &sources, &communities, settings)
            .to_lists();
        let mut scratch = Scratch::new(n);
        for (s, got) in sources.iter().zip(&got) {
            bounded_multi_source(
                &g,
                Direction::Inbound,
                s.access.iter().copied(),
                limit_m,
                &mut scratch,
            );
            let mut want: Vec<(u32, f64)> = Vec::new();
            for (c, acc) in communities.iter().enumerate() {
                let best = acc
                    .iter()
                    .filter_map(|&(v, extra)| scratch.dist(v).map(|d| d + extra))
                    .filter(|&t| t <= limit_m)
                    .min_by(f64::total_cmp);
                if let Some(d) = best.filter(|_| !s.access.is_empty()) {
                    want.push((c as u32, d));
                }
            }
            assert_eq!(got, &want, "graph {graph_no} (n={n}), limit {limit_m}");
            pairs_seen += want.len();
        }
    }
    assert!(pairs_seen > 200, "only {pairs_seen} pairs");
}
