//! Review bursts (SIG-49): many top ratings from one client in a short window — the advisory's
//! rating manipulation, where a persona's own accounts hire it to build a reputation.

use super::Hit;
use crate::candidate::Candidate;
use crate::field::Field;
use std::collections::BTreeMap;

/// Day number of a review date: `2024-03-12`, `Mar 12, 2024`, `12 Mar 2024`, `Mar 2024`
/// (the 1st), `03/12/2024` (US order).
fn parse_day(s: &str) -> Option<i64> {
    const NAMES: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = s.trim().to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).collect();
    let days = |y: i64, m: i64, d: i64| ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| y * 372 + (m - 1) * 31 + d);
    if let [a, b, c] = words.as_slice() {
        if let Some(m) = NAMES.iter().position(|n| a.starts_with(n)) {
            return days(c.parse().ok()?, m as i64 + 1, b.parse().ok()?);
        }
        if let Some(m) = NAMES.iter().position(|n| b.starts_with(n)) {
            return days(c.parse().ok()?, m as i64 + 1, a.parse().ok()?);
        }
    }
    if let [a, b] = words.as_slice() {
        if let Some(m) = NAMES.iter().position(|n| a.starts_with(n)) {
            return days(b.parse().ok()?, m as i64 + 1, 1);
        }
    }
    let nums: Vec<i64> = lower.split(['-', '/', '.']).map(|p| p.trim().parse().ok()).collect::<Option<Vec<i64>>>()?;
    match nums.as_slice() {
        [y, m, d] if *y > 1900 => days(*y, *m, *d),
        [m, d, y] if *y > 1900 => days(*y, *m, *d),
        _ => None,
    }
}

/// A rating out of 5: "5.0", "5", "4.8 of 5", "Rated 5 out of 5".
fn parse_rating(s: &str) -> Option<f64> {
    s.split(|c: char| !(c.is_ascii_digit() || c == '.')).filter(|p| !p.is_empty()).find_map(|p| p.parse::<f64>().ok()).filter(|r| (0.0..=5.0).contains(r))
}

pub fn burst(c: &Candidate, min_reviews: u32, window_days: u32, min_rating: f64) -> Vec<Hit> {
    // record → (client text index, client key, day, rating)
    let mut reviews: BTreeMap<u32, (Option<usize>, Option<String>, Option<i64>, Option<f64>)> = BTreeMap::new();
    for (i, t) in c.texts.iter().enumerate().filter(|(_, t)| t.field == Field::Reviews) {
        let e = reviews.entry(t.record).or_default();
        match t.sub {
            Some("client") => {
                e.0 = Some(i);
                e.1 = Some(super::name_tokens(&t.text).join(" "));
            }
            Some("date") => e.2 = parse_day(&t.text),
            Some("rating") => e.3 = parse_rating(&t.text),
            _ => {}
        }
    }
    let mut by_client: BTreeMap<String, Vec<(usize, i64)>> = BTreeMap::new();
    for (ci, key, day, rating) in reviews.into_values() {
        if let (Some(ci), Some(key), Some(day), Some(rating)) = (ci, key, day, rating) {
            if rating >= min_rating && !key.is_empty() {
                by_client.entry(key).or_default().push((ci, day));
            }
        }
    }
    let mut hits = Vec::new();
    for list in by_client.values_mut() {
        list.sort_by_key(|(_, d)| *d);
        // Largest group inside any window of `window_days`.
        let mut best = (0, 0);
        let mut lo = 0;
        for hi in 0..list.len() {
            while list[hi].1 - list[lo].1 > window_days as i64 {
                lo += 1;
            }
            if hi + 1 - lo > best.1 - best.0 {
                best = (lo, hi + 1);
            }
        }
        let group = &list[best.0..best.1];
        if group.len() as u32 >= min_reviews {
            for (ci, _) in group {
                hits.push(Hit::whole(c, *ci, Some(crate::messages::Detail::TopRatings { count: group.len(), days: window_days })));
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::FieldText;

    fn reviews(items: &[(&str, &str, &str)]) -> Candidate {
        let mut texts = Vec::new();
        for (i, (client, date, rating)) in items.iter().enumerate() {
            for (sub, text) in [("client", client), ("date", date), ("rating", rating)] {
                texts.push(FieldText { field: Field::Reviews, sub: Some(sub), record: i as u32, text: text.to_string(), node: None, breaks: Vec::new() });
            }
        }
        Candidate { texts, ..Default::default() }
    }

    #[test]
    fn dates_and_ratings() {
        assert_eq!(parse_day("Mar 12, 2024"), parse_day("2024-03-12"));
        assert_eq!(parse_day("12 March 2024"), parse_day("03/12/2024"));
        assert_eq!(parse_rating("Rated 4.9 out of 5"), Some(4.9));
    }

    #[test]
    fn flags_bursts_from_one_client() {
        let c = reviews(&[("Acme LLC", "Mar 1, 2024", "5.0"), ("acme llc", "Mar 9, 2024", "5.0"), ("ACME LLC", "Mar 20, 2024", "5.0"), ("Other", "Mar 2, 2024", "5.0")]);
        assert_eq!(burst(&c, 3, 30, 5.0).len(), 3);
        let spread = reviews(&[("Acme", "Jan 1, 2024", "5"), ("Acme", "Jun 1, 2024", "5"), ("Acme", "Dec 1, 2024", "5")]);
        assert!(burst(&spread, 3, 30, 5.0).is_empty());
    }
}
