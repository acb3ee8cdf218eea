//! The page's planning sections: the headline, before / after planned
//! projects, the planned facilities, the unit ranking, the school venues,
//! the scorecard (with notes, lead and co-operating units) and the method
//! notes, each in the reader's language.

use std::fmt::Write as _;

use super::context::Ctx;
use crate::analysis::gaps::{Assessment, Status4};
use crate::model::{Category, PopulationSource, Status};
use crate::output::format::{esc, fixed, num, pct, thousands};
use crate::output::i18n::{
    Lang, category_label, gap_label, hours_label, requirement_label, seed_label, status_label,
    tier_label, tr, trf, window_label,
};
use crate::output::scorecard::{
    self, MEASURE_COLUMNS, measure_cells, project_row, scorecard_counts,
};

/// A table: its id, caption, header cells and rows of HTML cells (the
/// first column text, the others numbers when `num` says so).
pub(super) fn table(
    id: &str,
    caption: &str,
    head: &[&str],
    num_cols: &[usize],
    rows: &[Vec<String>],
) -> String {
    let mut s = format!(
        r#"<table id="{id}" class="figures"><caption>{}</caption><thead><tr>"#,
        esc(caption)
    );
    for (k, h) in head.iter().enumerate() {
        let class = if num_cols.contains(&k) {
            r#" class="num""#
        } else {
            ""
        };
        let _ = write!(s, "<th{class}>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for (k, c) in r.iter().enumerate() {
            let class = if num_cols.contains(&k) {
                r#" class="num""#
            } else {
                ""
            };
            let _ = write!(s, "<td{class}>{c}</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// One sentence a leader reads first: the covered share now and after the
/// planned projects, the sports area per resident and the scorecard.
pub(super) fn headline(cx: &Ctx, a: Option<&Assessment>) -> String {
    let lang = cx.lang;
    let minutes = num(cx.study.settings.minutes);
    let mut s = trf(
        lang,
        "hl.now",
        &[("minutes", minutes), ("share", pct(cx.any_share(0)))],
    );
    if let Some(after) = a.and_then(|a| a.covered_after) {
        s.push_str(&trf(lang, "hl.after", &[("share", pct(after))]));
    }
    if let Some(u) = cx.ca.units.first() {
        s.push_str(&trf(
            lang,
            "hl.percap",
            &[("value", fixed(u.per_capita.total_per_person(), 2))],
        ));
    }
    if let Some(a) = a {
        let count = |x: Status4| a.scorecard.iter().filter(|r| r.status == x).count();
        s.push_str(&trf(
            lang,
            "hl.scorecard",
            &[
                ("n", a.scorecard.len().to_string()),
                ("met", count(Status4::Met).to_string()),
                ("not_met", count(Status4::NotMet).to_string()),
                ("no_data", count(Status4::NoData).to_string()),
            ],
        ));
    }
    format!(
        r#"<section id="headline"><p class="headline">{}</p></section>"#,
        esc(&s)
    )
}

/// Coverage and sports area per resident now and after the planned
/// facilities; the planned project types (measure 15(4)); each planned
/// facility with its year and the residents it newly covers.
pub(super) fn planned_section(cx: &Ctx, a: &Assessment) -> String {
    let lang = cx.lang;
    let mut s = format!(
        r#"<section id="planned"><h2>{}</h2>"#,
        esc(tr(lang, "sec_planned"))
    );
    let (o0, i0) = a.per_capita_before;
    let after = |x: Option<String>| x.unwrap_or_else(|| tr(lang, "js.none").to_string());
    let rows = vec![
        vec![
            esc(&trf(
                lang,
                "row_covered",
                &[("minutes", num(cx.study.settings.minutes))],
            )),
            pct(a.covered_before),
            after(a.covered_after.map(pct)),
        ],
        vec![
            esc(tr(lang, "row_outdoor")),
            m2pp(lang, o0),
            after(a.per_capita_after.map(|p| m2pp(lang, p.0))),
        ],
        vec![
            esc(tr(lang, "row_indoor")),
            m2pp(lang, i0),
            after(a.per_capita_after.map(|p| m2pp(lang, p.1))),
        ],
    ];
    s.push_str(&table(
        "table-before-after",
        tr(lang, "tbl_before_after"),
        &[
            tr(lang, "col_figure"),
            tr(lang, "col_now"),
            tr(lang, "col_after"),
        ],
        &[1, 2],
        &rows,
    ));
    if !a.progress.is_empty() {
        let rows: Vec<Vec<String>> = a
            .progress
            .iter()
            .map(|p| project_row(lang, p).iter().map(|c| esc(c)).collect())
            .collect();
        let head: Vec<&str> = [
            "sc.col_project",
            "sc.col_built",
            "sc.col_planned",
            "sc.col_target",
            "sc.col_status",
        ]
        .iter()
        .map(|k| tr(lang, k))
        .collect();
        s.push_str(&table(
            "table-projects",
            tr(lang, "sc.projects"),
            &head,
            &[1, 2],
            &rows,
        ));
    }
    s.push_str(&planned_facilities(cx, a));
    s.push_str("</section>\n");
    s
}

/// `x` m2 per resident, two decimals, with its unit.
fn m2pp(lang: Lang, x: f64) -> String {
    esc(&trf(lang, "m2pp", &[("value", fixed(x, 2))]))
}

/// Each planned facility: name, type, unit, year, residents it newly
/// covers (most first, as the assessment ranks them).
fn planned_facilities(cx: &Ctx, a: &Assessment) -> String {
    let lang = cx.lang;
    let inputs = cx.inputs;
    let planned: Vec<usize> = (0..inputs.facilities.len())
        .filter(|&f| inputs.facilities[f].status == Status::Planned)
        .collect();
    if planned.is_empty() {
        return format!("<p class=\"hint\">{}</p>", esc(tr(lang, "no_planned")));
    }
    let gain = |f: usize| {
        a.planned_gains
            .iter()
            .find(|g| g.facility.get() == f)
            .map(|g| thousands(g.newly_covered_people))
            .unwrap_or_else(|| tr(lang, "js.none").to_string())
    };
    let mut order: Vec<usize> = a.planned_gains.iter().map(|g| g.facility.get()).collect();
    order.extend(
        planned
            .iter()
            .filter(|f| !order.contains(f))
            .copied()
            .collect::<Vec<_>>(),
    );
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|&f| {
            let x = &inputs.facilities[f];
            vec![
                esc(if x.name.is_empty() { &x.id } else { &x.name }),
                esc(&category_label(lang, x.category)),
                esc(&cx.area_name_or_none(cx.study.units.facility_unit[f])),
                esc(tr(lang, "js.planned")),
                x.build_year
                    .map_or_else(|| tr(lang, "js.none").to_string(), |y| y.to_string()),
                gain(f),
            ]
        })
        .collect();
    table(
        "table-planned",
        tr(lang, "tbl_planned"),
        &[
            tr(lang, "col_facility"),
            tr(lang, "js.category"),
            tr(lang, "col_unit"),
            tr(lang, "js.status"),
            tr(lang, "col_year"),
            tr(lang, "col_newly"),
        ],
        &[4, 5],
        &rows,
    )
}

/// Units ranked by covered share, lowest first: residents, covered share,
/// sports area per resident, and the gaps found in each.
pub(super) fn unit_ranking(cx: &Ctx, a: Option<&Assessment>) -> String {
    let lang = cx.lang;
    let st = cx.study;
    if st.areas.len() <= 1 {
        return String::new();
    }
    let mut ks: Vec<usize> = (1..st.areas.len()).collect();
    ks.sort_by(|&x, &y| cx.any_share(x).total_cmp(&cx.any_share(y)).then(x.cmp(&y)));
    let rows: Vec<Vec<String>> = ks
        .iter()
        .enumerate()
        .map(|(rank, &k)| {
            let area = &st.areas[k];
            let name = cx.area_name(area.unit);
            let gaps = a.map_or(0, |a| {
                a.gaps
                    .iter()
                    .filter(|g| g.unit.as_deref() == Some(name.as_str()))
                    .count()
            });
            let total = cx
                .ca
                .units
                .get(k)
                .map_or(0.0, |u| u.per_capita.total_per_person());
            vec![
                (rank + 1).to_string(),
                esc(&name),
                thousands(area.population),
                pct(cx.any_share(k)),
                fixed(total, 2),
                thousands(gaps as f64),
            ]
        })
        .collect();
    table(
        "table-ranking",
        tr(lang, "tbl_ranking"),
        &[
            tr(lang, "col_rank"),
            tr(lang, "col_unit"),
            tr(lang, "col_population"),
            tr(lang, "col_share"),
            tr(lang, "col_total_m2pp"),
            tr(lang, "col_gaps"),
        ],
        &[0, 2, 3, 4, 5],
        &rows,
    )
}

/// Each school venue: name, unit, opening hours, open to the public, and
/// the time windows it counts in.
pub(super) fn school_venues(cx: &Ctx) -> String {
    let lang = cx.lang;
    let inputs = cx.inputs;
    let schools: Vec<usize> = (0..inputs.facilities.len())
        .filter(|&f| inputs.facilities[f].category == Category::SchoolVenue)
        .collect();
    if schools.is_empty() {
        return String::new();
    }
    let none = || tr(lang, "js.none").to_string();
    let rows: Vec<Vec<String>> = schools
        .iter()
        .map(|&f| {
            let x = &inputs.facilities[f];
            let windows: Vec<String> = cx
                .ca
                .windows
                .iter()
                .filter(|w| w.open.get(f).copied().unwrap_or(false))
                .map(|w| window_label(lang, &w.window.name))
                .collect();
            vec![
                esc(if x.name.is_empty() { &x.id } else { &x.name }),
                esc(&cx.area_name_or_none(cx.study.units.facility_unit[f])),
                x.opening_hours
                    .as_deref()
                    .map_or_else(none, |h| match lang {
                        Lang::En => format!("<code>{}</code>", esc(h)),
                        Lang::Zh => esc(&hours_label(lang, h)),
                    }),
                esc(match x.open_to_public {
                    Some(true) => tr(lang, "js.yes"),
                    Some(false) => tr(lang, "js.no"),
                    None => tr(lang, "js.unknown"),
                }),
                if windows.is_empty() {
                    none()
                } else {
                    esc(&windows.join(sep(lang)))
                },
            ]
        })
        .collect();
    table(
        "table-schools",
        tr(lang, "tbl_schools"),
        &[
            tr(lang, "col_facility"),
            tr(lang, "col_unit"),
            tr(lang, "js.hours"),
            tr(lang, "col_open_public"),
            tr(lang, "js.windows"),
        ],
        &[],
        &rows,
    )
}

/// The list separator of `lang`.
fn sep(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    }
}

/// `<section id="scorecard">`: the counts, then every indicator with its
/// status, figure, target (the seed's wording), lead and co-operating
/// units, seed status and notes; a placeholder without an assessment.
pub(super) fn scorecard_section(s: &mut String, lang: Lang, assessment: Option<&Assessment>) {
    let Some(a) = assessment else {
        let _ = writeln!(
            s,
            "<section id=\"scorecard\"><h2>{}</h2><p class=\"hint\">{}</p></section>",
            esc(tr(lang, "sec_scorecard")),
            esc(tr(lang, "scorecard_placeholder"))
        );
        return;
    };
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| esc(if zh { z } else { e });
    let mut rows = String::new();
    for r in &a.scorecard {
        let i = &r.indicator;
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td class=\"st-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"note\">{}</td></tr>",
            esc(&i.id),
            pick(&i.name, &i.name_en),
            r.status.as_str().replace(' ', "-"),
            esc(status_label(lang, r.status)),
            pick(&r.figure_zh, &r.figure),
            pick(&r.target_zh, &r.target),
            pick(&i.lead, &i.lead_en),
            pick(&i.co, &i.co_en),
            esc(&seed_label(lang, &i.seed_status)),
            pick(&r.note_zh, &r.note),
        );
    }
    let head: String = scorecard::COLUMNS
        .iter()
        .map(|k| format!("<th>{}</th>", esc(tr(lang, k))))
        .collect();
    let _ = writeln!(
        s,
        "<section id=\"scorecard\"><h2>{}</h2><p class=\"hint\">{}</p><p class=\"hint\">{}</p>\
         <table class=\"scorecard\"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{}</section>",
        esc(tr(lang, "sec_scorecard")),
        esc(&scorecard_counts(lang, a)),
        esc(&gap_counts(lang, a)),
        scorecard_measures(lang, a),
    );
}

/// The sub-measure table of the scorecard section (empty without rows).
pub(super) fn scorecard_measures(lang: Lang, a: &Assessment) -> String {
    if a.measures.is_empty() {
        return String::new();
    }
    let head: String = MEASURE_COLUMNS
        .iter()
        .map(|k| format!("<th>{}</th>", esc(tr(lang, k))))
        .collect();
    let mut rows = String::new();
    for (r, cells) in a.measures.iter().zip(measure_cells(lang, a)) {
        let [id, name, status, figure, target, lead, co, note] = cells;
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td class=\"st-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"note\">{}</td></tr>",
            esc(&id),
            esc(&name),
            r.status.as_str().replace(' ', "-"),
            esc(&status),
            esc(&figure),
            esc(&target),
            esc(&lead),
            esc(&co),
            esc(&note),
        );
    }
    format!(
        "<h3>{}</h3><table class=\"scorecard\" id=\"scorecard-measures\"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>",
        esc(tr(lang, "sc.measures"))
    )
}

/// "Gaps found: n communities outside the walk, ..." per kind of gap, in
/// order of first appearance.
fn gap_counts(lang: Lang, a: &Assessment) -> String {
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for g in &a.gaps {
        match kinds.iter_mut().find(|k| k.0 == g.kind) {
            Some(k) => k.1 += 1,
            None => kinds.push((g.kind, 1)),
        }
    }
    if kinds.is_empty() {
        return tr(lang, "gaps_none").to_string();
    }
    let parts: Vec<String> = kinds
        .iter()
        .map(|(k, n)| format!("{} {}", gap_label(lang, k), thousands(*n as f64)))
        .collect();
    format!("{}{}", tr(lang, "gaps_found"), parts.join(sep(lang)))
}

/// Method and data notes, each stated once in the reader's language: how
/// distances were measured, where the population comes from, what counts
/// as sports area, why the tiers differ, and the school-venue hours.
pub(super) fn method_notes(cx: &Ctx) -> String {
    let lang = cx.lang;
    let st = cx.study;
    let set = &st.settings;
    let mut items: Vec<String> = Vec::new();
    items.push(if st.mode().is_approximate() {
        trf(lang, "mn.straight", &[("detour", num(set.detour_factor))])
    } else {
        tr(lang, "mn.network").to_string()
    });
    let estimated = cx
        .inputs
        .communities
        .iter()
        .any(|c| c.population_source == PopulationSource::Estimate);
    let households = cx
        .inputs
        .communities
        .iter()
        .any(|c| c.population_source == PopulationSource::Households);
    if estimated {
        items.push(tr(lang, "mn.pop_estimate").to_string());
    } else if households {
        items.push(tr(lang, "mn.pop_households").to_string());
    }
    items.push(trf(
        lang,
        "mn.parks",
        &[(
            "share",
            num(100.0 * crate::analysis::catchment::PARK_SPORTS_SHARE),
        )],
    ));
    items.push(tiers_note(cx));
    items.push(tr(lang, "mn.schools").to_string());
    let mut s = format!(
        "<h3>{}</h3><ul class=\"method\">",
        esc(tr(lang, "mn.title"))
    );
    for i in items {
        let _ = write!(s, "<li>{}</li>", esc(&i));
    }
    s.push_str("</ul>");
    s
}

/// Why a wider tier can have a lower share: each tier asks for its own
/// facilities (listed from the targets file).
pub(super) fn tiers_note(cx: &Ctx) -> String {
    let lang = cx.lang;
    let st = cx.study;
    let tiers: Vec<String> = st
        .targets
        .tier
        .iter()
        .map(|t| {
            let reqs: Vec<String> = t
                .requirement
                .iter()
                .map(|r| requirement_label(lang, st, &r.name))
                .collect();
            format!(
                "{}{}{}",
                tier_label(lang, st, &t.name),
                tr(lang, "mn.needs"),
                reqs.join(sep(lang))
            )
        })
        .collect();
    trf(
        lang,
        "mn.tiers",
        &[("tiers", tiers.join(tr(lang, "mn.tier_sep")))],
    )
}

/// The suggested sites (`fitcircle sites`): what they add, then one row
/// each with its unit, the residents it newly covers, the covered share
/// after it and the communities it reaches.
pub(super) fn sites_section(cx: &Ctx) -> String {
    let Some(plan) = cx.sites else {
        return String::new();
    };
    let lang = cx.lang;
    let total = plan.total_population;
    let added = plan
        .sites
        .last()
        .map_or(0.0, |s| s.pick.cumulative_population);
    let after = plan.covered_before + added;
    let share = |x: f64| if total > 0.0 { x / total } else { 0.0 };
    let intro = trf(
        lang,
        "sites.intro",
        &[
            ("category", category_label(lang, plan.category)),
            ("n", plan.sites.len().to_string()),
            ("walk", format!("{:.0}", plan.walk_m)),
            ("before", thousands(plan.covered_before)),
            ("after", thousands(after)),
            ("share", fixed(100.0 * share(after), 1)),
        ],
    );
    let rows: Vec<Vec<String>> = plan
        .sites
        .iter()
        .map(|s| {
            let label = match (s.name.is_empty(), s.id.strip_prefix("grid:")) {
                (false, _) => s.name.clone(),
                (true, Some(n)) if lang == Lang::Zh => {
                    trf(lang, "sites.grid_point", &[("n", n.to_string())])
                }
                _ => s.id.clone(),
            };
            let mut names: Vec<&str> = s
                .newly_covered_names
                .iter()
                .take(8)
                .map(String::as_str)
                .collect();
            let more = s.newly_covered_names.len().saturating_sub(names.len());
            let more_text = trf(lang, "js.hex_more", &[("n", more.to_string())]);
            if more > 0 {
                names.push(&more_text);
            }
            vec![
                s.pick.rank.to_string(),
                esc(&label),
                esc(if s.unit.is_empty() {
                    tr(lang, "js.none")
                } else {
                    &s.unit
                }),
                thousands(s.pick.newly_covered_population),
                pct(share(plan.covered_before + s.pick.cumulative_population)),
                esc(&names.join(sep(lang))),
            ]
        })
        .collect();
    let t = table(
        "table-sites",
        tr(lang, "sites.sec"),
        &[
            tr(lang, "sites.th_rank"),
            tr(lang, "sites.th_site"),
            tr(lang, "sites.th_unit"),
            tr(lang, "sites.th_new"),
            tr(lang, "sites.th_share"),
            tr(lang, "sites.th_names"),
        ],
        &[0, 3, 4],
        &rows,
    );
    format!(
        "<section id=\"sites\"><h2>{}</h2><p>{}</p>{t}</section>\n",
        esc(tr(lang, "sites.sec")),
        esc(&intro)
    )
}
