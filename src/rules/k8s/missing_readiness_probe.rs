//! Serving containers without a readiness probe: traffic reaches pods before they can answer.

use super::common::{app_containers, is_service_workload, require_container_key};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule};

pub struct K8sMissingReadinessProbe;

impl Rule for K8sMissingReadinessProbe {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_service_workload(obj) {
            return;
        }
        for c in app_containers(obj) {
            // Containers that listen on nothing (workers, sidecars) receive no Service traffic.
            if c.get(&["ports"]).map(Node::items).unwrap_or(&[]).is_empty() {
                continue;
            }
            require_container_key(cx, project, obj, &c, "readinessProbe", || {
                format!(
                    "{} declares ports but has no readinessProbe",
                    c.describe(obj)
                )
            });
        }
    }
}
