//! Embeds the built-in packs: `packs/builtin.json` (rules, lists, sources, the verification
//! script) first, then every `packs/sites/*.json` (one site adapter pack per platform) in name
//! order. Adding a platform is adding a file.

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
    let mut code = String::from("/// Every built-in pack: (file name relative to `crate/packs`, JSON text).\npub const BUILTIN_PACKS: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
        writeln!(code, "    ({rel:?}, include_str!({:?})),", f.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_packs.rs");
    std::fs::write(out, code).unwrap();
}
