//! A compose service with no restart policy stays down after a crash or a host reboot.

use super::common::{any_sets, extends, is_one_shot, views};
use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeMissingRestartPolicy;

impl Rule for ComposeMissingRestartPolicy {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let views = views(project, compose, service);
            let subject = compose_subject(project, compose, service);
            let has_policy = any_sets(&views, "restart")
                || views
                    .iter()
                    .any(|s| s.node.path(&["deploy", "restart_policy"]).is_some());
            if has_policy {
                cx.evaluate(subject);
                continue;
            }
            if extends(&views) || is_one_shot(project, compose, &service.name) {
                continue;
            }
            cx.report(
                subject,
                compose.file,
                service.name_span,
                format!(
                    "service `{}` has no restart policy, so it stays down after a crash or a host reboot",
                    service.name
                ),
            );
        }
    }
}
