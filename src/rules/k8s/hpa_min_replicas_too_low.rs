//! HorizontalPodAutoscalers that may scale their workload down to a single pod.

use super::autoscaling::{is_hpa, spec_span};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sHpaMinReplicasTooLow;

impl Rule for K8sHpaMinReplicasTooLow {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_hpa(obj) {
            return;
        }
        let subject = k8s_subject(project, obj);
        // A missing `minReplicas` is reported at the `spec:` key, where it belongs.
        let (span, message) = match obj.node.path(&["spec", "minReplicas"]) {
            None => (
                spec_span(obj),
                format!(
                    "{} sets no minReplicas, so it scales down to a single pod (the default is 1)",
                    obj.display()
                ),
            ),
            Some(node) => match node.as_i64() {
                Some(v) if v >= 2 => {
                    cx.evaluate(subject);
                    return;
                }
                Some(1) => (
                    node.span,
                    format!(
                        "{} has minReplicas 1, so it scales down to a single pod",
                        obj.display()
                    ),
                ),
                // 0 is deliberate scale-to-zero (the HPAScaleToZero feature gate); a negative
                // number is invalid; anything else is templated.
                _ => return,
            },
        };
        cx.report(subject, obj.file, span, message);
    }
}
