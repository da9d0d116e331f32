//! An alert without a `severity` label: Alertmanager routes and people triage by severity, so
//! the alert either lands on the default receiver or pages with the same urgency as everything.

use super::prom_common::{groups_labelling, prom_rules, rule_subject};
use crate::model::Project;
use crate::model::obs::prometheus::RuleKind;
use crate::rules::{Cx, Rule};

pub struct PrometheusAlertMissingSeverity;

impl Rule for PrometheusAlertMissingSeverity {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let by_group = groups_labelling(project, "severity");
        for alert in prom_rules(project) {
            if alert.kind != Some(RuleKind::Alert) || alert.ambiguous || alert.name.is_empty() {
                continue;
            }
            let subject = rule_subject(project, alert);
            // A templated value (`{{ $labels.severity }}`) counts as set.
            if alert.label("severity").is_some()
                || by_group.contains(&(alert.file, alert.group.clone()))
            {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                alert.file,
                alert.name_span,
                format!(
                    "alert `{}` has no `severity` label: Alertmanager routes cannot tell a page from a ticket, and on-call cannot triage it",
                    alert.name
                ),
            );
        }
    }
}
