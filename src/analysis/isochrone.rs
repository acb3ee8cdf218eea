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
//!    ([`LocalProjection`]) and builds their buffer from its exact
//!    decomposition: the buffer of a network of segments is the union of a
//!    rectangle of half-width `buffer_m` on each segment and, at each
//!    vertex, the sector of directions making at least 90 degrees with
//!    every segment there (a point's nearest network point is inside a
//!    segment or is a vertex). Pieces are chained through the points where
//!    their ends meet (pairing the ends closest to going straight on), and
//!    each chain becomes one outline ring: offsets on both sides, an arc on
//!    the outer side of each bend, the inner side cut where the offsets
//!    cross, round caps at lone ends, butt ends where several pieces end
//!    (the free directions there drawn as a sector unless a chain passes
//!    through). The ring may cross itself; its nonzero winding covers
//!    exactly the union of its rectangles and sectors (see
//!    `Outliner::outlines`). Arcs are polygons circumscribed about their
//!    circle, at most [`ARC_TOLERANCE_M`] outside it. One-point pieces are
//!    discs.
//! 4. The outlines are sorted along a Z-order curve and dissolved along the
//!    quadtree of their Morton codes: groups of up to 4 (`LEAF_OUTLINES`)
//!    in one nonzero sweep (`unary_union`), then pairwise unions up the
//!    tree (the halves in parallel with rayon). A pairwise union overlays
//!    only what can interact: polygons and holes whose bounding boxes meet
//!    nothing of the other side skip the overlay (holes are filled for it
//!    and put back into the polygon holding them). The unions run in OGC
//!    mode, so the rings are valid; the result is unprojected to lon/lat
//!    and oriented with exterior rings counter-clockwise, holes clockwise.
//!
//! On dense networks (footpaths: the buffers cover the area near the
//! pieces over `CULL_MULTIPLICITY` = 4 times on average) pieces whose
//! buffer lies inside the buffers of the pieces kept are dropped first
//! (`cull`, tested on a grid of cells of side `buffer_m / 4`); the union is
//! unchanged.
//!
//! Guarantees (checked by `tests/isochrone.rs`):
//!
//! * every point within `buffer_m` of a reached piece (in the projection),
//!   in particular every point of every reached piece and every reached
//!   node, lies in the polygon (within coordinate rounding);
//! * every point of the plane farther than `buffer_m + ARC_TOLERANCE_M`
//!   (0.3 m) from every reached piece lies outside: where the network does
//!   not come within `buffer_m`, e.g. the interior of a large block, the
//!   polygon has a hole;
//! * the polygons are valid (`geo::Validation`);
//! * the result does not depend on the number of threads (the tree depends
//!   only on the Morton codes).
//!
//! A point can be inside the polygon while being far on foot (a parallel
//! street across a narrow block, within `buffer_m` in a straight line of a
//! reached street): that is inherent to buffering a line network.
//!
//! Why this way: street buffers overlap heavily (a 40 m buffer on 80-150 m
//! blocks), and `i_overlay` (behind geo's boolean operations and `Buffer`)
//! costs about 0.3-0.7 us per vertex and pass, more where outlines cross.
//! Stroking each piece with geo's `Buffer` gave ~22 vertices a piece (two
//! 32-gon caps, overlapping at every junction) and a sweep of its own; the
//! chained outlines need no overlay to build, have no caps at junctions and
//! ~8 vertices a piece. Merging neighbours first buries most outlines
//! early, and holes away from the seams skip the upper levels. Porto
//! Alegre "any" target (194 schools, 1000 m, 40 m buffer, 24 400 pieces;
//! `bundle_union_timing`, ignored, in `tests/isochrone.rs`), release build,
//! 2 shared cores: 460-530 ms (900 ms on one thread) with geo's `Buffer`
//! in groups of 4 and a plain pairwise tree, 150-170 ms (320 ms) now;
//! Helsinki (42 facilities, 5 054 pieces): 63-67 ms (118 ms), now 19-21 ms
//! (38 ms). Dropping the 32-gon minimum for a 0.3 m tolerance (26-gons at
//! 40 m) saved ~5 %; Douglas-Peucker simplification of the pieces
//! (0.05-0.25 m) removed under 5 % of their vertices and saved nothing
//! measurable, so it is not used.

use geo::orient::{Direction as Winding, Orient};
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, unary_union};

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
pub(crate) fn reached_pieces(
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
/// Small: a sweep of overlapping outlines is superlinear (`i_overlay`
/// checks the segments overlapping in x pairwise below a few thousand).
const LEAF_OUTLINES: usize = 4;

/// Largest distance (metres) of a polygonal arc outside its circle: arcs are
/// drawn circumscribed, with steps of at most
/// 2 acos(r / (r + ARC_TOLERANCE_M)) radians (and at least 12 a circle).
pub(crate) const ARC_TOLERANCE_M: f64 = 0.3;

/// Chains of pieces are cut where they would grow wider than this many
/// buffers, to keep the union tree local.
const CHAIN_EXTENT_BUFFERS: f64 = 8.0;

/// Redundant pieces are looked for when the pieces' buffers cover the area
/// near them this many times on average (dense footpath networks).
const CULL_MULTIPLICITY: f64 = 4.0;

/// The buffer of `pieces` (lon/lat polylines; one-point or zero-length
/// pieces become discs) by `buffer_m` metres, dissolved into valid
/// polygons with holes where the pieces do not come within `buffer_m`.
/// Buffering is done in `proj`'s local metres with round caps and joins:
/// the polygon contains every point within `buffer_m` of a piece and none
/// farther than `buffer_m + ARC_TOLERANCE_M`. The result is in lon/lat,
/// exterior rings counter-clockwise, holes clockwise. Empty when there are
/// no pieces or `buffer_m` is not positive. Deterministic: the same pieces
/// give the same rings whatever the number of threads.
pub(crate) fn isochrone_polygon(
    pieces: &[Vec<[f64; 2]>],
    proj: &LocalProjection,
    buffer_m: f64,
) -> MultiPolygon<f64> {
    if buffer_m.is_nan() || buffer_m <= 0.0 {
        return MultiPolygon::new(Vec::new());
    }
    let mut lines: Vec<Vec<Coord<f64>>> = pieces
        .iter()
        .map(|p| project_piece(p, proj).0)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return MultiPolygon::new(Vec::new());
    }
    if multiplicity(&lines, buffer_m) >= CULL_MULTIPLICITY {
        let keep = cull(&lines, buffer_m);
        let mut k = keep.iter();
        lines.retain(|_| *k.next().expect("one flag a line"));
    }
    let mut outlines = Outliner::new(buffer_m).outlines(&lines);
    let keys = sort_along_z_curve(&mut outlines);
    let merged = tree_union(&outlines, &keys, 31);
    unproject(&merged, proj)
}

/// The union of outlines (rings whose nonzero winding covers the buffer,
/// possibly self-intersecting) as valid polygons.
fn dissolve(outlines: &[Polygon<f64>]) -> MultiPolygon<f64> {
    use geo::Winding;
    // `unary_union` takes its fill rule from the winding of the first ring
    // (at its lowest vertex): lead with a counter-clockwise triangle and its
    // reverse, which cancel, when the first outline's winding is not plain.
    if outlines[0].exterior().is_ccw() {
        return unary_union(outlines);
    }
    let c = outlines[0].exterior().0[0];
    let tri = vec![
        c,
        Coord {
            x: c.x + 1.0,
            y: c.y,
        },
        Coord {
            x: c.x,
            y: c.y + 1.0,
        },
    ];
    let ccw = Polygon::new(LineString::new(tri.clone()), Vec::new());
    let cw = Polygon::new(LineString::new(tri.into_iter().rev().collect()), Vec::new());
    unary_union([&ccw, &cw].into_iter().chain(outlines))
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
    /// Other pieces end here too: a butt end a little past the point; the
    /// directions free of any segment there are covered by the join of a
    /// chain passing through, or by a sector of their own.
    Butt,
}

/// A piece end: its point (coordinate bits), the direction of the segment
/// leaving it, and its id: 2 * piece, + 1 at the piece's last point.
type End = ((u64, u64), f64, usize);

/// How the piece ends are joined at their points.
struct Joins {
    /// The ends, sorted by point ([`Outliner::piece_ends`]).
    ends: Vec<End>,
    /// Per end id: the end it is chained to, or `usize::MAX`.
    link: Vec<usize>,
    /// Per end id: its cap when not chained.
    cap: Vec<Cap>,
    /// Per end id: the range of `ends` at its point.
    at: Vec<(usize, usize)>,
    /// Per point (its first index in `ends`): the pairs chained through
    /// it not yet cut or closed by a walk.
    chained: Vec<usize>,
    /// Per point: whether its free directions are drawn.
    drawn: Vec<bool>,
}

/// Walks the chains of joined pieces into rings.
struct Tracer<'a> {
    outliner: &'a Outliner,
    lines: &'a [Vec<Coord<f64>>],
    joins: Joins,
    /// Per piece: walked.
    used: Vec<bool>,
    /// The points of the chain being walked.
    chain: Vec<Coord<f64>>,
    /// Ends to start walks from (with their start cap).
    starts: Vec<(usize, Cap)>,
    /// A chain is cut at a pair when it would grow wider than this.
    max_extent: f64,
}

impl Tracer<'_> {
    /// Chains, from every end not chained, then around the cycles left.
    fn trace(mut self, out: &mut Vec<Polygon<f64>>) {
        let lines = self.lines;
        for e in 0..2 * lines.len() {
            if lines[e / 2].len() > 1 && !self.used[e / 2] && self.joins.link[e] == usize::MAX {
                self.run(e, self.joins.cap[e], out);
            }
        }
        for (p, l) in lines.iter().enumerate() {
            if l.len() > 1 && !self.used[p] {
                // On a cycle: open it at this piece's start.
                self.run(2 * p, Cap::Butt, out);
            }
        }
    }

    /// Walk from end `e` with cap `c`, then from the ends where chains
    /// were cut.
    fn run(&mut self, e: usize, c: Cap, out: &mut Vec<Polygon<f64>>) {
        self.starts.push((e, c));
        while let Some((s, c)) = self.starts.pop() {
            if !self.used[s / 2] {
                self.walk(s, c, out);
            }
        }
    }

    /// One chain from end `first` into a ring in `out`: through the paired
    /// ends until a free end, a used piece or the extent limit (then the
    /// next piece is queued as a new start).
    fn walk(&mut self, first: usize, start_cap: Cap, out: &mut Vec<Polygon<f64>>) {
        let (lines, j) = (self.lines, &mut self.joins);
        self.chain.clear();
        let mut e = first;
        let mut bb = EMPTY_BBOX;
        loop {
            let p = e / 2;
            self.used[p] = true;
            let l = &lines[p];
            bb = bbox_union(bb, coords_bbox(l));
            let skip = usize::from(!self.chain.is_empty());
            if e % 2 == 0 {
                self.chain.extend(l.iter().skip(skip));
            } else {
                self.chain.extend(l.iter().rev().skip(skip));
            }
            let far = e ^ 1;
            let next = j.link[far];
            let cut = next != usize::MAX && !self.used[next / 2] && {
                let b = bbox_union(bb, coords_bbox(&lines[next / 2]));
                (b[2] - b[0]).max(b[3] - b[1]) > self.max_extent
            };
            if next != usize::MAX && !self.used[next / 2] && !cut {
                e = next;
                continue;
            }
            let end_cap = if next == usize::MAX {
                j.cap[far]
            } else {
                Cap::Butt
            };
            out.push(self.outliner.ring(&self.chain, start_cap, end_cap));
            if next != usize::MAX {
                // A chain cut or a cycle closed at a pair: the point's
                // free directions, when no other pair passes there.
                let (g, h) = j.at[far];
                j.chained[g] -= 1;
                if j.chained[g] == 0 && !j.drawn[g] {
                    j.drawn[g] = true;
                    out.extend(self.outliner.free_sector(&j.ends, g, h));
                }
            }
            if cut {
                self.starts.push((next, Cap::Butt));
            }
            return;
        }
    }
}

impl Outliner {
    fn new(r: f64) -> Self {
        // The chords of a step `s` drawn at radius r / cos(s / 2) touch the
        // circle; their corners stay within ARC_TOLERANCE_M of it.
        let step = (2.0 * (r / (r + ARC_TOLERANCE_M)).acos()).min(std::f64::consts::TAU / 12.0);
        Outliner {
            r,
            step,
            // A butt corner is sqrt(r^2 + ext^2) < r + 0.025 m away.
            ext: (0.1 * r).min(0.5),
        }
    }

    /// Outlines whose union is the buffer of `lines` (local metres, no
    /// consecutive duplicates) by `r`, arcs circumscribed.
    ///
    /// The buffer of a network of segments is the union of a rectangle of
    /// half-width `r` on each segment and, at each vertex, the sector of
    /// directions making at least 90 degrees with every segment there: a
    /// point's nearest point of the network is inside a segment (the point
    /// is in its rectangle) or a vertex (the point is in its sector).
    ///
    /// Pieces are chained through their end points, pairing the ends that
    /// come closest to going straight on (chains are cut at a pair when
    /// they grow wider than `CHAIN_EXTENT_BUFFERS` buffers). A chain
    /// becomes one ring: the right side forwards, the end cap, the left side
    /// backwards, the start cap. As a sum of boundaries it is the sum of
    /// the boundaries of the segments' rectangles (the ends between two
    /// segments cancel) and of the vertices' sectors (an arc on the outer
    /// side of a bend), minus, on the inner side of a bend, the loop cut
    /// off where the two offsets cross (only when that crossing is within
    /// half of either segment from the vertex; else the ring folds through
    /// the vertex and nothing is cut): a quadrilateral inside both
    /// rectangles, and loops cut at different vertices lie in the
    /// rectangles of different pairs of segments. So its winding number is
    /// positive exactly on the union of the rectangles and sectors, however
    /// the ring crosses itself. A chain end alone at its point gets a round
    /// cap (the sector of its free directions); where several ends meet,
    /// unpaired ends are butt ends a little past the point, and the point's
    /// free directions (those at least 90 degrees from every segment there)
    /// are covered by the join of any chain through the point (whose own
    /// free directions include them) or else drawn as a sector polygon.
    /// One-point pieces are discs.
    fn outlines(&self, lines: &[Vec<Coord<f64>>]) -> Vec<Polygon<f64>> {
        let mut out = Vec::new();
        let ends = self.piece_ends(lines, &mut out);
        let joins = self.join_ends(ends, lines.len(), &mut out);
        Tracer {
            outliner: self,
            lines,
            joins,
            used: vec![false; lines.len()],
            chain: Vec::new(),
            starts: Vec::new(),
            max_extent: CHAIN_EXTENT_BUFFERS * self.r,
        }
        .trace(&mut out);
        out
    }

    /// The ends of the pieces of two or more points, sorted by point, then
    /// direction, then end id; a disc into `out` for each one-point piece.
    fn piece_ends(&self, lines: &[Vec<Coord<f64>>], out: &mut Vec<Polygon<f64>>) -> Vec<End> {
        let key = |c: Coord<f64>| (c.x.to_bits(), c.y.to_bits());
        let mut ends: Vec<End> = Vec::new();
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
        ends
    }

    /// Pair the ends at each point (of `n_lines` pieces), closest to going
    /// straight on first; where several ends meet, the unpaired ones are
    /// butt ends, and when none is paired the point's free directions go
    /// into `out` as a sector.
    fn join_ends(&self, ends: Vec<End>, n_lines: usize, out: &mut Vec<Polygon<f64>>) -> Joins {
        use std::f64::consts::{PI, TAU};
        let mut j = Joins {
            link: vec![usize::MAX; 2 * n_lines],
            cap: vec![Cap::Round; 2 * n_lines],
            at: vec![(0, 0); 2 * n_lines],
            chained: vec![0usize; ends.len()],
            drawn: vec![false; ends.len()],
            ends,
        };
        let ends = &j.ends;
        let mut g = 0;
        while g < ends.len() {
            let mut h = g + 1;
            while h < ends.len() && ends[h].0 == ends[g].0 {
                h += 1;
            }
            let group = &ends[g..h];
            for e in group {
                j.at[e.2] = (g, h);
            }
            // Pair the ends closest to going straight on, greedily.
            let mut pairs = Vec::new();
            for (i, a) in group.iter().enumerate() {
                for b in &group[i + 1..] {
                    if a.2 / 2 != b.2 / 2 {
                        let mut dev = (a.1 - b.1).abs();
                        if dev > PI {
                            dev = TAU - dev;
                        }
                        pairs.push((PI - dev, a.2, b.2));
                    }
                }
            }
            pairs.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
            for (_, a, b) in pairs {
                if j.link[a] == usize::MAX && j.link[b] == usize::MAX {
                    j.link[a] = b;
                    j.link[b] = a;
                    j.chained[g] += 1;
                }
            }
            if group.len() >= 2 {
                for e in group {
                    if j.link[e.2] == usize::MAX {
                        j.cap[e.2] = Cap::Butt;
                    }
                }
                if j.chained[g] == 0 {
                    j.drawn[g] = true;
                    out.extend(self.free_sector(ends, g, h));
                }
            }
            g = h;
        }
        j
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

    /// The sector about the point of `ends[g..h]` of the directions making
    /// at least 90 degrees with every end's direction, widened by a quarter
    /// step on each side so that it overlaps the butt ends rather than
    /// abutting them; `None` when there are no such directions.
    fn free_sector(&self, ends: &[End], g: usize, h: usize) -> Option<Polygon<f64>> {
        use std::f64::consts::{FRAC_PI_2, PI, TAU};
        // Sorted by direction within the point.
        let dirs: Vec<f64> = ends[g..h].iter().map(|e| e.1).collect();
        let v = Coord {
            x: f64::from_bits(ends[g].0.0),
            y: f64::from_bits(ends[g].0.1),
        };
        let (mut gap, mut after) = (dirs[0] + TAU - dirs[dirs.len() - 1], dirs.len() - 1);
        for k in 0..dirs.len() - 1 {
            let d = dirs[k + 1] - dirs[k];
            if d > gap {
                (gap, after) = (d, k);
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
    /// counter-clockwise by `w` radians, circumscribed: `n` equal steps of
    /// at most `step`, a vertex at r / cos(step / 2) halfway through each,
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
        use std::f64::consts::PI;
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
        // `along` metres along u from c, then r to the left (side +1) or
        // right (-1).
        let pt = |c: Coord<f64>, u: (f64, f64, f64), along: f64, side: f64| Coord {
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
            self.arc(&mut ring, q[m], (ul.1, -ul.0), PI);
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
            self.arc(&mut ring, q[0], (-u0.1, u0.0), PI);
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
        let turn = (a.0 * b.1 - a.1 * b.0).atan2(a.0 * b.0 + a.1 * b.1); // > 0: left
        // Left normals.
        let (na, nb) = ((-a.1, a.0), (-b.1, b.0));
        let off = |n: (f64, f64)| Coord {
            x: c.x + side * r * n.0,
            y: c.y + side * r * n.1,
        };
        if turn == 0.0 {
            ring.push(off(nb));
            return;
        }
        if (turn > 0.0) == (side < 0.0) {
            // Outer side: the vertex's sector.
            if side < 0.0 {
                // Right side, left turn: from -na counter-clockwise to -nb.
                self.arc(ring, c, (-na.0, -na.1), turn);
            } else {
                // Left side walked backwards, right turn: from nb to na.
                self.arc(ring, c, nb, -turn);
            }
            return;
        }
        // Inner side: the offsets cross at distance d from the vertex along
        // both segments. Cut there when d is at most half of each segment
        // (so that the cuts at a segment's two ends do not overlap), else
        // fold through the vertex.
        let d = r * (turn.abs() / 2.0).tan();
        if 2.0 * d <= a.2 && 2.0 * d <= b.2 {
            ring.push(Coord {
                x: c.x + side * r * na.0 - d * a.0,
                y: c.y + side * r * na.1 - d * a.1,
            });
        } else if side < 0.0 {
            ring.extend([off(na), c, off(nb)]);
        } else {
            ring.extend([off(nb), c, off(na)]);
        }
    }
}

/// How many times, on average, the buffers (radius `r`) of `lines` cover
/// the cells of side `r` that the lines pass through: total length times
/// 2r over the area of those cells. 0 when the grid would be too large.
fn multiplicity(lines: &[Vec<Coord<f64>>], r: f64) -> f64 {
    let b = lines
        .iter()
        .fold(EMPTY_BBOX, |b, l| bbox_union(b, coords_bbox(l)));
    let (nx, ny) = (
        ((b[2] - b[0]) / r) as usize + 1,
        ((b[3] - b[1]) / r) as usize + 1,
    );
    if nx.saturating_mul(ny) > 1 << 24 {
        return 0.0;
    }
    let mut occupied = vec![false; nx * ny];
    let mut total = 0.0;
    for l in lines {
        for w in l.windows(2) {
            let len = (w[1].x - w[0].x).hypot(w[1].y - w[0].y);
            total += len;
            let n = (2.0 * len / r).ceil() as usize;
            for k in 0..=n {
                let t = k as f64 / n.max(1) as f64;
                let x = w[0].x + t * (w[1].x - w[0].x);
                let y = w[0].y + t * (w[1].y - w[0].y);
                let (i, j) = (((x - b[0]) / r) as usize, ((y - b[1]) / r) as usize);
                occupied[j.min(ny - 1) * nx + i.min(nx - 1)] = true;
            }
        }
    }
    let cells = occupied.iter().filter(|o| **o).count();
    if cells == 0 {
        return 0.0;
    }
    total * 2.0 * r / (cells as f64 * r * r)
}

/// The range of x of the points of line `y` within `r` of segment `a`-`b`
/// (a stadium, convex), or `None`.
fn stadium_row(a: Coord<f64>, b: Coord<f64>, r: f64, y: f64) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for c in [a, b] {
        let dy = y - c.y;
        if dy.abs() <= r {
            let dx = (r * r - dy * dy).sqrt();
            lo = lo.min(c.x - dx);
            hi = hi.max(c.x + dx);
        }
    }
    let (ux, uy) = (b.x - a.x, b.y - a.y);
    let len = ux.hypot(uy);
    if len > 0.0 {
        let (ux, uy) = (ux / len, uy / len);
        // 0 <= (x - a.x) ux + (y - a.y) uy <= len and
        // -r <= (x - a.x) uy - (y - a.y) ux <= r, as bounds on x.
        let (mut s_lo, mut s_hi) = (f64::NEG_INFINITY, f64::INFINITY);
        let mut ok = true;
        for (coef, c0, min, max) in [(ux, (y - a.y) * uy, 0.0, len), (uy, -(y - a.y) * ux, -r, r)] {
            if coef.abs() < 1e-12 {
                ok &= (min..=max).contains(&c0);
            } else {
                let (p, q) = ((min - c0) / coef + a.x, (max - c0) / coef + a.x);
                s_lo = s_lo.max(p.min(q));
                s_hi = s_hi.min(p.max(q));
            }
        }
        if ok && s_lo <= s_hi {
            lo = lo.min(s_lo);
            hi = hi.max(s_hi);
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// Which pieces to keep: a piece is dropped when its whole buffer (radius
/// `r`) is covered by the buffers of the pieces kept, so that the union is
/// the same. Tested on a grid of square cells of side r/4: each cell counts
/// the kept segments whose buffer contains it (its four corners within `r`
/// of the segment, the buffer of a segment being convex), and the pieces
/// are dropped in order when every cell meeting their buffer still has a
/// count without their own segments. A cell covered when a piece is
/// dropped stays covered: dropping a later piece needs the cells it
/// covers to be covered by others.
fn cull(lines: &[Vec<Coord<f64>>], r: f64) -> Vec<bool> {
    let mut keep = vec![true; lines.len()];
    let b = lines
        .iter()
        .fold(EMPTY_BBOX, |b, l| bbox_union(b, coords_bbox(l)));
    let h = r / 4.0;
    let (ox, oy) = (b[0] - r - h, b[1] - r - h);
    let nx = ((b[2] - b[0] + 2.0 * r) / h) as usize + 3;
    let ny = ((b[3] - b[1] + 2.0 * r) / h) as usize + 3;
    if nx.saturating_mul(ny) > 1 << 24 {
        return keep;
    }
    let (r_in, r_out) = (r * (1.0 - 1e-9), r * (1.0 + 1e-9));
    // The segments of piece k are segs[seg_of[k]..seg_of[k + 1]]; the cells
    // inside the buffer of segment s are the runs (row, first column, end
    // column) runs[run_of[s]..run_of[s + 1]].
    let mut segs: Vec<(Coord<f64>, Coord<f64>)> = Vec::new();
    let mut seg_of = vec![0usize];
    for l in lines {
        if l.len() == 1 {
            segs.push((l[0], l[0]));
        } else {
            segs.extend(l.windows(2).map(|w| (w[0], w[1])));
        }
        seg_of.push(segs.len());
    }
    let mut runs: Vec<(u32, u32, u32)> = Vec::new();
    let mut run_of = vec![0usize];
    for &(a, b) in &segs {
        let j0 = ((a.y.min(b.y) - r_in - oy) / h).floor().max(0.0) as usize;
        let j1 = (((a.y.max(b.y) + r_in - oy) / h).ceil() as usize).min(ny - 1);
        let mut below = stadium_row(a, b, r_in, oy + j0 as f64 * h);
        for j in j0..j1 {
            let above = stadium_row(a, b, r_in, oy + (j + 1) as f64 * h);
            if let (Some(p), Some(q)) = (below, above) {
                let (x0, x1) = (p.0.max(q.0), p.1.min(q.1));
                let i0 = ((x0 - ox) / h).ceil().max(0.0) as usize;
                let i1 = (((x1 - ox) / h).floor().max(0.0) as usize).min(nx);
                if i0 < i1 {
                    runs.push((j as u32, i0 as u32, i1 as u32));
                }
            }
            below = above;
        }
        run_of.push(runs.len());
    }
    let mut cov = vec![0u32; nx * ny];
    let add = |cov: &mut [u32], s0: usize, s1: usize, up: bool| {
        for &(j, i0, i1) in &runs[run_of[s0]..run_of[s1]] {
            let row = j as usize * nx;
            for c in &mut cov[row + i0 as usize..row + i1 as usize] {
                *c = if up { *c + 1 } else { *c - 1 };
            }
        }
    };
    add(&mut cov, 0, segs.len(), true);
    // Whether every cell meeting the buffer of segment a-b is counted; per
    // row, the cells within r of the part of the segment within r of the
    // row (a superset).
    let covered = |cov: &[u32], a: Coord<f64>, b: Coord<f64>| -> bool {
        let j0 = ((a.y.min(b.y) - r_out - oy) / h).floor().max(0.0) as usize;
        let j1 = (((a.y.max(b.y) + r_out - oy) / h).ceil() as usize).min(ny);
        let dy = b.y - a.y;
        (j0..j1).all(|j| {
            let (y0, y1) = (oy + j as f64 * h - r_out, oy + (j + 1) as f64 * h + r_out);
            let (t0, t1) = if dy.abs() < 1e-12 {
                (0.0, 1.0)
            } else {
                let (p, q) = ((y0 - a.y) / dy, (y1 - a.y) / dy);
                (p.min(q).max(0.0), p.max(q).min(1.0))
            };
            if t0 > t1 {
                return true;
            }
            let (xa, xb) = (a.x + t0 * (b.x - a.x), a.x + t1 * (b.x - a.x));
            let i0 = ((xa.min(xb) - r_out - ox) / h).floor().max(0.0) as usize;
            let i1 = (((xa.max(xb) + r_out - ox) / h).floor() as usize + 1).min(nx);
            !cov[j * nx + i0..j * nx + i1].contains(&0)
        })
    };
    for (k, keep) in keep.iter_mut().enumerate() {
        let (s0, s1) = (seg_of[k], seg_of[k + 1]);
        add(&mut cov, s0, s1, false);
        if segs[s0..s1].iter().all(|&(a, b)| covered(&cov, a, b)) {
            *keep = false;
        } else {
            add(&mut cov, s0, s1, true);
        }
    }
    keep
}

/// Bounding box [min x, min y, max x, max y].
type Bbox = [f64; 4];

const EMPTY_BBOX: Bbox = [
    f64::INFINITY,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
];

fn coords_bbox(cs: &[Coord<f64>]) -> Bbox {
    cs.iter().fold(EMPTY_BBOX, |b, c| {
        [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)]
    })
}

fn bbox_union(a: Bbox, b: Bbox) -> Bbox {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
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

/// Union of `polys` (sorted by their Morton `keys`) merged along the
/// quadtree of the keys: split where key bit `bit` changes, the halves in
/// parallel, groups of at most `LEAF_OUTLINES` dissolved in one sweep. The
/// tree depends only on the keys, so the result does not depend on
/// scheduling.
fn tree_union(polys: &[Polygon<f64>], keys: &[u64], bit: i32) -> MultiPolygon<f64> {
    if polys.len() <= LEAF_OUTLINES {
        return dissolve(polys);
    }
    let m = if bit < 0 {
        polys.len() / 2
    } else {
        keys.partition_point(|k| k & (1u64 << bit) == 0)
    };
    if m == 0 || m == polys.len() {
        return tree_union(polys, keys, bit - 1);
    }
    let ((pa, pb), (ka, kb)) = (polys.split_at(m), keys.split_at(m));
    let (a, b) = if polys.len() >= 64 {
        rayon::join(
            || tree_union(pa, ka, bit - 1),
            || tree_union(pb, kb, bit - 1),
        )
    } else {
        (tree_union(pa, ka, bit - 1), tree_union(pb, kb, bit - 1))
    };
    union_pair(a, b)
}

/// The union of two valid multipolygons, overlaying only what may
/// interact: a polygon whose bounding box meets no polygon of the other
/// side passes through, and a hole whose bounding box meets no polygon of
/// the other side is filled for the overlay (nothing of the other side is
/// there) and put back afterwards into the polygon that contains its own.
/// Each union removes the boundaries buried inside, and the holes away
/// from the seam between the two sides skip the overlay, so the upper
/// levels of the tree handle mostly the outer rings.
fn union_pair(a: MultiPolygon<f64>, b: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let boxes = |m: &MultiPolygon<f64>| -> Vec<Bbox> {
        m.iter().map(|p| coords_bbox(&p.exterior().0)).collect()
    };
    let (ba, bb) = (boxes(&a), boxes(&b));
    let mut through = Vec::new();
    let mut cores: [Vec<Polygon<f64>>; 2] = [Vec::new(), Vec::new()];
    let mut filled: Vec<Vec<LineString<f64>>> = Vec::new();
    for (side, (own, own_boxes, other)) in [(a, &ba, &bb), (b, &bb, &ba)].into_iter().enumerate() {
        for (p, pb) in own.0.into_iter().zip(own_boxes) {
            if !other.iter().any(|o| meets(pb, o)) {
                through.push(p);
                continue;
            }
            let (ext, holes) = p.into_inner();
            let (keep, fill): (Vec<_>, Vec<_>) = holes.into_iter().partition(|h| {
                let hb = coords_bbox(&h.0);
                other.iter().any(|o| meets(&hb, o))
            });
            if !fill.is_empty() {
                filled.push(fill);
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
    if !filled.is_empty() {
        let mb: Vec<Bbox> = merged
            .iter()
            .map(|p| coords_bbox(&p.exterior().0))
            .collect();
        let area = |i: usize| (mb[i][2] - mb[i][0]) * (mb[i][3] - mb[i][1]);
        for holes in filled {
            // The holes of one polygon go to the polygon that absorbed it:
            // the smallest whose exterior holds them (another polygon can
            // hold them only around it). Tested with a few of their
            // points, which lie strictly inside unless a hole touches the
            // exterior there.
            let hb = coords_bbox(&holes[0].0);
            let cands: Vec<usize> = (0..merged.len()).filter(|&i| meets(&hb, &mb[i])).collect();
            let k = if cands.len() == 1 {
                cands[0]
            } else {
                let probes: Vec<Coord<f64>> = holes
                    .iter()
                    .flat_map(|h| h.0.iter().take(3))
                    .take(9)
                    .copied()
                    .collect();
                let votes = |i: usize| {
                    probes
                        .iter()
                        .filter(|p| in_ring(**p, merged[i].exterior()))
                        .count()
                };
                cands
                    .iter()
                    .copied()
                    .max_by(|&i, &j| {
                        votes(i)
                            .cmp(&votes(j))
                            .then(area(j).total_cmp(&area(i)))
                            .then(j.cmp(&i))
                    })
                    .unwrap_or(0)
            };
            for h in holes {
                merged[k].interiors_push(h);
            }
        }
    }
    merged.extend(through);
    MultiPolygon::new(merged)
}

/// Sort polygons by the Morton (Z-order) code of their bounding-box
/// centres, so that neighbours in the union tree are near in space and
/// their union shrinks; return the codes. Stable, hence deterministic.
fn sort_along_z_curve(polys: &mut Vec<Polygon<f64>>) -> Vec<u64> {
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
            let b = coords_bbox(&p.exterior().0);
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
    let keys = keyed.iter().map(|k| k.0).collect();
    polys.extend(keyed.into_iter().map(|k| k.1));
    keys
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
pub(crate) fn facility_isochrone(
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
    use crate::graph::Edge;
    use crate::graph::build::polyline_length_m;
    use geo::{Contains, Intersects, Point, Validation};

    const LON: f64 = 24.94;
    const LAT: f64 = 60.17;

    use crate::testing::network_from_xy as network;

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
        // A disc of radius 10 m: a polygon circumscribed about the circle,
        // within ARC_TOLERANCE_M of it (a 13-gon, 320 m2).
        let ky = crate::spatial::EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let area = geo::Area::unsigned_area(&poly) * ky * ky * LAT.to_radians().cos();
        let disc = |r: f64| std::f64::consts::PI * r * r;
        assert!(
            area > disc(10.0) && area < disc(10.0 + ARC_TOLERANCE_M),
            "{area}"
        );
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
