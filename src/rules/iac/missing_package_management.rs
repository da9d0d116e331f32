//! Several Kubernetes workloads are kept as plain manifests, with neither a Helm chart nor a
//! kustomization: every image bump, label or namespace change is a hand edit across files.

use super::helm_common::{has_helmfile, is_sample_path};
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct IacMissingPackageManagement;

/// Fewer workloads than this are easy enough to keep by hand.
const MIN_WORKLOADS: usize = 3;

impl Rule for IacMissingPackageManagement {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        // Manifests under example, test and documentation folders are not deployed.
        let workloads: Vec<_> = project
            .k8s
            .iter()
            .filter(|o| o.is_workload() && !is_sample_path(project.path(o.file)))
            .collect();
        if workloads.len() < MIN_WORKLOADS {
            return;
        }
        if !project.helm.charts.is_empty() || !project.kustomize.is_empty() || has_helmfile(project)
        {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let first = workloads[0];
        cx.report(
            PROJECT_SUBJECT,
            first.file,
            first.span(),
            format!(
                "{} Kubernetes workloads are plain manifests with no Helm chart or kustomization to package, version and parameterise them",
                workloads.len()
            ),
        );
    }
}
