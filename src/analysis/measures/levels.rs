//! Measure 13's three-level facility network (区、街、社区三级): each
//! facility's level (given in the input, else inferred by the first level
//! rule of the targets that matches its category and size), then three
//! checks: the district has district venues, every subdistrict (unit) has a
//! subdistrict-level facility, and every community has a community-level
//! facility within its short walk (`community_level_minutes`, 5 by
//! default). A facility of a higher level serves a lower one too: a
//! district venue in a subdistrict is its subdistrict facility, and any
//! facility of the network within a community's walk is its community
//! facility.

use super::{Ctx, Share};
use crate::analysis::reach;
use crate::model::{Facility, Level, UnitIx};
use crate::targets::Targets;

/// Where a facility's level came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelSource {
    /// The input's level column.
    Given,
    /// The level rule at this index of the targets' `level_rule` list.
    Rule(usize),
    /// No column value and no rule applies: no level.
    NoRule,
}

/// The network's figures for one area.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelArea {
    /// The unit, `None` for the whole area.
    pub unit: Option<UnitIx>,
    /// Counted facilities of each level lying in the area, in
    /// [`Level::ALL`] order (community, subdistrict, district).
    pub facilities: [usize; 3],
    /// Residents, and those with a community-level (or higher) facility
    /// within the short walk.
    pub residents: Share,
    /// Communities of the area.
    pub communities: usize,
    /// Of them, those with a community-level facility within the walk.
    pub communities_ok: usize,
}

impl LevelArea {
    /// Counted facilities of `level` or higher in the area.
    pub fn at_or_above(&self, level: Level) -> usize {
        self.facilities[level.index()..].iter().sum()
    }
}

/// Measure 13's network: every facility's level and the three checks.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelNetwork {
    /// Per facility (input order): its level, `None` when it has none.
    pub level: Vec<Option<Level>>,
    /// Per facility: where the level came from.
    pub source: Vec<LevelSource>,
    /// The community walk, metres.
    pub community_m: f64,
    /// Per community: walking metres to the nearest counted facility with a
    /// level, `None` beyond [`community_m`](Self::community_m) or
    /// unreachable.
    pub community_nearest: Vec<Option<f64>>,
    /// The whole area first, then each unit.
    pub areas: Vec<LevelArea>,
}

impl LevelNetwork {
    /// Counted district venues in the whole area.
    pub fn district_venues(&self) -> usize {
        self.areas[0].facilities[Level::District.index()]
    }

    /// The areas checked for a subdistrict facility: the units, or the
    /// whole area when there are none.
    pub fn subdistrict_areas(&self) -> &[LevelArea] {
        if self.areas.len() > 1 {
            &self.areas[1..]
        } else {
            &self.areas[..1]
        }
    }

    /// Community `c` has a facility of the network within the walk.
    pub fn community_ok(&self, c: usize) -> bool {
        self.community_nearest[c].is_some()
    }

    /// All three checks hold.
    pub fn met(&self) -> bool {
        self.district_venues() > 0
            && self
                .subdistrict_areas()
                .iter()
                .all(|a| a.at_or_above(Level::Subdistrict) > 0)
            && self.areas[0].communities_ok == self.areas[0].communities
    }
}

/// The level of `f` and where it came from: the input's, else the first
/// matching rule's.
pub fn level_of(targets: &Targets, f: &Facility) -> (Option<Level>, LevelSource) {
    if let Some(l) = f.plan.level {
        return (Some(l), LevelSource::Given);
    }
    match targets.level_rule_for(f.category, f.area_m2, f.floor_area_m2) {
        Some((i, rule)) => (rule.parsed_level, LevelSource::Rule(i)),
        None => (None, LevelSource::NoRule),
    }
}

/// The network's levels and checks.
pub(crate) fn compute(cx: &Ctx) -> LevelNetwork {
    let m = cx.m;
    let (level, source): (Vec<Option<Level>>, Vec<LevelSource>) = m
        .inputs
        .facilities
        .iter()
        .map(|f| level_of(m.targets, f))
        .unzip();
    let counted = |f: usize| m.counts_now[f] && level[f].is_some();
    let community_m = m.settings.community_level_m();
    let sources = cx.facilities_where(counted);
    let community_nearest = reach::nearest(m.placement, &sources, &cx.communities, community_m);
    let residents = cx.shares(
        |c| Some(m.inputs.communities[c].population),
        |c| community_nearest[c].is_some(),
    );
    let communities = cx.shares(|_| Some(1.0), |c| community_nearest[c].is_some());
    let areas = cx
        .areas()
        .into_iter()
        .enumerate()
        .map(|(k, unit)| {
            let mut facilities = [0; 3];
            for f in (0..level.len()).filter(|&f| counted(f)) {
                if unit.is_none() || m.facility_unit[f] == unit {
                    facilities[level[f].expect("counted has a level").index()] += 1;
                }
            }
            LevelArea {
                unit,
                facilities,
                residents: residents[k],
                communities: communities[k].total as usize,
                communities_ok: communities[k].yes as usize,
            }
        })
        .collect();
    LevelNetwork {
        level,
        source,
        community_m,
        community_nearest,
        areas,
    }
}
