//! Scans in another language, and with other score cut-offs.

use candor::score::Thresholds;
use candor::{Compiler, Scanner};

const THREAD: &str = "Recruiter: can we do a video call?\nAlex: my webcam is broken, let's keep to chat\nAlex: also please pay me in USDT only\n";

#[test]
fn a_german_scan_has_german_texts_and_says_so() {
    let rules = Compiler::with_builtin().build();
    let en = Scanner::new(&rules).scan_text("t.txt", THREAD);
    let de = Scanner::new(&rules).locale(Some("de")).scan_text("t.txt", THREAD);
    assert_eq!(en.locale, None);
    assert_eq!(de.locale.as_deref(), Some("de"));
    let (fe, fd) = (&en.candidates[0].findings, &de.candidates[0].findings);
    assert_eq!(fe.iter().map(|f| &f.rule).collect::<Vec<_>>(), fd.iter().map(|f| &f.rule).collect::<Vec<_>>(), "the language changes texts, not findings");
    let camera = fd.iter().find(|f| f.rule == "SIG-39.camera-broken").expect("camera finding");
    assert_eq!(camera.title, "Sagt, die Kamera oder Webcam sei defekt");
    assert!(camera.explain.starts_with("Betrügerische IT-Kräfte"), "{}", camera.explain);
    assert!(camera.advice.as_deref().is_some_and(|a| a.starts_with("Lassen Sie den Videoschritt nicht aus")));
    assert_eq!(camera.evidence[0].text, "my webcam is broken", "evidence is the page's own text");
    assert_eq!(de.prompt.title, "Vor dem nächsten Schritt: Kamera-Verifizierung");
    assert_eq!(de.prompt.steps.len(), en.prompt.steps.len());
    assert!(de.prompt.steps[0].starts_with("Video ist Pflicht"));
    assert_eq!((de.candidates[0].level, de.candidates[0].score), (en.candidates[0].level, en.candidates[0].score));
}

#[test]
fn regional_and_unknown_locales_fall_back() {
    let rules = Compiler::with_builtin().build();
    let ch = Scanner::new(&rules).locale(Some("de-CH")).scan_text("t.txt", THREAD);
    assert_eq!(ch.locale.as_deref(), Some("de"), "de-CH falls back to de");
    let de = Scanner::new(&rules).locale(Some("de")).scan_text("t.txt", THREAD);
    let titles = |r: &candor::Report| r.candidates[0].findings.iter().map(|f| f.title.clone()).collect::<Vec<_>>();
    assert_eq!(titles(&ch), titles(&de));
    assert_eq!(ch.prompt.title, de.prompt.title);
    let fr = Scanner::new(&rules).locale(Some("fr")).scan_text("t.txt", THREAD);
    assert_eq!(fr.locale, None, "no French texts: the pack's own");
    assert_eq!(fr.prompt.title, "Before the next step: verify on camera");
    let bad = Scanner::new(&rules).locale(Some("not a tag")).scan_text("t.txt", THREAD);
    assert_eq!(bad.locale, None);
}

#[test]
fn a_teams_regional_translation_wins_text_by_text() {
    let pack = r#"{"candor_pack": 1, "id": "acme", "title": "Acme", "publisher": "Acme", "version": "1.0",
      "sources": {"A1": {"title": "Acme playbook", "publisher": "Acme"}},
      "rules": [{"id": "acme.gift-cards", "title": "Asks for gift cards", "family": "payment", "severity": "medium",
                 "pattern": "(?i)gift cards?", "explain": "Gift cards cannot be traced.", "advice": "Do not pay.", "sources": ["A1"]}],
      "translations": {"de": {"rules": {"acme.gift-cards": {"title": "Verlangt Geschenkkarten", "explain": "Geschenkkarten lassen sich nicht zurückverfolgen."}}},
                       "de-CH": {"rules": {"acme.gift-cards": {"title": "Verlangt Geschenkgutscheine"}}}}}"#;
    let mut c = Compiler::with_builtin();
    c.add_pack(pack).unwrap();
    let rules = c.build();
    assert!(rules.languages().contains(&"de-CH"));
    let thread = "Recruiter: hi\nSam: please pay me in gift cards\n";
    let find = |locale: Option<&str>| {
        let r = Scanner::new(&rules).locale(locale).scan_text("t.txt", thread);
        let f = r.candidates[0].findings.iter().find(|f| f.rule == "acme.gift-cards").unwrap().clone();
        (r.locale, f.title, f.explain, f.advice)
    };
    let (locale, title, explain, advice) = find(Some("de-CH"));
    assert_eq!(locale.as_deref(), Some("de-CH"));
    assert_eq!(title, "Verlangt Geschenkgutscheine");
    assert_eq!(explain, "Geschenkkarten lassen sich nicht zurückverfolgen.", "de-CH has no explanation: de's");
    assert_eq!(advice.as_deref(), Some("Do not pay."), "no German advice: the pack's own");
    assert_eq!(find(Some("de")).1, "Verlangt Geschenkkarten");
    assert_eq!(find(None).1, "Asks for gift cards");
}

#[test]
fn thresholds_change_the_level_not_the_score() {
    let rules = Compiler::with_builtin().build();
    let default = Scanner::new(&rules).scan_text("t.txt", THREAD);
    let c = &default.candidates[0];
    assert_eq!(c.level.as_str(), "high", "two strong families and {} points", c.score);
    let strict = Thresholds::new(c.score, c.score + 1).unwrap();
    let s = Scanner::new(&rules).thresholds(strict).scan_text("t.txt", THREAD);
    assert_eq!((s.candidates[0].level.as_str(), s.candidates[0].score), ("medium", c.score));
    assert_eq!(s.prompt.emphasis, "raised", "the prompt follows the level");
    let weak = "Recruiter: hi\nAlex: can we chat on Telegram instead?\n";
    let w = Scanner::new(&rules).scan_text("w.txt", weak);
    let wc = &w.candidates[0];
    assert!(wc.score > 0 && wc.families.len() == 1, "{wc:?}");
    let lax = Thresholds::new(1, 2).unwrap();
    let l = Scanner::new(&rules).thresholds(lax).scan_text("w.txt", weak);
    assert_eq!(l.candidates[0].level.as_str(), "medium", "one family never reaches high, whatever the cut-off");
}

#[test]
fn the_engines_own_evidence_details_follow_the_language() {
    let rules = Compiler::with_builtin().build();
    let thread = "Recruiter: hi\nAlex: please send the pay to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n";
    let detail = |locale: Option<&str>| {
        let r = Scanner::new(&rules).locale(locale).scan_text("c.txt", thread);
        let f = r.candidates[0].findings.iter().find(|f| f.rule == "SIG-44.crypto-address").expect("crypto finding").clone();
        (f.evidence[0].text.clone(), f.evidence[0].detail.clone())
    };
    assert_eq!(detail(None), ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa".into(), Some("Bitcoin address (checksum valid)".into())));
    assert_eq!(detail(Some("de-AT")), ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa".into(), Some("Bitcoin-Adresse (Prüfsumme gültig)".into())));
    assert_eq!(detail(Some("fr")).1.as_deref(), Some("Bitcoin address (checksum valid)"));
}
