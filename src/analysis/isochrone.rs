//! Walking isochrones as polygons: the area within `buffer_m` (straight
//! line) of the parts of the network from which a facility can be reached
//! on foot within `limit_m`.
//!
//! Method:
//!
//! 1. A bounded inbound search from the facility's access nodes
//!    ([`bounded_multi_source`] on [`Direction::Inbound`]) gives, for every
//!    node `v` within the limit, `dist(v)`: the walk from `v` to the nearest
//!    source.
//! 2. [`reached_pieces`] cuts every edge exactly: a point `x` metres along
//!    edge `u -> v` (length `L`) walks to the facility through `u` at cost
//!    `x + dist(u)` (allowed only if the edge may be walked `to -> from`,
//!    `backward`) or through `v` at cost `L - x + dist(v)` (only if
//!    `forward`), whichever is smaller. The reached set of an edge is
//!    therefore a piece at the `from` end of length `limit - dist(u)`, a
//!    piece at the `to` end of length `limit - dist(v)`, or the whole edge
//!    when the two meet. Cuts are placed on the edge's lon/lat polyline by
//!    geodesic segment lengths, as in `graph::snap`. A reached node that no
//!    reached piece touches (a source whose only edges are one-way away
//!    from it, or a node without edges) becomes a one-point piece.
//! 3. [`isochrone_polygon`] projects the pieces to local metres
//!    ([`LocalProjection`]) and buffers them with geo's `Buffer` (round caps
//!    and joins, arcs as 32-gons; one-point pieces become discs). The
//!    buffers are dissolved bottom-up: pieces are sorted along a Z-order
//!    curve, groups of 4 neighbours (`LEAF_PIECES`) are stroked together, and
//!    the group buffers are merged pairwise in a balanced binary tree (the
//!    two halves in parallel with rayon). The unions run in OGC mode, so
//!    the rings are valid; the result is unprojected to lon/lat and
//!    oriented with exterior rings counter-clockwise, holes clockwise.
//!
//! Guarantees (checked by `tests/isochrone.rs`):
//!
//! * every point of every reached piece, and every reached node, lies in the
//!   polygon (within coordinate rounding);
//! * every point of the plane farther than `buffer_m` (plus the polygonal
//!   approximation of circles, under 1 % of `buffer_m`, and the projection
//!   error) from every reached piece lies outside: where the network does
//!   not come within `buffer_m`, e.g. the interior of a large block, the
//!   polygon has a hole;
//! * the polygons are valid (`geo::Validation`).
//!
//! A point can be inside the polygon while being far on foot (a parallel
//! street across a narrow block, within `buffer_m` in a straight line of a
//! reached street): that is inherent to buffering a line network.
//!
//! Why a union tree: street buffers overlap heavily (a 40 m buffer on
//! 80-150 m blocks), and one overlay of all of them at once (geo's
//! `MultiLineString::buffer`, or `unary_union` of per-piece buffers) must
//! intersect every overlapping outline with every other. Merging
//! neighbours first buries most outlines early, so the upper levels handle
//! short rings. On the Helsinki extract (release build, 2 shared cores,
//! 1000 m limit, 40 m buffer, 4317 pieces): one stroke sweep 1.68 s, per-piece
//! buffers + one `unary_union` 0.61 s, union tree in edge order 156 ms
//! (80 ms in parallel), Z-ordered 113 ms (60 ms in parallel), Z-ordered
//! with 4 pieces a leaf 97 ms (51 ms in parallel), all with the same area.
//! `tests/isochrone.rs` (`union_methods_timing`, ignored) repeats this.

use geo::orient::{Direction as Winding, Orient};
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, unary_union};
use rayon::prelude::*;

use crate::analysis::search::{Scratch, bounded_multi_source};
use crate::graph::WalkGraph;
use crate::graph::build::geodesic_m;
use crate::graph::csr::Direction;
use crate::spatial::LocalProjection;

/// The parts of the network whose walk to the sources is at most `limit_m`,
/// as lon/lat polylines.
///
/// `dist(v)` is the walk (metres) from node `v` to the nearest source, `None`
/// when `v` was not reached (as `Scratch::dist` after an inbound search).
/// For each edge, in edge order: the whole polyline when every point of it
/// is reached, otherwise up to two end pieces cut at the remaining budget
/// (merged into the whole edge when they meet). Then, in node order, a
/// one-point piece for each reached node that no edge piece touches.
/// Offsets along an edge are scaled from `length_m` to the polyline's
/// geodesic length (equal for built networks).
pub fn reached_pieces(
    graph: &WalkGraph,
    dist: impl Fn(u32) -> Option<f64>,
    limit_m: f64,
) -> Vec<Vec<[f64; 2]>> {
    let net = &graph.net;
    let mut pieces = Vec::new();
    if limit_m.is_nan() || limit_m < 0.0 {
        return pieces;
    }
    let mut covered = vec![false; net.node_count()];
    // Budget left at a node: limit minus its walk, when reached within it.
    let left = |v: u32| dist(v).map(|d| limit_m - d).filter(|r| *r >= 0.0);
    let mut seg = Vec::new();
    for (e, edge) in net.edges.iter().enumerate() {
        let at_from = if edge.backward { left(edge.from) } else { None };
        let at_to = if edge.forward { left(edge.to) } else { None };
        if at_from.is_none() && at_to.is_none() {
            continue;
        }
        let len = edge.length_m.max(0.0);
        // Reached intervals as fractions of the edge, from its `from` end.
        let frac = |r: f64| if len > 0.0 { (r / len).min(1.0) } else { 1.0 };
        let lo = at_from.map(frac);
        let hi = at_to.map(|r| 1.0 - frac(r));
        let intervals: [Option<(f64, f64)>; 2] = match (lo, hi) {
            (Some(a), Some(b)) if a >= b => [Some((0.0, 1.0)), None],
            (a, b) => [a.map(|a| (0.0, a)), b.map(|b| (b, 1.0))],
        };
        let g = net.edge_geom(e);
        if g.is_empty() {
            continue;
        }
        seg.clear();
        seg.extend(g.windows(2).map(|w| geodesic_m(w[0], w[1])));
        let total: f64 = seg.iter().sum();
        for (s, t) in intervals.into_iter().flatten() {
            // Zero-length cuts sit on a node: left to the node pass below.
            if t <= s {
                continue;
            }
            if s == 0.0 {
                covered[edge.from as usize] = true;
            }
            if t == 1.0 {
                covered[edge.to as usize] = true;
            }
            pieces.push(if s == 0.0 && t == 1.0 {
                g.to_vec()
            } else {
                sub_polyline(g, &seg, s * total, t * total)
            });
        }
    }
    for (v, c) in net.coords.iter().enumerate() {
        if !covered[v] && left(v as u32).is_some() {
            pieces.push(vec![*c]);
        }
    }
    pieces
}

/// The point `offset` metres along polyline `g` (segment lengths `seg`),
/// interpolated linearly in lon/lat within a segment.
fn point_at(g: &[[f64; 2]], seg: &[f64], offset: f64) -> [f64; 2] {
    let mut acc = 0.0;
    for (w, &len) in g.windows(2).zip(seg) {
        if acc + len >= offset && len > 0.0 {
            let t = ((offset - acc) / len).clamp(0.0, 1.0);
            return [
                w[0][0] + t * (w[1][0] - w[0][0]),
                w[0][1] + t * (w[1][1] - w[0][1]),
            ];
        }
        acc += len;
    }
    *g.last().expect("polyline is not empty")
}

/// The part of polyline `g` between offsets `s < t` (metres).
fn sub_polyline(g: &[[f64; 2]], seg: &[f64], s: f64, t: f64) -> Vec<[f64; 2]> {
    let mut out = vec![point_at(g, seg, s)];
    let mut acc = 0.0;
    for (i, &len) in seg.iter().enumerate() {
        acc += len;
        if acc > s && acc < t {
            out.push(g[i + 1]);
        }
    }
    out.push(point_at(g, seg, t));
    out
}

/// Outlines dissolved together in one sweep at each leaf of the union tree.
fn leaf_size() -> usize {
    std::env::var("ISO_LEAF")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

/// Largest distance (metres) of the polygonal arcs outside their circle.
const ARC_TOLERANCE_M: f64 = 0.2;

/// The buffer of `pieces` (lon/lat polylines; one-point or zero-length
/// pieces become discs) by `buffer_m` metres, dissolved into valid
/// polygons with holes where the pieces do not come within `buffer_m`.
/// Buffering is done in `proj`'s local metres with round caps and joins;
/// the result is in lon/lat, exterior rings counter-clockwise, holes
/// clockwise. Empty when there are no pieces or `buffer_m` is not positive.
/// Deterministic: the same pieces give the same rings whatever the number
/// of threads.
pub fn isochrone_polygon(
    pieces: &[Vec<[f64; 2]>],
    proj: &LocalProjection,
    buffer_m: f64,
) -> MultiPolygon<f64> {
    if buffer_m.is_nan() || buffer_m <= 0.0 {
        return MultiPolygon::new(Vec::new());
    }
    let lines: Vec<Vec<Coord<f64>>> = pieces
        .iter()
        .map(|p| project_piece(p, proj).0)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return MultiPolygon::new(Vec::new());
    }
    let dbg = std::env::var("ISO_DEBUG").is_ok();
    let t0 = std::time::Instant::now();
    let mut outlines = Outliner::new(buffer_m).outlines(&lines);
    let t_out = t0.elapsed();
    sort_along_z_curve(&mut outlines);
    let t1 = std::time::Instant::now();
    let leaves: Vec<MultiPolygon<f64>> = outlines.par_chunks(leaf_size()).map(dissolve).collect();
    let t_leaves = t1.elapsed();
    let merged = union_tree(leaves);
    if dbg {
        let nv: usize = outlines
            .iter()
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum();
        eprintln!(
            "{} outlines ({nv} vertices) in {t_out:.2?}, leaves {t_leaves:.2?}, all {:.2?}",
            outlines.len(),
            t1.elapsed()
        );
    }
    unproject(&merged, proj)
}

/// The union of outlines (rings whose nonzero winding covers the buffer,
/// possibly self-intersecting) as valid polygons.
fn dissolve(outlines: &[Polygon<f64>]) -> MultiPolygon<f64> {
    use geo::Winding;
    // `unary_union` takes the fill rule from the winding of the first
    // ring: start with a counter-clockwise triangle inside the first
    // outline's ring (every outline contains a small disc about its first
    // vertex's ... ) when the first ring's own winding is not decisive.
    if outlines[0].exterior().is_ccw() {
        return unary_union(outlines);
    }
    let c = outlines[0].exterior().0[0];
    let lead = Polygon::new(
        LineString::new(vec![
            c,
            Coord {
                x: c.x + 1e-3,
                y: c.y,
            },
            Coord {
                x: c.x,
                y: c.y + 1e-3,
            },
        ]),
        Vec::new(),
    );
    unary_union(std::iter::once(&lead).chain(outlines))
}

/// Builds outlines: rings whose nonzero winding covers the buffer of a set
/// of polylines (see `outlines`).
struct Outliner {
    r: f64,
    /// Largest angle step of a polygonal arc.
    step: f64,
    /// Butt ends stick out this far beyond their point.
    ext: f64,
}

/// How a chain ends.
#[derive(Clone, Copy, PartialEq)]
enum Cap {
    /// No other piece ends here: a round cap.
    Round,
    /// Other pieces end here too: a butt end a little past the point, the
    /// point's sector of free directions drawn separately.
    Butt,
}

impl Outliner {
    fn new(r: f64) -> Self {
        // The chords of an arc step `s` drawn at radius r / cos(s / 2)
        // touch the circle and stay within ARC_TOLERANCE_M of it.
        let step = (2.0 * (r / (r + ARC_TOLERANCE_M)).acos()).min(std::f64::consts::TAU / 32.0);
        Outliner {
            r,
            step,
            ext: (0.1 * r).min(0.5),
        }
    }

    /// Outlines whose union is the buffer of `lines` (local metres, no
    /// consecutive duplicates) by `r`, arcs circumscribed.
    ///
    /// The buffer of a polyline is the union of a rectangle of half-width
    /// `r` on each segment and, at each vertex, the sector of directions
    /// making at least 90 degrees with every segment there (the points whose
    /// nearest point of the network is that vertex). Pieces are chained
    /// through points where exactly two piece ends meet; each chain becomes
    /// one ring (right side forwards, left side backwards, arcs on the
    /// outer side of bends, the inner side cut at the offsets' crossing or
    /// folded through the vertex); at a point where one chain ends alone the
    /// ring has a round cap, where several end they have butt ends and the
    /// point gets its own sector polygon. One-point pieces are discs.
    fn outlines(&self, lines: &[Vec<Coord<f64>>]) -> Vec<Polygon<f64>> {
        let key = |c: Coord<f64>| (c.x.to_bits(), c.y.to_bits());
        let mut out = Vec::new();
        // Piece ends: (point, direction of the segment leaving it, end id =
        // 2 * piece + (0 at the start, 1 at the end)).
        let mut ends: Vec<((u64, u64), f64, usize)> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if l.len() == 1 {
                out.push(self.disc(l[0]));
                continue;
            }
            let n = l.len();
            let dir = |a: Coord<f64>, b: Coord<f64>| (b.y - a.y).atan2(b.x - a.x);
            ends.push((key(l[0]), dir(l[0], l[1]), 2 * i));
            ends.push((key(l[n - 1]), dir(l[n - 1], l[n - 2]), 2 * i + 1));
        }
        ends.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        // The other end id an end is chained to, or usize::MAX; the cap of
        // an end that is not chained.
        let mut link = vec![usize::MAX; 2 * lines.len()];
        let mut cap = vec![Cap::Round; 2 * lines.len()];
        let mut g = 0;
        while g < ends.len() {
            let mut h = g + 1;
            while h < ends.len() && ends[h].0 == ends[g].0 {
                h += 1;
            }
            let group = &ends[g..h];
            if group.len() == 2 && group[0].2 / 2 != group[1].2 / 2 {
                link[group[0].2] = group[1].2;
                link[group[1].2] = group[0].2;
            } else if group.len() >= 2 {
                for e in group {
                    cap[e.2] = Cap::Butt;
                }
                let dirs: Vec<f64> = group.iter().map(|e| e.1).collect();
                let v = Coord {
                    x: f64::from_bits(group[0].0.0),
                    y: f64::from_bits(group[0].0.1),
                };
                if let Some(s) = self.free_sector(v, &dirs) {
                    out.push(s);
                }
            }
            g = h;
        }
        // Chains: from every unchained end, then around the cycles left.
        let mut used = vec![false; lines.len()];
        let mut chain: Vec<Coord<f64>> = Vec::new();
        let mut walk = |first_end: usize,
                        start_cap: Cap,
                        used: &mut Vec<bool>,
                        out: &mut Vec<Polygon<f64>>| {
            chain.clear();
            let mut e = first_end;
            loop {
                let p = e / 2;
                used[p] = true;
                let l = &lines[p];
                let skip = usize::from(!chain.is_empty());
                if e % 2 == 0 {
                    chain.extend(l.iter().skip(skip));
                } else {
                    chain.extend(l.iter().rev().skip(skip));
                }
                let far = e ^ 1;
                let next = link[far];
                if next == usize::MAX || used[next / 2] {
                    let end_cap = if next == usize::MAX {
                        cap[far]
                    } else {
                        Cap::Butt
                    };
                    out.push(self.ring(&chain, start_cap, end_cap));
                    if next != usize::MAX {
                        // A cycle closed: its point gets a sector.
                        let v = chain[0];
                        let dirs = [(chain[1].y - v.y).atan2(chain[1].x - v.x), {
                            let w = chain[chain.len() - 2];
                            (w.y - v.y).atan2(w.x - v.x)
                        }];
                        if let Some(s) = self.free_sector(v, &dirs) {
                            out.push(s);
                        }
                    }
                    return;
                }
                e = next;
            }
        };
        for e in 0..2 * lines.len() {
            if lines[e / 2].len() > 1 && !used[e / 2] && link[e] == usize::MAX {
                walk(e, cap[e], &mut used, &mut out);
            }
        }
        for p in 0..lines.len() {
            if lines[p].len() > 1 && !used[p] {
                // On a cycle: open it at this piece's start, butt ends.
                walk(2 * p, Cap::Butt, &mut used, &mut out);
            }
        }
        out
    }

    /// A circumscribed disc about `c`.
    fn disc(&self, c: Coord<f64>) -> Polygon<f64> {
        use std::f64::consts::TAU;
        let n = (TAU / self.step).ceil() as usize;
        let far = self.r / (TAU / n as f64 / 2.0).cos();
        let ring = (0..n)
            .map(|k| {
                let a = TAU * k as f64 / n as f64;
                Coord {
                    x: c.x + far * a.cos(),
                    y: c.y + far * a.sin(),
                }
            })
            .collect();
        Polygon::new(LineString::new(ring), Vec::new())
    }

    /// The sector about `v` of the directions making at least 90 degrees
    /// with every direction in `dirs` (sorted, radians), widened by a
    /// quarter step on each side so that it overlaps the butt ends, or
    /// `None` when it is empty.
    fn free_sector(&self, v: Coord<f64>, dirs: &[f64]) -> Option<Polygon<f64>> {
        use std::f64::consts::{FRAC_PI_2, PI, TAU};
        let mut dirs = dirs.to_vec();
        dirs.sort_by(f64::total_cmp);
        let (mut gap, mut after) = (dirs[0] + TAU - dirs[dirs.len() - 1], dirs.len() - 1);
        for k in 0..dirs.len() - 1 {
            let g = dirs[k + 1] - dirs[k];
            if g > gap {
                (gap, after) = (g, k);
            }
        }
        if gap <= PI {
            return None;
        }
        let margin = self.step / 4.0;
        let start = dirs[after] + FRAC_PI_2 - margin;
        let width = gap - PI + 2.0 * margin;
        let n = ((width / self.step).ceil() as usize).max(1);
        let s = width / n as f64;
        let far = self.r / (s / 2.0).cos();
        let mut ring = Vec::with_capacity(n + 2);
        ring.push(v);
        for k in 0..=n {
            let a = start + s * k as f64;
            ring.push(Coord {
                x: v.x + far * a.cos(),
                y: v.y + far * a.sin(),
            });
        }
        Some(Polygon::new(LineString::new(ring), Vec::new()))
    }

    /// Push the arc about `c` from `c + r * (ax, ay)` turning
    /// counter-clockwise by `w` radians, circumscribed: `n` steps of at most
    /// `step`, the vertices at r / cos(step / 2) halfway through each step,
    /// so that every edge touches the circle. The arc's own end points are
    /// left out: they lie on the edges to the neighbouring offsets, which
    /// are tangent there.
    fn arc(&self, ring: &mut Vec<Coord<f64>>, c: Coord<f64>, a: (f64, f64), w: f64) {
        let n = ((w / self.step).ceil() as usize).max(1);
        let s = w / n as f64;
        let far = self.r / (s / 2.0).cos();
        let a0 = a.1.atan2(a.0);
        for k in 0..n {
            let t = a0 + s * (k as f64 + 0.5);
            ring.push(Coord {
                x: c.x + far * t.cos(),
                y: c.y + far * t.sin(),
            });
        }
    }

    /// The ring of one chain (at least two points).
    fn ring(&self, q: &[Coord<f64>], start: Cap, end: Cap) -> Polygon<f64> {
        let r = self.r;
        let m = q.len() - 1;
        // Unit directions and lengths of the segments.
        let seg: Vec<(f64, f64, f64)> = q
            .windows(2)
            .map(|w| {
                let (dx, dy) = (w[1].x - w[0].x, w[1].y - w[0].y);
                let l = dx.hypot(dy);
                (dx / l, dy / l, l)
            })
            .collect();
        let pt = |c: Coord<f64>, u: (f64, f64, f64), along: f64, side: f64| Coord {
            // side: +1 left, -1 right (times r); along: metres along u.
            x: c.x + along * u.0 - side * r * u.1,
            y: c.y + along * u.1 + side * r * u.0,
        };
        let mut ring = Vec::with_capacity(4 * q.len() + 16);
        // Right side, forwards.
        if start == Cap::Butt {
            ring.push(pt(q[0], seg[0], -self.ext, -1.0));
        }
        for i in 1..m {
            self.join(&mut ring, q[i], seg[i - 1], seg[i], -1.0);
        }
        // End cap.
        let ul = seg[m - 1];
        if end == Cap::Butt {
            ring.push(pt(q[m], ul, self.ext, -1.0));
            ring.push(pt(q[m], ul, self.ext, 1.0));
        } else {
            self.arc(&mut ring, q[m], (ul.1, -ul.0), std::f64::consts::PI);
        }
        // Left side, backwards.
        for i in (1..m).rev() {
            self.join(&mut ring, q[i], seg[i - 1], seg[i], 1.0);
        }
        // Start cap.
        let u0 = seg[0];
        if start == Cap::Butt {
            ring.push(pt(q[0], u0, -self.ext, 1.0));
        } else {
            self.arc(&mut ring, q[0], (-u0.1, u0.0), std::f64::consts::PI);
        }
        Polygon::new(LineString::new(ring), Vec::new())
    }

    /// Push the offset of vertex `c` between segments `a` (before) and `b`
    /// (after) on the right (`side` -1, walked forwards) or left (+1,
    /// walked backwards) side.
    fn join(
        &self,
        ring: &mut Vec<Coord<f64>>,
        c: Coord<f64>,
        a: (f64, f64, f64),
        b: (f64, f64, f64),
        side: f64,
    ) {
        let r = self.r;
        let cross = a.0 * b.1 - a.1 * b.0;
        let dot = a.0 * b.0 + a.1 * b.1;
        let turn = cross.atan2(dot); // > 0: left turn
        // Left normals.
        let (na, nb) = ((-a.1, a.0), (-b.1, b.0));
        let off = |n: (f64, f64), s: f64| Coord {
            x: c.x + s * r * n.0,
            y: c.y + s * r * n.1,
        };
        if turn == 0.0 {
            ring.push(off(nb, side));
            return;
        }
        let outer = (turn > 0.0) == (side < 0.0);
        if outer {
            if side < 0.0 {
                // Right side, left turn: from -na ccw by turn to -nb.
                self.arc(ring, c, (-na.0, -na.1), turn);
            } else {
                // Left side walked backwards, right turn: nb ccw to na.
                self.arc(ring, c, (nb.0, nb.1), -turn);
            }
            return;
        }
        // Inner side: the offsets cross at distance d from the vertex
        // along both segments when both are that long.
        let d = r * (turn.abs() / 2.0).tan();
        if d < a.2 && d < b.2 {
            ring.push(Coord {
                x: c.x + side * r * na.0 - d * a.0,
                y: c.y + side * r * na.1 - d * a.1,
            });
        } else if side < 0.0 {
            ring.push(off(na, side));
            ring.push(c);
            ring.push(off(nb, side));
        } else {
            ring.push(off(nb, side));
            ring.push(c);
            ring.push(off(na, side));
        }
    }
}

type Bbox = [f64; 4];

fn ring_bbox(r: &LineString<f64>) -> Bbox {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for c in &r.0 {
        b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
    }
    b
}

fn meets(a: &Bbox, b: &Bbox) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// Whether `p` is inside closed ring `ring` or on it (crossing number).
fn in_ring(p: Coord<f64>, ring: &LineString<f64>) -> bool {
    let mut inside = false;
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > p.y) != (b.y > p.y) {
            let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if x == p.x {
                return true;
            }
            if x > p.x {
                inside = !inside;
            }
        }
    }
    inside
}

/// Union of `polys` merged pairwise in a balanced binary tree (halves in
/// parallel). The tree shape depends only on `polys.len()`, so the result
/// does not depend on scheduling.
fn union_tree(mut polys: Vec<MultiPolygon<f64>>) -> MultiPolygon<f64> {
    match polys.len() {
        0 => MultiPolygon::new(Vec::new()),
        1 => polys.pop().expect("one"),
        n => {
            let b = polys.split_off(n / 2);
            let (a, b) = if n >= 8 {
                rayon::join(|| union_tree(polys), || union_tree(b))
            } else {
                (union_tree(polys), union_tree(b))
            };
            union_pair(a, b)
        }
    }
}

/// The union of two valid multipolygons, overlaying only what may interact:
/// a polygon whose bounding box meets no polygon of the other side passes
/// through, and a hole whose bounding box meets no polygon of the other
/// side is filled for the overlay and put back afterwards into the polygon
/// that contains it.
fn union_pair(a: MultiPolygon<f64>, b: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let boxes = |m: &MultiPolygon<f64>| -> Vec<Bbox> {
        m.iter().map(|p| ring_bbox(p.exterior())).collect()
    };
    let (ba, bb) = (boxes(&a), boxes(&b));
    let mut through = Vec::new();
    let mut cores: [Vec<Polygon<f64>>; 2] = [Vec::new(), Vec::new()];
    let mut detached: Vec<Vec<LineString<f64>>> = Vec::new();
    for (side, (own, own_boxes, other)) in [(a, &ba, &bb), (b, &bb, &ba)].into_iter().enumerate() {
        for (p, pb) in own.0.into_iter().zip(own_boxes) {
            if !other.iter().any(|o| meets(pb, o)) {
                through.push(p);
                continue;
            }
            let (ext, holes) = p.into_inner();
            let (keep, cut): (Vec<_>, Vec<_>) = holes.into_iter().partition(|h| {
                let hb = ring_bbox(h);
                other.iter().any(|o| meets(&hb, o))
            });
            if !cut.is_empty() {
                detached.push(cut);
            }
            cores[side].push(Polygon::new(ext, keep));
        }
    }
    let [ca, cb] = cores;
    let mut merged = if cb.is_empty() {
        ca
    } else if ca.is_empty() {
        cb
    } else {
        MultiPolygon::new(ca).union(&MultiPolygon::new(cb)).0
    };
    if !detached.is_empty() {
        let mb: Vec<Bbox> = merged.iter().map(|p| ring_bbox(p.exterior())).collect();
        let area = |i: usize| (mb[i][2] - mb[i][0]) * (mb[i][3] - mb[i][1]);
        for cut in detached {
            // Its holes lie inside the overlaid polygon it came from, hence
            // inside the exterior of the polygon that absorbed it and of no
            // smaller one.
            let v = cut[0].0[0];
            let hb = ring_bbox(&cut[0]);
            let k = (0..merged.len())
                .filter(|&i| meets(&hb, &mb[i]))
                .filter(|&i| merged.len() == 1 || in_ring(v, merged[i].exterior()))
                .min_by(|&i, &j| area(i).total_cmp(&area(j)).then(i.cmp(&j)))
                .expect("a polygon holds each filled hole");
            for h in cut {
                merged[k].interiors_push(h);
            }
        }
    }
    merged.extend(through);
    MultiPolygon::new(merged)
}

/// Sort polygons by the Morton (Z-order) code of their bounding-box
/// centres, so that neighbours in the union tree are near in space and
/// their union shrinks. Stable, hence deterministic.
fn sort_along_z_curve(polys: &mut Vec<Polygon<f64>>) {
    fn spread(v: u32) -> u64 {
        let mut v = u64::from(v);
        v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
        v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        v = (v | (v << 1)) & 0x5555_5555_5555_5555;
        v
    }
    let centres: Vec<[f64; 2]> = polys
        .iter()
        .map(|p| {
            let b = ring_bbox(p.exterior());
            [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]
        })
        .collect();
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for c in &centres {
        lo = [lo[0].min(c[0]), lo[1].min(c[1])];
        hi = [hi[0].max(c[0]), hi[1].max(c[1])];
    }
    let extent = (hi[0] - lo[0]).max(hi[1] - lo[1]);
    let scale = if extent > 0.0 { 65_535.0 / extent } else { 0.0 };
    let mut keyed: Vec<(u64, Polygon<f64>)> = centres
        .iter()
        .zip(polys.drain(..))
        .map(|(c, p)| {
            let q = |i: usize| ((c[i] - lo[i]) * scale) as u32;
            (spread(q(0)) | (spread(q(1)) << 1), p)
        })
        .collect();
    keyed.sort_by_key(|k| k.0);
    polys.extend(keyed.into_iter().map(|k| k.1));
}

/// A piece in local metres without consecutive duplicate points; a
/// zero-length piece becomes a one-point line string (buffered as a disc).
fn project_piece(piece: &[[f64; 2]], proj: &LocalProjection) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = Vec::with_capacity(piece.len());
    for p in piece {
        let [x, y] = proj.project(*p);
        let c = Coord { x, y };
        if coords.last() != Some(&c) {
            coords.push(c);
        }
    }
    LineString::new(coords)
}

fn unproject(mp: &MultiPolygon<f64>, proj: &LocalProjection) -> MultiPolygon<f64> {
    let ring = |ls: &LineString<f64>| {
        LineString::new(
            ls.coords()
                .map(|c| {
                    let [x, y] = proj.unproject([c.x, c.y]);
                    Coord { x, y }
                })
                .collect(),
        )
    };
    MultiPolygon::new(
        mp.iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .collect(),
    )
    .orient(Winding::Default)
}

/// The walking isochrone of a facility: the area within `buffer_m` of the
/// network reachable within `limit_m` of walking to any of `sources`
/// (access node, walk already spent to get from the node to the facility).
/// `scratch` must be sized for `graph`; it holds the search afterwards.
pub fn facility_isochrone(
    graph: &WalkGraph,
    sources: &[(u32, f64)],
    limit_m: f64,
    proj: &LocalProjection,
    buffer_m: f64,
    scratch: &mut Scratch,
) -> MultiPolygon<f64> {
    bounded_multi_source(
        graph,
        Direction::Inbound,
        sources.iter().copied(),
        limit_m,
        scratch,
    );
    let scratch = &*scratch;
    let pieces = reached_pieces(graph, |v| scratch.dist(v), limit_m);
    isochrone_polygon(&pieces, proj, buffer_m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::build::polyline_length_m;
    use crate::graph::{Edge, Network};
    use geo::{Contains, Intersects, Point, Validation};

    const LON: f64 = 24.94;
    const LAT: f64 = 60.17;

    /// A network from projected node positions (metres) and edges
    /// `(from, to, forward, backward)`; straight two-point geometry, length
    /// the geodesic length.
    fn network(
        proj: &LocalProjection,
        xy: &[[f64; 2]],
        edges: &[(u32, u32, bool, bool)],
    ) -> Network {
        let coords: Vec<[f64; 2]> = xy.iter().map(|p| proj.unproject(*p)).collect();
        let mut net = Network {
            osm_ids: vec![0; coords.len()],
            coords,
            ..Default::default()
        };
        for &(from, to, forward, backward) in edges {
            let geom_start = net.geom.len() as u32;
            net.geom
                .extend([net.coords[from as usize], net.coords[to as usize]]);
            let geom_end = net.geom.len() as u32;
            let length_m = polyline_length_m(&net.geom[geom_start as usize..]);
            net.edges.push(Edge {
                from,
                to,
                length_m,
                way_id: 0,
                forward,
                backward,
                geom_start,
                geom_end,
            });
        }
        net
    }

    fn search(graph: &WalkGraph, sources: &[(u32, f64)], limit: f64) -> Scratch {
        let mut scratch = Scratch::new(graph.node_count());
        bounded_multi_source(
            graph,
            Direction::Inbound,
            sources.iter().copied(),
            limit,
            &mut scratch,
        );
        scratch
    }

    fn proj() -> LocalProjection {
        LocalProjection::new(LON, LAT)
    }

    #[test]
    fn straight_edge_source_at_one_end_gives_piece_of_limit_length() {
        let p = proj();
        let g = WalkGraph::new(network(
            &p,
            &[[0.0, 0.0], [200.0, 0.0]],
            &[(0, 1, true, true)],
        ));
        for (src, start) in [(0u32, 0usize), (1, 1)] {
            let s = search(&g, &[(src, 0.0)], 70.0);
            let pieces = reached_pieces(&g, |v| s.dist(v), 70.0);
            assert_eq!(pieces.len(), 1, "{pieces:?}");
            let piece = &pieces[0];
            assert_eq!(piece.len(), 2);
            assert!((polyline_length_m(piece) - 70.0).abs() < 1e-6);
            let end = if start == 0 { piece[0] } else { piece[1] };
            assert_eq!(end, g.net.coords[src as usize]);
        }
        // With a starting walk: 70 - 25 left.
        let s = search(&g, &[(0, 25.0)], 70.0);
        let pieces = reached_pieces(&g, |v| s.dist(v), 70.0);
        assert!((polyline_length_m(&pieces[0]) - 45.0).abs() < 1e-6);
        // Whole edge within the limit.
        let s = search(&g, &[(0, 0.0)], 250.0);
        let pieces = reached_pieces(&g, |v| s.dist(v), 250.0);
        assert_eq!(pieces, vec![g.net.edge_geom(0).to_vec()]);
    }

    #[test]
    fn bent_edge_is_cut_by_geodesic_length() {
        let p = proj();
        let mut net = network(&p, &[[0.0, 0.0], [100.0, 100.0]], &[]);
        net.geom = vec![
            net.coords[0],
            p.unproject([100.0, 0.0]),
            p.unproject([100.0, 30.0]),
            net.coords[1],
        ];
        net.edges.push(Edge {
            from: 0,
            to: 1,
            length_m: polyline_length_m(&net.geom),
            way_id: 0,
            forward: true,
            backward: true,
            geom_start: 0,
            geom_end: 4,
        });
        let g = WalkGraph::new(net);
        let s = search(&g, &[(0, 0.0)], 150.0);
        let pieces = reached_pieces(&g, |v| s.dist(v), 150.0);
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].len(), 4, "start, two bends, cut");
        assert!((polyline_length_m(&pieces[0]) - 150.0).abs() < 1e-6);
        let cut = p.project(pieces[0][3]);
        // Projection (sphere) and geodesic (ellipsoid) differ by ~0.3 %.
        assert!(
            (cut[0] - 100.0).abs() < 0.1 && (cut[1] - 50.0).abs() < 0.5,
            "{cut:?}"
        );
    }

    #[test]
    fn two_sided_partial_edge_and_merge() {
        let p = proj();
        // 0 --300-- 1, sources at both ends, 0 starting 20 m further.
        let g = WalkGraph::new(network(
            &p,
            &[[0.0, 0.0], [300.0, 0.0]],
            &[(0, 1, true, true)],
        ));
        let s = search(&g, &[(0, 20.0), (1, 0.0)], 100.0);
        let pieces = reached_pieces(&g, |v| s.dist(v), 100.0);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert!((polyline_length_m(&pieces[0]) - 80.0).abs() < 1e-6);
        assert!((polyline_length_m(&pieces[1]) - 100.0).abs() < 1e-6);
        assert_eq!(pieces[0][0], g.net.coords[0]);
        assert_eq!(pieces[1][1], g.net.coords[1]);
        // Budgets that meet (the edge is 300 m in the projection, ~301 m
        // geodesic): one whole piece.
        let s = search(&g, &[(0, 20.0), (1, 0.0)], 170.0);
        let pieces = reached_pieces(&g, |v| s.dist(v), 170.0);
        assert_eq!(pieces, vec![g.net.edge_geom(0).to_vec()]);
    }

    #[test]
    fn one_way_edge_is_honoured() {
        let p = proj();
        // 0 -> 1 only (forward), 100 m.
        let g = WalkGraph::new(network(
            &p,
            &[[0.0, 0.0], [100.0, 0.0]],
            &[(0, 1, true, false)],
        ));
        // Source at the head: points walk forwards to it, 60 m of the edge.
        let s = search(&g, &[(1, 0.0)], 60.0);
        let pieces = reached_pieces(&g, |v| s.dist(v), 60.0);
        assert_eq!(pieces.len(), 1);
        assert!((polyline_length_m(&pieces[0]) - 60.0).abs() < 1e-6);
        assert_eq!(pieces[0][1], g.net.coords[1]);
        // Source at the tail: no point of the edge can walk back to it; only
        // the source node itself is reached, as a one-point piece.
        let s = search(&g, &[(0, 0.0)], 60.0);
        let pieces = reached_pieces(&g, |v| s.dist(v), 60.0);
        assert_eq!(pieces, vec![vec![g.net.coords[0]]]);
        let poly = isochrone_polygon(&pieces, &p, 10.0);
        assert!(poly.is_valid());
        // A disc of radius 10 m (a 32-gon: 312 m2).
        let ky = crate::spatial::EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let area = geo::Area::unsigned_area(&poly) * ky * ky * LAT.to_radians().cos();
        assert!((area - std::f64::consts::PI * 100.0).abs() < 3.0, "{area}");
        // Nor is the head reached, whatever the limit.
        let s = search(&g, &[(0, 0.0)], 500.0);
        assert_eq!(s.dist(1), None);
        assert_eq!(reached_pieces(&g, |v| s.dist(v), 500.0).len(), 1);
    }

    #[test]
    fn polygon_of_one_edge_contains_piece_and_excludes_far_points() {
        let p = proj();
        let g = WalkGraph::new(network(
            &p,
            &[[0.0, 0.0], [300.0, 0.0]],
            &[(0, 1, true, true)],
        ));
        let mut scratch = Scratch::new(g.node_count());
        let poly = facility_isochrone(&g, &[(0, 0.0)], 100.0, &p, 20.0, &mut scratch);
        assert!(poly.is_valid(), "{:?}", poly.validation_errors());
        assert_eq!(poly.0.len(), 1);
        assert!(poly.0[0].interiors().is_empty());
        let at = |x: f64, y: f64| {
            let [lon, lat] = p.unproject([x, y]);
            Point::new(lon, lat)
        };
        for x in [0.0, 50.0, 99.9, 100.0] {
            assert!(poly.intersects(&at(x, 0.0)), "{x}");
        }
        assert!(poly.contains(&at(50.0, 19.0)));
        assert!(!poly.intersects(&at(50.0, 21.0)));
        assert!(!poly.intersects(&at(121.0, 0.0)));
        assert!(!poly.intersects(&at(-21.0, 0.0)));
        // Exterior counter-clockwise.
        use geo::Winding as _;
        assert!(poly.0[0].exterior().is_ccw());
    }

    #[test]
    fn empty_inputs_give_empty_polygons() {
        let p = proj();
        assert!(isochrone_polygon(&[], &p, 10.0).0.is_empty());
        assert!(isochrone_polygon(&[vec![[LON, LAT]]], &p, 0.0).0.is_empty());
        let one = isochrone_polygon(&[vec![[LON, LAT], [LON, LAT]]], &p, 5.0);
        assert_eq!(one.0.len(), 1);
    }
}
