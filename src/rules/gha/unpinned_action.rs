//! Actions and reusable workflows referenced by a movable tag or branch instead of a commit SHA.

use crate::model::Project;
use crate::model::ci::github::{ActionKind, ActionRef};
use crate::rules::ci::common::{job_subject, step_subject};
use crate::rules::{Cx, Rule};

pub struct GhaUnpinnedAction;

fn check(cx: &mut Cx<'_>, file: usize, subject: String, uses: &ActionRef) {
    if uses.is_pinned() {
        cx.evaluate(subject);
        return;
    }
    let message = match (&uses.kind, &uses.git_ref) {
        (ActionKind::Docker, _) => format!(
            "`{}` runs a container image by tag: pin it by digest (`@sha256:...`)",
            uses.raw
        ),
        (_, Some(r)) => format!(
            "`{}` is pinned to `{r}`, which its owner (or whoever compromises the repository) can move: pin it to a full commit SHA",
            uses.raw
        ),
        (_, None) => format!(
            "`{}` has no ref at all: pin it to a full commit SHA",
            uses.raw
        ),
    };
    cx.report(subject, file, uses.span, message);
}

impl Rule for GhaUnpinnedAction {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for w in &project.ci.workflows {
            for job in &w.jobs {
                if let Some(uses) = &job.uses {
                    check(cx, w.file, job_subject(project, w.file, &job.id), uses);
                }
                for (i, step) in job.steps.iter().enumerate() {
                    if let Some(uses) = &step.uses {
                        check(cx, w.file, step_subject(project, w.file, &job.id, i), uses);
                    }
                }
            }
        }
        for a in &project.ci.actions {
            for (i, step) in a.steps.iter().enumerate() {
                if let Some(uses) = &step.uses {
                    let subject = format!("{}#runs.steps[{i}]", project.path(a.file));
                    check(cx, a.file, subject, uses);
                }
            }
        }
    }
}
