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
    /// (head node, length in metres) of each arc: one array, so a search
    /// touches one cache line per arc.
    out_arcs: Vec<(u32, f64)>,
    in_first: Vec<u32>,
    in_arcs: Vec<(u32, f64)>,
    /// Weakly connected component per node.
    pub component: Vec<u32>,
    /// Node count per component.
    pub component_sizes: Vec<u32>,
}

fn csr(n: usize, arcs: &mut [(u32, u32, f64)]) -> (Vec<u32>, Vec<(u32, f64)>) {
    arcs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.total_cmp(&b.2)));
    let mut first = vec![0u32; n + 1];
    for a in arcs.iter() {
        first[a.0 as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    (first, arcs.iter().map(|a| (a.1, a.2)).collect())
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
            if e.forward {
                out_arcs.push((e.from, e.to, e.length_m));
                in_arcs.push((e.to, e.from, e.length_m));
            }
            if e.backward {
                out_arcs.push((e.to, e.from, e.length_m));
                in_arcs.push((e.from, e.to, e.length_m));
            }
        }
        let (out_first, out_arcs) = csr(n, &mut out_arcs);
        let (in_first, in_arcs) = csr(n, &mut in_arcs);
        let (component, component_sizes) = net.components();
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

    /// Neighbours of `v` with arc lengths (metres) in direction `dir`.
    #[inline]
    pub fn arcs(&self, v: u32, dir: Direction) -> impl Iterator<Item = (u32, f64)> + '_ {
        let (first, arcs) = match dir {
            Direction::Outbound => (&self.out_first, &self.out_arcs),
            Direction::Inbound => (&self.in_first, &self.in_arcs),
        };
        arcs[first[v as usize] as usize..first[v as usize + 1] as usize]
            .iter()
            .copied()
    }
}
