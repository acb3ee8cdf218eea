//! What the page inlines besides its data: Leaflet 1.9.4 (`assets/leaflet/`,
//! its images as `data:` URIs), the page's own styles and scripts
//! (`assets/report/`), and the escaping that keeps the JSON data blocks
//! inside their `<script>` elements.

pub(super) const LEAFLET_LICENSE: &str = include_str!("../../../assets/leaflet/LICENSE");
const LEAFLET_JS: &str = include_str!("../../../assets/leaflet/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../../../assets/leaflet/leaflet.css");
const LAYERS_PNG: &[u8] = include_bytes!("../../../assets/leaflet/images/layers.png");
const LAYERS_2X_PNG: &[u8] = include_bytes!("../../../assets/leaflet/images/layers-2x.png");
const MARKER_PNG: &[u8] = include_bytes!("../../../assets/leaflet/images/marker-icon.png");

/// The page's styles.
pub(super) const STYLE: &str = include_str!("../../../assets/report/report.css");
/// Installed first: records script errors, failed loads and
/// `console.error` calls in `#report-errors`.
pub(super) const ERROR_HOOK: &str = include_str!("../../../assets/report/error-hook.js");
/// The page's script: reads the data blocks and draws the map.
pub(super) const APP_JS: &str = include_str!("../../../assets/report/app.js");

/// Standard base64 (RFC 4648) with padding.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// Leaflet's CSS with its image references turned into `data:` URIs, so
/// nothing is fetched from beside the report.
pub(super) fn leaflet_css() -> String {
    let png = |b: &[u8]| format!("url(data:image/png;base64,{})", base64(b));
    LEAFLET_CSS
        .replace("url(images/layers.png)", &png(LAYERS_PNG))
        .replace("url(images/layers-2x.png)", &png(LAYERS_2X_PNG))
        .replace("url(images/marker-icon.png)", &png(MARKER_PNG))
}

/// Leaflet's script without the source-map comment (the map file is not
/// shipped).
pub(super) fn leaflet_js() -> &'static str {
    match LEAFLET_JS.rfind("//# sourceMappingURL=") {
        Some(i) => &LEAFLET_JS[..i],
        None => LEAFLET_JS,
    }
}

/// Write JSON `v` for a `<script type="application/json">` block: no `<`
/// at all (JSON has it only inside strings, where `\u003c` means the
/// same), so text from the data can never end or disturb the element.
/// Written piece by piece, not as an escaped copy (a layer of a
/// metropolis is hundreds of megabytes).
pub(super) fn write_script_json(w: &mut dyn std::io::Write, v: &str) -> std::io::Result<()> {
    let mut parts = v.split('<');
    w.write_all(parts.next().unwrap_or_default().as_bytes())?;
    for part in parts {
        w.write_all(b"\\u003c")?;
        w.write_all(part.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    fn script_json(v: &str) -> String {
        let mut out = Vec::new();
        write_script_json(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_blocks_cannot_close_the_script() {
        assert_eq!(
            script_json(r#"{"a":"</script><!--"}"#),
            r#"{"a":"\u003c/script>\u003c!--"}"#
        );
        assert_eq!(script_json("<<"), r#"\u003c\u003c"#);
        assert_eq!(script_json("[1,2]"), "[1,2]");
        let v: Value = serde_json::from_str(&script_json(r#"{"a":"</script><!--"}"#)).unwrap();
        assert_eq!(v["a"], "</script><!--");
    }

    #[test]
    fn leaflet_assets_are_inlined_without_external_urls() {
        let css = leaflet_css();
        assert!(!css.contains("url(images/"));
        assert!(css.contains("data:image/png;base64,"));
        assert!(!leaflet_js().contains("sourceMappingURL"));
        assert!(!leaflet_js().contains("</script"));
    }

    #[test]
    fn own_assets_cannot_close_their_elements() {
        assert!(!STYLE.contains("</style"));
        assert!(!ERROR_HOOK.contains("</script"));
        assert!(!APP_JS.contains("</script"));
        // Each file ends its last line (the page relies on the newline).
        for a in [STYLE, ERROR_HOOK, APP_JS] {
            assert!(a.ends_with('\n') && !a.starts_with('\n'));
        }
    }
}
