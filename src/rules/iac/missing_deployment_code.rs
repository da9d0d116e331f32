//! The application is containerised, but how it is deployed is not written down anywhere in
//! the repository: no compose file, manifests, chart or Terraform.

use crate::kind::FileKind;
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct IacMissingDeploymentCode;

impl Rule for IacMissingDeploymentCode {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let Some(unit) = project.dockerfiles.first() else {
            return;
        };
        let declared = !project.compose.is_empty()
            || project.k8s.iter().any(|o| o.is_workload())
            || project.files.iter().any(|f| {
                matches!(
                    f.kind,
                    FileKind::HelmChart | FileKind::Kustomization | FileKind::Terraform
                )
            });
        if declared {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let span = unit
            .df
            .instructions
            .first()
            .map(|i| i.keyword_span.join(i.args_span))
            .unwrap_or_default();
        cx.report(
            PROJECT_SUBJECT,
            unit.file,
            span,
            format!(
                "`{}` builds an image, but nothing in the repository says how it runs: no compose file, Kubernetes manifest, Helm chart, kustomization or Terraform",
                project.path(unit.file)
            ),
        );
    }
}
