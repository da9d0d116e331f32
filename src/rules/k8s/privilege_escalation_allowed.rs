//! Containers that do not set `allowPrivilegeEscalation: false`: setuid binaries can gain root.

use super::common::{all_containers, is_windows};
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
            let subject = c.subject(project, obj);
            let field = c.get(&["securityContext", "allowPrivilegeEscalation"]);
            let span = match field.map(|n| (n, n.as_bool())) {
                Some((_, Some(false))) => {
                    cx.evaluate(subject);
                    continue;
                }
                Some((_, None)) => continue,
                Some((n, Some(true))) => n.span,
                None => c.span(),
            };
            cx.report(
                subject,
                obj.file,
                span,
                format!(
                    "{} does not set allowPrivilegeEscalation: false",
                    c.describe(obj)
                ),
            );
        }
    }
}
