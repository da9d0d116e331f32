//! A repository with deployable artefacts but no CI pipeline at all.

use crate::model::Project;
use crate::rules::ci::common::has_deployables;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct CiMissingPipeline;

impl Rule for CiMissingPipeline {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if !has_deployables(project) {
            return;
        }
        if project.ci.has_pipeline() {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        // Point at what would be shipped: the first Dockerfile's FROM, else the first
        // compose or Kubernetes document.
        let dockerfile = project.dockerfiles.first().and_then(|u| {
            let first = u.df.instructions.first()?;
            Some((u.file, first.keyword_span.join(first.args_span)))
        });
        let yaml = || {
            let compose = project.compose.first().map(|c| (c.file, c.root));
            let k8s = project.k8s.first().map(|o| (o.file, o.node.span));
            match (compose, k8s) {
                (Some(c), Some(k)) => Some(if project.path(c.0) <= project.path(k.0) {
                    c
                } else {
                    k
                }),
                (c, k) => c.or(k),
            }
        };
        let Some((file, span)) = dockerfile.or_else(yaml).or_else(|| {
            project
                .files
                .iter()
                .position(|f| {
                    matches!(
                        f.kind,
                        crate::kind::FileKind::HelmChart
                            | crate::kind::FileKind::Kustomization
                            | crate::kind::FileKind::Terraform
                    )
                })
                .map(|f| (f, crate::parse::span::Span::empty(0)))
        }) else {
            return;
        };
        cx.report(
            PROJECT_SUBJECT,
            file,
            span,
            "nothing builds, tests or deploys this repository automatically: no GitHub Actions workflow, GitLab CI pipeline or other CI configuration was found".to_string(),
        );
    }
}
