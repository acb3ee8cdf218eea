//! Stage 2 of a study, scenarios: which facilities count now and after the
//! planned projects are built (the one place that decides it), and the
//! coverage table of each scenario, searched along the network placed in
//! stage 1 ([`super::placement`]) or measured in straight lines.

use rayon::prelude::*;

use super::coverage::{self, Access, Coverage, CoverageSettings, Source};
use super::placement::{Distances, Placement};
use super::straight;
use crate::graph::snap::Unreachable;
use crate::input::Inputs;
use crate::model::{Facility, Season, Status};

/// Which facilities a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Existing facilities not closed to the public.
    Now,
    /// Existing and planned facilities not closed to the public.
    AfterPlanned,
}

impl Scenario {
    /// Does `f` count in this scenario all year (before asking whether it
    /// is reachable)? A seasonal facility (a winter ice ground on a lake)
    /// counts only in its season ([`Scenario::counts_in`]).
    pub fn counts(self, f: &Facility) -> bool {
        self.counts_in(f, Season::AllYear)
    }

    /// Does `f` count in this scenario in `season`: open to the public,
    /// existing (or planned, after the planned projects), and there all
    /// year or in that season.
    pub fn counts_in(self, f: &Facility, season: Season) -> bool {
        let open = f.open_to_public != Some(false);
        let there = match f.plan.season_of(f.category) {
            Season::AllYear => true,
            s => s == season,
        };
        let built = match self {
            Scenario::Now => f.status == Status::Existing,
            Scenario::AfterPlanned => true,
        };
        open && there && built
    }

    /// [`Scenario::counts`] for every facility, in input order.
    pub fn counted(self, facilities: &[Facility]) -> Vec<bool> {
        facilities.iter().map(|f| self.counts(f)).collect()
    }
}

/// How deep the searches go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// Nearest distances only: one multi-source search per target.
    NearestOnly,
    /// Nearest distances plus every facility-community pair within the
    /// pair distance (per-facility searches), for catchments and tiers.
    WithPairs,
}

/// The coverage of both scenarios.
#[derive(Debug)]
pub struct Scenarios {
    /// Which facilities count now (input order).
    pub counts_now: Vec<bool>,
    /// Coverage now.
    pub now: Coverage,
    /// Which facilities count after the planned projects.
    pub counts_after: Vec<bool>,
    /// Coverage after the planned projects, when there are any.
    pub after: Option<Coverage>,
}

/// The coverage searches' sources: each facility's category, whether it
/// counts (in `counts` and is reachable) and its access nodes.
pub fn sources(
    inputs: &Inputs,
    access: &[Result<Access, Unreachable>],
    counts: &[bool],
) -> Vec<Source> {
    inputs
        .facilities
        .iter()
        .zip(access)
        .zip(counts)
        .map(|((f, acc), counts)| Source {
            category: f.category,
            counts: *counts && acc.is_ok(),
            access: acc.clone().unwrap_or_default(),
        })
        .collect()
}

/// Coverage now and, when some facility is planned, after: on the network,
/// the "after" table reuses the facility-community pairs of "now" (they do
/// not depend on which facilities count).
pub fn compute(
    inputs: &Inputs,
    placement: &Placement,
    settings: CoverageSettings,
    search: Search,
) -> Scenarios {
    let counts_now = Scenario::Now.counted(&inputs.facilities);
    let counts_after = Scenario::AfterPlanned.counted(&inputs.facilities);
    let any_planned = inputs
        .facilities
        .iter()
        .any(|f| f.status == Status::Planned);
    let access = &placement.facility_access;
    let (now, after) = match &placement.distances {
        Distances::Network { graph, .. } => {
            let com_acc: Vec<Access> = placement
                .community_access
                .iter()
                .map(|a| a.clone().unwrap_or_default())
                .collect();
            let now_sources = sources(inputs, access, &counts_now);
            let now = match search {
                Search::NearestOnly => {
                    coverage::compute_nearest_only(graph, &now_sources, &com_acc, settings)
                }
                Search::WithPairs => coverage::compute(graph, &now_sources, &com_acc, settings),
            };
            let after = any_planned.then(|| {
                let after = sources(inputs, access, &counts_after);
                match search {
                    Search::NearestOnly => {
                        coverage::compute_nearest_only(graph, &after, &com_acc, settings)
                    }
                    Search::WithPairs => coverage::compute_with_pairs(
                        graph,
                        &after,
                        &com_acc,
                        settings,
                        now.facility_hits.clone(),
                    ),
                }
            });
            (now, after)
        }
        Distances::StraightLine { detour } => {
            let p = &placement.proj;
            let projected = |v: &[Option<[f64; 2]>]| -> Vec<Option<[f64; 2]>> {
                v.par_iter().map(|x| x.map(|q| p.project(q))).collect()
            };
            let fp = projected(&placement.facility_points);
            let cp = projected(&placement.community_points);
            let run = |counts: &[bool]| {
                let s = sources(inputs, access, counts);
                straight::compute(p, &s, &fp, &cp, *detour, settings)
            };
            let now = run(&counts_now);
            let after = any_planned.then(|| run(&counts_after));
            (now, after)
        }
    };
    Scenarios {
        counts_now,
        now,
        counts_after,
        after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;
    use geo::Point;

    fn facility(status: Status, open: Option<bool>) -> Facility {
        Facility {
            status,
            open_to_public: open,
            ..crate::testing::facility(
                "f",
                Category::FootballPitch,
                800.0,
                Point::new(0.0, 0.0).into(),
            )
        }
    }

    #[test]
    fn planned_and_closed_facilities_count_only_where_they_should() {
        let existing = facility(Status::Existing, None);
        let planned = facility(Status::Planned, Some(true));
        let closed = facility(Status::Existing, Some(false));
        assert!(Scenario::Now.counts(&existing));
        assert!(!Scenario::Now.counts(&planned));
        assert!(!Scenario::Now.counts(&closed));
        assert!(Scenario::AfterPlanned.counts(&existing));
        assert!(Scenario::AfterPlanned.counts(&planned));
        assert!(!Scenario::AfterPlanned.counts(&closed));
        let all = [existing, planned, closed];
        assert_eq!(Scenario::Now.counted(&all), [true, false, false]);
        assert_eq!(Scenario::AfterPlanned.counted(&all), [true, true, false]);
    }

    #[test]
    fn seasonal_facilities_count_only_in_their_season() {
        let mut ice = facility(Status::Existing, None);
        ice.category = Category::IceRink;
        ice.plan.space = Some(crate::model::Space::NaturalWater);
        // An ice rink on natural waters is there in winter only.
        assert!(!Scenario::Now.counts(&ice));
        assert!(Scenario::Now.counts_in(&ice, Season::Winter));
        assert!(!Scenario::Now.counts_in(&ice, Season::Summer));
        // Unless its season says otherwise (a rink with its own plant).
        ice.plan.season = Some(Season::AllYear);
        assert!(Scenario::Now.counts(&ice));
        let mut pool = facility(Status::Existing, None);
        pool.plan.season = Some(Season::Summer);
        assert!(!Scenario::Now.counts(&pool));
        assert!(Scenario::Now.counts_in(&pool, Season::Summer));
        // A year-round facility counts in every season.
        let pitch = facility(Status::Existing, None);
        assert!(Scenario::Now.counts_in(&pitch, Season::Winter));
    }
}
