//! Data-driven site adapters: a pack's `sites` entries applied to a parsed document.

use super::dom::{text_content, text_with_breaks, truncate_at};
use super::{notice, MAX_CANDIDATES, MAX_FIELD_TEXT};
use crate::candidate::{clean_text, Candidate, FieldText, Notice};
use crate::field::Field;
use crate::jsonpath::scalar_text;
use crate::pack::{FieldSource, FieldSpec, PageKind, PageSpec, SiteSpec};
use ego_tree::NodeId;
use scraper::{ElementRef, Html};
use serde_json::Value;
use std::collections::HashMap;
use std::rc::Rc;

/// What a site adapter made of a page.
pub enum SiteOutcome {
    /// The adapter recognised the page and read it.
    Read { kind: PageKind, candidates: Vec<Candidate>, notices: Vec<Notice> },
    /// The host is the site's, but no page entry matched or the entry found nothing.
    NotRecognised { reason: String },
}

/// The first adapter whose hosts match `host`.
pub fn site_for_host<'s>(sites: &'s [SiteSpec], host: &str) -> Option<&'s SiteSpec> {
    sites.iter().find(|s| s.hosts.iter().any(|h| h.matches(host)))
}

/// Applies `site` to the document at `path_and_query` (`/freelancers/~01?x=1`).
pub fn read(site: &SiteSpec, doc: &Html, path_and_query: &str) -> SiteOutcome {
    let root = doc.root_element();
    let Some((page, captures)) = site.pages.iter().find_map(|p| {
        let caps = match &p.url {
            Some(re) => Some(re.captures(path_and_query)?.name("id").map(|m| m.as_str().to_string())),
            None => Some(None),
        };
        if let Some(detect) = &p.detect {
            root.select(detect).next()?;
        }
        caps.map(|c| (p, c))
    }) else {
        return SiteOutcome::NotRecognised { reason: format!("no {} page pattern matches {path_and_query}", site.name) };
    };
    let mut notices = Vec::new();
    let mut cache = JsonCache::new();
    let candidates = match page.kind {
        PageKind::JobPosting | PageKind::Unknown => Vec::new(),
        PageKind::Candidate | PageKind::Messages => {
            let mut c = read_candidate(root, page, &mut cache, &mut notices);
            c.profile_id = captures;
            if c.texts.is_empty() {
                return SiteOutcome::NotRecognised { reason: format!("the {} {} adapter found no fields", site.name, page.kind.as_str()) };
            }
            keep_counterpart_messages(&mut c);
            vec![c]
        }
        PageKind::CandidateList => {
            let Some(rows) = &page.rows else { return SiteOutcome::NotRecognised { reason: "list page without rows".into() } };
            let mut out = Vec::new();
            for row in root.select(rows) {
                if out.len() == MAX_CANDIDATES {
                    notices.push(Notice::new(notice::TOO_MANY_CANDIDATES, format!("only the first {MAX_CANDIDATES} rows were read")));
                    break;
                }
                let mut c = read_candidate(row, page, &mut cache, &mut notices);
                keep_counterpart_messages(&mut c);
                if !c.texts.is_empty() {
                    out.push(c);
                }
            }
            if out.is_empty() {
                return SiteOutcome::NotRecognised { reason: format!("the {} list adapter found no rows", site.name) };
            }
            out
        }
    };
    SiteOutcome::Read { kind: page.kind, candidates, notices }
}

/// Parsed JSON of script elements, by node, so a page's blob is parsed once per scan.
type JsonCache = HashMap<NodeId, Option<Rc<Value>>>;

/// Largest embedded JSON blob parsed, in bytes.
const MAX_JSON_BLOB: usize = 4 * 1024 * 1024;

fn read_candidate(scope: ElementRef, page: &PageSpec, cache: &mut JsonCache, notices: &mut Vec<Notice>) -> Candidate {
    let mut c = Candidate::default();
    for (field, spec) in &page.fields {
        match &spec.source {
            FieldSource::Css { selector, attr } => {
                let matches: Vec<ElementRef> = scope.select(selector).take(if spec.all { usize::MAX } else { 1 }).collect();
                for (record, el) in matches.into_iter().enumerate() {
                    read_css_value(&mut c, *field, record as u32, el, attr.as_deref(), spec, notices);
                }
            }
            FieldSource::Json { script, path } => {
                let Some(script) = script else { continue };
                let mut values: Vec<Rc<Value>> = Vec::new();
                for el in scope.select(script) {
                    let parsed = cache
                        .entry(el.id())
                        .or_insert_with(|| {
                            let raw = text_content(el);
                            (raw.len() <= MAX_JSON_BLOB).then(|| serde_json::from_str::<Value>(raw.trim()).ok().map(Rc::new)).flatten()
                        })
                        .clone();
                    values.extend(parsed);
                }
                let mut record = 0u32;
                'blobs: for blob in &values {
                    for v in path.select(blob) {
                        if !spec.all && record == 1 {
                            break 'blobs;
                        }
                        read_json_value(&mut c, *field, record, v, spec, notices);
                        record += 1;
                    }
                }
            }
        }
    }
    if let Some(name) = c.texts.iter().find(|t| t.field == Field::Name) {
        let cleaned = clean_text(&name.text);
        if !cleaned.is_empty() {
            c.name = Some(cleaned);
            c.anchor = name.node;
        }
    }
    c
}

fn read_css_value(c: &mut Candidate, field: Field, record: u32, el: ElementRef, attr: Option<&str>, spec: &FieldSpec, notices: &mut Vec<Notice>) {
    if spec.sub.is_empty() {
        push_css(c, field, None, record, el, attr, notices);
        return;
    }
    let before = c.texts.len();
    for (sub, sspec) in &spec.sub {
        if let FieldSource::Css { selector, attr } = &sspec.source {
            for s in el.select(selector).take(if sspec.all { usize::MAX } else { 1 }) {
                push_css(c, field, Some(sub), record, s, attr.as_deref(), notices);
            }
        }
    }
    if c.texts.len() == before {
        // A record whose sub-fields all missed still has text worth reading.
        push_css(c, field, None, record, el, None, notices);
    }
}

fn read_json_value(c: &mut Candidate, field: Field, record: u32, v: &Value, spec: &FieldSpec, notices: &mut Vec<Notice>) {
    if spec.sub.is_empty() {
        if let Some(text) = scalar_text(v) {
            push_text(c, field, None, record, text, None, notices);
        }
        return;
    }
    for (sub, sspec) in &spec.sub {
        if let FieldSource::Json { path, .. } = &sspec.source {
            for sv in path.select(v).into_iter().take(if sspec.all { usize::MAX } else { 1 }) {
                if let Some(text) = scalar_text(sv) {
                    push_text(c, field, Some(sub), record, text, None, notices);
                }
            }
        }
    }
}

fn push_css(c: &mut Candidate, field: Field, sub: Option<&'static str>, record: u32, el: ElementRef, attr: Option<&str>, notices: &mut Vec<Notice>) {
    match attr {
        Some(attr) => {
            if let Some(v) = el.value().attr(attr) {
                push_text(c, field, sub, record, v.to_string(), None, notices);
            }
        }
        None => {
            let (text, breaks) = text_with_breaks(el);
            push_text_with_breaks(c, field, sub, record, text, breaks, Some(el.id()), notices);
        }
    }
}

fn push_text(c: &mut Candidate, field: Field, sub: Option<&'static str>, record: u32, text: String, node: Option<NodeId>, notices: &mut Vec<Notice>) {
    push_text_with_breaks(c, field, sub, record, text, Vec::new(), node, notices);
}

#[allow(clippy::too_many_arguments)]
fn push_text_with_breaks(c: &mut Candidate, field: Field, sub: Option<&'static str>, record: u32, mut text: String, mut breaks: Vec<usize>, node: Option<NodeId>, notices: &mut Vec<Notice>) {
    if text.trim().is_empty() {
        return;
    }
    if truncate_at(&mut text, MAX_FIELD_TEXT) {
        notices.push(Notice::new(notice::TEXT_TRUNCATED, format!("a {field} value was cut to {MAX_FIELD_TEXT} bytes")));
        breaks.retain(|b| *b < text.len());
    }
    c.texts.push(FieldText { field, sub, record, text, node, breaks });
}

/// Only the candidate's own messages describe the candidate: the recruiter's messages ("please
/// don't ship the laptop elsewhere") must not score them. On any page with a message thread,
/// messages whose author is shown and is not the candidate are dropped.
fn keep_counterpart_messages(c: &mut Candidate) {
    let Some(name) = c.name.as_deref().map(str::to_lowercase) else { return };
    let first = name.split_whitespace().next().unwrap_or("").to_string();
    let foreign: Vec<u32> = c
        .texts
        .iter()
        .filter(|t| t.field == Field::Messages && t.sub == Some("author"))
        .filter(|t| {
            let author = clean_text(&t.text).to_lowercase();
            !(author == name || author.split_whitespace().next() == Some(first.as_str()))
        })
        .map(|t| t.record)
        .collect();
    c.texts.retain(|t| t.field != Field::Messages || !foreign.contains(&t.record));
}
