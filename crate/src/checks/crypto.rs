//! Cryptocurrency addresses, recognised and validated.
//!
//! A payment address in a candidate's message is a payment-family signal (SIG-44); validating
//! the checksum keeps random tokens (commit hashes, ids) from passing for one. Exact matches with
//! sanctioned addresses are a separate, critical list rule.

use super::Hit;
use crate::candidate::Candidate;
use regex::Regex;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bitcoin,
    Tron,
    Evm,
}

impl Kind {
    /// The evidence detail naming this kind (its sentences are in [`crate::messages`]).
    fn message(self) -> crate::messages::CryptoKind {
        match self {
            Kind::Bitcoin => crate::messages::CryptoKind::Bitcoin,
            Kind::Tron => crate::messages::CryptoKind::Tron,
            Kind::Evm => crate::messages::CryptoKind::Evm,
        }
    }
}

fn candidates() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b(?:0x[0-9a-fA-F]{40}|(?i:bc1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71}|[13T][1-9A-HJ-NP-Za-km-z]{25,34})\b").expect("static regex")
    })
}

/// The kind of a valid address, or `None`.
pub fn classify(s: &str) -> Option<Kind> {
    if let Some(hex) = s.strip_prefix("0x") {
        return (hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()) && !hex.bytes().all(|b| b == b'0')).then_some(Kind::Evm);
    }
    if s.len() > 3 && s[..3].eq_ignore_ascii_case("bc1") {
        return bech32_valid(s).then_some(Kind::Bitcoin);
    }
    let bytes = base58check(s)?;
    match (bytes.len(), bytes[0]) {
        (21, 0x00 | 0x05) if s.starts_with(['1', '3']) => Some(Kind::Bitcoin),
        (21, 0x41) if s.starts_with('T') => Some(Kind::Tron),
        _ => None,
    }
}

/// Decodes Base58 and verifies the 4-byte double-SHA-256 checksum; returns the payload.
fn base58check(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut num: Vec<u8> = Vec::new(); // big-endian base-256
    for c in s.bytes() {
        let mut carry = ALPHABET.iter().position(|&a| a == c)? as u32;
        for byte in num.iter_mut().rev() {
            carry += (*byte as u32) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            num.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&b| b == b'1').count();
    let mut out = vec![0u8; zeros];
    out.extend(num);
    if out.len() < 5 {
        return None;
    }
    let (payload, check) = out.split_at(out.len() - 4);
    let digest = Sha256::digest(Sha256::digest(payload));
    (digest[..4] == *check).then(|| payload.to_vec())
}

/// BIP-173 / BIP-350 checksum for `bc1…` addresses (bech32 for v0, bech32m for v1+).
fn bech32_valid(s: &str) -> bool {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    if s.bytes().any(|b| b.is_ascii_lowercase()) && s.bytes().any(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let s = s.to_ascii_lowercase();
    let Some((hrp, data)) = s.rsplit_once('1') else { return false };
    if hrp != "bc" || data.len() < 7 {
        return false;
    }
    let Some(values) = data.bytes().map(|b| CHARSET.iter().position(|&c| c == b).map(|v| v as u32)).collect::<Option<Vec<u32>>>() else {
        return false;
    };
    let mut chk: u32 = 1;
    let mut feed = |v: u32| {
        const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
        let top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    };
    for b in hrp.bytes() {
        feed((b >> 5) as u32);
    }
    feed(0);
    for b in hrp.bytes() {
        feed((b & 31) as u32);
    }
    for v in &values {
        feed(*v);
    }
    let witness_version = values[0];
    match witness_version {
        0 => chk == 1,
        1..=16 => chk == 0x2bc830a3,
        _ => false,
    }
}

pub fn addresses(c: &Candidate, targets: &dyn Fn(usize) -> bool) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (i, t) in c.texts.iter().enumerate() {
        if !targets(i) {
            continue;
        }
        for m in candidates().find_iter(&t.text) {
            if let Some(kind) = classify(m.as_str()) {
                hits.push(Hit { text: i, start: m.start(), end: m.end(), detail: Some(crate::messages::Detail::Crypto(kind.message())) });
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_real_address_formats() {
        // From OFAC's SDN list (Kim Sang Man) and the BIP-173/350 test vectors.
        assert_eq!(classify("1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"), Some(Kind::Bitcoin));
        assert_eq!(classify("1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfK"), None, "checksum");
        assert_eq!(classify("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"), Some(Kind::Bitcoin));
        assert_eq!(classify("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"), None);
        assert_eq!(classify("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"), Some(Kind::Bitcoin));
        assert_eq!(classify("TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"), Some(Kind::Tron));
        assert_eq!(classify("0x97b1043abd9e6fc31681635166d430a458d14f9c"), Some(Kind::Evm));
        assert_eq!(classify("0x0000000000000000000000000000000000000000"), None);
        assert_eq!(classify("1111111111111111111111111"), None);
    }

    #[test]
    fn finds_addresses_in_text_not_hashes() {
        use crate::candidate::FieldText;
        use crate::field::Field;
        let text = "USDT TRC20: TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL, commit 3f2a9c1d7e5b4a6c8d0e1f2a3b4c5d6e7f8a9b0c1d2e";
        let c = Candidate { texts: vec![FieldText { field: Field::Messages, sub: Some("text"), record: 0, text: text.into(), node: None, breaks: Vec::new() }], ..Default::default() };
        let hits = addresses(&c, &|_| true);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].start..hits[0].end], "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL");
    }
}
