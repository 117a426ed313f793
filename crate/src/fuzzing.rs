//! Fuzz entry points, shared by the cargo-fuzz targets (`crate/fuzz/`) and the bounded
//! mutation run in `make test` (`crate/tests/fuzz_smoke.rs`).
//!
//! Each function takes arbitrary bytes, runs one untrusted-input path of the engine and checks
//! the invariants that path promises. A panic — from the engine or from a failed invariant — is
//! the finding. Nothing here is used by the product; it is public so the out-of-workspace fuzz
//! crate can call it.
//!
//! | target      | input                      | path                                              |
//! |-------------|----------------------------|---------------------------------------------------|
//! | `pack`      | a rule pack (JSON text)    | lint → compile → scan a probe page with its rules |
//! | `html`      | a page (HTML text)         | every site adapter and the generic one → report   |
//! | `sanctions` | an OFAC / UN list file     | CSV, SDN/ALT/ADD/comments, UN XML and CSV parsers |

use crate::sanctions::{csv, fuzzy, ofac, un};
use crate::{lint, Compiler, Rules, Scanner};
use std::sync::OnceLock;

/// Pages at the hosts of the built-in site packs, plus a plain file: the first input byte picks
/// one, so one target reaches every adapter.
const URLS: &[Option<&str>] = &[
    None,
    Some("https://www.upwork.com/freelancers/~01abc"),
    Some("https://www.upwork.com/ab/applicants/1/proposals"),
    Some("https://www.freelancer.com/u/someone"),
    Some("https://www.linkedin.com/in/someone/"),
    Some("https://app.greenhouse.io/people/1"),
    Some("https://hire.lever.co/candidates/1"),
    Some("https://acme.wd5.myworkdayjobs.com/recruiting/1"),
    Some("https://app.ashbyhq.com/candidates/1"),
    Some("https://web.telegram.org/k/#@someone"),
    Some("https://boards.greenhouse.io/acme/jobs/1"),
];

/// A small page that the built-in rules fire on, scanned with every pack that compiles so a
/// pack's rules are also exercised, not only parsed.
const PROBE_PAGE: &str = "<html><body><h1>Sam Lee</h1><p>Please send the laptop to my friend's \
    address. I can only be paid in USDT to TQ1nGq3yW8C5bBqDx2zpGQ9YkQeR4sXAB1. Camera is broken \
    today. Email sam.lee.dev@example.com, +1 415 555 0100, telegram @samlee_dev.</p></body></html>";

fn builtin() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| Compiler::with_builtin().build())
}

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Lint and compile an arbitrary pack. Invariants: every diagnostic points inside the text (its
/// line exists); lint and compile agree on whether there is an error; a pack with an error adds
/// nothing; a pack without one compiles and its rules run on a page without panicking.
pub fn pack(data: &[u8]) {
    let text = text(data);
    let diagnostics = lint(&text);
    let lines = text.split('\n').count() as u32;
    for d in &diagnostics {
        assert!(d.line >= 1 && d.line <= lines.max(1), "diagnostic {d:?} points past the text ({lines} lines)");
        assert!(d.column >= 1, "diagnostic {d:?} has column 0");
        assert!(!d.message.is_empty(), "diagnostic without a message: {d:?}");
        assert!(d.pointer.is_empty() || d.pointer.starts_with('/'), "bad JSON pointer in {d:?}");
    }
    let lint_error = diagnostics.iter().any(|d| d.is_error());
    // Alone, not with the built-ins: compiling those on every input would slow the fuzzer 100×.
    let mut compiler = Compiler::new();
    match compiler.add_pack(&text) {
        Ok(_) => {
            assert!(!lint_error, "compile accepted a pack that lint rejects: {diagnostics:?}");
            let rules = compiler.build();
            let report = Scanner::new(&rules).at(Some(1_767_225_600)).scan_html("probe.html", None, PROBE_PAGE);
            check_report(&report, PROBE_PAGE);
        }
        Err(errors) => {
            assert!(errors.iter().any(|d| d.is_error()), "compile refused a pack without an error: {errors:?}");
            assert!(lint_error, "lint accepted a pack that compile rejects: {errors:?}");
        }
    }
}

/// Scan an arbitrary page with the built-in packs, at a URL chosen by the first byte.
/// Invariants: the report is well formed (see [`check_report`]) and serialises to JSON.
pub fn html(data: &[u8]) {
    let (url, body) = match data.split_first() {
        Some((first, rest)) => (URLS[*first as usize % URLS.len()], rest),
        None => (None, data),
    };
    let page = text(body);
    let report = Scanner::new(builtin()).at(Some(1_767_225_600)).scan_html(url.unwrap_or("fuzz.html"), url, &page);
    check_report(&report, &page);
    serde_json::to_string(&report).expect("a report always serialises");
}

/// Feed arbitrary bytes to every sanctions-list parser. Invariants: no panic; parsed rows carry
/// what the parser promises (names are non-empty; line numbers are inside the file).
pub fn sanctions(data: &[u8]) {
    let lossy = std::str::from_utf8(data).is_err();
    let text = text(data);
    // Line breaks as the CSV reader counts them: \n, \r\n and a bare \r (old Mac files).
    let lines = 1 + text.matches('\n').count() + text.match_indices('\r').filter(|(i, _)| !text[i + 1..].starts_with('\n')).count();
    if let Ok(records) = csv::parse(&text) {
        for r in &records {
            assert!(r.line >= 1 && r.line <= lines, "CSV record line {} outside 1..={lines}", r.line);
        }
    }
    if let Ok((rows, skipped)) = ofac::parse_sdn(&text, "sdn.csv", lossy) {
        for row in &rows {
            assert!(!row.name.trim().is_empty(), "SDN row without a name: {row:?}");
            let remarks = ofac::parse_remarks(&row.remarks, true);
            let _ = remarks;
        }
        for s in &skipped {
            assert!(!s.reason.is_empty(), "skipped row without a reason");
        }
    }
    let _ = ofac::parse_alt(&text, "alt.csv", lossy);
    let _ = ofac::parse_add(&text, "add.csv", lossy);
    let _ = ofac::parse_comments(&text, "sdn_comments.csv", lossy);
    let _ = ofac::parse_programs(&text);
    let _ = un::parse_xml(&text, "consolidated.xml");
    let _ = un::parse_csv(&text, "consolidated.csv", lossy);
    // The fuzzy matcher runs on every imported name against page text.
    let half = text.len() / 2;
    let split = (0..=half).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let (a, b) = text.split_at(split);
    let s = fuzzy::name_similarity(a, b);
    assert!((0.0..=1.0).contains(&s), "similarity {s} outside [0, 1]");
    let _ = (fuzzy::normalize(a), fuzzy::tokens(b));
}

/// Report invariants: evidence offsets are ordered and inside the 16-bit range of the page,
/// levels match findings, and every finding carries a rule id.
pub fn check_report(report: &crate::Report, page: &str) {
    let utf16_len = page.encode_utf16().count() as u32;
    for c in &report.candidates {
        if c.findings.is_empty() {
            assert_eq!(c.level, crate::Level::None, "a level without findings");
        }
        for f in &c.findings {
            assert!(!f.rule.is_empty(), "a finding without a rule id");
            for e in &f.evidence {
                if let (Some(s), Some(end)) = (e.start, e.end) {
                    assert!(s <= end, "evidence start {s} after end {end} ({})", f.rule);
                    assert!(end <= utf16_len, "evidence end {end} past the page's {utf16_len} UTF-16 units ({})", f.rule);
                }
            }
        }
    }
}
