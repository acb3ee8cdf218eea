//! Which header fed which field of each table input: `inputs.csv`, the
//! line each run prints per file, and the table of `fitcircle check`.

use std::io::{self, Write};

use crate::input::Inputs;
use crate::input::columns::{ColumnReport, FieldUse, InputKind};
use crate::output::csv_safe::{CsvFormulas, CsvOut};
use crate::output::i18n::{Lang, tr, trf};

/// `inputs.csv`: per table input, one row per field it reads (the header
/// feeding it, its unit, how many rows fill it, or what happens without
/// it) and one row per header not used. Headers in `lang`, and in Chinese
/// the input kinds; the field and encoding columns hold codes, `note` is
/// English and `note_zh` Chinese in both languages.
pub fn write_inputs_csv(
    w: &mut dyn Write,
    inputs: &Inputs,
    formulas: CsvFormulas,
    lang: Lang,
) -> io::Result<()> {
    let mut c = CsvOut::new(w, formulas);
    c.write_header(
        &[
            "file",
            "input",
            "encoding",
            "rows",
            "field",
            "header",
            "header_unit",
            "rows_filled",
            "note",
            "note_zh",
        ],
        lang,
        None,
    )?;
    for r in &inputs.columns {
        let file = r.file.display().to_string();
        let input = match lang {
            Lang::En => r.input.as_str(),
            Lang::Zh => input_label(lang, r.input),
        };
        let encoding = r.encoding.unwrap_or("");
        let rows = r.rows.to_string();
        for f in &r.fields {
            let filled = f.header.as_ref().map(|_| f.filled.to_string());
            c.write_record([
                file.as_str(),
                input,
                encoding,
                &rows,
                f.field,
                f.header.as_deref().unwrap_or(""),
                match lang {
                    Lang::En => f.unit.as_deref(),
                    Lang::Zh => f.unit_zh.as_deref(),
                }
                .unwrap_or(""),
                filled.as_deref().unwrap_or(""),
                if f.header.is_none() { &f.missing } else { "" },
                if f.header.is_none() {
                    &f.missing_zh
                } else {
                    ""
                },
            ])?;
        }
        for u in &r.unused {
            let (en, zh) = match u.looks_like {
                Some(field) => (
                    format!(
                        "not used (a {field} column, not read for {})",
                        r.input.as_str()
                    ),
                    format!(
                        "未使用（{}列，{}不读取）",
                        field_name(Lang::Zh, field),
                        input_label(Lang::Zh, r.input)
                    ),
                ),
                None => ("not used".to_string(), "未使用".to_string()),
            };
            c.write_record([
                file.as_str(),
                input,
                encoding,
                &rows,
                "",
                &u.header,
                "",
                "",
                &en,
                &zh,
            ])?;
        }
    }
    c.flush()
}

/// The input kind in `lang`.
fn input_label(lang: Lang, kind: InputKind) -> &'static str {
    tr(lang, &format!("cols.input_{}", kind.as_str()))
}

/// The field named `field` in `lang` (its Chinese label from the column
/// table).
fn field_name(lang: Lang, field: &'static str) -> &'static str {
    match (lang, crate::input::columns::field_def(field)) {
        (Lang::Zh, Some(d)) => d.label_zh.as_str(),
        _ => field,
    }
}

/// A field's name in `lang`.
fn field_label(lang: Lang, f: &FieldUse) -> &'static str {
    match lang {
        Lang::Zh => f.label_zh,
        Lang::En => f.field,
    }
}

/// The first line about a file: its name, input kind, encoding and rows.
fn file_line(lang: Lang, r: &ColumnReport) -> String {
    trf(
        lang,
        "cols.file",
        &[
            ("file", r.file.display().to_string()),
            ("input", input_label(lang, r.input).to_string()),
            ("encoding", r.encoding.unwrap_or("-").to_string()),
            ("rows", r.rows.to_string()),
        ],
    )
}

/// One line per table input for the terminal: which header fed which
/// field, the fields not found, the headers not used.
pub fn summary_line(lang: Lang, r: &ColumnReport) -> String {
    let sep = if lang == Lang::Zh { "，" } else { ", " };
    let used: Vec<String> = r
        .fields
        .iter()
        .filter_map(|f| {
            f.header
                .as_ref()
                .map(|h| format!("{} <- {h:?}", field_label(lang, f)))
        })
        .collect();
    let missing: Vec<&str> = r
        .fields
        .iter()
        .filter(|f| f.header.is_none())
        .map(|f| field_label(lang, f))
        .collect();
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    let mut s = format!("{}{colon}{}", file_line(lang, r), used.join(sep));
    if !missing.is_empty() {
        s.push_str(&trf(lang, "cols.missing", &[("list", missing.join(sep))]));
    }
    if !r.unused.is_empty() {
        let names: Vec<String> = r.unused.iter().map(|u| format!("{:?}", u.header)).collect();
        s.push_str(&trf(lang, "cols.unused", &[("list", names.join(sep))]));
    }
    s
}

/// The detailed mapping of `fitcircle check`: the file line, then one line
/// per field (header, unit, rows filled, or what happens without it), then
/// the headers not used.
pub fn table_lines(lang: Lang, r: &ColumnReport) -> Vec<String> {
    let mut out = vec![file_line(lang, r)];
    for f in &r.fields {
        let label = field_label(lang, f);
        let line = match &f.header {
            Some(h) => trf(
                lang,
                "cols.field",
                &[
                    ("header", format!("{h:?}")),
                    (
                        "unit",
                        match lang {
                            Lang::En => f.unit.as_ref(),
                            Lang::Zh => f.unit_zh.as_ref(),
                        }
                        .map(|u| format!(" [{u}]"))
                        .unwrap_or_default(),
                    ),
                    ("filled", f.filled.to_string()),
                    ("rows", r.rows.to_string()),
                ],
            ),
            None => trf(
                lang,
                "cols.field_missing",
                &[(
                    "what",
                    match lang {
                        Lang::Zh => &f.missing_zh,
                        Lang::En => &f.missing,
                    }
                    .clone(),
                )],
            ),
        };
        // "field <- header", or "field: not in the file".
        let gap = if f.header.is_some() { " " } else { "" };
        out.push(format!("  {label}{gap}{line}"));
    }
    for u in &r.unused {
        let what = match u.looks_like {
            Some(field) => trf(
                lang,
                "cols.unused_like",
                &[
                    ("header", format!("{:?}", u.header)),
                    ("field", field_name(lang, field).to_string()),
                    ("input", input_label(lang, r.input).to_string()),
                ],
            ),
            None => trf(
                lang,
                "cols.unused_one",
                &[("header", format!("{:?}", u.header))],
            ),
        };
        out.push(format!("  {what}"));
    }
    out
}
