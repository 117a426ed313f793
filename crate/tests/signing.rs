//! Signing and trust: `candor keygen/sign/verify`, interoperability with the reference
//! `minisign` tool, and the update policy (no downgrade, no expired, no untrusted key, never a
//! half-applied pack).

use candor::trust::{check_update, Refusal};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn candor(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_candor")).args(args).current_dir(dir).output().expect("run candor")
}

fn workdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("candor-sign-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn pack(version: &str) -> String {
    format!(
        r#"{{"candor_pack": 1, "id": "acme.trust", "title": "Acme", "publisher": "Acme", "version": "{version}",
  "sources": {{"A": {{"title": "Playbook", "publisher": "Acme", "date": "2026"}}}},
  "rules": [{{"id": "acme.gift", "title": "Gift cards", "family": "payment", "severity": "medium",
             "pattern": "(?i)gift cards?", "explain": "Payment routed away from the candidate's own account.", "sources": ["A"]}}]}}"#
    )
}

fn keygen(dir: &Path, name: &str) -> String {
    let out = candor(&["keygen", "--out", name, "--unencrypted"], dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::read_to_string(dir.join(format!("{name}.pub"))).unwrap()
}

#[test]
fn keygen_sign_verify_and_tampering() {
    let d = workdir("roundtrip");
    keygen(&d, "team");
    std::fs::write(d.join("p.json"), pack("1.0.0")).unwrap();
    let out = candor(&["sign", "p.json", "--key", "team.key"], &d);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(d.join("p.json.minisig").exists());
    let out = candor(&["verify", "p.json", "--pubkey", "team.pub"], &d);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("signature OK"));
    // One changed byte: refused.
    std::fs::write(d.join("p.json"), pack("1.0.1")).unwrap();
    let out = candor(&["verify", "p.json", "--pubkey", "team.pub"], &d);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match"));
    // Another key: not trusted.
    keygen(&d, "other");
    let out = candor(&["verify", "p.json", "--pubkey", "other.pub"], &d);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not trusted"));
    // Existing key files are not overwritten.
    let out = candor(&["keygen", "--out", "team", "--unencrypted"], &d);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_broken_pack_is_never_signed() {
    let d = workdir("broken");
    keygen(&d, "team");
    std::fs::write(d.join("bad.json"), "{\"candor_pack\": 1, \"id\": \"x\"}").unwrap();
    let out = candor(&["sign", "bad.json", "--key", "team.key"], &d);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never signed"));
    assert!(!d.join("bad.json.minisig").exists());
}

#[test]
fn encrypted_keys_need_a_password_not_a_prompt() {
    let d = workdir("encrypted");
    let out = Command::new(env!("CARGO_BIN_EXE_candor")).args(["keygen", "--out", "enc", "--password-env", "PW"]).env("PW", "hunter2").current_dir(&d).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(d.join("p.json"), pack("1.0.0")).unwrap();
    // No terminal and no --password-env: a clear error instead of hanging on a prompt.
    let out = Command::new(env!("CARGO_BIN_EXE_candor")).args(["sign", "p.json", "--key", "enc.key"]).stdin(std::process::Stdio::null()).current_dir(&d).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--password-env"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(env!("CARGO_BIN_EXE_candor")).args(["sign", "p.json", "--key", "enc.key", "--password-env", "PW"]).env("PW", "hunter2").current_dir(&d).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(candor(&["verify", "p.json", "--pubkey", "enc.pub"], &d).status.success());
}

/// `minisign -S` works as well as `candor sign`, and the other way round.
#[test]
fn interoperates_with_the_reference_minisign() {
    if Command::new("minisign").arg("-v").output().is_err() {
        eprintln!("skipping: the minisign tool is not installed (make test installs it)");
        return;
    }
    let d = workdir("minisign");
    std::fs::write(d.join("p.json"), pack("1.0.0")).unwrap();
    let st = Command::new("minisign").args(["-G", "-W", "-p", "mk.pub", "-s", "mk.key"]).current_dir(&d).output().unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let st = Command::new("minisign").args(["-S", "-s", "mk.key", "-m", "p.json"]).current_dir(&d).output().unwrap();
    assert!(st.status.success());
    assert!(candor(&["verify", "p.json", "--pubkey", "mk.pub"], &d).status.success(), "candor verifies minisign's signature");
    keygen(&d, "team");
    assert!(candor(&["sign", "p.json", "--key", "team.key"], &d).status.success());
    let st = Command::new("minisign").args(["-V", "-p", "team.pub", "-m", "p.json"]).current_dir(&d).output().unwrap();
    assert!(st.status.success(), "minisign verifies candor's signature: {}", String::from_utf8_lossy(&st.stderr));
}

#[test]
fn update_policy() {
    let d = workdir("policy");
    let key = keygen(&d, "team");
    let sign = |text: &str| {
        std::fs::write(d.join("u.json"), text).unwrap();
        assert!(candor(&["sign", "u.json", "--key", "team.key"], &d).status.success());
        std::fs::read_to_string(d.join("u.json.minisig")).unwrap()
    };
    let keys = vec![key];
    let v1 = pack("1.2.0");
    let sig1 = sign(&v1);
    let installed = check_update(&v1, Some(&sig1), &keys, None, Some("acme.trust"), "2026-11-22", true).unwrap();
    assert_eq!(installed.meta.version, "1.2.0");
    assert!(installed.key_id.is_some());
    // Same version: unchanged; lower: refused.
    assert!(check_update(&v1, Some(&sig1), &keys, Some(installed.meta.version.as_str()), None, "2026-11-22", true).unwrap().unchanged);
    let old = pack("1.1.9");
    let sig_old = sign(&old);
    assert!(matches!(check_update(&old, Some(&sig_old), &keys, Some(installed.meta.version.as_str()), None, "2026-11-22", true), Err(Refusal::Downgrade { .. })));
    // Unsigned, signed by nobody we trust, or for another pack: refused.
    assert_eq!(check_update(&v1, None, &keys, None, None, "2026-11-22", true).unwrap_err(), Refusal::Unsigned);
    assert!(matches!(check_update(&v1, Some(&sig1), &[], None, None, "2026-11-22", true), Err(Refusal::UntrustedKey { .. })));
    assert!(matches!(check_update(&v1, Some(&sig1), &keys, None, Some("other.pack"), "2026-11-22", true), Err(Refusal::WrongPack { .. })));
    // Past valid_until: refused.
    let expiring = pack("1.3.0").replace("\"version\"", "\"valid_until\": \"2026-01-31\", \"version\"");
    let sig_exp = sign(&expiring);
    assert!(matches!(check_update(&expiring, Some(&sig_exp), &keys, None, None, "2026-11-22", true), Err(Refusal::Expired { .. })));
    // Correctly signed but broken: refused with its diagnostics, nothing applied.
    let broken = pack("1.4.0").replace("gift cards?", "(gift");
    std::fs::write(d.join("u.json"), &broken).unwrap();
    let st = candor(&["sign", "u.json", "--key", "team.key"], &d);
    assert_eq!(st.status.code(), Some(2), "the CLI refuses to sign it");
    // A local file import needs no signature (the extension shows a warning for it).
    assert!(check_update(&v1, None, &[], None, None, "2026-11-22", false).is_ok());
}
