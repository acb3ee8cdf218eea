//! The readable summary table printed on stdout, and the same figures as
//! JSON (`--json`).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Value, json};

use unicode_width::UnicodeWidthStr;

use super::format::{round, thousands};
use super::i18n::{Lang, gap_label, method_label, target_label, tr, trf, window_label};
use crate::analysis::catchment::{Catchments, UnitStats};
use crate::analysis::coverage::Target;
use crate::analysis::gaps::{Assessment, Status4};
use crate::analysis::study::{AreaSummary, Study};
use crate::input::Inputs;

/// The scorecard's headline: coverage before / after planned facilities,
/// per-capita figures, scorecard counts and gaps by kind.
fn headline(s: &mut String, inputs: &Inputs, study: &Study, a: &Assessment, lang: Lang) {
    let pc = &study.targets.per_capita;
    let _ = writeln!(s);
    let after = a
        .covered_after
        .map(|x| {
            trf(
                lang,
                "t.hl_after",
                &[("share", format!("{:.1}", 100.0 * x))],
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{}",
        trf(
            lang,
            "t.hl_covered",
            &[
                ("share", format!("{:.1}", 100.0 * a.covered_before)),
                ("after", after)
            ]
        )
    );
    let after_pc = a
        .per_capita_after
        .map(|(o, i)| {
            trf(
                lang,
                "t.hl_pc_after",
                &[("out", format!("{o:.2}")), ("in", format!("{i:.2}"))],
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{}",
        trf(
            lang,
            "t.hl_percap",
            &[
                ("out", format!("{:.2}", a.per_capita_before.0)),
                ("in", format!("{:.2}", a.per_capita_before.1)),
                ("after", after_pc),
                ("t_out", pc.outdoor_m2_per_person.to_string()),
                ("t_in", pc.indoor_m2_per_person.to_string()),
            ]
        )
    );
    let count = |x: Status4| a.scorecard.iter().filter(|r| r.status == x).count();
    let _ = writeln!(
        s,
        "{}",
        trf(
            lang,
            "t.hl_scorecard",
            &[
                ("n", a.scorecard.len().to_string()),
                ("met", count(Status4::Met).to_string()),
                ("not_met", count(Status4::NotMet).to_string()),
                ("no_data", count(Status4::NoData).to_string()),
                ("not_spatial", count(Status4::NotSpatial).to_string()),
            ]
        )
    );
    let kinds = gap_kinds(a);
    if kinds.is_empty() {
        let _ = writeln!(s, "{}", tr(lang, "t.hl_no_gaps"));
    }
    for (kind, n, people) in kinds {
        let label = match lang {
            Lang::En => kind.to_string(),
            Lang::Zh => gap_label(lang, kind),
        };
        let _ = writeln!(
            s,
            "{}",
            trf(
                lang,
                "t.hl_gaps",
                &[
                    ("kind", pad(&label, 34)),
                    ("n", rpad(&n.to_string(), 6)),
                    ("people", rpad(&thousands(people), 12)),
                ]
            )
        );
    }
    for g in a.planned_gains.iter().take(5) {
        let f = &inputs.facilities[g.facility.get()];
        let _ = writeln!(
            s,
            "{}",
            trf(
                lang,
                "t.hl_planned",
                &[
                    ("id", f.id.clone()),
                    ("name", f.name.clone()),
                    ("people", thousands(g.newly_covered_people)),
                ]
            )
        );
    }
}

/// `s` padded with spaces on the right to `width` terminal columns (CJK
/// characters take two).
pub fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// `s` padded with spaces on the left to `width` terminal columns.
pub(crate) fn rpad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{}{s}", " ".repeat(width.saturating_sub(w)))
}

/// Gaps per kind, in order of first appearance: (kind, gaps, people).
/// People per kind count each subject once (a community missing two tiers
/// is one community).
fn gap_kinds(a: &Assessment) -> Vec<(&'static str, usize, f64)> {
    let mut kinds: Vec<(&'static str, usize, f64, HashSet<&str>)> = Vec::new();
    for g in &a.gaps {
        let k = match kinds.iter().position(|k| k.0 == g.kind) {
            Some(i) => &mut kinds[i],
            None => {
                kinds.push((g.kind, 0, 0.0, HashSet::new()));
                kinds.last_mut().expect("just pushed")
            }
        };
        k.1 += 1;
        // A set: a linear scan made this quadratic (150 s at 2M nodes).
        if k.3.insert(g.subject_id.as_str()) {
            k.2 += g.people;
        }
    }
    kinds.into_iter().map(|(k, n, p, _)| (k, n, p)).collect()
}

/// Per-target rows of an area, rounded as in summary.csv.
fn target_rows(area: &AreaSummary) -> Vec<Value> {
    area.targets
        .iter()
        .map(|t| {
            json!({
                "target": t.target.name(),
                "facilities": t.facilities,
                "population": round(t.population, 1),
                "covered_population": round(t.covered_population, 1),
                "coverage_share": round(t.share(), 4),
            })
        })
        .collect()
}

/// The summary as JSON (`fitcircle analyze --json`): the headline, each
/// target, each unit, the mode (network or APPROXIMATE straight line),
/// scorecard counts, gaps per kind, notes, warnings and the files written.
/// Populations and shares are rounded as in summary.csv (1 and 4 decimals).
pub fn json(
    title: &str,
    inputs: &Inputs,
    study: &Study,
    a: &Assessment,
    files: &[PathBuf],
    warnings: &[String],
) -> Value {
    let st = &study.settings;
    let cov = &study.scenarios.now;
    let any = cov.target_index(Target::Any);
    let covered = |i: usize| any.is_some_and(|t| cov.covered(t, i));
    let all = &study.areas[0];
    let headline = any.and_then(|t| all.targets.get(t));
    let count = |x: &str| {
        a.scorecard
            .iter()
            .filter(|r| r.status.as_str() == x)
            .count()
    };
    let units: Vec<Value> = study.areas[1..]
        .iter()
        .filter_map(|area| {
            let u = area.unit?;
            let communities_covered = (0..inputs.communities.len())
                .filter(|&i| study.units.community_unit[i] == Some(u) && covered(i))
                .count();
            let share = any
                .and_then(|t| area.targets.get(t))
                .map(|t| round(t.share(), 4));
            Some(json!({
                "id": inputs.units[u.get()].id,
                "name": inputs.units[u.get()].name,
                "communities": area.communities,
                "communities_covered": communities_covered,
                "population": round(area.population, 1),
                "unreachable_population": round(area.unreachable_population, 1),
                "coverage_share": share,
                "targets": target_rows(area),
            }))
        })
        .collect();
    let per_capita = study
        .catchments
        .as_ref()
        .and_then(|ca| ca.units.first())
        .map(|u| {
            json!({
                "outdoor_m2_per_person": round(u.per_capita.outdoor_per_person(), 4),
                "indoor_m2_per_person": round(u.per_capita.indoor_per_person(), 4),
                "target_outdoor_m2_per_person": study.targets.per_capita.outdoor_m2_per_person,
                "target_indoor_m2_per_person": study.targets.per_capita.indoor_m2_per_person,
            })
        });
    json!({
        "title": title,
        "fitcircle_version": env!("CARGO_PKG_VERSION"),
        "mode": if study.mode().is_approximate() { "straight_line" } else { "network" },
        "approximate": study.mode().is_approximate(),
        "distance_method": study.mode().label(),
        "walk_minutes": st.minutes,
        "speed_kmh": st.speed_kmh,
        "limit_m": round(cov.settings.limit_m, 1),
        "population": round(all.population, 1),
        "covered_population": headline.map(|t| round(t.covered_population, 1)),
        "coverage_share": headline.map(|t| round(t.share(), 4)),
        "coverage_share_with_planned": a.covered_after.map(|x| round(x, 4)),
        "unreachable_population": round(all.unreachable_population, 1),
        "communities": inputs.communities.len(),
        "communities_covered": (0..inputs.communities.len()).filter(|&i| covered(i)).count(),
        "communities_unreachable": study.placement.community_access.iter().filter(|x| x.is_err()).count(),
        "facilities": inputs.facilities.len(),
        "facilities_unreachable": study.placement.facility_access.iter().filter(|x| x.is_err()).count(),
        "targets": target_rows(all),
        "units": units,
        "per_capita": per_capita,
        "scorecard": {
            "indicators": a.scorecard.len(),
            "met": count("met"),
            "not_met": count("not met"),
            "no_data": count("no data"),
            "not_spatial": count("not spatial"),
        },
        "gaps": gap_kinds(a)
            .into_iter()
            .map(|(kind, n, people)| json!({"kind": kind, "gaps": n, "people": round(people, 1)}))
            .collect::<Vec<_>>(),
        "notes": inputs.notes,
        "warnings": warnings,
        "files": files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
    })
}

/// Render the summary as text in `lang`: the method, the headline, the
/// inputs, the targets, per-capita area, tiers and windows, and the units.
/// Columns are padded by display width, so Chinese names line up.
pub fn render(title: &str, inputs: &Inputs, study: &Study, a: &Assessment, lang: Lang) -> String {
    let mut s = String::new();
    method_line(&mut s, title, study, lang);
    headline(&mut s, inputs, study, a, lang);
    inputs_lines(&mut s, inputs, study, lang);
    targets_table(&mut s, study, lang);
    if let Some((ca, all_u)) = study
        .catchments
        .as_ref()
        .and_then(|ca| ca.units.first().map(|u| (ca, u)))
    {
        per_capita_lines(&mut s, study, ca, all_u, lang);
        tier_and_window_lines(&mut s, study, ca, all_u, lang);
    }
    if study.areas.len() > 1 {
        units_table(&mut s, inputs, study, lang);
    }
    s
}

/// The title, the walking limit and how distances were measured.
fn method_line(s: &mut String, title: &str, study: &Study, lang: Lang) {
    let st = &study.settings;
    let how = if study.mode().is_approximate() {
        "t.approx"
    } else {
        "t.over_network"
    };
    let _ = writeln!(
        s,
        "fitcircle: {title}\n{}",
        trf(
            lang,
            "t.method",
            &[
                ("minutes", st.minutes.to_string()),
                ("speed", st.speed_kmh.to_string()),
                ("limit", format!("{:.0}", st.limit_m())),
                ("how", tr(lang, how).to_string()),
            ]
        )
    );
}

/// The network, facilities and communities (with those not on the
/// network), and the notes of the run (in Chinese: the approximations and
/// estimates they state).
fn inputs_lines(s: &mut String, inputs: &Inputs, study: &Study, lang: Lang) {
    let unreach_c = study
        .placement
        .community_access
        .iter()
        .filter(|a| a.is_err())
        .count();
    let unreach_f = study
        .placement
        .facility_access
        .iter()
        .filter(|a| a.is_err())
        .count();
    let all = &study.areas[0];
    let network = match study.graph() {
        Some(g) => trf(
            lang,
            "t.network",
            &[
                ("nodes", study.base_size().0.to_string()),
                ("edges", study.base_size().1.to_string()),
                ("components", g.component_sizes.len().to_string()),
                (
                    "largest",
                    format!(
                        "{:.1}",
                        100.0 * g.component_sizes.iter().copied().max().unwrap_or(0) as f64
                            / g.node_count().max(1) as f64
                    ),
                ),
            ],
        ),
        None => trf(
            lang,
            "t.no_network",
            &[("detour", study.settings.detour_factor.to_string())],
        ),
    };
    let _ = writeln!(
        s,
        "{}",
        trf(
            lang,
            "t.inputs",
            &[
                ("network", network),
                ("facilities", inputs.facilities.len().to_string()),
                ("unreach_f", unreach_f.to_string()),
                ("communities", inputs.communities.len().to_string()),
                ("population", thousands(all.population)),
                ("unreach_c", unreach_c.to_string()),
                ("unreach_p", thousands(all.unreachable_population)),
            ]
        )
    );
    for line in note_lines(inputs, study, lang) {
        let _ = writeln!(s, "{line}");
    }
}

/// The run's notes as terminal lines: in English each note; in Chinese the
/// approximations and estimates they state.
pub fn note_lines(inputs: &Inputs, study: &Study, lang: Lang) -> Vec<String> {
    match lang {
        Lang::En => inputs.notes.iter().map(|n| format!("note: {n}")).collect(),
        Lang::Zh => {
            let mut lines = Vec::new();
            for k in crate::output::i18n::estimate_kinds(inputs) {
                lines.push(tr(lang, &format!("t.note_{k}")).to_string());
            }
            if study.mode().is_approximate() {
                lines.push(trf(
                    lang,
                    "t.note_approx",
                    &[("detour", study.settings.detour_factor.to_string())],
                ));
            }
            lines
        }
    }
}

/// The label of a coverage target in the terminal: its id in English, its
/// name in Chinese.
fn target_name(lang: Lang, t: Target) -> String {
    match lang {
        Lang::En => t.name().to_string(),
        Lang::Zh => target_label(lang, t),
    }
}

/// Coverage of the whole area per target.
fn targets_table(s: &mut String, study: &Study, lang: Lang) {
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{} {} {} {} {}",
        pad(tr(lang, "t.col_target"), 18),
        rpad(tr(lang, "t.col_facilities"), 10),
        rpad(tr(lang, "t.col_population"), 12),
        rpad(tr(lang, "t.col_covered"), 12),
        rpad(tr(lang, "t.col_share"), 9),
    );
    for t in &study.areas[0].targets {
        let _ = writeln!(
            s,
            "{} {:>10} {:>12} {:>12} {:>8.1}%",
            pad(&target_name(lang, t.target), 18),
            t.facilities,
            thousands(t.population),
            thousands(t.covered_population),
            100.0 * t.share()
        );
    }
}

/// Per-capita sports area against the targets, and 2SFCA access.
fn per_capita_lines(s: &mut String, study: &Study, ca: &Catchments, all_u: &UnitStats, lang: Lang) {
    let pc = &study.targets.per_capita;
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{}",
        trf(
            lang,
            "t.pc_title",
            &[(
                "share",
                format!(
                    "{:.0}",
                    100.0 * crate::analysis::catchment::PARK_SPORTS_SHARE
                )
            )]
        )
    );
    let _ = writeln!(
        s,
        "{}",
        trf(
            lang,
            "t.pc_line",
            &[
                (
                    "out",
                    format!("{:.2}", all_u.per_capita.outdoor_per_person())
                ),
                ("t_out", pc.outdoor_m2_per_person.to_string()),
                ("in", format!("{:.2}", all_u.per_capita.indoor_per_person())),
                ("t_in", pc.indoor_m2_per_person.to_string()),
                (
                    "total",
                    format!("{:.2}", all_u.per_capita.total_per_person())
                ),
            ]
        )
    );
    if !pc.reference.is_empty() {
        let refs: Vec<String> = pc
            .reference
            .iter()
            .map(|r| {
                let label = match lang {
                    Lang::Zh if !r.label_zh.is_empty() => &r.label_zh,
                    _ => &r.label,
                };
                format!("{label} {}", r.m2_per_person)
            })
            .collect();
        let sep = if lang == Lang::Zh { "、" } else { ", " };
        let _ = writeln!(s, "{}", trf(lang, "t.pc_refs", &[("refs", refs.join(sep))]));
    }
    let _ = writeln!(
        s,
        "{}",
        trf(
            lang,
            "t.pc_sfca",
            &[
                ("method", method_label(lang, ca.method.as_str())),
                ("catchment", format!("{:.0}", ca.catchment_m)),
                ("mean", format!("{:.2}", all_u.sfca_total_mean)),
                (
                    "below",
                    format!("{:.1}", 100.0 * all_u.share_below_target + 0.0)
                ),
                ("t_out", pc.outdoor_m2_per_person.to_string()),
                ("t_in", pc.indoor_m2_per_person.to_string()),
                ("gini", format!("{:.2}", all_u.gini_total)),
            ]
        )
    );
    if all_u.new_communities > 0 {
        let _ = writeln!(
            s,
            "{}",
            trf(
                lang,
                "t.pc_new",
                &[
                    ("year", pc.new_build_year.to_string()),
                    ("n", all_u.new_communities.to_string()),
                    ("below", all_u.new_communities_below.to_string()),
                ]
            )
        );
    }
}

/// The share of residents meeting each tier and covered in each window.
fn tier_and_window_lines(
    s: &mut String,
    study: &Study,
    ca: &Catchments,
    all_u: &UnitStats,
    lang: Lang,
) {
    let _ = writeln!(s);
    let _ = writeln!(s, "{}", tr(lang, "t.tiers"));
    for (t, share) in ca.tiers.iter().zip(&all_u.tier_share) {
        let name = match lang {
            Lang::En => t.name.clone(),
            Lang::Zh => study
                .targets
                .tier
                .iter()
                .find(|x| x.name == t.name)
                .map_or_else(|| t.name.clone(), |x| format!("{}分钟", x.minutes)),
        };
        let metres = if lang == Lang::Zh { "米" } else { "m" };
        let _ = writeln!(
            s,
            "  {} {:>5.0} {metres} {:>8.1}%",
            pad(&name, 6),
            t.distance_m,
            100.0 * share
        );
    }
    let _ = writeln!(s, "{}", tr(lang, "t.windows"));
    for (wr, share) in ca.windows.iter().zip(&all_u.window_share) {
        let name = match lang {
            Lang::En => wr.window.to_string(),
            Lang::Zh => window_label(lang, &wr.window.name),
        };
        let _ = writeln!(s, "  {} {:>8.1}%", pad(&name, 40), 100.0 * share);
    }
}

/// Coverage per unit (any facility), and the residents outside every unit.
fn units_table(s: &mut String, inputs: &Inputs, study: &Study, lang: Lang) {
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{} {} {} {}",
        pad(tr(lang, "t.col_unit"), 28),
        rpad(tr(lang, "t.col_population"), 12),
        rpad(tr(lang, "t.col_covered"), 12),
        rpad(tr(lang, "t.col_share"), 9),
    );
    for a in &study.areas[1..] {
        let name = a
            .unit
            .map(|u| inputs.units[u.get()].name.as_str())
            .unwrap_or("");
        if let Some(t) = a.targets.first() {
            // A unit without residents has no share: not applicable, not 0 %.
            let share = if t.population > 0.0 {
                format!("{:>8.1}%", 100.0 * t.share())
            } else {
                rpad(tr(lang, "t.na"), 9)
            };
            let _ = writeln!(
                s,
                "{} {:>12} {:>12} {share}",
                pad(name, 28),
                thousands(t.population),
                thousands(t.covered_population),
            );
        }
    }
    let outside: f64 = inputs
        .communities
        .iter()
        .zip(&study.units.community_unit)
        .filter(|(_, u)| u.is_none())
        .map(|(c, _)| c.population)
        .sum();
    if outside > 0.0 {
        let _ = writeln!(
            s,
            "{} {:>12}",
            pad(tr(lang, "t.outside"), 28),
            thousands(outside)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_pad_by_display_width() {
        // A CJK character takes two terminal columns: 西城区 is 6 wide.
        assert_eq!(pad("西城区", 10), "西城区    ");
        assert_eq!(pad("any", 6), "any   ");
        assert_eq!(rpad("人口", 6), "  人口");
        // Too long: left as it is.
        assert_eq!(pad("体育馆 / 体育中心", 4), "体育馆 / 体育中心");
        // Rows of different scripts line up on the column after the pad.
        let a = format!("{}|", pad("西城区", 12));
        let b = format!("{}|", pad("Helsinki", 12));
        assert_eq!(
            UnicodeWidthStr::width(a.as_str()),
            UnicodeWidthStr::width(b.as_str())
        );
    }
}
