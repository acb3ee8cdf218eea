//! The gaps and scorecard rows of the plan's measures computed in
//! [`crate::analysis::measures`]: the three-level network (13), inclusive
//! access (15(1), 16(1)), winter grounds and small-space pilots (15(2),
//! 15(3)), health co-location (35) and culture-and-sports stations (36).
//! Each text in Chinese and English; without the input a check needs, the
//! scorecard names that input.

use geo::Geometry;

use super::{Bi, Gap, Lead, MeasureRow, Run, Verdict, Why, bi};
use crate::analysis::measures::Share;
use crate::analysis::measures::inclusive::{GroupAccess, Offer};
use crate::analysis::measures::levels::{LevelArea, LevelSource};
use crate::analysis::measures::special::PILOT_SPACES;
use crate::analysis::study::Study;
use crate::model::{Group, Level, Space, UnitIx};
use crate::targets::{Indicators, SubMeasure};

/// A group's name (Chinese, English).
fn group_name(g: Group) -> (&'static str, &'static str) {
    match g {
        Group::Elderly => ("老年人", "the elderly"),
        Group::Disabled => ("残疾人", "the disabled"),
        Group::Youth => ("青少年", "young people"),
    }
}

/// A pilot space's name (Chinese, English).
fn space_name(s: Space) -> (&'static str, &'static str) {
    match s {
        Space::NaturalWater => ("自然水域", "natural waters"),
        Space::Building => ("楼宇", "buildings"),
        Space::SmallSquare => ("社区小广场", "small squares"),
        Space::Underground => ("地下空间", "underground"),
    }
}

/// `x` as a percentage with one decimal (`97.5`).
fn pct(x: f64) -> String {
    format!("{:.1}", 100.0 * x)
}

/// Every gap of the measures, in a fixed order: the network (district,
/// subdistricts, communities), suited facilities, free or discounted use,
/// winter grounds, pilots, health-promotion centres, culture stations.
pub(super) fn gaps(run: &Run) -> Vec<Gap> {
    let mut gaps = level_gaps(run);
    gaps.extend(inclusive_gaps(run, Offer::Suited));
    gaps.extend(inclusive_gaps(run, Offer::FreeOrDiscount));
    gaps.extend(special_gaps(run));
    gaps.extend(health_gaps(run));
    gaps.extend(culture_gaps(run));
    gaps
}

impl Run<'_> {
    /// The lead units of sub-measure `id` (e.g. `15(1)`), else of the
    /// indicator of that id.
    fn sub_lead(&self, id: &'static str) -> Lead {
        let found = self
            .indicators
            .indicator
            .iter()
            .flat_map(|x| &x.measure)
            .find(|m| m.id == id);
        match found {
            Some(m) => Lead {
                indicator: id,
                zh: m.lead.clone(),
                en: m.lead_en.clone(),
            },
            None => self.lead(id),
        }
    }

    /// A gap about a whole area: the unit (its polygon) or, for `None`,
    /// the whole study area (no geometry).
    fn area_gap(&self, kind: &'static str, lead: &Lead, unit: Option<UnitIx>, why: Why) -> Gap {
        let study = self.study;
        let people = study
            .areas
            .iter()
            .find(|a| a.unit == unit)
            .map_or(0.0, |a| a.population);
        let (id, name, geometry) = match unit {
            Some(u) => {
                let x = &self.inputs.units[u.get()];
                let g = Geometry::MultiPolygon(x.geometry.clone());
                (x.id.clone(), x.name.clone(), Some(g))
            }
            None => ("all".to_string(), String::new(), None),
        };
        Gap {
            kind,
            indicator: lead.indicator.into(),
            lead: lead.zh.clone(),
            lead_en: lead.en.clone(),
            subject_id: id,
            unit: (unit.is_some()).then(|| name.clone()),
            name,
            people,
            explanation_zh: why.zh,
            explanation_en: why.en,
            geometry,
        }
    }

    /// Community `c` is attached (its own `unreachable` gap says the rest).
    fn attached(&self, c: usize) -> bool {
        self.study.placement.community_access[c].is_ok()
    }
}

/// Measure 13: no district venue; a subdistrict without a facility of
/// its level; a community without one within its short walk.
fn level_gaps(run: &Run) -> Vec<Gap> {
    let lead = run.sub_lead("13");
    let net = &run.study.measures.levels;
    let mut gaps = Vec::new();
    if net.district_venues() == 0 {
        let why = Why {
            zh: "全区没有区级体育场馆".into(),
            en: "the district has no district-level sports venue".into(),
        };
        gaps.push(run.area_gap("no_district_venue", &lead, None, why));
    }
    for a in net.subdistrict_areas() {
        if a.at_or_above(Level::Subdistrict) == 0 {
            let why = Why {
                zh: "没有街道级（或区级）体育设施".into(),
                en: "no subdistrict-level (or district) sports facility".into(),
            };
            gaps.push(run.area_gap("no_subdistrict_facility", &lead, a.unit, why));
        }
    }
    let m = net.community_m;
    let minutes = run.study.settings.community_level_minutes;
    for c in 0..run.inputs.communities.len() {
        if run.attached(c) && !net.community_ok(c) {
            let why = Why {
                zh: format!("{minutes}分钟步行（{m:.0}米）范围内没有社区级体育设施"),
                en: format!(
                    "no community-level sports facility within a {minutes}-minute walk ({m:.0} m)"
                ),
            };
            gaps.push(run.community_gap("no_community_facility", &lead, c, why));
        }
    }
    gaps
}

/// Measures 15(1) / 16(1): each attached community lacking the offer
/// within the walk for some group (only when some facility states it).
fn inclusive_gaps(run: &Run, offer: Offer) -> Vec<Gap> {
    let inc = &run.study.measures.inclusive;
    if !inc.is_known(offer) {
        return Vec::new();
    }
    let (id, kind) = match offer {
        Offer::Suited => ("15(1)", "not_suited_for_groups"),
        Offer::FreeOrDiscount => ("16(1)", "no_free_or_discount_for_groups"),
    };
    let lead = run.sub_lead(id);
    let rows: Vec<&GroupAccess> = inc.of(offer).collect();
    let minutes = run.study.settings.minutes;
    let mut gaps = Vec::new();
    for c in (0..run.inputs.communities.len()).filter(|&c| run.attached(c)) {
        let lacking: Vec<&GroupAccess> = rows.iter().copied().filter(|r| !r.ok[c]).collect();
        if lacking.is_empty() {
            continue;
        }
        let com = &run.inputs.communities[c];
        let zh: Vec<&str> = lacking.iter().map(|r| group_name(r.group).0).collect();
        let en: Vec<&str> = lacking.iter().map(|r| group_name(r.group).1).collect();
        let why = match offer {
            Offer::Suited => Why {
                zh: format!("{minutes}分钟步行范围内没有适合{}的场地设施", zh.join("、")),
                en: format!(
                    "no facility suited to {} within a {minutes}-minute walk",
                    en.join(", ")
                ),
            },
            Offer::FreeOrDiscount => Why {
                zh: format!(
                    "{minutes}分钟步行范围内没有对{}免费或优惠的场馆",
                    zh.join("、")
                ),
                en: format!(
                    "no venue free or discounted for {} within a {minutes}-minute walk",
                    en.join(", ")
                ),
            },
        };
        let mut gap = run.community_gap(kind, &lead, c, why);
        // The people concerned: the groups' members where given.
        if lacking.iter().all(|r| r.weighted) {
            gap.people = lacking
                .iter()
                .filter_map(|r| com.groups.get(r.group))
                .sum::<f64>()
                + 0.0;
        }
        gaps.push(gap);
    }
    gaps
}

/// Measures 15(2) / 15(3): none at all in the district (only when some
/// facility states its space or season).
fn special_gaps(run: &Run) -> Vec<Gap> {
    let sp = &run.study.measures.special;
    if !sp.known {
        return Vec::new();
    }
    let mut gaps = Vec::new();
    if sp.winter.is_empty() {
        let why = Why {
            zh: "没有依托自然水域开设的冬季冰雪场地".into(),
            en: "no winter ice or snow ground on natural waters".into(),
        };
        let lead = run.sub_lead("15(2)");
        gaps.push(run.area_gap("no_winter_ground", &lead, None, why));
    }
    if sp.pilots.is_empty() {
        let why = Why {
            zh: "没有利用楼宇、社区小广场或地下空间建设的健身设施".into(),
            en: "no fitness facility in a building, a small square or underground space".into(),
        };
        let lead = run.sub_lead("15(3)");
        gaps.push(run.area_gap("no_small_space_pilot", &lead, None, why));
    }
    gaps
}

/// Measure 35: each subdistrict without a health-promotion centre (only
/// with a health-facility input).
fn health_gaps(run: &Run) -> Vec<Gap> {
    let h = &run.study.measures.health;
    if !h.given {
        return Vec::new();
    }
    let lead = run.lead("35");
    h.subdistrict_areas()
        .iter()
        .filter(|a| a.promotion_centres() == 0)
        .map(|a| {
            let why = Why {
                zh: "没有健康促进服务中心".into(),
                en: "no health-promotion centre".into(),
            };
            run.area_gap("no_health_promotion_centre", &lead, a.unit, why)
        })
        .collect()
}

/// Measure 36: each culture station not yet combined with sports; people
/// are the residents within the walk of it.
fn culture_gaps(run: &Run) -> Vec<Gap> {
    let cs = &run.study.measures.culture;
    let lead = run.lead("36");
    let stations = &run.inputs.culture;
    (0..stations.len())
        .filter(|&s| !stations[s].with_sports)
        .map(|s| {
            let st = &stations[s];
            Gap {
                kind: "culture_station_not_combined",
                indicator: lead.indicator.into(),
                lead: lead.zh.clone(),
                lead_en: lead.en.clone(),
                subject_id: st.id.clone(),
                name: st.name.clone(),
                unit: run.unit_name(cs.unit[s]),
                people: cs.station_people[s],
                explanation_zh: "文化站尚未改建为文体站（无体育功能）".into(),
                explanation_en: "culture station not yet combined with sports".into(),
                geometry: Some(st.geometry.clone()),
            }
        })
        .collect()
}

/// The verdict of a measures check (`None` for another check).
pub(super) fn verdict(check: &str, study: &Study) -> Option<Verdict> {
    Some(match check {
        "three_level_network" => three_level_network(study),
        "suited_facilities" => inclusive(study, Offer::Suited),
        "free_or_discount" => inclusive(study, Offer::FreeOrDiscount),
        "winter_natural_ice" => winter_natural_ice(study),
        "small_space_pilots" => small_space_pilots(study),
        "health_colocation" => health_colocation(study),
        "culture_sports_stations" => culture_sports_stations(study),
        _ => return None,
    })
}

/// A note for checks run over the whole area when no units were given.
fn no_units_note(study: &Study) -> Bi {
    if study.areas.len() > 1 {
        Bi::default()
    } else {
        bi(
            "未提供街道边界：全区按一个街道核查",
            "no units given: the whole area is checked as one subdistrict",
        )
    }
}

/// Join two notes, skipping empty ones.
fn join(a: Bi, b: Bi) -> Bi {
    let j = |x: String, y: String, sep: &str| match (x.is_empty(), y.is_empty()) {
        (true, _) => y,
        (_, true) => x,
        _ => format!("{x}{sep}{y}"),
    };
    bi(j(a.zh, b.zh, "；"), j(a.en, b.en, "; "))
}

/// Measure 13's network: district venues, subdistricts with a
/// subdistrict-level facility, residents with a community-level one near.
fn three_level_network(study: &Study) -> Verdict {
    let net = &study.measures.levels;
    let subs = net.subdistrict_areas();
    let with = subs
        .iter()
        .filter(|a: &&LevelArea| a.at_or_above(Level::Subdistrict) > 0)
        .count();
    let all = &net.areas[0];
    let minutes = study.settings.community_level_minutes;
    let share = pct(all.residents.share());
    let [c, s, d] = all.facilities;
    let counted = |rule: bool| {
        net.level
            .iter()
            .zip(&net.source)
            .filter(|(l, s)| l.is_some() && matches!(s, LevelSource::Rule(_)) == rule)
            .count()
    };
    let (given, inferred) = (counted(false), counted(true));
    let figure = bi(
        format!(
            "区级{d}处、街道级{s}处、社区级{c}处；{with}/{}个街道有街道级设施；{share}%的居民{minutes}分钟步行内有社区级设施",
            subs.len()
        ),
        format!(
            "{d} district, {s} subdistrict, {c} community facilities; {with} of {} subdistricts have a subdistrict-level one; {share} % of residents within {minutes} min of a community-level one",
            subs.len()
        ),
    );
    let note = bi(
        format!(
            "级别：{given}处取自数据，{inferred}处按 seeds/targets.toml 的规则推定；上级设施兼作下级设施{}",
            if study.mode().is_approximate() {
                "（近似：直线距离）"
            } else {
                ""
            }
        ),
        format!(
            "levels: {given} from the data, {inferred} inferred by the rules of seeds/targets.toml; a higher-level facility serves the lower levels too{}",
            if study.mode().is_approximate() {
                " (approximate: straight-line distances)"
            } else {
                ""
            }
        ),
    );
    Verdict::met_if(net.met(), figure, join(note, no_units_note(study)))
}

/// The input column an offer needs (Chinese, English).
fn offer_column(offer: Offer) -> (&'static str, &'static str) {
    match offer {
        Offer::Suited => ("适用人群（适老、无障碍、青少年）", "suited_for"),
        Offer::FreeOrDiscount => (
            "优惠对象（学生、老年人、残疾人，或免费）",
            "free_or_discount",
        ),
    }
}

/// Measures 15(1) / 16(1): every group's members within the walk of a
/// facility making the offer (no data without the facility column).
fn inclusive(study: &Study, offer: Offer) -> Verdict {
    let inc = &study.measures.inclusive;
    let (col_zh, col_en) = offer_column(offer);
    if !inc.is_known(offer) {
        return Verdict::no_data(bi(
            format!("需要设施表的“{col_zh}”列才能计算"),
            format!("computable once the facilities carry a {col_en} column"),
        ));
    }
    let rows: Vec<&GroupAccess> = inc.of(offer).collect();
    let shares: Vec<Share> = rows.iter().map(|r| r.areas[0]).collect();
    let zh: Vec<String> = rows
        .iter()
        .zip(&shares)
        .map(|(r, s)| format!("{}{}%", group_name(r.group).0, pct(s.share())))
        .collect();
    let en: Vec<String> = rows
        .iter()
        .zip(&shares)
        .map(|(r, s)| format!("{} {} %", group_name(r.group).1, pct(s.share())))
        .collect();
    let minutes = study.settings.minutes;
    let weighted: Vec<&str> = rows
        .iter()
        .filter(|r| !r.weighted)
        .map(|r| group_name(r.group).0)
        .collect();
    let weighted_en: Vec<&str> = rows
        .iter()
        .filter(|r| !r.weighted)
        .map(|r| group_name(r.group).1)
        .collect();
    let note = if weighted.is_empty() {
        bi(
            "按社区各人群人数加权",
            "weighted by each group's residents in the communities",
        )
    } else {
        bi(
            format!("社区未提供{}人数，按全部居民计算", weighted.join("、")),
            format!(
                "no community gives the number of {}: all residents counted",
                weighted_en.join(", ")
            ),
        )
    };
    Verdict::met_if(
        shares.iter().all(|s| s.share() >= 1.0 - 1e-12),
        bi(
            format!("{minutes}分钟步行可达的人群比例：{}", zh.join("，")),
            format!("within {minutes} min: {}", en.join(", ")),
        ),
        note,
    )
}

/// The "needs the space column" note of 15(2) and 15(3).
fn space_needed() -> Verdict {
    Verdict::no_data(bi(
        "需要设施表的“设置场所”列（自然水域、楼宇、小广场、地下空间）或“开放季节”列才能计算",
        "computable once the facilities carry a space (natural_water, building, small_square, underground) or season column",
    ))
}

/// Measure 15(2): at least one winter ground on natural waters.
fn winter_natural_ice(study: &Study) -> Verdict {
    let sp = &study.measures.special;
    if !sp.known {
        return space_needed();
    }
    let n = sp.winter.len();
    let share = pct(sp.areas[0].winter_residents.share());
    let minutes = study.settings.minutes;
    Verdict::met_if(
        n > 0,
        bi(
            format!("自然水域冬季冰雪场地{n}处；冬季{share}%的居民{minutes}分钟步行内有健身场地"),
            format!(
                "{n} winter grounds on natural waters; in winter {share} % of residents within {minutes} min of a facility"
            ),
        ),
        bi(
            "冬季场地只计入冬季，不计入全年覆盖；至少1处即达标（方案未给数量）",
            "winter grounds count in winter only, not in year-round coverage; met with at least one (the seed gives no number)",
        ),
    )
}

/// Measure 15(3): at least one small-space pilot.
fn small_space_pilots(study: &Study) -> Verdict {
    let sp = &study.measures.special;
    if !sp.known {
        return space_needed();
    }
    let all = &sp.areas[0];
    let parts = |zh: bool| -> Vec<String> {
        PILOT_SPACES
            .iter()
            .zip(all.pilots)
            .map(|(s, n)| {
                let (z, e) = space_name(*s);
                if zh {
                    format!("{z}{n}处")
                } else {
                    format!("{e} {n}")
                }
            })
            .collect()
    };
    Verdict::met_if(
        all.pilots_total() > 0,
        bi(parts(true).join("、"), parts(false).join(", ")),
        bi(
            "试点：至少1处即达标（方案未给数量）",
            "pilots: met with at least one (the seed gives no number)",
        ),
    )
}

/// Measure 35: a health-promotion centre in every subdistrict; the share
/// of sports facilities next to a health facility.
fn health_colocation(study: &Study) -> Verdict {
    let h = &study.measures.health;
    if !h.given {
        return Verdict::no_data(bi(
            "需要卫生设施数据（社区卫生服务中心、医院、康复和健康促进中心）：用 --health 文件，或在配置文件中加卫生设施输入",
            "computable with a health-facility input (community health centres, hospitals, rehabilitation and health-promotion centres): [[health]] in the config or --health FILE",
        ));
    }
    let subs = h.subdistrict_areas();
    let with = subs.iter().filter(|a| a.promotion_centres() > 0).count();
    let all = &h.areas[0];
    let walk = h.walk_m;
    let share = pct(all.colocated_share());
    let centres = all.promotion_centres();
    Verdict::met_if(
        with == subs.len(),
        bi(
            format!(
                "{share}%的体育设施（{}/{}）步行{walk:.0}米内有卫生设施；健康促进服务中心{centres}处，{with}/{}个街道有",
                all.colocated,
                all.sports,
                subs.len()
            ),
            format!(
                "{share} % of sports facilities ({} of {}) within {walk:.0} m of a health facility; {centres} health-promotion centres, in {with} of {} subdistricts",
                all.colocated,
                all.sports,
                subs.len()
            ),
        ),
        join(
            bi(
                "每个街道都有健康促进服务中心才算达标；体医结合比例方案未给目标",
                "met when every subdistrict has a health-promotion centre; the seed sets no co-location share",
            ),
            no_units_note(study),
        ),
    )
}

/// Measure 36: every culture station combined with sports.
fn culture_sports_stations(study: &Study) -> Verdict {
    let cs = &study.measures.culture;
    if !cs.given {
        return Verdict::no_data(bi(
            "需要文化站数据（文化站、文化活动室，注明是否为文体站）：用 --culture 文件，或在配置文件中加文化站输入",
            "computable with a culture-station input (culture stations and rooms, with a with_sports flag): [[culture]] in the config or --culture FILE",
        ));
    }
    let all = &cs.areas[0];
    let minutes = study.settings.minutes;
    let share = pct(all.residents.share());
    Verdict::met_if(
        all.combined == all.stations,
        bi(
            format!(
                "文化站{}处，其中文体站{}处；{share}%的居民{minutes}分钟步行内有文体站",
                all.stations, all.combined
            ),
            format!(
                "{} culture stations, {} combined with sports; {share} % of residents within {minutes} min of one",
                all.stations, all.combined
            ),
        ),
        bi(
            "全部文化站改建为文体站才算达标",
            "met when every culture station is combined with sports",
        ),
    )
}

/// The target of a sub-measure in fitcircle's reading (the seed gives no
/// figure), in Chinese and English.
fn target_of(check: &str, study: &Study) -> Bi {
    let minutes = study.settings.minutes;
    match check {
        "three_level_network" => bi(
            format!(
                "至少1处区级场馆；每个街道至少1处街道级设施；每个社区{}分钟步行内有社区级设施",
                study.settings.community_level_minutes
            ),
            format!(
                "at least 1 district venue; at least 1 subdistrict-level facility per subdistrict; a community-level one within {} min of every community",
                study.settings.community_level_minutes
            ),
        ),
        "suited_facilities" | "free_or_discount" => bi(
            format!("各人群全部在{minutes}分钟步行范围内"),
            format!("every member of each group within {minutes} min"),
        ),
        "winter_natural_ice" | "small_space_pilots" => bi("至少1处", "at least 1"),
        _ => Bi::default(),
    }
}

/// One row per sub-measure of every indicator, in the file's order.
pub(super) fn measure_rows(indicators: &Indicators, study: &Study) -> Vec<MeasureRow> {
    indicators
        .indicator
        .iter()
        .flat_map(|ind| ind.measure.iter().map(move |m| (ind, m)))
        .map(|(ind, m)| row(&ind.id, m, study))
        .collect()
}

fn row(indicator: &str, m: &SubMeasure, study: &Study) -> MeasureRow {
    let v = verdict(&m.check, study).unwrap_or_else(|| {
        Verdict::no_data(bi(
            "fitcircle 暂无此项的计算",
            "no fitcircle computation for this item yet",
        ))
    });
    let target = target_of(&m.check, study);
    MeasureRow {
        indicator: indicator.to_string(),
        measure: m.clone(),
        status: v.status,
        figure: v.figure.en,
        figure_zh: v.figure.zh,
        target: target.en,
        target_zh: target.zh,
        note: v.note.en,
        note_zh: v.note.zh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_join_skipping_empty_ones() {
        let j = join(bi("甲", "a"), Bi::default());
        assert_eq!((j.zh.as_str(), j.en.as_str()), ("甲", "a"));
        let j = join(bi("甲", "a"), bi("乙", "b"));
        assert_eq!((j.zh.as_str(), j.en.as_str()), ("甲；乙", "a; b"));
        assert_eq!(pct(0.97549), "97.5");
    }
}
