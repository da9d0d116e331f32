//! Long-running workloads that no NetworkPolicy selects: any pod in the cluster can reach them.

use super::common::{is_long_running, require_selected_by};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule};

pub struct K8sMissingNetworkPolicy;

/// Policy kinds of CNI plugins whose selectors we do not evaluate.
const FOREIGN_POLICIES: &[&str] = &[
    "CiliumNetworkPolicy",
    "CiliumClusterwideNetworkPolicy",
    "GlobalNetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
];

impl Rule for K8sMissingNetworkPolicy {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !(is_long_running(obj) || obj.is("Pod") && obj.is_workload()) {
            return;
        }
        // NetworkPolicies do not apply to pods on the host network.
        if obj
            .pod_spec()
            .and_then(|s| s.get("hostNetwork"))
            .and_then(Node::as_bool)
            == Some(true)
        {
            return;
        }
        // Cilium, Calico and cluster-wide admin policies may isolate these pods in ways we cannot see.
        let foreign = FOREIGN_POLICIES
            .iter()
            .any(|kind| project.k8s_of_kind(kind).next().is_some())
            || project
                .k8s_of_kind("NetworkPolicy")
                .any(|o| o.api_version.starts_with("projectcalico.org/"));
        if foreign {
            return;
        }
        require_selected_by(
            cx,
            project,
            obj,
            "NetworkPolicy",
            &["spec", "podSelector"],
            false,
            || {
                format!(
                    "{} is not selected by any NetworkPolicy in namespace `{}`",
                    obj.display(),
                    obj.namespace
                )
            },
        );
    }
}
