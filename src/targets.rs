//! Policy targets as data (`seeds/targets.toml`, embedded at build time;
//! another file can be given with `--targets`): per-capita sports area and the
//! life-circle tiers with the facility categories each requires.

use std::path::Path;

use serde::Deserialize;

use crate::model::{Category, Level};
use crate::{Error, Result};

/// Read a whole text file, naming it in the error.
fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The bundled targets file.
pub const DEFAULT_TARGETS: &str = include_str!("../seeds/targets.toml");

/// Where the targets come from.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Source {
    /// Title of the document the targets come from, in its own language.
    pub title: String,
    /// English title of the document; empty when the file gives none.
    #[serde(default)]
    pub title_en: String,
}

/// A per-capita figure to compare with.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Reference {
    /// Who or what the figure is for (e.g. `China 2023`).
    pub label: String,
    /// [`label`](Self::label) in Chinese; empty when the file gives none.
    #[serde(default)]
    pub label_zh: String,
    /// Sports area per person for that reference, m2.
    pub m2_per_person: f64,
}

/// Per-capita sports area rule.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PerCapitaTarget {
    /// Id of the Annex-2 indicator the rule belongs to (e.g. `14`).
    pub indicator: String,
    /// Outdoor sports land per resident the rule asks for, m2.
    pub outdoor_m2_per_person: f64,
    /// Indoor sports floor area per resident the rule asks for, m2.
    pub indoor_m2_per_person: f64,
    /// `either` (outdoor OR indoor target) or `both`.
    pub rule: String,
    /// Lead unit responsible for the rule, in the source's language.
    #[serde(default)]
    pub lead: String,
    /// Lead unit responsible for the rule, in English.
    #[serde(default)]
    pub lead_en: String,
    /// Communities built in or after this year are "new".
    pub new_build_year: i32,
    /// Tier whose distance counts as "within" a new community.
    pub new_community_tier: String,
    /// City-wide per-capita sports area figures to compare with; empty when none.
    #[serde(default)]
    pub reference: Vec<Reference>,
}

impl PerCapitaTarget {
    /// Is the rule met for these per-person figures (m2)?
    pub fn met(&self, outdoor: f64, indoor: f64) -> bool {
        let o = outdoor >= self.outdoor_m2_per_person;
        let i = indoor >= self.indoor_m2_per_person;
        if self.rule == "both" { o && i } else { o || i }
    }
}

/// One requirement of a tier: any of these categories within the distance.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Requirement {
    /// Short name of the requirement (e.g. `small_ball_ground`).
    pub name: String,
    /// Name of the requirement in Chinese; empty when the file gives none.
    #[serde(default)]
    pub zh: String,
    /// Facility category names (snake_case) any of which meets the requirement.
    pub categories: Vec<String>,
    /// [`categories`](Self::categories) parsed, filled in by [`Targets::parse`].
    #[serde(skip)]
    pub parsed: Vec<Category>,
}

/// A life-circle tier.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Tier {
    /// Tier name (e.g. `5min`), as `per_capita.new_community_tier` names it.
    pub name: String,
    /// Walking time the tier stands for, minutes.
    pub minutes: f64,
    /// Walking distance of the tier along the network, metres.
    pub distance_m: f64,
    /// Id of the Annex-2 indicator the tier answers; empty when none.
    #[serde(default)]
    pub indicator: String,
    /// Facilities a unit needs within the tier's distance.
    #[serde(default)]
    pub requirement: Vec<Requirement>,
}

/// A rule giving a facility its level in the three-level network (measure
/// 13) when the input has no level column: the first rule that matches a
/// facility's category and size gives its level.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    /// Short name of the rule, written in outputs (`level_source`).
    pub name: String,
    /// `district`, `subdistrict`, `community`, or `none` (the facility is
    /// not part of the network).
    pub level: String,
    /// Categories (snake_case) the rule applies to; empty: every category.
    #[serde(default)]
    pub categories: Vec<String>,
    /// The facility's outdoor land must be at least this, m2.
    pub min_area_m2: Option<f64>,
    /// The facility's indoor floor area must be at least this, m2.
    pub min_floor_area_m2: Option<f64>,
    /// The rule in Chinese.
    #[serde(default)]
    pub zh: String,
    /// The rule in English.
    #[serde(default)]
    pub en: String,
    /// [`level`](Self::level) parsed (`None` for `none`), filled in by
    /// [`Targets::parse`].
    #[serde(skip)]
    pub parsed_level: Option<Level>,
    /// [`categories`](Self::categories) parsed, filled in by [`Targets::parse`].
    #[serde(skip)]
    pub parsed_categories: Vec<Category>,
}

impl LevelRule {
    /// Does the rule apply to a facility of `category` with `area_m2` of
    /// outdoor land and `floor_area_m2` of indoor floor?
    pub fn matches(&self, category: Category, area_m2: f64, floor_area_m2: f64) -> bool {
        (self.parsed_categories.is_empty() || self.parsed_categories.contains(&category))
            && self.min_area_m2.is_none_or(|m| area_m2 >= m)
            && self.min_floor_area_m2.is_none_or(|m| floor_area_m2 >= m)
    }

    /// Parse [`level`](Self::level) and [`categories`](Self::categories).
    fn parse(&mut self, origin: &str) -> Result<()> {
        let at = |e: String| Error::config(origin, format!("level_rule {:?}: {e}", self.name));
        self.parsed_level = match self.level.as_str() {
            "none" | "无" => None,
            l => Some(l.parse::<Level>().map_err(at)?),
        };
        self.parsed_categories = self
            .categories
            .iter()
            .map(|c| c.parse::<Category>().map_err(at))
            .collect::<Result<_>>()?;
        let bad = |x: Option<f64>| x.is_some_and(|v| !(v.is_finite() && v >= 0.0));
        if bad(self.min_area_m2) || bad(self.min_floor_area_m2) {
            return Err(at(
                "min_area_m2 / min_floor_area_m2 must be 0 or more".into()
            ));
        }
        Ok(())
    }
}

/// All targets.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Targets {
    /// Where the targets come from.
    pub source: Source,
    /// The per-capita sports area rule.
    pub per_capita: PerCapitaTarget,
    /// Life-circle tiers, in the file's order (nearest first in the bundled
    /// file).
    #[serde(default)]
    pub tier: Vec<Tier>,
    /// Rules giving facilities without a level column their level in the
    /// three-level network (measure 13), first match wins; empty: levels
    /// only from the inputs.
    #[serde(default)]
    pub level_rule: Vec<LevelRule>,
}

impl Targets {
    /// Parse targets from TOML text; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Targets> {
        let mut t: Targets = toml::from_str(text).map_err(|e| {
            Error::config(
                origin,
                format!("not a valid targets file: {}", e.to_string().trim()),
            )
        })?;
        for tier in t.tier.iter_mut() {
            if tier.distance_m.is_nan() || tier.distance_m <= 0.0 {
                return Err(Error::config(
                    origin,
                    format!("tier {:?}: distance_m must be positive", tier.name),
                ));
            }
            for req in tier.requirement.iter_mut() {
                req.parsed = req
                    .categories
                    .iter()
                    .map(|c| {
                        c.parse::<Category>().map_err(|e| {
                            Error::config(
                                origin,
                                format!("tier {:?}, {:?}: {e}", tier.name, req.name),
                            )
                        })
                    })
                    .collect::<Result<_>>()?;
            }
        }
        for rule in t.level_rule.iter_mut() {
            rule.parse(origin)?;
        }
        if !t
            .tier
            .iter()
            .any(|x| x.name == t.per_capita.new_community_tier)
        {
            return Err(Error::config(
                origin,
                format!(
                    "per_capita.new_community_tier {:?} names no tier",
                    t.per_capita.new_community_tier
                ),
            ));
        }
        Ok(t)
    }

    /// The bundled targets (seeds/targets.toml).
    pub fn bundled() -> Targets {
        Targets::parse(DEFAULT_TARGETS, "seeds/targets.toml").expect("bundled targets are valid")
    }

    /// Read a targets file.
    pub fn read(path: &Path) -> Result<Targets> {
        Targets::parse(&read_text(path)?, &path.display().to_string())
    }

    /// The largest tier distance (m), 0 without tiers.
    pub fn max_tier_m(&self) -> f64 {
        self.tier.iter().map(|t| t.distance_m).fold(0.0, f64::max)
    }

    /// The first level rule that applies to a facility of `category` with
    /// these areas (m2), with its index; `None` when none does.
    pub fn level_rule_for(
        &self,
        category: Category,
        area_m2: f64,
        floor_area_m2: f64,
    ) -> Option<(usize, &LevelRule)> {
        self.level_rule
            .iter()
            .enumerate()
            .find(|(_, r)| r.matches(category, area_m2, floor_area_m2))
    }

    /// The tier new communities are checked within.
    pub fn new_community_tier(&self) -> &Tier {
        self.tier
            .iter()
            .find(|t| t.name == self.per_capita.new_community_tier)
            .expect("checked at parse")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_targets_parse() {
        let t = Targets::bundled();
        assert_eq!(t.per_capita.outdoor_m2_per_person, 0.3);
        assert_eq!(t.per_capita.indoor_m2_per_person, 0.1);
        assert_eq!(t.tier.len(), 3);
        assert_eq!(t.max_tier_m(), 1000.0);
        assert!(t.per_capita.met(0.31, 0.0));
        assert!(t.per_capita.met(0.0, 0.1));
        assert!(!t.per_capita.met(0.29, 0.09));
        assert_eq!(t.new_community_tier().distance_m, 300.0);
    }

    #[test]
    fn level_rules_first_match_wins() {
        let t = Targets::bundled();
        let level = |c: Category, area: f64, floor: f64| {
            t.level_rule_for(c, area, floor)
                .map(|(_, r)| (r.name.as_str(), r.parsed_level))
        };
        assert_eq!(
            level(Category::Stadium, 10000.0, 0.0),
            Some(("stadium", Some(Level::District)))
        );
        assert_eq!(
            level(Category::SportsCentre, 0.0, 5000.0),
            Some(("large_hall", Some(Level::District)))
        );
        assert_eq!(
            level(Category::SportsCentre, 0.0, 4999.0),
            Some(("fitness_centre_15min", Some(Level::Subdistrict)))
        );
        assert_eq!(
            level(Category::FitnessCentre, 0.0, 500.0),
            Some(("community_default", Some(Level::Community)))
        );
        assert_eq!(
            level(Category::FootballPitch, 3150.0, 0.0),
            Some(("large_ground_15min", Some(Level::Subdistrict)))
        );
        assert_eq!(
            level(Category::FootballPitch, 800.0, 0.0),
            Some(("community_default", Some(Level::Community)))
        );
        assert_eq!(
            level(Category::SchoolVenue, 9000.0, 0.0),
            Some(("school_venue", None))
        );
        // A rule naming an unknown level or category is refused, naming it.
        let bad = DEFAULT_TARGETS.replace("level = \"district\"", "level = \"city\"");
        let e = Targets::parse(&bad, "x.toml").unwrap_err().to_string();
        assert!(
            e.contains("level_rule \"stadium\"") && e.contains("city"),
            "{e}"
        );
    }

    #[test]
    fn bad_category_is_named() {
        let text = DEFAULT_TARGETS.replace("\"fitness_station\"", "\"curling\"");
        let e = Targets::parse(&text, "x.toml").unwrap_err().to_string();
        assert!(e.contains("curling") && e.contains("x.toml"), "{e}");
    }
}

/// The bundled indicator list (seeds/indicators.toml): the 37 Annex-2
/// indicators and the planned projects of measure 15(4).
pub const DEFAULT_INDICATORS: &str = include_str!("../seeds/indicators.toml");

/// A further figure of an indicator.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct ExtraTarget {
    /// Label of the figure in the source's language.
    #[serde(default)]
    pub label: String,
    /// Label of the figure in English.
    #[serde(default)]
    pub label_en: String,
    /// The target figure (lower bound for `between`), in [`unit`](Self::unit);
    /// `None` without a figure.
    pub figure: Option<f64>,
    /// Upper bound of a `between` target, in [`unit`](Self::unit).
    pub figure_max: Option<f64>,
    /// Unit of the figure as the seed names it (e.g. `m2/person`, `km`).
    #[serde(default)]
    pub unit: String,
    /// How a value is compared with the figure: `>=`, `<=`, `between`
    /// (inclusive) or `==`.
    #[serde(default)]
    pub comparison: String,
    /// fitcircle computation that answers the figure (e.g. `coverage_15min`);
    /// `none` or empty when there is none.
    #[serde(default)]
    pub check: String,
    /// [`unit`](Self::unit) in Chinese.
    #[serde(default)]
    pub unit_zh: String,
    /// The seed's wording of the target in Chinese, `{}` standing for the
    /// figure and its unit (e.g. `超过{}`); empty: the comparison sign.
    #[serde(default)]
    pub word: String,
    /// The wording in English (e.g. `more than {}`).
    #[serde(default)]
    pub word_en: String,
}

/// The computations fitcircle has for a `spatial` indicator or sub-measure
/// (the `check` of seeds/indicators.toml). A spatial item must name one.
pub const CHECKS: &[&str] = &[
    "coverage_15min",
    "per_capita_new_communities",
    "planned_cage_football",
    "new_trail_km",
    "facility_types_present",
    "school_venues_open_share",
    "second_generation_equipment_5min",
    "three_level_network",
    "suited_facilities",
    "winter_natural_ice",
    "small_space_pilots",
    "free_or_discount",
    "health_colocation",
    "culture_sports_stations",
];

/// A sub-measure of an indicator that fitcircle checks on its own (e.g.
/// 15(1), facilities suited to the elderly, the disabled and the young),
/// with the lead units of that sub-item: a row of the scorecard's
/// sub-measure table.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SubMeasure {
    /// The Annex-1 sub-item (`15(1)`), or the indicator's id for a part of
    /// its heading (`13`: the three-level network).
    pub id: String,
    /// Name in Chinese.
    pub name: String,
    /// Name in English.
    #[serde(default)]
    pub name_en: String,
    /// Lead unit(s) of the sub-item, in Chinese.
    #[serde(default)]
    pub lead: String,
    /// Lead unit(s) in English.
    #[serde(default)]
    pub lead_en: String,
    /// Co-operating units, in Chinese.
    #[serde(default)]
    pub co: String,
    /// Co-operating units in English.
    #[serde(default)]
    pub co_en: String,
    /// The fitcircle computation that answers it (one of [`CHECKS`]).
    pub check: String,
    /// Free note on how the sub-measure is read.
    #[serde(default)]
    pub note: String,
}

/// One of the seed's Annex-2 indicators.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Indicator {
    /// Indicator id as in Annex 2 (`1` to `37`), or the Annex-1 measure
    /// number of the plan's own measures (`38` to `44`).
    pub id: String,
    /// First-level indicator (group) it belongs to, in Chinese.
    #[serde(default)]
    pub level1: String,
    /// First-level indicator (group) in English.
    #[serde(default)]
    pub level1_en: String,
    /// Name of the indicator in Chinese.
    pub name: String,
    /// Name of the indicator in English.
    #[serde(default)]
    pub name_en: String,
    /// "met" or "new_measure", as the seed's Annex 2 marks it;
    /// "plan_measure" for the plan's own measures 38-44 (Annex 1 only).
    pub seed_status: String,
    /// Lead unit(s) of the matching Annex-1 measure, in Chinese.
    #[serde(default)]
    pub lead: String,
    /// Lead unit(s) of the matching Annex-1 measure, in English.
    #[serde(default)]
    pub lead_en: String,
    /// Co-operating units (协办单位) of the matching Annex-1 measure, in
    /// Chinese; empty when the seed names none.
    #[serde(default)]
    pub co: String,
    /// Co-operating units in English.
    #[serde(default)]
    pub co_en: String,
    /// "spatial", "tabular" or "not_spatial".
    pub kind: String,
    /// fitcircle computation that answers a `spatial` indicator (e.g.
    /// `coverage_15min`); `none` when there is none yet.
    #[serde(default)]
    pub check: String,
    /// The target figure (lower bound for `between`), in [`unit`](Self::unit);
    /// `None` without a figure.
    pub figure: Option<f64>,
    /// Upper bound of a `between` target, in [`unit`](Self::unit).
    pub figure_max: Option<f64>,
    /// What the main figure counts, in Chinese, where the indicator has
    /// several figures (e.g. `综合性全民健身运动会`); empty otherwise.
    #[serde(default)]
    pub figure_label: String,
    /// [`figure_label`](Self::figure_label) in English.
    #[serde(default)]
    pub figure_label_en: String,
    /// Unit of the figure as the seed names it (e.g. `m2/person`, `%`).
    #[serde(default)]
    pub unit: String,
    /// How a value is compared with the figure: `>=`, `<=`, `between`
    /// (inclusive) or `==`.
    #[serde(default)]
    pub comparison: String,
    /// [`unit`](Self::unit) in Chinese.
    #[serde(default)]
    pub unit_zh: String,
    /// The seed's wording of the target in Chinese, `{}` standing for the
    /// figure and its unit (e.g. `超过{}`); empty: the comparison sign.
    #[serde(default)]
    pub word: String,
    /// The wording in English (e.g. `more than {}`).
    #[serde(default)]
    pub word_en: String,
    /// Free note on how the indicator is read.
    #[serde(default)]
    pub note: String,
    /// Further figures of the same indicator, each with its own check.
    #[serde(default)]
    pub extra_target: Vec<ExtraTarget>,
    /// Sub-measures checked on their own (`[[indicator.measure]]`), in the
    /// file's order.
    #[serde(default)]
    pub measure: Vec<SubMeasure>,
}

/// One target figure of an indicator, the main one or an extra one: what
/// the scorecard compares a value with and how it words the target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal<'a> {
    /// What the figure counts, in Chinese (empty for the main figure of an
    /// indicator with one figure).
    pub label: &'a str,
    /// Label of an extra figure in English.
    pub label_en: &'a str,
    /// The figure (lower bound for `between`).
    pub figure: Option<f64>,
    /// Upper bound of a `between` target.
    pub figure_max: Option<f64>,
    /// `>=`, `>`, `<=`, `between` or `==` (empty: `>=`).
    pub comparison: &'a str,
    /// Unit in English and in Chinese.
    pub unit: &'a str,
    /// Unit in Chinese.
    pub unit_zh: &'a str,
    /// The seed's wording in Chinese and in English (`{}`: the figure).
    pub word: &'a str,
    /// The wording in English.
    pub word_en: &'a str,
}

impl Indicator {
    /// The indicator's target figures: the main one, then each extra one
    /// with a figure, in the file's order.
    pub fn goals(&self) -> Vec<Goal<'_>> {
        let mut v = vec![Goal {
            label: &self.figure_label,
            label_en: &self.figure_label_en,
            figure: self.figure,
            figure_max: self.figure_max,
            comparison: &self.comparison,
            unit: &self.unit,
            unit_zh: &self.unit_zh,
            word: &self.word,
            word_en: &self.word_en,
        }];
        v.extend(
            self.extra_target
                .iter()
                .filter(|x| x.figure.is_some())
                .map(|x| Goal {
                    label: &x.label,
                    label_en: &x.label_en,
                    figure: x.figure,
                    figure_max: x.figure_max,
                    comparison: &x.comparison,
                    unit: &x.unit,
                    unit_zh: &x.unit_zh,
                    word: &x.word,
                    word_en: &x.word_en,
                }),
        );
        v
    }
}

/// Every `spatial` indicator and every sub-measure names a computation of
/// [`CHECKS`] (no spatial item without a check); an extra target's check,
/// when given, too.
fn check_checks(x: &Indicator, origin: &str) -> Result<()> {
    let known = |c: &str| CHECKS.contains(&c);
    let err = |what: String, check: &str| {
        Error::config(
            origin,
            format!(
                "{what}: check {check:?} is not a fitcircle computation; use one of {} (or \
                 mark a non-map item kind = \"tabular\" or \"not_spatial\")",
                CHECKS.join(", ")
            ),
        )
    };
    if x.kind == "spatial" && !known(&x.check) {
        return Err(err(format!("indicator {} is spatial", x.id), &x.check));
    }
    for e in &x.extra_target {
        if !e.check.is_empty() && e.check != "none" && !known(&e.check) {
            return Err(err(format!("indicator {}, extra target", x.id), &e.check));
        }
    }
    for m in &x.measure {
        if !known(&m.check) {
            return Err(err(
                format!("indicator {}, measure {}", x.id, m.id),
                &m.check,
            ));
        }
    }
    Ok(())
}

/// A planned project type of measure 15(4) tracked for progress.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PlannedProject {
    /// Name of the project type in Chinese (e.g. `笼式足球场`).
    pub name: String,
    /// Name of the project type in English.
    #[serde(default)]
    pub name_en: String,
    /// Id of the Annex-2 indicator the project counts towards.
    pub indicator: String,
    /// Facility category (snake_case) whose new facilities count as built.
    pub category: String,
    /// Restrict to facilities of this subtype (e.g. `gateball`).
    pub subtype: Option<String>,
    /// Target number (lower bound for `between`), in [`unit`](Self::unit);
    /// `None` without a figure.
    pub figure: Option<f64>,
    /// Upper bound of a `between` target, in [`unit`](Self::unit).
    pub figure_max: Option<f64>,
    /// How progress is compared with the figure: `>=`, `<=`, `between`
    /// (inclusive) or `==`.
    #[serde(default)]
    pub comparison: String,
    /// Unit of the figure (e.g. `courts`, `km`).
    #[serde(default)]
    pub unit: String,
    /// [`unit`](Self::unit) in Chinese.
    #[serde(default)]
    pub unit_zh: String,
    /// The seed's wording of the target in Chinese (`{}`: the figure).
    #[serde(default)]
    pub word: String,
    /// The wording in English.
    #[serde(default)]
    pub word_en: String,
    /// Lead unit(s) of measure 15(4), in Chinese.
    #[serde(default)]
    pub lead: String,
    /// Lead unit(s) of measure 15(4), in English.
    #[serde(default)]
    pub lead_en: String,
    /// Free note on how the figure is read.
    #[serde(default)]
    pub note: String,
    /// [`category`](Self::category) parsed, filled in by [`Indicators::parse`].
    #[serde(skip)]
    pub parsed: Option<Category>,
}

/// The indicator list.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Indicators {
    /// Planned project types of measure 15(4), in the file's order.
    #[serde(default)]
    pub planned_project: Vec<PlannedProject>,
    /// The Annex-2 indicators, in the file's order.
    pub indicator: Vec<Indicator>,
}

impl Indicators {
    /// Parse an indicators file; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Indicators> {
        let mut ind: Indicators = toml::from_str(text).map_err(|e| {
            Error::config(
                origin,
                format!("not a valid indicators file: {}", e.to_string().trim()),
            )
        })?;
        for p in ind.planned_project.iter_mut() {
            p.parsed = Some(p.category.parse().map_err(|e: String| {
                Error::config(origin, format!("planned project {:?}: {e}", p.name))
            })?);
        }
        for x in &ind.indicator {
            check_checks(x, origin)?;
        }
        Ok(ind)
    }

    /// The bundled indicators (seeds/indicators.toml).
    pub fn bundled() -> Indicators {
        Indicators::parse(DEFAULT_INDICATORS, "seeds/indicators.toml")
            .expect("bundled indicators are valid")
    }

    /// Read an indicators file.
    pub fn read(path: &Path) -> Result<Indicators> {
        Indicators::parse(&read_text(path)?, &path.display().to_string())
    }
}

#[cfg(test)]
mod indicator_tests {
    use super::*;

    #[test]
    fn bundled_indicators_have_all_37_in_order() {
        let ind = Indicators::bundled();
        // The 37 national indicators, then the plan's own measures 38-44.
        assert_eq!(ind.indicator.len(), 44);
        assert!(
            ind.indicator[37..]
                .iter()
                .all(|x| x.seed_status == "plan_measure")
        );
        assert!(ind.indicator.iter().all(|x| !x.lead.is_empty()));
        // Every measure but 1, 2, 9, 37 names co-operating units (协办单位) besides
        // its lead units.
        let no_co: Vec<&str> = ind
            .indicator
            .iter()
            .filter(|x| x.co.is_empty())
            .map(|x| x.id.as_str())
            .collect();
        assert_eq!(no_co, ["1", "2", "9", "37"]);
        let i19 = &ind.indicator[18];
        assert_eq!(
            (i19.comparison.as_str(), i19.word.as_str()),
            (">", "超过{}")
        );
        assert_eq!(ind.indicator[19].goals().len(), 2);
        let ind = Indicators {
            indicator: ind.indicator[..37].to_vec(),
            ..ind
        };
        for (i, x) in ind.indicator.iter().enumerate() {
            assert_eq!(x.id, (i + 1).to_string());
            assert!(
                matches!(x.kind.as_str(), "spatial" | "tabular" | "not_spatial"),
                "{}",
                x.id
            );
            assert!(
                matches!(x.seed_status.as_str(), "met" | "new_measure"),
                "{}",
                x.id
            );
        }
        let new: Vec<&str> = ind
            .indicator
            .iter()
            .filter(|x| x.seed_status == "new_measure")
            .map(|x| x.id.as_str())
            .collect();
        assert_eq!(new, ["6", "12", "17", "33", "34", "35"]);
        assert_eq!(ind.planned_project.len(), 5);
        assert!(ind.planned_project.iter().all(|p| p.parsed.is_some()));
    }

    #[test]
    fn every_spatial_item_has_a_check() {
        let ind = Indicators::bundled();
        let spatial: Vec<(&str, &str)> = ind
            .indicator
            .iter()
            .filter(|x| x.kind == "spatial")
            .map(|x| (x.id.as_str(), x.check.as_str()))
            .collect();
        assert_eq!(
            spatial,
            [
                ("13", "coverage_15min"),
                ("14", "per_capita_new_communities"),
                ("15", "planned_cage_football"),
                ("16", "school_venues_open_share"),
                ("17", "second_generation_equipment_5min"),
                ("35", "health_colocation"),
                ("36", "culture_sports_stations"),
            ]
        );
        let measures: Vec<(&str, &str)> = ind
            .indicator
            .iter()
            .flat_map(|x| &x.measure)
            .map(|m| (m.id.as_str(), m.check.as_str()))
            .collect();
        assert_eq!(
            measures,
            [
                ("13", "three_level_network"),
                ("15(1)", "suited_facilities"),
                ("15(2)", "winter_natural_ice"),
                ("15(3)", "small_space_pilots"),
                ("16(1)", "free_or_discount"),
            ]
        );
        assert!(
            ind.indicator
                .iter()
                .flat_map(|x| &x.measure)
                .all(|m| { !m.lead.is_empty() && !m.lead_en.is_empty() && !m.name_en.is_empty() })
        );
        // A spatial item without a computation is refused, naming it.
        let text = DEFAULT_INDICATORS.replace("check = \"health_colocation\"", "check = \"none\"");
        let e = Indicators::parse(&text, "i.toml").unwrap_err().to_string();
        assert!(
            e.contains("indicator 35 is spatial: check \"none\" is not a fitcircle computation"),
            "{e}"
        );
    }
}
