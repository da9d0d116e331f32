//! Privileged containers: full access to the host's devices and kernel, i.e. root on the node.

use super::common::all_containers;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule};

pub struct K8sPrivilegedContainer;

impl Rule for K8sPrivilegedContainer {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() {
            return;
        }
        for c in all_containers(obj) {
            let subject = c.subject(project, obj);
            match c
                .get(&["securityContext", "privileged"])
                .map(|n| (n, n.as_bool()))
            {
                Some((n, Some(true))) => {
                    cx.report(
                        subject,
                        obj.file,
                        n.span,
                        format!("{} runs privileged", c.describe(obj)),
                    );
                }
                Some((_, None)) => {}
                _ => cx.evaluate(subject),
            }
        }
    }
}
