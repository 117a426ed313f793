//! Sanctions-list import: OFAC's legacy SDN CSV files (and optionally the UN 1718 list) → a
//! Candor rule pack, plus fuzzy name matching ([`fuzzy`]).
//!
//! `candor sanctions import --sdn sdn.csv [--alt alt.csv] [--add add.csv] [--comments
//! sdn_comments.csv] [--un consolidated.xml|un.csv] [--program DPRK …] [--out pack.json]` calls
//! [`run_import`]. The pack it writes has up to four lists and one rule per list:
//!
//! | list | match | what | rule |
//! |---|---|---|---|
//! | `<prefix>_identifiers` | exact | digital-currency addresses, e-mails, websites from the SDN remarks | `sanctions`, critical, every field |
//! | `<prefix>_entities` | words | entity names and aliases distinctive enough to quote | `sanctions`, critical, employer/experience/bio/text/messages/proposals/reviews.client/headline |
//! | `<prefix>_entities_weak` | words | vessels, aircraft, OFAC's weak a.k.a.s, UN low-quality aliases, short or generic names | disabled |
//! | `<prefix>_individuals` | words | person names | disabled: person-name screening is off by default |
//!
//! The generated pack always passes [`crate::lint`]: the importer lints its own output and
//! returns [`SanctionsError::InvalidPack`] rather than write a pack the extension would refuse.
//! See `docs/sanctions.md`.

pub mod csv;
pub mod fuzzy;
pub mod ofac;
pub mod un;

use crate::diagnostic::Diagnostic;
use ofac::{Identifier, PartyKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// The OFAC program tags imported by default: every DPRK-related tag.
pub const DEFAULT_PROGRAMS: &[&str] = &["DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA"];

/// A pseudo-program: entries whose remarks carry the North Korea Sanctions Regulations
/// boilerplate, whatever their program tags (e.g. `[NPWMD]`-only entries such as Sim Hyon Sop).
pub const NKSR_PROGRAM: &str = "NKSR";

/// The default list prefix; the pack id is `sanctions.` + the prefix with `_` as `-`.
pub const DEFAULT_LIST_PREFIX: &str = "ofac_dprk";

/// What to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportArgs {
    /// OFAC `sdn.csv` (legacy format, no header).
    pub sdn: PathBuf,
    /// OFAC `alt.csv`: aliases.
    pub alt: Option<PathBuf>,
    /// OFAC `add.csv`: addresses (city and country become the entry note).
    pub add: Option<PathBuf>,
    /// OFAC `sdn_comments.csv`: the remarks beyond the legacy CSV's 1,000-character cap.
    pub comments: Option<PathBuf>,
    /// UN consolidated list, XML or CSV; its 1718 (DPRK) entries are merged in.
    pub un: Option<PathBuf>,
    /// OFAC program tags to keep (plus the pseudo-program `NKSR`).
    pub programs: Vec<String>,
    /// Prefix of the list names, `[a-z0-9_-]`, at most 40 characters.
    pub list_prefix: String,
}

impl ImportArgs {
    /// Defaults for everything but the SDN file.
    pub fn new(sdn: impl Into<PathBuf>) -> ImportArgs {
        ImportArgs {
            sdn: sdn.into(),
            alt: None,
            add: None,
            comments: None,
            un: None,
            programs: DEFAULT_PROGRAMS.iter().map(|p| p.to_string()).collect(),
            list_prefix: DEFAULT_LIST_PREFIX.into(),
        }
    }
}

/// A row that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRow {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// A name left out of the lists, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedName {
    pub name: String,
    pub party: String,
    pub reason: String,
}

/// What the import did, for the CLI to print.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    /// Listed parties in the pack (SDN rows selected, plus UN entries not merged into one).
    pub entries: usize,
    /// Alias strings written to the name lists.
    pub aliases: usize,
    /// Identifier list entries by kind: `digital_currency`, `email`, `website`.
    pub identifiers_by_kind: BTreeMap<String, usize>,
    /// Rows of any input file that could not be used.
    pub skipped_rows: usize,
    /// Selected SDN entries per program tag (an entry with two tags counts under both).
    pub programs: BTreeMap<String, usize>,
    /// Entries per list of the pack.
    pub lists: BTreeMap<String, usize>,
    /// Names (values plus aliases) put in the weak, disabled list.
    pub weak_names: usize,
    /// Names left out entirely (country-only names the fairness guard refuses, one-word person
    /// names), with the reason.
    pub skipped_names: Vec<SkippedName>,
    /// Each skipped row (file, line, reason).
    pub skipped_row_details: Vec<SkippedRow>,
    /// UN 1718 entries read, and how many of them matched an SDN entry and were merged.
    pub un_entries: usize,
    pub un_merged: usize,
    /// Entries selected through the North Korea Sanctions Regulations remark because their
    /// program column was empty or cut.
    pub remark_fallback: usize,
    /// Entries whose remarks were cut at 1,000 characters with no sdn_comments.csv to complete
    /// them (identifiers and aliases past the cut are missing).
    pub truncated_remarks: Vec<String>,
    /// Identifiers in the remarks that could not be used, with the reason.
    pub rejected_identifiers: Vec<String>,
    /// The SDN list's date: from the file name (`sdn_2024-05-03.csv`), else the file's
    /// modification date (for a fresh download, the download date).
    pub sdn_date: Option<String>,
    /// Where `sdn_date` comes from: `file name` or `modification time`.
    pub sdn_date_from: Option<String>,
}

impl ImportSummary {
    /// A few human-readable lines for the command line.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let join = |m: &BTreeMap<String, usize>| m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ");
        let date = match (&self.sdn_date, &self.sdn_date_from) {
            (Some(d), Some(from)) => format!("{d}, from the {from}"),
            (Some(d), None) => d.clone(),
            _ => "unknown date".into(),
        };
        let _ = writeln!(out, "{} listed parties (SDN list of {date}), {} aliases", self.entries, self.aliases);
        let _ = writeln!(out, "programs: {}", join(&self.programs));
        let _ = writeln!(out, "lists: {}", join(&self.lists));
        if !self.identifiers_by_kind.is_empty() {
            let _ = writeln!(out, "identifiers: {}", join(&self.identifiers_by_kind));
        }
        if self.un_entries > 0 {
            let _ = writeln!(out, "UN 1718: {} entries, {} merged into SDN entries", self.un_entries, self.un_merged);
        }
        let _ = writeln!(out, "{} weak names in the disabled weak list", self.weak_names);
        if self.remark_fallback > 0 {
            let _ = writeln!(out, "{} entries selected by the North Korea Sanctions Regulations remark (program column empty or cut)", self.remark_fallback);
        }
        for n in &self.skipped_names {
            let _ = writeln!(out, "skipped name \"{}\" ({}): {}", n.name, n.party, n.reason);
        }
        if self.skipped_rows > 0 {
            let _ = writeln!(out, "{} skipped row(s):", self.skipped_rows);
            for r in self.skipped_row_details.iter().take(20) {
                let _ = writeln!(out, "  {}:{}: {}", r.file, r.line, r.reason);
            }
            if self.skipped_rows > 20 {
                let _ = writeln!(out, "  … and {} more", self.skipped_rows - 20);
            }
        }
        if !self.truncated_remarks.is_empty() {
            let _ = writeln!(
                out,
                "{} entries have remarks cut at 1,000 characters; pass --comments sdn_comments.csv to read the rest: {}",
                self.truncated_remarks.len(),
                self.truncated_remarks.join(", ")
            );
        }
        for r in &self.rejected_identifiers {
            let _ = writeln!(out, "identifier not used: {r}");
        }
        out
    }
}

/// The generated pack (JSON text, ends with a newline) and the summary.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub pack_json: String,
    pub summary: ImportSummary,
}

/// Why an import failed.
#[derive(Debug)]
pub enum SanctionsError {
    /// A file could not be read.
    Read { path: PathBuf, message: String },
    /// A file has no content.
    Empty { path: PathBuf },
    /// A file is not UTF-8 text.
    NotUtf8 { path: PathBuf, detail: String },
    /// A file is not in the expected format.
    Format { path: PathBuf, message: String },
    /// A bad argument (list prefix, program list).
    InvalidArgument(String),
    /// No SDN entry carries any of the requested programs.
    NothingSelected { programs: Vec<String> },
    /// The generated pack does not lint clean (too large for the pack limits, or a bug).
    InvalidPack(Vec<Diagnostic>),
}

impl fmt::Display for SanctionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SanctionsError::Read { path, message } => write!(f, "cannot read {}: {message}", path.display()),
            SanctionsError::Empty { path } => write!(f, "{} is empty", path.display()),
            SanctionsError::NotUtf8 { path, detail } => write!(f, "{} is not UTF-8 text: {detail}", path.display()),
            SanctionsError::Format { path, message } => write!(f, "{}: {message}", path.display()),
            SanctionsError::InvalidArgument(m) => f.write_str(m),
            SanctionsError::NothingSelected { programs } => {
                write!(f, "no SDN entry carries any of the programs {}; check --program (tags as in the SDN file, e.g. DPRK3)", programs.join(", "))
            }
            SanctionsError::InvalidPack(diags) => {
                write!(f, "the generated pack does not pass lint ({} problem(s))", diags.len())?;
                for d in diags.iter().take(5) {
                    write!(f, "; {d}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SanctionsError {}

// ---------------------------------------------------------------------------------------------
// Reading files

struct TextFile {
    text: String,
    /// Invalid UTF-8 was replaced by U+FFFD; rows holding one are skipped.
    lossy: bool,
    name: String,
}

fn read_text(path: &Path) -> Result<TextFile, SanctionsError> {
    let bytes = std::fs::read(path).map_err(|e| SanctionsError::Read { path: path.to_path_buf(), message: e.to_string() })?;
    if bytes.iter().all(|b| b.is_ascii_whitespace() || *b == 0x1a) {
        return Err(SanctionsError::Empty { path: path.to_path_buf() });
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(SanctionsError::NotUtf8 { path: path.to_path_buf(), detail: "it is UTF-16; save it as UTF-8".into() });
    }
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    match String::from_utf8(bytes) {
        Ok(text) => Ok(TextFile { text, lossy: false, name }),
        Err(e) => Ok(TextFile { text: String::from_utf8_lossy(e.as_bytes()).into_owned(), lossy: true, name }),
    }
}

/// Fails when most rows were unusable because of their encoding: a Latin-1 or binary file, not
/// a stray bad byte.
fn check_encoding(path: &Path, file: &TextFile, good: usize, skipped: &[SkippedRow]) -> Result<(), SanctionsError> {
    let bad = skipped.iter().filter(|s| s.reason == "not valid UTF-8").count();
    if file.lossy && bad > good {
        return Err(SanctionsError::NotUtf8 {
            path: path.to_path_buf(),
            detail: format!("{bad} of {} rows have bytes that are not UTF-8 (Latin-1?); convert the file to UTF-8", bad + good),
        });
    }
    Ok(())
}

fn unterminated(path: &Path, e: csv::UnterminatedQuote) -> SanctionsError {
    SanctionsError::Format { path: path.to_path_buf(), message: format!("unterminated quoted field starting at line {}", e.line) }
}

// ---------------------------------------------------------------------------------------------
// Dates

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn date_of(t: std::time::SystemTime) -> (i64, u32, u32) {
    let secs = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    civil_from_days(secs.div_euclid(86_400))
}

/// The date in a file name (`sdn_2024-05-03.csv`, `sdn_20240503.csv`, `alt_2025-12.csv`).
pub fn file_name_date(path: &Path) -> Option<String> {
    date_in_name(&path.file_name()?.to_string_lossy())
}

/// The file's modification date, `YYYY-MM-DD` (UTC).
fn modified_date(path: &Path) -> Option<String> {
    let (y, m, d) = date_of(std::fs::metadata(path).ok()?.modified().ok()?);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn date_in_name(name: &str) -> Option<String> {
    let b = name.as_bytes();
    let digits = |i: usize, n: usize| i + n <= b.len() && b[i..i + n].iter().all(u8::is_ascii_digit);
    let plausible = |y: &str, m: &str, d: Option<&str>| {
        let y: u32 = y.parse().unwrap_or(0);
        let m: u32 = m.parse().unwrap_or(0);
        (1990..2200).contains(&y) && (1..=12).contains(&m) && d.map_or(true, |d| d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)))
    };
    for i in 0..b.len() {
        if i > 0 && b[i - 1].is_ascii_digit() {
            continue;
        }
        if digits(i, 4) && b.get(i + 4) == Some(&b'-') && digits(i + 5, 2) {
            let (y, m) = (&name[i..i + 4], &name[i + 5..i + 7]);
            if b.get(i + 7) == Some(&b'-') && digits(i + 8, 2) && !digits(i + 10, 1) {
                let d = &name[i + 8..i + 10];
                if plausible(y, m, Some(d)) {
                    return Some(format!("{y}-{m}-{d}"));
                }
            } else if !digits(i + 7, 1) && plausible(y, m, None) {
                return Some(format!("{y}-{m}"));
            }
        }
        if digits(i, 8) && !digits(i + 8, 1) {
            let (y, m, d) = (&name[i..i + 4], &name[i + 4..i + 6], &name[i + 6..i + 8]);
            if plausible(y, m, Some(d)) {
                return Some(format!("{y}-{m}-{d}"));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Names

/// Legal forms stripped from the start ("LIMITED LIABILITY COMPANY VERUS" → "VERUS").
const LEADING_LEGAL: &[&str] = &[
    "limited liability company", "limited liability partnership", "obshchestvo s ogranichennoi otvetstvennostyu",
    "obshchestvo s ogranichennoy otvetstvennostyu", "zakrytoe aktsionernoe obshchestvo", "otkrytoe aktsionernoe obshchestvo",
    "publichnoe aktsionernoe obshchestvo", "aktsionernoe obshchestvo", "llc", "ooo", "jsc", "ojsc", "cjsc", "pjsc", "ao",
    "zao", "oao", "pao", "tov",
];

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn compact(token: &str) -> String {
    token.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The name without leading and trailing legal forms; `None` when nothing was stripped.
fn strip_legal(name: &str) -> Option<String> {
    let mut toks: Vec<&str> = name.split_whitespace().collect();
    let before = toks.len();
    let legal = |t: &str| {
        let c = compact(t);
        c.is_empty() || fuzzy::is_legal_form(&c)
    };
    // Stripped from the end: legal forms in any spelling ("CO., LTD.", "COMPANY LIMITED",
    // "PTE. LTD.", "& CO").
    while toks.len() > 1 && legal(toks[toks.len() - 1]) {
        toks.pop();
    }
    let lower: Vec<String> = toks.iter().map(|t| compact(t)).collect();
    for phrase in LEADING_LEGAL {
        let p: Vec<&str> = phrase.split(' ').collect();
        if toks.len() > p.len() && lower[..p.len()].iter().zip(&p).all(|(a, b)| a == b) {
            toks.drain(..p.len());
            break;
        }
    }
    if toks.len() == before {
        return None;
    }
    let s = toks.join(" ");
    let s = s.trim_end_matches([',', ';', '-', '&', ' ']).trim_start_matches([',', '-', '&', ' ']);
    (!s.is_empty()).then(|| s.to_string())
}

/// The written forms of one listed name: the name (collapsed, without a trailing full stop),
/// the name without a trailing `(ACRONYM)` plus the acronym, and the name without legal forms.
/// Each form says whether it is derived (a derived form must stand on two words or more).
fn name_forms(name: &str) -> Vec<(String, bool)> {
    let base = collapse(name).trim_end_matches(['.', ',', ';', ' ']).to_string();
    let mut out: Vec<(String, bool)> = vec![(base.clone(), false)];
    if let (Some(open), true) = (base.rfind(" ("), base.ends_with(')')) {
        let inner = base[open + 2..base.len() - 1].trim().to_string();
        let outer = base[..open].trim().to_string();
        if !outer.is_empty() {
            out.push((outer, true));
        }
        if !inner.is_empty() && !inner.contains(['(', ')']) {
            out.push((inner, false));
        }
    }
    let stripped: Vec<(String, bool)> = out.iter().filter_map(|(n, _)| strip_legal(n)).map(|s| (s, true)).collect();
    out.extend(stripped);
    out
}

/// Function words that add nothing to a name.
const FUNCTION_WORDS: &[&str] = &[
    "of", "the", "and", "for", "in", "on", "at", "by", "to", "de", "la", "le", "les", "del", "der", "die",
    "das", "y", "et", "und", "da", "do", "du",
];

/// Whether a name is distinctive enough for a critical whole-word match. Function words aside:
///
/// * with a distinctive word (not generic business filler, not a place, not an everyday English
///   word; three letters or more): three words or longer; or two words one of which is such a
///   word of four letters or more; or one such word of seven letters or more;
/// * with everyday words only ("Silver Star Internet Technology"): four words or more, legal
///   forms not counted;
/// * otherwise never.
///
/// "Office 39", "RGB", "KOMID", "Liberty Shipping Co Ltd", "Ministry of Public Security" are
/// not distinctive; "Korea Osong Shipping", "Alis LLC", "Kimsuky", "Yanbian Silverstar" are.
pub fn is_distinctive_name(name: &str) -> bool {
    let toks: Vec<fuzzy::Token> = fuzzy::tokens(name).into_iter().filter(|t| !FUNCTION_WORDS.contains(&t.text.as_str())).collect();
    let content = toks.iter().filter(|t| !fuzzy::is_legal_form(&t.text)).count();
    let distinctive: Vec<&fuzzy::Token> = toks
        .iter()
        .filter(|t| matches!(t.class, fuzzy::TokenClass::Distinctive | fuzzy::TokenClass::Common))
        .filter(|t| !t.text.bytes().any(|b| b.is_ascii_digit()) && t.text.chars().count() >= 3)
        .collect();
    let uncommon = distinctive.iter().filter(|t| t.class == fuzzy::TokenClass::Distinctive).map(|t| t.text.chars().count()).max();
    match (toks.len(), uncommon) {
        (1, Some(l)) => l >= 7,
        (2, Some(l)) => l >= 4,
        (_, Some(_)) => true,
        (_, None) => !distinctive.is_empty() && content >= 4,
    }
}

/// Key for merging the same party across lists: words without legal forms, "korean" as
/// "korea".
fn merge_key(name: &str) -> String {
    fuzzy::words(name)
        .into_iter()
        .filter(|w| !fuzzy::is_legal_form(w))
        .map(|w| if w == "korean" { "korea".to_string() } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// The parties

#[derive(Debug, Clone)]
struct Party {
    kind: PartyKind,
    display: String,
    /// Names with their weakness (OFAC remark a.k.a.s, UN low-quality aliases).
    names: Vec<(String, bool)>,
    refs: Vec<String>,
    places: Vec<String>,
    date: Option<String>,
    identifiers: Vec<Identifier>,
}

impl Party {
    fn note(&self) -> String {
        let mut note = self.refs.join("; ");
        let mut places: Vec<&String> = Vec::new();
        for p in &self.places {
            if !places.contains(&p) {
                places.push(p);
            }
        }
        if !places.is_empty() {
            let shown: Vec<&str> = places.iter().take(3).map(|s| s.as_str()).collect();
            note.push_str("; ");
            note.push_str(&shown.join(" | "));
            if places.len() > 3 {
                note.push_str(&format!(" (+{} more)", places.len() - 3));
            }
        }
        note
    }

    fn add_name(&mut self, name: &str, weak: bool) {
        let name = collapse(name);
        if name.is_empty() {
            return;
        }
        match self.names.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            // A name listed both as strong and weak is strong.
            Some(existing) => existing.1 &= weak,
            None => self.names.push((name, weak)),
        }
    }
}

fn is_person(kind: PartyKind) -> bool {
    kind == PartyKind::Individual
}

// ---------------------------------------------------------------------------------------------
// The pack

#[derive(Serialize)]
struct PackOut {
    candor_pack: u32,
    id: String,
    title: String,
    publisher: String,
    version: String,
    description: String,
    sources: BTreeMap<String, SourceOut>,
    rules: Vec<RuleOut>,
    lists: BTreeMap<String, ListOut>,
}

#[derive(Serialize)]
struct SourceOut {
    title: String,
    publisher: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    url: String,
}

#[derive(Serialize)]
struct RuleOut {
    id: String,
    title: String,
    family: &'static str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<&'static str>>,
    list: String,
    explain: String,
    advice: String,
    sources: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    disabled: bool,
}

#[derive(Serialize)]
struct ListOut {
    description: String,
    #[serde(rename = "match")]
    match_kind: &'static str,
    entries: Vec<EntryOut>,
}

#[derive(Serialize)]
struct EntryOut {
    value: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
}

/// Fields an entity-name rule searches: where a CV or profile names employers and clients.
const ENTITY_FIELDS: &[&str] = &["experience.employer", "experience", "bio", "text", "messages", "proposals", "reviews.client", "headline"];

/// Fields of the (disabled) person-name rule. Not the candidate's `name` alone: the compiler
/// refuses a text rule on the name only, and a listed person is as likely to appear as a
/// reference, a manager or a payee in the text.
const PERSON_FIELDS: &[&str] = &["name", "experience", "bio", "text", "messages", "proposals", "reviews.client", "contacts"];

fn valid_prefix(p: &str) -> bool {
    !p.is_empty() && p.len() <= 40 && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Merges UN 1718 records into the SDN parties (same person/non-person kind, a name or good
/// alias with the same [`merge_key`]) or adds them as parties of their own.
fn merge_un(parties: &mut Vec<Party>, records: Vec<un::UnRecord>, summary: &mut ImportSummary) {
    let mut keys: HashMap<(bool, String), usize> = HashMap::new();
    for (i, p) in parties.iter().enumerate() {
        for (n, weak) in &p.names {
            if !weak {
                keys.entry((is_person(p.kind), merge_key(n))).or_insert(i);
            }
        }
    }
    for r in records {
        let person = r.kind == un::UnKind::Individual;
        let listed = r.listed_on.as_deref().map(|d| format!(" (listed {d})")).unwrap_or_default();
        let reference = format!("UN 1718 {}{listed}", r.reference);
        let hit = std::iter::once(&r.name).chain(r.aliases.iter().filter(|(_, w)| !w).map(|(a, _)| a)).find_map(|n| keys.get(&(person, merge_key(n))).copied());
        let target = match hit {
            Some(i) => {
                summary.un_merged += 1;
                parties[i].refs.push(reference);
                i
            }
            None => {
                let kind = if person { PartyKind::Individual } else { PartyKind::Entity };
                parties.push(Party {
                    kind,
                    display: collapse(&r.name),
                    names: Vec::new(),
                    refs: vec![reference],
                    places: Vec::new(),
                    date: r.listed_on.clone(),
                    identifiers: Vec::new(),
                });
                parties.len() - 1
            }
        };
        let p = &mut parties[target];
        p.add_name(&r.name, false);
        for (a, weak) in &r.aliases {
            p.add_name(a, *weak);
        }
        if p.places.is_empty() {
            p.places.extend(r.places);
        }
    }
}

/// The four name and identifier lists of the pack.
struct Lists {
    identifiers: Vec<EntryOut>,
    entities: Vec<EntryOut>,
    weak: Vec<EntryOut>,
    individuals: Vec<EntryOut>,
}

/// Sorts every party's names into the critical, weak and person lists and collects the
/// identifiers (one entry per identifier, its currencies and owners in the note).
fn build_lists(parties: &[Party], summary: &mut ImportSummary) -> Lists {
    let mut identifiers: Vec<(String, Vec<String>, Vec<String>)> = Vec::new(); // value, currencies, owners
    let mut id_index: HashMap<String, usize> = HashMap::new();
    let mut id_kinds: HashMap<String, &'static str> = HashMap::new();
    let mut entities = Vec::new();
    let mut weak = Vec::new();
    let mut individuals = Vec::new();
    for p in parties {
        let note = p.note();
        let owner = format!("{} ({})", p.display, p.refs.first().map(String::as_str).unwrap_or(""));
        for id in &p.identifiers {
            let value = id.value().to_string();
            // The compiler folds case for 0x… hex, e-mails and anything with a dot.
            let key = if value.starts_with("0x") || value.contains('@') || value.contains('.') || value.starts_with("bc1") { value.to_ascii_lowercase() } else { value.clone() };
            let i = *id_index.entry(key).or_insert_with(|| {
                identifiers.push((value.clone(), Vec::new(), Vec::new()));
                id_kinds.insert(value.clone(), id.kind());
                identifiers.len() - 1
            });
            if let Identifier::DigitalCurrency { currency, .. } = id {
                if !identifiers[i].1.contains(currency) {
                    identifiers[i].1.push(currency.clone());
                }
            }
            if !identifiers[i].2.contains(&owner) {
                identifiers[i].2.push(owner.clone());
            }
        }
        let mut strong_names: Vec<String> = Vec::new();
        let mut weak_names: Vec<String> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for (name, weak_source) in &p.names {
            let forms = if is_person(p.kind) { vec![(collapse(name).trim_end_matches(['.', ',']).to_string(), false)] } else { name_forms(name) };
            for (form, derived) in forms {
                let key = form.to_lowercase();
                if form.is_empty() || !seen.insert(key) {
                    continue;
                }
                if let Some(category) = crate::fairness::protected_entry(&form) {
                    summary.skipped_names.push(SkippedName { name: form, party: p.display.clone(), reason: format!("only {category} words; the fairness guard refuses such list entries") });
                    continue;
                }
                let words = fuzzy::words(&form);
                if words.is_empty() {
                    continue;
                }
                if is_person(p.kind) {
                    if words.len() < 2 {
                        summary.skipped_names.push(SkippedName { name: form, party: p.display.clone(), reason: "a one-word person name".into() });
                    } else {
                        strong_names.push(form);
                    }
                    continue;
                }
                let distinctive = is_distinctive_name(&form);
                if derived && (words.len() < 2 || !distinctive) {
                    continue; // a shortened form that no longer says anything
                }
                if p.kind == PartyKind::Entity && !weak_source && distinctive {
                    strong_names.push(form);
                } else {
                    weak_names.push(form);
                }
            }
        }
        let entry = |mut names: Vec<String>| {
            let value = names.remove(0);
            EntryOut { value, aliases: names, note: note.clone(), date: p.date.clone() }
        };
        if is_person(p.kind) {
            if !strong_names.is_empty() {
                individuals.push(entry(strong_names));
            }
            continue;
        }
        if !strong_names.is_empty() {
            entities.push(entry(strong_names));
        }
        if !weak_names.is_empty() {
            summary.weak_names += weak_names.len();
            weak.push(entry(weak_names));
        }
    }
    let id_entries: Vec<EntryOut> = identifiers
        .into_iter()
        .map(|(value, currencies, owners)| {
            *summary.identifiers_by_kind.entry(id_kinds[&value].to_string()).or_default() += 1;
            let kind = match id_kinds[&value] {
                "email" => "e-mail".to_string(),
                "website" => "website".to_string(),
                _ => currencies.join(", "),
            };
            EntryOut { value, aliases: Vec::new(), note: format!("{kind}; {}", owners.join(" / ")), date: None }
        })
        .collect();
    summary.aliases = [&entities, &weak, &individuals].iter().flat_map(|l| l.iter()).map(|e| e.aliases.len()).sum();

    Lists { identifiers: id_entries, entities, weak, individuals }
}

/// Runs an import: reads the files, selects the programs, builds and lints the pack.
pub fn run_import(args: &ImportArgs) -> Result<ImportOutcome, SanctionsError> {
    if !valid_prefix(&args.list_prefix) {
        return Err(SanctionsError::InvalidArgument(format!(
            "list prefix \"{}\" must be 1-40 characters of a-z 0-9 _ -",
            args.list_prefix
        )));
    }
    let programs: Vec<String> = args
        .programs
        .iter()
        .map(|p| p.trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace()).split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase())
        .filter(|p| !p.is_empty())
        .collect();
    if programs.is_empty() {
        return Err(SanctionsError::InvalidArgument("at least one --program is needed".into()));
    }
    let mut summary = ImportSummary::default();

    // --- sdn.csv
    let sdn_file = read_text(&args.sdn)?;
    let (rows, skipped) = ofac::parse_sdn(&sdn_file.text, &sdn_file.name, sdn_file.lossy).map_err(|e| unterminated(&args.sdn, e))?;
    check_encoding(&args.sdn, &sdn_file, rows.len(), &skipped)?;
    if rows.is_empty() {
        let why = skipped.first().map(|s| format!(" (line {}: {})", s.line, s.reason)).unwrap_or_default();
        return Err(SanctionsError::Format {
            path: args.sdn.clone(),
            message: format!("no usable row: expected OFAC's legacy sdn.csv, 12 columns and no header{why}"),
        });
    }
    summary.skipped_row_details.extend(skipped);
    (summary.sdn_date, summary.sdn_date_from) = match (file_name_date(&args.sdn), modified_date(&args.sdn)) {
        (Some(d), _) => (Some(d), Some("file name".into())),
        (None, Some(d)) => (Some(d), Some("modification time".into())),
        (None, None) => (None, None),
    };

    // --- sdn_comments.csv
    let mut continuation: HashMap<String, String> = HashMap::new();
    if let Some(path) = &args.comments {
        let f = read_text(path)?;
        let (rows, skipped) = ofac::parse_comments(&f.text, &f.name, f.lossy).map_err(|e| unterminated(path, e))?;
        check_encoding(path, &f, rows.len(), &skipped)?;
        summary.skipped_row_details.extend(skipped);
        for (ent, text) in rows {
            continuation.entry(ent).or_default().push_str(&text);
        }
    }

    // --- select
    let known_dprk: BTreeSet<&str> = DEFAULT_PROGRAMS.iter().copied().collect();
    let wants_dprk = programs.iter().any(|p| known_dprk.contains(p.as_str()));
    let wants_nksr = programs.iter().any(|p| p == NKSR_PROGRAM);
    let mut parties: Vec<Party> = Vec::new();
    let mut by_ent: HashMap<String, usize> = HashMap::new();
    for row in &rows {
        let cont = continuation.get(&row.ent_num);
        let remarks_text = match cont {
            Some(c) => format!("{}{}", row.remarks, c),
            None => row.remarks.clone(),
        };
        let remarks = ofac::parse_remarks(&remarks_text, cont.is_some());
        let tagged = row.programs.iter().any(|p| programs.contains(p));
        // The program column is empty, or its last tag was cut ("DPR"): the remark decides.
        let last_cut = row.programs.last().is_some_and(|last| {
            !known_dprk.contains(last.as_str()) && programs.iter().any(|p| p.len() > last.len() && p.starts_with(last.as_str()))
        });
        let column_cut = row.programs.is_empty() || row.programs_raw.ends_with('[') || last_cut;
        let fallback = !tagged && wants_dprk && column_cut && remarks.nksr;
        let nksr = !tagged && wants_nksr && remarks.nksr;
        if !(tagged || fallback || nksr) {
            continue;
        }
        let mut tags: Vec<String> = row.programs.iter().map(|p| format!("[{p}]")).collect();
        if fallback {
            summary.remark_fallback += 1;
            tags.push("[program column cut; North Korea Sanctions Regulations remark]".into());
        } else if nksr {
            tags.push("(North Korea Sanctions Regulations remark)".into());
            *summary.programs.entry(NKSR_PROGRAM.into()).or_default() += 1;
        }
        // A cut last tag ("DPR") is not a program.
        let counted = if last_cut { row.programs.len() - 1 } else { row.programs.len() };
        for p in &row.programs[..counted] {
            *summary.programs.entry(p.clone()).or_default() += 1;
        }
        let (display, reversed) = if is_person(row.kind) { ofac::person_name_forms(&row.name) } else { (collapse(&row.name), None) };
        if remarks.truncated {
            summary.truncated_remarks.push(format!("{} (SDN {})", display, row.ent_num));
        }
        summary.rejected_identifiers.extend(remarks.rejected.iter().map(|r| format!("{display} (SDN {}): {r}", row.ent_num)));
        let mut party = Party {
            kind: row.kind,
            display: display.clone(),
            names: Vec::new(),
            refs: vec![format!("OFAC SDN {} {}", row.ent_num, tags.join(" ")).trim().to_string()],
            places: Vec::new(),
            date: None,
            identifiers: remarks.identifiers,
        };
        party.add_name(&display, false);
        if let Some(r) = reversed {
            party.add_name(&r, false);
        }
        for a in &remarks.weak_aliases {
            party.add_name(a, true);
        }
        by_ent.insert(row.ent_num.clone(), parties.len());
        parties.push(party);
    }
    if parties.is_empty() {
        return Err(SanctionsError::NothingSelected { programs });
    }

    // --- alt.csv, add.csv
    if let Some(path) = &args.alt {
        let f = read_text(path)?;
        let (rows, skipped) = ofac::parse_alt(&f.text, &f.name, f.lossy).map_err(|e| unterminated(path, e))?;
        check_encoding(path, &f, rows.len(), &skipped)?;
        if rows.is_empty() {
            return Err(SanctionsError::Format { path: path.clone(), message: "no usable row: expected OFAC's alt.csv, 5 columns and no header".into() });
        }
        summary.skipped_row_details.extend(skipped);
        for alt in rows {
            if let Some(&i) = by_ent.get(&alt.ent_num) {
                let p = &mut parties[i];
                if is_person(p.kind) {
                    let (n, rev) = ofac::person_name_forms(&alt.name);
                    p.add_name(&n, alt.weak);
                    if let Some(r) = rev {
                        p.add_name(&r, alt.weak);
                    }
                } else {
                    p.add_name(&alt.name, alt.weak);
                }
            }
        }
    }
    if let Some(path) = &args.add {
        let f = read_text(path)?;
        let (rows, skipped) = ofac::parse_add(&f.text, &f.name, f.lossy).map_err(|e| unterminated(path, e))?;
        check_encoding(path, &f, rows.len(), &skipped)?;
        if rows.is_empty() {
            return Err(SanctionsError::Format { path: path.clone(), message: "no usable row: expected OFAC's add.csv, 6 columns and no header".into() });
        }
        summary.skipped_row_details.extend(skipped);
        for a in rows {
            if let Some(&i) = by_ent.get(&a.ent_num) {
                let place = a.place();
                if !place.is_empty() {
                    parties[i].places.push(place);
                }
            }
        }
    }

    // --- UN
    let mut un_date = None;
    if let Some(path) = &args.un {
        let f = read_text(path)?;
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let is_xml = match ext.as_str() {
            "xml" => true,
            "csv" => false,
            _ => f.text.trim_start_matches('\u{feff}').trim_start().starts_with('<'),
        };
        let list = if is_xml { un::parse_xml(&f.text, &f.name) } else { un::parse_csv(&f.text, &f.name, f.lossy) }
            .map_err(|message| SanctionsError::Format { path: path.clone(), message })?;
        check_encoding(path, &f, list.records.len(), &list.skipped)?;
        summary.skipped_row_details.extend(list.skipped);
        // The XML says when it was generated; a CSV's modification time says nothing about
        // the list, so without a date in its name it has none.
        un_date = list.generated.or_else(|| file_name_date(path));
        summary.un_entries = list.records.len();
        merge_un(&mut parties, list.records, &mut summary);
    }
    summary.entries = parties.len();

    // --- lists
    let prefix = &args.list_prefix;
    let Lists { identifiers: id_entries, entities, weak, individuals } = build_lists(&parties, &mut summary);

    // --- sources, rules
    let mut sources = BTreeMap::new();
    let mut files = vec![args.sdn.as_path()];
    files.extend([&args.alt, &args.add, &args.comments].into_iter().flatten().map(PathBuf::as_path));
    let file_names: Vec<String> = files.iter().map(|p| p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())).collect();
    sources.insert(
        "OFAC-SDN".to_string(),
        SourceOut {
            title: format!("Specially Designated Nationals and Blocked Persons List (SDN), legacy CSV: {}", file_names.join(", ")),
            publisher: "US Department of the Treasury, Office of Foreign Assets Control (OFAC)".into(),
            date: summary.sdn_date.clone(),
            url: "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists".into(),
        },
    );
    let mut cite = vec!["OFAC-SDN".to_string()];
    if args.un.is_some() {
        sources.insert(
            "UN-1718".to_string(),
            SourceOut {
                title: "United Nations Security Council Consolidated List: 1718 Committee (DPRK) entries".into(),
                publisher: "United Nations Security Council".into(),
                date: un_date,
                url: "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list".into(),
            },
        );
        cite.push("UN-1718".into());
    }
    let program_text = programs.join(", ");
    // Titles name North Korea only when every requested program is a DPRK one.
    let dprk_only = programs.iter().all(|p| known_dprk.contains(p.as_str()) || p == NKSR_PROGRAM);
    let mut lists = BTreeMap::new();
    let mut rules = Vec::new();
    let ofac_only = vec!["OFAC-SDN".to_string()];
    let mut add_list = |suffix: &str, description: String, match_kind: &'static str, entries: Vec<EntryOut>, rule: RuleOut| {
        if entries.is_empty() {
            return;
        }
        let name = format!("{prefix}_{suffix}");
        summary.lists.insert(name.clone(), entries.len());
        lists.insert(name, ListOut { description, match_kind, entries });
        rules.push(rule);
    };
    add_list(
        "identifiers",
        format!("Digital-currency addresses, e-mail addresses and websites listed on SDN entries ({program_text})"),
        "exact",
        id_entries,
        RuleOut {
            id: format!("SIG-44.{prefix}.identifier"),
            title: "Crypto address, e-mail or website is on the US sanctions list".into(),
            family: "sanctions",
            severity: "critical",
            fields: None,
            list: format!("{prefix}_identifiers"),
            explain: format!("This exact identifier is listed by OFAC on a sanctioned party{}. Paying it or dealing with its owner can breach sanctions law.", if dprk_only { " tied to North Korea" } else { "" }),
            advice: "Do not pay or reply with anything of value. Escalate to your compliance or legal team today.".into(),
            sources: ofac_only.clone(),
            disabled: false,
        },
    );
    add_list(
        "entities",
        format!("Names and aliases of sanctioned entities ({program_text}), distinctive enough to quote"),
        "words",
        entities,
        RuleOut {
            id: format!("SIG-19.{prefix}.entity"),
            title: if dprk_only { "Names a sanctioned North Korea-linked entity".into() } else { "Names a sanctioned entity".into() },
            family: "sanctions",
            severity: "critical",
            fields: Some(ENTITY_FIELDS.to_vec()),
            list: format!("{prefix}_entities"),
            explain: format!(
                "This name matches an entity on the sanctions list{}. Working for, paying or contracting with it can breach sanctions law.",
                if dprk_only { ", such as a front company that employs or places North Korean IT workers" } else { "" }
            ),
            advice: "Check the match in context (same company, same place?). If it is the listed entity, stop and escalate to compliance or legal today.".into(),
            sources: cite.clone(),
            disabled: false,
        },
    );
    add_list(
        "entities_weak",
        "Vessel and aircraft names, OFAC's weak a.k.a.s, UN low-quality aliases and short or generic entity names: whole-word matches on these are mostly coincidences".into(),
        "words",
        weak,
        RuleOut {
            id: format!("SIG-19.{prefix}.entity-weak"),
            title: "Names a sanctioned vessel or a short sanctioned alias (weak: short or generic names, off by default)".into(),
            family: "sanctions",
            severity: "medium",
            fields: Some(ENTITY_FIELDS.to_vec()),
            list: format!("{prefix}_entities_weak"),
            explain: "This word or phrase is a vessel name, an acronym or another weak alias on the sanctions list. Many unrelated companies, ships and words share such names, so a match alone means little.".into(),
            advice: "Treat it as a prompt to check the employer's full name, country and registry number.".into(),
            sources: cite.clone(),
            disabled: true,
        },
    );
    add_list(
        "individuals",
        "Names of sanctioned individuals: person-name screening is weak (stolen and synthetic identities, shared names) and off by default".into(),
        "words",
        individuals,
        RuleOut {
            id: format!("SIG-19.{prefix}.individual"),
            title: "Names a sanctioned person (weak: person-name screening, off by default)".into(),
            family: "sanctions",
            severity: "medium",
            fields: Some(PERSON_FIELDS.to_vec()),
            list: format!("{prefix}_individuals"),
            explain: "A name on the page matches a sanctioned individual. Fake candidates use stolen or invented identities, so a listed name rarely appears, while innocent people share common names; a name match alone proves nothing.".into(),
            advice: "Compare date of birth, nationality documents and photo with the list entry before acting; never reject a candidate on a name match alone.".into(),
            sources: cite.clone(),
            disabled: true,
        },
    );

    let (y, m, d) = date_of(std::time::SystemTime::now());
    let id = format!("sanctions.{}", prefix.replace('_', "-"));
    let source_names = if args.un.is_some() { "OFAC SDN + UN 1718" } else { "OFAC SDN" };
    let pack = PackOut {
        candor_pack: 1,
        id,
        title: format!("Sanctions: {source_names} ({program_text})"),
        publisher: "Generated by candor sanctions import from public US Treasury (OFAC) and UN data".into(),
        version: format!("{y}.{m}.{d}"),
        description: format!(
            "Imported {y:04}-{m:02}-{d:02} from {}{}. {} listed parties; SDN list dated {}. Refresh from OFAC's download: see docs/sanctions.md.",
            file_names.join(", "),
            args.un.as_ref().and_then(|p| p.file_name()).map(|n| format!(" and {}", n.to_string_lossy())).unwrap_or_default(),
            summary.entries,
            summary.sdn_date.as_deref().unwrap_or("unknown"),
        ),
        sources,
        rules,
        lists,
    };
    summary.skipped_rows = summary.skipped_row_details.len();
    let mut pack_json = serde_json::to_string_pretty(&pack).map_err(|e| SanctionsError::InvalidArgument(format!("cannot serialise the pack: {e}")))?;
    pack_json.push('\n');
    let diags = crate::lint(&pack_json);
    if !diags.is_empty() {
        return Err(SanctionsError::InvalidPack(diags));
    }
    Ok(ImportOutcome { pack_json, summary })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_846), (2024, 5, 3));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(date_in_name("sdn_2024-05-03.csv").as_deref(), Some("2024-05-03"));
        assert_eq!(date_in_name("alt_2025-12.csv").as_deref(), Some("2025-12"));
        assert_eq!(date_in_name("sdn_dprk_itworker_extract_20240503.csv").as_deref(), Some("2024-05-03"));
        assert_eq!(date_in_name("un_1718_dprk.csv"), None);
        assert_eq!(date_in_name("sdn.csv"), None);
    }

    #[test]
    fn legal_forms() {
        assert_eq!(strip_legal("YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD").as_deref(), Some("YANBIAN SILVERSTAR NETWORK TECHNOLOGY"));
        assert_eq!(strip_legal("LIMITED LIABILITY COMPANY ALIS").as_deref(), Some("ALIS"));
        assert_eq!(strip_legal("KOREA KUMSAN TRADING CORPORATION & CO").as_deref(), Some("KOREA KUMSAN TRADING"));
        assert_eq!(strip_legal("VOLASYS SILVER STAR"), None);
        let forms: Vec<String> = name_forms("GENERAL BUREAU OF ATOMIC ENERGY (GBAE)").into_iter().map(|f| f.0).collect();
        assert_eq!(forms, vec!["GENERAL BUREAU OF ATOMIC ENERGY (GBAE)", "GENERAL BUREAU OF ATOMIC ENERGY", "GBAE"]);
    }

    #[test]
    fn distinctive_names() {
        for n in ["KOREA OSONG SHIPPING", "ALIS LLC", "KIMSUKY", "YANBIAN SILVERSTAR", "LIMITED LIABILITY COMPANY ALIS"] {
            assert!(is_distinctive_name(n), "{n}");
        }
        for n in ["SILVER STAR INTERNET TECHNOLOGY", "MOKRAN LLC", "SINBAD.IO", "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY"] {
            assert!(is_distinctive_name(n), "{n}");
        }
        for n in [
            "OFFICE 39", "RGB", "KOMID", "UNIT 110", "KOREA CO LTD", "GLOBAL IT SOLUTIONS", "LIBERTY SHIPPING CO LTD",
            "MINISTRY OF PUBLIC SECURITY", "MINISTRY OF LABOR", "FIRST CREDIT BANK", "ALWAYS SMOOTH LIMITED",
            "AGRICULTURAL DEVELOPMENT BANK", "DIVISION 39", "SILVER STAR CHINA",
        ] {
            assert!(!is_distinctive_name(n), "{n}");
        }
    }
}
