//! Pipelines that never run on pull requests, on pushes, or on a schedule.

use crate::model::Project;
use crate::rules::ci::common::{live_workflows, main_workflow, report_with_snippet};
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

/// Fires when no live GitHub workflow runs on any of `events`.
pub struct MissingTrigger {
    pub events: &'static [&'static str],
    /// What the missing runs would catch, for the message.
    pub purpose: &'static str,
    /// GitLab runs branch and merge request pipelines without configuration.
    pub gitlab_default: bool,
}

pub const PR: MissingTrigger = MissingTrigger {
    events: &["pull_request", "pull_request_target", "merge_group"],
    purpose: "changes are merged without the pipeline validating them first",
    gitlab_default: true,
};

pub const PUSH: MissingTrigger = MissingTrigger {
    events: &["push"],
    purpose: "the main branch is never built and tested after a merge",
    gitlab_default: true,
};

pub const SCHEDULE: MissingTrigger = MissingTrigger {
    events: &["schedule"],
    purpose: "new vulnerabilities in dependencies and base images, and breakage from upstream changes, go unnoticed between commits",
    gitlab_default: false,
};

impl Rule for MissingTrigger {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let gitlab = !project.ci.gitlab.is_empty();
        if gitlab {
            // Schedules are created in GitLab's settings; a pipeline that branches on them shows
            // they exist.
            let scheduled = project.ci.gitlab.iter().any(|p| {
                std::iter::once(&p.file).chain(&p.included).any(|f| {
                    let text = &project.file(*f).text;
                    text.contains("\"schedule\"") || text.contains("'schedule'")
                })
            });
            if self.gitlab_default || scheduled {
                cx.evaluate(PROJECT_SUBJECT);
                return;
            }
        }
        let Some(main) = main_workflow(project) else {
            return;
        };
        if live_workflows(project).any(|w| self.events.iter().any(|e| w.trigger(e).is_some())) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let events = self.events.join("`, `");
        report_with_snippet(
            project,
            cx,
            main.file,
            main.on_span,
            format!("no workflow runs on `{events}`: {}", self.purpose),
        );
    }
}
