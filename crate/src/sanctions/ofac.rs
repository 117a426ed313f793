//! OFAC's legacy CSV files: `sdn.csv`, `alt.csv`, `add.csv` and `sdn_comments.csv`.
//!
//! None has a header. `-0-` (often padded: `-0- `) means empty.
//!
//! | file | columns |
//! |---|---|
//! | sdn.csv | ent_num, name, type, programs, title, call_sign, vessel_type, tonnage, grt, vessel_flag, vessel_owner, remarks |
//! | alt.csv | ent_num, alt_num, alt_type (aka/fka/nka), alt_name, alt_remarks |
//! | add.csv | ent_num, add_num, address, city/state/zip, country, add_remarks |
//! | sdn_comments.csv | ent_num, remarks_extended (the text after the 1,000th character of remarks) |
//!
//! The `programs` column lists tags as `[DPRK3] [DPRK4]`; the file's quoting usually strips the
//! outer brackets (`"DPRK3] [DPRK4"`). `remarks` is `;`-separated: `Digital Currency Address -
//! XBT 1abc…`, `alt. Digital Currency Address - ETH 0x…`, `Email Address x@y`, `Website www…`,
//! `a.k.a. '…'` (OFAC's *weak* aliases), `Linked To: …` and more.

use super::{csv, SkippedRow};

/// The kind of a listed party (`type` column; `-0-` is an entity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PartyKind {
    Entity,
    Individual,
    Vessel,
    Aircraft,
}

impl PartyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Entity => "entity",
            PartyKind::Individual => "individual",
            PartyKind::Vessel => "vessel",
            PartyKind::Aircraft => "aircraft",
        }
    }
}

/// One row of sdn.csv.
#[derive(Debug, Clone)]
pub struct SdnRow {
    pub line: usize,
    pub ent_num: String,
    pub name: String,
    pub kind: PartyKind,
    pub programs: Vec<String>,
    /// The raw programs column, trimmed (for the truncation check).
    pub programs_raw: String,
    pub remarks: String,
}

/// An identifier parsed out of the remarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    /// `Digital Currency Address - XBT 1abc…`: the currency ticker and the address as listed.
    DigitalCurrency { currency: String, address: String },
    /// `Email Address x@y`, lowercased.
    Email(String),
    /// `Website …`, normalised to the bare host, or host + path on a shared platform.
    Website(String),
}

impl Identifier {
    pub fn kind(&self) -> &'static str {
        match self {
            Identifier::DigitalCurrency { .. } => "digital_currency",
            Identifier::Email(_) => "email",
            Identifier::Website(_) => "website",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Identifier::DigitalCurrency { address, .. } => address,
            Identifier::Email(v) | Identifier::Website(v) => v,
        }
    }
}

/// What the remarks say that the importer uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Remarks {
    pub identifiers: Vec<Identifier>,
    /// `a.k.a. '…'`, `f.k.a. '…'`, `n.k.a. '…'`: OFAC lists weak aliases here.
    pub weak_aliases: Vec<String>,
    /// The North Korea Sanctions Regulations boilerplate ("… sections 510.201 and 510.210 …").
    pub nksr: bool,
    /// The remarks stop at the legacy CSV's 1,000-character cap mid-item; the cut item was
    /// dropped.
    pub truncated: bool,
    /// Items that looked like identifiers but could not be used, with the reason.
    pub rejected: Vec<String>,
}

/// OFAC's legacy CSV cuts `remarks` at this many characters and continues in sdn_comments.csv.
pub const REMARKS_CAP: usize = 1000;

/// Hosts shared by unrelated users: a listed "website" on one of them identifies nobody unless
/// it carries a path (`github.com/someone`).
const SHARED_HOSTS: &[&str] = &[
    "github.com", "gitlab.com", "bitbucket.org", "t.me", "telegram.me", "telegram.org", "twitter.com", "x.com",
    "facebook.com", "fb.com", "instagram.com", "linkedin.com", "youtube.com", "youtu.be", "medium.com",
    "google.com", "sites.google.com", "docs.google.com", "drive.google.com", "blogspot.com", "wordpress.com",
    "tiktok.com", "discord.gg", "discord.com", "reddit.com", "upwork.com", "freelancer.com", "fiverr.com",
    "wix.com", "wixsite.com", "weebly.com", "notion.site", "substack.com", "vk.com", "ok.ru", "mail.ru",
    "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "naver.com", "daum.net", "qq.com", "163.com",
    "weibo.com", "wechat.com", "whatsapp.com", "skype.com", "apple.com", "microsoft.com", "amazon.com",
];

fn clean(field: &str) -> String {
    let t = field.trim();
    if t == "-0-" {
        String::new()
    } else {
        t.to_string()
    }
}

/// Splits the programs column into tags: `DPRK3] [DPRK4` → `DPRK3`, `DPRK4`. Tags may hold
/// spaces (`CAATSA - RUSSIA`).
pub fn parse_programs(column: &str) -> Vec<String> {
    column
        .split(['[', ']'])
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty() && t != "-0-")
        .collect()
}

/// The CSV records of an OFAC file that are valid UTF-8 (when the file was decoded `lossy`) and
/// have exactly `columns` fields; the others are returned as skipped rows with the reason.
fn checked_records(text: &str, file: &str, lossy: bool, columns: usize) -> Result<(Vec<csv::Record>, Vec<SkippedRow>), csv::UnterminatedQuote> {
    let mut kept = Vec::new();
    let mut skipped = Vec::new();
    for rec in csv::parse(text)? {
        let reason = if lossy && rec.fields.iter().any(|f| f.contains('\u{FFFD}')) {
            "not valid UTF-8".to_string()
        } else if rec.fields.len() != columns {
            format!("{} columns, expected {columns}", rec.fields.len())
        } else {
            kept.push(rec);
            continue;
        };
        skipped.push(SkippedRow { file: file.to_string(), line: rec.line, reason });
    }
    Ok((kept, skipped))
}

/// Reads sdn.csv text. Rows with the wrong number of columns, an empty ent_num or name, or
/// bytes that were not UTF-8 (`\u{FFFD}` after lossy decoding, when `lossy`) are skipped and
/// reported.
pub fn parse_sdn(text: &str, file: &str, lossy: bool) -> Result<(Vec<SdnRow>, Vec<SkippedRow>), csv::UnterminatedQuote> {
    let mut rows = Vec::new();
    let (records, mut skipped) = checked_records(text, file, lossy, 12)?;
    for rec in records {
        let skip = |reason: String| SkippedRow { file: file.to_string(), line: rec.line, reason };
        let f = &rec.fields;
        let ent_num = clean(&f[0]);
        let name = clean(&f[1]);
        if ent_num.is_empty() || !ent_num.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
            skipped.push(skip("no ent_num or no name".into()));
            continue;
        }
        let kind = match clean(&f[2]).to_ascii_lowercase().as_str() {
            "" | "entity" => PartyKind::Entity,
            "individual" => PartyKind::Individual,
            "vessel" => PartyKind::Vessel,
            "aircraft" => PartyKind::Aircraft,
            other => {
                skipped.push(skip(format!("unknown type \"{other}\"")));
                continue;
            }
        };
        let programs_raw = clean(&f[3]);
        rows.push(SdnRow {
            line: rec.line,
            ent_num,
            name,
            kind,
            programs: parse_programs(&programs_raw),
            programs_raw,
            // Untrimmed: sdn_comments.csv continues at exactly the 1,001st character.
            remarks: if f[11].trim() == "-0-" { String::new() } else { f[11].clone() },
        });
    }
    skipped.sort_by_key(|s| s.line); // file order, as the summary reports the first
    Ok((rows, skipped))
}

/// One alias from alt.csv.
#[derive(Debug, Clone)]
pub struct AltRow {
    pub ent_num: String,
    /// `aka`, `fka` or `nka`.
    pub alt_type: String,
    pub name: String,
    /// OFAC flags weak aliases in the remarks of some releases ("weak", "low quality").
    pub weak: bool,
}

pub fn parse_alt(text: &str, file: &str, lossy: bool) -> Result<(Vec<AltRow>, Vec<SkippedRow>), csv::UnterminatedQuote> {
    let mut rows = Vec::new();
    let (records, mut skipped) = checked_records(text, file, lossy, 5)?;
    for rec in records {
        let skip = |reason: String| SkippedRow { file: file.to_string(), line: rec.line, reason };
        let f = &rec.fields;
        let (ent_num, name) = (clean(&f[0]), clean(&f[3]));
        if ent_num.is_empty() || name.is_empty() {
            skipped.push(skip("no ent_num or no alias".into()));
            continue;
        }
        let remarks = clean(&f[4]).to_ascii_lowercase();
        rows.push(AltRow {
            ent_num,
            alt_type: clean(&f[2]).to_ascii_lowercase(),
            name,
            weak: remarks.contains("weak") || remarks.contains("low quality"),
        });
    }
    skipped.sort_by_key(|s| s.line); // file order, as the summary reports the first
    Ok((rows, skipped))
}

/// One address from add.csv; the importer uses the city and country only.
#[derive(Debug, Clone)]
pub struct AddRow {
    pub ent_num: String,
    pub city: String,
    pub country: String,
}

impl AddRow {
    /// "Yanji, Jilin, China"; empty when the row has neither.
    pub fn place(&self) -> String {
        [self.city.as_str(), self.country.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(", ")
    }
}

pub fn parse_add(text: &str, file: &str, lossy: bool) -> Result<(Vec<AddRow>, Vec<SkippedRow>), csv::UnterminatedQuote> {
    let mut rows = Vec::new();
    let (records, mut skipped) = checked_records(text, file, lossy, 6)?;
    for rec in records {
        let skip = |reason: String| SkippedRow { file: file.to_string(), line: rec.line, reason };
        let f = &rec.fields;
        let ent_num = clean(&f[0]);
        if ent_num.is_empty() {
            skipped.push(skip("no ent_num".into()));
            continue;
        }
        rows.push(AddRow { ent_num, city: clean(&f[3]), country: clean(&f[4]) });
    }
    skipped.sort_by_key(|s| s.line); // file order, as the summary reports the first
    Ok((rows, skipped))
}

/// Rows of sdn_comments.csv: (ent_num, continuation of that entry's remarks).
pub type CommentRows = Vec<(String, String)>;

/// sdn_comments.csv: ent_num → the continuation of that entry's remarks.
pub fn parse_comments(text: &str, file: &str, lossy: bool) -> Result<(CommentRows, Vec<SkippedRow>), csv::UnterminatedQuote> {
    let mut rows = Vec::new();
    let (records, mut skipped) = checked_records(text, file, lossy, 2)?;
    for rec in records {
        let skip = |reason: String| SkippedRow { file: file.to_string(), line: rec.line, reason };
        let ent_num = clean(&rec.fields[0]);
        if ent_num.is_empty() {
            skipped.push(skip("no ent_num".into()));
            continue;
        }
        // Not `clean`: the continuation may start or end with a space that belongs to the text.
        rows.push((ent_num, rec.fields[1].clone()));
    }
    skipped.sort_by_key(|s| s.line); // file order, as the summary reports the first
    Ok((rows, skipped))
}

/// The individual's name as it is written, without OFAC's comma: "KIM, Sang Man" →
/// ("KIM Sang Man", Some("Sang Man KIM")). Names without a comma come back unchanged.
pub fn person_name_forms(name: &str) -> (String, Option<String>) {
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match name.split_once(',') {
        Some((last, rest)) if !last.trim().is_empty() && !rest.trim().is_empty() => {
            let rest = collapse(&rest.replace(',', " "));
            let last = collapse(last);
            (format!("{last} {rest}"), Some(format!("{rest} {last}")))
        }
        _ => (collapse(&name.replace(',', " ")), None),
    }
}

/// Parses the remarks column (after joining any sdn_comments continuation).
pub fn parse_remarks(remarks: &str, complete: bool) -> Remarks {
    let mut out = Remarks {
        nksr: remarks.contains("North Korea Sanctions Regulations"),
        ..Remarks::default()
    };
    let mut text = remarks.trim();
    // At the cap the rest of the remarks is in sdn_comments.csv. The cut usually falls inside
    // an item ("…Currency A", "…By U.S. "): drop the item after the last separator, unless the
    // cut fell right after one.
    if !complete && remarks.chars().count() >= REMARKS_CAP {
        out.truncated = true;
        if !text.ends_with(';') {
            text = text.rfind(';').map_or("", |i| &text[..i]);
        }
    }
    let text = text.strip_suffix('.').unwrap_or(text);
    for item in text.split(';') {
        let item = item.trim();
        let item = strip_prefix_ci(item, "alt. ").unwrap_or(item).trim();
        if let Some(rest) = strip_prefix_ci(item, "Digital Currency Address - ") {
            let mut parts = rest.split_whitespace();
            match (parts.next(), parts.next()) {
                (Some(cur), Some(addr)) if valid_address(addr) => {
                    let id = Identifier::DigitalCurrency { currency: cur.to_ascii_uppercase(), address: addr.to_string() };
                    push_unique(&mut out.identifiers, id);
                }
                _ => out.rejected.push(format!("digital currency address \"{rest}\"")),
            }
        } else if let Some(rest) = strip_prefix_ci(item, "Email Address ") {
            for token in rest.split([' ', ',']).filter(|t| !t.is_empty()) {
                match normalize_email(token) {
                    Some(e) => push_unique(&mut out.identifiers, Identifier::Email(e)),
                    None => out.rejected.push(format!("e-mail \"{token}\"")),
                }
            }
        } else if let Some(rest) = strip_prefix_ci(item, "Website ") {
            for token in rest.split([' ', ',']).filter(|t| !t.is_empty()) {
                match normalize_website(token) {
                    Ok(w) => push_unique(&mut out.identifiers, Identifier::Website(w)),
                    Err(why) => out.rejected.push(format!("website \"{token}\": {why}")),
                }
            }
        } else if let Some(alias) = ["a.k.a. ", "f.k.a. ", "n.k.a. "].iter().find_map(|p| strip_prefix_ci(item, p)) {
            let alias = alias.trim();
            if let (Some(open), Some(close)) = (alias.find('\''), alias.rfind('\'')) {
                if close > open + 1 {
                    let a = alias[open + 1..close].trim();
                    if !a.is_empty() && !out.weak_aliases.iter().any(|x| x == a) {
                        out.weak_aliases.push(a.to_string());
                    }
                }
            }
        }
    }
    out
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s.is_char_boundary(prefix.len()) && s[..prefix.len()].eq_ignore_ascii_case(prefix)).then(|| &s[prefix.len()..])
}

fn push_unique(ids: &mut Vec<Identifier>, id: Identifier) {
    if !ids.contains(&id) {
        ids.push(id);
    }
}

/// A plausible wallet address: 20-128 ASCII letters and digits (base58, bech32, hex with 0x,
/// Monero's 95 characters).
fn valid_address(a: &str) -> bool {
    (20..=128).contains(&a.len()) && a.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `User@Example.COM.` → `user@example.com`; `None` unless it looks like an address.
pub fn normalize_email(raw: &str) -> Option<String> {
    let e = raw.trim().trim_end_matches(['.', ',', ';']).to_ascii_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok_local = !local.is_empty() && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._%+-".contains(&b));
    let ok_domain = domain.contains('.') && !domain.starts_with('.') && domain.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    (ok_local && ok_domain).then_some(e)
}

/// `http://www.Example.com/` → `example.com`; `https://github.com/someone/` →
/// `github.com/someone`. A bare shared-platform host (`github.com`) is refused: it would match
/// every profile that links there.
pub fn normalize_website(raw: &str) -> Result<String, &'static str> {
    let mut s = raw.trim().trim_end_matches([',', ';']).to_ascii_lowercase();
    for scheme in ["https://", "http://", "hxxps://", "hxxp://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest.to_string();
            break;
        }
    }
    let s = s.strip_prefix("www.").unwrap_or(&s);
    let (host, path) = match s.find(['/', '?', '#']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let host = host.split(':').next().unwrap_or("").trim_end_matches('.');
    if !host.contains('.') || host.starts_with('.') || !host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
        return Err("not a host name");
    }
    let path = path.split(['?', '#']).next().unwrap_or("").trim_end_matches(['/', '.']);
    if path.is_empty() {
        if SHARED_HOSTS.contains(&host) {
            return Err("a shared platform's host without a path identifies nobody");
        }
        Ok(host.to_string())
    } else {
        Ok(format!("{host}{path}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs() {
        assert_eq!(parse_programs("DPRK3] [DPRK4"), vec!["DPRK3", "DPRK4"]);
        assert_eq!(parse_programs("[DPRK3] [DPRK-NKSPEA]"), vec!["DPRK3", "DPRK-NKSPEA"]);
        assert_eq!(parse_programs("-0-"), Vec::<String>::new());
        assert_eq!(parse_programs("NPWMD] [CAATSA - RUSSIA"), vec!["NPWMD", "CAATSA - RUSSIA"]);
    }

    #[test]
    fn remarks_grammar() {
        let r = parse_remarks(
            "DOB 25 Apr 1965; Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ; alt. Digital Currency Address - ETH 0x97b1043abd9e6fc31681635166d430a458d14f9c; Email Address Foo@Example.org; Website http://www.Example.net/; alt. Website https://github.com/someone/; Website github.com; Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210; a.k.a. 'KOMID'.",
            false,
        );
        assert!(r.nksr && !r.truncated);
        let ids: Vec<&str> = r.identifiers.iter().map(Identifier::value).collect();
        assert_eq!(ids, vec!["1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ", "0x97b1043abd9e6fc31681635166d430a458d14f9c", "foo@example.org", "example.net", "github.com/someone"]);
        assert_eq!(r.weak_aliases, vec!["KOMID"]);
        assert_eq!(r.rejected.len(), 1, "{:?}", r.rejected);
    }

    #[test]
    fn truncated_remarks_drop_the_cut_item() {
        let head = "a.k.a. 'X'; ".repeat(72);
        let text = format!("{head}Digital Currency Address - XBT 1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ; alt. Digital Currency Address - XBT 1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z");
        assert_eq!(text.len(), REMARKS_CAP + 1);
        // The cap cuts the last character of the second address, which must not be imported.
        let text: String = text.chars().take(REMARKS_CAP).collect();
        let r = parse_remarks(&text, false);
        assert!(r.truncated);
        assert_eq!(r.identifiers.len(), 1);
        assert!(!parse_remarks(&text, true).truncated);
    }

    #[test]
    fn person_names() {
        assert_eq!(person_name_forms("KIM, Sang Man"), ("KIM Sang Man".into(), Some("Sang Man KIM".into())));
        assert_eq!(person_name_forms("RI WON HO"), ("RI WON HO".into(), None));
    }
}
