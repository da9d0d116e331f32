//! Configuration drift between per-environment copies of a workload. When the same workload
//! (same kind and name) is written out in full in `dev/`, `staging/` and `prod/` folders (the
//! copy-paste that `iac-missing-environment-parity` reports), a fix applied to one copy is
//! easily forgotten in the others. This rule finds the copies that already diverged: a
//! liveness, readiness or startup probe, a `resources` block or a `securityContext` (pod or
//! container) present in one environment's copy and absent from another's, container by
//! container. It reports on the copy that lacks the block, pointing at a copy that has it.
//!
//! Conservative by design:
//! - only blocks that should be the same everywhere are compared; replicas, image tags (a newer
//!   tag in staging is promotion), environment values and the contents of a block that both
//!   copies have are not;
//! - Kustomize overlays (folders whose kustomization builds on a base) and files listed as
//!   patches are partial objects by design and never compared, nor are Helm values;
//! - example, test and documentation folders are not judged;
//! - containers are matched by name; a container one copy lacks is not compared.
//!
//! Workloads are judged only when copies exist in two environments or more.

use std::collections::{BTreeMap, BTreeSet};

use super::helm_common::{env_of_path, is_sample_path};
use crate::finding::Related;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::model::kustomize::{RefField, Target};
use crate::parse::span::Span;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct IacEnvironmentDrift;

/// Blocks compared in each container.
const CONTAINER_BLOCKS: &[&str] = &[
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "resources",
    "securityContext",
];

/// A copy of a workload in one environment.
struct Copy<'a> {
    obj: &'a K8sObject,
    env: String,
}

/// The key of `block` under `node` when its value says something: a non-empty mapping, or a
/// scalar (templated or otherwise not judged). `resources: {}` and a null are absent.
fn block_key<'a>(node: &'a Node, block: &str) -> Option<&'a Node> {
    let entry = node.entry(block)?;
    let v = &entry.value;
    let says_something = if v.is_map() {
        !v.entries().is_empty()
    } else {
        !v.is_null()
    };
    says_something.then_some(&entry.key)
}

fn container<'a>(obj: &'a K8sObject, name: &str) -> Option<&'a Node> {
    obj.containers()
        .iter()
        .find(|c| c.get("name").and_then(Node::as_str) == Some(name))
}

/// Files that kustomizations use as patches, and the folders of overlays (kustomizations that
/// build on a base): neither holds full copies of an object.
fn kustomize_partials(project: &Project) -> (BTreeSet<String>, Vec<String>) {
    let mut patches = BTreeSet::new();
    let mut overlays = Vec::new();
    for k in &project.kustomize.kustomizations {
        if !k.bases.is_empty() {
            overlays.push(k.dir.clone());
        }
        for r in &k.refs {
            if matches!(
                r.field,
                RefField::Patches | RefField::PatchesStrategicMerge | RefField::PatchesJson6902
            ) && let Target::Local(Some(path)) = &r.target
            {
                patches.insert(path.clone());
            }
        }
    }
    (patches, overlays)
}

impl Rule for IacEnvironmentDrift {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let (patches, overlays) = kustomize_partials(project);
        // (folder before the environment, kind, name) → its copies.
        let mut groups: BTreeMap<(String, &str, &str), Vec<Copy<'_>>> = BTreeMap::new();
        for obj in project.k8s.iter().filter(|o| o.is_workload()) {
            let path = project.path(obj.file);
            if obj.name.is_empty()
                || is_sample_path(path)
                || patches.contains(path)
                || overlays.iter().any(|d| path.starts_with(d.as_str()))
            {
                continue;
            }
            let Some((env, prefix)) = env_of_path(path) else {
                continue;
            };
            groups
                .entry((prefix, obj.kind.as_str(), obj.name.as_str()))
                .or_default()
                .push(Copy { obj, env });
        }
        for copies in groups.values() {
            let envs: BTreeSet<&str> = copies.iter().map(|c| c.env.as_str()).collect();
            if envs.len() < 2 {
                continue;
            }
            for copy in copies {
                check_copy(project, cx, copy, copies);
            }
        }
    }
}

/// Compares one copy with the copies of other environments; reports what it lacks.
fn check_copy(project: &Project, cx: &mut Cx<'_>, copy: &Copy<'_>, copies: &[Copy<'_>]) {
    let others: Vec<&Copy<'_>> = copies.iter().filter(|o| o.env != copy.env).collect();
    // (what is missing, where another environment has it)
    let mut missing: Vec<(String, &Copy<'_>, Span)> = Vec::new();
    if let Some(pod) = copy.obj.pod_spec()
        && block_key(pod, "securityContext").is_none()
        && let Some((other, key)) = others.iter().find_map(|o| {
            let key = block_key(o.obj.pod_spec()?, "securityContext")?;
            Some((*o, key.span))
        })
    {
        missing.push(("the pod's `securityContext`".into(), other, key));
    }
    for c in copy.obj.containers() {
        let Some(name) = c.get("name").and_then(Node::as_str) else {
            continue;
        };
        for block in CONTAINER_BLOCKS {
            if block_key(c, block).is_some() {
                continue;
            }
            let found = others.iter().find_map(|o| {
                let key = block_key(container(o.obj, name)?, block)?;
                Some((*o, key.span))
            });
            if let Some((other, key)) = found {
                missing.push((format!("`{block}` in container `{name}`"), other, key));
            }
        }
    }
    let subject = k8s_subject(project, copy.obj);
    if missing.is_empty() {
        cx.evaluate(subject);
        return;
    }
    let related: Vec<Related> = missing
        .iter()
        .map(|(what, other, span)| {
            cx.related(
                other.obj.file,
                *span,
                format!("{what} in the `{}` copy", other.env),
            )
        })
        .collect();
    let what: Vec<&str> = missing.iter().map(|(w, _, _)| w.as_str()).collect();
    let other_envs: BTreeSet<&str> = missing.iter().map(|(_, o, _)| o.env.as_str()).collect();
    let finding = cx.report(
        subject,
        copy.obj.file,
        copy.obj.span(),
        format!(
            "the `{}` copy of {} lacks what its `{}` copy has: {}; the per-environment copies have drifted: keep one base and vary only what must differ (kustomize overlays, Helm values)",
            copy.env,
            copy.obj.display(),
            other_envs.into_iter().collect::<Vec<_>>().join("`/`"),
            what.join(", "),
        ),
    );
    finding.related.extend(related);
}
