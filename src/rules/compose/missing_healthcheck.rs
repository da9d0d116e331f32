//! A long-running compose service with no health check, neither in compose nor in its image.

use super::common::{
    ImageCheck, dockerfile_healthcheck, extends, healthcheck_state, is_one_shot, views,
};
use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::parse::is_templated;
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeMissingHealthcheck;

impl Rule for ComposeMissingHealthcheck {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let views = views(project, compose, service);
            let subject = compose_subject(project, compose, service);
            let states: Vec<bool> = views.iter().filter_map(|s| healthcheck_state(s)).collect();
            // The later file wins when several define a health check.
            if states.last() == Some(&true) {
                cx.evaluate(subject);
                continue;
            }
            if extends(&views) || is_one_shot(project, compose, &service.name) {
                continue;
            }
            let builder = views.iter().find(|s| s.get("build").is_some());
            if let Some(builder) = builder {
                match dockerfile_healthcheck(project, compose, builder) {
                    ImageCheck::Has(_) if states.is_empty() => {
                        cx.evaluate(subject);
                        continue;
                    }
                    ImageCheck::Unknown if states.is_empty() => continue,
                    _ => {}
                }
            } else if service.image().is_some_and(is_templated) {
                continue;
            }
            let span = service
                .node
                .entry("healthcheck")
                .map_or(service.name_span, |e| e.key.span);
            let what = if states.is_empty() {
                "has no health check"
            } else {
                "disables its health check"
            };
            cx.report(
                subject,
                compose.file,
                span,
                format!(
                    "service `{}` {what}, so dependants and restarts cannot tell a hung container from a healthy one",
                    service.name
                ),
            );
        }
    }
}
