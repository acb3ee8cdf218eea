//! The plan's measures that can be checked from maps beyond the 15-minute
//! circle, each in its own module with a typed result, gathered in
//! [`Measures`] (a study stage after the unit summaries):
//!
//! - [`levels`]: measure 13's three-level facility network (district /
//!   subdistrict / community);
//! - [`inclusive`]: facilities suited to (15(1)) or free or discounted
//!   for (16(1)) the elderly, the disabled and young people;
//! - [`colocation`]: sports facilities next to health facilities and the
//!   health-promotion centres (35), culture-and-sports stations (36);
//! - [`special`]: winter grounds on natural waters (15(2)) and small-space
//!   pilots (15(3)).
//!
//! Walking distances come from the `reach` searches (along the network, or
//! straight lines x the detour factor without one). Figures per area are
//! the whole area first, then one per unit in input order, as
//! [`super::units::summarise_all`]'s.

pub mod colocation;
pub mod inclusive;
pub mod levels;
pub mod special;

use super::coverage::Coverage;
use super::placement::Placement;
use super::reach::{self, Spot};
use crate::config::Settings;
use crate::input::Inputs;
use crate::model::UnitIx;
use crate::spatial;
use crate::targets::Targets;

pub use colocation::{CultureStations, HealthColocation};
pub use inclusive::Inclusive;
pub use levels::LevelNetwork;
pub use special::SpecialSpaces;

/// Every measure's result.
#[derive(Debug, Clone)]
pub struct Measures {
    /// Measure 13: the three-level network.
    pub levels: LevelNetwork,
    /// Measures 15(1) and 16(1): access for the elderly, the disabled and
    /// young people.
    pub inclusive: Inclusive,
    /// Measure 35: health co-location and health-promotion centres.
    pub health: HealthColocation,
    /// Measure 36: culture-and-sports stations.
    pub culture: CultureStations,
    /// Measures 15(2) and 15(3): winter grounds and small-space pilots.
    pub special: SpecialSpaces,
}

/// A weighted share in one area: residents (or members of a group) in
/// it, and how many of them meet a check.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Share {
    /// The unit, `None` for the whole area.
    pub unit: Option<UnitIx>,
    /// People counted (residents, or members of a group).
    pub total: f64,
    /// Of them, those meeting the check.
    pub yes: f64,
}

impl Share {
    /// `yes / total`, 0 when nobody is counted.
    pub fn share(&self) -> f64 {
        if self.total > 0.0 {
            self.yes / self.total
        } else {
            0.0
        }
    }
}

/// What the measures read: the inputs, the placement, which facilities
/// count now, the units of every item, the settings and targets.
pub struct MeasureInput<'a> {
    /// The loaded inputs.
    pub inputs: &'a Inputs,
    /// Stage 1's placement.
    pub placement: &'a Placement,
    /// Which facilities count now (existing, open, all year).
    pub counts_now: &'a [bool],
    /// The coverage now (the winter figures reuse it when no facility is
    /// there in winter only).
    pub coverage: &'a Coverage,
    /// The unit of each community.
    pub community_unit: &'a [Option<UnitIx>],
    /// The unit of each facility.
    pub facility_unit: &'a [Option<UnitIx>],
    /// The run's settings.
    pub settings: &'a Settings,
    /// The policy targets (level rules).
    pub targets: &'a Targets,
}

/// [`MeasureInput`] with the items as search spots, and the units of the
/// health facilities and culture stations.
pub(crate) struct Ctx<'a> {
    pub(crate) m: &'a MeasureInput<'a>,
    pub(crate) communities: Vec<Option<Spot<'a>>>,
    pub(crate) facilities: Vec<Option<Spot<'a>>>,
    /// Health facilities, then culture stations.
    pub(crate) places: Vec<Option<Spot<'a>>>,
    /// The unit of each health facility, then of each culture station.
    pub(crate) place_unit: Vec<Option<UnitIx>>,
}

impl<'a> Ctx<'a> {
    fn new(m: &'a MeasureInput<'a>) -> Ctx<'a> {
        let p = m.placement;
        Ctx {
            m,
            communities: reach::spots(p, &p.community_access, &p.community_points),
            facilities: reach::spots(p, &p.facility_access, &p.facility_points),
            places: reach::spots(p, &p.place_access, &p.place_points),
            place_unit: place_units(m),
        }
    }

    /// The areas: the whole area, then each unit.
    pub(crate) fn areas(&self) -> Vec<Option<UnitIx>> {
        std::iter::once(None)
            .chain((0..self.m.inputs.units.len()).map(|u| Some(UnitIx::new(u))))
            .collect()
    }

    /// The spots of the facilities for which `keep` holds (the others
    /// `None`), for a search from them.
    pub(crate) fn facilities_where(&self, keep: impl Fn(usize) -> bool) -> Vec<Option<Spot<'a>>> {
        self.facilities
            .iter()
            .enumerate()
            .map(|(f, s)| if keep(f) { *s } else { None })
            .collect()
    }

    /// Per area: `weight(c)` summed over its communities (those giving
    /// one), and over those for which `ok(c)` holds.
    pub(crate) fn shares(
        &self,
        weight: impl Fn(usize) -> Option<f64>,
        ok: impl Fn(usize) -> bool,
    ) -> Vec<Share> {
        let mut out: Vec<Share> = self
            .areas()
            .into_iter()
            .map(|unit| Share {
                unit,
                ..Share::default()
            })
            .collect();
        for c in 0..self.m.inputs.communities.len() {
            let Some(w) = weight(c) else {
                continue;
            };
            let yes = ok(c);
            let unit = self.m.community_unit[c].map(|u| u.get() + 1);
            for k in std::iter::once(0).chain(unit) {
                out[k].total += w;
                if yes {
                    out[k].yes += w;
                }
            }
        }
        out
    }
}

/// The unit of each health facility, then of each culture station (by its
/// representative point; all `None` without units).
fn place_units(m: &MeasureInput) -> Vec<Option<UnitIx>> {
    let points = &m.placement.place_points;
    if m.inputs.units.is_empty() {
        return vec![None; points.len()];
    }
    let polygons: Vec<geo::MultiPolygon<f64>> =
        m.inputs.units.iter().map(|u| u.geometry.clone()).collect();
    let proj = &m.placement.proj;
    let tree = spatial::point_tree(proj, points.iter().copied());
    spatial::assign_to_polygons(proj, &tree, points, &polygons)
        .into_iter()
        .map(|u| u.map(UnitIx::new))
        .collect()
}

/// Compute every measure.
pub fn compute(m: &MeasureInput) -> Measures {
    let cx = Ctx::new(m);
    let levels = levels::compute(&cx);
    Measures {
        inclusive: inclusive::compute(&cx),
        health: colocation::health(&cx),
        culture: colocation::culture(&cx),
        special: special::compute(&cx),
        levels,
    }
}

#[cfg(test)]
mod tests;
