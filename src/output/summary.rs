//! The readable summary table printed on stdout, and the same figures as
//! JSON (`--json`).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::format::{round, thousands};
use crate::analysis::catchment::{Catchments, UnitStats};
use crate::analysis::coverage::Target;
use crate::analysis::gaps::Assessment;
use crate::analysis::study::{AreaSummary, Study};
use crate::input::Inputs;

/// The scorecard's headline: coverage before / after planned facilities,
/// per-capita figures, scorecard counts and gaps by kind.
fn headline(s: &mut String, inputs: &Inputs, study: &Study, a: &Assessment) {
    let pc = &study.targets.per_capita;
    let _ = writeln!(s);
    let after = a
        .covered_after
        .map(|x| format!(" -> {:.1} % with planned facilities", 100.0 * x))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "HEADLINE  residents within the walk: {:.1} %{after}",
        100.0 * a.covered_before
    );
    let after_pc = a
        .per_capita_after
        .map(|(o, i)| format!(" -> {o:.2} / {i:.2} with planned"))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "          sports area per resident: {:.2} m2 outdoor / {:.2} m2 indoor{after_pc} \
         (new-area targets {} / {})",
        a.per_capita_before.0,
        a.per_capita_before.1,
        pc.outdoor_m2_per_person,
        pc.indoor_m2_per_person
    );
    let count = |x: &str| {
        a.scorecard
            .iter()
            .filter(|r| r.status.as_str() == x)
            .count()
    };
    let _ = writeln!(
        s,
        "          scorecard ({} indicators): {} met, {} not met, {} no data, {} not spatial",
        a.scorecard.len(),
        count("met"),
        count("not met"),
        count("no data"),
        count("not spatial")
    );
    let kinds = gap_kinds(a);
    if kinds.is_empty() {
        let _ = writeln!(s, "          gaps: none");
    }
    for (kind, n, people) in kinds {
        let _ = writeln!(
            s,
            "          gaps: {:<34} {:>6} {:>12} people",
            kind,
            n,
            thousands(people)
        );
    }
    for g in a.planned_gains.iter().take(5) {
        let _ = writeln!(
            s,
            "          planned facility {} {} newly covers {} people",
            inputs.facilities[g.facility.get()].id,
            inputs.facilities[g.facility.get()].name,
            thousands(g.newly_covered_people)
        );
    }
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

/// Render the summary as text: the method, the headline, the inputs, the
/// targets, per-capita area, tiers and windows, and the units.
pub fn render(title: &str, inputs: &Inputs, study: &Study, a: &Assessment) -> String {
    let mut s = String::new();
    method_line(&mut s, title, study);
    headline(&mut s, inputs, study, a);
    inputs_lines(&mut s, inputs, study);
    targets_table(&mut s, study);
    if let Some((ca, all_u)) = study
        .catchments
        .as_ref()
        .and_then(|ca| ca.units.first().map(|u| (ca, u)))
    {
        per_capita_lines(&mut s, study, ca, all_u);
        tier_and_window_lines(&mut s, ca, all_u);
    }
    if study.areas.len() > 1 {
        units_table(&mut s, inputs, study);
    }
    s
}

/// The title, the walking limit and how distances were measured.
fn method_line(s: &mut String, title: &str, study: &Study) {
    let st = &study.settings;
    let _ = writeln!(
        s,
        "fitcircle: {title}\n{}-minute walk at {} km/h = {:.0} m {}",
        st.minutes,
        st.speed_kmh,
        st.limit_m(),
        if study.mode().is_approximate() {
            "(APPROXIMATE: straight-line distances x detour factor)"
        } else {
            "over the street network"
        }
    );
}

/// The network, facilities and communities (with those not on the
/// network), and the notes of the run.
fn inputs_lines(s: &mut String, inputs: &Inputs, study: &Study) {
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
        Some(g) => format!(
            "network: {} nodes, {} edges, {} components (largest {:.1} % of nodes)",
            study.base_size().0,
            study.base_size().1,
            g.component_sizes.len(),
            100.0 * g.component_sizes.iter().copied().max().unwrap_or(0) as f64
                / g.node_count().max(1) as f64
        ),
        None => format!(
            "NO STREET NETWORK: distances are straight lines x {} (APPROXIMATE)",
            study.settings.detour_factor
        ),
    };
    let _ = writeln!(
        s,
        "{network}; facilities: {} ({} unreachable); communities: {} with {} people \
         ({} unreachable, {} people)",
        inputs.facilities.len(),
        unreach_f,
        inputs.communities.len(),
        thousands(all.population),
        unreach_c,
        thousands(all.unreachable_population),
    );
    for n in &inputs.notes {
        let _ = writeln!(s, "note: {n}");
    }
}

/// Coverage of the whole area per target.
fn targets_table(s: &mut String, study: &Study) {
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<18} {:>10} {:>12} {:>12} {:>9}",
        "target", "facilities", "population", "covered", "share"
    );
    for t in &study.areas[0].targets {
        let _ = writeln!(
            s,
            "{:<18} {:>10} {:>12} {:>12} {:>8.1}%",
            t.target.name(),
            t.facilities,
            thousands(t.population),
            thousands(t.covered_population),
            100.0 * t.share()
        );
    }
}

/// Per-capita sports area against the targets, and 2SFCA access.
fn per_capita_lines(s: &mut String, study: &Study, ca: &Catchments, all_u: &UnitStats) {
    let pc = &study.targets.per_capita;
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "per-capita sports area (existing facilities open to the public; parks count {:.0} %):",
        100.0 * crate::analysis::catchment::PARK_SPORTS_SHARE
    );
    let _ = writeln!(
        s,
        "  outdoor land {:.2} m2/person (target {} for new areas), indoor floor {:.2} m2/person \
         (target {}), total {:.2} m2/person",
        all_u.per_capita.outdoor_per_person(),
        pc.outdoor_m2_per_person,
        all_u.per_capita.indoor_per_person(),
        pc.indoor_m2_per_person,
        all_u.per_capita.total_per_person()
    );
    if !pc.reference.is_empty() {
        let refs: Vec<String> = pc
            .reference
            .iter()
            .map(|r| format!("{} {}", r.label, r.m2_per_person))
            .collect();
        let _ = writeln!(
            s,
            "  for comparison (city-wide, m2/person): {}",
            refs.join(", ")
        );
    }
    let _ = writeln!(
        s,
        "  {} within the {:.0} m catchment: mean {:.2} m2/person, {:.1} % of residents below \
         the {}/{} target, Gini {:.2}",
        ca.method.as_str(),
        ca.catchment_m,
        all_u.sfca_total_mean,
        100.0 * all_u.share_below_target + 0.0,
        pc.outdoor_m2_per_person,
        pc.indoor_m2_per_person,
        all_u.gini_total
    );
    if all_u.new_communities > 0 {
        let _ = writeln!(
            s,
            "  new communities (built {} or later): {}, of which {} below the target",
            pc.new_build_year, all_u.new_communities, all_u.new_communities_below
        );
    }
}

/// The share of residents meeting each tier and covered in each window.
fn tier_and_window_lines(s: &mut String, ca: &Catchments, all_u: &UnitStats) {
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "life-circle tiers (share of residents with every required facility):"
    );
    for (t, share) in ca.tiers.iter().zip(&all_u.tier_share) {
        let _ = writeln!(
            s,
            "  {:<6} {:>5.0} m {:>8.1}%",
            t.name,
            t.distance_m,
            100.0 * share
        );
    }
    let _ = writeln!(
        s,
        "coverage by time window (any facility open in the window):"
    );
    for (wr, share) in ca.windows.iter().zip(&all_u.window_share) {
        let _ = writeln!(s, "  {:<40} {:>8.1}%", wr.window.to_string(), 100.0 * share);
    }
}

/// Coverage per unit (any facility), and the residents outside every unit.
fn units_table(s: &mut String, inputs: &Inputs, study: &Study) {
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<28} {:>12} {:>12} {:>9}",
        "unit (any facility)", "population", "covered", "share"
    );
    for a in &study.areas[1..] {
        let name = a
            .unit
            .map(|u| inputs.units[u.get()].name.as_str())
            .unwrap_or("");
        if let Some(t) = a.targets.first() {
            let _ = writeln!(
                s,
                "{:<28} {:>12} {:>12} {:>8.1}%",
                name,
                thousands(t.population),
                thousands(t.covered_population),
                100.0 * t.share()
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
            "{:<28} {:>12}",
            "(outside every unit)",
            thousands(outside)
        );
    }
}
