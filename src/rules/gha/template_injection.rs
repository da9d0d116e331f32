//! `${{ }}` expressions that paste attacker-controlled text into a shell script.

use crate::model::Project;
use crate::model::ci::github::{Script, Step};
use crate::parse::span::Span;
use crate::rules::ci::common::step_subject;
use crate::rules::{Cx, Rule};

pub struct GhaTemplateInjection;

/// Event fields anyone who opens an issue, a pull request or a comment can set.
const UNTRUSTED_SUFFIXES: &[&str] = &[
    ".title",
    ".body",
    ".message",
    ".head_ref",
    ".head.ref",
    ".head.label",
    ".head.repo.default_branch",
    ".head_branch",
    ".page_name",
    ".author.email",
    ".author.name",
];

/// Whole event objects that hold untrusted text somewhere inside (`toJSON(github.event)`).
const UNTRUSTED_OBJECTS: &[&str] = &[
    "github.event",
    "github.event.issue",
    "github.event.pull_request",
    "github.event.pull_request.head",
    "github.event.comment",
    "github.event.review",
    "github.event.review_comment",
    "github.event.head_commit",
    "github.event.head_commit.author",
    "github.event.commits",
    "github.event.discussion",
    "github.event.pages",
    "github.event.workflow_run",
    "github.event.workflow_run.head_commit",
];

/// Untrusted context paths read by one expression body, e.g. `github.event.issue.title`.
pub fn untrusted_contexts(expression: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = expression.as_bytes();
    let is_path =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'*' | b'[' | b']');
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() && (i == 0 || !is_path(bytes[i - 1])) {
            let start = i;
            while i < bytes.len() && is_path(bytes[i]) {
                i += 1;
            }
            let path = expression[start..i].to_ascii_lowercase();
            // `github.event.commits[0].message` and `github.event.commits.*.message` alike.
            let normal = path
                .replace("[*]", ".*")
                .replace(['[', ']'], ".")
                .replace("..", ".");
            // `workflow_dispatch` inputs come from people with write access.
            let object = normal.trim_end_matches(".*").trim_end_matches('.');
            let untrusted = normal == "github.head_ref"
                || UNTRUSTED_OBJECTS.contains(&object)
                || normal.starts_with("github.event.")
                    && !normal.starts_with("github.event.inputs.")
                    && UNTRUSTED_SUFFIXES.iter().any(|s| normal.ends_with(s));
            if untrusted {
                out.push(path);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Expressions that evaluate to a boolean cannot carry the text they test into the script:
/// `contains(github.event.issue.title, '[skip]')`, `github.head_ref == 'main'`.
fn yields_boolean(body: &str) -> bool {
    let body = body.trim();
    let lower = body.to_ascii_lowercase();
    let call = ["contains(", "startswith(", "endswith("]
        .iter()
        .any(|f| lower.starts_with(f));
    if call {
        // The call must span the whole expression: its first `(` closes at the very end.
        let mut depth = 0usize;
        for (i, c) in body.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i == body.len() - 1;
                    }
                }
                _ => {}
            }
        }
        return false;
    }
    // `&&` and `||` return one of their operands, which may be the untrusted text itself.
    let comparison = ["==", "!=", "<=", ">=", "<", ">"]
        .iter()
        .any(|op| body.contains(op));
    comparison && !body.contains("&&") && !body.contains("||")
}

/// Every `${{ … }}` in `text`: (offset of `${{`, offset after `}}`).
fn expressions(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("${{").map(|i| from + i) {
        let Some(end) = text[start..].find("}}").map(|i| start + i + 2) else {
            break;
        };
        out.push((start, end));
        from = end;
    }
    out
}

fn check_script(
    cx: &mut Cx<'_>,
    project: &Project,
    file: usize,
    subject: &str,
    script: &Script,
    what: &str,
) -> bool {
    let source = &project.file(file).text;
    let region_end = script.span.end.min(source.len());
    let region = source.get(script.span.start..region_end).unwrap_or("");
    let mut fired = false;
    let mut search_from = 0;
    for (start, end) in expressions(&script.text) {
        let expr = &script.text[start..end];
        let body = &expr[3..expr.len() - 2];
        let contexts = untrusted_contexts(body);
        if contexts.is_empty() || yields_boolean(body) {
            continue;
        }
        // Expressions are copied verbatim from the source in every scalar style we see.
        let span = match region[search_from..].find(expr) {
            Some(i) => {
                let at = script.span.start + search_from + i;
                search_from += i + expr.len();
                Span::new(at, at + expr.len())
            }
            None => script.span,
        };
        cx.report(
            subject.to_string(),
            file,
            span,
            format!(
                "`{}` is pasted into the {what} before it runs: whoever writes that text can run commands with this job's token and secrets; pass it through `env:` and quote the variable",
                contexts.join("`, `")
            ),
        );
        fired = true;
    }
    fired
}

fn check_step(cx: &mut Cx<'_>, project: &Project, file: usize, subject: String, step: &Step) {
    let mut judged = false;
    if let Some(run) = &step.run {
        judged = true;
        check_script(cx, project, file, &subject, run, "shell script");
    }
    if let Some(uses) = &step.uses
        && uses.is("actions/github-script")
        && let Some(node) = step.with_node("script")
        && let Some(text) = node.as_str()
    {
        judged = true;
        let script = Script {
            text: text.to_string(),
            span: node.span,
        };
        check_script(
            cx,
            project,
            file,
            &subject,
            &script,
            "github-script JavaScript",
        );
    }
    if judged {
        cx.evaluate(subject);
    }
}

impl Rule for GhaTemplateInjection {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for w in &project.ci.workflows {
            for job in &w.jobs {
                for (i, step) in job.steps.iter().enumerate() {
                    check_step(
                        cx,
                        project,
                        w.file,
                        step_subject(project, w.file, &job.id, i),
                        step,
                    );
                }
            }
        }
        for a in &project.ci.actions {
            for (i, step) in a.steps.iter().enumerate() {
                let subject = format!("{}#runs.steps[{i}]", project.path(a.file));
                check_step(cx, project, a.file, subject, step);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts() {
        assert_eq!(
            untrusted_contexts(" github.event.issue.title "),
            ["github.event.issue.title"]
        );
        assert_eq!(
            untrusted_contexts("github.head_ref || 'main'"),
            ["github.head_ref"]
        );
        assert_eq!(
            untrusted_contexts("github.event.commits[0].message"),
            ["github.event.commits[0].message"]
        );
        assert!(untrusted_contexts("github.event.pull_request.number").is_empty());
        assert!(untrusted_contexts("github.event.pull_request.head.sha").is_empty());
        assert!(untrusted_contexts("env.TITLE").is_empty());
        assert_eq!(untrusted_contexts("toJSON(github.event)"), ["github.event"]);
        assert_eq!(
            untrusted_contexts("toJSON(github.event.commits.*)"),
            ["github.event.commits.*"]
        );
        assert!(untrusted_contexts("github.event.pull_request.head.sha").is_empty());
        assert!(untrusted_contexts("github.event.pull_request.user.login").is_empty());
    }

    #[test]
    fn booleans_are_safe() {
        assert!(yields_boolean(
            " contains(github.event.pull_request.title, '[SKIP]') "
        ));
        assert!(yields_boolean("github.head_ref == 'main'"));
        assert!(!yields_boolean(
            "github.head_ref == 'main' && github.head_ref"
        ));
        assert!(!yields_boolean(
            "contains(a, b) || github.event.issue.title"
        ));
        assert!(!yields_boolean("toJSON(github.event.issue.title)"));
    }
}
