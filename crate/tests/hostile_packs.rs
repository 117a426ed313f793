//! Packs built to hurt (issue 7, docs/reliability.md "Hostile packs"): catastrophic-backtracking
//! patterns, counted repetitions that explode, 100,000 rules, a 50 MB pack, JSON nested past any
//! sane depth. Each is either bounded (the regex engine is linear-time: no backtracking) or
//! rejected with a located diagnostic — and a rejected pack adds nothing, so whatever was active
//! before stays active. The time a catastrophic pattern takes here versus V8's `RegExp` is
//! printed by `make bench` (tools/bench/redos.mjs), not asserted.

use candor::{lint, Compiler, Scanner};

fn header() -> String {
    r#""candor_pack": 1, "id": "hostile", "title": "Hostile", "publisher": "P", "version": "1.0",
       "sources": {"S1": {"title": "Src", "publisher": "Pub"}}"#
        .to_string()
}

fn rule(id: &str, pattern: &str) -> String {
    let pattern = serde_json::to_string(pattern).unwrap();
    format!(r#"{{"id": "{id}", "title": "R", "family": "messaging", "severity": "medium", "explain": "e", "sources": ["S1"], "pattern": {pattern}}}"#)
}

fn pack(rules: &[String]) -> String {
    format!("{{{}, \"rules\": [{}]}}", header(), rules.join(","))
}

fn codes(text: &str) -> Vec<&'static str> {
    lint(text).iter().map(|d| d.code.as_str()).collect()
}

/// The classic ReDoS shapes compile (they are legal) and run in linear time: a scan of text built
/// to make a backtracking engine take exponential time finishes and finds nothing.
#[test]
fn catastrophic_backtracking_patterns_are_linear() {
    let patterns = [
        ("nested-plus", r"(a+)+$"),
        ("alternation-overlap", r"(a|aa)*c"),
        ("nested-star", r"(x+x+)+y"),
        ("email-redos", r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$"),
        ("word-soup", r"(\w+\s?)+!$"),
    ];
    let rules: Vec<String> = patterns.iter().map(|(id, p)| rule(id, p)).collect();
    let text = pack(&rules);
    assert_eq!(codes(&text), Vec::<&str>::new(), "catastrophic patterns are valid rules");
    let mut compiler = Compiler::new();
    compiler.add_pack(&text).expect("compiles");
    let compiled = compiler.build();
    // 64 KiB of each attack string: a backtracking engine needs 2^n steps for n in the tens.
    let attack = ["a".repeat(65_536) + "!", "x".repeat(65_536), "ab ".repeat(21_845) + "?"].concat();
    let report = Scanner::new(&compiled).scan_text("attack.txt", &attack);
    let fired: Vec<&str> = report.candidates.iter().flat_map(|c| &c.findings).map(|f| f.rule.as_str()).collect();
    assert!(fired.is_empty(), "nothing in the attack text matches, yet {fired:?} fired");
}

/// Counted repetitions that compile to huge programs hit the compiled-size limit (E008) at the
/// pattern's location instead of eating memory.
#[test]
fn exploding_counted_repetitions_are_e008() {
    for pattern in [r"(?:a{1000}){1000}", r"\w{500}\w{500}\w{500}", r"((((a{20}){20}){20}){20})"] {
        let text = pack(&[rule("boom", pattern)]);
        let diags = lint(&text);
        assert_eq!(diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), vec!["E008"], "{pattern}");
        assert_eq!(diags[0].pointer, "/rules/0/pattern");
        assert!(diags[0].line >= 1);
    }
    // The largest count the parser accepts: refused by size, not by running out of memory.
    let text = pack(&[rule("huge", r"a{4294967295}")]);
    assert_eq!(codes(&text), vec!["E008"]);
}

/// 100,000 rules: refused as a whole (too many rules, or too large), nothing applied, and the
/// packs compiled before it stay.
#[test]
fn a_hundred_thousand_rules_are_refused_and_the_previous_pack_stays() {
    let rules: Vec<String> = (0..100_000).map(|i| rule(&format!("r{i}"), &format!("zz{i}q"))).collect();
    let big = pack(&rules);
    let found = codes(&big);
    assert!(found == ["E010"] || found == ["E015"], "expected E010 or E015, got {found:?}");

    let previous = pack(&[rule("keep", "send the laptop to my friend")]).replace("\"id\": \"hostile\"", "\"id\": \"previous\"");
    let mut compiler = Compiler::new();
    compiler.add_pack(&previous).expect("the previous pack compiles");
    assert!(compiler.add_pack(&big).is_err());
    let compiled = compiler.build();
    assert_eq!(compiled.rule_count(), 1, "only the previous pack's rule is active");
    let report = Scanner::new(&compiled).scan_text("t.txt", "Please send the laptop to my friend in Ohio.");
    assert_eq!(report.candidates[0].findings[0].rule, "keep");
}

/// A 50 MB pack is refused by its size before any JSON is parsed (one diagnostic, E015).
#[test]
fn a_fifty_megabyte_pack_is_e015() {
    let filler = "x".repeat(50 * 1024 * 1024);
    let text = format!("{{{}, \"description\": \"{filler}\"}}", header());
    let diags = lint(&text);
    assert_eq!(diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), vec!["E015"]);
    assert!(diags[0].message.contains("limit"), "{}", diags[0].message);
    // The same bytes as deeply nested arrays: still E015 (size first), never a stack overflow.
    let nested = "[".repeat(50 * 1024 * 1024);
    assert_eq!(codes(&nested), vec!["E015"]);
}

/// JSON nested deeper than the parser's recursion limit, inside the size limit: a syntax error
/// (E001) with a location, not a stack overflow.
#[test]
fn deeply_nested_json_is_e001() {
    for depth in [200, 100_000, 1_000_000] {
        let text = format!("{{{}, \"x\": {}{}}}", header(), "[".repeat(depth), "]".repeat(depth));
        let diags = lint(&text);
        assert_eq!(diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), vec!["E001"], "depth {depth}");
        assert!(diags[0].message.contains("recursion") || diags[0].message.contains("nest"), "{}", diags[0].message);
    }
}

/// Long alternations at the pattern-length limit compile; one byte over is E009.
#[test]
fn patterns_at_the_length_limit() {
    let words: Vec<String> = (0..400).map(|i| format!("w{i:03}")).collect();
    let mut alternation = words.join("|");
    alternation.truncate(2_000);
    let alternation = alternation.trim_end_matches(|c: char| c == '|' || c == 'w').to_string();
    assert!(alternation.len() <= 2_000);
    assert_eq!(codes(&pack(&[rule("long", &alternation)])), Vec::<&str>::new());
    assert_eq!(codes(&pack(&[rule("too-long", &"a".repeat(2_001))])), vec!["E009"]);
}
