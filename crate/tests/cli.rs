//! The `candor` binary: exit codes, output formats and error messages.

use std::process::{Command, Output};

fn candor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_candor")).args(args).output().expect("run candor")
}

fn tmp(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("candor-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn scan_json_has_the_documented_shape() {
    let thread = tmp("t.txt", "Recruiter: can we do a video call?\nAlex: my webcam is broken, let's keep to chat\nAlex: also please pay me in USDT only\n");
    let out = candor(&["scan", &thread, "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["reports"][0];
    assert_eq!(r["page_kind"], "messages");
    let c = &r["candidates"][0];
    assert_eq!(c["name"], "Alex");
    for key in ["level", "score", "findings"] {
        assert!(c.get(key).is_some(), "missing {key}");
    }
    let f = &c["findings"][0];
    for key in ["rule", "family", "severity", "title", "evidence", "sources"] {
        assert!(f.get(key).is_some(), "finding missing {key}");
    }
    assert!(f["evidence"][0].get("field").is_some() && f["evidence"][0].get("text").is_some());
    assert!(["none", "low", "medium", "high", "critical"].contains(&c["level"].as_str().unwrap()));
}

#[test]
fn scan_text_output_and_fail_on() {
    let thread = tmp("f.txt", "Alex: my webcam is broken\n");
    let out = candor(&["scan", &thread]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Alex"), "{stdout}");
    assert!(stdout.contains("Verify on camera") || stdout.contains("camera"), "{stdout}");
    let out = candor(&["scan", &thread, "--fail-on", "low"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unreadable_file_is_a_clear_error() {
    let out = candor(&["scan", "/nonexistent/page.html"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("candor: error: cannot read /nonexistent/page.html"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let out = candor(&["scan", "--frobnicate", "x.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--frobnicate'"));
}

#[test]
fn broken_pack_stops_the_scan() {
    let pack = tmp("bad.json", "{\"candor_pack\": 1, \"id\": \"x\"");
    let page = tmp("p.txt", "Alex: hi");
    let out = candor(&["scan", &page, "--pack", &pack]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("E001") && err.contains("nothing from it was loaded"), "{err}");
}

#[test]
fn lint_exit_codes_and_json() {
    let good = candor(&["lint", concat!(env!("CARGO_MANIFEST_DIR"), "/packs/builtin.json")]);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stdout));
    let bad = tmp("dup.json", r#"{"candor_pack": 1, "id": "t", "title": "T", "publisher": "P", "version": "1",
  "sources": {"S": {"title": "t", "publisher": "p"}},
  "rules": [{"id": "a", "title": "t", "family": "payment", "severity": "low", "explain": "e", "sources": ["S"], "pattern": "abc"},
            {"id": "a", "title": "t", "family": "payment", "severity": "low", "explain": "e", "sources": ["S"], "pattern": "abd"}]}"#);
    let out = candor(&["lint", &bad, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["code"], "E006");
    assert_eq!(v[0]["pointer"], "/rules/1/id");
    assert_eq!(v[0]["line"], 4);
    assert!(v[0]["column"].as_u64().unwrap() > 1);
    let text = candor(&["lint", &bad]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("dup.json:4:"), "{}", String::from_utf8_lossy(&text.stdout));
}

#[test]
fn help_and_version() {
    let out = candor(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("scan") && help.contains("lint"));
    let out = candor(&["--version"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("candor "));
}

#[test]
fn saved_from_comment_picks_the_site() {
    let page = tmp("saved.html", "<!-- saved from url=(0047)https://job-boards.greenhouse.io/acme/jobs/12 -->\n<html><body><h1>Engineer</h1></body></html>");
    let out = candor(&["scan", &page, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reports"][0]["page_kind"], "job_posting", "{v}");
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    use std::io::Read;
    use std::process::Stdio;
    let big = tmp("big.txt", &"Alex: my webcam is broken\n".repeat(2000));
    let mut child = Command::new(env!("CARGO_BIN_EXE_candor")).args(["scan", &big, &big, &big, "--format", "json"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped here: the pipe closes while candor is still writing.
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(status.code().is_some(), "killed by a signal rather than exiting");
}

#[test]
fn a_pack_with_a_loaded_id_replaces_it() {
    let pack = concat!(env!("CARGO_MANIFEST_DIR"), "/packs/builtin.json");
    let page = tmp("r.txt", "Alex: my webcam is broken\n");
    let out = candor(&["scan", &page, "--pack", pack, "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn files_of_one_run_are_compared_for_persona_reuse() {
    let a = tmp("pa.txt", "Recruiter: hi\nKevin Ross: reach me at kevin.ross.dev@gmail.com\n");
    let b = tmp("pb.txt", "Recruiter: hi\nDaniel Hart: sure, email kevinrossdev+jobs@gmail.com\n");
    let out = candor(&["scan", &a, &b, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let second = &v["reports"][1]["candidates"][0];
    assert_eq!(second["findings"][0]["rule"], "SIG-08.persona-reuse", "{second}");
    let detail = second["findings"][0]["evidence"][0]["detail"].as_str().unwrap();
    assert!(detail.starts_with("seen as Kevin Ross on generic,") && detail.ends_with("the same email"), "{detail}");
    assert!(v["reports"][0]["candidates"][0].get("persona").is_none(), "fingerprints are not printed");
    let out = candor(&["scan", &a, &b, "--format", "json", "--lang", "de"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let detail = v["reports"][1]["candidates"][0]["findings"][0]["evidence"][0]["detail"].as_str().unwrap();
    assert!(detail.starts_with("gesehen als Kevin Ross auf generic,") && detail.ends_with("dieselbe E-Mail-Adresse"), "{detail}");
    let out = candor(&["scan", &a, &b, "--format", "json", "--no-memory"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reports"][1]["candidates"][0]["level"], "none");
}

#[test]
fn candor_test_runs_a_teams_cases() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/examples");
    let out = candor(&["test", &format!("{root}/acme-trust.json"), &format!("{root}/acme-cases")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("test applicant-gift-cards ... ok") && stdout.trim_end().ends_with("3 passed, 0 failed"), "{stdout}");
    // A wrong expectation fails with the reason and exit code 1.
    let dir = std::env::temp_dir().join(format!("candor-cases-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(format!("{root}/acme-cases/applicant-gift-cards.html"), dir.join("a.html")).unwrap();
    std::fs::write(dir.join("a.expect.json"), r#"{"url": "https://ats.acme.example/applicants/77", "candidates": [{"level": "none", "silent": ["acme.known-broker"]}]}"#).unwrap();
    let out = candor(&["test", &format!("{root}/acme-trust.json"), dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("test a ... FAILED") && stdout.contains("must not fire") && stdout.contains("0 passed, 1 failed"), "{stdout}");
}

#[test]
fn bulk_scan_of_a_directory_and_an_ats_export_with_csv_and_summary() {
    let dir = std::env::temp_dir().join(format!("candor-bulk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("threads")).unwrap();
    std::fs::write(dir.join("threads/a.txt"), "Recruiter: hi\nAlex: my webcam is broken, chat only\n").unwrap();
    std::fs::write(dir.join("threads/b.txt"), "Recruiter: hi\nBea: happy to do a video call tomorrow\n").unwrap();
    std::fs::write(dir.join("harvest.json"), r#"[{"id": 7, "first_name": "Ana", "last_name": "Lima, Jr.", "email_addresses": [{"value": "ana@example.com"}],
      "applications": [{"answers": [{"question": "Notes", "answer": "Please pay me in USDT, and my webcam is broken"}]}]}]"#).unwrap();
    let csv = dir.join("out.csv");
    let summary = dir.join("summary.json");
    let out = candor(&["scan", dir.to_str().unwrap(), "--csv", csv.to_str().unwrap(), "--summary", summary.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "source,site,page_kind,candidate,profile_id,level,score,families,rules,url");
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines.iter().any(|l| l.contains(",greenhouse,candidate_list,\"Ana Lima, Jr.\",7,high,")), "CSV quoting: {csv}");
    let s: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
    assert_eq!((s["files"].as_u64(), s["candidates"].as_u64()), (Some(3), Some(3)));
    assert_eq!(s["levels"]["high"], 1);
    assert_eq!(s["high_or_critical"][0]["candidate"], "Ana Lima, Jr.");
    // A file that is not an export is an error, reported after the others are scanned.
    std::fs::write(dir.join("other.json"), r#"{"hello": "world"}"#).unwrap();
    let out = candor(&["scan", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Greenhouse, Lever or Ashby candidate export"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Ana Lima"));
}

#[test]
fn scan_in_german_with_other_thresholds() {
    let thread = tmp("de.txt", "Recruiter: can we do a video call?\nAlex: my webcam is broken, let's keep to chat\nAlex: also please pay me in USDT only\n");
    let out = candor(&["scan", &thread, "--format", "json", "--lang", "de"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["reports"][0];
    assert_eq!(r["locale"], "de");
    assert_eq!(r["prompt"]["title"], "Vor dem nächsten Schritt: Kamera-Verifizierung");
    let camera = r["candidates"][0]["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "SIG-39.camera-broken").unwrap();
    assert_eq!(camera["title"], "Sagt, die Kamera oder Webcam sei defekt");
    assert_eq!(r["candidates"][0]["level"], "high");
    let text = candor(&["scan", &thread, "--lang", "de-CH"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Kamera-Verifizierung"), "{}", String::from_utf8_lossy(&text.stdout));
    let english = candor(&["scan", &thread, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&english.stdout).unwrap();
    assert!(v["reports"][0]["locale"].is_null(), "no --lang: the packs' own texts");
    // The same findings with a higher cut-off for high: medium, with the same score.
    let score = v["reports"][0]["candidates"][0]["score"].as_u64().unwrap();
    let high_at = (score + 1).to_string();
    let out = candor(&["scan", &thread, "--format", "json", "--high-at", &high_at, "--fail-on", "high"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reports"][0]["candidates"][0]["level"], "medium");
    assert_eq!(v["reports"][0]["candidates"][0]["score"].as_u64(), Some(score));
}

#[test]
fn bad_language_or_thresholds_are_usage_errors() {
    let thread = tmp("u.txt", "Alex: my webcam is broken\n");
    for (args, says) in [
        (vec!["--lang", "deutsch"], "is not a language tag"),
        (vec!["--medium-at", "0"], "--medium-at"),
        (vec!["--high-at", "61"], "--high-at"),
        (vec!["--medium-at", "9", "--high-at", "9"], "1 ≤ medium < high ≤ 60"),
        (vec!["--medium-at", "12"], "1 ≤ medium < high ≤ 60"),
        (vec!["--high-at", "many"], "--high-at"),
    ] {
        let mut all = vec!["scan", thread.as_str()];
        all.extend(args.iter().copied());
        let out = candor(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says) && !err.contains("panicked"), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing is scanned");
    }
}
