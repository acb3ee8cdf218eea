//! Walking coverage: for every community and every facility category (plus
//! "any sports facility"), the network walking distance to the nearest
//! facility and the number of facilities within the limit.
//!
//! Nearest distances come from one bounded multi-source Dijkstra per
//! category (inbound arcs, so the walk is home -> facility). Counts come from
//! one bounded search per facility (rayon over facilities, per-thread
//! scratch); integer counts are summed in facility order, so results are the
//! same for any thread count.

use std::sync::Arc;

use rayon::prelude::*;

use super::search::{
    Scratch, bounded_contracted, par_map_chunked, par_map_pooled, sweep_contracted,
};
use crate::graph::WalkGraph;
use crate::graph::contract::Contracted;
use crate::graph::csr::Direction;
use crate::model::Category;

/// Where an item meets the graph: (node, off-network walk in metres).
pub type Access = Vec<(u32, f64)>;

/// A column of the coverage table: any facility, or one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// Any counted facility, whatever its category.
    Any,
    /// Counted facilities of one category.
    Category(Category),
}

impl Target {
    /// Column name: `any` or the category's snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Target::Any => "any",
            Target::Category(c) => c.as_str(),
        }
    }
}

/// Coverage settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoverageSettings {
    /// Walking limit in metres (15 min at 4 km/h = 1000 m).
    pub limit_m: f64,
    /// Nearest distances are reported up to this many metres (searches stop
    /// there); farther ones are "beyond".
    pub report_m: f64,
    /// Facility-community pairs are kept up to this many metres (at least
    /// `limit_m`; the life-circle tiers and catchments need them).
    pub pair_m: f64,
}

/// A facility as the coverage sees it.
#[derive(Debug, Clone)]
pub struct Source {
    /// What kind of facility it is (its target column besides `any`).
    pub category: Category,
    /// Counts towards "any" and its category (existing and open to the public).
    pub counts: bool,
    /// Empty when the facility is unreachable.
    pub access: Access,
}

/// Nearest distances of one target, metres per community (community order
/// of the input): 8 bytes each (`Option<f64>` takes 16), NaN standing for
/// none. A network distance is never NaN.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DistColumn(Vec<f64>);

impl DistColumn {
    /// Community `c`'s distance, `None` when beyond the reported range.
    #[inline]
    pub fn get(&self, c: usize) -> Option<f64> {
        let d = self.0[c];
        (!d.is_nan()).then_some(d)
    }

    /// Number of communities in the column.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The column has no communities.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<Option<f64>> for DistColumn {
    fn from_iter<I: IntoIterator<Item = Option<f64>>>(iter: I) -> Self {
        DistColumn(iter.into_iter().map(|d| d.unwrap_or(f64::NAN)).collect())
    }
}

impl FromParallelIterator<Option<f64>> for DistColumn {
    fn from_par_iter<I: IntoParallelIterator<Item = Option<f64>>>(iter: I) -> Self {
        DistColumn(
            iter.into_par_iter()
                .map(|d| d.unwrap_or(f64::NAN))
                .collect(),
        )
    }
}

/// Facility-community pairs: per source (input order), the communities
/// within the pair range of it, ascending, with the walking metres. Held
/// as columns, 12 bytes a pair (a `Vec` of `(u32, f64)` per source takes
/// 16 and a header each: 0.2 GB more for a 2M-node city's 52 M pairs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairs {
    /// Source `f`'s pairs are `first[f]..first[f + 1]`.
    first: Vec<usize>,
    community: Vec<u32>,
    metres: Vec<f64>,
}

/// One source's pairs (see [`Pairs::of`]): (community, walking metres),
/// by community.
#[derive(Debug, Clone, Copy)]
pub struct Hits<'a> {
    community: &'a [u32],
    metres: &'a [f64],
}

impl<'a> Hits<'a> {
    /// (community, walking metres), by community.
    pub fn iter(self) -> impl ExactSizeIterator<Item = (u32, f64)> + Clone + 'a {
        self.community
            .iter()
            .copied()
            .zip(self.metres.iter().copied())
    }

    /// Number of communities.
    pub fn len(self) -> usize {
        self.community.len()
    }

    /// No community within range.
    pub fn is_empty(self) -> bool {
        self.community.is_empty()
    }
}

impl<'a> IntoIterator for Hits<'a> {
    type Item = (u32, f64);
    type IntoIter = std::iter::Zip<
        std::iter::Copied<std::slice::Iter<'a, u32>>,
        std::iter::Copied<std::slice::Iter<'a, f64>>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.community
            .iter()
            .copied()
            .zip(self.metres.iter().copied())
    }
}

impl Pairs {
    /// No pairs for each of `n` sources.
    pub fn empty(n: usize) -> Self {
        Pairs {
            first: vec![0; n + 1],
            ..Pairs::default()
        }
    }

    /// From one list per source (each sorted by community), freeing each
    /// list once copied.
    pub fn from_lists(lists: Vec<Vec<(u32, f64)>>) -> Self {
        let total = lists.iter().map(Vec::len).sum();
        let mut out = Pairs {
            first: Vec::with_capacity(lists.len() + 1),
            community: Vec::with_capacity(total),
            metres: Vec::with_capacity(total),
        };
        out.first.push(0);
        for list in lists {
            for (c, d) in list {
                out.community.push(c);
                out.metres.push(d);
            }
            out.first.push(out.community.len());
        }
        out
    }

    /// Number of sources.
    pub fn len(&self) -> usize {
        self.first.len().saturating_sub(1)
    }

    /// No sources.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Source `f`'s pairs; `f` must be below [`Pairs::len`].
    pub fn of(&self, f: usize) -> Hits<'_> {
        let r = self.first[f]..self.first[f + 1];
        Hits {
            community: &self.community[r.clone()],
            metres: &self.metres[r],
        }
    }

    /// Source `f`'s pairs, `None` beyond the sources.
    pub fn get(&self, f: usize) -> Option<Hits<'_>> {
        (f < self.len()).then(|| self.of(f))
    }

    /// One list per source, as [`Pairs::from_lists`] takes them.
    #[cfg(test)]
    pub(crate) fn to_lists(&self) -> Vec<Vec<(u32, f64)>> {
        self.iter().map(|h| h.iter().collect()).collect()
    }

    /// Every source's pairs, in source order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Hits<'_>> + '_ {
        (0..self.len()).map(|f| self.of(f))
    }
}

/// Results per target, per community (community order of the input).
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The walking limit and the report and pair ranges the table was computed
    /// with.
    pub settings: CoverageSettings,
    /// Targets with at least one counted facility, `Any` first.
    pub targets: Vec<Target>,
    /// `nearest_m[t].get(c)`: metres from community c to the nearest
    /// facility of target t, `None` when beyond `report_m` or the community
    /// is unreachable.
    pub nearest_m: Vec<DistColumn>,
    /// `reachable[t][c]`: facilities of target t within `limit_m`.
    pub reachable: Vec<Vec<u32>>,
    /// Per source (input order): (community, walking metres) for every
    /// community within `pair_m` of it, sorted by community. Filled for
    /// every attached source, counted or not: users must check `counts`.
    /// Shared between scenarios: the pairs do not depend on which
    /// facilities count.
    pub facility_hits: Arc<Pairs>,
    /// False in a coverage-only run: no per-facility searches, so
    /// `facility_hits` are empty and `reachable` has no rows.
    pub has_pairs: bool,
}

impl Coverage {
    /// Is community `c` within the limit of target index `t`?
    pub fn covered(&self, t: usize, c: usize) -> bool {
        self.nearest_m[t]
            .get(c)
            .is_some_and(|d| d <= self.settings.limit_m)
    }

    /// A coverage table with facility-community pairs: the counts within
    /// the limit are derived from the pairs.
    pub fn from_pairs(
        settings: CoverageSettings,
        targets: Vec<Target>,
        nearest_m: Vec<DistColumn>,
        sources: &[Source],
        facility_hits: Arc<Pairs>,
    ) -> Coverage {
        let n_communities = nearest_m.first().map_or(0, DistColumn::len);
        let reachable = count_within(
            &targets,
            sources,
            &facility_hits,
            n_communities,
            settings.limit_m,
        );
        Coverage {
            settings,
            targets,
            nearest_m,
            reachable,
            facility_hits,
            has_pairs: true,
        }
    }

    /// Counted facilities of target index `t` within the limit of
    /// community `c`; `None` in a coverage-only run.
    pub fn count(&self, t: usize, c: usize) -> Option<u32> {
        self.has_pairs.then(|| self.reachable[t][c])
    }

    /// Index of a target in [`Coverage::targets`].
    pub fn target_index(&self, t: Target) -> Option<usize> {
        self.targets.iter().position(|x| *x == t)
    }
}

/// Map graph node -> communities attached there, as CSR: for node v,
/// `items[first[v]..first[v+1]]` are (community, extra metres).
struct NodeIndex {
    first: Vec<u32>,
    items: Vec<(u32, f64)>,
}

impl NodeIndex {
    fn new(n: usize, communities: &[Access]) -> Self {
        let mut pairs: Vec<(u32, u32, f64)> = Vec::new();
        for (c, acc) in communities.iter().enumerate() {
            for &(v, extra) in acc {
                pairs.push((v, c as u32, extra));
            }
        }
        pairs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.total_cmp(&b.2)));
        let (first, items) = csr(n, pairs.into_iter().map(|p| (p.0, (p.1, p.2))).collect());
        NodeIndex { first, items }
    }

    fn at(&self, v: u32) -> &[(u32, f64)] {
        &self.items[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }
}

/// Compute coverage for every target present among the sources.
pub fn compute(
    graph: &WalkGraph,
    sources: &[Source],
    communities: &[Access],
    settings: CoverageSettings,
) -> Coverage {
    let core = Contracted::new(graph, Direction::Inbound);
    let hits = Arc::new(pairs_over(graph, &core, sources, communities, settings));
    let (targets, nearest_m) = nearest_table(&core, sources, communities, settings);
    Coverage::from_pairs(settings, targets, nearest_m, sources, hits)
}

/// Nearest distances only: no per-facility searches, so no counts or
/// pairs (`has_pairs` is false). The cost is one multi-source search per
/// target, whatever the number of facilities.
pub fn compute_nearest_only(
    graph: &WalkGraph,
    sources: &[Source],
    communities: &[Access],
    settings: CoverageSettings,
) -> Coverage {
    let core = Contracted::new(graph, Direction::Inbound);
    let (targets, nearest_m) = nearest_table(&core, sources, communities, settings);
    Coverage {
        settings,
        targets,
        nearest_m,
        reachable: Vec::new(),
        facility_hits: Arc::new(Pairs::empty(sources.len())),
        has_pairs: false,
    }
}

/// [`compute`] with the facility-community pairs of an earlier run over
/// the same facilities (only which of them count may differ): the
/// per-facility searches are not repeated.
pub fn compute_with_pairs(
    graph: &WalkGraph,
    sources: &[Source],
    communities: &[Access],
    settings: CoverageSettings,
    per_facility: Arc<Pairs>,
) -> Coverage {
    let core = Contracted::new(graph, Direction::Inbound);
    let (targets, nearest_m) = nearest_table(&core, sources, communities, settings);
    Coverage::from_pairs(settings, targets, nearest_m, sources, per_facility)
}

/// The targets present among the counted sources (`Any` first) and, per
/// target and community, the nearest distance within `report_m`: one
/// multi-source search per target.
fn nearest_table(
    core: &Contracted,
    sources: &[Source],
    communities: &[Access],
    settings: CoverageSettings,
) -> (Vec<Target>, Vec<DistColumn>) {
    let mut targets = vec![Target::Any];
    for c in Category::ALL {
        if sources
            .iter()
            .any(|s| s.counts && s.category == c && !s.access.is_empty())
        {
            targets.push(Target::Category(c));
        }
    }
    let report = settings.report_m.max(settings.limit_m);
    // Every sweep runs over the graph with its pass-through chains
    // contracted (sources inside a chain start at its ends).
    let progress = crate::progress::Counter::start("nearest", (targets.len() - 1) as u64);

    // Nearest distance per category: one multi-source search each. `Any`
    // needs no search of its own: its sources are those of all the
    // categories, so its distance to a node is the least of theirs (exact:
    // whole millimetres), and a community's distance, the least over its
    // access points of node distance plus snap walk, is then the least of
    // its category distances (both steps are monotone).
    let mut nearest_m: Vec<DistColumn> = par_map_pooled(
        &targets[1..],
        || Scratch::new(core.core_count()),
        |scratch, &t| {
            let sources = sources
                .iter()
                .filter(|s| s.counts && matches_target(t, s.category))
                .flat_map(|s| s.access.iter().copied());
            let inside = sweep_contracted(core, sources, report, scratch);
            let column: DistColumn = communities
                .iter()
                .map(|acc| {
                    acc.iter()
                        .filter_map(|&(v, extra)| {
                            scratch.dist_through(core, &inside, v).map(|d| d + extra)
                        })
                        .min_by(f64::total_cmp)
                        .filter(|d| *d <= report)
                })
                .collect();
            progress.add(1);
            column
        },
    );
    progress.finish();
    let any: DistColumn = (0..communities.len())
        .into_par_iter()
        .map(|i| {
            nearest_m
                .iter()
                .filter_map(|column| column.get(i))
                .min_by(f64::total_cmp)
        })
        .collect();
    nearest_m.insert(0, any);
    (targets, nearest_m)
}

/// Per source (input order): (community, walking metres) for every
/// community within `pair_m`, sorted by community; one bounded search per
/// attached facility over the graph's core (chains contracted: the
/// distances are those of a search over every node, exactly), rayon over
/// facilities, per-thread scratch.
pub fn facility_pairs(
    graph: &WalkGraph,
    sources: &[Source],
    communities: &[Access],
    settings: CoverageSettings,
) -> Pairs {
    let core = Contracted::new(graph, Direction::Inbound);
    pairs_over(graph, &core, sources, communities, settings)
}

/// [`facility_pairs`] over `core`, the contraction of `graph` searched
/// inbound.
fn pairs_over(
    graph: &WalkGraph,
    core: &Contracted,
    sources: &[Source],
    communities: &[Access],
    settings: CoverageSettings,
) -> Pairs {
    // Pairs and reachable counts: one bounded search per counted facility.
    let pair_m = settings.pair_m.max(settings.limit_m);
    let index = NodeIndex::new(graph.node_count(), communities);
    let found = Findable::new(core, &index);
    let progress = crate::progress::Counter::start("searching", sources.len() as u64);
    let pairs = par_map_chunked(
        sources,
        || {
            (
                Scratch::new(core.core_count()),
                vec![f64::INFINITY; communities.len()],
            )
        },
        |(scratch, best), s| {
            // Pairs for every attached facility, counted or not (a
            // closed school's gap reports who could use it); counts and
            // nearest distances use counted ones only.
            if s.access.is_empty() {
                progress.add(1);
                return Vec::new();
            }
            let inside = bounded_contracted(core, s.access.iter().copied(), pair_m, scratch);
            let mut hit: Vec<u32> = Vec::new();
            let mut visit = |v: u32| {
                let Some(d) = scratch.dist_through(core, &inside, v) else {
                    return;
                };
                for &(c, extra) in index.at(v) {
                    let total = d + extra;
                    if total <= pair_m {
                        if best[c as usize].is_infinite() {
                            hit.push(c);
                        }
                        best[c as usize] = best[c as usize].min(total);
                    }
                }
            };
            for &k in &scratch.reached {
                found.at_core(k).iter().for_each(|&v| visit(v));
            }
            for chain in inside.chains() {
                found.on_chain(chain).iter().for_each(|&v| visit(v));
            }
            hit.sort_unstable();
            let pairs = hit
                .iter()
                .map(|&c| {
                    let d = best[c as usize];
                    best[c as usize] = f64::INFINITY;
                    (c, d)
                })
                .collect();
            progress.add(1);
            pairs
        },
    );
    progress.finish();
    Pairs::from_lists(pairs)
}

/// The nodes holding communities, by where a search over the core finds
/// them: under each core node, itself when it holds one and the nodes
/// inside the chains ending at it; under each chain, the nodes inside it
/// (for searches that start inside and reach neither end).
struct Findable {
    core_first: Vec<u32>,
    core_nodes: Vec<u32>,
    chain_first: Vec<u32>,
    chain_nodes: Vec<u32>,
}

impl Findable {
    fn new(core: &Contracted, index: &NodeIndex) -> Self {
        let held = (0..index.first.len() as u32 - 1).filter(|&v| !index.at(v).is_empty());
        let mut under_core: Vec<(u32, u32)> = Vec::new();
        let mut under_chain: Vec<(u32, u32)> = Vec::new();
        for v in held {
            match core.place(v) {
                Ok(k) => under_core.push((k, v)),
                Err((chain, ends)) => {
                    under_chain.push((chain, v));
                    under_core.push((ends[0], v));
                    if ends[1] != ends[0] {
                        under_core.push((ends[1], v));
                    }
                }
            }
        }
        under_core.sort_unstable();
        under_chain.sort_unstable();
        let (core_first, core_nodes) = csr(core.core_count(), under_core);
        let (chain_first, chain_nodes) = csr(core.arc_count(), under_chain);
        Findable {
            core_first,
            core_nodes,
            chain_first,
            chain_nodes,
        }
    }

    fn at_core(&self, k: u32) -> &[u32] {
        &self.core_nodes
            [self.core_first[k as usize] as usize..self.core_first[k as usize + 1] as usize]
    }

    fn on_chain(&self, chain: u32) -> &[u32] {
        let c = chain as usize;
        &self.chain_nodes[self.chain_first[c] as usize..self.chain_first[c + 1] as usize]
    }
}

/// (key, value) pairs sorted by key, keys below `n`, as CSR: starts and
/// values.
fn csr<T>(n: usize, pairs: Vec<(u32, T)>) -> (Vec<u32>, Vec<T>) {
    let mut first = vec![0u32; n + 1];
    for p in &pairs {
        first[p.0 as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    (first, pairs.into_iter().map(|p| p.1).collect())
}

/// Per target and community: counted facilities within `limit_m`, from the
/// per-facility pair lists.
pub fn count_within(
    targets: &[Target],
    sources: &[Source],
    pairs: &Pairs,
    n_communities: usize,
    limit_m: f64,
) -> Vec<Vec<u32>> {
    let mut reachable = vec![vec![0u32; n_communities]; targets.len()];
    for (s, hits) in sources.iter().zip(pairs.iter()) {
        for (ti, t) in targets.iter().enumerate() {
            if s.counts && matches_target(*t, s.category) {
                for (c, d) in hits {
                    if d <= limit_m {
                        reachable[ti][c as usize] += 1;
                    }
                }
            }
        }
    }
    reachable
}

/// Does a facility of category `c` belong to target `t`?
pub fn matches_target(t: Target, c: Category) -> bool {
    match t {
        Target::Any => true,
        Target::Category(x) => x == c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_keep_each_sources_list_in_order() {
        let lists = vec![
            vec![(0, 10.0), (3, 2.5)],
            Vec::new(),
            vec![(1, 0.0)],
            Vec::new(),
        ];
        let pairs = Pairs::from_lists(lists.clone());
        assert_eq!(pairs.len(), 4);
        assert_eq!(pairs.to_lists(), lists);
        assert_eq!(pairs.of(0).len(), 2);
        assert!(pairs.of(1).is_empty());
        assert_eq!(
            pairs.get(2).map(|h| h.iter().collect()),
            Some(vec![(1, 0.0)])
        );
        assert!(pairs.get(4).is_none());
        let empty = Pairs::empty(3);
        assert_eq!(empty.len(), 3);
        assert!(empty.iter().all(Hits::is_empty));
        assert!(Pairs::default().is_empty());
    }
}
