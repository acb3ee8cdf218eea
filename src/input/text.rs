//! Text files as bureaus save them: the encoding detected (UTF-8 with or
//! without a byte-order mark, UTF-16 with one, else GB18030, which
//! includes GBK and GB2312, what Chinese Excel writes by default) and the
//! line endings made `\n` (CRLF from Windows, a lone CR from old Mac
//! Excel), so row numbers count lines the way an editor does. Every text
//! reader (CSV, GeoJSON) goes through [`decode`].

use std::borrow::Cow;
use std::path::Path;

use crate::{Error, Result};

/// The encodings [`decode`] tells apart, as named in messages and in
/// `inputs.csv`.
pub(crate) const UTF8: &str = "UTF-8";
/// UTF-8 after a byte-order mark (Excel's "CSV UTF-8").
pub(crate) const UTF8_BOM: &str = "UTF-8 with BOM";
/// UTF-16, little-endian, after its byte-order mark (Excel's "Unicode text").
pub(crate) const UTF16LE: &str = "UTF-16LE";
/// UTF-16, big-endian, after its byte-order mark.
pub(crate) const UTF16BE: &str = "UTF-16BE";
/// GB18030 (a superset of GBK and GB2312).
pub(crate) const GB18030: &str = "GB18030/GBK";

/// `bytes` as text with `\n` line endings, and the encoding it was in:
/// UTF-8 (a byte-order mark is dropped), UTF-16 when a byte-order mark
/// says so, else GB18030 when the bytes are valid GB18030. Anything else
/// is an error naming the line of the first byte that fits none of them.
pub(crate) fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<(Cow<'a, str>, &'static str)> {
    let (text, encoding) = decode_raw(path, bytes)?;
    Ok((normalize_line_ends(text), encoding))
}

fn decode_raw<'a>(path: &Path, bytes: &'a [u8]) -> Result<(Cow<'a, str>, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return match std::str::from_utf8(rest) {
            Ok(t) => Ok((Cow::Borrowed(t), UTF8_BOM)),
            Err(e) => Err(not_text(path, rest, e.valid_up_to(), UTF8_BOM)),
        };
    }
    let utf16 = match bytes {
        [0xff, 0xfe, ..] => Some((encoding_rs::UTF_16LE, UTF16LE)),
        [0xfe, 0xff, ..] => Some((encoding_rs::UTF_16BE, UTF16BE)),
        _ => None,
    };
    if let Some((enc, name)) = utf16 {
        return enc
            .decode_without_bom_handling_and_without_replacement(&bytes[2..])
            .map(|t| (Cow::Owned(t.into_owned()), name))
            .ok_or_else(|| {
                Error::file(
                    path,
                    format!(
                        "the file starts with a {name} byte-order mark but is not valid {name} \
                         text; save it again as CSV UTF-8"
                    ),
                )
            });
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok((Cow::Borrowed(t), UTF8)),
        Err(e) => {
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                Err(not_text(path, bytes, e.valid_up_to(), UTF8))
            } else {
                Ok((Cow::Owned(text.into_owned()), GB18030))
            }
        }
    }
}

/// The error for bytes that are neither UTF-8 nor GB18030, naming the
/// line of the first bad byte (at `offset`).
fn not_text(path: &Path, bytes: &[u8], offset: usize, tried: &str) -> Error {
    let line = bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    Error::file(
        path,
        format!(
            "line {line}: byte {offset} is not {tried} text, nor GB18030/GBK; fitcircle reads \
             UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark and \
             GB18030/GBK; save the file as CSV UTF-8 (Excel: Save As, \"CSV UTF-8\")"
        ),
    )
}

/// `\r\n` and a lone `\r` made `\n`.
fn normalize_line_ends(text: Cow<'_, str>) -> Cow<'_, str> {
    if !text.contains('\r') {
        return text;
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// `s` with full-width ASCII (`Ａ`, `（`, `１`) and the ideographic space
/// folded to ASCII, `【】` to `[]`, and ASCII letters lower-cased.
pub(crate) fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0)
                .unwrap_or(c)
                .to_ascii_lowercase(),
            '\u{3000}' => ' ',
            '【' => '[',
            '】' => ']',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Result<(String, &'static str)> {
        decode(Path::new("t.csv"), bytes).map(|(t, e)| (t.into_owned(), e))
    }

    #[test]
    fn encodings_are_detected() {
        let text = "名称,人口\n甲,1\n";
        assert_eq!(dec(text.as_bytes()).unwrap(), (text.into(), UTF8));
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(dec(&bom).unwrap(), (text.into(), UTF8_BOM));
        let mut le = vec![0xff, 0xfe];
        let mut be = vec![0xfe, 0xff];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(dec(&le).unwrap(), (text.into(), UTF16LE));
        assert_eq!(dec(&be).unwrap(), (text.into(), UTF16BE));
        // GBK bytes of the same text (名 = C3 FB, 称 = B3 C6, 人 = C8 CB,
        // 口 = BF DA, 甲 = BC D7), checked against iconv -t GBK.
        let gbk = b"\xc3\xfb\xb3\xc6,\xc8\xcb\xbf\xda\n\xbc\xd7,1\n";
        assert_eq!(dec(gbk).unwrap(), (text.into(), GB18030));
    }

    #[test]
    fn line_ends_become_newlines() {
        assert_eq!(dec(b"a,b\r\n1,2\r\n").unwrap().0, "a,b\n1,2\n");
        assert_eq!(dec(b"a,b\r1,2\r").unwrap().0, "a,b\n1,2\n");
        assert_eq!(dec(b"a,b\r\n1,2\r3,4\n").unwrap().0, "a,b\n1,2\n3,4\n");
    }

    #[test]
    fn other_bytes_are_refused_with_the_line() {
        // Latin-1 "é," is neither UTF-8 nor GB18030 (0x2C cannot follow 0xE9).
        let e = dec(b"a,b\nx,1\ncaf\xe9,2\n").unwrap_err().to_string();
        assert!(e.starts_with("t.csv: line 3: byte 11 is not UTF-8"), "{e}");
        assert!(e.contains("CSV UTF-8"), "{e}");
        let e = dec(b"\xef\xbb\xbfa\xff").unwrap_err().to_string();
        assert!(e.contains("not UTF-8 with BOM text"), "{e}");
        let e = dec(&[0xff, 0xfe, 0x00, 0xd8]).unwrap_err().to_string();
        assert!(e.contains("UTF-16LE byte-order mark"), "{e}");
    }
}
