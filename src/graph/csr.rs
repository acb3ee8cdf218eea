//! The frozen walking graph: CSR arrays (first-arc offsets plus flat arc
//! vectors) with `u32` node indices, one set per direction. Searches from
//! facilities run on the *inbound* arcs, so a result is the walk from a home
//! to the facility even where `oneway:foot` applies.

use super::build::Network;

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

fn csr(n: usize, arcs: &[(u32, u32, u32)]) -> (Vec<u32>, Vec<(u32, u32)>) {
    // Counting sort by tail node, then each node's few arcs by (head,
    // length): the order of sorting the triples, without a sort of
    // millions of them.
    let mut first = vec![0u32; n + 1];
    for a in arcs {
        first[a.0 as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut next = first.clone();
    let mut out = vec![(0u32, 0u32); arcs.len()];
    for a in arcs {
        let slot = &mut next[a.0 as usize];
        out[*slot as usize] = (a.1, a.2);
        *slot += 1;
    }
    for v in 0..n {
        out[first[v] as usize..first[v + 1] as usize].sort_unstable();
    }
    (first, out)
}

impl WalkGraph {
    /// Freeze a network. Parallel edges are kept (the search takes the
    /// shorter); self-loops are dropped from the arc lists.
    pub fn new(net: Network) -> Self {
        let n = net.node_count();
        let mut out_arcs = Vec::with_capacity(net.edges.len() * 2);
        let mut in_arcs = Vec::with_capacity(net.edges.len() * 2);
        for e in &net.edges {
            if e.from == e.to {
                continue;
            }
            let len = to_mm(e.length_m);
            if e.forward {
                out_arcs.push((e.from, e.to, len));
                in_arcs.push((e.to, e.from, len));
            }
            if e.backward {
                out_arcs.push((e.to, e.from, len));
                in_arcs.push((e.from, e.to, len));
            }
        }
        let (((out_first, out_arcs), (in_first, in_arcs)), (component, component_sizes)) =
            rayon::join(
                || rayon::join(|| csr(n, &out_arcs), || csr(n, &in_arcs)),
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
        let (first, arcs) = match dir {
            Direction::Outbound => (&self.out_first, &self.out_arcs),
            Direction::Inbound => (&self.in_first, &self.in_arcs),
        };
        &arcs[first[v as usize] as usize..first[v as usize + 1] as usize]
    }
}
