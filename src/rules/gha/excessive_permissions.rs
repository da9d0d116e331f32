//! Tokens with more power than the jobs need: `write-all`, or write scopes granted to every job.

use crate::model::Project;
use crate::model::ci::github::PermissionsKind;
use crate::rules::{Cx, Rule};

pub struct GhaExcessivePermissions;

impl Rule for GhaExcessivePermissions {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for w in &project.ci.workflows {
            let subject = project.path(w.file).to_string();
            cx.evaluate(subject.clone());
            if let Some(p) = &w.permissions {
                if p.kind == PermissionsKind::WriteAll {
                    cx.report(
                        subject.clone(),
                        w.file,
                        p.span,
                        "`permissions: write-all` gives every job a token that can push code, publish packages and change settings".to_string(),
                    );
                } else {
                    let inheriting: Vec<&str> = w
                        .jobs
                        .iter()
                        .filter(|j| j.permissions.is_none())
                        .map(|j| j.id.as_str())
                        .collect();
                    let writes = p.writes();
                    if w.jobs.len() >= 2
                        && !inheriting.is_empty()
                        && let Some((scope, span)) = writes.first()
                    {
                        let scopes: Vec<&str> = writes.iter().map(|(s, _)| *s).collect();
                        cx.report(
                            subject.clone(),
                            w.file,
                            *span,
                            format!(
                                "workflow-level `{scope}: write` applies to every job that does not set its own permissions (`{}`); grant write scopes ({}) only to the job that needs them",
                                inheriting.join("`, `"),
                                scopes.join(", ")
                            ),
                        );
                    }
                }
            }
            for job in &w.jobs {
                if let Some(p) = &job.permissions
                    && p.kind == PermissionsKind::WriteAll
                {
                    cx.report(
                        subject.clone(),
                        w.file,
                        p.span,
                        format!(
                            "job `{}` has `permissions: write-all`: list only the scopes it needs",
                            job.id
                        ),
                    );
                }
            }
        }
    }
}
