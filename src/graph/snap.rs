//! Attach facilities and communities to the walking network. A point snaps
//! onto the nearest edge segment (the straight walk from the point to the
//! network is added to every distance); a polygon is reached through its
//! entrances or else through several boundary points near the network. Items
//! beyond the maximum snap distance, or whose nearest network is a small
//! disconnected island, are unreachable and reported with the reason.
//!
//! Snap points are then inserted into the network as nodes ([`attach`]), so
//! searches are exact along partial edges with no special cases.

use std::ops::Range;

use geo::{Centroid, Geometry, LineString, Point};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};

use super::build::{Edge, Network, geodesic_m};
pub(crate) use crate::model::AccessMode;
use crate::spatial::{
    BoxItem, LocalProjection, SegmentIndex, closest_on_segment, dist, nearest_segment,
};

/// Snapping settings (all distances in metres).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SnapSettings {
    /// Items farther than this from any usable edge are unreachable.
    pub max_snap_m: f64,
    /// Components with fewer nodes than this are islands: not snapped to.
    pub min_component_nodes: u32,
    /// Spacing of sample points along polygon boundaries and lines.
    pub boundary_spacing_m: f64,
    /// At most this many access points per polygon or line.
    pub max_access_points: usize,
}

impl Default for SnapSettings {
    fn default() -> Self {
        SnapSettings {
            max_snap_m: 300.0,
            min_component_nodes: 50,
            boundary_spacing_m: 20.0,
            max_access_points: 8,
        }
    }
}

/// Where an item touches the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SnapHit {
    /// Index of the edge in the network's edges.
    pub edge: u32,
    /// Distance along the edge from its `from` node, metres (geodesic).
    pub offset_m: f64,
    /// Straight distance from the item's point to the network, metres.
    pub dist_m: f64,
}

/// Why an item could not be attached to the network.
#[derive(Debug, Clone, PartialEq)]
pub enum Unreachable {
    /// No usable edge within the maximum snap distance.
    TooFar {
        /// Distance to the nearest usable edge, if any exists.
        nearest_m: Option<f64>,
        /// The maximum snap distance, metres.
        max_m: f64,
    },
    /// Only a small disconnected island of the network is near.
    Island {
        /// Number of nodes of that island.
        nodes: u32,
        /// Distance from the item to the island's nearest edge, metres.
        dist_m: f64,
    },
    /// The geometry is empty or has no usable point.
    NoGeometry,
}

impl Unreachable {
    /// A one-line reason for reports.
    pub fn reason(&self) -> String {
        match self {
            Unreachable::TooFar {
                nearest_m: Some(d),
                max_m,
            } => format!(
                "nearest walkable street is {d:.0} m away (more than the {max_m:.0} m snap limit); \
                 outside the network extract?"
            ),
            Unreachable::TooFar {
                nearest_m: None,
                max_m,
            } => format!("no walkable street within {max_m:.0} m"),
            Unreachable::Island { nodes, dist_m } => format!(
                "nearest street ({dist_m:.0} m) is on a disconnected island of {nodes} nodes"
            ),
            Unreachable::NoGeometry => "empty geometry".to_string(),
        }
    }

    /// A short code for tables.
    pub fn code(&self) -> &'static str {
        match self {
            Unreachable::TooFar { .. } => "too_far",
            Unreachable::Island { .. } => "island",
            Unreachable::NoGeometry => "no_geometry",
        }
    }
}

/// Snaps lon/lat geometry onto a network.
pub(crate) struct Snapper<'a> {
    net: &'a Network,
    proj: LocalProjection,
    settings: SnapSettings,
    main: SegmentIndex,
    islands: SegmentIndex,
    comp: Vec<u32>,
    comp_sizes: Vec<u32>,
}

impl<'a> Snapper<'a> {
    /// Index the network's segments (bulk-loaded R-trees, projected metres).
    pub(crate) fn new(net: &'a Network, proj: LocalProjection, settings: SnapSettings) -> Self {
        let (comp, comp_sizes) = net.components();
        // One projected bounding box per edge (in parallel, edge order
        // kept), straight into one list per index.
        let big = |e: usize| {
            comp_sizes[comp[net.edges[e].from as usize] as usize] >= settings.min_component_nodes
        };
        let boxed = |e: usize| {
            let mut pts = net.edge_geom(e).iter().map(|&q| proj.project(q));
            let first = pts.next().unwrap_or([0.0, 0.0]);
            let (lo, hi) = pts.fold((first, first), |(lo, hi), q| {
                (
                    [lo[0].min(q[0]), lo[1].min(q[1])],
                    [hi[0].max(q[0]), hi[1].max(q[1])],
                )
            });
            GeomWithData::new(Rectangle::from_corners(lo, hi), e as u32)
        };
        let (main, islands): (Vec<BoxItem>, Vec<BoxItem>) = rayon::join(
            || {
                (0..net.edges.len())
                    .into_par_iter()
                    .filter(|&e| big(e))
                    .map(boxed)
                    .collect()
            },
            || {
                (0..net.edges.len())
                    .into_par_iter()
                    .filter(|&e| !big(e))
                    .map(boxed)
                    .collect()
            },
        );
        let (main, islands) =
            rayon::join(|| SegmentIndex::new(main), || SegmentIndex::new(islands));
        Snapper {
            net,
            proj,
            settings,
            main,
            islands,
            comp,
            comp_sizes,
        }
    }

    /// Number of nodes in the component containing `node`.
    pub(crate) fn component_size(&self, node: u32) -> u32 {
        self.comp_sizes[self.comp[node as usize] as usize]
    }

    /// Edge `e`'s nearest segment to `p` (projected) and its squared
    /// distance.
    fn measure(&self, e: u32, p: [f64; 2]) -> (u32, f64) {
        let g = self.net.edge_geom(e as usize);
        nearest_segment(g.iter().map(|&q| self.proj.project(q)), p)
    }

    fn nearest(&self, index: &SegmentIndex, p: [f64; 2]) -> Option<SnapHit> {
        let (e, s, _) = index.nearest(p, |e| self.measure(e, p))?;
        Some(self.hit(e, s, p))
    }

    fn hit(&self, e: u32, s: u32, p: [f64; 2]) -> SnapHit {
        let g = self.net.edge_geom(e as usize);
        let (a, b) = (
            self.proj.project(g[s as usize]),
            self.proj.project(g[s as usize + 1]),
        );
        let (q, t) = closest_on_segment(a, b, p);
        let before: f64 = g[..=s as usize]
            .windows(2)
            .map(|w| geodesic_m(w[0], w[1]))
            .sum();
        let seg_len = geodesic_m(g[s as usize], g[s as usize + 1]);
        let edge_len = self.net.edges[e as usize].length_m;
        SnapHit {
            edge: e,
            offset_m: (before + t * seg_len).clamp(0.0, edge_len),
            dist_m: dist(p, q),
        }
    }

    /// Snap one lon/lat point to the nearest usable edge.
    pub(crate) fn snap_point(&self, lonlat: [f64; 2]) -> Result<SnapHit, Unreachable> {
        let p = self.proj.project(lonlat);
        let max = self.settings.max_snap_m;
        let nearest_main = self.nearest(&self.main, p);
        match nearest_main {
            Some(h) if h.dist_m <= max => Ok(h),
            other => {
                if let Some(h) = self.nearest(&self.islands, p) {
                    if h.dist_m <= max {
                        let nodes = self.component_size(self.net.edges[h.edge as usize].from);
                        return Err(Unreachable::Island {
                            nodes,
                            dist_m: h.dist_m,
                        });
                    }
                }
                Err(Unreachable::TooFar {
                    nearest_m: other.map(|h| h.dist_m),
                    max_m: max,
                })
            }
        }
    }

    /// Access points of an item: its point, its entrances, or sample points
    /// on its boundary / along its line. At most `max_access_points`, the
    /// nearest first, one per edge.
    pub(crate) fn access_points(
        &self,
        geometry: &Geometry<f64>,
        entrances: &[Point<f64>],
        mode: AccessMode,
    ) -> Result<Vec<SnapHit>, Unreachable> {
        let candidates: Vec<[f64; 2]> = match geometry {
            Geometry::Point(p) => vec![[p.x(), p.y()]],
            Geometry::MultiPoint(mp) => mp.iter().map(|p| [p.x(), p.y()]).collect(),
            _ if mode == AccessMode::Centroid => match geometry.centroid() {
                Some(c) => vec![[c.x(), c.y()]],
                None => return Err(Unreachable::NoGeometry),
            },
            _ if !entrances.is_empty() => entrances.iter().map(|p| [p.x(), p.y()]).collect(),
            _ => self.boundary_samples(geometry),
        };
        if candidates.is_empty() {
            return Err(Unreachable::NoGeometry);
        }
        let mut hits = Vec::new();
        let mut first_err = None;
        for c in candidates {
            match self.snap_point(c) {
                Ok(h) => hits.push(h),
                Err(e) => {
                    let better = match (&first_err, &e) {
                        (None, _) => true,
                        (
                            Some(Unreachable::TooFar {
                                nearest_m: Some(a), ..
                            }),
                            Unreachable::TooFar {
                                nearest_m: Some(b), ..
                            },
                        ) => b < a,
                        (Some(Unreachable::TooFar { .. }), Unreachable::Island { .. }) => true,
                        _ => false,
                    };
                    if better {
                        first_err = Some(e);
                    }
                }
            }
        }
        if hits.is_empty() {
            return Err(first_err.unwrap_or(Unreachable::NoGeometry));
        }
        // Nearest first; ties by edge and offset for determinism; one per edge.
        hits.sort_by(|a, b| {
            a.dist_m
                .total_cmp(&b.dist_m)
                .then(a.edge.cmp(&b.edge))
                .then(a.offset_m.total_cmp(&b.offset_m))
        });
        let mut seen_edges = Vec::new();
        hits.retain(|h| {
            if seen_edges.contains(&h.edge) {
                false
            } else {
                seen_edges.push(h.edge);
                true
            }
        });
        hits.truncate(self.settings.max_access_points.max(1));
        Ok(hits)
    }

    /// Points every `boundary_spacing_m` along rings / lines (lon/lat).
    fn boundary_samples(&self, geometry: &Geometry<f64>) -> Vec<[f64; 2]> {
        let mut lines: Vec<&LineString<f64>> = Vec::new();
        match geometry {
            Geometry::LineString(l) => lines.push(l),
            Geometry::MultiLineString(ml) => lines.extend(ml.iter()),
            Geometry::Polygon(p) => lines.push(p.exterior()),
            Geometry::MultiPolygon(mp) => lines.extend(mp.iter().map(|p| p.exterior())),
            Geometry::Line(_)
            | Geometry::Rect(_)
            | Geometry::Triangle(_)
            | Geometry::GeometryCollection(_)
            | Geometry::Point(_)
            | Geometry::MultiPoint(_) => {
                return geometry
                    .centroid()
                    .map(|c| vec![[c.x(), c.y()]])
                    .unwrap_or_default();
            }
        }
        let spacing = self.settings.boundary_spacing_m.max(1.0);
        let mut out = Vec::new();
        for l in lines {
            for w in l.0.windows(2) {
                let a = [w[0].x, w[0].y];
                let b = [w[1].x, w[1].y];
                let len = dist(self.proj.project(a), self.proj.project(b));
                let steps = (len / spacing).ceil().max(1.0) as usize;
                for i in 0..steps {
                    let t = i as f64 / steps as f64;
                    out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
                }
            }
            if let Some(last) = l.0.last() {
                out.push([last.x, last.y]);
            }
        }
        out
    }
}

/// Ends of an edge closer than this (metres) reuse the end node.
const MERGE_M: f64 = 0.5;

/// Insert snap points into the network as nodes, splitting edges. Returns the
/// new network and, per hit (same order), the node it became. Hits within
/// 0.5 m of an edge end, or of each other, share a node.
///
/// New nodes are numbered after the old ones in edge order, and each edge's
/// pieces replace it in place, so the result does not depend on the thread
/// count. Runs in two parallel passes over blocks of edges: one counts what
/// each block adds (nodes, edges, polyline points), the other writes each
/// block straight into its own part of the exactly sized output.
pub(crate) fn attach(net: &Network, hits: &[SnapHit]) -> (Network, Vec<u32>) {
    attach_in_blocks(net, hits, 4096)
}

/// [`attach`] with `block` edges per parallel job.
fn attach_in_blocks(net: &Network, hits: &[SnapHit], block: usize) -> (Network, Vec<u32>) {
    let block = block.max(1);
    let n_edges = net.edges.len();
    let by_edge = HitsByEdge::new(n_edges, hits);
    let blocks: Vec<Range<usize>> = (0..n_edges)
        .step_by(block)
        .map(|a| a..(a + block).min(n_edges))
        .collect();
    // Pass 1: per block, new nodes, edges and polyline points.
    let sizes: Vec<[usize; 3]> = blocks
        .par_iter()
        .map(|r| block_size(net, hits, &by_edge, r.clone()))
        .collect();
    let total = sizes
        .iter()
        .fold([0usize; 3], |a, s| [a[0] + s[0], a[1] + s[1], a[2] + s[2]]);
    let mut out = sized_output(net, total);
    // Node of each hit, in `by_edge.order`'s order.
    let mut sorted_nodes = vec![0u32; hits.len()];
    // Pass 2: cut each block's slices off the outputs and fill them.
    carve_blocks(
        &mut out,
        &mut sorted_nodes,
        net.coords.len(),
        &blocks,
        &sizes,
        &by_edge,
    )
    .into_par_iter()
    .for_each(|job| fill_block(net, hits, &by_edge, job));
    let mut hit_node = vec![u32::MAX; hits.len()];
    for (&h, &node) in by_edge.order.iter().zip(&sorted_nodes) {
        hit_node[h as usize] = node;
    }
    (out, hit_node)
}

/// The hits grouped by edge, each edge's in cut order.
struct HitsByEdge {
    /// Hit indices by (edge, offset, hit index).
    order: Vec<u32>,
    /// Where each edge's hits start in `order` (one more entry than edges).
    first: Vec<u32>,
}

impl HitsByEdge {
    fn new(n_edges: usize, hits: &[SnapHit]) -> Self {
        let mut order: Vec<u32> = (0..hits.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| {
            let (ha, hb) = (&hits[a as usize], &hits[b as usize]);
            ha.edge
                .cmp(&hb.edge)
                .then(ha.offset_m.total_cmp(&hb.offset_m))
                .then(a.cmp(&b))
        });
        let mut first = vec![0u32; n_edges + 1];
        for h in hits {
            first[h.edge as usize + 1] += 1;
        }
        for e in 0..n_edges {
            first[e + 1] += first[e];
        }
        HitsByEdge { order, first }
    }

    /// The hits of edge `e` (indices into the hits, by offset).
    #[inline]
    fn of(&self, e: usize) -> &[u32] {
        &self.order[self.first[e] as usize..self.first[e + 1] as usize]
    }
}

/// What the edges `r` add to the output: new nodes, edges and polyline
/// points.
fn block_size(
    net: &Network,
    hits: &[SnapHit],
    by_edge: &HitsByEdge,
    r: Range<usize>,
) -> [usize; 3] {
    let mut size = [0usize; 3];
    let mut cuts = Vec::new();
    for e in r {
        edge_cuts(net, e, by_edge.of(e), hits, &mut cuts, |_, _| {});
        size[0] += cuts.len();
        size[1] += cuts.len() + 1;
        size[2] += net.edge_geom(e).len() + 2 * cuts.len();
    }
    size
}

/// The output network sized exactly for `total` (new nodes, edges,
/// polyline points): the old nodes copied, everything else blank, filled
/// in parallel (hundreds of megabytes at metropolis scale: a serial fill
/// was a tenth of a second).
fn sized_output(net: &Network, total: [usize; 3]) -> Network {
    let n_old = net.coords.len();
    let blank = Edge {
        from: 0,
        to: 0,
        length_m: 0.0,
        way_id: 0,
        forward: false,
        backward: false,
        geom_start: 0,
        geom_end: 0,
    };
    let mut out = Network {
        coords: Vec::with_capacity(n_old + total[0]),
        osm_ids: Vec::with_capacity(n_old + total[0]),
        edges: Vec::with_capacity(total[1]),
        geom: vec![[0.0; 2]; total[2]],
    };
    out.edges.par_extend(rayon::iter::repeat_n(blank, total[1]));
    out.coords.par_extend(
        net.coords
            .par_iter()
            .copied()
            .chain(rayon::iter::repeat_n([0.0; 2], total[0])),
    );
    // Every node gets an id (0: none), whatever the input held.
    let ids = net.osm_ids.len().min(n_old);
    out.osm_ids.par_extend(
        net.osm_ids[..ids]
            .par_iter()
            .copied()
            .chain(rayon::iter::repeat_n(0, n_old + total[0] - ids)),
    );
    out
}

/// One block's edges and the parts of the outputs it fills: its new
/// nodes' coordinates, its edges, its polyline points and the nodes of
/// its hits (in `HitsByEdge::order`), with the output index of the first
/// of each (nodes, edges, points).
struct BlockJob<'o> {
    edges: Range<usize>,
    base: [usize; 3],
    coords: &'o mut [[f64; 2]],
    out_edges: &'o mut [Edge],
    geom: &'o mut [[f64; 2]],
    nodes: &'o mut [u32],
}

/// Cut the outputs (past the `n_old` old nodes) into each block's parts,
/// in block order.
fn carve_blocks<'o>(
    out: &'o mut Network,
    sorted_nodes: &'o mut [u32],
    n_old: usize,
    blocks: &[Range<usize>],
    sizes: &[[usize; 3]],
    by_edge: &HitsByEdge,
) -> Vec<BlockJob<'o>> {
    let mut new_coords = &mut out.coords[n_old..];
    let mut edges = &mut out.edges[..];
    let mut geom = &mut out.geom[..];
    let mut nodes = sorted_nodes;
    let mut jobs = Vec::with_capacity(blocks.len());
    let mut base = [n_old, 0, 0];
    for (r, size) in blocks.iter().zip(sizes) {
        let n_hits = (by_edge.first[r.end] - by_edge.first[r.start]) as usize;
        let (c, rest) = std::mem::take(&mut new_coords).split_at_mut(size[0]);
        new_coords = rest;
        let (ed, rest) = std::mem::take(&mut edges).split_at_mut(size[1]);
        edges = rest;
        let (g, rest) = std::mem::take(&mut geom).split_at_mut(size[2]);
        geom = rest;
        let (nd, rest) = std::mem::take(&mut nodes).split_at_mut(n_hits);
        nodes = rest;
        jobs.push(BlockJob {
            edges: r.clone(),
            base,
            coords: c,
            out_edges: ed,
            geom: g,
            nodes: nd,
        });
        base = [base[0] + size[0], base[1] + size[1], base[2] + size[2]];
    }
    jobs
}

/// Pass 2 for one block: number its cut points, split its edges at them
/// and record each hit's node. One loop over the block's edges with the
/// writes inline (a closure, not a call per piece): it runs once per edge
/// of the network.
fn fill_block(net: &Network, hits: &[SnapHit], by_edge: &HitsByEdge, job: BlockJob<'_>) {
    let BlockJob {
        edges: r,
        base,
        coords,
        out_edges: edges,
        geom,
        nodes,
    } = job;
    let first = by_edge.first[r.start] as usize;
    let (mut n_new, mut n_edge, mut n_geom) = (0usize, 0usize, 0usize);
    let mut cuts = Vec::new();
    for e in r {
        let edge = &net.edges[e];
        let g = net.edge_geom(e);
        let list = by_edge.of(e);
        let at = by_edge.first[e] as usize - first;
        let next_node = (base[0] + n_new) as u32;
        edge_cuts(net, e, list, hits, &mut cuts, |k, node| {
            nodes[at + k] = node;
        });
        // Number this edge's cut points and record their nodes.
        for (c, cut) in cuts.iter_mut().enumerate() {
            coords[n_new + c] = point_at(g, cut.0);
            cut.1 = next_node + c as u32;
        }
        for slot in &mut nodes[at..at + list.len()] {
            if *slot >= CUT {
                *slot = cuts[(*slot - CUT) as usize].1;
            }
        }
        n_new += cuts.len();
        let mut put = |from: u32, to: u32, piece: &[[f64; 2]], len: f64| {
            geom[n_geom..n_geom + piece.len()].copy_from_slice(piece);
            let geom_start = (base[2] + n_geom) as u32;
            n_geom += piece.len();
            edges[n_edge] = Edge {
                from,
                to,
                length_m: len.max(0.0),
                way_id: edge.way_id,
                forward: edge.forward,
                backward: edge.backward,
                geom_start,
                geom_end: (base[2] + n_geom) as u32,
            };
            n_edge += 1;
        };
        if cuts.is_empty() {
            put(edge.from, edge.to, g, edge.length_m);
            continue;
        }
        let offsets: Vec<f64> = cuts.iter().map(|c| c.0).collect();
        let pieces = split_polyline(g, &offsets);
        let (mut prev_off, mut prev_node) = (0.0, edge.from);
        for (&(off, node), piece) in cuts.iter().zip(&pieces) {
            put(prev_node, node, piece, off - prev_off);
            prev_off = off;
            prev_node = node;
        }
        let last = pieces.last().expect("split gives cuts + 1 pieces");
        put(prev_node, edge.to, last, edge.length_m - prev_off);
    }
}

/// Marks a hit that becomes the `k`-th cut point of its edge (`CUT + k`)
/// until the cut points are numbered (node indices stay far below it: a
/// network of 2^31 nodes would not fit in memory).
const CUT: u32 = u32::MAX / 2;

/// The cut points of edge `e` (offset, node placeholder) strictly inside it,
/// from its hits `list` (indices into `hits`, by offset): hits within
/// `MERGE_M` of an end take that end's node, hits within `MERGE_M` of the
/// previous cut share it. `node_of(k, node)` is told the node of the
/// `k`-th hit of the list (`CUT + c` for cut point `c`).
fn edge_cuts(
    net: &Network,
    e: usize,
    list: &[u32],
    hits: &[SnapHit],
    cuts: &mut Vec<(f64, u32)>,
    mut node_of: impl FnMut(usize, u32),
) {
    cuts.clear();
    let edge = &net.edges[e];
    for (k, &i) in list.iter().enumerate() {
        let off = hits[i as usize].offset_m;
        if off <= MERGE_M {
            node_of(k, edge.from);
        } else if off >= edge.length_m - MERGE_M {
            node_of(k, edge.to);
        } else if cuts.last().is_some_and(|c| off - c.0 <= MERGE_M) {
            node_of(k, CUT + (cuts.len() - 1) as u32);
        } else {
            cuts.push((off, 0));
            node_of(k, CUT + (cuts.len() - 1) as u32);
        }
    }
}

fn point_at(g: &[[f64; 2]], offset: f64) -> [f64; 2] {
    let mut acc = 0.0;
    for w in g.windows(2) {
        let len = geodesic_m(w[0], w[1]);
        if acc + len >= offset && len > 0.0 {
            let t = ((offset - acc) / len).clamp(0.0, 1.0);
            return [
                w[0][0] + t * (w[1][0] - w[0][0]),
                w[0][1] + t * (w[1][1] - w[0][1]),
            ];
        }
        acc += len;
    }
    *g.last().expect("edge polylines have at least two points")
}

/// Split a polyline at increasing offsets (metres) into `offsets.len() + 1`
/// pieces; each piece starts where the previous ended.
fn split_polyline(g: &[[f64; 2]], offsets: &[f64]) -> Vec<Vec<[f64; 2]>> {
    let mut pieces = Vec::with_capacity(offsets.len() + 1);
    let mut current = vec![g[0]];
    let mut k = 0;
    let mut acc = 0.0;
    for w in g.windows(2) {
        let len = geodesic_m(w[0], w[1]);
        while k < offsets.len() && offsets[k] <= acc + len {
            let t = if len > 0.0 {
                ((offsets[k] - acc) / len).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let p = [
                w[0][0] + t * (w[1][0] - w[0][0]),
                w[0][1] + t * (w[1][1] - w[0][1]),
            ];
            current.push(p);
            pieces.push(std::mem::replace(&mut current, vec![p]));
            k += 1;
        }
        current.push(w[1]);
        acc += len;
    }
    while pieces.len() < offsets.len() {
        // Offsets past the end (rounding): degenerate pieces at the end point.
        let p = *g.last().expect("non-empty");
        current.push(p);
        pieces.push(std::mem::replace(&mut current, vec![p]));
    }
    pieces.push(current);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::build::polyline_length_m;

    fn line_net() -> Network {
        // One 3-vertex edge going east, about 2 x 55.6 m at 60 N.
        let geom = vec![[24.0, 60.0], [24.001, 60.0], [24.002, 60.0]];
        let len = polyline_length_m(&geom);
        Network {
            coords: vec![geom[0], geom[2]],
            osm_ids: vec![1, 2],
            edges: vec![Edge {
                from: 0,
                to: 1,
                length_m: len,
                way_id: 7,
                forward: true,
                backward: true,
                geom_start: 0,
                geom_end: 3,
            }],
            geom,
        }
    }

    #[test]
    fn snaps_and_splits_preserving_length() {
        let net = line_net();
        let proj = LocalProjection::new(24.001, 60.0);
        let s = Snapper::new(
            &net,
            proj,
            SnapSettings {
                min_component_nodes: 1,
                ..Default::default()
            },
        );
        let h = s.snap_point([24.0015, 60.0001]).unwrap();
        assert!((h.dist_m - 11.1).abs() < 0.2, "{h:?}");
        let total = net.edges[0].length_m;
        assert!((h.offset_m - 0.75 * total).abs() < 0.5);
        let (out, nodes) = attach(&net, &[h, h]);
        assert_eq!(out.node_count(), 3);
        assert_eq!(nodes, vec![2, 2]);
        let sum: f64 = out.edges.iter().map(|e| e.length_m).sum();
        assert!((sum - total).abs() < 1e-6);
        for (i, e) in out.edges.iter().enumerate() {
            let g = out.edge_geom(i);
            assert!((polyline_length_m(g) - e.length_m).abs() < 0.05);
            assert_eq!(g[0], out.coords[e.from as usize]);
        }
    }

    /// Block size changes nothing: many edges, hits near ends, shared and
    /// repeated, cut into blocks of 1, 2, 3 and all edges.
    #[test]
    fn attach_is_the_same_in_any_blocks() {
        // A chain of 40 two-segment edges going east.
        let mut net = Network::default();
        for i in 0..=40 {
            net.coords.push([24.0 + 0.002 * i as f64, 60.0]);
            net.osm_ids.push(i);
        }
        for i in 0..40u32 {
            let a = net.coords[i as usize];
            let g = [a, [a[0] + 0.001, 60.00001], [a[0] + 0.002, 60.0]];
            let start = net.geom.len() as u32;
            net.geom.extend_from_slice(&g);
            net.edges.push(Edge {
                from: i,
                to: i + 1,
                length_m: polyline_length_m(&g),
                way_id: i as i64,
                forward: true,
                backward: i % 3 != 0,
                geom_start: start,
                geom_end: start + 3,
            });
        }
        let mut hits = Vec::new();
        for k in 0..300u32 {
            let e = (k * 7) % 40;
            let len = net.edges[e as usize].length_m;
            let offset = match k % 5 {
                0 => 0.2,
                1 => len - 0.1,
                2 => (k as f64 * 1.37) % len,
                _ => (k as f64 * 0.5) % len,
            };
            hits.push(SnapHit {
                edge: e,
                offset_m: offset,
                dist_m: k as f64,
            });
        }
        let (whole, nodes) = attach_in_blocks(&net, &hits, usize::MAX);
        assert!(whole.node_count() > 100 && whole.edges.len() > 100);
        for block in [1, 2, 3] {
            let (out, n) = attach_in_blocks(&net, &hits, block);
            assert_eq!(n, nodes);
            assert_eq!(out.coords, whole.coords);
            assert_eq!(out.osm_ids, whole.osm_ids);
            assert_eq!(out.edges, whole.edges);
            assert_eq!(out.geom, whole.geom);
        }
        // Every hit's node lies at its offset along its old edge.
        for (h, &node) in hits.iter().zip(&nodes) {
            let old = net.edge_geom(h.edge as usize);
            let p = whole.coords[node as usize];
            let at = point_at(old, h.offset_m);
            assert!(
                dist(p, at) < 1e-5
                    || h.offset_m <= MERGE_M
                    || h.offset_m >= net.edges[h.edge as usize].length_m - MERGE_M
            );
        }
    }

    #[test]
    fn far_points_and_islands_are_unreachable() {
        let net = line_net();
        let proj = LocalProjection::new(24.001, 60.0);
        let strict = Snapper::new(&net, proj, SnapSettings::default());
        // The only component has 2 nodes: an island under the default 50.
        assert!(matches!(
            strict.snap_point([24.001, 60.0001]),
            Err(Unreachable::Island { nodes: 2, .. })
        ));
        let loose = Snapper::new(
            &net,
            proj,
            SnapSettings {
                min_component_nodes: 1,
                ..Default::default()
            },
        );
        match loose.snap_point([24.001, 60.01]) {
            Err(Unreachable::TooFar {
                nearest_m: Some(d), ..
            }) => assert!((d - 1113.0).abs() < 10.0),
            other => panic!("{other:?}"),
        }
    }
}
