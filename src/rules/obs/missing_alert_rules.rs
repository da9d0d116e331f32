//! Metrics are collected but no alerting rule exists anywhere: dashboards show an outage to
//! whoever happens to look, and nobody is told.

use super::prom_common::{
    charts_mention, collection_anchor, grafana_alerting_files, templates_mention,
};
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsMissingAlertRules;

impl Rule for ObsMissingAlertRules {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let Some((file, span)) = collection_anchor(project) else {
            return;
        };
        let alerts = project.obs.alerts().next().is_some()
            || !grafana_alerting_files(project).is_empty()
            // Rules generated at deploy time (jsonnet mixins, Helm charts) still show as
            // `PrometheusRule`/`VMRule` objects or templates naming them.
            || project.k8s.iter().any(|o| matches!(o.kind.as_str(), "PrometheusRule" | "VMRule"))
            || templates_mention(project, &["kind: PrometheusRule", "kind: VMRule"])
            // kube-prometheus-stack installs its default alerting rules.
            || charts_mention(project, "kube-prometheus-stack");
        if alerts {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        cx.report(
            PROJECT_SUBJECT,
            file,
            span,
            "metrics are collected here, but the repository defines no alerting rule (no `alert:` in a rule file or `PrometheusRule`): failures show on dashboards only if someone is looking",
        );
    }
}
