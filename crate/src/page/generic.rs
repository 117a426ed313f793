//! The generic adapter: reads any page when no site adapter applies.
//!
//! It looks for a schema.org `Person` (or `JobPosting`) in JSON-LD, the first `<h1>`, e-mail and
//! phone links, and the page's visible text in leaf blocks.
//!
//! Limitation: text that sits directly in a block which also contains other blocks
//! (`<div>text<div>…</div></div>`) is not read; only leaf blocks are, so that no text is scanned
//! twice.

use super::dom::{is_own_element, text_content, text_with_breaks, truncate_at};
use super::{notice, MAX_BLOCKS, MAX_FIELD_TEXT};
use crate::candidate::{clean_text, Candidate, FieldText, Notice};
use crate::field::Field;
use crate::pack::PageKind;
use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::OnceLock;

const BLOCKS: &[&str] = &[
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "body",
];
const SKIP: &[&str] = &["script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas", "select", "textarea", "math"];
/// JSON-LD blocks larger than this are not parsed.
const MAX_JSON_LD: usize = 512 * 1024;

fn selector(cell: &'static OnceLock<Selector>, src: &str) -> &'static Selector {
    cell.get_or_init(|| Selector::parse(src).expect("static selector"))
}

pub fn read(doc: &Html) -> (PageKind, Vec<Candidate>, Vec<Notice>) {
    static LD: OnceLock<Selector> = OnceLock::new();
    static H1: OnceLock<Selector> = OnceLock::new();
    static LINKS: OnceLock<Selector> = OnceLock::new();
    let mut notices = Vec::new();
    let mut c = Candidate::default();

    let mut person: Option<Value> = None;
    let mut job_posting = false;
    for script in doc.select(selector(&LD, r#"script[type="application/ld+json"]"#)) {
        let raw = text_content(script);
        if raw.len() > MAX_JSON_LD {
            continue;
        }
        if let Ok(v) = serde_json::from_str::<Value>(&raw) {
            find_typed(&v, &mut person, &mut job_posting, 0);
        }
    }
    if (job_posting || (person.is_none() && is_application_form(doc))) && person.is_none() {
        return (PageKind::JobPosting, Vec::new(), notices);
    }

    let h1 = doc.select(selector(&H1, "h1")).find(|h| !clean_text(&text_content(*h)).is_empty());
    if let Some(p) = &person {
        let json_text = |key: &str| p.get(key).and_then(Value::as_str).map(str::to_string);
        if let Some(name) = json_text("name") {
            c.name = Some(clean_text(&name));
        }
        let mut push = |field, text: Option<String>| {
            if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
                c.texts.push(FieldText { field, sub: None, record: 0, text, node: None, breaks: Vec::new() });
            }
        };
        push(Field::Headline, json_text("jobTitle"));
        push(Field::Bio, json_text("description"));
        push(Field::Contacts, json_text("email"));
        push(Field::Contacts, json_text("telephone"));
        let image = match p.get("image") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) => o.get("url").and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        push(Field::Photo, image);
        let locality = p.get("address").and_then(|a| a.get("addressLocality")).and_then(Value::as_str).map(str::to_string);
        push(Field::Location, locality);
    }
    match (&c.name, h1) {
        (None, Some(h)) => {
            c.name = Some(clean_text(&text_content(h)));
            c.anchor = Some(h.id());
        }
        (Some(name), Some(h)) if clean_text(&text_content(h)) == *name => c.anchor = Some(h.id()),
        _ => {}
    }

    for a in doc.select(selector(&LINKS, r#"a[href^="mailto:" i], a[href^="tel:" i]"#)) {
        let text = text_content(a);
        let href = a.value().attr("href").unwrap_or("");
        let value = href.split_once(':').map_or("", |(_, v)| v).split('?').next().unwrap_or("");
        if !text.trim().is_empty() && text.contains(value.trim()) {
            c.texts.push(FieldText { field: Field::Contacts, sub: None, record: 0, text, node: Some(a.id()), breaks: Vec::new() });
        } else if !value.trim().is_empty() {
            c.texts.push(FieldText { field: Field::Contacts, sub: None, record: 0, text: value.to_string(), node: None, breaks: Vec::new() });
        }
    }

    let blocks = leaf_blocks(doc);
    if blocks.len() > MAX_BLOCKS {
        notices.push(Notice::new(notice::TOO_MANY_BLOCKS, format!("only the first {MAX_BLOCKS} of {} text blocks were read", blocks.len())));
    }
    for (record, id) in blocks.into_iter().take(MAX_BLOCKS).enumerate() {
        let Some(el) = doc.tree.get(id).and_then(ElementRef::wrap) else { continue };
        let (mut text, mut breaks) = text_with_breaks(el);
        if text.trim().is_empty() {
            continue;
        }
        if truncate_at(&mut text, MAX_FIELD_TEXT) {
            notices.push(Notice::new(notice::TEXT_TRUNCATED, format!("a text block was cut to {MAX_FIELD_TEXT} bytes")));
            breaks.retain(|b| *b < text.len());
        }
        c.texts.push(FieldText { field: Field::Text, sub: None, record: record as u32, text, node: Some(id), breaks });
    }

    let kind = if person.is_some() || looks_like_a_person_page(&c) { PageKind::Candidate } else { PageKind::Unknown };
    let candidates = if c.texts.is_empty() && c.name.is_none() { Vec::new() } else { vec![c] };
    (kind, candidates, notices)
}

/// A page about one person without JSON-LD: a name heading plus a contact link, or plus the
/// sections a résumé or portfolio has. Anything else (articles, dashboards) stays `unknown`.
fn looks_like_a_person_page(c: &Candidate) -> bool {
    const SECTIONS: &[&str] = &["experience", "skills", "education", "resume", "résumé", "portfolio", "about me", "curriculum vitae", "hire me", "work history", "projects", "contact me", "references"];
    if c.name.is_none() {
        return false;
    }
    if c.texts.iter().any(|t| t.field == Field::Contacts) {
        return true;
    }
    let mut seen = 0;
    for s in SECTIONS {
        if c.texts.iter().any(|t| t.field == Field::Text && t.text.len() < 200 && t.text.to_lowercase().contains(s)) {
            seen += 1;
        }
    }
    seen >= 2
}

/// A job application form: a file input for a résumé or CV inside a form. Career sites on
/// customers' own domains (Teamtailor, Lever, Greenhouse embeds) carry no JSON-LD; their apply
/// form is what gives them away. A recruiter's candidate view shows documents, not upload fields.
fn is_application_form(doc: &Html) -> bool {
    static FILE: OnceLock<Selector> = OnceLock::new();
    doc.select(selector(&FILE, r#"form input[type="file" i]"#)).any(|input| {
        let attrs: String = ["name", "id", "accept", "aria-label", "data-qa", "data-test"].iter().filter_map(|a| input.value().attr(a)).collect::<Vec<_>>().join(" ").to_lowercase();
        let form_text = input.ancestors().filter_map(ElementRef::wrap).find(|e| e.value().name() == "form").map(|f| text_content(f).to_lowercase()).unwrap_or_default();
        ["resume", "résumé", "cv", "cover"].iter().any(|w| attrs.contains(w)) || form_text.contains("resume") || form_text.contains("résumé") || form_text.contains(" cv")
    })
}

/// Finds the first `Person` and notes any `JobPosting`, through arrays and `@graph`.
fn find_typed(v: &Value, person: &mut Option<Value>, job: &mut bool, depth: u32) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| find_typed(i, person, job, depth + 1)),
        Value::Object(m) => {
            let is = |t: &str| match m.get("@type") {
                Some(Value::String(s)) => s == t,
                Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(t)),
                _ => false,
            };
            if is("Person") && person.is_none() {
                *person = Some(v.clone());
            }
            if is("JobPosting") {
                *job = true;
            }
            if let Some(g) = m.get("@graph") {
                find_typed(g, person, job, depth + 1);
            }
            if let Some(e) = m.get("mainEntity") {
                find_typed(e, person, job, depth + 1);
            }
        }
        _ => {}
    }
}

/// Block elements under `<body>` that hold text and contain no other block, in document order.
/// Iterative, so a hostile page's deep nesting cannot overflow the stack.
fn leaf_blocks(doc: &Html) -> Vec<NodeId> {
    let mut blocks = Vec::new();
    let mut has_inner_block: HashSet<NodeId> = HashSet::new();
    let mut skip_until: Option<NodeId> = None;
    for edge in doc.tree.root().traverse() {
        use ego_tree::iter::Edge;
        match edge {
            Edge::Open(node) => {
                if skip_until.is_some() {
                    continue;
                }
                if let Node::Element(e) = node.value() {
                    let name = e.name();
                    if SKIP.contains(&name) || is_own_element(name) {
                        skip_until = Some(node.id());
                        continue;
                    }
                    if BLOCKS.contains(&name) {
                        blocks.push(node.id());
                        // Mark the nearest block ancestor as non-leaf.
                        let mut up = node.parent();
                        while let Some(p) = up {
                            if matches!(p.value(), Node::Element(pe) if BLOCKS.contains(&pe.name())) {
                                has_inner_block.insert(p.id());
                                break;
                            }
                            up = p.parent();
                        }
                    }
                }
            }
            Edge::Close(node) => {
                if skip_until == Some(node.id()) {
                    skip_until = None;
                }
            }
        }
    }
    blocks.retain(|id| !has_inner_block.contains(id));
    blocks
}
