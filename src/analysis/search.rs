//! Bounded multi-source Dijkstra over a [`WalkGraph`] with reusable scratch
//! space: distances live in a per-thread array reset in O(1) by a generation
//! counter, so thousands of searches allocate nothing.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::graph::WalkGraph;
use crate::graph::csr::Direction;

/// A heap entry: the distance as its IEEE bits (for non-negative floats
/// the bits order like the values, and integer compares are cheaper).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    key: u64,
    node: u32,
}

impl Entry {
    #[inline]
    fn new(dist: f64, node: u32) -> Self {
        debug_assert!(dist >= 0.0);
        Entry {
            key: dist.to_bits(),
            node,
        }
    }

    #[inline]
    fn dist(self) -> f64 {
        f64::from_bits(self.key)
    }
}

impl Ord for Entry {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on distance, then node index for a total order.
        other
            .key
            .cmp(&self.key)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Per-thread search state for graphs of up to `n` nodes.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// (distance, generation stamp) per node: one cache line per visit.
    slot: Vec<(f64, u32)>,
    generation: u32,
    heap: BinaryHeap<Entry>,
    /// Nodes reached by the last search (each once, in settling order).
    pub reached: Vec<u32>,
}

impl Scratch {
    pub fn new(n: usize) -> Self {
        Scratch {
            slot: vec![(f64::INFINITY, 0); n],
            generation: 0,
            heap: BinaryHeap::new(),
            reached: Vec::new(),
        }
    }

    fn reset(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.slot.iter_mut().for_each(|s| s.1 = 0);
            self.generation = 1;
        }
        self.heap.clear();
        self.reached.clear();
    }

    /// Distance (metres) of `v` in the last search, if reached within the limit.
    #[inline]
    pub fn dist(&self, v: u32) -> Option<f64> {
        let (d, stamp) = self.slot[v as usize];
        (stamp == self.generation).then_some(d)
    }

    #[inline]
    fn tentative(&self, v: u32) -> f64 {
        let (d, stamp) = self.slot[v as usize];
        if stamp == self.generation {
            d
        } else {
            f64::INFINITY
        }
    }

    #[inline]
    fn set(&mut self, v: u32, d: f64) {
        self.slot[v as usize] = (d, self.generation);
    }
}

/// Dijkstra from several sources, each with a starting distance (metres),
/// settling every node whose distance is at most `limit_m`. Afterwards
/// `scratch.dist(v)` is exact for every reached node and `None` otherwise;
/// `scratch.reached` lists the reached nodes in settling order.
pub fn bounded_multi_source(
    graph: &WalkGraph,
    dir: Direction,
    sources: impl IntoIterator<Item = (u32, f64)>,
    limit_m: f64,
    scratch: &mut Scratch,
) {
    scratch.reset();
    for (v, d) in sources {
        if d <= limit_m && d < scratch.tentative(v) {
            scratch.set(v, d);
            scratch.heap.push(Entry::new(d, v));
        }
    }
    while let Some(entry) = scratch.heap.pop() {
        let (dist, node) = (entry.dist(), entry.node);
        if dist > scratch.slot[node as usize].0 {
            continue;
        }
        scratch.reached.push(node);
        for (w, len) in graph.arcs(node, dir) {
            let nd = dist + len;
            if nd <= limit_m && nd < scratch.tentative(w) {
                scratch.set(w, nd);
                scratch.heap.push(Entry::new(nd, w));
            }
        }
    }
}

/// `f(state, item)` for every item, in parallel, results in item order, with
/// one `init()` state per chunk of items (four chunks per worker thread)
/// rather than rayon's one per job split: a [`Scratch`] for a
/// million-node graph is tens of megabytes, so allocating it per split
/// costs page faults and memory.
pub fn par_map_chunked<T, S, R>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let chunks = (rayon::current_num_threads() * 4).max(1);
    let per = items.len().div_ceil(chunks).max(1);
    items
        .par_chunks(per)
        .flat_map_iter(|chunk| {
            let mut state = init();
            chunk.iter().map(|x| f(&mut state, x)).collect::<Vec<R>>()
        })
        .collect()
}
