//! The four alerts every service needs, by what the alert expressions measure (with recording
//! rules followed): downtime, error rate, latency and saturation. Each is its own rule; they
//! share this code.

use super::prom_common::{first_alert_group, project_alert_classes, prom_rules};
use crate::model::Project;
use crate::model::obs::promql::Measures;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsMissingAlertClass {
    class: Measures,
    /// What a matching alert looks like, for the message.
    counts: &'static str,
    impact: &'static str,
}

pub const DOWNTIME: ObsMissingAlertClass = ObsMissingAlertClass {
    class: Measures::Availability,
    counts: "a service or target being down (`up == 0`, `absent(...)`, `probe_success == 0`)",
    impact: "an outage is noticed by users first",
};

pub const ERROR_RATE: ObsMissingAlertClass = ObsMissingAlertClass {
    class: Measures::ErrorRate,
    counts: "the rate of failing requests (5xx or error counters, e.g. more than 5 % of requests)",
    impact: "a service that is up but failing requests goes unnoticed",
};

pub const LATENCY: ObsMissingAlertClass = ObsMissingAlertClass {
    class: Measures::Latency,
    counts: "request latency (`histogram_quantile` over `*_duration_seconds`, e.g. p95/p99 above 500 ms)",
    impact: "a service that answers too slowly to be usable goes unnoticed",
};

pub const SATURATION: ObsMissingAlertClass = ObsMissingAlertClass {
    class: Measures::Saturation,
    counts: "CPU, memory or disk use (e.g. above 80 % of the limit)",
    impact: "resources run out before anyone is warned: OOM kills, throttling, full disks",
};

impl Rule for ObsMissingAlertClass {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let rules = prom_rules(project);
        let Some((file, span)) = first_alert_group(project, &rules) else {
            return;
        };
        let classes = project_alert_classes(project);
        if classes.measured.contains(&self.class) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        // An alert we cannot read (templated, not PromQL) may be the one.
        if classes.undecided {
            return;
        }
        cx.report(
            PROJECT_SUBJECT,
            file,
            span,
            format!(
                "no alerting rule in the repository watches {}: {}",
                self.counts, self.impact
            ),
        );
    }
}
