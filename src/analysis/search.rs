//! Bounded multi-source Dijkstra over a [`WalkGraph`] with reusable scratch
//! space, in whole millimetres: exact integer sums (the same distance
//! whatever the order of additions), 4-byte distances and a monotone
//! priority queue: for searches from a few sources a bucket queue
//! ([`Queue`]: distances only grow in Dijkstra and are bounded by the
//! limit, so a push is one append to the bucket of its distance band and
//! only the band being settled is ordered, in a heap of a few entries),
//! for searches from many a radix heap (`radix-heap`: a wide front puts
//! thousands of entries in a band; integer keys that only grow, so pops
//! cost amortised O(1) bucket moves), so a million-node search stays
//! mostly in cache. Resetting costs the nodes the last search touched, so
//! thousands of small searches allocate nothing.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::graph::WalkGraph;
use crate::graph::contract::{ChainSeeds, Contracted};
use crate::graph::csr::{Adjacency, Direction, from_mm, to_mm};

/// Not reached.
const UNREACHED: u32 = u32::MAX;

/// Per-thread search state for graphs of up to `n` nodes.
#[derive(Debug, Clone)]
pub(crate) struct Scratch {
    /// Tentative or final distance (mm) per node; [`UNREACHED`] otherwise.
    slot: Vec<u32>,
    heap: radix_heap::RadixHeapMap<Reverse<u32>, u32>,
    queue: Queue,
    /// Nodes reached by the last search (each once, in settling order).
    /// Empty after a `sweep`, which clears every distance on reset.
    pub reached: Vec<u32>,
    /// The last search was a `sweep`: the next reset clears everything.
    swept: bool,
    /// Distance buckets of `sweep` (node sets), kept between sweeps.
    buckets: Vec<NodeSet>,
    /// The round of a `sweep` bucket being expanded.
    batch: NodeSet,
    /// The last search's limit (mm), for [`Scratch::dist_through`].
    limit: u32,
}

/// A set of nodes as a bitmap, with the range of words that may hold set
/// bits: inserting is one bit, and taking the nodes out gives them in
/// ascending order without duplicates (no sort).
#[derive(Debug, Clone, Default)]
struct NodeSet {
    words: Vec<u64>,
    /// Words `lo..hi` may be non-zero; every other word is zero.
    lo: usize,
    hi: usize,
}

impl NodeSet {
    fn with_nodes(n: usize) -> Self {
        NodeSet {
            words: vec![0; n.div_ceil(64)],
            lo: usize::MAX,
            hi: 0,
        }
    }

    fn is_empty(&self) -> bool {
        self.lo >= self.hi
    }

    #[inline]
    fn insert(&mut self, v: u32) {
        let w = v as usize >> 6;
        self.words[w] |= 1 << (v & 63);
        self.lo = self.lo.min(w);
        self.hi = self.hi.max(w + 1);
    }

    /// Call `f` on each node in ascending order, leaving the set empty.
    fn drain(&mut self, mut f: impl FnMut(u32)) {
        for w in self.lo..self.hi.max(self.lo) {
            let mut bits = std::mem::take(&mut self.words[w]);
            while bits != 0 {
                f((w as u32) << 6 | bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        self.lo = usize::MAX;
        self.hi = 0;
    }
}

impl Scratch {
    /// Empty search state for a graph of `n` nodes.
    pub(crate) fn new(n: usize) -> Self {
        Scratch {
            slot: vec![UNREACHED; n],
            heap: radix_heap::RadixHeapMap::new(),
            queue: Queue::default(),
            reached: Vec::new(),
            swept: false,
            buckets: Vec::new(),
            batch: NodeSet::default(),
            limit: 0,
        }
    }

    /// Forget the last search: every node it touched was settled (a node
    /// is only queued within the limit, and every queued node is popped),
    /// so clearing the settled ones clears them all.
    fn reset(&mut self) {
        if self.swept || self.reached.len() > self.slot.len() / 8 {
            self.slot.fill(UNREACHED);
        } else {
            for &v in &self.reached {
                self.slot[v as usize] = UNREACHED;
            }
        }
        self.reached.clear();
        self.swept = false;
    }

    /// Distance (metres, whole millimetres) of `v` in the last search, if
    /// reached within the limit.
    #[inline]
    pub(crate) fn dist(&self, v: u32) -> Option<f64> {
        let d = self.slot[v as usize];
        (d != UNREACHED).then(|| from_mm(d))
    }

    /// Distance (metres) of node `v` of the full graph after a
    /// [`sweep_contracted`] over `c` that returned `inside`:
    /// exactly [`Scratch::dist`] of a search over every node, `None`
    /// beyond the limit.
    #[inline]
    pub(crate) fn dist_through(&self, c: &Contracted, inside: &ChainSeeds, v: u32) -> Option<f64> {
        self.mm_through(c, inside, v).map(from_mm)
    }

    /// [`Scratch::dist_through`] in whole millimetres.
    #[inline]
    fn mm_through(&self, c: &Contracted, inside: &ChainSeeds, v: u32) -> Option<u32> {
        c.dist_mm(v, inside, |k| {
            let d = self.slot[k as usize];
            (d != UNREACHED).then_some(d)
        })
        .filter(|&d| d <= self.limit)
    }
}

/// The distance of every node of a graph from one search, whole
/// millimetres, [`UNREACHED`] beyond its limit: 4 bytes a node, read in
/// any order.
#[derive(Debug, Clone)]
pub(crate) struct NodeDistances(Vec<u32>);

impl NodeDistances {
    /// Distance (metres) of node `v`, if reached within the limit.
    #[inline]
    pub(crate) fn get(&self, v: u32) -> Option<f64> {
        let d = self.0[v as usize];
        (d != UNREACHED).then(|| from_mm(d))
    }

    /// Number of nodes.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

/// Every node's distance (of the full graph) from `sources` within
/// `limit_m`: a [`sweep_contracted`] over `c`'s core, then each node's
/// distance through its chain ([`Scratch::dist_through`]), in parallel.
/// Exactly the distances of a [`bounded_multi_source`] over every node,
/// for searches that reach much of a large graph (a set of facilities'
/// walking bands), at a fraction of the cost. `scratch` is for the core's
/// node count.
pub(crate) fn every_node_swept(
    c: &Contracted,
    sources: impl IntoIterator<Item = (u32, f64)>,
    limit_m: f64,
    scratch: &mut Scratch,
) -> NodeDistances {
    let inside = sweep_contracted(c, sources, limit_m, scratch);
    let sc = &*scratch;
    NodeDistances(
        (0..c.node_count() as u32)
            .into_par_iter()
            .map(|v| sc.mm_through(c, &inside, v).unwrap_or(UNREACHED))
            .collect(),
    )
}

/// The limit in millimetres (rounded like every length), below
/// [`UNREACHED`]; `None` for a negative or NaN limit, which reaches nothing.
fn limit_mm(limit_m: f64) -> Option<u32> {
    (!limit_m.is_nan() && limit_m >= 0.0).then(|| to_mm(limit_m).min(UNREACHED - 1))
}

/// A source's starting distance in whole millimetres (rounded like every
/// length); `None` for a negative or NaN one, which is skipped.
fn start_mm(d: f64) -> Option<u32> {
    (!d.is_nan() && d >= 0.0).then(|| to_mm(d))
}

/// Sources (node, metres) as (node, whole millimetres), skipping negative
/// and NaN starts.
fn in_mm(sources: impl IntoIterator<Item = (u32, f64)>) -> impl Iterator<Item = (u32, u32)> {
    sources
        .into_iter()
        .filter_map(|(v, d)| start_mm(d).map(|d| (v, d)))
}

/// Set each source's starting distance (the smallest wins) and `queue` it
/// when within `limit`.
fn seed(
    slot: &mut [u32],
    sources: impl IntoIterator<Item = (u32, u32)>,
    limit: u32,
    mut queue: impl FnMut(u32, u32),
) {
    for (v, d) in sources {
        if d <= limit && d < slot[v as usize] {
            slot[v as usize] = d;
            queue(v, d);
        }
    }
}

/// Dijkstra from several sources, each with a starting distance (metres),
/// settling every node whose distance is at most `limit_m`. Distances are
/// summed in whole millimetres (arc lengths, starting distances and the
/// limit rounded to the millimetre; negative starts are skipped).
/// Afterwards `scratch.dist(v)` is exact for every
/// reached node and `None` otherwise; `scratch.reached` lists the reached
/// nodes in settling order.
pub(crate) fn bounded_multi_source(
    graph: &WalkGraph,
    dir: Direction,
    sources: impl IntoIterator<Item = (u32, f64)>,
    limit_m: f64,
    scratch: &mut Scratch,
) {
    bounded_mm(graph.adjacency(dir), in_mm(sources), limit_m, scratch);
}

/// [`bounded_multi_source`] over the core of `c`, the sources being nodes
/// of the full graph (those inside chains start at both chain ends):
/// `scratch.reached` lists the core nodes settled. Returns the sources
/// inside chains, for [`Scratch::dist_through`]; `scratch` is for the
/// core's node count.
pub(crate) fn bounded_contracted(
    c: &Contracted,
    sources: impl IntoIterator<Item = (u32, f64)>,
    limit_m: f64,
    scratch: &mut Scratch,
) -> ChainSeeds {
    on_core(c, sources, limit_m, scratch, bounded_mm)
}

/// `search` over the core of `c` from sources that are nodes of the full
/// graph (those inside chains seed both chain ends); returns the sources
/// inside chains.
fn on_core(
    c: &Contracted,
    sources: impl IntoIterator<Item = (u32, f64)>,
    limit_m: f64,
    scratch: &mut Scratch,
    search: fn(Adjacency<'_>, Vec<(u32, u32)>, f64, &mut Scratch),
) -> ChainSeeds {
    let (seeds, inside) = c.seeds(in_mm(sources), limit_mm(limit_m).unwrap_or(0));
    search(c.adjacency(), seeds, limit_m, scratch);
    inside
}

/// Dijkstra over `graph` from sources whose starting distances are
/// already whole millimetres.
fn bounded_mm(
    graph: Adjacency<'_>,
    sources: impl IntoIterator<Item = (u32, u32)>,
    limit_m: f64,
    scratch: &mut Scratch,
) {
    scratch.reset();
    let Some(limit) = limit_mm(limit_m) else {
        return;
    };
    scratch.limit = limit;
    let Scratch {
        slot,
        heap,
        queue,
        reached,
        ..
    } = scratch;
    // Few sources: a narrow front, a few entries per band of the bucket
    // queue. Many (a category's every facility): a wide front, thousands
    // per band, which the radix heap orders faster than a band's heap.
    let seeds: Vec<(u32, u32)> = sources.into_iter().collect();
    if seeds.len() <= BANDED_SOURCES {
        queue.start(limit);
        settle(graph, slot, reached, queue, seeds, limit);
    } else {
        heap.clear();
        settle(graph, slot, reached, heap, seeds, limit);
    }
}

/// Searches from up to this many sources use the bucket queue ([`Queue`]),
/// others the radix heap.
const BANDED_SOURCES: usize = 64;

/// What Dijkstra needs of its priority queue: entries (distance, node)
/// taken out least first, each pop at least the last.
trait Monotone {
    fn push(&mut self, dist: u32, node: u32);
    fn pop(&mut self) -> Option<(u32, u32)>;
}

impl Monotone for radix_heap::RadixHeapMap<Reverse<u32>, u32> {
    #[inline]
    fn push(&mut self, dist: u32, node: u32) {
        radix_heap::RadixHeapMap::push(self, Reverse(dist), node);
    }

    #[inline]
    fn pop(&mut self) -> Option<(u32, u32)> {
        radix_heap::RadixHeapMap::pop(self).map(|(Reverse(d), v)| (d, v))
    }
}

/// Dijkstra from `seeds` (node, whole millimetres) up to `limit` over a
/// cleared `slot`, listing the settled nodes in `reached`.
#[inline]
fn settle(
    graph: Adjacency<'_>,
    slot: &mut [u32],
    reached: &mut Vec<u32>,
    queue: &mut impl Monotone,
    seeds: Vec<(u32, u32)>,
    limit: u32,
) {
    seed(slot, seeds, limit, |v, d| queue.push(d, v));
    while let Some((dist, node)) = queue.pop() {
        if dist > slot[node as usize] {
            continue;
        }
        reached.push(node);
        for &(w, len) in graph.of(node) {
            let nd = dist.saturating_add(len);
            if nd <= limit && nd < slot[w as usize] {
                slot[w as usize] = nd;
                queue.push(nd, w);
            }
        }
    }
}

/// Most buckets a [`Queue`] keeps: the band width grows for larger limits.
const QUEUE_BUCKETS: u32 = 4096;

/// A monotone priority queue of (distance, node) for distances up to a
/// limit: entries go to the bucket of their distance band (1.024 m wide,
/// wider for limits beyond 4 km so that there are at most
/// [`QUEUE_BUCKETS`]), and the band being popped is a binary heap, so pops
/// come out in exact (distance, node) order. Each pop must be at least the
/// last one popped, as in Dijkstra. Buckets keep their capacity between
/// searches.
#[derive(Debug, Clone, Default)]
struct Queue {
    /// Distance band of an entry: `distance >> shift`.
    shift: u32,
    /// Entries of the bands after the current one.
    buckets: Vec<Vec<Reverse<(u32, u32)>>>,
    /// The current band's entries.
    current: BinaryHeap<Reverse<(u32, u32)>>,
    /// The current band.
    band: usize,
    /// One past the last band that may hold entries.
    end: usize,
}

impl Queue {
    /// Empty the queue for distances up to `limit`.
    fn start(&mut self, limit: u32) {
        self.shift = 10;
        while limit >> self.shift >= QUEUE_BUCKETS {
            self.shift += 1;
        }
        let n = (limit >> self.shift) as usize + 1;
        if self.buckets.len() < n {
            self.buckets.resize_with(n, Vec::new);
        }
        for b in &mut self.buckets[self.band..self.end.max(self.band)] {
            b.clear();
        }
        self.current.clear();
        self.band = 0;
        self.end = 0;
    }
}

impl Monotone for Queue {
    /// Queue `node` at `dist` (within the limit given to [`Queue::start`],
    /// and not less than the last pop).
    #[inline]
    fn push(&mut self, dist: u32, node: u32) {
        let b = (dist >> self.shift) as usize;
        if b == self.band {
            self.current.push(Reverse((dist, node)));
        } else {
            self.buckets[b].push(Reverse((dist, node)));
            self.end = self.end.max(b + 1);
        }
    }

    /// The least entry, taken out.
    #[inline]
    fn pop(&mut self) -> Option<(u32, u32)> {
        loop {
            if let Some(Reverse(e)) = self.current.pop() {
                return Some(e);
            }
            let mut b = self.band + 1;
            while b < self.end && self.buckets[b].is_empty() {
                b += 1;
            }
            if b >= self.end {
                return None;
            }
            self.band = b;
            let next = std::mem::take(&mut self.buckets[self.band]);
            // The heap's empty buffer goes back as the bucket, so both
            // keep their capacity.
            let spent = std::mem::replace(&mut self.current, BinaryHeap::from(next));
            self.buckets[self.band] = spent.into_vec();
        }
    }
}

/// Width of a `sweep` bucket in millimetres.
const SWEEP_BUCKET_MM: u32 = 150_000;

/// The same distances as [`bounded_multi_source`] (exact, whole
/// millimetres, `limit_m` inclusive), for searches that reach most of the
/// graph (one source per facility of a category): nodes are taken in
/// buckets of 150 m of distance and, within a bucket, in node order, which
/// after the spatial renumbering is close to memory order; a node improved
/// within its own bucket is taken again (delta-stepping, Meyer & Sanders
/// 2003). Plain Dijkstra settles nodes all over the city one after the
/// other, and each settle misses the cache. `scratch.reached` is left
/// empty; read results with `scratch.dist` (or `scratch.dist_through` for
/// a contracted graph's full nodes). `scratch` is for `graph`'s node count.
/// The searches run [`sweep_contracted`]; the oracle tests run this one.
#[cfg(test)]
pub(crate) fn sweep(
    graph: Adjacency<'_>,
    sources: impl IntoIterator<Item = (u32, f64)>,
    limit_m: f64,
    scratch: &mut Scratch,
) {
    sweep_mm(graph, in_mm(sources), limit_m, scratch);
}

/// `sweep` over the core of `c`, the sources being nodes of the full
/// graph (those inside chains start at both chain ends). Returns the
/// sources inside chains, for [`Scratch::dist_through`]; `scratch` is for
/// the core's node count.
pub(crate) fn sweep_contracted(
    c: &Contracted,
    sources: impl IntoIterator<Item = (u32, f64)>,
    limit_m: f64,
    scratch: &mut Scratch,
) -> ChainSeeds {
    on_core(c, sources, limit_m, scratch, sweep_mm)
}

/// `sweep` from sources whose starting distances are already whole
/// millimetres.
fn sweep_mm(
    graph: Adjacency<'_>,
    sources: impl IntoIterator<Item = (u32, u32)>,
    limit_m: f64,
    scratch: &mut Scratch,
) {
    scratch.reset();
    scratch.slot.fill(UNREACHED);
    scratch.swept = true;
    let Some(limit) = limit_mm(limit_m) else {
        return;
    };
    scratch.limit = limit;
    let Scratch {
        slot,
        buckets,
        batch,
        ..
    } = scratch;
    let n = slot.len();
    let nb = (limit / SWEEP_BUCKET_MM) as usize + 1;
    if batch.words.len() != n.div_ceil(64) {
        *batch = NodeSet::with_nodes(n);
        buckets.clear();
    }
    // Sets are left empty by `drain`, so they need no clearing here.
    if buckets.len() < nb {
        buckets.resize_with(nb, || NodeSet::with_nodes(n));
    }
    seed(slot, sources, limit, |v, d| {
        buckets[(d / SWEEP_BUCKET_MM) as usize].insert(v)
    });
    for b in 0..nb {
        // Each round takes the bucket's nodes in node order; nodes
        // improved into this bucket meanwhile make the next round.
        while !buckets[b].is_empty() {
            std::mem::swap(batch, &mut buckets[b]);
            batch.drain(|v| {
                let d = slot[v as usize];
                // Moved on: improved into this bucket's next round (it is
                // queued there again), never to a later bucket.
                if (d / SWEEP_BUCKET_MM) as usize != b {
                    return;
                }
                for &(w, len) in graph.of(v) {
                    let nd = d.saturating_add(len);
                    if nd <= limit && nd < slot[w as usize] {
                        slot[w as usize] = nd;
                        buckets[(nd / SWEEP_BUCKET_MM) as usize].insert(w);
                    }
                }
            });
        }
    }
}

/// `f(state, item)` for every item, in parallel, results in item order,
/// each item a task of its own (for a few long items: the category
/// sweeps, where chunks of several items could leave one thread idle at
/// the end), states taken from a pool so that at most one per thread is
/// made. `f`'s result must not depend on what the state held before.
pub(crate) fn par_map_pooled<T, S, R>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    S: Send,
    R: Send,
{
    let pool: std::sync::Mutex<Vec<S>> = std::sync::Mutex::new(Vec::new());
    // Taking or returning a state cannot panic while holding the lock,
    // so a poisoned lock still holds a consistent list.
    let take = || pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
    items
        .par_iter()
        .with_max_len(1)
        .map(|x| {
            let mut state = take().unwrap_or_else(&init);
            let r = f(&mut state, x);
            pool.lock().unwrap_or_else(|e| e.into_inner()).push(state);
            r
        })
        .collect()
}

/// `f(state, item)` for every item, in parallel, results in item order, with
/// one `init()` state per chunk of items (four chunks per worker thread)
/// rather than rayon's one per job split: a [`Scratch`] for a
/// million-node graph is tens of megabytes, so allocating it per split
/// costs page faults and memory.
pub(crate) fn par_map_chunked<T, S, R>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The bucket queue pops exactly what a binary heap pops, (distance,
    /// node) least first, for Dijkstra-like use (pushes never below the
    /// last pop), over many limits (band widths) on one reused queue.
    #[test]
    fn bucket_queue_pops_in_heap_order() {
        let mut rng = crate::testing::Rng(0xB0C4E7);
        let mut q = Queue::default();
        for round in 0..300 {
            let limit = match round % 4 {
                0 => 1 + (rng.next_u64() % 5_000) as u32,
                1 => 1 + (rng.next_u64() % 3_000_000) as u32,
                2 => u32::MAX - 1,
                _ => (rng.next_u64() % 100) as u32,
            };
            q.start(limit);
            let mut heap = BinaryHeap::new();
            let mut last = 0u32;
            let mut pushed = 0;
            let push = |q: &mut Queue, heap: &mut BinaryHeap<_>, d: u32, v: u32| {
                q.push(d, v);
                heap.push(Reverse((d, v)));
            };
            for _ in 0..rng.next_u64() % 5 {
                let d = (rng.next_u64() % (u64::from(limit) + 1)) as u32;
                push(&mut q, &mut heap, d, (rng.next_u64() % 50) as u32);
            }
            loop {
                let got = q.pop();
                let want = heap.pop().map(|Reverse(e)| e);
                assert_eq!(got, want, "round {round}, limit {limit}");
                let Some((d, _)) = got else { break };
                assert!(d >= last);
                last = d;
                // A few pushes at or after the pop, within the limit.
                for _ in 0..rng.next_u64() % 3 {
                    if pushed > 2_000 {
                        break;
                    }
                    let span = u64::from(limit - d) + 1;
                    let step = match rng.next_u64() % 3 {
                        0 => 0,
                        1 => rng.next_u64() % span.min(2_000),
                        _ => rng.next_u64() % span,
                    };
                    push(
                        &mut q,
                        &mut heap,
                        d + step as u32,
                        (rng.next_u64() % 50) as u32,
                    );
                    pushed += 1;
                }
            }
        }
    }

    /// Results come in item order, and no more states are made than there
    /// are threads (each is reused, whatever it held).
    #[test]
    fn pooled_map_keeps_order_and_reuses_states() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let made = AtomicUsize::new(0);
        let items: Vec<u64> = (0..200).collect();
        let out = pool.install(|| {
            par_map_pooled(
                &items,
                || {
                    made.fetch_add(1, Ordering::Relaxed);
                    Vec::<u64>::new()
                },
                |state, &x| {
                    state.clear();
                    state.extend(0..=x);
                    state.iter().sum::<u64>()
                },
            )
        });
        let want: Vec<u64> = items.iter().map(|&x| x * (x + 1) / 2).collect();
        assert_eq!(out, want);
        let made = made.load(Ordering::Relaxed);
        assert!((1..=2).contains(&made), "{made} states for 2 threads");
    }
}
