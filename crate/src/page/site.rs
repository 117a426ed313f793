//! Data-driven site adapters: a pack's `sites` entries applied to a parsed document.

use super::dom::{text_content, truncate_at};
use super::{notice, MAX_CANDIDATES, MAX_FIELD_TEXT};
use crate::candidate::{clean_text, Candidate, FieldText, Notice};
use crate::field::Field;
use crate::pack::{FieldSpec, PageKind, PageSpec, SiteSpec};
use scraper::{ElementRef, Html};

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
    let candidates = match page.kind {
        PageKind::JobPosting | PageKind::Unknown => Vec::new(),
        PageKind::Candidate | PageKind::Messages => {
            let mut c = read_candidate(root, page, &mut notices);
            c.profile_id = captures;
            if c.texts.is_empty() {
                return SiteOutcome::NotRecognised { reason: format!("the {} {} adapter found no fields", site.name, page.kind.as_str()) };
            }
            if page.kind == PageKind::Messages {
                keep_counterpart_messages(&mut c);
            }
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
                let c = read_candidate(row, page, &mut notices);
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

fn read_candidate(scope: ElementRef, page: &PageSpec, notices: &mut Vec<Notice>) -> Candidate {
    let mut c = Candidate::default();
    for (field, spec) in &page.fields {
        let matches: Vec<ElementRef> = if spec.all { scope.select(&spec.selector).collect() } else { scope.select(&spec.selector).take(1).collect() };
        for (record, el) in matches.into_iter().enumerate() {
            let record = record as u32;
            if spec.sub.is_empty() {
                push_value(&mut c, *field, None, record, el, spec, notices);
                continue;
            }
            let before = c.texts.len();
            for (sub, sspec) in &spec.sub {
                let subs: Vec<ElementRef> = if sspec.all { el.select(&sspec.selector).collect() } else { el.select(&sspec.selector).take(1).collect() };
                for s in subs {
                    push_value(&mut c, *field, Some(sub), record, s, sspec, notices);
                }
            }
            if c.texts.len() == before {
                // A record whose sub-fields all missed still has text worth reading.
                push_value(&mut c, *field, None, record, el, &FieldSpec { attr: None, ..spec.clone() }, notices);
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

fn push_value(c: &mut Candidate, field: Field, sub: Option<&'static str>, record: u32, el: ElementRef, spec: &FieldSpec, notices: &mut Vec<Notice>) {
    let (mut text, node) = match &spec.attr {
        Some(attr) => match el.value().attr(attr) {
            Some(v) => (v.to_string(), None),
            None => return,
        },
        None => (text_content(el), Some(el.id())),
    };
    if text.trim().is_empty() {
        return;
    }
    if truncate_at(&mut text, MAX_FIELD_TEXT) {
        notices.push(Notice::new(notice::TEXT_TRUNCATED, format!("a {field} value was cut to {MAX_FIELD_TEXT} bytes")));
    }
    c.texts.push(FieldText { field, sub, record, text, node });
}

/// On a conversation page only the counterpart's own messages describe the candidate: the
/// recruiter's messages ("please don't ship the laptop elsewhere") must not score them.
/// Messages whose author is shown and is not the candidate are dropped.
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
