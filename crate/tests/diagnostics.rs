//! Golden tests for pack diagnostics (yara-x style): every `diagnostics/NAME.json` is linted and
//! the diagnostics, as JSON, must equal `diagnostics/NAME.out`. The file name's prefix names the
//! code the case is about, and that code must be among the diagnostics.
//!
//! Regenerate after an intended change with `UPDATE_GOLDEN=1 cargo test --test diagnostics`,
//! then read the diff.

use candor::{lint, Compiler};
use std::path::Path;

#[test]
fn golden_diagnostics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    cases.sort();
    assert!(cases.len() >= 15, "expected the golden cases, found {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(case).unwrap();
        let diags = lint(&text);
        let actual = serde_json::to_string_pretty(&diags).unwrap() + "\n";
        let stem = case.file_stem().unwrap().to_str().unwrap();
        let code = stem.split('-').next().unwrap();
        if code.starts_with('E') || code.starts_with('W') {
            assert!(diags.iter().any(|d| d.code.as_str() == code), "{stem}: expected a {code} diagnostic, got {actual}");
        } else {
            assert!(diags.is_empty(), "{stem}: expected no diagnostics, got {actual}");
        }
        let golden = case.with_extension("out");
        if update {
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!("{stem}:\n--- expected\n{expected}\n--- actual\n{actual}")),
            Err(_) => failures.push(format!("{stem}: missing {} (run with UPDATE_GOLDEN=1)", golden.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn header() -> String {
    r#""candor_pack": 1, "id": "t", "title": "T", "publisher": "P", "version": "1.0",
       "sources": {"S1": {"title": "Src", "publisher": "Pub"}}"#
        .to_string()
}

fn rule(i: usize) -> String {
    format!(r#"{{"id": "r{i}", "title": "R", "family": "messaging", "severity": "low", "explain": "e", "sources": ["S1"], "pattern": "abc{i}"}}"#)
}

#[test]
fn too_many_rules_is_e010_and_nothing_applies() {
    let rules: Vec<String> = (0..10_001).map(rule).collect();
    let text = format!("{{{}, \"rules\": [{}]}}", header(), rules.join(","));
    let diags = lint(&text);
    assert_eq!(diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), vec!["E010"]);
    assert!(Compiler::new().add_pack(&text).is_err());
}

#[test]
fn oversized_pack_is_e015() {
    let text = format!("{{{}, \"description\": \"{}\"}}", header(), "x".repeat(8 * 1024 * 1024));
    let diags = lint(&text);
    assert_eq!(diags[0].code.as_str(), "E015");
}

#[test]
fn too_many_list_entries_is_e016() {
    let entries: Vec<String> = (0..100_001).map(|i| format!(r#"{{"value": "v{i}"}}"#)).collect();
    let text = format!("{{{}, \"lists\": {{\"l\": {{\"entries\": [{}]}}}}}}", header(), entries.join(","));
    let diags = lint(&text);
    assert_eq!(diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), vec!["E016"]);
}

#[test]
fn a_pack_with_one_bad_rule_adds_nothing() {
    let text = format!("{{{}, \"rules\": [{}, {}]}}", header(), rule(1), r#"{"id": "bad", "title": "R", "family": "messaging", "severity": "low", "explain": "e", "sources": ["S1"], "pattern": "(unclosed"}"#);
    let mut compiler = Compiler::new();
    let err = compiler.add_pack(&text).unwrap_err();
    assert!(err.iter().any(|d| d.code.as_str() == "E007"));
    assert_eq!(compiler.build().rule_count(), 0, "the valid rule must not be applied either");
}

#[test]
fn rule_ids_are_unique_across_packs() {
    let text = format!("{{{}, \"rules\": [{}]}}", header(), rule(1));
    let other = text.replace("\"id\": \"t\"", "\"id\": \"t2\"");
    let mut compiler = Compiler::new();
    compiler.add_pack(&text).unwrap();
    let err = compiler.add_pack(&other).unwrap_err();
    assert_eq!(err[0].code.as_str(), "E006");
    assert!(err[0].message.contains("already defined by pack \"t\""), "{}", err[0].message);
    assert!(err[0].line > 1 || err[0].column > 1, "the duplicate is located in the second pack");
}
