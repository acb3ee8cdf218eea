//! Opening hours as Chinese bureaus write them (`周一至周五 18:00-21:00`,
//! `冬季 9：00－17：00`, `全天开放`, `预约开放`), translated into the OSM
//! syntax that [`super::parse_rules`] reads, with the words of
//! `seeds/hours.toml`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::parse::MONTH_NAMES;

/// The word table as shipped (`seeds/hours.toml`).
pub(crate) const SEED: &str = include_str!("../../../seeds/hours.toml");

/// Note when a date within a month was read as its month.
pub(crate) const DATE_NOTE: &str = "dates read to whole months";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Booking {
    words: Vec<String>,
    comments: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Periods {
    am: Vec<String>,
    pm: Vec<String>,
    noon: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    seasons: BTreeMap<String, String>,
    words: BTreeMap<String, String>,
    booking: Booking,
    periods: Periods,
}

/// What a word is.
#[derive(Debug, Clone, PartialEq)]
enum Word {
    /// OSM text to emit (may be empty).
    Osm(String),
    /// Open on booking.
    Booking,
    /// A time-of-day word before a time.
    Period(Period),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Period {
    Am,
    Pm,
    Noon,
}

/// The words of the table, longest first, and the booking comments.
struct Words {
    words: Vec<(Vec<char>, Word)>,
    comments: Vec<String>,
}

/// Every word, longest first.
static WORDS: LazyLock<Words> = LazyLock::new(|| {
    let seed: Seed = toml::from_str(SEED).expect("seeds/hours.toml is valid");
    let mut words: Vec<(Vec<char>, Word)> = Vec::new();
    let mut add = |w: &str, what: Word| words.push((w.chars().collect(), what));
    for (w, osm) in seed.words.iter().chain(&seed.seasons) {
        add(w, Word::Osm(osm.clone()));
    }
    for w in &seed.booking.words {
        add(w, Word::Booking);
    }
    for (list, p) in [
        (&seed.periods.am, Period::Am),
        (&seed.periods.pm, Period::Pm),
        (&seed.periods.noon, Period::Noon),
    ] {
        for w in list {
            add(w, Word::Period(p));
        }
    }
    words.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    Words {
        words,
        comments: seed.booking.comments,
    }
});

/// True when an OSM comment says the place opens on booking.
pub(crate) fn is_booking_comment(comment: &str) -> bool {
    let c = comment.to_lowercase();
    WORDS.comments.iter().any(|w| c.contains(&w.to_lowercase()))
}

/// The OSM text of a Chinese value, whether it says "on booking", and
/// notes on approximations.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Translation {
    pub(crate) osm: String,
    pub(crate) booking: bool,
    pub(crate) notes: Vec<String>,
}

/// Full-width ASCII as ASCII, and the dashes and tildes people use for
/// "to" as `-`.
fn fold_char(c: char) -> char {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    };
    match c {
        '—' | '–' | '~' | '〜' | '―' => '-',
        '、' | '/' => ',',
        '。' | '(' | ')' | '【' | '】' | '[' | ']' => ';',
        c => c,
    }
}

/// What the emitted text last was, to separate rules written without one.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Last {
    Nothing,
    Separator,
    Time,
    Other,
}

struct Translator<'a> {
    src: &'a str,
    chars: Vec<char>,
    pos: usize,
    out: Vec<String>,
    last: Last,
    period: Option<Period>,
    booking: bool,
    notes: Vec<String>,
}

/// Translate `src` into the OSM syntax (see the module docs); the error
/// quotes the first part not understood.
pub(crate) fn translate(src: &str) -> Result<Translation, String> {
    let mut t = Translator {
        src,
        chars: src.chars().map(fold_char).collect(),
        pos: 0,
        out: Vec::new(),
        last: Last::Nothing,
        period: None,
        booking: false,
        notes: Vec::new(),
    };
    while t.pos < t.chars.len() {
        t.step()?;
    }
    Ok(Translation {
        osm: t.out.join(" "),
        booking: t.booking,
        notes: t.notes,
    })
}

impl Translator<'_> {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn emit(&mut self, text: &str, last: Last) {
        if text.is_empty() {
            return;
        }
        // A selector right after a time or `off` starts a new rule that
        // was written without a separator (`周一至周五9:00-17:00周六...`).
        let selector = text.starts_with(|c: char| c.is_ascii_uppercase()) && text != "PH off";
        if selector && self.last == Last::Time {
            self.out.push(",".into());
        }
        self.out.push(text.to_string());
        self.last = last;
    }

    fn err(&self, at: usize) -> String {
        let rest: String = self.src.chars().skip(at).take(8).collect();
        format!("opening_hours {:?}: cannot understand {rest:?}", self.src)
    }

    /// The word of the table starting here, longest first.
    fn word(&self) -> Option<(usize, Word)> {
        let rest = &self.chars[self.pos..];
        WORDS
            .words
            .iter()
            .find(|(w, _)| rest.starts_with(w))
            .map(|(w, what)| (w.len(), what.clone()))
    }

    fn step(&mut self) -> Result<(), String> {
        let c = self.chars[self.pos];
        if c.is_whitespace() {
            self.pos += 1;
            return Ok(());
        }
        if let Some((n, what)) = self.word() {
            self.pos += n;
            match what {
                Word::Osm(osm) => {
                    let last = if osm == "off" || osm.contains(':') {
                        Last::Time
                    } else {
                        Last::Other
                    };
                    self.emit(&osm, last);
                }
                Word::Booking => self.booking = true,
                Word::Period(p) => self.period = Some(p),
            }
            return Ok(());
        }
        if c.is_ascii_digit() {
            return self.number();
        }
        self.pos += 1;
        match c {
            ',' | ';' => {
                self.period = None;
                if !matches!(self.last, Last::Nothing | Last::Separator) {
                    self.out.push(c.to_string());
                    self.last = Last::Separator;
                }
            }
            '-' => self.emit("-", Last::Other),
            // A colon outside a time (开放时间：) says nothing.
            ':' => {}
            '"' => {
                // An OSM comment: copied whole.
                let start = self.pos - 1;
                while self.pos < self.chars.len() && self.chars[self.pos] != '"' {
                    self.pos += 1;
                }
                self.pos += 1;
                let text: String = self.chars[start..self.pos.min(self.chars.len())]
                    .iter()
                    .collect();
                self.emit(&text, Last::Other);
            }
            c if c.is_ascii_alphabetic() => {
                let start = self.pos - 1;
                while self.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.pos += 1;
                }
                let w: String = self.chars[start..self.pos].iter().collect();
                self.emit(&w, Last::Other);
            }
            _ => return Err(self.err(self.pos - 1)),
        }
        Ok(())
    }

    /// Digits: a time (`9:00`, `9点`, `9点半`, `9时30分`), a month (`5月`,
    /// `5-9月`, `11月15日`), `24/7`, or a number passed on (week numbers).
    fn number(&mut self) -> Result<(), String> {
        let start = self.pos;
        let n = self.digits();
        match self.peek(0) {
            Some(':') if self.peek(1).is_some_and(|c| c.is_ascii_digit()) => {
                self.pos += 1;
                let m = self.digits();
                self.time(start, n, m)
            }
            Some('点') | Some('时') => {
                self.pos += 1;
                let m = if self.peek(0) == Some('半') {
                    self.pos += 1;
                    30
                } else if self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
                    let m = self.digits();
                    if self.peek(0) == Some('分') {
                        self.pos += 1;
                    }
                    m
                } else {
                    0
                };
                self.time(start, n, m)
            }
            Some('月') => {
                self.pos += 1;
                self.month(start, n, true)
            }
            Some('-') | Some('至') | Some('到') if self.month_after_range() => {
                self.month(start, n, false)?;
                self.pos += 1;
                self.emit("-", Last::Other);
                Ok(())
            }
            _ => {
                let mut text = n.to_string();
                if self.peek(0) == Some(',') && self.peek(1) == Some('7') && n == 24 {
                    // `24/7` (the slash was read as a comma).
                    self.pos += 2;
                    text = "24/7".into();
                }
                self.emit(&text, Last::Other);
                Ok(())
            }
        }
    }

    /// After digits: `-9月` or `至9月` follows (a month range).
    fn month_after_range(&self) -> bool {
        let mut k = 1;
        while self.peek(k).is_some_and(|c| c.is_ascii_digit()) {
            k += 1;
        }
        k > 1 && self.peek(k) == Some('月')
    }

    fn digits(&mut self) -> u32 {
        let mut n: u32 = 0;
        while let Some(d) = self.peek(0).and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d);
            self.pos += 1;
        }
        n
    }

    fn time(&mut self, start: usize, h: u32, m: u32) -> Result<(), String> {
        let h = match self.period {
            Some(Period::Pm) if h < 12 => h + 12,
            Some(Period::Pm) if h == 12 => 24,
            Some(Period::Noon) if h < 6 => h + 12,
            _ => h,
        };
        if m >= 60 || h > 48 {
            return Err(self.err(start));
        }
        self.emit(&format!("{h:02}:{m:02}"), Last::Time);
        Ok(())
    }

    /// Month `n` (1 to 12), then a day (`15日`, `15号`) read to the month.
    fn month(&mut self, start: usize, n: u32, with_day: bool) -> Result<(), String> {
        let Some(name) = (n as usize).checked_sub(1).and_then(|i| MONTH_NAMES.get(i)) else {
            return Err(self.err(start));
        };
        if with_day && self.peek(0).is_some_and(|c| c.is_ascii_digit()) {
            let save = self.pos;
            let day = self.digits();
            if matches!(self.peek(0), Some('日') | Some('号')) {
                self.pos += 1;
                let boundary = day == 1 || day >= 28;
                if !boundary && !self.notes.iter().any(|n| n == DATE_NOTE) {
                    self.notes.push(DATE_NOTE.to_string());
                }
            } else {
                self.pos = save;
            }
        }
        self.emit(name, Last::Other);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osm(s: &str) -> String {
        translate(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).osm
    }

    #[test]
    fn bureau_phrases() {
        assert_eq!(osm("周一至周五 18:00-21:00"), "Mo - Fr 18:00 - 21:00");
        assert_eq!(osm("周一至周五18：00－21：00"), "Mo - Fr 18:00 - 21:00");
        assert_eq!(osm("周末 8:00~20:00"), "Sa,Su 08:00 - 20:00");
        assert_eq!(osm("全天开放"), "00:00-24:00");
        assert_eq!(osm("冬季 9:00-18:00"), "Nov-Mar 09:00 - 18:00");
        assert_eq!(
            osm("冬季9:00-17:00，夏季8:00-20:00"),
            "Nov-Mar 09:00 - 17:00 , Apr-Oct 08:00 - 20:00"
        );
        assert_eq!(osm("下午2点-5点半"), "14:00 - 17:30");
        assert_eq!(osm("早8点至晚9点"), "08:00 - 21:00");
        assert_eq!(osm("5-9月 6:00-21:00"), "May - Sep 06:00 - 21:00");
        assert_eq!(osm("5月至9月"), "May - Sep");
        assert_eq!(
            osm("每天9:00-21:00（周一闭馆）"),
            "09:00 - 21:00 ; Mo off ;"
        );
        assert_eq!(
            osm("周一至周五9:00-17:00周六9:00-12:00"),
            "Mo - Fr 09:00 - 17:00 , Sa 09:00 - 12:00"
        );
        assert_eq!(osm("节假日除外"), "PH off");
        let t = translate("周末预约开放").unwrap();
        assert_eq!((t.osm.as_str(), t.booking), ("Sa,Su", true));
        let t = translate("11月15日至3月15日 9:00-16:00").unwrap();
        assert_eq!(t.osm, "Nov - Mar 09:00 - 16:00");
        assert_eq!(t.notes, [DATE_NOTE]);
    }

    #[test]
    fn unknown_words_are_quoted() {
        let e = translate("周一至周五 看情况").unwrap_err();
        assert!(e.contains("cannot understand \"看情况\""), "{e}");
        assert!(translate("13月").is_err());
        assert!(translate("9:75-10:00").is_err());
    }

    #[test]
    fn booking_comments() {
        assert!(is_booking_comment("by appointment"));
        assert!(is_booking_comment("需预约"));
        assert!(!is_booking_comment("closed in rain"));
    }
}
