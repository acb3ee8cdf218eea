//! The frozen walking graph: CSR arrays (first-arc offsets plus flat arc
//! vectors) with `u32` node indices, one set per direction. Searches from
//! facilities run on the *inbound* arcs, so a result is the walk from a home
//! to the facility even where `oneway:foot` applies.

use super::build::{Edge, Network};

/// Direction of a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Follow arcs forwards: distances from the sources.
    Outbound,
    /// Follow arcs backwards: distances to the sources.
    Inbound,
}

/// A walking graph ready for searching.
#[derive(Debug, Clone)]
pub struct WalkGraph {
    /// Nodes, edges and geometry (kept for output).
    pub net: Network,
    out_first: Vec<u32>,
    /// (head node, length in whole millimetres) of each arc: one array of
    /// 8-byte entries, so a search touches few cache lines per node.
    out_arcs: Vec<(u32, u32)>,
    in_first: Vec<u32>,
    in_arcs: Vec<(u32, u32)>,
    /// Weakly connected component per node.
    pub component: Vec<u32>,
    /// Node count per component.
    pub component_sizes: Vec<u32>,
}

/// Metres to whole millimetres (the searches' unit), rounded to nearest.
#[inline]
pub fn to_mm(m: f64) -> u32 {
    // `as` saturates: negative and NaN give 0, huge values u32::MAX.
    (m * 1000.0).round() as u32
}

/// Whole millimetres to metres.
#[inline]
pub fn from_mm(mm: u32) -> f64 {
    f64::from(mm) / 1000.0
}

/// The arcs of `net` leaving each node in direction `dir` as CSR arrays
/// (first arc per node, then (head, whole millimetres)). A counting sort by
/// tail node straight from the edges, then each node's few arcs by (head,
/// length): the order of sorting (tail, head, length) triples, without
/// making or sorting millions of them.
fn csr(net: &Network, dir: Direction) -> (Vec<u32>, Vec<(u32, u32)>) {
    let n = net.node_count();
    // Each usable edge as (tail, head) pairs in direction `dir`.
    let arcs = |e: &Edge| {
        let (fwd, bwd) = if e.from == e.to {
            (false, false)
        } else {
            (e.forward, e.backward)
        };
        let (a, b) = match dir {
            Direction::Outbound => ((e.from, e.to), (e.to, e.from)),
            Direction::Inbound => ((e.to, e.from), (e.from, e.to)),
        };
        [fwd.then_some(a), bwd.then_some(b)].into_iter().flatten()
    };
    let mut first = vec![0u32; n + 1];
    for e in &net.edges {
        for (tail, _) in arcs(e) {
            first[tail as usize + 1] += 1;
        }
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut next = first.clone();
    let mut out = vec![(0u32, 0u32); first[n] as usize];
    for e in &net.edges {
        let len = to_mm(e.length_m);
        for (tail, head) in arcs(e) {
            let slot = &mut next[tail as usize];
            out[*slot as usize] = (head, len);
            *slot += 1;
        }
    }
    for v in 0..n {
        out[first[v] as usize..first[v + 1] as usize].sort_unstable();
    }
    (first, out)
}

/// Arcs as CSR slices: `arcs[first[v]..first[v + 1]]` are node `v`'s
/// (head, whole millimetres).
#[derive(Debug, Clone, Copy)]
pub struct Adjacency<'a> {
    first: &'a [u32],
    arcs: &'a [(u32, u32)],
}

impl<'a> Adjacency<'a> {
    /// `first` has one entry per node plus one.
    pub fn new(first: &'a [u32], arcs: &'a [(u32, u32)]) -> Self {
        Adjacency { first, arcs }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.first.len().saturating_sub(1)
    }

    /// The arcs of node `v`.
    #[inline]
    pub fn of(&self, v: u32) -> &'a [(u32, u32)] {
        &self.arcs[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }
}

impl WalkGraph {
    /// Freeze a network. Parallel edges are kept (the search takes the
    /// shorter); self-loops are dropped from the arc lists.
    pub fn new(net: Network) -> Self {
        let (((out_first, out_arcs), (in_first, in_arcs)), (component, component_sizes)) =
            rayon::join(
                || {
                    rayon::join(
                        || csr(&net, Direction::Outbound),
                        || csr(&net, Direction::Inbound),
                    )
                },
                || net.components(),
            );
        WalkGraph {
            net,
            out_first,
            out_arcs,
            in_first,
            in_arcs,
            component,
            component_sizes,
        }
    }

    /// Number of nodes of the network.
    pub fn node_count(&self) -> usize {
        self.net.node_count()
    }

    /// Number of arcs (directed) in the graph.
    pub fn arc_count(&self) -> usize {
        self.out_arcs.len()
    }

    /// Neighbours of `v` with arc lengths in metres (whole millimetres, as
    /// the searches see them) in direction `dir`.
    #[inline]
    pub fn arcs(&self, v: u32, dir: Direction) -> impl Iterator<Item = (u32, f64)> + '_ {
        self.arcs_mm(v, dir).iter().map(|&(w, mm)| (w, from_mm(mm)))
    }

    /// Neighbours of `v` with arc lengths in whole millimetres.
    #[inline]
    pub fn arcs_mm(&self, v: u32, dir: Direction) -> &[(u32, u32)] {
        self.adjacency(dir).of(v)
    }

    /// Every node's arcs in direction `dir`.
    #[inline]
    pub fn adjacency(&self, dir: Direction) -> Adjacency<'_> {
        match dir {
            Direction::Outbound => Adjacency::new(&self.out_first, &self.out_arcs),
            Direction::Inbound => Adjacency::new(&self.in_first, &self.in_arcs),
        }
    }
}
