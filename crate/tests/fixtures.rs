//! Data-driven scan tests: every `tests/fixtures/**/NAME.expect.json` describes what scanning
//! the sibling `NAME.html` (or `NAME.txt`) must give.
//!
//! ```json
//! {"url": "https://www.upwork.com/freelancers/~01…", "site": "upwork", "adapter": "upwork",
//!  "page_kind": "candidate",
//!  "candidates": [{"name": "…", "level": "high", "fires": ["SIG-39.camera-broken"],
//!                  "silent": ["…"], "fields": ["name", "bio"]}]}
//! ```
//! Only the keys present are checked; `candidates` must match in number and order.

mod common;

use candor::{Compiler, Report, Scanner};
use common::check;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn expectation_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            expectation_files(&p, out);
        } else if p.to_string_lossy().ends_with(".expect.json") {
            out.push(p);
        }
    }
}

fn scan_fixture(scanner: &Scanner, expect_path: &Path, expect: &Value) -> Report {
    let stem = expect_path.to_string_lossy().trim_end_matches(".expect.json").to_string();
    let (page, is_text) = if Path::new(&format!("{stem}.html")).exists() { (format!("{stem}.html"), false) } else { (format!("{stem}.txt"), true) };
    let text = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{page}: {e}"));
    if is_text {
        scanner.scan_text(&page, &text)
    } else {
        scanner.scan_html(&page, expect.get("url").and_then(Value::as_str), &text)
    }
}

#[test]
fn fixtures_meet_their_expectations() {
    let mut files = Vec::new();
    expectation_files(&fixtures_dir(), &mut files);
    files.sort();
    assert!(files.len() >= 8, "expected the project fixtures under tests/fixtures, found {}", files.len());
    let rules = Compiler::with_builtin().build();
    let scanner = Scanner::new(&rules);
    let mut failures = Vec::new();
    for f in &files {
        let expect: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let report = scan_fixture(&scanner, f, &expect);
        let problems = check(&report, &expect);
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", f.display(), problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} fixtures failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}

/// Evidence starts at a word, not at the full stop or space before it (rules anchored at a
/// sentence boundary match from there): the highlight and the quoted text start where a reader
/// would.
#[test]
fn evidence_starts_and_ends_at_text() {
    let mut files = Vec::new();
    expectation_files(&fixtures_dir(), &mut files);
    let rules = Compiler::with_builtin().build();
    let scanner = Scanner::new(&rules);
    let mut seen = 0;
    for f in &files {
        let expect: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for c in scan_fixture(&scanner, f, &expect).candidates {
            for e in c.findings.iter().flat_map(|f| &f.evidence) {
                seen += 1;
                let first = e.text.chars().next();
                assert!(!matches!(first, Some('.' | '!' | '?' | ';' | ':' | ',')) && !first.is_some_and(char::is_whitespace), "{}: evidence {:?}", f.display(), e.text);
                assert!(!e.text.ends_with(char::is_whitespace), "{}: evidence {:?}", f.display(), e.text);
            }
        }
    }
    assert!(seen >= 50, "only {seen} pieces of evidence in the fixtures");
}

/// Evidence locators must point at the matched text: the UTF-16 slice of the element's text
/// content is the evidence text. This is what the content script relies on to highlight.
#[test]
fn evidence_offsets_slice_the_element_text() {
    let html = "<!DOCTYPE html><html><body><h1>Zoë Ådler</h1><div><p>Café owner — naïve? No: my webcam is broken today.</p></div></body></html>";
    let rules = Compiler::with_builtin().build();
    let report = Scanner::new(&rules).scan_html("t.html", Some("https://example.org/p"), html);
    let c = &report.candidates[0];
    assert_eq!(c.name.as_deref(), Some("Zoë Ådler"));
    assert_eq!(c.anchor, Some(vec![1, 0]));
    let ev: Vec<_> = c.findings.iter().flat_map(|f| &f.evidence).collect();
    assert!(!ev.is_empty(), "the camera refusal must be found: {:?}", c.findings);
    let text: Vec<u16> = "Café owner — naïve? No: my webcam is broken today.".encode_utf16().collect();
    for e in ev {
        assert_eq!(e.path.as_deref(), Some(&[1, 1, 0][..]));
        let (s, t) = (e.start.unwrap() as usize, e.end.unwrap() as usize);
        assert_eq!(String::from_utf16(&text[s..t]).unwrap(), e.text);
    }
}

/// The prefilter is an optimisation only: scanning with it must find exactly what running every
/// rule finds. Texts with the fold characters ſ and K (Kelvin) take the unfiltered path.
#[test]
fn prefilter_and_fold_characters() {
    let rules = Compiler::with_builtin().build();
    let scanner = Scanner::new(&rules);
    let plain = scanner.scan_text("a.txt", "Alex: my webcam is broken");
    let folded = scanner.scan_text("b.txt", "Alex: my webcam iſ broken");
    let ids = |r: &Report| r.candidates[0].findings.iter().map(|f| f.rule.clone()).collect::<Vec<_>>();
    assert!(!ids(&plain).is_empty());
    assert_eq!(ids(&plain), ids(&folded));
}
