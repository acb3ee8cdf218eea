//! The page's charts, drawn here as inline SVG: covered share per unit
//! (or per facility type), per-capita area against the targets, residents
//! by walking minutes, and covered share per time window and per tier.

use std::fmt::Write as _;

use super::context::Ctx;
use crate::analysis::coverage::Target;
use crate::output::classes::{CLASS_COLOURS, hex, minute_class, target_colour};
use crate::output::format::{esc, fixed, num, pct, thousands};
use crate::output::i18n::{Lang, target_label, tier_label, tr, trf, window_label, window_spec};

/// A "nice" tick step for an axis from 0 to `max` with about `n` ticks.
fn nice_step(max: f64, n: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / n;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Most ticks on an axis, whatever its range: an infinite or enormous
/// range (from an input that overflows) gives a bounded axis, never an
/// endless loop.
const MAX_TICKS: usize = 50;

/// Tick values `0, step, 2 step, ...` up to `max` (each the previous plus
/// `step`), at most `MAX_TICKS + 1` of them.
fn ticks(max: f64, step: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut v = 0.0;
    while v <= max + 1e-9 && out.len() <= MAX_TICKS {
        out.push(v);
        v += step;
    }
    out
}

/// Display width of a label in "half-width" units (CJK counts double).
fn text_units(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

/// `s` cut to `max_units` half-width units, with an ellipsis.
fn truncate_label(s: &str, max_units: usize) -> String {
    if text_units(s) <= max_units {
        return s.to_string();
    }
    let mut out = String::new();
    let mut u = 0;
    for c in s.chars() {
        let w = if (c as u32) >= 0x2E80 { 2 } else { 1 };
        if u + w > max_units.saturating_sub(1) {
            break;
        }
        out.push(c);
        u += w;
    }
    out.push('…');
    out
}

struct Bar {
    /// Shown left of the bar (may be empty for the second bar of a group).
    label: String,
    /// Tooltip.
    tip: String,
    value: f64,
    text: String,
    colour: String,
    strong: bool,
    /// A target drawn as a short dashed mark across this bar's row.
    mark: Option<f64>,
}

impl Bar {
    fn new(label: String, value: f64, text: String, colour: impl Into<String>) -> Bar {
        Bar {
            tip: label.clone(),
            label,
            value,
            text,
            colour: colour.into(),
            strong: false,
            mark: None,
        }
    }
}

/// Horizontal bar chart as an `<svg>`.
fn hbar_svg(
    id: &str,
    aria: &str,
    bars: &[Bar],
    max: f64,
    axis: &str,
    tick: &dyn Fn(f64) -> String,
) -> String {
    let width = 560.0;
    let label_w = 190.0;
    let right_pad = 70.0;
    let plot_w = width - label_w - right_pad;
    let row_h = 24.0;
    let top = 28.0;
    let plot_h = row_h * bars.len().max(1) as f64;
    let height = top + plot_h + 42.0;
    let max = if max > 0.0 { max } else { 1.0 };
    let x = |v: f64| label_w + plot_w * (v / max).clamp(0.0, 1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="{id}" class="chart-svg" viewBox="0 0 {width} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        esc(aria)
    );
    // Grid and ticks.
    let step = nice_step(max, 5.0);
    for v in ticks(max, step) {
        let xv = x(v);
        let _ = write!(
            s,
            r##"<line x1="{xv:.1}" y1="{top}" x2="{xv:.1}" y2="{:.1}" stroke="#e3e3e3"/><text x="{xv:.1}" y="{:.1}" text-anchor="middle" class="tick">{}</text>"##,
            top + plot_h,
            top + plot_h + 16.0,
            esc(&tick(v))
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="axis">{}</text>"#,
        label_w + plot_w / 2.0,
        top + plot_h + 34.0,
        esc(axis)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = (x(b.value) - label_w).max(0.0);
        let weight = if b.strong {
            " font-weight=\"bold\""
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<g class="bar"><title>{}: {}</title><text x="{:.1}" y="{:.1}" text-anchor="end" class="label"{weight}>{}</text><rect x="{label_w}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" class="value">{}</text></g>"#,
            esc(&b.tip),
            esc(&b.text),
            label_w - 8.0,
            y + row_h / 2.0 + 4.0,
            esc(&truncate_label(&b.label, 25)),
            y + 4.0,
            row_h - 8.0,
            b.colour,
            label_w + w + 5.0,
            y + row_h / 2.0 + 4.0,
            esc(&b.text)
        );
    }
    for (i, b) in bars.iter().enumerate() {
        if let Some(m) = b.mark {
            let xv = x(m);
            let y = top + row_h * i as f64;
            let _ = write!(
                s,
                r##"<line class="mark" x1="{xv:.1}" y1="{:.1}" x2="{xv:.1}" y2="{:.1}" stroke="#b2182b" stroke-width="2" stroke-dasharray="3 2"><title>{}</title></line>"##,
                y + 1.0,
                y + row_h - 1.0,
                esc(&num(m))
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Covered share per unit (the whole area first, in bold), or per facility
/// type when there are no units.
pub(super) fn chart_coverage(cx: &Ctx) -> (String, String) {
    let lang = cx.lang;
    let (title, bars) = if cx.study.areas.len() > 1 {
        (tr(lang, "ch_cov_unit"), unit_share_bars(cx))
    } else {
        (tr(lang, "ch_cov_cat"), target_share_bars(cx))
    };
    let svg = hbar_svg(
        "chart-coverage",
        title,
        &bars,
        1.0,
        tr(lang, "ax_share"),
        &|v| format!("{:.0}%", 100.0 * v),
    );
    (title.to_string(), svg)
}

/// A bar per area, the whole area first.
fn unit_share_bars(cx: &Ctx) -> Vec<Bar> {
    let green = "#41ab5d".to_string();
    let mut bars = Vec::new();
    for (k, a) in cx.study.areas.iter().enumerate() {
        let share = cx.any_share(k);
        let mut b = Bar::new(
            cx.area_name(a.unit),
            share,
            pct(share),
            if k == 0 {
                "#238b45".to_string()
            } else {
                green.clone()
            },
        );
        b.strong = k == 0;
        bars.push(b);
    }
    bars
}

/// A bar per target of the whole area.
fn target_share_bars(cx: &Ctx) -> Vec<Bar> {
    cx.study.areas[0]
        .targets
        .iter()
        .map(|t| {
            let mut b = Bar::new(
                target_label(cx.lang, t.target),
                t.share(),
                pct(t.share()),
                target_colour(t.target),
            );
            b.strong = t.target == Target::Any;
            b
        })
        .collect()
}

/// Outdoor and indoor sports area per resident, per unit, against the
/// targets (dashed marks).
pub(super) fn chart_per_capita(cx: &Ctx) -> (String, String) {
    let lang = cx.lang;
    let st = cx.study;
    let pc = &st.targets.per_capita;
    let title = trf(
        lang,
        "ch_percap",
        &[
            ("out", num(pc.outdoor_m2_per_person)),
            ("in", num(pc.indoor_m2_per_person)),
        ],
    );
    const OUTDOOR: &str = "#41ab5d";
    const INDOOR: &str = "#4292c6";
    let mut bars = Vec::new();
    for (k, u) in cx.ca.units.iter().enumerate() {
        let name = cx.area_name(u.unit);
        for (key, colour, value, target) in [
            (
                "outdoor",
                OUTDOOR,
                u.per_capita.outdoor_per_person(),
                pc.outdoor_m2_per_person,
            ),
            (
                "indoor",
                INDOOR,
                u.per_capita.indoor_per_person(),
                pc.indoor_m2_per_person,
            ),
        ] {
            let mut b = Bar::new(
                if key == "outdoor" {
                    name.clone()
                } else {
                    String::new()
                },
                value,
                fixed(value, 2),
                colour,
            );
            b.tip = format!(
                "{name} · {} ({} {})",
                tr(lang, key),
                tr(lang, "target"),
                num(target)
            );
            b.strong = k == 0;
            b.mark = Some(target);
            bars.push(b);
        }
    }
    let vmax = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let max = vmax.max(pc.outdoor_m2_per_person * 1.6);
    let step = nice_step(max, 5.0);
    let max = (max / step).ceil() * step;
    let svg = hbar_svg(
        "chart-percap",
        &title,
        &bars,
        max,
        tr(lang, "ax_m2pp"),
        &|v| num(v),
    );
    let legend = format!(
        r#"<div class="chart-legend"><span><span class="sw" style="background:{OUTDOOR}"></span>{}</span><span><span class="sw" style="background:{INDOOR}"></span>{}</span><span><span class="sw mark"></span>{}</span></div>"#,
        esc(tr(lang, "outdoor")),
        esc(tr(lang, "indoor")),
        esc(&trf(
            lang,
            "rule_text",
            &[
                ("out", num(pc.outdoor_m2_per_person)),
                ("in", num(pc.indoor_m2_per_person))
            ]
        )),
    );
    (title, format!("{legend}{svg}"))
}

// Layout of the histogram, in viewBox units.
const H_WIDTH: f64 = 600.0;
const H_LEFT: f64 = 64.0;
const H_RIGHT: f64 = 12.0;
const H_TOP: f64 = 24.0;
const H_PLOT_H: f64 = 220.0;
const H_BOTTOM: f64 = 56.0;
/// Between the minute bins and the two extra bars.
const H_GAP: f64 = 26.0;

/// Residents by walking minutes to the nearest facility: `nbins` bins of
/// `width_min` minutes up to the report range, then two extra bars (beyond
/// the range, not on the network), 1.5 slots wide, after a gap.
struct Histogram {
    width_min: f64,
    nbins: usize,
    /// Residents per bin; then beyond the range, then not on the network.
    bins: Vec<f64>,
    bar_w: f64,
    /// The y axis: tick step and top.
    step: f64,
    ymax: f64,
}

impl Histogram {
    fn new(cx: &Ctx) -> Histogram {
        let rep = cx.report_min;
        let width_min = if rep <= 40.0 {
            1.0
        } else {
            (rep / 30.0).ceil()
        };
        let nbins = (rep / width_min).ceil().max(1.0) as usize;
        let mut bins = vec![0.0f64; nbins + 2];
        for (i, c) in cx.inputs.communities.iter().enumerate() {
            let k = if cx.study.placement.community_access[i].is_err() {
                nbins + 1
            } else {
                match cx.any_minutes(i) {
                    Some(m) if m <= rep + 1e-9 => ((m / width_min).ceil() as usize)
                        .saturating_sub(1)
                        .min(nbins - 1),
                    _ => nbins,
                }
            };
            bins[k] += c.population;
        }
        let bar_w = (Self::plot_w() - H_GAP) / (nbins as f64 + 3.0);
        let ymax_raw = bins.iter().copied().fold(0.0, f64::max);
        let step = nice_step(ymax_raw.max(1.0), 4.0);
        let ymax = ((ymax_raw.max(1.0)) / step).ceil() * step;
        Histogram {
            width_min,
            nbins,
            bins,
            bar_w,
            step,
            ymax,
        }
    }

    fn plot_w() -> f64 {
        H_WIDTH - H_LEFT - H_RIGHT
    }

    fn height() -> f64 {
        H_TOP + H_PLOT_H + H_BOTTOM
    }

    fn y(&self, v: f64) -> f64 {
        H_TOP + H_PLOT_H - H_PLOT_H * (v / self.ymax)
    }

    /// Left edge of bar `k`.
    fn bx(&self, k: usize) -> f64 {
        let (nbins, bar_w) = (self.nbins, self.bar_w);
        if k <= nbins {
            H_LEFT + bar_w * k as f64 + if k == nbins { H_GAP } else { 0.0 }
        } else {
            H_LEFT + bar_w * nbins as f64 + H_GAP + 1.5 * bar_w * (k - nbins) as f64
        }
    }

    /// Width of bar `k`.
    fn bw(&self, k: usize) -> f64 {
        if k < self.nbins {
            self.bar_w
        } else {
            1.5 * self.bar_w
        }
    }

    /// Horizontal grid lines with the residents on the left.
    fn y_axis(&self, s: &mut String, cx: &Ctx) {
        // In Chinese, people count in 万 (ten thousand): 40万, not 400,000.
        let wan = cx.lang == Lang::Zh && self.step >= 1e4 && (self.step / 1e4).fract() == 0.0;
        for v in ticks(self.ymax, self.step) {
            let yv = self.y(v);
            let label = if wan && v > 0.0 {
                format!("{}万", num(v / 1e4))
            } else {
                thousands(v)
            };
            let _ = write!(
                s,
                r##"<line x1="{H_LEFT}" y1="{yv:.1}" x2="{:.1}" y2="{yv:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" text-anchor="end" class="tick">{}</text>"##,
                H_WIDTH - H_RIGHT,
                H_LEFT - 6.0,
                yv + 4.0,
                label
            );
        }
        // Chinese stands upright, one character under the other; Latin
        // script turns to run up the axis.
        let turn = match cx.lang {
            Lang::Zh => {
                r#"x="9" y="{y}" writing-mode="vertical-rl" style="text-orientation:upright""#
            }
            Lang::En => r#"transform="translate(14 {y}) rotate(-90)""#,
        };
        let _ = write!(
            s,
            r#"<text {} text-anchor="middle" class="axis">{}</text>"#,
            turn.replace("{y}", &format!("{:.1}", H_TOP + H_PLOT_H / 2.0)),
            esc(tr(cx.lang, "ax_people"))
        );
    }

    /// The colour and tooltip label of bar `k`.
    fn bar_style(&self, cx: &Ctx, k: usize) -> (String, String) {
        let lang = cx.lang;
        let rep = cx.report_min;
        if k < self.nbins {
            let hi = self.width_min * (k + 1) as f64;
            let class = minute_class(Some(hi), true, cx.limit_min, rep);
            (
                hex(CLASS_COLOURS[class]),
                format!(
                    "{}–{} {}",
                    num(self.width_min * k as f64),
                    num(hi),
                    tr(lang, "js.minutes")
                ),
            )
        } else if k == self.nbins {
            (
                hex(CLASS_COLOURS[4]),
                trf(lang, "beyond", &[("minutes", num(rep))]),
            )
        } else {
            (hex(CLASS_COLOURS[5]), tr(lang, "unreachable").to_string())
        }
    }

    fn bars(&self, s: &mut String, cx: &Ctx) {
        for (k, &p) in self.bins.iter().enumerate() {
            let (colour, label) = self.bar_style(cx, k);
            let x0 = self.bx(k) + 1.0;
            let _ = write!(
                s,
                r#"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"><title>{}: {}</title></rect>"#,
                self.y(p),
                (self.bw(k) - 2.0).max(1.0),
                H_TOP + H_PLOT_H - self.y(p),
                esc(&label),
                esc(&trf(cx.lang, "people", &[("value", thousands(p))]))
            );
        }
    }

    /// Minute ticks under the bins, the marks of the two extra bars and the
    /// axis label.
    fn x_axis(&self, s: &mut String, cx: &Ctx) {
        let rep = cx.report_min;
        let nbins = self.nbins;
        // x ticks every 5 bins' worth of minutes.
        let tick_every = if nbins <= 12 { 1 } else { 5 };
        for k in (0..=nbins).step_by(tick_every) {
            let xv = self.bx(0) + self.bar_w * k as f64;
            let _ = write!(
                s,
                r#"<text x="{xv:.1}" y="{:.1}" text-anchor="middle" class="tick">{}</text>"#,
                H_TOP + H_PLOT_H + 16.0,
                num(self.width_min * k as f64)
            );
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="tick">&gt;{}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" class="tick">∅</text>"#,
            self.bx(nbins) + self.bw(nbins) / 2.0,
            H_TOP + H_PLOT_H + 16.0,
            num(rep),
            self.bx(nbins + 1) + self.bw(nbins + 1) / 2.0,
            H_TOP + H_PLOT_H + 16.0
        );
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="axis">{}</text>"#,
            H_LEFT + Self::plot_w() / 2.0,
            H_TOP + H_PLOT_H + 38.0,
            esc(tr(cx.lang, "ax_minutes"))
        );
    }

    /// The walking limit as a dashed line.
    fn limit(&self, s: &mut String, cx: &Ctx) {
        let xl = self.bx(0) + self.bar_w * (cx.limit_min / self.width_min);
        let _ = write!(
            s,
            r##"<line x1="{xl:.1}" y1="{:.1}" x2="{xl:.1}" y2="{:.1}" stroke="#b2182b" stroke-width="2" stroke-dasharray="5 3"/><text x="{:.1}" y="{:.1}" class="ref" fill="#b2182b">{}</text>"##,
            H_TOP - 6.0,
            H_TOP + H_PLOT_H,
            xl + 4.0,
            H_TOP + 4.0,
            esc(&trf(
                cx.lang,
                "limit_line",
                &[("minutes", num(cx.study.settings.minutes))]
            ))
        );
    }

    /// Legend for the two extra bars.
    fn note(&self, s: &mut String, cx: &Ctx) {
        let rep = cx.report_min;
        let _ = write!(
            s,
            r#"<text x="{H_LEFT}" y="{:.1}" class="note">&gt;{}: {} · ∅: {}</text>"#,
            Self::height() - 4.0,
            num(rep),
            esc(&trf(cx.lang, "beyond", &[("minutes", num(rep))])),
            esc(tr(cx.lang, "unreachable"))
        );
    }
}

/// Residents by walking minutes to the nearest facility, with the limit.
pub(super) fn chart_histogram(cx: &Ctx) -> (String, String) {
    let h = Histogram::new(cx);
    let title = tr(cx.lang, "ch_hist").to_string();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg id="chart-histogram" class="chart-svg" viewBox="0 0 {H_WIDTH} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        Histogram::height(),
        esc(&title)
    );
    h.y_axis(&mut s, cx);
    h.bars(&mut s, cx);
    h.x_axis(&mut s, cx);
    h.limit(&mut s, cx);
    h.note(&mut s, cx);
    s.push_str("</svg>");
    (title, s)
}

/// Covered share of the whole area per time window.
pub(super) fn chart_windows(cx: &Ctx) -> (String, String) {
    let lang = cx.lang;
    let ca = cx.ca;
    let title = tr(lang, "ch_windows").to_string();
    let shares = ca
        .units
        .first()
        .map(|u| u.window_share.clone())
        .unwrap_or_default();
    let bars: Vec<Bar> = ca
        .windows
        .iter()
        .zip(shares)
        .map(|(w, share)| {
            let mut b = Bar::new(
                window_label(lang, &w.window.name),
                share,
                pct(share),
                "#6baed6",
            );
            b.tip = format!("{} ({})", b.label, window_spec(lang, &w.window));
            b
        })
        .collect();
    let svg = hbar_svg(
        "chart-windows",
        &title,
        &bars,
        1.0,
        tr(lang, "ax_share"),
        &|v| format!("{:.0}%", 100.0 * v),
    );
    (title, svg)
}

/// Share of residents meeting each life-circle tier.
pub(super) fn chart_tiers(cx: &Ctx) -> (String, String) {
    let lang = cx.lang;
    let ca = cx.ca;
    let title = tr(lang, "ch_tiers").to_string();
    let shares = ca
        .units
        .first()
        .map(|u| u.tier_share.clone())
        .unwrap_or_default();
    let bars: Vec<Bar> = ca
        .tiers
        .iter()
        .zip(shares)
        .map(|(t, share)| {
            Bar::new(
                tier_label(lang, cx.study, &t.name),
                share,
                pct(share),
                "#807dba",
            )
        })
        .collect();
    let svg = hbar_svg(
        "chart-tiers",
        &title,
        &bars,
        1.0,
        tr(lang, "ax_share_tier"),
        &|v| format!("{:.0}%", 100.0 * v),
    );
    (title, svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(1.0, 5.0), 0.2);
        assert_eq!(nice_step(812_935.0, 4.0), 250_000.0);
        assert_eq!(nice_step(0.0, 5.0), 1.0);
    }

    #[test]
    fn ticks_are_bounded() {
        assert_eq!(ticks(1.0, nice_step(1.0, 5.0)).len(), 6);
        for max in [f64::INFINITY, f64::MAX, 1e300, f64::NAN] {
            let n = ticks(max, nice_step(max, 5.0)).len();
            assert!(n <= MAX_TICKS + 1, "{max}: {n} ticks");
        }
        // The top of the histogram's axis can overflow to infinity (a
        // bin near f64::MAX rounded up to a whole step).
        let raw = 1.7e308;
        let step = nice_step(raw, 4.0);
        let top = (raw / step).ceil() * step;
        assert!(top.is_infinite());
        assert!(ticks(top, step).len() <= MAX_TICKS + 1);
        assert_eq!(ticks(10.0, 0.0).len(), MAX_TICKS + 1);
    }
}
