//! An alert without `for:` fires on the first evaluation where its expression is true: one
//! slow scrape or a restart pages someone for a condition that was gone a minute later.

use super::prom_common::{is_deadline_alert, is_meta_alert, prom_rules, rule_subject};
use crate::model::Project;
use crate::model::obs::prometheus::RuleKind;
use crate::rules::{Cx, Rule};

pub struct PrometheusAlertMissingFor;

impl Rule for PrometheusAlertMissingFor {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for alert in prom_rules(project) {
            if alert.kind != Some(RuleKind::Alert) || alert.ambiguous || alert.name.is_empty() {
                continue;
            }
            // Watchdogs (`vector(1)`) and inhibitors (`ALERTS{...}`) fire at once by design.
            // Deadlines and ages (`time() - ...`, certificate TTLs) only get truer with time.
            if is_meta_alert(alert) || is_deadline_alert(alert) {
                continue;
            }
            let subject = rule_subject(project, alert);
            if alert.for_.is_some() {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                alert.file,
                alert.name_span,
                format!(
                    "alert `{}` has no `for:`: it fires on the first evaluation its expression is true, so a single slow scrape or restart pages someone",
                    alert.name
                ),
            );
        }
    }
}
