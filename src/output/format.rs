//! Number and text formatting shared by the writers: rounding of property
//! values, numbers for labels (`15`, `2.5`, `812,935`, `61.3%`) and the
//! HTML / XML escape. No writer formats numbers for people on its own, so
//! report.html, map.png and the terminal summary print them alike.

// The report (feature `report`) uses every item; the other writers only
// some, so a build without the report leaves the rest unused.
#![cfg_attr(not(feature = "report"), allow(dead_code))]

/// Round to `d` decimals for property values.
/// Never returns -0.0 (an empty `sum()` of f64 is -0.0 in current Rust).
pub(crate) fn round(x: f64, d: i32) -> f64 {
    let k = 10f64.powi(d);
    (x * k).round() / k + 0.0
}

/// A number without trailing zeros beyond one decimal (15, 4, 2.5).
pub(crate) fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A number with one decimal, without a trailing `.0` (15, 2.5, 3.3).
pub(crate) fn num1(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{:.1}", x)
    }
}

/// A share as a percentage with one decimal (`61.3%`).
pub(crate) fn pct(share: f64) -> String {
    format!("{:.1}%", 100.0 * share + 0.0)
}

/// `x` with `d` decimals (never `-0.00`).
pub(crate) fn fixed(x: f64, d: usize) -> String {
    format!("{:.*}", d, x + 0.0)
}

/// Integer with thousands separators (812,935).
pub(crate) fn thousands(x: f64) -> String {
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

/// HTML / XML text escape.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separator() {
        assert_eq!(thousands(812935.0), "812,935");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(-1234.0), "-1,234");
    }

    #[test]
    fn numbers_for_labels() {
        assert_eq!(num(15.0), "15");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(1.25), "1.25");
        assert_eq!(num1(15.0), "15");
        assert_eq!(num1(2.54), "2.5");
        assert_eq!(pct(0.6134), "61.3%");
        assert_eq!(pct(-0.0), "0.0%");
        assert_eq!(fixed(-0.0, 2), "0.00");
        assert_eq!(round(-0.0001, 2).to_string(), "0");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
