//! The engine half of `make bench` (docs/performance.md). Not a test: it measures.
//!
//! Native (`cargo run --release --example bench -- build/bench/manifest.json [--runs N]`) it
//! prints one JSON document with
//!   - `pages`: for each page of the manifest, the medians of N runs of
//!       `parse`  `scraper::Html::parse_document` (and dropping the DOM),
//!       `bare`   `Scanner::scan_html` with the site adapters but no rule (parse, site detection,
//!                extraction, report),
//!       `total`  `Scanner::scan_html` with every built-in pack (what the extension runs);
//!     extraction is `bare - parse` and the rules are `total - bare`;
//!   - `rules`: for the built-in packs alone and for each synthetic pack added on top of them
//!     (`Compiler::add_pack`, as the extension adds a team pack), the compile time, the first
//!     `Scanner::scan_text` over the 64 KiB thread and the median of N warm ones, and how many
//!     rules the literal prefilter lets through on that text.
//!
//! For wasm the same file is built for `wasm32-unknown-unknown` (`cargo build -p candor --release
//! --example bench --target wasm32-unknown-unknown --no-default-features`, then wasm-bindgen and
//! wasm-opt as for the shipped module) and exports `benchPage(html, url, runs)`, so the parse/extract/rules split is measured inside wasm with
//! the same code and `performance.now()` as the clock. tools/bench/wasm.mjs drives it.

use candor::{Compiler, Rules, Scanner, BUILTIN_PACKS};
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
    for (name, text) in BUILTIN_PACKS.iter().filter(|(name, _)| *name != "builtin.json") {
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
            let mut warm = Vec::new();
            for _ in 0..rule_runs {
                let t = now();
                std::hint::black_box(Scanner::new(&compiled).scan_text("thread.txt", &text));
                warm.push(now() - t);
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
                "warm_runs": rule_runs,
                "findings": findings,
                "prefilter_pass": pass,
                "prefilter_always": always,
            }));
        }
        let out = json!({ "pages": pages, "rules": rules, "text_bytes": text.len() });
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
