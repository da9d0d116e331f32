//! `pull_request_target` / `workflow_run` workflows that check out and run a pull request's code
//! with the base repository's secrets and write token ("pwn request").

use crate::model::Project;
use crate::model::ci::github::Step;
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::rules::{Cx, Rule};

pub struct GhaPullRequestTargetCheckout;

/// References that name the pull request's head rather than the base branch.
const HEAD_REFS: &[&str] = &[
    "github.event.pull_request.head",
    "github.head_ref",
    "refs/pull/",
    "github.event.workflow_run.head",
    "github.event.number",
    "github.event.pull_request.number",
    "github.event.pull_request.merge_commit_sha",
];

fn names_head(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    HEAD_REFS.iter().any(|r| lower.contains(r))
}

/// Where the step checks out untrusted code, if it does.
fn checkout_of_head(project: &Project, file: FileId, step: &Step) -> Option<Span> {
    if let Some(uses) = &step.uses
        && uses.is("actions/checkout")
    {
        let node = step
            .with_node("ref")
            .or_else(|| step.with_node("repository"))?;
        return names_head(node.as_str()?).then_some(node.span);
    }
    let run = step.run.as_ref()?;
    // The line that fetches or checks out the pull request's head.
    let line = run.text.lines().find(|line| {
        let lower = line.to_ascii_lowercase();
        lower.contains("gh pr checkout")
            || (lower.contains("git checkout")
                || lower.contains("git fetch")
                || lower.contains("git switch"))
                && names_head(&lower)
    })?;
    let text = &project.file(file).text;
    let region = text
        .get(run.span.start..run.span.end.min(text.len()))
        .unwrap_or("");
    let trimmed = line.trim();
    Some(match region.find(trimmed) {
        Some(at) => Span::new(run.span.start + at, run.span.start + at + trimmed.len()),
        None => run.span,
    })
}

/// A job limited to pull requests opened by a dependency bot runs only the bot's code: the PR
/// author's login cannot be forged (unlike `github.actor`).
fn bot_authored_only(condition: Option<&str>) -> bool {
    condition.is_some_and(|c| {
        let c = c.to_ascii_lowercase().replace(' ', "");
        ["dependabot[bot]", "renovate[bot]"].iter().any(|bot| {
            c.contains(&format!("github.event.pull_request.user.login=='{bot}'"))
                || c.contains(&format!("github.event.pull_request.user.login==\"{bot}\""))
        })
    })
}

impl Rule for GhaPullRequestTargetCheckout {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for w in &project.ci.workflows {
            let trigger = ["pull_request_target", "workflow_run"]
                .into_iter()
                .find(|t| w.trigger(t).is_some());
            let Some(trigger) = trigger else { continue };
            let subject = project.path(w.file).to_string();
            cx.evaluate(subject.clone());
            for job in &w.jobs {
                if bot_authored_only(job.condition.as_deref()) {
                    continue;
                }
                for step in &job.steps {
                    if let Some(span) = checkout_of_head(project, w.file, step) {
                        cx.report(
                            subject.clone(),
                            w.file,
                            span,
                            format!(
                                "job `{}` checks out the pull request's code in a `{trigger}` workflow, which runs with the base repository's secrets and a write token: any contributor's code runs with them",
                                job.id
                            ),
                        );
                    }
                }
            }
        }
    }
}
