//! The readable summary table printed on stdout.

use std::fmt::Write as _;

use crate::analysis::study::Study;
use crate::input::Inputs;

fn thousands(x: f64) -> String {
    let n = x.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Render the summary as text.
pub fn render(title: &str, inputs: &Inputs, study: &Study) -> String {
    let mut s = String::new();
    let st = &study.settings;
    let _ = writeln!(
        s,
        "fitcircle: {title}\n{}-minute walk at {} km/h = {:.0} m over the street network",
        st.minutes,
        st.speed_kmh,
        st.limit_m()
    );
    let unreach_c = study.community_access.iter().filter(|a| a.is_err()).count();
    let unreach_f = study.facility_access.iter().filter(|a| a.is_err()).count();
    let all = &study.areas[0];
    let network = match &study.graph {
        Some(g) => format!(
            "network: {} nodes, {} edges, {} components (largest {:.1} % of nodes)",
            study.base_nodes,
            study.base_edges,
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
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<18} {:>10} {:>12} {:>12} {:>9}",
        "target", "facilities", "population", "covered", "share"
    );
    for t in &all.targets {
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
    let ca = &study.catchments;
    if let Some(all_u) = ca.units.first() {
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
    if study.areas.len() > 1 {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{:<28} {:>12} {:>12} {:>9}",
            "unit (any facility)", "population", "covered", "share"
        );
        for a in &study.areas[1..] {
            let name = a.unit.map(|u| inputs.units[u].name.as_str()).unwrap_or("");
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
            .zip(&study.community_unit)
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
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separator() {
        assert_eq!(super::thousands(812935.0), "812,935");
        assert_eq!(super::thousands(999.4), "999");
        assert_eq!(super::thousands(-1234.0), "-1,234");
    }
}
