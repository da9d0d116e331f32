//! The repository deploys to Kubernetes but has no way to vary one set of manifests per
//! environment: manifests are copied into `dev/`, `staging/`, `prod/` folders, or there is a
//! single environment with no overlay or values mechanism at all. Copies drift; a fix applied
//! to one environment is forgotten in the next.

use std::collections::{BTreeMap, BTreeSet};

use super::helm_common::{env_of_path, has_argocd_environments, has_helmfile, is_sample_path};
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct IacMissingEnvironmentParity;

impl Rule for IacMissingEnvironmentParity {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        // Manifests under example, test and documentation folders are not deployed.
        let manifests: Vec<_> = project
            .k8s
            .iter()
            .filter(|o| !is_sample_path(project.path(o.file)))
            .collect();
        let charts = project
            .helm
            .charts
            .iter()
            .filter(|c| !is_sample_path(project.path(c.file)))
            .count();
        if manifests.is_empty() && charts == 0 {
            return;
        }
        let parameterised = project.kustomize.shared_base().is_some()
            || project
                .helm
                .charts
                .iter()
                .any(|c| c.env_values().count() >= 2)
            || has_helmfile(project)
            || has_argocd_environments(project);
        if parameterised {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }

        // (kind, name) → the environment folders declaring it.
        let mut envs_of: BTreeMap<(&str, &str), BTreeSet<String>> = BTreeMap::new();
        for object in &manifests {
            if let Some((env, _)) = env_of_path(project.path(object.file)) {
                envs_of
                    .entry((object.kind.as_str(), object.name.as_str()))
                    .or_default()
                    .insert(env);
            }
        }
        let copied: BTreeMap<&(&str, &str), &BTreeSet<String>> =
            envs_of.iter().filter(|(_, envs)| envs.len() >= 2).collect();
        if let Some((&&(kind, name), _)) = copied.iter().next() {
            let envs: BTreeSet<&str> = copied
                .values()
                .flat_map(|e| e.iter().map(String::as_str))
                .collect();
            let first = manifests.iter().find(|o| {
                env_of_path(project.path(o.file)).is_some_and(|(e, _)| envs.contains(e.as_str()))
            });
            if let Some(first) = first {
                cx.report(
                    PROJECT_SUBJECT,
                    first.file,
                    first.span(),
                    format!(
                        "manifests are copied per environment ({}): {} objects such as {kind} `{name}` are declared in several environment folders with no shared base; a change made in one copy is easily missed in the others",
                        envs.iter().copied().collect::<Vec<_>>().join(", "),
                        copied.len()
                    ),
                );
                return;
            }
        }

        let has_mechanism = !project.kustomize.is_empty() || !project.helm.charts.is_empty();
        let env_folders: BTreeSet<String> = manifests
            .iter()
            .filter_map(|o| env_of_path(project.path(o.file)).map(|(e, _)| e))
            .collect();
        if has_mechanism || env_folders.len() >= 2 {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        // A single environment matters once something runs in it.
        if !manifests.iter().any(|o| o.is_workload()) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let Some(first) = manifests.first() else {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        };
        cx.report(
            PROJECT_SUBJECT,
            first.file,
            first.span(),
            format!(
                "the {} Kubernetes manifests describe a single environment with no kustomize overlays or Helm values per environment: staging and production cannot differ without copying files",
                manifests.len()
            ),
        );
    }
}
