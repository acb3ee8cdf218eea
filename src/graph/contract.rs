//! Degree-2 chain contraction for searches that reach most of the graph.
//!
//! Footways and streets are drawn as ways with many nodes, and snapping
//! inserts a node where each community and facility meets the network, so a
//! large share of the nodes only pass the walk on: two neighbours, the same
//! arc length both ways. A search gains nothing by settling them one by one.
//! [`Contracted`] keeps the other nodes (the *core*: junctions, dead ends,
//! one-way passages) joined by one arc per chain, whose length is the
//! chain's exact sum in whole millimetres. A search may start inside a
//! chain ([`ChainSeeds`]): it starts at both chain ends, at the source's
//! distance plus its offset from each. The distance of an inner node is then
//! the least of its two ends' distances plus its offset from each, and of
//! the sources on its own chain plus the millimetres between: the same
//! integer a search over every node finds, because a walk enters or leaves
//! a chain only at its ends. Offsets are exact for chains shorter than
//! 2^32 mm (4,295 km).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use rayon::prelude::*;

use super::csr::{Adjacency, Direction, WalkGraph};

/// Set in [`Contracted::index`] for an inner node of a chain; the other
/// bits index its sides ([`Contracted::ends`], [`Contracted::named`]).
const INNER: u32 = 1 << 31;

/// Not filled: an inner node no walk from a core node reached (a ring
/// with no core node on it; such nodes are moved to the core).
const NONE: u32 = u32::MAX;

/// One side of an inner node: the core node that ends its chain there, the
/// millimetres from it, and the core arc the chain became, seen from that
/// end (the lesser of the two ends' arcs names the chain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Side {
    end: u32,
    mm: u32,
    arc: u32,
}

/// The graph of core nodes, in one search direction.
#[derive(Debug)]
pub(crate) struct Contracted {
    /// Per node of the full graph: its core index, or [`INNER`] | its
    /// index among the inner nodes.
    index: Vec<u32>,
    /// Core arcs as CSR (core indices; core nodes keep the full graph's
    /// order, so the spatial numbering still holds).
    first: Vec<u32>,
    arcs: Vec<(u32, u32)>,
    /// Per inner node, its two sides: (end << 32 | millimetres) and the
    /// arc, each written once by the walk that filled it (atomics, so the
    /// walks can run in parallel; read with plain loads afterwards).
    ends: Vec<[AtomicU64; 2]>,
    named: Vec<[AtomicU32; 2]>,
}

/// The sources of one search that lie inside chains, by chain: each as
/// (chain, millimetres from the chain's naming end, starting millimetres).
#[derive(Debug, Clone, Default)]
pub(crate) struct ChainSeeds {
    seeds: Vec<(u32, u32, u32)>,
    /// One bit per core arc: does the chain it names hold a source? Only
    /// for searches with more than [`ChainSeeds::SCAN`] such sources (the
    /// category sweeps); a facility's few are scanned instead, since
    /// zeroing a bit per arc for each of hundreds of thousands of
    /// facility searches cost more than the searches.
    has: Vec<u64>,
}

impl ChainSeeds {
    /// The chains holding a source, ascending, each once.
    pub(crate) fn chains(&self) -> impl Iterator<Item = u32> + '_ {
        let mut last = None;
        self.seeds.iter().filter_map(move |s| {
            let new = last != Some(s.0);
            last = Some(s.0);
            new.then_some(s.0)
        })
    }

    /// Sources inside chains up to which [`ChainSeeds::on`] scans them
    /// rather than keeping a bitmap.
    const SCAN: usize = 16;

    fn on(&self, chain: u32) -> &[(u32, u32, u32)] {
        if self.has.is_empty() {
            if !self.seeds.iter().any(|s| s.0 == chain) {
                return &[];
            }
        } else if self.has[chain as usize >> 6] & (1 << (chain & 63)) == 0 {
            return &[];
        }
        let a = self.seeds.partition_point(|s| s.0 < chain);
        let b = self.seeds.partition_point(|s| s.0 <= chain);
        &self.seeds[a..b]
    }
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

/// Per node, its core index or [`INNER`] | its index among the inner
/// nodes, each numbered in node order (a chunk of nodes per task after
/// counting each chunk's inner nodes); and the number of inner nodes.
fn number_nodes(inner: &[bool]) -> (Vec<u32>, u32) {
    const CHUNK: usize = 1 << 16;
    let mut starts: Vec<u32> = inner
        .par_chunks(CHUNK)
        .map(|c| c.iter().filter(|&&i| i).count() as u32)
        .collect();
    let mut n_inner = 0u32;
    for s in &mut starts {
        (*s, n_inner) = (n_inner, n_inner + *s);
    }
    let mut index = vec![0u32; inner.len()];
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
    (index, n_inner)
}

/// What the walks along chains read and fill while the core arcs are
/// built.
struct Chains<'a> {
    index: &'a [u32],
    full: Adjacency<'a>,
    ends: &'a [[AtomicU64; 2]],
    named: &'a [[AtomicU32; 2]],
}

impl Chains<'_> {
    /// The core arcs of the `core` nodes (CSR starts `first`): each arc of
    /// the full graph from a core node followed to the core node at the
    /// other end of its chain. Blocks of core nodes fill their own runs
    /// of the arc array in parallel.
    fn core_arcs(&self, core: &[u32], first: &[u32]) -> Vec<(u32, u32)> {
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
            .enumerate()
            .for_each(|(b, (run, nodes))| {
                let base = first[b * BLOCK];
                let targets = nodes
                    .iter()
                    .flat_map(|&a| self.full.of(a).iter().map(move |&(w, len)| (a, w, len)));
                for (i, (slot, (a, w, len))) in run.iter_mut().zip(targets).enumerate() {
                    *slot = self.follow(base + i as u32, a, w, len);
                }
            });
        arcs
    }

    /// Core arc `arc` (node `a`'s arc to `w`, `len` mm), followed to the
    /// core node at the other end of its chain: that node's core index
    /// and the chain's millimetres. On the way each inner node learns its
    /// distance from this end, in the slot of the side it was entered from
    /// (so the walks from the two ends fill different slots).
    #[inline]
    fn follow(&self, arc: u32, a: u32, w: u32, len: u32) -> (u32, u32) {
        let index = self.index;
        let (mut prev, mut cur, mut total) = (a, w, len);
        while index[cur as usize] & INNER != 0 {
            let [x, y] = self.full.of(cur) else {
                unreachable!("an inner node has two arcs")
            };
            let side = usize::from(x.0 != prev);
            let k = (index[cur as usize] & !INNER) as usize;
            self.ends[k][side].store(
                u64::from(index[a as usize]) << 32 | u64::from(total),
                Ordering::Relaxed,
            );
            self.named[k][side].store(arc, Ordering::Relaxed);
            let (next, l) = if side == 0 { *y } else { *x };
            prev = cur;
            cur = next;
            total = total.saturating_add(l);
        }
        (index[cur as usize], total)
    }
}

impl Contracted {
    /// Contract the chains of `g` searched in direction `dir`.
    pub(crate) fn new(g: &WalkGraph, dir: Direction) -> Self {
        let n = g.node_count();
        // Indices need the top bit free; a larger graph is not contracted.
        let inner: Vec<bool> = if n < INNER as usize {
            (0..n as u32)
                .into_par_iter()
                .map(|v| passes_through(g, v, dir))
                .collect()
        } else {
            vec![false; n]
        };
        let c = Self::with_inner(g, dir, inner);
        // Rings of inner nodes only (no walk from a core node reaches
        // them): contract again with them in the core.
        let ring: Vec<bool> = c
            .index
            .par_iter()
            .map(|&k| {
                k & INNER != 0 && c.sides((k & !INNER) as usize).iter().any(|s| s.end == NONE)
            })
            .collect();
        if !ring.contains(&true) {
            return c;
        }
        let inner = c
            .index
            .par_iter()
            .zip(ring)
            .map(|(&k, r)| k & INNER != 0 && !r)
            .collect();
        Self::with_inner(g, dir, inner)
    }

    /// Contract `g` with exactly the nodes marked `inner` inside chains.
    fn with_inner(g: &WalkGraph, dir: Direction, inner: Vec<bool>) -> Self {
        let n = g.node_count();
        let full = g.adjacency(dir);
        let (index, n_inner) = number_nodes(&inner);
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
        // Sides as (end << 32 | mm) and the arc, each written by one walk.
        let ends: Vec<[AtomicU64; 2]> = (0..n_inner)
            .map(|_| [AtomicU64::new(u64::MAX), AtomicU64::new(u64::MAX)])
            .collect();
        let named: Vec<[AtomicU32; 2]> = (0..n_inner)
            .map(|_| [AtomicU32::new(NONE), AtomicU32::new(NONE)])
            .collect();
        let chains = Chains {
            index: &index,
            full,
            ends: &ends,
            named: &named,
        };
        let arcs = chains.core_arcs(&core, &first);
        Contracted {
            index,
            first,
            arcs,
            ends,
            named,
        }
    }

    /// The two sides of inner node `k`.
    #[inline]
    fn sides(&self, k: usize) -> [Side; 2] {
        let side = |i: usize| {
            let e = self.ends[k][i].load(Ordering::Relaxed);
            Side {
                end: (e >> 32) as u32,
                mm: e as u32,
                arc: self.named[k][i].load(Ordering::Relaxed),
            }
        };
        [side(0), side(1)]
    }

    /// Number of core nodes (the size of a search over this graph).
    pub(crate) fn core_count(&self) -> usize {
        self.first.len() - 1
    }

    /// Number of nodes of the full graph.
    pub(crate) fn node_count(&self) -> usize {
        self.index.len()
    }

    /// Number of core arcs (chains are named by one of them).
    pub(crate) fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// Where node `v` of the full graph lies: `Ok(its core index)`, or
    /// inside a chain, `Err((the chain, the core nodes at its two ends))`.
    pub(crate) fn place(&self, v: u32) -> Result<u32, (u32, [u32; 2])> {
        let k = self.index[v as usize];
        if k & INNER == 0 {
            return Ok(k);
        }
        let sides = self.sides((k & !INNER) as usize);
        Err((Self::chain_of(&sides).0, [sides[0].end, sides[1].end]))
    }

    /// The core arcs, for a search.
    pub(crate) fn adjacency(&self) -> Adjacency<'_> {
        Adjacency::new(&self.first, &self.arcs)
    }

    /// The core index of node `v` of the full graph, if it is a core node
    /// (the tests' check of the contraction).
    #[cfg(test)]
    pub(crate) fn core_of(&self, v: u32) -> Option<u32> {
        let k = self.index[v as usize];
        (k & INNER == 0).then_some(k)
    }

    /// The chain of an inner node and its millimetres from the chain's
    /// naming end (the side whose arc is the lesser).
    fn chain_of(sides: &[Side; 2]) -> (u32, u32) {
        let s = if sides[0].arc <= sides[1].arc {
            sides[0]
        } else {
            sides[1]
        };
        (s.arc, s.mm)
    }

    /// A search's sources, each (node of the full graph, starting
    /// millimetres), as core seeds (core node, millimetres; a source
    /// inside a chain seeds both chain ends) and the sources inside
    /// chains, for [`Contracted::dist_mm`]. Sources beyond `limit` are
    /// dropped (they reach nothing).
    pub(crate) fn seeds(
        &self,
        sources: impl IntoIterator<Item = (u32, u32)>,
        limit: u32,
    ) -> (Vec<(u32, u32)>, ChainSeeds) {
        let mut core = Vec::new();
        let mut inside = Vec::new();
        for (v, d) in sources {
            if d > limit {
                continue;
            }
            let k = self.index[v as usize];
            if k & INNER == 0 {
                core.push((k, d));
                continue;
            }
            let sides = self.sides((k & !INNER) as usize);
            for s in &sides {
                core.push((s.end, d.saturating_add(s.mm)));
            }
            let (chain, mm) = Self::chain_of(&sides);
            inside.push((chain, mm, d));
        }
        inside.sort_unstable();
        let mut has = Vec::new();
        if inside.len() > ChainSeeds::SCAN {
            has = vec![0u64; self.arcs.len().div_ceil(64)];
            for &(chain, ..) in &inside {
                has[chain as usize >> 6] |= 1 << (chain & 63);
            }
        }
        (core, ChainSeeds { seeds: inside, has })
    }

    /// Distance (whole millimetres) of node `v` of the full graph, given
    /// `dist(k)`, the distance of core node `k` (`None`: not reached), and
    /// the search's sources inside chains: the node's own for a core
    /// node, else the least of its chain ends' plus its offset from each
    /// and of its chain's sources plus the millimetres between. The caller
    /// applies its limit.
    #[inline]
    pub(crate) fn dist_mm(
        &self,
        v: u32,
        inside: &ChainSeeds,
        dist: impl Fn(u32) -> Option<u32>,
    ) -> Option<u32> {
        let k = self.index[v as usize];
        if k & INNER == 0 {
            return dist(k);
        }
        let sides = self.sides((k & !INNER) as usize);
        let via_ends = sides
            .iter()
            .filter_map(|s| dist(s.end).map(|d| d.saturating_add(s.mm)))
            .min();
        let (chain, mm) = Self::chain_of(&sides);
        let on_chain = inside
            .on(chain)
            .iter()
            .map(|&(_, at, d)| d.saturating_add(at.abs_diff(mm)))
            .min();
        via_ends.into_iter().chain(on_chain).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::search::{Scratch, bounded_multi_source};
    use crate::graph::{Edge, Network};
    use crate::testing::Rng;

    /// A random network of chains, junctions, one-way passages, parallel
    /// edges, self-loops and a ring with no junction on it.
    fn network(seed: u64, n: u32) -> Network {
        let mut rng = Rng(seed);
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
    /// Dijkstra over every node, in both directions, for any sources
    /// (inside chains, at junctions, several on one chain) and limits,
    /// with a ring of pass-through nodes moved to the core.
    #[test]
    fn contracted_distances_equal_plain_search() {
        use crate::analysis::search::sweep_contracted;
        for seed in 1..=6u64 {
            let g = WalkGraph::new(network(seed * 0x9E37_79B9, 3000));
            let n = g.node_count();
            let mut rng = Rng(seed);
            let mut sources: Vec<(u32, f64)> = (0..1 + seed as usize * 3)
                .map(|_| {
                    let v = (rng.next_u64() % n as u64) as u32;
                    (v, (rng.next_u64() % 50_000) as f64 / 1000.0)
                })
                .collect();
            // Two sources next to each other on a chain, and one on the ring.
            sources.extend([(1500, 3.0), (1501, 0.0), (n as u32 - 2, 1.0)]);
            for dir in [Direction::Inbound, Direction::Outbound] {
                let c = Contracted::new(&g, dir);
                assert!(c.core_count() < n / 2, "most nodes are contracted");
                assert!(c.core_of(n as u32 - 1).is_some(), "the ring is core");
                for limit in [0.0, 150.0, 2500.0, 1e9] {
                    let mut plain = Scratch::new(n);
                    bounded_multi_source(&g, dir, sources.iter().copied(), limit, &mut plain);
                    let mut s = Scratch::new(c.core_count());
                    let inside = sweep_contracted(&c, sources.iter().copied(), limit, &mut s);
                    for v in 0..n as u32 {
                        let got = s.dist_through(&c, &inside, v);
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
