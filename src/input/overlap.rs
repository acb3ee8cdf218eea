//! Overlapping administrative units, checked at load. Units are tens to
//! hundreds, so each pair whose bounding boxes meet (found in an R-tree)
//! is intersected exactly. The rule (README, "Guarantees"):
//!
//! - an overlap under [`NOISE_M2`] is floating-point noise of a shared
//!   border and ignored;
//! - an overlap under [`SLIVER_SHARE`] of the smaller unit's area is a
//!   digitising sliver: tolerated with a warning, and the communities and
//!   facilities inside it are assigned by the overlap rule
//!   (`analysis::units`) and listed in `dropped.csv`;
//! - anything larger is an error naming the file, both units and the area.

use std::path::Path;

use geo::{BooleanOps, BoundingRect, MultiPolygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::model::AdminUnit;
use crate::{Error, Result};

/// Overlaps below this many square metres are ignored (noise).
pub(crate) const NOISE_M2: f64 = 1.0;

/// Overlaps below this share of the smaller unit's area are tolerated.
pub(crate) const SLIVER_SHARE: f64 = 0.01;

/// A tolerated overlap of two units.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitOverlap {
    /// The first unit (index into the units, the smaller index).
    pub a: usize,
    /// The second unit.
    pub b: usize,
    /// The overlap's area, m2.
    pub area_m2: f64,
    /// The overlap, WGS-84.
    pub geometry: MultiPolygon<f64>,
}

fn area_m2(mp: &MultiPolygon<f64>) -> f64 {
    crate::spatial::geodesic_area_m2(&geo::Geometry::MultiPolygon(mp.clone())).unwrap_or(0.0)
}

/// "name" (id x), or the id alone.
pub(crate) fn unit_label(u: &AdminUnit) -> String {
    if u.name.is_empty() {
        format!("id {:?}", u.id)
    } else {
        format!("{:?} (id {:?})", u.name, u.id)
    }
}

/// The tolerated overlaps of `units` (read from `path`), pairs in index
/// order, and a warning when there are any; an error on the first pair
/// that overlaps by more than a sliver.
pub(crate) fn check_overlaps(
    path: &Path,
    units: &[AdminUnit],
) -> Result<(Vec<UnitOverlap>, Option<String>)> {
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = units
        .iter()
        .enumerate()
        .filter_map(|(i, u)| {
            let r = u.geometry.bounding_rect()?;
            let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
            Some(GeomWithData::new(rect, i))
        })
        .collect();
    let tree = RTree::bulk_load(boxes.clone());
    let mut overlaps = Vec::new();
    for item in &boxes {
        let a = item.data;
        let env = AABB::from_corners(item.geom().lower(), item.geom().upper());
        let mut others: Vec<usize> = tree
            .locate_in_envelope_intersecting(&env)
            .map(|o| o.data)
            .filter(|&b| b > a)
            .collect();
        others.sort_unstable();
        for b in others {
            let (ua, ub) = (&units[a], &units[b]);
            let geometry = ua.geometry.intersection(&ub.geometry);
            let area = area_m2(&geometry);
            if area < NOISE_M2 {
                continue;
            }
            let smaller = area_m2(&ua.geometry).min(area_m2(&ub.geometry));
            let share = if smaller > 0.0 { area / smaller } else { 1.0 };
            if share >= SLIVER_SHARE {
                return Err(Error::file(
                    path,
                    format!(
                        "units {} and {} overlap by {:.0} m2 ({:.1} % of the smaller); units \
                         must not overlap (a community would count in both): fix the \
                         boundaries so each place lies in one unit (a sliver under {} % of \
                         the smaller unit is tolerated)",
                        unit_label(ua),
                        unit_label(ub),
                        area,
                        share * 100.0,
                        SLIVER_SHARE * 100.0
                    ),
                ));
            }
            overlaps.push(UnitOverlap {
                a,
                b,
                area_m2: area,
                geometry,
            });
        }
    }
    let warning = (!overlaps.is_empty()).then(|| {
        let shown: Vec<String> = overlaps
            .iter()
            .take(5)
            .map(|o| {
                format!(
                    "{} / {} ({:.0} m2)",
                    unit_label(&units[o.a]),
                    unit_label(&units[o.b]),
                    o.area_m2
                )
            })
            .collect();
        format!(
            "{}: {} pairs of units overlap by a sliver (under {} % of the smaller unit), \
             tolerated: {}{}; places inside go to one unit by the overlap rule (see \
             dropped.csv)",
            path.display(),
            overlaps.len(),
            SLIVER_SHARE * 100.0,
            shown.join(", "),
            if overlaps.len() > 5 { ", ..." } else { "" }
        )
    });
    Ok((overlaps, warning))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, polygon};

    fn unit(id: &str, x0: f64, x1: f64) -> AdminUnit {
        AdminUnit {
            id: id.into(),
            name: format!("U{id}"),
            geometry: MultiPolygon::new(vec![polygon![
                (x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 0.01), (x: x0, y: 0.01), (x: x0, y: 0.0)
            ]]),
        }
    }

    #[test]
    fn neighbours_pass_slivers_warn_overlaps_fail() {
        let p = Path::new("units.geojson");
        let (o, w) = check_overlaps(p, &[unit("a", 0.0, 0.01), unit("b", 0.01, 0.02)]).unwrap();
        assert!(o.is_empty() && w.is_none());
        let (o, w) = check_overlaps(p, &[unit("a", 0.0, 0.01), unit("b", 0.00995, 0.02)]).unwrap();
        assert_eq!((o.len(), o[0].a, o[0].b), (1, 0, 1));
        assert!(w.unwrap().contains("\"Ua\" (id \"a\") / \"Ub\" (id \"b\")"));
        let m = check_overlaps(p, &[unit("a", 0.0, 0.01), unit("b", 0.005, 0.02)])
            .unwrap_err()
            .to_string();
        assert!(
            m.starts_with("units.geojson: units \"Ua\" (id \"a\") and \"Ub\""),
            "{m}"
        );
        assert!(m.contains("50.0 % of the smaller"), "{m}");
    }
}
