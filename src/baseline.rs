//! Baselines: today's findings recorded by fingerprints that survive line moves, so a team can
//! adopt shipshape on a large repository and gate only on what is new.
//!
//! A fingerprint is the rule, the path, the subject (the object, stage or service the finding is
//! about) and the message with its numbers masked (messages name what is wrong: the package, the
//! key, the image). Line numbers and the text of the flagged line never enter it, so moving lines
//! or editing them keeps a finding known; the path always does, so a same-named resource in
//! another file is a new finding. Equal fingerprints are matched as a multiset: a second copy of
//! a recorded finding is new.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::finding::Finding;

pub const SCHEMA_VERSION: u32 = 1;
/// The default file name, at the audited folder's root.
pub const DEFAULT_FILE: &str = ".shipshape-baseline.json";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub subject: String,
    pub message: String,
    pub fingerprint: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    pub schema_version: u32,
    pub tool: String,
    pub findings: Vec<Entry>,
}

/// What comparing findings with a baseline gave.
#[derive(Debug, Default)]
pub struct Comparison {
    pub new: Vec<Finding>,
    pub known: Vec<Finding>,
    /// Recorded findings no longer reported: fixed, or changed beyond recognition.
    pub absent: Vec<Entry>,
}

/// A stable 64-bit FNV-1a hash of the finding's identity, as 16 hex digits.
pub fn fingerprint(finding: &Finding) -> String {
    let masked: String = finding
        .message
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        finding.rule.as_str(),
        finding.path.as_str(),
        finding.subject.as_str(),
        masked.as_str(),
    ] {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

impl Baseline {
    pub fn from_findings(findings: &[(Finding, String)]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|(f, fp)| Entry {
                fingerprint: fp.clone(),
                rule: f.rule.clone(),
                path: f.path.clone(),
                subject: f.subject.clone(),
                message: f.message.clone(),
            })
            .collect();
        entries.sort();
        Baseline {
            schema_version: SCHEMA_VERSION,
            tool: format!("shipshape {}", env!("CARGO_PKG_VERSION")),
            findings: entries,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, AppError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            AppError::usage(
                format!("cannot read the baseline `{}`: {e}", path.display()),
                Some("create it with `shipshape baseline`, or drop --baseline"),
            )
        })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            AppError::usage(
                format!(
                    "`{}` is not a shipshape baseline: {e} (line {}, column {})",
                    path.display(),
                    e.line(),
                    e.column()
                ),
                Some("regenerate it with `shipshape baseline`"),
            )
        })?;
        if baseline.schema_version != SCHEMA_VERSION {
            return Err(AppError::usage(
                format!(
                    "`{}` has baseline schema {}, this shipshape reads {SCHEMA_VERSION}",
                    path.display(),
                    baseline.schema_version
                ),
                Some("regenerate it with `shipshape baseline`"),
            ));
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a baseline serialises");
        s.push('\n');
        s
    }

    /// Splits `findings` (each with its fingerprint) into new and known ones.
    pub fn compare(&self, findings: Vec<(Finding, String)>) -> Comparison {
        let mut remaining: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
        for e in &self.findings {
            remaining.entry(e.fingerprint.as_str()).or_default().push(e);
        }
        let mut out = Comparison::default();
        for (finding, fp) in findings {
            match remaining.get_mut(fp.as_str()).and_then(Vec::pop) {
                Some(_) => out.known.push(finding),
                None => out.new.push(finding),
            }
        }
        out.absent = remaining.into_values().flatten().cloned().collect();
        out.absent.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Severity};
    use crate::parse::span::Span;

    fn finding(rule: &str, path: &str, subject: &str, line: usize, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            category: Category::Kubernetes,
            severity: Severity::High,
            message: message.into(),
            subject: subject.into(),
            path: path.into(),
            span: Span::default(),
            line,
            column: 1,
            end_line: line,
            end_column: 1,
            related: vec![],
            suggestion: None,
        }
    }

    #[test]
    fn fingerprints_ignore_lines_and_numbers_but_not_paths_or_subjects() {
        let a = finding("r", "a.yaml", "Deployment/web", 3, "3 replicas");
        let moved = finding("r", "a.yaml", "Deployment/web", 40, "5 replicas");
        let other_file = finding("r", "b.yaml", "Deployment/web", 3, "3 replicas");
        let renamed = finding("r", "a.yaml", "Deployment/api", 3, "3 replicas");
        let fp = fingerprint;
        assert_eq!(fp(&a), fp(&moved));
        assert_ne!(fp(&a), fp(&other_file));
        assert_ne!(fp(&a), fp(&renamed));
        assert_eq!(fp(&a).len(), 16);
    }

    #[test]
    fn a_second_copy_of_a_known_finding_is_new() {
        let f = finding("r", "a", "s", 1, "m");
        let fp = fingerprint(&f);
        let base = Baseline::from_findings(&[(f.clone(), fp.clone())]);
        let cmp = base.compare(vec![(f.clone(), fp.clone()), (f.clone(), fp.clone())]);
        assert_eq!(
            (cmp.known.len(), cmp.new.len(), cmp.absent.len()),
            (1, 1, 0)
        );
        let cmp = base.compare(vec![]);
        assert_eq!(cmp.absent.len(), 1);
        let json = base.to_json();
        let back: Baseline = serde_json::from_str(&json).unwrap();
        assert_eq!(back.findings, base.findings);
    }
}
