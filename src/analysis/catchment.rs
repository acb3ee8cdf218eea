//! Catchments and per-capita supply over a finished coverage run: life-circle
//! tiers, time windows, two-step floating catchment (2SFCA), per-capita sports
//! area per unit and the rule for new communities. Everything here works on
//! facility-community pairs (walking metres) from [`Coverage::facility_hits`],
//! so it is the same for network and no-network (straight-line) runs.

use geo::{BoundingRect, Contains, Geometry};

use super::coverage::Coverage;
use super::scenario::Scenario;
use super::supply::{self, Decay, Pair, PerCapita};
use super::windows::{self, Schedule, Window};
use crate::config::{Method, Settings};
use crate::input::Inputs;
use crate::model::{Category, Facility, UnitIx};
use crate::spatial::representative_point;
use crate::targets::{PerCapitaTarget, Targets, Tier};

/// Share of a park's area that is sports land (GB 50180: 10-15 % of a
/// 10-minute-circle park goes to sports; we take the low end).
pub const PARK_SPORTS_SHARE: f64 = 0.10;

/// Outdoor sports land (m2) a facility contributes to per-capita figures:
/// its area, but only [`PARK_SPORTS_SHARE`] of a park, and a school's
/// category default (not its whole campus; the outline's area when smaller)
/// when the area came from its outline; pitches inside a school count on
/// their own.
pub fn sports_land_m2(f: &Facility) -> f64 {
    match f.category {
        Category::Park => f.area_m2 * PARK_SPORTS_SHARE,
        Category::SchoolVenue if f.area_source == crate::model::AreaSource::Geometry => {
            f.area_m2.min(Category::SchoolVenue.default_area().0)
        }
        _ => f.area_m2,
    }
}

/// Does a facility count towards per-capita area? As it counts now
/// ([`Scenario::Now`]), whether or not it could be attached to the network.
pub fn counts_for_area(f: &Facility) -> bool {
    Scenario::Now.counts(f)
}

/// Coverage in one time window.
#[derive(Debug, Clone)]
pub struct WindowResult {
    /// The time window.
    pub window: Window,
    /// Per facility: counts in this window.
    pub open: Vec<bool>,
    /// Per community: walking metres to the nearest facility open in the
    /// window (within the pair range), `None` beyond.
    pub nearest_m: Vec<Option<f64>>,
    /// Per community: 2SFCA of total sports area (outdoor + indoor) with only
    /// the facilities open in this window.
    pub sfca_total: Vec<f64>,
}

/// One life-circle tier.
#[derive(Debug, Clone)]
pub struct TierResult {
    /// Tier name, as in the targets (e.g. `5min`).
    pub name: String,
    /// Walking distance of the tier, metres.
    pub distance_m: f64,
    /// Per community: every requirement of the tier met.
    pub met: Vec<bool>,
    /// Per community: names of the requirements not met.
    pub missing: Vec<Vec<String>>,
}

/// The per-capita rule for a new community.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewCommunity {
    /// Outdoor sports land per resident within the tier's distance or inside
    /// the community, m2 per person (0 without residents).
    pub outdoor_per_person: f64,
    /// Indoor sports floor area per resident within the tier's distance or
    /// inside the community, m2 per person (0 without residents).
    pub indoor_per_person: f64,
    /// The per-capita rule is met for these two figures.
    pub met: bool,
}

/// Figures for one unit or the whole area (`unit == None`).
#[derive(Debug, Clone)]
pub struct UnitStats {
    /// Index of the unit in the inputs' units, `None` for the whole area.
    pub unit: Option<UnitIx>,
    /// Number of communities in the unit.
    pub communities: usize,
    /// Residents of the unit's communities and the outdoor / indoor area (m2)
    /// of the facilities in the unit that count for per-capita area.
    pub per_capita: PerCapita,
    /// The per-capita rule is met for the unit's own figures; `None` when
    /// the unit has no residents (not applicable).
    pub meets_per_capita: Option<bool>,
    /// Population-weighted means of the 2SFCA access (m2 per person).
    pub sfca_outdoor_mean: f64,
    /// Population-weighted mean of the indoor 2SFCA access, m2 per person.
    pub sfca_indoor_mean: f64,
    /// Population-weighted mean of the total (outdoor + indoor) 2SFCA access,
    /// m2 per person.
    pub sfca_total_mean: f64,
    /// Population share whose 2SFCA access is below the per-capita target
    /// (neither the outdoor nor the indoor figure reached, per the rule).
    pub share_below_target: f64,
    /// Gini of total 2SFCA access over residents.
    pub gini_total: f64,
    /// Population share meeting each tier (targets order).
    pub tier_share: Vec<f64>,
    /// Population share covered in each window (windows order).
    pub window_share: Vec<f64>,
    /// Number of new communities (built in or after the target year) in the unit.
    pub new_communities: usize,
    /// How many of those new communities do not meet the per-capita rule.
    pub new_communities_below: usize,
}

/// All catchment results of a run.
#[derive(Debug, Clone)]
pub struct Catchments {
    /// The 2SFCA variant (distance decay) used.
    pub method: Method,
    /// The 2SFCA catchment, the walking limit, metres.
    pub catchment_m: f64,
    /// Per community: 2SFCA access to outdoor sports land, m2 per person.
    pub sfca_outdoor: Vec<f64>,
    /// Per community: 2SFCA access to indoor sports floor area, m2 per person.
    pub sfca_indoor: Vec<f64>,
    /// Per community: 2SFCA access to total sports area (outdoor + indoor), m2
    /// per person.
    pub sfca_total: Vec<f64>,
    /// One result per life-circle tier, in targets order.
    pub tiers: Vec<TierResult>,
    /// One result per time window, in the order given.
    pub windows: Vec<WindowResult>,
    /// Per community: the new-community rule, for communities built in or
    /// after the target year.
    pub new_check: Vec<Option<NewCommunity>>,
    /// Whole area first, then one per unit.
    pub units: Vec<UnitStats>,
    /// Facilities whose opening hours could not be read (id, reason).
    pub hours_problems: Vec<(String, String)>,
}

fn decay(method: Method, catchment_m: f64) -> Decay {
    match method {
        Method::TwoStep => Decay::Step,
        Method::Enhanced => Decay::default_e2sfca(catchment_m),
        Method::Gaussian => Decay::Gaussian { catchment_m },
    }
}

/// Parse each facility's opening hours: `None` without stated hours;
/// unreadable ones are reported and count in no window (a closed
/// schedule), never as always open.
fn schedules(facilities: &[Facility]) -> (Vec<Option<Schedule>>, Vec<(String, String)>) {
    let mut problems = Vec::new();
    let s = facilities
        .iter()
        .map(
            |f| match windows::facility_schedule(f.opening_hours.as_deref()) {
                Ok(s) => s,
                Err(e) => {
                    problems.push((f.id.clone(), e));
                    Some(Schedule::closed())
                }
            },
        )
        .collect();
    (s, problems)
}

/// What the catchment figures are computed from: the inputs, a finished
/// coverage run (its facility-community pairs) and the unit assignment.
#[derive(Debug, Clone, Copy)]
pub struct CatchmentInput<'a> {
    /// The inputs (facilities, communities with their population).
    pub inputs: &'a Inputs,
    /// Coverage of the facilities that count now.
    pub coverage: &'a Coverage,
    /// Per facility: counts (existing and not closed to the public).
    pub counted: &'a [bool],
    /// Per community: its unit, if any.
    pub community_unit: &'a [Option<UnitIx>],
    /// Per facility: its unit, if any.
    pub facility_unit: &'a [Option<UnitIx>],
}

impl CatchmentInput<'_> {
    fn facilities(&self) -> &[Facility] {
        &self.inputs.facilities
    }

    fn community_count(&self) -> usize {
        self.inputs.communities.len()
    }

    /// Residents per community.
    fn population(&self) -> Vec<f64> {
        self.inputs
            .communities
            .iter()
            .map(|c| c.population)
            .collect()
    }

    /// The walking limit (the 2SFCA catchment), metres.
    fn limit_m(&self) -> f64 {
        self.coverage.settings.limit_m
    }
}

/// Compute every catchment figure: 2SFCA access (any time and per time
/// window), life-circle tiers, nearest open facility per window, the
/// new-community rule and the per-unit figures, each its own step.
pub fn evaluate(
    input: &CatchmentInput,
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
) -> Catchments {
    // Steps: hours, windows, 2SFCA, each tier, window results, new
    // communities, units.
    let progress = crate::progress::Counter::start("catchments", 6 + targets.tier.len() as u64);
    let areas = FacilityAreas::of(input.facilities());
    let (sched, hours_problems) = schedules(input.facilities());
    progress.add(1);
    let open_in = open_in_windows(input, &sched, window_list, settings.min_open_minutes);
    progress.add(1);
    let sfca = two_step_access(input, &areas, &open_in, settings.method);
    progress.add(1);
    let tiers = targets
        .tier
        .iter()
        .map(|t| {
            let r = tier_result(input, t);
            progress.add(1);
            r
        })
        .collect();
    let windows = window_results(input, window_list, open_in, sfca.windows);
    progress.add(1);
    let new_check = new_communities(input, &areas, targets);
    progress.add(1);
    let mut catchments = Catchments {
        method: settings.method,
        catchment_m: input.limit_m(),
        sfca_outdoor: sfca.outdoor,
        sfca_indoor: sfca.indoor,
        sfca_total: sfca.total,
        tiers,
        windows,
        new_check,
        units: Vec::new(),
        hours_problems,
    };
    catchments.units = unit_stats(input, &areas, &targets.per_capita, &catchments);
    progress.finish();
    catchments
}

/// Each facility's supply in m2: outdoor sports land ([`sports_land_m2`]),
/// indoor floor area, and the two together.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityAreas {
    /// Per facility: outdoor sports land, m2 ([`sports_land_m2`]).
    pub outdoor: Vec<f64>,
    /// Per facility: indoor sports floor area, m2.
    pub indoor: Vec<f64>,
    /// Per facility: outdoor plus indoor, m2.
    pub total: Vec<f64>,
}

impl FacilityAreas {
    /// The areas of these facilities, in their order.
    pub fn of(facilities: &[Facility]) -> FacilityAreas {
        let outdoor: Vec<f64> = facilities.iter().map(sports_land_m2).collect();
        let indoor: Vec<f64> = facilities.iter().map(|f| f.floor_area_m2).collect();
        let total = outdoor.iter().zip(&indoor).map(|(a, b)| a + b).collect();
        FacilityAreas {
            outdoor,
            indoor,
            total,
        }
    }

    /// Outdoor and indoor areas of the facilities that count for per-capita
    /// area ([`counts_for_area`]), 0 for the others.
    fn counting_for_area(&self, facilities: &[Facility]) -> (Vec<f64>, Vec<f64>) {
        let keep = |v: &[f64]| -> Vec<f64> {
            facilities
                .iter()
                .zip(v)
                .map(|(f, a)| if counts_for_area(f) { *a } else { 0.0 })
                .collect()
        };
        (keep(&self.outdoor), keep(&self.indoor))
    }
}

/// The facility-community pairs of the counted facilities within `max_m`.
fn counted_pairs(coverage: &Coverage, counted: &[bool], max_m: f64) -> Vec<Pair> {
    let mut out = Vec::new();
    for (f, hits) in coverage.facility_hits.iter().enumerate() {
        if !counted[f] {
            continue;
        }
        for (c, d) in hits {
            if d <= max_m {
                out.push(Pair {
                    facility: f as u32,
                    community: c,
                    dist_m: d,
                });
            }
        }
    }
    out
}

/// Per window, per facility: counted and open in the window.
fn open_in_windows(
    input: &CatchmentInput,
    sched: &[Option<Schedule>],
    window_list: &[Window],
    min_open_minutes: u32,
) -> Vec<Vec<bool>> {
    let facilities = input.facilities();
    window_list
        .iter()
        .map(|w| {
            (0..facilities.len())
                .map(|f| {
                    let fac = &facilities[f];
                    input.counted[f]
                        && windows::counts_in_window(
                            sched[f].as_ref(),
                            fac.category == Category::SchoolVenue,
                            fac.open_to_public,
                            w,
                            min_open_minutes,
                        )
                })
                .collect()
        })
        .collect()
}

/// 2SFCA access per community (m2 per person).
#[derive(Debug, Clone, PartialEq)]
pub struct SfcaAccess {
    /// Per community: 2SFCA access to outdoor sports land, m2 per person.
    pub outdoor: Vec<f64>,
    /// Per community: 2SFCA access to indoor sports floor area, m2 per person.
    pub indoor: Vec<f64>,
    /// Per community: 2SFCA access to total sports area, m2 per person.
    pub total: Vec<f64>,
    /// Per window: total area with only the facilities open in it.
    pub windows: Vec<Vec<f64>>,
}

/// 2SFCA of outdoor, indoor and total area any time, and of total area in
/// each time window (closed facilities supply 0), in one pass over the
/// pairs of the counted facilities within the walking limit.
fn two_step_access(
    input: &CatchmentInput,
    areas: &FacilityAreas,
    open_in: &[Vec<bool>],
    method: Method,
) -> SfcaAccess {
    let limit = input.limit_m();
    let dec = decay(method, limit);
    let pairs = counted_pairs(input.coverage, input.counted, limit);
    let window_supply: Vec<Vec<f64>> = open_in
        .iter()
        .map(|open| {
            areas
                .total
                .iter()
                .zip(open)
                .map(|(t, o)| if *o { *t } else { 0.0 })
                .collect()
        })
        .collect();
    let mut supplies: Vec<&[f64]> = vec![&areas.outdoor, &areas.indoor, &areas.total];
    supplies.extend(window_supply.iter().map(Vec::as_slice));
    let mut sfca = supply::two_step_many(&supplies, &input.population(), &pairs, &dec, limit)
        .into_iter()
        .map(|r| r.access);
    SfcaAccess {
        outdoor: sfca.next().unwrap_or_default(),
        indoor: sfca.next().unwrap_or_default(),
        total: sfca.next().unwrap_or_default(),
        windows: sfca.collect(),
    }
}

/// Which requirements of a tier each item (facility or community) meets,
/// as bits, `words` 64-bit words per item.
#[derive(Debug, Clone, PartialEq)]
struct RequirementBits {
    words: usize,
    bits: Vec<u64>,
}

impl RequirementBits {
    fn row(&self, i: usize) -> &[u64] {
        &self.bits[i * self.words..(i + 1) * self.words]
    }

    fn has(&self, i: usize, requirement: usize) -> bool {
        self.bits[i * self.words + requirement / 64] & (1 << (requirement % 64)) != 0
    }
}

/// The requirements of `tier` each counted facility fulfils by its category.
fn facility_requirements(input: &CatchmentInput, tier: &Tier) -> RequirementBits {
    let words = tier.requirement.len().div_ceil(64).max(1);
    let bits = (0..input.facilities().len())
        .flat_map(|f| {
            (0..words).map(move |wi| {
                let mut bits = 0u64;
                if input.counted[f] {
                    for (ri, req) in tier.requirement.iter().enumerate() {
                        if ri / 64 == wi && req.parsed.contains(&input.facilities()[f].category) {
                            bits |= 1 << (ri % 64);
                        }
                    }
                }
                bits
            })
        })
        .collect();
    RequirementBits { words, bits }
}

/// The requirements of a tier met at each community: one pass over the
/// pairs, each facility's bits OR-ed into every community within the tier.
fn community_requirements(
    input: &CatchmentInput,
    distance_m: f64,
    facilities: &RequirementBits,
) -> RequirementBits {
    let words = facilities.words;
    let mut bits = vec![0u64; input.community_count() * words];
    for (f, hits) in input.coverage.facility_hits.iter().enumerate() {
        let fb = facilities.row(f);
        if fb.iter().all(|b| *b == 0) {
            continue;
        }
        for (c, d) in hits {
            if d <= distance_m {
                let cb = &mut bits[c as usize * words..(c as usize + 1) * words];
                for (x, y) in cb.iter_mut().zip(fb) {
                    *x |= *y;
                }
            }
        }
    }
    RequirementBits { words, bits }
}

/// One life-circle tier: per community, the requirements not met.
fn tier_result(input: &CatchmentInput, tier: &Tier) -> TierResult {
    let met_at =
        community_requirements(input, tier.distance_m, &facility_requirements(input, tier));
    let missing: Vec<Vec<String>> = (0..input.community_count())
        .map(|c| {
            tier.requirement
                .iter()
                .enumerate()
                .filter(|(ri, _)| !met_at.has(c, *ri))
                .map(|(_, r)| r.name.clone())
                .collect()
        })
        .collect();
    TierResult {
        name: tier.name.clone(),
        distance_m: tier.distance_m,
        met: missing.iter().map(|m| m.is_empty()).collect(),
        missing,
    }
}

/// Per community: walking metres to the nearest facility marked `open`
/// (within the pair range), `None` beyond.
fn nearest_open(coverage: &Coverage, open: &[bool], n_communities: usize) -> Vec<Option<f64>> {
    let mut nearest_m: Vec<Option<f64>> = vec![None; n_communities];
    for (f, hits) in coverage.facility_hits.iter().enumerate() {
        if !open[f] {
            continue;
        }
        for (c, d) in hits {
            let slot = &mut nearest_m[c as usize];
            if slot.is_none_or(|x| d < x) {
                *slot = Some(d);
            }
        }
    }
    nearest_m
}

/// Coverage in each time window: which facilities count, the nearest of
/// them and the window's 2SFCA.
fn window_results(
    input: &CatchmentInput,
    window_list: &[Window],
    open_in: Vec<Vec<bool>>,
    sfca_windows: Vec<Vec<f64>>,
) -> Vec<WindowResult> {
    window_list
        .iter()
        .zip(open_in)
        .zip(sfca_windows)
        .map(|((w, open), sfca_total)| WindowResult {
            window: w.clone(),
            sfca_total,
            nearest_m: nearest_open(input.coverage, &open, input.community_count()),
            open,
        })
        .collect()
}

/// Per community: the sports area (outdoor, indoor m2) of the facilities
/// that count for area within `max_m` walking, and which facilities those
/// are.
#[derive(Debug, Clone, PartialEq)]
struct AreaWithin {
    area: Vec<(f64, f64)>,
    facilities: Vec<Vec<u32>>,
}

fn area_within(input: &CatchmentInput, areas: &FacilityAreas, max_m: f64) -> AreaWithin {
    let nc = input.community_count();
    let mut area: Vec<(f64, f64)> = vec![(0.0, 0.0); nc];
    let mut seen: Vec<Vec<u32>> = vec![Vec::new(); nc];
    for (f, hits) in input.coverage.facility_hits.iter().enumerate() {
        if !counts_for_area(&input.facilities()[f]) {
            continue;
        }
        for (c, d) in hits {
            if d <= max_m {
                area[c as usize].0 += areas.outdoor[f];
                area[c as usize].1 += areas.indoor[f];
                seen[c as usize].push(f as u32);
            }
        }
    }
    AreaWithin {
        area,
        facilities: seen,
    }
}

/// Facility representative points (lon/lat) and a tree over them for
/// bounding-box queries.
struct FacilityPoints {
    points: Vec<Option<geo::Point<f64>>>,
    tree: rstar::RTree<rstar::primitives::GeomWithData<[f64; 2], usize>>,
}

impl FacilityPoints {
    fn of(facilities: &[Facility]) -> FacilityPoints {
        let points: Vec<Option<geo::Point<f64>>> = facilities
            .iter()
            .map(|f| representative_point(&f.geometry))
            .collect();
        // Facility points in lon/lat degrees: bounding-box queries only.
        let tree = rstar::RTree::bulk_load(
            points
                .iter()
                .enumerate()
                .filter_map(|(f, p)| {
                    p.map(|p| rstar::primitives::GeomWithData::new([p.x(), p.y()], f))
                })
                .collect::<Vec<_>>(),
        );
        FacilityPoints { points, tree }
    }

    /// Facilities whose point lies in the box of `geometry` (a polygon),
    /// in input order; empty for other geometries.
    fn in_box_of(&self, geometry: &Geometry<f64>) -> Vec<usize> {
        let (Geometry::Polygon(_) | Geometry::MultiPolygon(_), Some(bb)) =
            (geometry, geometry.bounding_rect())
        else {
            return Vec::new();
        };
        let env = rstar::AABB::from_corners([bb.min().x, bb.min().y], [bb.max().x, bb.max().y]);
        let mut inside: Vec<usize> = self
            .tree
            .locate_in_envelope(&env)
            .map(|it| it.data)
            .collect();
        inside.sort_unstable();
        inside
    }
}

/// The new-community rule per community (communities built in or after
/// the target year; `None` for the others): sports area within the
/// new-community tier, plus facilities inside the community's polygon
/// that are not within the tier, per resident.
fn new_communities(
    input: &CatchmentInput,
    areas: &FacilityAreas,
    targets: &Targets,
) -> Vec<Option<NewCommunity>> {
    let pc = &targets.per_capita;
    let within = area_within(input, areas, targets.new_community_tier().distance_m);
    let points = FacilityPoints::of(input.facilities());
    input
        .inputs
        .communities
        .iter()
        .enumerate()
        .map(|(c, com)| {
            if com.build_year.is_none_or(|y| y < pc.new_build_year) {
                return None;
            }
            let (mut o, mut i) = within.area[c];
            for f in points.in_box_of(&com.geometry) {
                let Some(p) = &points.points[f] else { continue };
                if counts_for_area(&input.facilities()[f])
                    && !within.facilities[c].contains(&(f as u32))
                    && com.geometry.contains(p)
                {
                    o += areas.outdoor[f];
                    i += areas.indoor[f];
                }
            }
            Some(new_community(o, i, com.population, pc))
        })
        .collect()
}

/// The new-community rule for `outdoor` / `indoor` m2 shared by `population`.
fn new_community(outdoor: f64, indoor: f64, population: f64, pc: &PerCapitaTarget) -> NewCommunity {
    let (op, ip) = if population > 0.0 {
        (outdoor / population, indoor / population)
    } else {
        (0.0, 0.0)
    };
    NewCommunity {
        outdoor_per_person: op,
        indoor_per_person: ip,
        met: pc.met(op, ip),
    }
}

/// The communities of one unit (or of the whole area) and their residents.
struct Members<'a> {
    list: Vec<usize>,
    population: &'a [f64],
    /// Residents of each member, in `list` order.
    weights: Vec<f64>,
    total: f64,
}

impl<'a> Members<'a> {
    fn of(unit: Option<UnitIx>, community_unit: &[Option<UnitIx>], population: &'a [f64]) -> Self {
        let list: Vec<usize> = (0..population.len())
            .filter(|&c| unit.is_none() || community_unit[c] == unit)
            .collect();
        let weights: Vec<f64> = list.iter().map(|&c| population[c]).collect();
        let total = weights.iter().sum::<f64>() + 0.0;
        Members {
            list,
            population,
            weights,
            total,
        }
    }

    /// A per-community figure for the members, in `list` order.
    fn pick(&self, v: &[f64]) -> Vec<f64> {
        self.list.iter().map(|&c| v[c]).collect()
    }

    /// Population share of the members for which `ok` holds.
    fn share(&self, ok: impl Fn(usize) -> bool) -> f64 {
        if self.total > 0.0 {
            self.list
                .iter()
                .filter(|&&c| ok(c))
                .map(|&c| self.population[c])
                .sum::<f64>()
                / self.total
                + 0.0
        } else {
            0.0
        }
    }
}

/// Per-capita area (existing facilities open to the public) and the
/// population-weighted catchment figures, for the whole area and then
/// each unit; `figures` holds every per-community result (not `units`).
fn unit_stats(
    input: &CatchmentInput,
    areas: &FacilityAreas,
    pc: &PerCapitaTarget,
    figures: &Catchments,
) -> Vec<UnitStats> {
    let population = input.population();
    let (area_out, area_in) = areas.counting_for_area(input.facilities());
    let (per_unit, whole) = supply::per_capita_by_unit(
        input.inputs.units.len(),
        input.facility_unit,
        &area_out,
        &area_in,
        input.community_unit,
        &population,
    );
    let stats_for = |unit: Option<UnitIx>, per_capita: PerCapita| {
        let members = Members::of(unit, input.community_unit, &population);
        group_stats(unit, &members, per_capita, pc, figures)
    };
    let mut units = vec![stats_for(None, whole)];
    for (u, pcap) in per_unit.into_iter().enumerate() {
        units.push(stats_for(Some(UnitIx::new(u)), pcap));
    }
    units
}

/// The figures of one group of communities.
fn group_stats(
    unit: Option<UnitIx>,
    members: &Members,
    per_capita: PerCapita,
    pc: &PerCapitaTarget,
    figures: &Catchments,
) -> UnitStats {
    let w = &members.weights;
    let limit = figures.catchment_m;
    let new_members: Vec<&NewCommunity> = members
        .list
        .iter()
        .filter_map(|&c| figures.new_check[c].as_ref())
        .collect();
    UnitStats {
        unit,
        communities: members.list.len(),
        meets_per_capita: per_capita.applicable().then(|| {
            pc.met(
                per_capita.outdoor_per_person(),
                per_capita.indoor_per_person(),
            )
        }),
        per_capita,
        sfca_outdoor_mean: supply::weighted_mean(&members.pick(&figures.sfca_outdoor), w),
        sfca_indoor_mean: supply::weighted_mean(&members.pick(&figures.sfca_indoor), w),
        sfca_total_mean: supply::weighted_mean(&members.pick(&figures.sfca_total), w),
        share_below_target: members
            .share(|c| !pc.met(figures.sfca_outdoor[c], figures.sfca_indoor[c])),
        gini_total: supply::gini(&members.pick(&figures.sfca_total), w),
        tier_share: figures
            .tiers
            .iter()
            .map(|t| members.share(|c| t.met[c]))
            .collect(),
        window_share: figures
            .windows
            .iter()
            .map(|wr| members.share(|c| wr.nearest_m[c].is_some_and(|d| d <= limit)))
            .collect(),
        new_communities: new_members.len(),
        new_communities_below: new_members.iter().filter(|n| !n.met).count(),
    }
}

#[cfg(test)]
mod tests {
    //! Three communities, four facilities and hand-made pairs (walking
    //! metres), so every figure can be worked out on paper:
    //!
    //! | facility | category        | area m2 | floor m2 | counts | pairs (community: m)   |
    //! |----------|-----------------|---------|----------|--------|------------------------|
    //! | F0       | football pitch  | 800     |          | yes    | A: 100, B: 400         |
    //! | F1       | fitness centre  |         | 50       | yes    | B: 200, C: 900         |
    //! | F2       | park            | 10 000  |          | yes    | A: 250, C: 1200        |
    //! | F3       | school, closed  | 2000    |          | no     | A: 50                  |
    //!
    //! A (100 people, built 2020), B (300), C (600, built 2021, a polygon
    //! around F1). Units: U0 = A, B, F0, F2, F3; U1 = C, F1. F1 opens
    //! Mo-Fr 17:00-21:00; F2's hours do not parse (it counts in no window).
    use std::sync::Arc;

    use geo::{Geometry, MultiPolygon, Point, Rect};

    use super::*;
    use crate::analysis::coverage::{CoverageSettings, DistColumn, Target};
    use crate::model::{AdminUnit, AreaSource, Community};
    use crate::testing;

    const LIMIT: f64 = 1000.0;

    fn facility(id: &str, category: Category, area: f64, floor: f64, at: (f64, f64)) -> Facility {
        Facility {
            floor_area_m2: floor,
            ..testing::facility(id, category, area, Point::new(at.0, at.1).into())
        }
    }

    fn community(id: &str, population: f64, build_year: Option<i32>, g: Geometry) -> Community {
        Community {
            build_year,
            ..testing::community(id, population, g)
        }
    }

    fn unit(id: &str) -> AdminUnit {
        AdminUnit {
            id: id.into(),
            name: id.into(),
            geometry: MultiPolygon::new(Vec::new()),
        }
    }

    fn inputs() -> Inputs {
        let mut f1 = facility("F1", Category::FitnessCentre, 0.0, 50.0, (0.01, 0.01));
        f1.opening_hours = Some("Mo-Fr 17:00-21:00".into());
        let mut f2 = facility("F2", Category::Park, 10_000.0, 0.0, (0.03, 0.0));
        f2.opening_hours = Some("whenever".into());
        let mut f3 = facility("F3", Category::SchoolVenue, 2000.0, 0.0, (0.04, 0.0));
        f3.open_to_public = Some(false);
        let around_f1 = Rect::new((0.005, 0.005), (0.015, 0.015)).to_polygon();
        Inputs {
            facilities: vec![
                facility("F0", Category::FootballPitch, 800.0, 0.0, (0.02, 0.0)),
                f1,
                f2,
                f3,
            ],
            communities: vec![
                community("A", 100.0, Some(2020), Point::new(0.0, 0.0).into()),
                community("B", 300.0, None, Point::new(0.0, 0.02).into()),
                community("C", 600.0, Some(2021), around_f1.into()),
            ],
            units: vec![unit("U0"), unit("U1")],
            ..Default::default()
        }
    }

    fn coverage() -> Coverage {
        let hits = vec![
            vec![(0, 100.0), (1, 400.0)],
            vec![(1, 200.0), (2, 900.0)],
            vec![(0, 250.0), (2, 1200.0)],
            vec![(0, 50.0)],
        ];
        Coverage {
            settings: CoverageSettings {
                limit_m: LIMIT,
                report_m: 2.0 * LIMIT,
                pair_m: 1500.0,
            },
            targets: vec![Target::Any],
            nearest_m: vec![DistColumn::from_iter([None, None, None])],
            reachable: Vec::new(),
            facility_hits: Arc::new(super::super::coverage::Pairs::from_lists(hits)),
            has_pairs: true,
        }
    }

    const COUNTED: [bool; 4] = [true, true, true, false];
    const COMMUNITY_UNIT: [usize; 3] = [0, 0, 1];
    const FACILITY_UNIT: [usize; 4] = [0, 1, 0, 0];

    fn in_unit(u: usize) -> Option<UnitIx> {
        Some(UnitIx::new(u))
    }

    fn run(f: impl FnOnce(&CatchmentInput)) {
        let (inputs, coverage) = (inputs(), coverage());
        f(&CatchmentInput {
            inputs: &inputs,
            coverage: &coverage,
            counted: &COUNTED,
            community_unit: &COMMUNITY_UNIT.map(in_unit),
            facility_unit: &FACILITY_UNIT.map(in_unit),
        });
    }

    fn evaluated() -> Catchments {
        let mut out = None;
        run(|input| {
            out = Some(evaluate(
                input,
                &Settings::default(),
                &Targets::bundled(),
                &windows::default_windows(),
            ))
        });
        out.expect("evaluated")
    }

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn sports_land_counts_a_tenth_of_parks_and_caps_school_outlines() {
        let areas = FacilityAreas::of(&inputs().facilities);
        assert_eq!(areas.outdoor, [800.0, 0.0, 1000.0, 2000.0]);
        assert_eq!(areas.indoor, [0.0, 50.0, 0.0, 0.0]);
        assert_eq!(areas.total, [800.0, 50.0, 1000.0, 2000.0]);
        let mut campus = facility("S", Category::SchoolVenue, 9000.0, 0.0, (0.0, 0.0));
        campus.area_source = AreaSource::Geometry;
        assert_eq!(sports_land_m2(&campus), 2000.0);
        campus.area_m2 = 1500.0;
        assert_eq!(sports_land_m2(&campus), 1500.0);
        // The closed school counts for no per-capita area.
        let (o, i) = areas.counting_for_area(&inputs().facilities);
        assert_eq!(o, [800.0, 0.0, 1000.0, 0.0]);
        assert_eq!(i, [0.0, 50.0, 0.0, 0.0]);
    }

    #[test]
    fn pairs_are_the_counted_facilities_within_the_limit() {
        let pairs = counted_pairs(&coverage(), &COUNTED, LIMIT);
        let got: Vec<(u32, u32, f64)> = pairs
            .iter()
            .map(|p| (p.facility, p.community, p.dist_m))
            .collect();
        assert_eq!(
            got,
            [
                (0, 0, 100.0),
                (0, 1, 400.0),
                (1, 1, 200.0),
                (1, 2, 900.0),
                (2, 0, 250.0)
            ]
        );
    }

    #[test]
    fn two_step_access_by_hand() {
        // Step 1: F0 800 / (A 100 + B 300) = 2; F1 50 / (B + C 900) = 1/18;
        // F2 1000 / A 100 = 10 (C is beyond the limit). Step 2: sum per
        // community.
        let ca = evaluated();
        assert!(close(&ca.sfca_outdoor, &[12.0, 2.0, 0.0]), "{ca:?}");
        assert!(close(&ca.sfca_indoor, &[0.0, 1.0 / 18.0, 1.0 / 18.0]));
        assert!(close(&ca.sfca_total, &[12.0, 2.0 + 1.0 / 18.0, 1.0 / 18.0]));
        assert_eq!(ca.catchment_m, LIMIT);
        assert_eq!(ca.method, Method::TwoStep);
    }

    #[test]
    fn tiers_list_what_each_community_lacks() {
        let ca = evaluated();
        let missing = |tier: usize| -> Vec<Vec<&str>> {
            let t = &ca.tiers[tier];
            t.missing
                .iter()
                .map(|m| m.iter().map(String::as_str).collect())
                .collect()
        };
        assert_eq!(ca.tiers[0].name, "5min");
        // A: a football pitch at 100 m but no fitness ground; the closed
        // school at 50 m does not count.
        assert_eq!(
            missing(0),
            [
                vec!["outdoor_fitness_ground"],
                vec!["small_ball_ground", "outdoor_fitness_ground"],
                vec!["small_ball_ground", "outdoor_fitness_ground"],
            ]
        );
        assert_eq!(ca.tiers[1].met, [true, true, false]);
        assert_eq!(
            missing(2),
            [
                vec!["sports_hall_or_fitness_centre"],
                vec![],
                vec!["large_multi_sport_ground"],
            ]
        );
        assert_eq!(ca.tiers[2].met, [false, true, false]);
    }

    #[test]
    fn time_windows_use_opening_hours() {
        let ca = evaluated();
        assert_eq!(ca.hours_problems.len(), 1);
        assert_eq!(ca.hours_problems[0].0, "F2");
        let day = &ca.windows[0];
        assert_eq!(day.window.name, "weekday_daytime");
        // F1 opens only in the evening; F2's unreadable hours count in no
        // window (never as always open), so C has nothing open by day and
        // only F0 supplies A and B: 800 m2 for 400 people.
        assert_eq!(day.open, [true, false, false, false]);
        assert_eq!(day.nearest_m, [Some(100.0), Some(400.0), None]);
        assert!(close(&day.sfca_total, &[2.0, 2.0, 0.0]));
        let evening = &ca.windows[1];
        assert_eq!(evening.open, [true, true, false, false]);
        assert_eq!(evening.nearest_m, [Some(100.0), Some(200.0), Some(900.0)]);
        // F0 as by day, plus F1's 50 m2 shared by B and C (900 people).
        assert!(close(
            &evening.sfca_total,
            &[2.0, 2.0 + 50.0 / 900.0, 50.0 / 900.0]
        ));
        assert_eq!(
            nearest_open(&coverage(), &[false, false, false, true], 3),
            [Some(50.0), None, None]
        );
    }

    #[test]
    fn new_communities_count_the_tier_and_their_own_polygon() {
        let ca = evaluated();
        // A: F0 800 + a tenth of F2's 10 000 within 300 m, for 100 people.
        let a = ca.new_check[0].expect("A is new");
        assert_eq!((a.outdoor_per_person, a.indoor_per_person), (18.0, 0.0));
        assert!(a.met);
        assert_eq!(ca.new_check[1], None, "B has no build year");
        // C: nothing within 300 m, but F1 (50 m2 indoor) inside its polygon.
        let c = ca.new_check[2].expect("C is new");
        assert_eq!(c.outdoor_per_person, 0.0);
        assert!((c.indoor_per_person - 50.0 / 600.0).abs() < 1e-15);
        assert!(!c.met);
        let pc = &Targets::bundled().per_capita;
        assert!(!new_community(20.0, 5.0, 100.0, pc).met);
        assert!(new_community(0.0, 10.0, 100.0, pc).met);
        assert_eq!(
            new_community(5.0, 5.0, 0.0, pc),
            NewCommunity {
                outdoor_per_person: 0.0,
                indoor_per_person: 0.0,
                met: false
            }
        );
    }

    #[test]
    fn per_capita_and_shares_per_unit() {
        let ca = evaluated();
        assert_eq!(ca.units.len(), 3);
        let [whole, u0, u1] = [&ca.units[0], &ca.units[1], &ca.units[2]];
        assert_eq!(
            (whole.unit, u0.unit, u1.unit),
            (None, in_unit(0), in_unit(1))
        );
        assert_eq!(
            (whole.communities, u0.communities, u1.communities),
            (3, 2, 1)
        );
        // The closed school adds nothing: 1800 m2 outdoor, 50 m2 indoor.
        assert_eq!(
            whole.per_capita,
            PerCapita {
                population: 1000.0,
                outdoor_m2: 1800.0,
                indoor_m2: 50.0
            }
        );
        assert_eq!(u0.per_capita.outdoor_per_person(), 4.5);
        assert_eq!(u0.meets_per_capita, Some(true));
        // U1: 50 m2 indoor for 600 people, below 0.1 m2.
        assert_eq!(u1.meets_per_capita, Some(false));
        // 2SFCA hands out all 1850 m2 in reach: 1.85 m2 per resident.
        assert!((whole.sfca_total_mean - 1.85).abs() < 1e-12);
        // Only C (600 of 1000) is below both per-capita targets.
        assert!((whole.share_below_target - 0.6).abs() < 1e-15);
        assert_eq!(u0.share_below_target, 0.0);
        // Tiers met: none at 5 min, A and B at 10 min, B at 15 min.
        assert!(close(&whole.tier_share, &[0.0, 0.4, 0.3]));
        assert!(close(&u0.tier_share, &[0.0, 1.0, 0.75]));
        // Weekday daytime: C's nearest open facility is 1200 m away.
        assert!((whole.window_share[0] - 0.4).abs() < 1e-15);
        assert_eq!(whole.window_share[1], 1.0);
        assert_eq!((whole.new_communities, whole.new_communities_below), (2, 1));
        assert_eq!((u1.new_communities, u1.new_communities_below), (1, 1));
    }

    #[test]
    fn members_share_by_population() {
        let population = [100.0, 300.0, 600.0];
        let m = Members::of(in_unit(0), &COMMUNITY_UNIT.map(in_unit), &population);
        assert_eq!(m.list, [0, 1]);
        assert_eq!(m.weights, [100.0, 300.0]);
        assert_eq!(m.share(|c| c == 1), 0.75);
        assert_eq!(m.pick(&[1.0, 2.0, 3.0]), [1.0, 2.0]);
        let empty = Members::of(in_unit(0), &COMMUNITY_UNIT.map(in_unit), &[0.0, 0.0, 5.0]);
        assert_eq!(empty.share(|_| true), 0.0);
    }
}
