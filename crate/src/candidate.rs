//! What an adapter extracts from a page: candidates made of field texts with locators.

use crate::field::Field;
use crate::pack::PageKind;
use ego_tree::NodeId;
use serde::Serialize;

/// One piece of text from the page, with where it came from.
#[derive(Debug, Clone)]
pub struct FieldText {
    pub field: Field,
    /// The sub-field within a record field (`employer` in `experience`).
    pub sub: Option<&'static str>,
    /// Which record (0-based) of a record field, or which value of a multi-valued field.
    pub record: u32,
    /// The element's text exactly as DOM `textContent` gives it, so that offsets line up with
    /// the live page.
    pub text: String,
    /// The element the text came from; `None` for attribute values, JSON-LD and plain text.
    pub node: Option<NodeId>,
    /// Byte offsets where text from different elements meets between two word characters;
    /// matching treats them as spaces (see `page::dom::text_with_breaks`).
    pub breaks: Vec<usize>,
}

impl FieldText {
    /// A text with no element boundaries (plain text, attributes, JSON).
    pub fn plain(field: Field, sub: Option<&'static str>, record: u32, text: String, node: Option<NodeId>) -> FieldText {
        FieldText { field, sub, record, text, node, breaks: Vec::new() }
    }
}

/// A person the page is about.
#[derive(Debug, Clone, Default)]
pub struct Candidate {
    pub name: Option<String>,
    pub profile_id: Option<String>,
    /// The element showing the name: the badge goes next to it.
    pub anchor: Option<NodeId>,
    pub texts: Vec<FieldText>,
}

impl Candidate {
    pub fn has_field(&self, field: Field) -> bool {
        self.texts.iter().any(|t| t.field == field && !t.text.trim().is_empty())
    }
}

/// A visible notice about something capped or worked around during a scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub code: &'static str,
    pub message: String,
}

impl Notice {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Notice { code, message: message.into() }
    }
}

/// A page after extraction.
#[derive(Debug, Clone)]
pub struct ExtractedPage {
    /// Site adapter id, or `generic` when no adapter's hosts matched.
    pub site: String,
    /// The adapter that produced the candidates (`generic` after a fallback).
    pub adapter: String,
    pub kind: PageKind,
    pub candidates: Vec<Candidate>,
    pub notices: Vec<Notice>,
}

/// Whitespace-collapsed, trimmed text, for display values such as names.
pub fn clean_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
