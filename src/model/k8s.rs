//! Kubernetes objects: identity, pod templates, containers, and label selectors.

use std::collections::BTreeMap;

use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::Node;

#[derive(Debug)]
pub struct K8sObject {
    pub file: FileId,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Effective namespace: `metadata.namespace`, else the kustomization's, else `default`.
    pub namespace: String,
    pub node: Node,
}

/// Kinds that run pods.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Pod",
];

impl K8sObject {
    /// Builds an object from a document with `apiVersion` and `kind`; `None` otherwise.
    pub fn from_node(file: FileId, node: Node, default_namespace: &str) -> Option<K8sObject> {
        let api_version = node.get("apiVersion")?.as_str()?.to_string();
        let kind = node.get("kind")?.as_str()?.to_string();
        let name = node
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .or_else(|| {
                node.path(&["metadata", "generateName"])
                    .and_then(Node::as_str)
            })
            .unwrap_or("")
            .to_string();
        let namespace = node
            .path(&["metadata", "namespace"])
            .and_then(Node::as_str)
            .unwrap_or(default_namespace)
            .to_string();
        Some(K8sObject {
            file,
            api_version,
            kind,
            name,
            namespace,
            node,
        })
    }

    /// A stable identity for scoring and baselines.
    pub fn subject(&self) -> String {
        [&*self.kind, "/", &self.namespace, "/", &self.name].concat()
    }

    /// `Kind/name` for messages.
    pub fn display(&self) -> String {
        [&*self.kind, " `", &self.name, "`"].concat()
    }

    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind
    }

    pub fn is_workload(&self) -> bool {
        WORKLOAD_KINDS.contains(&self.kind.as_str()) && !self.is_helm_hook()
    }

    /// Workloads that keep serving and may be scaled: Deployments and StatefulSets (and their
    /// older relatives). Jobs, CronJobs, DaemonSets and bare Pods are not.
    pub fn is_scalable(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController"
        ) && !self.is_helm_hook()
    }

    /// Helm test and hook objects run once; they are not services.
    pub fn is_helm_hook(&self) -> bool {
        self.annotation("helm.sh/hook").is_some()
    }

    pub fn metadata(&self) -> Option<&Node> {
        self.node.get("metadata")
    }

    /// A ConfigMap's `data` entries with string keys, as (key, key node, value node); nothing
    /// for other kinds.
    pub fn config_data(&self) -> impl Iterator<Item = (&str, &Node, &Node)> {
        (self.kind == "ConfigMap")
            .then(|| self.node.get("data"))
            .flatten()
            .map(Node::string_entries)
            .into_iter()
            .flatten()
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.node
            .path(&["metadata", "annotations"])
            .and_then(|a| a.get(key))
            .and_then(Node::as_str)
    }

    /// The span to point at for the object as a whole: its `kind:` line's document start.
    pub fn span(&self) -> Span {
        self.node
            .path(&["metadata", "name"])
            .map(|n| n.span)
            .unwrap_or(Span::new(self.node.span.start, self.node.span.start))
    }

    pub fn spec(&self) -> Option<&Node> {
        self.node.get("spec")
    }

    /// The pod template (`metadata` + `spec`) for controllers, or the Pod itself.
    pub fn pod_template(&self) -> Option<&Node> {
        match self.kind.as_str() {
            "Pod" => Some(&self.node),
            "CronJob" => self.node.path(&["spec", "jobTemplate", "spec", "template"]),
            _ if self.is_workload() => self.node.path(&["spec", "template"]),
            _ => None,
        }
    }

    pub fn pod_spec(&self) -> Option<&Node> {
        self.pod_template()?.get("spec")
    }

    pub fn pod_labels(&self) -> BTreeMap<String, String> {
        labels_of(
            self.pod_template()
                .and_then(|t| t.path(&["metadata", "labels"])),
        )
    }

    pub fn labels(&self) -> BTreeMap<String, String> {
        labels_of(self.node.path(&["metadata", "labels"]))
    }

    /// App containers (not init containers), each with its span.
    pub fn containers(&self) -> &[Node] {
        self.pod_spec()
            .and_then(|s| s.get("containers"))
            .map(Node::items)
            .unwrap_or(&[])
    }

    pub fn init_containers(&self) -> &[Node] {
        self.pod_spec()
            .and_then(|s| s.get("initContainers"))
            .map(Node::items)
            .unwrap_or(&[])
    }

    /// `spec.replicas` when written as a number; absent means one.
    pub fn replicas(&self) -> Replicas {
        match self.node.path(&["spec", "replicas"]) {
            None => Replicas::Default,
            Some(n) => match n.as_i64() {
                Some(v) => Replicas::Count(v),
                None => Replicas::Unknown,
            },
        }
    }

    pub fn selector(&self) -> Option<Selector> {
        self.node
            .path(&["spec", "selector"])
            .map(Selector::from_label_selector)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replicas {
    /// Not written: Kubernetes runs one.
    Default,
    Count(i64),
    /// Templated or otherwise not a number.
    Unknown,
}

pub fn labels_of(node: Option<&Node>) -> BTreeMap<String, String> {
    node.map(|n| {
        n.string_entries()
            .map(|(k, _, v)| (k.to_string(), v.as_str().unwrap_or("").to_string()))
            .collect()
    })
    .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operator {
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
    /// An operator we do not know; such a selector matches nothing we can prove.
    Unknown,
}

/// A label selector: `matchLabels` + `matchExpressions`, or a Service's plain map.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    pub match_labels: BTreeMap<String, String>,
    pub expressions: Vec<(String, Operator)>,
    /// Any part of it is templated: matching cannot be decided.
    pub templated: bool,
}

impl Selector {
    pub fn from_label_selector(node: &Node) -> Selector {
        let match_labels = labels_of(node.get("matchLabels"));
        let mut expressions = Vec::new();
        for expr in node.get("matchExpressions").map(Node::items).unwrap_or(&[]) {
            let key = expr
                .get("key")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string();
            let values: Vec<String> = expr
                .get("values")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let op = match expr.get("operator").and_then(Node::as_str) {
                Some("In") => Operator::In(values),
                Some("NotIn") => Operator::NotIn(values),
                Some("Exists") => Operator::Exists,
                Some("DoesNotExist") => Operator::DoesNotExist,
                _ => Operator::Unknown,
            };
            expressions.push((key, op));
        }
        Selector::new(match_labels, expressions)
    }

    /// A Service's `spec.selector` map.
    pub fn from_map(node: &Node) -> Selector {
        Selector::new(labels_of(Some(node)), Vec::new())
    }

    /// A plain label map (`plain_map`, as a Service's) or a label selector (`matchLabels`,
    /// `matchExpressions`).
    pub fn read(node: &Node, plain_map: bool) -> Selector {
        if plain_map {
            Selector::from_map(node)
        } else {
            Selector::from_label_selector(node)
        }
    }

    fn new(match_labels: BTreeMap<String, String>, expressions: Vec<(String, Operator)>) -> Self {
        let templated = match_labels
            .iter()
            .any(|(k, v)| crate::parse::is_templated(k) || crate::parse::is_templated(v));
        Selector {
            match_labels,
            expressions,
            templated,
        }
    }

    /// An empty selector selects every pod (NetworkPolicy `podSelector: {}`, PDB `selector: {}`).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.expressions.is_empty()
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|(key, op)| match op {
                Operator::In(values) => labels.get(key).is_some_and(|v| values.contains(v)),
                Operator::NotIn(values) => labels.get(key).is_none_or(|v| !values.contains(v)),
                Operator::Exists => labels.contains_key(key),
                Operator::DoesNotExist => !labels.contains_key(key),
                Operator::Unknown => false,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn node(src: &str) -> Node {
        yaml::parse(src).unwrap().documents.remove(0)
    }

    #[test]
    fn selectors_match_labels_and_expressions() {
        let sel = Selector::from_label_selector(&node(
            "matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [front, edge]}\n- {key: canary, operator: DoesNotExist}\n",
        ));
        let labels = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        assert!(sel.matches(&labels(&[("app", "web"), ("tier", "front")])));
        assert!(!sel.matches(&labels(&[("app", "web"), ("tier", "back")])));
        assert!(!sel.matches(&labels(&[
            ("app", "web"),
            ("tier", "front"),
            ("canary", "1")
        ])));
        assert!(Selector::from_label_selector(&node("{}")).matches(&labels(&[("x", "y")])));
    }

    #[test]
    fn workload_views() {
        let obj = K8sObject::from_node(
            0,
            node("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: n}}\n        spec:\n          containers: [{name: c, image: busybox}]\n"),
            "default",
        )
        .unwrap();
        assert!(obj.is_workload());
        assert!(!obj.is_scalable());
        assert_eq!(obj.containers().len(), 1);
        assert_eq!(obj.pod_labels().get("app").map(String::as_str), Some("n"));
        assert_eq!(obj.namespace, "default");
        assert_eq!(obj.replicas(), Replicas::Default);
    }
}

/// A reference from a pod to a ConfigMap or Secret, wherever the pod spec makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRef {
    /// `ConfigMap` or `Secret`.
    pub kind: &'static str,
    /// The name as written; empty when missing.
    pub name: String,
    /// The name is filled in at deploy time: which object it means is unknown.
    pub templated: bool,
    pub span: Span,
    /// Marked `optional: true`: the pod starts without it.
    pub optional: bool,
}

impl K8sObject {
    /// ConfigMaps and Secrets the pod template uses: `envFrom`, `env[].valueFrom`, volumes
    /// (also projected) and `imagePullSecrets`.
    pub fn config_refs(&self) -> Vec<ConfigRef> {
        let mut refs = Vec::new();
        let Some(spec) = self.pod_spec() else {
            return refs;
        };
        let mut push = |kind: &'static str, node: &Node, name_key: &str| {
            let name_node = node.get(name_key);
            let name = name_node.and_then(Node::as_str).unwrap_or("");
            refs.push(ConfigRef {
                kind,
                name: name.to_string(),
                templated: crate::parse::is_templated(name),
                span: name_node.map_or(node.span, |n| n.span),
                optional: node.get("optional").and_then(Node::as_bool) == Some(true),
            });
        };
        for container in self.containers().iter().chain(self.init_containers()) {
            for from in container.get("envFrom").map(Node::items).unwrap_or(&[]) {
                if let Some(r) = from.get("configMapRef") {
                    push("ConfigMap", r, "name");
                }
                if let Some(r) = from.get("secretRef") {
                    push("Secret", r, "name");
                }
            }
            for env in container.get("env").map(Node::items).unwrap_or(&[]) {
                if let Some(r) = env.path(&["valueFrom", "configMapKeyRef"]) {
                    push("ConfigMap", r, "name");
                }
                if let Some(r) = env.path(&["valueFrom", "secretKeyRef"]) {
                    push("Secret", r, "name");
                }
            }
        }
        for volume in spec.get("volumes").map(Node::items).unwrap_or(&[]) {
            if let Some(cm) = volume.get("configMap") {
                push("ConfigMap", cm, "name");
            }
            if let Some(secret) = volume.get("secret") {
                push("Secret", secret, "secretName");
            }
            for source in volume
                .path(&["projected", "sources"])
                .map(Node::items)
                .unwrap_or(&[])
            {
                if let Some(cm) = source.get("configMap") {
                    push("ConfigMap", cm, "name");
                }
                if let Some(secret) = source.get("secret") {
                    push("Secret", secret, "name");
                }
            }
        }
        for pull in spec.get("imagePullSecrets").map(Node::items).unwrap_or(&[]) {
            push("Secret", pull, "name");
        }
        refs
    }
}

#[cfg(test)]
mod config_ref_tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn every_way_a_pod_names_a_configmap_or_secret() {
        let doc = yaml::parse(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      imagePullSecrets: [{name: regcred}]\n      containers:\n      - name: app\n        envFrom: [{configMapRef: {name: app-config}}, {secretRef: {name: app-secrets, optional: true}}]\n        env:\n        - name: DB_PASSWORD\n          valueFrom: {secretKeyRef: {name: db, key: password}}\n        - name: MODE\n          valueFrom: {configMapKeyRef: {name: '{{ .Values.cm }}', key: mode}}\n      volumes:\n      - name: c\n        configMap: {name: files}\n      - name: s\n        secret: {secretName: tls}\n      - name: p\n        projected: {sources: [{configMap: {name: extra}}]}\n",
        )
        .unwrap()
        .documents
        .remove(0);
        let obj = K8sObject::from_node(0, doc, "default").unwrap();
        let refs = obj.config_refs();
        let refs: Vec<(&str, &str, bool, bool)> = refs
            .iter()
            .map(|r| (r.kind, r.name.as_str(), r.optional, r.templated))
            .collect();
        assert_eq!(
            refs,
            vec![
                ("ConfigMap", "app-config", false, false),
                ("Secret", "app-secrets", true, false),
                ("Secret", "db", false, false),
                ("ConfigMap", "{{ .Values.cm }}", false, true),
                ("ConfigMap", "files", false, false),
                ("Secret", "tls", false, false),
                ("ConfigMap", "extra", false, false),
                ("Secret", "regcred", false, false),
            ]
        );
    }
}
