//! Warnings in the reader's language. The readers and stages word their
//! warnings in English (they are also the library's messages); in Chinese
//! each known wording is matched against a template ([`TEMPLATES`], `{0}`
//! ... holes for the variable parts: counts, ids, names) and rewritten. A
//! warning may start with the file it concerns (`path: ...`): the path is
//! kept and the rest translated. The record locations inside the variable
//! parts (`row 12 (same as row 3)`) are translated too. A wording with no
//! template is shown as it is, after the Chinese prefix.

use super::{Lang, trf};

/// (English template, Chinese template): `{0}`, `{1}`, ... in the same
/// order in both. Longer templates of one wording come first.
#[rustfmt::skip]
const TEMPLATES: &[(&str, &str)] = &[
    ("{0} rows repeat an earlier row exactly and were dropped: {1}", "{0} 行与前面某行完全相同，已剔除：{1}"),
    ("{0} invalid polygons repaired: {1} and {2} more", "{0} 个无效多边形已修复：{1} 等，另有 {2} 个"),
    ("{0} invalid polygons repaired: {1}", "{0} 个无效多边形已修复：{1}"),
    ("{0} areas with an invalid polygon repaired: {1}", "{0} 个多边形无效的区域已修复：{1}"),
    ("{0} multipolygon/boundary relations skipped because their rings could not be assembled (member ways missing from the extract or rings not closed): relation {1}", "{0} 个多边形/边界关系因成员路径缺失或环未闭合而无法组装，已跳过：关系 {1}"),
    ("{0} facilities tagged access=private/no left out (not open to residents)", "{0} 处标注 access=private/no 的设施不对居民开放，已剔除"),
    ("the walkable ways have over 4 billion nodes; the rest were left out (cut the extract to the study area)", "可步行道路超过 40 亿个节点，其余已略去（请将数据裁剪到研究区域）"),
    ("{0} walkable ways reference nodes missing from the extract (clipped at its edge); kept the runs of nodes that are present", "{0} 条可步行道路引用了数据范围外缺失的节点（在边缘被截断），保留现有的节点段"),
    ("no complete administrative boundary with admin_level={0}; results are for the whole area only", "没有完整的 admin_level={0} 行政边界，结果仅针对全区"),
    ("{0} landuse=residential areas without a population tag left out", "{0} 个没有人口标签的 landuse=residential 区域已剔除"),
    ("{0} pairs of units overlap by a sliver (under {1} % of the smaller unit), tolerated: {2}; places inside go to one unit by the overlap rule (see dropped.csv)", "{0} 对单元存在细小重叠（小于较小单元面积的 {1}%），已容许：{2}；重叠处的地点按重叠规则归入其中一个单元（见 dropped.csv）"),
    ("{0} facilities have opening_hours fitcircle cannot read; they are treated as hours unknown (always open; school venues outside school hours): {1}", "{0} 处设施的开放时间（opening_hours）无法识别，按开放时间未知处理（全天开放；学校场地按课余时间）：{1}"),
    ("figures file: the value for indicator {0} is ignored: no such indicator", "指标数据文件：指标 {0} 的数值被忽略：没有这项指标"),
    ("figures file: the value for indicator {0} is ignored: it is computed from the maps, not read from the file", "指标数据文件：指标 {0} 的数值被忽略：该指标由地图计算，不从文件读取"),
    ("figures file: the value for indicator {0} is ignored: it is an organisational item with no figure to check", "指标数据文件：指标 {0} 的数值被忽略：该项为组织类事项，没有可核查的数值"),
    ("figures file: the value for indicator {0} is ignored: indicator {1} has {2} target figure(s); number them 1 to {3}", "指标数据文件：指标 {0} 的数值被忽略：指标 {1} 有 {2} 个目标值，请按 1 至 {3} 编号"),
    ("--output-crs gcj02: the data lie outside mainland China, where GCJ-02 is WGS-84 unchanged, so the .gcj02 files repeat the WGS-84 coordinates", "--output-crs gcj02：数据位于中国大陆以外，GCJ-02 与 WGS-84 相同，.gcj02 文件的坐标与 WGS-84 一致"),
    ("map.png labels are in English: {0}; install fonts-wqy-microhei or pass --font FILE (or set FITCIRCLE_FONT)", "map.png 的文字为英文：{0}；请安装 fonts-wqy-microhei，或用 --font FILE（或 FITCIRCLE_FONT）指定中文字体"),
    ("no font with Chinese glyphs among the system's fonts (looked for {0} first)", "系统字体中没有中文字体（优先查找 {0}）"),
];

/// Record locations in a variable part, in Chinese.
#[rustfmt::skip]
const LOCATIONS: &[(&str, &str)] = &[
    ("(same as row ", "（同第 "),
    ("row ", "第 "),
    ("feature ", "第 "),
];

/// `text` against `template` (holes `{0}`, `{1}`, ...): the holes' text in
/// order, or `None` when the literal parts do not match. A hole takes the
/// shortest text that lets the next literal part follow (the last one the
/// rest).
fn matches(template: &str, text: &str) -> Option<Vec<String>> {
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(a) = rest.find('{') {
        let b = rest[a..].find('}')? + a;
        parts.push(&rest[..a]);
        rest = &rest[b + 1..];
    }
    parts.push(rest);
    let mut t = text.strip_prefix(parts[0])?;
    let mut holes = Vec::new();
    for (k, lit) in parts.iter().enumerate().skip(1) {
        let last = k == parts.len() - 1;
        let at = if last {
            if lit.is_empty() {
                t.len()
            } else {
                t.strip_suffix(lit)?.len()
            }
        } else if lit.is_empty() {
            return None;
        } else {
            t.find(lit)?
        };
        holes.push(t[..at].to_string());
        t = &t[at + lit.len()..];
    }
    t.is_empty().then_some(holes)
}

/// A variable part with its record locations in Chinese: `row 12 (same as
/// row 3)` -> `第 12 行（同第 3 行）`.
fn locations_zh(part: &str) -> String {
    let mut out = String::new();
    let mut rest = part;
    'scan: while !rest.is_empty() {
        for (en, zh) in LOCATIONS {
            if let Some(after) = rest.strip_prefix(en) {
                let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
                if !digits.is_empty() {
                    if zh.starts_with('（') {
                        while out.ends_with(' ') {
                            out.pop();
                        }
                    }
                    out.push_str(zh);
                    out.push_str(&digits);
                    out.push_str(if *en == "feature " {
                        " 个要素"
                    } else {
                        " 行"
                    });
                    rest = &after[digits.len()..];
                    if en.starts_with('(') {
                        if let Some(r) = rest.strip_prefix(')') {
                            out.push('）');
                            rest = r;
                        }
                    }
                    continue 'scan;
                }
            }
        }
        let c = rest.chars().next().expect("not empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.replace(", ", "、")
}

/// `text` in Chinese, by the first template it matches; `None` if none.
fn to_chinese(text: &str) -> Option<String> {
    for (en, zh) in TEMPLATES {
        if let Some(holes) = matches(en, text) {
            let mut out = zh.to_string();
            for (k, h) in holes.iter().enumerate() {
                out = out.replace(&format!("{{{k}}}"), &locations_zh(h));
            }
            return Some(out);
        }
    }
    None
}

/// A warning line for the terminal in `lang`: `warning: ...`, or in
/// Chinese `警告：...` with the text translated (by the known wordings; what comes
/// before the first `: `, a file path, is kept when the rest matches).
pub fn warning(lang: Lang, text: &str) -> String {
    let body = match lang {
        Lang::En => text.to_string(),
        Lang::Zh => text
            .split_once(": ")
            .and_then(|(path, rest)| Some(format!("{path}：{}", to_chinese(rest)?)))
            .or_else(|| to_chinese(text))
            .unwrap_or_else(|| text.to_string()),
    };
    trf(lang, "term.warning", &[("text", body)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_and_fill_in_order() {
        assert_eq!(
            matches("{0} rows repeat: {1}", "2 rows repeat: row 4, row 9"),
            Some(vec!["2".to_string(), "row 4, row 9".to_string()])
        );
        assert_eq!(matches("{0} rows repeat: {1}", "2 columns"), None);
        assert_eq!(matches("exact", "exact"), Some(vec![]));
        assert_eq!(matches("exact", "exactly"), None);
    }

    #[test]
    fn warnings_in_chinese_keep_paths_and_translate_locations() {
        let w = "bundle:xicheng/x.csv: 2 rows repeat an earlier row exactly and were dropped: \
                 row 482 (same as row 481), row 749 (same as row 748)";
        assert_eq!(
            warning(Lang::Zh, w),
            "警告：bundle:xicheng/x.csv：2 行与前面某行完全相同，已剔除：第 482 行（同第 481 行）、\
             第 749 行（同第 748 行）"
        );
        assert_eq!(warning(Lang::En, w), format!("warning: {w}"));
        let p = "4 facilities tagged access=private/no left out (not open to residents)";
        assert_eq!(
            warning(Lang::Zh, &format!("city.osm.pbf: {p}")),
            "警告：city.osm.pbf：4 处标注 access=private/no 的设施不对居民开放，已剔除"
        );
        let more = "f.csv: 12 invalid polygons repaired: row 1, row 2 and 10 more";
        assert_eq!(
            warning(Lang::Zh, more),
            "警告：f.csv：12 个无效多边形已修复：第 1 行、第 2 行 等，另有 10 个"
        );
        // Unknown wordings are kept.
        assert_eq!(warning(Lang::Zh, "something new"), "警告：something new");
    }

    #[test]
    fn every_template_has_its_holes_in_both_languages() {
        for (en, zh) in TEMPLATES {
            for k in 0..5 {
                let hole = format!("{{{k}}}");
                assert_eq!(en.contains(&hole), zh.contains(&hole), "{en}");
            }
            assert!(!zh.is_ascii(), "{zh}");
        }
    }
}
