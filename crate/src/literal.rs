//! Required-literal extraction for the rule prefilter.
//!
//! For each pattern we compute a set of lowercase ASCII strings such that every match of the
//! pattern contains at least one of them. A scan then runs one Aho-Corasick pass over the text
//! and evaluates only the rules whose literals occur (adblock-rust and uBO index their filters
//! the same way). A pattern without such a set goes to the "always run" bucket, which is correct,
//! only slower.
//!
//! We walk the HIR ourselves rather than use `regex_syntax::hir::literal::Extractor`, because
//! `(?i)` expands every letter into a class and the extractor's limits then give up on ordinary
//! words; case is folded here instead, and the prefilter matches ASCII case-insensitively.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Shortest literal worth indexing: shorter ones occur in almost every text.
const MIN_LITERAL: usize = 3;
/// More alternatives than this and the rule is cheaper to run unconditionally.
const MAX_LITERALS: usize = 64;

/// The required literals of `hir`, lowercase, or `None` when the pattern has no usable set.
pub fn required_literals(hir: &Hir) -> Option<Vec<String>> {
    let set = required(hir)?;
    let mut set: Vec<String> = set.into_iter().collect();
    if set.is_empty() || set.len() > MAX_LITERALS || set.iter().any(|s| s.len() < MIN_LITERAL) {
        return None;
    }
    set.sort();
    set.dedup();
    Some(set)
}

/// Characters that `(?i)` folds onto ASCII letters. A text containing one of them is scanned
/// without the prefilter, so a match written with them is never missed.
pub fn has_non_ascii_fold(text: &str) -> bool {
    text.contains(['\u{17F}', '\u{212A}'])
}

/// What a sub-pattern contributes to the required set.
enum Piece {
    /// Matches exactly this (lowercase) string.
    Exact(String),
    /// Every match contains one of these strings.
    Required(Vec<String>),
    /// Matches the empty string only (look-arounds such as `\b`).
    Empty,
    /// Nothing known.
    Unknown,
}

fn required(hir: &Hir) -> Option<Vec<String>> {
    match piece(hir) {
        Piece::Exact(s) if !s.is_empty() => Some(vec![s]),
        Piece::Required(v) => Some(v),
        _ => None,
    }
}

fn piece(hir: &Hir) -> Piece {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Piece::Empty,
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) if s.is_ascii() => Piece::Exact(s.to_ascii_lowercase()),
            _ => Piece::Unknown,
        },
        HirKind::Class(class) => match class_char(class) {
            Some(c) => Piece::Exact(c.to_string()),
            None => Piece::Unknown,
        },
        HirKind::Capture(cap) => piece(&cap.sub),
        HirKind::Repetition(rep) => {
            if rep.min == 0 {
                return Piece::Unknown;
            }
            match piece(&rep.sub) {
                Piece::Exact(s) if rep.min == 1 && rep.max == Some(1) => Piece::Exact(s),
                Piece::Exact(s) if !s.is_empty() => Piece::Required(vec![s]),
                Piece::Required(v) => Piece::Required(v),
                _ => Piece::Unknown,
            }
        }
        HirKind::Concat(subs) => concat(subs),
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            for sub in subs {
                match piece(sub) {
                    Piece::Exact(s) if !s.is_empty() => all.push(s),
                    Piece::Required(v) => all.extend(v),
                    _ => return Piece::Unknown,
                }
                if all.len() > MAX_LITERALS {
                    return Piece::Unknown;
                }
            }
            Piece::Required(all)
        }
    }
}

/// In a concatenation, adjacent exact pieces join into longer literals; the best run (the one
/// whose shortest literal is longest) becomes the requirement.
fn concat(subs: &[Hir]) -> Piece {
    let mut best: Option<Vec<String>> = None;
    let mut run = String::new();
    let mut all_exact = true;
    let consider = |best: &mut Option<Vec<String>>, cand: Vec<String>| {
        // Longer shortest literal first, then fewer alternatives: both make a sharper filter.
        let score = |v: &Vec<String>| (v.iter().map(|s| s.len()).min().unwrap_or(0), usize::MAX - v.len());
        if cand.is_empty() {
            return;
        }
        if best.as_ref().is_none_or(|b| score(&cand) > score(b)) {
            *best = Some(cand);
        }
    };
    for sub in subs {
        match piece(sub) {
            Piece::Exact(s) => run.push_str(&s),
            Piece::Empty => {}
            other => {
                all_exact = false;
                if !run.is_empty() {
                    consider(&mut best, vec![std::mem::take(&mut run)]);
                }
                if let Piece::Required(v) = other {
                    consider(&mut best, v);
                }
            }
        }
    }
    if all_exact {
        return Piece::Exact(run);
    }
    if !run.is_empty() {
        consider(&mut best, vec![run]);
    }
    match best {
        Some(v) => Piece::Required(v),
        None => Piece::Unknown,
    }
}

/// If the class matches one ASCII letter or digit in any case (plus its Unicode case-fold
/// companions ſ and K), that character in lowercase.
pub fn class_char(class: &Class) -> Option<char> {
    let mut found: Option<char> = None;
    let mut note = |c: char| -> bool {
        let folded = match c {
            '\u{17F}' => 's',
            '\u{212A}' => 'k',
            c if c.is_ascii() => c.to_ascii_lowercase(),
            _ => return false,
        };
        match found {
            None => {
                found = Some(folded);
                true
            }
            Some(f) => f == folded,
        }
    };
    match class {
        Class::Unicode(u) => {
            for r in u.ranges() {
                if (r.end() as u32) - (r.start() as u32) > 2 {
                    return None;
                }
                for c in r.start()..=r.end() {
                    if !note(c) {
                        return None;
                    }
                }
            }
        }
        Class::Bytes(b) => {
            for r in b.ranges() {
                if r.end() - r.start() > 2 {
                    return None;
                }
                for c in r.start()..=r.end() {
                    if !note(c as char) {
                        return None;
                    }
                }
            }
        }
    }
    found
}

/// An upper bound on the byte length of any match of a pattern, for a given text: `base` plus
/// so many times each of the text's longest runs. A pattern whose unbounded repetitions are all
/// of whitespace (`\s+`), of non-whitespace (`\w+`) or of characters other than a newline has
/// one; a match can only repeat such a class over a run of the text that consists of it.
/// Adding the coefficients of a concatenation and taking the larger of each for an alternation
/// over-estimates, which is safe: the bound only sizes the windows searched around literal hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LenBound {
    pub base: usize,
    /// Multiples of the longest whitespace run, the longest non-whitespace run and the longest line.
    pub runs: [usize; 3],
}

/// The longest runs of a text, in bytes: whitespace, non-whitespace, and anything but `\n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRuns(pub [usize; 3]);

impl TextRuns {
    pub fn measure(text: &str) -> TextRuns {
        let (mut ws, mut nows, mut line) = (0usize, 0usize, 0usize);
        let mut best = [0usize; 3];
        for c in text.chars() {
            let n = c.len_utf8();
            if c.is_whitespace() {
                ws += n;
                nows = 0;
            } else {
                nows += n;
                ws = 0;
            }
            if c == '\n' {
                line = 0;
            } else {
                line += n;
            }
            best[0] = best[0].max(ws);
            best[1] = best[1].max(nows);
            best[2] = best[2].max(line);
        }
        TextRuns(best)
    }
}

impl LenBound {
    /// The bound on `runs`' text, saturating.
    pub fn eval(&self, runs: &TextRuns) -> usize {
        self.runs.iter().zip(runs.0).fold(self.base, |acc, (k, r)| acc.saturating_add(k.saturating_mul(r)))
    }

    fn add(self, o: LenBound) -> LenBound {
        LenBound { base: self.base.saturating_add(o.base), runs: std::array::from_fn(|i| self.runs[i].saturating_add(o.runs[i])) }
    }

    fn max(self, o: LenBound) -> LenBound {
        LenBound { base: self.base.max(o.base), runs: std::array::from_fn(|i| self.runs[i].max(o.runs[i])) }
    }

    fn times(self, n: usize) -> LenBound {
        LenBound { base: self.base.saturating_mul(n), runs: self.runs.map(|r| r.saturating_mul(n)) }
    }
}

/// The match-length bound of `hir` (see [`LenBound`]), or `None` when a repetition is unbounded
/// over something that is not one of the three run kinds.
pub fn length_bound(hir: &Hir) -> Option<LenBound> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(LenBound::default()),
        HirKind::Literal(lit) => Some(LenBound { base: lit.0.len(), runs: [0; 3] }),
        HirKind::Class(class) => Some(LenBound { base: class_max_len(class)?, runs: [0; 3] }),
        HirKind::Capture(cap) => length_bound(&cap.sub),
        HirKind::Repetition(rep) => match rep.max {
            Some(m) => Some(length_bound(&rep.sub)?.times(m as usize)),
            None => match rep.sub.kind() {
                HirKind::Class(class) => {
                    let mut runs = [0; 3];
                    runs[run_kind(class)?] = 1;
                    Some(LenBound { base: 0, runs })
                }
                _ => None,
            },
        },
        HirKind::Concat(subs) => subs.iter().try_fold(LenBound::default(), |acc, s| Some(acc.add(length_bound(s)?))),
        HirKind::Alternation(subs) => subs.iter().try_fold(LenBound::default(), |acc, s| Some(acc.max(length_bound(s)?))),
    }
}

fn class_max_len(class: &Class) -> Option<usize> {
    match class {
        Class::Unicode(u) => u.ranges().last().map(|r| r.end().len_utf8()),
        Class::Bytes(b) => b.ranges().last().map(|_| 1),
    }
}

/// Which run of the text bounds a repetition of `class`: 0 whitespace, 1 non-whitespace,
/// 2 a line. Byte classes with non-ASCII bytes get none.
fn run_kind(class: &Class) -> Option<usize> {
    let ranges: Vec<(u32, u32)> = match class {
        Class::Unicode(u) => u.ranges().iter().map(|r| (r.start() as u32, r.end() as u32)).collect(),
        Class::Bytes(b) => {
            if b.ranges().iter().any(|r| r.end() >= 0x80) {
                return None;
            }
            b.ranges().iter().map(|r| (r.start() as u32, r.end() as u32)).collect()
        }
    };
    let contains = |c: char| ranges.iter().any(|&(s, e)| s <= c as u32 && c as u32 <= e);
    // Unicode White_Space: what `\s` and `char::is_whitespace` mean.
    let whitespace = (0u32..=0x3000).filter_map(char::from_u32).filter(|c| c.is_whitespace());
    let all_whitespace = ranges.iter().all(|&(s, e)| e - s < 16 && (s..=e).all(|c| char::from_u32(c).is_some_and(char::is_whitespace)));
    if all_whitespace {
        Some(0)
    } else if !whitespace.clone().any(contains) {
        Some(1)
    } else if !contains('\n') {
        Some(2)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(p: &str) -> Option<Vec<String>> {
        let hir = regex_syntax::Parser::new().parse(p).unwrap();
        required_literals(&hir)
    }

    #[test]
    fn plain_words() {
        assert_eq!(lits("camera"), Some(vec!["camera".into()]));
        assert_eq!(lits("(?i)Camera"), Some(vec!["camera".into()]));
        assert_eq!(lits(r"(?i)\bmask\b"), Some(vec!["mask".into()]));
    }

    #[test]
    fn alternations_and_concats() {
        assert_eq!(lits(r"(?i)\b(?:camera|webcam)\b.{0,20}\bbroken"), Some(vec!["broken".into()]));
        assert_eq!(lits(r"(?i)(camera|webcam)\s+(is|was)"), Some(vec!["camera".into(), "webcam".into()]));
        assert_eq!(lits(r"(?i)pay(ment)? in usdt"), Some(vec![" in usdt".into()]));
    }

    #[test]
    fn unusable_patterns() {
        assert_eq!(lits(r"\d{3}-\d{4}"), None);
        assert_eq!(lits(r"(?i)a|bc"), None);
        assert_eq!(lits(r"x?"), None);
        assert_eq!(lits("café"), None);
    }

    fn bound(p: &str) -> Option<LenBound> {
        length_bound(&regex_syntax::Parser::new().parse(p).unwrap())
    }

    #[test]
    fn length_bounds() {
        assert_eq!(bound(r"(?i)\bab\b.{0,20}\bcd\b"), Some(LenBound { base: 4 + 20 * 4, runs: [0; 3] }));
        assert_eq!(bound(r"ab\s+cd"), Some(LenBound { base: 4, runs: [1, 0, 0] }));
        assert_eq!(bound(r"ab\w+|x[^.\n]*"), Some(LenBound { base: 2, runs: [0, 1, 1] }));
        assert_eq!(bound(r"a(?:b\s+)+"), None);
        assert_eq!(bound(r"a[\s,]+"), None);
        let runs = TextRuns::measure("ab  cd\n  xyz\u{a0}\u{a0}");
        assert_eq!(runs, TextRuns([4, 3, 9]));
        assert_eq!(bound(r"ab\s+cd").unwrap().eval(&runs), 8);
    }

    #[test]
    fn prefilter_never_misses() {
        // Every literal set must be contained (case-insensitively) in every match.
        let cases = [
            (r"(?i)\b(?:ship|send)\b.{0,40}\blaptop\b", "Please SEND the new Laptop"),
            (r"(?i)pay(?:ment)?\s+in\s+(?:usdt|btc)", "Payment   in BTC"),
            (r"(?i)tele(?:gram)+", "TELEGRAMGRAM"),
        ];
        for (p, text) in cases {
            let re = regex::Regex::new(p).unwrap();
            let m = re.find(text).unwrap().as_str().to_ascii_lowercase();
            let set = lits(p).unwrap();
            assert!(set.iter().any(|l| m.contains(l.as_str())), "{p}: {set:?} vs {m}");
        }
    }
}
