//! Output geometries as WKB the way the files write them (7 decimals,
//! exterior rings counter-clockwise, holes clockwise), written straight
//! from the coordinates: no rounded copy of the geometry, one buffer sized
//! up front. The bytes are those of rounding and orienting a copy and
//! encoding it with `geozero` (little-endian ISO WKB, x and y), which the
//! tests check and which still encodes the kinds written here not
//! (lines, rectangles, triangles, collections).

use geo::{
    Coord, Geometry, LineString, MultiPolygon, Polygon, Winding, winding_order::WindingOrder,
};

/// How a coordinate is rounded (the files' 7 decimals, given by the
/// GeoJSON writer).
pub(crate) type Round = fn(f64) -> f64;

/// `g` as the files write it, its coordinates rounded by `round`, as WKB.
#[cfg(test)]
pub(crate) fn file_wkb(g: &Geometry<f64>, round: Round) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    append_file_wkb(&mut out, g, round).then_some(out)
}

/// Append `g` as the files write it, its coordinates rounded by `round`,
/// as WKB to `out`; false, nothing written, for a kind left to `geozero`.
pub(crate) fn append_file_wkb(out: &mut Vec<u8>, g: &Geometry<f64>, round: Round) -> bool {
    thread_local! {
        /// A ring rounded, reused from feature to feature.
        static RING: std::cell::RefCell<Vec<Coord<f64>>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Some(n) = size(g) else {
        return false;
    };
    out.reserve(n);
    RING.with_borrow_mut(|ring| write(out, g, &mut Scratch { ring, round }));
    true
}

/// `g` as the files write it through `geozero`: a copy rounded by
/// `round` and oriented, encoded (empty for what WKB cannot hold). For
/// the kinds [`append_file_wkb`] leaves; the tests' reference for the
/// rest.
pub(crate) fn by_geozero(g: &Geometry<f64>, round: Round) -> Vec<u8> {
    use geo::MapCoords;
    use geozero::{CoordDimensions, ToWkb};
    let g = g.map_coords(|c| Coord {
        x: round(c.x),
        y: round(c.y),
    });
    let g = match g {
        Geometry::Polygon(p) => Geometry::Polygon(orient(p)),
        Geometry::MultiPolygon(mp) => Geometry::MultiPolygon(mp.into_iter().map(orient).collect()),
        other => other,
    };
    g.to_wkb(CoordDimensions::xy()).unwrap_or_default()
}

/// `p` with its exterior counter-clockwise and its holes clockwise.
fn orient(p: Polygon<f64>) -> Polygon<f64> {
    let ring = |mut l: LineString<f64>, wrong: WindingOrder| {
        if l.winding_order() == Some(wrong) {
            l.0.reverse();
        }
        l
    };
    let (ext, holes) = p.into_inner();
    Polygon::new(
        ring(ext, WindingOrder::Clockwise),
        holes
            .into_iter()
            .map(|h| ring(h, WindingOrder::CounterClockwise))
            .collect(),
    )
}

/// The WKB size of `g`, `None` for a kind left to `geozero`.
fn size(g: &Geometry<f64>) -> Option<usize> {
    let line = |n: usize| 4 + 16 * n;
    let poly = |p: &Polygon<f64>| {
        9 + line(p.exterior().0.len())
            + p.interiors().iter().map(|r| line(r.0.len())).sum::<usize>()
    };
    Some(match g {
        Geometry::Point(_) => 21,
        Geometry::LineString(l) => 5 + line(l.0.len()),
        Geometry::Polygon(p) if !p.exterior().0.is_empty() => poly(p),
        Geometry::MultiPoint(mp) => 9 + 21 * mp.0.len(),
        Geometry::MultiLineString(ml) => {
            9 + ml.0.iter().map(|l| 5 + line(l.0.len())).sum::<usize>()
        }
        Geometry::MultiPolygon(mp) if mp.0.iter().all(|p| !p.exterior().0.is_empty()) => {
            9 + mp.0.iter().map(poly).sum::<usize>()
        }
        _ => return None,
    })
}

/// The geometry type code of a WKB geometry (1 Point ... 7
/// GeometryCollection), read from the header [`header`] writes (either
/// byte order); `None` for bytes too short to hold one.
pub(crate) fn kind(wkb: &[u8]) -> Option<u32> {
    let code: [u8; 4] = wkb.get(1..5)?.try_into().ok()?;
    Some(match wkb[0] {
        0 => u32::from_be_bytes(code),
        _ => u32::from_le_bytes(code),
    })
}

fn header(out: &mut Vec<u8>, kind: u32) {
    out.push(1);
    out.extend_from_slice(&kind.to_le_bytes());
}

fn count(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

/// The rounding and the buffer of a rounded ring.
struct Scratch<'a> {
    ring: &'a mut Vec<Coord<f64>>,
    round: Round,
}

fn coord(out: &mut Vec<u8>, c: &Coord<f64>, round: Round) {
    out.extend_from_slice(&round(c.x).to_le_bytes());
    out.extend_from_slice(&round(c.y).to_le_bytes());
}

fn line(out: &mut Vec<u8>, l: &LineString<f64>, round: Round) {
    count(out, l.0.len());
    l.0.iter().for_each(|c| coord(out, c, round));
}

/// A ring rounded, then reversed when wound `wrong` (as `orient` on the
/// rounded copy does); `s.ring` holds the rounded ring.
fn ring(out: &mut Vec<u8>, l: &LineString<f64>, wrong: WindingOrder, s: &mut Scratch) {
    let round = s.round;
    let scratch = &mut *s.ring;
    scratch.clear();
    scratch.extend(l.0.iter().map(|c| Coord {
        x: round(c.x),
        y: round(c.y),
    }));
    let rounded = LineString(std::mem::take(scratch));
    let reverse = rounded.winding_order() == Some(wrong);
    *scratch = rounded.0;
    count(out, scratch.len());
    let mut put = |c: &Coord<f64>| {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    };
    if reverse {
        scratch.iter().rev().for_each(&mut put);
    } else {
        scratch.iter().for_each(&mut put);
    }
}

fn polygon(out: &mut Vec<u8>, p: &Polygon<f64>, scratch: &mut Scratch) {
    header(out, 3);
    count(out, 1 + p.interiors().len());
    ring(out, p.exterior(), WindingOrder::Clockwise, scratch);
    for h in p.interiors() {
        ring(out, h, WindingOrder::CounterClockwise, scratch);
    }
}

fn multi_polygon(out: &mut Vec<u8>, mp: &MultiPolygon<f64>, scratch: &mut Scratch) {
    header(out, 6);
    count(out, mp.0.len());
    mp.0.iter().for_each(|p| polygon(out, p, scratch));
}

/// Write `g`, of a kind [`size`] knows.
fn write(out: &mut Vec<u8>, g: &Geometry<f64>, scratch: &mut Scratch) {
    let round = scratch.round;
    match g {
        Geometry::Point(p) => {
            header(out, 1);
            coord(out, &p.0, round);
        }
        Geometry::LineString(l) => {
            header(out, 2);
            line(out, l, round);
        }
        Geometry::Polygon(p) => polygon(out, p, scratch),
        Geometry::MultiPoint(mp) => {
            header(out, 4);
            count(out, mp.0.len());
            for p in &mp.0 {
                header(out, 1);
                coord(out, &p.0, round);
            }
        }
        Geometry::MultiLineString(ml) => {
            header(out, 5);
            count(out, ml.0.len());
            for l in &ml.0 {
                header(out, 2);
                line(out, l, round);
            }
        }
        Geometry::MultiPolygon(mp) => multi_polygon(out, mp, scratch),
        _ => unreachable!("sized by size()"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiLineString, MultiPoint, Point, line_string, polygon};

    /// The files' rounding (`Precision::FILE` of the GeoJSON writer).
    fn round7(x: f64) -> f64 {
        (x * 1e7).round() / 1e7
    }

    #[test]
    fn the_bytes_of_a_rounded_oriented_copy_through_geozero() {
        // Clockwise exterior, counter-clockwise hole: both reversed.
        let cw: Polygon<f64> = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 0.0, y: 1.000000049), (x: 1.123456789, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 0.2, y: 0.2), (x: 0.4, y: 0.2), (x: 0.4, y: 0.4), (x: 0.2, y: 0.2)]],
        );
        let ccw: Polygon<f64> = polygon![(x: -51.1, y: -30.1), (x: -51.0999999, y: -30.1), (x: -51.0999999, y: -30.0999999), (x: -51.1, y: -30.1)];
        // A ring that rounds to no area: as it is.
        let flat: Polygon<f64> = polygon![(x: 0.0, y: 0.0), (x: 0.00000001, y: 0.00000001), (x: 0.0, y: 0.00000002), (x: 0.0, y: 0.0)];
        let geoms: Vec<Geometry<f64>> = vec![
            Point::new(24.123456789, -0.00000001).into(),
            line_string![(x: 1.0, y: 2.0), (x: 3.000000051, y: 4.0)].into(),
            cw.clone().into(),
            ccw.clone().into(),
            flat.into(),
            MultiPolygon(vec![cw, ccw]).into(),
            MultiPolygon::<f64>(vec![]).into(),
            MultiPoint(vec![Point::new(1.0, 2.0), Point::new(-3.5, 4.25)]).into(),
            MultiLineString(vec![line_string![(x: 1.0, y: 2.0), (x: 3.0, y: 4.0)]]).into(),
        ];
        for g in &geoms {
            assert_eq!(file_wkb(g, round7).unwrap(), by_geozero(g, round7), "{g:?}");
        }
        // Left to geozero.
        assert!(file_wkb(&geo::Rect::new((0.0, 0.0), (1.0, 1.0)).into(), round7).is_none());
        let empty = Polygon::new(LineString::<f64>(vec![]), vec![]);
        assert!(file_wkb(&empty.into(), round7).is_none());
    }
}
