//! Stage 3 of a study, units: which administrative unit each community
//! and facility lies in (by its representative point), and the coverage
//! totals of the whole area and of each unit.

use rayon::prelude::*;

use super::coverage::{Access, Coverage, Source, Target};
use super::placement::Placement;
use crate::graph::snap::Unreachable;
use crate::input::Inputs;
use crate::model::UnitIx;
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
    let (community_unit, facility_unit) = rayon::join(
        || in_units(&placement.community_points),
        || in_units(&placement.facility_points),
    );
    UnitAssignment {
        community_unit,
        facility_unit,
    }
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
