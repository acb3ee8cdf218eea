//! Accuracy of the travel-time surface and its bands on tiny networks,
//! against a brute-force oracle: every street point sampled every 0.25 m
//! with its walk, and for a point the least straight walk plus walk on.

use geo::{Contains, Coord, Distance, Euclidean, MultiPolygon, Point, Validation, Winding};

use super::bands::trace;
use super::search::{Scratch, bounded_multi_source};
use super::surface::{Surface, SurfaceSettings, fill_tiled};
use crate::graph::WalkGraph;
use crate::graph::csr::Direction;
use crate::spatial::LocalProjection;
use crate::testing::Rng;

const LON: f64 = 24.94;
const LAT: f64 = 60.17;
const R: f64 = 20.0;
const CELL: f64 = 4.0;
const BANDS: [f64; 3] = [60.0, 120.0, 180.0];

fn proj() -> LocalProjection {
    LocalProjection::new(LON, LAT)
}

use crate::testing::network_from_xy as network;

/// A 5 x 5 lattice of 70 m blocks, jittered, some one-way edges and a
/// missing edge or two.
fn lattice(seed: u64) -> (WalkGraph, Vec<(u32, f64)>) {
    let p = proj();
    let mut rng = Rng::new(seed);
    let mut xy = Vec::new();
    for j in 0..5 {
        for i in 0..5 {
            xy.push([
                i as f64 * 70.0 + rng.uniform(-12.0, 12.0),
                j as f64 * 70.0 + rng.uniform(-12.0, 12.0),
            ]);
        }
    }
    let mut edges = Vec::new();
    for j in 0..5u32 {
        for i in 0..5u32 {
            let v = j * 5 + i;
            for w in [(i + 1 < 5).then(|| v + 1), (j + 1 < 5).then(|| v + 5)]
                .into_iter()
                .flatten()
            {
                if rng.chance(0.1) {
                    continue;
                }
                let one_way = rng.chance(0.15);
                edges.push((v, w, true, !one_way));
            }
        }
    }
    let g = WalkGraph::new(network(&p, &xy, &edges));
    let sources = vec![
        (rng.below(25) as u32, rng.uniform(0.0, 30.0)),
        (rng.below(25) as u32, 0.0),
    ];
    (g, sources)
}

fn search(g: &WalkGraph, sources: &[(u32, f64)], limit: f64) -> Scratch {
    let mut s = Scratch::new(g.node_count());
    bounded_multi_source(
        g,
        Direction::Inbound,
        sources.iter().copied(),
        limit,
        &mut s,
    );
    s
}

fn settings(limit: f64) -> SurfaceSettings {
    SurfaceSettings {
        limit_m: limit,
        radius_m: R,
        cell_m: CELL,
        metres_per_minute: 1.0,
    }
}

/// Street points every 0.25 m (projected metres) with their walk.
fn oracle_points(g: &WalkGraph, s: &Scratch, limit: f64) -> Vec<([f64; 2], f64)> {
    let p = proj();
    let mut out = Vec::new();
    for e in &g.net.edges {
        let a = p.project(g.net.coords[e.from as usize]);
        let b = p.project(g.net.coords[e.to as usize]);
        let len = crate::spatial::dist(a, b);
        let n = (len / 0.25).ceil().max(1.0) as usize;
        for k in 0..=n {
            let t = k as f64 / n as f64;
            let mut d = f64::INFINITY;
            if e.backward
                && let Some(du) = s.dist(e.from)
            {
                d = d.min(du + t * e.length_m);
            }
            if e.forward
                && let Some(dv) = s.dist(e.to)
            {
                d = d.min(dv + (1.0 - t) * e.length_m);
            }
            if d <= limit {
                out.push(([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])], d));
            }
        }
    }
    for v in &s.reached {
        out.push((p.project(g.net.coords[*v as usize]), s.dist(*v).unwrap()));
    }
    out
}

/// Least walk from the street points within R, over the oracle points.
fn oracle(points: &[([f64; 2], f64)], q: [f64; 2]) -> f64 {
    points
        .iter()
        .filter(|(p, _)| crate::spatial::dist(*p, q) <= R)
        .map(|(_, d)| *d)
        .fold(f64::INFINITY, f64::min)
}

fn lonlat_point(q: [f64; 2]) -> Point<f64> {
    let [x, y] = proj().unproject(q);
    Point::new(x, y)
}

/// Distance in metres from projected `q` to the polygons.
fn distance_to(mp: &MultiPolygon<f64>, q: [f64; 2]) -> f64 {
    if mp.contains(&lonlat_point(q)) {
        return 0.0;
    }
    let p = proj();
    mp.0.iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
        .flat_map(|ring| ring.lines())
        .map(|l| {
            let a = p.project([l.start.x, l.start.y]);
            let b = p.project([l.end.x, l.end.y]);
            Euclidean.distance(
                &Point::new(q[0], q[1]),
                &geo::Line::new(Coord { x: a[0], y: a[1] }, Coord { x: b[0], y: b[1] }),
            )
        })
        .fold(f64::INFINITY, f64::min)
}

fn surface(g: &WalkGraph, sources: &[(u32, f64)], tile: usize) -> (Surface, Scratch) {
    let limit = BANDS[2];
    let s = search(g, sources, limit);
    let sf = fill_tiled(g, &proj(), &|v| s.dist(v), &settings(limit), tile).unwrap();
    (sf, s)
}

#[test]
fn surface_cells_equal_the_oracle() {
    for seed in 0..4 {
        let (g, sources) = lattice(seed);
        let (sf, s) = surface(&g, &sources, 16);
        let pts = oracle_points(&g, &s, BANDS[2]);
        let mut filled = 0;
        for j in 0..sf.grid.height as i64 {
            for i in 0..sf.grid.width as i64 {
                let q = sf.grid.centre(i, j);
                let want = oracle(&pts, q);
                let got = f64::from(sf.get(i, j));
                if want > BANDS[2] + 0.5 {
                    assert!(
                        got.is_nan() || got > BANDS[2] - 0.5,
                        "{seed} {q:?}: {got} vs none"
                    );
                } else if want < BANDS[2] - 0.5 {
                    // 0.25 m sampling, f32 minutes, sphere vs ellipsoid.
                    assert!((got - want).abs() < 0.5, "{seed} {q:?}: {got} vs {want}");
                    filled += 1;
                }
            }
        }
        assert!(filled > 1000, "{filled}");
    }
}

#[test]
fn bands_hold_what_they_should_and_nest() {
    let diag = CELL * std::f64::consts::SQRT_2;
    for seed in 0..3 {
        let (g, sources) = lattice(seed);
        let (sf, s) = surface(&g, &sources, 16);
        let bands = trace(&sf, &BANDS);
        let pts = oracle_points(&g, &s, BANDS[2]);
        for mp in &bands {
            assert!(mp.is_valid(), "{:?}", mp.validation_errors());
            for poly in &mp.0 {
                assert!(poly.exterior().is_ccw());
                assert!(poly.interiors().iter().all(|h| h.is_cw()));
            }
        }
        let mut rng = Rng::new(seed + 100);
        for _ in 0..1500 {
            let q = [rng.uniform(-40.0, 330.0), rng.uniform(-40.0, 330.0)];
            let t = oracle(&pts, q);
            let inside: Vec<bool> = bands
                .iter()
                .map(|mp| mp.contains(&lonlat_point(q)))
                .collect();
            for (k, &b) in BANDS.iter().enumerate() {
                if t <= b {
                    let d = distance_to(&bands[k], q);
                    assert!(
                        d <= diag,
                        "{seed} {q:?} at {t} not within {diag} of band {b}: {d}"
                    );
                }
                // Farther than R + one cell from every street point
                // reached within b: outside.
                let near = pts
                    .iter()
                    .any(|(p, d)| *d <= b && crate::spatial::dist(*p, q) <= R + diag);
                if !near {
                    assert!(!inside[k], "{seed} {q:?} inside band {b}");
                }
            }
            assert!(!inside[0] || inside[1], "{q:?}: 60 not in 120");
            assert!(!inside[1] || inside[2], "{q:?}: 120 not in 180");
        }
    }
}

#[test]
fn same_bands_for_any_thread_count_and_tile_size() {
    let (g, sources) = lattice(7);
    let run = |threads: usize, tile: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let (sf, _) = surface(&g, &sources, tile);
            trace(&sf, &BANDS)
        })
    };
    let one = run(1, 64);
    assert!(!one[2].0.is_empty());
    assert_eq!(one, run(4, 64));
    // Tiles of 5 cells: many tile edges cross the bands, no seam.
    assert_eq!(one, run(4, 5));
    assert_eq!(one, run(1, 5));
}

#[test]
fn one_edge_band_is_a_stadium_with_a_hole_free_outline() {
    let p = proj();
    let g = WalkGraph::new(network(
        &p,
        &[[0.0, 0.0], [300.0, 0.0]],
        &[(0, 1, true, true)],
    ));
    let (sf, _) = surface(&g, &[(0, 0.0)], 64);
    let bands = trace(&sf, &BANDS);
    let b = &bands[2];
    assert_eq!(b.0.len(), 1);
    assert!(b.0[0].interiors().is_empty());
    // Along the street up to 180 m, and R to the side near the source.
    assert!(b.contains(&lonlat_point([100.0, 0.0])));
    assert!(b.contains(&lonlat_point([5.0, R - CELL])));
    assert!(!b.contains(&lonlat_point([5.0, R + CELL])));
    // The end of the reached piece, 180 m out, buffered by R.
    assert!(b.contains(&lonlat_point([180.0 + R - 1.5 * CELL, 0.0])));
    assert!(!b.contains(&lonlat_point([180.0 + R + 1.5 * CELL, 0.0])));
    // Nothing reached: no surface.
    let s = search(&g, &[], 100.0);
    assert!(fill_tiled(&g, &p, &|v| s.dist(v), &settings(100.0), 8).is_none());
}

#[test]
fn holes_are_found_inside_blocks() {
    // A 200 m square block: its middle is farther than R from the street.
    let p = proj();
    let g = WalkGraph::new(network(
        &p,
        &[[0.0, 0.0], [200.0, 0.0], [200.0, 200.0], [0.0, 200.0]],
        &[
            (0, 1, true, true),
            (1, 2, true, true),
            (2, 3, true, true),
            (3, 0, true, true),
        ],
    ));
    let s = search(&g, &[(0, 0.0)], 1000.0);
    let sf = fill_tiled(&g, &p, &|v| s.dist(v), &settings(1000.0), 8).unwrap();
    let bands = trace(&sf, &[1000.0]);
    let b = &bands[0];
    assert!(b.is_valid());
    assert_eq!(b.0.len(), 1);
    assert_eq!(b.0[0].interiors().len(), 1);
    assert!(!b.contains(&lonlat_point([100.0, 100.0])));
    assert!(b.contains(&lonlat_point([100.0, 200.0 - R + CELL])));
}
