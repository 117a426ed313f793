//! Sentences the engine writes itself: the evidence details of structural checks and list
//! matches ("roles 1 and 2 overlap for 14 months"), in each language the engine speaks.
//!
//! Checks record a [`Detail`] (what they found, as data); the scanner renders it in the scan's
//! language. Names, list values, notes and dates inside a detail are data and stay as found.

use crate::locale::Locale;

/// A language the engine has its own sentences in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    De,
}

impl Lang {
    /// Language tags of the engine's own texts, besides English.
    pub const TAGS: &'static [&'static str] = &["de"];

    /// The engine language for a requested locale (`de-CH` → German); English otherwise.
    pub fn for_locale(locale: Option<&Locale>) -> Lang {
        match locale.and_then(|l| l.resolve(|t| Lang::TAGS.contains(&t))) {
            Some("de") => Lang::De,
            _ => Lang::En,
        }
    }
}

/// Kinds of crypto address the crypto check recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoKind {
    Bitcoin,
    Tron,
    Evm,
}

/// What persona memory found shared with an earlier profile.
#[derive(Debug, Clone, PartialEq)]
pub enum Shared {
    /// Most of the profile text; the similarity in percent.
    Text(f64),
    /// An identifier: `email`, `phone`, `handle` or `photo`.
    Identifier(&'static str),
}

/// One piece of evidence explained.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// A list entry matched exactly.
    ListMatch { value: String, note: Option<String>, date: Option<String> },
    /// A name close to a list entry.
    Resembles { matched: String, percent: f64, note: Option<String>, date: Option<String> },
    /// An e-mail handle shaped like another person's name.
    HandleNames { handle: String, profile: String },
    /// A domain that looks like a known company's.
    LooksLike { domain: String },
    Crypto(CryptoKind),
    /// A proposal nearly the same as another applicant's (`other`: their name, if shown).
    SameProposal { percent: f64, other: Option<String> },
    TopRatings { count: usize, days: u32 },
    /// A displayed clock or offset (`shows`) far from the claimed location's offsets.
    ClockMismatch { claimed: Vec<String>, shows: String },
    ClaimedLocation,
    RolesPresent { count: usize },
    RolesOverlap { first: u32, second: u32, months: i32 },
    BeforeFounded { employer: String },
    /// Persona memory: seen as `name` on `site` on `day`, sharing `shared`.
    PersonaReuse { name: Option<String>, site: String, day: String, shared: Shared },
}

/// ` — note (date)`, as list details append them.
fn note_and_date(note: &Option<String>, date: &Option<String>) -> String {
    let mut s = String::new();
    if let Some(n) = note {
        s.push_str(&format!(" — {n}"));
    }
    if let Some(d) = date {
        s.push_str(&format!(" ({d})"));
    }
    s
}

impl Detail {
    pub fn render(&self, lang: Lang) -> String {
        use Detail::*;
        use Lang::*;
        match (self, lang) {
            (ListMatch { value, note, date }, En) => format!("matches \"{value}\"{}", note_and_date(note, date)),
            (ListMatch { value, note, date }, De) => format!("entspricht „{value}“{}", note_and_date(note, date)),
            (Resembles { matched, percent, note, date }, En) => format!("resembles \"{matched}\" ({percent:.0}% similar){}", note_and_date(note, date)),
            (Resembles { matched, percent, note, date }, De) => format!("ähnelt „{matched}“ ({percent:.0} % ähnlich){}", note_and_date(note, date)),
            (HandleNames { handle, profile }, En) => format!("the handle names \"{handle}\", the profile \"{profile}\""),
            (HandleNames { handle, profile }, De) => format!("die Kennung nennt „{handle}“, das Profil „{profile}“"),
            (LooksLike { domain }, En) => format!("looks like {domain}"),
            (LooksLike { domain }, De) => format!("ähnelt {domain}"),
            (Crypto(CryptoKind::Bitcoin), En) => "Bitcoin address (checksum valid)".into(),
            (Crypto(CryptoKind::Bitcoin), De) => "Bitcoin-Adresse (Prüfsumme gültig)".into(),
            (Crypto(CryptoKind::Tron), En) => "TRON address, the usual network for USDT-TRC20 (checksum valid)".into(),
            (Crypto(CryptoKind::Tron), De) => "TRON-Adresse, das übliche Netz für USDT-TRC20 (Prüfsumme gültig)".into(),
            (Crypto(CryptoKind::Evm), En) => "Ethereum-style (EVM) address, used for ETH and ERC-20/BEP-20 USDT".into(),
            (Crypto(CryptoKind::Evm), De) => "Ethereum-artige (EVM-)Adresse, genutzt für ETH und USDT nach ERC-20/BEP-20".into(),
            (SameProposal { percent, other }, En) => format!("{percent:.0}% the same text as the proposal from {}", other.as_deref().unwrap_or("another applicant")),
            (SameProposal { percent, other }, De) => match other {
                Some(o) => format!("{percent:.0} % derselbe Text wie das Angebot von {o}"),
                None => format!("{percent:.0} % derselbe Text wie das Angebot einer anderen Bewerbung"),
            },
            (TopRatings { count, days }, En) => format!("{count} top ratings from this client within {days} days"),
            (TopRatings { count, days }, De) => format!("{count} Bestbewertungen dieses Auftraggebers innerhalb von {days} Tagen"),
            (ClockMismatch { claimed, shows }, En) => format!("the claimed location is {}, this shows {shows}", claimed.join(" or ")),
            (ClockMismatch { claimed, shows }, De) => format!("der angegebene Standort liegt bei {}, hier steht {shows}", claimed.join(" oder ")),
            (ClaimedLocation, En) => "claimed location".into(),
            (ClaimedLocation, De) => "angegebener Standort".into(),
            (RolesPresent { count }, En) => format!("{count} roles marked present at once"),
            (RolesPresent { count }, De) => format!("{count} Stellen gleichzeitig als laufend angegeben"),
            (RolesOverlap { first, second, months }, En) => format!("roles {first} and {second} overlap for {months} months"),
            (RolesOverlap { first, second, months }, De) => format!("Stellen {first} und {second} überschneiden sich {months} Monate lang"),
            (BeforeFounded { employer }, En) => format!("the role starts before the employer was founded ({employer})"),
            (BeforeFounded { employer }, De) => format!("die Stelle beginnt vor der Gründung des Arbeitgebers ({employer})"),
            (PersonaReuse { name, site, day, shared }, En) => {
                let who = format!("seen as {} on {site}, {day}", name.as_deref().unwrap_or("an unnamed profile"));
                match shared {
                    Shared::Text(p) => format!("{who}: {p:.0}% the same text"),
                    Shared::Identifier(kind) => format!("{who}: the same {kind}"),
                }
            }
            (PersonaReuse { name, site, day, shared }, De) => {
                let who = match name {
                    Some(n) => format!("gesehen als {n} auf {site}, {day}"),
                    None => format!("gesehen als Profil ohne Namen auf {site}, {day}"),
                };
                match shared {
                    Shared::Text(p) => format!("{who}: {p:.0} % derselbe Text"),
                    Shared::Identifier(kind) => format!(
                        "{who}: {}",
                        match *kind {
                            "email" => "dieselbe E-Mail-Adresse",
                            "phone" => "dieselbe Telefonnummer",
                            "handle" => "dieselbe Messenger-Kennung",
                            "photo" => "dieselbe Fotoadresse",
                            other => return format!("{who}: dasselbe Merkmal ({other})"),
                        }
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detail_reads_in_english_and_german() {
        let all = vec![
            Detail::ListMatch { value: "Yanbian Silverstar".into(), note: Some("OFAC SDN".into()), date: Some("2018-09-13".into()) },
            Detail::Resembles { matched: "Volasys Silverstar".into(), percent: 91.0, note: None, date: None },
            Detail::HandleNames { handle: "kevin ross".into(), profile: "Dan Hart".into() },
            Detail::LooksLike { domain: "google.com".into() },
            Detail::Crypto(CryptoKind::Bitcoin),
            Detail::Crypto(CryptoKind::Tron),
            Detail::Crypto(CryptoKind::Evm),
            Detail::SameProposal { percent: 88.0, other: Some("Bob".into()) },
            Detail::SameProposal { percent: 88.0, other: None },
            Detail::TopRatings { count: 4, days: 30 },
            Detail::ClockMismatch { claimed: vec!["UTC-5".into(), "UTC-4".into()], shows: "UTC+8".into() },
            Detail::ClaimedLocation,
            Detail::RolesPresent { count: 3 },
            Detail::RolesOverlap { first: 1, second: 2, months: 14 },
            Detail::BeforeFounded { employer: "Acme".into() },
            Detail::PersonaReuse { name: Some("Kevin Ross".into()), site: "generic".into(), day: "2026-11-22".into(), shared: Shared::Identifier("email") },
            Detail::PersonaReuse { name: None, site: "upwork".into(), day: "2026-11-22".into(), shared: Shared::Text(93.0) },
        ];
        for d in &all {
            let (en, de) = (d.render(Lang::En), d.render(Lang::De));
            assert!(!en.is_empty() && !de.is_empty() && en != de, "{d:?}: {en} / {de}");
        }
        assert_eq!(all[0].render(Lang::En), "matches \"Yanbian Silverstar\" — OFAC SDN (2018-09-13)");
        assert_eq!(all[0].render(Lang::De), "entspricht „Yanbian Silverstar“ — OFAC SDN (2018-09-13)");
        assert_eq!(all[13].render(Lang::De), "Stellen 1 und 2 überschneiden sich 14 Monate lang");
        assert_eq!(all[15].render(Lang::En), "seen as Kevin Ross on generic, 2026-11-22: the same email");
        assert_eq!(all[15].render(Lang::De), "gesehen als Kevin Ross auf generic, 2026-11-22: dieselbe E-Mail-Adresse");
    }

    #[test]
    fn the_engine_language_follows_the_locale() {
        assert_eq!(Lang::for_locale(None), Lang::En);
        assert_eq!(Lang::for_locale(Some(&Locale::parse("de-AT").unwrap())), Lang::De);
        assert_eq!(Lang::for_locale(Some(&Locale::parse("fr").unwrap())), Lang::En);
    }
}
