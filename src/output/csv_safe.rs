//! CSV cells safe to open in a spreadsheet: a cell that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice
//! and Google Sheets as a formula, so a name like `=HYPERLINK(...)` in an
//! input file could run in the planner's spreadsheet ("CSV injection",
//! OWASP). Every CSV this tool writes goes through [`CsvOut`], which puts a
//! `'` before such a cell, unless it is a plain number (`-3.5` stays a
//! number). `--csv-formulas keep` writes cells unchanged.

use std::borrow::Cow;
use std::io::{self, Write};

/// What to do with CSV cells a spreadsheet would read as a formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvFormulas {
    /// Put a `'` before them (numbers stay as they are).
    #[default]
    Neutralise,
    /// Write them unchanged (for scripts that want the exact text).
    Keep,
}

impl std::str::FromStr for CsvFormulas {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "neutralise" | "neutralize" => Ok(CsvFormulas::Neutralise),
            "keep" => Ok(CsvFormulas::Keep),
            other => Err(format!(
                "unknown choice {other:?} for CSV formulas; use neutralise or keep"
            )),
        }
    }
}

impl std::fmt::Display for CsvFormulas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CsvFormulas::Neutralise => "neutralise",
            CsvFormulas::Keep => "keep",
        })
    }
}

/// A plain decimal number (`-3.5`, `+2`, `1e-3`): digits, sign, point and
/// exponent only, and parsing as one. `-inf` or `NaN` are not.
fn is_plain_number(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && s.parse::<f64>().is_ok()
}

/// `cell` with a `'` before it when a spreadsheet would read it as a
/// formula: it starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// and is not a plain number.
pub(crate) fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV writer whose cells go through [`neutralise`] (unless
/// [`CsvFormulas::Keep`]). Errors come as `io::Error`.
pub(crate) struct CsvOut<'a> {
    inner: csv::Writer<&'a mut dyn Write>,
    formulas: CsvFormulas,
}

impl<'a> CsvOut<'a> {
    /// A writer with the `csv` crate's defaults (comma, quotes as needed).
    pub(crate) fn new(w: &'a mut dyn Write, formulas: CsvFormulas) -> Self {
        CsvOut {
            inner: csv::WriterBuilder::new().from_writer(w),
            formulas,
        }
    }

    /// Write one row.
    pub(crate) fn write_record<I, T>(&mut self, record: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let keep = self.formulas == CsvFormulas::Keep;
        for cell in record {
            let cell = cell.as_ref();
            let cell = if keep {
                Cow::Borrowed(cell)
            } else {
                neutralise(cell)
            };
            self.inner
                .write_field(cell.as_bytes())
                .map_err(io::Error::other)?;
        }
        // The fields written above, then the end of the record (what
        // `csv::Writer::write_record` does with its fields).
        self.inner
            .write_record(std::iter::empty::<&[u8]>())
            .map_err(io::Error::other)
    }

    /// Write the header row: each column `key` named in `lang`
    /// ([`crate::output::i18n::csv_header`]; `study` names the tiers).
    pub(crate) fn write_header(
        &mut self,
        keys: &[&str],
        lang: crate::output::i18n::Lang,
        study: Option<&crate::analysis::study::Study>,
    ) -> io::Result<()> {
        let names: Vec<String> = keys
            .iter()
            .map(|k| crate::output::i18n::csv_header(lang, k, study))
            .collect();
        self.write_record(&names)
    }

    /// Flush to the underlying writer.
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_quote() {
        for (cell, want) in [
            ("=1+2", "'=1+2"),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("+NaN", "'+NaN"),
        ] {
            assert_eq!(neutralise(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_plain_text_stay() {
        for cell in [
            "-3.5", "+2", "-0", "-1e-3", "-2.5E10", "12", "", "abc", "a=b", "a-b", "居民", "'=x",
            " =x",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
            assert!(matches!(neutralise(cell), Cow::Borrowed(_)));
        }
    }

    fn write_rows(formulas: CsvFormulas) -> String {
        let mut buf = Vec::new();
        {
            let mut c = CsvOut::new(&mut buf, formulas);
            c.write_record(["id", "name", "value"]).unwrap();
            c.write_record(["=1+1", "@me, you", "-4.25"]).unwrap();
            c.write_record(vec!["a".to_string(), "-b".to_string(), "7".to_string()])
                .unwrap();
            c.flush().unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn writer_neutralises_every_cell_but_numbers() {
        assert_eq!(
            write_rows(CsvFormulas::Neutralise),
            "id,name,value\n'=1+1,\"'@me, you\",-4.25\na,'-b,7\n"
        );
        assert_eq!(
            write_rows(CsvFormulas::Keep),
            "id,name,value\n=1+1,\"@me, you\",-4.25\na,-b,7\n"
        );
    }

    #[test]
    fn choices_parse() {
        assert_eq!("keep".parse(), Ok(CsvFormulas::Keep));
        assert_eq!("Neutralize".parse(), Ok(CsvFormulas::Neutralise));
        assert!("off".parse::<CsvFormulas>().is_err());
        assert_eq!(CsvFormulas::default().to_string(), "neutralise");
    }
}
