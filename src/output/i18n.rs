//! The labels of report.html and map.png in Chinese or English: [`Lang`],
//! one table of every label ([`tr`], `trf` with `{name}` placeholders)
//! and the labels of categories, targets, time windows and tiers.

// The report (feature `report`) uses every item; the other writers only
// some, so a build without the report leaves the rest unused.
#![cfg_attr(not(feature = "report"), allow(dead_code))]

use std::str::FromStr;

use super::format::num;
use crate::analysis::coverage::Target;
use crate::analysis::gaps::Status4;
use crate::analysis::study::Study;
use crate::analysis::windows::Window;
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

mod csv;
mod maps;
mod terminal;
mod warnings;

pub(crate) use self::csv::{
    csv_header, csv_word, dropped_detail, record_label, unreachable_reason,
};
pub use self::warnings::warning;

/// Every table of labels: the report's and the maps' ([`STRINGS`]), the
/// CSV files' headers and words, the maps' later additions, the
/// terminal's.
const TABLES: &[&[(&str, &str, &str)]] = &[STRINGS, csv::STRINGS, maps::STRINGS, terminal::STRINGS];

/// The entries of every table.
fn entries() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    TABLES.iter().flat_map(|t| t.iter())
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
    ("row_sfca", "{method}人均可达面积", "2SFCA access ({method}), mean"),
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
    ("col_rule", "对照新建区标准", "New-area standard"),
    ("col_sfca", "人均可达面积均值", "2SFCA mean"),
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
    ("method.2sfca", "两步移动搜索法", "2sfca"),
    ("method.e2sfca", "增强两步移动搜索法", "e2sfca"),
    ("method.gaussian", "高斯衰减两步移动搜索法", "gaussian"),
    ("map.note_estimate", "人口为估算值：全区人口平均分配到各社区", "population is an ESTIMATE: the district total spread evenly over the communities"),
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
    // The report's planning sections.
    ("nav_planned", "规划项目", "Planned projects"),
    ("nav_scorecard", "评分卡", "Scorecard"),
    ("hl.now", "步行 {minutes} 分钟可达体育设施的居民占 {share}。", "{share} of residents live within a {minutes}-minute walk of a sports facility."),
    ("hl.after", "规划设施建成后将升至 {share}。", " With the planned facilities built: {share}."),
    ("hl.percap", "人均体育场地面积 {value} 平方米。", " Sports area per resident: {value} m²."),
    ("hl.scorecard", "评分卡共 {n} 项：达标 {met} 项，未达标 {not_met} 项，无数据 {no_data} 项。", " Scorecard: {met} of {n} items met, {not_met} not met, {no_data} without data."),
    ("sec_planned", "规划项目：建成前后对比", "Planned projects: before and after"),
    ("tbl_before_after", "现状与规划设施建成后", "Now and with the planned facilities"),
    ("col_figure", "指标", "Figure"),
    ("col_now", "现状", "Now"),
    ("col_after", "规划建成后", "With planned"),
    ("no_planned", "输入数据中没有规划设施。", "The inputs list no planned facilities."),
    ("tbl_planned", "规划设施（按新增覆盖人口排序）", "Planned facilities (by residents newly covered)"),
    ("col_facility", "设施", "Facility"),
    ("col_year", "年份", "Year"),
    ("col_newly", "新增覆盖居民", "Residents newly covered"),
    ("tbl_ranking", "各街道（单元）排名（按覆盖比例从低到高）", "Units ranked by covered share, lowest first"),
    ("col_rank", "排名", "Rank"),
    ("col_total_m2pp", "人均体育场地（平方米）", "Sports area per resident (m²)"),
    ("col_gaps", "短板数", "Gaps"),
    ("tbl_schools", "学校体育场地：开放时间与对社会开放情况", "School sports venues: hours and openness"),
    ("col_open_public", "对社会开放", "Open to the public"),
    ("gaps_none", "未发现短板。", "No gaps found."),
    ("gaps_found", "发现的短板：", "Gaps found: "),
    ("gap.unreachable", "未接入路网的社区", "communities not on the network"),
    ("gap.uncovered_15min", "步行范围外的社区", "communities outside the walk"),
    ("gap.tier_missing", "生活圈缺项", "life-circle tiers lacking a facility"),
    ("gap.unit_below_per_capita", "人均面积不足的街道", "units below the per-capita target"),
    ("gap.new_community_below_per_capita", "人均面积不足的新建社区", "new communities below the per-capita target"),
    ("gap.school_venue_not_open", "未开放的学校场地", "school venues not open"),
    ("gap.no_second_generation_equipment", "缺少二代健身器材的社区", "communities without second-generation equipment"),
    ("gap.planned_project_short", "未完成的规划项目", "planned projects short of target"),
    ("gap.no_district_venue", "缺少区级场馆", "no district venue"),
    ("gap.no_subdistrict_facility", "缺少街道级设施的街道", "subdistricts without a subdistrict-level facility"),
    ("gap.no_community_facility", "附近缺少社区级设施的社区", "communities without a community-level facility near"),
    ("gap.not_suited_for_groups", "缺少适老、无障碍或青少年设施的社区", "communities without facilities suited to the elderly, disabled or young"),
    ("gap.no_free_or_discount_for_groups", "缺少免费或优惠场馆的社区", "communities without free or discounted venues"),
    ("gap.no_winter_ground", "缺少自然水域冬季冰雪场地", "no winter ground on natural waters"),
    ("gap.no_small_space_pilot", "缺少楼宇、小广场或地下空间健身设施试点", "no small-space pilot"),
    ("gap.no_health_promotion_centre", "缺少健康促进服务中心的街道", "subdistricts without a health-promotion centre"),
    ("gap.culture_station_not_combined", "尚未改建为文体站的文化站", "culture stations not combined with sports"),
    ("banner_estimate", "人口为估算值：数据源没有各社区人口，全区人口平均分配到各社区。", "Population is an ESTIMATE: the source has no figures per community; the district total is spread evenly over the communities."),
    ("mn.title", "方法与数据说明", "Method and data notes"),
    ("mn.network", "步行距离沿步行路网计算。", "Walking distances are measured along the walking network."),
    ("mn.straight", "近似结果：未提供路网，步行距离按直线距离 × {detour} 估算，通常高估覆盖。", "APPROXIMATE: no street network was given; walking distances are straight lines x {detour}, which usually overstates coverage."),
    ("mn.pop_estimate", "人口为估算值：全区人口按社区平均分配，各社区和街道的人数只能作参考。", "Population is an ESTIMATE: the district total is spread evenly over the communities, so figures per community and unit are indicative only."),
    ("mn.pop_households", "部分社区人口按户数 × 户均人口推算。", "Some communities' population is households x household size."),
    ("mn.parks", "公园按面积的 {share}% 计入体育用地；只计现有且向公众开放的设施。", "Parks count {share} % of their area as sports land; only existing facilities open to the public count."),
    ("mn.tiers", "各级生活圈要求的设施不同：{tiers}。因此范围更大的生活圈达标比例可能低于较小的生活圈。", "Each life-circle tier asks for its own facilities: {tiers}. A wider tier can therefore have a lower share than a narrower one."),
    ("mn.needs", "需要", " needs "),
    ("mn.tier_sep", "；", "; "),
    ("mn.schools", "学校体育场地一般只在课余时间（晚间、周末、假期）开放，各时段覆盖见图表。", "School venues usually open only outside school hours (evenings, weekends, holidays); see the coverage per time window."),
    ("map_hint_straight", "未提供路网，地图没有底图。点击社区、设施或街道边界查看数据；右上角可切换图层。", "No street network was given, so the map has no base map. Click a community, facility or unit for its figures; toggle layers at the top right."),
    ("row_rule_area", "全区人均对照新建居住区标准（指标 14 只考核新建社区，见评分卡）", "Whole-area per-capita figure against the new-area standard (indicator 14 judges new communities only; see the scorecard)"),
    ("above_std", "高于标准", "above the standard"),
    ("below_std", "低于标准", "below the standard"),
    // The terminal summary (stdout of `analyze`).
    ("t.method", "步行 {minutes} 分钟，步速 {speed} km/h = {limit} 米，{how}", "{minutes}-minute walk at {speed} km/h = {limit} m {how}"),
    ("t.approx", "（近似：直线距离 × 绕行系数）", "(APPROXIMATE: straight-line distances x detour factor)"),
    ("t.over_network", "沿步行路网计算", "over the street network"),
    ("t.hl_covered", "要点      步行范围内的居民：{share}%{after}", "HEADLINE  residents within the walk: {share} %{after}"),
    ("t.hl_after", "，规划设施建成后 {share}%", " -> {share} % with planned facilities"),
    ("t.hl_percap", "          人均体育场地：室外 {out} 平方米 / 室内 {in} 平方米{after}（新建区标准 {t_out} / {t_in}）", "          sports area per resident: {out} m2 outdoor / {in} m2 indoor{after} (new-area targets {t_out} / {t_in})"),
    ("t.hl_pc_after", "，规划建成后 {out} / {in}", " -> {out} / {in} with planned"),
    ("t.hl_scorecard", "          评分卡（{n} 项）：达标 {met}，未达标 {not_met}，无数据 {no_data}，非空间事项 {not_spatial}", "          scorecard ({n} indicators): {met} met, {not_met} not met, {no_data} no data, {not_spatial} not spatial"),
    ("t.hl_no_gaps", "          短板：无", "          gaps: none"),
    ("t.hl_gaps", "          短板：{kind} {n} {people} 人", "          gaps: {kind} {n} {people} people"),
    ("t.hl_planned", "          规划设施 {id} {name} 新增覆盖 {people} 人", "          planned facility {id} {name} newly covers {people} people"),
    ("t.network", "路网：{nodes} 个节点，{edges} 条边，{components} 个连通分量（最大占节点 {largest}%）", "network: {nodes} nodes, {edges} edges, {components} components (largest {largest} % of nodes)"),
    ("t.no_network", "未提供路网：距离按直线 × {detour} 计算（近似）", "NO STREET NETWORK: distances are straight lines x {detour} (APPROXIMATE)"),
    ("t.inputs", "{network}；设施：{facilities} 处（{unreach_f} 处未接入路网）；社区：{communities} 个，{population} 人（{unreach_c} 个未接入路网，{unreach_p} 人）", "{network}; facilities: {facilities} ({unreach_f} unreachable); communities: {communities} with {population} people ({unreach_c} unreachable, {unreach_p} people)"),
    ("t.note_estimate", "说明：人口为估算值（全区人口平均分配到各社区）", "note: population is an ESTIMATE (the district total spread evenly over the communities)"),
    ("t.note_approx", "说明：近似结果，未提供路网，步行距离按直线距离 × {detour} 估算", "note: APPROXIMATE: no street network, walking distances are straight lines x {detour}"),
    ("t.col_target", "设施类型", "target"),
    ("t.col_facilities", "设施数", "facilities"),
    ("t.col_population", "人口", "population"),
    ("t.col_covered", "已覆盖", "covered"),
    ("t.col_share", "比例", "share"),
    ("t.col_unit", "街道（单元，任一设施）", "unit (any facility)"),
    ("t.outside", "（不在任何单元内）", "(outside every unit)"),
    ("t.pc_title", "人均体育场地面积（现有且向公众开放的设施；公园按 {share}% 计）：", "per-capita sports area (existing facilities open to the public; parks count {share} %):"),
    ("t.pc_line", "  室外体育用地 {out} 平方米/人（新建区标准 {t_out}），室内建筑面积 {in} 平方米/人（标准 {t_in}），合计 {total} 平方米/人", "  outdoor land {out} m2/person (target {t_out} for new areas), indoor floor {in} m2/person (target {t_in}), total {total} m2/person"),
    ("t.pc_refs", "  对照（全市/全国，平方米/人）：{refs}", "  for comparison (city-wide, m2/person): {refs}"),
    ("t.pc_sfca", "  {method}（{catchment} 米服务范围）：均值 {mean} 平方米/人，{below}% 的居民低于 {t_out}/{t_in} 标准，基尼系数 {gini}", "  {method} within the {catchment} m catchment: mean {mean} m2/person, {below} % of residents below the {t_out}/{t_in} target, Gini {gini}"),
    ("t.pc_new", "  新建社区（{year} 年及以后）：{n} 个，其中 {below} 个低于标准", "  new communities (built {year} or later): {n}, of which {below} below the target"),
    ("t.tiers", "生活圈（具备全部所需设施的居民比例）：", "life-circle tiers (share of residents with every required facility):"),
    ("t.windows", "各时段覆盖（该时段开放的任一设施）：", "coverage by time window (any facility open in the window):"),
    ("t.wrote", "已写出 {path}", "wrote {path}"),
    ("t.data", "数据：{line}", "data: {line}"),
    // The scorecard (scorecard.md, the report, the terminal).
    ("sc.title", "评分卡：{title}", "Scorecard: {title}"),
    ("sc.counts", "共 {n} 项：达标 {met} 项，未达标 {not_met} 项，无数据 {no_data} 项，非空间事项 {not_spatial} 项。", "{n} indicators: {met} met, {not_met} not met, {no_data} no data, {not_spatial} not spatial."),
    ("sc.col_id", "编号", "id"),
    ("sc.col_indicator", "指标", "indicator"),
    ("sc.col_status", "状态", "status"),
    ("sc.col_figure", "现状数据", "figure"),
    ("sc.col_target", "目标", "target"),
    ("sc.col_lead", "主责单位", "lead unit"),
    ("sc.col_co", "协办单位", "co-operating units"),
    ("sc.col_seed", "方案所列现状", "seed status"),
    ("sc.col_note", "说明", "notes"),
    ("sc.projects", "规划项目（措施15(4)）", "Planned projects (measure 15(4))"),
    ("sc.col_project", "项目", "project"),
    ("sc.col_built", "规划年以来已建", "built since plan"),
    ("sc.col_planned", "规划中", "planned"),
    ("sc.no_figure", "无目标数", "no figure"),
    ("sc.tracked", "跟踪中", "tracked"),
    ("sc.measures", "分项措施", "Sub-measures"),
    ("nav_measures", "规划措施", "Measures"),
    ("m.title", "规划措施核查", "The plan's measures beyond the 15-minute circle"),
    ("m.intro", "三级设施网络（措施13）、适老无障碍设施与优惠开放（措施15(1)、16(1)）、冬季冰雪场地与小空间试点（措施15(2)、15(3)）、体医结合（措施35）与文体站（措施36）；结论见评分卡的分项措施。", "The three-level facility network (measure 13), facilities for the elderly, the disabled and young people and free or discounted use (15(1), 16(1)), winter grounds and small-space pilots (15(2), 15(3)), health co-location (35) and culture-and-sports stations (36); the verdicts are in the scorecard's sub-measures."),
    ("m.level_district", "区级", "district"),
    ("m.level_subdistrict", "街道级", "subdistrict"),
    ("m.level_community", "社区级", "community"),
    ("m.tbl_levels", "三级设施网络（措施13）", "Three-level facility network (measure 13)"),
    ("m.col_has_subdistrict", "有街道级设施", "has a subdistrict-level facility"),
    ("m.col_community_walk", "{minutes}分钟内有社区级设施的居民", "residents within {minutes} min of a community-level facility"),
    ("m.col_communities_walk", "{minutes}分钟内有社区级设施的社区", "communities within {minutes} min of one"),
    ("m.tbl_rules", "设施级别的来源：数据中的级别列，或 seeds/targets.toml 的推定规则（依次匹配）", "Where the levels come from: the input's level column, else the first matching rule of seeds/targets.toml"),
    ("m.rule_given", "数据中的级别列", "the input's level column"),
    ("m.rule_none", "无适用规则（无级别）", "no rule applies (no level)"),
    ("m.col_rule", "来源或规则", "source or rule"),
    ("m.col_level", "级别", "level"),
    ("m.tbl_inclusive", "适老、无障碍、青少年设施与优惠开放（措施15(1)、16(1)）", "Facilities for the elderly, the disabled and young people; free or discounted use (measures 15(1), 16(1))"),
    ("m.offer_suited", "适合该人群的场地设施", "facilities suited to the group"),
    ("m.offer_free_or_discount", "免费或优惠开放", "free or discounted use"),
    ("m.missing_suited", "设施数据没有“适用人群”列（适老、无障碍、青少年），措施15(1)无法计算。", "The facilities carry no suited_for column (elderly, disabled, youth): measure 15(1) is not computed."),
    ("m.missing_free_or_discount", "设施数据没有“优惠对象”列（学生、老年人、残疾人，或免费），措施16(1)无法计算。", "The facilities carry no free_or_discount column (students, elderly, disabled, or free): measure 16(1) is not computed."),
    ("m.col_offer", "措施", "offer"),
    ("m.col_group", "人群", "group"),
    ("m.col_within", "{minutes}分钟步行可达比例", "share within {minutes} min"),
    ("m.col_weight", "计算口径", "weighting"),
    ("m.weight_group", "按该人群人数加权", "by the group's residents"),
    ("m.weight_all", "未提供该人群人数，按全部居民", "all residents (no group figures)"),
    ("m.group_elderly", "老年人", "the elderly"),
    ("m.group_disabled", "残疾人", "the disabled"),
    ("m.group_youth", "青少年", "young people"),
    ("m.tbl_places", "冬季冰雪场地、小空间试点、体医结合与文体站（措施15(2)、15(3)、35、36）", "Winter grounds, small-space pilots, health co-location and culture-and-sports stations (measures 15(2), 15(3), 35, 36)"),
    ("m.col_winter", "自然水域冰雪场地", "winter grounds"),
    ("m.col_pilots", "小空间试点", "small-space pilots"),
    ("m.col_promotion", "健康促进中心", "health-promotion centres"),
    ("m.col_facilities", "设施数", "facilities"),
    ("m.col_colocated", "{walk}米内有卫生设施的体育设施", "sports facilities within {walk} m of health care"),
    ("m.col_culture", "文体站 / 文化站", "culture-and-sports / culture stations"),
    ("m.col_culture_walk", "{minutes}分钟内有文体站的居民", "residents within {minutes} min of a culture-and-sports station"),
    ("m.missing_space", "设施数据没有“设置场所”或“开放季节”列：冬季冰雪场地和小空间试点无法计算。", "The facilities carry no space or season column: winter grounds and small-space pilots are not computed."),
    ("m.missing_health", "未提供卫生设施数据（用 --health 文件，或在配置文件中加卫生设施输入）：体医结合无法计算。", "No health-facility input ([[health]] in the config or --health FILE): health co-location is not computed."),
    ("m.missing_culture", "未提供文化站数据（用 --culture 文件，或在配置文件中加文化站输入）：文体站无法计算。", "No culture-station input ([[culture]] in the config or --culture FILE): culture-and-sports stations are not computed."),
    ("sc.col_measure", "措施", "measure"),
    ("status.met", "达标", "met"),
    ("status.not_met", "未达标", "not met"),
    ("status.no_data", "无数据", "no data"),
    ("status.not_spatial", "非空间事项", "not spatial"),
    ("seed.met", "达到", "met"),
    ("seed.new_measure", "新举措", "new measure"),
    ("seed.plan_measure", "方案自有措施", "plan's own measure"),
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
    ("js.sfca", "人均可达面积（两步移动搜索法）", "2SFCA access per resident"),
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
pub(crate) fn tr(lang: Lang, key: &str) -> &'static str {
    match entries().find(|s| s.0 == key) {
        Some((_, zh, en)) => match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        None => {
            debug_assert!(false, "no label for {key:?}");
            ""
        }
    }
}

/// Whether the table has a label for `key`.
pub fn has_label(key: &str) -> bool {
    entries().any(|s| s.0 == key)
}

/// `tr` with `{name}` placeholders filled in.
pub fn trf(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let mut s = tr(lang, key).to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// Every label key, in table order.
pub(crate) fn keys() -> impl Iterator<Item = &'static str> {
    entries().map(|s| s.0)
}

/// The label of a kind of gap (`uncovered_15min` -> "communities outside
/// the walk"); the kind itself when the table lacks one.
pub(crate) fn gap_label(lang: Lang, kind: &str) -> String {
    let key = format!("gap.{kind}");
    if has_label(&key) {
        tr(lang, &key).to_string()
    } else {
        kind.replace('_', " ")
    }
}

/// The label of a scorecard status.
pub(crate) fn status_label(lang: Lang, s: Status4) -> &'static str {
    let key = match s {
        Status4::Met => "status.met",
        Status4::NotMet => "status.not_met",
        Status4::NoData => "status.no_data",
        Status4::NotSpatial => "status.not_spatial",
    };
    tr(lang, key)
}

/// The label of an indicator's seed status (`met`, `new_measure`,
/// `plan_measure`); the status itself when the table lacks it.
pub(crate) fn seed_label(lang: Lang, s: &str) -> String {
    let key = format!("seed.{s}");
    if has_label(&key) {
        tr(lang, &key).to_string()
    } else {
        s.replace('_', " ")
    }
}

/// The label of a facility category.
pub(crate) fn category_label(lang: Lang, c: Category) -> String {
    let key = format!("cat.{}", c.as_str());
    if has_label(&key) {
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
    if has_label(&key) {
        tr(lang, &key).to_string()
    } else {
        name.replace('_', " ")
    }
}

/// A time window's days and hours: its opening-hours spec in English
/// (`Mo-Fr 08:00-17:00`), the same in words in Chinese (`周一至周五
/// 08:00-17:00`).
pub(crate) fn window_spec(lang: Lang, w: &Window) -> String {
    if lang == Lang::En {
        return w.spec();
    }
    const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    if w.days.iter().all(|d| *d) && w.start_min == 0 && w.end_min >= 24 * 60 {
        return "全天".to_string();
    }
    let mut parts = Vec::new();
    let mut d = 0;
    while d < 7 {
        if !w.days[d] {
            d += 1;
            continue;
        }
        let start = d;
        while d + 1 < 7 && w.days[d + 1] {
            d += 1;
        }
        parts.push(match d - start {
            0 => DAYS[start].to_string(),
            1 => format!("{}、{}", DAYS[start], DAYS[d]),
            _ => format!("{}至{}", DAYS[start], DAYS[d]),
        });
        d += 1;
    }
    let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    format!("{} {}-{}", parts.join("、"), hm(w.start_min), hm(w.end_min))
}

/// Opening hours for a reader: the OSM `opening_hours` text in English;
/// in Chinese its day names, ranges and rules in words (`Mo-Fr 17:00-21:00;
/// Sa,Su 08:00-20:00` -> `周一至周五 17:00-21:00；周六、周日 08:00-20:00`).
/// Parts it does not know stay as written.
pub(crate) fn hours_label(lang: Lang, hours: &str) -> String {
    if lang == Lang::En {
        return hours.to_string();
    }
    const DAYS: [(&str, &str); 9] = [
        ("Mo", "周一"),
        ("Tu", "周二"),
        ("We", "周三"),
        ("Th", "周四"),
        ("Fr", "周五"),
        ("Sa", "周六"),
        ("Su", "周日"),
        ("PH", "节假日"),
        ("SH", "学校假期"),
    ];
    let day = |d: &str| DAYS.iter().find(|x| x.0 == d).map(|x| x.1);
    // A day list such as `Mo-Fr,Su` in words, or None when it is not one.
    let days = |spec: &str| -> Option<String> {
        let mut out = Vec::new();
        for part in spec.split(',') {
            out.push(match part.split_once('-') {
                Some((a, b)) => format!("{}至{}", day(a)?, day(b)?),
                None => day(part)?.to_string(),
            });
        }
        Some(out.join("、"))
    };
    let rule = |r: &str| -> String {
        let r = r.trim();
        match r {
            "24/7" => return "全天".to_string(),
            "off" | "closed" => return "不开放".to_string(),
            _ => {}
        }
        let words: Vec<String> = r
            .split_whitespace()
            .map(|w| match w {
                "off" | "closed" => "不开放".to_string(),
                _ => days(w).unwrap_or_else(|| w.to_string()),
            })
            .collect();
        words.join(" ")
    };
    hours.split(';').map(rule).collect::<Vec<_>>().join("；")
}

/// The label of a 2SFCA method: its id in English, its name in Chinese.
pub(crate) fn method_label(lang: Lang, method: &str) -> String {
    let key = format!("method.{method}");
    match lang {
        Lang::Zh if has_label(&key) => tr(lang, &key).to_string(),
        _ => method.to_string(),
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
        let mut keys: Vec<&str> = entries().map(|s| s.0).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate label keys");
        for (k, zh, en) in entries() {
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
        // Every kind of gap the assessment files, every scorecard status
        // and seed status has a label.
        for kind in [
            "unreachable",
            "uncovered_15min",
            "tier_missing",
            "unit_below_per_capita",
            "new_community_below_per_capita",
            "school_venue_not_open",
            "no_second_generation_equipment",
            "planned_project_short",
            "no_district_venue",
            "no_subdistrict_facility",
            "no_community_facility",
            "not_suited_for_groups",
            "no_free_or_discount_for_groups",
            "no_winter_ground",
            "no_small_space_pilot",
            "no_health_promotion_centre",
            "culture_station_not_combined",
        ] {
            assert!(super::keys().any(|k| k == format!("gap.{kind}")), "{kind}");
        }
        for s in ["met", "new_measure", "plan_measure"] {
            assert!(super::keys().any(|k| k == format!("seed.{s}")), "{s}");
        }
        assert_eq!(status_label(Lang::Zh, Status4::NotSpatial), "非空间事项");
    }

    #[test]
    fn opening_hours_in_words() {
        assert_eq!(
            hours_label(Lang::Zh, "Mo-Fr 17:00-21:00; Sa,Su 08:00-20:00"),
            "周一至周五 17:00-21:00；周六、周日 08:00-20:00"
        );
        assert_eq!(hours_label(Lang::Zh, "24/7"), "全天");
        assert_eq!(hours_label(Lang::Zh, "PH off"), "节假日 不开放");
        assert_eq!(hours_label(Lang::Zh, "sunrise-sunset"), "sunrise-sunset");
        assert_eq!(
            hours_label(Lang::En, "Mo-Fr 17:00-21:00"),
            "Mo-Fr 17:00-21:00"
        );
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
