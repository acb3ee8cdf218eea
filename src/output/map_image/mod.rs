//! `map.png`: a static coverage map for documents and slides, drawn with
//! `plotters` into a pixel buffer and encoded as PNG. The walking network in
//! light grey, the area within the walking limit of any facility, the
//! communities coloured by walking minutes to the nearest facility, the
//! facilities as dots, a title and a legend. Text uses DejaVu Sans, embedded
//! in the binary (the `dejavu` crate), so no system font is needed; it has no
//! CJK glyphs, so English labels are drawn with it and CJK characters of a
//! note are left out. Chinese labels (`--lang zh`) need a font with CJK
//! glyphs loaded at run time ([`load_cjk_font`]: `--font FILE`,
//! `FITCIRCLE_FONT`, or a system font found by [`find_cjk_font`]); without one the image
//! stays English.
//!
//! The image is laid out for [`WIDTH`] x [`HEIGHT`] pixels and drawn at a
//! page size ([`PageSize`]): on screen at that size, or for print at A4 or
//! A3 landscape at 300 dpi, every length (margins, fonts, lines, markers)
//! scaled alike. Units are labelled with their names; suggested sites
//! (`fitcircle sites`) are drawn as numbered markers with their walking
//! areas ([`MapOptions::sites`]).

mod facility_style;
mod fonts;
mod frame;
mod furniture;
mod text;

use std::io;
use std::path::Path;

use geo::{Geometry, MultiPolygon, Polygon};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor;

pub use self::fonts::{CJK_FAMILIES, cjk_font, find_cjk_font, has_cjk_glyphs, load_cjk_font};
use self::fonts::{CJK_FONT, FONT, register_font};
use self::frame::{Extent, Frame};
use super::atomic;
use crate::analysis::coverage::Target;
use crate::analysis::siting::SitePlan;
use crate::analysis::study::Study;
use crate::input::Inputs;
use crate::output::classes::{CLASS_COLOURS, minute_class};
use crate::output::format::{num1, thousands};
use crate::output::i18n::{Lang, category_label, tr, trf};
use crate::spatial::representative_point;
use crate::{Error, Result};

/// Image width in pixels on screen (the layout's width).
pub const WIDTH: u32 = 1600;
/// Image height in pixels on screen (the layout's height).
pub const HEIGHT: u32 = 1200;

/// The size of the map images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageSize {
    /// [`WIDTH`] x [`HEIGHT`] pixels, for screens and slides.
    #[default]
    Screen,
    /// A4 landscape (297 x 210 mm) at 300 dpi: 3508 x 2480 pixels.
    A4,
    /// A3 landscape (420 x 297 mm) at 300 dpi: 4961 x 3508 pixels.
    A3,
}

impl PageSize {
    /// Width and height in pixels.
    pub fn pixels(self) -> (u32, u32) {
        match self {
            PageSize::Screen => (WIDTH, HEIGHT),
            PageSize::A4 => (3508, 2480),
            PageSize::A3 => (4961, 3508),
        }
    }

    /// Dots per inch written into the PNG (`None` on screen).
    pub fn dpi(self) -> Option<u32> {
        match self {
            PageSize::Screen => None,
            PageSize::A4 | PageSize::A3 => Some(300),
        }
    }
}

/// What a map image shows besides the run, and how large.
#[derive(Debug, Clone, Copy, Default)]
pub struct MapOptions<'a> {
    /// Language of the labels (Chinese needs a loaded CJK font).
    pub lang: Lang,
    /// The image's size.
    pub size: PageSize,
    /// Suggested sites to draw (numbered, with their walking areas).
    pub sites: Option<&'a SitePlan>,
}

/// The drawing's page: its pixels, and the factor every length of the
/// [`WIDTH`] x [`HEIGHT`] layout is scaled by.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sheet {
    width: u32,
    height: u32,
    k: f64,
}

impl Sheet {
    fn new(size: PageSize) -> Sheet {
        let (width, height) = size.pixels();
        let k = (f64::from(width) / f64::from(WIDTH)).min(f64::from(height) / f64::from(HEIGHT));
        Sheet { width, height, k }
    }

    /// A layout length in pixels of this page.
    pub(super) fn px(&self, v: f64) -> i32 {
        (v * self.k).round() as i32
    }

    /// A layout length as a float (font sizes).
    pub(super) fn f(&self, v: f64) -> f64 {
        v * self.k
    }

    /// A line width of at least one pixel.
    pub(super) fn stroke(&self, v: f64) -> u32 {
        ((v * self.k).round() as u32).max(1)
    }
}

const MARGIN: f64 = 30.0;
const TITLE_H: f64 = 80.0;
const LEGEND_W: i32 = 330;
/// Height of a legend row.
const ROW_H: i32 = 26;
/// Units are labelled on the map when there are at most this many.
const MAX_LABELS: usize = 80;

const BACKGROUND: RGBColor = RGBColor(250, 249, 246);
/// The area within the limit of any facility: filled, and its outline.
const COVERED_FILL: RGBColor = RGBColor(120, 198, 121);
const COVERED_LINE: RGBColor = RGBColor(35, 139, 69);
/// The network, and facilities that do not count.
const GREY: RGBColor = RGBColor(150, 150, 150);
const FACILITY: RGBColor = RGBColor(33, 102, 172);
const UNIT_LINE: RGBColor = RGBColor(60, 60, 60);

/// The image being drawn on.
type Area<'b> = DrawingArea<BitMapBackend<'b>, Shift>;

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn draw_err<E: std::fmt::Debug>(e: E) -> io::Error {
    io::Error::other(format!("drawing the map image: {e:?}"))
}

fn covered_fill() -> RGBAColor {
    COVERED_FILL.mix(0.25)
}

fn unit_style(sheet: &Sheet) -> ShapeStyle {
    UNIT_LINE.stroke_width(sheet.stroke(2.0))
}

/// Suggested sites: a dark violet numbered disc and walking area.
const SITE: RGBColor = RGBColor(118, 42, 131);

fn polygons_of(g: &Geometry<f64>) -> Vec<&Polygon<f64>> {
    match g {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
        _ => Vec::new(),
    }
}

/// Drop characters DejaVu Sans cannot show (CJK and beyond), tidy spaces.
fn latin_only(s: &str) -> String {
    let kept: String = s
        .chars()
        .map(|c| if (c as u32) < 0x2000 { c } else { ' ' })
        .collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    words.join(" ")
}

/// Notes under the map: estimates, and the approximate-distance warning
/// unless the subtitle already says it; at most 150 characters each.
fn map_notes(inputs: &Inputs, study: &Study, lang: Lang) -> Vec<String> {
    if lang == Lang::Zh {
        // The run's notes are in English: the Chinese note says the same.
        return crate::output::i18n::estimate_kinds(inputs)
            .into_iter()
            .map(|k| tr(lang, &format!("map.note_{k}")).to_string())
            .collect();
    }
    inputs
        .notes
        .iter()
        .filter(|n| {
            n.contains("ESTIMATE") || (n.contains("APPROXIMATE") && !study.mode().is_approximate())
        })
        .map(|n| {
            let n = match lang {
                Lang::Zh => n.split_whitespace().collect::<Vec<_>>().join(" "),
                Lang::En => latin_only(n),
            };
            if n.chars().count() > 150 {
                n.chars().take(147).collect::<String>() + "..."
            } else {
                n
            }
        })
        .collect()
}

/// What the map must show: network nodes, communities, facilities and
/// unit boundaries.
fn map_extent(inputs: &Inputs, study: &Study) -> Extent {
    let mut pts = Extent::new(study.placement.proj);
    if let Some(g) = study.graph() {
        pts.extend(g.net.coords.iter().copied());
    }
    for g in inputs
        .communities
        .iter()
        .map(|c| &c.geometry)
        .chain(inputs.facilities.iter().map(|f| &f.geometry))
    {
        match g {
            Geometry::Point(p) => pts.push([p.x(), p.y()]),
            other => {
                for p in polygons_of(other) {
                    pts.extend(p.exterior().0.iter().map(|c| [c.x, c.y]));
                }
                if let Some(p) = representative_point(other) {
                    pts.push([p.x(), p.y()]);
                }
            }
        }
    }
    for u in &inputs.units {
        for p in &u.geometry.0 {
            pts.extend(p.exterior().0.iter().map(|c| [c.x, c.y]));
        }
    }
    pts
}

/// One map.png: the run, its labels, and where things go.
struct Map<'a> {
    inputs: &'a Inputs,
    study: &'a Study,
    lang: Lang,
    sheet: Sheet,
    sites: Option<&'a SitePlan>,
    /// The font family of the labels.
    font: &'static str,
    frame: Frame,
    /// Index of the "any facility" target, and the area within its limit.
    any: Option<usize>,
    covered: Option<&'a MultiPolygon<f64>>,
    mpm: f64,
    limit_min: f64,
    report_min: f64,
    notes: Vec<String>,
}

impl<'a> Map<'a> {
    fn new(inputs: &'a Inputs, study: &'a Study, options: &MapOptions<'a>) -> Map<'a> {
        let lang = options.lang;
        let sheet = Sheet::new(options.size);
        let font = match lang {
            Lang::Zh => CJK_FONT,
            Lang::En => FONT,
        };
        let notes = map_notes(inputs, study, lang);
        let footer_h = 26.0 * (notes.len() + 1) as f64;
        let area = (
            sheet.f(MARGIN),
            sheet.f(TITLE_H),
            f64::from(sheet.width) - sheet.f(3.0 * MARGIN + f64::from(LEGEND_W)),
            f64::from(sheet.height) - sheet.f(TITLE_H + MARGIN + footer_h),
        );
        let frame = Frame::fit(&map_extent(inputs, study), area);
        let any = study.scenarios.now.target_index(Target::Any);
        let mpm = study.settings.metres_per_minute();
        Map {
            inputs,
            study,
            lang,
            sheet,
            sites: options.sites,
            font,
            frame,
            any,
            covered: any.and_then(|t| study.isochrone(t)),
            mpm,
            limit_min: study.scenarios.now.settings.limit_m / mpm,
            report_min: study.scenarios.now.settings.report_m / mpm,
            notes,
        }
    }

    /// Minute class of community `i`.
    fn class_of(&self, i: usize) -> usize {
        let minutes = self
            .any
            .and_then(|t| self.study.scenarios.now.nearest_m[t].get(i))
            .map(|d| d / self.mpm);
        minute_class(
            minutes,
            self.study.placement.community_access[i].is_ok(),
            self.limit_min,
            self.report_min,
        )
    }

    /// The covered area (any facility), filled, holes punched with the
    /// background; outlined after the network.
    fn draw_covered_area(&self, root: &Area) -> io::Result<()> {
        let Some(mp) = self.covered else {
            return Ok(());
        };
        for p in &mp.0 {
            let ring = self.frame.ring(p.exterior());
            if ring.len() >= 3 {
                root.draw(&plotters::element::Polygon::new(
                    ring,
                    covered_fill().filled(),
                ))
                .map_err(draw_err)?;
            }
            for hole in p.interiors() {
                let ring = self.frame.ring(hole);
                if ring.len() >= 3 {
                    root.draw(&plotters::element::Polygon::new(ring, BACKGROUND.filled()))
                        .map_err(draw_err)?;
                }
            }
        }
        Ok(())
    }

    /// Community polygons by minute class.
    fn draw_communities(&self, root: &Area) -> io::Result<()> {
        for (i, c) in self.inputs.communities.iter().enumerate() {
            let colour = rgb(CLASS_COLOURS[self.class_of(i)]);
            for p in polygons_of(&c.geometry) {
                let ring = self.frame.ring(p.exterior());
                if ring.len() >= 3 {
                    root.draw(&plotters::element::Polygon::new(
                        ring.clone(),
                        colour.mix(0.55).filled(),
                    ))
                    .map_err(draw_err)?;
                    let mut closed = ring;
                    closed.push(closed[0]);
                    root.draw(&PathElement::new(
                        closed,
                        colour.stroke_width(self.sheet.stroke(1.0)),
                    ))
                    .map_err(draw_err)?;
                }
            }
        }
        Ok(())
    }

    fn draw_network(&self, root: &Area) -> io::Result<()> {
        let Some(g) = self.study.graph() else {
            return Ok(());
        };
        let style = GREY.mix(0.8).stroke_width(self.sheet.stroke(1.0));
        for e in 0..g.net.edges.len() {
            let line: Vec<(i32, i32)> = g
                .net
                .edge_geom(e)
                .iter()
                .map(|c| self.frame.px(*c))
                .collect();
            if line.len() >= 2 {
                root.draw(&PathElement::new(line, style))
                    .map_err(draw_err)?;
            }
        }
        Ok(())
    }

    /// Outline of the covered area: the outer edge bold, holes thin.
    fn draw_covered_outline(&self, root: &Area) -> io::Result<()> {
        let Some(mp) = self.covered else {
            return Ok(());
        };
        for p in &mp.0 {
            let ring = self.frame.ring(p.exterior());
            if ring.len() >= 2 {
                let style = COVERED_LINE.stroke_width(self.sheet.stroke(2.0));
                root.draw(&PathElement::new(ring, style))
                    .map_err(draw_err)?;
            }
            for hole in p.interiors() {
                let ring = self.frame.ring(hole);
                if ring.len() >= 2 {
                    let style = COVERED_LINE.stroke_width(self.sheet.stroke(1.0));
                    root.draw(&PathElement::new(ring, style))
                        .map_err(draw_err)?;
                }
            }
        }
        Ok(())
    }

    /// Outer edges of the walking bands inside the limit (5 and 10 minutes
    /// by default), in the colour of their minute class in the legend.
    fn draw_inner_bands(&self, root: &Area) -> io::Result<()> {
        let Some(bands) = self.any.and_then(|t| self.study.bands.get(t)) else {
            return Ok(());
        };
        for (m, mp) in self.study.band_minutes.iter().zip(bands) {
            if *m >= self.limit_min - 1e-9 {
                continue;
            }
            let colour =
                rgb(CLASS_COLOURS[minute_class(Some(*m), true, self.limit_min, self.report_min)]);
            for p in &mp.0 {
                let ring = self.frame.ring(p.exterior());
                if ring.len() >= 2 {
                    let style = colour.stroke_width(self.sheet.stroke(2.0));
                    root.draw(&PathElement::new(ring, style))
                        .map_err(draw_err)?;
                }
            }
        }
        Ok(())
    }

    fn draw_units(&self, root: &Area) -> io::Result<()> {
        for u in &self.inputs.units {
            for p in &u.geometry.0 {
                for l in std::iter::once(p.exterior()).chain(p.interiors()) {
                    let ring = self.frame.ring(l);
                    if ring.len() >= 2 {
                        root.draw(&PathElement::new(ring, unit_style(&self.sheet)))
                            .map_err(draw_err)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Point communities, on top of the lines.
    fn draw_point_communities(&self, root: &Area) -> io::Result<()> {
        for (i, c) in self.inputs.communities.iter().enumerate() {
            if !polygons_of(&c.geometry).is_empty() {
                continue;
            }
            if let Some(p) = representative_point(&c.geometry) {
                let colour = rgb(CLASS_COLOURS[self.class_of(i)]);
                let at = self.frame.px([p.x(), p.y()]);
                let r = self.sheet.px(6.0);
                root.draw(&Circle::new(at, r, colour.filled()))
                    .map_err(draw_err)?;
                let edge = RGBColor(80, 80, 80).stroke_width(self.sheet.stroke(1.0));
                root.draw(&Circle::new(at, r, edge)).map_err(draw_err)?;
            }
        }
        Ok(())
    }

    /// Facilities by state ([`facility_style::State`]): blue dots when
    /// counted, orange rings when planned, red crosses when closed to the
    /// public, grey dots when off the network; lines (trails) as lines.
    fn draw_facilities(&self, root: &Area) -> io::Result<()> {
        for (i, f) in self.inputs.facilities.iter().enumerate() {
            let state = self.facility_state(i);
            if facility_style::draw_line(root, &self.frame, &self.sheet, &f.geometry, state)? {
                continue;
            }
            if let Some(p) = representative_point(&f.geometry) {
                facility_style::marker(root, &self.sheet, state, self.frame.px([p.x(), p.y()]))?;
            }
        }
        Ok(())
    }

    /// Suggested sites: each one's walking area, then a numbered disc.
    fn draw_sites(&self, root: &Area) -> io::Result<()> {
        let Some(plan) = self.sites else {
            return Ok(());
        };
        for s in &plan.sites {
            for p in &s.isochrone.0 {
                let ring = self.frame.ring(p.exterior());
                if ring.len() >= 3 {
                    root.draw(&plotters::element::Polygon::new(
                        ring.clone(),
                        SITE.mix(0.08).filled(),
                    ))
                    .map_err(draw_err)?;
                    let style = SITE.mix(0.9).stroke_width(self.sheet.stroke(2.0));
                    root.draw(&PathElement::new(ring, style))
                        .map_err(draw_err)?;
                }
            }
        }
        for s in &plan.sites {
            let at = self.frame.px(s.lonlat);
            self.site_marker(root, at, Some(s.pick.rank))?;
        }
        Ok(())
    }

    /// A site's marker at `at`: a violet disc, with its rank in white.
    fn site_marker(&self, root: &Area, at: (i32, i32), rank: Option<u32>) -> io::Result<()> {
        let sh = self.sheet;
        let r = sh.px(if rank.is_some() { 12.0 } else { 9.0 });
        root.draw(&Circle::new(at, r, SITE.filled()))
            .map_err(draw_err)?;
        root.draw(&Circle::new(at, r, WHITE.stroke_width(sh.stroke(2.0))))
            .map_err(draw_err)?;
        if let Some(rank) = rank {
            let style = (FONT, sh.f(15.0))
                .into_font()
                .style(FontStyle::Bold)
                .color(&WHITE)
                .pos(text_anchor::Pos::new(
                    text_anchor::HPos::Center,
                    text_anchor::VPos::Center,
                ));
            text::draw(root, rank.to_string(), at, style)?;
        }
        Ok(())
    }

    /// The units' names at a point inside each (at most [`MAX_LABELS`]
    /// units; larger units first, a label overlapping one already placed
    /// left out), dark on a white halo.
    fn draw_unit_labels(&self, root: &Area) -> io::Result<()> {
        let units = &self.inputs.units;
        if units.is_empty() || units.len() > MAX_LABELS {
            return Ok(());
        }
        let sh = self.sheet;
        let mut order: Vec<(f64, usize)> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (geo::Area::unsigned_area(&u.geometry), i))
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let font = (self.font, sh.f(17.0)).into_font().style(FontStyle::Bold);
        let centred = text_anchor::Pos::new(text_anchor::HPos::Center, text_anchor::VPos::Center);
        let mut placed: Vec<[i32; 4]> = Vec::new();
        for (_, i) in order {
            let u = &units[i];
            let Some(p) = label_point(&u.geometry) else {
                continue;
            };
            if u.name.trim().is_empty() {
                continue;
            }
            let (x, y) = self.frame.px([p.x(), p.y()]);
            let (w, h) = root
                .estimate_text_size(&u.name, &font.color(&BLACK))
                .map_err(draw_err)?;
            let (w, h) = (w as i32 / 2 + sh.px(3.0), h as i32 / 2 + sh.px(2.0));
            let bx = [x - w, y - h, x + w, y + h];
            if placed
                .iter()
                .any(|b| bx[0] < b[2] && b[0] < bx[2] && bx[1] < b[3] && b[1] < bx[3])
            {
                continue;
            }
            placed.push(bx);
            let halo = font.color(&WHITE).pos(centred);
            let d = sh.px(2.0).max(1);
            for (dx, dy) in [
                (-d, 0),
                (d, 0),
                (0, -d),
                (0, d),
                (-d, -d),
                (d, d),
                (-d, d),
                (d, -d),
            ] {
                text::draw(root, u.name.as_str(), (x + dx, y + dy), halo.clone())?;
            }
            let ink = font.color(&RGBColor(40, 40, 40)).pos(centred);
            text::draw(root, u.name.as_str(), (x, y), ink)?;
        }
        Ok(())
    }

    /// The drawing state of facility `i`.
    fn facility_state(&self, i: usize) -> facility_style::State {
        let study = self.study;
        facility_style::State::of(
            &self.inputs.facilities[i],
            study.scenarios.counts_now[i],
            study.placement.facility_access[i].is_ok(),
        )
    }

    /// The facility states present, in legend order.
    fn facility_states(&self) -> Vec<facility_style::State> {
        let mut states: Vec<facility_style::State> = (0..self.inputs.facilities.len())
            .map(|i| self.facility_state(i))
            .collect();
        states.sort_unstable();
        states.dedup();
        if states.is_empty() {
            states.push(facility_style::State::Counted);
        }
        states
    }

    fn sub_font(&self) -> TextStyle<'static> {
        (self.font, self.sheet.f(18.0))
            .into_font()
            .color(&RGBColor(80, 80, 80))
    }

    /// The title (coverage of the whole area) and the method under it.
    fn draw_title(&self, root: &Area) -> io::Result<()> {
        let (lang, study) = (self.lang, self.study);
        let all = &study.areas[0];
        let share = self
            .any
            .and_then(|t| all.targets.get(t))
            .map(|t| t.share())
            .unwrap_or(0.0);
        let title = match self.sites {
            Some(plan) => {
                let added = plan
                    .sites
                    .last()
                    .map_or(0.0, |s| s.pick.cumulative_population);
                trf(
                    lang,
                    "map.sites_title",
                    &[
                        ("n", plan.sites.len().to_string()),
                        ("category", category_label(lang, plan.category)),
                        ("walk", format!("{:.0}", plan.walk_m)),
                        ("people", thousands(added)),
                    ],
                )
            }
            None => trf(
                lang,
                "map.title",
                &[
                    ("minutes", num1(study.settings.minutes)),
                    ("share", format!("{:.1}", 100.0 * share)),
                    ("population", thousands(all.population)),
                ],
            ),
        };
        let title_font = (self.font, self.sheet.f(30.0))
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK);
        let at = (self.sheet.px(MARGIN), self.sheet.px(18.0));
        text::draw(root, title, at, title_font)?;
        let method = if study.mode().is_approximate() {
            trf(
                lang,
                "map.method_straight",
                &[("detour", study.settings.detour_factor.to_string())],
            )
        } else {
            trf(
                lang,
                "map.method_network",
                &[
                    ("speed", num1(study.settings.speed_kmh)),
                    (
                        "limit",
                        format!("{:.0}", study.scenarios.now.settings.limit_m),
                    ),
                ],
            )
        };
        let at = (self.sheet.px(MARGIN), self.sheet.px(52.0));
        text::draw(root, method, at, self.sub_font())
    }

    /// The labels of the minute classes.
    fn class_labels(&self) -> [String; 6] {
        let lang = self.lang;
        let (lim, rep) = (self.limit_min, self.report_min);
        let range =
            |a: f64, b: f64| trf(lang, "map.class_range", &[("a", num1(a)), ("b", num1(b))]);
        [
            trf(lang, "map.class_le", &[("a", num1(lim / 3.0))]),
            range(lim / 3.0, 2.0 * lim / 3.0),
            range(2.0 * lim / 3.0, lim),
            range(lim, rep),
            trf(lang, "map.class_beyond", &[("a", num1(rep))]),
            tr(lang, "map.class_off").to_string(),
        ]
    }

    /// The legend, right of the map: a box, a heading, the minute classes,
    /// then the covered area, facilities, network and unit boundaries.
    fn draw_legend(&self, root: &Area) -> io::Result<()> {
        let classes = self.class_labels();
        let rows = classes.len()
            + 1
            + self.facility_states().len()
            + usize::from(self.study.graph().is_some())
            + usize::from(!self.inputs.units.is_empty())
            + usize::from(self.sites.is_some());
        let sh = self.sheet;
        let lw = sh.px(f64::from(LEGEND_W));
        let lh = sh.px(f64::from(40 + ROW_H * rows as i32));
        let lx = self.legend_x();
        let ly = sh.px(TITLE_H);
        root.draw(&Rectangle::new(
            [(lx, ly), (lx + lw, ly + lh)],
            WHITE.mix(0.92).filled(),
        ))
        .map_err(draw_err)?;
        root.draw(&Rectangle::new(
            [(lx, ly), (lx + lw, ly + lh)],
            RGBColor(160, 160, 160).stroke_width(sh.stroke(1.0)),
        ))
        .map_err(draw_err)?;
        let head_font = (self.font, sh.f(18.0))
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK);
        text::draw(
            root,
            tr(self.lang, "map.legend"),
            (lx + sh.px(12.0), ly + sh.px(10.0)),
            head_font,
        )?;
        let mut y = ly + sh.px(40.0);
        for (k, label) in classes.iter().enumerate() {
            root.draw(&Rectangle::new(
                [(lx + sh.px(12.0), y), (lx + sh.px(40.0), y + sh.px(18.0))],
                rgb(CLASS_COLOURS[k]).filled(),
            ))
            .map_err(draw_err)?;
            self.legend_label(root, label, lx, y)?;
            y += sh.px(f64::from(ROW_H));
        }
        self.draw_legend_symbols(root, lx, y)
    }

    /// A north arrow and a scale bar at the foot of the legend column, level
    /// with the bottom of the map area (the scale holds there: one local
    /// projection for the whole map).
    fn draw_furniture(&self, root: &Area) -> io::Result<()> {
        let sh = self.sheet;
        let lx = self.legend_x();
        let bottom = f64::from(sh.height) - sh.f(MARGIN + 26.0 * (self.notes.len() + 1) as f64);
        let top = bottom as i32 - sh.px(60.0);
        furniture::draw_north_arrow(root, &sh, self.font, lx + sh.px(30.0), top)?;
        furniture::draw_scale_bar(
            root,
            &sh,
            self.font,
            self.frame.px_per_m(),
            (lx + sh.px(80.0), top + sh.px(20.0)),
            f64::from(sh.px(f64::from(LEGEND_W - 120))),
        )
    }

    /// The left edge of the legend column.
    fn legend_x(&self) -> i32 {
        let sh = self.sheet;
        sh.width as i32 - sh.px(MARGIN) - sh.px(f64::from(LEGEND_W))
    }

    /// The legend's rows below the minute classes, from `y`.
    fn draw_legend_symbols(&self, root: &Area, lx: i32, mut y: i32) -> io::Result<()> {
        let lang = self.lang;
        let sh = self.sheet;
        let row = sh.px(f64::from(ROW_H));
        let swatch = [(lx + sh.px(12.0), y), (lx + sh.px(40.0), y + sh.px(18.0))];
        root.draw(&Rectangle::new(swatch, covered_fill().filled()))
            .map_err(draw_err)?;
        root.draw(&Rectangle::new(
            swatch,
            COVERED_LINE.stroke_width(sh.stroke(2.0)),
        ))
        .map_err(draw_err)?;
        let within = trf(lang, "map.within", &[("a", num1(self.limit_min))]);
        self.legend_label(root, &within, lx, y)?;
        for state in self.facility_states() {
            y += row;
            let at = (lx + sh.px(26.0), y + sh.px(9.0));
            facility_style::marker(root, &sh, state, at)?;
            self.legend_label(root, tr(lang, state.legend_key()), lx, y)?;
        }
        let lines = [
            (
                self.study.graph().is_some(),
                GREY.stroke_width(sh.stroke(2.0)),
                "map.network",
            ),
            (!self.inputs.units.is_empty(), unit_style(&sh), "map.unit"),
        ];
        for (shown, style, key) in lines {
            if !shown {
                continue;
            }
            y += row;
            root.draw(&PathElement::new(
                vec![
                    (lx + sh.px(12.0), y + sh.px(9.0)),
                    (lx + sh.px(40.0), y + sh.px(9.0)),
                ],
                style,
            ))
            .map_err(draw_err)?;
            self.legend_label(root, tr(lang, key), lx, y)?;
        }
        if let Some(plan) = self.sites {
            y += row;
            self.site_marker(root, (lx + sh.px(26.0), y + sh.px(9.0)), None)?;
            let label = trf(
                lang,
                "map.sites",
                &[("category", category_label(lang, plan.category))],
            );
            self.legend_label(root, &label, lx, y)?;
        }
        Ok(())
    }

    /// The text of a legend row at `y`.
    fn legend_label(&self, root: &Area, text: &str, lx: i32, y: i32) -> io::Result<()> {
        let sh = self.sheet;
        let item_font = (self.font, sh.f(16.0)).into_font().color(&BLACK);
        text::draw(root, text, (lx + sh.px(50.0), y + sh.px(1.0)), item_font)
    }

    /// The attribution (bottom left) and the notes above it.
    fn draw_footer(&self, root: &Area) -> io::Result<()> {
        let sh = self.sheet;
        let bottom = sh.height as i32;
        if self.study.graph().is_some() {
            text::draw(
                root,
                tr(self.lang, "map.attribution"),
                (sh.px(MARGIN), bottom - sh.px(24.0)),
                self.sub_font(),
            )?;
        }
        for (k, n) in self.notes.iter().enumerate() {
            text::draw(
                root,
                n.clone(),
                (sh.px(MARGIN), bottom - sh.px(50.0 + 24.0 * k as f64)),
                (self.font, sh.f(16.0))
                    .into_font()
                    .color(&RGBColor(150, 40, 30)),
            )?;
        }
        Ok(())
    }
}

/// Render the map into an RGB buffer of `WIDTH x HEIGHT`, layer by layer
/// from the bottom. Labels are in `lang`, except that Chinese needs a
/// loaded CJK font ([`cjk_font`]); without one they are English.
fn render(inputs: &Inputs, study: &Study, options: &MapOptions<'_>) -> io::Result<Vec<u8>> {
    register_font();
    let lang = if cjk_font().is_some() {
        options.lang
    } else {
        Lang::En
    };
    let map = Map::new(inputs, study, &MapOptions { lang, ..*options });
    let (width, height) = options.size.pixels();
    let mut buf = vec![255u8; (width as usize) * (height as usize) * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (width, height)).into_drawing_area();
        root.fill(&BACKGROUND).map_err(draw_err)?;
        map.draw_covered_area(&root)?;
        map.draw_communities(&root)?;
        map.draw_network(&root)?;
        map.draw_covered_outline(&root)?;
        map.draw_inner_bands(&root)?;
        map.draw_units(&root)?;
        map.draw_point_communities(&root)?;
        map.draw_facilities(&root)?;
        map.draw_sites(&root)?;
        map.draw_unit_labels(&root)?;
        map.draw_title(&root)?;
        map.draw_legend(&root)?;
        map.draw_furniture(&root)?;
        map.draw_footer(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

/// Where a unit's name goes: the centre of its largest polygon when that
/// lies inside it, else a point inside it.
pub(crate) fn label_point(mp: &MultiPolygon<f64>) -> Option<geo::Point<f64>> {
    use geo::{Centroid, Contains};
    let largest =
        mp.0.iter()
            .max_by(|a, b| geo::Area::unsigned_area(*a).total_cmp(&geo::Area::unsigned_area(*b)))?;
    match largest.centroid() {
        Some(c) if largest.contains(&c) => Some(c),
        _ => representative_point(&Geometry::Polygon(largest.clone())),
    }
}

/// Encode an RGB buffer as PNG, with its resolution when it is for print.
fn encode_png(
    w: &mut dyn io::Write,
    rgb: &[u8],
    (width, height): (u32, u32),
    dpi: Option<u32>,
) -> io::Result<()> {
    let mut enc = png::Encoder::new(w, width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    if let Some(dpi) = dpi {
        // Pixels per metre: 300 dpi = 11811.
        let ppm = (f64::from(dpi) / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
    }
    let mut writer = enc.write_header().map_err(io::Error::other)?;
    writer.write_image_data(rgb).map_err(io::Error::other)?;
    writer.finish().map_err(io::Error::other)
}

/// Write the static coverage map to `path` (PNG, [`WIDTH`] x [`HEIGHT`]),
/// atomically: a temporary file in the same folder, then rename. Labels in
/// `lang` (Chinese only when a CJK font is loaded, else English).
pub fn write_map_png(path: &Path, inputs: &Inputs, study: &Study, lang: Lang) -> Result<()> {
    write_map_png_with(
        path,
        inputs,
        study,
        &MapOptions {
            lang,
            ..MapOptions::default()
        },
    )
}

/// [`write_map_png`] at a page size, with suggested sites.
pub fn write_map_png_with(
    path: &Path,
    inputs: &Inputs,
    study: &Study,
    options: &MapOptions<'_>,
) -> Result<()> {
    let rgb = render(inputs, study, options).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    atomic::write_file(path, &|w| {
        encode_png(w, &rgb, options.size.pixels(), options.size.dpi())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_is_left_out_of_image_text() {
        assert_eq!(
            latin_only("北京市西城区 Xicheng District: 791"),
            "Xicheng District: 791"
        );
    }
}
