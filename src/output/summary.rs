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
    let _ = writeln!(
        s,
        "network: {} nodes, {} edges, {} components (largest {:.1} % of nodes); facilities: {} \
         ({} unreachable); communities: {} with {} people ({} unreachable, {} people)",
        study.base_nodes,
        study.base_edges,
        study.graph.component_sizes.len(),
        100.0
            * study
                .graph
                .component_sizes
                .iter()
                .copied()
                .max()
                .unwrap_or(0) as f64
            / study.graph.node_count().max(1) as f64,
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
