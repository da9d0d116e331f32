//! The JSON report, `schema_version: 1`: frozen field names that scripts build on.
//! Deterministic: no timings, maps ordered, findings sorted.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use super::{BaselineSummary, Report};
use crate::catalog;
use crate::discover::Notice;
use crate::finding::Finding;
use crate::finding::{Category, Related, Severity};
use crate::gate::Check;
use crate::score::{Grade, PlanStep, RuleScore};
use crate::suppress::Reason;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    root: &'a str,
    summary: Summary<'a>,
    categories: Vec<JsonCategory>,
    findings: Vec<JsonFinding<'a>>,
    rules: &'a [RuleScore],
    plan: &'a [PlanStep],
    notices: &'a [Notice],
    /// Findings left out of the score, each with what suppressed it.
    suppressed: Vec<JsonSuppressed<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a BaselineSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<JsonDiff<'a>>,
    /// Every gate that was set, passed or not.
    gate: &'a [Check],
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    suppressed_by: &'a Reason,
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    base: &'a str,
    commit: &'a str,
    overall: ScoreChange,
    categories: Vec<CategoryChange>,
    new_findings: usize,
    fixed_findings: usize,
}

#[derive(Serialize)]
struct ScoreChange {
    before: Option<f64>,
    after: Option<f64>,
}

#[derive(Serialize)]
struct CategoryChange {
    id: Category,
    before: Option<f64>,
    after: Option<f64>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    score: Option<f64>,
    grade: Option<Grade>,
    files: usize,
    files_by_kind: BTreeMap<&'static str, usize>,
    findings: usize,
    findings_by_severity: BTreeMap<&'static str, usize>,
    suppressed: usize,
    /// The overall score had nothing been suppressed; present only when something was.
    #[serde(skip_serializing_if = "Option::is_none")]
    score_unsuppressed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonCategory {
    id: Category,
    title: &'static str,
    score: Option<f64>,
    grade: Option<Grade>,
    weight: f64,
    findings: usize,
    rules_applicable: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    category: Category,
    severity: Severity,
    title: &'a str,
    message: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    subject: &'a str,
    fix: &'a RawValue,
    docs: String,
    related: &'a [Related],
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut by_severity: BTreeMap<&'static str, usize> =
        Severity::ALL.iter().map(|s| (s.name(), 0)).collect();
    for f in &report.findings {
        *by_severity.entry(f.severity.name()).or_default() += 1;
    }
    let fixes = Fixes::of(report);
    let doc = JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "shipshape",
            version: env!("CARGO_PKG_VERSION"),
        },
        root: &report.root,
        summary: Summary {
            score: report.scorecard.overall,
            grade: report.scorecard.grade,
            files: report.file_count(),
            files_by_kind: report.files.iter().map(|(k, n)| (k.name(), *n)).collect(),
            findings: report.findings.len(),
            findings_by_severity: by_severity,
            suppressed: report.suppressed.len(),
            score_unsuppressed: report.overall_unsuppressed,
            note: report
                .scorecard
                .overall
                .is_none()
                .then_some("nothing to judge: no rule had a subject to evaluate"),
        },
        categories: report
            .scorecard
            .categories
            .iter()
            .map(|c| JsonCategory {
                id: c.id,
                title: c.title,
                score: c.score,
                grade: c.grade,
                weight: c.weight,
                findings: c.findings,
                rules_applicable: c.rules_applicable,
            })
            .collect(),
        findings: report
            .findings
            .iter()
            .map(|f| json_finding(f, &fixes))
            .collect(),
        rules: &report.scorecard.rules,
        plan: &report.scorecard.plan,
        notices: &report.notices,
        suppressed: report
            .suppressed
            .iter()
            .map(|s| JsonSuppressed {
                finding: json_finding(&s.finding, &fixes),
                suppressed_by: &s.suppressed_by,
            })
            .collect(),
        baseline: report.baseline.as_ref(),
        diff: report.diff.as_ref().map(|d| JsonDiff {
            base: &d.base,
            commit: &d.commit,
            overall: ScoreChange {
                before: d.overall.0,
                after: d.overall.1,
            },
            categories: d
                .categories
                .iter()
                .map(|(id, before, after)| CategoryChange {
                    id: *id,
                    before: *before,
                    after: *after,
                })
                .collect(),
            new_findings: d.new_findings,
            fixed_findings: d.fixed_findings,
        }),
        gate: &report.gate,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// Each rule's `fix` as JSON text, escaped once. Half of a large report is the same few hundred
/// fix texts repeated for every finding of their rule: escaping them once halves rendering.
struct Fixes {
    by_rule: std::collections::HashMap<String, Box<RawValue>>,
    none: Box<RawValue>,
}

impl Fixes {
    fn of(report: &Report) -> Fixes {
        let mut by_rule = std::collections::HashMap::new();
        let findings = report
            .findings
            .iter()
            .chain(report.suppressed.iter().map(|s| &s.finding));
        for f in findings {
            if !by_rule.contains_key(&f.rule)
                && let Some(meta) = catalog::lookup(&f.rule)
                && let Ok(raw) = serde_json::value::to_raw_value(&meta.fix)
            {
                by_rule.insert(f.rule.clone(), raw);
            }
        }
        Fixes {
            by_rule,
            none: serde_json::value::to_raw_value("").expect("a string serializes"),
        }
    }

    fn get(&self, rule: &str) -> &RawValue {
        self.by_rule.get(rule).unwrap_or(&self.none)
    }
}

fn json_finding<'a>(f: &'a Finding, fixes: &'a Fixes) -> JsonFinding<'a> {
    let meta = catalog::lookup(&f.rule);
    JsonFinding {
        rule: &f.rule,
        category: f.category,
        severity: f.severity,
        title: meta.map_or("", |m| m.title.as_str()),
        message: &f.message,
        path: &f.path,
        line: f.line,
        column: f.column,
        end_line: f.end_line,
        end_column: f.end_column,
        subject: &f.subject,
        fix: fixes.get(&f.rule),
        docs: meta.map(|m| m.docs_path()).unwrap_or_default(),
        related: &f.related,
        suggestion: f.suggestion.as_deref(),
    }
}
