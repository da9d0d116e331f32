//! The CI gate: thresholds from the command line and the config, judged against a finished
//! report. Nothing to judge is never a failure (a score of `n/a` passes a minimum) unless the
//! config marks the category required, which turns `n/a` into a failing score of 0.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::finding::{Category, Finding, Severity};
use crate::score::Scorecard;

#[derive(Debug, Clone, Default)]
pub struct Thresholds {
    pub fail_under: Option<f64>,
    pub category_min: BTreeMap<Category, f64>,
    pub fail_on: Option<Severity>,
}

/// One gate and how it went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub gate: String,
    pub passed: bool,
    pub message: String,
}

/// Per-category and overall change against a base revision (`--diff-base`).
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub base: String,
    pub commit: String,
    pub overall: (Option<f64>, Option<f64>),
    pub categories: Vec<(Category, Option<f64>, Option<f64>)>,
    /// Findings at the head that the base did not have (by fingerprint).
    pub new_findings: usize,
    /// Findings at the base that are gone.
    pub fixed_findings: usize,
}

impl Diff {
    pub fn score_dropped(&self) -> bool {
        matches!(self.overall, (Some(before), Some(after)) if after < before)
            || matches!(self.overall, (Some(_), None))
    }
}

/// `88 → 91 (+3)`, `n/a → 75`, `90 → 90 (±0)`.
pub fn delta(before: Option<f64>, after: Option<f64>) -> String {
    let show = |s: Option<f64>| s.map_or("n/a".to_string(), |v| format!("{v:.1}"));
    match (before, after) {
        (Some(b), Some(a)) => {
            let d = ((a - b) * 10.0).round() / 10.0;
            let sign = if d > 0.0 {
                format!("+{d:.1}")
            } else if d < 0.0 {
                format!("{d:.1}")
            } else {
                "±0".to_string()
            };
            format!("{} → {} ({sign})", show(before), show(after))
        }
        _ => format!("{} → {}", show(before), show(after)),
    }
}

pub fn evaluate(
    thresholds: &Thresholds,
    scorecard: &Scorecard,
    findings: &[Finding],
    diff: Option<&Diff>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    if let Some(min) = thresholds.fail_under {
        let (passed, message) = match scorecard.overall {
            Some(score) if score < min => {
                (false, format!("overall score {score:.1} is below {min}"))
            }
            Some(score) => (true, format!("overall score {score:.1} is at least {min}")),
            None => (
                true,
                "overall score is n/a (nothing to judge); a minimum does not fail on n/a".into(),
            ),
        };
        checks.push(Check {
            gate: "fail-under".into(),
            passed,
            message,
        });
    }
    for (category, min) in &thresholds.category_min {
        let score = scorecard
            .categories
            .iter()
            .find(|c| c.id == *category)
            .and_then(|c| c.score);
        let (passed, message) = match score {
            Some(s) if s < *min => (
                false,
                format!("{} scores {s:.1}, below {min}", category.id()),
            ),
            Some(s) => (
                true,
                format!("{} scores {s:.1}, at least {min}", category.id()),
            ),
            None => (
                true,
                format!(
                    "{} is n/a (nothing to judge); mark it `required: true` in the config to fail instead",
                    category.id()
                ),
            ),
        };
        checks.push(Check {
            gate: format!("category-min:{}", category.id()),
            passed,
            message,
        });
    }
    if let Some(level) = thresholds.fail_on {
        let count = findings.iter().filter(|f| f.severity >= level).count();
        checks.push(Check {
            gate: "fail-on".into(),
            passed: count == 0,
            message: if count == 0 {
                format!("no finding of severity {} or worse", level.name())
            } else {
                format!("{count} finding(s) of severity {} or worse", level.name())
            },
        });
    }
    if let Some(diff) = diff {
        let dropped = diff.score_dropped();
        checks.push(Check {
            gate: "diff-base".into(),
            passed: !dropped && diff.new_findings == 0,
            message: format!(
                "against {}: overall {}, {} new finding(s), {} fixed",
                diff.base,
                delta(diff.overall.0, diff.overall.1),
                diff.new_findings,
                diff.fixed_findings
            ),
        });
    }
    checks
}
