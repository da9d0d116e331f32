//! Tracing is set up, but this service is left out: it exports no spans, so every trace
//! through it breaks at its boundary.

use super::signals::Tracing;
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct CrossServiceNotTraced;

impl Rule for CrossServiceNotTraced {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let tracing = Tracing::build(project);
        for (service, instrumented) in tracing.services.iter().zip(&tracing.instrumented) {
            if !service.is_app() || !tracing.around(project, service) {
                continue;
            }
            let subject = service.subject(project);
            if *instrumented {
                cx.evaluate(subject);
                continue;
            }
            // Its variables come from somewhere we cannot read.
            if service.env(project).unknown {
                continue;
            }
            cx.report(
                subject,
                service.file(),
                service.span(),
                format!(
                    "{} exports no traces while the rest of the system is traced: it has no `OTEL_*` or other tracing variable and no auto-instrumentation annotation, so traces break at this service",
                    service.display()
                ),
            );
        }
    }
}
