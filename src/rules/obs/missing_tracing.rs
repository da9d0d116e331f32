//! Application services run and none of them is traced: no OpenTelemetry collector traces
//! pipeline, tracing backend, tracing variables or auto-instrumentation. A slow or failing
//! request cannot be followed across services.

use super::signals::{
    Tracing, app_services, collectors_with, deploy_files_mention, dockerfile_traces,
};
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsMissingTracing;

/// nginx directives of the OpenTelemetry and OpenTracing modules.
fn nginx_traces(project: &Project) -> bool {
    project.nginx.iter().any(|u| {
        u.config.walk().iter().any(|(_, d)| {
            let n = d.name();
            n.starts_with("otel_") || n.starts_with("opentracing")
        })
    })
}

/// Anything in the repository that produces or collects traces.
pub(crate) fn tracing_exists(project: &Project) -> bool {
    !collectors_with(project, "traces").is_empty()
        || Tracing::build(project).anywhere()
        || nginx_traces(project)
        || project
            .dockerfiles
            .iter()
            .any(|d| dockerfile_traces(&project.file(d.file).text))
        || deploy_files_mention(
            project,
            &[
                "OTEL_EXPORTER_OTLP",
                "instrumentation.opentelemetry.io/inject",
                "opentelemetry-operator",
            ],
        )
}

impl Rule for ObsMissingTracing {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let apps = app_services(project);
        let Some(first) = apps.first() else {
            return;
        };
        if tracing_exists(project) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        cx.report(
            PROJECT_SUBJECT,
            first.file(),
            first.span(),
            format!(
                "no distributed tracing: {} and the other services export no traces (no OpenTelemetry collector traces pipeline, tracing backend, `OTEL_EXPORTER_OTLP_ENDPOINT`-style variable or auto-instrumentation)",
                first.display()
            ),
        );
    }
}
