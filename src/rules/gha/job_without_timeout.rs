//! Jobs without `timeout-minutes` run up to GitHub's six-hour default when they hang.

use crate::model::Project;
use crate::rules::ci::common::job_subject;
use crate::rules::ci::common::live_workflows;
use crate::rules::{Cx, Rule};

pub struct GhaJobWithoutTimeout;

impl Rule for GhaJobWithoutTimeout {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for w in live_workflows(project) {
            for job in &w.jobs {
                // Called workflows set their own timeouts; `uses` jobs cannot take one.
                if job.uses.is_some() || job.steps.is_empty() {
                    continue;
                }
                let subject = job_subject(project, w.file, &job.id);
                if job.timeout.is_some() {
                    cx.evaluate(subject);
                    continue;
                }
                cx.report(
                    subject,
                    w.file,
                    job.key_span,
                    format!("job `{}` has no `timeout-minutes`: a hung step holds a runner for up to 6 hours", job.id),
                );
            }
        }
    }
}
