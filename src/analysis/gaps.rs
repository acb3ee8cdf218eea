//! Gaps, planned-project progress, before/after figures and the
//! model-district scorecard. Built from a finished [`Study`]; pure data, no
//! files (see `output` for gaps.geojson / gaps.csv / scorecard.*).

use std::collections::HashMap;

use geo::{Geometry, MultiPoint, Point};

use super::catchment::sports_land_m2;
use super::coverage::{Coverage, Target};
use super::study::Study;
use crate::input::Inputs;
use crate::model::{Category, Facility, Status};
use crate::spatial::representative_point;
use crate::targets::{Indicator, Indicators, PlannedProject};

/// One gap: where, who, which indicator, who leads, why.
#[derive(Debug, Clone)]
pub struct Gap {
    /// Machine-readable kind, e.g. `uncovered_15min`.
    pub kind: &'static str,
    pub indicator: String,
    pub lead: String,
    pub lead_en: String,
    /// Id of the community, unit, facility or project concerned.
    pub subject_id: String,
    pub name: String,
    /// Unit name, if known.
    pub unit: Option<String>,
    /// Residents affected.
    pub people: f64,
    pub explanation_zh: String,
    pub explanation_en: String,
    /// Where (None for district-wide items).
    pub geometry: Option<Geometry<f64>>,
}

/// Progress of one planned-project type (measure 15(4)).
#[derive(Debug, Clone)]
pub struct Progress {
    pub project: PlannedProject,
    /// Built since the plan year (existing, build year >= the new-build year).
    pub done: f64,
    /// Planned (status planned).
    pub planned: f64,
    /// Unit: count, or km for trails.
    pub unit: String,
    pub met: Option<bool>,
}

/// The marginal gain of one planned facility.
#[derive(Debug, Clone)]
pub struct PlannedGain {
    pub facility: usize,
    /// Residents not covered by existing facilities whom this one covers.
    pub newly_covered_people: f64,
}

/// Scorecard status of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status4 {
    Met,
    NotMet,
    NoData,
    NotSpatial,
}

impl Status4 {
    pub fn as_str(self) -> &'static str {
        match self {
            Status4::Met => "met",
            Status4::NotMet => "not met",
            Status4::NoData => "no data",
            Status4::NotSpatial => "not spatial",
        }
    }
}

/// One scorecard row.
#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub indicator: Indicator,
    pub status: Status4,
    /// The computed or supplied figure, as text with its unit.
    pub figure: String,
    /// The target, as text.
    pub target: String,
    pub note: String,
}

/// Non-spatial figures supplied by the user: indicator id -> value.
pub type Figures = HashMap<String, f64>;

/// Everything issue-4 needs from a run.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub gaps: Vec<Gap>,
    pub progress: Vec<Progress>,
    pub planned_gains: Vec<PlannedGain>,
    /// Covered share (any facility, population-weighted) before and after
    /// planned facilities.
    pub covered_before: f64,
    pub covered_after: Option<f64>,
    /// Per-capita outdoor / indoor m2 before and after.
    pub per_capita_before: (f64, f64),
    pub per_capita_after: Option<(f64, f64)>,
    pub scorecard: Vec<ScoreRow>,
}

fn covered_share(inputs: &Inputs, cov: &Coverage) -> f64 {
    let Some(t) = cov.target_index(Target::Any) else {
        return 0.0;
    };
    let total: f64 = inputs.communities.iter().map(|c| c.population).sum();
    let covered: f64 = (0..inputs.communities.len())
        .filter(|&c| cov.covered(t, c))
        .map(|c| inputs.communities[c].population)
        .sum();
    if total > 0.0 { covered / total } else { 0.0 }
}

fn is_new(f: &Facility, year: i32) -> bool {
    f.build_year.is_some_and(|y| y >= year)
}

fn project_matches(p: &PlannedProject, f: &Facility) -> bool {
    p.parsed == Some(f.category)
        && p.subtype.as_ref().is_none_or(|s| {
            f.subtype
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(s))
        })
}

/// Length in km of a facility's line geometry (0 for points and polygons).
fn line_km(f: &Facility) -> f64 {
    use geo::{Geodesic, Length};
    match &f.geometry {
        Geometry::LineString(l) => Geodesic.length(l) / 1000.0,
        Geometry::MultiLineString(ml) => {
            ml.iter().map(|l| Geodesic.length(l)).sum::<f64>() / 1000.0
        }
        _ => 0.0,
    }
}

fn compare(value: f64, figure: Option<f64>, max: Option<f64>, comparison: &str) -> Option<bool> {
    let f = figure?;
    Some(match comparison {
        "<=" => value <= f,
        "==" => (value - f).abs() < 1e-9,
        "between" => value >= f && max.is_none_or(|m| value <= m),
        _ => value >= f,
    })
}

fn target_text(figure: Option<f64>, max: Option<f64>, comparison: &str, unit: &str) -> String {
    match (figure, max) {
        (Some(a), Some(b)) if comparison == "between" => format!("{a}-{b} {unit}"),
        (Some(a), _) => format!(
            "{} {a} {unit}",
            if comparison.is_empty() {
                ">="
            } else {
                comparison
            }
        ),
        _ => String::new(),
    }
}

/// Assess a finished run against the indicators.
pub fn assess(
    inputs: &Inputs,
    study: &Study,
    indicators: &Indicators,
    figures: &Figures,
) -> Assessment {
    let cov = &study.coverage;
    // None in a coverage-only run: only the coverage gaps are assessed.
    let ca = study.catchments.as_ref();
    let pc = &study.targets.per_capita;
    let limit = cov.settings.limit_m;
    let minutes = study.settings.minutes;
    let unit_name = |u: Option<usize>| u.map(|u| inputs.units[u].name.clone());
    let lead_of = |id: &str| -> (String, String) {
        indicators
            .indicator
            .iter()
            .find(|x| x.id == id)
            .map(|x| (x.lead.clone(), x.lead_en.clone()))
            .unwrap_or_default()
    };
    let mut gaps = Vec::new();

    // 1. Communities outside the 15-minute circle, unreachable ones, tiers.
    let (lead13, lead13_en) = lead_of("13");
    let any = cov.target_index(Target::Any);
    for (c, com) in inputs.communities.iter().enumerate() {
        let unit = unit_name(study.community_unit[c]);
        if let Err(e) = &study.community_access[c] {
            gaps.push(Gap {
                kind: "unreachable",
                indicator: "13".into(),
                lead: lead13.clone(),
                lead_en: lead13_en.clone(),
                subject_id: com.id.clone(),
                name: com.name.clone(),
                unit: unit.clone(),
                people: com.population,
                explanation_zh: "无法接入步行网络，不能证明在15分钟健身圈内".into(),
                explanation_en: format!("not attached to the walking network: {}", e.reason()),
                geometry: Some(com.geometry.clone()),
            });
            continue;
        }
        if any.is_some_and(|t| !cov.covered(t, c)) {
            let d = any.and_then(|t| cov.nearest_m[t].get(c));
            gaps.push(Gap {
                kind: "uncovered_15min",
                indicator: "13".into(),
                lead: lead13.clone(),
                lead_en: lead13_en.clone(),
                subject_id: com.id.clone(),
                name: com.name.clone(),
                unit: unit.clone(),
                people: com.population,
                explanation_zh: format!("{minutes}分钟步行范围内没有体育健身设施"),
                explanation_en: match d {
                    Some(d) => format!(
                        "no sports facility within a {minutes}-minute walk (nearest {:.1} min)",
                        d / study.settings.metres_per_minute()
                    ),
                    None => format!("no sports facility within a {minutes}-minute walk"),
                },
                geometry: Some(com.geometry.clone()),
            });
        }
        for t in ca.iter().flat_map(|ca| &ca.tiers) {
            if !t.missing[c].is_empty() {
                gaps.push(Gap {
                    kind: "tier_missing",
                    indicator: "13".into(),
                    lead: lead13.clone(),
                    lead_en: lead13_en.clone(),
                    subject_id: com.id.clone(),
                    name: com.name.clone(),
                    unit: unit.clone(),
                    people: com.population,
                    explanation_zh: format!("{}生活圈缺少：{}", t.name, t.missing[c].join("、")),
                    explanation_en: format!(
                        "{} life circle ({:.0} m) lacks: {}",
                        t.name,
                        t.distance_m,
                        t.missing[c].join(", ")
                    ),
                    geometry: Some(com.geometry.clone()),
                });
            }
        }
    }

    // 2. Units below the per-capita targets; new communities below.
    let (lead14, lead14_en) = lead_of("14");
    for u in ca.iter().flat_map(|ca| &ca.units[1..]) {
        let Some(ui) = u.unit else { continue };
        if !u.meets_per_capita {
            let unit = &inputs.units[ui];
            gaps.push(Gap {
                kind: "unit_below_per_capita",
                indicator: "14".into(),
                lead: lead14.clone(),
                lead_en: lead14_en.clone(),
                subject_id: unit.id.clone(),
                name: unit.name.clone(),
                unit: Some(unit.name.clone()),
                people: u.per_capita.population,
                explanation_zh: format!(
                    "人均室外体育用地{:.2}㎡、室内体育建筑面积{:.2}㎡，低于{}/{}㎡",
                    u.per_capita.outdoor_per_person(),
                    u.per_capita.indoor_per_person(),
                    pc.outdoor_m2_per_person,
                    pc.indoor_m2_per_person
                ),
                explanation_en: format!(
                    "{:.2} m2 outdoor sports land and {:.2} m2 indoor floor area per person, below {} / {} m2",
                    u.per_capita.outdoor_per_person(),
                    u.per_capita.indoor_per_person(),
                    pc.outdoor_m2_per_person,
                    pc.indoor_m2_per_person
                ),
                geometry: Some(Geometry::MultiPolygon(unit.geometry.clone())),
            });
        }
    }
    for (c, com) in inputs.communities.iter().enumerate() {
        if let Some(n) = ca.and_then(|ca| ca.new_check[c].as_ref()) {
            if !n.met {
                gaps.push(Gap {
                    kind: "new_community_below_per_capita",
                    indicator: "14".into(),
                    lead: lead14.clone(),
                    lead_en: lead14_en.clone(),
                    subject_id: com.id.clone(),
                    name: com.name.clone(),
                    unit: unit_name(study.community_unit[c]),
                    people: com.population,
                    explanation_zh: format!(
                        "新建小区人均室外体育用地{:.2}㎡、室内{:.2}㎡，未达{}/{}㎡",
                        n.outdoor_per_person, n.indoor_per_person, pc.outdoor_m2_per_person, pc.indoor_m2_per_person
                    ),
                    explanation_en: format!(
                        "new community: {:.2} m2 outdoor and {:.2} m2 indoor sports space per person within {}, below {} / {} m2",
                        n.outdoor_per_person,
                        n.indoor_per_person,
                        pc.new_community_tier,
                        pc.outdoor_m2_per_person,
                        pc.indoor_m2_per_person
                    ),
                    geometry: Some(com.geometry.clone()),
                });
            }
        }
    }

    // 3. School venues not open to the public.
    let (lead16, lead16_en) = lead_of("16");
    let hits_pop = |f: usize| -> f64 {
        cov.facility_hits
            .get(f)
            .map(|h| {
                h.iter()
                    .filter(|x| x.1 <= limit)
                    .map(|x| inputs.communities[x.0 as usize].population)
                    .sum()
            })
            .unwrap_or(0.0)
    };
    let after_hits_pop = |f: usize| -> f64 {
        study
            .coverage_after
            .as_ref()
            .and_then(|a| a.facility_hits.get(f))
            .map(|h| {
                h.iter()
                    .filter(|x| x.1 <= limit)
                    .map(|x| inputs.communities[x.0 as usize].population)
                    .sum()
            })
            .unwrap_or(0.0)
    };
    let schools: Vec<usize> = (0..inputs.facilities.len())
        .filter(|&f| inputs.facilities[f].category == Category::SchoolVenue)
        .collect();
    for &f in &schools {
        let fac = &inputs.facilities[f];
        if fac.open_to_public == Some(false) {
            gaps.push(Gap {
                kind: "school_venue_not_open",
                indicator: "16".into(),
                lead: lead16.clone(),
                lead_en: lead16_en.clone(),
                subject_id: fac.id.clone(),
                name: fac.name.clone(),
                unit: unit_name(study.facility_unit[f]),
                people: hits_pop(f).max(after_hits_pop(f)),
                explanation_zh: "学校体育场地未向社会开放".into(),
                explanation_en: if cov.has_pairs {
                    "school sports venue not open to the public (people = residents within the walk who could use it)".into()
                } else {
                    "school sports venue not open to the public (people not counted in a coverage-only run)".into()
                },
                geometry: Some(fac.geometry.clone()),
            });
        }
    }

    // 4. No second-generation outdoor fitness equipment within the 5-minute tier.
    let (lead17, lead17_en) = lead_of("17");
    let gen2: Vec<usize> = (0..inputs.facilities.len())
        .filter(|&f| {
            let x = &inputs.facilities[f];
            x.category == Category::FitnessStation
                && study.facility_counts[f]
                && x.status == Status::Existing
                && x.equipment_generation.is_some_and(|g| g >= 2)
        })
        .collect();
    let generation_known = inputs
        .facilities
        .iter()
        .any(|f| f.equipment_generation.is_some());
    let tier5 = study
        .targets
        .tier
        .iter()
        .map(|t| t.distance_m)
        .fold(f64::INFINITY, f64::min);
    let mut has_gen2 = vec![false; inputs.communities.len()];
    for &f in &gen2 {
        for &(c, d) in &cov.facility_hits[f] {
            if d <= tier5 {
                has_gen2[c as usize] = true;
            }
        }
    }
    // Needs the facility-community pairs (not in a coverage-only run).
    if generation_known && cov.has_pairs {
        for (c, com) in inputs.communities.iter().enumerate() {
            if !has_gen2[c] && study.community_access[c].is_ok() {
                gaps.push(Gap {
                    kind: "no_second_generation_equipment",
                    indicator: "17".into(),
                    lead: lead17.clone(),
                    lead_en: lead17_en.clone(),
                    subject_id: com.id.clone(),
                    name: com.name.clone(),
                    unit: unit_name(study.community_unit[c]),
                    people: com.population,
                    explanation_zh: format!("{tier5:.0}米内没有第二代室外健身器材"),
                    explanation_en: format!(
                        "no second-generation outdoor fitness equipment within {tier5:.0} m"
                    ),
                    geometry: Some(com.geometry.clone()),
                });
            }
        }
    }

    // 5. Planned projects of measure 15(4).
    let year = pc.new_build_year;
    // Without any build year or planned status, "built since the plan" is
    // unknowable: progress is then "no data", not "not met".
    let dated = inputs
        .facilities
        .iter()
        .any(|f| f.build_year.is_some() || f.status == Status::Planned);
    let mut progress = Vec::new();
    for p in &indicators.planned_project {
        let members: Vec<&Facility> = inputs
            .facilities
            .iter()
            .filter(|f| project_matches(p, f))
            .collect();
        let km = p.unit == "km";
        let amount = |f: &Facility| if km { line_km(f) } else { 1.0 };
        let done: f64 = members
            .iter()
            .filter(|f| f.status == Status::Existing && is_new(f, year))
            .map(|f| amount(f))
            .sum::<f64>()
            + 0.0;
        let planned: f64 = members
            .iter()
            .filter(|f| f.status == Status::Planned)
            .map(|f| amount(f))
            .sum::<f64>()
            + 0.0;
        let met = if dated {
            compare(done, p.figure, p.figure_max, &p.comparison)
        } else {
            None
        };
        if met == Some(false) {
            let pts: Vec<Point<f64>> = members
                .iter()
                .filter(|f| f.status == Status::Planned || is_new(f, year))
                .filter_map(|f| representative_point(&f.geometry))
                .collect();
            gaps.push(Gap {
                kind: "planned_project_short",
                indicator: p.indicator.clone(),
                lead: p.lead.clone(),
                lead_en: p.lead_en.clone(),
                subject_id: p.name_en.replace(' ', "_"),
                name: p.name.clone(),
                unit: None,
                people: 0.0,
                explanation_zh: format!(
                    "{}：已建{}、规划{}，目标{}",
                    p.name,
                    fmt_amount(done, km),
                    fmt_amount(planned, km),
                    target_text(p.figure, p.figure_max, &p.comparison, &p.unit)
                ),
                explanation_en: format!(
                    "{}: {} built since {year}, {} planned, target {}",
                    p.name_en,
                    fmt_amount(done, km),
                    fmt_amount(planned, km),
                    target_text(p.figure, p.figure_max, &p.comparison, &p.unit)
                ),
                geometry: (!pts.is_empty()).then(|| Geometry::MultiPoint(MultiPoint::new(pts))),
            });
        }
        progress.push(Progress {
            project: p.clone(),
            done,
            planned,
            unit: if km { "km".into() } else { p.unit.clone() },
            met,
        });
    }

    // Before / after and the marginal gain of each planned facility.
    let covered_before = covered_share(inputs, cov);
    let covered_after = study
        .coverage_after
        .as_ref()
        .map(|a| covered_share(inputs, a));
    let mut planned_gains = Vec::new();
    if let (Some(after), Some(t), true) = (&study.coverage_after, any, cov.has_pairs) {
        for (f, fac) in inputs.facilities.iter().enumerate() {
            if fac.status != Status::Planned {
                continue;
            }
            let newly: f64 = after.facility_hits[f]
                .iter()
                .filter(|(c, d)| *d <= limit && !cov.covered(t, *c as usize))
                .map(|(c, _)| inputs.communities[*c as usize].population)
                .sum::<f64>()
                + 0.0;
            planned_gains.push(PlannedGain {
                facility: f,
                newly_covered_people: newly,
            });
        }
        planned_gains.sort_by(|a, b| {
            b.newly_covered_people
                .total_cmp(&a.newly_covered_people)
                .then(a.facility.cmp(&b.facility))
        });
    }
    let total_pop: f64 = inputs.communities.iter().map(|c| c.population).sum();
    let per_person = |counts: &dyn Fn(&Facility) -> bool| -> (f64, f64) {
        let o: f64 = inputs
            .facilities
            .iter()
            .filter(|f| counts(f))
            .map(sports_land_m2)
            .sum();
        let i: f64 = inputs
            .facilities
            .iter()
            .filter(|f| counts(f))
            .map(|f| f.floor_area_m2)
            .sum();
        if total_pop > 0.0 {
            (o / total_pop, i / total_pop)
        } else {
            (0.0, 0.0)
        }
    };
    let per_capita_before =
        per_person(&|f| f.status == Status::Existing && f.open_to_public != Some(false));
    let per_capita_after = study
        .coverage_after
        .is_some()
        .then(|| per_person(&|f| f.open_to_public != Some(false)));

    // Scorecard.
    let scorecard = indicators
        .indicator
        .iter()
        .map(|ind| {
            score(
                ind,
                inputs,
                study,
                figures,
                covered_before,
                &progress,
                &schools,
                generation_known,
                &has_gen2,
            )
        })
        .collect();
    Assessment {
        gaps,
        progress,
        planned_gains,
        covered_before,
        covered_after,
        per_capita_before,
        per_capita_after,
        scorecard,
    }
}

fn fmt_amount(x: f64, km: bool) -> String {
    if km {
        format!("{x:.2} km")
    } else {
        format!("{x:.0}")
    }
}

#[allow(clippy::too_many_arguments)]
fn score(
    ind: &Indicator,
    inputs: &Inputs,
    study: &Study,
    figures: &Figures,
    covered: f64,
    progress: &[Progress],
    schools: &[usize],
    generation_known: bool,
    has_gen2: &[bool],
) -> ScoreRow {
    let target = target_text(ind.figure, ind.figure_max, &ind.comparison, &ind.unit);
    let row = |status: Status4, figure: String, note: String| ScoreRow {
        indicator: ind.clone(),
        status,
        figure,
        target: target.clone(),
        note,
    };
    let pop_share = |ok: &dyn Fn(usize) -> bool| -> f64 {
        let total: f64 = inputs.communities.iter().map(|c| c.population).sum();
        let yes: f64 = (0..inputs.communities.len())
            .filter(|&c| ok(c))
            .map(|c| inputs.communities[c].population)
            .sum();
        if total > 0.0 { yes / total } else { 0.0 }
    };
    match ind.kind.as_str() {
        "not_spatial" => row(
            Status4::NotSpatial,
            String::new(),
            "organisational item; no map can check it".into(),
        ),
        "tabular" => match figures.get(&ind.id) {
            Some(v) => {
                let ok = compare(*v, ind.figure, ind.figure_max, &ind.comparison);
                row(
                    match ok {
                        Some(true) => Status4::Met,
                        Some(false) => Status4::NotMet,
                        None => Status4::NoData,
                    },
                    format!("{v} {}", ind.unit),
                    "figure from the --figures file".into(),
                )
            }
            None => row(
                Status4::NoData,
                String::new(),
                "no figure supplied (give it in a --figures CSV: id,value)".into(),
            ),
        },
        _ => match ind.check.as_str() {
            "coverage_15min" => {
                let s = if study.mode.is_approximate() {
                    " (approximate: straight-line distances)"
                } else {
                    ""
                };
                row(
                    if covered >= 1.0 - 1e-12 {
                        Status4::Met
                    } else {
                        Status4::NotMet
                    },
                    format!(
                        "{:.1} % of residents within {} min",
                        100.0 * covered,
                        study.settings.minutes
                    ),
                    format!("met when every resident is within the walk{s}"),
                )
            }
            "per_capita_new_communities" => {
                let new: Vec<_> = study
                    .catchments
                    .iter()
                    .flat_map(|ca| ca.new_check.iter().flatten())
                    .collect();
                if study.catchments.is_none() {
                    row(
                        Status4::NoData,
                        String::new(),
                        "not computed: a coverage-only run has no catchment figures".to_string(),
                    )
                } else if new.is_empty() {
                    row(
                        Status4::NoData,
                        String::new(),
                        format!(
                            "no community built in or after {}",
                            study.targets.per_capita.new_build_year
                        ),
                    )
                } else {
                    let ok = new.iter().filter(|n| n.met).count();
                    row(
                        if ok == new.len() {
                            Status4::Met
                        } else {
                            Status4::NotMet
                        },
                        format!("{ok} of {} new communities meet 0.3 / 0.1 m2", new.len()),
                        "outdoor OR indoor figure, within the 5-minute tier".into(),
                    )
                }
            }
            "school_venues_open_share" => {
                let known: Vec<bool> = schools
                    .iter()
                    .filter_map(|&f| inputs.facilities[f].open_to_public)
                    .collect();
                if known.is_empty() {
                    row(
                        Status4::NoData,
                        format!("{} school venues, openness unknown", schools.len()),
                        "add open_to_public to school venues".into(),
                    )
                } else {
                    let open = known.iter().filter(|x| **x).count();
                    let share = open as f64 / schools.len() as f64;
                    row(
                        if open == schools.len() {
                            Status4::Met
                        } else {
                            Status4::NotMet
                        },
                        format!("{:.1} % open ({open} of {})", 100.0 * share, schools.len()),
                        if known.len() < schools.len() {
                            format!(
                                "{} venues with unknown status count as not open",
                                schools.len() - known.len()
                            )
                        } else {
                            String::new()
                        },
                    )
                }
            }
            "second_generation_equipment_5min" => {
                if !study.coverage.has_pairs {
                    row(
                        Status4::NoData,
                        String::new(),
                        "not computed: a coverage-only run has no facility-community pairs".into(),
                    )
                } else if !generation_known {
                    row(
                        Status4::NoData,
                        String::new(),
                        "no fitness station carries equipment_generation".into(),
                    )
                } else {
                    let share = pop_share(&|c| has_gen2[c]);
                    row(
                        if share >= 1.0 - 1e-12 {
                            Status4::Met
                        } else {
                            Status4::NotMet
                        },
                        format!("{:.1} % of residents", 100.0 * share),
                        "second-generation equipment within the 5-minute tier".into(),
                    )
                }
            }
            "planned_cage_football" | "new_trail_km" | "facility_types_present" => {
                let lines: Vec<String> = progress
                    .iter()
                    .map(|p| {
                        format!(
                            "{}: {} built + {} planned",
                            p.project.name_en,
                            fmt_amount(p.done, p.unit == "km"),
                            fmt_amount(p.planned, p.unit == "km")
                        )
                    })
                    .collect();
                let checked: Vec<&Progress> = progress.iter().filter(|p| p.met.is_some()).collect();
                let status = if checked.is_empty() {
                    Status4::NoData
                } else if checked.iter().all(|p| p.met == Some(true)) {
                    Status4::Met
                } else {
                    Status4::NotMet
                };
                row(
                    status,
                    lines.join("; "),
                    "measure 15(4) projects built since the plan year".into(),
                )
            }
            _ => row(
                Status4::NoData,
                String::new(),
                "no fitcircle computation for this item yet".into(),
            ),
        },
    }
}
