//! Structural checks: signals that a regex cannot see, because they compare fields or records.
//!
//! A rule names a check instead of a pattern (`"check": "local_time_mismatch"`) and may tune it
//! with `params`. Checks are Rust code parameterised from the pack, so a trust team can adjust
//! thresholds without a release but cannot ship code (MV3 forbids remote code; data is fine).
//!
//! | check | compares | params |
//! |---|---|---|
//! | `local_time_mismatch` | claimed location vs displayed local time / time zone | `min_hours` (3) |
//! | `timeline_overlap` | experience records: overlapping roles, several "present" | `min_overlap_months` (3), `min_present` (2), `founded_list` |
//! | `crypto_address` | validated BTC / TRON / EVM addresses anywhere in the targeted fields | — |
//! | `review_burst` | reviews: many top ratings from one client in a short window | `min_reviews` (3), `window_days` (30), `min_rating` (5) |
//! | `duplicate_proposals` | proposals of different people on one list page | `min_similarity` (0.8) |
//! | `email_name_mismatch` | e-mail handles vs the candidate's name | — |
//! | `lookalike_domain` | e-mail and link domains vs a list of real domains | `list` (required), `max_distance` (2) |
//! | `persona_reuse` | contacts and text vs the personas this install has seen | `min_text_similarity` (0.8) |
//! | `fuzzy_list` | short names (employers, clients) vs a list's names and aliases | `list` (required), `threshold` (0.88) |

mod contact;
mod crypto;
mod proposals;
mod reviews;
mod time;
mod timeline;

pub use time::{zone_for_location, Zone};

use crate::candidate::Candidate;
use crate::compile::CompiledList;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A check with its parameters, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckSpec {
    LocalTimeMismatch { min_hours: f64 },
    TimelineOverlap { min_overlap_months: u32, min_present: u32, founded_list: Option<String> },
    CryptoAddress,
    ReviewBurst { min_reviews: u32, window_days: u32, min_rating: f64 },
    DuplicateProposals { min_similarity: f64 },
    EmailNameMismatch,
    LookalikeDomain { list: String, max_distance: u32 },
    /// Contacts or text reused from another persona in this install's memory.
    PersonaReuse { min_text_similarity: f64 },
    /// Short names (employers, agencies, clients) close to a list entry: token-aware
    /// Jaro-Winkler with generic tokens discounted (see `sanctions::fuzzy`).
    FuzzyList { list: String, threshold: f64 },
}

pub const CHECK_NAMES: &[&str] = &[
    "local_time_mismatch",
    "timeline_overlap",
    "crypto_address",
    "review_burst",
    "duplicate_proposals",
    "email_name_mismatch",
    "lookalike_domain",
    "persona_reuse",
    "fuzzy_list",
];

/// A parameter problem: the key it concerns (empty for the `check` itself) and the message.
pub type ParamError = (String, String);

impl CheckSpec {
    /// Validates `name` and `params`. Errors carry the offending key.
    pub fn parse(name: &str, params: Option<&Map<String, Value>>) -> Result<CheckSpec, Vec<ParamError>> {
        let empty = Map::new();
        let p = params.unwrap_or(&empty);
        let mut errors = Vec::new();
        let allowed: &[&str] = match name {
            "local_time_mismatch" => &["min_hours"],
            "timeline_overlap" => &["min_overlap_months", "min_present", "founded_list"],
            "crypto_address" | "email_name_mismatch" => &[],
            "review_burst" => &["min_reviews", "window_days", "min_rating"],
            "duplicate_proposals" => &["min_similarity"],
            "lookalike_domain" => &["list", "max_distance"],
            "persona_reuse" => &["min_text_similarity"],
            "fuzzy_list" => &["list", "threshold"],
            _ => {
                return Err(vec![(String::new(), format!("unknown check \"{name}\"; checks are: {}", CHECK_NAMES.join(", ")))]);
            }
        };
        for k in p.keys() {
            if !allowed.contains(&k.as_str()) {
                errors.push((k.clone(), format!("check \"{name}\" has no parameter \"{k}\"{}", if allowed.is_empty() { String::new() } else { format!("; it takes: {}", allowed.join(", ")) })));
            }
        }
        let mut num = |key: &str, default: f64, min: f64, max: f64| -> f64 {
            match p.get(key) {
                None => default,
                Some(Value::Number(n)) if n.as_f64().is_some_and(|v| (min..=max).contains(&v)) => n.as_f64().unwrap_or(default),
                Some(other) => {
                    errors.push((key.to_string(), format!("\"{key}\" must be a number from {min} to {max}, not {other}")));
                    default
                }
            }
        };
        let spec = match name {
            "local_time_mismatch" => CheckSpec::LocalTimeMismatch { min_hours: num("min_hours", 3.0, 1.0, 12.0) },
            "timeline_overlap" => CheckSpec::TimelineOverlap {
                min_overlap_months: num("min_overlap_months", 3.0, 1.0, 120.0) as u32,
                min_present: num("min_present", 2.0, 2.0, 20.0) as u32,
                founded_list: None,
            },
            "crypto_address" => CheckSpec::CryptoAddress,
            "review_burst" => CheckSpec::ReviewBurst {
                min_reviews: num("min_reviews", 3.0, 2.0, 100.0) as u32,
                window_days: num("window_days", 30.0, 1.0, 3650.0) as u32,
                min_rating: num("min_rating", 5.0, 0.0, 5.0),
            },
            "duplicate_proposals" => CheckSpec::DuplicateProposals { min_similarity: num("min_similarity", 0.8, 0.3, 1.0) },
            "email_name_mismatch" => CheckSpec::EmailNameMismatch,
            "persona_reuse" => CheckSpec::PersonaReuse { min_text_similarity: num("min_text_similarity", 0.8, 0.5, 1.0) },
            "fuzzy_list" => CheckSpec::FuzzyList { list: String::new(), threshold: num("threshold", 0.88, 0.8, 1.0) },
            _ => CheckSpec::LookalikeDomain { list: String::new(), max_distance: num("max_distance", 2.0, 1.0, 3.0) as u32 },
        };
        let mut list_param = |key: &str, required: bool| -> Option<String> {
            match p.get(key) {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                None if !required => None,
                None => {
                    errors.push((String::new(), format!("check \"{name}\" needs \"{key}\": the name of a list in this pack")));
                    None
                }
                Some(other) => {
                    errors.push((key.to_string(), format!("\"{key}\" must name a list, not {other}")));
                    None
                }
            }
        };
        let spec = match spec {
            CheckSpec::LookalikeDomain { max_distance, .. } => CheckSpec::LookalikeDomain { list: list_param("list", true).unwrap_or_default(), max_distance },
            CheckSpec::FuzzyList { threshold, .. } => CheckSpec::FuzzyList { list: list_param("list", true).unwrap_or_default(), threshold },
            CheckSpec::TimelineOverlap { min_overlap_months, min_present, .. } => {
                CheckSpec::TimelineOverlap { min_overlap_months, min_present, founded_list: list_param("founded_list", false) }
            }
            other => other,
        };
        if errors.is_empty() {
            Ok(spec)
        } else {
            Err(errors)
        }
    }

    /// The check's name in packs.
    pub fn name(&self) -> &'static str {
        match self {
            CheckSpec::LocalTimeMismatch { .. } => "local_time_mismatch",
            CheckSpec::TimelineOverlap { .. } => "timeline_overlap",
            CheckSpec::CryptoAddress => "crypto_address",
            CheckSpec::ReviewBurst { .. } => "review_burst",
            CheckSpec::DuplicateProposals { .. } => "duplicate_proposals",
            CheckSpec::EmailNameMismatch => "email_name_mismatch",
            CheckSpec::LookalikeDomain { .. } => "lookalike_domain",
            CheckSpec::PersonaReuse { .. } => "persona_reuse",
            CheckSpec::FuzzyList { .. } => "fuzzy_list",
        }
    }

    /// Names of pack lists this check reads, so the compiler can resolve and verify them.
    pub fn lists(&self) -> Vec<&str> {
        match self {
            CheckSpec::LookalikeDomain { list, .. } | CheckSpec::FuzzyList { list, .. } => vec![list.as_str()],
            CheckSpec::TimelineOverlap { founded_list: Some(l), .. } => vec![l.as_str()],
            _ => Vec::new(),
        }
    }

    /// Whether the check compares candidates of one page with each other.
    pub fn is_page_level(&self) -> bool {
        matches!(self, CheckSpec::DuplicateProposals { .. })
    }
}

/// One piece of evidence from a check: a span of one of the candidate's texts.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index into `Candidate::texts`.
    pub text: usize,
    pub start: usize,
    pub end: usize,
    pub detail: Option<crate::messages::Detail>,
}

impl Hit {
    /// The whole text `i` of a candidate.
    fn whole(c: &Candidate, i: usize, detail: Option<crate::messages::Detail>) -> Hit {
        let t = &c.texts[i].text;
        let start = t.len() - t.trim_start().len();
        let end = t.trim_end().len().max(start);
        Hit { text: i, start, end, detail }
    }
}

/// Inputs a check may need besides the candidate.
pub(crate) struct CheckContext<'a> {
    /// The current time (Unix seconds, UTC), when known: a displayed clock can only be compared
    /// with the claimed location's clock at a known instant.
    pub now: Option<i64>,
    /// The compiled lists of the rule's pack, by the names the check uses.
    pub lists: Vec<(&'a str, &'a CompiledList)>,
    /// Filter: which of the candidate's texts the rule targets.
    pub targets: &'a dyn Fn(usize) -> bool,
    /// Persona memory and this candidate's memory key, when the scanner has a memory.
    pub memory: Option<(&'a crate::persona::Memory, &'a str, &'a (crate::persona::Fingerprint, crate::persona::Spans))>,
}

impl<'a> CheckContext<'a> {
    fn list(&self, name: &str) -> Option<&'a CompiledList> {
        self.lists.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
    }
}

/// Runs a candidate-level check.
pub(crate) fn run(spec: &CheckSpec, c: &Candidate, cx: &CheckContext) -> Vec<Hit> {
    match spec {
        CheckSpec::LocalTimeMismatch { min_hours } => time::local_time_mismatch(c, cx.now, *min_hours),
        CheckSpec::TimelineOverlap { min_overlap_months, min_present, founded_list } => {
            timeline::overlaps(c, *min_overlap_months, *min_present, founded_list.as_deref().and_then(|l| cx.list(l)))
        }
        CheckSpec::CryptoAddress => crypto::addresses(c, cx.targets),
        CheckSpec::ReviewBurst { min_reviews, window_days, min_rating } => reviews::burst(c, *min_reviews, *window_days, *min_rating),
        CheckSpec::EmailNameMismatch => contact::email_name_mismatch(c),
        CheckSpec::LookalikeDomain { list, max_distance } => cx.list(list).map_or_else(Vec::new, |l| contact::lookalike_domains(c, l, *max_distance, cx.targets)),
        CheckSpec::PersonaReuse { min_text_similarity } => match cx.memory {
            Some((memory, key, fingerprint)) => crate::persona::reuse_hits(c, memory, key, fingerprint, *min_text_similarity)
                .into_iter()
                .map(|(text, start, end, detail)| Hit { text, start, end, detail: Some(detail) })
                .collect(),
            None => Vec::new(),
        },
        CheckSpec::FuzzyList { list, threshold } => cx.list(list).map_or_else(Vec::new, |l| fuzzy_names(c, l, *threshold, cx.targets)),
        CheckSpec::DuplicateProposals { .. } => Vec::new(),
    }
}

/// Names longer than this are sentences, not names: fuzzy matching them means nothing.
const MAX_NAME_LEN: usize = 120;

fn fuzzy_names(c: &Candidate, list: &CompiledList, threshold: f64, targets: &dyn Fn(usize) -> bool) -> Vec<Hit> {
    let mut hits = Vec::new();
    // A profile repeats its employers (history, reviews, proposals): compare each name once.
    let mut seen: HashMap<&str, Option<(&str, f64)>> = HashMap::new();
    for (i, t) in c.texts.iter().enumerate() {
        let name = t.text.trim();
        if !targets(i) || name.is_empty() || name.len() > MAX_NAME_LEN {
            continue;
        }
        // Cheap prefilter: some distinctive word must start like a listed name's word.
        let shares_a_word = crate::sanctions::fuzzy::words(name).iter().any(|w| w.len() >= 3 && list.name_prefixes.contains(&w.chars().take(3).collect::<String>()));
        if !shares_a_word {
            continue;
        }
        let best = *seen.entry(name).or_insert_with(|| {
            let text_tokens = crate::sanctions::fuzzy::tokens(name);
            let listed = list.names.iter().zip(&list.name_tokens).map(|((n, _), t)| (n.as_str(), t.as_slice()));
            crate::sanctions::fuzzy::best_match_tokens(&text_tokens, listed, threshold)
        });
        let Some((matched, score)) = best else { continue };
        // An exact whole-word hit is the list rule's finding; this check adds the near misses.
        let folded = fold_ascii(&name.split_whitespace().collect::<Vec<_>>().join(" "));
        if folded.contains(&fold_ascii(matched)) {
            continue;
        }
        let entry = list.names.iter().find(|(n, _)| n == matched).map(|(_, e)| &list.entries[*e]);
        let detail = crate::messages::Detail::Resembles {
            matched: matched.to_string(),
            percent: score * 100.0,
            note: entry.and_then(|e| e.note.clone()),
            date: entry.and_then(|e| e.date.clone()),
        };
        hits.push(Hit::whole(c, i, Some(detail)));
    }
    hits
}

/// Runs a page-level check over all candidates of a page: hits per candidate.
pub fn run_page(spec: &CheckSpec, candidates: &[Candidate]) -> Vec<Vec<Hit>> {
    match spec {
        CheckSpec::DuplicateProposals { min_similarity } => proposals::duplicates(candidates, *min_similarity),
        _ => vec![Vec::new(); candidates.len()],
    }
}

/// Lowercase ASCII-folded words of a name, for comparisons.
pub(crate) fn name_tokens(s: &str) -> Vec<String> {
    fold_ascii(s).split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// Lowercases and folds common Latin accents to ASCII (for other modules).
pub fn fold_ascii_pub(s: &str) -> String {
    fold_ascii(s)
}

/// Lowercases and folds common Latin accents to ASCII.
pub(crate) fn fold_ascii(s: &str) -> String {
    s.chars()
        .flat_map(|c| c.to_lowercase())
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => 'i',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ś' | 'š' | 'ş' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ł' => 'l',
            'đ' | 'ď' => 'd',
            'ř' => 'r',
            'ť' | 'ţ' => 't',
            'ğ' => 'g',
            c => c,
        })
        .collect()
}
