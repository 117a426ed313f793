//! Token-aware fuzzy matching of organisation names against sanctions-list names.
//!
//! Whole-string fuzzy matching is what made the open-source screeners noisy: Moov Watchman
//! reduced "BELLETECH CORP" to `corp` and scored it 100% against every `… CORP` on the list
//! (watchman #483), and scored "EMMA LLC" 100% for "emma daniels" (#338); yente's negatives
//! benchmark still put candidate matches on 10-20 of 100 ordinary US names
//! (signals-and-anchors §2.3). This matcher therefore:
//!
//! 1. normalises (Latin accents folded to ASCII, lowercase, punctuation and apostrophes
//!    removed), splits into tokens and spells legal forms one way ("Company" = "Co",
//!    "Information Technology" = "IT");
//! 2. classes every token: **generic** (legal forms and business filler: LLC, CO, CORP,
//!    TECHNOLOGY, NETWORK, SOLUTIONS, TRADING, GROUP, THE, OF, …) weighs 0.1 of its length;
//!    **place** words (country names and demonyms: KOREA, CHINA, …) weigh 0.6; **common**
//!    English words of company names (SILVER, STAR, LIBERTY, PATRIOT, MINISTRY, …) and
//!    **distinctive** words (everything else) weigh their length (at least 3);
//! 3. joins adjacent tokens when the other side spells them as one word ("Silver Star" /
//!    "SILVERSTAR");
//! 4. pairs tokens across the two names by Jaro-Winkler similarity (boost threshold 0.7,
//!    prefix 4, as Watchman), with a 0.9 factor when the first letters differ and a penalty
//!    of 0.3 × the relative length difference; pairs below 0.8 count as unmatched. Tokens with
//!    digits match only exactly. Word order does not matter;
//! 5. scores Σ sim × (wₐ + w_b) over the pairs divided by the weight of **all** tokens on both
//!    sides, so an unmatched distinctive token on either side pulls the score down;
//! 6. caps the score at 0.5 unless at least one distinctive, non-numeric token pair matches at
//!    0.9 or better — a shared "CORP", "Korea", "Silver Star" or "Global IT Solutions" alone
//!    never makes a match — and at 0.85 when the distinctive words matched total fewer than
//!    five letters ("Hana Bank" against "HANA BANKING"). Names with the same words in any
//!    order, legal forms aside, score 1.0 ("Silver Star China" / "China Silver Star",
//!    "Liberty Shipping" / "LIBERTY SHIPPING CO LTD").
//!
//! The scores are for ranking and thresholding organisation names. Person names are a different
//! problem (stolen and synthetic identities, transliteration); Candor keeps person-name
//! screening off by default (see `docs/sanctions.md`).

/// How much a token says about which organisation a name designates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenClass {
    /// Anything not below: the words that tell one organisation from another.
    Distinctive,
    /// Everyday English words common in company names ("Silver", "Star", "Liberty"): they
    /// count with their full weight, but a match needs a distinctive word too, or exactly the
    /// same words.
    Common,
    /// Country names and demonyms ("Korea", "China"): part of a name, but shared by thousands.
    Place,
    /// Legal forms, business filler and function words.
    Generic,
}

/// A normalised token of a name.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub text: String,
    pub class: TokenClass,
}

impl Token {
    fn has_digit(&self) -> bool {
        self.text.bytes().any(|b| b.is_ascii_digit())
    }

    fn weight(&self) -> f64 {
        let len = self.text.chars().count() as f64;
        match self.class {
            TokenClass::Distinctive | TokenClass::Common => len.max(3.0),
            TokenClass::Place => 0.6 * len,
            TokenClass::Generic => 0.1 * len,
        }
    }

    /// A distinctive, alphabetic token: the kind a real match must share.
    fn is_anchor(&self) -> bool {
        self.class == TokenClass::Distinctive && !self.has_digit()
    }
}

/// Legal forms (as [`tokens`] spells them): ignored when comparing two names word for word.
pub const LEGAL_FORMS: &[&str] = &[
    "llc", "ltd", "co", "corp", "inc", "plc", "gmbh", "mbh", "ag", "kg", "se", "sa", "sas", "sarl", "srl", "spa",
    "snc", "bv", "nv", "oy", "ab", "as", "pte", "pty", "pvt", "llp", "lp", "ooo", "zao", "oao", "pao", "ao", "jsc",
    "ojsc", "cjsc", "pjsc", "fze", "fzco", "fzc", "fzllc", "kft", "sro", "kk", "tov", "ltda", "sl", "jv", "sia",
    "uab", "ou", "doo", "eood", "too", "bhd", "sdn", "tbk", "cc",
];

/// Whether `word` (lowercase, folded, punctuation removed) is a legal form, in any of its
/// spellings ("company", "co", "corporation", "ltd", …).
pub fn is_legal_form(word: &str) -> bool {
    LEGAL_FORMS.contains(&canonical(word))
}

/// Legal forms and business filler that many unrelated organisations share. Lowercase, folded.
pub const GENERIC_TOKENS: &[&str] = &[
    // legal forms
    "llc", "ltd", "co", "corp", "corporation", "company", "companies", "inc", "incorporated", "limited",
    "liability", "plc", "gmbh", "mbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy",
    "ab", "as", "pte", "pty", "llp", "lp", "ooo", "zao", "oao", "pao", "ao", "jsc", "ojsc", "cjsc",
    "pjsc", "fze", "fzco", "fzc", "fzllc", "kft", "sro", "kk", "tov", "ltda", "sl", "jv", "joint",
    "venture", "ventures", "cooperative", "coop", "se", "snc", "pvt", "private", "sia", "uab", "ou", "doo",
    "eood", "too", "bhd", "sdn", "tbk", "cc", "intl",
    // business filler
    "group", "groups", "holding", "holdings", "technology", "technologies", "tech", "techs",
    "technical", "it", "information", "informatics", "network", "networks", "networking", "software",
    "solutions", "solution", "services", "service", "trading", "trade", "traders", "international",
    "intl", "global", "worldwide", "enterprise", "enterprises", "development", "developments",
    "consulting", "consultancy", "consultants", "consultant", "systems", "system", "digital", "labs",
    "lab", "studio", "studios", "partners", "partner", "agency", "industries", "industry",
    "industrial", "general", "management", "marketing", "media", "web", "online", "internet",
    "cloud", "data", "computer", "computers", "computing", "capital", "investment", "investments",
    "finance", "financial", "bank", "banking", "credit", "commercial", "shipping", "marine",
    "maritime", "logistics", "energy", "export", "import", "exports", "imports", "cooperation",
    "corporate", "associates", "associated", "center", "centre", "office", "bureau", "department",
    "unit", "team", "branch", "trust", "foundation", "association", "committee", "ministry",
    "engineering", "construction", "products", "manufacturing", "equipment", "machinery",
    "electronics", "economic", "economics", "project", "projects", "overseas", "research",
    "institute", "apps", "app", "mobile", "dev", "devs", "code", "coding", "works", "hub", "pro",
    "creative", "design", "designs", "innovations", "innovation", "platform", "platforms",
    "business", "co-operation", "firm", "outsourcing", "staffing", "recruitment", "resources",
    // function words
    "the", "of", "and", "for", "in", "on", "at", "by", "to", "de", "la", "le", "les", "del", "der",
    "die", "das", "y", "et", "und", "da", "do", "du",
];

/// Everyday English words that recur in company, vessel and government-body names ("Liberty
/// Shipping", "Always Smooth", "Ministry of Public Security", "First Credit Bank"). A name whose
/// distinctive words are all of this kind is common to many unrelated organisations, in many
/// countries. Lowercase.
pub const COMMON_WORDS: &[&str] = &[
    // government and public bodies
    "ministry", "state", "security", "public", "national", "defense", "defence", "commission", "command",
    "military", "labor", "labour", "planning", "affairs", "central", "organization", "organisation",
    "guidance", "agricultural", "agriculture", "foreign", "external", "people", "army", "navy", "air",
    "force", "forces", "armed", "party", "workers", "worker", "political", "administration", "academy",
    "university", "college", "school", "science", "sciences", "natural", "atomic", "oil", "crude",
    "petroleum", "transport", "transportation", "land", "sea", "railway", "mining", "metal", "metals",
    "material", "materials", "insurance", "resources", "customs", "police", "justice", "health", "education",
    "culture", "sports", "post", "telecommunications", "communications", "radio", "television", "power",
    "electric", "electricity", "water", "food", "chemical", "chemicals", "steel", "iron", "coal", "gas",
    "fuel", "machine", "machines", "tools", "forestry", "fisheries", "fishery", "fishing", "farm",
    "farming", "prison", "prisons", "correctional", "economy", "second", "third", "first", "fourth", "fifth",
    "division", "section", "affiliated", "united", "unity", "union", "federation", "council", "assembly",
    "supreme", "revolutionary", "liberation", "guard", "guards", "special",
    // everyday words in company and vessel names
    "liberty", "good", "always", "smooth", "everlasting", "empire", "brilliance", "brilliant", "transatlantic",
    "ocean", "oceanic", "east", "west", "eastern", "western", "new", "great", "grand", "royal", "victory",
    "glory", "orient", "oriental", "treasure", "bridge", "calm", "pearl", "dawn", "hidden", "peace",
    "patriot", "smart", "bright", "sun", "sunny", "sunrise", "sunshine", "silver", "gold", "golden",
    "star", "stars", "lucky", "luck", "hope", "future", "fortune", "prime", "alpha", "delta", "omega",
    "phoenix", "dragon", "tiger", "eagle", "lion", "crown", "diamond", "crystal", "harmony", "paradise",
    "rainbow", "horizon", "summit", "pioneer", "progress", "success", "express", "green", "blue", "red",
    "white", "black", "pine", "river", "mountain", "valley", "island", "harbor", "harbour", "port",
    "coast", "bay", "sky", "cloud", "light", "moon", "breeze", "wind", "wave", "waves", "fleet", "ship",
    "ships", "vessel", "cargo", "freight", "tanker", "line", "lines", "link", "way", "world", "universal",
    "general", "modern", "advanced", "best", "top", "happy", "honest", "friendship", "siblings", "brothers",
    "family", "home", "city", "town", "village", "art", "arts", "expo", "cartoon", "animation", "film",
    "foods", "trading", "real", "estate", "property", "properties", "hotel", "travel", "tours", "tour",
    "far", "falcon", "pacific", "atlantic", "euro", "trans", "king", "swan", "premier", "classic",
    "orion", "apollo", "neptune", "mercury", "atlas", "titan", "nova", "galaxy", "cosmos", "vega", "sirius",
    "polaris", "zenith", "apex", "pinnacle", "quantum", "fusion", "matrix", "vector", "pixel", "nexus",
];

/// Place words that are not in the fairness lexicon but name a country in sanctions lists.
const EXTRA_PLACE_TOKENS: &[&str] = &["north", "south", "democratic", "peoples", "republic", "dprkn", "rok", "hongkong"];

/// Whether `word` (lowercase, folded) is generic business filler.
pub fn is_generic(word: &str) -> bool {
    GENERIC_TOKENS.contains(&word) || word.chars().count() < 2
}

/// Whether `word` (lowercase, folded) names a country or nationality.
pub fn is_place(word: &str) -> bool {
    EXTRA_PLACE_TOKENS.contains(&word) || crate::fairness::category(word) == Some("nationality or country")
}

/// The class of one normalised word.
pub fn classify(word: &str) -> TokenClass {
    if is_generic(word) {
        TokenClass::Generic
    } else if is_place(word) {
        TokenClass::Place
    } else if COMMON_WORDS.contains(&word) {
        TokenClass::Common
    } else {
        TokenClass::Distinctive
    }
}

/// Folds common Latin accents and ligatures to ASCII and lowercases; other characters are
/// lowercased and kept.
pub fn fold_char(c: char, out: &mut String) {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' | 'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "c",
        'ď' | 'đ' | 'ð' | 'Ď' | 'Đ' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' | 'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "g",
        'ĥ' | 'ħ' | 'Ĥ' | 'Ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "i",
        'ĵ' | 'Ĵ' => "j",
        'ķ' | 'Ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' | 'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => "o",
        'œ' | 'Œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' | 'Ŕ' | 'Ŗ' | 'Ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' | 'ŧ' | 'Ť' | 'Ţ' | 'Ț' | 'Ŧ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "u",
        'ŵ' | 'Ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' | 'Ý' | 'Ÿ' | 'Ŷ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        'þ' | 'Þ' => "th",
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push_str(s);
}

/// The words of a name: folded, lowercase, split on anything that is not a letter or digit.
/// Apostrophes (including the ’ of McCune-Reischauer romanisation) join instead of split:
/// "Ch’oe" → "choe", "People's" → "peoples".
pub fn words(name: &str) -> Vec<String> {
    let mut folded = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\'' | '’' | '‘' | 'ʼ' | '`' | '´' => {}
            c if c.is_alphanumeric() => fold_char(c, &mut folded),
            _ => folded.push(' '),
        }
    }
    folded.split_whitespace().map(str::to_string).collect()
}

/// One spelling for legal forms and business words that are written several ways, so that
/// "Co." matches "Company" and "IT" matches "Information Technology".
fn canonical(word: &str) -> &str {
    match word {
        "company" | "companies" => "co",
        "corporation" => "corp",
        "limited" => "ltd",
        "incorporated" => "inc",
        "international" => "intl",
        "technology" | "technologies" | "techs" => "tech",
        "shpg" => "shipping",
        _ => word,
    }
}

/// The classified tokens of a name.
pub fn tokens(name: &str) -> Vec<Token> {
    let mut ws: Vec<String> = Vec::new();
    for w in words(name) {
        if w == "technology" && ws.last().is_some_and(|p| p == "information") {
            ws.pop();
            ws.push("it".into());
            continue;
        }
        ws.push(canonical(&w).to_string());
    }
    ws.into_iter()
        .map(|w| {
            let class = if w.bytes().any(|b| b.is_ascii_digit()) { TokenClass::Distinctive } else { classify(&w) };
            Token { text: w, class }
        })
        .collect()
}

/// A name's words joined by single spaces: the comparison key for exact-but-tolerant equality.
pub fn normalize(name: &str) -> String {
    words(name).join(" ")
}

/// Jaro similarity of two character sequences.
pub fn jaro(a: &[char], b: &[char]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_used = vec![false; a.len()];
    let mut b_used = vec![false; b.len()];
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == *ca {
                a_used[i] = true;
                b_used[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_seq = a.iter().zip(&a_used).filter(|(_, u)| **u).map(|(c, _)| c);
    let b_seq = b.iter().zip(&b_used).filter(|(_, u)| **u).map(|(c, _)| c);
    let transpositions = a_seq.zip(b_seq).filter(|(x, y)| x != y).count() / 2;
    let m = matches as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0
}

/// Jaro-Winkler similarity with Watchman's parameters: boost threshold 0.7, prefix up to 4,
/// scaling 0.1.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let j = jaro(&a, &b);
    if j <= 0.7 {
        return j;
    }
    let prefix = a.iter().zip(&b).take(4).take_while(|(x, y)| x == y).count();
    j + prefix as f64 * 0.1 * (1.0 - j)
}

/// Similarity of two tokens as the name matcher uses it.
fn token_similarity(a: &Token, b: &Token) -> f64 {
    if a.text == b.text {
        return 1.0;
    }
    if a.has_digit() || b.has_digit() {
        return 0.0;
    }
    let mut s = jaro_winkler(&a.text, &b.text);
    if a.text.chars().next() != b.text.chars().next() {
        s *= 0.9;
    }
    let (la, lb) = (a.text.chars().count() as f64, b.text.chars().count() as f64);
    s *= 1.0 - 0.3 * (1.0 - la.min(lb) / la.max(lb));
    if s < 0.8 {
        0.0
    } else {
        s
    }
}

/// Joins adjacent non-generic alphabetic tokens of `side` that `other` writes as one word
/// ("silver" "star" against "silverstar").
fn merge_split_words(side: &mut Vec<Token>, other: &[Token]) {
    let mut i = 0;
    while i + 1 < side.len() {
        let (x, y) = (&side[i], &side[i + 1]);
        if x.class != TokenClass::Generic && y.class != TokenClass::Generic && !x.has_digit() && !y.has_digit() {
            let joined = Token { text: format!("{}{}", x.text, y.text), class: TokenClass::Distinctive };
            let better = other.iter().filter(|o| o.is_anchor() && o.text.len() >= 6).any(|o| {
                let s = token_similarity(o, &joined);
                s >= 0.95 && s > token_similarity(o, x).max(token_similarity(o, y))
            });
            if better {
                side[i] = joined;
                side.remove(i + 1);
                continue;
            }
        }
        i += 1;
    }
}

/// The words of a name without legal forms, sorted.
fn core_words(tokens: &[Token]) -> Vec<&str> {
    let mut v: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).filter(|w| !LEGAL_FORMS.contains(w)).collect();
    v.sort_unstable();
    v
}

/// Similarity of two organisation names in 0..=1, token-aware (see the module docs). Symmetric
/// up to the greedy pairing.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    tokens_similarity(&tokens(a), &tokens(b))
}

/// [`name_similarity`] of two names already split by [`tokens`]: a list's names are tokenised
/// once when it is compiled, not once per comparison (that was most of a page's fuzzy check).
pub fn tokens_similarity(a: &[Token], b: &[Token]) -> f64 {
    let mut ta = a.to_vec();
    let mut tb = b.to_vec();
    if ta.is_empty() || tb.is_empty() {
        return 0.0;
    }
    // The same words in any order, legal forms aside ("Liberty Shipping" / "LIBERTY SHIPPING CO
    // LTD", "Silver Star China" / "China Silver Star"): a name match, unless all are filler.
    let (core_a, core_b) = (core_words(&ta), core_words(&tb));
    if core_a == core_b && !core_a.is_empty() {
        return if ta.iter().any(|t| t.class != TokenClass::Generic) { 1.0 } else { 0.5 };
    }
    merge_split_words(&mut ta, &tb);
    merge_split_words(&mut tb, &ta);
    let total: f64 = ta.iter().chain(&tb).map(Token::weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    // Every scoring pair, best first; then a greedy one-to-one assignment.
    let mut pairs: Vec<(f64, f64, usize, usize)> = Vec::new();
    for (i, x) in ta.iter().enumerate() {
        for (j, y) in tb.iter().enumerate() {
            let s = token_similarity(x, y);
            if s > 0.0 {
                pairs.push((s * (x.weight() + y.weight()), s, i, j));
            }
        }
    }
    pairs.sort_by(|p, q| q.0.total_cmp(&p.0).then(q.1.total_cmp(&p.1)));
    let mut used_a = vec![false; ta.len()];
    let mut used_b = vec![false; tb.len()];
    let mut matched = 0.0;
    // Letters of the distinctive words matched at 0.9 or better.
    let mut anchor_letters = 0usize;
    for (gain, s, i, j) in pairs {
        if used_a[i] || used_b[j] {
            continue;
        }
        used_a[i] = true;
        used_b[j] = true;
        matched += gain;
        if s >= 0.9 && ta[i].is_anchor() && tb[j].is_anchor() {
            anchor_letters += ta[i].text.chars().count().min(tb[j].text.chars().count());
        }
    }
    let score = (matched / total).clamp(0.0, 1.0);
    match anchor_letters {
        0 => score.min(0.5),
        // One short word in common ("Hana Bank" / "HANA BANKING") is thin evidence for a
        // near-match; equal names returned 1.0 above.
        1..=4 => score.min(0.85),
        _ => score,
    }
}

/// The candidate most similar to `name`, if its similarity reaches `threshold`. Ties keep the
/// first candidate.
pub fn best_match<'a>(name: &str, candidates: impl Iterator<Item = &'a str>, threshold: f64) -> Option<(&'a str, f64)> {
    let mut best: Option<(&'a str, f64)> = None;
    for c in candidates {
        let s = name_similarity(name, c);
        if s >= threshold && best.map_or(true, |(_, b)| s > b) {
            best = Some((c, s));
        }
    }
    best
}

/// [`best_match`] over candidates tokenised in advance (`(name, tokens(name))`): same result.
pub fn best_match_tokens<'a>(name: &[Token], candidates: impl Iterator<Item = (&'a str, &'a [Token])>, threshold: f64) -> Option<(&'a str, f64)> {
    let mut best: Option<(&'a str, f64)> = None;
    for (c, tc) in candidates {
        let s = tokens_similarity(name, tc);
        if s >= threshold && best.map_or(true, |(_, b)| s > b) {
            best = Some((c, s));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pre-tokenised path the page check uses gives exactly the string path's scores.
    #[test]
    fn pre_tokenised_matching_equals_matching_strings() {
        let listed = ["Korea Sobaeksu Trading Company", "Yanbian Silverstar Network Technology Co Ltd", "Volasys Silver Star", "Chinyong Information Technology Cooperation Company", "Hana Bank"];
        let texts = ["Silver Star China", "Yanbian Silver Star Network Tech", "Chinyong IT Cooperation", "Hana Banking", "Acme Analytics", "Sobaeksu Trading"];
        let toks: Vec<Vec<Token>> = listed.iter().map(|n| tokens(n)).collect();
        for t in texts {
            for (n, tn) in listed.iter().zip(&toks) {
                assert_eq!(tokens_similarity(&tokens(t), tn), name_similarity(t, n), "{t} / {n}");
            }
            let by_tokens = best_match_tokens(&tokens(t), listed.iter().copied().zip(toks.iter().map(Vec::as_slice)), 0.8);
            assert_eq!(by_tokens, best_match(t, listed.iter().copied(), 0.8), "{t}");
        }
    }

    #[test]
    fn jaro_winkler_reference_values() {
        // The classic examples from Winkler's papers.
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-3);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 1e-3);
        assert!((jaro_winkler("dixon", "dicksonx") - 0.8133).abs() < 1e-3);
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert_eq!(jaro_winkler("abc", ""), 0.0);
    }

    #[test]
    fn words_fold_accents_and_apostrophes() {
        assert_eq!(words("Ch’oe Ch’un-Sik"), vec!["choe", "chun", "sik"]);
        assert_eq!(words("Société Générale S.A."), vec!["societe", "generale", "s", "a"]);
        assert_eq!(words("KOREA PEOPLE'S ARMY"), vec!["korea", "peoples", "army"]);
        assert_eq!(classify("corp"), TokenClass::Generic);
        assert_eq!(classify("korea"), TokenClass::Place);
        assert_eq!(classify("osong"), TokenClass::Distinctive);
    }

    #[test]
    fn split_words_join() {
        assert!(name_similarity("Yanbian Silver Star", "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.") >= 0.9);
    }
}
