//! Trust: which packs may take effect.
//!
//! Trust belongs to the signing key, not to the pack or the rule (uBlock Origin's trusted-list
//! lesson, adblock-rust's permission bits). Packs are signed with minisign detached signatures
//! (Ed25519), so `minisign -S` works as well as `candor sign`; the core verifies them with the
//! dependency-free `minisign-verify`, in the CLI and in the browser alike.
//!
//! An update is accepted only when (1) a trusted key signed exactly these bytes, (2) the pack
//! compiles without error, (3) its version is not lower than the installed one, and (4) it is
//! not past its `valid_until` date. Anything else leaves the installed pack in place and says
//! why.

use crate::diagnostic::Diagnostic;
use crate::pack::{parse_pack, PackMeta};
use minisign_verify::{PublicKey, Signature};
use serde::Serialize;
use std::fmt;

/// Why a pack was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    /// No signature was supplied.
    Unsigned,
    /// The signature or the key text does not parse.
    MalformedSignature { detail: String },
    /// Signed by a key that is not trusted.
    UntrustedKey { key_id: String },
    /// The signature does not match the bytes (tampered or truncated).
    BadSignature { key_id: String },
    /// The pack has errors.
    Invalid { diagnostics: Vec<Diagnostic> },
    /// Its version is lower than the installed one.
    Downgrade { installed: String, offered: String },
    /// Past its `valid_until` date.
    Expired { valid_until: String },
    /// A different pack id than the subscription expects.
    WrongPack { expected: String, offered: String },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Unsigned => write!(f, "the pack is not signed"),
            Refusal::MalformedSignature { detail } => write!(f, "the signature cannot be read: {detail}"),
            Refusal::UntrustedKey { key_id } => write!(f, "signed by key {key_id}, which is not trusted"),
            Refusal::BadSignature { key_id } => write!(f, "the signature by key {key_id} does not match the pack (tampered or truncated)"),
            Refusal::Invalid { diagnostics } => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "the pack has {errors} error(s)")?;
                if let Some(d) = diagnostics.iter().find(|d| d.is_error()) {
                    write!(f, "; first: {d}")?;
                }
                Ok(())
            }
            Refusal::Downgrade { installed, offered } => write!(f, "version {offered} is lower than the installed {installed}"),
            Refusal::Expired { valid_until } => write!(f, "the pack was valid until {valid_until}"),
            Refusal::WrongPack { expected, offered } => write!(f, "expected pack \"{expected}\", got \"{offered}\""),
        }
    }
}

/// A public key, from minisign's `.pub` file text or its bare base64 line.
pub fn parse_public_key(text: &str) -> Result<PublicKey, String> {
    let line = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("untrusted comment:")).next_back().unwrap_or("");
    PublicKey::from_base64(line).map_err(|e| format!("not a minisign public key: {e}"))
}

/// The key id minisign shows (`RWQ…` keys carry an 8-byte id), as 16 hex digits.
pub fn key_id(key_text: &str) -> Option<String> {
    let line = key_text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("untrusted comment:")).next_back()?;
    let bytes = base64_decode(line)?;
    (bytes.len() == 42).then(|| bytes[2..10].iter().rev().map(|b| format!("{b:02X}")).collect())
}

/// The key id a signature names.
fn signature_key_id(sig_text: &str) -> Option<String> {
    let line = sig_text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("untrusted comment:") && !l.starts_with("trusted comment:"))?;
    let bytes = base64_decode(line)?;
    (bytes.len() == 74).then(|| bytes[2..10].iter().rev().map(|b| format!("{b:02X}")).collect())
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = A.iter().position(|&a| a == c)? as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// What verification established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    pub key_id: String,
    /// The signature's trusted comment (minisign signs it too).
    pub trusted_comment: String,
}

/// Checks that one of `trusted_keys` (minisign public-key texts) signed `data`.
pub fn verify(data: &[u8], signature: Option<&str>, trusted_keys: &[String]) -> Result<Verified, Refusal> {
    let sig_text = signature.filter(|s| !s.trim().is_empty()).ok_or(Refusal::Unsigned)?;
    let sig = Signature::decode(sig_text).map_err(|e| Refusal::MalformedSignature { detail: e.to_string() })?;
    let sig_id = signature_key_id(sig_text).unwrap_or_else(|| "unknown".into());
    for k in trusted_keys {
        if key_id(k).as_deref() != Some(sig_id.as_str()) {
            continue;
        }
        let pk = parse_public_key(k).map_err(|detail| Refusal::MalformedSignature { detail })?;
        return match pk.verify(data, &sig, false) {
            Ok(()) => Ok(Verified { key_id: sig_id, trusted_comment: sig.trusted_comment().to_string() }),
            Err(_) => Err(Refusal::BadSignature { key_id: sig_id }),
        };
    }
    Err(Refusal::UntrustedKey { key_id: sig_id })
}

/// Compares dotted version strings numerically (`1.10.0` > `1.9.3`).
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parse = |s: &str| s.split('.').map(|p| p.parse::<u64>().unwrap_or(0)).collect::<Vec<_>>();
    let (mut x, mut y) = (parse(a), parse(b));
    let n = x.len().max(y.len());
    x.resize(n, 0);
    y.resize(n, 0);
    x.cmp(&y)
}

/// The outcome of offering a pack update.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    pub meta: PackMeta,
    pub key_id: Option<String>,
    /// The same version as the installed one: nothing to change.
    pub unchanged: bool,
}

/// Decides whether `text` (with `signature`) may replace the installed pack.
/// `today` is `YYYY-MM-DD`; `require_signature` is false only for a user's local file import.
pub fn check_update(
    text: &str,
    signature: Option<&str>,
    trusted_keys: &[String],
    installed_version: Option<&str>,
    expected_id: Option<&str>,
    today: &str,
    require_signature: bool,
) -> Result<Accepted, Refusal> {
    let key_id = if require_signature || signature.is_some_and(|s| !s.trim().is_empty()) {
        Some(verify(text.as_bytes(), signature, trusted_keys)?.key_id)
    } else {
        None
    };
    let outcome = parse_pack(text);
    let Some(pack) = outcome.pack else { return Err(Refusal::Invalid { diagnostics: outcome.diagnostics }) };
    let meta = pack.meta;
    if let Some(expected) = expected_id {
        if meta.id != expected {
            return Err(Refusal::WrongPack { expected: expected.into(), offered: meta.id });
        }
    }
    if let Some(until) = &meta.valid_until {
        if today > until.as_str() {
            return Err(Refusal::Expired { valid_until: until.clone() });
        }
    }
    let mut unchanged = false;
    if let Some(old) = installed_version {
        match compare_versions(&meta.version, old) {
            std::cmp::Ordering::Less => return Err(Refusal::Downgrade { installed: old.to_string(), offered: meta.version }),
            std::cmp::Ordering::Equal => unchanged = true,
            std::cmp::Ordering::Greater => {}
        }
    }
    Ok(Accepted { meta, key_id, unchanged })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        use std::cmp::Ordering::*;
        assert_eq!(compare_versions("1.10.0", "1.9.3"), Greater);
        assert_eq!(compare_versions("2026.11.2", "2026.11.10"), Less);
        assert_eq!(compare_versions("1.0", "1.0.0"), Equal);
    }

    #[test]
    fn unsigned_and_garbage() {
        assert_eq!(verify(b"x", None, &[]), Err(Refusal::Unsigned));
        assert!(matches!(verify(b"x", Some("not a signature"), &[]), Err(Refusal::MalformedSignature { .. })));
    }
}
