//! Supply-side accessibility: the two-step floating catchment area method
//! (2SFCA) with distance decay, equity summaries and plain per-capita area.
//!
//! Pure functions, no IO. Supply `S_j` of facility `j` is an area (outdoor
//! sports land `area_m2` or indoor floor area `floor_area_m2`, m2) or a
//! capacity; `P_k` is the population (people) of community `k`; `d_kj` is the
//! network walking distance (m) between them, handed in as [`Pair`]s for the
//! pairs within reach. `d0` is the catchment (m) and `W` a distance-decay
//! weight ([`Decay`]).
//!
//! # Two-step floating catchment (Luo & Wang 2003; Luo & Qi 2009; Dai 2010)
//!
//! ```text
//! step 1:  R_j = S_j / sum_k P_k W(d_kj)      over pairs with d_kj <= d0
//!          R_j = 0 when that sum is 0 (no demand in reach)
//! step 2:  A_i = sum_j R_j W(d_ij)             over pairs with d_ij <= d0
//! ```
//!
//! `R_j` is supply per weighted resident (m2 per person); `A_i` is the
//! accessibility of community `i` in the same unit. A community with no
//! facility in reach gets `A_i = 0` (PySAL `access` returns NaN there; this
//! module does not). A facility with no demand in reach has `R_j = 0` and
//! contributes nothing. With the plain step decay every unit of supply that
//! has demand in reach is handed out exactly once:
//! `sum_i P_i A_i = sum_{j : demand in reach} S_j`.
//!
//! Decay functions `W(d)` (all 0 beyond the catchment `d0`):
//!
//! ```text
//! Step     (2SFCA):   W = 1                                    d <= d0
//! Stepped  (E2SFCA):  W = w_z for the first zone z with b_z >= d
//!                     default zones (Luo & Qi 2009 style): d0/3 -> 1.00,
//!                     2 d0/3 -> 0.68, d0 -> 0.22
//! Gaussian (Dai 2010): W = (exp(-(d/d0)^2 / 2) - exp(-1/2)) / (1 - exp(-1/2))
//!                                                              d <= d0
//! ```
//!
//! Determinism: `two_step` sorts a copy of the pairs by (facility,
//! community) and accumulates every sum in that order, so the result is
//! bit-identical for any input pair order and any rayon thread count.
//!
//! # Equity summaries
//!
//! With values `x_i` (per-capita access) and weights `w_i` (population),
//! `W = sum w_i`:
//!
//! ```text
//! weighted mean   = sum w_i x_i / W                          (0 when W = 0)
//! share below t   = sum_{x_i < t} w_i / W                    (0 when W = 0)
//! Gini            = 1 - sum_m (p_m - p_{m-1}) (L_m + L_{m-1})
//! ```
//!
//! For the Gini, entries are sorted by value ascending and the weighted
//! Lorenz curve is traced through the points `(p_m, L_m)`: `p_m` is the
//! cumulative population share and `L_m = sum_{k <= m} w_k x_k / sum w x` the
//! cumulative share of the total; `p_0 = L_0 = 0`. The trapezoids give twice
//! the area under the curve, so `G = 1 - 2 * area` (0 = everybody has the same
//! per-capita value; `(n-1)/n` when one of `n` equally weighted entries holds
//! everything). This equals the pairwise form
//! `sum_i sum_j w_i w_j |x_i - x_j| / (2 W sum w x)`.
//!
//! # Per-capita area
//!
//! [`per_capita_by_unit`] sums outdoor and indoor area and population per
//! administrative unit and for the whole area; per-person figures compare
//! with the targets in DOMAIN.md (>= 0.3 m2 outdoor or >= 0.1 m2 indoor per
//! person in new residential areas; whole-city figures around 2-3 m2).

use std::borrow::Cow;
use std::cmp::Ordering;

use rayon::prelude::*;

use crate::model::UnitIx;

/// Distance decay for the floating catchment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decay {
    /// Plain 2SFCA: weight 1 within the catchment, 0 beyond.
    Step,
    /// E2SFCA: `(upper bound m, weight)` zones in ascending order of bound;
    /// a distance takes the weight of the first zone whose bound is `>= d`.
    Stepped {
        /// `(upper bound in metres, weight)` per zone.
        zones: Vec<(f64, f64)>,
    },
    /// Gaussian decay in the form of Dai (2010), reaching 0 at `catchment_m`.
    Gaussian {
        /// The catchment, metres: the weight is 0 from here on.
        catchment_m: f64,
    },
}

impl Decay {
    /// Weight for a walking distance `d_m`. Every decay is 0 beyond
    /// `catchment_m` and for a NaN distance.
    ///
    /// - `Step`: 1 when `d_m <= catchment_m`.
    /// - `Stepped`: the weight of the first zone with `bound >= d_m`; 0 beyond
    ///   the last zone.
    /// - `Gaussian { catchment_m: d0 }`:
    ///   `(exp(-0.5 (d/d0)^2) - exp(-0.5)) / (1 - exp(-0.5))` for
    ///   `d <= d0` (1 at 0, exactly 0 at `d0`), 0 beyond `d0` (and beyond the
    ///   `catchment_m` argument, when that is smaller).
    pub(crate) fn weight(&self, d_m: f64, catchment_m: f64) -> f64 {
        // A NaN distance fails every `<=` below and so gets weight 0.
        let in_reach = d_m <= catchment_m;
        match self {
            _ if !in_reach => 0.0,
            Decay::Step => 1.0,
            Decay::Stepped { zones } => zones
                .iter()
                .find(|(bound, _)| *bound >= d_m)
                .map_or(0.0, |&(_, w)| w),
            Decay::Gaussian { catchment_m: d0 } if d_m <= *d0 => {
                let e = (-0.5f64).exp();
                let r = d_m / d0;
                ((-0.5 * r * r).exp() - e) / (1.0 - e)
            }
            Decay::Gaussian { .. } => 0.0,
        }
    }

    /// E2SFCA zones at 1/3, 2/3 and all of the catchment with weights 1.00,
    /// 0.68 and 0.22, in the style of Luo & Qi (2009), who used these weights
    /// for 0-10, 10-20 and 20-30 minute travel-time zones.
    pub(crate) fn default_e2sfca(catchment_m: f64) -> Decay {
        Decay::Stepped {
            zones: vec![
                (catchment_m / 3.0, 1.0),
                (catchment_m * 2.0 / 3.0, 0.68),
                (catchment_m, 0.22),
            ],
        }
    }
}

/// A facility-community pair with its walking distance (m). Indices are into
/// the `supply` and `population` slices given to `two_step`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pair {
    /// Index of the facility in the supply slice.
    pub facility: u32,
    /// Index of the community in the population slice.
    pub community: u32,
    /// Walking distance from the community to the facility, metres.
    pub dist_m: f64,
}

/// Result of `two_step`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TwoStep {
    /// Per facility: supply / weighted demand in reach (`R_j`), 0 when no
    /// demand is in reach.
    pub ratio: Vec<f64>,
    /// Per community: accessibility `A_i`, supply units (m2 or capacity) per
    /// person; 0 when no facility is in reach.
    pub access: Vec<f64>,
}

/// Total order on pairs: facility, community, then distance (`total_cmp`).
fn cmp_pair(a: &Pair, b: &Pair) -> Ordering {
    a.facility
        .cmp(&b.facility)
        .then(a.community.cmp(&b.community))
        .then(a.dist_m.total_cmp(&b.dist_m))
}

/// Two-step floating catchment (see the module docs for the formulas).
///
/// `supply[j]` is facility `j`'s supply, `population[k]` community `k`'s
/// residents; `pairs` lists the walking distances within reach (pairs beyond
/// `catchment_m` are allowed and get weight 0). Should the same
/// (facility, community) appear more than once, only the shortest distance
/// counts. Population terms with weight 0 are skipped, so a community beyond
/// the catchment never affects a ratio.
///
/// Sums run over a sorted copy of the pairs in (facility, community) order,
/// in parallel over facilities (step 1) and communities (step 2); the result
/// does not depend on the order of `pairs` or the number of threads.
///
/// # Panics
/// If a pair's facility index is `>= supply.len()` or its community index is
/// `>= population.len()`.
#[cfg(test)]
pub(crate) fn two_step(
    supply: &[f64],
    population: &[f64],
    pairs: &[Pair],
    decay: &Decay,
    catchment_m: f64,
) -> TwoStep {
    two_step_many(&[supply], population, pairs, decay, catchment_m)
        .pop()
        .expect("one supply in, one result out")
}

/// `two_step` for several supply vectors over the same facilities,
/// communities and pairs (e.g. outdoor area, indoor area, and total area
/// with the facilities closed in a time window set to 0): the sort, the
/// weights and the demand in reach of each facility are worked out once.
/// Each result is bit-identical to its own `two_step` call; a facility
/// with supply 0 adds exactly 0 to every access, so zeroing a facility's
/// supply gives the same figures as leaving its pairs out (its demand does
/// not depend on the other facilities).
///
/// # Panics
/// If a supply vector's length differs from the first one's, or as
/// `two_step`.
pub(crate) fn two_step_many(
    supplies: &[&[f64]],
    population: &[f64],
    pairs: &[Pair],
    decay: &Decay,
    catchment_m: f64,
) -> Vec<TwoStep> {
    let nf = check_indices(supplies, population.len(), pairs);
    let nc = population.len();
    let sorted = sorted_pairs(pairs);
    let sorted: &[Pair] = &sorted;
    // The weight of pair k, worked out where it is used (twice) rather
    // than kept: 8 bytes per pair less at the peak of a metropolis.
    let weight = |k: usize| decay.weight(sorted[k].dist_m, catchment_m);
    // Facility f's pairs are sorted[fstart[f]..fstart[f + 1]].
    let fstart = group_starts(nf, sorted.iter().map(|p| p.facility as usize));
    let ratios = supply_ratios(supplies, population, sorted, &weight, &fstart);
    let (cstart, by_community) = regroup_by_community(sorted, nc);
    let ns = supplies.len();
    if ns == 0 {
        return Vec::new();
    }
    // Step 2: A_i = sum_j R_j W(d_ij), facility order within i, every
    // supply in the same pass.
    let mut flat = vec![0.0; nc * ns];
    flat.par_chunks_mut(ns).enumerate().for_each(|(c, a)| {
        for &k in &by_community[cstart[c]..cstart[c + 1]] {
            let w = weight(k as usize);
            if w > 0.0 {
                let f = sorted[k as usize].facility as usize;
                for (x, r) in a.iter_mut().zip(&ratios) {
                    *x += r[f] * w;
                }
            }
        }
    });
    ratios
        .into_iter()
        .enumerate()
        .map(|(i, ratio)| TwoStep {
            ratio,
            access: flat.iter().skip(i).step_by(ns).copied().collect(),
        })
        .collect()
}

/// The number of facilities; panics when the supply vectors differ in
/// length or a pair's index is out of range.
fn check_indices(supplies: &[&[f64]], nc: usize, pairs: &[Pair]) -> usize {
    let nf = supplies.first().map_or(0, |s| s.len());
    assert!(
        supplies.iter().all(|s| s.len() == nf),
        "supply vectors differ in length"
    );
    for p in pairs {
        assert!(
            (p.facility as usize) < nf,
            "pair facility index {} out of range ({nf} facilities)",
            p.facility
        );
        assert!(
            (p.community as usize) < nc,
            "pair community index {} out of range ({nc} communities)",
            p.community
        );
    }
    nf
}

/// The pairs in (facility, community) order without repeats. Pairs from
/// the coverage searches come grouped by facility and sorted by community
/// without duplicates: they are used as they are.
fn sorted_pairs(pairs: &[Pair]) -> Cow<'_, [Pair]> {
    let in_order = pairs
        .windows(2)
        .all(|w| (w[0].facility, w[0].community) < (w[1].facility, w[1].community));
    if in_order {
        return Cow::Borrowed(pairs);
    }
    let mut v = pairs.to_vec();
    // Total order on every field, so an unstable sort is deterministic.
    v.par_sort_unstable_by(cmp_pair);
    // Keep the first (shortest) of duplicate (facility, community) pairs.
    v.dedup_by(|b, a| a.facility == b.facility && a.community == b.community);
    Cow::Owned(v)
}

/// Where each of `n` groups starts in a list whose items belong to the
/// groups `keys` (one more entry than groups: the last is the length).
fn group_starts(n: usize, keys: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut start = vec![0usize; n + 1];
    for k in keys {
        start[k + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    start
}

/// Step 1: per supply vector, R_j = S_j / sum_k P_k W(d_kj) (community
/// order within j; 0 with no demand in reach).
fn supply_ratios(
    supplies: &[&[f64]],
    population: &[f64],
    sorted: &[Pair],
    weight: &(dyn Fn(usize) -> f64 + Sync),
    fstart: &[usize],
) -> Vec<Vec<f64>> {
    let demand: Vec<f64> = (0..fstart.len() - 1)
        .into_par_iter()
        .map(|f| {
            let mut demand = 0.0;
            for k in fstart[f]..fstart[f + 1] {
                let w = weight(k);
                if w > 0.0 {
                    demand += population[sorted[k].community as usize] * w;
                }
            }
            demand
        })
        .collect();
    supplies
        .iter()
        .map(|supply| {
            supply
                .iter()
                .zip(&demand)
                .map(|(s, d)| if *d > 0.0 { s / d } else { 0.0 })
                .collect()
        })
        .collect()
}

/// The sorted pairs regrouped by community with a stable counting sort:
/// community c's pairs are `by_community[cstart[c]..cstart[c + 1]]`
/// (indices into `sorted`, 4 bytes each), in ascending facility order.
///
/// # Panics
/// With more than `u32::MAX` pairs.
fn regroup_by_community(sorted: &[Pair], nc: usize) -> (Vec<usize>, Vec<u32>) {
    let cstart = group_starts(nc, sorted.iter().map(|p| p.community as usize));
    let mut next = cstart.clone();
    let mut by_community = vec![0u32; sorted.len()];
    for (k, p) in sorted.iter().enumerate() {
        let c = p.community as usize;
        by_community[next[c]] = u32::try_from(k).expect("at most u32::MAX pairs");
        next[c] += 1;
    }
    (cstart, by_community)
}

fn check_lengths(values: &[f64], weights: &[f64]) {
    assert_eq!(
        values.len(),
        weights.len(),
        "values and weights differ in length"
    );
}

/// Weighted mean `sum w x / sum w`; 0 when the total weight is 0.
///
/// # Panics
/// If the slices differ in length.
pub(crate) fn weighted_mean(values: &[f64], weights: &[f64]) -> f64 {
    check_lengths(values, weights);
    let mut total_w = 0.0;
    let mut total_wx = 0.0;
    for (&x, &w) in values.iter().zip(weights) {
        if w != 0.0 {
            total_w += w;
            total_wx += w * x;
        }
    }
    if total_w == 0.0 {
        0.0
    } else {
        total_wx / total_w
    }
}

/// Population-weighted Gini coefficient of non-negative per-capita values
/// from the weighted Lorenz curve (formula in the module docs): 0 when all
/// values are equal, towards 1 when one entry holds everything.
///
/// Entries with weight `<= 0` are ignored. Equal values are merged into one
/// Lorenz segment (which does not change the result) and the curve ends
/// exactly at (1, 1), so equal values give exactly 0. Returns 0 when the
/// total weight or the total `sum w x` is not positive; the result is
/// clamped to [0, 1] to absorb rounding.
///
/// # Panics
/// If the slices differ in length.
pub(crate) fn gini(values: &[f64], weights: &[f64]) -> f64 {
    check_lengths(values, weights);
    let mut entries: Vec<(f64, f64)> = values
        .iter()
        .zip(weights)
        .filter(|(_, w)| **w > 0.0)
        .map(|(&x, &w)| (x, w))
        .collect();
    entries.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let total_w: f64 = entries.iter().map(|e| e.1).sum();
    let total_wx: f64 = entries.iter().map(|e| e.0 * e.1).sum();
    if !(total_w > 0.0 && total_wx > 0.0) {
        return 0.0;
    }

    let mut cum_w = 0.0;
    let mut cum_wx = 0.0;
    let (mut p_prev, mut l_prev) = (0.0, 0.0);
    let mut twice_area = 0.0;
    let mut i = 0;
    while i < entries.len() {
        // One Lorenz point per distinct value.
        let x = entries[i].0;
        while i < entries.len() && entries[i].0 == x {
            cum_w += entries[i].1;
            cum_wx += entries[i].0 * entries[i].1;
            i += 1;
        }
        let (p, l) = if i == entries.len() {
            (1.0, 1.0)
        } else {
            (cum_w / total_w, cum_wx / total_wx)
        };
        twice_area += (p - p_prev) * (l + l_prev);
        p_prev = p;
        l_prev = l;
    }
    (1.0 - twice_area).clamp(0.0, 1.0)
}

/// Population and sports area of one unit (or the whole area).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PerCapita {
    /// Residents (people).
    pub population: f64,
    /// Outdoor sports land (m2).
    pub outdoor_m2: f64,
    /// Indoor sports floor area (m2).
    pub indoor_m2: f64,
}

impl PerCapita {
    fn per_person(&self, area: f64) -> f64 {
        if self.population == 0.0 {
            0.0
        } else {
            area / self.population
        }
    }

    /// The per-person figures mean something: the area has residents.
    /// Without any, they are "not applicable" (not 0, and no gap).
    pub fn applicable(&self) -> bool {
        self.population > 0.0
    }

    /// Outdoor m2 per person (0 when the population is 0).
    pub fn outdoor_per_person(&self) -> f64 {
        self.per_person(self.outdoor_m2)
    }

    /// Indoor m2 per person (0 when the population is 0).
    pub fn indoor_per_person(&self) -> f64 {
        self.per_person(self.indoor_m2)
    }

    /// Outdoor plus indoor m2 per person (0 when the population is 0).
    pub fn total_per_person(&self) -> f64 {
        self.per_person(self.outdoor_m2 + self.indoor_m2)
    }
}

/// Area and population per unit and for the whole area.
///
/// `facility_unit[j]` is the unit of facility `j` (None: outside every unit),
/// with its `outdoor[j]` and `indoor[j]` m2; `community_unit[k]` and
/// `population[k]` likewise for communities. Returns one [`PerCapita`] per
/// unit (index order) and the whole-area total over all facilities and
/// communities, including those outside every unit. Sums run in input order.
///
/// # Panics
/// If `facility_unit`, `outdoor` and `indoor` differ in length, if
/// `community_unit` and `population` do, or if a unit index is
/// `>= n_units`.
pub(crate) fn per_capita_by_unit(
    n_units: usize,
    facility_unit: &[Option<UnitIx>],
    outdoor: &[f64],
    indoor: &[f64],
    community_unit: &[Option<UnitIx>],
    population: &[f64],
) -> (Vec<PerCapita>, PerCapita) {
    assert_eq!(
        facility_unit.len(),
        outdoor.len(),
        "facility_unit and outdoor differ in length"
    );
    assert_eq!(
        facility_unit.len(),
        indoor.len(),
        "facility_unit and indoor differ in length"
    );
    assert_eq!(
        community_unit.len(),
        population.len(),
        "community_unit and population differ in length"
    );
    let mut units = vec![PerCapita::default(); n_units];
    let mut total = PerCapita::default();
    for (j, unit) in facility_unit.iter().enumerate() {
        total.outdoor_m2 += outdoor[j];
        total.indoor_m2 += indoor[j];
        if let Some(u) = unit.map(UnitIx::get) {
            assert!(
                u < n_units,
                "facility unit index {u} out of range ({n_units} units)"
            );
            units[u].outdoor_m2 += outdoor[j];
            units[u].indoor_m2 += indoor[j];
        }
    }
    for (k, unit) in community_unit.iter().enumerate() {
        total.population += population[k];
        if let Some(u) = unit.map(UnitIx::get) {
            assert!(
                u < n_units,
                "community unit index {u} out of range ({n_units} units)"
            );
            units[u].population += population[k];
        }
    }
    (units, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    fn pair(facility: u32, community: u32, dist_m: f64) -> Pair {
        Pair {
            facility,
            community,
            dist_m,
        }
    }

    /// The worked example: S = [1000, 600], P = [100, 200, 300], catchment
    /// 1000 m; f0-c0 200 m, f0-c1 500 m, f0-c2 1200 m (outside), f1-c1 800 m,
    /// f1-c2 300 m.
    fn example() -> (Vec<f64>, Vec<f64>, Vec<Pair>) {
        (
            vec![1000.0, 600.0],
            vec![100.0, 200.0, 300.0],
            vec![
                pair(1, 2, 300.0),
                pair(0, 1, 500.0),
                pair(0, 2, 1200.0),
                pair(1, 1, 800.0),
                pair(0, 0, 200.0),
            ],
        )
    }

    fn gauss(d: f64) -> f64 {
        let e = (-0.5f64).exp();
        ((-0.5 * (d / 1000.0) * (d / 1000.0)).exp() - e) / (1.0 - e)
    }

    #[test]
    fn step_weights_at_boundaries() {
        let d = Decay::Step;
        assert_eq!(d.weight(0.0, 1000.0), 1.0);
        assert_eq!(d.weight(1000.0, 1000.0), 1.0);
        assert_eq!(d.weight(1000.000001, 1000.0), 0.0);
        assert_eq!(d.weight(f64::NAN, 1000.0), 0.0);
        assert_eq!(d.weight(f64::INFINITY, 1000.0), 0.0);
    }

    #[test]
    fn stepped_weights_at_boundaries() {
        let d = Decay::default_e2sfca(900.0);
        assert_eq!(
            d,
            Decay::Stepped {
                zones: vec![(300.0, 1.0), (600.0, 0.68), (900.0, 0.22)]
            }
        );
        assert_eq!(d.weight(0.0, 900.0), 1.0);
        assert_eq!(d.weight(300.0, 900.0), 1.0);
        assert_eq!(d.weight(300.5, 900.0), 0.68);
        assert_eq!(d.weight(600.0, 900.0), 0.68);
        assert_eq!(d.weight(600.5, 900.0), 0.22);
        assert_eq!(d.weight(900.0, 900.0), 0.22);
        assert_eq!(d.weight(900.5, 900.0), 0.0);
        assert_eq!(d.weight(f64::NAN, 900.0), 0.0);
        // Zones reaching past the catchment are cut at the catchment.
        assert_eq!(d.weight(700.0, 650.0), 0.0);
        // Beyond the last zone but inside the catchment: 0.
        let short = Decay::Stepped {
            zones: vec![(100.0, 1.0)],
        };
        assert_eq!(short.weight(100.0, 1000.0), 1.0);
        assert_eq!(short.weight(150.0, 1000.0), 0.0);
    }

    #[test]
    fn gaussian_weights_at_boundaries() {
        let d = Decay::Gaussian {
            catchment_m: 1000.0,
        };
        assert_eq!(d.weight(0.0, 1000.0), 1.0);
        assert_eq!(d.weight(1000.0, 1000.0), 0.0);
        assert_eq!(d.weight(1000.5, 1000.0), 0.0);
        assert_eq!(d.weight(5000.0, 1000.0), 0.0);
        assert_eq!(d.weight(f64::NAN, 1000.0), 0.0);
        // exp(-0.02) = 0.98019867; (0.98019867 - 0.60653066) / 0.39346934
        assert!(close(d.weight(200.0, 1000.0), 0.949_675_045_382_740_5));
        // Monotone decreasing inside the catchment.
        let mut prev = 1.0;
        for i in 1..=100 {
            let w = d.weight(i as f64 * 10.0, 1000.0);
            assert!(w < prev && w >= 0.0);
            prev = w;
        }
        // A smaller catchment argument cuts the curve.
        assert_eq!(d.weight(600.0, 500.0), 0.0);
    }

    #[test]
    fn two_step_step_by_hand() {
        let (s, p, pairs) = example();
        let r = two_step(&s, &p, &pairs, &Decay::Step, 1000.0);
        // f0 reaches c0 and c1 (c2 at 1200 m is outside): demand 100 + 200 = 300,
        //   R0 = 1000 / 300 = 3.333...
        // f1 reaches c1 and c2: demand 200 + 300 = 500, R1 = 600 / 500 = 1.2
        assert!(close(r.ratio[0], 1000.0 / 300.0));
        assert!(close(r.ratio[1], 1.2));
        // A0 = R0 = 3.333..., A1 = R0 + R1 = 4.5333..., A2 = R1 = 1.2
        assert!(close(r.access[0], 1000.0 / 300.0));
        assert!(close(r.access[1], 1000.0 / 300.0 + 1.2));
        assert!(close(r.access[2], 1.2));
        // Conservation: 100 * 3.333 + 200 * 4.533 + 300 * 1.2 = 1600 = 1000 + 600.
        let handed_out: f64 = p.iter().zip(&r.access).map(|(p, a)| p * a).sum();
        assert!(close(handed_out, 1600.0));
    }

    #[test]
    fn two_step_gaussian_by_hand() {
        let (s, p, pairs) = example();
        let decay = Decay::Gaussian {
            catchment_m: 1000.0,
        };
        let r = two_step(&s, &p, &pairs, &decay, 1000.0);
        // W(200) = 0.9496750454, W(500) = 0.7013665732, W(800) = 0.3040093982,
        // W(300) = 0.8881678605, W(1200) = 0.
        // f0 demand: 100 * 0.9496750454 + 200 * 0.7013665732 = 235.2408191861
        //   R0 = 1000 / 235.2408191861 = 4.2509629216
        // f1 demand: 200 * 0.3040093982 + 300 * 0.8881678605 = 327.2522377838
        //   R1 = 600 / 327.2522377838 = 1.8334481196
        let r0 = 1000.0 / (100.0 * gauss(200.0) + 200.0 * gauss(500.0));
        let r1 = 600.0 / (200.0 * gauss(800.0) + 300.0 * gauss(300.0));
        assert!(close(r.ratio[0], r0));
        assert!(close(r.ratio[1], r1));
        assert!(close(r.ratio[0], 4.250_962_921_571_032));
        assert!(close(r.ratio[1], 1.833_448_119_601_289_5));
        // A0 = R0 W(200) = 4.0370334055
        // A1 = R0 W(500) + R1 W(800) = 2.9814773 + 0.5573875 = 3.5388687568
        // A2 = R1 W(300) = 1.6284096937
        assert!(close(r.access[0], r0 * gauss(200.0)));
        assert!(close(r.access[1], r0 * gauss(500.0) + r1 * gauss(800.0)));
        assert!(close(r.access[2], r1 * gauss(300.0)));
        assert!(close(r.access[0], 4.037_033_405_463_317));
        assert!(close(r.access[1], 3.538_868_756_786_519_6));
        assert!(close(r.access[2], 1.628_409_693_654_548));
    }

    #[test]
    fn two_step_e2sfca_by_hand() {
        let (s, p, pairs) = example();
        let r = two_step(&s, &p, &pairs, &Decay::default_e2sfca(1000.0), 1000.0);
        // Zones: <= 333.3 m -> 1, <= 666.7 m -> 0.68, <= 1000 m -> 0.22.
        // f0: 100 * 1 (200 m) + 200 * 0.68 (500 m) = 236, R0 = 1000 / 236
        // f1: 200 * 0.22 (800 m) + 300 * 1 (300 m) = 344, R1 = 600 / 344
        let r0 = 1000.0 / 236.0;
        let r1 = 600.0 / 344.0;
        assert!(close(r.ratio[0], r0));
        assert!(close(r.ratio[1], r1));
        // A0 = R0, A1 = 0.68 R0 + 0.22 R1 = 3.2650768624, A2 = R1
        assert!(close(r.access[0], r0));
        assert!(close(r.access[1], 0.68 * r0 + 0.22 * r1));
        assert!(close(r.access[1], 3.265_076_862_435_948));
        assert!(close(r.access[2], r1));
    }

    #[test]
    fn two_step_edge_cases() {
        // c2 reaches nothing; f1 reaches only c1, whose population is 0;
        // f2 has no pairs at all.
        let s = [500.0, 300.0, 700.0];
        let p = [50.0, 0.0, 80.0];
        let pairs = [pair(0, 0, 100.0), pair(1, 1, 100.0), pair(0, 2, 2000.0)];
        let r = two_step(&s, &p, &pairs, &Decay::Step, 1000.0);
        assert_eq!(r.ratio, vec![10.0, 0.0, 0.0]);
        assert_eq!(r.access, vec![10.0, 0.0, 0.0]);
        assert!(r.access.iter().all(|a| !a.is_nan()));
        // Nothing at all.
        let r = two_step(&[], &[], &[], &Decay::Step, 1000.0);
        assert!(r.ratio.is_empty() && r.access.is_empty());
    }

    #[test]
    fn duplicate_pairs_keep_the_shortest() {
        let s = [1000.0];
        let p = [100.0, 100.0];
        let once = two_step(
            &s,
            &p,
            &[pair(0, 0, 100.0), pair(0, 1, 900.0)],
            &Decay::default_e2sfca(1000.0),
            1000.0,
        );
        let dup = two_step(
            &s,
            &p,
            &[
                pair(0, 1, 900.0),
                pair(0, 0, 700.0),
                pair(0, 0, 100.0),
                pair(0, 1, 1500.0),
            ],
            &Decay::default_e2sfca(1000.0),
            1000.0,
        );
        assert_eq!(once, dup);
    }

    #[test]
    #[should_panic(expected = "community index")]
    fn two_step_rejects_bad_index() {
        two_step(&[1.0], &[1.0], &[pair(0, 1, 10.0)], &Decay::Step, 1000.0);
    }

    #[test]
    fn gini_by_hand() {
        // Equal values: 0 (exactly, whatever the weights).
        assert_eq!(gini(&[2.5; 7], &[1.0, 3.0, 0.7, 9.0, 2.0, 5.5, 1.1]), 0.0);
        assert_eq!(gini(&[0.1; 3], &[1.0; 3]), 0.0);
        // All to one of n equal weights: (n - 1) / n.
        for n in 1..=10usize {
            let mut v = vec![0.0; n];
            v[n / 2] = 42.0;
            let g = gini(&v, &vec![3.0; n]);
            assert!(close(g, (n as f64 - 1.0) / n as f64), "n={n}: {g}");
        }
        // Weighted: x = [1, 2, 4], w = [1, 2, 1]; W = 4, sum w x = 9.
        // Lorenz points: p = 0.25, 0.75, 1; L = 1/9, 5/9, 1.
        // 2 * area = 0.25 * (1/9) + 0.5 * (1/9 + 5/9) + 0.25 * (5/9 + 1)
        //          = (0.25 + 3 + 3.5) / 9 = 0.75, G = 1 - 0.75 = 0.25.
        // Pairwise check: sum_{i<j} w w |dx| = 2 + 3 + 4 = 9, G = 2 * 9 / (2 * 4 * 9).
        assert!(close(gini(&[4.0, 1.0, 2.0], &[1.0, 1.0, 2.0]), 0.25));
        // Zero weights are ignored; zero totals give 0.
        assert!(close(
            gini(&[4.0, 1.0, 2.0, 99.0], &[1.0, 1.0, 2.0, 0.0]),
            0.25
        ));
        assert_eq!(gini(&[1.0, 2.0], &[0.0, 0.0]), 0.0);
        assert_eq!(gini(&[0.0, 0.0], &[1.0, 2.0]), 0.0);
        assert_eq!(gini(&[], &[]), 0.0);
    }

    #[test]
    fn means_and_shares() {
        let v = [1.0, 2.0, 4.0];
        let w = [1.0, 2.0, 1.0];
        assert!(close(weighted_mean(&v, &w), 9.0 / 4.0));
        assert_eq!(weighted_mean(&v, &[0.0; 3]), 0.0);
        assert_eq!(weighted_mean(&[], &[]), 0.0);
    }

    fn units_of(u: &[Option<usize>]) -> Vec<Option<UnitIx>> {
        u.iter().map(|u| u.map(UnitIx::new)).collect()
    }

    #[test]
    fn per_capita_units() {
        // Two units; facility 2 and community 3 lie outside both.
        let (units, total) = per_capita_by_unit(
            2,
            &units_of(&[Some(0), Some(1), None, Some(0)]),
            &[800.0, 420.0, 10000.0, 0.0],
            &[0.0, 0.0, 0.0, 2000.0],
            &units_of(&[Some(0), Some(0), Some(1), None]),
            &[3000.0, 1000.0, 2000.0, 5000.0],
        );
        assert_eq!(
            units[0],
            PerCapita {
                population: 4000.0,
                outdoor_m2: 800.0,
                indoor_m2: 2000.0
            }
        );
        assert!(close(units[0].outdoor_per_person(), 0.2));
        assert!(close(units[0].indoor_per_person(), 0.5));
        assert!(close(units[0].total_per_person(), 0.7));
        assert!(close(units[1].outdoor_per_person(), 0.21));
        assert_eq!(units[1].indoor_per_person(), 0.0);
        assert_eq!(
            total,
            PerCapita {
                population: 11000.0,
                outdoor_m2: 11220.0,
                indoor_m2: 2000.0
            }
        );
        assert!(close(total.total_per_person(), 13220.0 / 11000.0));
        // A unit with no residents reports 0 per person.
        let (units, _) = per_capita_by_unit(1, &units_of(&[Some(0)]), &[5.0], &[1.0], &[], &[]);
        assert_eq!(units[0].outdoor_per_person(), 0.0);
        assert_eq!(units[0].total_per_person(), 0.0);
    }
}
