//! Shared views of autoscalers for the scaling rules: what a HorizontalPodAutoscaler (v1 or
//! v2) scales on, where to point at it, and KEDA ScaledObjects.

use super::common::key_span;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::is_templated;
use crate::parse::span::Span;
use crate::parse::yaml::Node;

/// A HorizontalPodAutoscaler of any `autoscaling/` version.
pub(super) fn is_hpa(obj: &K8sObject) -> bool {
    obj.kind == "HorizontalPodAutoscaler" && obj.api_version.starts_with("autoscaling/")
}

/// The HPA is `autoscaling/v1`: CPU utilization is the only metric it can express.
pub(super) fn is_v1(hpa: &K8sObject) -> bool {
    hpa.api_version == "autoscaling/v1"
}

/// The object's `spec:` key, where a missing field belongs; its name when it has no spec.
pub(super) fn spec_span(obj: &K8sObject) -> Span {
    key_span(&obj.node, "spec").unwrap_or_else(|| obj.span())
}

/// What an HPA scales on.
#[derive(Debug, Default)]
pub(super) struct Metrics {
    /// The resource (`cpu`, `memory`) of each `Resource` metric, in order.
    pub resource: Vec<String>,
    /// `ContainerResource` metrics: one container's usage, chosen on purpose.
    pub container_resource: usize,
    /// `Pods`, `Object` and `External` metrics: load signals other than the pods' own usage
    /// (requests per second, queue length, consumer lag).
    pub custom: usize,
    /// No metric is written, so the HPA uses its default target: 80 % average CPU.
    pub defaulted: bool,
}

impl Metrics {
    /// Scales on exactly one of the pods' own resources and nothing else.
    pub fn single_resource(&self) -> Option<&str> {
        let first = self.resource.first()?;
        (self.custom == 0
            && self.container_resource == 0
            && self.resource.iter().all(|r| r == first))
        .then_some(first.as_str())
    }
}

/// What the HPA scales on; `None` when a templated or unknown value makes it undecidable.
pub(super) fn metrics(hpa: &K8sObject) -> Option<Metrics> {
    let mut out = Metrics::default();
    if is_v1(hpa) {
        // v1 carries other metrics only in this alpha annotation (the v2 API, serialized).
        if hpa
            .annotation("autoscaling.alpha.kubernetes.io/metrics")
            .is_some()
        {
            return None;
        }
        match hpa.node.path(&["spec", "targetCPUUtilizationPercentage"]) {
            None => out.defaulted = true,
            Some(n) if n.as_i64().is_none() => return None,
            Some(_) => {}
        }
        out.resource.push("cpu".to_string());
        return Some(out);
    }
    let list = match hpa.node.path(&["spec", "metrics"]) {
        None => &[][..],
        Some(n) if n.is_null() => &[][..],
        Some(n) => n.as_seq()?,
    };
    if list.is_empty() {
        out.defaulted = true;
        out.resource.push("cpu".to_string());
        return Some(out);
    }
    for metric in list {
        match metric.get("type").and_then(Node::as_str)? {
            "Resource" => {
                let name = metric
                    .path(&["resource", "name"])
                    .and_then(Node::as_str)
                    .filter(|n| !is_templated(n))?;
                out.resource.push(name.to_string());
            }
            "ContainerResource" => out.container_resource += 1,
            "Pods" | "Object" | "External" => out.custom += 1,
            _ => return None,
        }
    }
    Some(out)
}

/// Where an HPA says what it scales on: the `metrics` key (v2) or
/// `targetCPUUtilizationPercentage` (v1), else its `spec:` key.
pub(super) fn metrics_span(hpa: &K8sObject) -> Span {
    let key = if is_v1(hpa) {
        "targetCPUUtilizationPercentage"
    } else {
        "metrics"
    };
    hpa.spec()
        .and_then(|spec| key_span(spec, key))
        .unwrap_or_else(|| spec_span(hpa))
}

/// A KEDA ScaledObject in the workload's namespace targets it (`scaleTargetRef.kind`
/// defaults to Deployment).
pub(super) fn keda_scales(project: &Project, workload: &K8sObject) -> bool {
    project
        .k8s_in(&workload.namespace, "ScaledObject")
        .filter(|so| so.api_version.starts_with("keda.sh/"))
        .any(|so| {
            let target = so.node.path(&["spec", "scaleTargetRef"]);
            let kind = target
                .and_then(|t| t.get("kind"))
                .and_then(Node::as_str)
                .unwrap_or("Deployment");
            target.and_then(|t| t.get("name")).and_then(Node::as_str)
                == Some(workload.name.as_str())
                && kind == workload.kind
        })
}
