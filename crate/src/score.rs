//! Scoring: from findings to a level.
//!
//! Compound before you badge (signals-and-anchors §1.4): Ashby and Metaview flag only when
//! several signals agree, and so do we. A family contributes at most [`FAMILY_CAP`] points, so
//! one noisy family cannot reach `high` on its own; `high` needs medium-or-worse findings in two
//! independent families; one critical finding (an exact sanctions identifier) is `critical`.
//!
//! A recruiter (or an administrator) may move the score cut-offs with [`Thresholds`]; the
//! two-strong-families condition for `high` and the `critical` rule stay as they are.

use crate::pack::{Family, RuleSeverity};
use crate::report::{Finding, Level};
use std::collections::BTreeMap;

pub const FAMILY_CAP: u32 = 8;
pub const MEDIUM_SCORE: u32 = 3;
pub const HIGH_SCORE: u32 = 9;
/// The highest cut-off a recruiter may set: above it `high` would need nearly every family.
pub const MAX_THRESHOLD: u32 = 60;

/// The score cut-offs for `medium` and `high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Thresholds {
    pub medium: u32,
    pub high: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { medium: MEDIUM_SCORE, high: HIGH_SCORE }
    }
}

impl Thresholds {
    /// Checked cut-offs: `1 ≤ medium < high ≤ 60`.
    pub fn new(medium: u32, high: u32) -> Result<Thresholds, String> {
        if medium < 1 || medium >= high || high > MAX_THRESHOLD {
            return Err(format!("thresholds must satisfy 1 ≤ medium < high ≤ {MAX_THRESHOLD}; got medium {medium}, high {high}"));
        }
        Ok(Thresholds { medium, high })
    }
}

pub fn points(severity: RuleSeverity) -> u32 {
    match severity {
        RuleSeverity::Low => 1,
        RuleSeverity::Medium => 3,
        RuleSeverity::High => 6,
        RuleSeverity::Critical => 10,
    }
}

/// Score, level and the families that fired, with the default cut-offs.
pub fn score(findings: &[Finding]) -> (u32, Level, Vec<Family>) {
    score_with(findings, Thresholds::default())
}

/// Score, level and the families that fired, with the given cut-offs.
pub fn score_with(findings: &[Finding], t: Thresholds) -> (u32, Level, Vec<Family>) {
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
    } else if strong_families >= 2 && score >= t.high {
        Level::High
    } else if score >= t.medium {
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
    fn thresholds_move_only_the_cut_offs() {
        let two = vec![finding(Family::Messaging, RuleSeverity::High), finding(Family::Payment, RuleSeverity::Medium)];
        let strict = Thresholds::new(7, 12).unwrap();
        assert_eq!(score_with(&two, strict).1, Level::Medium, "9 points are below a high cut-off of 12");
        assert_eq!(score_with(&[finding(Family::Payment, RuleSeverity::Medium)], strict).1, Level::Low);
        let lax = Thresholds::new(1, 4).unwrap();
        assert_eq!(score_with(&[finding(Family::Content, RuleSeverity::Low)], lax).1, Level::Medium);
        // One family still never reaches high, and critical is still critical.
        let one: Vec<_> = (0..5).map(|_| finding(Family::Messaging, RuleSeverity::High)).collect();
        assert_eq!(score_with(&one, lax).1, Level::Medium);
        assert_eq!(score_with(&[finding(Family::Sanctions, RuleSeverity::Critical)], strict).1, Level::Critical);
    }

    #[test]
    fn thresholds_are_checked() {
        assert_eq!(Thresholds::default(), Thresholds { medium: MEDIUM_SCORE, high: HIGH_SCORE });
        assert!(Thresholds::new(1, 60).is_ok());
        for (m, h) in [(0, 9), (9, 9), (10, 9), (3, 61)] {
            assert!(Thresholds::new(m, h).is_err(), "{m} {h}");
        }
    }

    #[test]
    fn critical_is_critical_alone() {
        assert_eq!(score(&[finding(Family::Sanctions, RuleSeverity::Critical)]).1, Level::Critical);
        assert_eq!(score(&[]).1, Level::None);
        assert_eq!(score(&[finding(Family::Content, RuleSeverity::Low)]).1, Level::Low);
    }
}
