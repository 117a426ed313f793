//! The sanctions importer (`candor sanctions import`) and the fuzzy name matcher.
//!
//! Project-written samples in the OFAC and UN formats live in `tests/sanctions/`. The tests on
//! real data read `../shared/data/sanctions` (OFAC SDN 2024-05-03, alt/add 2025-12, UN 1718)
//! and skip when it is absent; nothing from there is copied into the repository.

use candor::sanctions::fuzzy::{best_match, jaro_winkler, name_similarity, normalize};
use candor::sanctions::{run_import, ImportArgs, ImportOutcome, SanctionsError};
use candor::{lint, Compiler, Scanner};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sanctions").join(name)
}

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/sanctions");
    if dir.join("sdn_2024-05-03.csv").is_file() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

fn tmp(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("candor-sanctions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn sample_args() -> ImportArgs {
    let mut a = ImportArgs::new(sample("sdn_sample.csv"));
    a.alt = Some(sample("alt_sample.csv"));
    a.add = Some(sample("add_sample.csv"));
    a
}

fn import(a: &ImportArgs) -> (ImportOutcome, Value) {
    let out = run_import(a).unwrap_or_else(|e| panic!("import failed: {e}"));
    let v: Value = serde_json::from_str(&out.pack_json).unwrap();
    (out, v)
}

/// Every value and alias of a list, lowercased.
fn names(pack: &Value, list: &str) -> Vec<String> {
    pack["lists"][list]["entries"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .flat_map(|e| std::iter::once(&e["value"]).chain(e["aliases"].as_array().into_iter().flatten()))
                .map(|v| v.as_str().unwrap().to_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

fn rule<'a>(pack: &'a Value, id: &str) -> &'a Value {
    pack["rules"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no rule {id}"))
}

// ---------------------------------------------------------------------------------------------
// The importer on project samples

#[test]
fn sample_import_builds_a_clean_pack() {
    let (out, pack) = import(&sample_args());
    assert!(lint(&out.pack_json).is_empty(), "{:?}", lint(&out.pack_json));
    assert_eq!(pack["candor_pack"], 1);
    assert_eq!(pack["id"], "sanctions.ofac-dprk");
    let version = pack["version"].as_str().unwrap();
    assert_eq!(version.split('.').count(), 3, "{version}");
    assert_eq!(pack["sources"]["OFAC-SDN"]["publisher"], "US Department of the Treasury, Office of Foreign Assets Control (OFAC)");

    let s = &out.summary;
    // Selected: 9345, 24977, 24978, 43377, 90001, 90002, 90003, 90005 (remark fallback), 90008,
    // 90009. Not: 90006 (SDNTK), 90007 (NPWMD only).
    assert_eq!(s.entries, 10, "{s:#?}");
    assert_eq!(s.remark_fallback, 1);
    assert_eq!(s.programs["DPRK2"], 3);
    assert_eq!(s.programs["DPRK4"], 4);
    // The short row in sdn.csv and the five-column row in add.csv.
    assert_eq!(s.skipped_rows, 2, "{:?}", s.skipped_row_details);
    assert!(s.skipped_row_details.iter().any(|r| r.file == "sdn_sample.csv" && r.line == 8 && r.reason.contains("4 columns")));
    // "NORTH KOREA" is only country words: the fairness guard refuses such list entries.
    assert!(s.skipped_names.iter().any(|n| n.name == "NORTH KOREA"), "{:?}", s.skipped_names);

    let entities = names(&pack, "ofac_dprk_entities");
    for want in [
        "yanbian silverstar network technology co., ltd",
        "yanbian silverstar network technology",
        "yanbian silver star",
        "china silver star internet technology company",
        "volasys silver star",
        "korea mining development trading corporation",
        "changgwang sinyong corporation",
        "truncated program kwangmyong trading company",
        "example front \"northstar\" software, llc",
        "example front general trading corporation",
        "multi-line name trading",
    ] {
        assert!(entities.contains(&want.to_string()), "missing {want} in {entities:?}");
    }
    for not in ["north korea", "komid", "silver star china", "ocean star 7", "not selected holdings", "unrelated cartel of somewhere s.a."] {
        assert!(!entities.contains(&not.to_string()), "{not} must not be a critical entity name");
    }
    let weak = names(&pack, "ofac_dprk_entities_weak");
    for want in ["komid", "silver star china", "ocean star 7", "office 77", "third floor", "rgb", "efs"] {
        assert!(weak.contains(&want.to_string()), "missing {want} in weak {weak:?}");
    }
    let people = names(&pack, "ofac_dprk_individuals");
    assert!(people.contains(&"kim sang man".to_string()) && people.contains(&"sang man kim".to_string()) && people.contains(&"kim sangman".to_string()), "{people:?}");

    let ids = names(&pack, "ofac_dprk_identifiers");
    for want in [
        "1d6gg9ikehpittcwrjiniuj1jym2hneafj",
        "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40",
        "sales@example-front.test",
        "example-front.test",
        "github.com/example-front-dev",
    ] {
        assert!(ids.contains(&want.to_string()), "missing {want} in {ids:?}");
    }
    assert!(!ids.contains(&"github.com".to_string()), "a bare shared host identifies nobody");
    assert!(!ids.iter().any(|i| i.starts_with("0x4f47")), "NPWMD-only entries are not selected by default");
    assert_eq!(s.identifiers_by_kind["digital_currency"], 2);
    assert_eq!(s.identifiers_by_kind["email"], 1);
    assert_eq!(s.identifiers_by_kind["website"], 2);
    let entries = pack["lists"]["ofac_dprk_identifiers"]["entries"].as_array().unwrap();
    let hex = entries.iter().find(|e| e["value"] == "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40").unwrap();
    assert_eq!(hex["note"], "ETH, USDT; KIM Sang Man (OFAC SDN 43377 [DPRK4])", "one entry, both currencies in the note");
    let xbt = entries.iter().find(|e| e["value"] == "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ").unwrap();
    assert!(xbt["note"].as_str().unwrap().starts_with("XBT;"));

    let yanbian = pack["lists"]["ofac_dprk_entities"]["entries"].as_array().unwrap().iter().find(|e| e["value"] == "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD").unwrap();
    assert_eq!(yanbian["note"], "OFAC SDN 24977 [DPRK3] [DPRK4]; Yanji, Jilin, China");

    // Rules: identifiers and entities critical; weak names and people shipped switched off.
    let id_rule = rule(&pack, "SIG-44.ofac_dprk.identifier");
    assert_eq!((id_rule["family"].as_str(), id_rule["severity"].as_str()), (Some("sanctions"), Some("critical")));
    assert!(id_rule.get("fields").is_none(), "identifiers are searched in every field");
    let ent = rule(&pack, "SIG-19.ofac_dprk.entity");
    assert_eq!(ent["severity"], "critical");
    let fields: Vec<&str> = ent["fields"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(fields, ["experience.employer", "experience", "bio", "text", "messages", "proposals", "reviews.client", "headline"]);
    assert!(ent.get("disabled").is_none());
    for id in ["SIG-19.ofac_dprk.individual", "SIG-19.ofac_dprk.entity-weak"] {
        let r = rule(&pack, id);
        assert_eq!(r["disabled"], true, "{id}");
        assert!(r["title"].as_str().unwrap().contains("off by default"), "{id}");
    }
    assert!(rule(&pack, "SIG-19.ofac_dprk.individual")["title"].as_str().unwrap().contains("weak: person-name screening, off by default"));
}

#[test]
fn the_generated_pack_fires_in_a_scan() {
    let (out, _) = import(&sample_args());
    let mut compiler = Compiler::with_builtin();
    compiler.add_pack(&out.pack_json).expect("the generated pack loads");
    let rules = compiler.build();
    let thread = "Recruiter: where did you work before?\n\
                  Alex: I was a senior developer at Yanbian Silverstar Network Technology Co., Ltd. for three years.\n\
                  Alex: please pay the invoice to 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ\n\
                  Alex: my old manager Kim Sang Man can give a reference\n\
                  Alex: I also did contract work on the Ocean Star 7 booking app\n";
    let report = Scanner::new(&rules).scan_text("t.txt", thread);
    let c = &report.candidates[0];
    let fired: Vec<&str> = c.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(fired.contains(&"SIG-19.ofac_dprk.entity"), "{fired:?}");
    assert!(fired.contains(&"SIG-44.ofac_dprk.identifier"), "{fired:?}");
    assert!(!fired.contains(&"SIG-19.ofac_dprk.individual"), "person-name screening is off by default: {fired:?}");
    assert!(!fired.contains(&"SIG-19.ofac_dprk.entity-weak"), "weak names are off by default: {fired:?}");
    assert_eq!(c.level.as_str(), "critical");
    let f = c.findings.iter().find(|f| f.rule == "SIG-19.ofac_dprk.entity").unwrap();
    let detail = f.evidence[0].detail.as_deref().unwrap();
    assert!(detail.contains("OFAC SDN 24977"), "{detail}");
}

#[test]
fn programs_and_prefix_are_honoured() {
    let mut a = sample_args();
    a.programs = vec!["DPRK4".into()];
    a.list_prefix = "acme_dprk4".into();
    let (out, pack) = import(&a);
    assert_eq!(pack["id"], "sanctions.acme-dprk4");
    // 24977, 24978, 43377, 90003 carry DPRK4; the fallback needs a cut column ("DPR" is a
    // prefix of DPRK4, so 90005 comes in through the remark).
    assert_eq!(out.summary.entries, 5, "{:?}", out.summary);
    assert!(pack["lists"]["acme_dprk4_entities"].is_object());
    assert!(rule(&pack, "SIG-19.acme_dprk4.entity").is_object());

    // The NKSR pseudo-program adds entries that carry the North Korea Sanctions Regulations
    // remark under another program (here an NPWMD-only bank with an ETH address).
    let mut a = sample_args();
    a.programs.push("NKSR".into());
    let (out, pack) = import(&a);
    assert_eq!(out.summary.programs["NKSR"], 1);
    assert!(names(&pack, "ofac_dprk_identifiers").contains(&"0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c".to_string()));

    let mut a = sample_args();
    a.programs = vec!["IRAN".into()];
    assert!(matches!(run_import(&a), Err(SanctionsError::NothingSelected { .. })));
    let mut a = sample_args();
    a.list_prefix = "Bad Prefix".into();
    assert!(matches!(run_import(&a), Err(SanctionsError::InvalidArgument(_))));
}

#[test]
fn un_lists_merge_in_xml_and_csv() {
    for file in ["un_sample.xml", "un_sample.csv"] {
        let mut a = sample_args();
        a.un = Some(sample(file));
        let (out, pack) = import(&a);
        let s = &out.summary;
        assert_eq!(s.un_entries, 3, "{file}: {s:?}");
        assert_eq!(s.un_merged, 1, "{file}: KOMID is on both lists");
        assert_eq!(s.entries, 12, "{file}");
        assert!(lint(&out.pack_json).is_empty());
        assert!(pack["sources"]["UN-1718"].is_object(), "{file}");
        let komid = pack["lists"]["ofac_dprk_entities"]["entries"].as_array().unwrap().iter().find(|e| e["value"] == "KOREA MINING DEVELOPMENT TRADING CORPORATION").unwrap();
        assert!(komid["note"].as_str().unwrap().contains("UN 1718 KPe.001 (listed 2009-04-24)"), "{file}: {komid}");
        assert!(names(&pack, "ofac_dprk_entities").contains(&"external technology general corporation".to_string()) || names(&pack, "ofac_dprk_entities_weak").contains(&"external technology general corporation".to_string()));
        let haedang = pack["lists"]["ofac_dprk_entities"]["entries"].as_array().unwrap().iter().find(|e| e["value"] == "SAMPLE HAEDANG SHIPPING & TRADING CO").unwrap();
        assert_eq!(haedang["date"], "2017-08-05", "{file}");
        assert!(names(&pack, "ofac_dprk_entities_weak").contains(&"haedang".to_string()), "{file}: a low-quality alias is weak");
        let people = names(&pack, "ofac_dprk_individuals");
        assert!(people.contains(&"ri won ho".to_string()) && people.contains(&"ri won-ho".to_string()), "{file}: {people:?}");
        assert!(!people.contains(&"ri".to_string()), "{file}: one-word person names are left out");
        if file.ends_with(".csv") {
            assert_eq!(s.skipped_rows, 3, "{file}: {:?}", s.skipped_row_details);
        } else {
            assert_eq!(pack["sources"]["UN-1718"]["date"], "2026-02-27");
        }
    }
}

#[test]
fn truncated_remarks_and_the_comments_file() {
    // OFAC's legacy CSV cuts remarks at 1,000 characters; sdn_comments.csv holds the rest.
    let b = "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; ";
    let mut remarks = b.to_string();
    let addrs = ["1Kc6egXevyLEaeTxLFA1Zyw7GuhCN8jQtt", "12w6v1qAaBc4W8h8C2Cu5SKFaKDSv3erUW", "1CPJak9ZyddbawMGJPyEhCiJLXXb4sYv8N"];
    let mut i = 0;
    while remarks.len() < 1100 {
        remarks.push_str(&format!("alt. Digital Currency Address - XBT {}; ", addrs[i % 3]));
        remarks.push_str(&format!("a.k.a. 'FILLER NAME {i}'; "));
        i += 1;
    }
    remarks.push_str("Digital Currency Address - XBT 1MkCnCa9agS5t6V1B15bzusBgYECB4LfWp.");
    let (head, tail) = remarks.split_at(1000);
    let sdn = format!("77001,\"LONG REMARKS TRADING GROUP\",-0- ,\"DPRK3\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"{head}\"\r\n");
    let comments = format!("77001,\"{tail}\"\r\n");
    let sdn_path = tmp("long_sdn.csv", sdn.as_bytes());
    let (out, pack) = import(&ImportArgs::new(&sdn_path));
    assert_eq!(out.summary.truncated_remarks, vec!["LONG REMARKS TRADING GROUP (SDN 77001)"]);
    assert!(!names(&pack, "ofac_dprk_identifiers").contains(&"1mkcnca9ags5t6v1b15bzusbgyecb4lfwp".to_string()));
    let mut a = ImportArgs::new(&sdn_path);
    a.comments = Some(tmp("long_comments.csv", comments.as_bytes()));
    let (out, pack) = import(&a);
    assert!(out.summary.truncated_remarks.is_empty());
    let ids = names(&pack, "ofac_dprk_identifiers");
    assert!(ids.contains(&"1mkcnca9ags5t6v1b15bzusbgyecb4lfwp".to_string()), "{ids:?}");
    assert_eq!(ids.len(), 4);
}

#[test]
fn bad_input_is_an_error_or_a_counted_row_never_a_panic() {
    let missing = ImportArgs::new("/nonexistent/sdn.csv");
    let e = run_import(&missing).unwrap_err();
    assert!(matches!(e, SanctionsError::Read { .. }) && e.to_string().contains("cannot read /nonexistent/sdn.csv"), "{e}");

    let empty = ImportArgs::new(tmp("empty.csv", b"\r\n\x1a"));
    assert!(matches!(run_import(&empty), Err(SanctionsError::Empty { .. })));

    // alt.csv given as the SDN file: every row has 5 columns.
    let e = run_import(&ImportArgs::new(sample("alt_sample.csv"))).unwrap_err();
    assert!(matches!(e, SanctionsError::Format { .. }) && e.to_string().contains("12 columns"), "{e}");

    let e = run_import(&ImportArgs::new(tmp("open.csv", b"1,\"never closed,x\r\n2,3\r\n"))).unwrap_err();
    assert!(e.to_string().contains("unterminated quoted field starting at line 1"), "{e}");

    let e = run_import(&ImportArgs::new(tmp("utf16.csv", &[0xff, 0xfe, b'1', 0, b',', 0]))).unwrap_err();
    assert!(matches!(e, SanctionsError::NotUtf8 { .. }), "{e}");

    // A Latin-1 file: most rows unusable → an error that says so.
    let latin1 = b"1,\"CAF\xc9 DU NORD\",-0- ,\"DPRK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n2,\"SOCI\xc9T\xc9\",-0- ,\"DPRK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
    let e = run_import(&ImportArgs::new(tmp("latin1.csv", latin1))).unwrap_err();
    assert!(matches!(e, SanctionsError::NotUtf8 { .. }) && e.to_string().contains("Latin-1"), "{e}");

    // One bad byte among good rows: that row is skipped and counted.
    let mut mixed = std::fs::read(sample("sdn_sample.csv")).unwrap();
    mixed.extend_from_slice(b"3,\"BAD \xff BYTE TRADING\",-0- ,\"DPRK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
    let out = run_import(&ImportArgs::new(tmp("mixed.csv", &mixed))).unwrap();
    assert!(out.summary.skipped_row_details.iter().any(|r| r.reason == "not valid UTF-8"), "{:?}", out.summary.skipped_row_details);

    // Optional files are checked the same way.
    let mut a = sample_args();
    a.alt = Some(tmp("alt_is_sdn.csv", &std::fs::read(sample("sdn_sample.csv")).unwrap()));
    assert!(matches!(run_import(&a), Err(SanctionsError::Format { .. })));
    let mut a = sample_args();
    a.un = Some(tmp("un.xml", b"<html><body>not the UN list</body></html>"));
    assert!(matches!(run_import(&a), Err(SanctionsError::Format { .. })));
    let mut a = sample_args();
    a.un = Some(tmp("un.csv", b"a,b,c\r\n1,2,3\r\n"));
    let e = run_import(&a).unwrap_err();
    assert!(e.to_string().contains("reference_number"), "{e}");

    // Garbage never panics.
    for (i, junk) in [&b"\"\"\"\""[..], b",,,,,,,,,,,\n", b"\x00\x01\x02", b"<?xml", b"1,2\n\"a\"\"b\",c"].iter().enumerate() {
        let _ = run_import(&ImportArgs::new(tmp(&format!("junk{i}.csv"), junk)));
        let mut a = sample_args();
        a.un = Some(tmp(&format!("junk{i}.xml"), junk));
        let _ = run_import(&a);
    }
}

// ---------------------------------------------------------------------------------------------
// Real data (skipped when ../shared is absent)

#[test]
fn real_ofac_import() {
    let Some(d) = shared() else { return };
    let mut a = ImportArgs::new(d.join("sdn_2024-05-03.csv"));
    a.alt = Some(d.join("alt_2025-12.csv"));
    a.add = Some(d.join("add_2025-12.csv"));
    let (out, pack) = import(&a);
    let s = &out.summary;
    eprintln!(
        "real OFAC import: {} entries, {} aliases, lists {:?}, identifiers {:?}, programs {:?}, {} weak names, {} skipped names, {} skipped rows, truncated remarks {:?}",
        s.entries, s.aliases, s.lists, s.identifiers_by_kind, s.programs, s.weak_names, s.skipped_names.len(), s.skipped_rows, s.truncated_remarks
    );
    // README: 484 entries carry a DPRK* tag (DPRK2 111, DPRK 57, DPRK3 147, DPRK4 174,
    // DPRK-NKSPEA 2).
    assert_eq!(s.entries, 484);
    for (tag, n) in [("DPRK", 57), ("DPRK2", 111), ("DPRK3", 147), ("DPRK4", 174), ("DPRK-NKSPEA", 2)] {
        assert_eq!(s.programs[tag], n, "{tag}");
    }
    assert_eq!(s.skipped_rows, 0, "{:?}", s.skipped_row_details);
    assert_eq!(s.remark_fallback, 0);
    assert_eq!(s.sdn_date.as_deref(), Some("2024-05-03"));
    assert_eq!(pack["sources"]["OFAC-SDN"]["date"], "2024-05-03");
    assert!(lint(&out.pack_json).is_empty(), "{:?}", lint(&out.pack_json));
    assert!(names(&pack, "ofac_dprk_entities").contains(&"yanbian silverstar network technology co., ltd".to_string()));
    let ids = names(&pack, "ofac_dprk_identifiers");
    assert!(ids.contains(&"1d6gg9ikehpittcwrjiniuj1jym2hneafj".to_string()));
    // Signals-and-anchors §3.1: e-mails on 6 DPRK entries, digital-currency addresses on 8.
    assert_eq!(s.identifiers_by_kind["email"], 25);
    assert!(s.identifiers_by_kind["digital_currency"] >= 60);
    // Remarks cut at 1,000 characters without sdn_comments.csv (Lazarus Group, Tornado Cash, …).
    assert_eq!(s.truncated_remarks.len(), 7);
    // The IT-worker fronts of the 2018-2024 designations are critical entity names.
    let entities = names(&pack, "ofac_dprk_entities");
    for front in ["volasys silver star", "chinyong information technology cooperation company", "jinyong it cooperation company", "limited liability company alis", "pioneer bencont star real estate"] {
        assert!(entities.contains(&front.to_string()), "{front}");
    }
    // Generic government and shipping names are weak, not critical.
    for generic in ["ministry of public security", "ministry of labor", "first credit bank", "agricultural development bank", "liberty shipping co ltd", "patriot", "sevastopol"] {
        assert!(!entities.contains(&generic.to_string()), "{generic} must not be a critical name");
    }
    // The pack loads and the compiler accepts every list entry (fairness guard included).
    let mut c = Compiler::with_builtin();
    c.add_pack(&out.pack_json).expect("loads");
}

#[test]
fn real_un_import() {
    let Some(d) = shared() else { return };
    let mut a = ImportArgs::new(d.join("sdn_2024-05-03.csv"));
    a.alt = Some(d.join("alt_2025-12.csv"));
    a.add = Some(d.join("add_2025-12.csv"));
    a.un = Some(d.join("un_1718_dprk.csv"));
    let (out, _) = import(&a);
    let s = &out.summary;
    eprintln!("real UN import: {} UN entries, {} merged into SDN entries, {} entries in all, {} skipped rows", s.un_entries, s.un_merged, s.entries, s.skipped_rows);
    assert_eq!(s.un_entries, 155);
    assert_eq!(s.entries, 484 + 155 - s.un_merged);
    assert!(s.un_merged > 60, "most UN 1718 entries are also on the SDN list: {}", s.un_merged);
    assert!(lint(&out.pack_json).is_empty(), "{:?}", lint(&out.pack_json));
}

// ---------------------------------------------------------------------------------------------
// Fuzzy matching

#[test]
fn fuzzy_true_matches() {
    let cases = [
        ("Yanbian Silverstar", "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD", 0.9),
        ("Yanbian Silver Star Network Technology", "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD", 0.9),
        ("Silver Star China", "China Silver Star", 0.99),
        ("Volasys Silver Star", "VOLASYS SILVER STAR", 0.99),
        ("Volasys Silverstar LLC", "VOLASYS SILVER STAR", 0.9),
        ("Chinyong IT Cooperation Co.", "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY", 0.9),
        ("Korea Osong Shipping", "KOREA OSONG SHIPPING CO", 0.95),
        ("Société Générale", "SOCIETE GENERALE", 0.99),
        ("Alis LLC", "ALIS LLC", 0.99),
    ];
    for (a, b, min) in cases {
        let s = name_similarity(a, b);
        println!("{a:45} ~ {b:55} {s:.3}");
        assert!(s >= min, "{a} ~ {b}: {s:.3} < {min}");
        assert!((s - name_similarity(b, a)).abs() < 0.02, "roughly symmetric: {a} / {b}");
    }
}

#[test]
fn fuzzy_false_matches_stay_low() {
    let dprk_entities = dprk_entity_names();
    let candidates: Vec<&str> = dprk_entities.iter().map(String::as_str).collect();
    for query in ["Belletech Corp", "Star Technology Ltd", "Global IT Solutions LLC", "Silverline Software"] {
        let best = candidates.iter().map(|c| (*c, name_similarity(query, c))).max_by(|x, y| x.1.total_cmp(&y.1)).unwrap();
        println!("{query:30} best {:55} {:.3}", best.0, best.1);
        assert!(best.1 < 0.75, "{query} ~ {}: {:.3}", best.0, best.1);
    }
    for (a, b) in [
        ("Emma LLC", "Emma Daniels"),
        ("Korea Telecom", "Korea Osong Shipping"),
        ("Alice Johnson", "Alis LLC"),
        ("Belletech Corp", "Acme Corp"),
        ("Hana Bank", "HANA BANKING"),
        ("Global IT Solutions LLC", "Global IT Solutions LLC"),
    ] {
        let s = name_similarity(a, b);
        println!("{a:30} ~ {b:30} {s:.3}");
        assert!(s < 0.88, "{a} ~ {b}: {s:.3}");
        if a != "Hana Bank" {
            assert!(s < 0.75, "{a} ~ {b}: {s:.3}");
        }
    }
    assert_eq!(best_match("Belletech Corp", candidates.iter().copied(), 0.75), None);
    let hit = best_match("Yanbian Silverstar", candidates.iter().copied(), 0.88).expect("a match");
    assert!(hit.0.to_uppercase().contains("YANBIAN"), "{hit:?}");
}

/// Entity (not individual) names and aliases: from the real SDN import when the shared data is
/// present, else from the project sample.
fn dprk_entity_names() -> Vec<String> {
    let a = match shared() {
        Some(d) => {
            let mut a = ImportArgs::new(d.join("sdn_2024-05-03.csv"));
            a.alt = Some(d.join("alt_2025-12.csv"));
            a
        }
        None => sample_args(),
    };
    let (_, pack) = import(&a);
    let mut v = names(&pack, "ofac_dprk_entities");
    v.extend(names(&pack, "ofac_dprk_entities_weak"));
    v.sort();
    v.dedup();
    v
}

/// 200 ordinary employers: well-known companies in the countries remote developers apply from,
/// and plausible small agencies, some chosen to share a word with a listed name (Silver Star,
/// Patriot, Koryo, Hana, Daesung, Ocean, Liberty, Pioneer…).
const ORDINARY_COMPANIES: &[&str] = &[
    // well-known
    "Google LLC", "Microsoft Corporation", "Amazon Web Services", "Apple Inc.", "Meta Platforms", "Netflix",
    "Accenture", "Infosys Limited", "Tata Consultancy Services", "Wipro Technologies", "HCL Technologies",
    "Tech Mahindra", "EPAM Systems", "Globant", "Luxoft", "Grid Dynamics", "SoftServe", "Endava", "Toptal",
    "Upwork Global Inc.", "Samsung Electronics", "LG Electronics", "Hyundai Motor Company", "Kakao Corp",
    "Naver Corporation", "Coupang", "SK Telecom", "KT Corporation", "Korea Telecom", "Hana Bank", "Shinhan Bank",
    "Daesung Group", "Hanwha Systems", "Kumho Tire", "Daewoo Engineering & Construction", "Alibaba Group",
    "Tencent Holdings", "Baidu Inc.", "Huawei Technologies Co., Ltd.", "Xiaomi Corporation", "ByteDance",
    "JD.com", "Yandex", "Kaspersky Lab", "Sber", "VK Company", "Tinkoff Bank", "Ozon Holdings", "Wildberries",
    "Sea Limited", "Grab Holdings", "Gojek", "Tokopedia", "FPT Software", "VNG Corporation", "Viettel Group",
    "Rakuten Group", "Sony Group Corporation", "Fujitsu Limited", "NEC Corporation", "Hitachi Vantara",
    "Shopify", "Stripe, Inc.", "PayPal Holdings", "Block, Inc.", "Coinbase Global", "Binance", "Kraken",
    "Chainalysis", "Consensys Software", "Uniswap Labs", "OpenSea", "GitLab Inc.", "Atlassian", "Canva",
    "Spotify Technology", "Klarna Bank", "Revolut Ltd", "N26 GmbH", "SAP SE", "Siemens AG", "Bosch Global Software",
    "Deloitte Consulting", "PwC", "KPMG", "Ernst & Young", "IBM", "Oracle Corporation", "Salesforce",
    "Adobe Inc.", "Intel Corporation", "NVIDIA", "Advanced Micro Devices", "Qualcomm", "Cisco Systems",
    "Dell Technologies", "HP Inc.", "Lenovo Group", "Asus", "Acer Inc.", "Foxconn", "TSMC", "MediaTek",
    "Koryo Tours", "Air China", "China Telecom", "China Mobile", "China Unicom", "Bank of China",
    "Agricultural Bank of China", "Industrial and Commercial Bank of China", "Mitsubishi UFJ",
    // plausible small agencies and freelancers' companies
    "Silverline Software", "Silver Star Studio", "Silver Star Consulting LLC", "Star Technology Ltd",
    "Star Bridge Consulting", "Lucky Star Media", "Orion Star Software", "North Star Digital", "Bright Star Apps",
    "Gold Star Web Services", "Blue Pine Digital", "Green Pine Solutions", "Pine Ridge Software", "Ocean View Labs",
    "Ocean Blue Tech", "Pacific Ocean Systems", "Liberty IT Services", "Liberty Software Group", "Patriot Software LLC",
    "Patriot Web Design", "Pioneer Tech Solutions", "Pioneer Digital Agency", "Apollo Digital Agency",
    "Neptune Systems", "Bella Vista Web Design", "Victory Apps", "Dawnlight Studio", "Falcon International",
    "Phoenix Code Works", "Dragon Soft", "Tiger Lab Studio", "Eagle Eye Analytics", "Crown Data Services",
    "Diamond Web Solutions", "Crystal Clear Code", "Harmony Health Tech", "Horizon Cloud Consulting",
    "Summit Dev Partners", "Everest Software House", "Nordic Pixel", "Baltic Web Works", "Carpathian Code",
    "Danube Data Lab", "Andes Digital", "Sahara Tech Hub", "Nile Software Solutions", "Lagos Devs Collective",
    "Kampala Code Studio", "Nairobi Tech Ventures", "Bangalore Web Services", "Pune Software Labs",
    "Hyderabad Cloud Solutions", "Manila Outsourcing Group", "Cebu Creative Agency", "Hanoi Code Factory",
    "Saigon Dev House", "Dhaka Digital", "Karachi Software House", "Lahore Tech Solutions", "Kyiv Dev Studio",
    "Lviv Software Group", "Minsk Code Lab", "Tbilisi Web Agency", "Yerevan Software", "Almaty Tech",
    "Bishkek Digital", "Tashkent Software House", "Ulaanbaatar Web", "Seoul Digital Agency", "Busan Web Studio",
    "Jeju Software", "Shenzhen Smart Devices", "Shenyang Software Park", "Dalian Hi-Think Computer",
    "Yanji Travel Agency", "Vladivostok Web Studio", "Dandong Trading Partners", "Pyongtaek Logistics",
    "Kumsan Media", "Chollima Fitness", "Mansu Bakery", "Alisa Design", "Alis Consulting", "Emma Daniels Design",
    "Belletech Corp", "Global IT Solutions LLC", "Acme Corp", "Stark Industries",
];

#[test]
fn false_positive_rate_on_ordinary_companies() {
    assert_eq!(ORDINARY_COMPANIES.len(), 200);
    let dprk_all = dprk_entity_names();
    // The critical list alone (what the enabled entity rule uses).
    let dprk_strong: Vec<String> = {
        let a = match shared() {
            Some(d) => {
                let mut a = ImportArgs::new(d.join("sdn_2024-05-03.csv"));
                a.alt = Some(d.join("alt_2025-12.csv"));
                a
            }
            None => sample_args(),
        };
        names(&import(&a).1, "ofac_dprk_entities")
    };
    // The best candidate of each list for each company, computed once.
    let best = |list: &[String]| -> Vec<Option<(String, f64)>> {
        ORDINARY_COMPANIES.iter().map(|q| best_match(q, list.iter().map(String::as_str), 0.0).map(|(c, s)| (c.to_string(), s))).collect()
    };
    let (best_strong, best_all) = (best(&dprk_strong), best(&dprk_all));
    for threshold in [0.80, 0.85, 0.88, 0.90, 0.95] {
        let hits = |bests: &[Option<(String, f64)>]| -> Vec<String> {
            ORDINARY_COMPANIES
                .iter()
                .zip(bests)
                .filter_map(|(q, b)| b.as_ref().filter(|(_, s)| *s >= threshold).map(|(c, s)| format!("{q} ~ {c} ({s:.3})")))
                .collect()
        };
        let (hits_strong, hits_all) = (hits(&best_strong), hits(&best_all));
        println!(
            "threshold {threshold:.2}: {}/200 false positives against {} critical entity names; {}/200 against all {} entity, vessel and weak names",
            hits_strong.len(),
            dprk_strong.len(),
            hits_all.len(),
            dprk_all.len()
        );
        for h in &hits_all {
            println!("    {h}{}", if hits_strong.contains(h) { "  [critical list]" } else { "" });
        }
        if threshold == 0.88 {
            assert!(hits_strong.is_empty(), "false positives at 0.88 against the critical list: {hits_strong:?}");
        }
    }
    // For comparison: plain Jaro-Winkler over the whole normalised names, as the screeners in
    // signals-and-anchors §2.3 started out.
    let norm: Vec<String> = dprk_all.iter().map(|n| normalize(n)).collect();
    let whole: Vec<(String, f64)> = ORDINARY_COMPANIES
        .iter()
        .map(|q| {
            let q = normalize(q);
            norm.iter().map(|c| (c.clone(), jaro_winkler(&q, c))).max_by(|x, y| x.1.total_cmp(&y.1)).unwrap()
        })
        .collect();
    for threshold in [0.88, 0.90, 0.95] {
        let n = whole.iter().filter(|(_, s)| *s >= threshold).count();
        println!("baseline, whole-name Jaro-Winkler at {threshold:.2}: {n}/200 false positives against all {} names", norm.len());
    }
    for (q, (c, s)) in ORDINARY_COMPANIES.iter().zip(&whole).filter(|(_, (_, s))| *s >= 0.88).take(12) {
        println!("    {q} ~ {c} ({s:.3})");
    }
}
