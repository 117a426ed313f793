//! Pack validation: JSON text → [`Pack`] plus diagnostics.
//!
//! Validation is hand-written over `serde_json::Value` rather than derived, so that every
//! problem gets its own stable code and a pointer to the exact value, and so that one bad rule
//! does not hide the problems in the next one: the parser keeps going and reports everything.

use super::limits::*;
use super::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::fairness;
use crate::json_locate::{escape_token, Locations};
use crate::literal::{length_bound, required_literals, LenBound};
use regex::RegexBuilder;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// The result of parsing one pack: the pack when it has no error, and every diagnostic.
#[derive(Debug)]
pub struct ParseOutcome {
    pub pack: Option<Pack>,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParseOutcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

const TOP_KEYS: &[&str] = &[
    "candor_pack", "id", "title", "publisher", "version", "expires", "valid_until", "homepage", "description",
    "sources", "sites", "rules", "lists", "verification", "translations",
];
const SOURCE_KEYS: &[&str] = &["title", "publisher", "date", "url"];
const SITE_KEYS: &[&str] = &["id", "name", "hosts", "pages"];
const PAGE_KEYS: &[&str] = &["kind", "url", "detect", "rows", "fields"];
const FIELD_KEYS: &[&str] = &["selector", "attr", "script", "json", "all", "fields"];
const RULE_KEYS: &[&str] = &[
    "id", "title", "family", "severity", "pattern", "list", "check", "params", "fields", "sites", "min_matches",
    "explain", "advice", "sources", "disabled", "justification",
];
const LIST_KEYS: &[&str] = &["description", "match", "entries"];
const ENTRY_KEYS: &[&str] = &["value", "aliases", "note", "date"];
const VERIFICATION_KEYS: &[&str] = &["title", "steps"];
const TRANSLATION_KEYS: &[&str] = &["rules", "verification"];
const RULE_TEXT_KEYS: &[&str] = &["title", "explain", "advice"];

/// Parses and validates a pack. The pack is returned only when there is no error.
pub fn parse_pack(text: &str) -> ParseOutcome {
    parse(text, false)
}

/// Like [`parse_pack`], for a pack that already passed it (the built-in packs, whose tests lint
/// them): rule regexes are built on first use instead of now, so the size-limit check
/// (`RegexTooBig`) is not repeated. Everything else is checked as usual.
pub fn parse_validated_pack(text: &str) -> ParseOutcome {
    parse(text, true)
}

/// The prefilter literals and length bound of a built-in rule pattern, as build.rs computed
/// them with the same code (`BUILTIN_PATTERN_FACTS`); `None` for any other pattern.
#[allow(clippy::type_complexity)]
fn builtin_pattern_facts(src: &str) -> Option<(Option<Vec<String>>, Option<LenBound>)> {
    use sha2::{Digest, Sha256};
    static INDEX: std::sync::OnceLock<std::collections::HashMap<[u8; 16], usize>> = std::sync::OnceLock::new();
    let facts = crate::builtin::BUILTIN_PATTERN_FACTS;
    let digest: [u8; 16] = Sha256::digest(src.as_bytes())[..16].try_into().ok()?;
    let i = *INDEX.get_or_init(|| facts.iter().enumerate().map(|(i, f)| (f.0, i)).collect()).get(&digest)?;
    let (_, literals, bound) = facts[i];
    Some((literals.map(|l| l.iter().map(|s| s.to_string()).collect()), bound.map(|(base, runs)| LenBound { base, runs })))
}

/// Builds a rule pattern with the engine's limits.
pub(crate) fn build_regex(src: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(src).size_limit(REGEX_SIZE_LIMIT).dfa_size_limit(REGEX_DFA_LIMIT).build()
}

fn parse(text: &str, defer_regexes: bool) -> ParseOutcome {
    if text.len() > MAX_PACK_BYTES {
        let d = Diagnostic {
            code: Code::PackTooLarge,
            severity: Code::PackTooLarge.severity(),
            message: format!("pack is {} bytes; the limit is {} bytes", text.len(), MAX_PACK_BYTES),
            pointer: String::new(),
            line: 1,
            column: 1,
        };
        return ParseOutcome { pack: None, diagnostics: vec![d] };
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let d = Diagnostic {
                code: Code::JsonSyntax,
                severity: Code::JsonSyntax.severity(),
                message: format!("invalid JSON: {}", strip_position(&e.to_string())),
                pointer: String::new(),
                line: e.line().max(1) as u32,
                column: e.column().max(1) as u32,
            };
            return ParseOutcome { pack: None, diagnostics: vec![d] };
        }
    };
    let mut cx = Ctx { defer_regexes, ..Ctx::default() };
    let pack = cx.pack(&value);
    let diagnostics = cx.finish(text);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    ParseOutcome { pack: if has_errors { None } else { pack }, diagnostics }
}

/// serde_json appends " at line L column C"; we report those as fields instead.
fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

fn child(ptr: &str, key: &str) -> String {
    format!("{ptr}/{}", escape_token(key))
}

fn index(ptr: &str, i: usize) -> String {
    format!("{ptr}/{i}")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn valid_id(s: &str, max: usize, allow_upper: bool) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes().all(|b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || matches!(b, b'.' | b'_' | b'-')
                || (allow_upper && b.is_ascii_uppercase())
        })
}

fn valid_version(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() <= 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn valid_interval(s: &str) -> bool {
    s.len() >= 2
        && s[..s.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && s[..s.len() - 1].parse::<u32>().is_ok_and(|n| n > 0)
        && matches!(s.as_bytes()[s.len() - 1], b'h' | b'd' | b'w')
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        10 => digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => false,
    }
}

fn valid_url(s: &str) -> bool {
    crate::weburl::WebUrl::parse(s).is_some_and(|u| u.is_http())
}

fn valid_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        && !s.starts_with('.')
        && !s.ends_with('.')
}

#[derive(Default)]
struct Ctx {
    /// (code, pointer, message); positions are resolved at the end.
    found: Vec<(Code, String, String)>,
    /// Rule patterns are parsed (syntax, literals, fairness) but their regexes are built on
    /// first use: only for packs known to pass full validation.
    defer_regexes: bool,
}

impl Ctx {
    fn report(&mut self, code: Code, ptr: &str, msg: impl Into<String>) {
        self.found.push((code, ptr.to_string(), msg.into()));
    }

    fn finish(self, text: &str) -> Vec<Diagnostic> {
        if self.found.is_empty() {
            return Vec::new();
        }
        let locations = Locations::new(text);
        self.found
            .into_iter()
            .map(|(code, pointer, message)| {
                let (line, column) = locations.line_col(&pointer);
                Diagnostic { code, severity: code.severity(), message, pointer, line, column }
            })
            .collect()
    }

    fn object<'v>(&mut self, v: &'v Value, ptr: &str, what: &str) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.report(Code::WrongType, ptr, format!("{what} must be an object, not {}", type_name(other)));
                None
            }
        }
    }

    fn array<'v>(&mut self, v: &'v Value, ptr: &str, what: &str) -> Option<&'v Vec<Value>> {
        match v {
            Value::Array(a) => Some(a),
            other => {
                self.report(Code::WrongType, ptr, format!("{what} must be an array, not {}", type_name(other)));
                None
            }
        }
    }

    fn keys(&mut self, m: &Map<String, Value>, ptr: &str, allowed: &[&str], what: &str) {
        for key in m.keys() {
            if !allowed.contains(&key.as_str()) {
                let hint = allowed
                    .iter()
                    .find(|a| edit_distance(a, key) <= 2)
                    .map(|a| format!("; did you mean \"{a}\"?"))
                    .unwrap_or_default();
                self.report(Code::UnknownKey, &child(ptr, key), format!("unknown key \"{key}\" in {what}{hint}"));
            }
        }
    }

    /// A string value at `m[key]`; reports a missing required key or a wrong type.
    fn string(&mut self, m: &Map<String, Value>, ptr: &str, key: &str, required: bool, what: &str) -> Option<String> {
        match m.get(key) {
            None if required => {
                self.report(Code::MissingKey, ptr, format!("{what} is missing required key \"{key}\""));
                None
            }
            None => None,
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.report(Code::InvalidValue, &child(ptr, key), format!("\"{key}\" must not be empty"));
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.report(Code::WrongType, &child(ptr, key), format!("\"{key}\" must be a string, not {}", type_name(other)));
                None
            }
        }
    }

    fn bool(&mut self, m: &Map<String, Value>, ptr: &str, key: &str) -> Option<bool> {
        match m.get(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.report(Code::WrongType, &child(ptr, key), format!("\"{key}\" must be a boolean, not {}", type_name(other)));
                None
            }
        }
    }

    fn strings(&mut self, m: &Map<String, Value>, ptr: &str, key: &str) -> Option<Vec<(String, String)>> {
        let p = child(ptr, key);
        let arr = self.array(m.get(key)?, &p, &format!("\"{key}\""))?;
        let mut out = Vec::new();
        for (i, v) in arr.iter().enumerate() {
            match v {
                Value::String(s) => out.push((index(&p, i), s.clone())),
                other => self.report(Code::WrongType, &index(&p, i), format!("items of \"{key}\" must be strings, not {}", type_name(other))),
            }
        }
        Some(out)
    }

    fn pack(&mut self, v: &Value) -> Option<Pack> {
        let m = self.object(v, "", "a pack")?;
        match m.get("candor_pack") {
            Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
            Some(other) => {
                self.report(Code::UnsupportedFormat, "/candor_pack", format!("unsupported pack format {other}; this engine reads format 1"));
                return None;
            }
            None => {
                self.report(Code::UnsupportedFormat, "", "not a Candor pack: \"candor_pack\": 1 is missing");
                return None;
            }
        }
        self.keys(m, "", TOP_KEYS, "the pack");
        let meta = self.meta(m);
        let sources = match m.get("sources") {
            Some(v) => self.sources(v),
            None => BTreeMap::new(),
        };
        let lists = match m.get("lists") {
            Some(v) => self.lists(v),
            None => BTreeMap::new(),
        };
        let sites = match m.get("sites") {
            Some(v) => self.sites(v),
            None => Vec::new(),
        };
        let rules = match m.get("rules") {
            Some(v) => self.rules(v, &sources, &lists),
            None => Vec::new(),
        };
        let verification = m.get("verification").and_then(|v| self.verification(v));
        let translations = match m.get("translations") {
            Some(v) => self.translations(v, &rules, verification.as_ref()),
            None => BTreeMap::new(),
        };
        Some(Pack { meta: meta?, sources, sites, rules, lists, verification, translations })
    }

    fn meta(&mut self, m: &Map<String, Value>) -> Option<PackMeta> {
        let id = self.string(m, "", "id", true, "the pack");
        if let Some(id) = &id {
            if !valid_id(id, 64, false) {
                self.report(Code::InvalidValue, "/id", format!("pack id \"{id}\" must be 1-64 characters of a-z 0-9 . _ -"));
            }
        }
        let title = self.string(m, "", "title", true, "the pack");
        let publisher = self.string(m, "", "publisher", true, "the pack");
        let version = self.string(m, "", "version", true, "the pack");
        if let Some(v) = &version {
            if !valid_version(v) {
                self.report(Code::InvalidValue, "/version", format!("version \"{v}\" must be dotted numbers such as 1.4.0"));
            }
        }
        let expires = self.string(m, "", "expires", false, "the pack");
        if let Some(e) = &expires {
            if !valid_interval(e) {
                self.report(Code::InvalidValue, "/expires", format!("expires \"{e}\" must be a number and a unit: 12h, 7d, 2w"));
            }
        }
        let homepage = self.string(m, "", "homepage", false, "the pack");
        if let Some(h) = &homepage {
            if !valid_url(h) {
                self.report(Code::InvalidValue, "/homepage", format!("homepage \"{h}\" is not an http(s) URL"));
            }
        }
        let description = self.string(m, "", "description", false, "the pack");
        let valid_until = self.string(m, "", "valid_until", false, "the pack");
        if let Some(v) = &valid_until {
            if v.len() != 10 || !valid_date(v) {
                self.report(Code::InvalidValue, "/valid_until", format!("valid_until \"{v}\" must be a date YYYY-MM-DD"));
            }
        }
        Some(PackMeta { id: id?, title: title?, publisher: publisher?, version: version?, expires, homepage, description, valid_until })
    }

    fn sources(&mut self, v: &Value) -> BTreeMap<String, Source> {
        let mut out = BTreeMap::new();
        let Some(m) = self.object(v, "/sources", "\"sources\"") else { return out };
        for (id, sv) in m {
            let ptr = child("/sources", id);
            if !valid_id(id, 40, true) {
                self.report(Code::InvalidValue, &ptr, format!("source id \"{id}\" must be 1-40 characters of A-Z a-z 0-9 . _ -"));
            }
            let Some(sm) = self.object(sv, &ptr, "a source") else { continue };
            self.keys(sm, &ptr, SOURCE_KEYS, "a source");
            let title = self.string(sm, &ptr, "title", true, "a source");
            let publisher = self.string(sm, &ptr, "publisher", true, "a source");
            let date = self.string(sm, &ptr, "date", false, "a source");
            if let Some(d) = &date {
                if !valid_date(d) {
                    self.report(Code::InvalidValue, &child(&ptr, "date"), format!("date \"{d}\" must be YYYY-MM-DD, YYYY-MM or YYYY"));
                }
            }
            let url = self.string(sm, &ptr, "url", false, "a source");
            if let Some(u) = &url {
                if !valid_url(u) {
                    self.report(Code::InvalidValue, &child(&ptr, "url"), format!("url \"{u}\" is not an http(s) URL"));
                }
            }
            if let (Some(title), Some(publisher)) = (title, publisher) {
                out.insert(id.clone(), Source { id: id.clone(), title, publisher, date, url });
            }
        }
        out
    }

    fn verification(&mut self, v: &Value) -> Option<Verification> {
        let m = self.object(v, "/verification", "\"verification\"")?;
        self.keys(m, "/verification", VERIFICATION_KEYS, "\"verification\"");
        let title = self.string(m, "/verification", "title", true, "\"verification\"");
        let steps: Vec<String> = match m.get("steps") {
            None => {
                self.report(Code::MissingKey, "/verification", "\"verification\" is missing required key \"steps\"");
                return None;
            }
            Some(_) => self.strings(m, "/verification", "steps")?.into_iter().map(|(_, s)| s).collect(),
        };
        if steps.is_empty() {
            self.report(Code::InvalidValue, "/verification/steps", "\"steps\" must not be empty");
        }
        Some(Verification { title: title?, steps })
    }

    /// `translations`: language tag → `{rules: {id: {title?, explain?, advice?}}, verification?:
    /// {title?, steps?}}`. Malformed tags, wrong types and empty texts are errors (`E018`);
    /// texts for things the pack does not have are warnings (`W003`), as is a verification
    /// script with a different number of steps (`W004`).
    fn translations(&mut self, v: &Value, rules: &[RuleSpec], verification: Option<&Verification>) -> BTreeMap<String, Translation> {
        let mut out = BTreeMap::new();
        let Some(m) = self.translation_object(v, "/translations", "\"translations\"") else { return out };
        for (tag, tv) in m {
            let ptr = child("/translations", tag);
            if !crate::locale::valid_pack_tag(tag) {
                self.report(Code::BadTranslation, &ptr, format!("\"{tag}\" is not a language tag: use a lower-case language subtag, optionally with a region (de, fr, de-CH)"));
            }
            let Some(tm) = self.translation_object(tv, &ptr, "a translation") else { continue };
            self.keys(tm, &ptr, TRANSLATION_KEYS, "a translation");
            let mut translation = Translation::default();
            if let Some(rv) = tm.get("rules") {
                let rptr = child(&ptr, "rules");
                if let Some(rm) = self.translation_object(rv, &rptr, "\"rules\"") {
                    for (id, textv) in rm {
                        let idptr = child(&rptr, id);
                        let rule = rules.iter().find(|r| &r.id == id);
                        if rule.is_none() {
                            self.report(Code::TranslationUnknown, &idptr, format!("the pack has no rule \"{id}\"; this translation is not used"));
                        }
                        let Some(tm) = self.translation_object(textv, &idptr, "a rule translation") else { continue };
                        self.keys(tm, &idptr, RULE_TEXT_KEYS, "a rule translation");
                        let text = RuleText {
                            title: self.translated_text(tm, &idptr, "title"),
                            explain: self.translated_text(tm, &idptr, "explain"),
                            advice: self.translated_text(tm, &idptr, "advice"),
                        };
                        if text.advice.is_some() && rule.is_some_and(|r| r.advice.is_none()) {
                            self.report(Code::TranslationUnknown, &child(&idptr, "advice"), format!("rule \"{id}\" has no advice to translate; this text is not used"));
                        }
                        translation.rules.insert(id.clone(), text);
                    }
                }
            }
            if let Some(vv) = tm.get("verification") {
                let vptr = child(&ptr, "verification");
                if let Some(vm) = self.translation_object(vv, &vptr, "\"verification\"") {
                    self.keys(vm, &vptr, VERIFICATION_KEYS, "a verification translation");
                    let title = self.translated_text(vm, &vptr, "title");
                    let steps = vm.get("steps").and_then(|sv| {
                        let sptr = child(&vptr, "steps");
                        let Value::Array(items) = sv else {
                            self.report(Code::BadTranslation, &sptr, format!("\"steps\" must be an array of strings, not {}", type_name(sv)));
                            return None;
                        };
                        let mut steps = Vec::new();
                        for (i, item) in items.iter().enumerate() {
                            match item {
                                Value::String(s) if !s.trim().is_empty() => steps.push(s.clone()),
                                Value::String(_) => self.report(Code::BadTranslation, &index(&sptr, i), "a translated step must not be empty"),
                                other => self.report(Code::BadTranslation, &index(&sptr, i), format!("a translated step must be a string, not {}", type_name(other))),
                            }
                        }
                        (steps.len() == items.len()).then_some(steps)
                    });
                    match (verification, &steps) {
                        (None, _) => self.report(Code::TranslationUnknown, &vptr, "the pack has no \"verification\" script; this translation is not used"),
                        (Some(v), Some(s)) if s.len() != v.steps.len() => self.report(
                            Code::TranslationSteps,
                            &child(&vptr, "steps"),
                            format!("{} translated steps for {} steps in \"verification\"; the untranslated steps are shown instead", s.len(), v.steps.len()),
                        ),
                        _ => {}
                    }
                    translation.verification = Some(VerificationText { title, steps });
                }
            }
            out.insert(tag.clone(), translation);
        }
        out
    }

    /// An object inside `translations`; anything else is `E018`.
    fn translation_object<'v>(&mut self, v: &'v Value, ptr: &str, what: &str) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.report(Code::BadTranslation, ptr, format!("{what} must be an object, not {}", type_name(other)));
                None
            }
        }
    }

    /// A translated text at `m[key]`: a non-empty string, else `E018`.
    fn translated_text(&mut self, m: &Map<String, Value>, ptr: &str, key: &str) -> Option<String> {
        match m.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::String(_) => {
                self.report(Code::BadTranslation, &child(ptr, key), format!("translated \"{key}\" must not be empty"));
                None
            }
            other => {
                self.report(Code::BadTranslation, &child(ptr, key), format!("translated \"{key}\" must be a string, not {}", type_name(other)));
                None
            }
        }
    }

    fn lists(&mut self, v: &Value) -> BTreeMap<String, ListSpec> {
        let mut out = BTreeMap::new();
        let Some(m) = self.object(v, "/lists", "\"lists\"") else { return out };
        let mut total = 0usize;
        for (name, lv) in m {
            let ptr = child("/lists", name);
            if !valid_id(name, 64, false) {
                self.report(Code::InvalidValue, &ptr, format!("list name \"{name}\" must be 1-64 characters of a-z 0-9 . _ -"));
            }
            let Some(lm) = self.object(lv, &ptr, "a list") else { continue };
            self.keys(lm, &ptr, LIST_KEYS, "a list");
            let description = self.string(lm, &ptr, "description", false, "a list");
            let match_kind = match self.string(lm, &ptr, "match", false, "a list").as_deref() {
                None | Some("words") => ListMatch::Words,
                Some("exact") => ListMatch::Exact,
                Some(other) => {
                    self.report(Code::InvalidValue, &child(&ptr, "match"), format!("list match \"{other}\" must be \"words\" or \"exact\""));
                    ListMatch::Words
                }
            };
            let mut entries = Vec::new();
            let eptr = child(&ptr, "entries");
            match lm.get("entries") {
                None => self.report(Code::MissingKey, &ptr, "a list is missing required key \"entries\""),
                Some(ev) => {
                    let Some(arr) = self.array(ev, &eptr, "\"entries\"") else { continue };
                    total += arr.len();
                    if total > MAX_LIST_ENTRIES {
                        self.report(Code::TooManyListEntries, &eptr, format!("more than {MAX_LIST_ENTRIES} list entries in the pack"));
                        return out;
                    }
                    for (i, e) in arr.iter().enumerate() {
                        let iptr = index(&eptr, i);
                        let Some(em) = self.object(e, &iptr, "a list entry") else { continue };
                        self.keys(em, &iptr, ENTRY_KEYS, "a list entry");
                        let value = self.string(em, &iptr, "value", true, "a list entry");
                        let aliases: Vec<String> = self
                            .strings(em, &iptr, "aliases")
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|(p, s)| {
                                if s.trim().is_empty() {
                                    self.report(Code::InvalidValue, &p, "aliases must not be empty");
                                    None
                                } else {
                                    Some(s)
                                }
                            })
                            .collect();
                        total += aliases.len();
                        let note = self.string(em, &iptr, "note", false, "a list entry");
                        let date = self.string(em, &iptr, "date", false, "a list entry");
                        if let Some(d) = &date {
                            if !valid_date(d) {
                                self.report(Code::InvalidValue, &child(&iptr, "date"), format!("date \"{d}\" must be YYYY-MM-DD, YYYY-MM or YYYY"));
                            }
                        }
                        if let Some(value) = value {
                            entries.push(ListEntry { value, aliases, note, date });
                        }
                    }
                }
            }
            out.insert(name.clone(), ListSpec { description, match_kind, entries });
        }
        out
    }

    fn sites(&mut self, v: &Value) -> Vec<SiteSpec> {
        let mut out = Vec::new();
        let Some(arr) = self.array(v, "/sites", "\"sites\"") else { return out };
        let mut seen = HashSet::new();
        for (i, sv) in arr.iter().enumerate() {
            let ptr = index("/sites", i);
            let Some(m) = self.object(sv, &ptr, "a site adapter") else { continue };
            self.keys(m, &ptr, SITE_KEYS, "a site adapter");
            let id = self.string(m, &ptr, "id", true, "a site adapter");
            if let Some(id) = &id {
                if !valid_id(id, 64, false) {
                    self.report(Code::InvalidValue, &child(&ptr, "id"), format!("site id \"{id}\" must be 1-64 characters of a-z 0-9 . _ -"));
                } else if !seen.insert(id.clone()) {
                    self.report(Code::DuplicateId, &child(&ptr, "id"), format!("site id \"{id}\" is defined twice"));
                }
            }
            let name = self.string(m, &ptr, "name", true, "a site adapter");
            let mut hosts = Vec::new();
            match m.get("hosts") {
                None => self.report(Code::MissingKey, &ptr, "a site adapter is missing required key \"hosts\""),
                Some(_) => {
                    for (hp, h) in self.strings(m, &ptr, "hosts").unwrap_or_default() {
                        let (pattern, bare) = match h.strip_prefix("*.") {
                            Some(rest) => (HostPattern::Subdomain(rest.to_ascii_lowercase()), rest),
                            None => (HostPattern::Exact(h.to_ascii_lowercase()), h.as_str()),
                        };
                        if valid_host(bare) {
                            hosts.push(pattern);
                        } else {
                            self.report(Code::InvalidValue, &hp, format!("host \"{h}\" must be a host name or *.domain"));
                        }
                    }
                }
            }
            let mut pages = Vec::new();
            match m.get("pages") {
                None => self.report(Code::MissingKey, &ptr, "a site adapter is missing required key \"pages\""),
                Some(pv) => {
                    let pptr = child(&ptr, "pages");
                    if let Some(parr) = self.array(pv, &pptr, "\"pages\"") {
                        for (j, page) in parr.iter().enumerate() {
                            if let Some(p) = self.page(page, &index(&pptr, j)) {
                                pages.push(p);
                            }
                        }
                    }
                }
            }
            if let (Some(id), Some(name)) = (id, name) {
                out.push(SiteSpec { id, name, hosts, pages });
            }
        }
        out
    }

    fn selector(&mut self, src: &str, ptr: &str) -> Option<Selector> {
        match Selector::parse(src) {
            Ok(s) => Some(s),
            Err(e) => {
                // scraper's messages carry a generic first line; the last line names the problem.
                let msg = e.to_string();
                let why = msg.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("syntax error").trim().to_string();
                self.report(Code::BadSelector, ptr, format!("invalid CSS selector \"{src}\": {why}"));
                None
            }
        }
    }

    fn regex(&mut self, src: &str, ptr: &str) -> Option<(Regex, regex_syntax::hir::Hir)> {
        if src.len() > MAX_PATTERN_BYTES {
            self.report(Code::PatternTooLong, ptr, format!("pattern is {} bytes; the limit is {MAX_PATTERN_BYTES}", src.len()));
            return None;
        }
        let built = build_regex(src);
        match built {
            Ok(re) => {
                let hir = regex_syntax::Parser::new().parse(src).ok()?;
                Some((re, hir))
            }
            Err(regex::Error::CompiledTooBig(limit)) => {
                self.report(Code::RegexTooBig, ptr, format!("pattern compiles to more than {limit} bytes; simplify it (large counted repetitions such as {{1000}} are the usual cause)"));
                None
            }
            Err(e) => {
                let msg = e.to_string();
                // The regex error is multi-line with a caret diagram; keep its last line.
                let last = msg.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&msg).trim();
                self.report(Code::BadRegex, ptr, format!("pattern does not compile: {last}"));
                None
            }
        }
    }

    /// A rule's pattern with its prefilter literals, length bound and whether it can match
    /// empty text: built and checked now, or (`defer_regexes`) built on first use, its facts
    /// taken from build.rs's table for a built-in pattern or else from parsing it.
    #[allow(clippy::type_complexity)]
    fn rule_pattern(&mut self, src: &str, ptr: &str) -> Option<(PatternRegex, Option<Vec<String>>, Option<LenBound>, bool)> {
        let facts = |hir: &regex_syntax::hir::Hir| (required_literals(hir), length_bound(hir), hir.properties().minimum_len() == Some(0));
        if !self.defer_regexes || src.len() > MAX_PATTERN_BYTES {
            return self.regex(src, ptr).map(|(re, hir)| {
                let (l, b, e) = facts(&hir);
                (PatternRegex::built(re), l, b, e)
            });
        }
        if let Some((literals, bound)) = builtin_pattern_facts(src) {
            return Some((PatternRegex::deferred(src), literals, bound, false));
        }
        match regex_syntax::Parser::new().parse(src) {
            Ok(hir) => {
                let (l, b, e) = facts(&hir);
                Some((PatternRegex::deferred(src), l, b, e))
            }
            Err(e) => {
                let msg = e.to_string();
                let last = msg.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&msg).trim();
                self.report(Code::BadRegex, ptr, format!("pattern does not compile: {last}"));
                None
            }
        }
    }

    fn page(&mut self, v: &Value, ptr: &str) -> Option<PageSpec> {
        let m = self.object(v, ptr, "a page")?;
        self.keys(m, ptr, PAGE_KEYS, "a page");
        let kind_src = self.string(m, ptr, "kind", true, "a page");
        let kind = kind_src.as_deref().and_then(|k| {
            let kind = PageKind::parse(k);
            if kind.is_none() {
                self.report(Code::InvalidValue, &child(ptr, "kind"), format!("page kind \"{k}\" must be candidate, candidate_list, messages, job_posting or no_candidate"));
            }
            kind
        });
        let url = self.string(m, ptr, "url", false, "a page").and_then(|u| self.regex(&u, &child(ptr, "url")).map(|r| r.0));
        let detect = self.string(m, ptr, "detect", false, "a page").and_then(|s| self.selector(&s, &child(ptr, "detect")));
        let rows = self.string(m, ptr, "rows", false, "a page").and_then(|s| self.selector(&s, &child(ptr, "rows")));
        if kind == Some(PageKind::CandidateList) && !m.contains_key("rows") {
            self.report(Code::MissingKey, ptr, "a candidate_list page needs \"rows\"");
        }
        let mut fields = Vec::new();
        if let Some(fv) = m.get("fields") {
            let fptr = child(ptr, "fields");
            if let Some(fm) = self.object(fv, &fptr, "\"fields\"") {
                for (name, spec) in fm {
                    let sptr = child(&fptr, name);
                    let Some(field) = Field::parse(name) else {
                        self.report(Code::UnknownReference, &sptr, format!("unknown field \"{name}\"; fields are: {}", field_names()));
                        continue;
                    };
                    if let Some(fs) = self.field_spec(spec, &sptr, Some(field), false) {
                        fields.push((field, fs));
                    }
                }
            }
        }
        if matches!(kind, Some(PageKind::JobPosting | PageKind::Unknown)) && !fields.is_empty() {
            self.report(Code::InvalidValue, &child(ptr, "fields"), "a job_posting or no_candidate page has no candidate, so it takes no fields");
        }
        Some(PageSpec { kind: kind?, url, detect, rows, fields })
    }

    /// `record` is the record field whose sub-fields may appear in `fields`; `None` inside a
    /// record (records do not nest). `in_json` is true inside a record read from JSON, where a
    /// string is a JSON path relative to the record rather than a CSS selector.
    fn field_spec(&mut self, v: &Value, ptr: &str, record: Option<Field>, in_json: bool) -> Option<FieldSpec> {
        let multi = record.is_some_and(Field::is_multi);
        match v {
            Value::String(s) if in_json => {
                let path = self.json_path(s, ptr)?;
                Some(FieldSpec { source: FieldSource::Json { script: None, path }, all: false, sub: Vec::new() })
            }
            Value::String(s) => {
                let selector = self.selector(s, ptr)?;
                Some(FieldSpec { source: FieldSource::Css { selector, attr: None }, all: multi, sub: Vec::new() })
            }
            Value::Object(m) => {
                self.keys(m, ptr, FIELD_KEYS, "a field");
                let source = match (m.contains_key("selector"), m.contains_key("json")) {
                    (true, true) | (false, false) => {
                        self.report(Code::MatcherChoice, ptr, "a field needs exactly one of \"selector\" and \"json\"");
                        None
                    }
                    (true, false) => {
                        if in_json {
                            self.report(Code::InvalidValue, &child(ptr, "selector"), "a record read from JSON takes \"json\" sub-fields, not selectors");
                        }
                        if m.contains_key("script") {
                            self.report(Code::InvalidValue, &child(ptr, "script"), "\"script\" goes with \"json\", not with \"selector\"");
                        }
                        let selector = self.string(m, ptr, "selector", true, "a field").and_then(|s| self.selector(&s, &child(ptr, "selector")));
                        let attr = self.string(m, ptr, "attr", false, "a field");
                        selector.map(|selector| FieldSource::Css { selector, attr })
                    }
                    (false, true) => {
                        if m.contains_key("attr") {
                            self.report(Code::InvalidValue, &child(ptr, "attr"), "\"attr\" goes with \"selector\", not with \"json\"");
                        }
                        let script = match (self.string(m, ptr, "script", false, "a field"), in_json) {
                            (Some(_), true) => {
                                self.report(Code::InvalidValue, &child(ptr, "script"), "inside a JSON record, paths are relative to the record: no \"script\"");
                                None
                            }
                            (Some(s), false) => self.selector(&s, &child(ptr, "script")),
                            (None, true) => None,
                            (None, false) => {
                                self.report(Code::MissingKey, ptr, "a \"json\" field needs \"script\": the selector of the element holding the JSON");
                                None
                            }
                        };
                        let path = self.string(m, ptr, "json", true, "a field").and_then(|p| self.json_path(&p, &child(ptr, "json")));
                        match (path, script, in_json) {
                            (Some(path), script, true) => Some(FieldSource::Json { script, path }),
                            (Some(path), Some(script), false) => Some(FieldSource::Json { script: Some(script), path }),
                            _ => None,
                        }
                    }
                };
                let all = self.bool(m, ptr, "all").unwrap_or(multi);
                let json_record = matches!(source, Some(FieldSource::Json { .. }));
                let mut sub = Vec::new();
                if let Some(sv) = m.get("fields") {
                    let sptr = child(ptr, "fields");
                    let field = record.filter(|f| !f.sub_fields().is_empty());
                    match (field, self.object(sv, &sptr, "\"fields\"")) {
                        (None, Some(_)) => self.report(Code::InvalidValue, &sptr, "only record fields (experience, education, messages, proposals, reviews) take sub-fields"),
                        (Some(field), Some(sm)) => {
                            for (name, spec) in sm {
                                let p = child(&sptr, name);
                                match field.sub_field(name) {
                                    None => self.report(Code::UnknownReference, &p, format!("\"{field}\" has no sub-field \"{name}\"; it has: {}", field.sub_fields().join(", "))),
                                    Some(sf) => {
                                        if let Some(fs) = self.field_spec(spec, &p, None, json_record) {
                                            sub.push((sf, fs));
                                        }
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Some(FieldSpec { source: source?, all, sub })
            }
            other => {
                self.report(Code::WrongType, ptr, format!("a field must be a selector string or an object, not {}", type_name(other)));
                None
            }
        }
    }

    fn json_path(&mut self, src: &str, ptr: &str) -> Option<crate::jsonpath::JsonPath> {
        match crate::jsonpath::JsonPath::parse(src) {
            Ok(p) => Some(p),
            Err(e) => {
                self.report(Code::InvalidValue, ptr, format!("invalid JSON path \"{src}\": {e}"));
                None
            }
        }
    }

    fn rules(&mut self, v: &Value, sources: &BTreeMap<String, Source>, lists: &BTreeMap<String, ListSpec>) -> Vec<RuleSpec> {
        let mut out = Vec::new();
        let Some(arr) = self.array(v, "/rules", "\"rules\"") else { return out };
        if arr.len() > MAX_RULES {
            self.report(Code::TooManyRules, "/rules", format!("{} rules; a pack may hold at most {MAX_RULES}", arr.len()));
            return out;
        }
        let mut seen = HashSet::new();
        for (i, rv) in arr.iter().enumerate() {
            let ptr = index("/rules", i);
            if let Some(rule) = self.rule(rv, &ptr, sources, lists, &mut seen) {
                out.push(rule);
            }
        }
        out
    }

    fn rule(&mut self, v: &Value, ptr: &str, sources: &BTreeMap<String, Source>, lists: &BTreeMap<String, ListSpec>, seen: &mut HashSet<String>) -> Option<RuleSpec> {
        let m = self.object(v, ptr, "a rule")?;
        self.keys(m, ptr, RULE_KEYS, "a rule");
        let id = self.string(m, ptr, "id", true, "a rule");
        if let Some(id) = &id {
            if !valid_id(id, 80, true) {
                self.report(Code::InvalidValue, &child(ptr, "id"), format!("rule id \"{id}\" must be 1-80 characters of A-Z a-z 0-9 . _ -"));
            } else if !seen.insert(id.clone()) {
                self.report(Code::DuplicateId, &child(ptr, "id"), format!("rule id \"{id}\" is defined twice"));
            }
        }
        let title = self.string(m, ptr, "title", true, "a rule");
        let mut protected: Vec<(String, String)> = Vec::new();
        let family = self.string(m, ptr, "family", true, "a rule").and_then(|f| {
            let family = Family::parse(&f);
            if family.is_none() {
                let all: Vec<&str> = Family::ALL.iter().map(|f| f.as_str()).collect();
                self.report(Code::InvalidValue, &child(ptr, "family"), format!("family \"{f}\" must be one of: {}", all.join(", ")));
            }
            family
        });
        let severity = self.string(m, ptr, "severity", true, "a rule").and_then(|s| {
            let sev = RuleSeverity::parse(&s);
            if sev.is_none() {
                self.report(Code::InvalidValue, &child(ptr, "severity"), format!("severity \"{s}\" must be low, medium, high or critical"));
            }
            sev
        });
        let kinds = ["pattern", "list", "check"].iter().filter(|k| m.contains_key(**k)).count();
        if m.contains_key("params") && !m.contains_key("check") {
            self.report(Code::InvalidValue, &child(ptr, "params"), "\"params\" goes with \"check\"");
        }
        let matcher = match (m.contains_key("pattern"), m.contains_key("list")) {
            _ if kinds != 1 => {
                self.report(Code::MatcherChoice, ptr, "a rule needs exactly one of \"pattern\", \"list\" and \"check\"");
                None
            }
            (true, true) => None,
            (false, false) => {
                let cptr = child(ptr, "check");
                let params = match m.get("params") {
                    None => Some(None),
                    Some(v) => self.object(v, &child(ptr, "params"), "\"params\"").map(Some),
                };
                match (self.string(m, ptr, "check", true, "a rule"), params) {
                    (Some(name), Some(params)) => match crate::checks::CheckSpec::parse(&name, params) {
                        Ok(spec) => {
                            let mut ok = true;
                            for l in spec.lists() {
                                if !lists.contains_key(l) {
                                    self.report(Code::UnknownReference, &child(&child(ptr, "params"), "list"), format!("unknown list \"{l}\""));
                                    ok = false;
                                }
                            }
                            ok.then_some(MatcherSpec::Check(spec))
                        }
                        Err(errors) => {
                            for (key, msg) in errors {
                                let (code, p) = if key.is_empty() { (Code::InvalidValue, cptr.clone()) } else { (Code::InvalidValue, child(&child(ptr, "params"), &key)) };
                                self.report(code, &p, msg);
                            }
                            None
                        }
                    },
                    _ => None,
                }
            }
            (true, false) => {
                let pptr = child(ptr, "pattern");
                self.string(m, ptr, "pattern", true, "a rule").and_then(|p| self.rule_pattern(&p, &pptr)).map(|(regex, literals, bound, can_be_empty)| {
                    if can_be_empty {
                        self.report(Code::UnreachableRule, &pptr, "pattern can match empty text; empty matches are ignored, so this rule may never fire");
                    }
                    if let Some((word, category)) = fairness::protected_word_in_source(regex.as_str()) {
                        protected.push((pptr.clone(), format!("pattern word \"{word}\" targets {category}")));
                    }
                    MatcherSpec::Pattern { literals, bound, regex }
                })
            }
            (false, true) => self.string(m, ptr, "list", true, "a rule").and_then(|l| {
                if let Some(list) = lists.get(&l) {
                    let entry = list.entries.iter().flat_map(|e| std::iter::once(&e.value).chain(&e.aliases)).find_map(|v| fairness::protected_entry(v).map(|c| (v.clone(), c)));
                    if let Some((value, category)) = entry {
                        protected.push((child(ptr, "list"), format!("list \"{l}\" entry \"{value}\" targets {category}")));
                    }
                    Some(MatcherSpec::List(l))
                } else {
                    self.report(Code::UnknownReference, &child(ptr, "list"), format!("unknown list \"{l}\""));
                    None
                }
            }),
        };
        let fields = self.strings(m, ptr, "fields").map(|items| {
            items
                .into_iter()
                .filter_map(|(p, s)| {
                    let r = FieldRef::parse(&s);
                    if r.is_none() {
                        self.report(Code::UnknownReference, &p, format!("unknown field \"{s}\"; fields are: {} (or record.sub-field)", field_names()));
                    }
                    r
                })
                .collect::<Vec<_>>()
        });
        let sites = self.strings(m, ptr, "sites").map(|items| {
            items
                .into_iter()
                .filter_map(|(p, s)| {
                    if valid_id(&s, 64, false) {
                        Some(s)
                    } else {
                        self.report(Code::InvalidValue, &p, format!("site id \"{s}\" must be 1-64 characters of a-z 0-9 . _ -"));
                        None
                    }
                })
                .collect::<Vec<_>>()
        });
        if let Some(fs) = &fields {
            if !fs.is_empty() && fs.iter().all(|f| fairness::PROTECTED_FIELDS.contains(&f.field)) {
                let names: Vec<String> = fs.iter().map(|f| f.to_string()).collect();
                protected.push((child(ptr, "fields"), format!("a text rule on {} scores where a person lives or what they are called; compare fields with a structural check instead", names.join(" and "))));
            }
        }
        let justification = self.string(m, ptr, "justification", false, "a rule");
        if let Some(j) = &justification {
            if j.trim().len() < 40 {
                self.report(Code::InvalidValue, &child(ptr, "justification"), "a justification must explain the exception in at least 40 characters");
            }
        }
        for (p, why) in protected {
            match &justification {
                None => self.report(Code::ProtectedCharacteristic, &p, format!("{why}; Candor never scores nationality, country, language, ethnicity, name origin, gender or age (add a written \"justification\" to override, reviewed by your legal team)")),
                Some(j) => self.report(Code::JustifiedProtected, &p, format!("{why}; allowed by justification: {}", j.trim())),
            }
        }
        let min_matches = match m.get("min_matches") {
            None => 1,
            Some(Value::Number(n)) if n.as_u64().is_some_and(|n| (1..=1000).contains(&n)) => n.as_u64().unwrap_or(1) as u32,
            Some(other) => {
                self.report(Code::InvalidValue, &child(ptr, "min_matches"), format!("min_matches must be an integer from 1 to 1000, not {other}"));
                1
            }
        };
        let explain = self.string(m, ptr, "explain", true, "a rule");
        let advice = self.string(m, ptr, "advice", false, "a rule");
        let mut cited = Vec::new();
        match self.strings(m, ptr, "sources") {
            None if !m.contains_key("sources") => self.report(Code::MissingKey, ptr, "a rule is missing required key \"sources\": every rule cites where its signal comes from"),
            None => {}
            Some(items) => {
                if items.is_empty() {
                    self.report(Code::InvalidValue, &child(ptr, "sources"), "a rule must cite at least one source");
                }
                for (p, s) in items {
                    if sources.contains_key(&s) {
                        cited.push(s);
                    } else {
                        self.report(Code::UnknownReference, &p, format!("unknown source \"{s}\"; define it under \"sources\""));
                    }
                }
            }
        }
        let disabled = self.bool(m, ptr, "disabled").unwrap_or(false);
        Some(RuleSpec {
            id: id?,
            title: title?,
            family: family?,
            severity: severity?,
            matcher: matcher?,
            fields,
            sites,
            min_matches,
            explain: explain?,
            advice,
            sources: cited,
            disabled,
        })
    }
}

fn field_names() -> String {
    Field::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
}

/// Levenshtein distance, for "did you mean" hints on short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
