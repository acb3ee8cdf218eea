//! Map furniture of map.png: a scale bar and a north arrow, drawn in the
//! legend column under the legend (never over the data).

use plotters::prelude::*;

use super::{Area, Sheet, draw_err};
use std::io;

/// The longest round length (1, 2 or 5 x a power of ten, metres) that is at
/// most `max_px` pixels long at `px_per_m`; with its length in pixels.
pub(super) fn scale_length(px_per_m: f64, max_px: f64) -> (f64, f64) {
    if !(px_per_m.is_finite() && px_per_m > 0.0) {
        return (0.0, 0.0);
    }
    let max_m = max_px / px_per_m;
    let mut best = 1.0;
    let mut p = 1.0;
    while p <= max_m {
        for m in [1.0, 2.0, 5.0] {
            if m * p <= max_m {
                best = m * p;
            }
        }
        p *= 10.0;
    }
    (best, best * px_per_m)
}

/// A length as map text: `500 m`, `2 km`.
pub(super) fn length_label(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m} m")
    }
}

/// A north arrow with an `N` above it, its tip at `(x, y)`, 48 layout
/// pixels tall. The map is a local projection with north up.
pub(super) fn draw_north_arrow(
    root: &Area,
    sheet: &Sheet,
    font: &'static str,
    x: i32,
    y: i32,
) -> io::Result<()> {
    let h = sheet.px(48.0);
    let w = h / 3;
    let dark = RGBColor(40, 40, 40);
    root.draw(&Polygon::new(
        vec![(x, y), (x - w, y + h), (x, y + h - h / 4)],
        dark.filled(),
    ))
    .map_err(draw_err)?;
    root.draw(&Polygon::new(
        vec![(x, y), (x + w, y + h), (x, y + h - h / 4)],
        WHITE.filled(),
    ))
    .map_err(draw_err)?;
    root.draw(&PathElement::new(
        vec![
            (x, y),
            (x + w, y + h),
            (x, y + h - h / 4),
            (x - w, y + h),
            (x, y),
        ],
        dark.stroke_width(sheet.stroke(2.0)),
    ))
    .map_err(draw_err)?;
    let style =
        (font, sheet.f(20.0))
            .into_font()
            .color(&dark)
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Bottom,
            ));
    super::text::draw(root, "N", (x, y - sheet.px(4.0)), style)
}

/// A scale bar of at most `max_px` pixels starting at `(x, y)` (its top
/// left): two alternating halves and the length under it.
pub(super) fn draw_scale_bar(
    root: &Area,
    sheet: &Sheet,
    font: &'static str,
    px_per_m: f64,
    (x, y): (i32, i32),
    max_px: f64,
) -> io::Result<()> {
    let (m, px) = scale_length(px_per_m, max_px);
    if m <= 0.0 {
        return Ok(());
    }
    let len = px.round() as i32;
    let half = len / 2;
    let dark = RGBColor(40, 40, 40);
    let bar = sheet.px(8.0);
    root.draw(&Rectangle::new(
        [(x, y), (x + half, y + bar)],
        dark.filled(),
    ))
    .map_err(draw_err)?;
    root.draw(&Rectangle::new(
        [(x + half, y), (x + len, y + bar)],
        WHITE.filled(),
    ))
    .map_err(draw_err)?;
    root.draw(&Rectangle::new(
        [(x, y), (x + len, y + bar)],
        dark.stroke_width(sheet.stroke(1.0)),
    ))
    .map_err(draw_err)?;
    let font_style = (font, sheet.f(16.0)).into_font().color(&dark);
    let below = y + sheet.px(12.0);
    super::text::draw(root, "0", (x - sheet.px(4.0), below), font_style.clone())?;
    super::text::draw(
        root,
        length_label(m),
        (x + len - sheet.px(10.0), below),
        font_style,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_scale_lengths() {
        // 0.1 px per metre, at most 250 px: 2500 m allowed, 2 km chosen.
        let (m, px) = scale_length(0.1, 250.0);
        assert_eq!(m, 2000.0);
        assert!((px - 200.0).abs() < 1e-9);
        assert_eq!(scale_length(1.0, 250.0).0, 200.0);
        assert_eq!(scale_length(0.05, 250.0).0, 5000.0);
        assert_eq!(scale_length(f64::NAN, 250.0).0, 0.0);
        assert_eq!(length_label(500.0), "500 m");
        assert_eq!(length_label(2000.0), "2 km");
        assert_eq!(length_label(1500.0), "1.5 km");
    }
}
