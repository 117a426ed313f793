//! Expectation files: what scanning a page must give. Used by the project's data-driven tests
//! and by `candor test`, so a trust team can run its packs against its own cases in its own CI.
//!
//! ```json
//! {"url": "https://www.upwork.com/freelancers/~01…", "site": "upwork", "adapter": "upwork",
//!  "page_kind": "candidate",
//!  "candidates": [{"name": "…", "level": "high", "fires": ["SIG-39.camera-broken"],
//!                  "silent": ["SIG-44.pay-in-crypto"], "fields": ["name", "bio"]}]}
//! ```
//! Only the keys present are checked; `candidates`, when present, must match in number and order.

use crate::report::Report;
use serde_json::Value;

/// Checks `report` against the expectation `expect`; returns the problems found (empty: pass).
pub fn check(report: &Report, expect: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let r = serde_json::to_value(report).unwrap();
    for key in ["site", "adapter", "page_kind"] {
        if let Some(want) = expect.get(key) {
            if r.get(key) != Some(want) {
                problems.push(format!("{key}: expected {want}, got {}", r[key]));
            }
        }
    }
    let got = r["candidates"].as_array().unwrap();
    if let Some(want) = expect.get("candidates").and_then(Value::as_array) {
        if want.len() != got.len() {
            let names: Vec<&Value> = got.iter().map(|c| &c["name"]).collect();
            problems.push(format!("expected {} candidate(s), got {} {names:?}", want.len(), got.len()));
        }
        for (i, (w, g)) in want.iter().zip(got).enumerate() {
            if let Some(name) = w.get("name") {
                if g.get("name") != Some(name) {
                    problems.push(format!("candidate {i}: name expected {name}, got {}", g["name"]));
                }
            }
            if let Some(level) = w.get("level") {
                if g.get("level") != Some(level) {
                    let fired: Vec<&str> = g["findings"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
                    problems.push(format!("candidate {i}: level expected {level}, got {} (score {}, fired {fired:?})", g["level"], g["score"]));
                }
            }
            let fired: Vec<&str> = g["findings"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
            for rule in w.get("fires").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                if !fired.contains(&rule) {
                    problems.push(format!("candidate {i}: rule {rule} should fire; fired {fired:?}"));
                }
            }
            for rule in w.get("silent").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                if fired.contains(&rule) {
                    problems.push(format!("candidate {i}: rule {rule} must not fire"));
                }
            }
            let fields: Vec<&str> = g["fields"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
            for field in w.get("fields").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                if !fields.contains(&field) {
                    problems.push(format!("candidate {i}: field {field} not extracted; got {fields:?}"));
                }
            }
        }
    }
    problems
}

