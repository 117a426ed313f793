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
    std::fs::write(out.join("builtin_packs.rs"), code).unwrap();
}
