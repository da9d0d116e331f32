//! A compose service runs with `privileged: true`.

use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposePrivileged;

impl Rule for ComposePrivileged {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let subject = compose_subject(project, compose, service);
            let Some(entry) = service.node.entry("privileged") else {
                cx.evaluate(subject);
                continue;
            };
            let on = entry.value.as_bool() == Some(true)
                || entry
                    .value
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case("true"));
            if !on {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                compose.file,
                entry.key.span.join(entry.value.span),
                format!(
                    "service `{}` runs privileged, with every capability and all host devices",
                    service.name
                ),
            );
        }
    }
}
