//! Containers whose root filesystem is writable: an attacker can drop tools and persist changes.

use super::common::{all_containers, is_windows, require_security_flag};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule};

pub struct K8sWritableRootFilesystem;

impl Rule for K8sWritableRootFilesystem {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() || is_windows(obj) {
            return;
        }
        for c in all_containers(obj) {
            require_security_flag(cx, project, obj, &c, "readOnlyRootFilesystem", true);
        }
    }
}
