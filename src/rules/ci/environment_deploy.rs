//! The repository describes what runs in production, yet no pipeline deploys it to a named
//! environment (and no GitOps controller does).

use crate::model::Project;
use crate::model::ci::capability::Capability;
use crate::rules::ci::common::{has_deploy_targets, report_missing, report_with_snippet};
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct CiMissingEnvironmentDeploy;

impl Rule for CiMissingEnvironmentDeploy {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if !project.ci.has_pipeline() || !has_deploy_targets(project) {
            return;
        }
        let deploys: Vec<_> = project.ci.capabilities.of(Capability::Deploy).collect();
        let per_environment = deploys.iter().any(|e| {
            e.what.starts_with("environment ") || e.job.is_none() && e.what.contains("GitOps")
        });
        if per_environment {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        match deploys.first() {
            Some(first) => report_with_snippet(
                project,
                cx,
                first.file,
                first.span,
                format!(
                    "the pipeline deploys (`{}`) without naming an environment: there is no staging before production, no protection rules or approvals, and no deployment history per environment",
                    first.what
                ),
            ),
            None => report_missing(
                project,
                cx,
                "the repository holds deployment manifests, but no pipeline deploys them to a named environment (staging, production) and no GitOps controller (Argo CD, Flux) is configured".to_string(),
            ),
        }
    }
}
