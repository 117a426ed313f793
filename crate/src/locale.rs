//! Languages: the tags packs translate into, and the fallback chain a scan looks them up by.
//!
//! Packs name a translation by a BCP 47 language subtag, lower-case (`de`, `fr`), optionally
//! with a region (`de-CH`). A scan asks for a locale the way browsers report it (`de-CH`,
//! `de_ch`, `zh-Hant-TW`) and each text is looked up along a chain: `de-CH`, then `de`, then the
//! pack's own text.

/// Whether `tag` is a language tag a pack may use: `ll` or `lll`, optionally `-RR` (region, two
/// upper-case letters) or `-DDD` (UN M.49 region, three digits).
pub fn valid_pack_tag(tag: &str) -> bool {
    let (lang, region) = match tag.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (tag, None),
    };
    let lang_ok = (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase());
    let region_ok = region.is_none_or(|r| (r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase())) || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit())));
    lang_ok && region_ok
}

/// A requested locale as its lookup chain, most specific first (`["de-CH", "de"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    chain: Vec<String>,
}

impl Locale {
    /// Reads a locale as a browser or a user gives it: subtags separated by `-` or `_`, any
    /// case. The language subtag must be 2–3 letters and every subtag 1–8 letters or digits;
    /// script and variant subtags are accepted and ignored.
    pub fn parse(requested: &str) -> Result<Locale, String> {
        let bad = || format!("\"{requested}\" is not a language tag such as de, en or de-CH");
        if requested.len() > 35 {
            return Err(bad());
        }
        let mut subtags = requested.split(['-', '_']);
        let lang = subtags.next().unwrap_or_default();
        if !(2..=3).contains(&lang.len()) || !lang.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(bad());
        }
        let lang = lang.to_ascii_lowercase();
        let mut region = None;
        for s in subtags {
            if s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad());
            }
            let is_region = (s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())) || (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()));
            if is_region && region.is_none() {
                region = Some(s.to_ascii_uppercase());
            }
        }
        let mut chain = Vec::new();
        if let Some(r) = region {
            chain.push(format!("{lang}-{r}"));
        }
        chain.push(lang);
        Ok(Locale { chain })
    }

    /// The tags to try, most specific first.
    pub fn chain(&self) -> &[String] {
        &self.chain
    }

    /// The first tag of the chain for which `has` holds.
    pub fn resolve(&self, has: impl Fn(&str) -> bool) -> Option<&str> {
        self.chain.iter().map(String::as_str).find(|t| has(t))
    }
}

/// Walks `locale`'s chain through `texts` (tag → value) and returns the first value `pick` finds
/// (so each text falls back on its own: a `de-CH` title, a `de` explanation).
pub fn lookup<'a, T, R>(locale: Option<&Locale>, texts: &'a [(String, T)], pick: impl Fn(&'a T) -> Option<R>) -> Option<R> {
    let locale = locale?;
    locale.chain.iter().find_map(|tag| texts.iter().find(|(t, _)| t == tag).and_then(|(_, v)| pick(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_tags_are_strict() {
        for ok in ["de", "en", "fr", "gsw", "de-CH", "es-419"] {
            assert!(valid_pack_tag(ok), "{ok}");
        }
        for bad in ["", "DE", "de-ch", "de_CH", "deutsch", "d", "de-", "de-CHE", "zh-Hant", "de-CH-x"] {
            assert!(!valid_pack_tag(bad), "{bad}");
        }
    }

    #[test]
    fn requested_locales_fall_back_to_the_language() {
        assert_eq!(Locale::parse("de-CH").unwrap().chain(), ["de-CH", "de"]);
        assert_eq!(Locale::parse("DE_ch").unwrap().chain(), ["de-CH", "de"]);
        assert_eq!(Locale::parse("zh-Hant-TW").unwrap().chain(), ["zh-TW", "zh"]);
        assert_eq!(Locale::parse("de").unwrap().chain(), ["de"]);
        for bad in ["", "d", "deutsch", "de-", "de--CH", "de CH", "1e", "de-toolongsubtag"] {
            assert!(Locale::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lookup_walks_the_chain_per_text() {
        let texts = vec![("de".to_string(), (Some("Titel"), Some("Erklärung"))), ("de-CH".to_string(), (Some("Titel CH"), None))];
        let ch = Locale::parse("de-CH").unwrap();
        assert_eq!(lookup(Some(&ch), &texts, |t| t.0), Some("Titel CH"));
        assert_eq!(lookup(Some(&ch), &texts, |t| t.1), Some("Erklärung"), "a text missing in de-CH comes from de");
        assert_eq!(lookup(Some(&Locale::parse("fr").unwrap()), &texts, |t| t.0), None);
        assert_eq!(lookup(None, &texts, |t| t.0), None);
    }
}
