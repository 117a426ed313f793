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
