//! Oracle tests for `crate::analysis::sites` on seeded random instances:
//! lazy greedy == plain greedy bit for bit, the (1 - 1/e) bound against the
//! brute-force optimum, pick bookkeeping, and the spacing property of
//! `spaced_candidates` against an O(n^2) reference.

use std::time::Instant;

use crate::analysis::sites::{Pick, exhaustive_best, lazy_greedy, plain_greedy, spaced_candidates};

use crate::testing::Rng;

struct Instance {
    population: Vec<f64>,
    covered: Vec<bool>,
    cover_sets: Vec<Vec<u32>>,
    k: usize,
}

fn instance(rng: &mut Rng) -> Instance {
    let n = rng.upto(30);
    let m = rng.upto(12);
    let k = rng.upto(4);
    let integer = rng.chance(0.5); // integer populations make exact ties likely
    let population = (0..n)
        .map(|_| {
            if rng.chance(0.2) {
                0.0
            } else if integer {
                rng.upto(20) as f64
            } else {
                rng.unit() * 1000.0
            }
        })
        .collect();
    let pre = rng.unit() * 0.5;
    let covered = (0..n).map(|_| rng.chance(pre)).collect();
    let cover_sets = (0..m)
        .map(|_| {
            let p = rng.unit() * 0.4;
            (0..n as u32).filter(|_| rng.chance(p)).collect()
        })
        .collect();
    Instance {
        population,
        covered,
        cover_sets,
        k,
    }
}

/// Newly covered population of a set of candidates, independently of the
/// library: union of uncovered communities, summed in ascending order.
fn value(inst: &Instance, chosen: &[u32]) -> f64 {
    (0..inst.population.len())
        .filter(|&c| {
            !inst.covered[c]
                && chosen
                    .iter()
                    .any(|&j| inst.cover_sets[j as usize].contains(&(c as u32)))
        })
        .map(|c| inst.population[c])
        .sum()
}

/// All k-subsets of 0..m in lexicographic order.
fn subsets(m: usize, k: usize) -> Vec<Vec<u32>> {
    fn rec(start: usize, m: usize, k: usize, cur: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for j in start..m {
            cur.push(j as u32);
            rec(j + 1, m, k, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    rec(0, m, k, &mut Vec::new(), &mut out);
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Replays the picks against an independent covered set.
fn check_picks(inst: &Instance, picks: &[Pick], case: usize) {
    assert!(picks.len() <= inst.k, "case {case}: too many picks");
    let mut cov = inst.covered.clone();
    let mut seen = vec![false; inst.cover_sets.len()];
    let mut cumulative = 0.0;
    for (i, p) in picks.iter().enumerate() {
        assert_eq!(p.rank as usize, i + 1, "case {case}: rank");
        let j = p.candidate as usize;
        assert!(!seen[j], "case {case}: candidate {j} picked twice");
        seen[j] = true;
        // Gains of all remaining candidates right now: the pick must be the
        // arg max (ties to the lower index).
        let gain = |set: &[u32], cov: &[bool]| -> (f64, u32) {
            let mut g = 0.0;
            let mut n = 0;
            for &c in set {
                if !cov[c as usize] {
                    g += inst.population[c as usize];
                    n += 1;
                }
            }
            (g, n)
        };
        let (g, n) = gain(&inst.cover_sets[j], &cov);
        assert_eq!(
            g.to_bits(),
            p.newly_covered_population.to_bits(),
            "case {case}: gain"
        );
        assert_eq!(n, p.newly_covered_communities, "case {case}: communities");
        assert!(g > 0.0, "case {case}: zero-gain pick");
        for (o, set) in inst.cover_sets.iter().enumerate() {
            if o == j || seen[o] {
                continue;
            }
            let (go, _) = gain(set, &cov);
            assert!(go < g || (go == g && o > j), "case {case}: {o} beats {j}");
        }
        for &c in &inst.cover_sets[j] {
            cov[c as usize] = true;
        }
        cumulative += g;
        assert_eq!(
            cumulative.to_bits(),
            p.cumulative_population.to_bits(),
            "case {case}: cum"
        );
    }
    if picks.len() < inst.k {
        // Early stop is only allowed when nobody is left to cover.
        for set in &inst.cover_sets {
            assert!(
                set.iter()
                    .all(|&c| cov[c as usize] || inst.population[c as usize] == 0.0),
                "case {case}: stopped early with gain left"
            );
        }
    }
}

#[test]
fn random_instances_lazy_equals_plain_and_bound_holds() {
    let mut rng = Rng(0x5173_5EED);
    let bound = 1.0 - (-1.0f64).exp();
    let mut worst_ratio = f64::INFINITY;
    let mut suboptimal = 0;
    let mut early = 0;
    let cases = 300;
    for case in 0..cases {
        let inst = instance(&mut rng);
        let (pop, cov, sets, k) = (&inst.population, &inst.covered, &inst.cover_sets, inst.k);
        let lazy = lazy_greedy(pop, cov, sets, k);
        let plain = plain_greedy(pop, cov, sets, k);
        assert_eq!(lazy.len(), plain.len(), "case {case}");
        for (a, b) in lazy.iter().zip(&plain) {
            assert_eq!(a.candidate, b.candidate, "case {case}");
            assert_eq!(a.rank, b.rank, "case {case}");
            assert_eq!(
                a.newly_covered_population.to_bits(),
                b.newly_covered_population.to_bits(),
                "case {case}"
            );
            assert_eq!(a.newly_covered_communities, b.newly_covered_communities);
            assert_eq!(
                a.cumulative_population.to_bits(),
                b.cumulative_population.to_bits(),
                "case {case}"
            );
        }
        check_picks(&inst, &lazy, case);
        if lazy.len() < k.min(sets.len()) {
            early += 1;
        }

        let greedy_total = lazy.last().map_or(0.0, |p| p.cumulative_population);
        let greedy_set: Vec<u32> = lazy.iter().map(|p| p.candidate).collect();
        assert!(
            close(greedy_total, value(&inst, &greedy_set)),
            "case {case}"
        );

        let (opt, best) = exhaustive_best(pop, cov, sets, k);
        let kk = k.min(sets.len());
        assert_eq!(best.len(), kk, "case {case}");
        assert!(best.windows(2).all(|w| w[0] < w[1]), "case {case}");
        assert!(close(opt, value(&inst, &best)), "case {case}: opt value");
        assert!(opt + 1e-9 * opt.max(1.0) >= greedy_total, "case {case}");
        assert!(
            greedy_total + 1e-9 * opt.max(1.0) >= bound * opt,
            "case {case}: greedy {greedy_total} < (1-1/e) * {opt}"
        );
        // Brute-force re-check: optimum, and no lexicographically smaller
        // subset reaches it.
        let all = subsets(sets.len(), kk);
        let mut max = 0.0f64;
        for s in &all {
            max = max.max(value(&inst, s));
        }
        assert!(close(opt, max), "case {case}: optimum {opt} vs {max}");
        for s in all.iter().take_while(|s| **s < best) {
            assert!(
                value(&inst, s) < opt - 1e-9 * opt.max(1.0),
                "case {case}: tie"
            );
        }
        // k = 1: greedy's first pick is the exact optimum, bit for bit.
        if let Some(first) = lazy.first() {
            let (o1, b1) = exhaustive_best(pop, cov, sets, 1);
            assert_eq!(b1, [first.candidate], "case {case}");
            assert_eq!(o1.to_bits(), first.newly_covered_population.to_bits());
        }
        if opt > 0.0 {
            let ratio = greedy_total / opt;
            worst_ratio = worst_ratio.min(ratio);
            if ratio < 1.0 - 1e-12 {
                suboptimal += 1;
            }
        }
    }
    eprintln!(
        "{cases} instances: greedy suboptimal in {suboptimal}, worst greedy/opt = {worst_ratio:.4}, \
         early stops {early}"
    );
}

/// Greedy thinning in index order, O(n^2): the reference.
fn spaced_reference(points: &[[f64; 2]], spacing: f64) -> Vec<u32> {
    let s2 = spacing * spacing;
    let mut kept: Vec<u32> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        if !(p[0].is_finite() && p[1].is_finite()) {
            continue;
        }
        let ok = kept.iter().all(|&q| {
            let q = points[q as usize];
            let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
            dx * dx + dy * dy >= s2
        });
        if ok {
            kept.push(i as u32);
        }
    }
    kept
}

#[test]
fn spaced_candidates_random() {
    let mut rng = Rng(0xC0FF_EE00);
    for case in 0..300 {
        let n = rng.upto(500);
        let origin = [rng.unit() * 2e6 - 1e6, rng.unit() * 2e6 - 1e6];
        let extent = 10.0 + rng.unit() * 5000.0;
        let mut points: Vec<[f64; 2]> = (0..n)
            .map(|_| {
                [
                    origin[0] + rng.unit() * extent,
                    origin[1] + rng.unit() * extent,
                ]
            })
            .collect();
        // Some duplicates and points on exact grid lines.
        for _ in 0..n / 10 {
            let a = rng.upto(n.saturating_sub(1));
            if n > 0 {
                points.push(points[a]);
            }
        }
        let spacing = rng.unit() * extent / 4.0;
        if case % 7 == 0 && !points.is_empty() {
            let i = rng.upto(points.len() - 1);
            points[i] = [(points[i][0] / spacing).round() * spacing, points[i][1]];
        }
        let kept = spaced_candidates(&points, spacing);
        assert_eq!(
            kept,
            spaced_candidates(&points, spacing),
            "case {case}: determinism"
        );
        assert_eq!(
            kept,
            spaced_reference(&points, spacing),
            "case {case}: reference"
        );
        assert!(
            kept.windows(2).all(|w| w[0] < w[1]),
            "case {case}: ascending"
        );
        let s2 = spacing * spacing;
        for (a, &i) in kept.iter().enumerate() {
            for &j in &kept[a + 1..] {
                let (p, q) = (points[i as usize], points[j as usize]);
                let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
                assert!(
                    dx * dx + dy * dy >= s2,
                    "case {case}: {i} and {j} too close"
                );
            }
        }
        // Every dropped point is within spacing of a kept one.
        for (i, p) in points.iter().enumerate() {
            if kept.binary_search(&(i as u32)).is_ok() {
                continue;
            }
            assert!(
                kept.iter().any(|&q| {
                    let q = points[q as usize];
                    let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
                    dx * dx + dy * dy < s2
                }),
                "case {case}: dropped point {i} not near any kept point"
            );
        }
    }
}

/// `cargo test --release --test sites -- --ignored --nocapture`
#[test]
#[ignore = "timing run, use --release"]
fn timing_lazy_vs_plain_50k_candidates() {
    // Dense: everything reachable is covered after a few dozen picks, so the
    // late picks re-evaluate most candidates. City: a 30 km square, smaller
    // sets, coverage spreads out.
    for side in [10_000.0, 30_000.0] {
        timing_run(side);
    }
}

fn timing_run(side: f64) {
    let mut rng = Rng(0x7157_0001);
    let n = 2_000;
    let m = 50_000;
    let reach: f64 = 1_200.0; // walk radius, m
    let comms: Vec<[f64; 2]> = (0..n)
        .map(|_| [rng.unit() * side, rng.unit() * side])
        .collect();
    let population: Vec<f64> = (0..n).map(|_| (rng.unit() * 5_000.0).floor()).collect();
    let covered: Vec<bool> = (0..n).map(|_| rng.chance(0.3)).collect();
    // Bucket communities by cell of size `reach` for set construction.
    let cells = (side / reach).ceil() as usize;
    let mut grid = vec![Vec::new(); cells * cells];
    let cell = |v: f64| ((v / reach) as usize).min(cells - 1);
    for (c, p) in comms.iter().enumerate() {
        grid[cell(p[1]) * cells + cell(p[0])].push(c as u32);
    }
    let cover_sets: Vec<Vec<u32>> = (0..m)
        .map(|_| {
            let p = [rng.unit() * side, rng.unit() * side];
            let (cx, cy) = (cell(p[0]), cell(p[1]));
            let mut set = Vec::new();
            for y in cy.saturating_sub(1)..=(cy + 1).min(cells - 1) {
                for x in cx.saturating_sub(1)..=(cx + 1).min(cells - 1) {
                    for &c in &grid[y * cells + x] {
                        let q = comms[c as usize];
                        if (q[0] - p[0]).hypot(q[1] - p[1]) <= reach {
                            set.push(c);
                        }
                    }
                }
            }
            set.sort_unstable();
            set
        })
        .collect();
    let total: usize = cover_sets.iter().map(Vec::len).sum();
    eprintln!(
        "{:.0} km square: {m} candidates x {n} communities, {total} cover entries \
         ({:.1} per set)",
        side / 1000.0,
        total as f64 / m as f64
    );
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for k in [10, 50] {
        let t = Instant::now();
        let plain = plain_greedy(&population, &covered, &cover_sets, k);
        let t_plain = t.elapsed();
        let t = Instant::now();
        let lazy = lazy_greedy(&population, &covered, &cover_sets, k);
        let t_lazy = t.elapsed();
        let t = Instant::now();
        let lazy1 = one_thread.install(|| lazy_greedy(&population, &covered, &cover_sets, k));
        let t_lazy1 = t.elapsed();
        assert_eq!(lazy, plain);
        assert_eq!(lazy1, plain);
        let newly = lazy.last().map_or(0.0, |p| p.cumulative_population);
        eprintln!(
            "k = {k}: plain {t_plain:?}, lazy {t_lazy:?} (1 thread: {t_lazy1:?}), \
             speed-up {:.0}x (1 thread {:.0}x); {} picks newly cover {newly} people",
            t_plain.as_secs_f64() / t_lazy.as_secs_f64(),
            t_plain.as_secs_f64() / t_lazy1.as_secs_f64(),
            lazy.len()
        );
        assert!(t_lazy1 < t_plain, "lazy should be faster");
    }
}
