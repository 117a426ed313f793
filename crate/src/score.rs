//! Scoring: from findings to a level.
//!
//! Compound before you badge (signals-and-anchors §1.4): Ashby and Metaview flag only when
//! several signals agree, and so do we. A family contributes at most [`FAMILY_CAP`] points, so
//! one noisy family cannot reach `high` on its own; `high` needs medium-or-worse findings in two
//! independent families; one critical finding (an exact sanctions identifier) is `critical`.

use crate::pack::{Family, RuleSeverity};
use crate::report::{Finding, Level};
use std::collections::BTreeMap;

pub const FAMILY_CAP: u32 = 8;
pub const MEDIUM_SCORE: u32 = 3;
pub const HIGH_SCORE: u32 = 9;

pub fn points(severity: RuleSeverity) -> u32 {
    match severity {
        RuleSeverity::Low => 1,
        RuleSeverity::Medium => 3,
        RuleSeverity::High => 6,
        RuleSeverity::Critical => 10,
    }
}

/// Score, level and the families that fired.
pub fn score(findings: &[Finding]) -> (u32, Level, Vec<Family>) {
    let mut per_family: BTreeMap<Family, (u32, RuleSeverity)> = BTreeMap::new();
    for f in findings {
        let e = per_family.entry(f.family).or_insert((0, RuleSeverity::Low));
        e.0 += points(f.severity);
        e.1 = e.1.max(f.severity);
    }
    let score: u32 = per_family.values().map(|(p, _)| (*p).min(FAMILY_CAP)).sum();
    let strong_families = per_family.values().filter(|(_, s)| *s >= RuleSeverity::Medium).count();
    let level = if findings.iter().any(|f| f.severity == RuleSeverity::Critical) {
        Level::Critical
    } else if strong_families >= 2 && score >= HIGH_SCORE {
        Level::High
    } else if score >= MEDIUM_SCORE {
        Level::Medium
    } else if !findings.is_empty() {
        Level::Low
    } else {
        Level::None
    };
    (score, level, per_family.into_keys().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(family: Family, severity: RuleSeverity) -> Finding {
        Finding {
            rule: "r".into(),
            family,
            severity,
            title: String::new(),
            explain: String::new(),
            advice: None,
            matches: 1,
            evidence: vec![],
            sources: vec![],
        }
    }

    #[test]
    fn one_family_never_reaches_high() {
        let f: Vec<_> = (0..5).map(|_| finding(Family::Messaging, RuleSeverity::High)).collect();
        assert_eq!(score(&f).1, Level::Medium);
        assert_eq!(score(&f).0, FAMILY_CAP);
    }

    #[test]
    fn two_strong_families_reach_high() {
        let f = vec![finding(Family::Messaging, RuleSeverity::High), finding(Family::Payment, RuleSeverity::Medium)];
        assert_eq!(score(&f), (9, Level::High, vec![Family::Messaging, Family::Payment]));
    }

    #[test]
    fn weak_second_family_is_not_enough() {
        let f = vec![finding(Family::Messaging, RuleSeverity::High), finding(Family::Payment, RuleSeverity::Low), finding(Family::Payment, RuleSeverity::Low), finding(Family::Payment, RuleSeverity::Low)];
        assert_eq!(score(&f).1, Level::Medium);
    }

    #[test]
    fn critical_is_critical_alone() {
        assert_eq!(score(&[finding(Family::Sanctions, RuleSeverity::Critical)]).1, Level::Critical);
        assert_eq!(score(&[]).1, Level::None);
        assert_eq!(score(&[finding(Family::Content, RuleSeverity::Low)]).1, Level::Low);
    }
}
