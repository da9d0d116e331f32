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

fn exists(project: &Project, path: &str) -> bool {
    if path.is_empty() {
        return true;
    }
    let under = |p: &str| p == path || p.strip_prefix(path).is_some_and(|r| r.starts_with('/'));
    project.files.iter().any(|f| under(&f.path)) || project.notices.iter().any(|n| under(&n.path))
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
                if exists(project, path) {
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
