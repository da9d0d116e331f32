//! A load balancer sends traffic to a service that has no health check of its own: nothing
//! tells the balancer, the orchestrator or a human that an instance is broken.

use super::lb_common::{all_targets, describe, health_paths, resolve, target_subject};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct CrossLbTargetWithoutHealthEndpoint;

impl Rule for CrossLbTargetWithoutHealthEndpoint {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for target in all_targets(project) {
            let Some(resolved) = resolve(project, &target) else {
                continue;
            };
            let Ok(paths) = health_paths(project, &resolved) else {
                continue;
            };
            let subject = target_subject(project, &target);
            if paths.is_some() {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                target.file,
                target.span,
                format!(
                    "`{}` balances traffic onto {}, which has no health check (no compose healthcheck, image HEALTHCHECK or readiness/liveness probe)",
                    target.group,
                    describe(project, &resolved)
                ),
            );
        }
    }
}
