//! `report.html`: one self-contained page for readers who do not open GIS
//! files. Everything is inlined (Leaflet 1.9.4 from `assets/leaflet/`, the
//! styles, the data as GeoJSON in `<script type="application/json">` blocks,
//! the charts as SVG drawn here), so the file works from `file://` with no
//! network and no tile server: the walking network itself is the base map.
//!
//! Sections: key figures, the map (layers: walking network, covered area,
//! communities by walking minutes, gaps, unit boundaries, facilities by
//! category; a popup per feature), charts (coverage per unit or category,
//! per-capita area against the targets, population by walking minutes,
//! coverage per time window), the tables, a `<section id="scorecard">`
//! placeholder, notes and sources. Labels in Chinese or English ([`Lang`]),
//! all through one table ([`tr`]).
//!
//! The page writes any script error into `#report-errors` and sets
//! `#report-status[data-state]` to `ok` once the map is drawn, with the
//! number of features per layer in `data-layers`, so a headless browser can
//! check it (tests/browser.rs).

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use geo::{Geometry, LineString, Polygon};
use rayon::prelude::*;
use serde_json::{Value, json};

use super::atomic;
use super::map_image::{self, CLASS_COLOURS, minute_class, thousands};
use crate::analysis::coverage::Target;
use crate::analysis::study::Study;
use crate::input::Inputs;
use crate::model::{Category, PopulationSource};
use crate::spatial::LocalProjection;
use crate::spatial::representative_point;
use crate::{Error, Result};

const LEAFLET_JS: &str = include_str!("../../assets/leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../../assets/leaflet/leaflet.css");
const LEAFLET_LICENSE: &str = include_str!("../../assets/leaflet/LICENSE");
const LAYERS_PNG: &[u8] = include_bytes!("../../assets/leaflet/images/layers.png");
const LAYERS_2X_PNG: &[u8] = include_bytes!("../../assets/leaflet/images/layers-2x.png");
const MARKER_PNG: &[u8] = include_bytes!("../../assets/leaflet/images/marker-icon.png");

/// Decimals of map coordinates in the report (1e-5 degree, about 1 m).
const COORD_DECIMALS: i32 = 5;
/// Most vertices of the walking network drawn in the report; the network is
/// simplified harder until it fits (keeps large cities under a few MB).
const MAX_NETWORK_POINTS: usize = 120_000;
/// Above this many communities the map draws each as a point with its
/// nearest-facility figures only (a browser cannot draw hundreds of
/// thousands of polygons); the full figures stay in communities.geojson.
pub const COMPACT_COMMUNITIES: usize = 20_000;

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
    ("js.unknown", "未知", "unknown"),
];

/// The label for `key` in `lang`; the key itself when the table lacks it.
pub fn tr(lang: Lang, key: &str) -> &str {
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

fn category_label(lang: Lang, c: Category) -> String {
    let key = format!("cat.{}", c.as_str());
    if STRINGS.iter().any(|s| s.0 == key) {
        tr(lang, &key).to_string()
    } else {
        // A category added without a label (the unit test below asks for
        // one): its file name reads well enough.
        c.as_str().replace('_', " ")
    }
}

fn target_label(lang: Lang, t: Target) -> String {
    match t {
        Target::Any => tr(lang, "any").to_string(),
        Target::Category(c) => category_label(lang, c),
    }
}

fn window_label(lang: Lang, name: &str) -> String {
    let key = format!("win.{name}");
    if STRINGS.iter().any(|s| s.0 == key) {
        tr(lang, &key).to_string()
    } else {
        name.replace('_', " ")
    }
}

fn tier_label(lang: Lang, study: &Study, name: &str) -> String {
    match study.targets.tier.iter().find(|t| t.name == name) {
        Some(t) => trf(
            lang,
            "tier_label",
            &[("minutes", num(t.minutes)), ("metres", num(t.distance_m))],
        ),
        None => name.to_string(),
    }
}

fn requirement_label(lang: Lang, study: &Study, name: &str) -> String {
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

/// Category colours, in [`Category::ALL`] order (repeating if categories
/// are added).
const CATEGORY_COLOURS: [&str; 16] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#e7ba52",
];

fn category_colour(c: Category) -> &'static str {
    CATEGORY_COLOURS[c.index() % CATEGORY_COLOURS.len()]
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

// ---------------------------------------------------------------- formatting

/// HTML / XML text escape.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number without trailing zeros beyond one decimal (15, 4, 2.5).
fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn pct(share: f64) -> String {
    format!("{:.1}%", 100.0 * share + 0.0)
}

fn fixed(x: f64, d: usize) -> String {
    format!("{:.*}", d, x + 0.0)
}

/// JSON for a `<script type="application/json">` block: no `<` at all
/// (JSON has it only inside strings, where `\u003c` means the same), so
/// text from the data can never end or disturb the element.
fn script_json(v: &str) -> String {
    v.replace('<', "\\u003c")
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// Leaflet's CSS with its image references turned into `data:` URIs, so
/// nothing is fetched from beside the report.
fn leaflet_css() -> String {
    let png = |b: &[u8]| format!("url(data:image/png;base64,{})", base64(b));
    LEAFLET_CSS
        .replace("url(images/layers.png)", &png(LAYERS_PNG))
        .replace("url(images/layers-2x.png)", &png(LAYERS_2X_PNG))
        .replace("url(images/marker-icon.png)", &png(MARKER_PNG))
}

/// Leaflet's script without the source-map comment (the map file is not
/// shipped).
fn leaflet_js() -> &'static str {
    match LEAFLET_JS.rfind("//# sourceMappingURL=") {
        Some(i) => &LEAFLET_JS[..i],
        None => LEAFLET_JS,
    }
}

// ---------------------------------------------------------------- geometry

fn r5(x: f64) -> f64 {
    let k = 10f64.powi(COORD_DECIMALS);
    (x * k).round() / k + 0.0
}

/// Douglas-Peucker on projected points; returns the indices kept.
fn simplify_indices(pts: &[[f64; 2]], eps: f64) -> Vec<usize> {
    let n = pts.len();
    if n <= 2 || eps <= 0.0 {
        return (0..n).collect();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0usize, n - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (pa, pb) = (pts[a], pts[b]);
        let (dx, dy) = (pb[0] - pa[0], pb[1] - pa[1]);
        let len2 = dx * dx + dy * dy;
        let mut best = (0.0f64, a);
        for (i, p) in pts.iter().enumerate().take(b).skip(a + 1) {
            let d = if len2 == 0.0 {
                ((p[0] - pa[0]).powi(2) + (p[1] - pa[1]).powi(2)).sqrt()
            } else {
                ((p[0] - pa[0]) * dy - (p[1] - pa[1]) * dx).abs() / len2.sqrt()
            };
            if d > best.0 {
                best = (d, i);
            }
        }
        if best.0 > eps {
            keep[best.1] = true;
            stack.push((a, best.1));
            stack.push((best.1, b));
        }
    }
    (0..n).filter(|&i| keep[i]).collect()
}

/// A lon/lat line simplified in metres and rounded; consecutive repeats
/// after rounding are dropped.
fn simplified(proj: &LocalProjection, line: &[[f64; 2]], eps: f64) -> Vec<[f64; 2]> {
    let projected: Vec<[f64; 2]> = line.iter().map(|p| proj.project(*p)).collect();
    let mut out: Vec<[f64; 2]> = Vec::new();
    for i in simplify_indices(&projected, eps) {
        let p = [r5(line[i][0]), r5(line[i][1])];
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

fn push_line(out: &mut String, line: &[[f64; 2]]) {
    out.push('[');
    for (i, p) in line.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{},{}]", p[0], p[1]);
    }
    out.push(']');
}

fn ring_coords(l: &LineString<f64>) -> Vec<[f64; 2]> {
    l.0.iter().map(|c| [c.x, c.y]).collect()
}

/// Polygon rings, simplified; `None` when the exterior collapses.
fn push_polygon(out: &mut String, proj: &LocalProjection, p: &Polygon<f64>, eps: f64) -> bool {
    let ext = simplified(proj, &ring_coords(p.exterior()), eps);
    if ext.len() < 4 {
        return false;
    }
    out.push('[');
    push_line(out, &ext);
    for hole in p.interiors() {
        let h = simplified(proj, &ring_coords(hole), eps);
        if h.len() >= 4 {
            out.push(',');
            push_line(out, &h);
        }
    }
    out.push(']');
    true
}

/// A GeoJSON geometry for the map: points stay points, lines and polygons
/// are simplified by `eps` metres; `null` when nothing is left.
fn geometry_json(proj: &LocalProjection, g: &Geometry<f64>, eps: f64) -> String {
    let mut s = String::new();
    match g {
        Geometry::Point(p) => {
            let _ = write!(
                s,
                r#"{{"type":"Point","coordinates":[{},{}]}}"#,
                r5(p.x()),
                r5(p.y())
            );
        }
        Geometry::Polygon(p) => {
            let mut body = String::new();
            if push_polygon(&mut body, proj, p, eps) {
                let _ = write!(s, r#"{{"type":"Polygon","coordinates":{body}}}"#);
            }
        }
        Geometry::MultiPolygon(mp) => {
            let mut parts = Vec::new();
            for p in &mp.0 {
                let mut body = String::new();
                if push_polygon(&mut body, proj, p, eps) {
                    parts.push(body);
                }
            }
            if !parts.is_empty() {
                let _ = write!(
                    s,
                    r#"{{"type":"MultiPolygon","coordinates":[{}]}}"#,
                    parts.join(",")
                );
            }
        }
        Geometry::LineString(l) => {
            let line = simplified(proj, &ring_coords(l), eps);
            if line.len() >= 2 {
                s.push_str(r#"{"type":"LineString","coordinates":"#);
                push_line(&mut s, &line);
                s.push('}');
            }
        }
        Geometry::MultiLineString(ml) => {
            let lines: Vec<Vec<[f64; 2]>> =
                ml.0.iter()
                    .map(|l| simplified(proj, &ring_coords(l), eps))
                    .filter(|l| l.len() >= 2)
                    .collect();
            if !lines.is_empty() {
                s.push_str(r#"{"type":"MultiLineString","coordinates":["#);
                for (i, l) in lines.iter().enumerate() {
                    if i > 0 {
                        s.push(',');
                    }
                    push_line(&mut s, l);
                }
                s.push_str("]}");
            }
        }
        Geometry::Rect(r) => return geometry_json(proj, &Geometry::Polygon(r.to_polygon()), eps),
        Geometry::Triangle(t) => {
            return geometry_json(proj, &Geometry::Polygon(t.to_polygon()), eps);
        }
        other => {
            if let Some(p) = representative_point(other) {
                return geometry_json(proj, &Geometry::Point(p), eps);
            }
        }
    }
    if s.is_empty() { "null".to_string() } else { s }
}

fn feature(geometry: &str, props: &Value) -> String {
    format!(r#"{{"type":"Feature","properties":{props},"geometry":{geometry}}}"#)
}

fn collection(features: &[String]) -> String {
    let mut s = String::from(r#"{"type":"FeatureCollection","features":["#);
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(f);
    }
    s.push_str("]}");
    s
}

/// Is the walking network too large to draw within [`MAX_NETWORK_POINTS`]
/// vertices, however hard it is simplified (every edge keeps its two ends)?
fn network_too_large(study: &Study) -> bool {
    study
        .graph
        .as_ref()
        .is_some_and(|g| 2 * g.net.edges.len() > MAX_NETWORK_POINTS)
}

/// The walking network as one MultiLineString, simplified until it has at
/// most [`MAX_NETWORK_POINTS`] vertices; left out (empty collection, and a
/// note in the report) when it cannot fit.
fn network_json(study: &Study) -> String {
    let Some(g) = &study.graph else {
        return collection(&[]);
    };
    if network_too_large(study) {
        return collection(&[]);
    }
    let net = &g.net;
    let mut eps = 1.0;
    let mut lines: Vec<Vec<[f64; 2]>>;
    loop {
        lines = (0..net.edges.len())
            .map(|e| simplified(&study.proj, net.edge_geom(e), eps))
            .filter(|l| l.len() >= 2)
            .collect();
        let points: usize = lines.iter().map(|l| l.len()).sum();
        if points <= MAX_NETWORK_POINTS || eps > 64.0 {
            break;
        }
        eps *= 2.0;
    }
    let mut s = String::from(r#"{"type":"MultiLineString","coordinates":["#);
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_line(&mut s, l);
    }
    s.push_str("]}");
    collection(&[feature(
        &s,
        &json!({"edges": lines.len(), "simplify_m": eps}),
    )])
}

// ---------------------------------------------------------------- data

struct Ctx<'a> {
    lang: Lang,
    inputs: &'a Inputs,
    study: &'a Study,
    ca: &'a crate::analysis::catchment::Catchments,
    any: Option<usize>,
    mpm: f64,
    limit_min: f64,
    report_min: f64,
}

impl Ctx<'_> {
    fn minutes(&self, t: usize, c: usize) -> Option<f64> {
        self.study.coverage.nearest_m[t]
            .get(c)
            .map(|d| d / self.mpm)
    }

    fn any_minutes(&self, c: usize) -> Option<f64> {
        self.any.and_then(|t| self.minutes(t, c))
    }

    fn covered_any(&self, c: usize) -> bool {
        self.any.is_some_and(|t| self.study.coverage.covered(t, c))
    }

    fn class(&self, c: usize) -> usize {
        minute_class(
            self.any_minutes(c),
            self.study.community_access[c].is_ok(),
            self.limit_min,
            self.report_min,
        )
    }

    fn unit_name(&self, u: Option<usize>) -> Value {
        u.map(|u| json!(self.inputs.units[u].name))
            .unwrap_or(Value::Null)
    }
}

fn round(x: f64, d: i32) -> f64 {
    super::geojson::round(x, d)
}

fn communities_json(cx: &Ctx) -> String {
    let st = cx.study;
    let cov = &st.coverage;
    let ca = cx.ca;
    let compact = cx.inputs.communities.len() > COMPACT_COMMUNITIES;
    let feats: Vec<String> = cx
        .inputs
        .communities
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            // Above COMPACT_COMMUNITIES: a point each, without the
            // per-target and per-tier lists.
            let (near, tiers): (Vec<Value>, Vec<Value>) = if compact {
                (Vec::new(), Vec::new())
            } else {
                (
                    cov.targets
                        .iter()
                        .enumerate()
                        .map(|(t, target)| {
                            json!([
                                target.name(),
                                cx.minutes(t, i).map(|m| round(m, 1)),
                                cov.reachable[t][i]
                            ])
                        })
                        .collect(),
                    ca.tiers
                        .iter()
                        .map(|t| json!([t.name, t.met[i], t.missing[i]]))
                        .collect(),
                )
            };
            let props = json!({
                "id": c.id,
                "name": c.name,
                "pop": round(c.population, 1),
                "est": c.population_source == PopulationSource::Estimate,
                "unit": cx.unit_name(st.community_unit[i]),
                "reach": st.community_access[i].is_ok(),
                "why": st.community_access[i].as_ref().err().map(|e| e.reason()),
                "m": cx.any_minutes(i).map(|m| round(m, 1)),
                "cov": cx.covered_any(i),
                "cls": cx.class(i),
                "near": near,
                "tiers": tiers,
                "sfca": [
                    round(ca.sfca_outdoor[i], 3),
                    round(ca.sfca_indoor[i], 3),
                    round(ca.sfca_total[i], 3)
                ],
            });
            let point = compact
                .then(|| representative_point(&c.geometry))
                .flatten()
                .map(Geometry::Point);
            match point {
                Some(g) => feature(&geometry_json(&st.proj, &g, 0.0), &props),
                None => feature(&geometry_json(&st.proj, &c.geometry, 1.0), &props),
            }
        })
        .collect();
    collection(&feats)
}

fn facilities_json(cx: &Ctx) -> String {
    let st = cx.study;
    let limit = st.coverage.settings.limit_m;
    let feats: Vec<String> = cx
        .inputs
        .facilities
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let p = representative_point(&f.geometry)?;
            let counted = st.facility_counts[i] && st.facility_access[i].is_ok();
            let within: Option<f64> = counted.then(|| {
                st.coverage.facility_hits[i]
                    .iter()
                    .filter(|h| h.1 <= limit)
                    .map(|h| cx.inputs.communities[h.0 as usize].population)
                    .sum()
            });
            let open: Vec<&str> = cx
                .ca
                .windows
                .iter()
                .filter(|w| w.open.get(i).copied().unwrap_or(false))
                .map(|w| w.window.name.as_str())
                .collect();
            let props = json!({
                "id": f.id,
                "name": f.name,
                "cat": f.category.as_str(),
                "status": f.status.as_str(),
                "area": round(f.area_m2, 0),
                "floor": round(f.floor_area_m2, 0),
                "land": round(crate::analysis::catchment::sports_land_m2(f), 0),
                "hours": f.opening_hours,
                "public": f.open_to_public,
                "counted": counted,
                "reach": st.facility_access[i].is_ok(),
                "unit": cx.unit_name(st.facility_unit[i]),
                "within": within.map(|x| round(x, 0)),
                "open": open,
            });
            Some(feature(
                &geometry_json(&st.proj, &Geometry::Point(p), 0.0),
                &props,
            ))
        })
        .collect();
    collection(&feats)
}

fn covered_json(cx: &Ctx) -> String {
    let Some(t) = cx.any else {
        return collection(&[]);
    };
    let Some(mp) = cx.study.isochrones.get(t) else {
        return collection(&[]);
    };
    let g = geometry_json(&cx.study.proj, &Geometry::MultiPolygon(mp.clone()), 3.0);
    if g == "null" {
        return collection(&[]);
    }
    collection(&[feature(&g, &json!({"target": "any"}))])
}

fn units_json(cx: &Ctx) -> String {
    let st = cx.study;
    let ca = cx.ca;
    let mut feats = Vec::new();
    for k in 1..ca.units.len().min(st.areas.len()) {
        let Some(u) = ca.units[k].unit else { continue };
        let us = &ca.units[k];
        let share = cx
            .any
            .and_then(|t| st.areas[k].targets.get(t))
            .map(|t| t.share())
            .unwrap_or(0.0);
        let props = json!({
            "name": cx.inputs.units[u].name,
            "pop": round(us.per_capita.population, 0),
            "share": round(share, 4),
            "out": round(us.per_capita.outdoor_per_person(), 3),
            "in": round(us.per_capita.indoor_per_person(), 3),
            "meets": us.meets_per_capita,
        });
        // Boundaries are drawn as lines (so they never catch clicks meant
        // for the communities inside).
        let lines: Vec<LineString<f64>> = cx.inputs.units[u]
            .geometry
            .0
            .iter()
            .flat_map(|p| {
                std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned())
            })
            .collect();
        let g = geometry_json(
            &st.proj,
            &Geometry::MultiLineString(geo::MultiLineString::new(lines)),
            2.0,
        );
        if g != "null" {
            feats.push(feature(&g, &props));
        }
    }
    collection(&feats)
}

fn meta_json(cx: &Ctx) -> String {
    let lang = cx.lang;
    let mut t = serde_json::Map::new();
    let minutes = num(cx.study.settings.minutes);
    for (key, _, _) in STRINGS {
        if let Some(k) = key.strip_prefix("js.") {
            t.insert(
                k.to_string(),
                json!(trf(lang, key, &[("minutes", minutes.clone())])),
            );
        }
    }
    let lim = cx.limit_min;
    let rep = cx.report_min;
    let class_labels = [
        format!("≤ {}", num(lim / 3.0)),
        format!("{}–{}", num(lim / 3.0), num(2.0 * lim / 3.0)),
        format!("{}–{}", num(2.0 * lim / 3.0), num(lim)),
        format!("{}–{}", num(lim), num(rep)),
        format!("> {}", num(rep)),
        tr(lang, "js.unreachable").to_string(),
    ];
    let classes: Vec<Value> = class_labels
        .iter()
        .zip(CLASS_COLOURS)
        .map(|(l, c)| json!({"label": l, "colour": hex(c)}))
        .collect();
    let mut cats = serde_json::Map::new();
    for c in Category::ALL {
        cats.insert(
            c.as_str().to_string(),
            json!({"label": category_label(lang, c), "colour": category_colour(c)}),
        );
    }
    let mut targets = serde_json::Map::new();
    for tg in &cx.study.coverage.targets {
        targets.insert(tg.name().to_string(), json!(target_label(lang, *tg)));
    }
    let mut tiers = serde_json::Map::new();
    let mut reqs = serde_json::Map::new();
    for tier in &cx.study.targets.tier {
        tiers.insert(
            tier.name.clone(),
            json!(tier_label(lang, cx.study, &tier.name)),
        );
        for r in &tier.requirement {
            reqs.insert(
                r.name.clone(),
                json!(requirement_label(lang, cx.study, &r.name)),
            );
        }
    }
    let mut windows = serde_json::Map::new();
    for w in &cx.ca.windows {
        windows.insert(
            w.window.name.clone(),
            json!(window_label(lang, &w.window.name)),
        );
    }
    let mut attribution = Vec::new();
    if cx.study.graph.is_some() {
        attribution.push(tr(lang, "attr_osm").to_string());
    }
    json!({
        "locale": lang.code(),
        "t": t,
        "limit_min": lim,
        "report_min": rep,
        "classes": classes,
        "cats": cats,
        "targets": targets,
        "tiers": tiers,
        "requirements": reqs,
        "windows": windows,
        "attribution": attribution,
    })
    .to_string()
}

// ---------------------------------------------------------------- charts

/// A "nice" tick step for an axis from 0 to `max` with about `n` ticks.
fn nice_step(max: f64, n: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / n;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Display width of a label in "half-width" units (CJK counts double).
fn text_units(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

fn truncate_label(s: &str, max_units: usize) -> String {
    if text_units(s) <= max_units {
        return s.to_string();
    }
    let mut out = String::new();
    let mut u = 0;
    for c in s.chars() {
        let w = if (c as u32) >= 0x2E80 { 2 } else { 1 };
        if u + w > max_units.saturating_sub(1) {
            break;
        }
        out.push(c);
        u += w;
    }
    out.push('…');
    out
}

struct Bar {
    /// Shown left of the bar (may be empty for the second bar of a group).
    label: String,
    /// Tooltip.
    tip: String,
    value: f64,
    text: String,
    colour: String,
    strong: bool,
    /// A target drawn as a short dashed mark across this bar's row.
    mark: Option<f64>,
}

impl Bar {
    fn new(label: String, value: f64, text: String, colour: impl Into<String>) -> Bar {
        Bar {
            tip: label.clone(),
            label,
            value,
            text,
            colour: colour.into(),
            strong: false,
            mark: None,
        }
    }
}

/// Horizontal bar chart as an `<svg>`.
fn hbar_svg(
    id: &str,
    aria: &str,
    bars: &[Bar],
    max: f64,
    axis: &str,
    tick: &dyn Fn(f64) -> String,
) -> String {
    let width = 560.0;
    let label_w = 190.0;
    let right_pad = 70.0;
    let plot_w = width - label_w - right_pad;
    let row_h = 24.0;
    let top = 28.0;
    let plot_h = row_h * bars.len().max(1) as f64;
    let height = top + plot_h + 42.0;
    let max = if max > 0.0 { max } else { 1.0 };
    let x = |v: f64| label_w + plot_w * (v / max).clamp(0.0, 1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="{id}" class="chart-svg" viewBox="0 0 {width} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(aria)
    );
    // Grid and ticks.
    let step = nice_step(max, 5.0);
    let mut v = 0.0;
    while v <= max + 1e-9 {
        let xv = x(v);
        let _ = write!(
            s,
            r##"<line x1="{xv:.1}" y1="{top}" x2="{xv:.1}" y2="{:.1}" stroke="#e3e3e3"/><text x="{xv:.1}" y="{:.1}" text-anchor="middle" class="tick">{}</text>"##,
            top + plot_h,
            top + plot_h + 16.0,
            esc(&tick(v))
        );
        v += step;
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="axis">{}</text>"#,
        label_w + plot_w / 2.0,
        top + plot_h + 34.0,
        esc(axis)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = (x(b.value) - label_w).max(0.0);
        let weight = if b.strong {
            " font-weight=\"bold\""
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<g class="bar"><title>{}: {}</title><text x="{:.1}" y="{:.1}" text-anchor="end" class="label"{weight}>{}</text><rect x="{label_w}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" class="value">{}</text></g>"#,
            esc(&b.tip),
            esc(&b.text),
            label_w - 8.0,
            y + row_h / 2.0 + 4.0,
            esc(&truncate_label(&b.label, 25)),
            y + 4.0,
            row_h - 8.0,
            b.colour,
            label_w + w + 5.0,
            y + row_h / 2.0 + 4.0,
            esc(&b.text)
        );
    }
    for (i, b) in bars.iter().enumerate() {
        if let Some(m) = b.mark {
            let xv = x(m);
            let y = top + row_h * i as f64;
            let _ = write!(
                s,
                r##"<line class="mark" x1="{xv:.1}" y1="{:.1}" x2="{xv:.1}" y2="{:.1}" stroke="#b2182b" stroke-width="2" stroke-dasharray="3 2"><title>{}</title></line>"##,
                y + 1.0,
                y + row_h - 1.0,
                esc(&num(m))
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn chart_coverage(cx: &Ctx) -> (String, String) {
    let lang = cx.lang;
    let st = cx.study;
    let green = "#41ab5d".to_string();
    let (title, bars) = if st.areas.len() > 1 {
        let mut bars = Vec::new();
        for (k, a) in st.areas.iter().enumerate() {
            let share = cx
                .any
                .and_then(|t| a.targets.get(t))
                .map(|t| t.share())
                .unwrap_or(0.0);
            let label = match a.unit {
                None => tr(lang, "whole_area").to_string(),
                Some(u) => cx.inputs.units[u].name.clone(),
            };
            let mut b = Bar::new(
                label,
                share,
                pct(share),
                if k == 0 {
                    "#238b45".to_string()
                } else {
                    green.clone()
                },
            );
            b.strong = k == 0;
            bars.push(b);
        }
        (tr(lang, "ch_cov_unit"), bars)
    } else {
        let bars = st.areas[0]
            .targets
            .iter()
            .map(|t| {
                let mut b = Bar::new(
                    target_label(lang, t.target),
                    t.share(),
                    pct(t.share()),
                    match t.target {
                        Target::Any => "#238b45",
                        Target::Category(c) => category_colour(c),
                    },
                );
                b.strong = t.target == Target::Any;
                b
            })
            .collect();
        (tr(lang, "ch_cov_cat"), bars)
    };
    let svg = hbar_svg(
        "chart-coverage",
        title,
        &bars,
        1.0,
        tr(lang, "ax_share"),
        &|v| format!("{:.0}%", 100.0 * v),
    );
    (title.to_string(), svg)
}

fn chart_per_capita(cx: &Ctx) -> (String, String) {
    let lang = cx.lang;
    let st = cx.study;
    let pc = &st.targets.per_capita;
    let title = trf(
        lang,
        "ch_percap",
        &[
            ("out", num(pc.outdoor_m2_per_person)),
            ("in", num(pc.indoor_m2_per_person)),
        ],
    );
    const OUTDOOR: &str = "#41ab5d";
    const INDOOR: &str = "#4292c6";
    let mut bars = Vec::new();
    for (k, u) in cx.ca.units.iter().enumerate() {
        let name = match u.unit {
            None => tr(lang, "whole_area").to_string(),
            Some(x) => cx.inputs.units[x].name.clone(),
        };
        for (key, colour, value, target) in [
            (
                "outdoor",
                OUTDOOR,
                u.per_capita.outdoor_per_person(),
                pc.outdoor_m2_per_person,
            ),
            (
                "indoor",
                INDOOR,
                u.per_capita.indoor_per_person(),
                pc.indoor_m2_per_person,
            ),
        ] {
            let mut b = Bar::new(
                if key == "outdoor" {
                    name.clone()
                } else {
                    String::new()
                },
                value,
                fixed(value, 2),
                colour,
            );
            b.tip = format!(
                "{name} · {} ({} {})",
                tr(lang, key),
                tr(lang, "target"),
                num(target)
            );
            b.strong = k == 0;
            b.mark = Some(target);
            bars.push(b);
        }
    }
    let vmax = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let max = vmax.max(pc.outdoor_m2_per_person * 1.6);
    let step = nice_step(max, 5.0);
    let max = (max / step).ceil() * step;
    let svg = hbar_svg(
        "chart-percap",
        &title,
        &bars,
        max,
        tr(lang, "ax_m2pp"),
        &|v| num(v),
    );
    let legend = format!(
        r#"<div class="chart-legend"><span><span class="sw" style="background:{OUTDOOR}"></span>{}</span><span><span class="sw" style="background:{INDOOR}"></span>{}</span><span><span class="sw mark"></span>{}</span></div>"#,
        esc(tr(lang, "outdoor")),
        esc(tr(lang, "indoor")),
        esc(&trf(
            lang,
            "rule_text",
            &[
                ("out", num(pc.outdoor_m2_per_person)),
                ("in", num(pc.indoor_m2_per_person))
            ]
        )),
    );
    (title, format!("{legend}{svg}"))
}

fn chart_histogram(cx: &Ctx) -> (String, String) {
    let lang = cx.lang;
    let rep = cx.report_min;
    let width_min = if rep <= 40.0 {
        1.0
    } else {
        (rep / 30.0).ceil()
    };
    let nbins = (rep / width_min).ceil().max(1.0) as usize;
    let mut bins = vec![0.0f64; nbins + 2];
    for (i, c) in cx.inputs.communities.iter().enumerate() {
        let k = if cx.study.community_access[i].is_err() {
            nbins + 1
        } else {
            match cx.any_minutes(i) {
                Some(m) if m <= rep + 1e-9 => ((m / width_min).ceil() as usize)
                    .saturating_sub(1)
                    .min(nbins - 1),
                _ => nbins,
            }
        };
        bins[k] += c.population;
    }
    let width = 600.0;
    let left = 64.0;
    let right = 12.0;
    let top = 24.0;
    let plot_h = 220.0;
    let bottom = 56.0;
    let height = top + plot_h + bottom;
    let gap = 26.0;
    let plot_w = width - left - right;
    // The two extra bars (beyond the range, not on the network) are 1.5
    // slots wide, after a gap.
    let bar_w = (plot_w - gap) / (nbins as f64 + 3.0);
    let ymax_raw = bins.iter().copied().fold(0.0, f64::max);
    let step = nice_step(ymax_raw.max(1.0), 4.0);
    let ymax = ((ymax_raw.max(1.0)) / step).ceil() * step;
    let y = |v: f64| top + plot_h - plot_h * (v / ymax);
    let title = tr(lang, "ch_hist").to_string();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="chart-histogram" class="chart-svg" viewBox="0 0 {width} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(&title)
    );
    let mut v = 0.0;
    while v <= ymax + 1e-9 {
        let yv = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{yv:.1}" x2="{:.1}" y2="{yv:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" text-anchor="end" class="tick">{}</text>"##,
            width - right,
            left - 6.0,
            yv + 4.0,
            thousands(v)
        );
        v += step;
    }
    let _ = write!(
        s,
        r#"<text transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle" class="axis">{}</text>"#,
        top + plot_h / 2.0,
        esc(tr(lang, "ax_people"))
    );
    let bx = |k: usize| {
        if k <= nbins {
            left + bar_w * k as f64 + if k == nbins { gap } else { 0.0 }
        } else {
            left + bar_w * nbins as f64 + gap + 1.5 * bar_w * (k - nbins) as f64
        }
    };
    let bw = |k: usize| if k < nbins { bar_w } else { 1.5 * bar_w };
    for (k, &p) in bins.iter().enumerate() {
        let (colour, label) = if k < nbins {
            let hi = width_min * (k + 1) as f64;
            let class = minute_class(Some(hi), true, cx.limit_min, rep);
            (
                hex(CLASS_COLOURS[class]),
                format!(
                    "{}–{} {}",
                    num(width_min * k as f64),
                    num(hi),
                    tr(lang, "js.minutes")
                ),
            )
        } else if k == nbins {
            (
                hex(CLASS_COLOURS[4]),
                trf(lang, "beyond", &[("minutes", num(rep))]),
            )
        } else {
            (hex(CLASS_COLOURS[5]), tr(lang, "unreachable").to_string())
        };
        let x0 = bx(k) + 1.0;
        let _ = write!(
            s,
            r#"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"><title>{}: {}</title></rect>"#,
            y(p),
            (bw(k) - 2.0).max(1.0),
            top + plot_h - y(p),
            esc(&label),
            esc(&trf(lang, "people", &[("value", thousands(p))]))
        );
    }
    // x ticks every 5 bins' worth of minutes.
    let tick_every = if nbins <= 12 { 1 } else { 5 };
    for k in (0..=nbins).step_by(tick_every) {
        let xv = bx(0) + bar_w * k as f64;
        let _ = write!(
            s,
            r#"<text x="{xv:.1}" y="{:.1}" text-anchor="middle" class="tick">{}</text>"#,
            top + plot_h + 16.0,
            num(width_min * k as f64)
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="tick">&gt;{}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" class="tick">∅</text>"#,
        bx(nbins) + bw(nbins) / 2.0,
        top + plot_h + 16.0,
        num(rep),
        bx(nbins + 1) + bw(nbins + 1) / 2.0,
        top + plot_h + 16.0
    );
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="axis">{}</text>"#,
        left + plot_w / 2.0,
        top + plot_h + 38.0,
        esc(tr(lang, "ax_minutes"))
    );
    // The limit.
    let xl = bx(0) + bar_w * (cx.limit_min / width_min);
    let _ = write!(
        s,
        r##"<line x1="{xl:.1}" y1="{:.1}" x2="{xl:.1}" y2="{:.1}" stroke="#b2182b" stroke-width="2" stroke-dasharray="5 3"/><text x="{:.1}" y="{:.1}" class="ref" fill="#b2182b">{}</text>"##,
        top - 6.0,
        top + plot_h,
        xl + 4.0,
        top + 4.0,
        esc(&trf(
            lang,
            "limit_line",
            &[("minutes", num(cx.study.settings.minutes))]
        ))
    );
    // Legend for the two extra bars.
    let _ = write!(
        s,
        r#"<text x="{left}" y="{:.1}" class="note">&gt;{}: {} · ∅: {}</text>"#,
        height - 4.0,
        num(rep),
        esc(&trf(lang, "beyond", &[("minutes", num(rep))])),
        esc(tr(lang, "unreachable"))
    );
    s.push_str("</svg>");
    (title, s)
}

fn chart_windows(cx: &Ctx) -> (String, String) {
    let lang = cx.lang;
    let ca = cx.ca;
    let title = tr(lang, "ch_windows").to_string();
    let shares = ca
        .units
        .first()
        .map(|u| u.window_share.clone())
        .unwrap_or_default();
    let bars: Vec<Bar> = ca
        .windows
        .iter()
        .zip(shares)
        .map(|(w, share)| {
            let mut b = Bar::new(
                window_label(lang, &w.window.name),
                share,
                pct(share),
                "#6baed6",
            );
            b.tip = format!("{} ({})", b.label, w.window.spec());
            b
        })
        .collect();
    let svg = hbar_svg(
        "chart-windows",
        &title,
        &bars,
        1.0,
        tr(lang, "ax_share"),
        &|v| format!("{:.0}%", 100.0 * v),
    );
    (title, svg)
}

fn chart_tiers(cx: &Ctx) -> (String, String) {
    let lang = cx.lang;
    let ca = cx.ca;
    let title = tr(lang, "ch_tiers").to_string();
    let shares = ca
        .units
        .first()
        .map(|u| u.tier_share.clone())
        .unwrap_or_default();
    let bars: Vec<Bar> = ca
        .tiers
        .iter()
        .zip(shares)
        .map(|(t, share)| {
            Bar::new(
                tier_label(lang, cx.study, &t.name),
                share,
                pct(share),
                "#807dba",
            )
        })
        .collect();
    let svg = hbar_svg(
        "chart-tiers",
        &title,
        &bars,
        1.0,
        tr(lang, "ax_share_tier"),
        &|v| format!("{:.0}%", 100.0 * v),
    );
    (title, svg)
}

// ---------------------------------------------------------------- tables

fn main_table(cx: &Ctx, title: &str) -> String {
    let lang = cx.lang;
    let st = cx.study;
    let set = &st.settings;
    let all = &st.areas[0];
    let mut rows: Vec<(String, String)> = Vec::new();
    rows.push((tr(lang, "row_area").into(), esc(title)));
    let detour = num(set.detour_factor);
    rows.push((
        tr(lang, "row_method").into(),
        esc(&if st.mode.is_approximate() {
            trf(lang, "method_straight", &[("detour", detour.clone())])
        } else {
            tr(lang, "method_network").to_string()
        }),
    ));
    rows.push((
        tr(lang, "row_limit").into(),
        esc(&trf(
            lang,
            "limit_value",
            &[
                ("minutes", num(set.minutes)),
                ("speed", num(set.speed_kmh)),
                ("limit", num(st.coverage.settings.limit_m.round())),
            ],
        )),
    ));
    rows.push((
        tr(lang, "row_communities").into(),
        thousands(cx.inputs.communities.len() as f64),
    ));
    let estimate = cx
        .inputs
        .communities
        .iter()
        .any(|c| c.population_source == PopulationSource::Estimate);
    rows.push((
        tr(lang, "row_population").into(),
        format!(
            "{}{}",
            thousands(all.population),
            if estimate {
                esc(tr(lang, "js.estimate"))
            } else {
                String::new()
            }
        ),
    ));
    rows.push((
        tr(lang, "row_unreachable").into(),
        format!(
            "{} ({})",
            thousands(all.unreachable_population),
            pct(if all.population > 0.0 {
                all.unreachable_population / all.population
            } else {
                0.0
            })
        ),
    ));
    let counted = (0..cx.inputs.facilities.len())
        .filter(|&i| st.facility_counts[i] && st.facility_access[i].is_ok())
        .count();
    rows.push((
        tr(lang, "row_facilities").into(),
        format!("{} / {}", counted, cx.inputs.facilities.len()),
    ));
    if let Some(t) = cx.any.and_then(|t| all.targets.get(t)) {
        rows.push((
            trf(lang, "row_covered", &[("minutes", num(set.minutes))]),
            format!(
                "<strong>{}</strong> ({})",
                pct(t.share()),
                esc(&trf(
                    lang,
                    "people",
                    &[("value", thousands(t.covered_population))]
                ))
            ),
        ));
    }
    let pc = &st.targets.per_capita;
    if let Some(u) = cx.ca.units.first() {
        let m2 = |v: f64| esc(&trf(lang, "m2pp", &[("value", fixed(v, 2))]));
        rows.push((
            tr(lang, "row_outdoor").into(),
            m2(u.per_capita.outdoor_per_person()),
        ));
        rows.push((
            tr(lang, "row_indoor").into(),
            m2(u.per_capita.indoor_per_person()),
        ));
        rows.push((
            trf(lang, "row_rule", &[("indicator", pc.indicator.clone())]),
            format!(
                "{} — <strong>{}</strong>",
                esc(&trf(
                    lang,
                    "rule_text",
                    &[
                        ("out", num(pc.outdoor_m2_per_person)),
                        ("in", num(pc.indoor_m2_per_person))
                    ]
                )),
                esc(tr(lang, if u.meets_per_capita { "met" } else { "not_met" }))
            ),
        ));
        rows.push((
            trf(
                lang,
                "row_sfca",
                &[("method", cx.ca.method.as_str().to_string())],
            ),
            m2(u.sfca_total_mean),
        ));
        rows.push((tr(lang, "row_below").into(), pct(u.share_below_target)));
        rows.push((tr(lang, "row_gini").into(), fixed(u.gini_total, 2)));
        for (t, share) in cx.ca.tiers.iter().zip(&u.tier_share) {
            rows.push((
                trf(lang, "row_tier", &[("tier", tier_label(lang, st, &t.name))]),
                pct(*share),
            ));
        }
        for (w, share) in cx.ca.windows.iter().zip(&u.window_share) {
            rows.push((
                trf(
                    lang,
                    "row_window",
                    &[(
                        "window",
                        format!(
                            "{} ({})",
                            window_label(lang, &w.window.name),
                            w.window.spec()
                        ),
                    )],
                ),
                pct(*share),
            ));
        }
        if u.new_communities > 0 {
            rows.push((
                trf(lang, "row_new", &[("year", pc.new_build_year.to_string())]),
                format!("{} / {}", u.new_communities_below, u.new_communities),
            ));
        }
    }
    let mut s = format!(
        r#"<table id="table-main" class="figures"><caption>{}</caption><tbody>"#,
        esc(tr(lang, "tbl_main"))
    );
    for (k, v) in rows {
        let _ = write!(s, "<tr><th scope=\"row\">{}</th><td>{v}</td></tr>", esc(&k));
    }
    s.push_str("</tbody></table>");
    s
}

fn targets_table(cx: &Ctx) -> String {
    let lang = cx.lang;
    let all = &cx.study.areas[0];
    let mut s = format!(
        r#"<table id="table-targets" class="figures"><caption>{}</caption><thead><tr><th>{}</th><th class="num">{}</th><th class="num">{}</th><th colspan="2">{}</th></tr></thead><tbody>"#,
        esc(tr(lang, "tbl_targets")),
        esc(tr(lang, "col_target")),
        esc(tr(lang, "col_facilities")),
        esc(tr(lang, "col_covered")),
        esc(tr(lang, "col_share")),
    );
    for t in &all.targets {
        let colour = match t.target {
            Target::Any => "#238b45",
            Target::Category(c) => category_colour(c),
        };
        let _ = write!(
            s,
            r#"<tr><td><span class="sw" style="background:{colour}"></span>{}</td><td class="num">{}</td><td class="num">{}</td><td><span class="minibar"><span style="width:{:.1}%"></span></span></td><td class="num">{}</td></tr>"#,
            esc(&target_label(lang, t.target)),
            t.facilities,
            thousands(t.covered_population),
            100.0 * t.share(),
            pct(t.share())
        );
    }
    s.push_str("</tbody></table>");
    s
}

fn units_table(cx: &Ctx) -> String {
    let lang = cx.lang;
    let st = cx.study;
    if st.areas.len() <= 1 {
        return String::new();
    }
    let mut s = format!(
        r#"<table id="table-units" class="figures"><caption>{}</caption><thead><tr><th>{}</th><th class="num">{}</th><th class="num">{}</th><th class="num">{}</th><th class="num">{}</th><th>{}</th><th class="num">{}</th>"#,
        esc(tr(lang, "tbl_units")),
        esc(tr(lang, "col_unit")),
        esc(tr(lang, "col_population")),
        esc(tr(lang, "col_share")),
        esc(tr(lang, "col_outdoor")),
        esc(tr(lang, "col_indoor")),
        esc(tr(lang, "col_rule")),
        esc(tr(lang, "col_sfca")),
    );
    for t in &cx.ca.tiers {
        let _ = write!(
            s,
            r#"<th class="num">{}</th>"#,
            esc(&tier_label(lang, st, &t.name))
        );
    }
    s.push_str("</tr></thead><tbody>");
    for (k, a) in st.areas.iter().enumerate() {
        let Some(u) = cx.ca.units.get(k) else {
            continue;
        };
        let name = match a.unit {
            None => tr(lang, "whole_area").to_string(),
            Some(x) => cx.inputs.units[x].name.clone(),
        };
        let share = cx
            .any
            .and_then(|t| a.targets.get(t))
            .map(|t| t.share())
            .unwrap_or(0.0);
        let _ = write!(
            s,
            r#"<tr{}><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td class="num">{}</td>"#,
            if k == 0 { r#" class="total""# } else { "" },
            esc(&name),
            thousands(a.population),
            pct(share),
            fixed(u.per_capita.outdoor_per_person(), 2),
            fixed(u.per_capita.indoor_per_person(), 2),
            esc(tr(lang, if u.meets_per_capita { "met" } else { "not_met" })),
            fixed(u.sfca_total_mean, 2),
        );
        for share in &u.tier_share {
            let _ = write!(s, r#"<td class="num">{}</td>"#, pct(*share));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

fn notes_html(cx: &Ctx) -> String {
    let lang = cx.lang;
    let st = cx.study;
    let mut s = String::new();
    let _ = write!(s, "<p>{}</p>", esc(tr(lang, "notes_definitions")));
    let n = cx.inputs.communities.len();
    if n > COMPACT_COMMUNITIES {
        let _ = write!(
            s,
            "<p>{}</p>",
            esc(&trf(lang, "notes_compact", &[("n", thousands(n as f64))]))
        );
    }
    if network_too_large(st) {
        let edges = st.graph.as_ref().map_or(0, |g| g.net.edges.len());
        let _ = write!(
            s,
            "<p>{}</p>",
            esc(&trf(
                lang,
                "notes_network_omitted",
                &[("n", thousands(edges as f64))]
            ))
        );
    }
    if !cx.inputs.notes.is_empty() {
        let _ = write!(s, "<h3>{}</h3><ul>", esc(tr(lang, "notes_run")));
        for n in &cx.inputs.notes {
            let _ = write!(s, "<li>{}</li>", esc(n));
        }
        s.push_str("</ul>");
    }
    if !cx.ca.hours_problems.is_empty() {
        let _ = write!(s, "<h3>{}</h3><ul>", esc(tr(lang, "notes_hours")));
        for (id, why) in &cx.ca.hours_problems {
            let _ = write!(s, "<li><code>{}</code>: {}</li>", esc(id), esc(why));
        }
        s.push_str("</ul>");
    }
    if !cx.inputs.units.is_empty() {
        let outside: f64 = cx
            .inputs
            .communities
            .iter()
            .zip(&st.community_unit)
            .filter(|(_, u)| u.is_none())
            .map(|(c, _)| c.population)
            .sum();
        if outside > 0.0 {
            let _ = write!(
                s,
                "<p>{}</p>",
                esc(&trf(
                    lang,
                    "notes_outside",
                    &[("value", thousands(outside))]
                ))
            );
        }
    }
    s.push_str("<ul class=\"sources\">");
    if st.graph.is_some() {
        let _ = write!(s, "<li>{}</li>", esc(tr(lang, "attr_osm")));
    }
    let _ = write!(
        s,
        "<li>{}</li><li>{}</li><li>{}</li></ul>",
        esc(match lang {
            Lang::Zh => &st.targets.source.title,
            Lang::En => &st.targets.source.title_en,
        }),
        esc(tr(lang, "attr_leaflet")),
        esc(tr(lang, "map_png_note")),
    );
    s
}

// ---------------------------------------------------------------- page

const STYLE: &str = r#"
:root { --ink: #222; --muted: #666; --line: #ddd; --bg: #fafaf7; --accent: #238b45; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
header.top { padding: 20px 28px 12px; border-bottom: 1px solid var(--line); background: var(--bg); }
header.top h1 { margin: 0 0 4px; font-size: 24px; }
header.top .subtitle { margin: 0; color: var(--muted); }
header.top .area { margin: 2px 0 0; font-size: 14px; color: var(--muted); }
nav.toc { margin-top: 8px; font-size: 14px; }
nav.toc a { margin-right: 14px; color: var(--accent); text-decoration: none; }
main { padding: 0 28px 40px; max-width: 1400px; }
main > section { margin-top: 26px; }
main h2 { font-size: 19px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; margin: 0 0 12px; }
main h3 { font-size: 16px; margin: 16px 0 6px; }
.banner { margin: 12px 0 0; padding: 8px 12px; border-left: 4px solid #d73027; background: #fff3ef; font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { flex: 1 1 170px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: #fff; }
.card .k { font-size: 13px; color: var(--muted); }
.card .v { font-size: 26px; font-weight: 700; }
.card .v small { font-size: 13px; font-weight: 400; color: var(--muted); }
#map { height: 640px; border: 1px solid var(--line); border-radius: 6px; background: #f4f3ef; }
.leaflet-container { background: #f4f3ef; font: inherit; font-size: 13px; }
.hint { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
.legend { background: rgba(255,255,255,.93); padding: 8px 10px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); line-height: 1.6; }
.legend b { display: block; margin-bottom: 2px; }
.sw { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px; border-radius: 2px; border: 1px solid rgba(0,0,0,.25); }
.sw.dot { border-radius: 50%; }
.sw.line { height: 3px; vertical-align: 3px; border: 0; }
.sw.gap { background: transparent !important; border: 2px dashed #b2182b; }
.sw.area { border: 2px solid #238b45; }
.leaflet-control-layers-expanded { max-height: 420px; overflow-y: auto; }
.leaflet-popup-content { margin: 10px 12px; min-width: 220px; }
.leaflet-popup-content h4 { margin: 0 0 4px; font-size: 14px; }
.leaflet-popup-content table { border-collapse: collapse; font-size: 12px; width: 100%; }
.leaflet-popup-content th, .leaflet-popup-content td { text-align: left; padding: 1px 6px 1px 0; vertical-align: top; }
.leaflet-popup-content td.num { text-align: right; }
.leaflet-popup-content .bad { color: #b2182b; }
.leaflet-popup-content .good { color: #238b45; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 18px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: #fff; }
figure.chart figcaption { font-weight: 600; margin-bottom: 6px; }
.chart-legend { font-size: 12px; color: #444; display: flex; flex-wrap: wrap; gap: 4px 14px; }
.sw.mark { width: 0; height: 14px; border: 0; border-left: 2px dashed #b2182b; border-radius: 0; }
svg.chart-svg { width: 100%; height: auto; display: block; }
svg.chart-svg text { font-size: 12px; fill: #333; }
svg.chart-svg text.tick { fill: #777; font-size: 11px; }
svg.chart-svg text.axis { fill: #555; }
svg.chart-svg text.ref { font-size: 11px; font-weight: 600; }
svg.chart-svg text.note { fill: #777; font-size: 11px; }
svg.chart-svg text.value { font-size: 11px; }
table.figures { border-collapse: collapse; margin: 0 0 18px; }
#table-main { min-width: 50%; }
table.figures caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.figures th, table.figures td { border-bottom: 1px solid #eee; padding: 4px 12px 4px 0; text-align: left; vertical-align: top; }
table.figures th[scope=row] { font-weight: 400; color: #444; }
table.figures .num { text-align: right; white-space: nowrap; }
table.figures tr.total td { font-weight: 600; }
.minibar { display: inline-block; width: 70px; height: 8px; background: #eee; margin-right: 8px; vertical-align: 0; }
.minibar span { display: block; height: 100%; background: var(--accent); }
#report-errors { color: #b2182b; background: #fff3ef; padding: 8px; white-space: pre-wrap; }
footer.foot { padding: 0 28px 24px; color: var(--muted); font-size: 13px; }
@media print { #map { height: 480px; } nav.toc { display: none; } }
"#;

/// Installed first: records script errors, failed loads and
/// `console.error` calls in `#report-errors`.
const ERROR_HOOK: &str = r#"
window.__reportErrors = [];
(function () {
  'use strict';
  function show(msg) {
    window.__reportErrors.push(String(msg));
    var el = document.getElementById('report-errors');
    if (el) { el.hidden = false; el.textContent += msg + '\n'; }
    var st = document.getElementById('report-status');
    if (st) { st.setAttribute('data-state', 'error'); }
  }
  window.__reportError = show;
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) { show('failed to load ' + (t.src || t.href)); }
    else { show('error: ' + e.message + ' (' + e.filename + ':' + e.lineno + ')'); }
  }, true);
  window.addEventListener('unhandledrejection', function (e) { show('unhandled rejection: ' + e.reason); });
  var original = console.error;
  console.error = function () {
    show('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
"#;

/// The page's script: reads the data blocks and draws the map.
const APP_JS: &str = r#"
(function () {
  'use strict';
  var status = document.getElementById('report-status');
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  var M = data('data-meta'), T = M.t;
  var net = data('data-network'), com = data('data-communities'), fac = data('data-facilities');
  var cov = data('data-covered'), units = data('data-units');
  function esc(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function fmt(x, d) {
    if (x === null || x === undefined) { return T.none; }
    return Number(x).toLocaleString(M.locale, { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function pct(x) { return fmt(100 * x, 1) + '%'; }
  function row(k, v) { return '<tr><th>' + esc(k) + '</th><td>' + v + '</td></tr>'; }
  function yn(b) { return b === null || b === undefined ? T.unknown : (b ? T.yes : T.no); }
  function sw(colour, kind) { return '<span class="sw ' + (kind || '') + '" style="background:' + colour + '"></span>'; }
  function label(map, key) { return map[key] !== undefined ? map[key] : key; }

  function communityPopup(p) {
    var h = '<h4>' + esc(p.name || p.id) + '</h4><table>';
    h += row(T.population, fmt(p.pop, 0) + (p.est ? esc(T.estimate) : ''));
    if (p.unit !== null) { h += row(T.unit, esc(p.unit)); }
    if (!p.reach) { h += row(T.reason, '<span class="bad">' + esc(T.unreachable) + ' (' + esc(p.why) + ')</span>'); }
    h += '</table><h4>' + esc(T.nearest) + '</h4><table><tr><th>' + esc(T.target) + '</th><th>' +
      esc(T.min_col) + '</th><th>' + esc(T.count_col) + '</th></tr>';
    p.near.forEach(function (n) {
      var ok = n[1] !== null && n[1] <= M.limit_min + 1e-9;
      h += '<tr><td>' + esc(label(M.targets, n[0])) + '</td><td class="num ' + (ok ? 'good' : 'bad') + '">' +
        (n[1] === null ? '&gt; ' + fmt(M.report_min, 0) : fmt(n[1], 1)) + '</td><td class="num">' + n[2] + '</td></tr>';
    });
    h += '</table>';
    if (p.tiers.length) {
      h += '<h4>' + esc(T.tiers) + '</h4><table>';
      p.tiers.forEach(function (t) {
        var v = t[1] ? '<span class="good">' + esc(T.met) + '</span>' :
          '<span class="bad">' + esc(T.missing) + ': ' + t[2].map(function (r) { return esc(label(M.requirements, r)); }).join(', ') + '</span>';
        h += row(label(M.tiers, t[0]), v);
      });
      h += '</table>';
    }
    h += '<h4>' + esc(T.sfca) + '</h4><table>' +
      row(T.outdoor, fmt(p.sfca[0], 3) + ' ' + esc(T.m2pp)) +
      row(T.indoor, fmt(p.sfca[1], 3) + ' ' + esc(T.m2pp)) +
      row(T.total, fmt(p.sfca[2], 3) + ' ' + esc(T.m2pp)) + '</table>';
    return h;
  }

  function facilityPopup(p) {
    var c = M.cats[p.cat] || { label: p.cat, colour: '#555' };
    var h = '<h4>' + sw(c.colour, 'dot') + esc(p.name || p.id) + '</h4><table>';
    h += row(T.category, esc(c.label));
    h += row(T.status, esc(p.status === 'planned' ? T.planned : T.existing));
    h += row(T.area, fmt(p.area, 0) + ' ' + esc(T.m2));
    h += row(T.floor, fmt(p.floor, 0) + ' ' + esc(T.m2));
    h += row(T.land, fmt(p.land, 0) + ' ' + esc(T.m2));
    if (p.hours) { h += row(T.hours, '<code>' + esc(p.hours) + '</code>'); }
    h += row(T.windows, p.open.length ? p.open.map(function (w) { return esc(label(M.windows, w)); }).join(', ') : T.none);
    h += row(T.counted, esc(yn(p.counted)));
    if (p.unit !== null) { h += row(T.unit, esc(p.unit)); }
    if (p.within !== null) { h += row(T.within, fmt(p.within, 0)); }
    return h + '</table>';
  }

  function unitPopup(p) {
    return '<h4>' + esc(p.name) + '</h4><table>' + row(T.population, fmt(p.pop, 0)) +
      row(T.share, pct(p.share)) +
      row(T.percap, fmt(p.out, 2) + ' / ' + fmt(p.in, 2) + ' ' + esc(T.m2pp)) + '</table>';
  }

  var map = L.map('map', { preferCanvas: true, zoomSnap: 0.25 });
  map.attributionControl.setPrefix('Leaflet');
  M.attribution.forEach(function (a) { map.attributionControl.addAttribution(esc(a)); });
  L.control.scale({ imperial: false }).addTo(map);
  var counts = {};
  var overlays = {};

  var networkLayer = L.geoJSON(net, { style: { color: '#a3a3a3', weight: 1, opacity: 0.9 }, interactive: false });
  counts.network = net.features.length ? net.features[0].properties.edges : 0;
  if (counts.network) { overlays[sw('#a3a3a3', 'line') + esc(T.lyr_network)] = networkLayer.addTo(map); }

  var coveredLayer = L.geoJSON(cov, {
    style: { color: '#238b45', weight: 1.5, fillColor: '#78c679', fillOpacity: 0.22 }, interactive: false
  });
  counts.covered = cov.features.length;
  overlays[sw('rgba(120,198,121,.4)', 'area') + esc(T.lyr_covered)] = coveredLayer.addTo(map);

  function popupOptions() { return { maxWidth: 380, maxHeight: 420 }; }
  var comLayer = L.geoJSON(com, {
    style: function (f) {
      var c = M.classes[f.properties.cls].colour;
      return { color: c, weight: 1, opacity: 0.95, fillColor: c, fillOpacity: 0.55 };
    },
    pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 6 }); },
    onEachFeature: function (f, l) { l.bindPopup(function () { return communityPopup(f.properties); }, popupOptions()); }
  });
  counts.communities = com.features.length;
  overlays[sw(M.classes[0].colour) + esc(T.lyr_communities)] = comLayer.addTo(map);

  var gapLayer = L.geoJSON(com, {
    filter: function (f) { return !f.properties.cov; },
    style: { color: '#b2182b', weight: 2.5, dashArray: '5 4', fill: false },
    pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 9 }); },
    onEachFeature: function (f, l) { l.bindPopup(function () { return communityPopup(f.properties); }, popupOptions()); }
  });
  counts.gaps = gapLayer.getLayers().length;
  overlays['<span class="sw gap"></span>' + esc(T.lyr_gaps) + ' (' + counts.gaps + ')'] = gapLayer.addTo(map);

  var unitLayer = L.geoJSON(units, {
    style: { color: '#333', weight: 2, dashArray: '8 5', opacity: 0.8 },
    onEachFeature: function (f, l) { l.bindPopup(function () { return unitPopup(f.properties); }, popupOptions()); }
  });
  counts.units = units.features.length;
  if (counts.units) { overlays[sw('#333', 'line') + esc(T.lyr_units)] = unitLayer.addTo(map); }

  var facilityLayers = [];
  var byCat = {};
  fac.features.forEach(function (f) { (byCat[f.properties.cat] = byCat[f.properties.cat] || []).push(f); });
  var allFacilities = L.featureGroup();
  counts.facilities = 0;
  Object.keys(M.cats).forEach(function (cat) {
    var list = byCat[cat];
    if (!list) { return; }
    var c = M.cats[cat];
    var layer = L.geoJSON({ type: 'FeatureCollection', features: list }, {
      pointToLayer: function (f, ll) {
        var on = f.properties.counted;
        return L.circleMarker(ll, {
          radius: 5.5, color: on ? '#fff' : c.colour, weight: on ? 1.5 : 2,
          fillColor: c.colour, fillOpacity: on ? 1 : 0.25, dashArray: on ? null : '2 2'
        });
      },
      onEachFeature: function (f, l) { l.bindPopup(function () { return facilityPopup(f.properties); }, popupOptions()); }
    });
    counts.facilities += list.length;
    facilityLayers.push(layer);
    allFacilities.addLayer(layer);
    overlays[sw(c.colour, 'dot') + esc(T.lyr_facilities) + ': ' + esc(c.label) + ' (' + list.length + ')'] = layer.addTo(map);
  });

  L.control.layers(null, overlays, { collapsed: false, position: 'topright' }).addTo(map);

  var legend = L.control({ position: 'bottomright' });
  legend.onAdd = function () {
    var d = L.DomUtil.create('div', 'legend');
    var h = '<b>' + esc(T.legend) + '</b>';
    M.classes.forEach(function (c, i) {
      var text = c.label + (i < 5 ? ' ' + T.minutes : '') + (i === 4 ? ' ' + T.or_none : '');
      h += '<div>' + sw(c.colour) + esc(text) + '</div>';
    });
    d.innerHTML = h;
    return d;
  };
  legend.addTo(map);

  var bounds = L.latLngBounds([]);
  [networkLayer, comLayer, allFacilities].forEach(function (l) {
    var b = l.getBounds();
    if (b.isValid()) { bounds.extend(b); }
  });
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); } else { map.setView([0, 0], 2); }

  // With #selftest in the address, open the first popup of every layer
  // (tests/browser.rs checks that each one renders a table).
  if (location.hash === '#selftest') {
    var opened = 0;
    [comLayer, gapLayer, unitLayer].concat(facilityLayers).forEach(function (g) {
      var first = g.getLayers()[0];
      if (!first) { return; }
      first.openPopup();
      var c = document.querySelector('#map .leaflet-popup-content');
      if (c && c.querySelector('table tr')) { opened += 1; }
    });
    map.closePopup();
    counts.popups = opened;
    counts.popup_layers = [comLayer, gapLayer, unitLayer].concat(facilityLayers)
      .filter(function (g) { return g.getLayers().length > 0; }).length;
  }
  counts.panes = document.querySelectorAll('#map .leaflet-pane').length;
  counts.canvas = document.querySelectorAll('#map .leaflet-overlay-pane canvas').length;
  status.setAttribute('data-layers', JSON.stringify(counts));
  if (window.__reportErrors.length) {
    var el = document.getElementById('report-errors');
    el.hidden = false;
    el.textContent = window.__reportErrors.join('\n');
    status.setAttribute('data-state', 'error');
  } else {
    status.setAttribute('data-state', 'ok');
  }
})();
"#;

/// Write the whole report page.
pub fn write_report(
    w: &mut dyn io::Write,
    title: &str,
    inputs: &Inputs,
    study: &Study,
    lang: Lang,
) -> io::Result<()> {
    write_report_with(w, title, inputs, study, None, lang)
}

/// [`write_report`] with the scorecard and gap counts of an assessment.
pub fn write_report_with(
    w: &mut dyn io::Write,
    title: &str,
    inputs: &Inputs,
    study: &Study,
    assessment: Option<&crate::analysis::gaps::Assessment>,
    lang: Lang,
) -> io::Result<()> {
    let mpm = study.settings.metres_per_minute();
    let Some(ca) = study.catchments.as_ref() else {
        return Err(io::Error::other(
            "the report needs the catchment figures: run analyze without --coverage-only",
        ));
    };
    let cx = Ctx {
        lang,
        inputs,
        study,
        ca,
        any: study.coverage.target_index(Target::Any),
        mpm,
        limit_min: study.coverage.settings.limit_m / mpm,
        report_min: study.coverage.settings.report_m / mpm,
    };
    let set = &study.settings;
    let all = &study.areas[0];
    let mut s = String::with_capacity(1 << 20);
    let heading = tr(lang, "report");
    let _ = writeln!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"fitcircle {}\">\n<title>{} — {}</title>",
        lang.code(),
        env!("CARGO_PKG_VERSION"),
        esc(title),
        esc(heading)
    );
    s.push_str(
        "<style id=\"leaflet-css\">\n/* Leaflet 1.9.4 (BSD 2-Clause), assets/leaflet/leaflet.css */\n",
    );
    s.push_str(&leaflet_css());
    s.push_str("</style>\n<style>");
    s.push_str(STYLE);
    s.push_str("</style>\n<script>");
    s.push_str(ERROR_HOOK);
    s.push_str("</script>\n</head>\n<body>\n");

    // Header.
    let limit = num(study.coverage.settings.limit_m.round());
    let sub_args = [
        ("minutes", num(set.minutes)),
        ("speed", num(set.speed_kmh)),
        ("limit", limit),
        ("detour", num(set.detour_factor)),
    ];
    let subtitle = if study.mode.is_approximate() {
        trf(lang, "subtitle_straight", &sub_args)
    } else {
        trf(lang, "subtitle", &sub_args)
    };
    let _ = write!(
        s,
        "<header class=\"top\"><h1>{}</h1><p class=\"subtitle\">{}</p><p class=\"area\">{}</p>",
        esc(heading),
        esc(&subtitle),
        esc(title)
    );
    if study.mode.is_approximate() {
        let _ = write!(
            s,
            "<p class=\"banner\">{}</p>",
            esc(&trf(lang, "approx_banner", &sub_args))
        );
    }
    for n in &inputs.notes {
        // The approximate-distance warning is already the banner above.
        let repeated = study.mode.is_approximate() && n.contains("APPROXIMATE");
        if (n.contains("ESTIMATE") || n.contains("APPROXIMATE")) && !repeated {
            let _ = write!(s, "<p class=\"banner\">{}</p>", esc(n));
        }
    }
    let _ = writeln!(
        s,
        "<nav class=\"toc\"><a href=\"#summary\">{}</a><a href=\"#map-section\">{}</a>\
         <a href=\"#charts\">{}</a><a href=\"#tables\">{}</a><a href=\"#notes\">{}</a></nav></header>",
        esc(tr(lang, "nav_summary")),
        esc(tr(lang, "nav_map")),
        esc(tr(lang, "nav_charts")),
        esc(tr(lang, "nav_tables")),
        esc(tr(lang, "nav_notes")),
    );
    s.push_str(
        "<div id=\"report-status\" data-state=\"loading\" hidden></div>\n\
         <pre id=\"report-errors\" hidden></pre>\n<main>\n",
    );

    // Key figures.
    let share = cx
        .any
        .and_then(|t| all.targets.get(t))
        .map(|t| t.share())
        .unwrap_or(0.0);
    let covered_pop = cx
        .any
        .and_then(|t| all.targets.get(t))
        .map(|t| t.covered_population)
        .unwrap_or(0.0);
    let counted = (0..inputs.facilities.len())
        .filter(|&i| study.facility_counts[i] && study.facility_access[i].is_ok())
        .count();
    let per_capita = cx
        .ca
        .units
        .first()
        .map(|u| u.per_capita.total_per_person())
        .unwrap_or(0.0);
    let _ = writeln!(
        s,
        "<section id=\"summary\"><div class=\"cards\">\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>\
         <div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{} <small>{}</small></div></div>\
         </div></section>",
        esc(tr(lang, "card_covered")),
        pct(share),
        esc(tr(lang, "card_population")),
        thousands(all.population),
        esc(tr(lang, "card_gap")),
        thousands(all.population - covered_pop),
        esc(tr(lang, "card_facilities")),
        counted,
        esc(tr(lang, "card_percapita")),
        fixed(per_capita, 2),
        esc(tr(lang, "ax_m2pp")),
    );

    // Map.
    let _ = writeln!(
        s,
        "<section id=\"map-section\"><h2>{}</h2><div id=\"map\" role=\"region\" aria-label=\"{}\"></div>\
         <p class=\"hint\">{}</p></section>",
        esc(tr(lang, "sec_map")),
        esc(tr(lang, "sec_map")),
        esc(tr(lang, "map_hint"))
    );

    // Charts.
    let _ = write!(
        s,
        "<section id=\"charts\"><h2>{}</h2><div class=\"charts\">",
        esc(tr(lang, "sec_charts"))
    );
    for (id, (caption, body)) in [
        ("fig-coverage", chart_coverage(&cx)),
        ("fig-percap", chart_per_capita(&cx)),
        ("fig-histogram", chart_histogram(&cx)),
        ("fig-windows", chart_windows(&cx)),
        ("fig-tiers", chart_tiers(&cx)),
    ] {
        let _ = write!(
            s,
            "<figure class=\"chart\" id=\"{id}\"><figcaption>{}</figcaption>{body}</figure>",
            esc(&caption)
        );
    }
    s.push_str("</div></section>\n");

    // Tables.
    let _ = writeln!(
        s,
        "<section id=\"tables\"><h2>{}</h2>{}{}{}</section>",
        esc(tr(lang, "sec_tables")),
        main_table(&cx, title),
        targets_table(&cx),
        units_table(&cx)
    );

    // Scorecard: the 37 indicators with status, figure, target and lead.
    match assessment {
        Some(a) => {
            let zh = lang == Lang::Zh;
            let mut rows = String::new();
            for r in &a.scorecard {
                let i = &r.indicator;
                let _ = write!(
                    rows,
                    "<tr><td>{}</td><td>{}</td><td class=\"st-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&i.id),
                    esc(if zh { &i.name } else { &i.name_en }),
                    r.status.as_str().replace(' ', "-"),
                    esc(r.status.as_str()),
                    esc(&r.figure),
                    esc(&r.target),
                    esc(if zh { &i.lead } else { &i.lead_en }),
                    esc(&i.seed_status)
                );
            }
            let mut kinds: Vec<(&str, usize)> = Vec::new();
            for g in &a.gaps {
                match kinds.iter_mut().find(|k| k.0 == g.kind) {
                    Some(k) => k.1 += 1,
                    None => kinds.push((g.kind, 1)),
                }
            }
            let gaps: Vec<String> = kinds.iter().map(|(k, n)| format!("{k}: {n}")).collect();
            let _ = writeln!(
                s,
                "<section id=\"scorecard\"><h2>{}</h2><p class=\"hint\">{}</p><table class=\"scorecard\"><thead><tr><th>id</th><th>{}</th><th>status</th><th>figure</th><th>target</th><th>{}</th><th>seed</th></tr></thead><tbody>{rows}</tbody></table></section>",
                esc(tr(lang, "sec_scorecard")),
                esc(&format!(
                    "gaps: {}",
                    if gaps.is_empty() {
                        "none".to_string()
                    } else {
                        gaps.join(", ")
                    }
                )),
                if zh { "指标" } else { "indicator" },
                if zh { "主责单位" } else { "lead unit" },
            );
        }
        None => {
            let _ = writeln!(
                s,
                "<section id=\"scorecard\"><h2>{}</h2><p class=\"hint\">{}</p></section>",
                esc(tr(lang, "sec_scorecard")),
                esc(tr(lang, "scorecard_placeholder"))
            );
        }
    }

    // Notes.
    let _ = writeln!(
        s,
        "<section id=\"notes\"><h2>{}</h2>{}</section>\n</main>",
        esc(tr(lang, "sec_notes")),
        notes_html(&cx)
    );
    let _ = writeln!(
        s,
        "<footer class=\"foot\">{}</footer>",
        esc(&trf(
            lang,
            "made_with",
            &[("version", env!("CARGO_PKG_VERSION").to_string())]
        ))
    );
    w.write_all(s.as_bytes())?;
    s.clear();

    // Leaflet, with its licence.
    w.write_all(
        b"<script id=\"leaflet-js\">\n/*! Leaflet 1.9.4, assets/leaflet/leaflet.js (unmodified).\n",
    )?;
    w.write_all(LEAFLET_LICENSE.replace("*/", "* /").as_bytes())?;
    w.write_all(b"*/\n")?;
    w.write_all(leaflet_js().as_bytes())?;
    w.write_all(b"\n</script>\n")?;

    // Data.
    let network = network_json(study);
    for (id, body) in [
        ("data-meta", meta_json(&cx)),
        ("data-network", network),
        ("data-covered", covered_json(&cx)),
        ("data-units", units_json(&cx)),
        ("data-communities", communities_json(&cx)),
        ("data-facilities", facilities_json(&cx)),
    ] {
        write!(w, "<script type=\"application/json\" id=\"{id}\">")?;
        w.write_all(script_json(&body).as_bytes())?;
        w.write_all(b"</script>\n")?;
    }
    w.write_all(b"<script>")?;
    w.write_all(APP_JS.as_bytes())?;
    w.write_all(b"</script>\n</body>\n</html>\n")?;
    Ok(())
}

/// Write `report.html` and `map.png` into `dir` (atomically, like every
/// output); returns the paths written.
pub fn write_files(
    dir: &Path,
    title: &str,
    inputs: &Inputs,
    study: &Study,
    assessment: Option<&crate::analysis::gaps::Assessment>,
    lang: Lang,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let html = dir.join("report.html");
    let png = dir.join("map.png");
    if study.catchments.is_none() {
        // A coverage-only run has no catchment figures for the page: the
        // map image only.
        map_image::write_map_png(&png, inputs, study, lang)?;
        return Ok(vec![png]);
    }
    // The page and the image are independent: draw them side by side.
    let (a, b) = rayon::join(
        || {
            atomic::write_file(&html, &|w| {
                write_report_with(w, title, inputs, study, assessment, lang)
            })
        },
        || map_image::write_map_png(&png, inputs, study, lang),
    );
    a?;
    b?;
    Ok(vec![html, png])
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

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn json_blocks_cannot_close_the_script() {
        assert_eq!(
            script_json(r#"{"a":"</script><!--"}"#),
            r#"{"a":"\u003c/script>\u003c!--"}"#
        );
        let v: Value = serde_json::from_str(&script_json(r#"{"a":"</script><!--"}"#)).unwrap();
        assert_eq!(v["a"], "</script><!--");
    }

    #[test]
    fn leaflet_assets_are_inlined_without_external_urls() {
        let css = leaflet_css();
        assert!(!css.contains("url(images/"));
        assert!(css.contains("data:image/png;base64,"));
        assert!(!leaflet_js().contains("sourceMappingURL"));
        assert!(!leaflet_js().contains("</script"));
    }

    #[test]
    fn simplification_keeps_ends_and_drops_collinear_points() {
        let pts = [[0.0, 0.0], [1.0, 0.01], [2.0, 0.0], [3.0, 5.0]];
        assert_eq!(simplify_indices(&pts, 0.5), vec![0, 2, 3]);
        assert_eq!(simplify_indices(&pts, 0.0), vec![0, 1, 2, 3]);
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(1.0, 5.0), 0.2);
        assert_eq!(nice_step(812_935.0, 4.0), 250_000.0);
        assert_eq!(nice_step(0.0, 5.0), 1.0);
    }
}
