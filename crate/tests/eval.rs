//! The measured goal, kept: on the project's dev corpus the built-in pack must keep at least
//! 90 % of the fraud-like items at `medium` or above and at most 2 % of the ordinary items at
//! `high`. The held-out corpora are measured (printed), not asserted: they are the honest
//! estimate and must not become a target. See docs/signals.md.

use candor::eval::{measure, Labels};
use candor::persona::{Memory, MemoryEntry};
use candor::{Compiler, Scanner};
use std::path::Path;

fn run(dir: &str) -> candor::eval::Metrics {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let labels: Labels = serde_json::from_str(&std::fs::read_to_string(root.join("labels.json")).unwrap()).unwrap();
    let rules = Compiler::with_builtin().build();
    let mut memory = Memory { key: b"eval-test-secret".to_vec(), entries: Vec::new() };
    let mut scored = Vec::new();
    for item in labels.items {
        let path = root.join(&item.file);
        let text = std::fs::read_to_string(&path).unwrap();
        let scanner = Scanner::new(&rules).with_memory(Some(&memory));
        let mut report = if item.file.ends_with(".txt") { scanner.scan_text(&item.file, &text) } else { scanner.scan_html(&item.file, None, &text) };
        for c in report.candidates.iter_mut() {
            if let Some(p) = c.persona.take() {
                memory.entries.push(MemoryEntry { key: p.key, name: c.name.clone(), site: report.site.clone(), url: None, seen_at: 0, fingerprint: p.fingerprint });
            }
        }
        scored.push((item, report));
    }
    measure(&scored)
}

#[test]
fn dev_corpus_meets_the_goal() {
    let m = run("tests/corpus");
    eprintln!("{}", m.render());
    assert!(m.fraud >= 60 && m.ordinary >= 150, "the corpus is complete");
    assert!(m.recall_at_medium >= 0.90, "recall at medium {:.3} < 0.90; misses: {:?}", m.recall_at_medium, m.misses);
    assert!(m.false_positive_rate_at_high <= 0.02, "false positives at high {:.3} > 0.02: {:?}", m.false_positive_rate_at_high, m.false_positives);
}

#[test]
fn held_out_corpora_are_measured() {
    for dir in ["tests/corpus-holdout", "tests/corpus-holdout2"] {
        let m = run(dir);
        eprintln!("{dir}:\n{}", m.render());
        assert!(m.fraud > 0 && m.ordinary > 0);
    }
}
