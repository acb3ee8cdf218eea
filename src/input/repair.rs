//! Repair of invalid polygons read from inputs, in time proportional to
//! `n log n` in the vertices (geo's `Validation` compares every segment
//! with every other, quadratic on a ring of a million vertices).
//!
//! - A ring that crosses itself (a "bow tie") has a signed area that
//!   cancels out (0 for a symmetric bow tie): the polygon is rebuilt with
//!   geo's boolean union (even-odd fill), which splits it into its simple
//!   parts.
//! - A hole whose first vertex lies outside its shell is dropped.
//!
//! Valid polygons are returned unchanged (the same coordinates, in the
//! same order). Each repair is reported so the caller can warn naming the
//! feature.

use geo::{BooleanOps, Coord, Geometry, Intersects, Line, LineString, MultiPolygon, Polygon};
use rstar::{AABB, RTree, primitives::GeomWithData};

/// Rings of up to this many segments are checked pair by pair (at most
/// 496 pairs); longer ones through an R-tree of their segments.
const SMALL_RING: usize = 32;

/// True when two segments of `ring` that are not neighbours along it
/// meet (the ring crosses or touches itself).
pub(crate) fn ring_crosses_itself(ring: &LineString<f64>) -> bool {
    let lines: Vec<Line<f64>> = ring.lines().filter(|l| l.start != l.end).collect();
    let n = lines.len();
    if n < 4 {
        return false;
    }
    let neighbours = |i: usize, j: usize| j == i || j == (i + 1) % n || i == (j + 1) % n;
    if n <= SMALL_RING {
        // Most rings (buildings, blocks) have a handful of segments: every
        // pair directly, cheaper than building a tree.
        return (0..n)
            .any(|i| (i + 1..n).any(|j| !neighbours(i, j) && lines[i].intersects(&lines[j])));
    }
    let tree = segment_tree(&lines);
    lines.iter().enumerate().any(|(i, l)| {
        let env = AABB::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y]);
        tree.locate_in_envelope_intersecting(&env).any(|other| {
            let j = other.data;
            !neighbours(i, j) && j > i && l.intersects(&lines[j])
        })
    })
}

/// Segment boxes of a ring, built once per polygon: each hole's test is
/// a ray cast over the segments its ray meets (`log n` plus those), not a
/// pass over the whole shell (a forest with thousands of clearings).
type SegmentTree = RTree<GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize>>;

fn segment_tree(lines: &[Line<f64>]) -> SegmentTree {
    RTree::bulk_load(
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                GeomWithData::new(
                    rstar::primitives::Rectangle::from_corners(
                        [l.start.x, l.start.y],
                        [l.end.x, l.end.y],
                    ),
                    i,
                )
            })
            .collect(),
    )
}

/// True when `c` is inside or on the ring of `lines` (even-odd rule, a
/// ray cast towards +x over the segments in the ray's box).
fn inside(lines: &[Line<f64>], tree: &SegmentTree, max_x: f64, c: Coord<f64>) -> bool {
    let on = AABB::from_point([c.x, c.y]);
    if tree
        .locate_in_envelope_intersecting(&on)
        .any(|s| lines[s.data].intersects(&c))
    {
        return true;
    }
    let ray = AABB::from_corners([c.x, c.y], [max_x.max(c.x), c.y]);
    let mut odd = false;
    for s in tree.locate_in_envelope_intersecting(&ray) {
        let Line { start: a, end: b } = lines[s.data];
        if (a.y > c.y) != (b.y > c.y) {
            let x = a.x + (c.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if x > c.x {
                odd = !odd;
            }
        }
    }
    odd
}

/// `p` repaired: holes outside the shell dropped, a self-crossing ring
/// rebuilt into simple parts. Returns what was done (`None` when `p` was
/// valid and is returned unchanged).
pub(crate) fn repair_polygon(p: Polygon<f64>) -> (MultiPolygon<f64>, Option<String>) {
    let mut notes = Vec::new();
    let (exterior, interiors) = p.into_inner();
    let shell: Vec<Line<f64>> = if interiors.is_empty() {
        Vec::new()
    } else {
        exterior.lines().collect()
    };
    let tree = segment_tree(&shell);
    let max_x = exterior.0.iter().map(|c| c.x).fold(f64::MIN, f64::max);
    let kept: Vec<LineString<f64>> = interiors
        .into_iter()
        .filter(|hole| match hole.0.first() {
            Some(c) if !inside(&shell, &tree, max_x, *c) => {
                notes.push("a hole lies outside its outer ring: the hole was dropped");
                false
            }
            _ => true,
        })
        .collect();
    let crosses = std::iter::once(&exterior)
        .chain(kept.iter())
        .any(ring_crosses_itself);
    let p = Polygon::new(exterior, kept);
    if !crosses {
        let note = (!notes.is_empty()).then(|| notes[0].to_string());
        return (MultiPolygon::new(vec![p]), note);
    }
    let repaired = p.union(&MultiPolygon::<f64>::new(vec![]));
    notes.push(
        "the polygon crosses itself (its area would cancel out): split into its simple parts",
    );
    (repaired, Some(notes.join("; ")))
}

/// `g` with its polygons repaired (see [`repair_polygon`]); other
/// geometries unchanged. The note says what was repaired.
pub(crate) fn repair_geometry(g: Geometry<f64>) -> (Geometry<f64>, Option<String>) {
    match g {
        // A simple polygon without holes, most of them: returned as it is
        // (what `repair_polygon` would give, without its allocations).
        Geometry::Polygon(p) if p.interiors().is_empty() && !ring_crosses_itself(p.exterior()) => {
            (Geometry::Polygon(p), None)
        }
        Geometry::Polygon(p) => {
            let (mp, note) = repair_polygon(p);
            if note.is_none() || mp.0.len() == 1 {
                let mut parts = mp.0;
                match parts.pop() {
                    Some(p) if parts.is_empty() => (Geometry::Polygon(p), note),
                    Some(p) => {
                        parts.push(p);
                        (Geometry::MultiPolygon(MultiPolygon::new(parts)), note)
                    }
                    None => (Geometry::MultiPolygon(MultiPolygon::new(parts)), note),
                }
            } else {
                (Geometry::MultiPolygon(mp), note)
            }
        }
        Geometry::MultiPolygon(mp) => {
            let mut note = None;
            let mut parts = Vec::with_capacity(mp.0.len());
            for p in mp {
                let (fixed, n) = repair_polygon(p);
                note = note.or(n);
                parts.extend(fixed.0);
            }
            (Geometry::MultiPolygon(MultiPolygon::new(parts)), note)
        }
        other => (other, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, polygon};

    #[test]
    fn bow_tie_is_split_and_keeps_its_area() {
        let bow: Polygon<f64> = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 2.0), (x: 2.0, y: 0.0), (x: 0.0, y: 2.0), (x: 0.0, y: 0.0)];
        assert!(bow.signed_area().abs() < 1e-12_f64);
        let (g, note) = repair_geometry(Geometry::Polygon(bow));
        assert!(note.unwrap().contains("crosses itself"));
        assert!((g.unsigned_area() - 2.0).abs() < 1e-9, "{g:?}");
    }

    #[test]
    fn valid_polygon_unchanged_and_outside_hole_dropped() {
        let sq = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0)];
        let (g, note) = repair_geometry(Geometry::Polygon(sq.clone()));
        assert_eq!((g, note), (Geometry::Polygon(sq.clone()), None));
        let hole = LineString::from(vec![(5.0, 5.0), (6.0, 5.0), (6.0, 6.0), (5.0, 5.0)]);
        let p = Polygon::new(sq.exterior().clone(), vec![hole]);
        let (g, note) = repair_geometry(Geometry::Polygon(p));
        assert!(note.unwrap().contains("hole lies outside"));
        assert_eq!(g, Geometry::Polygon(sq));
    }

    #[test]
    fn holes_inside_kept_on_the_edge_kept() {
        let sq = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0), (x: 0.0, y: 0.0)];
        let inner = LineString::from(vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 1.0)]);
        let touching = LineString::from(vec![(0.0, 3.0), (1.0, 3.0), (1.0, 3.5), (0.0, 3.0)]);
        let p = Polygon::new(sq.exterior().clone(), vec![inner, touching]);
        let (g, note) = repair_geometry(Geometry::Polygon(p.clone()));
        assert_eq!((g, note), (Geometry::Polygon(p), None));
    }

    #[test]
    fn many_holes_are_fast() {
        // A shell of 100k vertices with 5,000 holes.
        let n = 100_000;
        let ring: Vec<(f64, f64)> = (0..=n)
            .map(|i| {
                let a = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
                (100.0 * a.cos(), 100.0 * a.sin())
            })
            .collect();
        let holes: Vec<LineString<f64>> = (0..5_000)
            .map(|k| {
                let (x, y) = ((k % 100) as f64 - 50.0, (k / 100) as f64 - 25.0);
                LineString::from(vec![(x, y), (x + 0.5, y), (x + 0.5, y + 0.5), (x, y)])
            })
            .collect();
        let p = Polygon::new(LineString::from(ring), holes);
        // Quadratic work here (5,000 holes x 100k shell segments) would
        // take minutes; speed itself is measured in benches, not here.
        let (_, note) = repair_geometry(Geometry::Polygon(p));
        assert_eq!(note, None);
    }

    /// Every pair of non-neighbouring segments, for reference.
    fn crosses_every_pair(ring: &LineString<f64>) -> bool {
        let lines: Vec<Line<f64>> = ring.lines().filter(|l| l.start != l.end).collect();
        let n = lines.len();
        n >= 4
            && (0..n).any(|i| {
                (i + 2..n).any(|j| !(i == 0 && j == n - 1) && lines[i].intersects(&lines[j]))
            })
    }

    #[test]
    fn small_and_long_rings_agree_with_every_pair() {
        // Random star-shaped rings (simple) and random walks (mostly
        // crossing), on both sides of SMALL_RING.
        let mut rng = crate::testing::Rng::new(17);
        let (mut crossing, mut simple) = (0, 0);
        for case in 0..600 {
            let n = rng.range(4, 3 * SMALL_RING);
            let mut pts: Vec<(f64, f64)> = if case % 2 == 0 {
                let mut angles: Vec<f64> = (0..n)
                    .map(|_| rng.uniform(0.0, std::f64::consts::TAU))
                    .collect();
                angles.sort_by(f64::total_cmp);
                angles
                    .iter()
                    .map(|a| {
                        let r = rng.uniform(1.0, 2.0);
                        (r * a.cos(), r * a.sin())
                    })
                    .collect()
            } else {
                (0..n)
                    .map(|_| (rng.uniform(0.0, 10.0), rng.uniform(0.0, 10.0)))
                    .collect()
            };
            pts.push(pts[0]);
            let ring = LineString::from(pts);
            let expected = crosses_every_pair(&ring);
            assert_eq!(
                ring_crosses_itself(&ring),
                expected,
                "case {case}, {n} points"
            );
            if expected { crossing += 1 } else { simple += 1 }
        }
        assert!(
            crossing > 100 && simple > 100,
            "{crossing} crossing, {simple} simple"
        );
    }

    #[test]
    fn long_ring_is_fast() {
        // A circle of 200k vertices: the check stays n log n.
        let n = 200_000;
        let ring: Vec<(f64, f64)> = (0..=n)
            .map(|i| {
                let a = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
                (a.cos(), a.sin())
            })
            .collect();
        assert!(!ring_crosses_itself(&LineString::from(ring)));
    }
}
