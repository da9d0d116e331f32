//! Shared views for the Kubernetes rules: containers, security contexts, images, quantities.

use std::collections::HashSet;
use std::sync::Arc;

use crate::kind::FileKind;
use crate::model::Project;
use crate::model::image::ImageRef;
use crate::model::k8s::{K8sObject, Replicas};
use crate::model::memo::MemoSlot;
use crate::parse::span::Span;
use crate::parse::yaml::Node;
use crate::rules::Cx;
use crate::rules::k8s_subject;

/// One container of a pod template, app or init.
pub(super) struct Container<'a> {
    pub node: &'a Node,
    pub name: String,
    pub init: bool,
}

impl<'a> Container<'a> {
    pub fn subject(&self, project: &Project, obj: &K8sObject) -> String {
        format!("{}#container.{}", k8s_subject(project, obj), self.name)
    }

    /// The container's `name` value, else the container mapping itself.
    pub fn span(&self) -> Span {
        self.node.get("name").map_or(self.node.span, |n| n.span)
    }

    pub fn describe(&self, obj: &K8sObject) -> String {
        let which = if self.init {
            "init container"
        } else {
            "container"
        };
        [which, " `", &self.name, "` of ", &obj.display()].concat()
    }

    pub fn get(&self, path: &[&str]) -> Option<&'a Node> {
        self.node.path(path)
    }

    /// Effective security context field: the container's, else the pod's.
    pub fn security(&self, obj: &'a K8sObject, key: &str) -> Option<&'a Node> {
        self.get(&["securityContext", key]).or_else(|| {
            obj.pod_spec()
                .and_then(|s| s.path(&["securityContext", key]))
        })
    }

    pub fn is_privileged(&self) -> bool {
        self.get(&["securityContext", "privileged"])
            .and_then(Node::as_bool)
            == Some(true)
    }

    pub fn image(&self) -> Option<&'a str> {
        self.node.get("image").and_then(Node::as_str)
    }
}

fn collect<'a>(list: &'a [Node], init: bool, out: &mut Vec<Container<'a>>) {
    for (i, node) in list.iter().enumerate() {
        if !node.is_map() {
            continue;
        }
        let name = node
            .get("name")
            .and_then(Node::as_str)
            .map_or_else(|| format!("#{i}"), str::to_string);
        out.push(Container { node, name, init });
    }
}

/// App containers only.
/// Judges whether some object of `kind` in the workload's namespace selects its pods (through
/// the selector at `selector_path`): passes when one does, stays silent when a selector is
/// templated, and otherwise reports `message` at the workload's name.
pub(super) fn require_selected_by(
    cx: &mut Cx<'_>,
    project: &Project,
    obj: &K8sObject,
    kind: &str,
    selector_path: &[&str],
    plain_map: bool,
    message: impl FnOnce() -> String,
) {
    let (found, undecidable) = project.selected_by_any(obj, kind, selector_path, plain_map);
    let subject = k8s_subject(project, obj);
    if found {
        cx.evaluate(subject);
    } else if !undecidable {
        cx.report(subject, obj.file, obj.span(), message());
    }
}

/// Judges that a container sets `key` (a probe, say), reporting `message` at the container.
pub(super) fn require_container_key(
    cx: &mut Cx<'_>,
    project: &Project,
    obj: &K8sObject,
    container: &Container<'_>,
    key: &str,
    message: impl FnOnce() -> String,
) {
    let subject = container.subject(project, obj);
    if container.get(&[key]).is_some() {
        cx.evaluate(subject);
    } else {
        cx.report(subject, obj.file, container.span(), message());
    }
}

/// `resources`, or one of its `sections`, is set to something other than a mapping
/// (`{{ toYaml .Values.resources }}`): what it holds cannot be judged.
pub(super) fn resources_undecidable(container: &Container<'_>, sections: &[&str]) -> bool {
    let opaque = |n: &Node| !n.is_map() && !n.is_null();
    container.get(&["resources"]).is_some_and(opaque)
        || sections
            .iter()
            .any(|s| container.get(&["resources", s]).is_some_and(opaque))
}

/// Judges a container's `securityContext` flag that must be `wanted`: passes when it is,
/// stays silent when it is not a boolean (templated), and otherwise reports at the field, or
/// at the container when the field is missing.
pub(super) fn require_security_flag(
    cx: &mut Cx<'_>,
    project: &Project,
    obj: &K8sObject,
    container: &Container<'_>,
    flag: &str,
    wanted: bool,
) {
    let subject = container.subject(project, obj);
    let span = match container.get(&["securityContext", flag]) {
        Some(node) => match node.as_bool() {
            Some(value) if value == wanted => {
                cx.evaluate(subject);
                return;
            }
            Some(_) => node.span,
            None => return,
        },
        None => container.span(),
    };
    cx.report(
        subject,
        obj.file,
        span,
        format!("{} does not set {flag}: {wanted}", container.describe(obj)),
    );
}

pub(super) fn app_containers(obj: &K8sObject) -> Vec<Container<'_>> {
    let mut out = Vec::new();
    collect(obj.containers(), false, &mut out);
    out
}

/// App containers, then init containers.
pub(super) fn all_containers(obj: &K8sObject) -> Vec<Container<'_>> {
    let mut out = app_containers(obj);
    collect(obj.init_containers(), true, &mut out);
    out
}

/// Workloads whose pods keep serving (not run-to-completion Jobs).
pub(super) fn is_long_running(obj: &K8sObject) -> bool {
    obj.is_workload()
        && matches!(
            obj.kind.as_str(),
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController"
        )
}

/// Deployments and StatefulSets, the services a team scales and protects.
pub(super) fn is_service_workload(obj: &K8sObject) -> bool {
    obj.is_workload() && matches!(obj.kind.as_str(), "Deployment" | "StatefulSet")
}

/// Intentionally scaled to zero: nothing runs, so availability rules have nothing to judge.
pub(super) fn scaled_to_zero(obj: &K8sObject) -> bool {
    obj.replicas() == Replicas::Count(0)
}

/// Linux security context fields do not apply to Windows pods.
pub(super) fn is_windows(obj: &K8sObject) -> bool {
    let Some(spec) = obj.pod_spec() else {
        return false;
    };
    spec.path(&["os", "name"]).and_then(Node::as_str) == Some("windows")
        || spec
            .path(&["nodeSelector", "kubernetes.io/os"])
            .and_then(Node::as_str)
            == Some("windows")
        || spec.path(&["securityContext", "windowsOptions"]).is_some()
}

/// The span of `key` itself in a mapping.
pub(super) fn key_span(node: &Node, key: &str) -> Option<Span> {
    node.entry(key).map(|e| e.key.span)
}

/// A Kubernetes resource quantity (`500m`, `1.5`, `256Mi`, `1G`, `1e3`) in base units.
pub(super) fn parse_quantity(text: &str) -> Option<f64> {
    let text = text.trim();
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(num) = text.strip_suffix(suffix) {
            return num.parse::<f64>().ok().map(|v| v * factor);
        }
    }
    text.parse::<f64>().ok()
}

/// Images of stateful servers that scale by replication, not by an HPA adding pods.
pub(super) fn looks_like_database(image: &str) -> bool {
    const DATABASES: &[&str] = &[
        "postgres",
        "mysql",
        "mariadb",
        "mongo",
        "redis",
        "valkey",
        "keydb",
        "memcached",
        "etcd",
        "zookeeper",
        "kafka",
        "elasticsearch",
        "opensearch",
        "rabbitmq",
        "cassandra",
        "scylla",
        "cockroach",
        "clickhouse",
        "influxdb",
        "timescale",
        "neo4j",
        "couchdb",
        "couchbase",
        "nats",
        "pulsar",
        "minio",
        "vault",
        "consul",
        "patroni",
        "percona",
        "questdb",
        "solr",
        "prometheus",
        "loki",
    ];
    let image = ImageRef::parse(image);
    DATABASES.iter().any(|db| image.short_name().contains(db))
}

/// Whether a kustomization in the project rewrites this image's tag or digest
/// (`images: [{name, newTag | digest}]`): the manifest's own tag is then not what runs.
pub(super) fn kustomize_sets_image(project: &Project, repository: &str) -> bool {
    project
        .memo
        .get_or_init(MemoSlot::KustomizeImages, || {
            Arc::new(kustomize_set_images(project))
        })
        .contains(repository)
}

/// Every image name a kustomization's `images:` gives a tag or digest: asked for each
/// container, so collected once.
fn kustomize_set_images(project: &Project) -> HashSet<String> {
    let mut names = HashSet::new();
    for (file, docs) in &project.other_yaml {
        if project.file(*file).kind != FileKind::Kustomization {
            continue;
        }
        for doc in docs {
            for img in doc.get("images").map(Node::items).unwrap_or(&[]) {
                if img.get("newTag").is_some() || img.get("digest").is_some() {
                    names.extend(img.get("name").and_then(Node::as_str).map(str::to_string));
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_databases() {
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("1Gi"), parse_quantity("1024Mi"));
        assert_eq!(parse_quantity("2"), Some(2.0));
        assert_eq!(parse_quantity("x"), None);
        assert!(looks_like_database("bitnami/postgresql:16"));
        assert!(!looks_like_database("ghcr.io/acme/api:1"));
    }
}
