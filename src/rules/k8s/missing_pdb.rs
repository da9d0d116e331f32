//! Deployments and StatefulSets without a PodDisruptionBudget: a node drain may evict every pod.

use super::common::{is_service_workload, scaled_to_zero};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sMissingPdb;

impl Rule for K8sMissingPdb {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_service_workload(obj) || scaled_to_zero(obj) {
            return;
        }
        let selection = project.selecting(obj, "PodDisruptionBudget", &["spec", "selector"], false);
        let subject = k8s_subject(project, obj);
        if !selection.found.is_empty() {
            cx.evaluate(subject);
        } else if !selection.undecidable {
            cx.report(
                subject,
                obj.file,
                obj.span(),
                format!("{} has no PodDisruptionBudget", obj.display()),
            );
        }
    }
}
