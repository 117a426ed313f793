//! The UN Security Council Consolidated List, 1718 (DPRK) regime.
//!
//! Two forms:
//!
//! * **XML**, as the UN publishes it (`consolidated.xml`): `<CONSOLIDATED_LIST
//!   dateGenerated="…">` holding `<INDIVIDUAL>` and `<ENTITY>` elements with `FIRST_NAME`,
//!   `SECOND_NAME`, `THIRD_NAME`, `FOURTH_NAME`, `UN_LIST_TYPE` (`DPRK`), `REFERENCE_NUMBER`
//!   (`KPi.001`, `KPe.001`), `LISTED_ON`, `INDIVIDUAL_ALIAS`/`ENTITY_ALIAS` (`QUALITY`,
//!   `ALIAS_NAME`) and `INDIVIDUAL_ADDRESS`/`ENTITY_ADDRESS` (`CITY`, `COUNTRY`). A small
//!   tolerant tag reader handles it: no DTD, no namespaces beyond stripping a prefix, entities
//!   and CDATA decoded, unclosed tags closed by their parent.
//! * **CSV** with a header (`type,reference_number,dataid,name,…,listed_on,…,aliases,addresses,…`),
//!   aliases as `NAME (Good) | OTHER (a.k.a.)`.
//!
//! Only the 1718 regime is kept: `UN_LIST_TYPE` DPRK, or a `KP` reference number.

use super::{csv, SkippedRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnKind {
    Individual,
    Entity,
}

/// One listed party.
#[derive(Debug, Clone)]
pub struct UnRecord {
    /// `KPi.001`, `KPe.001`.
    pub reference: String,
    pub kind: UnKind,
    pub name: String,
    /// Aliases with their weakness (`QUALITY` Low).
    pub aliases: Vec<(String, bool)>,
    /// `LISTED_ON`, `YYYY-MM-DD`.
    pub listed_on: Option<String>,
    /// "City, Country" of each address.
    pub places: Vec<String>,
}

/// The records of one file.
#[derive(Debug, Clone, Default)]
pub struct UnList {
    pub records: Vec<UnRecord>,
    /// `dateGenerated` of the XML, `YYYY-MM-DD`.
    pub generated: Option<String>,
    pub skipped: Vec<SkippedRow>,
    /// Records of other regimes (ISIL/Al-Qaida, Libya, …), left out.
    pub other_regimes: usize,
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn date_prefix(s: &str) -> Option<String> {
    let d = s.trim().get(..10)?;
    let b = d.as_bytes();
    let ok = b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    ok.then(|| d.to_string())
}

fn is_dprk(list_type: &str, reference: &str) -> bool {
    list_type.trim().eq_ignore_ascii_case("DPRK") || reference.trim().to_ascii_uppercase().starts_with("KP")
}

// ---------------------------------------------------------------------------------------------
// XML

#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
    line: usize,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    fn child_text(&self, name: &str) -> String {
        self.child(name).map(|c| collapse(&c.all_text())).unwrap_or_default()
    }

    fn all_text(&self) -> String {
        let mut s = self.text.clone();
        for c in &self.children {
            s.push(' ');
            s.push_str(&c.all_text());
        }
        s
    }

    fn walk<'a>(&'a self, out: &mut Vec<&'a Element>, names: &[&str]) {
        if names.contains(&self.name.as_str()) {
            out.push(self);
            return;
        }
        for c in &self.children {
            c.walk(out, names);
        }
    }
}

/// Decodes the five XML entities and numeric character references; unknown entities stay as
/// written.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Bytes, not a str slice: byte 12 may fall inside a multi-byte character (found by fuzzing).
        let Some(end) = rest.as_bytes()[..rest.len().min(12)].iter().position(|&b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..end];
        let decoded = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") || ent.starts_with("#X") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse::<u32>().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn local_name(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_ascii_uppercase()
}

fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
        let Some(close) = after[1..].find(q) else { break };
        out.push((local_name(&name), decode_entities(&after[1..1 + close])));
        rest = after[close + 2..].trim_start();
    }
    out
}

/// Builds an element tree. Never fails: malformed markup yields a partial tree.
fn parse_tree(text: &str) -> Element {
    let mut stack: Vec<Element> = vec![Element { name: "#root".into(), ..Element::default() }];
    let mut line = 1usize;
    let mut pos = 0usize;
    let push_text = |stack: &mut Vec<Element>, t: &str| {
        if let Some(top) = stack.last_mut() {
            top.text.push_str(t);
        }
    };
    while pos < text.len() {
        let rest = &text[pos..];
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, &decode_entities(rest));
            break;
        };
        if lt > 0 {
            push_text(&mut stack, &decode_entities(&rest[..lt]));
            line += rest[..lt].matches('\n').count();
            pos += lt;
            continue;
        }
        // `rest` starts with '<': find how far this markup goes.
        let consumed = if rest.starts_with("<!--") {
            rest.find("-->").map_or(rest.len(), |i| i + 3)
        } else if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>").unwrap_or(rest.len());
            push_text(&mut stack, &rest[9..end.max(9)]);
            (end + 3).min(rest.len())
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            rest.find('>').map_or(rest.len(), |i| i + 1)
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').unwrap_or(after.len());
            let name = local_name(after[..end].trim());
            if stack.iter().skip(1).any(|e| e.name == name) {
                // Close everything up to the matching element (tolerates unclosed children).
                while stack.len() > 1 {
                    let el = stack.pop().unwrap_or_default();
                    let done = el.name == name;
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(el);
                    }
                    if done {
                        break;
                    }
                }
            }
            (end + 3).min(rest.len())
        } else {
            let end = rest.find('>').unwrap_or(rest.len());
            let inner = &rest[1..end];
            let self_closing = inner.ends_with('/');
            let inner = inner.trim_end_matches('/');
            let (name, attrs) = match inner.find(char::is_whitespace) {
                Some(i) => (&inner[..i], parse_attrs(&inner[i..])),
                None => (inner, Vec::new()),
            };
            let el = Element { name: local_name(name), attrs, line, ..Element::default() };
            if self_closing {
                if let Some(top) = stack.last_mut() {
                    top.children.push(el);
                }
            } else {
                stack.push(el);
            }
            (end + 1).min(rest.len())
        };
        line += rest[..consumed].matches('\n').count();
        pos += consumed;
    }
    while stack.len() > 1 {
        let el = stack.pop().unwrap_or_default();
        if let Some(parent) = stack.last_mut() {
            parent.children.push(el);
        }
    }
    stack.pop().unwrap_or_default()
}

/// Reads the UN consolidated list XML. `Err` when the text has no `INDIVIDUAL` or `ENTITY`
/// element at all (not the UN format).
pub fn parse_xml(text: &str, file: &str) -> Result<UnList, String> {
    let root = parse_tree(text);
    let mut list = UnList::default();
    let mut found = Vec::new();
    root.walk(&mut found, &["CONSOLIDATED_LIST"]);
    if let Some(cl) = found.first() {
        list.generated = cl.attrs.iter().find(|(k, _)| k == "DATEGENERATED").and_then(|(_, v)| date_prefix(v));
    }
    let mut parties = Vec::new();
    root.walk(&mut parties, &["INDIVIDUAL", "ENTITY"]);
    if parties.is_empty() {
        return Err(format!("{file} has no INDIVIDUAL or ENTITY element; expected the UN consolidated list XML"));
    }
    for el in parties {
        let reference = el.child_text("REFERENCE_NUMBER");
        if !is_dprk(&el.child_text("UN_LIST_TYPE"), &reference) {
            list.other_regimes += 1;
            continue;
        }
        let (kind, alias_tag, address_tag) = if el.name == "INDIVIDUAL" {
            (UnKind::Individual, "INDIVIDUAL_ALIAS", "INDIVIDUAL_ADDRESS")
        } else {
            (UnKind::Entity, "ENTITY_ALIAS", "ENTITY_ADDRESS")
        };
        let name = collapse(
            &["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"].iter().map(|t| el.child_text(t)).collect::<Vec<_>>().join(" "),
        );
        if reference.is_empty() || name.is_empty() {
            list.skipped.push(SkippedRow { file: file.into(), line: el.line, reason: "no REFERENCE_NUMBER or no name".into() });
            continue;
        }
        let aliases = el
            .children
            .iter()
            .filter(|c| c.name == alias_tag)
            .filter_map(|a| {
                let n = a.child_text("ALIAS_NAME");
                let weak = a.child_text("QUALITY").eq_ignore_ascii_case("low");
                n.chars().any(char::is_alphanumeric).then_some((n, weak))
            })
            .collect();
        let places = el
            .children
            .iter()
            .filter(|c| c.name == address_tag)
            .map(|a| {
                ["CITY", "STATE_PROVINCE", "COUNTRY"].iter().map(|t| a.child_text(t)).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
            })
            .filter(|p| !p.is_empty())
            .collect();
        list.records.push(UnRecord { reference, kind, name, aliases, listed_on: date_prefix(&el.child_text("LISTED_ON")), places });
    }
    Ok(list)
}

// ---------------------------------------------------------------------------------------------
// CSV

/// Splits `NAME (Good)` into the name and its weakness. Only a trailing quality mark is
/// removed; other parentheses ("Jin Tiesan (金铁三)") stay.
fn alias_quality(raw: &str) -> (String, bool) {
    let t = raw.trim();
    if let Some(open) = t.rfind(" (") {
        if t.ends_with(')') {
            let q = t[open + 2..t.len() - 1].trim().to_ascii_lowercase();
            if ["good", "low", "a.k.a.", "f.k.a.", "n.k.a.", "aka", "fka", "nka"].contains(&q.as_str()) {
                return (collapse(&t[..open]), q == "low");
            }
        }
    }
    (collapse(t), false)
}

/// Reads the CSV form (header required).
pub fn parse_csv(text: &str, file: &str, lossy: bool) -> Result<UnList, String> {
    let records = csv::parse(text).map_err(|e| format!("{file}: unterminated quoted field starting at line {}", e.line))?;
    let mut it = records.into_iter();
    let header = it.next().ok_or_else(|| format!("{file} is empty"))?;
    let cols: Vec<String> = header.fields.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let col = |name: &str| cols.iter().position(|c| c == name);
    let (Some(c_type), Some(c_ref), Some(c_name)) = (col("type"), col("reference_number"), col("name")) else {
        return Err(format!("{file}: the header needs the columns type, reference_number and name (found: {})", cols.join(", ")));
    };
    let (c_listed, c_aliases, c_addresses) = (col("listed_on"), col("aliases"), col("addresses"));
    let mut list = UnList::default();
    for rec in it {
        let skip = |reason: String| SkippedRow { file: file.to_string(), line: rec.line, reason };
        if lossy && rec.fields.iter().any(|f| f.contains('\u{FFFD}')) {
            list.skipped.push(skip("not valid UTF-8".into()));
            continue;
        }
        if rec.fields.len() != cols.len() {
            list.skipped.push(skip(format!("{} columns, expected {}", rec.fields.len(), cols.len())));
            continue;
        }
        let get = |c: Option<usize>| c.map(|i| rec.fields[i].trim().to_string()).unwrap_or_default();
        let reference = get(Some(c_ref));
        if !is_dprk("", &reference) && !reference.is_empty() {
            list.other_regimes += 1;
            continue;
        }
        let name = collapse(&get(Some(c_name)));
        let kind = match get(Some(c_type)).to_ascii_lowercase().as_str() {
            "individual" => UnKind::Individual,
            "entity" => UnKind::Entity,
            other => {
                list.skipped.push(skip(format!("unknown type \"{other}\"")));
                continue;
            }
        };
        if reference.is_empty() || name.is_empty() {
            list.skipped.push(skip("no reference_number or no name".into()));
            continue;
        }
        let split = |s: String| s.split(" | ").map(str::trim).filter(|p| p.chars().any(char::is_alphanumeric)).map(str::to_string).collect::<Vec<_>>();
        let aliases = split(get(c_aliases)).iter().map(|a| alias_quality(a)).filter(|(a, _)| a.chars().any(char::is_alphanumeric)).collect();
        let places = split(get(c_addresses));
        list.records.push(UnRecord { reference, kind, name, aliases, listed_on: date_prefix(&get(c_listed)), places });
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerant_xml() {
        let xml = r#"<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:00Z">
<INDIVIDUALS><INDIVIDUAL><FIRST_NAME>RI</FIRST_NAME><SECOND_NAME>WON HO</SECOND_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
<REFERENCE_NUMBER>KPi.033 </REFERENCE_NUMBER><LISTED_ON>2016-11-30</LISTED_ON>
<INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Ri</ALIAS_NAME></INDIVIDUAL_ALIAS>
<INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS></INDIVIDUAL>
<INDIVIDUAL><FIRST_NAME>OTHER</FIRST_NAME><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS>
<ENTITIES><ENTITY><FIRST_NAME><![CDATA[KOREA KUMSAN TRADING CORPORATION & CO]]></FIRST_NAME><REFERENCE_NUMBER>KPe.045</REFERENCE_NUMBER>
<ENTITY_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Kumsan &amp; Sons</ALIAS_NAME></ENTITY_ALIAS>
<ENTITY_ADDRESS><CITY>Pyongyang</CITY><COUNTRY>DPRK</COUNTRY></ENTITY_ADDRESS><UNCLOSED></ENTITY></ENTITIES></CONSOLIDATED_LIST>"#;
        let l = parse_xml(xml, "t.xml").unwrap();
        assert_eq!(l.generated.as_deref(), Some("2026-02-27"));
        assert_eq!(l.other_regimes, 1);
        assert_eq!(l.records.len(), 2);
        let ri = &l.records[0];
        assert_eq!((ri.name.as_str(), ri.reference.as_str(), ri.listed_on.as_deref()), ("RI WON HO", "KPi.033", Some("2016-11-30")));
        assert_eq!(ri.aliases, vec![("Ri".to_string(), true)]);
        let e = &l.records[1];
        assert_eq!(e.name, "KOREA KUMSAN TRADING CORPORATION & CO");
        assert_eq!(e.aliases, vec![("Kumsan & Sons".to_string(), false)]);
        assert_eq!(e.places, vec!["Pyongyang, DPRK"]);
        assert!(parse_xml("<html><body>no</body></html>", "x").is_err());
    }

    #[test]
    fn alias_marks() {
        assert_eq!(alias_quality("Yun Ho-chin (Good)"), ("Yun Ho-chin".into(), false));
        assert_eq!(alias_quality("Ri (Low)"), ("Ri".into(), true));
        assert_eq!(alias_quality("Jin Tiesan (金铁三) (Good)"), ("Jin Tiesan (金铁三)".into(), false));
        assert_eq!(alias_quality("LEADER (HONG KONG) INTERNATIONAL"), ("LEADER (HONG KONG) INTERNATIONAL".into(), false));
    }
}
