//! Application services run and their logs stay on the machine that ran them: no log shipper,
//! log store, central logging driver or collector logs pipeline. Logs vanish with the
//! container, and an incident across services cannot be searched in one place.

use super::signals::{
    Svc, app_services, collectors_with, deploy_files_mention, services, views_of,
};
use crate::kind::FileKind;
use crate::model::Project;
use crate::model::obs::CENTRAL_LOG_DRIVERS;
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsMissingCentralizedLogging;

/// A compose logging driver that sends logs elsewhere (templated drivers count).
fn central_driver(project: &Project) -> bool {
    services(project).iter().any(|s| match &s.svc {
        Svc::Compose { compose, service } => views_of(project, compose, service).iter().any(|v| {
            v.get("logging")
                .and_then(|l| l.get("driver"))
                .and_then(Node::as_str)
                .is_some_and(|d| is_templated(d) || CENTRAL_LOG_DRIVERS.contains(&d.trim()))
        }),
        Svc::K8s(_) => false,
    })
}

/// Logging operators' objects (Banzai/Kube logging operator, Fluent operator, Vector).
fn logging_objects(project: &Project) -> bool {
    project.k8s.iter().any(|o| {
        let group = o.api_version.split('/').next().unwrap_or("");
        group.contains("logging") || group.contains("fluent") || group.contains("vector")
    })
}

/// Services that send their logs over OTLP themselves.
fn otlp_logs(project: &Project) -> bool {
    services(project).iter().any(|s| {
        s.env(project).vars.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("OTEL_LOGS_EXPORTER")
                && v.as_deref()
                    .is_none_or(|v| !matches!(v.trim(), "none" | "console"))
        })
    })
}

impl Rule for ObsMissingCentralizedLogging {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let apps = app_services(project);
        let Some(first) = apps.first() else {
            return;
        };
        let central = !project.obs.log_shippers.is_empty()
            || project.files_of(FileKind::LogShipper).next().is_some()
            || services(project).iter().any(|s| s.roles.logging)
            || central_driver(project)
            || !collectors_with(project, "logs").is_empty()
            || logging_objects(project)
            || otlp_logs(project)
            || deploy_files_mention(
                project,
                &[
                    "fluent-bit",
                    "fluentbit",
                    "fluentd",
                    "promtail",
                    "grafana/loki",
                    "loki-stack",
                    "filebeat",
                    "logstash",
                    "awslogs",
                ],
            );
        if central {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        cx.report(
            PROJECT_SUBJECT,
            first.file(),
            first.span(),
            format!(
                "logs of {} and the other services are not shipped anywhere: no log shipper (fluent-bit, Vector, Promtail, Filebeat), log store, central logging driver or collector logs pipeline",
                first.display()
            ),
        );
    }
}
