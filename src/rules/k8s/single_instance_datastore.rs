//! Databases, caches and brokers run as one pod with no replication: a single point of failure
//! for every service that depends on them.

use std::collections::HashMap;

use super::common::{Container, app_containers, is_service_workload, scaled_to_zero};
use super::datastore::{
    Replication, command_replication, config_replication, datastore, env_replication, ha_companion,
};
use crate::model::Project;
use crate::model::k8s::{K8sObject, Replicas};
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sSingleInstanceDatastore;

/// The first app container running a datastore image, with the product.
fn datastore_container<'a>(obj: &'a K8sObject) -> Option<(Container<'a>, &'static str)> {
    app_containers(obj).into_iter().find_map(|c| {
        let product = c.image().and_then(datastore)?;
        Some((c, product))
    })
}

/// What the container's command, environment and ConfigMaps (as `envFrom` variables or
/// mounted files) say about replication.
fn replication(project: &Project, obj: &K8sObject, container: &Container<'_>) -> Replication {
    let mut found = Replication::Absent;
    let mut words = Vec::new();
    for key in ["command", "args"] {
        match container.get(&[key]) {
            None => {}
            Some(n) if n.is_null() => {}
            Some(n) => match n.as_seq() {
                Some(items) => words.extend(items.iter().filter_map(Node::as_str)),
                // Templated: a list was expected.
                None => return Replication::Unknown,
            },
        }
    }
    found = found.or(command_replication(&words));
    for var in container.get(&["env"]).map(Node::items).unwrap_or(&[]) {
        let Some(name) = var.get("name").and_then(Node::as_str) else {
            continue;
        };
        let value = match var.get("value") {
            Some(v) => Some(v.as_str().unwrap_or("")),
            None if var.get("valueFrom").is_some() => None,
            None => Some(""),
        };
        found = found.or(env_replication(name, value));
    }
    for r in obj.config_refs() {
        if r.kind != "ConfigMap" {
            continue;
        }
        for cm in project.k8s_in(&obj.namespace, "ConfigMap") {
            if cm.name != r.name {
                continue;
            }
            let data = cm.node.get("data");
            for (key, _, value) in data.map(|d| d.string_entries()).into_iter().flatten() {
                let value = value.as_str().unwrap_or("");
                found = found
                    .or(env_replication(key, Some(value)))
                    .or(config_replication(value));
            }
        }
    }
    found
}

/// Per namespace and product, the workloads that replicate the product (a replica StatefulSet)
/// or guard it (Sentinel, repmgr). Built once per run: asking the whole namespace for every
/// datastore was quadratic when a monorepo keeps everything in `default`.
type Replicators<'p> = HashMap<(&'p str, &'static str), Vec<&'p K8sObject>>;

fn replicators(project: &Project) -> Replicators<'_> {
    let mut found: Replicators<'_> = HashMap::new();
    for other in project.k8s.iter().filter(|o| is_service_workload(o)) {
        for c in app_containers(other) {
            let Some(image) = c.image() else {
                continue;
            };
            if let Some(product) = ha_companion(image) {
                found
                    .entry((&other.namespace, product))
                    .or_default()
                    .push(other);
            }
            if let Some(product) = datastore(image)
                && matches!(replication(project, other, &c), Replication::Shown(_))
            {
                found
                    .entry((&other.namespace, product))
                    .or_default()
                    .push(other);
            }
        }
    }
    found
}

/// Another workload in the namespace replicates the same product or guards it: this one is part
/// of a replicated setup.
fn replicated_elsewhere(
    replicators: &Replicators<'_>,
    obj: &K8sObject,
    product: &'static str,
) -> bool {
    replicators
        .get(&(obj.namespace.as_str(), product))
        .is_some_and(|others| {
            others
                .iter()
                .any(|other| !(other.kind == obj.kind && other.name == obj.name))
        })
}

impl Rule for K8sSingleInstanceDatastore {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let mut replicators_once = None;
        for obj in &project.k8s {
            check(obj, project, cx, &mut replicators_once);
        }
    }
}

fn check<'p>(
    obj: &'p K8sObject,
    project: &'p Project,
    cx: &mut Cx<'_>,
    replicators_once: &mut Option<Replicators<'p>>,
) {
    // Operators' CRDs (CloudNativePG `Cluster`, Strimzi `Kafka`...) are not workloads.
    if !is_service_workload(obj) || scaled_to_zero(obj) {
        return;
    }
    let Some((container, product)) = datastore_container(obj) else {
        return;
    };
    let subject = k8s_subject(project, obj);
    match obj.replicas() {
        Replicas::Count(n) if n >= 2 => {
            cx.evaluate(subject);
            return;
        }
        Replicas::Count(1) | Replicas::Default => {}
        _ => return,
    }
    match replication(project, obj, &container) {
        Replication::Shown(_) => {
            cx.evaluate(subject);
            return;
        }
        Replication::Unknown => return,
        Replication::Absent => {}
    }
    let replicators = replicators_once.get_or_insert_with(|| replicators(project));
    if replicated_elsewhere(replicators, obj, product) {
        cx.evaluate(subject);
        return;
    }
    let span = obj
        .node
        .path(&["spec", "replicas"])
        .map_or_else(|| obj.span(), |n| n.span);
    cx.report(
            subject,
            obj.file,
            span,
            format!(
                "{} runs a single {product} instance (`{}`) with no replication, Sentinel or cluster setting: when its pod or node goes down, everything that depends on it does too",
                obj.display(),
                container.image().unwrap_or_default()
            ),
        );
}
