//! Bounds on every number fitcircle reads from an input, in one place, and
//! the one way numbers written by people are read (the CSV, GeoJSON and OSM
//! readers share it, so they agree).
//!
//! | Field                                   | Where                         | Bounds                                 |
//! |-----------------------------------------|-------------------------------|----------------------------------------|
//! | population per community                | CSV/GeoJSON column, OSM tag   | finite, 0 ..= 10,000,000               |
//! | households per community                | CSV/GeoJSON column, OSM tag   | finite, 0 ..= 10,000,000               |
//! | population, households per unit         | CSV/GeoJSON column            | finite, 0 ..= 100,000,000              |
//! | `count_column` value                    | CSV/GeoJSON column            | whole number, 0 ..= 10,000             |
//! | `area_m2`, `floor_area_m2`              | CSV/GeoJSON column            | finite, 0 ..= 10,000,000 m² (10 km²)   |
//! | `length_m` (trail length)               | CSV/GeoJSON column            | finite, 0 ..= 1,000,000 m (1,000 km)   |
//! | `equipment_generation`                  | CSV/GeoJSON column            | whole number, 0 ..= 9                  |
//! | build year                              | CSV/GeoJSON column            | whole number, 1800 ..= 2100            |
//! | build year (`start_date`)               | OSM tag                       | 1800 ..= 2100, else left out           |
//! | node coordinate                         | OSM PBF and XML               | finite, lon -180 ..= 180, lat -90 ..= 90 |
//! | lon / lat, WKT and GeoJSON positions    | CSV/GeoJSON                   | finite, lon -180 ..= 180, lat -90 ..= 90 |
//! | indicator figure                        | figures CSV                   | finite                                 |
//! | `[population] spread_total`             | config                        | finite, > 0 ..= 1,000,000,000          |
//! | `[population] spread`                   | config                        | `"even"`                               |
//! | `admin_level` of units from OSM         | config                        | 1 ..= 12                               |
//! | `[settings]`                            | config                        | see `Settings::validate`               |
//!
//! A value outside its bounds is an error (exit 2) naming the file, the row
//! (feature, OSM element) and the field, and what to fix.
//!
//! Numbers are read with a point as the decimal mark. Thousands separators
//! are read only when unambiguous: `1,234`, `12,345,678` and `1 234`
//! (groups of exactly three digits after the first) are 1234 and so on.
//! Anything else with a comma (`1,5`, a decimal comma) is an error, and so
//! is a quantity written `2.000` or `12.345` (a point followed by exactly
//! three digits could be a German/Brazilian thousands separator): write
//! `2000` or `2`. Full-width digits, commas and points (`１，２００`, typed
//! with a Chinese input method) are read as their ASCII forms. A number a
//! format types as a number (a GeoJSON number, a numeric attribute) is read
//! as it is, without these text rules. Coordinates take no separators at
//! all.

/// Bounds of one field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bound {
    /// The field's name in messages.
    pub field: &'static str,
    /// Smallest value allowed.
    pub min: f64,
    /// Largest value allowed.
    pub max: f64,
    /// Must be a whole number.
    pub whole: bool,
}

/// People per community record.
pub(crate) const POPULATION: Bound = Bound {
    field: "population",
    min: 0.0,
    max: 10_000_000.0,
    whole: false,
};

/// People (or households) of an administrative unit (a census figure).
pub(crate) const UNIT_POPULATION: Bound = Bound {
    field: "population",
    min: 0.0,
    max: 100_000_000.0,
    whole: false,
};

/// Households per community record.
pub(crate) const HOUSEHOLDS: Bound = Bound {
    field: "households",
    min: 0.0,
    max: 10_000_000.0,
    whole: false,
};

/// Facilities one row stands for (`count_column`).
pub(crate) const COUNT: Bound = Bound {
    field: "count",
    min: 0.0,
    max: 10_000.0,
    whole: true,
};

/// A given area or floor area, m² (10 km²).
pub(crate) const AREA_M2: Bound = Bound {
    field: "area_m2",
    min: 0.0,
    max: 10_000_000.0,
    whole: false,
};

/// A given floor area, m².
pub(crate) const FLOOR_AREA_M2: Bound = Bound {
    field: "floor_area_m2",
    ..AREA_M2
};

/// The length of a trail given in a column, metres (1,000 km).
pub(crate) const LENGTH_M: Bound = Bound {
    field: "length_m",
    min: 0.0,
    max: 1_000_000.0,
    whole: false,
};

/// The generation of outdoor fitness equipment (2 = second generation).
pub(crate) const GENERATION: Bound = Bound {
    field: "equipment_generation",
    min: 0.0,
    max: 9.0,
    whole: true,
};

/// The year a facility or community was built.
pub(crate) const BUILD_YEAR: Bound = Bound {
    field: "build_year",
    min: 1800.0,
    max: 2100.0,
    whole: true,
};

/// The most people `[population] spread_total` may spread.
pub(crate) const MAX_SPREAD_TOTAL: f64 = 1_000_000_000.0;

/// The `admin_level`s OSM uses.
pub(crate) const ADMIN_LEVELS: std::ops::RangeInclusive<u8> = 1..=12;

/// How to write a number, for messages.
const HOW: &str = "write it with a point as the decimal mark and no thousands separators \
                   (e.g. 1234 or 1.5)";

/// True when `s` is digits in groups: 1 to 3 digits, then groups of
/// exactly 3 separated by `sep`.
fn grouped(s: &str, sep: char) -> bool {
    let mut groups = s.split(sep);
    let first = groups.next().unwrap_or("");
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let mut rest = 0;
    let ok = (1..=3).contains(&first.len())
        && digits(first)
        && groups.all(|g| {
            rest += 1;
            g.len() == 3 && digits(g)
        });
    ok && rest > 0
}

/// `text` with full-width digits, signs, points and commas (`１，２３４．５`,
/// typed with a Chinese input method) as their ASCII forms.
fn fold_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' | '\u{ff0b}' | '\u{ff0c}' | '\u{ff0d}' | '\u{ff0e}' => {
                char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// Read a number as people write it (see the module docs): a point as the
/// decimal mark, thousands separators (`,` or a space) only in groups of
/// three. The error says what is wrong and how to write it.
pub(crate) fn parse_number(text: &str) -> Result<f64, String> {
    let folded = fold_digits(text);
    let text = folded.as_str();
    let t = text.trim();
    let (sign, body) = match t.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let is_space = |c: char| c.is_whitespace() || c == '\u{202f}' || c == '\u{a0}';
    let int_plain: String = if int.contains(',') {
        if !grouped(int, ',') || frac.is_some_and(|f| f.contains(',')) {
            return Err(format!(
                "{text:?} has a comma that is not a thousands separator (a decimal comma?); {HOW}"
            ));
        }
        int.replace(',', "")
    } else if int.contains(is_space) {
        let spaced: String = int
            .chars()
            .map(|c| if is_space(c) { ' ' } else { c })
            .collect();
        if !grouped(&spaced, ' ') {
            return Err(format!("{text:?} has spaces inside; {HOW}"));
        }
        spaced.replace(' ', "")
    } else {
        int.to_string()
    };
    if frac.is_some_and(|f| f.contains(',') || f.contains(is_space)) {
        return Err(format!(
            "{text:?} has a comma or space after the decimal point; {HOW}"
        ));
    }
    let plain = match frac {
        Some(f) => format!("{sign}{int_plain}.{f}"),
        None => format!("{sign}{int_plain}"),
    };
    let v: f64 = plain
        .parse()
        .map_err(|_| format!("{text:?} is not a number; {HOW}"))?;
    if !v.is_finite() {
        return Err(format!("{text:?} is not a finite number"));
    }
    Ok(v)
}

impl Bound {
    /// `value` if it is within the bounds, else what is wrong and what to
    /// fix.
    pub(crate) fn check(&self, value: f64) -> Result<f64, String> {
        let Bound {
            field,
            min,
            max,
            whole,
        } = *self;
        if !value.is_finite() {
            return Err(format!("{field} {value} is not a finite number"));
        }
        if whole && value.fract() != 0.0 {
            return Err(format!(
                "{field} {value} is not a whole number; give a whole number from {min} to {max}"
            ));
        }
        if value < 0.0 && min == 0.0 {
            return Err(format!(
                "{field} {value} is negative; it must be 0 or more (at most {max})"
            ));
        }
        if value < min || value > max {
            return Err(format!(
                "{field} {value} is outside {min} ..= {max}; fix the value (is it in the \
                 right unit and column?)"
            ));
        }
        Ok(value)
    }

    /// Read `text` as this field: [`parse_number`], refusing a quantity
    /// whose point may be a thousands separator (`2.000`), then
    /// [`Bound::check`].
    pub(crate) fn parse(&self, text: &str) -> Result<f64, String> {
        self.parse_unchecked(text).and_then(|v| self.check(v))
    }

    /// [`Bound::parse`] without the bounds check (for a value still to be
    /// converted from another unit).
    pub(crate) fn parse_unchecked(&self, text: &str) -> Result<f64, String> {
        let folded = fold_digits(text);
        let text = folded.as_str();
        let t = text.trim();
        let digits = t.trim_start_matches(['-', '+']);
        let ambiguous = digits.split_once('.').filter(|(int, frac)| {
            !int.contains(',') && !int.starts_with('0') && grouped(&format!("{int},{frac}"), ',')
        });
        if let Some((int, frac)) = ambiguous {
            return Err(format!(
                "{field} {text:?} is ambiguous: the point may be a thousands separator \
                 ({whole}) or a decimal mark; write {whole} or {frac_value} without \
                 separators",
                field = self.field,
                whole = format!("{int}{frac}").trim_start_matches('0'),
                frac_value = t.parse::<f64>().unwrap_or(0.0),
            ));
        }
        parse_number(text).map_err(|e| format!("{}: {e}", self.field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_read_only_when_unambiguous() {
        assert_eq!(parse_number("1234"), Ok(1234.0));
        assert_eq!(parse_number(" 1,234 "), Ok(1234.0));
        assert_eq!(parse_number("12,345,678.5"), Ok(12_345_678.5));
        assert_eq!(parse_number("1 234"), Ok(1234.0));
        assert_eq!(parse_number("1\u{a0}234"), Ok(1234.0));
        assert_eq!(parse_number("-0.5"), Ok(-0.5));
        assert_eq!(parse_number("2.000"), Ok(2.0));
        for bad in [
            "1,5",
            "1,23",
            "12,34,567",
            "1 23",
            "1.5,2",
            "inf",
            "NaN",
            "1e999",
            "",
            "x",
        ] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
        assert!(parse_number("1,5").unwrap_err().contains("decimal comma"));
        assert_eq!(parse_number("１，２３４．５"), Ok(1234.5));
        assert!(parse_number("１，５").is_err());
    }

    #[test]
    fn bounds() {
        assert_eq!(POPULATION.parse("1,234"), Ok(1234.0));
        assert_eq!(POPULATION.parse("12.5"), Ok(12.5));
        assert!(POPULATION.parse("2.000").unwrap_err().contains("ambiguous"));
        assert_eq!(POPULATION.parse("0.125"), Ok(0.125));
        assert!(POPULATION.parse("-1").unwrap_err().contains("negative"));
        assert!(POPULATION.parse("1e8").is_err());
        assert_eq!(COUNT.parse("3"), Ok(3.0));
        assert!(COUNT.parse("1.5").unwrap_err().contains("whole"));
        assert!(COUNT.parse("10001").is_err());
        assert_eq!(BUILD_YEAR.parse("2019"), Ok(2019.0));
        assert!(BUILD_YEAR.parse("2019.7").unwrap_err().contains("whole"));
        assert!(BUILD_YEAR.parse("1066").is_err());
        assert!(AREA_M2.parse("1e8").is_err());
        assert!(AREA_M2.check(f64::NAN).is_err());
    }
}
