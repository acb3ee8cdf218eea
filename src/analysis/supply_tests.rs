//! Brute-force oracle for the two-step floating catchment and the equity
//! summaries in `crate::analysis::supply`, on seeded random inputs.

use crate::analysis::supply::{Decay, Pair, gini, two_step, two_step_many, weighted_mean};

use crate::testing::Rng;

struct Case {
    supply: Vec<f64>,
    population: Vec<f64>,
    pairs: Vec<Pair>,
    /// dist[f][c]: the pair's distance, None when there is no pair.
    dist: Vec<Vec<Option<f64>>>,
    catchment: f64,
    decay: Decay,
}

fn random_case(rng: &mut Rng, which: usize) -> Case {
    let nf = rng.below(31); // 0..=30 facilities
    let nc = rng.below(61); // 0..=60 communities
    let catchment = 300.0 + 1200.0 * rng.unit();
    let decay = match which % 3 {
        0 => Decay::Step,
        1 => Decay::default_e2sfca(catchment),
        _ => Decay::Gaussian {
            catchment_m: catchment,
        },
    };
    let supply: Vec<f64> = (0..nf)
        .map(|_| {
            if rng.below(10) == 0 {
                0.0
            } else {
                10.0 + 5000.0 * rng.unit()
            }
        })
        .collect();
    let population: Vec<f64> = (0..nc)
        .map(|_| {
            if rng.below(10) == 0 {
                0.0
            } else {
                (1.0 + 5000.0 * rng.unit()).round()
            }
        })
        .collect();
    let density = rng.unit();
    let mut dist = vec![vec![None; nc]; nf];
    let mut pairs = Vec::new();
    for (f, row) in dist.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            if rng.unit() < density {
                // Distances up to 1.5x the catchment, some exactly on an edge.
                let d = match rng.below(20) {
                    0 => catchment,
                    1 => 0.0,
                    2 => catchment / 3.0,
                    _ => 1.5 * catchment * rng.unit(),
                };
                *cell = Some(d);
                pairs.push(Pair {
                    facility: f as u32,
                    community: c as u32,
                    dist_m: d,
                });
            }
        }
    }
    rng.shuffle(&mut pairs);
    Case {
        supply,
        population,
        pairs,
        dist,
        catchment,
        decay,
    }
}

/// Plain nested loops over the dense distance matrix.
#[allow(clippy::needless_range_loop)]
fn oracle(case: &Case) -> (Vec<f64>, Vec<f64>) {
    let w = |d: f64| case.decay.weight(d, case.catchment);
    let nf = case.supply.len();
    let nc = case.population.len();
    let mut ratio = vec![0.0; nf];
    for f in 0..nf {
        let mut demand = 0.0;
        for c in 0..nc {
            if let Some(d) = case.dist[f][c] {
                if d <= case.catchment {
                    demand += case.population[c] * w(d);
                }
            }
        }
        ratio[f] = if demand > 0.0 {
            case.supply[f] / demand
        } else {
            0.0
        };
    }
    let mut access = vec![0.0; nc];
    for c in 0..nc {
        for f in 0..nf {
            if let Some(d) = case.dist[f][c] {
                if d <= case.catchment {
                    access[c] += ratio[f] * w(d);
                }
            }
        }
    }
    (ratio, access)
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    a == b || (a - b).abs() <= tol * a.abs().max(b.abs())
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

const CASES: usize = 500;
const SEED: u64 = 0x5EED_2F0C_A000_0001;

#[test]
fn two_step_matches_brute_force_oracle() {
    let mut rng = Rng(SEED);
    for i in 0..CASES {
        let case = random_case(&mut rng, i);
        let got = two_step(
            &case.supply,
            &case.population,
            &case.pairs,
            &case.decay,
            case.catchment,
        );
        let (ratio, access) = oracle(&case);
        assert_eq!(got.ratio.len(), ratio.len());
        assert_eq!(got.access.len(), access.len());
        for (f, (a, b)) in got.ratio.iter().zip(&ratio).enumerate() {
            assert!(rel_close(*a, *b, 1e-9), "case {i} facility {f}: {a} vs {b}");
        }
        for (c, (a, b)) in got.access.iter().zip(&access).enumerate() {
            assert!(a.is_finite() && *a >= 0.0, "case {i} community {c}: {a}");
            assert!(
                rel_close(*a, *b, 1e-9),
                "case {i} community {c}: {a} vs {b}"
            );
        }
    }
}

#[test]
fn step_decay_conserves_supply() {
    let mut rng = Rng(SEED ^ 1);
    let mut nontrivial = 0;
    for i in 0..CASES {
        let mut case = random_case(&mut rng, i);
        case.decay = Decay::Step;
        let got = two_step(
            &case.supply,
            &case.population,
            &case.pairs,
            &case.decay,
            case.catchment,
        );
        // sum_i P_i A_i == sum of S_j over facilities with demand in reach.
        let handed_out: f64 = case
            .population
            .iter()
            .zip(&got.access)
            .map(|(p, a)| p * a)
            .sum();
        let mut expected = 0.0;
        for (f, s) in case.supply.iter().enumerate() {
            let demand_in_reach = case
                .population
                .iter()
                .enumerate()
                .any(|(c, p)| *p > 0.0 && case.dist[f][c].is_some_and(|d| d <= case.catchment));
            if demand_in_reach {
                expected += s;
            }
        }
        if expected > 0.0 {
            nontrivial += 1;
        }
        assert!(
            rel_close(handed_out, expected, 1e-9),
            "case {i}: handed out {handed_out}, supply with demand {expected}"
        );
    }
    assert!(
        nontrivial > CASES / 2,
        "only {nontrivial} non-trivial cases"
    );
}

#[test]
fn pair_order_and_thread_count_do_not_matter() {
    let mut rng = Rng(SEED ^ 2);
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("thread pool");
    for i in 0..CASES {
        let case = random_case(&mut rng, i);
        let run = |pairs: &[Pair]| {
            two_step(
                &case.supply,
                &case.population,
                pairs,
                &case.decay,
                case.catchment,
            )
        };
        let base = run(&case.pairs);
        let mut shuffled = case.pairs.clone();
        rng.shuffle(&mut shuffled);
        let again = run(&shuffled);
        assert_eq!(bits(&base.ratio), bits(&again.ratio), "case {i}");
        assert_eq!(bits(&base.access), bits(&again.access), "case {i}");
        if i % 10 == 0 {
            let serial = one_thread.install(|| run(&shuffled));
            assert_eq!(bits(&base.ratio), bits(&serial.ratio), "case {i}");
            assert_eq!(bits(&base.access), bits(&serial.access), "case {i}");
        }
    }
}

#[test]
fn summaries_stay_in_range() {
    let mut rng = Rng(SEED ^ 3);
    for i in 0..CASES {
        let case = random_case(&mut rng, i);
        let got = two_step(
            &case.supply,
            &case.population,
            &case.pairs,
            &case.decay,
            case.catchment,
        );
        let (v, w) = (&got.access, &case.population);
        let g = gini(v, w);
        assert!((0.0..=1.0).contains(&g), "case {i}: gini {g}");
        let mean = weighted_mean(v, w);
        let weighted: Vec<f64> = v
            .iter()
            .zip(w)
            .filter(|(_, w)| **w > 0.0)
            .map(|(v, _)| *v)
            .collect();
        if weighted.is_empty() {
            assert_eq!(mean, 0.0, "case {i}");
        } else {
            let lo = weighted.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = weighted.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let slack = 1e-12 * hi.abs().max(1.0);
            assert!(
                mean >= lo - slack && mean <= hi + slack,
                "case {i}: mean {mean} outside [{lo}, {hi}]"
            );
        }
        // Scaling every value leaves the Gini unchanged (up to rounding).
        let scaled: Vec<f64> = v.iter().map(|x| x * 4.0).collect();
        assert!((gini(&scaled, w) - g).abs() <= 1e-12, "case {i}");
    }
}

/// Several supplies in one pass give, bit for bit, what separate calls
/// give; and a supply zeroed for "closed" facilities gives what the pairs
/// of the open facilities alone give (the time-window 2SFCA relies on it).
#[test]
fn two_step_many_equals_separate_calls_and_subsets() {
    let mut rng = Rng(SEED ^ 0x77);
    let mut nonzero = 0usize;
    for i in 0..CASES {
        let case = random_case(&mut rng, i);
        let other: Vec<f64> = case.supply.iter().map(|s| s * 0.25 + 1.0).collect();
        let open: Vec<bool> = case.supply.iter().map(|_| rng.below(3) != 0).collect();
        let zeroed: Vec<f64> = case
            .supply
            .iter()
            .zip(&open)
            .map(|(s, o)| if *o { *s } else { 0.0 })
            .collect();
        let open_pairs: Vec<Pair> = case
            .pairs
            .iter()
            .filter(|p| open[p.facility as usize])
            .copied()
            .collect();
        let many = two_step_many(
            &[&case.supply, &other, &zeroed],
            &case.population,
            &case.pairs,
            &case.decay,
            case.catchment,
        );
        assert_eq!(many.len(), 3);
        let one = |s: &[f64], pairs: &[Pair]| {
            two_step(s, &case.population, pairs, &case.decay, case.catchment)
        };
        assert_eq!(many[0], one(&case.supply, &case.pairs), "case {i}");
        assert_eq!(many[1], one(&other, &case.pairs), "case {i}");
        let subset = one(&case.supply, &open_pairs);
        assert_eq!(bits(&many[2].access), bits(&subset.access), "case {i}");
        nonzero += usize::from(many[2].access.iter().any(|a| *a > 0.0));
    }
    assert!(nonzero > CASES / 3, "only {nonzero} cases with access");
    assert!(two_step_many(&[], &[1.0], &[], &Decay::Step, 1000.0).is_empty());
}
