//! Gap layer (gaps.geojson, gaps.csv) and the model-district scorecard
//! (scorecard.csv, scorecard.md).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::csv_safe::{CsvFormulas, CsvOut};
use super::format::round;
use super::geojson::FeatureWriter;
use super::i18n::{Lang, seed_label, status_label, tr, trf};
use crate::analysis::gaps::{Assessment, Progress, Status4};
use crate::input::Inputs;

/// `gaps.geojson`: one feature per gap (district-wide items without a
/// location have a null geometry, which RFC 7946 allows).
pub(crate) fn write_gaps_geojson<'w>(
    w: impl Into<super::geojson::Sink<'w>>,
    a: &Assessment,
) -> io::Result<()> {
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
    lang: Lang,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    c.write_header(
        &[
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
        ],
        lang,
        None,
    )?;
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

/// `scorecard.csv`: all indicators in order; the columns of earlier
/// versions first, then the co-operating units and the Chinese texts.
pub(crate) fn write_scorecard_csv(
    w: &mut dyn Write,
    a: &Assessment,
    formulas: CsvFormulas,
    lang: Lang,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    c.write_header(
        &[
            "id",
            "level1",
            "name",
            "name_en",
            "kind",
            "status",
            "figure",
            "target_en",
            "lead",
            "lead_en",
            "seed_status",
            "note",
            "co",
            "co_en",
            "status_zh",
            "figure_zh",
            "target_zh",
            "note_zh",
        ],
        lang,
        None,
    )?;
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
            &i.co,
            &i.co_en,
            status_label(Lang::Zh, r.status),
            &r.figure_zh,
            &r.target_zh,
            &r.note_zh,
        ])?;
    }
    c.flush()
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The string-table keys of the scorecard's columns, in order: one list
/// for scorecard.md and the report's scorecard table.
pub(crate) const COLUMNS: [&str; 9] = [
    "sc.col_id",
    "sc.col_indicator",
    "sc.col_status",
    "sc.col_figure",
    "sc.col_target",
    "sc.col_lead",
    "sc.col_co",
    "sc.col_seed",
    "sc.col_note",
];

/// `scorecard.md`: the scorecard as a Markdown table for documents, in
/// `lang`: every indicator with its status, figure, target, lead and
/// co-operating units, seed status and notes; then the planned projects.
pub(crate) fn write_scorecard_md(
    w: &mut dyn Write,
    title: &str,
    inputs: &Inputs,
    a: &Assessment,
    lang: Lang,
) -> io::Result<()> {
    writeln!(
        w,
        "# {}",
        md_cell(&trf(lang, "sc.title", &[("title", title.to_string())]))
    )?;
    writeln!(w)?;
    // The run's notes are in English; the report states the Chinese ones.
    if lang == Lang::En {
        for n in &inputs.notes {
            writeln!(w, "> {}", md_cell(n))?;
        }
    }
    writeln!(w)?;
    writeln!(w, "{}", scorecard_counts(lang, a))?;
    writeln!(w)?;
    let heads: Vec<&str> = COLUMNS.iter().map(|k| tr(lang, k)).collect();
    writeln!(w, "| {} |", heads.join(" | "))?;
    writeln!(w, "|{}", "---|".repeat(heads.len()))?;
    let zh = lang == Lang::Zh;
    for r in &a.scorecard {
        let i = &r.indicator;
        let pick = |z: &str, e: &str| md_cell(if zh { z } else { e });
        // Names and units: Chinese only, or the Chinese with the English
        // in brackets (the seed's own words stay in an English table).
        let both = |z: &str, e: &str| {
            if zh || z.is_empty() {
                md_cell(z)
            } else {
                md_cell(&format!("{z} ({e})"))
            }
        };
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            i.id,
            both(&i.name, &i.name_en),
            status_label(lang, r.status),
            pick(&r.figure_zh, &r.figure),
            pick(&r.target_zh, &r.target),
            both(&i.lead, &i.lead_en),
            both(&i.co, &i.co_en),
            seed_label(lang, &i.seed_status),
            pick(&r.note_zh, &r.note),
        )?;
    }
    write_measures_md(w, a, lang)?;
    if !a.progress.is_empty() {
        writeln!(w)?;
        writeln!(w, "## {}", tr(lang, "sc.projects"))?;
        writeln!(w)?;
        let heads: Vec<&str> = [
            "sc.col_project",
            "sc.col_existing",
            "sc.col_built",
            "sc.col_planned",
            "sc.col_target",
            "sc.col_status",
        ]
        .iter()
        .map(|k| tr(lang, k))
        .collect();
        writeln!(w, "| {} |", heads.join(" | "))?;
        writeln!(w, "|{}", "---|".repeat(heads.len()))?;
        for p in &a.progress {
            let row = project_row(lang, p);
            writeln!(w, "| {} |", row.map(|c| md_cell(&c)).join(" | "))?;
        }
    }
    Ok(())
}

/// The string-table keys of the sub-measure table's columns, in order:
/// one list for scorecard.md and the report.
pub(crate) const MEASURE_COLUMNS: [&str; 8] = [
    "sc.col_id",
    "sc.col_measure",
    "sc.col_status",
    "sc.col_figure",
    "sc.col_target",
    "sc.col_lead",
    "sc.col_co",
    "sc.col_note",
];

/// The cells of every sub-measure row in `lang` (names: Chinese only, or
/// the Chinese with the English in brackets), not escaped.
pub(crate) fn measure_cells(lang: Lang, a: &Assessment) -> Vec<[String; 8]> {
    let zh = lang == Lang::Zh;
    let pick = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    let both = |z: &str, e: &str| {
        if zh || z.is_empty() {
            z.to_string()
        } else {
            format!("{z} ({e})")
        }
    };
    a.measures
        .iter()
        .map(|r| {
            let m = &r.measure;
            [
                m.id.clone(),
                both(&m.name, &m.name_en),
                status_label(lang, r.status).to_string(),
                pick(&r.figure_zh, &r.figure),
                pick(&r.target_zh, &r.target),
                both(&m.lead, &m.lead_en),
                both(&m.co, &m.co_en),
                pick(&r.note_zh, &r.note),
            ]
        })
        .collect()
}

/// The sub-measures table of scorecard.md (nothing without sub-measures).
fn write_measures_md(w: &mut dyn Write, a: &Assessment, lang: Lang) -> io::Result<()> {
    if a.measures.is_empty() {
        return Ok(());
    }
    writeln!(w)?;
    writeln!(w, "## {}", tr(lang, "sc.measures"))?;
    writeln!(w)?;
    let heads: Vec<&str> = MEASURE_COLUMNS.iter().map(|k| tr(lang, k)).collect();
    writeln!(w, "| {} |", heads.join(" | "))?;
    writeln!(w, "|{}", "---|".repeat(heads.len()))?;
    for cells in measure_cells(lang, a) {
        writeln!(w, "| {} |", cells.map(|c| md_cell(&c)).join(" | "))?;
    }
    Ok(())
}

/// "n indicators: a met, b not met, ..." in `lang`.
pub(crate) fn scorecard_counts(lang: Lang, a: &Assessment) -> String {
    let count = |s: Status4| a.scorecard.iter().filter(|r| r.status == s).count();
    trf(
        lang,
        "sc.counts",
        &[
            ("n", a.scorecard.len().to_string()),
            ("met", count(Status4::Met).to_string()),
            ("not_met", count(Status4::NotMet).to_string()),
            ("no_data", count(Status4::NoData).to_string()),
            ("not_spatial", count(Status4::NotSpatial).to_string()),
        ],
    )
}

/// One planned-project type as cells: name, existing (any build year),
/// built since the plan year, planned, target (the seed's wording) and
/// status.
pub(crate) fn project_row(lang: Lang, p: &Progress) -> [String; 6] {
    let km = p.unit == "km";
    let zh = lang == Lang::Zh;
    let f = |x: f64| match (km, zh) {
        (true, true) => format!("{x:.2}公里"),
        (true, false) => format!("{x:.2} km"),
        (false, _) => format!("{x:.0}"),
    };
    let pr = &p.project;
    let unit = if zh { &pr.unit_zh } else { &pr.unit };
    let sep = if zh { "" } else { " " };
    let amount = match (pr.figure, pr.figure_max) {
        (Some(x), Some(y)) => Some(format!("{x}-{y}{sep}{unit}")),
        (Some(x), None) => Some(format!("{x}{sep}{unit}")),
        _ => None,
    };
    let word = if zh { &pr.word } else { &pr.word_en };
    let target = match amount {
        Some(a) if !word.is_empty() => word.replace("{}", &a),
        Some(a) => format!(">= {a}"),
        None => tr(lang, "sc.no_figure").to_string(),
    };
    let status = match p.met {
        Some(true) => tr(lang, "status.met"),
        Some(false) => tr(lang, "status.not_met"),
        None => tr(lang, "sc.tracked"),
    };
    [
        if zh {
            pr.name.clone()
        } else {
            format!("{} ({})", pr.name, pr.name_en)
        },
        f(p.existing),
        f(p.done),
        f(p.planned),
        target,
        status.to_string(),
    ]
}
