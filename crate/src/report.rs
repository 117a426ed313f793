//! The report: what a scan found, in the shape the CLI prints and the extension renders.

use crate::candidate::Notice;
use crate::pack::{Family, PageKind, RuleSeverity, Source};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// The field the text came from (`bio`, `experience.employer`).
    pub field: String,
    /// The matched text.
    pub text: String,
    /// Element path from `<html>` (see `page::dom::element_path`), when the text is on the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<u32>>,
    /// UTF-16 offsets of the match in that element's `textContent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<u32>,
    /// For list matches: which entry matched, and its note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub family: Family,
    pub severity: RuleSeverity,
    pub title: String,
    pub explain: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<String>,
    /// How many matches the rule found (evidence lists at most a few).
    pub matches: u32,
    pub evidence: Vec<Evidence>,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CandidateReport {
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// Element path of the name, where the badge goes.
    pub anchor: Option<Vec<u32>>,
    pub level: Level,
    pub score: u32,
    pub families: Vec<Family>,
    /// Fields the adapter extracted (non-empty), for conformance checks.
    pub fields: Vec<String>,
    pub findings: Vec<Finding>,
    /// What to remember of this candidate, when the scan had a persona memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persona: Option<PersonaRecord>,
}

/// A candidate's memory key and fingerprint (keyed hashes and a MinHash signature; no raw
/// contact details).
#[derive(Debug, Clone, Serialize)]
pub struct PersonaRecord {
    pub key: String,
    pub fingerprint: crate::persona::Fingerprint,
}

#[derive(Debug, Clone, Serialize)]
pub struct Prompt {
    pub title: String,
    pub steps: Vec<String>,
    /// `standard` for everyone; `raised` at medium; `urgent` at high and critical.
    pub emphasis: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackRef {
    pub id: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub source: String,
    pub url: Option<String>,
    pub site: String,
    pub adapter: String,
    pub page_kind: PageKind,
    pub candidates: Vec<CandidateReport>,
    pub notices: Vec<Notice>,
    pub prompt: Prompt,
    /// The language of the texts: the requested locale's best match among the loaded
    /// translations (`de` for a `de-CH` request with only German), or `None` when the packs'
    /// own texts are used. A text a pack does not translate stays in the pack's language.
    pub locale: Option<String>,
    pub packs: Vec<PackRef>,
    pub engine: &'static str,
}

impl Report {
    /// The highest level among the candidates.
    pub fn level(&self) -> Level {
        self.candidates.iter().map(|c| c.level).max().unwrap_or(Level::None)
    }
}
