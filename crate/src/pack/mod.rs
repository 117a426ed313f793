//! Rule packs: the validated, typed form of a pack document.
//!
//! `parse::parse_pack` turns JSON text into a [`Pack`] or a list of diagnostics; the
//! [`crate::compile::Compiler`] then combines packs into an immutable [`crate::Rules`].

mod parse;

pub use parse::{parse_pack, parse_validated_pack, ParseOutcome};

use crate::field::{Field, FieldRef};
use regex::Regex;
use scraper::Selector;
use serde::Serialize;
use std::collections::BTreeMap;

/// Hard limits on what a pack may ask of the engine. Packs come from outside the extension, so
/// each is a cap with its own diagnostic, never a silent truncation.
pub mod limits {
    /// Largest pack document, in bytes.
    pub const MAX_PACK_BYTES: usize = 8 * 1024 * 1024;
    /// Most rules in one pack.
    pub const MAX_RULES: usize = 10_000;
    /// Longest pattern, in bytes.
    pub const MAX_PATTERN_BYTES: usize = 2_000;
    /// Compiled-program size limit for one pattern (regex `size_limit`).
    pub const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;
    /// Lazy-DFA cache for one pattern (regex `dfa_size_limit`). Set explicitly: the default
    /// thrashes on large sets (tech-anchors §3.3); one pattern at a time stays small.
    pub const REGEX_DFA_LIMIT: usize = 2 * 1024 * 1024;
    /// Most list entries (values plus aliases) in one pack.
    pub const MAX_LIST_ENTRIES: usize = 100_000;
}

/// The validated contents of one pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub meta: PackMeta,
    pub sources: BTreeMap<String, Source>,
    pub sites: Vec<SiteSpec>,
    pub rules: Vec<RuleSpec>,
    pub lists: BTreeMap<String, ListSpec>,
    pub verification: Option<Verification>,
    /// Language tag (`de`, `de-CH`) → the pack's texts in that language.
    pub translations: BTreeMap<String, Translation>,
}

/// One language's texts for a pack's rules and verification script. Anything missing falls
/// back to the pack's own text.
#[derive(Debug, Clone, Default)]
pub struct Translation {
    /// Rule id → translated texts.
    pub rules: BTreeMap<String, RuleText>,
    pub verification: Option<VerificationText>,
}

/// A rule's user-visible texts in one language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleText {
    pub title: Option<String>,
    pub explain: Option<String>,
    pub advice: Option<String>,
}

/// The verification script in one language. `steps` is used only when it has as many steps as
/// the script it translates (the linter warns otherwise), so no step is ever lost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerificationText {
    pub title: Option<String>,
    pub steps: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackMeta {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Last day (`YYYY-MM-DD`) the pack may be installed or kept from an update.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

/// A citation: the advisory or report a rule rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub title: String,
    pub steps: Vec<String>,
}

/// A site adapter: which hosts it reads and how each kind of page maps onto fields.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    pub id: String,
    pub name: String,
    pub hosts: Vec<HostPattern>,
    pub pages: Vec<PageSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    Exact(String),
    /// `*.example.com`: any subdomain of `example.com` (not the apex).
    Subdomain(String),
}

impl HostPattern {
    pub fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Exact(h) => h.eq_ignore_ascii_case(host),
            HostPattern::Subdomain(suffix) => {
                host.len() > suffix.len() + 1
                    && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
                    && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Candidate,
    CandidateList,
    Messages,
    JobPosting,
    /// Pages that show no candidate (dashboards, settings, a chat list with no chat open), and
    /// pages the generic adapter could not classify.
    Unknown,
}

impl PageKind {
    pub fn parse(s: &str) -> Option<PageKind> {
        Some(match s {
            "candidate" => PageKind::Candidate,
            "candidate_list" => PageKind::CandidateList,
            "messages" => PageKind::Messages,
            "job_posting" => PageKind::JobPosting,
            // A page of the site known to show no candidate: reported as `unknown`, and the
            // generic adapter does not run on it.
            "no_candidate" => PageKind::Unknown,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Candidate => "candidate",
            PageKind::CandidateList => "candidate_list",
            PageKind::Messages => "messages",
            PageKind::JobPosting => "job_posting",
            PageKind::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PageSpec {
    pub kind: PageKind,
    /// Matched against the URL's path plus `?query`. `None` matches every path.
    pub url: Option<Regex>,
    /// A selector that must be present for this entry to apply.
    pub detect: Option<Selector>,
    /// For candidate lists: one candidate per match.
    pub rows: Option<Selector>,
    pub fields: Vec<(Field, FieldSpec)>,
}

#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub source: FieldSource,
    pub all: bool,
    /// Record sub-fields, evaluated inside each match.
    pub sub: Vec<(&'static str, FieldSpec)>,
}

/// Where a field's text comes from.
#[derive(Debug, Clone)]
pub enum FieldSource {
    /// Elements matching a CSS selector: their text, or an attribute.
    Css { selector: Selector, attr: Option<String> },
    /// JSON embedded in the page: the text of `script` elements parsed as JSON, then `path`.
    /// Inside a JSON record `script` is `None` and `path` is relative to the record.
    Json { script: Option<Selector>, path: crate::jsonpath::JsonPath },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    Identity,
    Contact,
    Content,
    LocationTime,
    Messaging,
    Payment,
    Logistics,
    Sanctions,
    PersonaReuse,
    Platform,
}

impl Family {
    pub const ALL: [Family; 10] = [
        Family::Identity,
        Family::Contact,
        Family::Content,
        Family::LocationTime,
        Family::Messaging,
        Family::Payment,
        Family::Logistics,
        Family::Sanctions,
        Family::PersonaReuse,
        Family::Platform,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Identity => "identity",
            Family::Contact => "contact",
            Family::Content => "content",
            Family::LocationTime => "location_time",
            Family::Messaging => "messaging",
            Family::Payment => "payment",
            Family::Logistics => "logistics",
            Family::Sanctions => "sanctions",
            Family::PersonaReuse => "persona_reuse",
            Family::Platform => "platform",
        }
    }

    pub fn parse(s: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl RuleSeverity {
    pub fn parse(s: &str) -> Option<RuleSeverity> {
        Some(match s {
            "low" => RuleSeverity::Low,
            "medium" => RuleSeverity::Medium,
            "high" => RuleSeverity::High,
            "critical" => RuleSeverity::Critical,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Low => "low",
            RuleSeverity::Medium => "medium",
            RuleSeverity::High => "high",
            RuleSeverity::Critical => "critical",
        }
    }
}

/// A rule's regex, built when the pack is validated or, for a pack already known to be valid
/// (the built-in packs, checked by their tests), on first use: building the built-in pack's
/// regexes is most of what the engine costs at start-up, and most rules never pass the
/// literal prefilter on a given page.
#[derive(Debug, Clone)]
pub struct PatternRegex {
    source: String,
    built: std::sync::OnceLock<Option<Regex>>,
}

impl PatternRegex {
    pub(crate) fn built(regex: Regex) -> PatternRegex {
        PatternRegex { source: regex.as_str().to_string(), built: std::sync::OnceLock::from(Some(regex)) }
    }

    pub(crate) fn deferred(source: &str) -> PatternRegex {
        PatternRegex { source: source.to_string(), built: std::sync::OnceLock::new() }
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The regex, built now if it was deferred. `None` only if a deferred pattern fails to
    /// build, which full validation (`lint`, `Compiler::add_pack`) reports as E008/E-bad-regex;
    /// such a rule then matches nothing rather than panicking.
    pub fn get(&self) -> Option<&Regex> {
        self.built.get_or_init(|| parse::build_regex(&self.source).ok()).as_ref()
    }

    /// Whether the regex has been built (for tests and benchmarks).
    pub fn is_built(&self) -> bool {
        self.built.get().is_some()
    }
}

#[derive(Debug, Clone)]
pub enum MatcherSpec {
    /// `literals`: what the prefilter indexes (see [`crate::literal`]); `bound`: the match-length
    /// bound that lets a scan search only windows around literal hits.
    Pattern { regex: PatternRegex, literals: Option<Vec<String>>, bound: Option<crate::literal::LenBound> },
    List(String),
    /// A structural check (see [`crate::checks`]).
    Check(crate::checks::CheckSpec),
}

#[derive(Debug, Clone)]
pub struct RuleSpec {
    pub id: String,
    pub title: String,
    pub family: Family,
    pub severity: RuleSeverity,
    pub matcher: MatcherSpec,
    /// `None`: every field.
    pub fields: Option<Vec<FieldRef>>,
    /// `None`: every site and the generic adapter.
    pub sites: Option<Vec<String>>,
    pub min_matches: u32,
    pub explain: String,
    pub advice: Option<String>,
    pub sources: Vec<String>,
    pub disabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListMatch {
    /// Case-insensitive, on word boundaries: names.
    Words,
    /// Identifiers: crypto addresses, e-mails, domains.
    Exact,
}

#[derive(Debug, Clone)]
pub struct ListSpec {
    pub description: Option<String>,
    pub match_kind: ListMatch,
    pub entries: Vec<ListEntry>,
}

#[derive(Debug, Clone)]
pub struct ListEntry {
    pub value: String,
    pub aliases: Vec<String>,
    pub note: Option<String>,
    pub date: Option<String>,
}
