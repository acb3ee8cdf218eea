//! The tokenizer and rule parser of the OSM `opening_hours` subset (see
//! the [module docs](super)): rules with optional month, week and day
//! selectors, time spans, a modifier and a comment.

use super::{ALL_DAYS, DAY_NAMES, MINUTES_PER_DAY, SUNRISE_MIN, SUNSET_MIN};

/// Three-letter month names, January first.
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Highest ISO week number.
pub(crate) const MAX_WEEK: usize = 53;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    Word(&'a str),
    /// `H:MM` / `HH:MM`: (hours, minutes), minutes < 60, hours unchecked.
    Time(u32, u32),
    /// Digits not followed by `:MM` (week numbers).
    Num(u32),
    /// A quoted comment, without its quotes.
    Comment(&'a str),
    TwentyFourSeven,
    Dash,
    Comma,
    Semi,
    Colon,
    Slash,
    /// Anything else: always an error.
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok<'a>,
    text: &'a str,
}

/// The token of the digits at `s[i..]`: a time, `24/7` or a number; and
/// where it ends.
fn digits_token(s: &str, i: usize) -> (Tok<'_>, usize) {
    let bytes = s.as_bytes();
    let mut j = i;
    while j < s.len() && bytes[j].is_ascii_digit() {
        j += 1;
    }
    let hours = &s[i..j];
    let rest = &s[j..];
    let rb = rest.as_bytes();
    if rest.starts_with(':')
        && rb.len() >= 3
        && rb[1].is_ascii_digit()
        && rb[2].is_ascii_digit()
        && !rb.get(3).is_some_and(|b| b.is_ascii_digit())
        && hours.len() <= 2
    {
        let h: u32 = hours.parse().unwrap_or(99);
        let m: u32 = rest[1..3].parse().unwrap_or(99);
        let tok = if m < 60 { Tok::Time(h, m) } else { Tok::Other };
        (tok, j + 3)
    } else if hours == "24" && rest.starts_with("/7") {
        (Tok::TwentyFourSeven, j + 2)
    } else if rest.starts_with(':') || hours.len() > 4 {
        // `8:0`, `08:60`-like and long digit runs are never valid.
        (Tok::Other, j)
    } else {
        (Tok::Num(hours.parse().unwrap_or(u32::MAX)), j)
    }
}

fn tokenize(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        let mut end = i + c.len_utf8();
        let tok = if c.is_ascii_alphabetic() {
            it.next();
            while let Some(&(j, c2)) = it.peek() {
                if !c2.is_ascii_alphabetic() {
                    break;
                }
                it.next();
                end = j + 1;
            }
            Tok::Word(&s[i..end])
        } else if c.is_ascii_digit() {
            let (tok, j) = digits_token(s, i);
            end = j;
            while it.peek().is_some_and(|&(k, _)| k < end) {
                it.next();
            }
            tok
        } else if c == '"' {
            it.next();
            match s[i + 1..].find('"') {
                Some(k) => {
                    end = i + 1 + k + 1;
                    while it.peek().is_some_and(|&(k2, _)| k2 < end) {
                        it.next();
                    }
                    Tok::Comment(&s[i + 1..end - 1])
                }
                None => Tok::Other,
            }
        } else {
            it.next();
            match c {
                '-' | '\u{2013}' => Tok::Dash,
                ',' => Tok::Comma,
                ';' => Tok::Semi,
                ':' => Tok::Colon,
                '/' => Tok::Slash,
                _ => Tok::Other,
            }
        };
        out.push(Token {
            tok,
            text: &s[i..end],
        });
    }
    out
}

/// What a rule does to the hours it selects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Modifier {
    /// `open`: open (the default).
    Open,
    /// `off` / `closed`: closed.
    Closed,
}

/// One rule of an `opening_hours` value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    /// Named weekdays; `None` when no weekday was named (every day, unless
    /// only holidays were named).
    pub(crate) days: Option<[bool; 7]>,
    /// Named months (January first); `None`: every month.
    pub(crate) months: Option<[bool; 12]>,
    /// Named ISO weeks (index = week number, 1 to 53); `None`: every week.
    pub(crate) weeks: Option<[bool; MAX_WEEK + 1]>,
    /// Some holiday (`PH`, `SH`) was named.
    pub(crate) holiday: bool,
    pub(crate) ph: bool,
    pub(crate) sh: bool,
    /// Spans in minutes of the day, end up to 2880; `None`: whole day.
    pub(crate) spans: Option<Vec<(u32, u32)>>,
    pub(crate) modifier: Option<Modifier>,
    /// Joined to the previous rule with `,` (adds instead of replacing).
    pub(crate) additional: bool,
    pub(crate) uses_sun: bool,
    /// A quoted comment (`"by appointment"`).
    pub(crate) comment: Option<String>,
}

impl Rule {
    fn new(additional: bool) -> Rule {
        Rule {
            days: None,
            months: None,
            weeks: None,
            holiday: false,
            ph: false,
            sh: false,
            spans: None,
            modifier: None,
            additional,
            uses_sun: false,
            comment: None,
        }
    }

    /// The rule says nothing about when the place is open: only a comment
    /// (`Mo-Fr "by appointment"`), so it is left out of the schedule.
    pub(crate) fn comment_only(&self) -> bool {
        self.comment.is_some() && self.spans.is_none() && self.modifier.is_none()
    }
}

pub(crate) struct Parsed {
    pub(crate) rules: Vec<Rule>,
}

fn day_index(w: &str) -> Option<usize> {
    DAY_NAMES.iter().position(|d| d.eq_ignore_ascii_case(w))
}

fn month_index(w: &str) -> Option<usize> {
    MONTH_NAMES.iter().position(|m| m.eq_ignore_ascii_case(w))
}

fn is_day_word(t: Option<&Token<'_>>) -> bool {
    match t.map(|t| t.tok) {
        Some(Tok::Word(w)) => {
            day_index(w).is_some() || w.eq_ignore_ascii_case("PH") || w.eq_ignore_ascii_case("SH")
        }
        _ => false,
    }
}

/// A token that can start a rule's selectors: a day, a holiday, a month,
/// `week`.
fn is_selector_start(t: Option<&Token<'_>>) -> bool {
    is_day_word(t)
        || matches!(t.map(|t| t.tok), Some(Tok::Word(w))
            if month_index(w).is_some() || w.eq_ignore_ascii_case("week"))
}

fn is_time_point(t: Option<&Token<'_>>) -> bool {
    match t.map(|t| t.tok) {
        Some(Tok::Time(..)) => true,
        Some(Tok::Word(w)) => w.eq_ignore_ascii_case("sunrise") || w.eq_ignore_ascii_case("sunset"),
        _ => false,
    }
}

/// Set `a..=b` in `set`, wrapping past the end (`Dec-Feb`, `Fr-Mo`).
fn set_range(set: &mut [bool], a: usize, b: usize) {
    let n = set.len();
    let mut d = a;
    loop {
        set[d] = true;
        if d == b {
            break;
        }
        d = (d + 1) % n;
    }
}

struct RuleParser<'a, 'b> {
    src: &'a str,
    toks: &'b [Token<'a>],
    pos: usize,
}

impl<'a> RuleParser<'a, '_> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, k: usize) -> Option<&Token<'a>> {
        self.toks.get(self.pos + k)
    }

    fn peek_tok(&self) -> Option<Tok<'a>> {
        self.peek().map(|t| t.tok)
    }

    fn err_here(&self) -> String {
        match self.peek() {
            Some(t) => self.err_at(t.text),
            None => format!("opening_hours {:?}: unexpected end", self.src),
        }
    }

    fn err_at(&self, part: &str) -> String {
        format!("opening_hours {:?}: cannot understand {:?}", self.src, part)
    }

    /// One rule: `24/7 [modifier]` or `[months] [weeks] [days] [spans]
    /// [modifier]`, then an optional comment. Stops at the end, at `;`, or
    /// at a `,` that starts an additional rule.
    fn rule(&mut self, additional: bool) -> Result<Rule, String> {
        let mut rule = Rule::new(additional);
        let start = self.pos;
        if matches!(self.peek_tok(), Some(Tok::TwentyFourSeven)) {
            self.pos += 1;
            rule.days = Some(ALL_DAYS);
        } else {
            self.months(&mut rule)?;
            self.weeks(&mut rule)?;
            if (rule.months.is_some() || rule.weeks.is_some())
                && matches!(self.peek_tok(), Some(Tok::Colon))
            {
                self.pos += 1;
            }
            self.days(&mut rule)?;
            self.spans(&mut rule)?;
        }
        if let Some(Tok::Word(w)) = self.peek_tok() {
            if w.eq_ignore_ascii_case("off") || w.eq_ignore_ascii_case("closed") {
                rule.modifier = Some(Modifier::Closed);
                self.pos += 1;
            } else if w.eq_ignore_ascii_case("open") {
                rule.modifier = Some(Modifier::Open);
                self.pos += 1;
            }
        }
        if let Some(Tok::Comment(c)) = self.peek_tok() {
            rule.comment = Some(c.to_string());
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.err_here());
        }
        match self.peek_tok() {
            None | Some(Tok::Semi) => Ok(rule),
            Some(Tok::Comma) if is_selector_start(self.peek_at(1)) => Ok(rule),
            _ => Err(self.err_here()),
        }
    }

    /// `Jan-Mar`, `Dec-Feb`, `May,Jul-Aug`.
    fn months(&mut self, rule: &mut Rule) -> Result<(), String> {
        let mut months = [false; 12];
        let mut any = false;
        while let Some(Tok::Word(w)) = self.peek_tok() {
            let Some(a) = month_index(w) else { break };
            self.pos += 1;
            let mut b = a;
            if matches!(self.peek_tok(), Some(Tok::Dash)) {
                let next = self.peek_at(1).copied();
                let Some(b2) = next.and_then(|t| match t.tok {
                    Tok::Word(w2) => month_index(w2),
                    _ => None,
                }) else {
                    return Err(self.err_at(next.map_or(w, |t| t.text)));
                };
                b = b2;
                self.pos += 2;
            }
            set_range(&mut months, a, b);
            any = true;
            let month_next = matches!(self.peek_at(1).map(|t| t.tok),
                Some(Tok::Word(w2)) if month_index(w2).is_some());
            if matches!(self.peek_tok(), Some(Tok::Comma)) && month_next {
                self.pos += 1;
            } else {
                break;
            }
        }
        if any {
            rule.months = Some(months);
        }
        Ok(())
    }

    /// `week 1-20`, `week 01-53/2`, `week 5,7,9-12`.
    fn weeks(&mut self, rule: &mut Rule) -> Result<(), String> {
        if !matches!(self.peek_tok(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case("week")) {
            return Ok(());
        }
        self.pos += 1;
        let mut weeks = [false; MAX_WEEK + 1];
        loop {
            let a = self.week_number()?;
            let (mut b, mut step) = (a, 1);
            if matches!(self.peek_tok(), Some(Tok::Dash)) {
                self.pos += 1;
                b = self.week_number()?;
                if b < a {
                    return Err(self.err_at(self.toks[self.pos - 1].text));
                }
                if matches!(self.peek_tok(), Some(Tok::Slash)) {
                    self.pos += 1;
                    step = match self.peek_tok() {
                        Some(Tok::Num(n)) if (1..=MAX_WEEK as u32).contains(&n) => n as usize,
                        _ => return Err(self.err_here()),
                    };
                    self.pos += 1;
                }
            }
            for w in (a..=b).step_by(step) {
                weeks[w] = true;
            }
            if matches!(self.peek_tok(), Some(Tok::Comma))
                && matches!(self.peek_at(1).map(|t| t.tok), Some(Tok::Num(_)))
            {
                self.pos += 1;
            } else {
                break;
            }
        }
        rule.weeks = Some(weeks);
        Ok(())
    }

    fn week_number(&mut self) -> Result<usize, String> {
        match self.peek_tok() {
            Some(Tok::Num(n)) if (1..=MAX_WEEK as u32).contains(&n) => {
                self.pos += 1;
                Ok(n as usize)
            }
            _ => Err(self.err_here()),
        }
    }

    fn days(&mut self, rule: &mut Rule) -> Result<(), String> {
        let mut days = [false; 7];
        let mut any_day = false;
        while let Some(Tok::Word(w)) = self.peek_tok() {
            if w.eq_ignore_ascii_case("PH") || w.eq_ignore_ascii_case("SH") {
                rule.holiday = true;
                if w.eq_ignore_ascii_case("PH") {
                    rule.ph = true;
                } else {
                    rule.sh = true;
                }
                self.pos += 1;
            } else if let Some(a) = day_index(w) {
                self.pos += 1;
                let mut b = a;
                if matches!(self.peek_tok(), Some(Tok::Dash)) {
                    let Some(Tok::Word(w2)) = self.peek_at(1).map(|t| t.tok) else {
                        return Err(self.err_at(self.peek_at(1).map_or(w, |t| t.text)));
                    };
                    let Some(b2) = day_index(w2) else {
                        return Err(self.err_at(w2));
                    };
                    b = b2;
                    self.pos += 2;
                }
                set_range(&mut days, a, b);
                any_day = true;
            } else {
                break;
            }
            // A comma continues the day list only when a day follows.
            if matches!(self.peek_tok(), Some(Tok::Comma)) && is_day_word(self.peek_at(1)) {
                self.pos += 1;
            } else {
                break;
            }
        }
        if any_day {
            rule.days = Some(days);
        }
        Ok(())
    }

    fn time_point(&mut self, end: bool, rule: &mut Rule) -> Result<u32, String> {
        let Some(t) = self.peek().copied() else {
            return Err(self.err_here());
        };
        let min = match t.tok {
            Tok::Time(h, m) => {
                let ok = if end {
                    h < 48 || (h == 48 && m == 0)
                } else {
                    h < 24
                };
                if !ok {
                    return Err(self.err_at(t.text));
                }
                h * 60 + m
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("sunrise") => {
                rule.uses_sun = true;
                SUNRISE_MIN
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("sunset") => {
                rule.uses_sun = true;
                SUNSET_MIN
            }
            _ => return Err(self.err_at(t.text)),
        };
        self.pos += 1;
        Ok(min)
    }

    fn spans(&mut self, rule: &mut Rule) -> Result<(), String> {
        if !is_time_point(self.peek()) {
            return Ok(());
        }
        let mut spans = Vec::new();
        loop {
            let s = self.time_point(false, rule)?;
            if !matches!(self.peek_tok(), Some(Tok::Dash)) {
                return Err(self.err_here());
            }
            self.pos += 1;
            let mut e = self.time_point(true, rule)?;
            if e <= s {
                // Overnight: 22:00-02:00 ends the next day (s < 24:00, so
                // e stays within 48:00).
                e += MINUTES_PER_DAY;
            }
            spans.push((s, e));
            if matches!(self.peek_tok(), Some(Tok::Comma)) && is_time_point(self.peek_at(1)) {
                self.pos += 1;
            } else {
                break;
            }
        }
        rule.spans = Some(spans);
        Ok(())
    }
}

/// Tokenize and parse into rules, in order. Empty `;` sections are skipped.
pub(crate) fn parse_rules(s: &str) -> Result<Parsed, String> {
    let toks = tokenize(s);
    let mut p = RuleParser {
        src: s,
        toks: &toks,
        pos: 0,
    };
    let mut rules = Vec::new();
    let mut additional = false;
    while p.pos < toks.len() {
        match p.peek_tok() {
            Some(Tok::Semi) => {
                p.pos += 1;
                additional = false;
                continue;
            }
            Some(Tok::Comma) if !rules.is_empty() && additional => {
                // Comma before an additional rule (checked by `rule`).
                p.pos += 1;
            }
            _ => {}
        }
        let rule = p.rule(additional)?;
        rules.push(rule);
        // After a rule: `;` (normal rule next), `,` + selector (additional
        // next), or the end.
        additional = matches!(p.peek_tok(), Some(Tok::Comma));
    }
    Ok(Parsed { rules })
}
