//! `map.png`: a static coverage map for documents and slides, drawn with
//! `plotters` into a pixel buffer and encoded as PNG. The walking network in
//! light grey, the area within the walking limit of any facility, the
//! communities coloured by walking minutes to the nearest facility, the
//! facilities as dots, a title and a legend. Text uses DejaVu Sans, embedded
//! in the binary (the `dejavu` crate), so no system font is needed; it has no
//! CJK glyphs, so English labels are drawn with it and CJK characters of a
//! note are left out. Chinese labels (`--lang zh`) need a font with CJK
//! glyphs loaded at run time ([`load_cjk_font`]: `--font FILE`,
//! `FITCIRCLE_FONT`, or one of [`CJK_FONT_PATHS`]); without one the image
//! stays English.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Once, OnceLock};

use geo::{Geometry, LineString, MultiPolygon, Polygon};
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::atomic;
use super::report::{Lang, tr, trf};
use crate::analysis::coverage::Target;
use crate::analysis::study::Study;
use crate::input::Inputs;
use crate::spatial::LocalProjection;
use crate::spatial::representative_point;
use crate::{Error, Result};

/// Image size in pixels.
pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 1200;

const FONT: &str = "fitcircle-sans";
const CJK_FONT: &str = "fitcircle-cjk";

/// Where common systems keep a font with Chinese glyphs, tried in order
/// (Debian `fonts-wqy-microhei`, `fonts-wqy-zenhei`, `fonts-noto-cjk`,
/// Fedora / Arch Noto CJK, `fonts-arphic-uming`, macOS, Windows). In a
/// `.ttc` collection the first face is used.
pub const CJK_FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:\\Windows\\Fonts\\msyh.ttc",
    "C:\\Windows\\Fonts\\simhei.ttf",
];

/// A character every CJK font used for the labels must have (健, as in 健身).
const CJK_PROBE: char = '\u{5065}';

/// The CJK font registered for this process, if any.
static CJK_LOADED: OnceLock<PathBuf> = OnceLock::new();

/// The first of [`CJK_FONT_PATHS`] that exists.
pub fn find_cjk_font() -> Option<PathBuf> {
    CJK_FONT_PATHS
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Whether `bytes` hold a font (or the first face of a collection) with
/// an outline for [`CJK_PROBE`].
pub fn has_cjk_glyphs(bytes: &[u8]) -> bool {
    use ab_glyph::Font;
    match ab_glyph::FontRef::try_from_slice(bytes) {
        Ok(f) => {
            let id = f.glyph_id(CJK_PROBE);
            id.0 != 0 && f.outline(id).is_some_and(|o| !o.curves.is_empty())
        }
        Err(_) => false,
    }
}

/// Load the font file at `path` for Chinese labels in map.png. The file is
/// read once and kept for the life of the process (plotters needs the
/// bytes for as long as it draws); later calls with any path keep the first
/// font. Fails, naming the file, when it cannot be read, is not a font, or
/// has no Chinese glyphs.
pub fn load_cjk_font(path: &Path) -> Result<()> {
    if CJK_LOADED.get().is_some() {
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if !has_cjk_glyphs(&bytes) {
        return Err(Error::file(
            path,
            "not a TrueType/OpenType font with Chinese glyphs (map.png needs one for --lang zh; \
             e.g. /usr/share/fonts/truetype/wqy/wqy-microhei.ttc from fonts-wqy-microhei)",
        ));
    }
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font(CJK_FONT, FontStyle::Normal, bytes)
        .map_err(|_| Error::file(path, "the font could not be registered for drawing"))?;
    let _ = CJK_LOADED.set(path.to_path_buf());
    Ok(())
}

/// The CJK font loaded by [`load_cjk_font`], if any.
pub fn cjk_font() -> Option<&'static Path> {
    CJK_LOADED.get().map(PathBuf::as_path)
}
const MARGIN: f64 = 30.0;
const TITLE_H: f64 = 80.0;
const LEGEND_W: i32 = 330;

/// Colours of the minute classes (<= limit/3, <= 2/3, <= limit, <= report
/// range, beyond, not on the network); the report uses the same ones.
pub const CLASS_COLOURS: [(u8, u8, u8); 6] = [
    (26, 152, 80),
    (102, 189, 99),
    (217, 239, 139),
    (253, 174, 97),
    (215, 48, 39),
    (140, 140, 140),
];

static FONT_ONCE: Once = Once::new();

fn register_font() {
    FONT_ONCE.call_once(|| {
        // DejaVu Sans is a valid TrueType font; a failure would be a bug in
        // the dependency, and text would then be left out, not crash.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Minute class of a community: 0..=3 by the limit's thirds and the report
/// range, 4 beyond (or no facility), 5 not attached to the network.
pub fn minute_class(
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

/// Drop characters DejaVu Sans cannot show (CJK and beyond), tidy spaces.
fn latin_only(s: &str) -> String {
    let kept: String = s
        .chars()
        .map(|c| if (c as u32) < 0x2000 { c } else { ' ' })
        .collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    words.join(" ")
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

/// Maps lon/lat to pixels, keeping the local metric aspect ratio.
struct Frame {
    proj: LocalProjection,
    min: [f64; 2],
    scale: f64,
    ox: f64,
    oy: f64,
    h: f64,
}

impl Frame {
    fn fit(extent: &Extent, area: (f64, f64, f64, f64)) -> Frame {
        let (x0, y0, w, h) = area;
        let (proj, mut min, mut max) = (extent.proj, extent.min, extent.max);
        if !min[0].is_finite() {
            min = [-500.0, -500.0];
            max = [500.0, 500.0];
        }
        let span = [(max[0] - min[0]).max(1.0), (max[1] - min[1]).max(1.0)];
        let scale = (w / span[0]).min(h / span[1]);
        let ox = x0 + (w - span[0] * scale) / 2.0;
        let oy = y0 + (h - span[1] * scale) / 2.0;
        Frame {
            proj,
            min,
            scale,
            ox,
            oy,
            h: span[1] * scale,
        }
    }

    fn px(&self, p: [f64; 2]) -> (i32, i32) {
        let q = self.proj.project(p);
        let x = self.ox + (q[0] - self.min[0]) * self.scale;
        let y = self.oy + self.h - (q[1] - self.min[1]) * self.scale;
        (x.round() as i32, y.round() as i32)
    }

    fn ring(&self, l: &LineString<f64>) -> Vec<(i32, i32)> {
        let mut out: Vec<(i32, i32)> = Vec::with_capacity(l.0.len());
        for c in &l.0 {
            let p = self.px([c.x, c.y]);
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    }
}

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn draw_err<E: std::fmt::Debug>(e: E) -> io::Error {
    io::Error::other(format!("drawing the map image: {e:?}"))
}

/// The projected bounding box of the points the map must show, kept as
/// they are seen (a metropolis has millions of them: no list).
struct Extent {
    proj: LocalProjection,
    min: [f64; 2],
    max: [f64; 2],
}

impl Extent {
    fn new(proj: LocalProjection) -> Extent {
        Extent {
            proj,
            min: [f64::INFINITY; 2],
            max: [f64::NEG_INFINITY; 2],
        }
    }

    fn push(&mut self, p: [f64; 2]) {
        let q = self.proj.project(p);
        for ((lo, hi), v) in self.min.iter_mut().zip(&mut self.max).zip(q) {
            *lo = lo.min(v);
            *hi = hi.max(v);
        }
    }

    fn extend(&mut self, pts: impl IntoIterator<Item = [f64; 2]>) {
        for p in pts {
            self.push(p);
        }
    }
}

fn polygons_of(g: &Geometry<f64>) -> Vec<&Polygon<f64>> {
    match g {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
        _ => Vec::new(),
    }
}

/// Render the map into an RGB buffer of `WIDTH x HEIGHT`. Labels are in
/// `lang`, except that Chinese needs a loaded CJK font ([`cjk_font`]);
/// without one they are English.
fn render(inputs: &Inputs, study: &Study, lang: Lang) -> io::Result<Vec<u8>> {
    register_font();
    let lang = if cjk_font().is_some() { lang } else { Lang::En };
    let font = match lang {
        Lang::Zh => CJK_FONT,
        Lang::En => FONT,
    };
    let mut buf = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        let background = RGBColor(250, 249, 246);
        root.fill(&background).map_err(draw_err)?;

        // The frame: network nodes, communities and facilities.
        let mut pts = Extent::new(study.proj);
        if let Some(g) = &study.graph {
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
        // Notes under the map: estimates, and the approximate-distance
        // warning unless the subtitle already says it.
        let notes: Vec<String> = inputs
            .notes
            .iter()
            .filter(|n| {
                n.contains("ESTIMATE")
                    || (n.contains("APPROXIMATE") && !study.mode.is_approximate())
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
            .collect();
        for u in &inputs.units {
            for p in &u.geometry.0 {
                pts.extend(p.exterior().0.iter().map(|c| [c.x, c.y]));
            }
        }
        let footer_h = 26.0 * (notes.len() + 1) as f64;
        let area = (
            MARGIN,
            TITLE_H,
            WIDTH as f64 - 3.0 * MARGIN - LEGEND_W as f64,
            HEIGHT as f64 - TITLE_H - MARGIN - footer_h,
        );
        let fr = Frame::fit(&pts, area);

        // Covered area (any facility): filled, holes punched with the
        // background; outlined after the network.
        let any = study.coverage.target_index(Target::Any);
        let covered: Option<&MultiPolygon<f64>> = any.and_then(|t| study.isochrones.get(t));
        let fill = RGBColor(120, 198, 121).mix(0.25);
        let outline = RGBColor(35, 139, 69);
        if let Some(mp) = covered {
            for p in &mp.0 {
                let ring = fr.ring(p.exterior());
                if ring.len() >= 3 {
                    root.draw(&plotters::element::Polygon::new(ring, fill.filled()))
                        .map_err(draw_err)?;
                }
                for hole in p.interiors() {
                    let ring = fr.ring(hole);
                    if ring.len() >= 3 {
                        root.draw(&plotters::element::Polygon::new(ring, background.filled()))
                            .map_err(draw_err)?;
                    }
                }
            }
        }

        // Communities by minute class.
        let mpm = study.settings.metres_per_minute();
        let limit_min = study.coverage.settings.limit_m / mpm;
        let report_min = study.coverage.settings.report_m / mpm;
        let class_of = |i: usize| {
            let minutes = any
                .and_then(|t| study.coverage.nearest_m[t].get(i))
                .map(|d| d / mpm);
            minute_class(
                minutes,
                study.community_access[i].is_ok(),
                limit_min,
                report_min,
            )
        };
        for (i, c) in inputs.communities.iter().enumerate() {
            let colour = rgb(CLASS_COLOURS[class_of(i)]);
            for p in polygons_of(&c.geometry) {
                let ring = fr.ring(p.exterior());
                if ring.len() >= 3 {
                    root.draw(&plotters::element::Polygon::new(
                        ring.clone(),
                        colour.mix(0.55).filled(),
                    ))
                    .map_err(draw_err)?;
                    let mut closed = ring;
                    closed.push(closed[0]);
                    root.draw(&PathElement::new(closed, colour.stroke_width(1)))
                        .map_err(draw_err)?;
                }
            }
        }

        // Network.
        if let Some(g) = &study.graph {
            let style = RGBColor(150, 150, 150).mix(0.8).stroke_width(1);
            for e in 0..g.net.edges.len() {
                let line: Vec<(i32, i32)> = g.net.edge_geom(e).iter().map(|c| fr.px(*c)).collect();
                if line.len() >= 2 {
                    root.draw(&PathElement::new(line, style))
                        .map_err(draw_err)?;
                }
            }
        }

        // Outline of the covered area: the outer edge bold, holes thin.
        if let Some(mp) = covered {
            for p in &mp.0 {
                let ring = fr.ring(p.exterior());
                if ring.len() >= 2 {
                    root.draw(&PathElement::new(ring, outline.stroke_width(2)))
                        .map_err(draw_err)?;
                }
                for hole in p.interiors() {
                    let ring = fr.ring(hole);
                    if ring.len() >= 2 {
                        root.draw(&PathElement::new(ring, outline.stroke_width(1)))
                            .map_err(draw_err)?;
                    }
                }
            }
        }

        // Unit boundaries.
        let unit_style = RGBColor(60, 60, 60).stroke_width(2);
        for u in &inputs.units {
            for p in &u.geometry.0 {
                for l in std::iter::once(p.exterior()).chain(p.interiors()) {
                    let ring = fr.ring(l);
                    if ring.len() >= 2 {
                        root.draw(&PathElement::new(ring, unit_style))
                            .map_err(draw_err)?;
                    }
                }
            }
        }

        // Point communities on top of the lines.
        for (i, c) in inputs.communities.iter().enumerate() {
            if !polygons_of(&c.geometry).is_empty() {
                continue;
            }
            if let Some(p) = representative_point(&c.geometry) {
                let colour = rgb(CLASS_COLOURS[class_of(i)]);
                let at = fr.px([p.x(), p.y()]);
                root.draw(&Circle::new(at, 6, colour.filled()))
                    .map_err(draw_err)?;
                root.draw(&Circle::new(at, 6, RGBColor(80, 80, 80).stroke_width(1)))
                    .map_err(draw_err)?;
            }
        }

        // Facilities.
        for (i, f) in inputs.facilities.iter().enumerate() {
            if let Some(p) = representative_point(&f.geometry) {
                let at = fr.px([p.x(), p.y()]);
                let counted = study.facility_counts[i] && study.facility_access[i].is_ok();
                let colour = if counted {
                    RGBColor(33, 102, 172)
                } else {
                    RGBColor(150, 150, 150)
                };
                root.draw(&Circle::new(at, 5, colour.filled()))
                    .map_err(draw_err)?;
                root.draw(&Circle::new(at, 5, WHITE.stroke_width(1)))
                    .map_err(draw_err)?;
            }
        }

        // Title.
        let all = &study.areas[0];
        let share = any
            .and_then(|t| all.targets.get(t))
            .map(|t| t.share())
            .unwrap_or(0.0);
        let title = trf(
            lang,
            "map.title",
            &[
                ("minutes", fmt_num(study.settings.minutes)),
                ("share", format!("{:.1}", 100.0 * share)),
                ("population", thousands(all.population)),
            ],
        );
        let title_font = (font, 30).into_font().style(FontStyle::Bold).color(&BLACK);
        root.draw(&Text::new(title, (MARGIN as i32, 18), title_font))
            .map_err(draw_err)?;
        let method = if study.mode.is_approximate() {
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
                    ("speed", fmt_num(study.settings.speed_kmh)),
                    ("limit", format!("{:.0}", study.coverage.settings.limit_m)),
                ],
            )
        };
        let sub_font = (font, 18).into_font().color(&RGBColor(80, 80, 80));
        root.draw(&Text::new(method, (MARGIN as i32, 52), sub_font.clone()))
            .map_err(draw_err)?;

        // Legend, right of the map.
        let lim = limit_min;
        let rep = report_min;
        let range = |a: f64, b: f64| {
            trf(
                lang,
                "map.class_range",
                &[("a", fmt_num(a)), ("b", fmt_num(b))],
            )
        };
        let classes = [
            trf(lang, "map.class_le", &[("a", fmt_num(lim / 3.0))]),
            range(lim / 3.0, 2.0 * lim / 3.0),
            range(2.0 * lim / 3.0, lim),
            range(lim, rep),
            trf(lang, "map.class_beyond", &[("a", fmt_num(rep))]),
            tr(lang, "map.class_off").to_string(),
        ];
        let rows = classes.len()
            + 2
            + usize::from(study.graph.is_some())
            + usize::from(!inputs.units.is_empty());
        let lw = LEGEND_W;
        let lh = 40 + 26 * rows as i32;
        let lx = WIDTH as i32 - MARGIN as i32 - lw;
        let ly = TITLE_H as i32;
        root.draw(&Rectangle::new(
            [(lx, ly), (lx + lw, ly + lh)],
            WHITE.mix(0.92).filled(),
        ))
        .map_err(draw_err)?;
        root.draw(&Rectangle::new(
            [(lx, ly), (lx + lw, ly + lh)],
            RGBColor(160, 160, 160).stroke_width(1),
        ))
        .map_err(draw_err)?;
        let head_font = (font, 18).into_font().style(FontStyle::Bold).color(&BLACK);
        root.draw(&Text::new(
            tr(lang, "map.legend"),
            (lx + 12, ly + 10),
            head_font,
        ))
        .map_err(draw_err)?;
        let item_font = (font, 16).into_font().color(&BLACK);
        let mut y = ly + 40;
        for (k, label) in classes.iter().enumerate() {
            root.draw(&Rectangle::new(
                [(lx + 12, y), (lx + 40, y + 18)],
                rgb(CLASS_COLOURS[k]).filled(),
            ))
            .map_err(draw_err)?;
            root.draw(&Text::new(
                label.clone(),
                (lx + 50, y + 1),
                item_font.clone(),
            ))
            .map_err(draw_err)?;
            y += 26;
        }
        root.draw(&Rectangle::new(
            [(lx + 12, y), (lx + 40, y + 18)],
            fill.filled(),
        ))
        .map_err(draw_err)?;
        root.draw(&Rectangle::new(
            [(lx + 12, y), (lx + 40, y + 18)],
            RGBColor(35, 139, 69).stroke_width(2),
        ))
        .map_err(draw_err)?;
        root.draw(&Text::new(
            trf(lang, "map.within", &[("a", fmt_num(lim))]),
            (lx + 50, y + 1),
            item_font.clone(),
        ))
        .map_err(draw_err)?;
        y += 26;
        root.draw(&Circle::new(
            (lx + 26, y + 9),
            5,
            RGBColor(33, 102, 172).filled(),
        ))
        .map_err(draw_err)?;
        root.draw(&Text::new(
            tr(lang, "map.facility"),
            (lx + 50, y + 1),
            item_font.clone(),
        ))
        .map_err(draw_err)?;
        if study.graph.is_some() {
            y += 26;
            root.draw(&PathElement::new(
                vec![(lx + 12, y + 9), (lx + 40, y + 9)],
                RGBColor(150, 150, 150).stroke_width(2),
            ))
            .map_err(draw_err)?;
            root.draw(&Text::new(
                tr(lang, "map.network"),
                (lx + 50, y + 1),
                item_font.clone(),
            ))
            .map_err(draw_err)?;
        }
        if !inputs.units.is_empty() {
            y += 26;
            root.draw(&PathElement::new(
                vec![(lx + 12, y + 9), (lx + 40, y + 9)],
                unit_style,
            ))
            .map_err(draw_err)?;
            root.draw(&Text::new(
                tr(lang, "map.unit"),
                (lx + 50, y + 1),
                item_font,
            ))
            .map_err(draw_err)?;
        }

        // Attribution, bottom left.
        if study.graph.is_some() {
            root.draw(&Text::new(
                tr(lang, "map.attribution"),
                (MARGIN as i32, HEIGHT as i32 - 24),
                sub_font.clone(),
            ))
            .map_err(draw_err)?;
        }
        for (k, n) in notes.iter().enumerate() {
            root.draw(&Text::new(
                n.clone(),
                (MARGIN as i32, HEIGHT as i32 - 50 - 24 * k as i32),
                (font, 16).into_font().color(&RGBColor(150, 40, 30)),
            ))
            .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

/// A number without a trailing `.0`.
fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{:.1}", x)
    }
}

/// Encode an RGB buffer as PNG.
fn encode_png(w: &mut dyn io::Write, rgb: &[u8], width: u32, height: u32) -> io::Result<()> {
    let mut enc = png::Encoder::new(w, width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut writer = enc.write_header().map_err(io::Error::other)?;
    writer.write_image_data(rgb).map_err(io::Error::other)?;
    writer.finish().map_err(io::Error::other)
}

/// Write the static coverage map to `path` (PNG, [`WIDTH`] x [`HEIGHT`]),
/// atomically: a temporary file in the same folder, then rename. Labels in
/// `lang` (Chinese only when a CJK font is loaded, else English).
pub fn write_map_png(path: &Path, inputs: &Inputs, study: &Study, lang: Lang) -> Result<()> {
    let rgb = render(inputs, study, lang).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    atomic::write_file(path, &|w| encode_png(w, &rgb, WIDTH, HEIGHT))
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

    /// Dark pixels after drawing `text` in `family` on white.
    fn ink(family: &str, text: &str) -> usize {
        drawn(family, text).chunks(3).filter(|p| p[0] < 128).count()
    }

    /// The pixels of `text` drawn in `family` on white.
    fn drawn(family: &str, text: &str) -> Vec<u8> {
        register_font();
        let (w, h) = (400u32, 80u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            root.draw(&Text::new(
                text.to_string(),
                (10, 10),
                (family, 40).into_font().color(&BLACK),
            ))
            .unwrap();
            root.present().unwrap();
        }
        buf
    }

    #[test]
    fn dejavu_has_no_cjk_glyphs() {
        assert!(!has_cjk_glyphs(dejavu::sans::regular()));
        assert!(!has_cjk_glyphs(b"not a font"));
    }

    /// With a system CJK font (CI installs fonts-wqy-microhei), Chinese
    /// labels are drawn: DejaVu draws every CJK character as the same
    /// "missing glyph" box, the CJK font draws each differently and with
    /// more ink. Skipped without a font outside CI.
    #[test]
    fn cjk_font_draws_chinese_labels() {
        let font = std::env::var_os("FITCIRCLE_FONT")
            .map(PathBuf::from)
            .or_else(find_cjk_font);
        let Some(font) = font else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI needs a CJK font (fonts-wqy-microhei) for map.png"
            );
            eprintln!("SKIPPED cjk_font_draws_chinese_labels: no CJK font installed");
            return;
        };
        load_cjk_font(&font).unwrap_or_else(|e| panic!("{e}"));
        assert!(cjk_font().is_some());
        let text = tr(Lang::Zh, "map.facility");
        let cjk = ink(CJK_FONT, text);
        let latin = ink(FONT, text);
        assert!(cjk > 400, "{}: only {cjk} dark pixels", font.display());
        assert!(cjk > latin, "CJK {cjk} vs DejaVu {latin} dark pixels");
        // 体 and 设: one box twice in DejaVu, two glyphs in the CJK font.
        assert_eq!(drawn(FONT, "\u{4F53}"), drawn(FONT, "\u{8BBE}"));
        assert_ne!(drawn(CJK_FONT, "\u{4F53}"), drawn(CJK_FONT, "\u{8BBE}"));
        // Latin text still draws with the CJK font (notes, numbers).
        assert!(ink(CJK_FONT, "15 min") > 100);
    }

    #[test]
    fn cjk_is_left_out_of_image_text() {
        assert_eq!(
            latin_only("北京市西城区 Xicheng District: 791"),
            "Xicheng District: 791"
        );
    }
}
