//! Independent check of a finished run: for a sample of communities, the
//! walking distance to the nearest counted facility by a plain textbook
//! Dijkstra from the community (forward arcs, no distance bound, no shared
//! scratch, no multi-source trick), compared with the coverage table. The
//! scaling benchmark runs it on every synthetic city, so the optimised
//! searches are checked at the sizes they are tuned for.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::coverage::Target;
use super::study::Study;
use crate::graph::csr::{Direction, from_mm, to_mm};
use crate::model::CommunityIx;

/// Result of [`check_nearest_sample`].
#[derive(Debug, Clone, PartialEq)]
pub struct SampleCheck {
    /// Communities compared (reachable ones of the sample).
    pub checked: usize,
    /// Largest absolute difference in metres over those within the
    /// reported range.
    pub max_diff_m: f64,
    /// Communities whose figures disagree by more than the tolerance:
    /// (community index, coverage table, plain Dijkstra).
    pub mismatches: Vec<(CommunityIx, Option<f64>, Option<f64>)>,
}

/// Tolerance for floating-point summation order (metres).
pub const TOLERANCE_M: f64 = 1e-6;

/// Check up to `sample` communities, evenly spread over the input order,
/// for the "any facility" target. Straight-line runs have nothing to
/// check and return an empty result.
pub fn check_nearest_sample(study: &Study, sample: usize) -> SampleCheck {
    let mut out = SampleCheck {
        checked: 0,
        max_diff_m: 0.0,
        mismatches: Vec::new(),
    };
    let (Some(graph), Some(t)) = (study.graph(), study.scenarios.now.target_index(Target::Any))
    else {
        return out;
    };
    // Facility access nodes with the smallest off-network walk at each,
    // rounded to the millimetre as the searches round their starting
    // distances (arc lengths come from the graph already rounded).
    let mut exit: HashMap<u32, f64> = HashMap::new();
    for (f, acc) in study.placement.facility_access.iter().enumerate() {
        let (true, Ok(acc)) = (study.scenarios.counts_now[f], acc) else {
            continue;
        };
        for &(v, extra) in acc {
            let e = exit.entry(v).or_insert(f64::INFINITY);
            *e = e.min(from_mm(to_mm(extra)));
        }
    }
    let report = study
        .scenarios
        .now
        .settings
        .report_m
        .max(study.scenarios.now.settings.limit_m);
    let n = study.placement.community_access.len();
    let step = (n / sample.max(1)).max(1);
    for c in (0..n).step_by(step).take(sample) {
        let Ok(acc) = &study.placement.community_access[c] else {
            continue;
        };
        let plain = plain_nearest(graph, acc, &exit).filter(|d| *d <= report);
        let table = study.scenarios.now.nearest_m[t].get(c);
        out.checked += 1;
        let agree = match (table, plain) {
            (Some(a), Some(b)) => {
                out.max_diff_m = out.max_diff_m.max((a - b).abs());
                (a - b).abs() <= TOLERANCE_M
            }
            (None, None) => true,
            _ => false,
        };
        if !agree {
            out.mismatches.push((CommunityIx::new(c), table, plain));
        }
    }
    out
}

/// Textbook Dijkstra from `start` (node, metres already walked) until the
/// nearest exit is certain: the first settled distance at or beyond the best
/// exit found so far ends the search (off-network walks are non-negative).
fn plain_nearest(
    graph: &crate::graph::WalkGraph,
    start: &[(u32, f64)],
    exit: &HashMap<u32, f64>,
) -> Option<f64> {
    let mut dist: HashMap<u32, f64> = HashMap::new();
    let mut heap = BinaryHeap::new();
    for &(v, d) in start {
        if dist.get(&v).is_none_or(|x| d < *x) {
            dist.insert(v, d);
            heap.push(Reverse((d.to_bits(), v)));
        }
    }
    let mut best = f64::INFINITY;
    while let Some(Reverse((bits, v))) = heap.pop() {
        let d = f64::from_bits(bits);
        if d > dist[&v] {
            continue;
        }
        if d >= best {
            break;
        }
        if let Some(extra) = exit.get(&v) {
            best = best.min(d + extra);
        }
        for (w, len) in graph.arcs(v, Direction::Outbound) {
            let nd = d + len;
            if dist.get(&w).is_none_or(|x| nd < *x) {
                dist.insert(w, nd);
                heap.push(Reverse((nd.to_bits(), w)));
            }
        }
    }
    best.is_finite().then_some(best)
}
