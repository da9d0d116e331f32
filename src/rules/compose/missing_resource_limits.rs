//! A compose service without a memory or CPU limit.

use super::common::{extends, views};
use crate::model::Project;
use crate::model::compose::{ComposeFile, ComposeService};
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeMissingResourceLimits;

fn has_limits(service: &ComposeService) -> bool {
    let limits = service.node.path(&["deploy", "resources", "limits"]);
    let in_deploy = limits.is_some_and(|l| l.get("memory").is_some() || l.get("cpus").is_some());
    in_deploy
        || ["mem_limit", "cpus", "cpu_quota", "memory"]
            .iter()
            .any(|k| service.get(k).is_some_and(|v| !v.is_null()))
}

impl Rule for ComposeMissingResourceLimits {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let views = views(project, compose, service);
            let subject = compose_subject(project, compose, service);
            if views.iter().any(|s| has_limits(s)) {
                cx.evaluate(subject);
                continue;
            }
            if extends(&views) {
                continue;
            }
            cx.report(
                subject,
                compose.file,
                service.name_span,
                format!(
                    "service `{}` has no memory or CPU limit, so one runaway container can starve the host",
                    service.name
                ),
            );
        }
    }
}
