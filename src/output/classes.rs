//! The minute classes communities are coloured by, and the colours of the
//! classes and of the facility categories: map.png and report.html draw
//! with the same ones.

use crate::analysis::coverage::Target;
use crate::model::Category;

/// Colours of the minute classes (<= limit/3, <= 2/3, <= limit, <= report
/// range, beyond, not on the network); the report uses the same ones.
pub(crate) const CLASS_COLOURS: [(u8, u8, u8); 6] = [
    (26, 152, 80),
    (102, 189, 99),
    (217, 239, 139),
    (253, 174, 97),
    (215, 48, 39),
    (140, 140, 140),
];

/// Minute class of a community: 0..=3 by the limit's thirds and the report
/// range, 4 beyond (or no facility), 5 not attached to the network.
pub(crate) fn minute_class(
    minutes: Option<f64>,
    reachable: bool,
    limit_min: f64,
    report_min: f64,
) -> usize {
    if !reachable {
        return 5;
    }
    match minutes {
        None => 4,
        Some(m) if m <= limit_min / 3.0 + 1e-9 => 0,
        Some(m) if m <= 2.0 * limit_min / 3.0 + 1e-9 => 1,
        Some(m) if m <= limit_min + 1e-9 => 2,
        Some(m) if m <= report_min + 1e-9 => 3,
        Some(_) => 4,
    }
}

/// Category colours, in [`Category::ALL`] order (repeating if categories
/// are added).
const CATEGORY_COLOURS: [&str; 16] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#e7ba52",
];

/// The colour of a facility category, as CSS `#rrggbb`.
pub(crate) fn category_colour(c: Category) -> &'static str {
    CATEGORY_COLOURS[c.index() % CATEGORY_COLOURS.len()]
}

/// The colour of a coverage target: dark green for any facility, else its
/// category's.
pub(crate) fn target_colour(t: Target) -> &'static str {
    match t {
        Target::Any => "#238b45",
        Target::Category(c) => category_colour(c),
    }
}

/// An RGB colour as CSS `#rrggbb`.
pub(crate) fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_limit() {
        assert_eq!(minute_class(Some(3.0), true, 15.0, 30.0), 0);
        assert_eq!(minute_class(Some(5.0), true, 15.0, 30.0), 0);
        assert_eq!(minute_class(Some(7.0), true, 15.0, 30.0), 1);
        assert_eq!(minute_class(Some(15.0), true, 15.0, 30.0), 2);
        assert_eq!(minute_class(Some(29.0), true, 15.0, 30.0), 3);
        assert_eq!(minute_class(None, true, 15.0, 30.0), 4);
        assert_eq!(minute_class(Some(1.0), false, 15.0, 30.0), 5);
    }

    #[test]
    fn colours_as_css() {
        assert_eq!(hex(CLASS_COLOURS[0]), "#1a9850");
        assert_eq!(category_colour(Category::ALL[0]), "#1f77b4");
    }
}
