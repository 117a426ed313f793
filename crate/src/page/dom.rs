//! Tree helpers: element paths that the content script can resolve, and text content.

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node};

/// Elements the extension inserts into pages (badge hosts). They are skipped when counting
/// children, both here and in the content script, so paths agree whether or not badges are
/// already on the page when it is serialised.
pub fn is_own_element(name: &str) -> bool {
    name.starts_with("candor-")
}

/// The path of element-child indices from `<html>` down to `node`: `[1, 0, 3]` means
/// `documentElement.children[1].children[0].children[3]`, skipping `candor-*` elements.
/// `None` if the node is not an element under `<html>`.
pub fn element_path(doc: &Html, node: NodeId) -> Option<Vec<u32>> {
    let mut path = Vec::new();
    let mut cur = doc.tree.get(node)?;
    if !cur.value().is_element() {
        return None;
    }
    loop {
        let parent = cur.parent()?;
        if parent.value().is_document() {
            break;
        }
        let index = cur
            .prev_siblings()
            .filter(|s| matches!(s.value(), Node::Element(e) if !is_own_element(e.name())))
            .count();
        path.push(index as u32);
        cur = parent;
    }
    path.reverse();
    Some(path)
}

/// DOM `textContent` of an element: all descendant text, in order.
pub fn text_content(el: ElementRef) -> String {
    el.text().collect()
}

/// `textContent` plus the byte offsets where two text nodes from different elements meet
/// between two letters or digits: `<p>broken<span>16:31</span></p>` reads "broken16:31" in the
/// DOM, but a word ends at the element boundary. Matching treats each such offset as a space;
/// evidence offsets stay in `textContent` terms, so highlights line up with the live page.
pub fn text_with_breaks(el: ElementRef) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut breaks = Vec::new();
    let mut last_parent = None;
    for node in el.descendants() {
        if let Node::Text(t) = node.value() {
            let parent = node.parent().map(|p| p.id());
            if !t.is_empty() {
                let joins_words = text.chars().next_back().is_some_and(char::is_alphanumeric) && t.chars().next().is_some_and(char::is_alphanumeric);
                if joins_words && parent != last_parent {
                    breaks.push(text.len());
                }
                text.push_str(t);
                last_parent = parent;
            }
        }
    }
    (text, breaks)
}

/// Cuts `s` to at most `max` bytes on a character boundary; returns whether it cut.
pub fn truncate_at(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    true
}

/// UTF-16 length of `s[..byte]`: JS string indices for a regex match's byte offset.
pub fn utf16_offset(s: &str, byte: usize) -> u32 {
    s[..byte].encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Selector;

    #[test]
    fn paths_skip_own_elements() {
        let doc = Html::parse_document(
            "<!DOCTYPE html><html><head></head><body><div></div><candor-badge></candor-badge><p id=x>hi</p></body></html>",
        );
        let p = doc.select(&Selector::parse("#x").unwrap()).next().unwrap();
        assert_eq!(element_path(&doc, p.id()), Some(vec![1, 1]));
    }

    #[test]
    fn element_boundaries_between_words() {
        let doc = Html::parse_fragment("<div id=m>my webcam is broken<span class=t>16:31</span> ok<b>a</b>b</div>");
        let el = doc.select(&Selector::parse("#m").unwrap()).next().unwrap();
        let (text, breaks) = text_with_breaks(el);
        assert_eq!(text, "my webcam is broken16:31 oka b".replace("oka b", "okab"));
        assert_eq!(breaks, vec![19, 27, 28]);
    }

    #[test]
    fn utf16_offsets() {
        let s = "café — a@b.co";
        assert_eq!(utf16_offset(s, s.find('a').unwrap()), 1);
        assert_eq!(utf16_offset(s, s.find("a@").unwrap()), 7);
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let mut s = "aé".to_string();
        assert!(truncate_at(&mut s, 2));
        assert_eq!(s, "a");
    }
}
