//! Persona memory: recognising the same operator behind differently named profiles.
//!
//! The strongest published signal is reuse across personas (FBI, Jan 2025: the same phone
//! numbers, e-mail addresses and résumé text on "different" applicants). Each install keeps a
//! local memory of the candidates it has seen; a new profile that reuses another persona's
//! contact or text is flagged "seen as <name> on <site>, <date>".
//!
//! Privacy: identifiers are stored only as keyed hashes (HMAC-SHA-256 with a per-install secret
//! the memory never leaves), texts only as MinHash signatures; the display name, site and URL
//! stay in the browser's local storage. The extension expires entries (90 days by default) and
//! can export or wipe them.

use crate::candidate::Candidate;
use crate::messages::{Detail, Shared};
use crate::field::Field;
use regex::Regex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Number of MinHash functions: with 64, the estimated Jaccard similarity has a standard error
/// of about 0.06, enough to tell a copied bio (≥ 0.8) from an unrelated one (< 0.2).
pub const MINHASH_SIZE: usize = 64;
/// Texts shorter than this many words are not fingerprinted (greetings are alike everywhere).
const MIN_WORDS: usize = 25;

/// What memory keeps of one candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Keyed hashes of normalised identifiers, each prefixed with its kind (`email:…`).
    pub identifiers: Vec<String>,
    /// MinHash signature of the candidate's longest own text (bio or proposal), if long enough.
    pub text: Option<Vec<u32>>,
}

/// One remembered candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryEntry {
    /// Site id plus profile id, or the page URL: what makes two sightings the same profile.
    pub key: String,
    pub name: Option<String>,
    pub site: String,
    pub url: Option<String>,
    /// Unix seconds of the last sighting.
    pub seen_at: i64,
    pub fingerprint: Fingerprint,
}

/// A reuse found in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Reuse {
    /// `email`, `phone`, `handle` or `text`.
    pub kind: &'static str,
    pub other: MemoryEntry,
    /// Text similarity (1.0 for identifiers).
    pub similarity: f64,
}

/// HMAC-SHA-256 (RFC 2104) of `msg`, hex of the first 16 bytes.
fn keyed_hash(key: &[u8], msg: &str) -> String {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let inner = Sha256::new().chain_update(k.map(|b| b ^ 0x36)).chain_update(msg.as_bytes()).finalize();
    let outer = Sha256::new().chain_update(k.map(|b| b ^ 0x5c)).chain_update(inner).finalize();
    outer[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn email_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b[a-z0-9][a-z0-9._%+\-]{0,63}@(?:[a-z0-9\-]+\.)+[a-z]{2,24}\b").expect("static regex"))
}

fn phone_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?:\+|\b00)?\d[\d\s().\-]{7,18}\d\b").expect("static regex"))
}

fn handle_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:t\.me|telegram\.me|wa\.me|github\.com|gitlab\.com|linkedin\.com/in|discord\.gg|skype:)/?([a-z0-9_.\-]{3,64})").expect("static regex")
    })
}

/// E-mail normalisation: lowercase, drop `+tag`, fold Gmail's dots.
pub fn normalise_email(e: &str) -> String {
    let e = e.to_lowercase();
    let Some((local, domain)) = e.rsplit_once('@') else { return e };
    let local = local.split('+').next().unwrap_or(local);
    let domain = if domain == "googlemail.com" { "gmail.com" } else { domain };
    let local = if domain == "gmail.com" { local.replace('.', "") } else { local.to_string() };
    format!("{local}@{domain}")
}

/// Phone normalisation: digits only, international prefix `00` as `+`; at least 8 digits.
/// Runs of years ("2016 - 2020", "2010-2012", résumé dates) are not phone numbers.
pub fn normalise_phone(p: &str) -> Option<String> {
    let mut groups = p.split(|c: char| !c.is_ascii_digit()).filter(|g| !g.is_empty()).peekable();
    let is_year = |g: &str| g.len() == 4 && (g.starts_with("19") || g.starts_with("20"));
    if groups.peek().is_some() && groups.all(is_year) {
        return None;
    }
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.strip_prefix("00").map(str::to_string).unwrap_or(digits);
    (8..=15).contains(&digits.len()).then_some(digits)
}

/// A profile photo's address without query or fragment, lowercase host; `None` for inline
/// images and the platforms' shared default avatars (which every photo-less profile has).
pub fn normalise_photo_url(u: &str) -> Option<String> {
    let u = u.trim();
    let parsed = crate::weburl::WebUrl::parse(u).filter(|p| p.is_http())?;
    let lower = parsed.path.to_lowercase();
    let placeholder = ["default", "placeholder", "anonymous", "ghost", "blank", "no-photo", "nophoto", "silhouette", "generic"];
    if placeholder.iter().any(|p| lower.contains(p)) || lower.len() < 8 {
        return None;
    }
    Some(format!("{}{}", parsed.host, parsed.path))
}

/// Word shingles (5 words) → MinHash signature.
pub fn minhash(text: &str) -> Option<Vec<u32>> {
    let words: Vec<String> = text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).filter(|w| !w.is_empty()).collect();
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut sig = vec![u32::MAX; MINHASH_SIZE];
    for w in words.windows(5) {
        let base = w.iter().fold(0xcbf29ce484222325u64, |h, word| word.bytes().chain(std::iter::once(b' ')).fold(h, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3)));
        for (i, slot) in sig.iter_mut().enumerate() {
            // splitmix64 of (base, i): independent hash functions from one base hash.
            let mut z = base.wrapping_add((i as u64 + 1).wrapping_mul(0x9e3779b97f4a7c15));
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
            z ^= z >> 31;
            *slot = (*slot).min(z as u32);
        }
    }
    Some(sig)
}

/// Estimated Jaccard similarity of two signatures.
pub fn similarity(a: &[u32], b: &[u32]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
}

/// The fingerprint of a candidate under the install's `key`.
pub fn fingerprint(c: &Candidate, key: &[u8]) -> Fingerprint {
    fingerprint_with_spans(c, key).0
}

/// Where each identifier of a fingerprint was found: `(identifier, text index, start, end)`;
/// and the text index the MinHash came from.
pub type Spans = (Vec<(String, usize, usize, usize)>, Option<usize>);

pub fn fingerprint_with_spans(c: &Candidate, key: &[u8]) -> (Fingerprint, Spans) {
    let mut spans: Vec<(String, usize, usize, usize)> = Vec::new();
    let own = |f: Field| matches!(f, Field::Contacts | Field::Bio | Field::Messages | Field::Proposals | Field::Text | Field::Headline);
    for (i, t) in c.texts.iter().enumerate().filter(|(_, t)| own(t.field) && t.sub != Some("author")) {
        for m in email_re().find_iter(&t.text) {
            spans.push((format!("email:{}", keyed_hash(key, &format!("email:{}", normalise_email(m.as_str())))), i, m.start(), m.end()));
        }
        if t.field == Field::Contacts || t.field == Field::Messages || t.field == Field::Bio {
            for m in phone_re().find_iter(&t.text) {
                if let Some(p) = normalise_phone(m.as_str()) {
                    spans.push((format!("phone:{}", keyed_hash(key, &format!("phone:{p}"))), i, m.start(), m.end()));
                }
            }
        }
        for cap in handle_re().captures_iter(&t.text) {
            let service = cap[0].split(['/', ':']).next().unwrap_or("").to_lowercase();
            let m = cap.get(0).expect("match");
            spans.push((format!("handle:{}", keyed_hash(key, &format!("handle:{service}/{}", cap[1].to_lowercase()))), i, m.start(), m.end()));
        }
    }
    for (i, t) in c.texts.iter().enumerate().filter(|(_, t)| t.field == Field::Photo) {
        if let Some(u) = normalise_photo_url(&t.text) {
            spans.push((format!("photo:{}", keyed_hash(key, &format!("photo:{u}"))), i, 0, t.text.len()));
        }
    }
    let mut ids: Vec<String> = spans.iter().map(|s| s.0.clone()).collect();
    ids.sort();
    ids.dedup();
    // The candidate's own long text: bio or cover letter; on a page without those (the generic
    // adapter), the longest text block.
    let own_text = |fields: &[Field]| c.texts.iter().enumerate().filter(|(_, t)| fields.contains(&t.field) && matches!(t.sub, None | Some("text"))).max_by_key(|(_, t)| t.text.len());
    let longest = own_text(&[Field::Bio, Field::Proposals]).or_else(|| own_text(&[Field::Text]));
    let text = longest.and_then(|(i, t)| minhash(&t.text).map(|m| (i, m)));
    let text_index = text.as_ref().map(|(i, _)| *i);
    (Fingerprint { identifiers: ids, text: text.map(|(_, m)| m) }, (spans, text_index))
}

/// A memory to compare against: the install's secret and what it has seen.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    pub key: Vec<u8>,
    pub entries: Vec<MemoryEntry>,
}

/// The memory key of a candidate: site and profile id, else the page URL, else the name.
pub fn candidate_key(site: &str, c: &Candidate, url: Option<&str>) -> String {
    match (&c.profile_id, url, &c.name) {
        (Some(id), _, _) => format!("{site}:{id}"),
        (None, Some(u), Some(n)) => format!("{}#{n}", u.split(['?', '#']).next().unwrap_or(u)),
        (None, Some(u), None) => u.split(['?', '#']).next().unwrap_or(u).to_string(),
        (None, None, Some(n)) => format!("{site}:name:{n}"),
        (None, None, None) => format!("{site}:unknown"),
    }
}

/// Evidence spans for reuse found in memory: `(text index, start, end, detail)`.
/// `fingerprint` is the candidate's, from [`fingerprint_with_spans`] under `memory.key`.
pub fn reuse_hits(c: &Candidate, memory: &Memory, key: &str, fingerprint: &(Fingerprint, Spans), min_text_similarity: f64) -> Vec<(usize, usize, usize, Detail)> {
    let (fp, (spans, text_index)) = fingerprint;
    let mut out = Vec::new();
    for r in find_reuse(fp, key, c.name.as_deref(), &memory.entries, min_text_similarity) {
        let detail = |shared| Detail::PersonaReuse { name: r.other.name.clone(), site: r.other.site.clone(), day: format_day(r.other.seen_at), shared };
        if r.kind == "text" {
            if let Some(i) = text_index {
                let t = &c.texts[*i].text;
                let start = t.len() - t.trim_start().len();
                out.push((*i, start, t.trim_end().len().max(start), detail(Shared::Text(r.similarity * 100.0))));
            }
        } else if let Some((_, i, s, e)) = spans
            .iter()
            .find(|(id, ..)| id.split(':').next() == Some(r.kind) && r.other.fingerprint.identifiers.contains(id))
        {
            out.push((*i, *s, *e, detail(Shared::Identifier(r.kind))));
        }
    }
    out
}

/// `YYYY-MM-DD` of Unix seconds.
fn format_day(secs: i64) -> String {
    let z = secs.div_euclid(86400) + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{m:02}-{d:02}", yoe + era * 400 + i64::from(m <= 2))
}

/// Normalised name for "is this the same persona name?" comparisons.
fn same_name(a: Option<&str>, b: Option<&str>) -> bool {
    let norm = |s: &str| crate::checks::fold_ascii_pub(s).split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    match (a, b) {
        (Some(a), Some(b)) => norm(a) == norm(b),
        _ => false,
    }
}

/// Other personas in `memory` that share an identifier or most of their text with `fp`.
/// Sightings of the same profile (same key) and of the same name are not reuse.
pub fn find_reuse(fp: &Fingerprint, key: &str, name: Option<&str>, memory: &[MemoryEntry], min_text_similarity: f64) -> Vec<Reuse> {
    let mut out = Vec::new();
    for e in memory {
        if e.key == key || same_name(name, e.name.as_deref()) {
            continue;
        }
        if let Some(id) = fp.identifiers.iter().find(|i| e.fingerprint.identifiers.contains(i)) {
            let kind = match id.split(':').next() {
                Some("email") => "email",
                Some("phone") => "phone",
                Some("photo") => "photo",
                _ => "handle",
            };
            out.push(Reuse { kind, other: e.clone(), similarity: 1.0 });
            continue;
        }
        if let (Some(a), Some(b)) = (&fp.text, &e.fingerprint.text) {
            let s = similarity(a, b);
            if s >= min_text_similarity {
                out.push(Reuse { kind: "text", other: e.clone(), similarity: s });
            }
        }
    }
    out.sort_by(|a, b| b.other.seen_at.cmp(&a.other.seen_at));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::FieldText;

    fn cand(name: &str, contacts: &str, bio: &str) -> Candidate {
        let t = |field, text: &str| FieldText { field, sub: None, record: 0, text: text.into(), node: None, breaks: Vec::new() };
        Candidate { name: Some(name.into()), texts: vec![t(Field::Contacts, contacts), t(Field::Bio, bio)], ..Default::default() }
    }

    const BIO: &str = "Senior full stack engineer with nine years of experience building scalable web applications in React, Node.js and AWS for fintech and healthcare clients across North America and Europe, focused on clean code and delivery.";

    #[test]
    fn photos_are_compared_by_address_only() {
        assert_eq!(normalise_photo_url("https://Img.Example.com/u/abc123.jpg?w=200#x"), Some("img.example.com/u/abc123.jpg".into()));
        assert_eq!(normalise_photo_url("https://cdn.example.com/static/default-avatar.png"), None);
        assert_eq!(normalise_photo_url("data:image/png;base64,AAAA"), None);
        let key = b"k";
        let with_photo = |name: &str, photo: &str| {
            let mut c = cand(name, "", "");
            c.texts.push(FieldText::plain(Field::Photo, None, 0, photo.into(), None));
            c
        };
        let a = fingerprint(&with_photo("Ann Lee", "https://cdn.example.com/p/ff00aa.jpg?size=100"), key);
        let memory = vec![MemoryEntry { key: "a".into(), name: Some("Ann Lee".into()), site: "upwork".into(), url: None, seen_at: 0, fingerprint: a }];
        let b = fingerprint(&with_photo("Bea Moss", "https://cdn.example.com/p/ff00aa.jpg"), key);
        assert_eq!(find_reuse(&b, "b", Some("Bea Moss"), &memory, 0.8)[0].kind, "photo");
    }

    #[test]
    fn days() {
        assert_eq!(format_day(0), "1970-01-01");
        assert_eq!(format_day(1_700_000_000), "2023-11-14");
    }

    #[test]
    fn hmac_matches_rfc4231() {
        // RFC 4231 test case 2, truncated to 16 bytes.
        assert_eq!(keyed_hash(b"Jefe", "what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c7");
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalise_email("J.Doe+upwork@GoogleMail.com"), "jdoe@gmail.com");
        assert_eq!(normalise_email("j.doe+x@example.org"), "j.doe@example.org");
        assert_eq!(normalise_phone("+1 (415) 555-0134"), Some("14155550134".into()));
        assert_eq!(normalise_phone("0044 20 7946 0958"), Some("442079460958".into()));
        assert_eq!(normalise_phone("2024"), None);
        // Résumé date ranges match the phone pattern but are not phone numbers.
        assert_eq!(normalise_phone("2016 - 2020"), None);
        assert_eq!(normalise_phone("2010-2012"), None);
        assert_eq!(normalise_phone("1998 2003 2011"), None);
        assert_eq!(normalise_phone("+1 2016 2020"), Some("120162020".into()));
    }

    #[test]
    fn resume_dates_are_not_shared_phones() {
        let key = b"install-secret";
        let a = cand("Sofia Marin", "sofia@example.net", "Lakefront Media, 2016 - 2020: dashboards. Beacon, 2010-2012.");
        let b = cand("Omar Haddad", "omar@example.org", "Harbor Labs, 2016 - 2020: payments. Delta, 2010-2012.");
        let fa = fingerprint(&a, key);
        assert!(fa.identifiers.iter().all(|i| !i.starts_with("phone:")), "{fa:?}");
        let memory = Memory { key: key.to_vec(), entries: vec![MemoryEntry { key: "greenhouse:1".into(), name: a.name.clone(), site: "greenhouse".into(), url: None, seen_at: 1_700_000_000, fingerprint: fa }] };
        assert!(reuse_hits(&b, &memory, "greenhouse:2", &fingerprint_with_spans(&b, &memory.key), 0.8).is_empty());
        // A shared e-mail is shown on the e-mail itself, whatever else the profiles share.
        let c = cand("Dana Ruiz", "sofia@example.net, +1 312 555 0164", "Hello.");
        let memory = Memory { entries: vec![MemoryEntry { fingerprint: fingerprint(&cand("Sofia Marin", "sofia@example.net, +1 312 555 0164", "Hi."), key), ..memory.entries[0].clone() }], ..memory };
        let hits = reuse_hits(&c, &memory, "greenhouse:3", &fingerprint_with_spans(&c, &memory.key), 0.8);
        assert_eq!(hits.len(), 1, "{hits:?}");
        let (i, s, e, detail) = &hits[0];
        let detail = detail.render(crate::messages::Lang::En);
        assert!(detail.ends_with("the same email"), "{detail}");
        assert_eq!(&c.texts[*i].text[*s..*e], "sofia@example.net");
    }

    #[test]
    fn finds_reused_contacts_and_text_under_other_names() {
        let key = b"install-secret";
        let first = fingerprint(&cand("Kevin R.", "kevin.r.dev+jobs@gmail.com, t.me/kevdev", BIO), key);
        let memory = vec![MemoryEntry { key: "upwork:~01a".into(), name: Some("Kevin R.".into()), site: "upwork".into(), url: None, seen_at: 1_700_000_000, fingerprint: first }];
        let second = fingerprint(&cand("Daniel Hart", "kevinrdev@gmail.com", "Hello."), key);
        let r = find_reuse(&second, "greenhouse:42", Some("Daniel Hart"), &memory, 0.8);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].kind, "email");
        let copied = fingerprint(&cand("Sam Ortiz", "sam@ortiz.dev", &BIO.replace("nine", "ten")), key);
        let r = find_reuse(&copied, "lever:9", Some("Sam Ortiz"), &memory, 0.6);
        assert_eq!(r.first().map(|x| x.kind), Some("text"), "{r:?}");
        // The same name seen again is the same persona, not reuse.
        assert!(find_reuse(&second, "x", Some("Kevin R."), &memory, 0.8).is_empty());
        // Another install's key gives other hashes: nothing links across installs.
        let other = fingerprint(&cand("Daniel Hart", "kevinrdev@gmail.com", "Hello."), b"other-install");
        assert!(find_reuse(&other, "greenhouse:42", Some("Daniel Hart"), &memory, 0.8).is_empty());
    }
}
