//! Plain-text message threads: a conversation pasted or exported as text.
//!
//! One message per line, `Author: text`, optionally preceded by a time in brackets
//! (`[2026-03-01 02:14] Author: text`). A line without an author continues the previous message.
//! Messages from the recruiter's side (authors `me`, `you`, `recruiter`, `client`,
//! `interviewer`, `hiring manager`) are not scored; the first other author is the candidate.

use crate::candidate::{Candidate, FieldText};
use crate::field::Field;

const OWN_SIDE: &[&str] = &["me", "you", "recruiter", "client", "interviewer", "hiring manager", "hr"];

struct Message {
    time: Option<String>,
    author: Option<String>,
    text: String,
}

pub fn read(text: &str) -> Candidate {
    let mut messages: Vec<Message> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let (time, rest) = match trimmed.strip_prefix('[').and_then(|r| r.split_once(']')) {
            Some((t, rest)) => (Some(t.trim().to_string()), rest.trim_start()),
            None => (None, trimmed),
        };
        match rest.split_once(':') {
            Some((author, body)) if is_author(author) && !body.starts_with("//") => messages.push(Message {
                time,
                author: Some(author.trim().to_string()),
                text: body.trim().to_string(),
            }),
            _ => match messages.last_mut() {
                Some(last) if time.is_none() => {
                    last.text.push('\n');
                    last.text.push_str(rest);
                }
                _ => messages.push(Message { time, author: None, text: rest.to_string() }),
            },
        }
    }
    let mut c = Candidate {
        name: messages
            .iter()
            .filter_map(|m| m.author.as_deref())
            .find(|a| !OWN_SIDE.contains(&a.to_lowercase().as_str()))
            .map(str::to_string),
        ..Candidate::default()
    };
    let mut record = 0;
    for m in messages {
        if m.author.as_deref().is_some_and(|a| Some(a) != c.name.as_deref()) {
            continue;
        }
        let mut push = |sub: &'static str, text: String| c.texts.push(FieldText { field: Field::Messages, sub: Some(sub), record, text, node: None, breaks: Vec::new() });
        if let Some(a) = m.author {
            push("author", a);
        }
        if let Some(t) = m.time {
            push("time", t);
        }
        push("text", m.text);
        record += 1;
    }
    c
}

/// An author label: short, no sentence punctuation, not a URL scheme (`https:`) or a time.
fn is_author(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.chars().count() <= 40
        && s.split_whitespace().count() <= 4
        && !s.contains(['.', ',', '!', '?', '/', '(', ')'])
        && !s.chars().all(|c| c.is_ascii_digit())
        && !matches!(s.to_lowercase().as_str(), "http" | "https" | "note" | "p.s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_authors_times_and_continuations() {
        let c = read("[2026-03-01 02:14] Recruiter: hi\nAlex Kim: my camera is broken\nsee https://t.me/x\nMe: ok\nAlex Kim: pay in USDT");
        assert_eq!(c.name.as_deref(), Some("Alex Kim"));
        let texts: Vec<&str> = c.texts.iter().filter(|t| t.sub == Some("text")).map(|t| t.text.as_str()).collect();
        assert_eq!(texts, vec!["my camera is broken\nsee https://t.me/x", "pay in USDT"]);
    }
}
