//! The engine half of `make bench` (docs/performance.md). Not a test: it measures.
//!
//! Native (`cargo run --release --example bench -- build/bench/manifest.json [--runs N]
//! [--rule-runs N]`, after `node tools/bench/inputs.mjs`) it prints one JSON document with:
//!
//! - `pages`: for each page of the manifest, the medians of N interleaved runs of `parse`
//!   (`scraper::Html::parse_document` and dropping the DOM), `bare` (`Scanner::scan_html` with
//!   the site adapters but no rule: parse, site detection, extraction, report) and `total`
//!   (`Scanner::scan_html` with every built-in pack, what the extension runs); extraction is
//!   `bare - parse` and the rules are `total - bare`;
//! - `rules`: for the built-in packs alone and for each synthetic pack added on top of them
//!   (`Compiler::add_pack`, as the extension adds a team pack), the compile time, the first
//!   `Scanner::scan_text` over the 64 KiB thread, the median of N warm ones, and how many rules
//!   the literal prefilter lets through on that text;
//! - `builtin_rules`: each built-in rule alone, its compile time and what it adds to a scan of
//!   the 750 KB page and of the thread (finds the rules that dominate);
//! - `builtin_patterns`: where the built-in patterns' compile time goes;
//! - `builtin_full_validation_ms`: the built-in packs through full validation (`add_pack`, every
//!   regex built), which the engine's start-up no longer does; and per rule set
//!   `warm_whole_text_ms`, the warm scan with `Scanner::whole_text` (no windowed search).
//!
//! For wasm the same file is built for `wasm32-unknown-unknown` (`cargo build -p candor --release
//! --example bench --target wasm32-unknown-unknown --no-default-features`, then wasm-bindgen and
//! wasm-opt as for the shipped module; `make bench` does this) and exports
//! `benchPage(html, url, runs)`, so the parse/extract/rules split is measured inside wasm with the
//! same code and `performance.now()` as the clock. `tools/bench/wasm.mjs` drives it.

use candor::{builtin_packs, Compiler, Rules, Scanner};
use serde_json::{json, Value};

/// Median of `v` (sorted in place); `NaN` when empty.
fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// The site adapters without any rule: the built-in packs except `builtin.json`.
fn sites_only() -> Rules {
    let mut c = Compiler::new();
    for (name, text) in builtin_packs().iter().filter(|(name, _)| *name != "builtin.json") {
        if let Err(d) = c.add_pack(text) {
            panic!("built-in pack {name} does not compile: {d:?}");
        }
    }
    c.build()
}

fn summary(report: &candor::Report) -> Value {
    json!({
        "site": report.site,
        "adapter": report.adapter,
        "page_kind": report.page_kind.as_str(),
        "candidates": report.candidates.len(),
        "findings": report.candidates.iter().map(|c| c.findings.len()).sum::<usize>(),
        "level": format!("{:?}", report.level()).to_lowercase(),
    })
}

/// Parse / bare scan / full scan of one page, interleaved, `runs` times after one warm-up round.
fn measure_page(html: &str, url: Option<&str>, runs: usize, now: &dyn Fn() -> f64) -> Value {
    let full = Compiler::with_builtin().build();
    let bare = sites_only();
    let (mut parse, mut bare_t, mut total) = (Vec::new(), Vec::new(), Vec::new());
    let mut last = None;
    for i in 0..=runs {
        let t0 = now();
        drop(std::hint::black_box(scraper::Html::parse_document(html)));
        let t1 = now();
        std::hint::black_box(Scanner::new(&bare).scan_html("page", url, html));
        let t2 = now();
        let report = Scanner::new(&full).scan_html("page", url, html);
        let t3 = now();
        if i > 0 {
            parse.push(t1 - t0);
            bare_t.push(t2 - t1);
            total.push(t3 - t2);
        }
        last = Some(report);
    }
    let (p, b, t) = (median(&mut parse), median(&mut bare_t), median(&mut total));
    json!({
        "runs": runs,
        "parse_ms": p,
        "bare_ms": b,
        "extract_ms": b - p,
        "rules_ms": t - b,
        "total_ms": t,
        "total_min_ms": total.first().copied(),
        "total_max_ms": total.last().copied(),
        "report": summary(last.as_ref().expect("at least one run")),
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::*;
    use std::time::Instant;

    fn usage() -> ! {
        eprintln!("usage: bench MANIFEST.json [--runs N] [--rule-runs N]");
        std::process::exit(2);
    }

    /// How many rules of `rules` pass the literal prefilter on `text` (the same extraction
    /// the pack parser runs; rules without a usable literal always run).
    fn prefilter_pass(pack: &Value, text: &str) -> (usize, usize) {
        let lower = text.to_ascii_lowercase();
        let mut pass = 0;
        let mut always = 0;
        for r in pack["rules"].as_array().into_iter().flatten() {
            let Some(p) = r["pattern"].as_str() else { continue };
            let hir = regex_syntax::Parser::new().parse(p).expect("synthetic patterns parse");
            match candor::literal::required_literals(&hir) {
                Some(lits) => pass += usize::from(lits.iter().any(|l| lower.contains(l.as_str()))),
                None => always += 1,
            }
        }
        (pass + always, always)
    }

    /// Each built-in rule on its own: the built-in pack cut down to that one rule (sources and
    /// lists kept), with the site adapters. Compile time of that pack, and the median extra time
    /// it adds to a scan of the 750 KB page and of the 64 KiB thread, each minus the same
    /// measurement with no rule. Finds the rules that dominate the totals. Minimum of the runs,
    /// not the median: the work is deterministic, and on a shared machine the minimum is the
    /// estimate least disturbed by other processes.
    fn profile_builtin(html: &str, url: Option<&str>, text: &str, now: &dyn Fn() -> f64) -> Vec<Value> {
        const RUNS: usize = 5;
        let min = |v: &mut Vec<f64>| v.iter().copied().fold(f64::INFINITY, f64::min);
        let builtin: Value = serde_json::from_str(candor::builtin_pack()).expect("builtin pack JSON");
        let rules = builtin["rules"].as_array().cloned().unwrap_or_default();
        let measure = |rule: Option<&Value>| -> (f64, f64, f64) {
            let mut pack = builtin.clone();
            pack["rules"] = Value::Array(rule.into_iter().cloned().collect());
            let pack = pack.to_string();
            let mut compile = Vec::new();
            let mut compiled = None;
            for _ in 0..3 {
                let t = now();
                let mut c = Compiler::new();
                c.add_pack(&pack).expect("cut-down built-in pack compiles");
                let r = c.build();
                compile.push(now() - t);
                compiled = Some(r);
            }
            let rules_only = compiled.expect("compiled");
            // The site adapters are needed for the page to be read as a profile.
            let mut c = Compiler::new();
            c.add_pack(&pack).expect("pack");
            for (_, site) in builtin_packs().iter().filter(|(name, _)| *name != "builtin.json") {
                c.add_pack(site).expect("site pack");
            }
            let with_sites = c.build();
            drop(rules_only);
            let (mut page, mut thread) = (Vec::new(), Vec::new());
            for i in 0..=RUNS {
                let t0 = now();
                std::hint::black_box(Scanner::new(&with_sites).scan_html("page", url, html));
                let t1 = now();
                std::hint::black_box(Scanner::new(&with_sites).scan_text("thread.txt", text));
                let t2 = now();
                if i > 0 {
                    page.push(t1 - t0);
                    thread.push(t2 - t1);
                }
            }
            (min(&mut compile), min(&mut page), min(&mut thread))
        };
        let (c0, p0, t0) = measure(None);
        let mut out: Vec<Value> = rules
            .iter()
            .map(|r| {
                let (c, p, t) = measure(Some(r));
                let kind = if r.get("pattern").is_some() {
                    "pattern".to_string()
                } else if let Some(l) = r.get("list").and_then(Value::as_str) {
                    format!("list {l}")
                } else {
                    let check = &r["check"];
                    format!("check {}", check.as_str().or_else(|| check.get("name").and_then(Value::as_str)).unwrap_or("?"))
                };
                json!({ "id": r["id"], "kind": kind, "compile_ms": c - c0, "page_ms": p - p0, "text_ms": t - t0 })
            })
            .collect();
        out.insert(0, json!({ "id": "(no rule: sources, lists, sites)", "kind": "baseline", "compile_ms": c0, "page_ms": p0, "text_ms": t0 }));
        out
    }

    /// Where the built-in patterns' compile time goes, and how the prefilter treats them on the
    /// 64 KiB thread: the sum over every built-in pattern of the `regex` build with the pack
    /// parser's limits, the same build with Unicode off (`(?-u)` semantics: ASCII `\b \w \s`
    /// and case folding; patterns it refuses are counted), and the `regex_syntax` parse the pack
    /// parser does for the literal and fairness checks.
    fn builtin_patterns(text: &str, now: &dyn Fn() -> f64) -> Value {
        const LIMIT: usize = 2 * 1024 * 1024; // crate/src/pack/mod.rs REGEX_SIZE_LIMIT, REGEX_DFA_LIMIT
        let builtin: Value = serde_json::from_str(candor::builtin_pack()).expect("builtin pack JSON");
        let patterns: Vec<&str> = builtin["rules"].as_array().into_iter().flatten().filter_map(|r| r["pattern"].as_str()).collect();
        let lower = text.to_ascii_lowercase();
        let (mut unicode, mut unicode_subset, mut ascii, mut hir_ms, mut ascii_refused, mut always, mut pass) = (0.0, 0.0, 0.0, 0.0, 0, 0, 0);
        for p in &patterns {
            let t0 = now();
            regex::RegexBuilder::new(p).size_limit(LIMIT).dfa_size_limit(LIMIT).build().expect("built-in pattern builds");
            let t1 = now();
            let ok = regex::RegexBuilder::new(p).unicode(false).size_limit(LIMIT).dfa_size_limit(LIMIT).build().is_ok();
            let t2 = now();
            let hir = regex_syntax::Parser::new().parse(p).expect("built-in pattern parses");
            let t3 = now();
            unicode += t1 - t0;
            if ok {
                ascii += t2 - t1;
                unicode_subset += t1 - t0;
            } else {
                ascii_refused += 1;
            }
            hir_ms += t3 - t2;
            match candor::literal::required_literals(&hir) {
                Some(lits) => pass += usize::from(lits.iter().any(|l| lower.contains(l.as_str()))),
                None => always += 1,
            }
        }
        json!({
            "patterns": patterns.len(),
            "regex_build_ms": unicode,
            "regex_build_ascii_ms": ascii,
            "regex_build_unicode_same_subset_ms": unicode_subset,
            "ascii_refused": ascii_refused,
            "hir_parse_ms": hir_ms,
            "text_prefilter_always": always,
            "text_prefilter_pass": pass + always,
        })
    }

    pub fn main() {
        let mut args = std::env::args().skip(1);
        let mut manifest_path = None;
        let (mut runs, mut rule_runs) = (11usize, 15usize);
        while let Some(a) = args.next() {
            match a.as_str() {
                "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage()),
                "--rule-runs" => rule_runs = args.next().and_then(|n| n.parse().ok()).unwrap_or_else(|| usage()),
                _ if manifest_path.is_none() => manifest_path = Some(a),
                _ => usage(),
            }
        }
        let manifest_path = manifest_path.unwrap_or_else(|| usage());
        let manifest: Value = serde_json::from_str(&std::fs::read_to_string(&manifest_path).expect("read manifest")).expect("manifest is JSON");
        let epoch = Instant::now();
        let now = move || epoch.elapsed().as_secs_f64() * 1000.0;

        let mut pages = Vec::new();
        for page in manifest["pages"].as_array().expect("pages") {
            let html = std::fs::read_to_string(page["path"].as_str().expect("path")).expect("read page");
            let url = page["url"].as_str();
            let mut m = measure_page(&html, url, runs, &now);
            m["id"] = page["id"].clone();
            eprintln!("native page {}: total {:.1} ms", page["id"], m["total_ms"].as_f64().unwrap_or(f64::NAN));
            pages.push(m);
        }

        let text = std::fs::read_to_string(manifest["text"]["path"].as_str().expect("text path")).expect("read text");
        let mut rules = Vec::new();
        let mut packs: Vec<(usize, Option<String>)> = vec![(0, None)];
        for p in manifest["packs"].as_array().expect("packs") {
            let n = p["n"].as_u64().expect("n") as usize;
            packs.push((n, Some(std::fs::read_to_string(p["path"].as_str().expect("pack path")).expect("read pack"))));
        }
        for (n, pack) in packs {
            let t0 = now();
            let mut c = Compiler::with_builtin();
            if let Some(pack) = &pack {
                c.add_pack(pack).unwrap_or_else(|d| panic!("synthetic pack of {n} rules does not compile: {d:?}"));
            }
            let compiled = c.build();
            let t1 = now();
            let first = Scanner::new(&compiled).scan_text("thread.txt", &text);
            let t2 = now();
            let (mut warm, mut whole) = (Vec::new(), Vec::new());
            for _ in 0..rule_runs {
                let t = now();
                std::hint::black_box(Scanner::new(&compiled).scan_text("thread.txt", &text));
                warm.push(now() - t);
                // The same scan without windows: every pattern over the whole text, as before.
                let t = now();
                std::hint::black_box(Scanner::new(&compiled).whole_text().scan_text("thread.txt", &text));
                whole.push(now() - t);
            }
            let (pass, always) = match &pack {
                Some(p) => prefilter_pass(&serde_json::from_str(p).expect("pack JSON"), &text),
                None => (0, 0),
            };
            let findings: usize = first.candidates.iter().map(|c| c.findings.len()).sum();
            eprintln!("native rules {n}: compile {:.0} ms, first {:.1} ms, warm {:.2} ms", t1 - t0, t2 - t1, median(&mut warm.clone()));
            rules.push(json!({
                "n": n,
                "total_rules": compiled.rule_count(),
                "compile_ms": t1 - t0,
                "first_ms": t2 - t1,
                "warm_ms": median(&mut warm),
                "warm_whole_text_ms": median(&mut whole),
                "warm_runs": rule_runs,
                "findings": findings,
                "prefilter_pass": pass,
                "prefilter_always": always,
            }));
        }
        // The built-in packs through full validation (every regex built now), as `candor lint`
        // and a pack install check them; the engine's start-up skips this (parse_validated_pack).
        let mut full = Vec::new();
        for _ in 0..3 {
            let t = now();
            let mut c = Compiler::new();
            for (name, pack) in builtin_packs() {
                c.add_pack(pack).unwrap_or_else(|d| panic!("{name}: {d:?}"));
            }
            std::hint::black_box(c.build());
            full.push(now() - t);
        }
        let builtin_full_validation_ms = median(&mut full);
        let patterns = builtin_patterns(&text, &now);
        let big = manifest["pages"].as_array().and_then(|p| p.iter().find(|p| p["id"] == "synthetic-750k")).expect("synthetic-750k page");
        let big_html = std::fs::read_to_string(big["path"].as_str().expect("path")).expect("read page");
        let builtin = profile_builtin(&big_html, big["url"].as_str(), &text, &now);
        let out = json!({ "pages": pages, "rules": rules, "builtin_rules": builtin, "builtin_patterns": patterns, "builtin_full_validation_ms": builtin_full_validation_ms, "text_bytes": text.len() });
        println!("{}", serde_json::to_string_pretty(&out).expect("serialise"));
    }
}

/// On wasm the example is a module for wasm-bindgen; its entry points are the exports below.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::*;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        fn performance_now() -> f64;
    }

    /// The native page measurement, inside wasm: a JSON string of medians.
    #[wasm_bindgen(js_name = benchPage)]
    pub fn bench_page(html: &str, url: &str, runs: u32) -> String {
        let url = (!url.is_empty()).then_some(url);
        measure_page(html, url, runs as usize, &performance_now).to_string()
    }
}
