//! Containers that do not set `allowPrivilegeEscalation: false`: setuid binaries can gain root.

use super::common::{all_containers, is_windows, require_security_flag};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule};

pub struct K8sPrivilegeEscalationAllowed;

impl Rule for K8sPrivilegeEscalationAllowed {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() || is_windows(obj) {
            return;
        }
        for c in all_containers(obj) {
            // Privileged containers always escalate; k8s-privileged-container reports them.
            if c.is_privileged() {
                continue;
            }
            require_security_flag(cx, project, obj, &c, "allowPrivilegeEscalation", false);
        }
    }
}
