//! Controllers whose `spec.selector` does not match their own pod template labels: the API
//! server rejects them, so the deploy fails.

use super::common::key_span;
use crate::model::Project;
use crate::model::k8s::{K8sObject, Operator, Selector};
use crate::parse::is_templated;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sSelectorMismatch;

impl Rule for K8sSelectorMismatch {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !matches!(
            obj.kind.as_str(),
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
        ) {
            return;
        }
        let Some(node) = obj.node.path(&["spec", "selector"]) else {
            return;
        };
        if !node.is_map() {
            return;
        }
        let selector = Selector::from_label_selector(node);
        let labels = obj.pod_labels();
        let templated_labels = labels
            .iter()
            .any(|(k, v)| is_templated(k) || is_templated(v));
        let unknown_op = selector
            .expressions
            .iter()
            .any(|(k, op)| *op == Operator::Unknown || is_templated(k));
        if selector.templated || templated_labels || unknown_op || selector.is_empty() {
            return;
        }
        let subject = k8s_subject(project, obj);
        if selector.matches(&labels) {
            cx.evaluate(subject);
            return;
        }
        let template_labels = obj
            .pod_template()
            .and_then(|t| t.path(&["metadata", "labels"]))
            .map(|n| n.span);
        let related = template_labels.map(|s| cx.related(obj.file, s, "pod template labels"));
        let finding = cx.report(
            subject,
            obj.file,
            obj.spec()
                .and_then(|s| key_span(s, "selector"))
                .unwrap_or(node.span),
            format!(
                "{} has a selector that does not match its pod template labels",
                obj.display()
            ),
        );
        if let Some(r) = related {
            finding.related.push(r);
        }
    }
}
