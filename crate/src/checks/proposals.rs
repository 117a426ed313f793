//! Near-duplicate proposals (SIG-16): on one job's proposal list, cover letters from different
//! freelancers that share most of their text — "the same templates being used across different
//! developer accounts" (2022 advisory).

use super::Hit;
use crate::candidate::Candidate;
use crate::field::Field;
use std::collections::HashSet;

/// Shingles of 4 words, hashed. Short letters (< 12 words) are not compared: greetings and
/// boilerplate are alike everywhere.
fn shingles(text: &str) -> Option<HashSet<u64>> {
    let words: Vec<String> = text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).filter(|w| !w.is_empty()).collect();
    if words.len() < 12 {
        return None;
    }
    Some(words.windows(4).map(|w| fnv(&w.join(" "))).collect())
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

fn jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    let inter = a.intersection(b).count() as f64;
    inter / (a.len() as f64 + b.len() as f64 - inter)
}

pub fn duplicates(candidates: &[Candidate], min_similarity: f64) -> Vec<Vec<Hit>> {
    // Each candidate's letter: the proposal text, else the bio of the row.
    let letters: Vec<Option<(usize, HashSet<u64>)>> = candidates
        .iter()
        .map(|c| {
            let pick = |f: Field| c.texts.iter().enumerate().find(|(_, t)| t.field == f && matches!(t.sub, None | Some("text")));
            pick(Field::Proposals).or_else(|| pick(Field::Bio)).and_then(|(i, t)| shingles(&t.text).map(|s| (i, s)))
        })
        .collect();
    let mut hits = vec![Vec::new(); candidates.len()];
    for a in 0..candidates.len() {
        for b in a + 1..candidates.len() {
            let (Some((ia, sa)), Some((ib, sb))) = (&letters[a], &letters[b]) else { continue };
            let same_person = candidates[a].name.is_some() && candidates[a].name == candidates[b].name;
            if same_person {
                continue;
            }
            let sim = jaccard(sa, sb);
            if sim >= min_similarity {
                let same = |other: usize| Some(crate::messages::Detail::SameProposal { percent: sim * 100.0, other: candidates[other].name.clone() });
                hits[a].push(Hit::whole(&candidates[a], *ia, same(b)));
                hits[b].push(Hit::whole(&candidates[b], *ib, same(a)));
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::FieldText;

    fn applicant(name: &str, letter: &str) -> Candidate {
        Candidate { name: Some(name.into()), texts: vec![FieldText { field: Field::Proposals, sub: Some("text"), record: 0, text: letter.into(), node: None, breaks: Vec::new() }], ..Default::default() }
    }

    #[test]
    fn near_duplicates_from_different_people() {
        let t = "Hello, I am a senior full stack developer with eight years of experience in React, Node and AWS. I read your job post carefully and I can start today.";
        let cands = vec![
            applicant("Ann", t),
            applicant("Bob", &t.replace("eight", "nine").replace("today", "tomorrow")),
            applicant("Cy", "Hi! I built three dashboards like this for logistics clients last year, happy to share the repos and talk through the data model on a call."),
        ];
        let hits = duplicates(&cands, 0.6);
        assert_eq!((hits[0].len(), hits[1].len(), hits[2].len()), (1, 1, 0));
        assert!(hits[0][0].detail.as_ref().unwrap().render(crate::messages::Lang::En).contains("Bob"));
    }
}
