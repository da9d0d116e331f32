//! Long-running containers without a liveness probe: a hung process keeps its pod forever.

use super::common::{app_containers, is_long_running, require_container_key};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule};

pub struct K8sMissingLivenessProbe;

impl Rule for K8sMissingLivenessProbe {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_long_running(obj) {
            return;
        }
        for c in app_containers(obj) {
            require_container_key(cx, project, obj, &c, "livenessProbe", || {
                format!("{} has no livenessProbe", c.describe(obj))
            });
        }
    }
}
