//! The labels of report.html and map.png in Chinese or English: [`Lang`],
//! one table of every label ([`tr`], `trf` with `{name}` placeholders)
//! and the labels of categories, targets, time windows and tiers.

// The report (feature `report`) uses every item; the other writers only
// some, so a build without the report leaves the rest unused.
#![cfg_attr(not(feature = "report"), allow(dead_code))]

use std::str::FromStr;

use super::format::num;
use crate::analysis::coverage::Target;
use crate::analysis::study::Study;
use crate::model::Category;

/// Language of the report's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese.
    Zh,
    /// English.
    #[default]
    En,
}

impl Lang {
    /// BCP 47 code for `<html lang>` and number formatting.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The default for a data set: Chinese for the Xicheng bundle or a title
    /// with CJK characters, else English.
    pub fn detect(name: &str, title: &str) -> Lang {
        let cjk = |s: &str| {
            s.chars().any(|c| {
                matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x3000..=0x303F)
            })
        };
        if name.eq_ignore_ascii_case("xicheng") || cjk(name) || cjk(title) {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" | "chinese" => Ok(Lang::Zh),
            "中文" => Ok(Lang::Zh),
            "en" | "en-us" | "en-gb" | "english" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?}; use zh or en")),
        }
    }
}

/// Every label of the report: (key, Chinese, English). Keys starting with
/// `js.` are also handed to the page's script.
#[rustfmt::skip]
const STRINGS: &[(&str, &str, &str)] = &[
    ("report", "15分钟健身圈覆盖报告", "15-minute fitness circle report"),
    ("subtitle", "步行 {minutes} 分钟（{speed} km/h，沿路网 {limit} 米）可达体育设施的居民覆盖情况", "Residents within a {minutes}-minute walk ({speed} km/h, {limit} m along the street network) of a place to exercise"),
    ("subtitle_straight", "步行 {minutes} 分钟（{speed} km/h，{limit} 米；直线距离 × {detour}）可达体育设施的居民覆盖情况", "Residents within a {minutes}-minute walk ({speed} km/h, {limit} m; straight line x {detour}) of a place to exercise"),
    ("approx_banner", "近似结果：未提供路网，步行距离按直线距离 × {detour} 估算。", "APPROXIMATE: no street network was given; walking distances are straight-line distances x {detour}."),
    ("nav_summary", "要点", "Key figures"),
    ("nav_map", "地图", "Map"),
    ("nav_charts", "图表", "Charts"),
    ("nav_tables", "数据表", "Tables"),
    ("nav_notes", "说明", "Notes"),
    ("card_covered", "覆盖人口比例", "Residents covered"),
    ("card_population", "居民人数", "Residents"),
    ("card_facilities", "计入的体育设施", "Facilities counted"),
    ("card_percapita", "人均体育场地面积", "Sports area per resident"),
    ("card_gap", "未覆盖居民", "Residents not covered"),
    ("sec_map", "覆盖地图", "Coverage map"),
    ("map_hint", "底图为步行路网（无在线瓦片）。点击社区、设施或街道边界查看数据；右上角可切换图层。", "The base map is the walking network itself (no online tiles). Click a community, facility or unit for its figures; toggle layers at the top right."),
    ("sec_charts", "图表", "Charts"),
    ("sec_tables", "数据表", "Tables"),
    ("sec_notes", "说明与数据来源", "Notes and sources"),
    ("sec_scorecard", "评分卡", "Scorecard"),
    ("ch_cov_unit", "各街道（单元）覆盖比例", "Covered share per unit"),
    ("ch_cov_cat", "各类设施的覆盖比例", "Covered share per facility type"),
    ("ch_percap", "人均体育场地面积与目标（室外 {out} / 室内 {in} 平方米/人）", "Sports area per resident against the targets ({out} m² outdoor / {in} m² indoor)"),
    ("ch_hist", "到最近体育设施的步行时间（按人口）", "Walking time to the nearest sports facility (residents)"),
    ("ch_windows", "各时段覆盖比例", "Covered share per time window"),
    ("ch_tiers", "生活圈达标比例", "Residents meeting each life-circle tier"),
    ("ax_share", "覆盖人口比例", "share of residents covered"),
    ("ax_share_tier", "达标居民比例", "share of residents meeting the tier"),
    ("ax_people", "居民人数", "residents"),
    ("ax_minutes", "步行分钟", "minutes on foot"),
    ("ax_m2pp", "平方米/人", "m² per resident"),
    ("outdoor", "室外体育用地", "Outdoor sports land"),
    ("indoor", "室内体育建筑面积", "Indoor sports floor area"),
    ("target", "目标", "target"),
    ("limit_line", "{minutes} 分钟", "{minutes} min"),
    ("whole_area", "全区", "Whole area"),
    ("beyond", "超过 {minutes} 分钟", "over {minutes} min"),
    ("unreachable", "未接入路网", "not on the network"),
    ("tbl_main", "主要指标", "Main figures"),
    ("tbl_targets", "各类设施的覆盖", "Coverage per facility type"),
    ("tbl_units", "各街道（单元）指标", "Figures per unit"),
    ("row_area", "研究区域", "Study area"),
    ("row_method", "距离计算", "Distances"),
    ("method_network", "沿步行路网", "along the walking network"),
    ("method_straight", "直线距离 × {detour}（近似）", "straight line x {detour} (approximate)"),
    ("row_limit", "步行限值", "Walking limit"),
    ("limit_value", "{minutes} 分钟 × {speed} km/h = {limit} 米", "{minutes} min x {speed} km/h = {limit} m"),
    ("row_communities", "社区 / 人口单元", "Communities / population cells"),
    ("row_population", "居民人数", "Residents"),
    ("row_unreachable", "未接入路网的居民", "Residents not on the network"),
    ("row_facilities", "体育设施（计入 / 全部）", "Sports facilities (counted / all)"),
    ("row_covered", "步行 {minutes} 分钟可达任一设施", "Within {minutes} min of any facility"),
    ("row_outdoor", "人均室外体育用地", "Outdoor sports land per resident"),
    ("row_indoor", "人均室内体育建筑面积", "Indoor sports floor area per resident"),
    ("row_rule", "人均面积目标（指标 {indicator}）", "Per-capita target (indicator {indicator})"),
    ("rule_text", "室外 ≥ {out} 或室内 ≥ {in} 平方米/人", "≥ {out} m² outdoor or ≥ {in} m² indoor per resident"),
    ("met", "达标", "met"),
    ("not_met", "未达标", "not met"),
    ("row_sfca", "两步移动搜索法（{method}）人均可达面积", "2SFCA access ({method}), mean"),
    ("row_below", "可达面积低于目标的居民比例", "Residents below the target (2SFCA)"),
    ("row_gini", "可达面积基尼系数", "Gini of 2SFCA access"),
    ("row_tier", "{tier}达标居民比例", "Residents meeting the {tier}"),
    ("row_window", "时段覆盖：{window}", "Covered in window: {window}"),
    ("row_new", "新建社区（{year} 年及以后）低于目标", "New communities ({year} or later) below target"),
    ("col_target", "设施类型", "Facility type"),
    ("col_facilities", "设施数", "Facilities"),
    ("col_covered", "覆盖人口", "Residents covered"),
    ("col_share", "覆盖比例", "Share"),
    ("col_unit", "单元", "Unit"),
    ("col_population", "人口", "Residents"),
    ("col_outdoor", "人均室外", "Outdoor m²/p"),
    ("col_indoor", "人均室内", "Indoor m²/p"),
    ("col_rule", "人均目标", "Target"),
    ("col_sfca", "2SFCA 均值", "2SFCA mean"),
    ("m2pp", "{value} 平方米/人", "{value} m²/person"),
    ("people", "{value} 人", "{value} people"),
    ("scorecard_placeholder", "本次运行没有评分卡。", "No scorecard in this run."),
    ("notes_run", "本次运行的说明", "Notes of this run"),
    ("notes_network_omitted", "步行路网共有 {n} 条边，超出报告地图能画的范围，地图上不画路网；路网与全部结果可在 QGIS 中打开 GeoJSON 文件查看。", "The walking network has {n} edges, more than the report's map can draw, so the map leaves it out; open the GeoJSON files in QGIS for the full picture."),
    ("notes_compact", "本次共有 {n} 个社区：地图上每个社区画成一个点，只显示到最近设施的步行时间；完整数据见 communities.geojson。", "This run has {n} communities: the map draws each as a point with its walk to the nearest facility only; the full figures are in communities.geojson."),
    ("notes_hours", "无法解析开放时间的设施", "Facilities whose opening hours could not be read"),
    ("notes_outside", "不在任何单元内的居民：{value} 人", "Residents outside every unit: {value}"),
    ("notes_definitions", "覆盖：社区到最近设施的步行距离不超过限值；覆盖比例 = 被覆盖社区人口 / 全部人口（含未接入路网者）。计入的设施：现有且向公众开放。", "Covered: the walk from a community to its nearest facility is within the limit; covered share = population of covered communities / all population (including those not on the network). Counted facilities: existing and open to the public."),
    ("attr_osm", "路网 © OpenStreetMap 贡献者，ODbL 1.0", "Streets © OpenStreetMap contributors, ODbL 1.0"),
    ("attr_leaflet", "地图组件：Leaflet 1.9.4，© Volodymyr Agafonkin、CloudMade，BSD 2-Clause 许可（许可全文见本文件源码注释）", "Map component: Leaflet 1.9.4, © Volodymyr Agafonkin, CloudMade, BSD 2-Clause licence (full text in a comment in this file's source)"),
    ("made_with", "由 fitcircle {version} 生成", "Made with fitcircle {version}"),
    ("map_png_note", "静态地图见同目录 map.png。", "A static map is in map.png beside this file."),
    ("errors", "页面脚本错误", "Script errors on this page"),
    ("any", "任一体育设施", "any sports facility"),
    ("win.weekday_daytime", "工作日白天", "weekday daytime"),
    ("win.weekday_evening", "工作日晚间", "weekday evening"),
    ("win.weekend", "周末", "weekend"),
    ("win.any_time", "全天候", "any time"),
    ("tier_label", "{minutes} 分钟生活圈（{metres} 米）", "{minutes}-minute tier ({metres} m)"),
    // map.png (drawn in Chinese only when a CJK font is found).
    ("map.title", "步行 {minutes} 分钟可达体育设施：{population} 名居民中 {share}% 已覆盖", "{minutes}-minute walk to a sports facility: {share} % of {population} residents covered"),
    ("map.method_network", "沿步行路网计算步行距离，步速 {speed} km/h（{limit} 米）", "walking distance along the street network at {speed} km/h ({limit} m)"),
    ("map.method_straight", "近似结果：直线距离 × {detour}（未提供路网）", "APPROXIMATE: straight-line distance x {detour} (no street network)"),
    ("map.legend", "到最近体育设施的步行时间", "Walk to the nearest facility"),
    ("map.class_le", "≤ {a} 分钟", "<= {a} min"),
    ("map.class_range", "{a}–{b} 分钟", "{a}-{b} min"),
    ("map.class_beyond", "超过 {a} 分钟或无设施", "> {a} min or none"),
    ("map.class_off", "未接入路网", "not on the network"),
    ("map.within", "任一设施 {a} 分钟步行范围", "within {a} min of a facility"),
    ("map.facility", "体育设施", "sports facility"),
    ("map.facility_planned", "规划或在建设施", "planned or under construction"),
    ("map.facility_closed", "不对公众开放的设施", "closed to the public"),
    ("map.facility_off", "设施（未接入路网）", "facility off the network"),
    ("map.network", "步行路网", "street network"),
    ("map.unit", "街道（单元）边界", "unit boundary"),
    ("map.attribution", "路网 © OpenStreetMap 贡献者，ODbL 1.0", "Streets (c) OpenStreetMap contributors, ODbL 1.0"),
    ("cat.football_pitch", "足球场", "football pitch"),
    ("cat.basketball_court", "篮球场", "basketball court"),
    ("cat.tennis_court", "网球场", "tennis court"),
    ("cat.table_tennis", "乒乓球台", "table tennis"),
    ("cat.other_pitch", "其他球场", "other pitch"),
    ("cat.sports_centre", "体育馆 / 体育中心", "sports centre"),
    ("cat.fitness_centre", "健身房", "fitness centre"),
    ("cat.fitness_station", "室外健身器材", "outdoor fitness station"),
    ("cat.track", "跑道 / 健身步道", "track"),
    ("cat.stadium", "体育场", "stadium"),
    ("cat.ice_rink", "滑冰场", "ice rink"),
    ("cat.swimming_pool", "游泳池 / 游泳馆", "swimming pool"),
    ("cat.park", "公园", "park"),
    ("cat.playground", "儿童游乐场", "playground"),
    ("cat.school_venue", "学校体育场地", "school sports venue"),
    ("cat.chess_garden", "棋苑", "outdoor chess tables"),
    // Handed to the page's script.
    ("js.lyr_network", "步行路网", "Walking network"),
    ("js.lyr_covered", "{minutes} 分钟覆盖范围", "Within {minutes} min (any facility)"),
    ("js.lyr_communities", "社区（按步行时间着色）", "Communities by walking time"),
    ("js.lyr_gaps", "未覆盖社区", "Communities not covered"),
    ("js.lyr_units", "街道 / 单元边界", "Unit boundaries"),
    ("js.lyr_facilities", "设施", "Facilities"),
    ("js.legend", "步行至最近设施", "Walk to the nearest facility"),
    ("js.minutes", "分钟", "min"),
    ("js.or_none", "或无设施", "or none"),
    ("js.unreachable", "未接入路网", "not on the network"),
    ("js.population", "人口", "Residents"),
    ("js.estimate", "（估算）", " (estimate)"),
    ("js.unit", "单元", "Unit"),
    ("js.nearest", "到最近设施的步行时间", "Walk to the nearest"),
    ("js.target", "设施类型", "Facility type"),
    ("js.min_col", "分钟", "min"),
    ("js.count_col", "限值内数量", "within limit"),
    ("js.tiers", "生活圈", "Life-circle tiers"),
    ("js.met", "达标", "met"),
    ("js.missing", "缺少", "missing"),
    ("js.sfca", "2SFCA 人均可达面积", "2SFCA access per resident"),
    ("js.outdoor", "室外", "outdoor"),
    ("js.indoor", "室内", "indoor"),
    ("js.total", "合计", "total"),
    ("js.m2pp", "平方米/人", "m²/person"),
    ("js.category", "类型", "Category"),
    ("js.status", "状态", "Status"),
    ("js.area", "室外面积", "Outdoor area"),
    ("js.floor", "室内建筑面积", "Indoor floor area"),
    ("js.land", "计入的体育用地", "Sports land counted"),
    ("js.hours", "开放时间", "Opening hours"),
    ("js.windows", "开放时段", "Open in windows"),
    ("js.counted", "计入覆盖", "Counted"),
    ("js.within", "限值内居民", "Residents within the limit"),
    ("js.yes", "是", "yes"),
    ("js.no", "否", "no"),
    ("js.none", "—", "—"),
    ("js.not_covered", "未覆盖", "not covered"),
    ("js.covered", "已覆盖", "covered"),
    ("js.share", "覆盖比例", "Covered share"),
    ("js.percap", "人均面积（室外 / 室内）", "Per resident (outdoor / indoor)"),
    ("js.reason", "原因", "Reason"),
    ("js.m2", "平方米", "m²"),
    ("js.planned", "规划", "planned"),
    ("js.existing", "现有", "existing"),
    ("js.fac_planned", "规划或在建设施（橙色圈）", "planned or under construction (orange ring)"),
    ("js.fac_closed", "不对公众开放（红色虚线）", "closed to the public (red dashes)"),
    ("js.fac_off", "未接入路网（虚线）", "off the network (dashed)"),
    ("js.unknown", "未知", "unknown"),
];

/// The label for `key` in `lang`; the key itself when the table lacks it.
pub(crate) fn tr(lang: Lang, key: &str) -> &str {
    match STRINGS.iter().find(|s| s.0 == key) {
        Some((_, zh, en)) => match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        None => {
            debug_assert!(false, "no label for {key:?}");
            key
        }
    }
}

/// [`tr`] with `{name}` placeholders filled in.
pub(crate) fn trf(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let mut s = tr(lang, key).to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// Every label key, in table order.
pub(crate) fn keys() -> impl Iterator<Item = &'static str> {
    STRINGS.iter().map(|s| s.0)
}

/// The label of a facility category.
pub(crate) fn category_label(lang: Lang, c: Category) -> String {
    let key = format!("cat.{}", c.as_str());
    if STRINGS.iter().any(|s| s.0 == key) {
        tr(lang, &key).to_string()
    } else {
        // A category added without a label (the unit test below asks for
        // one): its file name reads well enough.
        c.as_str().replace('_', " ")
    }
}

/// The label of a coverage target (any facility, or a category).
pub(crate) fn target_label(lang: Lang, t: Target) -> String {
    match t {
        Target::Any => tr(lang, "any").to_string(),
        Target::Category(c) => category_label(lang, c),
    }
}

/// The label of a time window (its name when the table lacks one).
pub(crate) fn window_label(lang: Lang, name: &str) -> String {
    let key = format!("win.{name}");
    if STRINGS.iter().any(|s| s.0 == key) {
        tr(lang, &key).to_string()
    } else {
        name.replace('_', " ")
    }
}

/// The label of a life-circle tier: its minutes and metres.
pub(crate) fn tier_label(lang: Lang, study: &Study, name: &str) -> String {
    match study.targets.tier.iter().find(|t| t.name == name) {
        Some(t) => trf(
            lang,
            "tier_label",
            &[("minutes", num(t.minutes)), ("metres", num(t.distance_m))],
        ),
        None => name.to_string(),
    }
}

/// The label of a tier's requirement (its Chinese name in Chinese).
pub(crate) fn requirement_label(lang: Lang, study: &Study, name: &str) -> String {
    for t in &study.targets.tier {
        for r in &t.requirement {
            if r.name == name {
                return match lang {
                    Lang::Zh if !r.zh.is_empty() => r.zh.clone(),
                    _ => r.name.replace('_', " "),
                };
            }
        }
    }
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_table_is_complete() {
        let mut keys: Vec<&str> = STRINGS.iter().map(|s| s.0).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate label keys");
        for (k, zh, en) in STRINGS {
            assert!(!zh.is_empty() && !en.is_empty(), "empty label {k}");
            // Placeholders match between the languages.
            let holes = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|x| x.0.to_string()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(holes(zh), holes(en), "placeholders of {k}");
        }
        for c in Category::ALL {
            assert!(STRINGS.iter().any(|s| s.0 == format!("cat.{}", c.as_str())));
        }
    }

    #[test]
    fn lang_parse_and_detect() {
        assert_eq!("zh".parse::<Lang>().unwrap(), Lang::Zh);
        assert_eq!("EN".parse::<Lang>().unwrap(), Lang::En);
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::detect("xicheng", "Xicheng"), Lang::Zh);
        assert_eq!(Lang::detect("my", "北京市西城区"), Lang::Zh);
        assert_eq!(Lang::detect("helsinki", "Helsinki centre"), Lang::En);
    }
}
