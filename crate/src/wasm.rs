//! wasm-bindgen bindings: a thin layer over [`Compiler`], [`Scanner`] and [`lint`].
//!
//! Rust names stay Rust-style; the JS API is chosen with `js_name`. Every object that crosses
//! the boundary goes through serde-wasm-bindgen as plain JSON-compatible data.

use crate::persona::{Memory, MemoryEntry};
use crate::scan::ScanOptions;
use crate::{builtin_pack, lint, Compiler, Rules, Scanner as CoreScanner};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Scan options from JS: `undefined`/`null` for none, else `{locale?, thresholds?: {medium, high}}`.
fn scan_options(options: JsValue) -> Result<ScanOptions, JsError> {
    if options.is_undefined() || options.is_null() {
        return Ok(ScanOptions::default());
    }
    let value: serde_json::Value = serde_wasm_bindgen::from_value(options).map_err(|e| JsError::new(&format!("bad scan options: {e}")))?;
    ScanOptions::from_json(&value).map_err(|e| JsError::new(&e))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The built-in pack plus any extra packs, compiled once and reused for every scan.
#[wasm_bindgen]
pub struct Scanner {
    rules: Rules,
    memory: Option<Memory>,
}

#[wasm_bindgen]
impl Scanner {
    /// Compiles the built-in packs and `packs` (JSON texts), without the rules whose ids are in
    /// `disabledRules`. Throws an `Error` whose message is `{"pack": i, "diagnostics": [...]}`
    /// if any pack has an error: nothing is half-applied.
    #[wasm_bindgen(constructor)]
    pub fn new(packs: Vec<String>, disabled_rules: Option<Vec<String>>) -> Result<Scanner, JsError> {
        let mut compiler = Compiler::with_builtin();
        compiler.disable_rules(disabled_rules.unwrap_or_default());
        for (i, text) in packs.iter().enumerate() {
            if let Err(diagnostics) = compiler.add_pack(text) {
                let msg = serde_json::json!({ "pack": i, "diagnostics": diagnostics });
                return Err(JsError::new(&msg.to_string()));
            }
        }
        Ok(Scanner { rules: compiler.build(), memory: None })
    }

    /// The same engine as `new Scanner(packs, disabledRules)`, for packs that constructor has
    /// already accepted: `digest` must be the `validationDigest(packs, disabledRules)` stored
    /// after that success. Their regexes are then built on first use instead of now (the
    /// size-limit check is not repeated; every other check runs). A digest that does not match
    /// falls back to full validation, so a stale record costs time, never correctness.
    #[wasm_bindgen(js_name = fromValidated)]
    pub fn from_validated(packs: Vec<String>, disabled_rules: Option<Vec<String>>, digest: &str) -> Result<Scanner, JsError> {
        let disabled = disabled_rules.unwrap_or_default();
        if crate::validation_digest(&packs, &disabled) != digest {
            return Scanner::new(packs, Some(disabled));
        }
        let mut compiler = Compiler::with_builtin();
        compiler.disable_rules(disabled);
        for (i, text) in packs.iter().enumerate() {
            if let Err(diagnostics) = compiler.add_validated_pack(text) {
                let msg = serde_json::json!({ "pack": i, "diagnostics": diagnostics });
                return Err(JsError::new(&msg.to_string()));
            }
        }
        Ok(Scanner { rules: compiler.build(), memory: None })
    }

    /// Scans serialised HTML as the page at `url`. `now` is the time of the scan in Unix
    /// seconds (`Date.now() / 1000` for a live page); without it, displayed clocks are not
    /// compared with the claimed location. `options` (optional): `{locale?: "de", thresholds?:
    /// {medium, high}}`; an unknown key or an invalid value throws.
    #[wasm_bindgen(js_name = scanHtml)]
    pub fn scan_html(&self, url: &str, html: &str, now: Option<f64>, options: JsValue) -> Result<JsValue, JsError> {
        let options = scan_options(options)?;
        let url = (!url.is_empty()).then_some(url);
        let now = now.filter(|n| n.is_finite()).map(|n| n as i64);
        to_js(&CoreScanner::new(&self.rules).at(now).options(&options).with_memory(self.memory.as_ref()).scan_html(url.unwrap_or("page"), url, html))
    }

    /// Sets the persona memory: the install's secret (hex, at least 16 bytes) and the remembered
    /// entries (`[{key, name, site, url, seen_at, fingerprint}]`, as reports give them). Scans
    /// then flag reuse and return each candidate's `persona` record to remember.
    #[wasm_bindgen(js_name = setMemory)]
    pub fn set_memory(&mut self, secret_hex: &str, entries: JsValue) -> Result<(), JsError> {
        let key = (0..secret_hex.len())
            .step_by(2)
            .map(|i| secret_hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<Vec<u8>>>()
            .filter(|k| k.len() >= 16 && secret_hex.len() % 2 == 0)
            .ok_or_else(|| JsError::new("the memory secret must be at least 32 hex digits"))?;
        let entries: Vec<MemoryEntry> = if entries.is_undefined() || entries.is_null() {
            Vec::new()
        } else {
            serde_wasm_bindgen::from_value(entries).map_err(|e| JsError::new(&format!("bad memory entries: {e}")))?
        };
        self.memory = Some(Memory { key, entries });
        Ok(())
    }

    /// Forgets the persona memory (scans no longer compare or return fingerprints).
    #[wasm_bindgen(js_name = clearMemory)]
    pub fn clear_memory(&mut self) {
        self.memory = None;
    }

    /// Scans a plain-text message thread; `options` as for `scanHtml`.
    #[wasm_bindgen(js_name = scanText)]
    pub fn scan_text(&self, source: &str, text: &str, options: JsValue) -> Result<JsValue, JsError> {
        let options = scan_options(options)?;
        to_js(&CoreScanner::new(&self.rules).options(&options).with_memory(self.memory.as_ref()).scan_text(source, text))
    }

    /// Number of active rules.
    #[wasm_bindgen(js_name = ruleCount)]
    pub fn rule_count(&self) -> usize {
        self.rules.rule_count()
    }

    /// The languages the loaded packs (and the engine) have texts in: `["de", ...]`.
    #[wasm_bindgen(js_name = languages)]
    pub fn languages(&self) -> Vec<String> {
        self.rules.languages().into_iter().map(str::to_string).collect()
    }

    /// The packs compiled in: `[{id, title, publisher, version, ...}]`.
    #[wasm_bindgen(js_name = packs)]
    pub fn packs(&self) -> Result<JsValue, JsError> {
        to_js(&self.rules.packs())
    }
}

/// Decides whether a downloaded pack may replace the installed one: signed by one of
/// `trustedKeys` (minisign public-key texts), valid, not a downgrade, not expired. Returns
/// `{ok: true, meta, key_id, unchanged}` or `{ok: false, refusal: {reason, …}, message}`.
#[wasm_bindgen(js_name = checkPackUpdate)]
#[allow(clippy::too_many_arguments)]
pub fn check_pack_update(
    text: &str,
    signature: Option<String>,
    trusted_keys: Vec<String>,
    installed_version: Option<String>,
    expected_id: Option<String>,
    today: &str,
    require_signature: bool,
) -> Result<JsValue, JsError> {
    let result = crate::trust::check_update(text, signature.as_deref(), &trusted_keys, installed_version.as_deref(), expected_id.as_deref(), today, require_signature);
    let value = match result {
        Ok(a) => serde_json::json!({ "ok": true, "meta": a.meta, "key_id": a.key_id, "unchanged": a.unchanged }),
        Err(r) => serde_json::json!({ "ok": false, "message": r.to_string(), "refusal": r }),
    };
    to_js(&value)
}

/// The key id of a minisign public key (16 hex digits), or `undefined` if it is not one.
#[wasm_bindgen(js_name = publicKeyId)]
pub fn public_key_id(key: &str) -> Option<String> {
    crate::trust::parse_public_key(key).ok()?;
    crate::trust::key_id(key)
}

/// Diagnostics for one pack text: `[{code, severity, message, pointer, line, column}]`.
#[wasm_bindgen(js_name = lintPack)]
pub fn lint_pack(text: &str) -> Result<JsValue, JsError> {
    to_js(&lint(text))
}

/// The built-in pack's JSON text.
#[wasm_bindgen(js_name = builtinPackJson)]
pub fn builtin_pack_json() -> String {
    builtin_pack().to_string()
}

/// The record `Scanner.fromValidated` checks: hex SHA-256 of the engine version, the pack
/// texts and the disabled rule ids. Store it after `new Scanner(packs, disabledRules)` succeeds.
#[wasm_bindgen(js_name = validationDigest)]
pub fn validation_digest(packs: Vec<String>, disabled_rules: Option<Vec<String>>) -> String {
    crate::validation_digest(&packs, &disabled_rules.unwrap_or_default())
}

/// The engine version.
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
