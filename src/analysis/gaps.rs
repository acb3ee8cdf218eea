//! Gaps, planned-project progress, before/after figures and the
//! model-district scorecard. Built from a finished [`Study`]; pure data, no
//! files (see `output` for gaps.geojson / gaps.csv / scorecard.*).

mod measures;

use std::collections::HashMap;

use geo::{Geometry, MultiPoint, Point};

use super::catchment::sports_land_m2;
use super::coverage::{Coverage, Target};
use super::scenario::Scenario;
use super::study::Study;
use crate::input::Inputs;
use crate::model::{Category, Facility, FacilityIx, Status, UnitIx};
use crate::spatial::representative_point;
use crate::targets::{Goal, Indicator, Indicators, PlannedProject};

/// One gap: where, who, which indicator, who leads, why.
#[derive(Debug, Clone)]
pub struct Gap {
    /// Machine-readable kind, e.g. `uncovered_15min`.
    pub kind: &'static str,
    /// Id of the Annex-2 indicator the gap falls under (e.g. `13`).
    pub indicator: String,
    /// Lead unit responsible, in Chinese.
    pub lead: String,
    /// Lead unit responsible, in English.
    pub lead_en: String,
    /// Id of the community, unit, facility or project concerned.
    pub subject_id: String,
    /// Name of the community, unit, facility or project concerned.
    pub name: String,
    /// Unit name, if known.
    pub unit: Option<String>,
    /// Residents affected.
    pub people: f64,
    /// Why this is a gap, in Chinese.
    pub explanation_zh: String,
    /// Why this is a gap, in English.
    pub explanation_en: String,
    /// Where (None for district-wide items).
    pub geometry: Option<Geometry<f64>>,
}

/// Progress of one planned-project type (measure 15(4)).
#[derive(Debug, Clone)]
pub struct Progress {
    /// The planned-project type tracked.
    pub project: PlannedProject,
    /// In use now: every existing member, whatever its build year (a
    /// trail without a build year is still an existing trail).
    pub existing: f64,
    /// Built since the plan year (existing, build year >= the new-build year).
    pub done: f64,
    /// Planned (status planned).
    pub planned: f64,
    /// Unit: count, or km for trails.
    pub unit: String,
    /// Members drawn as points whose length came from a length column
    /// (counted by that length).
    pub from_length: usize,
    /// Facilities of the project's category whose subtype is unknown, so
    /// that they cannot be counted (a football pitch of unknown size is
    /// not a cage court).
    pub unknown_subtype: usize,
    /// The target is met by what was built (`done`); `None` without a target,
    /// or when no facility has a build year or planned status (cannot tell).
    pub met: Option<bool>,
}

/// The marginal gain of one planned facility.
#[derive(Debug, Clone)]
pub struct PlannedGain {
    /// Index of the planned facility in the inputs' facilities.
    pub facility: FacilityIx,
    /// Residents not covered by existing facilities whom this one covers.
    pub newly_covered_people: f64,
}

/// Scorecard status of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status4 {
    /// The target is reached.
    Met,
    /// The target is not reached.
    NotMet,
    /// No figure to check (none supplied, or nothing to compute it from).
    NoData,
    /// An organisational item no map can check.
    NotSpatial,
}

impl Status4 {
    /// The status as written in the scorecard: `met`, `not met`, `no data` or
    /// `not spatial`.
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
    /// The indicator, as in the indicator list.
    pub indicator: Indicator,
    /// Met, not met, no data or not spatial.
    pub status: Status4,
    /// The computed or supplied figure, as text with its unit (English).
    pub figure: String,
    /// [`figure`](Self::figure) in Chinese.
    pub figure_zh: String,
    /// Every target figure of the indicator, in the seed's wording
    /// (English; `;` between several).
    pub target: String,
    /// [`target`](Self::target) in Chinese.
    pub target_zh: String,
    /// Why the status is what it is (where the figure comes from, caveats),
    /// in English.
    pub note: String,
    /// [`note`](Self::note) in Chinese.
    pub note_zh: String,
}

/// One scorecard row of a sub-measure (`[[indicator.measure]]`, e.g.
/// 15(1)), with the lead units of that sub-item.
#[derive(Debug, Clone)]
pub struct MeasureRow {
    /// Id of the indicator the sub-measure belongs to (e.g. `15`).
    pub indicator: String,
    /// The sub-measure, as in the indicator list.
    pub measure: crate::targets::SubMeasure,
    /// Met, not met or no data.
    pub status: Status4,
    /// The computed figure (English).
    pub figure: String,
    /// [`figure`](Self::figure) in Chinese.
    pub figure_zh: String,
    /// The target in fitcircle's reading (English; the seed gives no figure).
    pub target: String,
    /// [`target`](Self::target) in Chinese.
    pub target_zh: String,
    /// Why the status is what it is, or which input would make it
    /// computable (English).
    pub note: String,
    /// [`note`](Self::note) in Chinese.
    pub note_zh: String,
}

/// Non-spatial figures supplied by the user: indicator id -> value; the
/// second and further target figures of an indicator under `id#2`, `id#3`
/// (see [`figure_key`]).
pub type Figures = HashMap<String, f64>;

/// Everything issue-4 needs from a run.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// Every gap found, communities, units, facilities and projects.
    pub gaps: Vec<Gap>,
    /// Progress of each planned-project type, in the indicator list's order.
    pub progress: Vec<Progress>,
    /// Planned facilities by the residents each newly covers, most first;
    /// empty without planned facilities or facility-community pairs.
    pub planned_gains: Vec<PlannedGain>,
    /// Covered share (any facility, population-weighted) before and after
    /// planned facilities.
    pub covered_before: f64,
    /// The covered share after planned facilities, `None` without planned
    /// facilities.
    pub covered_after: Option<f64>,
    /// Per-capita outdoor / indoor m2 before and after.
    pub per_capita_before: (f64, f64),
    /// The per-capita figures after planned facilities, `None` without planned
    /// facilities.
    pub per_capita_after: Option<(f64, f64)>,
    /// One row per indicator, in the indicator list's order.
    pub scorecard: Vec<ScoreRow>,
    /// One row per sub-measure (13's three-level network, 15(1)-(3),
    /// 16(1)), in the indicator list's order.
    pub measures: Vec<MeasureRow>,
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
    let subtypes = p.subtypes();
    p.parsed == Some(f.category)
        && (subtypes.is_empty()
            || f.subtype
                .as_deref()
                .is_some_and(|x| subtypes.iter().any(|s| x.eq_ignore_ascii_case(s))))
}

/// A facility of the project's category that it cannot place: the project
/// asks for subtypes and the facility has none.
fn subtype_unknown(p: &PlannedProject, f: &Facility) -> bool {
    p.parsed == Some(f.category) && !p.subtypes().is_empty() && f.subtype.is_none()
}

/// Length in km of a facility's line geometry, else of its length column
/// (a trail drawn as a point); 0 otherwise.
fn line_km(f: &Facility) -> f64 {
    use geo::{Geodesic, Length};
    match &f.geometry {
        Geometry::LineString(l) => Geodesic.length(l) / 1000.0,
        Geometry::MultiLineString(ml) => {
            ml.iter().map(|l| Geodesic.length(l)).sum::<f64>() / 1000.0
        }
        _ => f.length_m.map_or(0.0, |m| m / 1000.0),
    }
}

/// The length of `f` comes from its length column (not a line).
fn km_from_column(f: &Facility) -> bool {
    !matches!(
        f.geometry,
        Geometry::LineString(_) | Geometry::MultiLineString(_)
    ) && f.length_m.is_some()
}

fn compare(value: f64, figure: Option<f64>, max: Option<f64>, comparison: &str) -> Option<bool> {
    let f = figure?;
    Some(match comparison {
        "<=" => value <= f,
        // The seed's 超过 (more than): not met at the figure itself.
        ">" => value > f,
        "==" => (value - f).abs() < 1e-9,
        "between" => value >= f && max.is_none_or(|m| value <= m),
        _ => value >= f,
    })
}

/// A goal's target as text in Chinese and in English: the seed's wording
/// (`超过{}`, `more than {}`) around the figure and its unit, else the
/// comparison sign; empty without a figure.
fn goal_text(g: &Goal) -> (String, String) {
    let amount = |unit: &str, sep: &str| match (g.figure, g.figure_max) {
        (Some(a), Some(b)) if g.comparison == "between" => Some(format!("{a}-{b}{sep}{unit}")),
        (Some(a), _) => Some(format!("{a}{sep}{unit}")),
        _ => None,
    };
    let sign = if g.comparison.is_empty() {
        ">="
    } else {
        g.comparison
    };
    let worded = |word: &str, amount: String| {
        if word.is_empty() {
            if g.comparison == "between" {
                amount
            } else {
                format!("{sign} {amount}")
            }
        } else {
            word.replace("{}", &amount)
        }
    };
    let unit_zh = if g.unit_zh.is_empty() {
        g.unit
    } else {
        g.unit_zh
    };
    let zh = amount(unit_zh, "").map(|a| worded(g.word, a));
    let en = amount(g.unit, " ").map(|a| worded(g.word_en, a.trim_end().to_string()));
    let label = |l: &str, s: String, sep: &str| {
        if l.is_empty() {
            s
        } else {
            format!("{l}{sep}{s}")
        }
    };
    (
        zh.map(|s| label(g.label, s, "：")).unwrap_or_default(),
        en.map(|s| label(g.label_en, s, ": ")).unwrap_or_default(),
    )
}

/// Every goal of an indicator as text, joined (Chinese, English).
fn goals_text(ind: &Indicator) -> (String, String) {
    let (zh, en): (Vec<String>, Vec<String>) = ind
        .goals()
        .iter()
        .map(goal_text)
        .filter(|(z, e)| !(z.is_empty() && e.is_empty()))
        .unzip();
    (zh.join("；"), en.join("; "))
}

/// Assess a finished run against the indicators: the gaps of each kind in
/// a fixed order, planned-project progress, before / after figures and the
/// scorecard.
pub fn assess(
    inputs: &Inputs,
    study: &Study,
    indicators: &Indicators,
    figures: &Figures,
) -> Assessment {
    let run = Run {
        inputs,
        study,
        indicators,
    };
    let schools = school_venues(inputs);
    let gen2 = SecondGeneration::of(inputs, study);
    let (project_gaps, progress) = planned_projects(inputs, indicators, study);
    let mut gaps = community_coverage_gaps(&run);
    gaps.extend(unit_below_per_capita(&run));
    gaps.extend(new_community_below_per_capita(&run));
    gaps.extend(school_venue_not_open(&run, &schools));
    gaps.extend(no_second_generation_equipment(&run, &gen2));
    gaps.extend(project_gaps);
    gaps.extend(measures::gaps(&run));
    let covered_before = covered_share(inputs, &study.scenarios.now);
    let scorecard = scorecard(
        indicators,
        &ScoreInputs {
            inputs,
            study,
            figures,
            covered: covered_before,
            progress: &progress,
            schools: &schools,
            gen2: &gen2,
        },
    );
    Assessment {
        gaps,
        planned_gains: planned_gains(inputs, study),
        covered_before,
        covered_after: study
            .scenarios
            .after
            .as_ref()
            .map(|a| covered_share(inputs, a)),
        per_capita_before: per_person(inputs, |f| Scenario::Now.counts(f)),
        per_capita_after: study
            .scenarios
            .after
            .is_some()
            .then(|| per_person(inputs, |f| Scenario::AfterPlanned.counts(f))),
        progress,
        scorecard,
        measures: measures::measure_rows(indicators, study),
    }
}

/// What the gap checks read: the inputs, the finished run and the
/// indicator list (for the lead departments).
#[derive(Debug, Clone, Copy)]
struct Run<'a> {
    inputs: &'a Inputs,
    study: &'a Study,
    indicators: &'a Indicators,
}

/// An indicator and who leads on it, in Chinese and English (empty when
/// the indicator is not listed).
#[derive(Debug, Clone, PartialEq)]
struct Lead {
    indicator: &'static str,
    zh: String,
    en: String,
}

/// A gap's explanation, in Chinese and English.
#[derive(Debug, Clone, PartialEq)]
struct Why {
    zh: String,
    en: String,
}

impl Run<'_> {
    /// The name of unit `u`, if any.
    fn unit_name(&self, u: Option<UnitIx>) -> Option<String> {
        u.map(|u| self.inputs.units[u.get()].name.clone())
    }

    /// Indicator `indicator` with its lead departments.
    fn lead(&self, indicator: &'static str) -> Lead {
        let (zh, en) = self
            .indicators
            .indicator
            .iter()
            .find(|x| x.id == indicator)
            .map(|x| (x.lead.clone(), x.lead_en.clone()))
            .unwrap_or_default();
        Lead { indicator, zh, en }
    }

    /// A gap about community `c`: its id, name, unit, residents and outline.
    fn community_gap(&self, kind: &'static str, lead: &Lead, c: usize, why: Why) -> Gap {
        let com = &self.inputs.communities[c];
        Gap {
            kind,
            indicator: lead.indicator.into(),
            lead: lead.zh.clone(),
            lead_en: lead.en.clone(),
            subject_id: com.id.clone(),
            name: com.name.clone(),
            unit: self.unit_name(self.study.units.community_unit[c]),
            people: com.population,
            explanation_zh: why.zh,
            explanation_en: why.en,
            geometry: Some(com.geometry.clone()),
        }
    }
}

/// Indicator 13, community by community: an unreachable community gets
/// only its `unreachable` gap; any other its `uncovered_15min` gap (if
/// outside the walk) and then one `tier_missing` gap per tier it lacks.
fn community_coverage_gaps(run: &Run) -> Vec<Gap> {
    let lead = run.lead("13");
    let mut gaps = Vec::new();
    for c in 0..run.inputs.communities.len() {
        if let Some(g) = unreachable(run, &lead, c) {
            gaps.push(g);
            continue;
        }
        gaps.extend(uncovered_15min(run, &lead, c));
        gaps.extend(tier_missing(run, &lead, c));
    }
    gaps
}

/// Community `c` could not be attached to the walking network.
fn unreachable(run: &Run, lead: &Lead, c: usize) -> Option<Gap> {
    let Err(e) = &run.study.placement.community_access[c] else {
        return None;
    };
    let why = Why {
        zh: "无法接入步行网络，不能证明在15分钟健身圈内".into(),
        en: format!("not attached to the walking network: {}", e.reason()),
    };
    Some(run.community_gap("unreachable", lead, c, why))
}

/// Community `c` has no counted facility within the walking limit.
fn uncovered_15min(run: &Run, lead: &Lead, c: usize) -> Option<Gap> {
    let cov = &run.study.scenarios.now;
    let t = cov.target_index(Target::Any)?;
    if cov.covered(t, c) {
        return None;
    }
    let minutes = run.study.settings.minutes;
    let en = match cov.nearest_m[t].get(c) {
        Some(d) => format!(
            "no sports facility within a {minutes}-minute walk (nearest {:.1} min)",
            d / run.study.settings.metres_per_minute()
        ),
        None => format!("no sports facility within a {minutes}-minute walk"),
    };
    let why = Why {
        zh: format!("{minutes}分钟步行范围内没有体育健身设施"),
        en,
    };
    Some(run.community_gap("uncovered_15min", lead, c, why))
}

/// One gap per life-circle tier community `c` lacks a requirement of
/// (none in a coverage-only run).
fn tier_missing(run: &Run, lead: &Lead, c: usize) -> Vec<Gap> {
    let tiers = run.study.catchments.iter().flat_map(|ca| &ca.tiers);
    tiers
        .filter(|t| !t.missing[c].is_empty())
        .map(|t| {
            let zh_names: Vec<String> = t.missing[c]
                .iter()
                .map(|m| requirement_zh(run.study, m))
                .collect();
            let minutes = run
                .study
                .targets
                .tier
                .iter()
                .find(|x| x.name == t.name)
                .map_or(String::new(), |x| format!("{}", x.minutes));
            let why = Why {
                zh: format!(
                    "{minutes}分钟生活圈（{:.0}米）缺少：{}",
                    t.distance_m,
                    zh_names.join("、")
                ),
                en: format!(
                    "{} life circle ({:.0} m) lacks: {}",
                    t.name,
                    t.distance_m,
                    t.missing[c].join(", ")
                ),
            };
            run.community_gap("tier_missing", lead, c, why)
        })
        .collect()
}

/// The Chinese name of a tier requirement (its short name when the
/// targets file gives none).
fn requirement_zh(study: &Study, name: &str) -> String {
    study
        .targets
        .tier
        .iter()
        .flat_map(|t| &t.requirement)
        .find(|r| r.name == name && !r.zh.is_empty())
        .map_or_else(|| name.to_string(), |r| r.zh.clone())
}

/// Indicator 14: units whose per-capita sports area misses the target.
fn unit_below_per_capita(run: &Run) -> Vec<Gap> {
    let lead = run.lead("14");
    let pc = &run.study.targets.per_capita;
    let units = run.study.catchments.iter().flat_map(|ca| &ca.units[1..]);
    units
        .filter(|u| u.meets_per_capita == Some(false))
        .filter_map(|u| Some((&run.inputs.units[u.unit?.get()], u)))
        .map(|(unit, u)| {
            let (o, i) = (
                u.per_capita.outdoor_per_person(),
                u.per_capita.indoor_per_person(),
            );
            let (to, ti) = (pc.outdoor_m2_per_person, pc.indoor_m2_per_person);
            Gap {
                kind: "unit_below_per_capita",
                indicator: lead.indicator.into(),
                lead: lead.zh.clone(),
                lead_en: lead.en.clone(),
                subject_id: unit.id.clone(),
                name: unit.name.clone(),
                unit: Some(unit.name.clone()),
                people: u.per_capita.population,
                explanation_zh: format!(
                    "人均室外体育用地{o:.2}㎡、室内体育建筑面积{i:.2}㎡，低于新建居住区标准{to}/{ti}㎡（仅作对照，指标14只考核新建社区）"
                ),
                explanation_en: format!(
                    "{o:.2} m2 outdoor sports land and {i:.2} m2 indoor floor area per person, below {to} / {ti} m2"
                ),
                geometry: Some(Geometry::MultiPolygon(unit.geometry.clone())),
            }
        })
        .collect()
}

/// Indicator 14: new communities whose sports space within the
/// new-community tier misses the per-capita rule.
fn new_community_below_per_capita(run: &Run) -> Vec<Gap> {
    let Some(ca) = run.study.catchments.as_ref() else {
        return Vec::new();
    };
    let lead = run.lead("14");
    let pc = &run.study.targets.per_capita;
    let (to, ti) = (pc.outdoor_m2_per_person, pc.indoor_m2_per_person);
    let below = ca
        .new_check
        .iter()
        .enumerate()
        .filter_map(|(c, n)| n.as_ref().filter(|n| !n.met).map(|n| (c, n)));
    below
        .map(|(c, n)| {
            let (o, i) = (n.outdoor_per_person, n.indoor_per_person);
            let why = Why {
                zh: format!("新建小区人均室外体育用地{o:.2}㎡、室内{i:.2}㎡，未达{to}/{ti}㎡"),
                en: format!(
                    "new community: {o:.2} m2 outdoor and {i:.2} m2 indoor sports space per person within {}, below {to} / {ti} m2",
                    pc.new_community_tier
                ),
            };
            run.community_gap("new_community_below_per_capita", &lead, c, why)
        })
        .collect()
}

/// Indices of the school venues, in input order.
fn school_venues(inputs: &Inputs) -> Vec<usize> {
    (0..inputs.facilities.len())
        .filter(|&f| inputs.facilities[f].category == Category::SchoolVenue)
        .collect()
}

/// Residents within the walking limit of facility `f` in `coverage` (0
/// without pairs).
fn people_within(inputs: &Inputs, coverage: Option<&Coverage>, f: usize, limit_m: f64) -> f64 {
    coverage
        .and_then(|cov| cov.facility_hits.get(f))
        .map(|h| {
            h.iter()
                .filter(|x| x.1 <= limit_m)
                .map(|x| inputs.communities[x.0 as usize].population)
                .sum()
        })
        .unwrap_or(0.0)
}

/// Indicator 16: school venues closed to the public; people are the
/// residents within the walk, now or after the planned projects.
fn school_venue_not_open(run: &Run, schools: &[usize]) -> Vec<Gap> {
    let lead = run.lead("16");
    let cov = &run.study.scenarios.now;
    let limit = cov.settings.limit_m;
    let closed = schools
        .iter()
        .map(|&f| (f, &run.inputs.facilities[f]))
        .filter(|(_, fac)| counts_for_16(fac) && fac.open_to_public == Some(false));
    closed
        .map(|(f, fac)| Gap {
            kind: "school_venue_not_open",
            indicator: lead.indicator.into(),
            lead: lead.zh.clone(),
            lead_en: lead.en.clone(),
            subject_id: fac.id.clone(),
            name: fac.name.clone(),
            unit: run.unit_name(run.study.units.facility_unit[f]),
            people: people_within(run.inputs, Some(cov), f, limit).max(people_within(
                run.inputs,
                run.study.scenarios.after.as_ref(),
                f,
                limit,
            )),
            explanation_zh: "学校体育场地未向社会开放".into(),
            explanation_en: if cov.has_pairs {
                "school sports venue not open to the public (people = residents within the walk who could use it)".into()
            } else {
                "school sports venue not open to the public (people not counted in a coverage-only run)".into()
            },
            geometry: Some(fac.geometry.clone()),
        })
        .collect()
}

/// Second-generation outdoor fitness equipment within the smallest tier.
#[derive(Debug, Clone, PartialEq)]
struct SecondGeneration {
    /// Some facility says which generation its equipment is.
    known: bool,
    /// The smallest tier distance (the 5-minute tier), metres.
    tier_m: f64,
    /// Per community: a counted existing fitness station with
    /// second-generation equipment lies within `tier_m`.
    within: Vec<bool>,
}

impl SecondGeneration {
    fn of(inputs: &Inputs, study: &Study) -> SecondGeneration {
        let gen2 = (0..inputs.facilities.len()).filter(|&f| {
            let x = &inputs.facilities[f];
            x.category == Category::FitnessStation
                && study.scenarios.counts_now[f]
                && x.status == Status::Existing
                && x.equipment_generation.is_some_and(|g| g >= 2)
        });
        let tier_m = study
            .targets
            .tier
            .iter()
            .map(|t| t.distance_m)
            .fold(f64::INFINITY, f64::min);
        let mut within = vec![false; inputs.communities.len()];
        for f in gen2 {
            for (c, d) in study.scenarios.now.facility_hits.of(f) {
                if d <= tier_m {
                    within[c as usize] = true;
                }
            }
        }
        SecondGeneration {
            known: inputs
                .facilities
                .iter()
                .any(|f| f.equipment_generation.is_some()),
            tier_m,
            within,
        }
    }
}

/// Indicator 17: attached communities without second-generation equipment
/// within the 5-minute tier; only when some facility carries the
/// generation and the run has facility-community pairs.
fn no_second_generation_equipment(run: &Run, gen2: &SecondGeneration) -> Vec<Gap> {
    if !(gen2.known && run.study.scenarios.now.has_pairs) {
        return Vec::new();
    }
    let lead = run.lead("17");
    let tier5 = gen2.tier_m;
    (0..run.inputs.communities.len())
        .filter(|&c| !gen2.within[c] && run.study.placement.community_access[c].is_ok())
        .map(|c| {
            let why = Why {
                zh: format!("{tier5:.0}米内没有第二代室外健身器材"),
                en: format!("no second-generation outdoor fitness equipment within {tier5:.0} m"),
            };
            run.community_gap("no_second_generation_equipment", &lead, c, why)
        })
        .collect()
}

/// Measure 15(4): the progress of each planned-project type and a
/// `planned_project_short` gap for each one below its target.
fn planned_projects(
    inputs: &Inputs,
    indicators: &Indicators,
    study: &Study,
) -> (Vec<Gap>, Vec<Progress>) {
    let year = study.targets.per_capita.new_build_year;
    // Without any build year or planned status, "built since the plan" is
    // unknowable: progress is then "no data", not "not met".
    let dated = inputs
        .facilities
        .iter()
        .any(|f| f.build_year.is_some() || f.status == Status::Planned);
    let mut gaps = Vec::new();
    let mut progress = Vec::new();
    for p in &indicators.planned_project {
        let members: Vec<&Facility> = inputs
            .facilities
            .iter()
            .filter(|f| project_matches(p, f))
            .collect();
        let mut pr = project_progress(p, &members, year, dated);
        pr.unknown_subtype = inputs
            .facilities
            .iter()
            .filter(|f| f.status != Status::Closed && subtype_unknown(p, f))
            .count();
        gaps.extend(planned_project_short(&pr, &members, year));
        progress.push(pr);
    }
    (gaps, progress)
}

/// The progress of one project type over its `members`: built since
/// `year`, planned, and whether the target is met (`None` when not
/// `dated` or without a target).
fn project_progress(p: &PlannedProject, members: &[&Facility], year: i32, dated: bool) -> Progress {
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
    let existing: f64 = members
        .iter()
        .filter(|f| f.status == Status::Existing)
        .map(|f| amount(f))
        .sum::<f64>()
        + 0.0;
    Progress {
        project: p.clone(),
        existing,
        done,
        planned,
        unit: if km { "km".into() } else { p.unit.clone() },
        from_length: if km {
            members.iter().filter(|f| km_from_column(f)).count()
        } else {
            0
        },
        unknown_subtype: 0,
        met: if dated {
            compare(done, p.figure, p.figure_max, &p.comparison)
        } else {
            None
        },
    }
}

/// A project type below its target, drawn at its planned and new members.
fn planned_project_short(pr: &Progress, members: &[&Facility], year: i32) -> Option<Gap> {
    if pr.met != Some(false) {
        return None;
    }
    let p = &pr.project;
    let km = p.unit == "km";
    let pts: Vec<Point<f64>> = members
        .iter()
        .filter(|f| f.status == Status::Planned || is_new(f, year))
        .filter_map(|f| representative_point(&f.geometry))
        .collect();
    let (done, planned) = (fmt_amount(pr.done, km), fmt_amount(pr.planned, km));
    let goal = Goal {
        label: "",
        label_en: "",
        figure: p.figure,
        figure_max: p.figure_max,
        comparison: &p.comparison,
        unit: &p.unit,
        unit_zh: &p.unit_zh,
        word: &p.word,
        word_en: &p.word_en,
    };
    let (target_zh, target) = goal_text(&goal);
    Some(Gap {
        kind: "planned_project_short",
        indicator: p.indicator.clone(),
        lead: p.lead.clone(),
        lead_en: p.lead_en.clone(),
        subject_id: p.name_en.replace(' ', "_"),
        name: p.name.clone(),
        unit: None,
        people: 0.0,
        explanation_zh: format!(
            "{}：{year}年以来已建{}、规划{}，目标{target_zh}",
            p.name,
            amount_zh(pr.done, km, &p.unit_zh),
            amount_zh(pr.planned, km, &p.unit_zh)
        ),
        explanation_en: format!(
            "{}: {done} built since {year}, {planned} planned, target {target}",
            p.name_en
        ),
        geometry: (!pts.is_empty()).then(|| Geometry::MultiPoint(MultiPoint::new(pts))),
    })
}

/// The marginal gain of each planned facility (residents it covers whom
/// no existing facility does), largest first, ties by input order; empty
/// without an "after" coverage or without pairs.
fn planned_gains(inputs: &Inputs, study: &Study) -> Vec<PlannedGain> {
    let cov = &study.scenarios.now;
    let (Some(after), Some(t), true) = (
        &study.scenarios.after,
        cov.target_index(Target::Any),
        cov.has_pairs,
    ) else {
        return Vec::new();
    };
    let limit = cov.settings.limit_m;
    let mut gains: Vec<PlannedGain> = (0..inputs.facilities.len())
        .filter(|&f| inputs.facilities[f].status == Status::Planned)
        .map(|f| PlannedGain {
            facility: FacilityIx::new(f),
            newly_covered_people: after
                .facility_hits
                .of(f)
                .iter()
                .filter(|&(c, d)| d <= limit && !cov.covered(t, c as usize))
                .map(|(c, _)| inputs.communities[c as usize].population)
                .sum::<f64>()
                + 0.0,
        })
        .collect();
    gains.sort_by(|a, b| {
        b.newly_covered_people
            .total_cmp(&a.newly_covered_people)
            .then(a.facility.cmp(&b.facility))
    });
    gains
}

/// Outdoor sports land and indoor floor area (m2) of the facilities that
/// `counts`, per resident of the whole area.
fn per_person(inputs: &Inputs, counts: impl Fn(&Facility) -> bool) -> (f64, f64) {
    let total_pop: f64 = inputs.communities.iter().map(|c| c.population).sum();
    let counted = || inputs.facilities.iter().filter(|f| counts(f));
    let o: f64 = counted().map(sports_land_m2).sum();
    let i: f64 = counted().map(|f| f.floor_area_m2).sum();
    if total_pop > 0.0 {
        (o / total_pop, i / total_pop)
    } else {
        (0.0, 0.0)
    }
}

/// [`fmt_amount`] in Chinese, with the project's unit.
fn amount_zh(x: f64, km: bool, unit_zh: &str) -> String {
    if km {
        format!("{x:.2}公里")
    } else {
        format!("{x:.0}{unit_zh}")
    }
}

fn fmt_amount(x: f64, km: bool) -> String {
    if km {
        format!("{x:.2} km")
    } else {
        format!("{x:.0}")
    }
}

/// What the scorecard reads besides the indicator itself.
struct ScoreInputs<'a> {
    inputs: &'a Inputs,
    study: &'a Study,
    figures: &'a Figures,
    /// Covered population share (any facility).
    covered: f64,
    progress: &'a [Progress],
    schools: &'a [usize],
    gen2: &'a SecondGeneration,
}

/// One scorecard row per indicator, in the indicators' order.
fn scorecard(indicators: &Indicators, s: &ScoreInputs) -> Vec<ScoreRow> {
    indicators
        .indicator
        .iter()
        .map(|ind| score(ind, s))
        .collect()
}

/// A text in Chinese and in English.
#[derive(Debug, Clone, PartialEq, Default)]
struct Bi {
    zh: String,
    en: String,
}

/// A [`Bi`] from its two texts.
fn bi(zh: impl Into<String>, en: impl Into<String>) -> Bi {
    Bi {
        zh: zh.into(),
        en: en.into(),
    }
}

/// What the scorecard says of one indicator, before its target is added.
#[derive(Debug, Clone, PartialEq)]
struct Verdict {
    status: Status4,
    figure: Bi,
    note: Bi,
}

impl Verdict {
    fn new(status: Status4, figure: Bi, note: Bi) -> Verdict {
        Verdict {
            status,
            figure,
            note,
        }
    }

    /// No figure, with a note saying why.
    fn no_data(note: Bi) -> Verdict {
        Verdict::new(Status4::NoData, Bi::default(), note)
    }

    /// Met when `ok`, else not met.
    fn met_if(ok: bool, figure: Bi, note: Bi) -> Verdict {
        let status = if ok { Status4::Met } else { Status4::NotMet };
        Verdict::new(status, figure, note)
    }
}

/// The scorecard row of one indicator: by its kind, then (spatial ones)
/// by the computation its `check` names.
fn score(ind: &Indicator, s: &ScoreInputs) -> ScoreRow {
    let v = match ind.kind.as_str() {
        "not_spatial" => Verdict::new(
            Status4::NotSpatial,
            Bi::default(),
            bi(
                "组织、政策类事项，地图无法核查",
                "organisational item; no map can check it",
            ),
        ),
        "tabular" => tabular(ind, s.figures),
        _ => match ind.check.as_str() {
            "coverage_15min" => coverage_15min(s.study, s.covered),
            "per_capita_new_communities" => per_capita_new_communities(s.study),
            "school_venues_open_share" => school_venues_open_share(s.inputs, s.schools),
            "second_generation_equipment_5min" => second_generation_5min(s),
            "planned_cage_football" | "new_trail_km" | "facility_types_present" => {
                planned_project_progress(s.progress)
            }
            other => measures::verdict(other, s.study).unwrap_or_else(|| {
                Verdict::no_data(bi(
                    "fitcircle 暂无此项的计算",
                    "no fitcircle computation for this item yet",
                ))
            }),
        },
    };
    let (target_zh, target) = goals_text(ind);
    ScoreRow {
        indicator: ind.clone(),
        status: v.status,
        figure: v.figure.en,
        figure_zh: v.figure.zh,
        target,
        target_zh,
        note: v.note.en,
        note_zh: v.note.zh,
    }
}

/// The key of goal `k` (0: the main one) of indicator `id` in [`Figures`]:
/// `19` for the main figure, `20#2` for the second.
pub fn figure_key(id: &str, k: usize) -> String {
    if k == 0 {
        id.to_string()
    } else {
        format!("{id}#{}", k + 1)
    }
}

/// The figures the user supplied for a tabular indicator, one per goal,
/// against the goals: not met when any value misses its goal, else no data
/// when any goal has no value, else met.
fn tabular(ind: &Indicator, figures: &Figures) -> Verdict {
    let goals = ind.goals();
    let values: Vec<Option<f64>> = (0..goals.len())
        .map(|k| figures.get(&figure_key(&ind.id, k)).copied())
        .collect();
    if values.iter().all(Option::is_none) {
        return Verdict::no_data(bi(
            "未提供数据（在 --figures CSV 中填写：指标编号,数值）",
            "no figure supplied (give it in a --figures CSV: id,value)",
        ));
    }
    let mut figure = (Vec::new(), Vec::new());
    let mut missing = (Vec::new(), Vec::new());
    let (mut any_not_met, mut unchecked) = (false, false);
    for (g, v) in goals.iter().zip(&values) {
        let unit_zh = if g.unit_zh.is_empty() {
            g.unit
        } else {
            g.unit_zh
        };
        let (lz, le) = if g.label.is_empty() {
            (ind.name.as_str(), ind.name_en.as_str())
        } else {
            (g.label, g.label_en)
        };
        match v {
            Some(v) => {
                match compare(*v, g.figure, g.figure_max, g.comparison) {
                    Some(ok) => any_not_met |= !ok,
                    None => unchecked = true,
                }
                let (z, e) = (format!("{v}{unit_zh}"), format!("{v} {}", g.unit));
                let first = figure.0.is_empty() && g.label.is_empty() && goals.len() == 1;
                figure.0.push(if first { z } else { format!("{lz}：{z}") });
                figure.1.push(if first { e } else { format!("{le}: {e}") });
            }
            None => {
                missing.0.push(lz.to_string());
                missing.1.push(le.to_string());
            }
        }
    }
    let status = if any_not_met {
        Status4::NotMet
    } else if unchecked || !missing.0.is_empty() {
        Status4::NoData
    } else {
        Status4::Met
    };
    let note = if missing.0.is_empty() {
        bi("数据来自 --figures 文件", "figure from the --figures file")
    } else {
        bi(
            format!("数据来自 --figures 文件；未提供：{}", missing.0.join("、")),
            format!(
                "figure from the --figures file; not given: {}",
                missing.1.join(", ")
            ),
        )
    };
    Verdict::new(status, bi(figure.0.join("；"), figure.1.join("; ")), note)
}

/// Warnings for figures the scorecard does not use: an unknown indicator,
/// a spatial one (computed from the map), one with no figure to check
/// (organisational items), or a goal number beyond the indicator's goals.
pub fn unused_figures(indicators: &Indicators, figures: &Figures) -> Vec<String> {
    let mut keys: Vec<&String> = figures.keys().collect();
    keys.sort_by_key(|k| natural(k));
    let mut out = Vec::new();
    for key in keys {
        let (id, k) = match key.split_once('#') {
            Some((id, n)) => (id, n.parse::<usize>().unwrap_or(0)),
            None => (key.as_str(), 1),
        };
        let why = match indicators.indicator.iter().find(|x| x.id == id) {
            None => "no such indicator".to_string(),
            Some(ind) if ind.kind == "spatial" => {
                "it is computed from the maps, not read from the file".to_string()
            }
            Some(ind) if ind.kind != "tabular" => {
                "it is an organisational item with no figure to check".to_string()
            }
            Some(ind) if k == 0 || k > ind.goals().len() => format!(
                "indicator {id} has {} target figure(s); number them 1 to {}",
                ind.goals().len(),
                ind.goals().len()
            ),
            Some(_) => continue,
        };
        out.push(format!(
            "figures file: the value for indicator {key} is ignored: {why}"
        ));
    }
    out
}

/// A figures key sorted by its indicator number, then its goal.
fn natural(key: &str) -> (u32, u32, String) {
    let (id, k) = key.split_once('#').unwrap_or((key, "1"));
    (
        id.parse().unwrap_or(u32::MAX),
        k.parse().unwrap_or(u32::MAX),
        key.to_string(),
    )
}

/// Indicator 13: every resident within the walk.
fn coverage_15min(study: &Study, covered: f64) -> Verdict {
    let approx = study.mode().is_approximate();
    let minutes = study.settings.minutes;
    Verdict::met_if(
        covered >= 1.0 - 1e-12,
        bi(
            format!("{:.1}%的居民步行{minutes}分钟内可达", 100.0 * covered),
            format!("{:.1} % of residents within {minutes} min", 100.0 * covered),
        ),
        bi(
            format!(
                "全部居民都在步行范围内才算达标{}",
                if approx {
                    "（近似：直线距离）"
                } else {
                    ""
                }
            ),
            format!(
                "met when every resident is within the walk{}",
                if approx {
                    " (approximate: straight-line distances)"
                } else {
                    ""
                }
            ),
        ),
    )
}

/// Indicator 14: every new community meets the per-capita rule.
fn per_capita_new_communities(study: &Study) -> Verdict {
    let Some(ca) = &study.catchments else {
        return Verdict::no_data(bi(
            "未计算：仅算覆盖的运行没有服务范围数据",
            "not computed: a coverage-only run has no catchment figures",
        ));
    };
    let new: Vec<_> = ca.new_check.iter().flatten().collect();
    let year = study.targets.per_capita.new_build_year;
    if new.is_empty() {
        return Verdict::no_data(bi(
            format!("没有{year}年及以后建成的社区（本指标只考核新建居住区）"),
            format!("no community built in or after {year}"),
        ));
    }
    let ok = new.iter().filter(|n| n.met).count();
    Verdict::met_if(
        ok == new.len(),
        bi(
            format!("{} 个新建社区中 {ok} 个达到 0.3 / 0.1 平方米", new.len()),
            format!("{ok} of {} new communities meet 0.3 / 0.1 m2", new.len()),
        ),
        bi(
            "室外或室内任一达标即可，按5分钟生活圈计算",
            "outdoor OR indoor figure, within the 5-minute tier",
        ),
    )
}

/// The school venues indicator 16 asks about: existing ones fit to open
/// to the public (具备开放条件; unknown counts as fit).
fn counts_for_16(f: &Facility) -> bool {
    f.category == Category::SchoolVenue
        && f.status == Status::Existing
        && f.fit_to_open != Some(false)
}

/// Indicator 16: the share of school venues open to the public among the
/// existing ones fit to open (planned, closed and unfit venues are left
/// out and counted in the note; unknown openness counts as not open). The
/// note lists each school's opening hours.
fn school_venues_open_share(inputs: &Inputs, schools: &[usize]) -> Verdict {
    let eligible: Vec<&Facility> = schools
        .iter()
        .map(|&f| &inputs.facilities[f])
        .filter(|f| counts_for_16(f))
        .collect();
    let left_out = schools.len() - eligible.len();
    let known: Vec<bool> = eligible.iter().filter_map(|f| f.open_to_public).collect();
    let n = eligible.len();
    let out_note = bi(
        format!("未计入{left_out}处（规划、已关闭或不具备开放条件）"),
        format!("{left_out} left out (planned, closed or not fit to open)"),
    );
    if known.is_empty() {
        return Verdict::new(
            Status4::NoData,
            bi(
                format!("具备开放条件的学校体育场地 {n} 处，开放情况不详"),
                format!("{n} school venues fit to open, openness unknown"),
            ),
            join_bi(&[
                bi(
                    "请为学校场地填写是否对外开放（open_to_public）",
                    "add open_to_public to school venues",
                ),
                if left_out > 0 {
                    out_note
                } else {
                    Bi::default()
                },
            ]),
        );
    }
    let open = known.iter().filter(|x| **x).count();
    let share = open as f64 / n as f64;
    let unknown = n - known.len();
    let mut notes = Vec::new();
    if unknown > 0 {
        notes.push(bi(
            format!("{unknown} 处开放情况不详，按未开放计"),
            format!("{unknown} venues with unknown status count as not open"),
        ));
    }
    if left_out > 0 {
        notes.push(out_note);
    }
    notes.push(school_hours(&eligible));
    Verdict::met_if(
        open == n,
        bi(
            format!(
                "{:.1}% 开放（具备开放条件的 {n} 处中 {open} 处）",
                100.0 * share
            ),
            format!("{:.1} % open ({open} of {n} fit to open)", 100.0 * share),
        ),
        join_bi(&notes),
    )
}

/// Each school venue's opening hours, as the note of indicator 16 (the
/// first 20; the report's school table has them all).
fn school_hours(schools: &[&Facility]) -> Bi {
    const SHOWN: usize = 20;
    let item = |f: &Facility, none: &str, booking: &str| {
        let name = if f.name.is_empty() { &f.id } else { &f.name };
        let hours = f.opening_hours.as_deref().unwrap_or(none);
        let b = f
            .opening_hours
            .as_deref()
            .is_some_and(crate::input::hours::by_booking);
        format!("{name} {hours}{}", if b { booking } else { "" })
    };
    let list = |none: &str, booking: &str, sep: &str| {
        let mut v: Vec<String> = schools
            .iter()
            .take(SHOWN)
            .map(|f| item(f, none, booking))
            .collect();
        if schools.len() > SHOWN {
            v.push(format!("… {}", schools.len() - SHOWN));
        }
        v.join(sep)
    };
    bi(
        format!("开放时间：{}", list("未填", "（预约开放）", "；")),
        format!("hours: {}", list("not given", " (on booking)", "; ")),
    )
}

/// Several notes in one, `；` / `; ` between them, empty ones left out.
fn join_bi(parts: &[Bi]) -> Bi {
    let zh: Vec<&str> = parts
        .iter()
        .map(|b| b.zh.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    let en: Vec<&str> = parts
        .iter()
        .map(|b| b.en.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    Bi {
        zh: zh.join("；"),
        en: en.join("; "),
    }
}

/// Indicator 17: every resident has second-generation equipment within
/// the 5-minute tier.
fn second_generation_5min(s: &ScoreInputs) -> Verdict {
    if !s.study.scenarios.now.has_pairs {
        return Verdict::no_data(bi(
            "未计算：仅算覆盖的运行没有设施与社区的配对",
            "not computed: a coverage-only run has no facility-community pairs",
        ));
    }
    if !s.gen2.known {
        return Verdict::no_data(bi(
            "室外健身器材均未标明器材代别（equipment_generation）",
            "no fitness station carries equipment_generation",
        ));
    }
    let share = population_share(s.inputs, |c| s.gen2.within[c]);
    Verdict::met_if(
        share >= 1.0 - 1e-12,
        bi(
            format!("{:.1}%的居民", 100.0 * share),
            format!("{:.1} % of residents", 100.0 * share),
        ),
        bi(
            "5分钟生活圈内有第二代室外健身器材",
            "second-generation equipment within the 5-minute tier",
        ),
    )
}

/// Share of all residents living in communities for which `ok` holds.
fn population_share(inputs: &Inputs, ok: impl Fn(usize) -> bool) -> f64 {
    let total: f64 = inputs.communities.iter().map(|c| c.population).sum();
    let yes: f64 = (0..inputs.communities.len())
        .filter(|&c| ok(c))
        .map(|c| inputs.communities[c].population)
        .sum();
    if total > 0.0 { yes / total } else { 0.0 }
}

/// Indicator 15: the measure 15(4) projects, met when every project type
/// with a target meets it.
fn planned_project_progress(progress: &[Progress]) -> Verdict {
    let (zh, en): (Vec<String>, Vec<String>) = progress
        .iter()
        .map(|p| {
            let km = p.unit == "km";
            (
                format!(
                    "{}：现有{}，其中已建{}、规划{}",
                    p.project.name,
                    amount_zh(p.existing, km, &p.project.unit_zh),
                    amount_zh(p.done, km, &p.project.unit_zh),
                    amount_zh(p.planned, km, &p.project.unit_zh)
                ),
                format!(
                    "{}: {} existing, {} built + {} planned",
                    p.project.name_en,
                    fmt_amount(p.existing, km),
                    fmt_amount(p.done, km),
                    fmt_amount(p.planned, km)
                ),
            )
        })
        .unzip();
    let checked: Vec<&Progress> = progress.iter().filter(|p| p.met.is_some()).collect();
    let status = if checked.is_empty() {
        Status4::NoData
    } else if checked.iter().all(|p| p.met == Some(true)) {
        Status4::Met
    } else {
        Status4::NotMet
    };
    let mut notes = vec![bi(
        "规划年以来建成的15(4)项目",
        "measure 15(4) projects built since the plan year",
    )];
    notes.extend(progress.iter().filter_map(progress_note));
    Verdict::new(status, bi(zh.join("；"), en.join("; ")), join_bi(&notes))
}

/// What a project's figures leave out or take from a column, if anything.
fn progress_note(p: &Progress) -> Option<Bi> {
    let mut parts = Vec::new();
    if p.from_length > 0 {
        parts.push(bi(
            format!(
                "{}：{}处以点表示，长度取自长度列",
                p.project.name, p.from_length
            ),
            format!(
                "{}: {} given as points, their length from the length column",
                p.project.name_en, p.from_length
            ),
        ));
    }
    if p.unknown_subtype > 0 {
        parts.push(bi(
            format!(
                "{}：{}处同类设施细类不详（如足球场大小未知），未计入",
                p.project.name, p.unknown_subtype
            ),
            format!(
                "{}: {} facilities of the category with no subtype (e.g. a football pitch of unknown size) not counted",
                p.project.name_en, p.unknown_subtype
            ),
        ));
    }
    (!parts.is_empty()).then(|| join_bi(&parts))
}

#[cfg(test)]
mod tests {
    //! A real straight-line run (no network: straight line x 1.3) on a line
    //! of points due north of (0, 0), metres along the meridian:
    //!
    //! * communities: A at 0 m (2500 people, built 2020), B at 1600 m (1000),
    //!   D with an empty geometry (50, unreachable);
    //! * facilities: F0 basketball court at 100 m (420 m2), F1 fitness
    //!   station with second-generation equipment at 200 m (150 m2), F2 a
    //!   school venue closed to the public at -300 m, F3 a planned football
    //!   pitch at 1550 m;
    //! * one unit around A and B.
    //!
    //! Walking metres: A-F0 130, A-F1 260, A-F2 390; B-F1 1820 (beyond the
    //! 1000 m walk), B-F3 65.
    use geo::{Geometry, MultiPoint, MultiPolygon, Point, Rect};

    use super::*;
    use crate::analysis::study;
    use crate::config::Settings;
    use crate::model::{AdminUnit, Community};
    use crate::spatial::EARTH_RADIUS_M;
    use crate::testing;

    /// A point `north_m` metres north of (0, 0).
    fn north(north_m: f64) -> Geometry<f64> {
        let metres_per_degree = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        Point::new(0.0, north_m / metres_per_degree).into()
    }

    fn facility(id: &str, category: Category, area: f64, g: Geometry<f64>) -> Facility {
        Facility {
            name: format!("facility {id}"),
            ..testing::facility(id, category, area, g)
        }
    }

    fn community(id: &str, population: f64, g: Geometry<f64>) -> Community {
        Community {
            name: format!("community {id}"),
            ..testing::community(id, population, g)
        }
    }

    fn inputs() -> Inputs {
        let mut a = community("A", 2500.0, north(0.0));
        a.build_year = Some(2020);
        let mut f1 = facility("F1", Category::FitnessStation, 150.0, north(200.0));
        f1.equipment_generation = Some(2);
        let mut f2 = facility("F2", Category::SchoolVenue, 2000.0, north(-300.0));
        f2.open_to_public = Some(false);
        let mut f3 = facility("F3", Category::FootballPitch, 800.0, north(1550.0));
        f3.status = Status::Planned;
        f3.subtype = Some("cage".into());
        let box_ = Rect::new((-0.01, -0.01), (0.01, 0.03)).to_polygon();
        Inputs {
            communities: vec![
                a,
                community("B", 1000.0, north(1600.0)),
                community("D", 50.0, MultiPoint::<f64>::new(Vec::new()).into()),
            ],
            facilities: vec![
                facility("F0", Category::BasketballCourt, 420.0, north(100.0)),
                f1,
                f2,
                f3,
            ],
            units: vec![AdminUnit {
                id: "U".into(),
                name: "unit U".into(),
                geometry: MultiPolygon::new(vec![box_]),
            }],
            ..Default::default()
        }
    }

    fn assessed(figures: &Figures) -> (Inputs, Study, Assessment) {
        let inputs = inputs();
        let study = study::run_with_defaults(&inputs, &Settings::default()).expect("study runs");
        let a = assess(&inputs, &study, &Indicators::bundled(), figures);
        (inputs, study, a)
    }

    fn about(gaps: &[Gap]) -> Vec<(&str, &str)> {
        gaps.iter()
            .map(|g| (g.kind, g.subject_id.as_str()))
            .collect()
    }

    #[test]
    fn gaps_come_kind_by_kind_and_community_by_community() {
        let (_, _, a) = assessed(&Figures::new());
        assert_eq!(
            about(&a.gaps),
            [
                ("tier_missing", "A"),
                ("uncovered_15min", "B"),
                ("tier_missing", "B"),
                ("tier_missing", "B"),
                ("tier_missing", "B"),
                ("unreachable", "D"),
                ("unit_below_per_capita", "U"),
                ("new_community_below_per_capita", "A"),
                ("school_venue_not_open", "F2"),
                ("no_second_generation_equipment", "B"),
                ("planned_project_short", "cage_football_courts"),
                ("planned_project_short", "fitness_trails"),
                // Measure 13's network: no district venue, no facility of
                // subdistrict level in U (F0, F1 are community level by
                // rule), and B has none within its 333 m walk.
                ("no_district_venue", "all"),
                ("no_subdistrict_facility", "U"),
                ("no_community_facility", "B"),
            ]
        );
    }

    #[test]
    fn community_gaps_say_who_and_why() {
        let (inputs, study, a) = assessed(&Figures::new());
        let run = Run {
            inputs: &inputs,
            study: &study,
            indicators: &Indicators::bundled(),
        };
        let lead = run.lead("13");
        assert_eq!(
            lead.en,
            "District Sports Bureau; all subdistrict offices; District Development and Reform Commission"
        );
        assert!(unreachable(&run, &lead, 0).is_none());
        assert!(
            uncovered_15min(&run, &lead, 0).is_none(),
            "A is 130 m from F0"
        );
        let b = uncovered_15min(&run, &lead, 1).expect("B is uncovered");
        assert_eq!((b.people, b.unit.as_deref()), (1000.0, Some("unit U")));
        assert_eq!(
            (b.lead_en.as_str(), b.indicator.as_str()),
            (lead.en.as_str(), "13")
        );
        // The nearest counted facility is F1, 1400 m x 1.3 = 1820 m.
        assert_eq!(
            b.explanation_en,
            "no sports facility within a 15-minute walk (nearest 27.3 min)"
        );
        assert_eq!(b.explanation_zh, "15分钟步行范围内没有体育健身设施");
        let tiers = tier_missing(&run, &lead, 0);
        assert_eq!(tiers.len(), 1);
        assert_eq!(
            tiers[0].explanation_en,
            "15min life circle (1000 m) lacks: sports_hall_or_fitness_centre, large_multi_sport_ground"
        );
        let d = &a.gaps[5];
        assert_eq!((d.people, d.unit.as_deref()), (50.0, None));
        assert_eq!(
            d.explanation_en,
            "not attached to the walking network: empty geometry"
        );
        assert!(
            tier_missing(&run, &lead, 2)
                .iter()
                .all(|g| g.subject_id == "D")
        );
    }

    #[test]
    fn per_capita_school_and_equipment_gaps_by_hand() {
        let (_, _, a) = assessed(&Figures::new());
        // Unit: F0 420 + F1 150 m2 for A and B's 3500 people (the closed
        // school and the planned pitch do not count).
        let unit = &a.gaps[6];
        assert_eq!(unit.people, 3500.0);
        assert_eq!(
            unit.explanation_en,
            "0.16 m2 outdoor sports land and 0.00 m2 indoor floor area per person, below 0.3 / 0.1 m2"
        );
        // New community A: the same 570 m2 lie within 300 m, for 2500.
        let new = &a.gaps[7];
        assert_eq!(
            new.explanation_en,
            "new community: 0.23 m2 outdoor and 0.00 m2 indoor sports space per person within 5min, below 0.3 / 0.1 m2"
        );
        // The closed school is 390 m from A: A's 2500 people could use it.
        let school = &a.gaps[8];
        assert_eq!(
            (school.people, school.name.as_str()),
            (2500.0, "facility F2")
        );
        assert_eq!(school.unit.as_deref(), Some("unit U"));
        // F1 (second generation) is 260 m from A, 1820 m from B.
        let gen2 = &a.gaps[9];
        assert_eq!(
            (gen2.people, gen2.explanation_zh.as_str()),
            (1000.0, "300米内没有第二代室外健身器材")
        );
    }

    #[test]
    fn planned_projects_progress_and_gain() {
        let (inputs, study, a) = assessed(&Figures::new());
        let cage = &a.progress[0];
        assert_eq!((cage.done, cage.planned, cage.met), (0.0, 1.0, Some(false)));
        assert_eq!(
            a.gaps[10].explanation_en,
            "cage football courts: 0 built since 2019, 1 planned, target 3-5 courts"
        );
        assert!(matches!(&a.gaps[10].geometry, Some(Geometry::MultiPoint(m)) if m.0.len() == 1));
        assert_eq!(
            a.gaps[11].explanation_en,
            "fitness trails: 0.00 km built since 2019, 0.00 km planned, target at least 5 km"
        );
        assert_eq!(
            a.gaps[10].explanation_zh,
            "笼式足球场：2019年以来已建0个、规划1个，目标新建3-5个"
        );
        assert!(a.gaps[11].geometry.is_none());
        assert_eq!(a.progress[1].unit, "km");
        assert!(a.progress[2..].iter().all(|p| p.met.is_none()), "no target");
        // F3 newly covers B (65 m away).
        assert_eq!(a.planned_gains.len(), 1);
        assert_eq!(
            (
                a.planned_gains[0].facility,
                a.planned_gains[0].newly_covered_people
            ),
            (FacilityIx::new(3), 1000.0)
        );
        assert_eq!(planned_gains(&inputs, &study).len(), 1);
        assert!((a.covered_before - 2500.0 / 3550.0).abs() < 1e-15);
        assert!((a.covered_after.expect("after") - 3500.0 / 3550.0).abs() < 1e-15);
        assert_eq!(a.per_capita_before, (570.0 / 3550.0, 0.0));
        assert_eq!(a.per_capita_after, Some((1370.0 / 3550.0, 0.0)));
        // Without build years or planned facilities, progress is unknown.
        let mut undated = inputs.clone();
        undated.facilities.truncate(3);
        let (gaps, progress) = planned_projects(&undated, &Indicators::bundled(), &study);
        assert!(gaps.is_empty());
        assert!(progress.iter().all(|p| p.met.is_none()));
    }

    #[test]
    fn scorecard_rows_by_hand() {
        let mut figures = Figures::new();
        figures.insert("19".into(), 42.0);
        let (_, _, a) = assessed(&figures);
        let row = |id: &str| {
            a.scorecard
                .iter()
                .find(|r| r.indicator.id == id)
                .unwrap_or_else(|| panic!("row {id}"))
        };
        let r = row("13");
        assert_eq!(
            (r.status, r.figure.as_str()),
            (Status4::NotMet, "70.4 % of residents within 15 min")
        );
        assert_eq!(
            r.note,
            "met when every resident is within the walk (approximate: straight-line distances)"
        );
        assert_eq!(r.target, "within 15 minutes walk");
        let r = row("14");
        assert_eq!(
            (r.status, r.figure.as_str()),
            (Status4::NotMet, "0 of 1 new communities meet 0.3 / 0.1 m2")
        );
        let r = row("15");
        assert_eq!(r.status, Status4::NotMet);
        assert!(r.figure.starts_with("cage football courts: 0 existing, 0 built + 1 planned; fitness trails: 0.00 km existing, 0.00 km built + 0.00 km planned; "), "{}", r.figure);
        let r = row("16");
        assert_eq!(
            (r.status, r.figure.as_str(), r.note.as_str()),
            (
                Status4::NotMet,
                "0.0 % open (0 of 1 fit to open)",
                "hours: facility F2 not given"
            )
        );
        let r = row("17");
        assert_eq!(
            (r.status, r.figure.as_str()),
            (Status4::NotMet, "70.4 % of residents")
        );
        let r = row("1");
        assert_eq!((r.status, r.figure.as_str()), (Status4::NotSpatial, ""));
        // Indicator 19: at least 600 000 people.
        let r = row("19");
        assert_eq!(
            (r.status, r.figure.as_str(), r.target.as_str()),
            (Status4::NotMet, "42 people", "more than 600000 people")
        );
        assert_eq!(r.note, "figure from the --figures file");
    }

    #[test]
    fn coverage_only_run_has_no_catchment_gaps() {
        let inputs = inputs();
        let study = study::run(
            &inputs,
            &Settings::default(),
            &crate::targets::Targets::bundled(),
            &crate::analysis::windows::default_windows(),
            study::Depth::CoverageOnly,
        )
        .expect("study runs");
        assert!(study.catchments.is_none());
        // Straight lines give the pairs anyway: the school's people and the
        // equipment check stay; tiers and per-capita gaps go.
        assert!(study.scenarios.now.has_pairs);
        let a = assess(&inputs, &study, &Indicators::bundled(), &Figures::new());
        assert_eq!(
            about(&a.gaps),
            [
                ("uncovered_15min", "B"),
                ("unreachable", "D"),
                ("school_venue_not_open", "F2"),
                ("no_second_generation_equipment", "B"),
                ("planned_project_short", "cage_football_courts"),
                ("planned_project_short", "fitness_trails"),
                ("no_district_venue", "all"),
                ("no_subdistrict_facility", "U"),
                ("no_community_facility", "B"),
            ]
        );
        assert_eq!(a.gaps[2].people, 2500.0);
        let row = |id: &str| {
            a.scorecard
                .iter()
                .find(|r| r.indicator.id == id)
                .expect("row")
        };
        assert_eq!(row("14").status, Status4::NoData);
        assert_eq!(
            row("14").note,
            "not computed: a coverage-only run has no catchment figures"
        );
        assert_eq!(row("17").status, Status4::NotMet);

        // On a network a coverage-only run has no pairs (nor any "after").
        let mut study = study;
        study.scenarios.now.has_pairs = false;
        study.scenarios.now.facility_hits =
            std::sync::Arc::new(crate::analysis::coverage::Pairs::empty(4));
        study.scenarios.after = None;
        let a = assess(&inputs, &study, &Indicators::bundled(), &Figures::new());
        let kinds: Vec<&str> = a.gaps.iter().map(|g| g.kind).collect();
        assert!(
            !kinds.contains(&"no_second_generation_equipment"),
            "{kinds:?}"
        );
        let school = a.gaps.iter().find(|g| g.kind == "school_venue_not_open");
        let school = school.expect("the closed school");
        assert_eq!(school.people, 0.0);
        assert!(
            school
                .explanation_en
                .ends_with("(people not counted in a coverage-only run)")
        );
        let row = |id: &str| {
            a.scorecard
                .iter()
                .find(|r| r.indicator.id == id)
                .expect("row")
        };
        assert_eq!(
            row("17").note,
            "not computed: a coverage-only run has no facility-community pairs"
        );
        assert!(a.planned_gains.is_empty());
        assert_eq!((a.covered_after, a.per_capita_after), (None, None));
    }

    #[test]
    fn verdicts_of_small_inputs() {
        let ind = |figure: Option<f64>, comparison: &str| Indicator {
            figure,
            comparison: comparison.into(),
            unit: "%".into(),
            ..Indicators::bundled().indicator[0].clone()
        };
        let figures: Figures = [("1".to_string(), 80.0)].into();
        assert_eq!(
            tabular(&ind(Some(75.0), ">="), &figures).status,
            Status4::Met
        );
        assert_eq!(
            tabular(&ind(Some(75.0), "<="), &figures).status,
            Status4::NotMet
        );
        assert_eq!(tabular(&ind(None, ">="), &figures).status, Status4::NoData);
        assert_eq!(
            tabular(&ind(Some(75.0), ">="), &Figures::new()).figure,
            Bi::default()
        );
        assert_eq!(compare(4.0, Some(3.0), Some(5.0), "between"), Some(true));
        assert_eq!(compare(6.0, Some(3.0), Some(5.0), "between"), Some(false));
        // 超过 (more than): not met at the figure itself.
        assert_eq!(compare(600000.0, Some(600000.0), None, ">"), Some(false));
        assert_eq!(compare(600001.0, Some(600000.0), None, ">"), Some(true));
        let goal = |figure, figure_max, comparison, word, word_en| Goal {
            label: "",
            label_en: "",
            figure,
            figure_max,
            comparison,
            unit: "courts",
            unit_zh: "个",
            word,
            word_en,
        };
        assert_eq!(
            goal_text(&goal(Some(3.0), Some(5.0), "between", "", "")),
            ("3-5个".to_string(), "3-5 courts".to_string())
        );
        assert_eq!(
            goal_text(&goal(Some(0.3), None, "", "", "")),
            (">= 0.3个".to_string(), ">= 0.3 courts".to_string())
        );
        assert_eq!(
            goal_text(&goal(Some(3.0), None, ">", "超过{}", "more than {}")),
            ("超过3个".to_string(), "more than 3 courts".to_string())
        );
        assert_eq!(fmt_amount(2.345, true), "2.35 km");
        assert_eq!(fmt_amount(2.5, false), "2");
        let (inputs, _, _) = assessed(&Figures::new());
        assert_eq!(population_share(&inputs, |c| c == 1), 1000.0 / 3550.0);
        assert_eq!(school_venues(&inputs), [2]);
        assert_eq!(
            school_venues_open_share(&inputs, &[]).figure.en,
            "0 school venues fit to open, openness unknown"
        );
    }

    #[test]
    fn several_figures_comparison_words_and_unused_figures() {
        let ind = Indicators::bundled();
        let row = |figures: &[(&str, f64)], id: &str| {
            let figures: Figures = figures.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            let i = ind.indicator.iter().find(|x| x.id == id).expect("listed");
            let (target_zh, target) = goals_text(i);
            (tabular(i, &figures), target_zh, target)
        };
        // Indicator 19: more than (超过) 600,000, so exactly 600,000 is not met.
        let (v, zh, en) = row(&[("19", 600000.0)], "19");
        assert_eq!(v.status, Status4::NotMet);
        assert_eq!(
            (zh.as_str(), en.as_str()),
            ("超过600000人", "more than 600000 people")
        );
        assert_eq!(row(&[("19", 600001.0)], "19").0.status, Status4::Met);
        // Indicator 20: two figures, each judged.
        let (v, zh, en) = row(&[("20", 1.0), ("20#2", 3.0)], "20");
        assert_eq!(v.status, Status4::Met);
        assert_eq!(
            zh,
            "综合性全民健身运动会：不少于1次/年；单项全民健身赛事：不少于3次/年"
        );
        assert_eq!(
            en,
            "comprehensive fitness games: at least 1 events/year; \
             single-sport fitness events: at least 3 events/year"
        );
        assert_eq!(
            v.figure.zh,
            "综合性全民健身运动会：1次/年；单项全民健身赛事：3次/年"
        );
        assert_eq!(
            row(&[("20", 1.0), ("20#2", 2.0)], "20").0.status,
            Status4::NotMet
        );
        let (v, ..) = row(&[("20", 1.0)], "20");
        assert_eq!(v.status, Status4::NoData);
        assert!(
            v.note
                .en
                .ends_with("not given: single-sport fitness events"),
            "{:?}",
            v.note
        );
        // Figures the scorecard does not use are named.
        let figures: Figures = [
            ("13", 1.0),
            ("1", 1.0),
            ("99", 1.0),
            ("20#3", 1.0),
            ("20#2", 3.0),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
        let w = unused_figures(&ind, &figures);
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(
            w[0].contains("indicator 1 ") && w[0].contains("organisational"),
            "{w:?}"
        );
        assert!(w[1].contains("indicator 13 ") && w[1].contains("computed from the maps"));
        assert!(w[2].contains("indicator 20#3") && w[2].contains("2 target figure"));
        assert!(w[3].contains("indicator 99 ") && w[3].contains("no such indicator"));
    }
}
