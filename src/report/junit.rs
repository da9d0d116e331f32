//! JUnit XML for CI test dashboards: a test suite per category, a test case per rule and subject.
//! Passing subjects are test cases too, so a dashboard shows progress as findings are fixed;
//! suppressed findings are skipped cases with the reason.

use std::collections::BTreeMap;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::Report;
use crate::catalog;
use crate::finding::{Category, Finding};
use crate::suppress::Suppressed;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut failing: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        failing.entry((&f.rule, &f.subject)).or_default().push(f);
    }
    let mut skipped: BTreeMap<(&str, &str), &Suppressed> = BTreeMap::new();
    for s in &report.suppressed {
        skipped
            .entry((&s.finding.rule, &s.finding.subject))
            .or_insert(s);
    }
    // Every (rule, subject) judged, plus those only findings name (pipeline diagnostics).
    let mut cases: BTreeMap<Category, BTreeMap<(&str, &str), ()>> = BTreeMap::new();
    for (rule, subjects) in &report.subjects {
        let Some(meta) = catalog::lookup(rule) else {
            continue;
        };
        for subject in subjects {
            cases
                .entry(meta.category)
                .or_default()
                .insert((rule.as_str(), subject.as_str()), ());
        }
    }
    for f in report
        .findings
        .iter()
        .chain(report.suppressed.iter().map(|s| &s.finding))
    {
        let category = catalog::lookup(&f.rule).map_or(f.category, |m| m.category);
        cases
            .entry(category)
            .or_default()
            .insert((&f.rule, &f.subject), ());
    }

    let mut junit = quick_junit::Report::new("shipshape");
    for category in Category::SCORED.into_iter().chain([Category::General]) {
        let Some(keys) = cases.get(&category) else {
            continue;
        };
        let mut suite = TestSuite::new(format!("shipshape.{}", category.id()));
        if let Some(c) = report
            .scorecard
            .categories
            .iter()
            .find(|c| c.id == category)
        {
            let score = c.score.map_or("n/a".to_string(), |s| format!("{s:.1}"));
            suite.add_property(quick_junit::Property::new("score", score));
        }
        for &(rule, subject) in keys.keys() {
            let status = if let Some(findings) = failing.get(&(rule, subject)) {
                let first = findings[0];
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_message(first.message.clone())
                    .set_type(first.severity.name())
                    .set_description(failure_text(findings));
                status
            } else if let Some(s) = skipped.get(&(rule, subject)) {
                let mut status = TestCaseStatus::skipped();
                let reason = s
                    .suppressed_by
                    .reason
                    .as_deref()
                    .unwrap_or("no reason given");
                status.set_message(format!(
                    "suppressed ({}) at {}: {reason}",
                    s.suppressed_by.kind.label(),
                    s.suppressed_by.path
                ));
                status
            } else {
                TestCaseStatus::success()
            };
            let mut case = TestCase::new(format!("{rule}: {subject}"), status);
            case.set_classname(format!("shipshape.{}.{rule}", category.id()));
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit.serialize(&mut *out).map_err(io::Error::other)?;
    writeln!(out)
}

/// Every finding of the case with its location, then the catalog's fix.
fn failure_text(findings: &[&Finding]) -> String {
    let mut text = String::new();
    for f in findings {
        text.push_str(&format!(
            "{}:{}:{}: [{}] {}\n",
            f.path,
            f.line,
            f.column,
            f.severity.name(),
            f.message
        ));
    }
    if let Some(meta) = catalog::lookup(&findings[0].rule) {
        text.push_str("\nHow to fix:\n");
        text.push_str(meta.fix.trim());
        text.push('\n');
    }
    text
}
