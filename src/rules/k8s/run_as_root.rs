//! Containers that may run as root: a container escape then starts with UID 0.

use super::common::{all_containers, is_windows};
use crate::model::Project;
use crate::model::image::ImageRef;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule};

pub struct K8sRunAsRoot;

impl Rule for K8sRunAsRoot {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() || is_windows(obj) {
            return;
        }
        for c in all_containers(obj) {
            let subject = c.subject(project, obj);
            let user = c.security(obj, "runAsUser");
            let non_root = c.security(obj, "runAsNonRoot");
            let user_id = match user {
                None => None,
                Some(n) => match n.as_i64() {
                    Some(v) => Some((v, n)),
                    None => continue,
                },
            };
            if let Some((0, node)) = user_id {
                cx.report(
                    subject,
                    obj.file,
                    node.span,
                    format!("{} runs as root (runAsUser: 0)", c.describe(obj)),
                );
                continue;
            }
            if user_id.is_some() {
                cx.evaluate(subject);
                continue;
            }
            match non_root.map(Node::as_bool) {
                Some(Some(true)) => {
                    cx.evaluate(subject);
                    continue;
                }
                Some(None) => continue,
                _ => {}
            }
            // Distroless `:nonroot` images default to UID 65532.
            if c.image()
                .and_then(|i| ImageRef::parse(i).tag)
                .is_some_and(|t| t.contains("nonroot"))
            {
                cx.evaluate(subject);
                continue;
            }
            let span = match non_root {
                Some(n) => n.span,
                None => c.span(),
            };
            cx.report(
                subject,
                obj.file,
                span,
                format!(
                    "{} may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set",
                    c.describe(obj)
                ),
            );
        }
    }
}
