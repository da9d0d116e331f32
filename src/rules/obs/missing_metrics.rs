//! Application services run, and nothing in the repository collects their metrics: no
//! Prometheus, no ServiceMonitor, no scrape annotations, no collector metrics pipeline.

use super::signals::{app_services, metrics_collected};
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsMissingMetrics;

impl Rule for ObsMissingMetrics {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let apps = app_services(project);
        let Some(first) = apps.first() else {
            return;
        };
        if metrics_collected(project) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let others = match apps.len() {
            1 => String::new(),
            2 => " and 1 other service".to_string(),
            n => format!(" and {} other services", n - 1),
        };
        cx.report(
            PROJECT_SUBJECT,
            first.file(),
            first.span(),
            format!(
                "nothing collects metrics from {}{others}: no Prometheus config, ServiceMonitor or PodMonitor, `prometheus.io/scrape` annotation, OpenTelemetry metrics pipeline or metrics agent in the repository",
                first.display()
            ),
        );
    }
}
