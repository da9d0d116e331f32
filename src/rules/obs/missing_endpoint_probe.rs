//! Metrics are collected, but nothing checks the service from the outside the way a user
//! reaches it: no blackbox probe, `Probe` object or synthetic check. A service can report
//! itself healthy while its public endpoint is down.

use super::signals::{is_operator_kind, metrics_anchor, metrics_self_hosted, services};
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsMissingEndpointProbe;

/// OpenTelemetry Collector receivers that request endpoints on a schedule.
const CHECK_RECEIVERS: &[&str] = &["httpcheck", "http_check", "tlscheck", "tls_check"];

fn probes(project: &Project) -> bool {
    project
        .obs
        .prometheus
        .iter()
        .flat_map(|c| &c.jobs)
        .any(|j| j.probes || j.name.to_ascii_lowercase().contains("blackbox"))
        || project
            .k8s
            .iter()
            .any(|o| is_operator_kind(o, &["Probe"]) || o.kind == "Probe")
        || services(project).iter().any(|s| s.roles.probe)
        || project.obs.collectors.iter().any(|c| {
            c.declared.iter().any(|(section, id, _)| {
                section == "receivers"
                    && CHECK_RECEIVERS.contains(&id.split('/').next().unwrap_or(""))
            })
        })
        // Alerts on probe results: the probes run somewhere.
        || project.obs.rules.iter().any(|r| {
            matches!(&r.analysis, Some(Ok(f)) if f.metrics.iter().any(|m| m.starts_with("probe_")))
        })
}

impl Rule for ObsMissingEndpointProbe {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if !metrics_self_hosted(project) {
            return;
        }
        let Some((file, span)) = metrics_anchor(project) else {
            return;
        };
        if probes(project) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        cx.report(
            PROJECT_SUBJECT,
            file,
            span,
            "metrics are collected, but no blackbox probe, `Probe` object or synthetic check requests the services' endpoints from outside: an endpoint can be down while every process reports itself healthy",
        );
    }
}
