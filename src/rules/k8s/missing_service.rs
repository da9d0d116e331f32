//! Deployments and StatefulSets that listen on ports but that no Service routes traffic to.

use super::common::{app_containers, is_service_workload, require_selected_by, scaled_to_zero};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule};

pub struct K8sMissingService;

/// Ports that exist for scraping or probing, not for clients.
fn is_auxiliary_port(port: &Node) -> bool {
    port.get("name").and_then(Node::as_str).is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        n.contains("metric") || n.contains("prom") || n.contains("health") || n.contains("probe")
    })
}

impl Rule for K8sMissingService {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_service_workload(obj) || scaled_to_zero(obj) {
            return;
        }
        let serves = app_containers(obj).iter().any(|c| {
            c.get(&["ports"])
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .any(|p| !is_auxiliary_port(p))
        });
        if !serves {
            return;
        }
        require_selected_by(
            cx,
            project,
            obj,
            "Service",
            &["spec", "selector"],
            true,
            || {
                format!(
                    "{} declares container ports but no Service selects its pods",
                    obj.display()
                )
            },
        );
    }
}
