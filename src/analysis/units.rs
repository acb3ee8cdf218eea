//! Stage 3 of a study, units: which administrative unit each community
//! and facility lies in (by its representative point), and the coverage
//! totals of the whole area and of each unit.
//!
//! The overlap rule: a point inside a tolerated sliver where units overlap
//! (`input::overlap`) goes to the unit holding the largest area of
//! the item's polygon, ties (and points) to the unit first in the units
//! input; each such item is listed in `dropped.csv` (`unit_overlap`).

use rayon::prelude::*;

use super::coverage::{Access, Coverage, Source, Target};
use super::placement::Placement;
use crate::graph::snap::Unreachable;
use crate::input::Inputs;
use crate::input::overlap::unit_label;
use crate::model::{DropReason, Dropped, UnitIx};
use crate::spatial;

/// Per-target totals for an area (the whole study area or one unit).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSummary {
    /// Any facility, or one category.
    pub target: Target,
    /// Counted facilities of this target (existing, open, reachable).
    pub facilities: usize,
    /// Residents of the area.
    pub population: f64,
    /// Residents within the walking limit of a facility of this target.
    pub covered_population: f64,
}

impl TargetSummary {
    /// Covered share of the population, 0..1 (0 when nobody lives there).
    pub fn share(&self) -> f64 {
        if self.population > 0.0 {
            self.covered_population / self.population
        } else {
            0.0
        }
    }
}

/// Totals for one administrative unit (or the whole area when `unit` is None).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaSummary {
    /// Index into `inputs.units`; `None` for the whole area.
    pub unit: Option<UnitIx>,
    /// Communities of the area.
    pub communities: usize,
    /// Residents of the area.
    pub population: f64,
    /// Population of communities that could not be attached to the network.
    pub unreachable_population: f64,
    /// One row per coverage target, in the coverage table's order.
    pub targets: Vec<TargetSummary>,
}

/// The unit each item lies in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitAssignment {
    /// Unit index per community (by its representative point), if any.
    pub community_unit: Vec<Option<UnitIx>>,
    /// Unit index per facility, if any.
    pub facility_unit: Vec<Option<UnitIx>>,
    /// Communities, then facilities, assigned by the overlap rule (see the
    /// module docs), in input order.
    pub by_overlap_rule: Vec<Dropped>,
}

/// Which unit each community and facility lies in (all `None` without
/// units: no trees to build).
pub fn assign(inputs: &Inputs, placement: &Placement) -> UnitAssignment {
    let polygons: Vec<geo::MultiPolygon<f64>> =
        inputs.units.iter().map(|u| u.geometry.clone()).collect();
    let proj = &placement.proj;
    let in_units = |points: &[Option<[f64; 2]>]| {
        if polygons.is_empty() {
            return vec![None; points.len()];
        }
        let tree = spatial::point_tree(proj, points.iter().copied());
        spatial::assign_to_polygons(proj, &tree, points, &polygons)
            .into_iter()
            .map(|u| u.map(UnitIx::new))
            .collect()
    };
    let (mut community_unit, mut facility_unit) = rayon::join(
        || in_units(&placement.community_points),
        || in_units(&placement.facility_points),
    );
    let mut by_overlap_rule = Vec::new();
    if !inputs.unit_overlaps.is_empty() {
        let file = inputs.community_path.clone().unwrap_or_default();
        let communities = Items {
            kind: "community",
            file,
            points: &placement.community_points,
            item: &|i| {
                let c = &inputs.communities[i];
                (&c.geometry, &c.id, &c.name)
            },
        };
        by_overlap_rule.extend(overlap_rule(inputs, &communities, &mut community_unit));
        let facilities = Items {
            kind: "facility",
            file: Default::default(),
            points: &placement.facility_points,
            item: &|i| {
                let f = &inputs.facilities[i];
                (&f.geometry, &f.id, &f.name)
            },
        };
        by_overlap_rule.extend(overlap_rule(inputs, &facilities, &mut facility_unit));
    }
    UnitAssignment {
        community_unit,
        facility_unit,
        by_overlap_rule,
    }
}

/// Communities or facilities, for [`overlap_rule`].
struct Items<'a> {
    kind: &'static str,
    file: std::path::PathBuf,
    points: &'a [Option<[f64; 2]>],
    item: &'a (dyn Fn(usize) -> (&'a geo::Geometry<f64>, &'a String, &'a String) + Sync),
}

/// Reassign the items whose point lies in a tolerated overlap of units by
/// the overlap rule; returns their records.
fn overlap_rule(inputs: &Inputs, items: &Items, assigned: &mut [Option<UnitIx>]) -> Vec<Dropped> {
    use geo::Contains;
    let mut out = Vec::new();
    for (i, p) in items.points.iter().enumerate() {
        let Some(p) = p.map(|p| geo::Point::new(p[0], p[1])) else {
            continue;
        };
        let mut candidates: Vec<usize> = inputs
            .unit_overlaps
            .iter()
            .filter(|o| o.geometry.contains(&p))
            .flat_map(|o| [o.a, o.b])
            .filter(|&u| inputs.units[u].geometry.contains(&p))
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        if candidates.len() < 2 {
            continue;
        }
        let (geometry, id, name) = (items.item)(i);
        let shares: Vec<f64> = candidates
            .iter()
            .map(|&u| share_in(geometry, &inputs.units[u].geometry))
            .collect();
        // The largest share; the first unit on a tie (max_by keeps the last
        // of equals, so compare the reversed order).
        let best = (0..candidates.len())
            .rev()
            .max_by(|&a, &b| shares[a].total_cmp(&shares[b]))
            .unwrap_or(0);
        let tie = shares.iter().filter(|&&s| s == shares[best]).count() > 1;
        let unit = candidates[best];
        assigned[i] = Some(UnitIx::new(unit));
        let names: Vec<String> = candidates
            .iter()
            .map(|&u| unit_label(&inputs.units[u]))
            .collect();
        out.push(Dropped {
            file: items.file.clone(),
            id: id.clone(),
            name: name.clone(),
            ..Dropped::new(
                format!("{} {}", items.kind, i + 1),
                DropReason::UnitOverlap,
                format!(
                    "lies where units {} overlap; assigned to {} ({})",
                    names.join(" and "),
                    unit_label(&inputs.units[unit]),
                    if tie {
                        "first in the units input"
                    } else {
                        "largest share of its area"
                    }
                ),
            )
        });
    }
    out
}

/// The area (m2) of `g` inside `unit`: 0 for points and lines.
fn share_in(g: &geo::Geometry<f64>, unit: &geo::MultiPolygon<f64>) -> f64 {
    use geo::BooleanOps;
    let mp = match g {
        geo::Geometry::Polygon(p) => geo::MultiPolygon::new(vec![p.clone()]),
        geo::Geometry::MultiPolygon(mp) => mp.clone(),
        _ => return 0.0,
    };
    let inside = geo::Geometry::MultiPolygon(mp.intersection(unit));
    spatial::geodesic_area_m2(&inside).unwrap_or(0.0)
}

/// The whole area first, then one summary per unit (each sum taken in
/// community order by one thread, so the figures do not depend on the
/// thread count).
pub fn summarise_all(
    inputs: &Inputs,
    coverage: &Coverage,
    access: &[Result<Access, Unreachable>],
    assignment: &UnitAssignment,
    sources: &[Source],
) -> Vec<AreaSummary> {
    let units: Vec<Option<UnitIx>> = std::iter::once(None)
        .chain((0..inputs.units.len()).map(|u| Some(UnitIx::new(u))))
        .collect();
    units
        .par_iter()
        .map(|&unit| summarise(unit, inputs, coverage, access, assignment, sources))
        .collect()
}

/// The totals of one area.
fn summarise(
    unit: Option<UnitIx>,
    inputs: &Inputs,
    coverage: &Coverage,
    access: &[Result<Access, Unreachable>],
    assignment: &UnitAssignment,
    sources: &[Source],
) -> AreaSummary {
    let members: Vec<usize> = (0..inputs.communities.len())
        .filter(|&c| unit.is_none() || assignment.community_unit[c] == unit)
        .collect();
    let population: f64 = members
        .iter()
        .map(|&c| inputs.communities[c].population)
        .sum();
    let unreachable_population = members
        .iter()
        .filter(|&&c| access[c].is_err())
        .map(|&c| inputs.communities[c].population)
        .sum();
    let targets = coverage
        .targets
        .par_iter()
        .enumerate()
        .map(|(ti, &target)| TargetSummary {
            target,
            facilities: sources
                .iter()
                .enumerate()
                .filter(|(i, s)| {
                    s.counts
                        && (unit.is_none() || assignment.facility_unit[*i] == unit)
                        && match target {
                            Target::Any => true,
                            Target::Category(c) => c == s.category,
                        }
                })
                .count(),
            population,
            covered_population: members
                .iter()
                .filter(|&&c| coverage.covered(ti, c))
                .map(|&c| inputs.communities[c].population)
                .sum(),
        })
        .collect();
    AreaSummary {
        unit,
        communities: members.len(),
        population,
        unreachable_population,
        targets,
    }
}
