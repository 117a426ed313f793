//! Experience timeline (SIG-21, Findem's "questionable timing"): several roles marked "present",
//! long overlaps between roles, and roles that start before the employer existed when a pack
//! list knows the founding date.
//!
//! Moonlighting is legal and contracts overlap, so rules built on this check should stay low or
//! medium and count only together with other families.

use super::Hit;
use crate::messages::Detail;
use crate::candidate::Candidate;
use crate::compile::CompiledList;
use crate::field::Field;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A month count since year 0 (`year * 12 + month - 1`).
type Month = i32;

#[derive(Debug, Clone, PartialEq)]
struct Role {
    record: u32,
    start: Month,
    end: Option<Month>, // None = present
    /// Index of the text the dates came from, and the span of the range.
    text: usize,
    span: (usize, usize),
}

fn range_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let date = r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}|\d{1,2}/\d{4}|\d{4}-\d{2}|\d{4})";
        Regex::new(&format!(r"(?i)\b({date})\s*(?:-|–|—|to|until)\s*(present|current|now|today|{date})\b")).expect("static regex")
    })
}

/// A date with its precision: `(month, year_only)`.
fn parse_date(s: &str) -> Option<(Month, bool)> {
    let year_only = s.trim().len() == 4;
    parse_month(s).map(|m| (m, year_only))
}

fn parse_month(s: &str) -> Option<Month> {
    let s = s.trim().to_ascii_lowercase();
    const NAMES: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    if let Some(i) = NAMES.iter().position(|n| s.starts_with(n)) {
        let year: i32 = s.split_whitespace().last()?.parse().ok()?;
        return Some(year * 12 + i as i32);
    }
    if let Some((m, y)) = s.split_once('/') {
        let (m, y): (i32, i32) = (m.parse().ok()?, y.parse().ok()?);
        return (1..=12).contains(&m).then_some(y * 12 + m - 1);
    }
    if let Some((y, m)) = s.split_once('-') {
        let (y, m): (i32, i32) = (y.parse().ok()?, m.parse().ok()?);
        return (1..=12).contains(&m).then_some(y * 12 + m - 1);
    }
    let y: i32 = s.parse().ok()?;
    Some(y * 12)
}

fn roles(c: &Candidate) -> Vec<Role> {
    let mut by_record: BTreeMap<u32, Role> = BTreeMap::new();
    // Prefer the dates sub-field; fall back to any text of the record.
    let mut texts: Vec<(usize, &crate::candidate::FieldText)> = c.texts.iter().enumerate().filter(|(_, t)| t.field == Field::Experience).collect();
    // A page without structured experience (the generic adapter): each text block with a date
    // range is a role.
    if texts.is_empty() {
        texts = c.texts.iter().enumerate().filter(|(_, t)| t.field == Field::Text).collect();
    }
    texts.sort_by_key(|(_, t)| t.sub != Some("dates"));
    for (i, t) in texts {
        if by_record.contains_key(&t.record) {
            continue;
        }
        let Some(cap) = range_re().captures(&t.text) else { continue };
        let (Some((mut start, start_year_only)), end_s) = (parse_date(&cap[1]), cap[2].to_ascii_lowercase()) else { continue };
        // Year-only dates are read conservatively, so that "2016 - 2020" then "2020 - Present"
        // (a change of job during 2020) is not an overlap: a year-only start is its December,
        // a year-only end its January.
        if start_year_only {
            start += 11;
        }
        let end = if matches!(end_s.as_str(), "present" | "current" | "now" | "today") {
            None
        } else {
            match parse_date(&end_s) {
                Some((m, _)) => Some(m),
                None => continue,
            }
        };
        if let Some(e) = end {
            if e < start {
                if !start_year_only {
                    continue;
                }
                start = e;
            }
        }
        let m = cap.get(0).expect("match");
        by_record.insert(t.record, Role { record: t.record, start, end, text: i, span: (m.start(), m.end()) });
    }
    by_record.into_values().collect()
}

pub fn overlaps(c: &Candidate, min_overlap_months: u32, min_present: u32, founded: Option<&CompiledList>) -> Vec<Hit> {
    let roles = roles(c);
    let mut hits = Vec::new();
    let present: Vec<&Role> = roles.iter().filter(|r| r.end.is_none()).collect();
    if present.len() as u32 >= min_present {
        for r in &present {
            hits.push(Hit { text: r.text, start: r.span.0, end: r.span.1, detail: Some(Detail::RolesPresent { count: present.len() }) });
        }
    }
    let far_future = Month::MAX / 2;
    for (i, a) in roles.iter().enumerate() {
        for b in &roles[i + 1..] {
            if a.end.is_none() && b.end.is_none() {
                continue; // counted above
            }
            let overlap = a.end.unwrap_or(far_future).min(b.end.unwrap_or(far_future)) - a.start.max(b.start) + 1;
            let shorter = (a.end.unwrap_or(far_future) - a.start + 1).min(b.end.unwrap_or(far_future) - b.start + 1);
            // A role fully inside another (a side contract) still counts; require the overlap
            // to be long, not a handover month.
            if overlap >= min_overlap_months as i32 && shorter > 0 {
                let detail = Detail::RolesOverlap { first: a.record + 1, second: b.record + 1, months: overlap };
                for r in [a, b] {
                    if !hits.iter().any(|h: &Hit| h.text == r.text && h.start == r.span.0) {
                        hits.push(Hit { text: r.text, start: r.span.0, end: r.span.1, detail: Some(detail.clone()) });
                    }
                }
            }
        }
    }
    if let Some(list) = founded {
        for r in &roles {
            let employer = c.texts.iter().enumerate().find(|(_, t)| t.field == Field::Experience && t.record == r.record && t.sub == Some("employer"));
            let Some((ei, et)) = employer else { continue };
            let name = super::fold_ascii(et.text.trim());
            let founding = list.entries.iter().find(|e| super::fold_ascii(&e.value) == name).and_then(|e| e.date.as_deref()).and_then(parse_month);
            if let Some(f) = founding {
                if r.start + 1 < f {
                    hits.push(Hit::whole(c, ei, Some(Detail::BeforeFounded { employer: et.text.trim().to_string() })));
                    hits.push(Hit { text: r.text, start: r.span.0, end: r.span.1, detail: None });
                }
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::FieldText;

    fn exp(records: &[(&str, &str)]) -> Candidate {
        let mut texts = Vec::new();
        for (i, (employer, dates)) in records.iter().enumerate() {
            texts.push(FieldText { field: Field::Experience, sub: Some("employer"), record: i as u32, text: employer.to_string(), node: None, breaks: Vec::new() });
            texts.push(FieldText { field: Field::Experience, sub: Some("dates"), record: i as u32, text: dates.to_string(), node: None, breaks: Vec::new() });
        }
        Candidate { texts, ..Default::default() }
    }

    #[test]
    fn parses_date_ranges() {
        let r = roles(&exp(&[("A", "Jan 2020 - Present"), ("B", "03/2018 – 12/2019"), ("C", "2015 - 2017")]));
        assert_eq!(r[0].start, 2020 * 12);
        assert_eq!(r[0].end, None);
        assert_eq!(r[1].end, Some(2019 * 12 + 11));
        assert_eq!((r[2].start, r[2].end), (2015 * 12 + 11, Some(2017 * 12)));
    }

    #[test]
    fn flags_several_present_and_long_overlaps() {
        let hits = overlaps(&exp(&[("A", "Jan 2022 - Present"), ("B", "June 2023 - Present")]), 3, 2, None);
        assert_eq!(hits.len(), 2);
        assert!(overlaps(&exp(&[("A", "Jan 2020 - Mar 2022"), ("B", "Mar 2022 - Present")]), 3, 2, None).is_empty(), "a handover month is not an overlap");
        assert_eq!(overlaps(&exp(&[("A", "Jan 2020 - Dec 2022"), ("B", "Jun 2021 - Present")]), 3, 2, None).len(), 2);
        assert!(overlaps(&exp(&[("A", "2020 - Present"), ("B", "2016 - 2020")]), 3, 2, None).is_empty(), "a job change within a year");
    }
}
