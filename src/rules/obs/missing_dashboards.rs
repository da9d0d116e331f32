//! Metrics are collected and nobody can look at them: no Grafana dashboard in the repository.

use super::signals::{metrics_anchor, metrics_self_hosted};
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsMissingDashboards;

/// Dashboards exist, or are provisioned from somewhere we cannot see.
pub(crate) fn has_dashboards(project: &Project) -> bool {
    !project.obs.dashboards.is_empty()
        || project
            .obs
            .provisioning
            .iter()
            .any(|p| !p.dashboard_paths.is_empty())
        || project.k8s.iter().any(|o| o.kind == "GrafanaDashboard")
        || super::dashboards_not_provisioned::grafana_mounts_dashboards(project)
}

impl Rule for ObsMissingDashboards {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if !metrics_self_hosted(project) {
            return;
        }
        let Some((file, span)) = metrics_anchor(project) else {
            return;
        };
        if has_dashboards(project) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        cx.report(
            PROJECT_SUBJECT,
            file,
            span,
            "metrics are collected, but the repository has no Grafana dashboard (JSON, ConfigMap, `GrafanaDashboard` object or provisioning): during an incident nobody has a view of them",
        );
    }
}
