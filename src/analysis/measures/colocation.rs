//! Measure 35: sports facilities co-located with health facilities (the
//! share of counted sports facilities within a walk of one, `health_walk_m`,
//! 500 m by default) and a health-promotion centre in every subdistrict.
//! Measure 36: grassroots culture stations turned into culture-and-sports
//! stations: the stations and the combined ones per unit, and the residents
//! within the walking limit of a combined one, per unit and per community.
//! Both need their own input (`[[health]]`, `[[culture]]`); without it the
//! results say so (`given` is false).

use super::{Ctx, Share};
use crate::analysis::reach;
use crate::model::{HealthKind, UnitIx};

/// Measure 35's figures for one area.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthArea {
    /// The unit, `None` for the whole area.
    pub unit: Option<UnitIx>,
    /// Health facilities of each kind in the area, [`HealthKind::ALL`] order.
    pub kinds: [usize; 4],
    /// Counted sports facilities in the area.
    pub sports: usize,
    /// Of them, those within the walk of a health facility.
    pub colocated: usize,
}

impl HealthArea {
    /// Health-promotion centres in the area.
    pub fn promotion_centres(&self) -> usize {
        self.kinds[HealthKind::HealthPromotion as usize]
    }

    /// Share of the area's counted sports facilities next to a health
    /// facility (0 without any).
    pub fn colocated_share(&self) -> f64 {
        if self.sports > 0 {
            self.colocated as f64 / self.sports as f64
        } else {
            0.0
        }
    }
}

/// Measure 35.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthColocation {
    /// A health-facility input was given (else nothing is computed).
    pub given: bool,
    /// The co-location walk, metres.
    pub walk_m: f64,
    /// Per facility (input order): walking metres from a counted sports
    /// facility to the nearest health facility, `None` beyond the walk (or
    /// for a facility not counted).
    pub nearest_m: Vec<Option<f64>>,
    /// The unit of each health facility.
    pub unit: Vec<Option<UnitIx>>,
    /// The whole area first, then each unit.
    pub areas: Vec<HealthArea>,
}

impl HealthColocation {
    /// The areas that need a health-promotion centre: the units, or the
    /// whole area when there are none.
    pub fn subdistrict_areas(&self) -> &[HealthArea] {
        if self.areas.len() > 1 {
            &self.areas[1..]
        } else {
            &self.areas[..1]
        }
    }
}

/// Measure 35's figures.
pub(crate) fn health(cx: &Ctx) -> HealthColocation {
    let m = cx.m;
    let n_health = m.inputs.health.len();
    let walk_m = m.settings.health_walk_m;
    let given = n_health > 0;
    let sports = cx.facilities_where(|f| m.counts_now[f]);
    let nearest_m = if given {
        reach::nearest(m.placement, &cx.places[..n_health], &sports, walk_m)
    } else {
        vec![None; sports.len()]
    };
    let unit = cx.place_unit[..n_health].to_vec();
    let areas = cx
        .areas()
        .into_iter()
        .map(|area| {
            let inside = |u: Option<UnitIx>| area.is_none() || u == area;
            let mut kinds = [0; 4];
            for (h, u) in m.inputs.health.iter().zip(&unit) {
                if inside(*u) {
                    kinds[h.kind as usize] += 1;
                }
            }
            let counted: Vec<usize> = (0..m.counts_now.len())
                .filter(|&f| m.counts_now[f] && inside(m.facility_unit[f]))
                .collect();
            HealthArea {
                unit: area,
                kinds,
                sports: counted.len(),
                colocated: counted.iter().filter(|&&f| nearest_m[f].is_some()).count(),
            }
        })
        .collect();
    HealthColocation {
        given,
        walk_m,
        nearest_m,
        unit,
        areas,
    }
}

/// Measure 36's figures for one area.
#[derive(Debug, Clone, PartialEq)]
pub struct CultureArea {
    /// The unit, `None` for the whole area.
    pub unit: Option<UnitIx>,
    /// Culture stations in the area.
    pub stations: usize,
    /// Of them, those combined with sports (文体站).
    pub combined: usize,
    /// Residents, and those within the walking limit of a combined station.
    pub residents: Share,
}

/// Measure 36.
#[derive(Debug, Clone, PartialEq)]
pub struct CultureStations {
    /// A culture-station input was given (else nothing is computed).
    pub given: bool,
    /// The walking limit, metres.
    pub limit_m: f64,
    /// The unit of each station.
    pub unit: Vec<Option<UnitIx>>,
    /// Per community: walking metres to the nearest combined station, `None`
    /// beyond the limit.
    pub community_nearest: Vec<Option<f64>>,
    /// Per community: combined stations within the limit.
    pub community_count: Vec<u32>,
    /// Per station: residents within the walking limit of it.
    pub station_people: Vec<f64>,
    /// The whole area first, then each unit.
    pub areas: Vec<CultureArea>,
}

/// Measure 36's figures.
pub(crate) fn culture(cx: &Ctx) -> CultureStations {
    let m = cx.m;
    let n_health = m.inputs.health.len();
    let stations = &m.inputs.culture;
    let limit_m = m.settings.limit_m();
    let combined: Vec<_> = cx.places[n_health..]
        .iter()
        .zip(stations)
        .map(|(s, st)| if st.with_sports { *s } else { None })
        .collect();
    let n_com = m.inputs.communities.len();
    let mut community_count = vec![0u32; n_com];
    let mut station_people = vec![0.0; stations.len()];
    let community_nearest = if stations.is_empty() {
        vec![None; n_com]
    } else {
        let all = &cx.places[n_health..];
        let pairs = reach::pairs(m.placement, all, &cx.communities, limit_m);
        for (s, hits) in pairs.iter().enumerate() {
            for (c, _) in hits {
                station_people[s] += m.inputs.communities[c as usize].population;
                if stations[s].with_sports {
                    community_count[c as usize] += 1;
                }
            }
        }
        reach::nearest(m.placement, &combined, &cx.communities, limit_m)
    };
    let unit = cx.place_unit[n_health..].to_vec();
    let residents = cx.shares(
        |c| Some(m.inputs.communities[c].population),
        |c| community_nearest[c].is_some(),
    );
    let areas = cx
        .areas()
        .into_iter()
        .zip(residents)
        .map(|(area, residents)| {
            let inside: Vec<usize> = (0..stations.len())
                .filter(|&s| area.is_none() || unit[s] == area)
                .collect();
            CultureArea {
                unit: area,
                stations: inside.len(),
                combined: inside.iter().filter(|&&s| stations[s].with_sports).count(),
                residents,
            }
        })
        .collect();
    CultureStations {
        given: !stations.is_empty(),
        limit_m,
        unit,
        community_nearest,
        community_count,
        station_people,
        areas,
    }
}
