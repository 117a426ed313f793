//! Compiling packs into an immutable [`Rules`] engine.
//!
//! ```
//! use candor::Compiler;
//! let mut compiler = Compiler::with_builtin();
//! let extra = r#"{"candor_pack": 1, "id": "acme", "title": "Acme", "publisher": "Acme",
//!   "version": "1.0", "sources": {"A1": {"title": "Acme playbook", "publisher": "Acme"}},
//!   "rules": [{"id": "acme.gift-cards", "title": "Asks for gift cards", "family": "payment",
//!              "severity": "medium", "pattern": "(?i)gift cards?", "explain": "…",
//!              "sources": ["A1"]}]}"#;
//! compiler.add_pack(extra).expect("valid pack");
//! let rules = compiler.build();
//! assert!(rules.rule_count() > 1);
//! ```

use crate::checks::CheckSpec;
use crate::diagnostic::{Code, Diagnostic};
use crate::field::{Field, FieldRef};
use crate::pack::{parse_pack, Family, ListMatch, ListSpec, MatcherSpec, Pack, PackMeta, RuleSeverity, RuleText, SiteSpec, Source, Verification, VerificationText};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use crate::literal::LenBound;
use crate::pack::PatternRegex;
use std::collections::{BTreeSet, HashMap};

/// Collects packs; [`Compiler::build`] turns them into [`Rules`].
#[derive(Default)]
pub struct Compiler {
    packs: Vec<Pack>,
    disabled: Vec<String>,
}

impl Compiler {
    pub fn new() -> Self {
        Compiler::default()
    }

    /// A compiler that already holds the built-in packs.
    pub fn with_builtin() -> Self {
        let mut c = Compiler::new();
        for (name, text) in crate::builtin_packs() {
            // The built-in packs pass full validation in their tests (`builtin_packs_are_clean`);
            // their regexes are built on first use, which keeps the engine's start-up short.
            if let Err(d) = c.add_parsed(text, crate::pack::parse_validated_pack(text)) {
                panic!("built-in pack {name} does not compile (the builtin tests catch this): {d:?}");
            }
        }
        c
    }

    /// Validates `text` and, if it has no error, adds it. Returns the warnings on success and
    /// every diagnostic on failure; a failed pack adds nothing at all.
    pub fn add_pack(&mut self, text: &str) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        self.add_parsed(text, parse_pack(text))
    }

    /// Adds a pack that this engine version has already accepted through [`Compiler::add_pack`]
    /// (the caller keeps a [`validation_digest`] record of it): its regexes are built on first
    /// use, so the size-limit check is not repeated. Every other check still runs, and a
    /// pattern that would not build just matches nothing.
    pub fn add_validated_pack(&mut self, text: &str) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        self.add_parsed(text, crate::pack::parse_validated_pack(text))
    }

    fn add_parsed(&mut self, text: &str, outcome: crate::pack::ParseOutcome) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let Some(pack) = outcome.pack else { return Err(outcome.diagnostics) };
        let mut diagnostics = outcome.diagnostics;
        // A pack with the id of a loaded one replaces it: a newer copy of the built-in pack, or
        // a subscription's update, takes the old one's place.
        let replaces = self.packs.iter().position(|p| p.meta.id == pack.meta.id);
        // Rule ids are global: a recruiter's panel and a team's "disabled rules" policy name a
        // rule by id alone.
        for (i, rule) in pack.rules.iter().enumerate() {
            let mut others = self.packs.iter().enumerate().filter(|(j, _)| Some(*j) != replaces).map(|(_, p)| p);
            if let Some(other) = others.find(|p| p.rules.iter().any(|r| r.id == rule.id)) {
                diagnostics.push(Diagnostic {
                    code: Code::DuplicateId,
                    severity: Code::DuplicateId.severity(),
                    message: format!("rule id \"{}\" is already defined by pack \"{}\"", rule.id, other.meta.id),
                    pointer: format!("/rules/{i}/id"),
                    line: 1,
                    column: 1,
                });
            }
        }
        if diagnostics.iter().any(Diagnostic::is_error) {
            let locations = crate::json_locate::Locations::new(text);
            for d in diagnostics.iter_mut() {
                (d.line, d.column) = locations.line_col(&d.pointer);
            }
            return Err(diagnostics);
        }
        match replaces {
            Some(i) => self.packs[i] = pack,
            None => self.packs.push(pack),
        }
        Ok(diagnostics)
    }

    /// Switches rules off by id (an administrator's "disabled rules" policy). Unknown ids are
    /// ignored, so a policy written for another pack version never breaks scanning.
    pub fn disable_rules<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, ids: I) {
        self.disabled.extend(ids.into_iter().map(Into::into));
    }

    pub fn build(mut self) -> Rules {
        if !self.disabled.is_empty() {
            for pack in &mut self.packs {
                for rule in &mut pack.rules {
                    if self.disabled.contains(&rule.id) {
                        rule.disabled = true;
                    }
                }
            }
        }
        Rules::new(self.packs)
    }
}

/// A record that "this engine version accepted exactly these packs with these rules disabled":
/// hex SHA-256 over the engine version, each pack text and each disabled rule id (each
/// length-prefixed). A host that stores it after a successful [`Compiler::add_pack`] build can
/// rebuild the same engine later with [`Compiler::add_validated_pack`] when the digest matches.
pub fn validation_digest(packs: &[String], disabled: &[String]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(&(packs.len() as u64).to_le_bytes());
    for p in packs {
        field(p.as_bytes());
    }
    for d in disabled {
        field(d.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a pack on its own, as `candor lint` does.
pub fn lint(text: &str) -> Vec<Diagnostic> {
    parse_pack(text).diagnostics
}

pub(crate) enum Matcher {
    /// The pattern and, when it has one, its match-length bound.
    Regex(PatternRegex, Option<LenBound>),
    List(usize),
    /// A structural check and the compiled lists it reads, by name.
    Check(CheckSpec, Vec<(String, usize)>),
}

pub(crate) struct CompiledRule {
    pub id: String,
    pub title: String,
    pub family: Family,
    pub severity: RuleSeverity,
    pub matcher: Matcher,
    pub fields: Option<Vec<FieldRef>>,
    /// `None`: every site.
    pub sites: Option<Vec<String>>,
    pub min_matches: u32,
    pub explain: String,
    pub advice: Option<String>,
    pub sources: Vec<Source>,
    /// Language tag → translated texts, from the rule's own pack.
    pub texts: Vec<(String, RuleText)>,
}

impl CompiledRule {
    /// Whether the rule applies on `site` (a site id, or `generic`).
    pub fn applies_on(&self, site: &str) -> bool {
        self.sites.as_ref().is_none_or(|s| s.iter().any(|x| x == site))
    }

    pub fn targets(&self, field: Field, sub: Option<&str>) -> bool {
        match &self.fields {
            None => true,
            Some(refs) => refs.iter().any(|r| r.covers(field, sub)),
        }
    }
}

/// A rule as catalogues show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub family: Family,
    pub severity: RuleSeverity,
    /// `pattern`, `list` or `check <name>`.
    pub kind: String,
    pub explain: String,
    pub sources: Vec<Source>,
}

pub(crate) struct ListEntryInfo {
    pub value: String,
    pub note: Option<String>,
    pub date: Option<String>,
}

pub(crate) struct CompiledList {
    pub match_kind: ListMatch,
    /// Case-insensitive automaton: names, hex addresses, e-mails.
    pub folded: Option<(AhoCorasick, Vec<usize>)>,
    /// Case-sensitive automaton: base58 identifiers.
    pub exact: Option<(AhoCorasick, Vec<usize>)>,
    pub entries: Vec<ListEntryInfo>,
    /// Every value and alias with its entry index, for fuzzy matching.
    pub names: Vec<(String, usize)>,
    /// The first three letters of every distinctive word of `names`: a name sharing none of
    /// them with a text cannot reach the fuzzy threshold, so it is not compared at all.
    pub name_prefixes: std::collections::HashSet<String>,
    /// `tokens` of each of `names`, in the same order (the fuzzy check compares tokens).
    pub name_tokens: Vec<Vec<crate::sanctions::fuzzy::Token>>,
}

/// The rules that can apply on one site, indexed by required literal.
pub(crate) struct Partition {
    pub prefilter: Option<AhoCorasick>,
    /// Prefilter pattern index → rule indices.
    pub by_literal: Vec<Vec<u32>>,
    /// Rules without a usable literal (and list rules), run on every text.
    pub always: Vec<u32>,
    /// Every rule of the partition, for texts the prefilter cannot judge.
    pub all: Vec<u32>,
    /// Rule index → its prefilter pattern indices, for the rules that have literals.
    pub literals_of: HashMap<u32, Vec<u32>>,
}

/// Compiled, immutable rules: what a [`crate::Scanner`] runs. Build a new one to change
/// anything.
pub struct Rules {
    pub(crate) packs: Vec<PackMeta>,
    pub(crate) rules: Vec<CompiledRule>,
    pub(crate) lists: Vec<CompiledList>,
    pub(crate) sites: Vec<SiteSpec>,
    /// Rules that are structural checks; they run once per candidate (or page), not per text.
    pub(crate) checks: Vec<u32>,
    /// Per site, built on the first scan of that site: most engines only ever see a few sites,
    /// and building every site's prefilter was a sixth of the engine's start-up.
    partitions: HashMap<String, std::sync::OnceLock<Partition>>,
    generic: std::sync::OnceLock<Partition>,
    /// Per rule: the sites it is limited to, and its prefilter literals (what partitions need).
    site_scopes: Vec<Option<Vec<String>>>,
    literals: Vec<Option<Vec<String>>>,
    pub(crate) verification: Verification,
    /// Language tag → the verification script's translation (from the pack that supplied it).
    pub(crate) verification_texts: Vec<(String, VerificationText)>,
    /// Every language tag some loaded pack (or the engine's own texts) translates into.
    pub(crate) languages: BTreeSet<String>,
}

/// The recruiter prompt used when no pack supplies one (signals-and-anchors §1.5, abridged).
fn default_verification() -> Verification {
    Verification {
        title: "Verify on camera before the next step".into(),
        steps: vec![
            "Hold a live video call with the camera on and the background visible.".into(),
            "Ask to see the ID on camera and compare it with the application.".into(),
            "Ship equipment only to the address on the ID; pay only an account in the candidate's own name.".into(),
        ],
    }
}

/// [`default_verification`] in the engine's other languages.
fn default_verification_texts() -> Vec<(String, VerificationText)> {
    vec![(
        "de".into(),
        VerificationText {
            title: Some("Vor dem nächsten Schritt: Kamera-Verifizierung".into()),
            steps: Some(vec![
                "Führen Sie ein Live-Videogespräch mit eingeschalteter Kamera und sichtbarem Hintergrund.".into(),
                "Lassen Sie sich den Ausweis vor der Kamera zeigen und vergleichen Sie ihn mit der Bewerbung.".into(),
                "Versenden Sie Geräte nur an die Adresse auf dem Ausweis; zahlen Sie nur auf ein Konto, das auf den Namen der Person selbst lautet.".into(),
            ]),
        },
    )]
}

/// Languages the engine itself speaks (the default verification script, check details).
pub const ENGINE_LANGUAGES: &[&str] = crate::messages::Lang::TAGS;

impl Rules {
    fn new(packs: Vec<Pack>) -> Rules {
        let mut rules = Vec::new();
        let mut lists = Vec::new();
        let mut site_scopes: Vec<Option<Vec<String>>> = Vec::new();
        let mut literals: Vec<Option<Vec<String>>> = Vec::new();
        let mut sites: Vec<SiteSpec> = Vec::new();
        let mut verification = None;
        let mut verification_texts = Vec::new();
        let mut languages: BTreeSet<String> = ENGINE_LANGUAGES.iter().map(|l| l.to_string()).collect();
        let mut metas = Vec::new();
        for pack in packs {
            metas.push(pack.meta.clone());
            languages.extend(pack.translations.keys().cloned());
            // A later pack's adapter replaces an earlier one with the same id, so a trust team
            // can fix a site's selectors without waiting for a release.
            for site in pack.sites {
                match sites.iter_mut().find(|s| s.id == site.id) {
                    Some(slot) => *slot = site,
                    None => sites.push(site),
                }
            }
            if let Some(v) = pack.verification {
                // The translation of a script is only as good as its step count: a
                // translation with steps missing keeps the pack's steps (the linter warns).
                verification_texts = pack
                    .translations
                    .iter()
                    .filter_map(|(tag, t)| {
                        let mut vt = t.verification.clone()?;
                        vt.steps = vt.steps.filter(|s| s.len() == v.steps.len());
                        Some((tag.clone(), vt))
                    })
                    .collect();
                verification = Some(v);
            }
            let mut list_index: HashMap<String, usize> = HashMap::new();
            for (name, spec) in pack.lists {
                list_index.insert(name, lists.len());
                lists.push(compile_list(&spec));
            }
            for r in pack.rules.into_iter().filter(|r| !r.disabled) {
                let (matcher, lits) = match r.matcher {
                    MatcherSpec::Pattern { regex, literals, bound } => (Matcher::Regex(regex, bound), literals),
                    MatcherSpec::List(name) => (Matcher::List(list_index[&name]), None),
                    MatcherSpec::Check(spec) => {
                        let lists = spec.lists().into_iter().map(|l| (l.to_string(), list_index[l])).collect();
                        (Matcher::Check(spec, lists), None)
                    }
                };
                literals.push(lits);
                site_scopes.push(r.sites.clone());
                let texts = pack.translations.iter().filter_map(|(tag, t)| t.rules.get(&r.id).map(|rt| (tag.clone(), rt.clone()))).collect();
                rules.push(CompiledRule {
                    id: r.id,
                    title: r.title,
                    family: r.family,
                    severity: r.severity,
                    matcher,
                    fields: r.fields,
                    sites: r.sites,
                    min_matches: r.min_matches,
                    explain: r.explain,
                    advice: r.advice,
                    sources: r.sources.iter().filter_map(|s| pack.sources.get(s).cloned()).collect(),
                    texts,
                });
            }
        }
        let mut site_ids: BTreeSet<String> = sites.iter().map(|s| s.id.clone()).collect();
        for scope in site_scopes.iter().flatten() {
            site_ids.extend(scope.iter().cloned());
        }
        let checks: Vec<u32> = (0..rules.len() as u32).filter(|&i| matches!(rules[i as usize].matcher, Matcher::Check(..))).collect();
        let partitions = site_ids.into_iter().map(|s| (s, std::sync::OnceLock::new())).collect();
        Rules {
            packs: metas,
            rules,
            lists,
            sites,
            checks,
            partitions,
            generic: std::sync::OnceLock::new(),
            site_scopes,
            literals,
            verification_texts: if verification.is_some() { verification_texts } else { default_verification_texts() },
            verification: verification.unwrap_or_else(default_verification),
            languages,
        }
    }

    pub(crate) fn partition(&self, site: &str) -> &Partition {
        match self.partitions.get(site) {
            Some(cell) => cell.get_or_init(|| self.build_partition(Some(site))),
            None => self.generic.get_or_init(|| self.build_partition(None)),
        }
    }

    /// The rules that can apply on `site` (`None`: the generic adapter), structural checks
    /// aside, indexed by their literals.
    fn build_partition(&self, site: Option<&str>) -> Partition {
        let members: Vec<u32> = (0..self.rules.len() as u32)
            .filter(|i| !self.checks.contains(i))
            .filter(|&i| match (&self.site_scopes[i as usize], site) {
                (None, _) => true,
                (Some(scope), Some(site)) => scope.iter().any(|s| s == site),
                (Some(_), None) => false,
            })
            .collect();
        build_partition(&members, &self.literals)
    }

    /// Number of active (not disabled) rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The packs compiled in, in load order.
    pub fn packs(&self) -> &[PackMeta] {
        &self.packs
    }

    /// Every active rule, for catalogues and `candor rules`.
    pub fn catalogue(&self) -> Vec<RuleInfo> {
        self.rules
            .iter()
            .map(|r| RuleInfo {
                id: r.id.clone(),
                title: r.title.clone(),
                family: r.family,
                severity: r.severity,
                kind: match &r.matcher {
                    Matcher::Regex(..) => "pattern".into(),
                    Matcher::List(_) => "list".into(),
                    Matcher::Check(spec, _) => format!("check {}", spec.name()),
                },
                explain: r.explain.clone(),
                sources: r.sources.clone(),
            })
            .collect()
    }

    /// Every language some loaded pack, or the engine itself, has texts in (`de`, `de-CH`).
    pub fn languages(&self) -> Vec<&str> {
        self.languages.iter().map(String::as_str).collect()
    }

    /// Ids of the site adapters.
    pub fn site_ids(&self) -> Vec<&str> {
        self.sites.iter().map(|s| s.id.as_str()).collect()
    }
}

fn build_partition(members: &[u32], literals: &[Option<Vec<String>>]) -> Partition {
    let mut patterns: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut by_literal: Vec<Vec<u32>> = Vec::new();
    let mut always = Vec::new();
    let mut literals_of: HashMap<u32, Vec<u32>> = HashMap::new();
    for &r in members {
        match &literals[r as usize] {
            Some(lits) => {
                for l in lits {
                    let i = *index.entry(l.clone()).or_insert_with(|| {
                        patterns.push(l.clone());
                        by_literal.push(Vec::new());
                        patterns.len() - 1
                    });
                    by_literal[i].push(r);
                    literals_of.entry(r).or_default().push(i as u32);
                }
            }
            None => always.push(r),
        }
    }
    let prefilter = if patterns.is_empty() {
        None
    } else {
        // Overlapping search would be needed to see every literal; standard matching with
        // ascii case folding can skip a literal that overlaps an earlier one, so we use
        // find_overlapping_iter at scan time, which requires MatchKind::Standard.
        AhoCorasickBuilder::new().ascii_case_insensitive(true).match_kind(MatchKind::Standard).build(&patterns).ok()
    };
    if prefilter.is_none() {
        // Building can only fail on absurd sizes; fall back to running everything.
        always = members.to_vec();
        by_literal.clear();
        literals_of.clear();
    }
    Partition { prefilter, by_literal, always, all: members.to_vec(), literals_of }
}

/// A words list of `values`, for unit tests of list-reading checks.
#[cfg(test)]
pub(crate) fn compile_list_for_tests(values: &[&str]) -> CompiledList {
    let entries = values.iter().map(|v| crate::pack::ListEntry { value: v.to_string(), aliases: vec![], note: None, date: None }).collect();
    compile_list(&ListSpec { description: None, match_kind: ListMatch::Exact, entries })
}

fn compile_list(spec: &ListSpec) -> CompiledList {
    let mut entries = Vec::new();
    let mut names = Vec::new();
    let mut folded = (Vec::new(), Vec::new());
    let mut exact = (Vec::new(), Vec::new());
    for e in &spec.entries {
        let idx = entries.len();
        entries.push(ListEntryInfo { value: e.value.clone(), note: e.note.clone(), date: e.date.clone() });
        for v in std::iter::once(&e.value).chain(e.aliases.iter()) {
            let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
            names.push((v.clone(), idx));
            let case_sensitive = spec.match_kind == ListMatch::Exact && !(v.starts_with("0x") || v.contains('@') || v.starts_with("bc1") || v.contains('.'));
            let target = if case_sensitive { &mut exact } else { &mut folded };
            target.0.push(v);
            target.1.push(idx);
        }
    }
    let build = |(pats, map): (Vec<String>, Vec<usize>), fold: bool| {
        if pats.is_empty() {
            return None;
        }
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(fold)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
            .ok()
            .map(|ac| (ac, map))
    };
    let name_prefixes = names.iter().flat_map(|(n, _)| crate::sanctions::fuzzy::words(n)).filter(|w| w.len() >= 3 && !crate::sanctions::fuzzy::is_generic(w)).map(|w| w.chars().take(3).collect()).collect();
    let name_tokens = names.iter().map(|(n, _)| crate::sanctions::fuzzy::tokens(n)).collect();
    CompiledList { match_kind: spec.match_kind, folded: build(folded, true), exact: build(exact, false), entries, names, name_prefixes, name_tokens }
}
