//! The built-in packs (`crate/packs/builtin.json`, then `crate/packs/sites/*.json` in name order),
//! embedded deflated by `build.rs` to keep the wasm module small, and inflated once, on first use.

use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// Every built-in pack as (file name relative to `crate/packs`, JSON text), the rules pack first.
/// The first call inflates the texts (~215 KB; 8–18 ms in wasm in Node, first call, cold code);
/// they live for the rest of the program.
pub fn builtin_packs() -> &'static [(&'static str, &'static str)] {
    static PACKS: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    PACKS.get_or_init(|| {
        // The data is produced by our own build script, and the builtin tests read it on every
        // run, so a failure here is a broken build, not bad input.
        let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(PACKS_DEFLATED, PACKS_LEN)
            .expect("the embedded built-in packs inflate (build.rs deflated them)");
        let all: &'static str = String::from_utf8(bytes).expect("built-in packs are UTF-8").leak();
        let mut rest = all;
        PACK_FILES
            .iter()
            .map(|&(name, len)| {
                let (text, tail) = rest.split_at(len);
                rest = tail;
                (name, text)
            })
            .collect()
    })
}

/// The built-in rules pack's JSON text (rules, lists, sources, the verification script).
pub fn builtin_pack() -> &'static str {
    builtin_packs()[0].1
}
