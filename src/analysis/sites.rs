//! Site suggestion: where would `k` new facilities newly cover the most
//! residents who are not covered yet? This is the maximal covering location
//! problem (Church & ReVelle 1974) on a fixed list of candidate sites.
//!
//! Pure functions, no IO, no graph searches. The caller hands in
//!
//! * `population[c]`: residents (people) of community `c`, finite and `>= 0`;
//!   `n_communities = population.len()`;
//! * `covered[c]`: `true` when community `c` is already within the walk of an
//!   existing facility, so covering it again is worth 0;
//! * `cover_sets[j]`: the communities candidate site `j` would cover within the
//!   walk (computed by the caller with network searches), sorted ascending
//!   without duplicates, every index `< n_communities`;
//! * `k`: how many new sites to suggest.
//!
//! The value of a set `S` of sites is the population of the communities that
//! are not `covered` and lie in at least one `cover_sets[j]`, `j in S`.
//!
//! # Solvers
//!
//! * [`lazy_greedy`]: the one to use. Minoux's (1978) accelerated greedy.
//! * [`plain_greedy`]: the textbook greedy, `O(k * total set size)`; the
//!   reference `lazy_greedy` is tested against.
//! * [`exhaustive_best`]: the exact optimum by brute force over every
//!   `k`-subset; for tests and tiny instances only.
//!
//! Both greedy solvers return the same ranked [`Pick`]s, bit for bit. Picks are
//! nested: the first `j` picks of a run with `k` are the answer for `j`, so
//! the list reads as "build these, in this order".
//!
//! # How good is greedy?
//!
//! The covered population is a monotone submodular function of the chosen
//! set, so greedy newly covers at least `(1 - 1/e) ~ 63.2 %` of what the best
//! possible choice of `k` candidates would newly cover (Nemhauser, Wolsey &
//! Fisher 1978). For users: the suggested sites are guaranteed to reach at
//! least about two thirds of the residents the optimal `k` sites from the same
//! candidate list would reach; on real instances greedy is usually within a
//! few percent of optimal, or optimal. The guarantee is relative to the
//! candidate list and the cover sets handed in; it says nothing about sites
//! that are not candidates. No polynomial algorithm can guarantee better than
//! `1 - 1/e` unless P = NP (Feige 1998), and the exact optimum
//! ([`exhaustive_best`]) costs `C(m, k)` evaluations for `m` candidates.
//!
//! # Determinism
//!
//! Ties are broken by larger gain first, then lower candidate index. A gain is
//! always summed the same way (the uncovered communities of one cover set, in
//! ascending index order), so results do not depend on the rayon thread count.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use rayon::prelude::*;

/// One suggested site.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    /// Index into `cover_sets`.
    pub candidate: u32,
    /// 1-based position in the greedy order.
    pub rank: u32,
    /// Residents (people) this site covers that neither the existing
    /// facilities nor the earlier picks cover.
    pub newly_covered_population: f64,
    /// Communities this site newly covers (including zero-population ones).
    pub newly_covered_communities: u32,
    /// Newly covered residents of picks `1..=rank` together (people).
    pub cumulative_population: f64,
}

/// A candidate with a gain; ordered by gain, then by lower candidate index
/// (the lower index is the greater entry, so it wins ties in a max-heap).
/// Gains are finite and `>= 0`, so `total_cmp` is the numeric order.
#[derive(Debug, Clone, Copy)]
struct Entry {
    gain: f64,
    candidate: u32,
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.gain
            .total_cmp(&other.gain)
            .then_with(|| other.candidate.cmp(&self.candidate))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

/// Checks the preconditions shared by the solvers.
///
/// # Panics
///
/// When `covered` and `population` differ in length, a population is negative
/// or not finite, there are more than `u32::MAX` candidates, or a cover set is
/// not strictly ascending or holds an index `>= population.len()`.
fn validate(population: &[f64], covered: &[bool], cover_sets: &[Vec<u32>]) {
    assert_eq!(
        population.len(),
        covered.len(),
        "sites: population and covered must have one entry per community"
    );
    assert!(
        population.iter().all(|p| p.is_finite() && *p >= 0.0),
        "sites: populations must be finite and >= 0"
    );
    assert!(
        u32::try_from(cover_sets.len()).is_ok(),
        "sites: more than u32::MAX candidates"
    );
    let n = population.len();
    for (j, set) in cover_sets.iter().enumerate() {
        assert!(
            set.windows(2).all(|w| w[0] < w[1]),
            "sites: cover set of candidate {j} is not sorted ascending without duplicates"
        );
        if let Some(&last) = set.last() {
            assert!(
                (last as usize) < n,
                "sites: cover set of candidate {j} names community {last}, only {n} communities"
            );
        }
    }
}

/// Marginal gain of one cover set against the current covered flags: the
/// population of its not-yet-covered communities, summed in ascending index
/// order.
///
/// Floating point keeps this monotone: as more communities become covered,
/// terms are replaced by skipping (adding 0) in the same order, and rounding is
/// monotone, so a recomputed gain is never larger than an earlier one. That is
/// what lets [`lazy_greedy`] use stale gains as exact upper bounds.
fn gain(set: &[u32], population: &[f64], covered: &[bool]) -> f64 {
    let mut sum = 0.0;
    for &c in set {
        if !covered[c as usize] {
            sum += population[c as usize];
        }
    }
    sum
}

/// Marks the cover set of `candidate` covered and returns the pick.
fn take(
    candidate: u32,
    gain: f64,
    cover_sets: &[Vec<u32>],
    covered: &mut [bool],
    picks: &[Pick],
) -> Pick {
    let mut communities = 0u32;
    for &c in &cover_sets[candidate as usize] {
        let flag = &mut covered[c as usize];
        if !*flag {
            *flag = true;
            communities += 1;
        }
    }
    let before = picks.last().map_or(0.0, |p| p.cumulative_population);
    Pick {
        candidate,
        rank: picks.len() as u32 + 1,
        newly_covered_population: gain,
        newly_covered_communities: communities,
        cumulative_population: before + gain,
    }
}

/// Greedy maximal covering with lazy evaluation (Minoux 1978, "accelerated
/// greedy").
///
/// Up to `k` candidates, each the one with the largest marginal gain (newly
/// covered population) given the existing coverage and the earlier picks; ties
/// go to the lower candidate index. Stops early, returning fewer than `k`
/// picks, when no remaining candidate adds anyone (gain 0), e.g. when every
/// reachable resident is covered. See the [module docs](self) for the inputs.
///
/// Quality: within `1 - 1/e ~ 63.2 %` of the optimum over the same candidates
/// (Nemhauser, Wolsey & Fisher 1978): the picks newly cover at least 63.2 % of
/// the residents the best possible `k` candidates would; typically far closer.
///
/// # Algorithm and why it equals [`plain_greedy`]
///
/// All initial gains are computed once (in parallel) and kept in a max-heap
/// as upper bounds. Each step pops the top candidate and recomputes its gain
/// against the current coverage. If that fresh value still ranks at or above
/// the next bound in the heap (gain, then lower index) the candidate is taken;
/// otherwise it is pushed back with the fresh value. Candidates whose gain
/// drops to 0 are discarded for good.
///
/// This is exact, not an approximation of the greedy: covered population is
/// submodular, so a candidate's marginal gain can only shrink as coverage
/// grows, and every bound in the heap is `>=` the true current gain (this holds
/// bit for bit in floating point, see the summation note on the internal
/// `gain`). A fresh value that beats the next bound therefore beats every other
/// candidate's true gain, which is exactly the candidate [`plain_greedy`]
/// would choose, with the same tie-break and the same gain value. Usually only
/// a handful of candidates are re-evaluated per step instead of all of them.
///
/// Cost: one pass over all cover sets, then per pick `O(r (s + log m))` for
/// `r` re-evaluations of sets of size `s`; `m = cover_sets.len()`.
///
/// # Panics
///
/// On inputs that break the preconditions in the [module docs](self):
/// `covered.len() != population.len()`, a negative or non-finite population,
/// an unsorted or duplicated cover set, or a community index out of range.
#[must_use]
pub fn lazy_greedy(
    population: &[f64],
    covered: &[bool],
    cover_sets: &[Vec<u32>],
    k: usize,
) -> Vec<Pick> {
    validate(population, covered, cover_sets);
    let mut covered = covered.to_vec();
    let mut picks = Vec::with_capacity(k.min(cover_sets.len()));
    if k == 0 {
        return picks;
    }
    let initial: Vec<f64> = cover_sets
        .par_iter()
        .map(|set| gain(set, population, &covered))
        .collect();
    let mut heap: BinaryHeap<Entry> = initial
        .into_iter()
        .enumerate()
        .filter(|&(_, g)| g > 0.0)
        .map(|(j, g)| Entry {
            gain: g,
            candidate: j as u32,
        })
        .collect();
    while picks.len() < k {
        let Some(top) = heap.pop() else { break };
        let fresh = Entry {
            gain: gain(&cover_sets[top.candidate as usize], population, &covered),
            candidate: top.candidate,
        };
        if fresh.gain <= 0.0 {
            // Gains only shrink: this candidate can never add anyone again.
            continue;
        }
        if heap.peek().is_some_and(|next| *next > fresh) {
            heap.push(fresh);
            continue;
        }
        let pick = take(
            fresh.candidate,
            fresh.gain,
            cover_sets,
            &mut covered,
            &picks,
        );
        picks.push(pick);
    }
    picks
}

/// Textbook greedy maximal covering: each step recomputes every remaining
/// candidate's marginal gain and takes the largest (ties: lower candidate
/// index); stops early when the best gain is 0.
///
/// `O(k * total cover set size)`. Same result as [`lazy_greedy`], bit for bit;
/// kept as the reference it is tested against.
///
/// # Panics
///
/// Same as [`lazy_greedy`].
#[must_use]
pub fn plain_greedy(
    population: &[f64],
    covered: &[bool],
    cover_sets: &[Vec<u32>],
    k: usize,
) -> Vec<Pick> {
    validate(population, covered, cover_sets);
    let mut covered = covered.to_vec();
    let mut picked = vec![false; cover_sets.len()];
    let mut picks = Vec::with_capacity(k.min(cover_sets.len()));
    while picks.len() < k {
        let best = cover_sets
            .iter()
            .enumerate()
            .filter(|&(j, _)| !picked[j])
            .map(|(j, set)| Entry {
                gain: gain(set, population, &covered),
                candidate: j as u32,
            })
            .max();
        let Some(best) = best.filter(|b| b.gain > 0.0) else {
            break;
        };
        picked[best.candidate as usize] = true;
        let pick = take(best.candidate, best.gain, cover_sets, &mut covered, &picks);
        picks.push(pick);
    }
    picks
}

/// Exact maximal covering by brute force: the `k`-subset of candidates
/// (`min(k, m)` when `k` exceeds the `m` candidates) with the largest newly
/// covered population, and that population (people). Ties go to the
/// lexicographically smallest subset; the subset is returned ascending.
///
/// Each subset's value is the population of the union of its uncovered
/// communities summed in ascending community order, so subsets with the same
/// union get bit-identical values.
///
/// Cost: `C(m, k)` subsets, each `O(k s log(k s))` for sets of size `s`:
/// about 500 subsets for `m = 12, k = 4`, but 1.2e9 for `m = 100, k = 6`.
/// Meant for tests and tiny instances only. `k = 0` gives `(0.0, [])`.
///
/// # Panics
///
/// Same as [`lazy_greedy`].
#[must_use]
pub fn exhaustive_best(
    population: &[f64],
    covered: &[bool],
    cover_sets: &[Vec<u32>],
    k: usize,
) -> (f64, Vec<u32>) {
    validate(population, covered, cover_sets);
    let m = cover_sets.len();
    let k = k.min(m);
    if k == 0 {
        return (0.0, Vec::new());
    }
    // Stamp per community: the subset number that last collected it.
    let mut stamp = vec![0u64; population.len()];
    let mut union: Vec<u32> = Vec::new();
    let mut subset: Vec<usize> = (0..k).collect();
    let mut best: Option<(f64, Vec<usize>)> = None;
    let mut round = 0u64;
    loop {
        round += 1;
        union.clear();
        for &j in &subset {
            for &c in &cover_sets[j] {
                let ci = c as usize;
                if !covered[ci] && stamp[ci] != round {
                    stamp[ci] = round;
                    union.push(c);
                }
            }
        }
        union.sort_unstable();
        let value: f64 = union.iter().map(|&c| population[c as usize]).sum();
        if best.as_ref().is_none_or(|(b, _)| value > *b) {
            best = Some((value, subset.clone()));
        }
        // Next k-subset in lexicographic order.
        let Some(i) = (0..k).rev().find(|&i| subset[i] < m - k + i) else {
            break;
        };
        subset[i] += 1;
        for t in i + 1..k {
            subset[t] = subset[t - 1] + 1;
        }
    }
    let (value, subset) = best.expect("at least one subset");
    (value, subset.into_iter().map(|j| j as u32).collect())
}

/// Thins `points` (projected metres, e.g. graph nodes) into candidate sites no
/// two of which are closer than `spacing_m`; returns their indices, ascending.
///
/// Greedy in index order: a point is kept unless an already kept point lies
/// strictly within `spacing_m` of it (squared Euclidean distance compared, so
/// a pair exactly `spacing_m` apart is allowed). Kept points are bucketed in a
/// grid of `spacing_m` cells, so only the 3x3 cells around a point are
/// checked; expected `O(n)`. Every dropped point is within `spacing_m` of a
/// kept point with a lower index, so the kept set also covers the input.
/// Deterministic: the result depends only on the input order, not on hashing.
///
/// Points with a non-finite coordinate are skipped. A `spacing_m` that is
/// `<= 0` or NaN keeps every finite point.
///
/// # Panics
///
/// With more than `u32::MAX` points.
#[must_use]
pub fn spaced_candidates(points: &[[f64; 2]], spacing_m: f64) -> Vec<u32> {
    assert!(
        u32::try_from(points.len()).is_ok(),
        "sites: more than u32::MAX points"
    );
    let finite = |p: &[f64; 2]| p[0].is_finite() && p[1].is_finite();
    if spacing_m.is_nan() || spacing_m <= 0.0 {
        return (0..points.len() as u32)
            .filter(|&i| finite(&points[i as usize]))
            .collect();
    }
    let s2 = spacing_m * spacing_m;
    // `as i64` saturates; far-out points share saturated cells, which only
    // adds distance checks, never misses one.
    let cell = |p: &[f64; 2]| {
        (
            (p[0] / spacing_m).floor() as i64,
            (p[1] / spacing_m).floor() as i64,
        )
    };
    let mut grid: HashMap<(i64, i64), Vec<u32>> = HashMap::new();
    let mut kept = Vec::new();
    for (i, p) in points.iter().enumerate() {
        if !finite(p) {
            continue;
        }
        let (cx, cy) = cell(p);
        let too_close = (-1i64..=1).any(|dx| {
            (-1i64..=1).any(|dy| {
                let key = (cx.saturating_add(dx), cy.saturating_add(dy));
                grid.get(&key).is_some_and(|bucket| {
                    bucket.iter().any(|&q| {
                        let q = &points[q as usize];
                        let (ex, ey) = (p[0] - q[0], p[1] - q[1]);
                        ex * ex + ey * ey < s2
                    })
                })
            })
        });
        if !too_close {
            grid.entry((cx, cy)).or_default().push(i as u32);
            kept.push(i as u32);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(pop: &[f64], cov: &[bool], sets: &[Vec<u32>], k: usize) -> Vec<Pick> {
        let lazy = lazy_greedy(pop, cov, sets, k);
        let plain = plain_greedy(pop, cov, sets, k);
        assert_eq!(lazy, plain);
        lazy
    }

    fn cands(picks: &[Pick]) -> Vec<u32> {
        picks.iter().map(|p| p.candidate).collect()
    }

    #[test]
    fn hand_example_order_and_fields() {
        // communities:     0    1    2    3    4
        let pop = [100.0, 50.0, 30.0, 20.0, 10.0];
        let cov = [false; 5];
        let sets = vec![vec![0, 1], vec![1, 2, 3], vec![3, 4], vec![0]];
        let picks = both(&pop, &cov, &sets, 3);
        assert_eq!(cands(&picks), [0, 1, 2]);
        assert_eq!(picks[0].newly_covered_population, 150.0);
        assert_eq!(picks[0].newly_covered_communities, 2);
        assert_eq!(picks[1].newly_covered_population, 50.0); // 2 and 3
        assert_eq!(picks[1].newly_covered_communities, 2);
        assert_eq!(picks[2].newly_covered_population, 10.0); // only 4 left
        assert_eq!(picks[2].newly_covered_communities, 1);
        assert_eq!(
            picks
                .iter()
                .map(|p| p.cumulative_population)
                .collect::<Vec<_>>(),
            [150.0, 200.0, 210.0]
        );
        assert_eq!(picks.iter().map(|p| p.rank).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn pre_covered_communities_are_worth_nothing() {
        let pop = [100.0, 50.0, 30.0];
        let cov = [true, false, false];
        let sets = vec![vec![0], vec![1], vec![0, 2]];
        let picks = both(&pop, &cov, &sets, 3);
        // Candidate 0 covers only an already covered community: never picked.
        assert_eq!(cands(&picks), [1, 2]);
        assert_eq!(picks[1].newly_covered_population, 30.0);
        assert_eq!(picks[1].newly_covered_communities, 1);
    }

    #[test]
    fn ties_go_to_lower_index() {
        let pop = [10.0, 10.0, 10.0];
        let cov = [false; 3];
        let sets = vec![vec![2], vec![0], vec![1], vec![0]];
        let picks = both(&pop, &cov, &sets, 4);
        // All gains 10: 0, 1, 2 in index order; 3 then adds nothing.
        assert_eq!(cands(&picks), [0, 1, 2]);
        let (v, s) = exhaustive_best(&pop, &cov, &sets, 1);
        assert_eq!((v, s), (10.0, vec![0]));
        // Identical sets 1 and 3: the lexicographically smaller subset wins.
        let (v, s) = exhaustive_best(&pop, &cov, &sets, 2);
        assert_eq!((v, s), (20.0, vec![0, 1]));
    }

    #[test]
    fn early_stop_when_nothing_left() {
        let pop = [5.0, 7.0, 0.0];
        let cov = [false; 3];
        let sets = vec![vec![0, 1], vec![1], vec![2], vec![]];
        let picks = both(&pop, &cov, &sets, 10);
        // After candidate 0, only the zero-population community 2 is left.
        assert_eq!(cands(&picks), [0]);
        assert_eq!(picks[0].cumulative_population, 12.0);
        assert!(both(&pop, &[true; 3], &sets, 3).is_empty());
        assert!(both(&pop, &cov, &sets, 0).is_empty());
        assert!(both(&[], &[], &[], 3).is_empty());
    }

    #[test]
    fn zero_population_communities_counted_when_taken() {
        let pop = [0.0, 4.0, 0.0];
        let cov = [false; 3];
        let sets = vec![vec![0, 1, 2]];
        let picks = both(&pop, &cov, &sets, 1);
        assert_eq!(picks[0].newly_covered_population, 4.0);
        assert_eq!(picks[0].newly_covered_communities, 3);
    }

    #[test]
    fn lazy_pushes_back_stale_bounds() {
        // Initial gains: c0 = 10, c1 = 9, c2 = 7. After c0, c1 drops to 4
        // (stale bound 9) while c2 keeps 7: c1 is pushed back, c2 taken.
        let pop = [5.0, 5.0, 4.0, 7.0];
        let cov = [false; 4];
        let sets = vec![vec![0, 1], vec![1, 2], vec![3]];
        let picks = both(&pop, &cov, &sets, 3);
        assert_eq!(cands(&picks), [0, 2, 1]);
        assert_eq!(
            picks
                .iter()
                .map(|p| p.newly_covered_population)
                .collect::<Vec<_>>(),
            [10.0, 7.0, 4.0]
        );
    }

    #[test]
    fn greedy_can_be_suboptimal_exhaustive_finds_optimum() {
        let pop = [1.0; 6];
        let cov = [false; 6];
        let sets = vec![vec![1, 2, 3, 4], vec![0, 1, 2], vec![3, 4, 5]];
        let picks = both(&pop, &cov, &sets, 2);
        assert_eq!(cands(&picks), [0, 1]);
        assert_eq!(picks[1].cumulative_population, 5.0);
        assert_eq!(exhaustive_best(&pop, &cov, &sets, 2), (6.0, vec![1, 2]));
        // k beyond the candidate count: all of them.
        assert_eq!(exhaustive_best(&pop, &cov, &sets, 9), (6.0, vec![0, 1, 2]));
        assert_eq!(exhaustive_best(&pop, &cov, &sets, 0), (0.0, vec![]));
    }

    #[test]
    #[should_panic(expected = "not sorted")]
    fn unsorted_cover_set_panics() {
        let _ = lazy_greedy(&[1.0, 1.0], &[false; 2], &[vec![1, 0]], 1);
    }

    #[test]
    #[should_panic(expected = "only 2 communities")]
    fn out_of_range_community_panics() {
        let _ = plain_greedy(&[1.0, 1.0], &[false; 2], &[vec![0, 2]], 1);
    }

    #[test]
    #[should_panic(expected = "finite and >= 0")]
    fn negative_population_panics() {
        let _ = exhaustive_best(&[1.0, -1.0], &[false; 2], &[vec![0]], 1);
    }

    #[test]
    fn spaced_candidates_on_a_line() {
        let pts = [
            [0.0, 0.0],
            [5.0, 0.0],
            [10.0, 0.0], // exactly the spacing from 0: kept
            [12.0, 0.0],
            [f64::NAN, 0.0],
            [25.0, 0.0],
            [25.0, 9.9],
        ];
        assert_eq!(spaced_candidates(&pts, 10.0), [0, 2, 5]);
        assert_eq!(spaced_candidates(&pts, 0.0), [0, 1, 2, 3, 5, 6]);
        assert_eq!(spaced_candidates(&pts, f64::NAN), [0, 1, 2, 3, 5, 6]);
        assert_eq!(spaced_candidates(&pts, f64::INFINITY), [0]);
        assert!(spaced_candidates(&[], 10.0).is_empty());
    }

    #[test]
    fn spaced_candidates_across_cell_borders_and_negatives() {
        // Points just either side of cell borders, negative coordinates.
        let pts = [
            [-0.1, -0.1],
            [0.1, 0.1],
            [-9.95, 0.0],
            [9.9, -9.9],
            [-20.0, 0.0],
        ];
        // 1 is 0.28 from 0; 2 is 9.85 from 0; 3 is 14.0 from 0; 4 is 19.9.
        assert_eq!(spaced_candidates(&pts, 10.0), [0, 3, 4]);
    }
}
