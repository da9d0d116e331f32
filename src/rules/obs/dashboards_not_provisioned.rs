//! Dashboards are committed but nothing loads them into Grafana: no provisioning provider, no
//! sidecar-labelled ConfigMap, no `GrafanaDashboard` object, no Grafana mounting them. They are
//! imported by hand, drift, and are lost with the Grafana volume.

use super::signals::{Svc, dashboard_span, services};
use crate::kind::FileKind;
use crate::model::Project;
use crate::model::compose::Mount;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct GrafanaDashboardsNotProvisioned;

/// Label the Grafana Helm chart's sidecar (and kube-prometheus-stack) loads ConfigMaps by.
const SIDECAR_LABEL: &str = "grafana_dashboard";

fn dashboard_mount_target(target: &str) -> bool {
    let t = target.to_ascii_lowercase();
    t.contains("dashboards") || t.starts_with("/etc/grafana/provisioning")
}

/// A Grafana service or workload mounts dashboards or provisioning files.
pub(crate) fn grafana_mounts_dashboards(project: &Project) -> bool {
    services(project)
        .iter()
        .filter(|s| s.roles.dashboards)
        .any(|s| match &s.svc {
            Svc::Compose { service, .. } => service.mounts().iter().any(|(m, _)| {
                m.target().is_some_and(dashboard_mount_target) || matches!(m, Mount::Unknown)
            }),
            Svc::K8s(obj) => {
                obj.containers().iter().any(|c| {
                    c.get("volumeMounts")
                        .map(Node::items)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(|m| m.get("mountPath").and_then(Node::as_str))
                        .any(dashboard_mount_target)
                }) || obj.config_refs().iter().any(|r| {
                    r.kind == "ConfigMap" && r.name.to_ascii_lowercase().contains("dashboard")
                })
            }
        })
}

/// A ConfigMap whose data holds a dashboard's JSON.
fn holds_dashboard(obj: &K8sObject) -> bool {
    obj.kind == "ConfigMap"
        && obj
            .node
            .get("data")
            .map(Node::string_entries)
            .into_iter()
            .flatten()
            .any(|(_, _, v)| {
                v.as_str()
                    .is_some_and(|t| t.trim_start().starts_with('{') && t.contains("\"panels\""))
            })
}

fn provisioned(project: &Project) -> bool {
    let dashboard_maps: Vec<&K8sObject> =
        project.k8s.iter().filter(|o| holds_dashboard(o)).collect();
    project.obs.provisioning.iter().any(|p| !p.dashboard_paths.is_empty())
        || project.k8s.iter().any(|o| {
            o.kind == "GrafanaDashboard" || (o.kind == "ConfigMap" && o.labels().contains_key(SIDECAR_LABEL))
        })
        || grafana_mounts_dashboards(project)
        // A workload mounts a dashboard ConfigMap.
        || project.k8s.iter().filter(|o| o.is_workload()).any(|w| {
            w.config_refs().iter().any(|r| {
                r.kind == "ConfigMap"
                    && dashboard_maps.iter().any(|m| m.name == r.name && m.namespace == w.namespace)
            })
        })
        // Kustomize generates the labelled ConfigMaps; Helm values feed the chart's sidecar or
        // dashboard providers.
        || project.files.iter().any(|f| {
            matches!(
                f.kind,
                FileKind::Kustomization | FileKind::HelmValues | FileKind::HelmTemplate
            ) && (f.text.contains(SIDECAR_LABEL)
                || f.text.contains("dashboardProviders")
                || f.text.contains("GrafanaDashboard"))
        })
}

impl Rule for GrafanaDashboardsNotProvisioned {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let Some(first) = project.obs.dashboards.first() else {
            return;
        };
        if provisioned(project) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let count = project.obs.dashboards.len();
        let what = if count == 1 {
            format!("dashboard `{}`", first.title)
        } else {
            format!("{count} dashboards (first `{}`)", first.title)
        };
        cx.report(
            PROJECT_SUBJECT,
            first.file,
            dashboard_span(project, first),
            format!(
                "{what} in the repository, but nothing provisions them into Grafana: no dashboard provider, `{SIDECAR_LABEL}` ConfigMap, `GrafanaDashboard` object or Grafana mount loads them"
            ),
        );
    }
}
