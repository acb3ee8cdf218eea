//! Degree-2 chain contraction for searches that reach most of the graph.
//!
//! Footways and streets are drawn as ways with many nodes, and snapping
//! inserts a node where each community and facility meets the network, so a
//! large share of the nodes only pass the walk on: two neighbours, the same
//! arc length both ways. A search gains nothing by settling them one by one.
//! [`Contracted`] keeps the other nodes (the *core*: junctions, dead ends,
//! one-way passages, and any node a search starts from) joined by one arc
//! per chain, whose length is the chain's exact sum in whole millimetres.
//! The distance of a chain's inner node is then the lesser of its two ends'
//! distances plus its offset along the chain: the same integer a search
//! over every node finds, because a walk can only enter the chain at its
//! ends (no search starts inside it).

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::csr::{Adjacency, Direction, WalkGraph};

/// Set in [`Contracted::index`] for an inner node of a chain; the other
/// bits index [`Contracted::ends`].
const INNER: u32 = 1 << 31;

/// A chain end that is not there: the inner nodes of a ring with no core
/// node on it, which no search reaches.
const NO_END: u64 = u64::MAX;

/// The graph of core nodes, in one search direction.
#[derive(Debug, Clone)]
pub struct Contracted {
    /// Per node of the full graph: its core index, or [`INNER`] | its
    /// index among the inner nodes.
    index: Vec<u32>,
    /// Core arcs as CSR (core indices; core nodes keep the full graph's
    /// order, so the spatial numbering still holds).
    first: Vec<u32>,
    arcs: Vec<(u32, u32)>,
    /// Per inner node, its two chain ends as `core << 32 | millimetres
    /// from that end`, or [`NO_END`].
    ends: Vec<[u64; 2]>,
}

/// Does the walk only pass through `v` (exactly two distinct neighbours
/// other than `v`, with the same arcs in and out)?
fn passes_through(g: &WalkGraph, v: u32, dir: Direction) -> bool {
    let back = match dir {
        Direction::Outbound => Direction::Inbound,
        Direction::Inbound => Direction::Outbound,
    };
    let out = g.arcs_mm(v, dir);
    matches!(out, [(a, _), (b, _)] if a != b && *a != v && *b != v) && out == g.arcs_mm(v, back)
}

impl Contracted {
    /// Contract the chains of `g` searched in direction `dir`; nodes with
    /// `keep(v)` (the searches' sources) stay in the core.
    pub fn new(g: &WalkGraph, dir: Direction, keep: impl Fn(u32) -> bool + Sync) -> Self {
        let n = g.node_count();
        let full = g.adjacency(dir);
        // Indices need the top bit free; a larger graph is not contracted.
        let inner: Vec<bool> = if n < INNER as usize {
            (0..n as u32)
                .into_par_iter()
                .map(|v| !keep(v) && passes_through(g, v, dir))
                .collect()
        } else {
            vec![false; n]
        };
        // Core and inner nodes each numbered in node order, a chunk of
        // nodes per task after counting each chunk's inner nodes.
        const CHUNK: usize = 1 << 16;
        let mut starts: Vec<u32> = inner
            .par_chunks(CHUNK)
            .map(|c| c.iter().filter(|&&i| i).count() as u32)
            .collect();
        let mut n_inner = 0u32;
        for s in &mut starts {
            (*s, n_inner) = (n_inner, n_inner + *s);
        }
        let mut index = vec![0u32; n];
        index
            .par_chunks_mut(CHUNK)
            .zip(inner.par_chunks(CHUNK))
            .enumerate()
            .for_each(|(c, (index, inner))| {
                let mut i = starts[c];
                let mut k = (c * CHUNK) as u32 - i;
                for (x, &is_inner) in index.iter_mut().zip(inner) {
                    if is_inner {
                        *x = INNER | i;
                        i += 1;
                    } else {
                        *x = k;
                        k += 1;
                    }
                }
            });
        let core: Vec<u32> = (0..n as u32)
            .into_par_iter()
            .filter(|&v| !inner[v as usize])
            .collect();
        drop(inner);
        let mut first: Vec<u32> = Vec::with_capacity(core.len() + 1);
        first.push(0);
        first.par_extend(core.par_iter().map(|&v| full.of(v).len() as u32));
        for i in 1..first.len() {
            first[i] += first[i - 1];
        }
        let ends: Vec<[AtomicU64; 2]> = (0..n_inner)
            .map(|_| [AtomicU64::new(NO_END), AtomicU64::new(NO_END)])
            .collect();
        // Each arc of a core node, followed to the core node at the other
        // end of its chain; on the way each inner node learns its distance
        // from this end, in the slot of the side it was entered from (so
        // the walks from the two ends fill different slots). Blocks of core
        // nodes fill their own runs of the arc array in parallel.
        let follow = |a: u32, w: u32, len: u32| -> (u32, u32) {
            let (mut prev, mut cur, mut total) = (a, w, len);
            while index[cur as usize] & INNER != 0 {
                let [x, y] = full.of(cur) else {
                    unreachable!("an inner node has two arcs")
                };
                let side = usize::from(x.0 != prev);
                let k = (index[cur as usize] & !INNER) as usize;
                ends[k][side].store(
                    u64::from(index[a as usize]) << 32 | u64::from(total),
                    Ordering::Relaxed,
                );
                let (next, l) = if side == 0 { *y } else { *x };
                prev = cur;
                cur = next;
                total = total.saturating_add(l);
            }
            (index[cur as usize], total)
        };
        const BLOCK: usize = 4096;
        let mut arcs = vec![(0u32, 0u32); first[core.len()] as usize];
        let mut runs: Vec<&mut [(u32, u32)]> = Vec::new();
        let mut rest: &mut [(u32, u32)] = &mut arcs;
        for (b, nodes) in core.chunks(BLOCK).enumerate() {
            let span = first[b * BLOCK + nodes.len()] - first[b * BLOCK];
            let (run, tail) = rest.split_at_mut(span as usize);
            runs.push(run);
            rest = tail;
        }
        runs.into_par_iter()
            .zip(core.par_chunks(BLOCK))
            .for_each(|(run, nodes)| {
                let targets = nodes
                    .iter()
                    .flat_map(|&a| full.of(a).iter().map(move |&(w, len)| (a, w, len)));
                for (slot, (a, w, len)) in run.iter_mut().zip(targets) {
                    *slot = follow(a, w, len);
                }
            });
        let ends = ends
            .into_iter()
            .map(|[a, b]| [a.into_inner(), b.into_inner()])
            .collect();
        Contracted {
            index,
            first,
            arcs,
            ends,
        }
    }

    /// Number of core nodes (the size of a search over this graph).
    pub fn core_count(&self) -> usize {
        self.first.len() - 1
    }

    /// Number of arcs between core nodes.
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// The core arcs, for a search.
    pub fn adjacency(&self) -> Adjacency<'_> {
        Adjacency::new(&self.first, &self.arcs)
    }

    /// The core index of node `v` of the full graph, if it is a core node.
    pub fn core_of(&self, v: u32) -> Option<u32> {
        let k = self.index[v as usize];
        (k & INNER == 0).then_some(k)
    }

    /// Distance (whole millimetres) of node `v` of the full graph, given
    /// `dist(k)`, the distance of core node `k` (`None`: not reached):
    /// the node's own for a core node, else the lesser of its chain ends'
    /// plus its offset from each. The caller applies its limit.
    #[inline]
    pub fn dist_mm(&self, v: u32, dist: impl Fn(u32) -> Option<u32>) -> Option<u32> {
        let k = self.index[v as usize];
        if k & INNER == 0 {
            return dist(k);
        }
        self.ends[(k & !INNER) as usize]
            .iter()
            .filter(|&&e| e != NO_END)
            .filter_map(|&e| dist((e >> 32) as u32).map(|d| d.saturating_add(e as u32)))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::search::{Scratch, bounded_multi_source, sweep};
    use crate::graph::{Edge, Network};
    use crate::testing::XorShift;

    /// A random network of chains, junctions, one-way passages, parallel
    /// edges, self-loops and a ring with no junction on it.
    fn network(seed: u64, n: u32) -> Network {
        let mut rng = XorShift(seed);
        let mut edges = Vec::new();
        let mut edge = |from: u32, to: u32, len: f64, oneway: bool| {
            edges.push(Edge {
                from,
                to,
                length_m: len,
                way_id: 0,
                forward: true,
                backward: !oneway,
                geom_start: 0,
                geom_end: 0,
            })
        };
        // A long path (mostly chains) with cross links and odd arcs.
        for v in 1..n {
            let len = (rng.next_u64() % 200_000) as f64 / 1000.0 + 0.001;
            edge(v - 1, v, len, rng.next_u64() % 23 == 0);
        }
        for _ in 0..n / 10 {
            let a = (rng.next_u64() % u64::from(n)) as u32;
            let b = (rng.next_u64() % u64::from(n)) as u32;
            let len = (rng.next_u64() % 400_000) as f64 / 1000.0;
            edge(a, b, len, rng.next_u64() % 5 == 0);
        }
        edge(3, 4, 7.5, false);
        edge(9, 9, 3.0, false);
        // A ring of three nodes with only two neighbours each.
        edge(n, n + 1, 10.0, false);
        edge(n + 1, n + 2, 10.0, false);
        edge(n + 2, n, 10.0, false);
        let count = n + 3;
        Network {
            coords: (0..count).map(|i| [f64::from(i) * 1e-4, 0.0]).collect(),
            edges,
            ..Network::default()
        }
    }

    /// Every node's distance through the contracted graph equals a plain
    /// Dijkstra over every node, in both directions, for any sources and
    /// limits (the sources kept in the core).
    #[test]
    fn contracted_distances_equal_plain_search() {
        for seed in 1..=6u64 {
            let g = WalkGraph::new(network(seed * 0x9E37_79B9, 3000));
            let n = g.node_count();
            let mut rng = XorShift(seed);
            let sources: Vec<(u32, f64)> = (0..1 + seed as usize * 3)
                .map(|_| {
                    let v = (rng.next_u64() % n as u64) as u32;
                    (v, (rng.next_u64() % 50_000) as f64 / 1000.0)
                })
                .collect();
            for dir in [Direction::Inbound, Direction::Outbound] {
                let c = Contracted::new(&g, dir, |v| sources.iter().any(|s| s.0 == v));
                assert!(c.core_count() < n, "something is contracted");
                for limit in [0.0, 150.0, 2500.0, 1e9] {
                    let mut plain = Scratch::new(n);
                    bounded_multi_source(&g, dir, sources.iter().copied(), limit, &mut plain);
                    let mut s = Scratch::new(c.core_count());
                    let seeds = sources
                        .iter()
                        .map(|&(v, d)| (c.core_of(v).expect("sources are core"), d));
                    sweep(c.adjacency(), seeds, limit, &mut s);
                    for v in 0..n as u32 {
                        let got = s.dist_through(&c, v);
                        assert_eq!(
                            got,
                            plain.dist(v),
                            "seed {seed} {dir:?} limit {limit} node {v}"
                        );
                    }
                }
            }
        }
    }
}
