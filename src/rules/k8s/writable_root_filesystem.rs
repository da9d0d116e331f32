//! Containers whose root filesystem is writable: an attacker can drop tools and persist changes.

use super::common::{all_containers, is_windows};
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
            let subject = c.subject(project, obj);
            let field = c.get(&["securityContext", "readOnlyRootFilesystem"]);
            let span = match field.map(|n| (n, n.as_bool())) {
                Some((_, Some(true))) => {
                    cx.evaluate(subject);
                    continue;
                }
                Some((_, None)) => continue,
                Some((n, Some(false))) => n.span,
                None => c.span(),
            };
            cx.report(
                subject,
                obj.file,
                span,
                format!(
                    "{} does not set readOnlyRootFilesystem: true",
                    c.describe(obj)
                ),
            );
        }
    }
}
