//! Evaluation over a labelled corpus: how many fraud-like items reach `medium` and `high`, how
//! many ordinary ones are wrongly `high`, and recall per signal family.
//!
//! The corpus format (`labels.json` beside the items):
//! ```json
//! {"items": [{"file": "fraud/001.txt", "label": "fraud", "families": ["messaging", "payment"]},
//!            {"file": "ordinary/001.html", "label": "ordinary"}]}
//! ```

use crate::pack::Family;
use crate::report::{Level, Report};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Labels {
    pub items: Vec<LabelledItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LabelledItem {
    pub file: String,
    pub label: Label,
    #[serde(default)]
    pub families: Vec<Family>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Fraud,
    Ordinary,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FamilyRecall {
    pub labelled: u32,
    pub caught: u32,
    pub recall: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Metrics {
    pub fraud: u32,
    pub ordinary: u32,
    /// Fraud items at `medium` or above.
    pub fraud_at_medium: u32,
    /// Fraud items at `high` or above.
    pub fraud_at_high: u32,
    /// Ordinary items at `high` or above (false positives at high).
    pub ordinary_at_high: u32,
    /// Ordinary items at `medium` or above.
    pub ordinary_at_medium: u32,
    pub recall_at_medium: f64,
    pub recall_at_high: f64,
    pub false_positive_rate_at_high: f64,
    pub false_positive_rate_at_medium: f64,
    pub families: BTreeMap<Family, FamilyRecall>,
    /// Fraud items below medium, and ordinary items at high: the cases to read.
    pub misses: Vec<String>,
    pub false_positives: Vec<String>,
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Computes the metrics from each item's label and report.
pub fn measure(items: &[(LabelledItem, Report)]) -> Metrics {
    let mut m = Metrics::default();
    for (item, report) in items {
        let level = report.level();
        let fired: Vec<Family> = report.candidates.iter().flat_map(|c| c.findings.iter().map(|f| f.family)).collect();
        match item.label {
            Label::Fraud => {
                m.fraud += 1;
                if level >= Level::Medium {
                    m.fraud_at_medium += 1;
                } else {
                    m.misses.push(format!("{} ({})", item.file, level.as_str()));
                }
                if level >= Level::High {
                    m.fraud_at_high += 1;
                }
                for fam in &item.families {
                    let e = m.families.entry(*fam).or_default();
                    e.labelled += 1;
                    if fired.contains(fam) {
                        e.caught += 1;
                    }
                }
            }
            Label::Ordinary => {
                m.ordinary += 1;
                if level >= Level::Medium {
                    m.ordinary_at_medium += 1;
                }
                if level >= Level::High {
                    m.ordinary_at_high += 1;
                    let rules: Vec<&str> = report.candidates.iter().flat_map(|c| c.findings.iter().map(|f| f.rule.as_str())).collect();
                    m.false_positives.push(format!("{} ({}: {})", item.file, level.as_str(), rules.join(", ")));
                }
            }
        }
    }
    for f in m.families.values_mut() {
        f.recall = ratio(f.caught, f.labelled);
    }
    m.recall_at_medium = ratio(m.fraud_at_medium, m.fraud);
    m.recall_at_high = ratio(m.fraud_at_high, m.fraud);
    m.false_positive_rate_at_high = ratio(m.ordinary_at_high, m.ordinary);
    m.false_positive_rate_at_medium = ratio(m.ordinary_at_medium, m.ordinary);
    m
}

impl Metrics {
    /// A plain-text table.
    pub fn render(&self) -> String {
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        let mut s = String::new();
        s.push_str(&format!("items: {} fraud-like, {} ordinary\n\n", self.fraud, self.ordinary));
        s.push_str("| measure | value |\n|---|---|\n");
        s.push_str(&format!("| fraud-like items at medium or above (recall) | {} ({}/{}) |\n", pct(self.recall_at_medium), self.fraud_at_medium, self.fraud));
        s.push_str(&format!("| fraud-like items at high or above | {} ({}/{}) |\n", pct(self.recall_at_high), self.fraud_at_high, self.fraud));
        s.push_str(&format!("| ordinary items at high (false positives) | {} ({}/{}) |\n", pct(self.false_positive_rate_at_high), self.ordinary_at_high, self.ordinary));
        s.push_str(&format!("| ordinary items at medium or above | {} ({}/{}) |\n", pct(self.false_positive_rate_at_medium), self.ordinary_at_medium, self.ordinary));
        s.push_str("\n| family | labelled | caught | recall |\n|---|---|---|---|\n");
        for (f, r) in &self.families {
            s.push_str(&format!("| {} | {} | {} | {} |\n", f.as_str(), r.labelled, r.caught, pct(r.recall)));
        }
        if !self.misses.is_empty() {
            s.push_str(&format!("\nfraud-like items below medium: {}\n", self.misses.join(", ")));
        }
        if !self.false_positives.is_empty() {
            s.push_str(&format!("\nordinary items at high: {}\n", self.false_positives.join("; ")));
        }
        s
    }
}
