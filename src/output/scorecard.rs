//! Gap layer (gaps.geojson, gaps.csv) and the model-district scorecard
//! (scorecard.csv, scorecard.md).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::csv_safe::{CsvFormulas, CsvOut};
use super::format::round;
use super::geojson::FeatureWriter;
use crate::analysis::gaps::Assessment;
use crate::input::Inputs;

/// `gaps.geojson`: one feature per gap (district-wide items without a
/// location have a null geometry, which RFC 7946 allows).
pub(crate) fn write_gaps_geojson(w: &mut dyn Write, a: &Assessment) -> io::Result<()> {
    let mut fw = FeatureWriter::start(w, &[("name", json!("gaps"))])?;
    fw.features_par(a.gaps.len(), |i| {
        let g = &a.gaps[i];
        let props: Vec<(String, Value)> = vec![
            ("kind".into(), json!(g.kind)),
            ("indicator".into(), json!(g.indicator)),
            ("lead".into(), json!(g.lead)),
            ("lead_en".into(), json!(g.lead_en)),
            ("subject_id".into(), json!(g.subject_id)),
            ("name".into(), json!(g.name)),
            ("unit".into(), json!(g.unit)),
            ("people".into(), json!(round(g.people, 1))),
            ("explanation_zh".into(), json!(g.explanation_zh)),
            ("explanation_en".into(), json!(g.explanation_en)),
        ];
        (g.geometry.as_ref(), props)
    })?;
    fw.finish()
}

/// `gaps.csv`: the same rows without geometry.
pub(crate) fn write_gaps_csv(
    w: &mut dyn Write,
    a: &Assessment,
    formulas: CsvFormulas,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    c.write_record([
        "kind",
        "indicator",
        "lead",
        "lead_en",
        "subject_id",
        "name",
        "unit",
        "people",
        "explanation_zh",
        "explanation_en",
    ])?;
    for g in &a.gaps {
        c.write_record([
            g.kind,
            &g.indicator,
            &g.lead,
            &g.lead_en,
            &g.subject_id,
            &g.name,
            g.unit.as_deref().unwrap_or(""),
            &round(g.people, 1).to_string(),
            &g.explanation_zh,
            &g.explanation_en,
        ])?;
    }
    c.flush()
}

/// `scorecard.csv`: all indicators in order.
pub(crate) fn write_scorecard_csv(
    w: &mut dyn Write,
    a: &Assessment,
    formulas: CsvFormulas,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    c.write_record([
        "id",
        "level1",
        "name",
        "name_en",
        "kind",
        "status",
        "figure",
        "target",
        "lead",
        "lead_en",
        "seed_status",
        "note",
    ])?;
    for r in &a.scorecard {
        let i = &r.indicator;
        c.write_record([
            i.id.as_str(),
            &i.level1,
            &i.name,
            &i.name_en,
            &i.kind,
            r.status.as_str(),
            &r.figure,
            &r.target,
            &i.lead,
            &i.lead_en,
            &i.seed_status,
            &r.note,
        ])?;
    }
    c.flush()
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `scorecard.md`: the scorecard as a Markdown table for documents.
pub(crate) fn write_scorecard_md(
    w: &mut dyn Write,
    title: &str,
    inputs: &Inputs,
    a: &Assessment,
) -> io::Result<()> {
    writeln!(w, "# Scorecard: {}", md_cell(title))?;
    writeln!(w)?;
    for n in &inputs.notes {
        writeln!(w, "> {}", md_cell(n))?;
    }
    writeln!(w)?;
    let count = |s: &str| {
        a.scorecard
            .iter()
            .filter(|r| r.status.as_str() == s)
            .count()
    };
    writeln!(
        w,
        "{} indicators: {} met, {} not met, {} no data, {} not spatial.",
        a.scorecard.len(),
        count("met"),
        count("not met"),
        count("no data"),
        count("not spatial")
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "| id | indicator | status | figure | target | lead unit | seed status |"
    )?;
    writeln!(w, "|---|---|---|---|---|---|---|")?;
    for r in &a.scorecard {
        let i = &r.indicator;
        writeln!(
            w,
            "| {} | {} ({}) | {} | {} | {} | {} ({}) | {} |",
            i.id,
            md_cell(&i.name),
            md_cell(&i.name_en),
            r.status.as_str(),
            md_cell(&r.figure),
            md_cell(&r.target),
            md_cell(&i.lead),
            md_cell(&i.lead_en),
            i.seed_status
        )?;
    }
    if !a.progress.is_empty() {
        writeln!(w)?;
        writeln!(w, "## Planned projects (measure 15(4))")?;
        writeln!(w)?;
        writeln!(
            w,
            "| project | built since plan | planned | target | status |"
        )?;
        writeln!(w, "|---|---|---|---|---|")?;
        for p in &a.progress {
            let km = p.unit == "km";
            let f = |x: f64| {
                if km {
                    format!("{x:.2} km")
                } else {
                    format!("{x:.0}")
                }
            };
            let target = match (p.project.figure, p.project.figure_max) {
                (Some(x), Some(y)) => format!("{x}-{y} {}", p.project.unit),
                (Some(x), None) => format!(">= {x} {}", p.project.unit),
                _ => "no figure".into(),
            };
            writeln!(
                w,
                "| {} ({}) | {} | {} | {} | {} |",
                md_cell(&p.project.name),
                md_cell(&p.project.name_en),
                f(p.done),
                f(p.planned),
                target,
                match p.met {
                    Some(true) => "met",
                    Some(false) => "not met",
                    None => "tracked",
                }
            )?;
        }
    }
    Ok(())
}
