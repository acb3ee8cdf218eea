//! Walking isochrone polygons (`analysis::isochrone`) checked against the
//! exact walk of sample points on seeded random street grids (perturbed
//! blocks of 80-150 m, bent streets, one-way and missing edges) and on the
//! Helsinki network:
//!
//! * the reached pieces are exact: every point of a piece walks within the
//!   limit, and every network point that walks within the limit (every 5 m
//!   along every edge, and 5 cm short of each expected cut) is on a piece;
//!   both against walks computed here from a wider search;
//! * every reached network point (every 5 m along each reached piece, and
//!   every reached node) is in the polygon;
//! * a network point whose walk exceeds limit + buffer is outside unless it
//!   lies within buffer (+0.5 m) of a reached piece in a straight line (a
//!   parallel street across a narrow block); such points are counted;
//! * random points of the plane farther than buffer + 0.5 m from every
//!   reached piece are outside, nearer than buffer - 0.5 m are inside;
//! * the polygons are valid (`geo::Validation`), exterior rings CCW;
//! * block interiors the buffer does not reach are holes;
//! * on random odd geometry (tight curves, hairpins, very short segments,
//!   loops, duplicates, stars of pieces sharing end points, dense clusters
//!   where redundant pieces are dropped), points sampled around the
//!   buffer's edge are inside when within the buffer and outside when
//!   farther than the buffer plus `ARC_TOLERANCE_M` (to 1e-6 m).
//!
//! A tiny splitmix64 PRNG keeps every run identical.

use std::time::Instant;

use geo::{
    Area, BooleanOps, Buffer, Contains, Coord, Intersects, LineString, MultiPolygon, Point,
    Validation, Winding, unary_union,
};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

use crate::analysis::isochrone::{
    ARC_TOLERANCE_M, facility_isochrone, isochrone_polygon, reached_pieces,
};
use crate::analysis::search::{Scratch, bounded_multi_source};
use crate::graph::build::{geodesic_m, polyline_length_m};
use crate::graph::csr::Direction;
use crate::graph::{Edge, Network, WalkGraph};
use crate::spatial::LocalProjection;

use crate::testing::Rng;

/// Grid generator settings.
struct GridSpec {
    nx: usize,
    ny: usize,
    block: (f64, f64),
    jitter_m: f64,
    p_removed: f64,
    p_oneway: f64,
    p_bent: f64,
    p_diagonal: f64,
}

/// A street grid near (24.94, 60.17): column and row spacings drawn from
/// `block`, junctions moved by up to `jitter_m`, edges removed, one-way
/// (forward only, either orientation), bent (a third vertex off the middle)
/// or added diagonally across a block with the given chances.
fn grid(rng: &mut Rng, spec: &GridSpec) -> Network {
    let proj = LocalProjection::new(24.94, 60.17);
    let mut xs = vec![0.0];
    for _ in 1..spec.nx {
        let last = *xs.last().unwrap();
        xs.push(last + rng.uniform(spec.block.0, spec.block.1));
    }
    let mut ys = vec![0.0];
    for _ in 1..spec.ny {
        let last = *ys.last().unwrap();
        ys.push(last + rng.uniform(spec.block.0, spec.block.1));
    }
    let mut xy = Vec::new();
    for y in &ys {
        for x in &xs {
            let j = spec.jitter_m;
            xy.push([x + rng.uniform(-j, j), y + rng.uniform(-j, j)]);
        }
    }
    let id = |i: usize, j: usize| (j * spec.nx + i) as u32;
    let mut pairs = Vec::new();
    for j in 0..spec.ny {
        for i in 0..spec.nx {
            if i + 1 < spec.nx {
                pairs.push((id(i, j), id(i + 1, j)));
            }
            if j + 1 < spec.ny {
                pairs.push((id(i, j), id(i, j + 1)));
            }
            if i + 1 < spec.nx && j + 1 < spec.ny && rng.chance(spec.p_diagonal) {
                pairs.push((id(i, j), id(i + 1, j + 1)));
            }
        }
    }
    let mut net = Network {
        coords: xy.iter().map(|p| proj.unproject(*p)).collect(),
        osm_ids: (0..xy.len() as i64).map(|i| 1000 + i).collect(),
        edges: Vec::new(),
        geom: Vec::new(),
    };
    for (a, b) in pairs {
        if rng.chance(spec.p_removed) {
            continue;
        }
        let (from, to) = if rng.chance(0.5) { (a, b) } else { (b, a) };
        let oneway = rng.chance(spec.p_oneway);
        let (pa, pb) = (xy[from as usize], xy[to as usize]);
        let mut pts = vec![pa];
        if rng.chance(spec.p_bent) {
            let off = rng.uniform(-15.0, 15.0);
            let (dx, dy) = (pb[0] - pa[0], pb[1] - pa[1]);
            let n = (dx * dx + dy * dy).sqrt();
            let t = rng.uniform(0.3, 0.7);
            pts.push([pa[0] + t * dx - off * dy / n, pa[1] + t * dy + off * dx / n]);
        }
        pts.push(pb);
        let geom_start = net.geom.len() as u32;
        net.geom.extend(pts.iter().map(|p| proj.unproject(*p)));
        let geom_end = net.geom.len() as u32;
        let length_m = polyline_length_m(&net.geom[geom_start as usize..]);
        net.edges.push(Edge {
            from,
            to,
            length_m,
            way_id: net.edges.len() as i64 + 1,
            forward: true,
            backward: !oneway,
            geom_start,
            geom_end,
        });
    }
    net
}

/// Points every `step_m` (geodesic) along a lon/lat polyline, both ends
/// included, with their offsets in metres.
fn samples(g: &[[f64; 2]], step_m: f64) -> Vec<(f64, [f64; 2])> {
    let mut out = vec![(0.0, g[0])];
    let mut acc = 0.0;
    let mut next = step_m;
    for w in g.windows(2) {
        let len = geodesic_m(w[0], w[1]);
        while len > 0.0 && next < acc + len {
            let t = (next - acc) / len;
            out.push((
                next,
                [
                    w[0][0] + t * (w[1][0] - w[0][0]),
                    w[0][1] + t * (w[1][1] - w[0][1]),
                ],
            ));
            next += step_m;
        }
        acc += len;
    }
    out.push((acc, *g.last().unwrap()));
    out
}

/// The point `s` metres (geodesic) along a lon/lat polyline.
fn point_at_offset(g: &[[f64; 2]], s: f64) -> [f64; 2] {
    let mut acc = 0.0;
    for w in g.windows(2) {
        let len = geodesic_m(w[0], w[1]);
        if len > 0.0 && acc + len >= s {
            let t = ((s - acc) / len).clamp(0.0, 1.0);
            return [
                w[0][0] + t * (w[1][0] - w[0][0]),
                w[0][1] + t * (w[1][1] - w[0][1]),
            ];
        }
        acc += len;
    }
    *g.last().unwrap()
}

/// Projected segments of the pieces (a one-point piece is a zero-length
/// segment), for straight-line distances to the reached network.
fn piece_tree(pieces: &[Vec<[f64; 2]>], proj: &LocalProjection) -> RTree<Line<[f64; 2]>> {
    let mut lines = Vec::new();
    for p in pieces {
        if p.len() == 1 {
            let q = proj.project(p[0]);
            lines.push(Line::new(q, q));
        }
        for w in p.windows(2) {
            lines.push(Line::new(proj.project(w[0]), proj.project(w[1])));
        }
    }
    RTree::bulk_load(lines)
}

fn nearest_m(tree: &RTree<Line<[f64; 2]>>, q: [f64; 2]) -> f64 {
    use rstar::PointDistance;
    tree.nearest_neighbor(&q)
        .map_or(f64::INFINITY, |l| l.distance_2(&q).sqrt())
}

/// `p` is in the polygon, its boundary included, or within 1e-9 degrees
/// of it.
fn inside(poly: &MultiPolygon<f64>, p: [f64; 2]) -> bool {
    use geo::{Distance, Euclidean};
    let pt = Point::new(p[0], p[1]);
    poly.intersects(&pt) || poly.iter().any(|pg| Euclidean.distance(&pt, pg) < 1e-9)
}

#[derive(Debug, Default)]
struct Report {
    reached_points: usize,
    network_reached: usize,
    far_points: usize,
    far_inside_near_piece: usize,
    plane_points: usize,
    pieces: usize,
    holes: usize,
}

/// Check one isochrone against the exact walks of network and plane points.
fn check(
    graph: &WalkGraph,
    sources: &[(u32, f64)],
    limit_m: f64,
    buffer_m: f64,
    proj: &LocalProjection,
    rng: &mut Rng,
    plane_samples: usize,
) -> Report {
    let net = &graph.net;
    let mut scratch = Scratch::new(graph.node_count());
    let poly = facility_isochrone(graph, sources, limit_m, proj, buffer_m, &mut scratch);
    let pieces = reached_pieces(graph, |v| scratch.dist(v), limit_m);
    let reached_nodes: Vec<u32> = scratch.reached.clone();
    let mut report = Report {
        pieces: pieces.len(),
        holes: poly.iter().map(|p| p.interiors().len()).sum(),
        ..Default::default()
    };

    // Valid, exterior rings CCW, holes CW.
    assert!(
        poly.is_valid(),
        "invalid isochrone: {:?}",
        poly.validation_errors()
    );
    for p in poly.iter() {
        assert!(p.exterior().is_ccw());
        assert!(p.interiors().iter().all(|r| r.is_cw()));
    }
    assert_eq!(poly.0.is_empty(), pieces.is_empty());

    // Every reached point is inside.
    for piece in &pieces {
        for (_, p) in samples(piece, 5.0) {
            assert!(inside(&poly, p), "reached point {p:?} outside");
            report.reached_points += 1;
        }
    }
    for v in &reached_nodes {
        let c = net.coords[*v as usize];
        assert!(inside(&poly, c), "reached node {v} {c:?} outside");
        report.reached_points += 1;
    }

    // Exact walks to the sources up to limit + buffer + 1 m, and the walk
    // of a point `s` metres (geodesic, along the polyline) into edge `e`.
    let far = limit_m + buffer_m;
    let mut wide = Scratch::new(graph.node_count());
    bounded_multi_source(
        graph,
        Direction::Inbound,
        sources.iter().copied(),
        far + 1.0,
        &mut wide,
    );
    let dist = |v: u32| wide.dist(v).unwrap_or(f64::INFINITY);
    let geom_len: Vec<f64> = (0..net.edges.len())
        .map(|e| polyline_length_m(net.edge_geom(e)))
        .collect();
    let walk_at = |e: usize, s: f64| {
        let edge = &net.edges[e];
        let total = geom_len[e];
        let x = if total > 0.0 {
            s * edge.length_m / total
        } else {
            0.0
        };
        let mut walk = f64::INFINITY;
        if edge.backward {
            walk = walk.min(x + dist(edge.from));
        }
        if edge.forward {
            walk = walk.min(edge.length_m - x + dist(edge.to));
        }
        // The ends are the nodes themselves.
        if s <= 1e-9 {
            walk = walk.min(dist(edge.from));
        }
        if s >= total - 1e-9 {
            walk = walk.min(dist(edge.to));
        }
        walk
    };

    // Soundness of the pieces, independently of `reached_pieces`: every
    // point of a piece lies on the network where the exact walk is within
    // the limit (1 cm for the interpolation). Network segments in metres
    // with (edge, segment, geodesic offset of the segment's start).
    let mut seg_items = Vec::new();
    for e in 0..net.edges.len() {
        let g = net.edge_geom(e);
        let mut acc = 0.0;
        for (k, w) in g.windows(2).enumerate() {
            let line = Line::new(proj.project(w[0]), proj.project(w[1]));
            seg_items.push(GeomWithData::new(line, (e, k, acc)));
            acc += geodesic_m(w[0], w[1]);
        }
    }
    let seg_tree = RTree::bulk_load(seg_items);
    let node_tree: RTree<GeomWithData<[f64; 2], u32>> = RTree::bulk_load(
        (0..net.node_count())
            .map(|v| GeomWithData::new(proj.project(net.coords[v]), v as u32))
            .collect(),
    );
    let exact_walk = |p: [f64; 2]| {
        let q = proj.project(p);
        let mut best = f64::INFINITY;
        for it in seg_tree.locate_within_distance(q, 1e-4) {
            let (e, k, start) = it.data;
            let g = net.edge_geom(e);
            let (a, b) = (it.geom().from, it.geom().to);
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let l2 = dx * dx + dy * dy;
            let t = if l2 > 0.0 {
                (((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / l2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let s = start + t * geodesic_m(g[k], g[k + 1]);
            best = best.min(walk_at(e, s));
        }
        for it in node_tree.locate_within_distance(q, 1e-4) {
            best = best.min(dist(it.data));
        }
        best
    };
    for piece in &pieces {
        for (_, p) in samples(piece, 5.0) {
            let w = exact_walk(p);
            assert!(
                w <= limit_m + 0.01,
                "piece point {p:?} walks {w} > {limit_m}"
            );
        }
    }

    // Completeness, independently of `reached_pieces`: every network point
    // whose exact walk is within the limit is on a piece and inside. Points
    // every 5 m along every edge, plus the points 5 cm short of where the
    // walk through each end reaches the limit (the expected cuts).
    let tree = piece_tree(&pieces, proj);
    for (e, edge) in net.edges.iter().enumerate() {
        let g = net.edge_geom(e);
        let mut pts = samples(g, 5.0);
        let total = geom_len[e];
        if edge.length_m > 0.0 {
            let k = total / edge.length_m;
            for s in [
                (limit_m - dist(edge.from) - 0.05) * k,
                total - (limit_m - dist(edge.to) - 0.05) * k,
            ] {
                if s > 0.0 && s < total {
                    pts.push((s, point_at_offset(g, s)));
                }
            }
        }
        for (s, p) in pts {
            if walk_at(e, s) <= limit_m {
                assert!(
                    inside(&poly, p),
                    "network point {p:?} walks within the limit, outside"
                );
                let d = nearest_m(&tree, proj.project(p));
                assert!(
                    d < 0.01,
                    "network point {p:?} walks within the limit, {d} m off the pieces"
                );
                report.network_reached += 1;
            }
        }
    }

    let bbox = geo::BoundingRect::bounding_rect(&poly);
    let check_far = |p: [f64; 2], walk: f64, report: &mut Report| {
        if walk <= far {
            return;
        }
        report.far_points += 1;
        if let Some(r) = bbox {
            if p[0] < r.min().x || p[0] > r.max().x || p[1] < r.min().y || p[1] > r.max().y {
                return;
            }
        } else {
            return;
        }
        let d = nearest_m(&tree, proj.project(p));
        let is_in = poly.intersects(&Point::new(p[0], p[1]));
        if d > buffer_m + 0.5 {
            assert!(
                !is_in,
                "{p:?}: walk {walk}, {d} m from reached pieces, inside"
            );
        } else if is_in {
            report.far_inside_near_piece += 1;
        }
    };
    for e in 0..net.edges.len() {
        for (s, p) in samples(net.edge_geom(e), 5.0) {
            check_far(p, walk_at(e, s), &mut report);
        }
    }
    for v in 0..net.node_count() as u32 {
        check_far(net.coords[v as usize], dist(v), &mut report);
    }

    // Random points of the plane around the isochrone: the polygon is the
    // buffer of the pieces up to the polygonal approximation of arcs.
    if let Some(r) = bbox {
        let (lo, hi) = (
            proj.project([r.min().x, r.min().y]),
            proj.project([r.max().x, r.max().y]),
        );
        for _ in 0..plane_samples {
            let q = [
                rng.uniform(lo[0] - 20.0, hi[0] + 20.0),
                rng.uniform(lo[1] - 20.0, hi[1] + 20.0),
            ];
            let d = nearest_m(&tree, q);
            let p = proj.unproject(q);
            let is_in = poly.intersects(&Point::new(p[0], p[1]));
            if d > buffer_m + 0.5 {
                assert!(!is_in, "plane point {p:?} {d} m from the pieces is inside");
            } else if d < buffer_m - 0.5 {
                assert!(is_in, "plane point {p:?} {d} m from the pieces is outside");
            }
            report.plane_points += 1;
        }
    }
    report
}

fn random_spec(rng: &mut Rng) -> GridSpec {
    GridSpec {
        nx: rng.range(4, 12),
        ny: rng.range(4, 12),
        block: (80.0, 150.0),
        jitter_m: rng.uniform(0.0, 15.0),
        p_removed: rng.uniform(0.0, 0.2),
        p_oneway: rng.uniform(0.0, 0.3),
        p_bent: rng.uniform(0.0, 0.5),
        p_diagonal: rng.uniform(0.0, 0.15),
    }
}

#[test]
fn random_grids_match_exact_walks() {
    let mut rng = Rng(0x150c_4e0e);
    let mut total = Report::default();
    let runs = 40;
    for run in 0..runs {
        let spec = random_spec(&mut rng);
        let net = grid(&mut rng, &spec);
        let proj = LocalProjection::fit(net.coords.iter().copied()).unwrap();
        let graph = WalkGraph::new(net);
        let k = rng.range(1, 4);
        let sources: Vec<(u32, f64)> = (0..k)
            .map(|_| {
                (
                    rng.range(0, graph.node_count()) as u32,
                    if rng.chance(0.5) {
                        0.0
                    } else {
                        rng.uniform(0.0, 40.0)
                    },
                )
            })
            .collect();
        let limit = rng.uniform(100.0, 700.0);
        let buffer = rng.uniform(10.0, 50.0);
        let r = check(&graph, &sources, limit, buffer, &proj, &mut rng, 400);
        eprintln!(
            "run {run}: {} nodes, {} edges, limit {limit:.0} m, buffer {buffer:.0} m: {r:?}",
            graph.node_count(),
            graph.net.edges.len()
        );
        total.reached_points += r.reached_points;
        total.network_reached += r.network_reached;
        total.far_points += r.far_points;
        total.far_inside_near_piece += r.far_inside_near_piece;
        total.plane_points += r.plane_points;
        total.pieces += r.pieces;
        total.holes += r.holes;
    }
    eprintln!("random grids, {runs} runs: {total:?}");
    assert!(total.holes > 0, "some isochrones have holes");
}

/// A single straight one-way edge from the source: nothing of it is
/// reached, the source's disc is the isochrone.
#[test]
fn one_way_street_away_from_source_is_not_reached() {
    let mut rng = Rng(7);
    let spec = GridSpec {
        nx: 6,
        ny: 6,
        block: (100.0, 100.0),
        jitter_m: 0.0,
        p_removed: 0.0,
        p_oneway: 1.0,
        p_bent: 0.0,
        p_diagonal: 0.0,
    };
    let net = grid(&mut rng, &spec);
    let proj = LocalProjection::fit(net.coords.iter().copied()).unwrap();
    let graph = WalkGraph::new(net);
    for v in 0..graph.node_count() as u32 {
        let r = check(&graph, &[(v, 0.0)], 350.0, 25.0, &proj, &mut rng, 100);
        assert!(r.pieces >= 1);
    }
}

#[test]
fn unreached_block_interior_is_a_hole() {
    // 150 m blocks, straight two-way streets, buffer 40 m.
    let mut rng = Rng(3);
    let spec = GridSpec {
        nx: 6,
        ny: 6,
        block: (150.0, 150.0),
        jitter_m: 0.0,
        p_removed: 0.0,
        p_oneway: 0.0,
        p_bent: 0.0,
        p_diagonal: 0.0,
    };
    let net = grid(&mut rng, &spec);
    let proj = LocalProjection::new(24.94, 60.17);
    let graph = WalkGraph::new(net);
    let src = 2 * 6 + 2; // node (2, 2) at (300, 300) m
    let (limit, buffer) = (600.0, 40.0);
    let mut scratch = Scratch::new(graph.node_count());
    let poly = facility_isochrone(&graph, &[(src, 0.0)], limit, &proj, buffer, &mut scratch);
    assert!(poly.is_valid(), "{:?}", poly.validation_errors());
    let holes: usize = poly.iter().map(|p| p.interiors().len()).sum();
    assert!(holes >= 1, "no hole");
    let at = |x: f64, y: f64| {
        let [lon, lat] = proj.unproject([x, y]);
        Point::new(lon, lat)
    };
    // The four blocks around the source are fully reached: their centres
    // (75 m from every street) are holes, 39 m from a street is inside.
    for (cx, cy) in [
        (225.0, 225.0),
        (375.0, 225.0),
        (225.0, 375.0),
        (375.0, 375.0),
    ] {
        assert!(
            !poly.intersects(&at(cx, cy)),
            "block centre {cx},{cy} inside"
        );
        assert!(poly.contains(&at(cx - 75.0 + 39.0, cy)));
        assert!(!poly.intersects(&at(cx - 75.0 + 41.0, cy)));
    }
    check(&graph, &[(src, 0.0)], limit, buffer, &proj, &mut rng, 2000);
}

#[test]
fn helsinki_isochrones() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = Instant::now();
    let config = crate::config::Config::read(&root.join("data/helsinki/fitcircle.toml"))
        .expect("read the Helsinki config");
    let inputs = crate::input::load(&config).expect("load Helsinki");
    let net = inputs.network.expect("a network");
    let proj = LocalProjection::fit(net.coords.iter().copied()).unwrap();
    let graph = WalkGraph::new(net);
    eprintln!(
        "helsinki: {} nodes, {} edges, loaded in {:.2?}",
        graph.node_count(),
        graph.net.edges.len(),
        t.elapsed()
    );
    // Sources in the largest component.
    let big = (0..graph.component_sizes.len())
        .max_by_key(|c| graph.component_sizes[*c])
        .unwrap() as u32;
    let mut rng = Rng(0x4e15_1e1c);
    let mut sources = Vec::new();
    while sources.len() < 3 {
        let v = rng.range(0, graph.node_count()) as u32;
        if graph.component[v as usize] == big {
            sources.push(v);
        }
    }
    let (limit, buffer) = (1000.0, 40.0);
    let mut scratch = Scratch::new(graph.node_count());
    for &src in &sources {
        let t = Instant::now();
        bounded_multi_source(
            &graph,
            Direction::Inbound,
            [(src, 0.0)],
            limit,
            &mut scratch,
        );
        let pieces = reached_pieces(&graph, |v| scratch.dist(v), limit);
        let t_pieces = t.elapsed();
        let t = Instant::now();
        let poly = isochrone_polygon(&pieces, &proj, buffer);
        let t_poly = t.elapsed();
        let vertices: usize = poly
            .iter()
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum();
        eprintln!(
            "helsinki source {src}: {} reached nodes, {} pieces; search + pieces {t_pieces:.2?}, \
             polygon {t_poly:.2?} ({} polygons, {} holes, {vertices} vertices)",
            scratch.reached.len(),
            pieces.len(),
            poly.0.len(),
            poly.iter().map(|p| p.interiors().len()).sum::<usize>(),
        );
        let r = check(&graph, &[(src, 0.0)], limit, buffer, &proj, &mut rng, 3000);
        eprintln!("helsinki source {src}: {r:?}");
    }
    // All three together, one with a starting walk.
    let multi = [(sources[0], 0.0), (sources[1], 120.0), (sources[2], 30.0)];
    let r = check(&graph, &multi, limit, buffer, &proj, &mut rng, 3000);
    eprintln!("helsinki sources {multi:?}: {r:?}");
}

fn morton(x: u32, y: u32) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut v = v as u64;
        v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
        v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
        v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        v = (v | (v << 1)) & 0x5555_5555_5555_5555;
        v
    }
    spread(x) | (spread(y) << 1)
}

fn project_lines(pieces: &[Vec<[f64; 2]>], proj: &LocalProjection) -> Vec<LineString> {
    pieces
        .iter()
        .map(|p| {
            p.iter()
                .map(|c| {
                    let [x, y] = proj.project(*c);
                    Coord { x, y }
                })
                .collect()
        })
        .collect()
}

/// Buffer groups of `leaf` consecutive pieces (optionally sorted along a
/// Z curve first) and merge the groups pairwise in a balanced tree,
/// optionally in parallel.
fn tree_variant(
    pieces: &[Vec<[f64; 2]>],
    proj: &LocalProjection,
    buffer_m: f64,
    sort: bool,
    leaf: usize,
    parallel: bool,
) -> MultiPolygon {
    use geo::MultiLineString;
    use rayon::prelude::*;
    let mut lines = project_lines(pieces, proj);
    if sort {
        lines.sort_by_cached_key(|l| {
            let c = l.0[l.0.len() / 2];
            morton(((c.x + 1e5) / 4.0) as u32, ((c.y + 1e5) / 4.0) as u32)
        });
    }
    fn merge(polys: &[MultiPolygon], parallel: bool) -> MultiPolygon {
        match polys.len() {
            0 => MultiPolygon::new(vec![]),
            1 => polys[0].clone(),
            n => {
                let (a, b) = polys.split_at(n / 2);
                let (a, b) = if parallel {
                    rayon::join(|| merge(a, true), || merge(b, true))
                } else {
                    (merge(a, false), merge(b, false))
                };
                a.union(&b)
            }
        }
    }
    let chunks: Vec<&[LineString]> = lines.chunks(leaf).collect();
    let stroke = |c: &&[LineString]| MultiLineString::new(c.to_vec()).buffer(buffer_m);
    let buffers: Vec<MultiPolygon> = if parallel {
        chunks.par_iter().map(stroke).collect()
    } else {
        chunks.iter().map(stroke).collect()
    };
    merge(&buffers, parallel)
}

/// Timing of union strategies on Helsinki; slow in debug builds, run with
/// `cargo test --release --test isochrone -- --ignored --nocapture`.
#[test]
#[ignore]
fn union_methods_timing() {
    use geo::MultiLineString;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = crate::config::Config::read(&root.join("data/helsinki/fitcircle.toml")).unwrap();
    let inputs = crate::input::load(&config).unwrap();
    let net = inputs.network.unwrap();
    let proj = LocalProjection::fit(net.coords.iter().copied()).unwrap();
    let graph = WalkGraph::new(net);
    let mut scratch = Scratch::new(graph.node_count());
    let runs = [
        (3044u32, 1000.0, 40.0),
        (3044, 1000.0, 15.0),
        (3044, 2000.0, 40.0),
        (2232, 1000.0, 40.0),
    ];
    for (src, limit, buffer) in runs {
        bounded_multi_source(
            &graph,
            Direction::Inbound,
            [(src, 0.0)],
            limit,
            &mut scratch,
        );
        let pieces = reached_pieces(&graph, |v| scratch.dist(v), limit);
        let time = |name: &str, f: &dyn Fn() -> MultiPolygon, area_ref: Option<f64>| {
            let mut best = std::time::Duration::MAX;
            let mut mp = MultiPolygon::new(vec![]);
            for _ in 0..3 {
                let t = Instant::now();
                mp = f();
                best = best.min(t.elapsed());
            }
            let area = mp.unsigned_area();
            eprintln!(
                "  {name}: {best:.2?} (area {area:.0}, valid {})",
                mp.is_valid()
            );
            // geo's `Buffer` draws arcs inscribed in their circle (32-gons),
            // `isochrone_polygon` circumscribed (within ARC_TOLERANCE_M).
            if let Some(a) = area_ref {
                assert!((area - a).abs() < 1e-2 * a, "{area} vs {a}");
            }
            area
        };
        eprintln!(
            "source {src}, limit {limit} m, buffer {buffer} m: {} pieces (best of 3)",
            pieces.len()
        );
        let ours = time(
            "isochrone_polygon (lon/lat out)",
            &|| {
                geo::MapCoords::map_coords(&isochrone_polygon(&pieces, &proj, buffer), |c| {
                    let [x, y] = proj.project([c.x, c.y]);
                    Coord { x, y }
                })
            },
            None,
        );
        let a = Some(ours);
        time(
            "one stroke sweep (MultiLineString::buffer)",
            &|| MultiLineString::new(project_lines(&pieces, &proj)).buffer(buffer),
            a,
        );
        time(
            "per-piece buffers + one unary_union",
            &|| {
                let b: Vec<MultiPolygon> = project_lines(&pieces, &proj)
                    .iter()
                    .map(|l| l.buffer(buffer))
                    .collect();
                unary_union(b.iter())
            },
            a,
        );
        for (sort, leaf, par) in [
            (false, 1, false),
            (false, 1, true),
            (true, 1, false),
            (true, 1, true),
            (true, 2, true),
            (true, 4, false),
            (true, 4, true),
            (true, 8, true),
            (true, 16, true),
        ] {
            time(
                &format!("tree, z-order {sort}, {leaf} pieces a leaf, parallel {par}"),
                &|| tree_variant(&pieces, &proj, buffer, sort, leaf, par),
                a,
            );
        }
    }
}

/// Timing of `isochrone_polygon` on the union of all facilities' walks of
/// a bundle (every facility snapped to its nearest node of the largest
/// component): on Porto Alegre the "any" target, 194 schools, 1000 m,
/// 40 m buffer, 24 400 pieces; on Helsinki 42 facilities, 5 054 pieces.
/// Run with `cargo test --release --test isochrone -- --ignored
/// --nocapture bundle_union_timing` (add `RAYON_NUM_THREADS=1` for one
/// thread).
#[test]
#[ignore]
fn bundle_union_timing() {
    use geo::Centroid;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (bundle, limit, buffer) in [("porto-alegre", 1000.0, 40.0), ("helsinki", 1000.0, 40.0)] {
        let config =
            crate::config::Config::read(&root.join(format!("data/{bundle}/fitcircle.toml")))
                .unwrap();
        let inputs = crate::input::load(&config).unwrap();
        let net = inputs.network.clone().unwrap();
        let proj = LocalProjection::fit(net.coords.iter().copied()).unwrap();
        let graph = WalkGraph::new(net);
        let big = (0..graph.component_sizes.len())
            .max_by_key(|c| graph.component_sizes[*c])
            .unwrap() as u32;
        let nodes: RTree<GeomWithData<[f64; 2], u32>> = RTree::bulk_load(
            (0..graph.node_count())
                .filter(|&v| graph.component[v] == big)
                .map(|v| GeomWithData::new(proj.project(graph.net.coords[v]), v as u32))
                .collect(),
        );
        let sources: Vec<(u32, f64)> = inputs
            .facilities
            .iter()
            .filter_map(|f| f.geometry.centroid())
            .map(|c| {
                (
                    nodes
                        .nearest_neighbor(&proj.project([c.x(), c.y()]))
                        .unwrap()
                        .data,
                    0.0,
                )
            })
            .collect();
        let mut scratch = Scratch::new(graph.node_count());
        bounded_multi_source(
            &graph,
            Direction::Inbound,
            sources.iter().copied(),
            limit,
            &mut scratch,
        );
        let pieces = reached_pieces(&graph, |v| scratch.dist(v), limit);
        let vertices: usize = pieces.iter().map(|p| p.len()).sum();
        let mut best = std::time::Duration::MAX;
        let mut poly = MultiPolygon::new(vec![]);
        for _ in 0..5 {
            let t = Instant::now();
            poly = isochrone_polygon(&pieces, &proj, buffer);
            best = best.min(t.elapsed());
        }
        let out_vertices: usize = poly
            .iter()
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum();

        let area = geo::MapCoords::map_coords(&poly, |c| {
            let [x, y] = proj.project([c.x, c.y]);
            Coord { x, y }
        })
        .unsigned_area();
        eprintln!(
            "{bundle}: {} sources, {} pieces ({vertices} vertices): isochrone_polygon best of 5 \
             {best:.2?}; {} polygons, {} holes, {out_vertices} vertices, area {:.0} m2",
            sources.len(),
            pieces.len(),
            poly.0.len(),
            poly.iter().map(|p| p.interiors().len()).sum::<usize>(),
            area,
        );
    }
}

/// Random polylines in local metres: street-like pieces sharing end points
/// (stars at shared points, chains through them), tight curves and
/// hairpins, very short segments, closed loops, duplicates and one-point
/// pieces; `dense`: many of them close together.
fn odd_pieces(rng: &mut Rng, proj: &LocalProjection, dense: bool) -> Vec<Vec<[f64; 2]>> {
    let mut xy: Vec<Vec<[f64; 2]>> = Vec::new();
    let hubs: Vec<[f64; 2]> = (0..rng.range(1, 6))
        .map(|_| [rng.uniform(-150.0, 150.0), rng.uniform(-150.0, 150.0)])
        .collect();
    let n = if dense {
        rng.range(40, 160)
    } else {
        rng.range(1, 25)
    };
    for _ in 0..n {
        let kind = rng.range(0, 8);
        let start = if rng.chance(0.6) {
            hubs[rng.range(0, hubs.len())]
        } else {
            [rng.uniform(-200.0, 200.0), rng.uniform(-200.0, 200.0)]
        };
        let mut p = vec![start];
        match kind {
            0 => {
                // Straight to another hub or a random point.
                let end = if rng.chance(0.5) {
                    hubs[rng.range(0, hubs.len())]
                } else {
                    [rng.uniform(-200.0, 200.0), rng.uniform(-200.0, 200.0)]
                };
                p.push(end);
            }
            1 => {
                // A tight arc (radius below the buffer), maybe a full loop.
                let rad = rng.uniform(1.0, 30.0);
                let a0 = rng.uniform(0.0, 6.3);
                let sweep = rng.uniform(0.5, 7.0);
                let k = rng.range(3, 40);
                let c = [start[0] - rad * a0.cos(), start[1] - rad * a0.sin()];
                for i in 1..=k {
                    let a = a0 + sweep * i as f64 / k as f64;
                    p.push([c[0] + rad * a.cos(), c[1] + rad * a.sin()]);
                }
            }
            2 => {
                // Hairpin: out and (nearly) back.
                let a = rng.uniform(0.0, 6.3);
                let l = rng.uniform(1.0, 80.0);
                let q = [start[0] + l * a.cos(), start[1] + l * a.sin()];
                p.push(q);
                let b = a + std::f64::consts::PI + rng.uniform(-0.05, 0.05);
                let l2 = rng.uniform(1.0, 80.0);
                p.push([q[0] + l2 * b.cos(), q[1] + l2 * b.sin()]);
                if rng.chance(0.3) {
                    p.push(start);
                }
            }
            3 => {
                // Zig-zag with very short segments.
                let mut q = start;
                for _ in 0..rng.range(2, 30) {
                    let a = rng.uniform(0.0, 6.3);
                    let l = if rng.chance(0.5) {
                        rng.uniform(0.001, 0.3)
                    } else {
                        rng.uniform(0.3, 20.0)
                    };
                    q = [q[0] + l * a.cos(), q[1] + l * a.sin()];
                    p.push(q);
                }
            }
            4 => {
                // Closed polygon loop back to its start.
                let k = rng.range(3, 8);
                let rad = rng.uniform(5.0, 120.0);
                for i in 1..k {
                    let a = std::f64::consts::TAU * i as f64 / k as f64 + rng.uniform(-0.3, 0.3);
                    p.push([start[0] + rad * (a.cos() - 1.0), start[1] + rad * a.sin()]);
                }
                p.push(start);
            }
            5 => {
                // A one-point or zero-length piece.
                if rng.chance(0.5) {
                    p.push(start);
                }
            }
            6 => {
                // Nearly straight through many points (gentle bends).
                let a = rng.uniform(0.0, 6.3);
                let mut q = start;
                let mut h = a;
                for _ in 0..rng.range(2, 12) {
                    h += rng.uniform(-0.05, 0.05);
                    let l = rng.uniform(2.0, 40.0);
                    q = [q[0] + l * h.cos(), q[1] + l * h.sin()];
                    p.push(q);
                }
            }
            _ => {
                // Copy of an earlier piece, maybe reversed.
                if let Some(prev) = xy.last() {
                    p = prev.clone();
                    if rng.chance(0.5) {
                        p.reverse();
                    }
                }
            }
        }
        xy.push(p);
    }
    // Dense: squeezed into a third of the area, so that pieces lie well
    // within the buffer of others (redundant pieces are dropped).
    let k = if dense { 0.3 } else { 1.0 };
    xy.iter()
        .map(|p| {
            p.iter()
                .map(|q| proj.unproject([k * q[0], k * q[1]]))
                .collect()
        })
        .collect()
}

/// The polygon contains every point within the buffer of the pieces and
/// nothing farther than the buffer plus `ARC_TOLERANCE_M`, on random odd
/// geometry, sampled densely around the buffer's edge (within 1e-6 m).
#[test]
fn buffer_is_tight_on_odd_geometry() {
    let mut rng = Rng(0x0dd_9e0);
    let proj = LocalProjection::new(24.94, 60.17);
    let runs = 300;
    let (mut checked_in, mut checked_out) = (0usize, 0usize);
    for run in 0..runs {
        let pieces = odd_pieces(&mut rng, &proj, run % 3 == 2);
        let buffer = if rng.chance(0.2) {
            rng.uniform(0.5, 5.0)
        } else {
            rng.uniform(5.0, 60.0)
        };
        let poly = isochrone_polygon(&pieces, &proj, buffer);
        assert!(
            poly.is_valid(),
            "run {run}: invalid: {:?}",
            poly.validation_errors()
        );
        for p in poly.iter() {
            assert!(p.exterior().is_ccw());
            assert!(p.interiors().iter().all(|r| r.is_cw()));
        }
        let tree = piece_tree(&pieces, &proj);
        // Points about every piece vertex and along every segment, at
        // distances around the buffer.
        let mut probes = Vec::new();
        for piece in &pieces {
            let q: Vec<[f64; 2]> = piece.iter().map(|c| proj.project(*c)).collect();
            for (i, c) in q.iter().enumerate() {
                for _ in 0..6 {
                    let a = rng.uniform(0.0, 6.3);
                    let d = buffer + rng.uniform(-0.3, 0.5);
                    probes.push([c[0] + d * a.cos(), c[1] + d * a.sin()]);
                }
                if let Some(n) = q.get(i + 1) {
                    let (dx, dy) = (n[0] - c[0], n[1] - c[1]);
                    let l = (dx * dx + dy * dy).sqrt();
                    if l > 0.0 {
                        for _ in 0..4 {
                            let t = rng.unit();
                            let s = if rng.chance(0.5) { 1.0 } else { -1.0 };
                            let d = s * (buffer + rng.uniform(-0.3, 0.5));
                            probes.push([c[0] + t * dx - d * dy / l, c[1] + t * dy + d * dx / l]);
                        }
                    }
                }
            }
        }
        for _ in 0..200 {
            probes.push([rng.uniform(-260.0, 260.0), rng.uniform(-260.0, 260.0)]);
        }
        for q in probes {
            let d = nearest_m(&tree, q);
            let p = proj.unproject(q);
            if d < buffer - 1e-6 {
                assert!(
                    inside(&poly, p),
                    "run {run}: {q:?} {d} m from the pieces (buffer {buffer}) is outside"
                );
                checked_in += 1;
            } else if d > buffer + ARC_TOLERANCE_M + 1e-6 {
                assert!(
                    !poly.intersects(&Point::new(p[0], p[1])),
                    "run {run}: {q:?} {d} m from the pieces (buffer {buffer}) is inside"
                );
                checked_out += 1;
            }
        }
    }
    eprintln!("{runs} runs: {checked_in} points inside, {checked_out} outside checked");
}
