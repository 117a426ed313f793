//! The scanner: runs compiled [`Rules`] over a page and builds the [`Report`].
//!
//! ```
//! use candor::{Compiler, Scanner};
//! let rules = Compiler::with_builtin().build();
//! let report = Scanner::new(&rules).scan_text("thread.txt",
//!     "Recruiter: can we do a video call?\nAlex: my camera is broken, can we just chat instead");
//! assert_eq!(report.page_kind.as_str(), "messages");
//! ```

use crate::candidate::{Candidate, ExtractedPage, FieldText, Notice};
use crate::checks::{self, CheckContext, Hit};
use crate::compile::{CompiledList, Matcher, Partition, Rules};
use crate::literal::{has_non_ascii_fold, TextRuns};
use crate::locale::{lookup, Locale};
use crate::messages::{Detail, Lang};
use crate::pack::{ListMatch, PageKind};
use crate::page::dom::{element_path, truncate_at, utf16_offset};
use crate::page::{generic, notice, site, thread};
use crate::persona::{self, Memory};
use crate::report::{CandidateReport, Evidence, Finding, Level, PackRef, PersonaRecord, Prompt, Report};
use crate::score::{score_with, Thresholds};
use crate::weburl::WebUrl;
use scraper::{Html, Selector};
use std::collections::BTreeMap;

/// Largest HTML document scanned, in bytes; the rest is cut with a notice.
pub const MAX_HTML_BYTES: usize = 8 * 1024 * 1024;
/// Most matches counted per rule per text.
const MAX_MATCHES_PER_TEXT: usize = 50;
/// Evidence items kept per finding.
const MAX_EVIDENCE: usize = 5;
/// Longest evidence text shown.
const MAX_EVIDENCE_CHARS: usize = 240;

pub struct Scanner<'r> {
    rules: &'r Rules,
    now: Option<i64>,
    memory: Option<&'r Memory>,
    locale: Option<Locale>,
    thresholds: Thresholds,
    windows: bool,
}

impl<'r> Scanner<'r> {
    pub fn new(rules: &'r Rules) -> Self {
        Scanner { rules, now: None, memory: None, locale: None, thresholds: Thresholds::default(), windows: true }
    }

    /// The language of the report's texts (`de`, `de-CH`; see [`crate::locale`]). Each rule
    /// text and the prompt come from the best matching translation in the packs, else as the
    /// pack wrote them. A tag that is not well-formed matches nothing: callers that take tags
    /// from users check them with [`Locale::parse`] first, as the CLI and the wasm binding do.
    pub fn locale(mut self, tag: Option<&str>) -> Self {
        self.locale = tag.and_then(|t| Locale::parse(t).ok());
        self
    }

    /// The score cut-offs for `medium` and `high` (see [`Thresholds`]).
    pub fn thresholds(mut self, thresholds: Thresholds) -> Self {
        self.thresholds = thresholds;
        self
    }

    /// The time of the scan (Unix seconds, UTC). A page's displayed clock can only be compared
    /// with a claimed location at a known instant: the browser passes the current time; for a
    /// saved page, pass the time it was saved, or nothing.
    pub fn at(mut self, now: Option<i64>) -> Self {
        self.now = now;
        self
    }

    /// Compares candidates with the personas in `memory` (`persona_reuse` rules) and puts each
    /// candidate's fingerprint in the report, for the caller to remember.
    pub fn with_memory(mut self, memory: Option<&'r Memory>) -> Self {
        self.memory = memory;
        self
    }

    /// Searches each pattern over its whole text instead of only the windows around its literal
    /// hits. Findings are the same (the differential tests check it); this is their reference
    /// and the benchmark's baseline.
    pub fn whole_text(mut self) -> Self {
        self.windows = false;
        self
    }

    /// Scans an HTML page. `url` picks the site adapter; without it a `<!-- candor-url: … -->`
    /// or `<!-- saved from url=… -->` comment, the page's canonical link or `og:url` is used,
    /// and failing that the generic adapter.
    pub fn scan_html(&self, source: &str, url: Option<&str>, html: &str) -> Report {
        let mut notices = Vec::new();
        let mut html_owned;
        let mut html = html;
        if html.len() > MAX_HTML_BYTES {
            html_owned = html.to_string();
            truncate_at(&mut html_owned, MAX_HTML_BYTES);
            html = &html_owned;
            notices.push(Notice::new(notice::HTML_TRUNCATED, format!("the page is larger than {} MiB; only the first {} MiB were scanned", MAX_HTML_BYTES >> 20, MAX_HTML_BYTES >> 20)));
        }
        let doc = Html::parse_document(html);
        let url = url.map(str::to_string).or_else(|| crate::page::url_comment(html)).or_else(|| page_url(&doc));
        let parsed = url.as_deref().and_then(WebUrl::parse);
        let mut page = self.extract(&doc, parsed.as_ref());
        notices.append(&mut page.notices);
        page.notices = notices;
        self.report(source, url, page, Some(&doc))
    }

    /// Scans a plain-text message thread (see [`crate::page::thread`]).
    pub fn scan_text(&self, source: &str, text: &str) -> Report {
        let mut notices = Vec::new();
        let mut owned;
        let mut text = text;
        if text.len() > MAX_HTML_BYTES {
            owned = text.to_string();
            truncate_at(&mut owned, MAX_HTML_BYTES);
            text = &owned;
            notices.push(Notice::new(notice::HTML_TRUNCATED, format!("the text is larger than {} MiB; only the first {} MiB were scanned", MAX_HTML_BYTES >> 20, MAX_HTML_BYTES >> 20)));
        }
        let c = thread::read(text);
        let candidates = if c.texts.is_empty() { Vec::new() } else { vec![c] };
        let page = ExtractedPage { site: "generic".into(), adapter: "text".into(), kind: PageKind::Messages, candidates, notices };
        self.report(source, None, page, None)
    }

    /// Scans an ATS API export (Greenhouse Harvest, Lever, Ashby JSON; see
    /// [`crate::page::export`]): one candidate per record. `None` if the JSON is none of them.
    pub fn scan_export(&self, source: &str, json: &serde_json::Value) -> Option<Report> {
        let (site, candidates) = crate::page::export::read(json)?;
        let page = ExtractedPage { site: site.into(), adapter: format!("{site}-export"), kind: PageKind::CandidateList, candidates, notices: Vec::new() };
        Some(self.report(source, None, page, None))
    }

    fn extract(&self, doc: &Html, url: Option<&WebUrl>) -> ExtractedPage {
        let host = url.map(|u| u.host.as_str());
        let mut notices = Vec::new();
        if let (Some(site), Some(u)) = (host.and_then(|h| site::site_for_host(&self.rules.sites, h)), url) {
            let path = u.path_and_query();
            match site::read(site, doc, &path) {
                site::SiteOutcome::Read { kind, candidates, notices } => {
                    return ExtractedPage { site: site.id.clone(), adapter: site.id.clone(), kind, candidates, notices };
                }
                site::SiteOutcome::NotRecognised { reason } => {
                    notices.push(Notice::new(notice::ADAPTER_FALLBACK, format!("{reason}; the generic adapter read the page")));
                }
            }
            let (kind, candidates, mut more) = generic::read(doc);
            notices.append(&mut more);
            return ExtractedPage { site: site.id.clone(), adapter: "generic".into(), kind, candidates, notices };
        }
        let (kind, candidates, notices) = generic::read(doc);
        ExtractedPage { site: "generic".into(), adapter: "generic".into(), kind, candidates, notices }
    }

    fn report(&self, source: &str, url: Option<String>, page: ExtractedPage, doc: Option<&Html>) -> Report {
        let partition = self.rules.partition(&page.site);
        // Page-level checks compare the candidates of one page with each other.
        let mut page_hits: Vec<Vec<(u32, Vec<Hit>)>> = vec![Vec::new(); page.candidates.len()];
        for &ri in &self.rules.checks {
            let rule = &self.rules.rules[ri as usize];
            if let Matcher::Check(spec, _) = &rule.matcher {
                if spec.is_page_level() && rule.applies_on(&page.site) && page.candidates.len() > 1 {
                    for (ci, hits) in checks::run_page(spec, &page.candidates).into_iter().enumerate() {
                        if !hits.is_empty() {
                            page_hits[ci].push((ri, hits));
                        }
                    }
                }
            }
        }
        let mut candidates: Vec<CandidateReport> = page
            .candidates
            .iter()
            .zip(page_hits)
            .map(|(c, extra)| {
                let key = persona::candidate_key(&page.site, c, url.as_deref());
                // One fingerprint per candidate: the persona_reuse check compares it, the
                // report carries it for the caller to remember.
                let fingerprint = self.memory.map(|m| persona::fingerprint_with_spans(c, &m.key));
                let mut r = self.candidate_report(c, partition, &page.site, &key, fingerprint.as_ref(), extra, doc);
                if let Some((fp, _)) = fingerprint {
                    r.persona = Some(PersonaRecord { key, fingerprint: fp });
                }
                r
            })
            .collect();
        // On a page of unknown kind (the generic adapter found no person), a "candidate" is just
        // the page's heading: report it only when something was found, so that a dashboard or
        // an article never gets a candidate badge of its own.
        if page.kind == PageKind::Unknown {
            candidates.retain(|c| !c.findings.is_empty());
        }
        let top = candidates.iter().map(|c| c.level).max().unwrap_or(Level::None);
        let v = &self.rules.verification;
        let locale = self.locale.as_ref();
        let vt = &self.rules.verification_texts;
        Report {
            source: source.to_string(),
            url,
            site: page.site,
            adapter: page.adapter,
            page_kind: page.kind,
            candidates,
            notices: page.notices,
            prompt: Prompt {
                title: lookup(locale, vt, |t| t.title.clone()).unwrap_or_else(|| v.title.clone()),
                steps: lookup(locale, vt, |t| t.steps.clone()).unwrap_or_else(|| v.steps.clone()),
                emphasis: match top {
                    Level::None | Level::Low => "standard",
                    Level::Medium => "raised",
                    Level::High | Level::Critical => "urgent",
                },
            },
            locale: locale.and_then(|l| l.resolve(|t| self.rules.languages.contains(t))).map(str::to_string),
            packs: self.rules.packs.iter().map(|p| PackRef { id: p.id.clone(), version: p.version.clone() }).collect(),
            engine: env!("CARGO_PKG_VERSION"),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn candidate_report(
        &self,
        c: &Candidate,
        partition: &Partition,
        site: &str,
        key: &str,
        fingerprint: Option<&(persona::Fingerprint, persona::Spans)>,
        page_hits: Vec<(u32, Vec<Hit>)>,
        doc: Option<&Html>,
    ) -> CandidateReport {
        let lang = Lang::for_locale(self.locale.as_ref());
        // rule index → (match count, evidence)
        let mut hits: BTreeMap<u32, (u32, Vec<Evidence>)> = BTreeMap::new();
        let record = |ri: u32, found: Vec<Hit>, hits: &mut BTreeMap<u32, (u32, Vec<Evidence>)>| {
            if found.is_empty() {
                return;
            }
            let entry = hits.entry(ri).or_default();
            entry.0 += found.len() as u32;
            for h in found {
                if entry.1.len() < MAX_EVIDENCE {
                    entry.1.push(evidence(&c.texts[h.text], h.start, h.end, h.detail, lang, doc));
                }
            }
        };
        for (ri, found) in page_hits {
            record(ri, found, &mut hits);
        }
        for &ri in &self.rules.checks {
            let rule = &self.rules.rules[ri as usize];
            let Matcher::Check(spec, lists) = &rule.matcher else { continue };
            if spec.is_page_level() || !rule.applies_on(site) {
                continue;
            }
            let targets = |i: usize| rule.targets(c.texts[i].field, c.texts[i].sub);
            let cx = CheckContext {
                now: self.now,
                lists: lists.iter().map(|(name, li)| (name.as_str(), &self.rules.lists[*li])).collect(),
                targets: &targets,
                memory: self.memory.zip(fingerprint).map(|(m, fp)| (m, key, fp)),
            };
            record(ri, checks::run(spec, c, &cx), &mut hits);
        }
        let mut candidates_buf: Vec<u32> = Vec::new();
        let mut hits_buf: Vec<LiteralHit> = Vec::new();
        for ft in &c.texts {
            let (matching, offsets) = matching_text(ft);
            let to_original = |i: usize| offsets.as_ref().map_or(i, |m| m.get(i).copied().unwrap_or(ft.text.len()));
            let matching = matching.as_ref();
            let located = self.rules_for_text(partition, matching, &mut candidates_buf, &mut hits_buf);
            let mut runs = None;
            for &ri in &candidates_buf {
                let rule = &self.rules.rules[ri as usize];
                if !rule.targets(ft.field, ft.sub) {
                    continue;
                }
                let found = match &rule.matcher {
                    Matcher::Regex(re, bound) => {
                        let Some(re) = re.get() else { continue };
                        let regions = match (bound, located) {
                            (Some(bound), true) if self.windows => {
                                let runs = *runs.get_or_insert_with(|| TextRuns::measure(matching));
                                search_regions(matching, bound.eval(&runs), partition.literals_of.get(&ri).map_or(&[][..], Vec::as_slice), &hits_buf)
                            }
                            _ => None,
                        };
                        regions
                            .and_then(|r| find_in_regions(re, matching, &r))
                            .unwrap_or_else(|| re.find_iter(matching).filter(|m| !m.is_empty()).take(MAX_MATCHES_PER_TEXT).map(|m| (m.start(), m.end())).collect())
                            .into_iter()
                            .map(|(s, e)| (s, e, None))
                            .collect::<Vec<_>>()
                    }
                    Matcher::List(li) => list_matches(&self.rules.lists[*li], matching),
                    Matcher::Check(..) => continue,
                };
                let found: Vec<_> = found.into_iter().map(|(s, e, d)| (to_original(s), to_original(e), d)).filter(|(s, e, _)| s < e).collect();
                if found.is_empty() {
                    continue;
                }
                let entry = hits.entry(ri).or_default();
                entry.0 += found.len() as u32;
                for (s, e, detail) in found {
                    if entry.1.len() < MAX_EVIDENCE {
                        entry.1.push(evidence(ft, s, e, detail, lang, doc));
                    }
                }
            }
        }
        let mut findings: Vec<Finding> = hits
            .into_iter()
            .filter_map(|(ri, (count, mut evidence))| {
                let rule = &self.rules.rules[ri as usize];
                if count < rule.min_matches {
                    return None;
                }
                // The same phrase on several lines is one piece of evidence to show.
                let mut seen = std::collections::HashSet::new();
                evidence.retain(|e| seen.insert((e.field.clone(), e.text.to_lowercase())));
                let locale = self.locale.as_ref();
                let texts = &rule.texts;
                Some(Finding {
                    rule: rule.id.clone(),
                    family: rule.family,
                    severity: rule.severity,
                    title: lookup(locale, texts, |t| t.title.clone()).unwrap_or_else(|| rule.title.clone()),
                    explain: lookup(locale, texts, |t| t.explain.clone()).unwrap_or_else(|| rule.explain.clone()),
                    // Advice is translated only where the rule has advice (the linter warns otherwise).
                    advice: rule.advice.as_ref().map(|a| lookup(locale, texts, |t| t.advice.clone()).unwrap_or_else(|| a.clone())),
                    matches: count,
                    evidence,
                    sources: rule.sources.clone(),
                })
            })
            .collect();
        findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.rule.cmp(&b.rule)));
        let (score, level, families) = score_with(&findings, self.thresholds);
        let mut fields: Vec<String> = c
            .texts
            .iter()
            .filter(|t| !t.text.trim().is_empty())
            .map(|t| match t.sub {
                Some(s) => format!("{}.{s}", t.field),
                None => t.field.to_string(),
            })
            .collect();
        for t in &c.texts {
            fields.push(t.field.to_string());
        }
        fields.sort();
        fields.dedup();
        CandidateReport {
            name: c.name.clone(),
            profile_id: c.profile_id.clone(),
            anchor: c.anchor.and_then(|n| doc.and_then(|d| element_path(d, n))),
            level,
            score,
            families,
            fields,
            findings,
            persona: None,
        }
    }

    /// The rules worth running on `text`: those whose required literal occurs, plus the
    /// unindexed ones. Sorted, without duplicates. `hits` gets every occurrence of every
    /// literal, sorted by literal then position; returns whether it did (the prefilter ran).
    fn rules_for_text(&self, p: &Partition, text: &str, out: &mut Vec<u32>, hits: &mut Vec<LiteralHit>) -> bool {
        out.clear();
        hits.clear();
        let located = match &p.prefilter {
            Some(ac) if !has_non_ascii_fold(text) => {
                out.extend_from_slice(&p.always);
                let mut seen = vec![false; p.by_literal.len()];
                for m in ac.find_overlapping_iter(text) {
                    let i = m.pattern().as_usize();
                    hits.push(LiteralHit { literal: i as u32, start: m.start(), end: m.end() });
                    if !seen[i] {
                        seen[i] = true;
                        out.extend_from_slice(&p.by_literal[i]);
                    }
                }
                hits.sort_unstable_by_key(|h| (h.literal, h.start));
                true
            }
            _ => {
                out.extend_from_slice(&p.all);
                false
            }
        };
        out.sort_unstable();
        out.dedup();
        located
    }
}

/// One occurrence of a prefilter literal in a text (byte offsets of the matching text).
#[derive(Clone, Copy)]
struct LiteralHit {
    literal: u32,
    start: usize,
    end: usize,
}

/// The parts of `text` that can hold a match of a rule whose matches are at most `max_len`
/// bytes long and always contain one of `literals`: around each occurrence, `max_len` bytes
/// either way, merged, on character boundaries. `None` when that is most of the text anyway.
fn search_regions(text: &str, max_len: usize, literals: &[u32], hits: &[LiteralHit]) -> Option<Vec<(usize, usize)>> {
    if literals.is_empty() || max_len >= text.len() / 2 {
        return None;
    }
    let mut windows = Vec::new();
    for &lit in literals {
        let first = hits.partition_point(|h| h.literal < lit);
        for h in hits[first..].iter().take_while(|h| h.literal == lit) {
            windows.push((h.end.saturating_sub(max_len), (h.start + max_len).min(text.len())));
        }
    }
    windows.sort_unstable();
    let mut regions: Vec<(usize, usize)> = Vec::with_capacity(windows.len());
    let mut covered = 0;
    for (a, b) in windows {
        let a = floor_char_boundary(text, a);
        let b = ceil_char_boundary(text, b);
        match regions.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => regions.push((a, b)),
        }
    }
    for r in &regions {
        covered += r.1 - r.0;
    }
    (covered < text.len() / 2).then_some(regions)
}

/// Leftmost-first matches of `re` in `text` that lie in `regions`, as `find_iter` over the
/// whole text gives them when every match lies in a region (at most
/// [`MAX_MATCHES_PER_TEXT`]). Each region is searched in a copy of the text cut one character
/// after it, so look-arounds at its end still see the next character; a match reaching past
/// the region could only come from that cut, so then `None`: search the whole text.
fn find_in_regions(re: &regex::Regex, text: &str, regions: &[(usize, usize)]) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for &(a, b) in regions {
        let cut = b + text[b..].chars().next().map_or(0, char::len_utf8);
        let hay = &text[..cut];
        let mut pos = a;
        while pos < b {
            let Some(m) = re.find_at(hay, pos) else { break };
            if m.end() > b || m.is_empty() {
                return None;
            }
            out.push((m.start(), m.end()));
            if out.len() >= MAX_MATCHES_PER_TEXT {
                return Some(out);
            }
            pos = m.end();
        }
    }
    Some(out)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The text rules match against: the field text with a space at each element boundary between
/// two words, and the map from its byte offsets back to the field text's (`None` when equal).
fn matching_text(ft: &FieldText) -> (std::borrow::Cow<'_, str>, Option<Vec<usize>>) {
    if ft.breaks.is_empty() {
        return (std::borrow::Cow::Borrowed(&ft.text), None);
    }
    let mut out = String::with_capacity(ft.text.len() + ft.breaks.len());
    let mut map = Vec::with_capacity(ft.text.len() + ft.breaks.len() + 1);
    let mut last = 0;
    for &b in &ft.breaks {
        out.push_str(&ft.text[last..b]);
        map.extend(last..b);
        out.push(' ');
        map.push(b);
        last = b;
    }
    out.push_str(&ft.text[last..]);
    map.extend(last..ft.text.len());
    map.push(ft.text.len());
    (std::borrow::Cow::Owned(out), Some(map))
}

fn list_matches(list: &CompiledList, text: &str) -> Vec<(usize, usize, Option<Detail>)> {
    // Entries are stored with single spaces; page text wraps names across lines and pads them
    // ("Yanbian\n      Silverstar"). Match on a whitespace-collapsed copy and map back.
    let (collapsed, map) = collapse_whitespace(text);
    let mut out = Vec::new();
    for (ac, entry_of) in [&list.folded, &list.exact].into_iter().flatten() {
        for m in ac.find_iter(&collapsed) {
            let (s, e) = (m.start(), m.end());
            let before = collapsed[..s].chars().next_back();
            let after = collapsed[e..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && (list.match_kind == ListMatch::Words || c != '_'));
            if !boundary(before) || !boundary(after) {
                continue;
            }
            let entry = &list.entries[entry_of[m.pattern().as_usize()]];
            let detail = Detail::ListMatch { value: entry.value.clone(), note: entry.note.clone(), date: entry.date.clone() };
            out.push((map[s], map[e - 1] + collapsed[e - 1..].chars().next().map_or(1, char::len_utf8), Some(detail)));
            if out.len() >= MAX_MATCHES_PER_TEXT {
                return out;
            }
        }
    }
    out
}

/// `text` with every run of whitespace replaced by one space, and for each byte of the result
/// the byte offset it came from in `text`.
fn collapse_whitespace(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
                map.push(i);
            }
            in_space = true;
        } else {
            in_space = false;
            let mut buf = [0u8; 4];
            for _ in 0..c.encode_utf8(&mut buf).len() {
                map.push(i);
            }
            out.push(c);
        }
    }
    (out, map)
}

fn evidence(ft: &FieldText, start: usize, end: usize, detail: Option<Detail>, lang: Lang, doc: Option<&Html>) -> Evidence {
    let field = match ft.sub {
        Some(sub) => format!("{}.{sub}", ft.field),
        None => ft.field.to_string(),
    };
    // Rules anchored at a sentence boundary match from the previous full stop on; the evidence
    // (and its highlight) starts at the first word instead. Trailing spaces go too.
    let lead = ft.text[start..end].find(|c: char| !(c.is_whitespace() || matches!(c, '.' | '!' | '?' | ';' | ':' | ',' | '…')));
    let start = lead.map_or(start, |i| start + i);
    let end = start + ft.text[start..end].trim_end().len();
    let matched = &ft.text[start..end];
    let text: String = if matched.chars().count() > MAX_EVIDENCE_CHARS {
        matched.chars().take(MAX_EVIDENCE_CHARS).chain(std::iter::once('…')).collect()
    } else {
        matched.to_string()
    };
    let path = ft.node.and_then(|n| doc.and_then(|d| element_path(d, n)));
    let (start16, end16) = match path {
        Some(_) => (Some(utf16_offset(&ft.text, start)), Some(utf16_offset(&ft.text, end))),
        None => (None, None),
    };
    Evidence { field, text, path, start: start16, end: end16, detail: detail.map(|d| d.render(lang)) }
}

/// The page's own idea of its URL: `<link rel=canonical>` or `og:url`.
fn page_url(doc: &Html) -> Option<String> {
    static CANONICAL: std::sync::OnceLock<Selector> = std::sync::OnceLock::new();
    static OG: std::sync::OnceLock<Selector> = std::sync::OnceLock::new();
    let canonical = CANONICAL.get_or_init(|| Selector::parse(r#"link[rel~="canonical" i][href]"#).expect("static selector"));
    let og = OG.get_or_init(|| Selector::parse(r#"meta[property="og:url" i][content]"#).expect("static selector"));
    doc.select(canonical)
        .filter_map(|e| e.value().attr("href"))
        .chain(doc.select(og).filter_map(|e| e.value().attr("content")))
        .map(str::trim)
        .find(|u| WebUrl::parse(u).is_some_and(|u| u.is_http()))
        .map(str::to_string)
}

/// Per-scan options as the extension passes them (`{locale?: "de", thresholds?: {medium: 3,
/// high: 9}}`), checked strictly: an unknown key, a wrong type, a malformed tag or
/// cut-offs out of range are errors, so a typo in a caller never silently changes a result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOptions {
    pub locale: Option<String>,
    pub thresholds: Thresholds,
}

impl ScanOptions {
    /// Reads options from JSON; `null` means none.
    pub fn from_json(v: &serde_json::Value) -> Result<ScanOptions, String> {
        use serde_json::Value;
        let m = match v {
            Value::Null => return Ok(ScanOptions::default()),
            Value::Object(m) => m,
            _ => return Err("scan options must be an object: {locale?, thresholds?}".into()),
        };
        let mut out = ScanOptions::default();
        for (key, value) in m {
            match (key.as_str(), value) {
                ("locale", Value::Null) | ("thresholds", Value::Null) => {}
                ("locale", Value::String(s)) => {
                    Locale::parse(s).map_err(|e| format!("scan option locale: {e}"))?;
                    out.locale = Some(s.clone());
                }
                ("locale", _) => return Err("scan option locale must be a string such as \"de\"".into()),
                ("thresholds", Value::Object(t)) => {
                    if let Some(k) = t.keys().find(|k| !matches!(k.as_str(), "medium" | "high")) {
                        return Err(format!("unknown key \"{k}\" in scan option thresholds; it takes medium and high"));
                    }
                    let cut = |k: &str, default: u32| match t.get(k) {
                        None => Ok(default),
                        Some(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| format!("scan option thresholds.{k} must be a whole number, not {n}")),
                    };
                    let d = Thresholds::default();
                    out.thresholds = Thresholds::new(cut("medium", d.medium)?, cut("high", d.high)?)?;
                }
                ("thresholds", _) => return Err("scan option thresholds must be an object {medium, high}".into()),
                (other, _) => return Err(format!("unknown scan option \"{other}\"; the options are locale and thresholds")),
            }
        }
        Ok(out)
    }
}

impl<'r> Scanner<'r> {
    /// Applies checked [`ScanOptions`].
    pub fn options(self, options: &ScanOptions) -> Self {
        self.locale(options.locale.as_deref()).thresholds(options.thresholds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scan_options_are_checked_strictly() {
        let o = ScanOptions::from_json(&json!({"locale": "de-CH", "thresholds": {"medium": 2, "high": 12}})).unwrap();
        assert_eq!(o, ScanOptions { locale: Some("de-CH".into()), thresholds: Thresholds { medium: 2, high: 12 } });
        assert_eq!(ScanOptions::from_json(&json!(null)).unwrap(), ScanOptions::default());
        assert_eq!(ScanOptions::from_json(&json!({"thresholds": {"high": 20}})).unwrap().thresholds, Thresholds { medium: 3, high: 20 });
        for (bad, says) in [
            (json!({"lang": "de"}), "unknown scan option \"lang\""),
            (json!({"locale": 7}), "must be a string"),
            (json!({"locale": "deutsch"}), "not a language tag"),
            (json!({"thresholds": {"medium": 9, "high": 3}}), "1 ≤ medium < high ≤ 60"),
            (json!({"thresholds": {"medium": 2.5, "high": 9}}), "whole number"),
            (json!({"thresholds": {"medium": 3, "hi": 9}}), "unknown key \"hi\""),
            (json!({"thresholds": 5}), "must be an object"),
            (json!("de"), "must be an object"),
        ] {
            let err = ScanOptions::from_json(&bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
