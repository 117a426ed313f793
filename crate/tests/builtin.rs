//! Invariants of the built-in pack.

use candor::pack::{parse_pack, MatcherSpec};
use candor::{builtin_pack, builtin_packs, lint, Compiler};

#[test]
fn builtin_packs_are_clean() {
    assert!(builtin_packs().len() >= 3, "the rules pack and the site packs");
    for (name, text) in builtin_packs() {
        let diags = lint(text);
        assert!(diags.is_empty(), "{name}: {diags:#?}");
    }
    // Together they compile: no rule id is defined twice across packs.
    let rules = Compiler::with_builtin().build();
    assert_eq!(rules.packs().len(), builtin_packs().len());
}

#[test]
fn builtin_pack_has_enough_sourced_rules() {
    let pack = parse_pack(builtin_pack()).pack.unwrap();
    assert!(pack.rules.len() >= 30, "only {} rules", pack.rules.len());
    for r in &pack.rules {
        assert!(!r.sources.is_empty(), "{} cites nothing", r.id);
        assert!(r.explain.len() >= 40, "{}: explanation too thin", r.id);
        for s in &r.sources {
            assert!(pack.sources[s].date.is_some(), "{}: source {s} has no date", r.id);
        }
    }
    assert!(pack.verification.as_ref().is_some_and(|v| v.steps.len() >= 8), "the §1.5 verification script");
    let rules = Compiler::with_builtin().build();
    for id in ["upwork", "greenhouse"] {
        assert!(rules.site_ids().contains(&id), "missing adapter {id}");
    }
}

/// Fairness (signals-and-anchors §1.3): nothing in the built-in pack may score nationality,
/// country, language, name origin, appearance, gender or age. This list is a tripwire for the
/// built-in pack; the general guard for every pack is the compiler's job.
#[test]
fn builtin_pack_scores_no_protected_characteristic() {
    let pack = parse_pack(builtin_pack()).pack.unwrap();
    // Word-boundary match over the pattern source ("age" must not trip on "message").
    let protected = regex::Regex::new(
        r"(?i)\b(?:north korean?|korean?|dprk|chinese|china|russian?|vietnam(?:ese)?|lao(?:s|tian)?|nationality|citizen(?:ship)?|ethnic(?:ity)?|accent|language|native speaker|gender|female|male|age|years old|asian|japanese|ukrain(?:e|ian)|singapor(?:e|ean)|malaysian?)\b",
    )
    .unwrap();
    for r in &pack.rules {
        if let MatcherSpec::Pattern { regex, .. } = &r.matcher {
            assert!(!protected.is_match(regex.as_str()), "rule {} pattern targets a protected characteristic: {}", r.id, regex.as_str());
        }
    }
}

/// docs/signals.md lists every active built-in rule (regenerate with `make docs`).
#[test]
fn the_signal_catalogue_is_current() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/signals.md")).unwrap();
    let rules = Compiler::with_builtin().build();
    let missing: Vec<String> = rules.catalogue().into_iter().map(|r| r.id).filter(|id| !doc.contains(&format!("`{id}`"))).collect();
    assert!(missing.is_empty(), "docs/signals.md is missing {missing:?}: run `make docs`");
}

/// Every built-in rule has a complete German translation (title, explanation, and advice where
/// the rule has advice), as does the verification script, and the German texts pass the checks
/// the English ones do. A new rule without German fails here.
#[test]
fn builtin_pack_is_fully_translated_into_german() {
    let pack = parse_pack(builtin_pack()).pack.unwrap();
    let de = pack.translations.get("de").expect("the built-in pack has German texts");
    let mut problems = Vec::new();
    for r in &pack.rules {
        let Some(t) = de.rules.get(&r.id) else {
            problems.push(format!("{}: no German translation", r.id));
            continue;
        };
        match &t.title {
            Some(title) if (8..=120).contains(&title.chars().count()) && title != &r.title => {}
            other => problems.push(format!("{}: German title {other:?}", r.id)),
        }
        match &t.explain {
            Some(explain) if explain.len() >= 40 && explain != &r.explain => {}
            other => problems.push(format!("{}: German explanation {other:?}", r.id)),
        }
        match (&r.advice, &t.advice) {
            (Some(en), Some(de)) if !de.trim().is_empty() && de != en => {}
            (None, None) => {}
            (en, de) => problems.push(format!("{}: advice {en:?} translated as {de:?}", r.id)),
        }
    }
    let v = pack.verification.as_ref().unwrap();
    let vt = de.verification.as_ref().expect("German verification script");
    assert!(vt.title.as_ref().is_some_and(|t| t != &v.title), "German verification title");
    let steps = vt.steps.as_ref().expect("German verification steps");
    assert_eq!(steps.len(), v.steps.len(), "one German step per step");
    assert!(steps.iter().zip(&v.steps).all(|(de, en)| de.len() >= 20 && de != en), "{steps:#?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The start-up path (`parse_validated_pack`: regexes built on first use, prefilter facts from
/// build.rs's table) gives every rule the same literals and length bound as full validation,
/// and the deferred regexes build to the same patterns.
#[test]
fn the_validated_start_up_path_matches_full_validation() {
    use candor::pack::parse_validated_pack;
    for (name, text) in builtin_packs() {
        let full = parse_pack(text).pack.unwrap();
        let fast = parse_validated_pack(text).pack.unwrap_or_else(|| panic!("{name} does not parse on the start-up path"));
        assert_eq!(full.rules.len(), fast.rules.len(), "{name}");
        for (a, b) in full.rules.iter().zip(&fast.rules) {
            if let (MatcherSpec::Pattern { regex: ra, literals: la, bound: ba }, MatcherSpec::Pattern { regex: rb, literals: lb, bound: bb }) = (&a.matcher, &b.matcher) {
                assert!(ra.is_built() && !rb.is_built(), "{}: built eagerly only by full validation", a.id);
                assert_eq!((la, ba), (lb, bb), "{}: prefilter facts differ", a.id);
                assert_eq!(rb.get().map(|r| r.as_str()), Some(ra.as_str()), "{}", a.id);
            }
        }
    }
}

/// A team pack re-added on a later start-up through `add_validated_pack` (regexes deferred)
/// gives the same engine as full validation: same rules, same findings.
#[test]
fn a_revalidated_team_pack_scans_the_same() {
    let pack = r#"{"candor_pack": 1, "id": "acme", "title": "Acme", "publisher": "Acme", "version": "1.0",
      "sources": {"A1": {"title": "Acme playbook", "publisher": "Acme"}},
      "rules": [{"id": "acme.gift-cards", "title": "Asks for gift cards", "family": "payment",
                 "severity": "high", "pattern": "(?i)\\bgift\\s+cards?\\b", "explain": "Asks to be paid in gift cards.",
                 "sources": ["A1"]}]}"#;
    let text = "Alex: my camera is broken, can we just chat instead\nAlex: please pay me in Gift  Cards";
    let mut full = Compiler::with_builtin();
    full.add_pack(pack).unwrap();
    let mut fast = Compiler::with_builtin();
    fast.add_validated_pack(pack).unwrap();
    let (full, fast) = (full.build(), fast.build());
    let a = serde_json::to_value(candor::Scanner::new(&full).scan_text("t", text)).unwrap();
    let b = serde_json::to_value(candor::Scanner::new(&fast).scan_text("t", text)).unwrap();
    assert_eq!(a, b);
    assert!(a.to_string().contains("acme.gift-cards"), "the team rule fires: {a}");
    let d = candor::validation_digest(&[pack.to_string()], &[]);
    assert_eq!(d.len(), 64);
    assert_ne!(d, candor::validation_digest(&[pack.to_string()], &["acme.gift-cards".to_string()]));
}
