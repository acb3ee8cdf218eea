//! No-network mode: when there is no street network, walking distance is
//! approximated by the straight-line distance times a detour factor (1.3 by
//! default). Every output of such a run says the figures are approximate.
//! Produces the same [`Coverage`] as the network search, so everything
//! downstream (tiers, catchments, summaries) is shared.

use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::coverage::{
    Coverage, CoverageSettings, DistColumn, Pairs, Source, Target, matches_target,
};
use crate::model::Category;
use crate::spatial::LocalProjection;

/// A facility or community as a projected point (metres).
pub(crate) type Located = Option<[f64; 2]>;

/// Coverage from straight-line distances x `detour`.
///
/// `facilities` and `communities` are projected points (`None` = no
/// geometry); `sources` carries each facility's category and whether it
/// counts (its `access` is ignored).
pub(crate) fn compute(
    proj: &LocalProjection,
    sources: &[Source],
    facilities: &[Located],
    communities: &[Located],
    detour: f64,
    settings: CoverageSettings,
) -> Coverage {
    let _ = proj;
    let counted = |i: usize| sources[i].counts && facilities[i].is_some();
    let mut targets = vec![Target::Any];
    for c in Category::ALL {
        if (0..sources.len()).any(|i| counted(i) && sources[i].category == c) {
            targets.push(Target::Category(c));
        }
    }
    let report = settings.report_m.max(settings.limit_m);
    let nearest_m: Vec<DistColumn> = targets
        .par_iter()
        .map(|&t| {
            let items: Vec<GeomWithData<[f64; 2], u32>> = (0..sources.len())
                .filter(|&i| counted(i) && matches_target(t, sources[i].category))
                .map(|i| GeomWithData::new(facilities[i].expect("counted has a point"), i as u32))
                .collect();
            let tree = RTree::bulk_load(items);
            communities
                .iter()
                .map(|c| {
                    let p = (*c)?;
                    let nearest = tree.nearest_neighbor(&p)?;
                    let q = nearest.geom();
                    let d = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt() * detour;
                    (d <= report).then_some(d)
                })
                .collect()
        })
        .collect();
    let pair_m = settings.pair_m.max(settings.limit_m);
    let com_tree = RTree::bulk_load(
        communities
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|p| GeomWithData::new(p, i as u32)))
            .collect::<Vec<_>>(),
    );
    let radius = pair_m / detour;
    let facility_hits: Vec<Vec<(u32, f64)>> = (0..sources.len())
        .into_par_iter()
        .map(|i| {
            let Some(p) = facilities[i] else {
                return Vec::new();
            };
            let mut hits: Vec<(u32, f64)> = com_tree
                .locate_within_distance(p, radius * radius)
                .map(|it| {
                    let q = it.geom();
                    let d = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt() * detour;
                    (it.data, d)
                })
                .filter(|h| h.1 <= pair_m)
                .collect();
            hits.sort_by_key(|h| h.0);
            hits
        })
        .collect();
    Coverage::from_pairs(
        settings,
        targets,
        nearest_m,
        sources,
        std::sync::Arc::new(Pairs::from_lists(facility_hits)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_line_times_detour() {
        let proj = LocalProjection::new(0.0, 0.0);
        let sources = vec![
            Source {
                category: Category::Park,
                counts: true,
                access: vec![],
            },
            Source {
                category: Category::FootballPitch,
                counts: true,
                access: vec![],
            },
            Source {
                category: Category::FootballPitch,
                counts: false,
                access: vec![],
            },
        ];
        let facilities = vec![Some([0.0, 0.0]), Some([1000.0, 0.0]), Some([300.0, 0.0])];
        let communities = vec![Some([300.0, 400.0]), Some([5000.0, 0.0]), None];
        let cov = compute(
            &proj,
            &sources,
            &facilities,
            &communities,
            1.3,
            CoverageSettings {
                limit_m: 1000.0,
                report_m: 2000.0,
                pair_m: 1000.0,
            },
        );
        assert_eq!(
            cov.targets,
            vec![
                Target::Any,
                Target::Category(Category::FootballPitch),
                Target::Category(Category::Park)
            ]
        );
        // Community 0: 500 m to the park, ~806 m to the pitch; x 1.3.
        assert!((cov.nearest_m[0].get(0).unwrap() - 650.0).abs() < 1e-9);
        assert!((cov.nearest_m[1].get(0).unwrap() - 1.3 * 806.225_774_829_855).abs() < 1e-6);
        assert_eq!(cov.nearest_m[0].get(1), None);
        assert_eq!(cov.nearest_m[0].get(2), None);
        assert_eq!(cov.reachable[0][0], 1); // the pitch is 1048 m away after the detour
        let hits = |f: usize| cov.facility_hits.of(f).iter().collect::<Vec<_>>();
        assert_eq!(hits(0), vec![(0, 650.0)]);
        // Pairs are kept for facilities that do not count too (never counted).
        assert_eq!(hits(2), vec![(0, 520.0)]);
        assert_eq!(cov.reachable[1][0], 0);
    }
}
