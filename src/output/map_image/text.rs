//! Text on map.png with its glyphs where the font puts them. plotters
//! (0.3.7, ab_glyph) draws each glyph with its ink box at the pen position,
//! dropping the glyph's left side bearing: negligible in DejaVu, but a
//! Chinese font's narrow glyphs (一, 育, 直) and full-width punctuation
//! (（, ：) carry half an em of it, so `体育设施` showed as `体育 设施` and
//! `街道（单元）` as `街道( 单元)`. [`draw`] lays the line out itself
//! (advances, kerning, bearings: the layout plotters measures) and draws
//! each character at its place.

use std::io;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, ScaleFont};
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos};

use super::fonts::{CJK_FONT, FONT, cjk_bytes};
use super::{Area, draw_err};

/// The font behind a family and style, parsed once.
fn font_ref(family: &str, style: FontStyle) -> Option<&'static FontRef<'static>> {
    static REGULAR: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    static BOLD: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    static CJK: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    let parse = |bytes: Option<&'static [u8]>| bytes.and_then(|b| FontRef::try_from_slice(b).ok());
    match family {
        FONT if matches!(style, FontStyle::Bold) => BOLD
            .get_or_init(|| parse(Some(dejavu::sans::bold())))
            .as_ref(),
        FONT => REGULAR
            .get_or_init(|| parse(Some(dejavu::sans::regular())))
            .as_ref(),
        // The CJK font is registered once per process and never replaced.
        CJK_FONT => match cjk_bytes() {
            Some(_) => CJK.get_or_init(|| parse(cjk_bytes())).as_ref(),
            None => None,
        },
        _ => None,
    }
}

/// Where each character of `text` starts its ink, from the line's start,
/// and the line's width (the sum of advances and kerning).
fn layout(font: &FontRef<'static>, size: f64, text: &str) -> (Vec<(char, f32)>, f32) {
    let font = font.as_scaled(size as f32);
    let mut pen = 0f32;
    let mut prev = None;
    let mut placed = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            pen += font.kern(p, id);
        }
        let ink_left = font
            .outline_glyph(font.scaled_glyph(c))
            .map_or(0.0, |q| q.px_bounds().min.x);
        placed.push((c, pen + ink_left));
        pen += font.h_advance(id);
        prev = Some(id);
    }
    (placed, pen)
}

/// Draw `text` at `at` in `style` (its family, size, colour and anchor),
/// each glyph at its place in the line.
pub(super) fn draw(
    root: &Area,
    text: impl AsRef<str>,
    at: (i32, i32),
    style: TextStyle<'_>,
) -> io::Result<()> {
    let text = text.as_ref();
    let Some(font) = font_ref(style.font.get_name(), style.font.get_style()) else {
        return root.draw(&Text::new(text, at, style)).map_err(draw_err);
    };
    let (placed, width) = layout(font, style.font.get_size(), text);
    let start = match style.pos.h_pos {
        HPos::Left => at.0 as f32,
        HPos::Center => at.0 as f32 - width / 2.0,
        HPos::Right => at.0 as f32 - width,
    };
    let one = style.pos(Pos::new(HPos::Left, style.pos.v_pos));
    let mut buf = [0u8; 4];
    for (c, dx) in placed {
        if c.is_whitespace() {
            continue;
        }
        let x = (start + dx).round() as i32;
        root.draw(&Text::new(
            &*c.encode_utf8(&mut buf),
            (x, at.1),
            one.clone(),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ink's columns of `text` drawn on white, as (first, last).
    fn ink_span(text: &str, by_char: bool) -> (usize, usize) {
        super::super::fonts::register_font();
        let (w, h) = (300u32, 60u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            let style = (FONT, 30.0).into_font().color(&BLACK);
            if by_char {
                draw(&root, text, (10, 10), style).expect("drawn");
            } else {
                root.draw(&Text::new(text, (10, 10), style)).expect("drawn");
            }
            root.present().expect("presented");
        }
        let cols: Vec<usize> = (0..w as usize)
            .filter(|x| (0..h as usize).any(|y| buf[(y * w as usize + x) * 3] < 128))
            .collect();
        (cols[0], *cols.last().expect("ink"))
    }

    #[test]
    fn glyphs_keep_their_left_bearing() {
        let font = font_ref(FONT, FontStyle::Normal).expect("DejaVu");
        // DejaVu's "1" starts its ink a tenth of an em right of its pen.
        let (placed, _) = layout(font, 30.0, "1");
        let bearing = placed[0].1;
        assert!(bearing >= 2.0, "bearing {bearing}");
        let (ours, _) = ink_span("1", true);
        let (theirs, _) = ink_span("1", false);
        // plotters puts the ink at the pen (10); here it is where the font
        // puts it (within the antialiased column either side).
        assert!(theirs.abs_diff(10) <= 1, "plotters: {theirs}");
        assert!(
            (ours as f32 - 10.0 - bearing).abs() <= 1.0,
            "{ours} vs 10 + {bearing}"
        );
        // A line is as wide as the font lays it out.
        let (a, b) = ink_span("Walk 15 min", true);
        let (_, width) = layout(font, 30.0, "Walk 15 min");
        assert!(((b - a) as f32 - width).abs() < 6.0, "{a}..{b} vs {width}");
    }
}
