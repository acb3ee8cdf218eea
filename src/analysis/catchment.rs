//! Catchments and per-capita supply over a finished coverage run: life-circle
//! tiers, time windows, two-step floating catchment (2SFCA), per-capita sports
//! area per unit and the rule for new communities. Everything here works on
//! facility-community pairs (walking metres) from [`Coverage::facility_hits`],
//! so it is the same for network and no-network (straight-line) runs.

use geo::{BoundingRect, Contains, Geometry};

use super::coverage::Coverage;
use super::supply::{self, Decay, Pair, PerCapita};
use super::windows::{self, Schedule, Window};
use crate::config::{Method, Settings};
use crate::input::Inputs;
use crate::model::{Category, Facility, Status};
use crate::spatial::representative_point;
use crate::targets::Targets;

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

/// Does a facility count towards per-capita area? Existing and not closed to
/// the public (whether or not it could be attached to the network).
pub fn counts_for_area(f: &Facility) -> bool {
    f.status == Status::Existing && f.open_to_public != Some(false)
}

/// Coverage in one time window.
#[derive(Debug, Clone)]
pub struct WindowResult {
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
    pub name: String,
    pub distance_m: f64,
    /// Per community: every requirement of the tier met.
    pub met: Vec<bool>,
    /// Per community: names of the requirements not met.
    pub missing: Vec<Vec<String>>,
}

/// The per-capita rule for a new community.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewCommunity {
    pub outdoor_per_person: f64,
    pub indoor_per_person: f64,
    pub met: bool,
}

/// Figures for one unit or the whole area (`unit == None`).
#[derive(Debug, Clone)]
pub struct UnitStats {
    pub unit: Option<usize>,
    pub communities: usize,
    pub per_capita: PerCapita,
    pub meets_per_capita: bool,
    /// Population-weighted means of the 2SFCA access (m2 per person).
    pub sfca_outdoor_mean: f64,
    pub sfca_indoor_mean: f64,
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
    pub new_communities: usize,
    pub new_communities_below: usize,
}

/// All catchment results of a run.
#[derive(Debug, Clone)]
pub struct Catchments {
    pub method: Method,
    pub catchment_m: f64,
    pub sfca_outdoor: Vec<f64>,
    pub sfca_indoor: Vec<f64>,
    pub sfca_total: Vec<f64>,
    pub tiers: Vec<TierResult>,
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

/// Parse each facility's opening hours; unreadable ones are reported and
/// treated as unknown.
fn schedules(facilities: &[Facility]) -> (Vec<Option<Schedule>>, Vec<(String, String)>) {
    let mut problems = Vec::new();
    let s = facilities
        .iter()
        .map(|f| match f.opening_hours.as_deref() {
            None => None,
            Some(text) => match windows::parse_opening_hours(text) {
                Ok(s) => Some(s),
                Err(e) => {
                    problems.push((f.id.clone(), e));
                    None
                }
            },
        })
        .collect();
    (s, problems)
}

/// Compute every catchment figure.
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    inputs: &Inputs,
    coverage: &Coverage,
    counted: &[bool],
    community_unit: &[Option<usize>],
    facility_unit: &[Option<usize>],
    settings: &Settings,
    targets: &Targets,
    window_list: &[Window],
) -> Catchments {
    let nf = inputs.facilities.len();
    let nc = inputs.communities.len();
    let limit = coverage.settings.limit_m;
    let population: Vec<f64> = inputs.communities.iter().map(|c| c.population).collect();
    let outdoor: Vec<f64> = inputs.facilities.iter().map(sports_land_m2).collect();
    let indoor: Vec<f64> = inputs.facilities.iter().map(|f| f.floor_area_m2).collect();
    let total: Vec<f64> = outdoor.iter().zip(&indoor).map(|(a, b)| a + b).collect();

    let pairs_where = |keep: &dyn Fn(usize) -> bool, max_m: f64| -> Vec<Pair> {
        let mut out = Vec::new();
        for (f, hits) in coverage.facility_hits.iter().enumerate() {
            if !keep(f) {
                continue;
            }
            for &(c, d) in hits {
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
    };

    // 2SFCA: outdoor, indoor and total area any time, and total area in
    // each time window (closed facilities supply 0), in one pass.
    let dec = decay(settings.method, limit);
    let all_pairs = pairs_where(&|f| counted[f], limit);
    let (sched, hours_problems) = schedules(&inputs.facilities);
    let open_in: Vec<Vec<bool>> = window_list
        .iter()
        .map(|w| {
            (0..nf)
                .map(|f| {
                    let fac = &inputs.facilities[f];
                    counted[f]
                        && windows::counts_in_window(
                            sched[f].as_ref(),
                            fac.category == Category::SchoolVenue,
                            fac.open_to_public,
                            w,
                            settings.min_open_minutes,
                        )
                })
                .collect()
        })
        .collect();
    let window_supply: Vec<Vec<f64>> = open_in
        .iter()
        .map(|open| {
            total
                .iter()
                .zip(open)
                .map(|(t, o)| if *o { *t } else { 0.0 })
                .collect()
        })
        .collect();
    let mut supplies: Vec<&[f64]> = vec![&outdoor, &indoor, &total];
    supplies.extend(window_supply.iter().map(Vec::as_slice));
    let mut sfca = supply::two_step_many(&supplies, &population, &all_pairs, &dec, limit)
        .into_iter()
        .map(|r| r.access);
    let sfca_outdoor = sfca.next().unwrap_or_default();
    let sfca_indoor = sfca.next().unwrap_or_default();
    let sfca_total = sfca.next().unwrap_or_default();
    let sfca_windows: Vec<Vec<f64>> = sfca.collect();
    // Tiers.
    let tiers: Vec<TierResult> = targets
        .tier
        .iter()
        .map(|tier| {
            // One pass over the pairs: each facility's requirements as bits
            // (64 per word), OR-ed into every community within the tier.
            let words = tier.requirement.len().div_ceil(64).max(1);
            let fac_bits: Vec<u64> = (0..nf)
                .flat_map(|f| {
                    (0..words).map(move |wi| {
                        let mut bits = 0u64;
                        if counted[f] {
                            for (ri, req) in tier.requirement.iter().enumerate() {
                                if ri / 64 == wi
                                    && req.parsed.contains(&inputs.facilities[f].category)
                                {
                                    bits |= 1 << (ri % 64);
                                }
                            }
                        }
                        bits
                    })
                })
                .collect();
            let mut com_bits = vec![0u64; nc * words];
            for (f, hits) in coverage.facility_hits.iter().enumerate() {
                let fb = &fac_bits[f * words..(f + 1) * words];
                if fb.iter().all(|b| *b == 0) {
                    continue;
                }
                for &(c, d) in hits {
                    if d <= tier.distance_m {
                        let cb = &mut com_bits[c as usize * words..(c as usize + 1) * words];
                        for (x, y) in cb.iter_mut().zip(fb) {
                            *x |= *y;
                        }
                    }
                }
            }
            let req_met =
                |ri: usize, c: usize| com_bits[c * words + ri / 64] & (1 << (ri % 64)) != 0;
            let missing: Vec<Vec<String>> = (0..nc)
                .map(|c| {
                    tier.requirement
                        .iter()
                        .enumerate()
                        .filter(|(ri, _)| !req_met(*ri, c))
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
        })
        .collect();

    // Time windows: nearest open facility.
    let windows_out: Vec<WindowResult> = window_list
        .iter()
        .zip(open_in)
        .zip(sfca_windows)
        .map(|((w, open), sfca_total)| {
            let mut nearest_m: Vec<Option<f64>> = vec![None; nc];
            for (f, hits) in coverage.facility_hits.iter().enumerate() {
                if !open[f] {
                    continue;
                }
                for &(c, d) in hits {
                    let slot = &mut nearest_m[c as usize];
                    if slot.is_none_or(|x| d < x) {
                        *slot = Some(d);
                    }
                }
            }
            WindowResult {
                window: w.clone(),
                sfca_total,
                open,
                nearest_m,
            }
        })
        .collect();
    // New communities: sports area inside or within the new-community tier.
    let new_tier_m = targets.new_community_tier().distance_m;
    let pc = &targets.per_capita;
    let mut near: Vec<(f64, f64)> = vec![(0.0, 0.0); nc];
    let mut seen: Vec<Vec<u32>> = vec![Vec::new(); nc];
    for (f, hits) in coverage.facility_hits.iter().enumerate() {
        if !counts_for_area(&inputs.facilities[f]) {
            continue;
        }
        for &(c, d) in hits {
            if d <= new_tier_m {
                near[c as usize].0 += outdoor[f];
                near[c as usize].1 += indoor[f];
                seen[c as usize].push(f as u32);
            }
        }
    }
    let fac_points: Vec<Option<geo::Point<f64>>> = inputs
        .facilities
        .iter()
        .map(|f| representative_point(&f.geometry))
        .collect();
    // Facility points in lon/lat degrees: bounding-box queries only.
    let fac_tree = rstar::RTree::bulk_load(
        fac_points
            .iter()
            .enumerate()
            .filter_map(|(f, p)| p.map(|p| rstar::primitives::GeomWithData::new([p.x(), p.y()], f)))
            .collect::<Vec<_>>(),
    );
    let new_check: Vec<Option<NewCommunity>> = inputs
        .communities
        .iter()
        .enumerate()
        .map(|(c, com)| {
            if com.build_year.is_none_or(|y| y < pc.new_build_year) {
                return None;
            }
            let (mut o, mut i) = near[c];
            if let (Geometry::Polygon(_) | Geometry::MultiPolygon(_), Some(bb)) =
                (&com.geometry, com.geometry.bounding_rect())
            {
                let env =
                    rstar::AABB::from_corners([bb.min().x, bb.min().y], [bb.max().x, bb.max().y]);
                let mut inside: Vec<usize> = fac_tree
                    .locate_in_envelope(&env)
                    .map(|it| it.data)
                    .collect();
                inside.sort_unstable();
                for f in inside {
                    let Some(p) = &fac_points[f] else { continue };
                    if counts_for_area(&inputs.facilities[f])
                        && !seen[c].contains(&(f as u32))
                        && com.geometry.contains(p)
                    {
                        o += outdoor[f];
                        i += indoor[f];
                    }
                }
            }
            let pop = com.population;
            let (op, ip) = if pop > 0.0 {
                (o / pop, i / pop)
            } else {
                (0.0, 0.0)
            };
            Some(NewCommunity {
                outdoor_per_person: op,
                indoor_per_person: ip,
                met: pc.met(op, ip),
            })
        })
        .collect();

    // Per-capita area per unit (existing facilities open to the public).
    let area_out: Vec<f64> = inputs
        .facilities
        .iter()
        .zip(&outdoor)
        .map(|(f, a)| if counts_for_area(f) { *a } else { 0.0 })
        .collect();
    let area_in: Vec<f64> = inputs
        .facilities
        .iter()
        .zip(&indoor)
        .map(|(f, a)| if counts_for_area(f) { *a } else { 0.0 })
        .collect();
    let (per_unit, whole) = supply::per_capita_by_unit(
        inputs.units.len(),
        facility_unit,
        &area_out,
        &area_in,
        community_unit,
        &population,
    );
    let below: Vec<bool> = (0..nc)
        .map(|c| !pc.met(sfca_outdoor[c], sfca_indoor[c]))
        .collect();
    let stats_for = |unit: Option<usize>, per_capita: PerCapita| -> UnitStats {
        let members: Vec<usize> = (0..nc)
            .filter(|&c| unit.is_none() || community_unit[c] == unit)
            .collect();
        let w: Vec<f64> = members.iter().map(|&c| population[c]).collect();
        let pick = |v: &[f64]| -> Vec<f64> { members.iter().map(|&c| v[c]).collect() };
        let pop: f64 = w.iter().sum::<f64>() + 0.0;
        let share = |ok: &dyn Fn(usize) -> bool| -> f64 {
            if pop > 0.0 {
                members
                    .iter()
                    .filter(|&&c| ok(c))
                    .map(|&c| population[c])
                    .sum::<f64>()
                    / pop
                    + 0.0
            } else {
                0.0
            }
        };
        let new_members: Vec<&NewCommunity> = members
            .iter()
            .filter_map(|&c| new_check[c].as_ref())
            .collect();
        UnitStats {
            unit,
            communities: members.len(),
            meets_per_capita: pc.met(
                per_capita.outdoor_per_person(),
                per_capita.indoor_per_person(),
            ),
            per_capita,
            sfca_outdoor_mean: supply::weighted_mean(&pick(&sfca_outdoor), &w),
            sfca_indoor_mean: supply::weighted_mean(&pick(&sfca_indoor), &w),
            sfca_total_mean: supply::weighted_mean(&pick(&sfca_total), &w),
            share_below_target: share(&|c| below[c]),
            gini_total: supply::gini(&pick(&sfca_total), &w),
            tier_share: tiers.iter().map(|t| share(&|c| t.met[c])).collect(),
            window_share: windows_out
                .iter()
                .map(|wr| share(&|c| wr.nearest_m[c].is_some_and(|d| d <= limit)))
                .collect(),
            new_communities: new_members.len(),
            new_communities_below: new_members.iter().filter(|n| !n.met).count(),
        }
    };
    let mut units = vec![stats_for(None, whole)];
    for (u, pcap) in per_unit.into_iter().enumerate() {
        units.push(stats_for(Some(u), pcap));
    }
    Catchments {
        method: settings.method,
        catchment_m: limit,
        sfca_outdoor,
        sfca_indoor,
        sfca_total,
        tiers,
        windows: windows_out,
        new_check,
        units,
        hours_problems,
    }
}
