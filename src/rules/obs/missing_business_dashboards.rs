//! Every dashboard shows infrastructure (CPU, memory, pods, exporters) and none the
//! application's own metrics: orders, sign-ups, payments and queue depths are invisible.

use super::signals::dashboard_span;
use crate::model::Project;
use crate::model::obs::promql::is_infrastructure_metric;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsMissingBusinessDashboards;

impl Rule for ObsMissingBusinessDashboards {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let with_metrics: Vec<_> = project
            .obs
            .dashboards
            .iter()
            .filter(|d| !d.metrics.is_empty())
            .collect();
        let Some(first) = with_metrics.first() else {
            return;
        };
        let business = with_metrics
            .iter()
            .flat_map(|d| &d.metrics)
            .any(|m| !is_infrastructure_metric(m));
        if business {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let count = with_metrics.len();
        let what = if count == 1 {
            format!("dashboard `{}` shows", first.title)
        } else {
            format!("all {count} dashboards show")
        };
        cx.report(
            PROJECT_SUBJECT,
            first.file,
            dashboard_span(project, first),
            format!(
                "{what} only infrastructure metrics (node, container, Kubernetes, exporter and runtime series): no panel reads a metric the application itself defines"
            ),
        );
    }
}
