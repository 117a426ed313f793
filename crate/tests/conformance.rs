//! Conformance on real saved pages: every `tests/conformance/**/NAME.expect.json` names a page
//! under `../shared/pages` (real pages captured by other people, never copied into this
//! repository) and what scanning it must give. The suite skips, saying so, where `../shared` is
//! absent.
//!
//! ```json
//! {"page": "greenhouse/gitlab_job-application_17nbist.html",
//!  "url": "https://job-boards.greenhouse.io/gitlab/jobs/123",
//!  "wrap": null,
//!  "page_kind": "job_posting", "candidates": []}
//! ```
//! `wrap: "ts-template"` unwraps a page stored in a TypeScript template string
//! (``export const x: string = `…`;``).

mod common;

use candor::{Compiler, Scanner};
use common::check;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn shared_pages() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/pages");
    p.is_dir().then_some(p)
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

/// The HTML inside ``export const x: string = `…`;``, with template escapes undone.
fn unwrap_ts_template(src: &str) -> String {
    let start = src.find('`').map_or(0, |i| i + 1);
    let end = src.rfind('`').filter(|&e| e >= start).unwrap_or(src.len());
    src[start..end].replace("\\`", "`").replace("\\${", "${").replace("\\\\", "\\")
}

#[test]
fn real_pages_conform() {
    let Some(pages) = shared_pages() else {
        eprintln!("skipping conformance: ../shared/pages is not present beside the checkout");
        return;
    };
    let mut files = Vec::new();
    expectation_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no conformance expectations under tests/conformance");
    let rules = Compiler::with_builtin().build();
    let scanner = Scanner::new(&rules);
    let mut failures = Vec::new();
    for f in &files {
        let expect: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let page = expect["page"].as_str().unwrap_or_else(|| panic!("{}: no \"page\"", f.display()));
        let raw = std::fs::read(pages.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let html = match expect.get("wrap").and_then(Value::as_str) {
            Some("ts-template") => unwrap_ts_template(&raw),
            Some(other) => panic!("{}: unknown wrap {other}", f.display()),
            None => raw,
        };
        let report = scanner.scan_html(page, expect.get("url").and_then(Value::as_str), &html);
        let problems = check(&report, &expect);
        if !problems.is_empty() {
            failures.push(format!("{page}:\n  {}", problems.join("\n  ")));
        }
    }
    eprintln!("conformance: {} real page(s) checked", files.len());
    assert!(failures.is_empty(), "{} of {} real pages failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}
