//! Local metric projection and R-tree wrappers. Everything that measures
//! "how far off the network" works in metres on a local equirectangular
//! projection centred on the study area (error well under 1 % within a city);
//! lengths along the network are geodesic (see `graph::build`).

use geo::{Centroid, Geometry, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree, RTreeObject};

/// A representative point of a geometry (itself for points, else centroid).
pub fn representative_point(g: &Geometry<f64>) -> Option<Point<f64>> {
    match g {
        Geometry::Point(p) => Some(*p),
        other => other.centroid(),
    }
}

/// Mean Earth radius in metres (IUGG).
pub(crate) const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Equirectangular projection around a centre point, in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalProjection {
    lon0: f64,
    lat0: f64,
    /// metres per degree of longitude at `lat0`
    kx: f64,
    /// metres per degree of latitude
    ky: f64,
}

impl LocalProjection {
    /// A projection centred on (`lon0`, `lat0`) in degrees.
    pub fn new(lon0: f64, lat0: f64) -> Self {
        let ky = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let kx = ky * lat0.to_radians().cos();
        LocalProjection { lon0, lat0, kx, ky }
    }

    /// A projection centred on the bounding box of the given lon/lat points;
    /// `None` when there are none.
    pub fn fit(points: impl Iterator<Item = [f64; 2]>) -> Option<Self> {
        let mut min = [f64::INFINITY; 2];
        let mut max = [f64::NEG_INFINITY; 2];
        let mut any = false;
        for p in points {
            any = true;
            for i in 0..2 {
                min[i] = min[i].min(p[i]);
                max[i] = max[i].max(p[i]);
            }
        }
        any.then(|| LocalProjection::new((min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0))
    }

    /// lon/lat degrees to local metres.
    pub fn project(&self, p: [f64; 2]) -> [f64; 2] {
        [(p[0] - self.lon0) * self.kx, (p[1] - self.lat0) * self.ky]
    }

    /// Local metres to lon/lat degrees.
    pub fn unproject(&self, p: [f64; 2]) -> [f64; 2] {
        [p[0] / self.kx + self.lon0, p[1] / self.ky + self.lat0]
    }
}

/// Geodesic area in m2 of a polygonal geometry, whatever the winding of its
/// rings (OSM and user files draw rings either way; geo's geodesic area
/// needs exterior rings counter-clockwise). `None` for non-polygons.
pub fn geodesic_area_m2(g: &geo::Geometry<f64>) -> Option<f64> {
    use geo::GeodesicArea;
    use geo::orient::{Direction, Orient};
    match g {
        geo::Geometry::Polygon(p) => Some(p.orient(Direction::Default).geodesic_area_unsigned()),
        geo::Geometry::MultiPolygon(p) => {
            Some(p.orient(Direction::Default).geodesic_area_unsigned())
        }
        geo::Geometry::Rect(r) => Some(
            r.to_polygon()
                .orient(Direction::Default)
                .geodesic_area_unsigned(),
        ),
        _ => None,
    }
}

/// WGS-84 semi-major axis (m) and flattening.
const WGS84_A: f64 = 6_378_137.0;
const WGS84_F: f64 = 1.0 / 298.257_223_563;

/// `q(φ)` of the authalic latitude on the WGS-84 ellipsoid (Snyder 1987,
/// eq. 3-12), from `sin φ`: `y = a q / 2` is the northing of the Lambert
/// cylindrical equal-area projection, whose map area equals the area on the
/// ellipsoid.
fn authalic_q(sin_phi: f64) -> f64 {
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let e = e2.sqrt();
    let es = e * sin_phi;
    (1.0 - e2) * (sin_phi / (1.0 - es * es) - ((1.0 - es) / (1.0 + es)).ln() / (2.0 * e))
}

/// Area in m2 of a ring drawn straight in the equal-area projection,
/// unsigned; coordinates are taken relative to the first vertex so the
/// shoelace keeps its precision.
fn equal_area_ring_m2(ring: &geo::LineString<f64>) -> f64 {
    let Some(first) = ring.0.first() else {
        return 0.0;
    };
    let kx = WGS84_A * std::f64::consts::PI / 180.0;
    let y0 = authalic_q(first.y.to_radians().sin());
    let to_xy = |c: &geo::Coord<f64>| {
        (
            (c.x - first.x) * kx,
            (authalic_q(c.y.to_radians().sin()) - y0) * WGS84_A / 2.0,
        )
    };
    let mut twice = 0.0;
    let mut prev = to_xy(first);
    for c in &ring.0[1..] {
        let p = to_xy(c);
        twice += prev.0 * p.1 - p.0 * prev.1;
        prev = p;
    }
    (twice / 2.0).abs()
}

/// Area in m2 of the traced walking bands, in the WGS-84 cylindrical
/// equal-area projection: a sine and a logarithm per vertex where
/// [`geodesic_area_m2`] solves an inverse geodesic problem per edge (19 %
/// of a full run's instructions went there). The two differ only in how an
/// edge runs between its vertices: a geodesic here, a straight line of the
/// projection there. For edges of a grid cell or so they agree to about
/// 1e-9 of the area (tested); the traced outlines also have long edges
/// along parallels, where the projection's line is the parallel itself,
/// which is how RFC 7946 draws an edge (straight in longitude and
/// latitude) and where a geodesic bows poleward (about 11 m2 for a 1 km
/// edge at 40 degrees): the band areas of a synthetic city moved by up to
/// 1e-5 of their value. Use [`geodesic_area_m2`] for input polygons.
pub(crate) fn short_edged_area_m2(mp: &geo::MultiPolygon<f64>) -> f64 {
    mp.0.iter()
        .map(|p| {
            let holes: f64 = p.interiors().iter().map(equal_area_ring_m2).sum();
            equal_area_ring_m2(p.exterior()) - holes
        })
        .sum()
}

/// Straight-line distance in metres between projected points.
pub(crate) fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Great-circle (haversine) distance in metres between lon/lat points: the
/// tests' reference for the local projection.
#[cfg(test)]
fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = la2 - la1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// The projected bounding box of one polyline (a network edge) with the
/// polyline's index: what the segment index stores. Distances to the
/// polyline itself are measured by the caller (see [`SegmentIndex::nearest`]),
/// so the index holds one small box per edge rather than one line per
/// segment (a quarter of the items and of the memory for a city).
pub(crate) type BoxItem = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// A projected point with the index of the item it stands for.
pub(crate) type PointItem = GeomWithData<[f64; 2], u32>;

/// Bulk-loaded R-tree over the projected points of items (facilities,
/// communities); items without a point are left out.
pub(crate) fn point_tree(
    proj: &LocalProjection,
    points: impl Iterator<Item = Option<[f64; 2]>>,
) -> RTree<PointItem> {
    let items: Vec<PointItem> = points
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| GeomWithData::new(proj.project(p), i as u32)))
        .collect();
    RTree::bulk_load(items)
}

/// For each item of a point tree, the index of the first polygon (in the
/// given order) containing its lon/lat point: R-tree query by each polygon's
/// bounding box, then an exact point-in-polygon test.
pub(crate) fn assign_to_polygons(
    proj: &LocalProjection,
    tree: &RTree<PointItem>,
    lonlat: &[Option<[f64; 2]>],
    polygons: &[geo::MultiPolygon<f64>],
) -> Vec<Option<usize>> {
    use geo::{BoundingRect, Contains};
    let mut out = vec![None; lonlat.len()];
    for (u, poly) in polygons.iter().enumerate() {
        let Some(r) = poly.bounding_rect() else {
            continue;
        };
        let env = AABB::from_corners(
            proj.project([r.min().x, r.min().y]),
            proj.project([r.max().x, r.max().y]),
        );
        let mut hits: Vec<u32> = tree.locate_in_envelope(&env).map(|it| it.data).collect();
        hits.sort_unstable();
        for i in hits {
            let slot = &mut out[i as usize];
            if slot.is_none() {
                if let Some(p) = lonlat[i as usize] {
                    if poly.contains(&geo::Point::new(p[0], p[1])) {
                        *slot = Some(u);
                    }
                }
            }
        }
    }
    out
}

/// Network polylines in R-trees: one bulk-loaded tree of bounding boxes
/// per spatial tile (tiles split at the median x, then each at the median
/// y, until tiles have at most [`SegmentIndex::TILE`] boxes), built in
/// parallel. A single bulk load is serial and was the slowest step of
/// indexing a metropolis; a nearest query visits the tiles in order of
/// their distance and stops when no tile can hold anything nearer.
pub(crate) struct SegmentIndex {
    tiles: Vec<RTree<BoxItem>>,
}

impl SegmentIndex {
    /// Most boxes in one tile.
    pub(crate) const TILE: usize = 1 << 20;

    /// Index the boxes, at most [`SegmentIndex::TILE`] per tile.
    pub(crate) fn new(items: Vec<BoxItem>) -> Self {
        Self::with_tile_size(items, Self::TILE)
    }

    /// [`SegmentIndex::new`] with at most `tile` boxes per tile.
    pub(crate) fn with_tile_size(mut items: Vec<BoxItem>, tile: usize) -> Self {
        let tile = tile.max(1);
        if items.len() <= tile {
            // One tile: no split, no copy.
            let tiles = if items.is_empty() {
                Vec::new()
            } else {
                vec![RTree::bulk_load(items)]
            };
            return SegmentIndex { tiles };
        }
        // Split into tiles in a fixed order (ties broken by the polyline's
        // index), so the trees do not depend on the thread count.
        fn key(it: &BoxItem, axis: usize) -> (f64, u32) {
            let e = it.geom().envelope();
            ((e.lower()[axis] + e.upper()[axis]) / 2.0, it.data)
        }
        fn split(
            items: &mut [BoxItem],
            tile: usize,
            axis: usize,
            out: &mut Vec<(usize, usize)>,
            at: usize,
        ) {
            if items.len() <= tile {
                out.push((at, items.len()));
                return;
            }
            let mid = items.len() / 2;
            items.select_nth_unstable_by(mid, |a, b| {
                let (ka, kb) = (key(a, axis), key(b, axis));
                ka.0.total_cmp(&kb.0).then(ka.1.cmp(&kb.1))
            });
            let (lo, hi) = items.split_at_mut(mid);
            split(lo, tile, 1 - axis, out, at);
            split(hi, tile, 1 - axis, out, at + mid);
        }
        let mut ranges = Vec::new();
        split(&mut items, tile, 0, &mut ranges, 0);
        // Cut the vector into the tiles' own vectors, last first.
        let mut parts: Vec<Vec<BoxItem>> = Vec::with_capacity(ranges.len());
        for &(at, _) in ranges.iter().rev() {
            parts.push(items.split_off(at));
            items.shrink_to_fit();
        }
        parts.reverse();
        use rayon::prelude::*;
        let tiles = parts
            .into_par_iter()
            .filter(|p| !p.is_empty())
            .map(RTree::bulk_load)
            .collect();
        SegmentIndex { tiles }
    }

    /// Number of polylines (tests check that none is lost).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.tiles.iter().map(RTree::size).sum()
    }

    /// The polyline nearest to `p` (projected metres) as (polyline,
    /// segment, squared distance), where `measure(i)` gives polyline `i`'s
    /// nearest segment to `p` and its squared distance (the first segment
    /// of equally near ones). Among equally near polylines (a point beside
    /// two overlapping ways, or at a junction) the one with the smallest
    /// index, so the answer does not depend on how the trees were built.
    pub(crate) fn nearest(
        &self,
        p: [f64; 2],
        measure: impl Fn(u32) -> (u32, f64),
    ) -> Option<(u32, u32, f64)> {
        let mut best: Option<(u32, u32, f64)> = None;
        // Most points lie within tens of metres of a street: measure the
        // polylines whose boxes meet a small square around `p`. When the
        // best of them is within the square's half-width, every polyline as
        // near (ties too) has a box meeting the square, so it is the answer.
        // Cheaper than the best-first walk below, which allocates once its
        // queue outgrows the stack.
        for r in [40.0, 160.0] {
            let square = envelope_around(p, r);
            for tree in &self.tiles {
                for item in tree.locate_in_envelope_intersecting(&square) {
                    let (seg, d2) = measure(item.data);
                    let better = match best {
                        None => true,
                        Some((id, _, bd2)) => d2 < bd2 || (d2 == bd2 && item.data < id),
                    };
                    if better {
                        best = Some((item.data, seg, d2));
                    }
                }
            }
            if best.is_some_and(|b| b.2 <= r * r) {
                return best;
            }
            best = None;
        }
        // One tile (every city below 2^20 edges): no ordering to do, and
        // no allocation per query in the snapping loop.
        if let [tree] = self.tiles.as_slice() {
            nearest_in(tree, p, &measure, &mut best);
            return best;
        }
        let mut order: Vec<(f64, usize)> = self
            .tiles
            .iter()
            .enumerate()
            .map(|(i, t)| (t.root().envelope().distance_2(&p), i))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (env_d2, i) in order {
            if best.is_some_and(|b| env_d2 > b.2) {
                break;
            }
            nearest_in(&self.tiles[i], p, &measure, &mut best);
        }
        best
    }
}

/// Improve `best` with the polylines of one tree: boxes are visited in
/// order of their distance to `p` until a box lies farther than the best
/// polyline so far (a polyline is never nearer than its box). Boxes at
/// exactly that distance are still measured, so exact ties are all seen.
fn nearest_in(
    tree: &RTree<BoxItem>,
    p: [f64; 2],
    measure: &impl Fn(u32) -> (u32, f64),
    best: &mut Option<(u32, u32, f64)>,
) {
    for (item, box_d2) in tree.nearest_neighbor_iter_with_distance_2(&p) {
        if best.is_some_and(|b| box_d2 > b.2) {
            break;
        }
        let (seg, d2) = measure(item.data);
        let better = match *best {
            None => true,
            Some((id, _, bd2)) => d2 < bd2 || (d2 == bd2 && item.data < id),
        };
        if better {
            *best = Some((item.data, seg, d2));
        }
    }
}

/// Squared distance from `p` to the segment `a`-`b`, computed in exactly
/// the order of operations of rstar's `Line::distance_2`.
pub(crate) fn segment_distance_2(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    let dir = [b[0] - a[0], b[1] - a[1]];
    let s = ((p[0] - a[0]) * dir[0] + (p[1] - a[1]) * dir[1]) / (dir[0] * dir[0] + dir[1] * dir[1]);
    let q = if 0.0 < s && s < 1.0 {
        [a[0] + dir[0] * s, a[1] + dir[1] * s]
    } else if s <= 0.0 {
        a
    } else {
        b
    };
    let d = [q[0] - p[0], q[1] - p[1]];
    d[1] * d[1] + d[0] * d[0]
}

/// The nearest segment of a projected polyline to `p` and its squared
/// distance (the first of equally near segments); `(0, inf)` for fewer than
/// two points.
pub(crate) fn nearest_segment(pts: impl Iterator<Item = [f64; 2]>, p: [f64; 2]) -> (u32, f64) {
    let mut best = (0u32, f64::INFINITY);
    let mut prev: Option<[f64; 2]> = None;
    for (i, b) in pts.enumerate() {
        if let Some(a) = prev {
            let d2 = segment_distance_2(a, b, p);
            if d2 < best.1 {
                best = (i as u32 - 1, d2);
            }
        }
        prev = Some(b);
    }
    best
}

/// Z-order (Morton) keys of `n` points over their bounding box, so points
/// near each other on the ground get nearby keys; `point(i)` is point `i`
/// (`None` for items without a location, which get `u32::MAX`).
pub(crate) fn morton_keys(n: usize, point: impl Fn(usize) -> Option<[f64; 2]> + Sync) -> Vec<u32> {
    use rayon::prelude::*;
    // The box in parallel (min and max are exact in any order).
    let (x0, y0, x1, y1) = (0..n)
        .into_par_iter()
        .filter_map(&point)
        .fold(
            || (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
            |(x0, y0, x1, y1), c| (x0.min(c[0]), y0.min(c[1]), x1.max(c[0]), y1.max(c[1])),
        )
        .reduce(
            || (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
            |a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)),
        );
    let scale = |v: f64, lo: f64, hi: f64| -> u32 {
        if hi > lo {
            (((v - lo) / (hi - lo)) * 65_535.0).round() as u32
        } else {
            0
        }
    };
    (0..n)
        .into_par_iter()
        .map(|i| match point(i) {
            Some(c) => interleave(scale(c[0], x0, x1)) | (interleave(scale(c[1], y0, y1)) << 1),
            None => u32::MAX,
        })
        .collect()
}

/// The bits of the low 16 bits of `v` spread to the even bit positions.
fn interleave(v: u32) -> u32 {
    let mut x = v & 0xFFFF;
    x = (x | (x << 8)) & 0x00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333;
    x = (x | (x << 1)) & 0x5555_5555;
    x
}

/// Projected point's position on a segment: (closest point, fraction 0..1).
pub(crate) fn closest_on_segment(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> ([f64; 2], f64) {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    if len2 == 0.0 {
        return (a, 0.0);
    }
    let t = (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0);
    ([a[0] + t * d[0], a[1] + t * d[1]], t)
}

/// An axis-aligned envelope around a point with a radius in metres.
pub(crate) fn envelope_around(p: [f64; 2], r: f64) -> AABB<[f64; 2]> {
    AABB::from_corners([p[0] - r, p[1] - r], [p[0] + r, p[1] + r])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tiled nearest-polyline queries equal a brute-force scan over every
    /// segment (ties to the smallest (polyline, segment)), whatever the
    /// tile size.
    #[test]
    fn segment_index_nearest_is_exact() {
        let mut rng = crate::testing::Rng(0x9E37_79B9_7F4A_7C15);
        let mut next = move || rng.unit();
        let lines: Vec<Vec<[f64; 2]>> = (0..2000)
            .map(|_| {
                let mut a = [next() * 5000.0, next() * 5000.0];
                let mut pts = vec![a];
                for _ in 0..1 + (next() * 4.0) as usize {
                    a = [a[0] + next() * 200.0 - 100.0, a[1] + next() * 200.0 - 100.0];
                    pts.push(a);
                }
                pts
            })
            .collect();
        let boxes: Vec<BoxItem> = lines
            .iter()
            .enumerate()
            .map(|(i, pts)| {
                let lo = pts
                    .iter()
                    .fold([f64::MAX; 2], |m, q| [m[0].min(q[0]), m[1].min(q[1])]);
                let hi = pts
                    .iter()
                    .fold([f64::MIN; 2], |m, q| [m[0].max(q[0]), m[1].max(q[1])]);
                GeomWithData::new(Rectangle::from_corners(lo, hi), i as u32)
            })
            .collect();
        let lines_ref = &lines;
        let measure =
            |p: [f64; 2]| move |i: u32| nearest_segment(lines_ref[i as usize].iter().copied(), p);
        for tile in [1, 7, 100, 1000, 5000] {
            let index = SegmentIndex::with_tile_size(boxes.clone(), tile);
            assert_eq!(index.len(), lines.len());
            for _ in 0..300 {
                let p = [next() * 6000.0 - 500.0, next() * 6000.0 - 500.0];
                let got = index.nearest(p, measure(p)).unwrap();
                let want = lines
                    .iter()
                    .enumerate()
                    .flat_map(|(i, pts)| {
                        pts.windows(2).enumerate().map(move |(s, w)| {
                            (segment_distance_2(w[0], w[1], p), i as u32, s as u32)
                        })
                    })
                    .min_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))))
                    .unwrap();
                assert_eq!((got.2, got.0, got.1), want, "tile {tile}, {p:?}");
            }
        }
        assert!(
            SegmentIndex::new(Vec::new())
                .nearest([0.0, 0.0], |_| (0, 0.0))
                .is_none()
        );
        // Exact ties: overlapping polylines and a point beside them.
        let twins = [
            vec![[0.0, 0.0], [10.0, 0.0]],
            vec![[-5.0, 0.0], [0.0, 0.0], [10.0, 0.0]],
            vec![[0.0, 0.0], [10.0, 0.0]],
        ];
        let boxes: Vec<BoxItem> = [7u32, 3, 5]
            .iter()
            .map(|&i| GeomWithData::new(Rectangle::from_corners([-5.0, 0.0], [10.0, 0.0]), i))
            .collect();
        let by_id = |i: u32| match i {
            7 => &twins[0],
            3 => &twins[1],
            _ => &twins[2],
        };
        for tile in [1, 2, 3] {
            let index = SegmentIndex::with_tile_size(boxes.clone(), tile);
            let p = [5.0, 1.0];
            let got = index.nearest(p, |i| nearest_segment(by_id(i).iter().copied(), p));
            assert_eq!(got, Some((3, 1, 1.0)));
        }
    }

    /// The segment distance is bit for bit rstar's `Line::distance_2` (the
    /// snapping results did not move when the index stopped storing lines).
    #[test]
    fn segment_distance_matches_rstar_line() {
        use rstar::PointDistance;
        use rstar::primitives::Line;
        let mut rng = crate::testing::Rng(0x2545_F491_4F6C_DD1D);
        let mut next = move || rng.unit() * 2000.0 - 1000.0;
        for k in 0..20_000 {
            let a = [next(), next()];
            let b = if k % 50 == 0 { a } else { [next(), next()] };
            let p = [next(), next()];
            let want = Line::new(a, b).distance_2(&p);
            assert_eq!(segment_distance_2(a, b, p).to_bits(), want.to_bits());
        }
    }

    #[test]
    fn projection_matches_haversine_within_city() {
        let proj = LocalProjection::new(24.94, 60.17);
        let a = [24.93, 60.165];
        let b = [24.955, 60.178];
        let d = dist(proj.project(a), proj.project(b));
        let h = haversine_m(a, b);
        assert!((d - h).abs() / h < 0.005, "{d} vs {h}");
        let back = proj.unproject(proj.project(a));
        assert!((back[0] - a[0]).abs() < 1e-12 && (back[1] - a[1]).abs() < 1e-12);
    }

    /// A ring of `n` vertices around (lon, lat), `r` metres across, as
    /// lon/lat, optionally reversed.
    fn circle(lon: f64, lat: f64, r: f64, n: usize, reverse: bool) -> geo::LineString<f64> {
        let proj = LocalProjection::new(lon, lat);
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                let p =
                    proj.unproject([r * a.cos(), r * (1.3 * a).sin().abs() * 0.2 + r * a.sin()]);
                (p[0], p[1])
            })
            .collect();
        if reverse {
            pts.reverse();
        }
        pts.into()
    }

    #[test]
    fn short_edged_area_matches_the_geodesic_area() {
        use geo::{Geometry, MultiPolygon, Polygon};
        for (lon, lat) in [(116.36, 39.91), (24.94, 60.17), (-51.2, -30.03), (0.0, 0.0)] {
            // A band-like outline (about 20 m edges) with a hole, both windings.
            for reverse in [false, true] {
                let outer = circle(lon, lat, 3000.0, 1000, reverse);
                let hole = circle(lon + 0.002, lat, 400.0, 120, !reverse);
                let mp = MultiPolygon(vec![Polygon::new(outer, vec![hole])]);
                let fast = short_edged_area_m2(&mp);
                let exact = geodesic_area_m2(&Geometry::MultiPolygon(mp)).unwrap();
                assert!(
                    (fast - exact).abs() / exact < 1e-9,
                    "{lat}: {fast} vs {exact}"
                );
            }
            // Long edges (a 0.05 degree square, 4 km sides) still agree to 1e-6.
            let sq = geo::Rect::new((lon, lat), (lon + 0.05, lat + 0.05)).to_polygon();
            let fast = short_edged_area_m2(&MultiPolygon(vec![sq.clone()]));
            let exact = geodesic_area_m2(&Geometry::Polygon(sq)).unwrap();
            assert!(
                (fast - exact).abs() / exact < 1e-6,
                "{lat}: {fast} vs {exact}"
            );
        }
        assert_eq!(short_edged_area_m2(&MultiPolygon(vec![])), 0.0);
    }

    #[test]
    fn area_ignores_winding() {
        use geo::{Geometry, polygon};
        let ccw = polygon![(x: 24.0, y: 60.0), (x: 24.001, y: 60.0), (x: 24.001, y: 60.001), (x: 24.0, y: 60.001)];
        let cw = polygon![(x: 24.0, y: 60.0), (x: 24.0, y: 60.001), (x: 24.001, y: 60.001), (x: 24.001, y: 60.0)];
        let a = geodesic_area_m2(&Geometry::Polygon(ccw)).unwrap();
        let b = geodesic_area_m2(&Geometry::Polygon(cw)).unwrap();
        // 0.001 deg x 0.001 deg at 60 N: about 55.8 m x 111.4 m.
        assert!((a - 6214.0).abs() < 20.0, "{a}");
        assert!((a - b).abs() < 1e-6);
    }

    #[test]
    fn closest_point_clamps() {
        let (p, t) = closest_on_segment([0.0, 0.0], [10.0, 0.0], [5.0, 3.0]);
        assert_eq!((p, t), ([5.0, 0.0], 0.5));
        let (p, t) = closest_on_segment([0.0, 0.0], [10.0, 0.0], [-5.0, 3.0]);
        assert_eq!((p, t), ([0.0, 0.0], 0.0));
    }
}
