//! HorizontalPodAutoscalers whose ceiling is not above their floor: they can never scale out.

use super::autoscaling::is_hpa;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sHpaMaxNotAboveMin;

impl Rule for K8sHpaMaxNotAboveMin {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_hpa(obj) {
            return;
        }
        let Some(max_node) = obj.node.path(&["spec", "maxReplicas"]) else {
            return;
        };
        let Some(max) = max_node.as_i64() else {
            return;
        };
        let (min, written) = match obj.node.path(&["spec", "minReplicas"]) {
            None => (1, false),
            Some(node) => match node.as_i64() {
                Some(v) => (v, true),
                None => return,
            },
        };
        let subject = k8s_subject(project, obj);
        if max > min {
            cx.evaluate(subject);
            return;
        }
        let floor = if written {
            format!("minReplicas {min}")
        } else {
            "the default minReplicas of 1".to_string()
        };
        cx.report(
            subject,
            obj.file,
            max_node.span,
            format!(
                "{} has maxReplicas {max}, not above {floor}: it can never add a pod under load",
                obj.display()
            ),
        );
    }
}
