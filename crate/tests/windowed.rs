//! Differential tests of the windowed search: a rule whose matches have a bounded length is
//! searched only around its literal hits (`crate/src/scan.rs`), and must find exactly what a
//! search of the whole text finds (`Scanner::whole_text`): same findings, counts and spans.

mod common;

use candor::{Compiler, Report, Rules, Scanner};
use common::Rng;
use std::path::{Path, PathBuf};

fn same_reports(rules: &Rules, name: &str, scan: impl Fn(&Scanner) -> Report) -> serde_json::Value {
    let windowed = serde_json::to_value(scan(&Scanner::new(rules))).unwrap();
    let whole = serde_json::to_value(scan(&Scanner::new(rules).whole_text())).unwrap();
    assert_eq!(windowed, whole, "{name}: the windowed search differs from the whole-text search");
    windowed
}

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            pages(&p, out);
        } else if p.extension().is_some_and(|e| e == "html" || e == "txt") {
            out.push(p);
        }
    }
}

fn findings(report: &serde_json::Value) -> usize {
    report["candidates"].as_array().map_or(0, |cs| cs.iter().map(|c| c["findings"].as_array().map_or(0, Vec::len)).sum())
}

/// Every fixture page, and the real pages of `../shared/pages` when present, with the
/// built-in rules.
#[test]
fn fixture_and_real_pages_match_the_whole_text_search() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    pages(&root.join("tests/fixtures"), &mut files);
    if root.join("../shared/pages").is_dir() {
        pages(&root.join("../shared/pages"), &mut files);
    }
    files.sort();
    assert!(files.len() >= 20, "only {} fixture pages found", files.len());
    let rules = Compiler::with_builtin().build();
    let mut total = 0;
    for f in &files {
        let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        let name = f.display().to_string();
        let report = if name.ends_with(".txt") {
            same_reports(&rules, &name, |s| s.scan_text(&name, &text))
        } else {
            same_reports(&rules, &name, |s| s.scan_html(&name, None, &text))
        };
        total += findings(&report);
    }
    assert!(total > 50, "the fixtures should produce findings to compare ({total})");
}

/// Bounded shapes (counted gaps, `\s+`, `\w+`, `[^.\n]*`) and two unbounded ones, over a small
/// vocabulary, so that texts hit them often: windows overlap, matches sit next to each other,
/// at the very start and end of a text, and right where a window is cut.
const PATTERNS: &[&str] = &[
    r"(?i)\bzorb\b.{0,12}\bquix\b",
    r"(?i)\b(?:zorb|plen)\s+(?:quix|drav)\b",
    r"(?i)\bplen\w*\s+drav",
    r"(?i)\bdrav\b[^.\n]*\bzorb\b",
    r"(?i)\bquix(?:\s+\w+){0,3}\s+plen\b",
    r"(?i)zorb['’]?s?\s+drav",
    r"(?i)\bquix\d{1,3}\b",
    r"(?i)\bplen[\s,]+zorb\b",
    r"(?i)\bdrav(?:\s+\w+)*\s+quix\b",
    r"drav\s*$",
    r"^\s*quix",
];

const WORDS: &[&str] = &[
    "zorb", "Quix", "plen", "DRAV", "plenty", "zorbs", "quix42", "drav.", "the", "a", "café", "naïve", "’", "and", "x", "quixote", "Zorb’s", "ſ", "K",
];
const GAPS: &[&str] = &[" ", "  ", "\n", " \n\t ", "\u{a0}", ", ", ". ", "", "-", "\u{2003}"];

fn synthetic_pack() -> String {
    let rules: Vec<serde_json::Value> = PATTERNS
        .iter()
        .enumerate()
        .map(|(i, p)| {
            serde_json::json!({
                "id": format!("syn.r{i}"), "title": format!("Synthetic {i}"), "family": "payment",
                "severity": "low", "pattern": p, "explain": "A synthetic rule for the differential test.",
                "sources": ["S1"]
            })
        })
        .collect();
    serde_json::json!({
        "candor_pack": 1, "id": "synthetic", "title": "Synthetic", "publisher": "Tests", "version": "1.0",
        "sources": {"S1": {"title": "Test source", "publisher": "Tests"}},
        "rules": rules
    })
    .to_string()
}

#[test]
fn synthetic_texts_match_the_whole_text_search() {
    let mut c = Compiler::with_builtin();
    c.add_pack(&synthetic_pack()).expect("synthetic pack compiles");
    let rules = c.build();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut total = 0;
    for round in 0..400 {
        // Short texts (windows cover them, whole-text fallback) and long ones (many windows).
        let words = if round % 4 == 0 { 5 + rng.next() % 20 } else { 200 + rng.next() % 2000 };
        let mut text = String::from("Alex: ");
        for _ in 0..words {
            // Mostly filler, so the vocabulary is sparse and windows stay apart.
            if rng.next() % 5 == 0 {
                text.push_str(rng.pick(WORDS));
            } else {
                text.push_str(rng.pick(&["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "elit", "sed", "do"]));
            }
            text.push_str(rng.pick(GAPS));
        }
        let report = same_reports(&rules, &format!("synthetic text {round}"), |s| s.scan_text("thread.txt", &text));
        total += findings(&report);
    }
    assert!(total > 400, "the synthetic texts should produce many findings to compare ({total})");
}
