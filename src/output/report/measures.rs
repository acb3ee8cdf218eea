//! `<section id="measures">`: the plan's measures beyond the 15-minute
//! circle, in the reader's language: the three-level network per unit
//! (measure 13) with the level rules used, access for the elderly, the
//! disabled and young people (15(1), 16(1)), and per unit the winter
//! grounds, small-space pilots, health co-location and culture-and-sports
//! stations (15(2), 15(3), 35, 36). Where an input is missing, a line names
//! it.

use std::fmt::Write as _;

use super::context::Ctx;
use super::sections::table;
use crate::analysis::measures::inclusive::Offer;
use crate::analysis::measures::levels::LevelSource;
use crate::model::{Group, Level};
use crate::output::format::{esc, pct, thousands};
use crate::output::i18n::{Lang, tr, trf};

/// The whole section.
pub(super) fn measures_section(cx: &Ctx) -> String {
    let lang = cx.lang;
    let mut s = format!(
        "<section id=\"measures\"><h2>{}</h2><p class=\"hint\">{}</p>",
        esc(tr(lang, "m.title")),
        esc(tr(lang, "m.intro"))
    );
    s.push_str(&network_table(cx));
    s.push_str(&rules_table(cx));
    s.push_str(&inclusive_table(cx));
    s.push_str(&places_table(cx));
    s.push_str("</section>\n");
    s
}

/// The name of level `l` in `lang`.
fn level_label(lang: Lang, l: Level) -> &'static str {
    tr(lang, &format!("m.level_{}", l.as_str()))
}

/// Yes or no in `lang`.
fn yes_no(lang: Lang, b: bool) -> String {
    esc(tr(lang, if b { "js.yes" } else { "js.no" }))
}

/// Measure 13 per area: facilities of each level, a subdistrict-level one
/// in the unit, residents and communities with a community-level one
/// within the short walk.
fn network_table(cx: &Ctx) -> String {
    let lang = cx.lang;
    let net = &cx.study.measures.levels;
    let rows: Vec<Vec<String>> = net
        .areas
        .iter()
        .map(|a| {
            let mut row = vec![esc(&cx.area_name(a.unit))];
            for l in Level::ALL.iter().rev() {
                row.push(thousands(a.facilities[l.index()] as f64));
            }
            row.push(yes_no(lang, a.at_or_above(Level::Subdistrict) > 0));
            row.push(pct(a.residents.share()));
            row.push(format!(
                "{} / {}",
                thousands(a.communities_ok as f64),
                thousands(a.communities as f64)
            ));
            row
        })
        .collect();
    let minutes = crate::output::format::num(cx.study.settings.community_level_minutes);
    let walk = trf(
        lang,
        "m.col_community_walk",
        &[("minutes", minutes.clone())],
    );
    let communities = trf(lang, "m.col_communities_walk", &[("minutes", minutes)]);
    table(
        "table-levels",
        tr(lang, "m.tbl_levels"),
        &[
            tr(lang, "col_unit"),
            level_label(lang, Level::District),
            level_label(lang, Level::Subdistrict),
            level_label(lang, Level::Community),
            tr(lang, "m.col_has_subdistrict"),
            &walk,
            &communities,
        ],
        &[1, 2, 3, 5, 6],
        &rows,
    )
}

/// How the facilities got their levels: the input's column, then each
/// rule of the targets with the facilities it gave a level.
fn rules_table(cx: &Ctx) -> String {
    let lang = cx.lang;
    let net = &cx.study.measures.levels;
    let count = |src: LevelSource| net.source.iter().filter(|x| **x == src).count();
    let none = tr(lang, "js.none").to_string();
    let mut rows = vec![vec![
        esc(tr(lang, "m.rule_given")),
        none.clone(),
        thousands(count(LevelSource::Given) as f64),
    ]];
    for (k, r) in cx.study.targets.level_rule.iter().enumerate() {
        let text = match lang {
            Lang::Zh if !r.zh.is_empty() => &r.zh,
            _ if !r.en.is_empty() => &r.en,
            _ => &r.name,
        };
        rows.push(vec![
            esc(text),
            r.parsed_level
                .map_or(none.clone(), |l| esc(level_label(lang, l))),
            thousands(count(LevelSource::Rule(k)) as f64),
        ]);
    }
    let unmatched = count(LevelSource::NoRule);
    if unmatched > 0 {
        rows.push(vec![
            esc(tr(lang, "m.rule_none")),
            none,
            thousands(unmatched as f64),
        ]);
    }
    table(
        "table-level-rules",
        tr(lang, "m.tbl_rules"),
        &[
            tr(lang, "m.col_rule"),
            tr(lang, "m.col_level"),
            tr(lang, "m.col_facilities"),
        ],
        &[2],
        &rows,
    )
}

/// Measures 15(1) and 16(1): per offer and group, the facilities making
/// it and the members within the walk; a line naming the missing column
/// for an offer no facility states.
fn inclusive_table(cx: &Ctx) -> String {
    let lang = cx.lang;
    let inc = &cx.study.measures.inclusive;
    let mut missing = String::new();
    let mut rows = Vec::new();
    for o in Offer::ALL {
        let key = format!("m.offer_{}", o.as_str());
        if !inc.is_known(o) {
            let why = tr(lang, &format!("m.missing_{}", o.as_str()));
            let _ = write!(missing, "<p class=\"hint\">{}</p>", esc(why));
            continue;
        }
        for r in inc.of(o) {
            let weight = if r.weighted {
                "m.weight_group"
            } else {
                "m.weight_all"
            };
            rows.push(vec![
                esc(tr(lang, &key)),
                esc(group_label(lang, r.group)),
                thousands(r.facilities as f64),
                pct(r.areas[0].share()),
                esc(tr(lang, weight)),
            ]);
        }
    }
    if rows.is_empty() {
        return missing;
    }
    let minutes = crate::output::format::num(cx.study.settings.minutes);
    let within = trf(lang, "m.col_within", &[("minutes", minutes)]);
    missing
        + &table(
            "table-inclusive",
            tr(lang, "m.tbl_inclusive"),
            &[
                tr(lang, "m.col_offer"),
                tr(lang, "m.col_group"),
                tr(lang, "card_facilities"),
                &within,
                tr(lang, "m.col_weight"),
            ],
            &[2, 3],
            &rows,
        )
}

/// The name of group `g` in `lang`.
fn group_label(lang: Lang, g: Group) -> &'static str {
    tr(lang, &format!("m.group_{}", g.as_str()))
}

/// Per area: winter grounds, pilots, health facilities and co-location,
/// culture and culture-and-sports stations; a dash where the input is
/// missing, with a line naming it.
fn places_table(cx: &Ctx) -> String {
    let lang = cx.lang;
    let m = &cx.study.measures;
    let none = || tr(lang, "js.none").to_string();
    let mut hints = String::new();
    for (missing, key) in [
        (!m.special.known, "m.missing_space"),
        (!m.health.given, "m.missing_health"),
        (!m.culture.given, "m.missing_culture"),
    ] {
        if missing {
            let _ = write!(hints, "<p class=\"hint\">{}</p>", esc(tr(lang, key)));
        }
    }
    let rows: Vec<Vec<String>> = (0..m.levels.areas.len())
        .map(|k| {
            let sp = &m.special.areas[k];
            let h = &m.health.areas[k];
            let c = &m.culture.areas[k];
            let known = |b: bool, x: String| if b { x } else { none() };
            vec![
                esc(&cx.area_name(sp.unit)),
                known(m.special.known, thousands(sp.winter as f64)),
                known(m.special.known, thousands(sp.pilots_total() as f64)),
                known(m.health.given, thousands(h.promotion_centres() as f64)),
                known(m.health.given, pct(h.colocated_share())),
                known(
                    m.culture.given,
                    format!(
                        "{} / {}",
                        thousands(c.combined as f64),
                        thousands(c.stations as f64)
                    ),
                ),
                known(m.culture.given, pct(c.residents.share())),
            ]
        })
        .collect();
    let walk = crate::output::format::num(m.health.walk_m.round());
    let minutes = crate::output::format::num(cx.study.settings.minutes);
    hints
        + &table(
            "table-places",
            tr(lang, "m.tbl_places"),
            &[
                tr(lang, "col_unit"),
                tr(lang, "m.col_winter"),
                tr(lang, "m.col_pilots"),
                tr(lang, "m.col_promotion"),
                &trf(lang, "m.col_colocated", &[("walk", walk)]),
                tr(lang, "m.col_culture"),
                &trf(lang, "m.col_culture_walk", &[("minutes", minutes)]),
            ],
            &[1, 2, 3, 4, 5, 6],
            &rows,
        )
}
