//! A kustomization lists a local resource, base, component or patch that does not exist in
//! the repository: `kustomize build` (and `kubectl apply -k`, and Argo CD) fails outright.
//!
//! Only paths discovery could have seen are judged: YAML files and folders (a folder used as a
//! resource holds a `kustomization.yaml`, which discovery always lists). Other file types,
//! paths above the scanned root, remote bases and templated paths stay silent.

use crate::model::Project;
use crate::model::kustomize::Target;
use crate::rules::{Cx, Rule};

pub struct KustomizeMissingResource;

/// Every path discovery saw (files read and files skipped with a notice), sorted as strings so
/// that the paths under a folder are found by binary search, not by a scan per reference.
fn known_paths(project: &Project) -> Vec<&str> {
    let mut paths: Vec<&str> = project
        .files
        .iter()
        .map(|f| f.path.as_str())
        .chain(project.notices.iter().map(|n| n.path.as_str()))
        .collect();
    paths.sort_unstable();
    paths
}

fn exists(known: &[&str], path: &str) -> bool {
    if path.is_empty() {
        return true;
    }
    // Every path starting with `path` sorts in one run from here; `path-x` and `path.x` may
    // come before `path/x` within it.
    let from = known.partition_point(|p| *p < path);
    known[from..]
        .iter()
        .take_while(|p| p.starts_with(path))
        .any(|p| p.len() == path.len() || p.as_bytes()[path.len()] == b'/')
}

/// Only YAML files and folders are always discovered.
fn judgeable(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    match name.rsplit_once('.') {
        Some((_, ext)) => matches!(ext, "yaml" | "yml"),
        None => true,
    }
}

impl Rule for KustomizeMissingResource {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if project.kustomize.kustomizations.is_empty() {
            return;
        }
        let known = known_paths(project);
        for k in &project.kustomize.kustomizations {
            let kpath = project.path(k.file);
            for r in &k.refs {
                let Target::Local(Some(path)) = &r.target else {
                    continue;
                };
                if !judgeable(path) {
                    continue;
                }
                let subject = format!("{kpath}#{}[{}]", r.field.name(), r.value);
                if exists(&known, path) {
                    cx.evaluate(subject);
                    continue;
                }
                cx.report(
                    subject,
                    k.file,
                    r.span,
                    format!(
                        "`{}` in `{}` points to `{path}`, which does not exist in the repository: `kustomize build` fails",
                        r.value,
                        r.field.name()
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::exists;

    #[test]
    fn folders_and_files_are_found_past_siblings_that_sort_between() {
        // `base-x` and `base.yaml` sort between `base` and `base/kustomization.yaml`.
        let mut known = vec![
            "base-x/a.yaml",
            "base.yaml",
            "base/kustomization.yaml",
            "overlays/prod/kustomization.yaml",
        ];
        known.sort_unstable();
        assert!(exists(&known, "base"));
        assert!(exists(&known, "base.yaml"));
        assert!(exists(&known, "overlays/prod"));
        assert!(exists(&known, ""));
        assert!(!exists(&known, "bas"));
        assert!(!exists(&known, "overlays/pro"));
        assert!(!exists(&known, "overlays/prod/patch.yaml"));
    }
}
