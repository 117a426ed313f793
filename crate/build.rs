//! Embeds the built-in packs: `packs/builtin.json` (rules, lists, sources, the verification
//! script) first, then every `packs/sites/*.json` (one site adapter pack per platform) in name
//! order. Adding a platform is adding a file.
//!
//! The texts are concatenated and deflated here, and inflated once at run time by
//! `src/builtin.rs`: ~215 KB of JSON becomes ~40 KB of wasm data for ~6 KB of decoder code
//! (docs/performance.md, "Wasm size"). The texts stay byte for byte as in the files, so a
//! diagnostic's line:column points into the file.

use std::fmt::Write;
use std::path::Path;

// The prefilter's literal extraction and length bounds, the very code the crate runs, so the
// facts below are what parsing the patterns at start-up would compute.
#[allow(dead_code)]
#[path = "src/literal.rs"]
mod literal;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("packs");
    println!("cargo:rerun-if-changed={}", dir.display());
    let sites = dir.join("sites");
    println!("cargo:rerun-if-changed={}", sites.display());
    let mut files = vec![dir.join("builtin.json")];
    if let Ok(entries) = std::fs::read_dir(&sites) {
        let mut site_files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        site_files.sort();
        files.extend(site_files);
    }
    let mut all = String::new();
    let mut code = String::from(
        "/// Every built-in pack: (file name relative to `crate/packs`, length in bytes of its text in\n\
         /// [`PACKS_DEFLATED`]), in order.\nconst PACK_FILES: &[(&str, usize)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        writeln!(code, "    ({rel:?}, {}),", text.len()).unwrap();
        all.push_str(&text);
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).to_path_buf();
    // Level 10 is miniz's best; the data is small, so the build-time cost does not matter.
    let deflated = miniz_oxide::deflate::compress_to_vec(all.as_bytes(), 10);
    std::fs::write(out.join("builtin_packs.deflate"), &deflated).unwrap();
    writeln!(code, "/// The pack texts above, concatenated and deflated (raw DEFLATE).").unwrap();
    writeln!(code, "static PACKS_DEFLATED: &[u8] = include_bytes!(\"builtin_packs.deflate\");").unwrap();
    writeln!(code, "/// Total length of the inflated texts.\nconst PACKS_LEN: usize = {};", all.len()).unwrap();
    code.push_str(&pattern_facts(&files));
    std::fs::write(out.join("builtin_packs.rs"), code).unwrap();
}

/// For every rule pattern of the built-in packs: its prefilter literals and length bound,
/// computed here once instead of by parsing every pattern whenever the engine starts (the
/// parse was most of the start-up; see docs/performance.md). `parse_validated_pack` uses them.
fn pattern_facts(files: &[std::path::PathBuf]) -> String {
    let mut code = String::from(
        "/// (the first 16 bytes of the SHA-256 of the pattern, prefilter literals, length bound (base, runs))\n\
         /// of every built-in rule pattern, from build.rs. A digest, not the pattern, keeps the patterns\n\
         /// out of the wasm module a second time.\n\
         #[allow(clippy::type_complexity)]\n\
         pub(crate) const BUILTIN_PATTERN_FACTS: &[([u8; 16], Option<&[&str]>, Option<(usize, [usize; 3])>)] = &[\n",
    );
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        // A pack that does not parse is reported by the crate's tests; it just gets no facts.
        let Ok(pack) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
        for rule in pack["rules"].as_array().into_iter().flatten() {
            let Some(src) = rule["pattern"].as_str() else { continue };
            let Ok(hir) = regex_syntax::Parser::new().parse(src) else { continue };
            if hir.properties().minimum_len() == Some(0) {
                continue; // keeps its E-warning path: parsed at start-up
            }
            let lits = literal::required_literals(&hir).map_or("None".to_string(), |l| format!("Some(&{l:?})"));
            let bound = literal::length_bound(&hir).map_or("None".to_string(), |b| format!("Some(({}, {:?}))", b.base, b.runs));
            let digest: [u8; 16] = <sha2::Sha256 as sha2::Digest>::digest(src.as_bytes())[..16].try_into().unwrap();
            writeln!(code, "    ({digest:?}, {lits}, {bound}),").unwrap();
        }
    }
    code.push_str("];\n");
    code
}
