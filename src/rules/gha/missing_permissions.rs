//! Workflows whose jobs run with the repository's default token permissions.

use crate::model::Project;
use crate::rules::ci::common::live_workflows;
use crate::rules::{Cx, Rule};

pub struct GhaMissingPermissions;

impl Rule for GhaMissingPermissions {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        // Only workflows GitHub runs: templates and examples elsewhere get edited when adopted.
        for w in live_workflows(project) {
            // A called workflow gets the caller's token, already limited by the caller.
            let called_only =
                !w.triggers.is_empty() && w.triggers.iter().all(|t| t.event == "workflow_call");
            if called_only || w.jobs.is_empty() {
                continue;
            }
            let subject = project.path(w.file).to_string();
            let open: Vec<&str> = w
                .jobs
                .iter()
                .filter(|j| j.permissions.is_none())
                .map(|j| j.id.as_str())
                .collect();
            if w.permissions.is_some() || open.is_empty() {
                cx.evaluate(subject);
                continue;
            }
            let jobs = if open.len() == w.jobs.len() {
                "its jobs run".to_string()
            } else {
                format!(
                    "job{} `{}` run{}",
                    if open.len() == 1 { "" } else { "s" },
                    open.join("`, `"),
                    if open.len() == 1 { "s" } else { "" }
                )
            };
            cx.report(
                subject,
                w.file,
                w.on_span,
                format!("the workflow sets no `permissions:`, so {jobs} with the repository's default GITHUB_TOKEN permissions, which may include write access to code, packages and releases"),
            );
        }
    }
}
