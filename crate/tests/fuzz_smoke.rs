//! A bounded, deterministic mutation run over the three fuzz targets (`candor::fuzzing`), so
//! every `make test` fuzzes a little. The real fuzzing is `cargo fuzz` in `crate/fuzz/`
//! (docs/reliability.md); this run replays the same targets on mutated seed files:
//!
//! * packs: the diagnostic golden packs, the example trust-team pack and the site packs;
//! * pages: every project fixture page;
//! * sanctions: the OFAC and UN sample files.
//!
//! `CANDOR_FUZZ_ITERS` sets the mutations per target (default 300) and `CANDOR_FUZZ_SEED` the
//! seed (default fixed, so a failure reproduces). A failing input is written to
//! `target/fuzz-smoke-failure-<target>.bin` and its path printed, ready for
//! `cargo fuzz run <target> <file>`; once fixed, keep it in `crate/tests/fuzz-regressions/`
//! (named `<target>-<what>.bin`), where `fuzz_regressions_stay_fixed` replays it.

mod common;

use common::Rng;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// Tokens that matter to the parsers: JSON structure, regex syntax, HTML structure, CSV quoting,
/// and text that is hard on Unicode handling.
const DICTIONARY: &[&str] = &[
    "{", "}", "[", "]", "\"", "\\", ":", ",", "null", "true", "-1", "1e999", "\"\\u0000\"", "\"\\ud800\"",
    "(?i)", "(a+)+$", "\\b", "\\w+", "[^", "{1000}", "(?:", ")*", "|", ".*", "\\p{L}",
    "<", ">", "</", "<script>", "<!--", "-->", "<![CDATA[", "&amp;", "&#x110000;", "&notanentity", "<table>",
    "<template>", "<svg><style>", "\u{202E}", "\u{FEFF}", "\u{0301}", "😀", "\u{FFFD}", "\0", "\r\n",
    "\"\"", "\",\"", "-0-", "[DPRK3]", "Digital Currency Address - XBT",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(6) {
        let len = data.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                let token = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                data.splice(i..i, token.iter().copied());
            }
            2 if len > 0 => {
                let a = rng.below(len);
                let b = (a + rng.below(64)).min(len);
                data.drain(a..b);
            }
            3 if len > 0 => {
                let a = rng.below(len);
                let b = (a + rng.below(256)).min(len);
                let chunk = data[a..b].to_vec();
                let at = rng.below(len + 1);
                for _ in 0..1 + rng.below(8) {
                    data.splice(at..at, chunk.iter().copied());
                }
            }
            4 if !other.is_empty() => {
                let a = rng.below(other.len());
                let b = (a + rng.below(512)).min(other.len());
                let at = rng.below(len + 1);
                data.splice(at..at, other[a..b].iter().copied());
            }
            5 if len > 0 => data.truncate(rng.below(len)),
            _ => {
                let i = rng.below(len + 1);
                data.insert(i, rng.next() as u8);
            }
        }
    }
    data
}

fn seeds(paths: impl IntoIterator<Item = PathBuf>) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = paths.into_iter().filter_map(|p| fs::read(&p).ok()).collect();
    out.push(Vec::new());
    out
}

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(ROOT).join(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().and_then(|e| e.to_str()) == Some(ext) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs `target` on every seed as is, then on `CANDOR_FUZZ_ITERS` mutations.
fn run(name: &str, target: fn(&[u8]), seeds: &[Vec<u8>]) {
    assert!(seeds.len() > 1, "no seed files for {name}: the fixtures moved?");
    let iters = env_number("CANDOR_FUZZ_ITERS", 300);
    let mut rng = Rng(env_number("CANDOR_FUZZ_SEED", 0xC4D0_0001_u64.wrapping_add(name.len() as u64)) | 1);
    let inputs = seeds.iter().cloned().chain((0..iters).map(|_| {
        let seed = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        mutate(&mut rng, seed, other)
    }));
    for (i, input) in inputs.enumerate() {
        if catch_unwind(AssertUnwindSafe(|| target(&input))).is_err() {
            let path = Path::new(ROOT).join(format!("target/fuzz-smoke-failure-{name}.bin"));
            let _ = fs::write(&path, &input);
            panic!("fuzz target {name} failed on input #{i} ({} bytes), saved to {}", input.len(), path.display());
        }
    }
}

#[test]
fn fuzz_pack_parser_and_compiler() {
    let mut paths = files("crate/tests/diagnostics", "json");
    paths.extend(files("crate/packs/sites", "json"));
    paths.push(Path::new(ROOT).join("docs/examples/acme-trust.json"));
    run("pack", candor::fuzzing::pack, &seeds(paths));
}

#[test]
fn fuzz_html_extraction() {
    run("html", candor::fuzzing::html, &seeds(files("tests/fixtures", "html")));
}

#[test]
fn fuzz_sanctions_importer() {
    let mut paths = files("crate/tests/sanctions", "csv");
    paths.extend(files("crate/tests/sanctions", "xml"));
    run("sanctions", candor::fuzzing::sanctions, &seeds(paths));
}

/// Inputs that once failed (`crate/tests/fuzz-regressions/<target>-<what>.bin`), replayed as is.
#[test]
fn fuzz_regressions_stay_fixed() {
    let dir = Path::new(ROOT).join("crate/tests/fuzz-regressions");
    let mut replayed = 0;
    for path in files("crate/tests/fuzz-regressions", "bin") {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let target: fn(&[u8]) = match name.split('-').next() {
            Some("pack") => candor::fuzzing::pack,
            Some("html") => candor::fuzzing::html,
            Some("sanctions") => candor::fuzzing::sanctions,
            _ => panic!("{name} in {} does not start with a target name", dir.display()),
        };
        target(&fs::read(&path).unwrap());
        replayed += 1;
    }
    assert!(replayed >= 1, "the regression inputs are missing");
}
