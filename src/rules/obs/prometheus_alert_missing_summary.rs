//! An alert without a `summary`, `description` or runbook annotation: the notification carries
//! only the alert name and labels, and whoever is paged has to reverse-engineer the PromQL.

use super::prom_common::{prom_rules, rule_subject};
use crate::model::Project;
use crate::model::obs::prometheus::RuleKind;
use crate::rules::{Cx, Rule};

pub struct PrometheusAlertMissingSummary;

const EXPLAINING: &[&str] = &[
    "summary",
    "description",
    "message",
    "runbook_url",
    "runbook",
];

impl Rule for PrometheusAlertMissingSummary {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for alert in prom_rules(project) {
            if alert.kind != Some(RuleKind::Alert) || alert.ambiguous || alert.name.is_empty() {
                continue;
            }
            let subject = rule_subject(project, alert);
            if alert
                .annotations
                .iter()
                .any(|a| EXPLAINING.contains(&a.to_ascii_lowercase().as_str()))
            {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                alert.file,
                alert.name_span,
                format!(
                    "alert `{}` has no `summary`, `description` or `runbook_url` annotation: the notification says nothing about what broke or what to do",
                    alert.name
                ),
            );
        }
    }
}
