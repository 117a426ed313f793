//! The fairness guard: no rule may score a protected characteristic.
//!
//! Public guidance on DPRK IT workers mixes behavioural red flags with proxies for national
//! origin ("claims to be Korean", "accent", "name does not match ethnicity"). Candor scores only
//! inconsistencies and behaviour (signals-and-anchors §1.3). The compiler therefore rejects
//! (`E017`) a rule whose pattern words, list entries or target fields aim at nationality or
//! country, language, ethnicity or religion, name origin, gender or age — unless the rule
//! carries a written `justification`, in which case it loads with a warning (`W002`) that the
//! trust team's own review can find. The built-in pack has no such rule.
//!
//! Limits: this is a lexicon over the literal words of a pattern, so a determined author can
//! evade it (spelling a demonym with character classes); it exists to stop honest mistakes and
//! to make every exception explicit and reviewable, not to police hostile pack authors.

use crate::field::Field;

/// Words that name a protected characteristic, lowercase. Countries and demonyms cover the
/// places named in the public guidance and the world's large developer populations; the other
/// groups are generic.
const LEXICON: &[(&str, &[&str])] = &[
    ("nationality or country", &[
        "nationality", "nationalities", "citizenship", "citizen", "citizens", "immigrant", "immigrants", "foreigner",
        "foreigners", "foreign-born", "demonym", "passport-holder", "visa-holder",
        "korea", "korean", "koreans", "dprk", "pyongyang", "china", "chinese", "prc", "russia", "russian", "russians",
        "vietnam", "vietnamese", "laos", "lao", "laotian", "cambodia", "cambodian", "japan", "japanese", "singapore",
        "singaporean", "malaysia", "malaysian", "ukraine", "ukrainian", "belarus", "belarusian", "italy", "italian",
        "india", "indian", "indians", "pakistan", "pakistani", "bangladesh", "bangladeshi", "nigeria", "nigerian",
        "ghana", "ghanaian", "kenya", "kenyan", "egypt", "egyptian", "philippines", "filipino", "filipina",
        "indonesia", "indonesian", "thailand", "thai", "myanmar", "burmese", "nepal", "nepali", "sri", "lankan",
        "iran", "iranian", "iraq", "iraqi", "syria", "syrian", "turkey", "turkish", "israel", "israeli", "brazil",
        "brazilian", "mexico", "mexican", "argentina", "argentinian", "colombia", "colombian", "venezuela",
        "venezuelan", "peru", "peruvian", "chile", "chilean", "poland", "polish", "romania", "romanian", "serbia",
        "serbian", "bulgaria", "bulgarian", "moldova", "moldovan", "armenia", "armenian", "georgian", "azerbaijan",
        "kazakhstan", "kazakh", "uzbekistan", "uzbek", "mongolia", "mongolian", "taiwan", "taiwanese", "hong",
        "kong", "macau", "africa", "african", "asia", "asian", "europe", "european", "eastern", "latin",
        "american", "americans", "canadian", "british", "german", "germans", "french", "spanish", "dutch",
        "arab", "arabs", "arabic", "persian", "slavic", "hispanic", "latino", "latina", "caucasian",
    ]),
    ("language or accent", &[
        "language", "languages", "accent", "accented", "native", "non-native", "tongue", "dialect",
        "english", "mandarin", "cantonese", "hindi", "urdu", "bengali", "tagalog", "swahili", "grammar",
        "fluency", "broken-english",
    ]),
    ("ethnicity, race or religion", &[
        "ethnic", "ethnicity", "ethnically", "race", "racial", "skin", "complexion", "religion", "religious",
        "muslim", "muslims", "islam", "islamic", "christian", "jewish", "jew", "hindu", "buddhist", "sikh", "caste",
    ]),
    ("name origin", &["surname", "surnames", "forename", "name-origin", "sounding"]),
    ("gender", &[
        "gender", "female", "females", "male", "males", "woman", "women", "girl", "girls", "boy", "boys",
        "pregnant", "pregnancy", "maternity", "transgender", "she/her", "he/him",
    ]),
    ("age", &["age", "aged", "ages", "elderly", "birthdate", "dob", "born", "generation", "millennial", "boomer", "retiree"]),
];

/// Fields whose content is itself a protected characteristic or a proxy for one: a text rule
/// on the claimed location scores where someone lives, a rule on the name scores what they are
/// called. Structural checks (location against local time) compare fields instead.
pub const PROTECTED_FIELDS: &[Field] = &[Field::Location, Field::Name];

/// The protected category of `word` (lowercase), if any.
pub fn category(word: &str) -> Option<&'static str> {
    LEXICON.iter().find(|(_, words)| words.contains(&word)).map(|(cat, _)| *cat)
}

/// The first protected word in a pattern's source, as its author wrote it: escapes (`\\b`) and
/// flag groups (`(?i)`) removed, then split into words. Reading the source, not the compiled
/// form, matters: `(?:usdt|usage)` compiles to `us(?:dt|age)`, whose pieces are not words.
pub fn protected_word_in_source(pattern: &str) -> Option<(String, &'static str)> {
    let mut cleaned = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
                cleaned.push(' ');
            }
            '(' if chars.peek() == Some(&'?') => {
                // (?i) (?-u:…) (?:…) (?P<name>…): drop the flag letters up to ':' or ')'.
                while let Some(&n) = chars.peek() {
                    chars.next();
                    if n == ':' || n == ')' || n == '>' {
                        break;
                    }
                }
                cleaned.push(' ');
            }
            c => cleaned.push(c.to_ascii_lowercase()),
        }
    }
    cleaned
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '/'))
        .map(|w| w.trim_matches('-'))
        .find_map(|w| category(w).map(|c| (w.to_string(), c)))
}

/// The protected category of a list entry made only of protected words ("Korean",
/// "North Korea"), if any. Entity names that merely contain one ("Korea Osong Shipping") pass.
pub fn protected_entry(entry: &str) -> Option<&'static str> {
    let lower = entry.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return None;
    }
    let cats: Vec<&'static str> = words.iter().filter_map(|w| category(w).or(matches!(*w, "north" | "south" | "the").then_some(""))).collect();
    if cats.len() == words.len() {
        cats.into_iter().find(|c| !c.is_empty())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_words() {
        assert_eq!(protected_word_in_source(r"(?i)\b(?:usdt|usage)\b"), None, "factored alternations are not split");
        assert_eq!(protected_word_in_source(r"(?i)\bi am (?:korean|chinese)\b").map(|w| w.0), Some("korean".into()));
        assert_eq!(protected_word_in_source(r"(?P<age>\d+)"), None, "group names are not words of the pattern");
        assert_eq!(protected_word_in_source(r"(?i)\bage\b").map(|w| w.0), Some("age".into()));
        assert_eq!(protected_word_in_source(r"(?i)heavy\s+accent").map(|w| w.0), Some("accent".into()));
        assert_eq!(protected_word_in_source(r"(?i)\b(?:camera|webcam)\b.{0,20}broken"), None);
        assert_eq!(protected_word_in_source(r"(?i)message|usage|language-agnostic"), None, "only whole words count");
    }

    #[test]
    fn list_entries() {
        assert_eq!(protected_entry("Korean"), Some("nationality or country"));
        assert_eq!(protected_entry("North Korea"), Some("nationality or country"));
        assert_eq!(protected_entry("Korea Osong Shipping Co"), None);
    }
}
