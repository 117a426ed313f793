//! HTML named character references, decoded by html5ever through the patched `web_atoms` table
//! (vendor/web_atoms: a sorted table with binary search in place of a perfect-hash map of every
//! name and prefix). Checked through the real parser against the spec's full list.

use scraper::{Html, Selector};

/// The 2,231 (name, code point, second code point or 0) of the HTML spec, from the vendored crate.
fn spec_entities() -> Vec<(String, u32, u32)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vendor/web_atoms/entities.rs");
    let text = std::fs::read_to_string(path).expect("vendor/web_atoms/entities.rs");
    let entities: Vec<_> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("(\"")?.strip_suffix("),").map(str::to_string))
        .map(|l| {
            let (name, rest) = l.split_once("\", ").expect("name");
            let (a, b) = rest.split_once(", ").expect("code points");
            (name.to_string(), a.parse().expect("cp1"), b.parse().expect("cp2"))
        })
        .collect();
    assert_eq!(entities.len(), 2231, "the spec's list");
    entities
}

fn paragraphs(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&Selector::parse("p").unwrap()).map(|p| p.text().collect()).collect()
}

#[test]
fn every_named_reference_decodes_to_its_code_points() {
    let entities = spec_entities();
    let html: String = entities.iter().map(|(name, _, _)| format!("<p>{name}</p>")).collect();
    let texts = paragraphs(&html);
    assert_eq!(texts.len(), entities.len());
    for ((name, a, b), text) in entities.iter().zip(&texts) {
        let want: String = [*a, *b].into_iter().filter(|&c| c != 0).map(|c| char::from_u32(c).unwrap()).collect();
        assert_eq!(text, &want, "{name}");
    }
}

#[test]
fn longest_match_prefixes_and_unknown_names() {
    let cases = [
        ("&notin;", "∉"),
        ("&notit;", "¬it;"), // "&not" (a legacy name without ';') is the longest match
        ("&noti", "¬i"),
        ("&ampx", "&x"),
        ("&amp;amp;", "&amp;"),
        ("&acE;", "\u{223e}\u{333}"), // two code points
        ("&Aacute;&zwnj;", "Á\u{200c}"), // the first and the last name in sorted order
        ("&bogus;", "&bogus;"),
        ("&", "&"),
        ("&;", "&;"),
        ("&#x41;&#66;", "AB"),
    ];
    let html: String = cases.iter().map(|(src, _)| format!("<p>{src}</p>")).collect();
    let texts = paragraphs(&html);
    for ((src, want), got) in cases.iter().zip(&texts) {
        assert_eq!(got, want, "{src}");
    }
}

#[test]
fn attribute_values_follow_the_legacy_rule() {
    // In attributes a legacy name followed by an alphanumeric or '=' is left as written.
    let doc = Html::parse_document(r#"<a title="&notit; &amp;x &copy=1 &copy; &AEligx">x</a>"#);
    let a = doc.select(&Selector::parse("a").unwrap()).next().unwrap();
    assert_eq!(a.value().attr("title"), Some("&notit; &x &copy=1 © &AEligx"));
}
