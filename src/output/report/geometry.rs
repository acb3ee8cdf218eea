//! The geometry of the page's map data: lon/lat rounded to 1e-5 degree,
//! lines and rings simplified in metres (Douglas-Peucker on the local
//! projection), written as GeoJSON text by the output files' encoder
//! (`output::geojson`: the same positions, feature and property writing,
//! at [`Precision::MAP`]). Positions are WGS-84, or GCJ-02 under a GCJ-02
//! base map ([`Coords::crs`]): simplified in WGS-84, converted as written.

use std::io::Write as _;

use geo::{Geometry, LineString, Polygon};
use serde_json::Value;

use crate::crs::Crs;
use crate::output::geojson::{Precision, encode_feature_with, write_pos_in, write_positions};
use crate::spatial::LocalProjection;

/// How the page's positions are made: the run's projection (to simplify in
/// metres) and the CRS they are written in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Coords<'a> {
    pub proj: &'a LocalProjection,
    pub crs: Crs,
}

impl Coords<'_> {
    /// A WGS-84 position in the page's CRS, rounded as the map writes it.
    fn out(&self, p: [f64; 2]) -> [f64; 2] {
        let (x, y) = self.crs.from_wgs84(p[0], p[1]);
        [r5(x), r5(y)]
    }
}
use crate::spatial::representative_point;

/// Rounded as the map writes it (1e-5 degree, about 1 m; never -0).
fn r5(x: f64) -> f64 {
    Precision::MAP.round(x)
}

/// GeoJSON text written by `write` into a buffer (the encoder writes
/// ASCII and serde_json's UTF-8).
fn text(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(&mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

/// Douglas-Peucker on projected points; returns the indices kept.
///
/// Hand-written rather than `geo::SimplifyIdx`, because geo's version
/// changes the report's bytes. It measures a point's distance to the
/// *segment* between the two ends (this one: to the infinite *line*
/// through them, or to the end point when both ends coincide, as in a
/// ring), and among equally far points it splits at the last (this one: at
/// the first). Lines that double back past their end (a street ending in a
/// short hook) keep other vertices. Measured with tools/compare-outputs.sh
/// (geo 0.33.1): report.html differs in helsinki (2 of 5,280 network lines;
/// covered area 364 instead of 365 vertices) and porto-alegre (5 of 27,523
/// network lines, 68,216 instead of 68,217 vertices; covered area 18,359
/// instead of 18,351); every other file is the same.
fn simplify_indices(pts: &[[f64; 2]], eps: f64) -> Vec<usize> {
    let n = pts.len();
    if n <= 2 || eps <= 0.0 {
        return (0..n).collect();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0usize, n - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (pa, pb) = (pts[a], pts[b]);
        let (dx, dy) = (pb[0] - pa[0], pb[1] - pa[1]);
        let len2 = dx * dx + dy * dy;
        let mut best = (0.0f64, a);
        for (i, p) in pts.iter().enumerate().take(b).skip(a + 1) {
            let d = if len2 == 0.0 {
                ((p[0] - pa[0]).powi(2) + (p[1] - pa[1]).powi(2)).sqrt()
            } else {
                ((p[0] - pa[0]) * dy - (p[1] - pa[1]) * dx).abs() / len2.sqrt()
            };
            if d > best.0 {
                best = (d, i);
            }
        }
        if best.0 > eps {
            keep[best.1] = true;
            stack.push((a, best.1));
            stack.push((best.1, b));
        }
    }
    (0..n).filter(|&i| keep[i]).collect()
}

/// A lon/lat line simplified in metres and rounded; consecutive repeats
/// after rounding are dropped.
pub(super) fn simplified(c: Coords<'_>, line: &[[f64; 2]], eps: f64) -> Vec<[f64; 2]> {
    let projected: Vec<[f64; 2]> = line.iter().map(|p| c.proj.project(*p)).collect();
    let mut out: Vec<[f64; 2]> = Vec::new();
    for i in simplify_indices(&projected, eps) {
        let p = c.out(line[i]);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

pub(super) fn push_line(out: &mut String, line: &[[f64; 2]]) {
    out.push_str(&text(|w| write_positions(w, line, Precision::MAP)));
}

fn ring_coords(l: &LineString<f64>) -> Vec<[f64; 2]> {
    l.0.iter().map(|c| [c.x, c.y]).collect()
}

/// Polygon rings, simplified; `None` when the exterior collapses.
fn push_polygon(out: &mut String, c: Coords<'_>, p: &Polygon<f64>, eps: f64) -> bool {
    let ext = simplified(c, &ring_coords(p.exterior()), eps);
    if ext.len() < 4 {
        return false;
    }
    out.push('[');
    push_line(out, &ext);
    for hole in p.interiors() {
        let h = simplified(c, &ring_coords(hole), eps);
        if h.len() >= 4 {
            out.push(',');
            push_line(out, &h);
        }
    }
    out.push(']');
    true
}

/// A GeoJSON geometry for the map: points stay points, lines and polygons
/// are simplified by `eps` metres; `null` when nothing is left.
pub(super) fn geometry_json(c: Coords<'_>, g: &Geometry<f64>, eps: f64) -> String {
    let mut s = String::new();
    match g {
        Geometry::Point(p) => {
            let (x, y) = c.crs.from_wgs84(p.x(), p.y());
            s.push_str(r#"{"type":"Point","coordinates":"#);
            s.push_str(&text(|w| write_pos_in(w, x, y, Precision::MAP)));
            s.push('}');
        }
        Geometry::Polygon(p) => {
            let mut body = String::new();
            if push_polygon(&mut body, c, p, eps) {
                s = format!(r#"{{"type":"Polygon","coordinates":{body}}}"#);
            }
        }
        Geometry::MultiPolygon(mp) => {
            let mut parts = Vec::new();
            for p in &mp.0 {
                let mut body = String::new();
                if push_polygon(&mut body, c, p, eps) {
                    parts.push(body);
                }
            }
            if !parts.is_empty() {
                s = format!(
                    r#"{{"type":"MultiPolygon","coordinates":[{}]}}"#,
                    parts.join(",")
                );
            }
        }
        Geometry::LineString(l) => {
            let line = simplified(c, &ring_coords(l), eps);
            if line.len() >= 2 {
                s.push_str(r#"{"type":"LineString","coordinates":"#);
                push_line(&mut s, &line);
                s.push('}');
            }
        }
        Geometry::MultiLineString(ml) => {
            let lines: Vec<Vec<[f64; 2]>> =
                ml.0.iter()
                    .map(|l| simplified(c, &ring_coords(l), eps))
                    .filter(|l| l.len() >= 2)
                    .collect();
            if !lines.is_empty() {
                s.push_str(r#"{"type":"MultiLineString","coordinates":["#);
                for (i, l) in lines.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    push_line(&mut s, l);
                }
                s.push_str("]}");
            }
        }
        Geometry::Rect(r) => return geometry_json(c, &Geometry::Polygon(r.to_polygon()), eps),
        Geometry::Triangle(t) => {
            return geometry_json(c, &Geometry::Polygon(t.to_polygon()), eps);
        }
        other => {
            if let Some(p) = representative_point(other) {
                return geometry_json(c, &Geometry::Point(p), eps);
            }
        }
    }
    if s.is_empty() { "null".to_string() } else { s }
}

/// A GeoJSON feature from its geometry text and properties (an object;
/// anything else gives empty properties), by the files' feature encoder.
pub(super) fn feature(geometry: &str, props: &Value) -> String {
    let entries: Vec<(&str, &Value)> = props
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default();
    text(|w| encode_feature_with(w, &entries, |w| w.write_all(geometry.as_bytes())))
}

/// A FeatureCollection, one feature a line.
pub(super) fn collection(features: &[String]) -> String {
    const HEAD: &str = r#"{"type":"FeatureCollection","features":["#;
    let len = features.iter().map(|f| f.len() + 2).sum::<usize>();
    let mut s = String::with_capacity(HEAD.len() + len + 2);
    s.push_str(HEAD);
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(f);
    }
    s.push_str("]}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplification_keeps_ends_and_drops_collinear_points() {
        let pts = [[0.0, 0.0], [1.0, 0.01], [2.0, 0.0], [3.0, 5.0]];
        assert_eq!(simplify_indices(&pts, 0.5), vec![0, 2, 3]);
        assert_eq!(simplify_indices(&pts, 0.0), vec![0, 1, 2, 3]);
    }

    /// Where geo's simplification would differ: a point beyond the end,
    /// near the line through the ends but far from the segment.
    #[test]
    fn simplification_measures_to_the_line_not_the_segment() {
        let pts = [[0.0, 0.0], [12.0, 0.5], [10.0, 0.0]];
        assert_eq!(simplify_indices(&pts, 1.0), vec![0, 2]);
    }
}
