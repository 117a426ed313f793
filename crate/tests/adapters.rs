//! Site-adapter mechanics with small inline packs: CSS and embedded-JSON fields, records, list
//! rows, job postings, fallbacks and pack overrides.

use candor::{Compiler, Report, Scanner};

const PACK: &str = r#"{
  "candor_pack": 1, "id": "test.sites", "title": "T", "publisher": "P", "version": "1.0",
  "sources": {"S1": {"title": "Src", "publisher": "Pub", "date": "2024"}},
  "sites": [{"id": "acme", "name": "Acme ATS", "hosts": ["ats.acme.test", "*.acmejobs.test"],
    "pages": [
      {"kind": "job_posting", "url": "^/jobs/"},
      {"kind": "candidate_list", "url": "^/pipeline", "rows": "li.applicant",
       "fields": {"name": ".who", "bio": ".note"}},
      {"kind": "candidate", "url": "^/people/(?P<id>\\d+)",
       "fields": {
         "name": "h1.name",
         "headline": {"script": "script#__NEXT_DATA__", "json": "props/person/headline"},
         "experience": {"script": "script#__NEXT_DATA__", "json": "props/person/jobs/*",
                        "fields": {"employer": "company", "title": "role"}},
         "contacts": {"selector": "a.mail", "attr": "href"},
         "bio": ".bio"}}]}],
  "rules": [{"id": "t.camera", "title": "camera", "family": "messaging", "severity": "high",
             "pattern": "(?i)camera is broken", "explain": "e", "sources": ["S1"]},
            {"id": "t.front", "title": "front", "family": "sanctions", "severity": "critical",
             "list": "fronts", "fields": ["experience.employer"], "explain": "e", "sources": ["S1"]}],
  "lists": {"fronts": {"entries": [{"value": "Shady Front Co", "note": "test entry"}]}}
}"#;

fn scan(url: &str, html: &str) -> Report {
    let mut c = Compiler::new();
    c.add_pack(PACK).unwrap();
    let rules = c.build();
    Scanner::new(&rules).scan_html("t", Some(url), html)
}

#[test]
fn candidate_page_reads_css_and_json_fields() {
    let html = r#"<html><body><h1 class=name>Pat  Doe</h1><a class=mail href="mailto:pat@x.test">mail</a>
      <p class=bio>Sorry, my camera is broken.</p>
      <script id="__NEXT_DATA__" type="application/json">{"props":{"person":{"headline":"Engineer",
        "jobs":[{"company":"Shady Front Co","role":"Dev"},{"company":"Fine Corp","role":"Lead"}]}}}</script>
      </body></html>"#;
    let r = scan("https://ats.acme.test/people/42", html);
    assert_eq!((r.site.as_str(), r.adapter.as_str(), r.page_kind.as_str()), ("acme", "acme", "candidate"));
    let c = &r.candidates[0];
    assert_eq!(c.name.as_deref(), Some("Pat Doe"));
    assert_eq!(c.profile_id.as_deref(), Some("42"));
    for f in ["name", "headline", "experience.employer", "experience.title", "contacts", "bio"] {
        assert!(c.fields.iter().any(|x| x == f), "missing {f}: {:?}", c.fields);
    }
    assert_eq!(c.level.as_str(), "critical");
    let front = c.findings.iter().find(|f| f.rule == "t.front").unwrap();
    assert_eq!(front.evidence[0].field, "experience.employer");
    assert!(front.evidence[0].path.is_none(), "JSON values have no element to highlight");
    assert!(front.evidence[0].detail.as_deref().unwrap().contains("test entry"));
}

#[test]
fn list_pages_give_one_candidate_per_row() {
    let html = r#"<html><body><ul>
      <li class=applicant><span class=who>Ann</span><p class=note>ok</p></li>
      <li class=applicant><span class=who>Bob</span><p class=note>my camera is broken</p></li>
      <li class=applicant></li></ul></body></html>"#;
    let r = scan("https://ats.acme.test/pipeline?job=7", html);
    let names: Vec<_> = r.candidates.iter().map(|c| c.name.clone().unwrap()).collect();
    assert_eq!(names, vec!["Ann", "Bob"]);
    assert_eq!(r.candidates[0].level.as_str(), "none");
    assert_eq!(r.candidates[1].findings[0].rule, "t.camera");
    assert!(r.candidates[1].anchor.is_some());
}

#[test]
fn job_postings_have_no_candidate() {
    let r = scan("https://foo.acmejobs.test/jobs/123", "<html><body><h1>Senior Engineer</h1><p>camera is broken</p></body></html>");
    assert_eq!(r.page_kind.as_str(), "job_posting");
    assert!(r.candidates.is_empty());
}

#[test]
fn unrecognised_pages_fall_back_to_generic_and_say_so() {
    let r = scan("https://ats.acme.test/people/42", "<html><body><h2>Layout changed</h2><p>camera is broken</p></body></html>");
    assert_eq!((r.site.as_str(), r.adapter.as_str()), ("acme", "generic"));
    assert!(r.notices.iter().any(|n| n.code == "N004"), "{:?}", r.notices);
    assert_eq!(r.candidates[0].findings[0].rule, "t.camera");
    let r = scan("https://ats.acme.test/settings", "<html><body><p>camera is broken</p></body></html>");
    assert_eq!(r.adapter, "generic");
}

#[test]
fn a_later_pack_replaces_a_site_adapter() {
    let fix = r#"{"candor_pack": 1, "id": "test.fix", "title": "T", "publisher": "P", "version": "1.1",
      "sites": [{"id": "acme", "name": "Acme ATS", "hosts": ["ats.acme.test"],
        "pages": [{"kind": "candidate", "url": "^/people/", "fields": {"name": "h2.new-name"}}]}]}"#;
    let mut c = Compiler::new();
    c.add_pack(PACK).unwrap();
    c.add_pack(fix).unwrap();
    let rules = c.build();
    let r = Scanner::new(&rules).scan_html("t", Some("https://ats.acme.test/people/1"), "<html><body><h2 class=new-name>Lee</h2></body></html>");
    assert_eq!(r.adapter, "acme");
    assert_eq!(r.candidates[0].name.as_deref(), Some("Lee"));
}

#[test]
fn canonical_link_picks_the_site_when_no_url_is_given() {
    let mut c = Compiler::new();
    c.add_pack(PACK).unwrap();
    let rules = c.build();
    let html = r#"<html><head><link rel="canonical" href="https://ats.acme.test/jobs/9"></head><body><h1>Job</h1></body></html>"#;
    let r = Scanner::new(&rules).scan_html("saved.html", None, html);
    assert_eq!((r.site.as_str(), r.page_kind.as_str()), ("acme", "job_posting"));
}

#[test]
fn hostile_markup_is_only_text() {
    let html = r#"<html><body><h1 class=name>&lt;img src=x onerror=alert(1)&gt;</h1><p class=bio><script>alert(1)</script>my camera is broken</p></body></html>"#;
    let r = scan("https://ats.acme.test/people/5", html);
    assert_eq!(r.candidates[0].name.as_deref(), Some("<img src=x onerror=alert(1)>"));
    // Deep nesting must not overflow the stack of the generic adapter.
    let deep = format!("<html><body>{}camera is broken{}</body></html>", "<div>".repeat(20_000), "</div>".repeat(20_000));
    let r = scan("https://elsewhere.test/", &deep);
    assert_eq!(r.adapter, "generic");
}

#[test]
fn list_names_match_across_wrapped_whitespace() {
    let html = "<html><body><h1 class=name>Kim</h1><script id=\"__NEXT_DATA__\" type=\"application/json\">{}</script>\
      <p class=bio>Previously at Shady\n      Front   Co, Ltd.</p></body></html>";
    let mut c = Compiler::new();
    c.add_pack(&PACK.replace("\"fields\": [\"experience.employer\"]", "\"fields\": [\"bio\"]")).unwrap();
    let rules = c.build();
    let r = Scanner::new(&rules).scan_html("t", Some("https://ats.acme.test/people/3"), html);
    let f = r.candidates[0].findings.iter().find(|f| f.rule == "t.front").expect("the wrapped name matches");
    assert_eq!(f.evidence[0].text, "Shady\n      Front   Co");
}

#[test]
fn recruiter_messages_never_score_the_candidate() {
    let pack = r#"{"candor_pack": 1, "id": "m", "title": "T", "publisher": "P", "version": "1",
      "sources": {"S1": {"title": "S", "publisher": "P"}},
      "sites": [{"id": "chat", "name": "Chat", "hosts": ["chat.test"], "pages": [{"kind": "candidate", "fields": {
        "name": "h1", "messages": {"selector": ".msg", "fields": {"author": ".from", "text": ".body"}}}}]}],
      "rules": [{"id": "m.laptop", "title": "t", "family": "logistics", "severity": "high", "pattern": "(?i)laptop", "explain": "e", "sources": ["S1"]}]}"#;
    let mut c = Compiler::new();
    c.add_pack(pack).unwrap();
    let rules = c.build();
    let html = r#"<html><body><h1>Dana Ortiz</h1>
      <div class=msg><b class=from>Recruiter Sam</b><p class=body>We ship the laptop to your ID address.</p></div>
      <div class=msg><b class=from>Dana Ortiz</b><p class=body>Thanks!</p></div></body></html>"#;
    let r = Scanner::new(&rules).scan_html("t", Some("https://chat.test/x"), html);
    assert_eq!(r.candidates[0].level.as_str(), "none", "{:?}", r.candidates[0].findings);
    let r = Scanner::new(&rules).scan_html("t", Some("https://chat.test/x"), &html.replace("Thanks!", "Please send the laptop to my cousin"));
    assert_eq!(r.candidates[0].findings[0].rule, "m.laptop");
}

/// The complete example in docs/rule-packs.md stays valid and does what the docs say.
#[test]
fn documented_example_pack_works() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/examples/acme-trust.json")).unwrap();
    assert!(candor::lint(&text).is_empty(), "{:?}", candor::lint(&text));
    let mut c = Compiler::with_builtin();
    c.add_pack(&text).unwrap();
    let rules = c.build();
    let html = r#"<html><body><h1 class=applicant-name>Robin Vale</h1><div id=resume-text>Backend engineer.</div>
      <div class=mail-thread><div class=mail><span class=from>Robin Vale</span><time>2026-11-02</time>
      <p class=body>Could the salary be paid in gift cards? My broker QC Settlements handles it.</p></div></div>
      <script id=acme-state type=application/json>{"applicant":{"fraudFlags":[{"label":"Duplicate phone"}]}}</script></body></html>"#;
    let r = Scanner::new(&rules).scan_html("t", Some("https://ats.acme.example/applicants/77"), html);
    let c = &r.candidates[0];
    let fired: Vec<&str> = c.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(fired.contains(&"acme.gift-card-pay") && fired.contains(&"acme.known-broker"), "{fired:?}");
    assert!(c.fields.contains(&"platform_flags".to_string()));
    let r = Scanner::new(&rules).scan_html("t", Some("https://ats.acme.example/careers/9"), html);
    assert!(r.candidates.is_empty());
}

#[test]
fn element_boundaries_separate_words_and_highlights_stay_exact() {
    let pack = r#"{"candor_pack": 1, "id": "tg", "title": "T", "publisher": "P", "version": "1",
      "sources": {"S1": {"title": "S", "publisher": "P"}},
      "sites": [{"id": "chat2", "name": "Chat", "hosts": ["chat2.test"], "pages": [
        {"kind": "no_candidate", "url": "^/$"},
        {"kind": "messages", "url": "^/c/", "fields": {"name": "h1", "messages": {"selector": ".m", "fields": {"text": ".t"}}}}]}],
      "rules": [{"id": "tg.broken", "title": "t", "family": "messaging", "severity": "high", "pattern": "(?i)\\bwebcam is broken\\b", "explain": "e", "sources": ["S1"]}]}"#;
    let mut c = Compiler::new();
    c.add_pack(pack).unwrap();
    let rules = c.build();
    let html = r#"<html><body><h1>Ana</h1><div class=m><div class=t>Sorry, my webcam is broken<span class=time>16:31</span></div></div></body></html>"#;
    let r = Scanner::new(&rules).scan_html("t", Some("https://chat2.test/c/1"), html);
    let f = &r.candidates[0].findings[0];
    assert_eq!(f.evidence[0].text, "webcam is broken");
    assert_eq!((f.evidence[0].start, f.evidence[0].end), (Some(10), Some(26)));
    // A known page with nobody on it: no candidate and no generic fallback.
    let r = Scanner::new(&rules).scan_html("t", Some("https://chat2.test/"), html);
    assert_eq!((r.adapter.as_str(), r.page_kind.as_str(), r.candidates.len()), ("chat2", "unknown", 0));
}

#[test]
fn saved_from_comments_are_read_by_the_library_too() {
    let rules = Compiler::with_builtin().build();
    let html = "<!-- saved from url=(0047)https://job-boards.greenhouse.io/acme/jobs/12 -->\n<html><body><h1>Engineer</h1></body></html>";
    assert_eq!(Scanner::new(&rules).scan_html("t", None, html).page_kind.as_str(), "job_posting");
}

#[test]
fn rules_can_be_disabled_by_id() {
    let mut c = Compiler::with_builtin();
    c.disable_rules(["SIG-39.camera-broken", "no.such.rule"]);
    let rules = c.build();
    let r = Scanner::new(&rules).scan_text("t.txt", "Alex: my webcam is broken");
    assert!(r.candidates[0].findings.iter().all(|f| f.rule != "SIG-39.camera-broken"));
    assert!(!rules.catalogue().iter().any(|r| r.id == "SIG-39.camera-broken"));
}

#[test]
fn fuzzy_list_catches_near_misses_of_sanctioned_names_but_not_ordinary_ones() {
    let pack = r#"{"candor_pack": 1, "id": "fz", "title": "T", "publisher": "P", "version": "1",
      "sources": {"S1": {"title": "S", "publisher": "P"}},
      "lists": {"fronts": {"entries": [{"value": "Yanbian Silverstar Network Technology Co., Ltd.", "aliases": ["China Silver Star"], "note": "OFAC SDN", "date": "2018-09-13"},
                                        {"value": "Volasys Silver Star"}]}},
      "rules": [{"id": "fz.front", "title": "t", "family": "sanctions", "severity": "high", "check": "fuzzy_list",
                 "params": {"list": "fronts", "threshold": 0.88}, "fields": ["experience.employer"], "explain": "e", "sources": ["S1"]}]}"#;
    let mut c = Compiler::new();
    c.add_pack(pack).unwrap();
    let rules = c.build();
    let scan = |employer: &str| {
        let html = format!("<html><body><h1>Pat</h1><div class=job><span class=co>{employer}</span></div></body></html>");
        let site = r#"{"candor_pack": 1, "id": "fzs", "title": "T", "publisher": "P", "version": "1",
          "sites": [{"id": "fzsite", "name": "S", "hosts": ["fz.test"], "pages": [{"kind": "candidate", "fields": {"name": "h1", "experience": {"selector": ".job", "fields": {"employer": ".co"}}}}]}]}"#;
        let mut c = Compiler::new();
        c.add_pack(pack).unwrap();
        c.add_pack(site).unwrap();
        let rules = c.build();
        Scanner::new(&rules).scan_html("t", Some("https://fz.test/p"), &html).candidates[0].findings.iter().map(|f| f.evidence[0].detail.clone().unwrap_or_default()).collect::<Vec<_>>()
    };
    let _ = rules;
    let hit = scan("Yanbian Silver Star Network Tech");
    assert_eq!(hit.len(), 1, "{hit:?}");
    assert!(hit[0].starts_with("resembles \"Yanbian Silverstar Network Technology Co., Ltd.\""), "{hit:?}");
    for ordinary in ["Silverline Software", "Star Technology Ltd", "Global IT Solutions LLC", "Google"] {
        assert!(scan(ordinary).is_empty(), "{ordinary}");
    }
}
