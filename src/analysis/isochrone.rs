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
use geo::{
    BooleanOps, Buffer, Coord, LineString, MultiLineString, MultiPolygon, Polygon, unary_union,
};
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

/// Pieces stroked together in one sweep at each leaf of the union tree.
/// Small: one sweep over many overlapping buffers is superlinear (see the
/// module documentation), a leaf of 4 was fastest on Helsinki.
const LEAF_PIECES: usize = 4;

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
    let mut lines: Vec<LineString<f64>> = pieces
        .iter()
        .map(|p| project_piece(p, proj))
        .filter(|l| !l.0.is_empty())
        .collect();
    if lines.is_empty() {
        return MultiPolygon::new(Vec::new());
    }
    let t0 = std::time::Instant::now();
    sort_along_z_curve(&mut lines);
    let leaves: Vec<MultiPolygon<f64>> = lines
        .iter().collect::<Vec<_>>()
        .chunks(LEAF_PIECES)
        .map(|chunk| MultiLineString::new(chunk.iter().map(|l| (*l).clone()).collect()).buffer(buffer_m))
        .collect();
    if std::env::var("ISO_DEBUG").is_ok() {
        let nv: usize = leaves.iter().map(|m| m.iter().map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()).sum::<usize>()).sum();
        eprintln!("leaves {} vertices {nv} in {:.2?}", leaves.len(), t0.elapsed());
        let mut level = leaves.clone();
        while level.len() > 1 {
            let t = std::time::Instant::now();
            level = level.chunks(2).map(|c| if c.len() == 2 { c[0].union(&c[1]) } else { c[0].clone() }).collect();
            let nv: usize = level.iter().map(|m| m.iter().map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()).sum::<usize>()).sum();
            eprintln!("level {} nodes, vertices {nv} in {:.2?}", level.len(), t.elapsed());
        }
    }
    let merged = if leaves.len() == 1 {
        // Not through a union yet: normalise to OGC rings.
        unary_union(&leaves)
    } else {
        union_tree(&leaves)
    };
    unproject(&merged, proj)
}

/// Union of `polys` merged pairwise in a balanced binary tree (halves in
/// parallel). Each union removes the boundaries buried inside, so higher
/// levels handle short rings and the total work stays near-linear, where
/// one overlay of every buffer at once must intersect all overlapping
/// buffer outlines with each other. The tree shape depends only on
/// `polys.len()`, so the result does not depend on scheduling.
fn union_tree(polys: &[MultiPolygon<f64>]) -> MultiPolygon<f64> {
    match polys.len() {
        0 => MultiPolygon::new(Vec::new()),
        1 => polys[0].clone(),
        n => {
            let (a, b) = polys.split_at(n / 2);
            let (a, b) = if n >= 8 {
                rayon::join(|| union_tree(a), || union_tree(b))
            } else {
                (union_tree(a), union_tree(b))
            };
            a.union(&b)
        }
    }
}

/// Sort line strings by the Morton (Z-order) code of their bounding-box
/// centres, so that neighbours in the union tree are near in space and
/// their union shrinks. Stable, hence deterministic.
fn sort_along_z_curve(lines: &mut [LineString<f64>]) {
    fn spread(v: u32) -> u64 {
        let mut v = u64::from(v);
        v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
        v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        v = (v | (v << 1)) & 0x5555_5555_5555_5555;
        v
    }
    let centre = |l: &LineString<f64>| {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for c in l.coords() {
            lo = [lo[0].min(c.x), lo[1].min(c.y)];
            hi = [hi[0].max(c.x), hi[1].max(c.y)];
        }
        [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]
    };
    let centres: Vec<[f64; 2]> = lines.iter().map(centre).collect();
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for c in &centres {
        lo = [lo[0].min(c[0]), lo[1].min(c[1])];
        hi = [hi[0].max(c[0]), hi[1].max(c[1])];
    }
    let extent = (hi[0] - lo[0]).max(hi[1] - lo[1]);
    let scale = if extent > 0.0 { 65_535.0 / extent } else { 0.0 };
    let mut keyed: Vec<(u64, LineString<f64>)> = centres
        .iter()
        .zip(lines.iter_mut())
        .map(|(c, l)| {
            let q = |i: usize| ((c[i] - lo[i]) * scale) as u32;
            (
                spread(q(0)) | (spread(q(1)) << 1),
                std::mem::replace(l, LineString::new(Vec::new())),
            )
        })
        .collect();
    keyed.sort_by_key(|k| k.0);
    for (slot, (_, l)) in lines.iter_mut().zip(keyed) {
        *slot = l;
    }
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
