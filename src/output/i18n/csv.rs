//! The CSV files' words: column headers (`csv.<key>`; in English the key
//! itself, stable for scripts), the words in their cells (`word.<w>`), the
//! reasons of `unreachable.csv` and the records and details of
//! `dropped.csv`. Codes (`reason_code`, `kind`) and ids stay as they are in
//! both languages.

use super::{Lang, has_label, target_label, tier_label, tr, trf, window_label};
use crate::analysis::coverage::Target;
use crate::analysis::study::Study;
use crate::graph::snap::Unreachable;
use crate::model::{Category, DropReason, Dropped};

/// (key, Chinese, English).
#[rustfmt::skip]
pub(super) const STRINGS: &[(&str, &str, &str)] = &[
    // Headers (the English is the key).
    ("csv.kind", "类型代码", "kind"),
    ("csv.item_kind", "类型", "kind"),
    ("csv.id", "编号", "id"),
    ("csv.name", "名称", "name"),
    ("csv.population", "人口", "population"),
    ("csv.reason_code", "原因代码", "reason_code"),
    ("csv.reason", "原因代码", "reason"),
    ("csv.reason_text", "原因", "reason"),
    ("csv.area", "区域", "area"),
    ("csv.unit_id", "单元编号", "unit_id"),
    ("csv.target", "设施类型", "target"),
    ("csv.facilities", "设施数", "facilities"),
    ("csv.communities", "社区数", "communities"),
    ("csv.covered_population", "覆盖人口", "covered_population"),
    ("csv.coverage_share", "覆盖比例", "coverage_share"),
    ("csv.unreachable_population", "未接入路网人口", "unreachable_population"),
    ("csv.walk_minutes", "步行时间（分钟）", "walk_minutes"),
    ("csv.limit_m", "步行距离限值（米）", "limit_m"),
    ("csv.outdoor_sports_land_m2", "室外体育用地（平方米）", "outdoor_sports_land_m2"),
    ("csv.indoor_floor_area_m2", "室内体育建筑面积（平方米）", "indoor_floor_area_m2"),
    ("csv.outdoor_m2pp", "人均室外体育用地（平方米）", "outdoor_m2pp"),
    ("csv.indoor_m2pp", "人均室内体育建筑面积（平方米）", "indoor_m2pp"),
    ("csv.total_m2pp", "人均体育场地面积（平方米）", "total_m2pp"),
    ("csv.target_outdoor_m2pp", "人均室外目标（平方米）", "target_outdoor_m2pp"),
    ("csv.target_indoor_m2pp", "人均室内目标（平方米）", "target_indoor_m2pp"),
    ("csv.meets_per_capita_target", "人均面积达标", "meets_per_capita_target"),
    ("csv.sfca_method", "可达性计算方法", "sfca_method"),
    ("csv.sfca_outdoor_mean_m2pp", "人均可达室外面积均值（平方米）", "sfca_outdoor_mean_m2pp"),
    ("csv.sfca_indoor_mean_m2pp", "人均可达室内面积均值（平方米）", "sfca_indoor_mean_m2pp"),
    ("csv.sfca_total_mean_m2pp", "人均可达面积均值（平方米）", "sfca_total_mean_m2pp"),
    ("csv.share_below_target", "低于目标的居民比例", "share_below_target"),
    ("csv.gini_sfca_total", "可达面积基尼系数", "gini_sfca_total"),
    ("csv.new_communities", "新建社区数", "new_communities"),
    ("csv.new_communities_below_target", "低于目标的新建社区数", "new_communities_below_target"),
    ("csv.distance_method", "距离计算方法", "distance_method"),
    ("csv.covered_share", "{target}覆盖比例", "covered_share_{target}"),
    ("csv.tier_share", "{tier}达标比例", "tier_{tier}_share"),
    ("csv.window_share", "{window}覆盖比例", "window_{window}_covered_share"),
    ("csv.file", "文件", "file"),
    ("csv.record", "记录位置", "record"),
    ("csv.kept", "是否保留", "kept"),
    ("csv.detail", "说明", "detail"),
    ("csv.indicator", "指标编号", "indicator"),
    ("csv.lead", "牵头单位", "lead"),
    ("csv.lead_en", "牵头单位（英文）", "lead_en"),
    ("csv.subject_id", "对象编号", "subject_id"),
    ("csv.unit", "单元", "unit"),
    ("csv.people", "涉及人口", "people"),
    ("csv.explanation_zh", "说明", "explanation_zh"),
    ("csv.explanation_en", "说明（英文）", "explanation_en"),
    ("csv.level1", "一级指标", "level1"),
    ("csv.name_en", "名称（英文）", "name_en"),
    ("csv.status", "状态（英文）", "status"),
    ("csv.figure", "现值（英文）", "figure"),
    ("csv.target_en", "目标（英文）", "target"),
    ("csv.seed_status", "规划原状态代码", "seed_status"),
    ("csv.note", "备注（英文）", "note"),
    ("csv.co", "协办单位", "co"),
    ("csv.co_en", "协办单位（英文）", "co_en"),
    ("csv.status_zh", "状态", "status_zh"),
    ("csv.figure_zh", "现值", "figure_zh"),
    ("csv.target_zh", "目标", "target_zh"),
    ("csv.note_zh", "备注", "note_zh"),
    ("csv.rank", "排名", "rank"),
    ("csv.site_id", "选址编号", "site_id"),
    ("csv.site_name", "选址名称", "site_name"),
    ("csv.category", "设施类别", "category"),
    ("csv.lon", "经度", "lon"),
    ("csv.lat", "纬度", "lat"),
    ("csv.crs", "坐标系", "crs"),
    ("csv.lon_wgs84", "经度（WGS-84）", "lon_wgs84"),
    ("csv.lat_wgs84", "纬度（WGS-84）", "lat_wgs84"),
    ("csv.newly_covered_population", "新增覆盖人口", "newly_covered_population"),
    ("csv.newly_covered_communities", "新增覆盖社区数", "newly_covered_communities"),
    ("csv.cumulative_new_population", "累计新增覆盖人口", "cumulative_new_population"),
    ("csv.covered_share_after", "建成后覆盖比例", "covered_share_after"),
    ("csv.community_ids", "新增覆盖社区编号", "communities"),
    ("csv.community_names", "新增覆盖社区名称", "community_names"),
    // measures.csv.
    ("csv.community_level_facilities", "社区级设施数", "community_level_facilities"),
    ("csv.subdistrict_level_facilities", "街道级设施数", "subdistrict_level_facilities"),
    ("csv.district_level_facilities", "区级设施数", "district_level_facilities"),
    ("csv.has_subdistrict_facility", "有街道级及以上设施", "has_subdistrict_facility"),
    ("csv.communities_with_community_facility", "步行可达社区级设施的社区数", "communities_with_community_facility"),
    ("csv.community_level_share", "步行可达社区级设施的居民比例", "community_level_share"),
    ("csv.suited_elderly_share", "步行可达适老设施的老年人比例", "suited_elderly_share"),
    ("csv.suited_disabled_share", "步行可达无障碍设施的残疾人比例", "suited_disabled_share"),
    ("csv.suited_youth_share", "步行可达适合青少年设施的青少年比例", "suited_youth_share"),
    ("csv.free_or_discount_elderly_share", "步行可达对老年人免费或优惠设施的老年人比例", "free_or_discount_elderly_share"),
    ("csv.free_or_discount_disabled_share", "步行可达对残疾人免费或优惠设施的残疾人比例", "free_or_discount_disabled_share"),
    ("csv.free_or_discount_youth_share", "步行可达对青少年免费或优惠设施的青少年比例", "free_or_discount_youth_share"),
    ("csv.winter_grounds", "冬季冰雪场地数", "winter_grounds"),
    ("csv.pilots_building", "楼宇健身试点数", "pilots_building"),
    ("csv.pilots_small_square", "社区小广场试点数", "pilots_small_square"),
    ("csv.pilots_underground", "地下空间试点数", "pilots_underground"),
    ("csv.winter_covered_share", "冬季步行可达体育设施的居民比例", "winter_covered_share"),
    ("csv.health_community_health", "社区卫生服务机构数", "health_community_health"),
    ("csv.health_hospital", "医院数", "health_hospital"),
    ("csv.health_rehabilitation", "康复中心数", "health_rehabilitation"),
    ("csv.health_health_promotion", "健康促进服务中心数", "health_health_promotion"),
    ("csv.sports_facilities", "体育设施数", "sports_facilities"),
    ("csv.sports_next_to_health", "步行可达医疗卫生机构的体育设施数", "sports_next_to_health"),
    ("csv.health_colocated_share", "体医结合设施比例", "health_colocated_share"),
    ("csv.culture_stations", "文化站数", "culture_stations"),
    ("csv.culture_sports_stations", "文体站数", "culture_sports_stations"),
    ("csv.culture_sports_covered_share", "步行可达文体站的居民比例", "culture_sports_covered_share"),
    // Words in cells.
    ("word.all", "全区", "all"),
    ("word.community", "社区", "community"),
    ("word.facility", "设施", "facility"),
    ("word.yes", "是", "yes"),
    ("word.no", "否", "no"),
    ("word.true", "是", "true"),
    ("word.false", "否", "false"),
    ("word.network", "沿步行路网", "network"),
    ("word.straight_line", "直线距离 × {detour}（近似）", "straight_line_x{detour}"),
    // unreachable.csv.
    ("unreach.too_far", "最近的可步行道路在 {d} 米外（超过 {max} 米的接入限值）；是否在路网数据范围之外？", "nearest walkable street is {d} m away (more than the {max} m snap limit); outside the network extract?"),
    ("unreach.none_within", "{max} 米内没有可步行道路", "no walkable street within {max} m"),
    ("unreach.island", "最近的道路（{d} 米）位于只有 {nodes} 个节点的孤立路网上", "nearest street ({d} m) is on a disconnected island of {nodes} nodes"),
    ("unreach.no_geometry", "没有几何位置", "empty geometry"),
    // dropped.csv: where the record is, and what was done.
    ("rec.row", "第 {n} 行", "row {n}"),
    ("rec.feature", "第 {n} 个要素", "feature {n}"),
    ("rec.node", "OSM 节点 {n}", "node {n}"),
    ("rec.way", "OSM 路径 {n}", "way {n}"),
    ("rec.relation", "OSM 关系 {n}", "relation {n}"),
    ("rec.community", "第 {n} 个社区", "community {n}"),
    ("rec.facility", "第 {n} 个设施", "facility {n}"),
    ("drop.duplicate", "与前面某行完全相同，已剔除", "repeats an earlier row exactly; left out"),
    ("drop.duplicate_of", "与第 {n} 行完全相同，已剔除", "repeats row {n} exactly; left out"),
    ("drop.private_access", "设施标注为 access=private/no（不对居民开放），已剔除", "facility tagged access=private/no (not open to residents); left out"),
    ("drop.no_population", "landuse=residential 区域没有人口或户数标签，已剔除", "landuse=residential area without a population or households tag; left out"),
    ("drop.polygon_repaired", "多边形无效（自相交或洞在外），已修复并保留", "invalid polygon repaired; kept"),
    ("drop.broken_relation", "关系的成员路径缺失或环未闭合，无法组装，已剔除", "rings could not be assembled; left out"),
    ("drop.way_clipped", "可步行道路引用了数据范围外缺失的节点，保留现有的节点段", "walkable way references nodes missing from the extract; kept the runs present"),
    ("drop.unit_overlap", "位于单元重叠处，按重叠规则归入「{unit}」", "lies where units overlap; assigned to {unit} by the overlap rule"),
];

/// The header of column `key` in `lang`: in English the column's name (the
/// key, or the English of its `csv.<key>` entry where one name has two
/// meanings: `reason_text` is unreachable.csv's `reason`); in Chinese its
/// label, the per-target, per-tier and per-window columns of
/// units.csv named after their target, tier or window (`study` for the
/// tiers' distances).
pub(crate) fn csv_header(lang: Lang, key: &str, study: Option<&Study>) -> String {
    let own = format!("csv.{key}");
    if has_label(&own) {
        return tr(lang, &own).to_string();
    }
    if lang == Lang::En {
        return key.to_string();
    }
    if let Some(t) = key.strip_prefix("covered_share_") {
        let target = match t {
            "any" => Some(Target::Any),
            c => c.parse::<Category>().ok().map(Target::Category),
        };
        if let Some(t) = target {
            return trf(
                lang,
                "csv.covered_share",
                &[("target", target_label(lang, t))],
            );
        }
    }
    if let Some(w) = key
        .strip_prefix("window_")
        .and_then(|k| k.strip_suffix("_covered_share"))
    {
        return trf(
            lang,
            "csv.window_share",
            &[("window", window_label(lang, w))],
        );
    }
    if let (Some(t), Some(study)) = (
        key.strip_prefix("tier_")
            .and_then(|k| k.strip_suffix("_share")),
        study,
    ) {
        return trf(
            lang,
            "csv.tier_share",
            &[("tier", tier_label(lang, study, t))],
        );
    }
    key.to_string()
}

/// A word of a CSV cell (`all`, `yes`, `community`, ...) in `lang`.
pub(crate) fn csv_word(lang: Lang, word: &str) -> String {
    let key = format!("word.{word}");
    if lang == Lang::Zh && has_label(&key) {
        return tr(lang, &key).to_string();
    }
    if lang == Lang::Zh {
        if word == "network" {
            return tr(lang, "word.network").to_string();
        }
        if let Some(d) = word.strip_prefix("straight_line_x") {
            return trf(lang, "word.straight_line", &[("detour", d.to_string())]);
        }
    }
    word.to_string()
}

/// Why an item could not be attached to the network, in `lang`.
pub(crate) fn unreachable_reason(lang: Lang, u: &Unreachable) -> String {
    if lang == Lang::En {
        return u.reason();
    }
    let m = |x: f64| format!("{x:.0}");
    match u {
        Unreachable::TooFar {
            nearest_m: Some(d),
            max_m,
        } => trf(lang, "unreach.too_far", &[("d", m(*d)), ("max", m(*max_m))]),
        Unreachable::TooFar {
            nearest_m: None,
            max_m,
        } => trf(lang, "unreach.none_within", &[("max", m(*max_m))]),
        Unreachable::Island { nodes, dist_m } => trf(
            lang,
            "unreach.island",
            &[("d", m(*dist_m)), ("nodes", nodes.to_string())],
        ),
        Unreachable::NoGeometry => tr(lang, "unreach.no_geometry").to_string(),
    }
}

/// Where a record of dropped.csv is ("row 12", "way 5", ...) in `lang`.
pub(crate) fn record_label(lang: Lang, record: &str) -> String {
    if lang == Lang::En {
        return record.to_string();
    }
    match record.split_once(' ') {
        Some((kind, n)) if has_label(&format!("rec.{kind}")) => {
            trf(lang, &format!("rec.{kind}"), &[("n", n.to_string())])
        }
        _ => record.to_string(),
    }
}

/// The first number after `prefix` in `text`.
fn number_after(text: &str, prefix: &str) -> Option<String> {
    let rest = &text[text.find(prefix)? + prefix.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// What was done with a record of dropped.csv, in `lang`: the reader's own
/// words in English; in Chinese the reason's sentence, with the row it
/// repeats (duplicates) or the unit it was given to (`unit`, overlaps).
pub(crate) fn dropped_detail(lang: Lang, d: &Dropped, unit: Option<&str>) -> String {
    if lang == Lang::En {
        return d.detail.clone();
    }
    match d.reason {
        DropReason::Duplicate => match number_after(&d.detail, "row ") {
            Some(n) => trf(lang, "drop.duplicate_of", &[("n", n)]),
            None => tr(lang, "drop.duplicate").to_string(),
        },
        DropReason::UnitOverlap => trf(
            lang,
            "drop.unit_overlap",
            &[("unit", unit.unwrap_or_default().to_string())],
        ),
        other => tr(lang, &format!("drop.{}", other.code())).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_keys_in_english_and_labels_in_chinese() {
        assert_eq!(
            csv_header(Lang::En, "covered_population", None),
            "covered_population"
        );
        assert_eq!(csv_header(Lang::Zh, "covered_population", None), "覆盖人口");
        assert_eq!(
            csv_header(Lang::Zh, "covered_share_any", None),
            "任一体育设施覆盖比例"
        );
        assert_eq!(
            csv_header(Lang::Zh, "window_weekday_evening_covered_share", None),
            "工作日晚间覆盖比例"
        );
        assert_eq!(
            csv_header(Lang::Zh, "no_such_column", None),
            "no_such_column"
        );
    }

    #[test]
    fn words_records_reasons_and_details() {
        assert_eq!(csv_word(Lang::Zh, "all"), "全区");
        assert_eq!(csv_word(Lang::En, "all"), "all");
        assert_eq!(
            csv_word(Lang::Zh, "straight_line_x1.3"),
            "直线距离 × 1.3（近似）"
        );
        assert_eq!(record_label(Lang::Zh, "row 482"), "第 482 行");
        assert_eq!(record_label(Lang::Zh, "way 77"), "OSM 路径 77");
        assert_eq!(record_label(Lang::Zh, "elsewhere"), "elsewhere");
        let too_far = Unreachable::TooFar {
            nearest_m: Some(412.4),
            max_m: 300.0,
        };
        assert_eq!(
            unreachable_reason(Lang::Zh, &too_far),
            "最近的可步行道路在 412 米外（超过 300 米的接入限值）；是否在路网数据范围之外？"
        );
        assert_eq!(unreachable_reason(Lang::En, &too_far), too_far.reason());
        let dup = Dropped::new(
            "row 482",
            DropReason::Duplicate,
            "repeats row 481 exactly; left out",
        );
        assert_eq!(
            dropped_detail(Lang::Zh, &dup, None),
            "与第 481 行完全相同，已剔除"
        );
        assert_eq!(dropped_detail(Lang::En, &dup, None), dup.detail);
        let overlap = Dropped::new("community 3", DropReason::UnitOverlap, "lies where ...");
        assert_eq!(
            dropped_detail(Lang::Zh, &overlap, Some("德胜街道")),
            "位于单元重叠处，按重叠规则归入「德胜街道」"
        );
        for r in [
            DropReason::PrivateAccess,
            DropReason::NoPopulation,
            DropReason::PolygonRepaired,
            DropReason::BrokenRelation,
            DropReason::WayClipped,
        ] {
            let d = Dropped::new("way 1", r, "x");
            assert!(has_label(&format!("drop.{}", r.code())), "{r:?}");
            assert!(!dropped_detail(Lang::Zh, &d, None).is_ascii());
        }
    }
}
