//! The page's tables (main figures, coverage per facility type, figures
//! per unit), the scorecard section and the notes.

use std::fmt::Write as _;

use super::context::Ctx;
use super::layers::{COMPACT_COMMUNITIES, network_too_large};
use crate::analysis::catchment::UnitStats;
use crate::output::classes::target_colour;
use crate::output::format::{esc, fixed, num, pct, thousands};
use crate::output::i18n::{
    Lang, method_label, target_label, tier_label, tr, trf, window_label, window_spec,
};

/// The main figures: the run, the population, coverage, per-capita area,
/// 2SFCA access, tiers and time windows.
pub(super) fn main_table(cx: &Ctx, title: &str) -> String {
    let mut rows = run_rows(cx, title);
    rows.extend(population_rows(cx));
    if let Some(u) = cx.ca.units.first() {
        rows.extend(per_capita_rows(cx, u));
        rows.extend(tier_and_window_rows(cx, u));
        let pc = &cx.study.targets.per_capita;
        if u.new_communities > 0 {
            rows.push((
                trf(
                    cx.lang,
                    "row_new",
                    &[("year", pc.new_build_year.to_string())],
                ),
                format!("{} / {}", u.new_communities_below, u.new_communities),
            ));
        }
    }
    let mut s = format!(
        r#"<table id="table-main" class="figures"><caption>{}</caption><tbody>"#,
        esc(tr(cx.lang, "tbl_main"))
    );
    for (k, v) in rows {
        let _ = write!(s, "<tr><th scope=\"row\">{}</th><td>{v}</td></tr>", esc(&k));
    }
    s.push_str("</tbody></table>");
    s
}

/// A row of the main table: its label (escaped when written) and its
/// value (HTML).
type Row = (String, String);

/// The study area, how distances were measured, the walking limit.
fn run_rows(cx: &Ctx, title: &str) -> Vec<Row> {
    let lang = cx.lang;
    let st = cx.study;
    let set = &st.settings;
    let mut rows: Vec<Row> = Vec::new();
    rows.push((tr(lang, "row_area").into(), esc(title)));
    let detour = num(set.detour_factor);
    rows.push((
        tr(lang, "row_method").into(),
        esc(&if st.mode().is_approximate() {
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
                ("limit", num(st.scenarios.now.settings.limit_m.round())),
            ],
        )),
    ));
    rows
}

/// Communities, residents (on and off the network), facilities, and the
/// share within the walk of any facility.
fn population_rows(cx: &Ctx) -> Vec<Row> {
    let lang = cx.lang;
    let all = &cx.study.areas[0];
    let mut rows: Vec<Row> = Vec::new();
    rows.push((
        tr(lang, "row_communities").into(),
        thousands(cx.inputs.communities.len() as f64),
    ));
    let estimate = cx
        .inputs
        .communities
        .iter()
        .any(|c| c.population_source.is_estimate());
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
    rows.push((
        tr(lang, "row_facilities").into(),
        format!(
            "{} / {}",
            cx.counted_facilities(),
            cx.inputs.facilities.len()
        ),
    ));
    if let Some(t) = cx.any.and_then(|t| all.targets.get(t)) {
        rows.push((
            trf(
                lang,
                "row_covered",
                &[("minutes", num(cx.study.settings.minutes))],
            ),
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
    rows
}

/// The label key of a unit's per-capita verdict: above, below, or not
/// applicable (no residents).
fn meets_key(meets: Option<bool>) -> &'static str {
    match meets {
        Some(true) => "above_std",
        Some(false) => "below_std",
        None => "not_applicable",
    }
}

/// A per-person figure in a table cell: two decimals, or "not
/// applicable" for a unit without residents.
fn per_person_cell(lang: Lang, u: &UnitStats, v: f64) -> String {
    if u.per_capita.applicable() {
        fixed(v, 2)
    } else {
        esc(tr(lang, "not_applicable"))
    }
}

/// Per-capita sports area against the target, and 2SFCA access.
fn per_capita_rows(cx: &Ctx, u: &UnitStats) -> Vec<Row> {
    let lang = cx.lang;
    let pc = &cx.study.targets.per_capita;
    let na = !u.per_capita.applicable();
    let m2 = |v: f64| {
        if na {
            esc(tr(lang, "not_applicable"))
        } else {
            esc(&trf(lang, "m2pp", &[("value", fixed(v, 2))]))
        }
    };
    vec![
        (
            tr(lang, "row_outdoor").into(),
            m2(u.per_capita.outdoor_per_person()),
        ),
        (
            tr(lang, "row_indoor").into(),
            m2(u.per_capita.indoor_per_person()),
        ),
        (
            tr(lang, "row_rule_area").to_string(),
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
                esc(tr(lang, meets_key(u.meets_per_capita)))
            ),
        ),
        (
            trf(
                lang,
                "row_sfca",
                &[("method", method_label(lang, cx.ca.method.as_str()))],
            ),
            m2(u.sfca_total_mean),
        ),
        (tr(lang, "row_below").into(), pct(u.share_below_target)),
        (tr(lang, "row_gini").into(), fixed(u.gini_total, 2)),
    ]
}

/// The share of residents meeting each tier and covered in each window.
fn tier_and_window_rows(cx: &Ctx, u: &UnitStats) -> Vec<Row> {
    let lang = cx.lang;
    let mut rows: Vec<Row> = Vec::new();
    for (t, share) in cx.ca.tiers.iter().zip(&u.tier_share) {
        rows.push((
            trf(
                lang,
                "row_tier",
                &[("tier", tier_label(lang, cx.study, &t.name))],
            ),
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
                        window_spec(lang, &w.window)
                    ),
                )],
            ),
            pct(*share),
        ));
    }
    rows
}
/// Facilities and covered residents per target, with a small bar.
pub(super) fn targets_table(cx: &Ctx) -> String {
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
        let colour = target_colour(t.target);
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

/// Figures per unit, the whole area first; empty without units.
pub(super) fn units_table(cx: &Ctx) -> String {
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
        let name = cx.area_name(a.unit);
        let share = cx.any_share(k);
        let _ = write!(
            s,
            r#"<tr{}><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td class="num">{}</td>"#,
            if k == 0 { r#" class="total""# } else { "" },
            esc(&name),
            thousands(a.population),
            pct(share),
            per_person_cell(lang, u, u.per_capita.outdoor_per_person()),
            per_person_cell(lang, u, u.per_capita.indoor_per_person()),
            esc(tr(lang, meets_key(u.meets_per_capita))),
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

/// Definitions, what this run left out or could not read, residents
/// outside every unit, and the sources.
pub(super) fn notes_html(cx: &Ctx) -> String {
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
        let edges = st.graph().map_or(0, |g| g.net.edges.len());
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
    s.push_str(&super::sections::method_notes(cx));
    // The run's notes are in English; in Chinese the method notes above
    // state the same approximations and estimates.
    if !cx.inputs.notes.is_empty() && lang == Lang::En {
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
            .zip(&st.units.community_unit)
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
    if st.graph().is_some() {
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
