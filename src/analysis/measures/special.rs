//! Measures 15(2) and 15(3): winter ice and snow grounds on natural waters
//! (什刹海, 北海, 陶然亭: there in winter only, so they count in the winter
//! figures and not in year-round coverage) and pilot facilities inside
//! buildings, small community squares or underground space, counted per
//! unit. Only existing facilities open to the public count.

use super::{Ctx, Share};
use crate::analysis::coverage::Target;
use crate::analysis::reach;
use crate::analysis::scenario::Scenario;
use crate::model::{Facility, Season, Space, UnitIx};

/// The pilot spaces of 15(3), in output order.
pub const PILOT_SPACES: [Space; 3] = [Space::Building, Space::SmallSquare, Space::Underground];

/// Measures 15(2) and 15(3) for one area.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecialArea {
    /// The unit, `None` for the whole area.
    pub unit: Option<UnitIx>,
    /// Winter grounds on natural waters in the area.
    pub winter: usize,
    /// Pilots in the area, per space of [`PILOT_SPACES`].
    pub pilots: [usize; 3],
    /// Residents, and those within the walking limit of a facility there in
    /// winter (year-round ones and the winter grounds).
    pub winter_residents: Share,
}

impl SpecialArea {
    /// Pilots of every space in the area.
    pub fn pilots_total(&self) -> usize {
        self.pilots.iter().sum()
    }
}

/// Measures 15(2) and 15(3).
#[derive(Debug, Clone, PartialEq)]
pub struct SpecialSpaces {
    /// Some facility states its space or season (else nothing is known).
    pub known: bool,
    /// Winter grounds on natural waters (facility indices, input order).
    pub winter: Vec<usize>,
    /// Small-space pilots (facility indices, input order).
    pub pilots: Vec<usize>,
    /// The whole area first, then each unit.
    pub areas: Vec<SpecialArea>,
}

/// A winter ground on natural waters: on natural waters and there in
/// winter only.
pub fn is_winter_ground(f: &Facility) -> bool {
    f.plan.space == Some(Space::NaturalWater) && f.plan.season_of(f.category) == Season::Winter
}

/// Per community: a facility there in winter lies within the walking
/// limit. Without a winter-only facility this is the year-round coverage
/// (no search).
fn winter_covered(cx: &Ctx) -> Vec<bool> {
    let m = cx.m;
    let facilities = &m.inputs.facilities;
    let built = |f: usize| Scenario::Now.counts_in(&facilities[f], Season::Winter);
    let extra = (0..facilities.len()).any(|f| built(f) && !m.counts_now[f]);
    let cov = m.coverage;
    match cov.target_index(Target::Any) {
        Some(t) if !extra => (0..m.inputs.communities.len())
            .map(|c| cov.covered(t, c))
            .collect(),
        _ => {
            let sources = cx.facilities_where(built);
            let limit_m = m.settings.limit_m();
            reach::nearest(m.placement, &sources, &cx.communities, limit_m)
                .iter()
                .map(Option::is_some)
                .collect()
        }
    }
}

/// Measures 15(2) and 15(3).
pub(crate) fn compute(cx: &Ctx) -> SpecialSpaces {
    let m = cx.m;
    let facilities = &m.inputs.facilities;
    let built = |f: &Facility| Scenario::Now.counts_in(f, Season::Winter);
    let winter: Vec<usize> = (0..facilities.len())
        .filter(|&f| built(&facilities[f]) && is_winter_ground(&facilities[f]))
        .collect();
    let pilots: Vec<usize> = (0..facilities.len())
        .filter(|&f| {
            let x = &facilities[f];
            built(x) && x.plan.space.is_some_and(Space::is_pilot)
        })
        .collect();
    let in_winter = winter_covered(cx);
    let residents = cx.shares(
        |c| Some(m.inputs.communities[c].population),
        |c| in_winter[c],
    );
    let areas = cx
        .areas()
        .into_iter()
        .zip(residents)
        .map(|(unit, winter_residents)| {
            let inside = |f: &usize| unit.is_none() || m.facility_unit[*f] == unit;
            let mut counts = [0; 3];
            for f in pilots.iter().filter(|f| inside(f)) {
                let space = facilities[*f].plan.space.expect("a pilot has a space");
                let k = PILOT_SPACES
                    .iter()
                    .position(|s| *s == space)
                    .expect("pilot");
                counts[k] += 1;
            }
            SpecialArea {
                unit,
                winter: winter.iter().filter(|f| inside(f)).count(),
                pilots: counts,
                winter_residents,
            }
        })
        .collect();
    SpecialSpaces {
        known: facilities
            .iter()
            .any(|f| f.plan.space.is_some() || f.plan.season.is_some()),
        winter,
        pilots,
        areas,
    }
}
