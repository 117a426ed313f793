//! Contact consistency: e-mail handles that name someone else (SIG-12) and look-alike domains of
//! real employers (SIG-13: personas use "email addresses that appear similar to the Western
//! company's legitimate domain").

use super::Hit;
use crate::messages::Detail;
use crate::candidate::Candidate;
use crate::compile::CompiledList;
use crate::field::Field;
use regex::Regex;
use std::sync::OnceLock;

fn email_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b([a-z0-9][a-z0-9._%+\-]{0,63})@((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b").expect("static regex"))
}

fn host_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\bhttps?://((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b").expect("static regex"))
}

/// Handle words that say nothing about a person.
const ROLE_WORDS: &[&str] = &[
    "info", "contact", "hello", "hi", "admin", "support", "dev", "developer", "work", "mail", "email", "jobs", "job", "hr",
    "career", "careers", "team", "office", "sales", "me", "the", "official", "pro", "tech", "code", "coder", "web", "mobile",
    "design", "studio", "freelance", "freelancer", "remote", "mr", "ms", "real", "its", "iam", "my", "business", "biz",
];

/// Whether two name words plausibly refer to the same name (prefix or initial forms).
fn same_name_word(a: &str, b: &str) -> bool {
    a == b || (a.len() >= 3 && b.starts_with(a)) || (b.len() >= 3 && a.starts_with(b))
}

pub fn email_name_mismatch(c: &Candidate) -> Vec<Hit> {
    let Some(name) = &c.name else { return Vec::new() };
    let name_words: Vec<String> = super::name_tokens(name).into_iter().filter(|w| w.len() >= 2).collect();
    if name_words.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for (i, t) in c.texts.iter().enumerate().filter(|(_, t)| t.field == Field::Contacts) {
        for cap in email_re().captures_iter(&t.text) {
            let local = cap[1].to_ascii_lowercase();
            let words: Vec<&str> = local.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3 && !ROLE_WORDS.contains(w)).collect();
            // Only a handle shaped like another full name ("firstname.lastname") says anything;
            // nicknames, initials and legacy handles are common and innocent.
            if words.len() < 2 {
                continue;
            }
            let concatenated = local.replace(|c: char| !c.is_ascii_alphabetic(), "");
            let matches_name = words.iter().any(|w| name_words.iter().any(|n| same_name_word(w, n)))
                || name_words.iter().any(|n| n.len() >= 3 && concatenated.contains(n.as_str()));
            if !matches_name {
                let m = cap.get(0).expect("match");
                hits.push(Hit { text: i, start: m.start(), end: m.end(), detail: Some(Detail::HandleNames { handle: words.join(" "), profile: name.to_string() }) });
            }
        }
    }
    hits
}

/// Levenshtein distance, bounded: returns `max + 1` once exceeded.
fn distance(a: &str, b: &str, max: u32) -> u32 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if (a.len() as i64 - b.len() as i64).unsigned_abs() as u32 > max {
        return max + 1;
    }
    let mut prev: Vec<u32> = (0..=b.len() as u32).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i as u32 + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + u32::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        if cur.iter().min().copied().unwrap_or(0) > max {
            return max + 1;
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Maps characters commonly swapped in look-alike domains onto their originals.
fn deconfuse(s: &str) -> String {
    s.replace("rn", "m").replace("vv", "w").chars().map(|c| match c {
        '0' => 'o',
        '1' | 'l' | 'i' => 'l',
        '3' => 'e',
        '5' => 's',
        c => c,
    }).collect()
}

/// The registrable label of a host: `careers.google.com` → `google`, `acme.co.uk` → `acme`.
fn brand(host: &str) -> &str {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    if n >= 3 && matches!(labels[n - 2], "co" | "com" | "org" | "net" | "ac" | "gov") && labels[n - 1].len() == 2 {
        labels[n - 3]
    } else if n >= 2 {
        labels[n - 2]
    } else {
        host
    }
}

pub fn lookalike_domains(c: &Candidate, known: &CompiledList, max_distance: u32, targets: &dyn Fn(usize) -> bool) -> Vec<Hit> {
    let real: Vec<String> = known.entries.iter().map(|e| e.value.to_ascii_lowercase()).collect();
    let mut hits = Vec::new();
    for (i, t) in c.texts.iter().enumerate() {
        if !targets(i) {
            continue;
        }
        let spans = email_re().captures_iter(&t.text).map(|c| c.get(2).expect("group")).chain(host_re().captures_iter(&t.text).map(|c| c.get(1).expect("group")));
        for m in spans {
            let host = m.as_str().to_ascii_lowercase();
            if real.iter().any(|r| host == *r || host.ends_with(&format!(".{r}"))) {
                continue; // the real domain or a subdomain of it
            }
            let b = brand(&host);
            for r in &real {
                let rb = brand(r);
                // The same brand on another TLD (morganstanley.co.uk) is usually the company's
                // own; short brands are too close to other words to compare.
                if b == rb || rb.len() < 5 || b.len() < 4 {
                    continue;
                }
                // Longer names tolerate more edits: one for 5-8 letters, up to max_distance from 9.
                let allowed = if rb.len() >= 9 { max_distance } else { max_distance.min(1) };
                let close = distance(b, rb, allowed) <= allowed || deconfuse(b) == deconfuse(rb);
                // "google-careers", "microsoftjobs": the brand plus filler on another domain.
                let padded = b.contains(rb) && b.len() <= rb.len() + 10;
                if close || padded {
                    hits.push(Hit { text: i, start: m.start(), end: m.end(), detail: Some(Detail::LooksLike { domain: r.to_string() }) });
                    break;
                }
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::FieldText;

    fn contacts(name: &str, text: &str) -> Candidate {
        Candidate { name: Some(name.into()), texts: vec![FieldText { field: Field::Contacts, sub: None, record: 0, text: text.into(), node: None, breaks: Vec::new() }], ..Default::default() }
    }

    #[test]
    fn email_handles() {
        assert!(email_name_mismatch(&contacts("Jordan Blake", "jordan.blake@gmail.com")).is_empty());
        assert!(email_name_mismatch(&contacts("Jordan Blake", "jblake84@gmail.com")).is_empty(), "initials and numbers are innocent");
        assert!(email_name_mismatch(&contacts("Jordan Blake", "coolcoder@gmail.com")).is_empty(), "one word says nothing");
        assert_eq!(email_name_mismatch(&contacts("Jordan Blake", "kevin.morrison.dev@gmail.com")).len(), 1);
        assert!(email_name_mismatch(&contacts("Zoë Müller", "zoe.mueller@web.de")).is_empty());
    }

    #[test]
    fn lookalikes_but_not_siblings() {
        let known = crate::compile::compile_list_for_tests(&["cisco.com", "morganstanley.com", "microsoft.com", "google.com"]);
        let c = |t: &str| Candidate { texts: vec![FieldText { field: Field::Contacts, sub: None, record: 0, text: t.into(), node: None, breaks: Vec::new() }], ..Default::default() };
        let hits = |t: &str| lookalike_domains(&c(t), &known, 2, &|_| true).len();
        assert_eq!(hits("hr@micros0ft.com"), 1);
        assert_eq!(hits("ref@google-careers.net"), 1);
        assert_eq!(hits("ref@rnicrosoft.com"), 1);
        assert_eq!(hits("https://www.morganstanley.co.uk/ and https://www.csc.com"), 0);
        assert_eq!(hits("jobs@careers.microsoft.com"), 0);
    }

    #[test]
    fn brands_and_distance() {
        assert_eq!(brand("careers.google.com"), "google");
        assert_eq!(brand("acme.co.uk"), "acme");
        assert_eq!(distance("micros0ft", "microsoft", 2), 1);
        assert_eq!(deconfuse("rnicrosoft"), deconfuse("microsoft"));
    }
}
