//! Deployments and StatefulSets without a PodDisruptionBudget: a node drain may evict every pod.

use super::common::{is_service_workload, require_selected_by, scaled_to_zero};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule};

pub struct K8sMissingPdb;

impl Rule for K8sMissingPdb {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_service_workload(obj) || scaled_to_zero(obj) {
            return;
        }
        require_selected_by(
            cx,
            project,
            obj,
            "PodDisruptionBudget",
            &["spec", "selector"],
            false,
            || format!("{} has no PodDisruptionBudget", obj.display()),
        );
    }
}
