//! The fonts of map.png: DejaVu Sans, embedded in the binary (the
//! `dejavu` crate), for English labels; a font with Chinese glyphs loaded
//! at run time for Chinese ones ([`load_cjk_font`]: `--font FILE`,
//! `FITCIRCLE_FONT`, or the system's fonts found by [`find_cjk_font`]
//! through `fontdb`: the system font folders and fontconfig's files on
//! Linux, the system folders on macOS and Windows).

use std::path::{Path, PathBuf};
use std::sync::{Once, OnceLock};

use plotters::style::FontStyle;

use crate::{Error, Result};

/// The family DejaVu Sans is registered as.
pub(super) const FONT: &str = "fitcircle-sans";
/// The family the CJK font is registered as.
pub(super) const CJK_FONT: &str = "fitcircle-cjk";

/// Families of fonts with Chinese glyphs, in order of preference (Debian's
/// `fonts-wqy-microhei` first, as CI installs it; Noto / Source Han Sans;
/// macOS; Windows; AR PL UMing). Any other system font with Chinese glyphs
/// is used after these.
pub const CJK_FAMILIES: &[&str] = &[
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Heiti SC",
    "STHeiti",
    "Microsoft YaHei",
    "SimHei",
    "AR PL UMing CN",
];

/// A character every CJK font used for the labels must have (健, as in 健身).
const CJK_PROBE: char = '\u{5065}';

/// The CJK font registered for this process, if any.
static CJK_LOADED: OnceLock<PathBuf> = OnceLock::new();
/// Its bytes (kept for the life of the process).
static CJK_BYTES: OnceLock<&'static [u8]> = OnceLock::new();

/// The bytes of the CJK font loaded by [`load_cjk_font`], if any.
pub(super) fn cjk_bytes() -> Option<&'static [u8]> {
    CJK_BYTES.get().copied()
}

/// A font file with Chinese glyphs among the system's fonts: the first
/// face of a file (map.png draws with a file's first face) of the first
/// family of [`CJK_FAMILIES`] installed, else the first face with an
/// outline for a Chinese character. `None` when there is none.
pub fn find_cjk_font() -> Option<PathBuf> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    let file = |face: &fontdb::FaceInfo| match &face.source {
        fontdb::Source::File(p) if face.index == 0 => Some(p.clone()),
        _ => None,
    };
    let preferred = CJK_FAMILIES.iter().find_map(|family| {
        db.faces()
            .filter(|f| f.families.iter().any(|(name, _)| name == family))
            .find_map(file)
    });
    preferred.or_else(|| {
        db.faces()
            .filter(|f| file(f).is_some())
            .find(|f| db.with_face_data(f.id, |data, _| has_cjk_glyphs(data)) == Some(true))
            .and_then(file)
    })
}

/// Whether `bytes` hold a font (or the first face of a collection) with
/// an outline for `CJK_PROBE`.
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
    let _ = CJK_BYTES.set(bytes);
    let _ = CJK_LOADED.set(path.to_path_buf());
    Ok(())
}

/// The CJK font loaded by [`load_cjk_font`], if any.
pub fn cjk_font() -> Option<&'static Path> {
    CJK_LOADED.get().map(PathBuf::as_path)
}
static FONT_ONCE: Once = Once::new();

/// Register DejaVu Sans (normal and bold) for drawing, once.
pub(super) fn register_font() {
    FONT_ONCE.call_once(|| {
        // DejaVu Sans is a valid TrueType font; a failure would be a bug in
        // the dependency, and text would then be left out, not crash.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

#[cfg(test)]
mod tests {
    use plotters::prelude::*;

    use super::*;
    use crate::output::i18n::{Lang, tr};

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
}
