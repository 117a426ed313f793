//! From HTML or plain text to an [`ExtractedPage`](crate::candidate::ExtractedPage).
//!
//! `dom` holds the tree helpers shared by the adapters, `site` runs the data-driven site
//! adapters from the packs, `generic` reads any page, and `thread` reads plain-text message
//! threads.

pub mod dom;
pub mod export;
pub mod generic;
pub mod site;
pub mod thread;

/// Notice codes. Stable, like diagnostic codes.
pub mod notice {
    pub const HTML_TRUNCATED: &str = "N001";
    pub const TEXT_TRUNCATED: &str = "N002";
    pub const TOO_MANY_CANDIDATES: &str = "N003";
    pub const ADAPTER_FALLBACK: &str = "N004";
    pub const TOO_MANY_BLOCKS: &str = "N005";
}

/// Most candidates read from one page (list pages).
pub const MAX_CANDIDATES: usize = 500;
/// Longest text kept for one field value, in bytes.
pub const MAX_FIELD_TEXT: usize = 256 * 1024;
/// Most text blocks the generic adapter reads.
pub const MAX_BLOCKS: usize = 5_000;

/// The URL a saved page came from, from a comment near the top: our own
/// `<!-- candor-url: https://… -->`, or the `<!-- saved from url=(0054)https://… -->` mark that
/// browsers write when saving a page.
pub fn url_comment(html: &str) -> Option<String> {
    let mut end = html.len().min(4096);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let head = &html[..end];
    let after = |marker: &str| head.find(marker).map(|i| &head[i + marker.len()..]);
    if let Some(rest) = after("candor-url:") {
        let url = rest[..rest.find("-->")?].trim();
        return (!url.is_empty()).then(|| url.to_string());
    }
    let rest = after("saved from url=")?;
    let rest = rest.strip_prefix('(').and_then(|r| r.split_once(')')).map_or(rest, |(_, r)| r);
    let url = rest[..rest.find("-->")?].trim();
    url.starts_with("http").then(|| url.to_string())
}

