//! Claimed location against the displayed local time (SIG-28).
//!
//! Profiles show a local time or a time zone ("3:12 AM local time", "UTC+08:00"); messages carry
//! zone strings ("I'm on GMT+8"). A claimed city's zone comes from a small offline gazetteer.
//! When the two disagree by hours, the profile contradicts itself — the check compares the
//! candidate's own statements; it never scores where anyone is.
//!
//! Limits: the gazetteer knows a few hundred cities, US states and single-zone countries, not
//! every place; multi-zone countries without a city say nothing. DST follows the US, EU,
//! south-east Australian and New Zealand rules; other zones use standard time, and where the
//! scan time is unknown both standard and summer time are accepted.

use super::Hit;
use crate::messages::Detail;
use crate::candidate::Candidate;
use crate::field::Field;
use regex::Regex;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dst {
    None,
    Us,
    Eu,
    AuSouth,
    Nz,
}

/// A place's standard UTC offset (minutes) and summer-time rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    pub offset: i32,
    pub dst: Dst,
}

const fn z(offset: i32, dst: Dst) -> Zone {
    Zone { offset, dst }
}

const ET: Zone = z(-300, Dst::Us);
const CT: Zone = z(-360, Dst::Us);
const MT: Zone = z(-420, Dst::Us);
const PT: Zone = z(-480, Dst::Us);
const CET: Zone = z(60, Dst::Eu);
const EET: Zone = z(120, Dst::Eu);
const WET: Zone = z(0, Dst::Eu);

/// Cities (and a few regions) in lowercase ASCII.
const CITIES: &[(&str, Zone)] = &[
    ("new york", ET), ("new york city", ET), ("nyc", ET), ("brooklyn", ET), ("boston", ET), ("miami", ET), ("atlanta", ET),
    ("washington", ET), ("philadelphia", ET), ("detroit", ET), ("charlotte", ET), ("raleigh", ET), ("orlando", ET),
    ("tampa", ET), ("pittsburgh", ET), ("baltimore", ET), ("columbus", ET), ("cleveland", ET), ("newark", ET),
    ("jersey city", ET), ("toronto", ET), ("montreal", ET), ("ottawa", ET), ("indianapolis", ET),
    ("chicago", CT), ("austin", CT), ("dallas", CT), ("houston", CT), ("san antonio", CT), ("minneapolis", CT),
    ("nashville", CT), ("new orleans", CT), ("kansas city", CT), ("st. louis", CT), ("saint louis", CT), ("milwaukee", CT),
    ("oklahoma city", CT), ("memphis", CT), ("winnipeg", CT), ("mexico city", z(-360, Dst::None)), ("guadalajara", z(-360, Dst::None)),
    ("monterrey", z(-360, Dst::None)),
    ("denver", MT), ("salt lake city", MT), ("boise", MT), ("albuquerque", MT), ("calgary", MT), ("edmonton", MT),
    ("phoenix", z(-420, Dst::None)), ("tucson", z(-420, Dst::None)),
    ("los angeles", PT), ("san francisco", PT), ("seattle", PT), ("san diego", PT), ("san jose", PT), ("portland", PT),
    ("las vegas", PT), ("sacramento", PT), ("oakland", PT), ("vancouver", PT), ("palo alto", PT), ("mountain view", PT),
    ("anchorage", z(-540, Dst::Us)), ("honolulu", z(-600, Dst::None)),
    ("bogota", z(-300, Dst::None)), ("medellin", z(-300, Dst::None)), ("lima", z(-300, Dst::None)), ("quito", z(-300, Dst::None)),
    ("caracas", z(-240, Dst::None)), ("buenos aires", z(-180, Dst::None)), ("sao paulo", z(-180, Dst::None)),
    ("rio de janeiro", z(-180, Dst::None)), ("montevideo", z(-180, Dst::None)),
    ("london", WET), ("manchester", WET), ("edinburgh", WET), ("dublin", WET), ("lisbon", WET), ("porto", WET),
    ("paris", CET), ("berlin", CET), ("munich", CET), ("hamburg", CET), ("frankfurt", CET), ("cologne", CET), ("madrid", CET),
    ("barcelona", CET), ("valencia", CET), ("rome", CET), ("milan", CET), ("amsterdam", CET), ("rotterdam", CET),
    ("brussels", CET), ("vienna", CET), ("zurich", CET), ("geneva", CET), ("stockholm", CET), ("oslo", CET),
    ("copenhagen", CET), ("warsaw", CET), ("krakow", CET), ("wroclaw", CET), ("gdansk", CET), ("prague", CET),
    ("brno", CET), ("budapest", CET), ("bratislava", CET), ("belgrade", CET), ("zagreb", CET), ("ljubljana", CET),
    ("sarajevo", CET), ("skopje", CET), ("tirana", CET), ("lagos", z(60, Dst::None)),
    ("helsinki", EET), ("tallinn", EET), ("riga", EET), ("vilnius", EET), ("bucharest", EET), ("cluj-napoca", EET),
    ("sofia", EET), ("athens", EET), ("kyiv", EET), ("kiev", EET), ("lviv", EET), ("kharkiv", EET), ("odesa", EET),
    ("odessa", EET), ("dnipro", EET), ("chisinau", EET), ("cairo", z(120, Dst::None)), ("johannesburg", z(120, Dst::None)),
    ("cape town", z(120, Dst::None)), ("tel aviv", z(120, Dst::Eu)),
    ("istanbul", z(180, Dst::None)), ("ankara", z(180, Dst::None)), ("moscow", z(180, Dst::None)),
    ("saint petersburg", z(180, Dst::None)), ("st petersburg", z(180, Dst::None)), ("minsk", z(180, Dst::None)),
    ("nairobi", z(180, Dst::None)), ("riyadh", z(180, Dst::None)), ("doha", z(180, Dst::None)),
    ("dubai", z(240, Dst::None)), ("abu dhabi", z(240, Dst::None)), ("tbilisi", z(240, Dst::None)),
    ("yerevan", z(240, Dst::None)), ("baku", z(240, Dst::None)),
    ("karachi", z(300, Dst::None)), ("lahore", z(300, Dst::None)), ("islamabad", z(300, Dst::None)),
    ("tashkent", z(300, Dst::None)), ("almaty", z(300, Dst::None)),
    ("delhi", z(330, Dst::None)), ("new delhi", z(330, Dst::None)), ("mumbai", z(330, Dst::None)),
    ("bangalore", z(330, Dst::None)), ("bengaluru", z(330, Dst::None)), ("hyderabad", z(330, Dst::None)),
    ("chennai", z(330, Dst::None)), ("pune", z(330, Dst::None)), ("kolkata", z(330, Dst::None)),
    ("colombo", z(330, Dst::None)), ("kathmandu", z(345, Dst::None)), ("dhaka", z(360, Dst::None)),
    ("bangkok", z(420, Dst::None)), ("hanoi", z(420, Dst::None)), ("ho chi minh city", z(420, Dst::None)),
    ("saigon", z(420, Dst::None)), ("da nang", z(420, Dst::None)), ("vientiane", z(420, Dst::None)),
    ("phnom penh", z(420, Dst::None)), ("jakarta", z(420, Dst::None)),
    ("kuala lumpur", z(480, Dst::None)), ("singapore", z(480, Dst::None)), ("manila", z(480, Dst::None)),
    ("cebu", z(480, Dst::None)), ("hong kong", z(480, Dst::None)), ("shanghai", z(480, Dst::None)),
    ("beijing", z(480, Dst::None)), ("shenzhen", z(480, Dst::None)), ("guangzhou", z(480, Dst::None)),
    ("shenyang", z(480, Dst::None)), ("dandong", z(480, Dst::None)), ("yanji", z(480, Dst::None)),
    ("taipei", z(480, Dst::None)), ("perth", z(480, Dst::None)), ("bali", z(480, Dst::None)),
    ("seoul", z(540, Dst::None)), ("busan", z(540, Dst::None)), ("tokyo", z(540, Dst::None)),
    ("osaka", z(540, Dst::None)), ("pyongyang", z(540, Dst::None)),
    ("brisbane", z(600, Dst::None)), ("sydney", z(600, Dst::AuSouth)), ("melbourne", z(600, Dst::AuSouth)),
    ("canberra", z(600, Dst::AuSouth)), ("hobart", z(600, Dst::AuSouth)), ("adelaide", z(570, Dst::AuSouth)),
    ("vladivostok", z(600, Dst::None)), ("auckland", z(720, Dst::Nz)), ("wellington", z(720, Dst::Nz)),
];

/// US states: two-letter codes and names.
const STATES: &[(&str, &str, Zone)] = &[
    ("al", "alabama", CT), ("ak", "alaska", z(-540, Dst::Us)), ("az", "arizona", z(-420, Dst::None)), ("ar", "arkansas", CT),
    ("ca", "california", PT), ("co", "colorado", MT), ("ct", "connecticut", ET), ("de", "delaware", ET),
    ("dc", "district of columbia", ET), ("fl", "florida", ET), ("hi", "hawaii", z(-600, Dst::None)),
    ("id", "idaho", MT), ("il", "illinois", CT), ("in", "indiana", ET), ("ia", "iowa", CT), ("ks", "kansas", CT),
    ("ky", "kentucky", ET), ("la", "louisiana", CT), ("me", "maine", ET), ("md", "maryland", ET),
    ("ma", "massachusetts", ET), ("mi", "michigan", ET), ("mn", "minnesota", CT), ("ms", "mississippi", CT),
    ("mo", "missouri", CT), ("mt", "montana", MT), ("ne", "nebraska", CT), ("nv", "nevada", PT),
    ("nh", "new hampshire", ET), ("nj", "new jersey", ET), ("nm", "new mexico", MT), ("ny", "new york state", ET),
    ("nc", "north carolina", ET), ("nd", "north dakota", CT), ("oh", "ohio", ET), ("ok", "oklahoma", CT),
    ("or", "oregon", PT), ("pa", "pennsylvania", ET), ("ri", "rhode island", ET), ("sc", "south carolina", ET),
    ("sd", "south dakota", CT), ("tn", "tennessee", CT), ("tx", "texas", CT), ("ut", "utah", MT), ("vt", "vermont", ET),
    ("va", "virginia", ET), ("wa", "washington state", PT), ("wv", "west virginia", ET), ("wi", "wisconsin", CT),
    ("wy", "wyoming", MT), ("on", "ontario", ET), ("qc", "quebec", ET), ("bc", "british columbia", PT), ("ab", "alberta", MT),
];

/// Countries with one zone. Multi-zone countries (US, Canada, Russia, Brazil, Australia, Mexico,
/// Indonesia, …) say nothing without a city or state.
const COUNTRIES: &[(&str, Zone)] = &[
    ("united kingdom", WET), ("uk", WET), ("england", WET), ("scotland", WET), ("wales", WET), ("ireland", WET),
    ("portugal", WET), ("spain", CET), ("france", CET), ("germany", CET), ("italy", CET), ("netherlands", CET),
    ("belgium", CET), ("switzerland", CET), ("austria", CET), ("poland", CET), ("czech republic", CET), ("czechia", CET),
    ("slovakia", CET), ("hungary", CET), ("sweden", CET), ("norway", CET), ("denmark", CET), ("serbia", CET),
    ("croatia", CET), ("slovenia", CET), ("bosnia and herzegovina", CET), ("north macedonia", CET), ("albania", CET),
    ("finland", EET), ("estonia", EET), ("latvia", EET), ("lithuania", EET), ("romania", EET), ("bulgaria", EET),
    ("greece", EET), ("ukraine", EET), ("moldova", EET), ("belarus", z(180, Dst::None)), ("turkey", z(180, Dst::None)),
    ("türkiye", z(180, Dst::None)), ("israel", z(120, Dst::Eu)), ("egypt", z(120, Dst::None)), ("nigeria", z(60, Dst::None)),
    ("kenya", z(180, Dst::None)), ("ghana", z(0, Dst::None)), ("south africa", z(120, Dst::None)),
    ("armenia", z(240, Dst::None)), ("azerbaijan", z(240, Dst::None)), ("united arab emirates", z(240, Dst::None)),
    ("uae", z(240, Dst::None)), ("saudi arabia", z(180, Dst::None)), ("qatar", z(180, Dst::None)),
    ("pakistan", z(300, Dst::None)), ("uzbekistan", z(300, Dst::None)), ("india", z(330, Dst::None)),
    ("sri lanka", z(330, Dst::None)), ("nepal", z(345, Dst::None)), ("bangladesh", z(360, Dst::None)),
    ("thailand", z(420, Dst::None)), ("vietnam", z(420, Dst::None)), ("viet nam", z(420, Dst::None)),
    ("laos", z(420, Dst::None)), ("cambodia", z(420, Dst::None)), ("malaysia", z(480, Dst::None)),
    ("singapore", z(480, Dst::None)), ("philippines", z(480, Dst::None)), ("china", z(480, Dst::None)),
    ("hong kong", z(480, Dst::None)), ("taiwan", z(480, Dst::None)), ("south korea", z(540, Dst::None)),
    ("korea", z(540, Dst::None)), ("japan", z(540, Dst::None)), ("new zealand", z(720, Dst::Nz)),
    ("argentina", z(-180, Dst::None)), ("uruguay", z(-180, Dst::None)), ("colombia", z(-300, Dst::None)),
    ("peru", z(-300, Dst::None)), ("ecuador", z(-300, Dst::None)), ("venezuela", z(-240, Dst::None)),
];

/// Zone abbreviations that name one offset (ambiguous ones such as CST and IST are left out).
const ABBREVIATIONS: &[(&str, i32)] = &[
    ("est", -300), ("edt", -240), ("cdt", -300), ("mst", -420), ("mdt", -360), ("pst", -480), ("pdt", -420),
    ("akst", -540), ("hst", -600), ("cet", 60), ("cest", 120), ("eet", 120), ("eest", 180), ("msk", 180),
    ("gst", 240), ("pkt", 300), ("ict", 420), ("wib", 420), ("hkt", 480), ("sgt", 480), ("pht", 480), ("awst", 480),
    ("jst", 540), ("kst", 540), ("aest", 600), ("aedt", 660), ("nzst", 720), ("nzdt", 780),
];

/// The zone of a claimed location ("Austin, TX", "Kraków, Poland", "London"), if the gazetteer
/// knows it. City beats state beats country.
pub fn zone_for_location(location: &str) -> Option<Zone> {
    let folded = super::fold_ascii(location);
    let parts: Vec<&str> = folded.split([',', '·', '|', '/', '(', ')', '-']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let find = |table: &[(&str, Zone)], key: &str| table.iter().find(|(k, _)| *k == key).map(|(_, z)| *z);
    for p in &parts {
        if let Some(z) = find(CITIES, p) {
            return Some(z);
        }
    }
    // "Austin TX 78701" and similar: try word prefixes of each part as a city.
    for p in &parts {
        let words: Vec<&str> = p.split_whitespace().collect();
        for n in (1..words.len()).rev() {
            if let Some(z) = find(CITIES, &words[..n].join(" ")) {
                return Some(z);
            }
        }
    }
    let original_parts: Vec<&str> = location.split([',', '·', '|']).map(str::trim).collect();
    for (i, p) in parts.iter().enumerate() {
        for (code, name, zone) in STATES {
            let is_code = original_parts.get(i).is_some_and(|o| o.len() == 2 && o.eq_ignore_ascii_case(code) && o.chars().all(|c| c.is_ascii_uppercase()));
            if is_code || p == name || p.strip_suffix(" state").is_some_and(|s| name.starts_with(s)) {
                return Some(*zone);
            }
        }
    }
    parts.iter().rev().find_map(|p| find(COUNTRIES, p))
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn year_of(days: i64) -> i64 {
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(m <= 2)
}

/// Day number of the n-th (1-based; 0 = last) Sunday of a month.
fn sunday(y: i64, m: i64, n: i64) -> i64 {
    let weekday = |d: i64| (d + 4).rem_euclid(7); // 1970-01-01 was a Thursday; 0 = Sunday
    if n == 0 {
        let next = if m == 12 { days_from_civil(y + 1, 1, 1) } else { days_from_civil(y, m + 1, 1) };
        let last = next - 1;
        last - weekday(last)
    } else {
        let first = days_from_civil(y, m, 1);
        first + (7 - weekday(first)) % 7 + 7 * (n - 1)
    }
}

/// The offsets (minutes) a zone may show: at `now` if known, else standard and summer time.
fn offsets(zone: Zone, now: Option<i64>) -> Vec<i32> {
    if zone.dst == Dst::None {
        return vec![zone.offset];
    }
    let Some(now) = now else { return vec![zone.offset, zone.offset + 60] };
    let days = now.div_euclid(86400);
    let y = year_of(days);
    let secs = |day: i64, utc_hour: i64| day * 86400 + utc_hour * 3600;
    let std_h = -(zone.offset as i64) / 60;
    let summer = match zone.dst {
        Dst::Us => (secs(sunday(y, 3, 2), 2 + std_h)..secs(sunday(y, 11, 1), 1 + std_h)).contains(&now),
        Dst::Eu => (secs(sunday(y, 3, 0), 1)..secs(sunday(y, 10, 0), 1)).contains(&now),
        Dst::AuSouth => !(secs(sunday(y, 4, 1), 2 - 10 - 1)..secs(sunday(y, 10, 1), 2 - 10)).contains(&now),
        Dst::Nz => !(secs(sunday(y, 4, 1), 3 - 12 - 1)..secs(sunday(y, 9, 0), 2 - 12)).contains(&now),
        Dst::None => false,
    };
    vec![zone.offset + if summer { 60 } else { 0 }]
}

fn offset_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(?:utc|gmt)\s*([+\-−–])\s*(\d{1,2})(?::?([0-5]\d))?\b").expect("static regex"))
}

fn abbrev_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let alts: Vec<&str> = ABBREVIATIONS.iter().map(|(a, _)| *a).collect();
        Regex::new(&format!(r"\b(?:{})\b", alts.iter().map(|a| a.to_uppercase()).collect::<Vec<_>>().join("|"))).expect("static regex")
    })
}

fn clock_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b([01]?\d|2[0-3]):([0-5]\d)(?:\s*([ap])\.?\s?m\b\.?)?").expect("static regex"))
}

/// Offsets stated in `text`: `(start, end, minutes)`.
fn stated_offsets(text: &str) -> Vec<(usize, usize, i32)> {
    let mut out = Vec::new();
    for c in offset_re().captures_iter(text) {
        let m = c.get(0).expect("match");
        let sign = if c[1].starts_with('+') { 1 } else { -1 };
        let h: i32 = c[2].parse().unwrap_or(99);
        let min: i32 = c.get(3).map_or(0, |x| x.as_str().parse().unwrap_or(0));
        if h <= 14 {
            out.push((m.start(), m.end(), sign * (h * 60 + min)));
        }
    }
    for m in abbrev_re().find_iter(text) {
        let lower = m.as_str().to_ascii_lowercase();
        if let Some((_, off)) = ABBREVIATIONS.iter().find(|(a, _)| *a == lower) {
            out.push((m.start(), m.end(), *off));
        }
    }
    out
}

/// The offset a displayed clock implies at `now`, rounded to 15 minutes.
fn clock_offset(text: &str, now: i64) -> Option<(usize, usize, i32)> {
    let c = clock_re().captures(text)?;
    let m = c.get(0)?;
    let mut h: i32 = c[1].parse().ok()?;
    let min: i32 = c[2].parse().ok()?;
    match c.get(3).map(|x| x.as_str().to_ascii_lowercase()) {
        Some(_) if h == 0 || h > 12 => return None,
        Some(ap) if ap == "p" && h != 12 => h += 12,
        Some(ap) if ap == "a" && h == 12 => h = 0,
        _ => {}
    }
    let utc = ((now.rem_euclid(86400)) / 60) as i32;
    let mut diff = h * 60 + min - utc;
    while diff <= -720 {
        diff += 1440;
    }
    while diff > 840 {
        diff -= 1440;
    }
    let rounded = ((diff as f64) / 15.0).round() as i32 * 15;
    Some((m.start(), m.end(), rounded))
}

fn fmt_offset(m: i32) -> String {
    let sign = if m < 0 { '−' } else { '+' };
    let a = m.abs();
    if a % 60 == 0 {
        format!("UTC{sign}{}", a / 60)
    } else {
        format!("UTC{sign}{}:{:02}", a / 60, a % 60)
    }
}

fn claim_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(?:(?:i\s*(?:'m|am)|i'?m|we\s*(?:'re|are))\s+(?:currently\s+|now\s+)?(?:based|located|living|settled)\s+in|i\s+(?:live|work)\s+(?:in|from)|based\s+(?:in|out\s+of)|location\s*:|located\s+in|i\s*(?:'m|am)\s+in)\s+([A-Z][\w.'-]*(?:[ ,]+[A-Z][\w.'-]*){0,3})")
            .expect("static regex")
    })
}

/// A claimed location stated in free text ("I'm based in Toronto", "Location: Austin, TX"):
/// `(start, end, zone)` of the place named.
fn claimed_in_text(text: &str) -> Option<(usize, usize, Zone)> {
    for cap in claim_re().captures_iter(text) {
        let m = cap.get(1)?;
        // Try the longest prefix of the captured words that the gazetteer knows.
        let words: Vec<&str> = m.as_str().split_inclusive([' ', ',']).collect();
        for n in (1..=words.len()).rev() {
            let candidate: String = words[..n].concat();
            let candidate = candidate.trim_end_matches([' ', ',', '.']);
            if let Some(z) = zone_for_location(candidate) {
                return Some((m.start(), m.start() + candidate.len(), z));
            }
        }
    }
    None
}

pub fn local_time_mismatch(c: &Candidate, now: Option<i64>, min_hours: f64) -> Vec<Hit> {
    // The claimed location: the location field, else a statement in the candidate's own text.
    let from_field = c.texts.iter().enumerate().filter(|(_, t)| t.field == Field::Location).find_map(|(i, t)| zone_for_location(&t.text).map(|z| (i, None, z)));
    let from_text = || {
        c.texts
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t.field, Field::Bio | Field::Text | Field::Messages | Field::Headline) && t.sub != Some("author"))
            .find_map(|(i, t)| claimed_in_text(&t.text).map(|(s, e, z)| (i, Some((s, e)), z)))
    };
    let Some((loc_i, loc_span, zone)) = from_field.or_else(from_text) else {
        return Vec::new();
    };
    let claimed = offsets(zone, now);
    let limit = (min_hours * 60.0) as i32;
    let far = |o: i32| claimed.iter().all(|c| (o - c).abs() >= limit);
    let mut hits = Vec::new();
    for (i, t) in c.texts.iter().enumerate() {
        let observed: Vec<(usize, usize, i32)> = match t.field {
            Field::LocalTime => {
                let mut v = stated_offsets(&t.text);
                if v.is_empty() {
                    v.extend(now.and_then(|n| clock_offset(&t.text, n)));
                }
                v
            }
            Field::Messages | Field::Bio | Field::Proposals | Field::Text => stated_offsets(&t.text),
            _ => continue,
        };
        for (s, e, o) in observed {
            if far(o) {
                let claimed_s: Vec<String> = claimed.iter().map(|c| fmt_offset(*c)).collect();
                let detail = Detail::ClockMismatch { claimed: claimed_s, shows: fmt_offset(o) };
                hits.push(Hit { text: i, start: s, end: e, detail: Some(detail) });
            }
        }
    }
    if !hits.is_empty() {
        let claimed = match loc_span {
            Some((s, e)) => Hit { text: loc_i, start: s, end: e, detail: Some(Detail::ClaimedLocation) },
            None => Hit::whole(c, loc_i, Some(Detail::ClaimedLocation)),
        };
        hits.insert(0, claimed);
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::FieldText;

    fn cand(loc: &str, local: &str) -> Candidate {
        let t = |field, text: &str| FieldText { field, sub: None, record: 0, text: text.into(), node: None, breaks: Vec::new() };
        Candidate { texts: vec![t(Field::Location, loc), t(Field::LocalTime, local)], ..Default::default() }
    }

    #[test]
    fn gazetteer() {
        assert_eq!(zone_for_location("Austin, TX"), Some(CT));
        assert_eq!(zone_for_location("San Francisco, California, United States"), Some(PT));
        assert_eq!(zone_for_location("Kraków, Poland"), Some(CET));
        assert_eq!(zone_for_location("Poland"), Some(CET));
        assert_eq!(zone_for_location("bridgewater township , NJ"), Some(ET));
        assert_eq!(zone_for_location("United States"), None, "multi-zone country");
        assert_eq!(zone_for_location("Remote"), None);
    }

    #[test]
    fn dst_rules() {
        let t = |y: i64, m: i64, d: i64, h: i64| days_from_civil(y, m, d) * 86400 + h * 3600;
        assert_eq!(offsets(ET, Some(t(2026, 7, 1, 12))), vec![-240]);
        assert_eq!(offsets(ET, Some(t(2026, 1, 15, 12))), vec![-300]);
        assert_eq!(offsets(CET, Some(t(2026, 3, 29, 0))), vec![60], "before 01:00 UTC on the last Sunday of March");
        assert_eq!(offsets(CET, Some(t(2026, 3, 29, 2))), vec![120]);
        assert_eq!(offsets(z(600, Dst::AuSouth), Some(t(2026, 1, 10, 0))), vec![660]);
        assert_eq!(offsets(z(600, Dst::AuSouth), Some(t(2026, 7, 10, 0))), vec![600]);
        assert_eq!(sunday(2026, 3, 2), days_from_civil(2026, 3, 8));
        assert_eq!(year_of(days_from_civil(2024, 2, 29)), 2024);
    }

    #[test]
    fn claims_in_free_text() {
        let t = |field, text: &str| FieldText::plain(field, Some("text"), 0, text.into(), None);
        let c = Candidate { texts: vec![t(Field::Messages, "Hi! I'm based in Toronto, Canada."), t(Field::Messages, "My working hours are 9-6 GMT+3.")], ..Default::default() };
        let hits = local_time_mismatch(&c, None, 3.0);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(&c.texts[0].text[hits[0].start..hits[0].end], "Toronto, Canada");
        let ok = Candidate { texts: vec![t(Field::Messages, "I live in Lisbon and keep 9-5 GMT+1 hours")], ..Default::default() };
        assert!(local_time_mismatch(&ok, None, 3.0).is_empty());
        let none = Candidate { texts: vec![t(Field::Messages, "I am in Love with Rust. Available 9-5 GMT+8")], ..Default::default() };
        assert!(local_time_mismatch(&none, None, 3.0).is_empty(), "no known place named");
    }

    #[test]
    fn offsets_and_clocks() {
        assert!(local_time_mismatch(&cand("New York, NY", "UTC+08:00"), None, 3.0).len() == 2);
        assert!(local_time_mismatch(&cand("New York, NY", "GMT-4"), None, 3.0).is_empty());
        // 2026-01-15 19:10 UTC; New York shows 14:10; a profile showing 3:10 AM is UTC+8.
        let now = days_from_civil(2026, 1, 15) * 86400 + 19 * 3600 + 600;
        let hits = local_time_mismatch(&cand("Austin, TX", "3:10 am local time"), Some(now), 3.0);
        assert_eq!(hits.len(), 2);
        assert!(hits[1].detail.as_ref().unwrap().render(crate::messages::Lang::En).ends_with("UTC+8"), "{:?}", hits[1]);
        assert!(local_time_mismatch(&cand("Austin, TX", "1:10 pm local time"), Some(now), 3.0).is_empty());
        assert!(local_time_mismatch(&cand("Austin, TX", "3:10 am"), None, 3.0).is_empty(), "a clock needs the time of the scan");
    }
}
