//! Deploy jobs that can run twice at once and race each other on the same environment.

use crate::model::Project;
use crate::model::ci::CiSystem;
use crate::rules::ci::common::{deploy_jobs, job_subject};
use crate::rules::{Cx, Rule};

pub struct CiDeployWithoutConcurrency;

impl Rule for CiDeployWithoutConcurrency {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for deploy in deploy_jobs(project) {
            let subject = job_subject(project, deploy.file, deploy.name);
            let guarded = match deploy.system {
                CiSystem::Github => project
                    .ci
                    .workflows
                    .iter()
                    .find(|w| w.file == deploy.file)
                    .is_some_and(|w| {
                        w.concurrency.is_some()
                            || w.job(deploy.name).is_some_and(|j| j.concurrency.is_some())
                    }),
                CiSystem::Gitlab => project.ci.gitlab.iter().any(|p| {
                    p.jobs
                        .iter()
                        .any(|j| j.file == deploy.file && j.name == deploy.name && j.resource_group)
                }),
                CiSystem::Other => true,
            };
            if guarded {
                cx.evaluate(subject);
                continue;
            }
            let fix = match deploy.system {
                CiSystem::Gitlab => "`resource_group:`",
                _ => "`concurrency:`",
            };
            cx.report(
                subject,
                deploy.file,
                deploy.key_span,
                format!(
                    "deploy job `{}` has no {fix}: two pipelines can deploy at the same time and leave the environment with an older release",
                    deploy.name
                ),
            );
        }
    }
}
