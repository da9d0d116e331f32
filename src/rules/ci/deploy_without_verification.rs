//! A deploy job that nothing verifies afterwards: a broken release is found by users.

use crate::model::Project;
use crate::model::ci::capability::Capability;
use crate::rules::ci::common::{EvidencedJobs, deploy_jobs, in_job_or_after, job_subject};
use crate::rules::{Cx, Rule};

pub struct CiDeployWithoutVerification;

impl Rule for CiDeployWithoutVerification {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let shown = EvidencedJobs::of(project, Capability::SmokeTest);
        for deploy in deploy_jobs(project) {
            let subject = job_subject(project, deploy.file, deploy.name);
            if in_job_or_after(project, &deploy, &shown) {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                deploy.file,
                deploy.key_span,
                format!(
                    "job `{}` deploys (`{}`) but neither it nor a later job checks the release: no rollout status wait, health check or smoke test",
                    deploy.name, deploy.evidence.what
                ),
            );
        }
    }
}
