//! The load balancer probes a health path that the service behind it does not serve as its
//! health check: servers are marked down (or kept up) for the wrong reason.

use super::lb_common::{all_targets, describe, health_paths, resolve, same_path, target_subject};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct CrossHealthCheckPathMismatch;

impl Rule for CrossHealthCheckPathMismatch {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for target in all_targets(project) {
            let Some(lb_path) = &target.health_path else {
                continue;
            };
            let Some(resolved) = resolve(project, &target) else {
                continue;
            };
            // Only HTTP checks on the service side can be compared.
            let Ok(Some(paths)) = health_paths(project, &resolved) else {
                continue;
            };
            if paths.is_empty() {
                continue;
            }
            let subject = target_subject(project, &target);
            if paths.iter().any(|p| same_path(p, lb_path)) {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                target.file,
                target.span,
                format!(
                    "backend `{}` checks `{lb_path}`, but {} reports its health on {}",
                    target.group,
                    describe(project, &resolved),
                    paths
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
}
