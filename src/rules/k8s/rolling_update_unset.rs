//! Deployments that stop every pod before starting new ones, or roll out with implicit bounds.

use super::common::{key_span, scaled_to_zero};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sRollingUpdateUnset;

impl Rule for K8sRollingUpdateUnset {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is("Deployment") || !obj.is_workload() || scaled_to_zero(obj) {
            return;
        }
        let subject = k8s_subject(project, obj);
        let strategy = obj.node.path(&["spec", "strategy"]);
        let kind = strategy.and_then(|s| s.get("type"));
        match kind.map(|k| (k, k.as_str())) {
            Some((_, None)) => return,
            Some((_, Some(t))) if crate::parse::is_templated(t) => return,
            Some((node, Some("Recreate"))) => {
                // A ReadWriteOnce volume cannot attach to two pods: Recreate is then deliberate.
                let pvc = obj
                    .pod_spec()
                    .and_then(|s| s.get("volumes"))
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .any(|v| v.get("persistentVolumeClaim").is_some());
                if pvc {
                    cx.evaluate(subject);
                } else {
                    cx.report(
                        subject,
                        obj.file,
                        node.span,
                        format!(
                            "{} uses the Recreate strategy: every pod stops before new ones start",
                            obj.display()
                        ),
                    );
                }
                return;
            }
            _ => {}
        }
        let bounded = strategy
            .and_then(|s| s.get("rollingUpdate"))
            .is_some_and(|r| r.get("maxUnavailable").is_some() || r.get("maxSurge").is_some());
        if bounded {
            cx.evaluate(subject);
            return;
        }
        let span = obj
            .node
            .get("spec")
            .and_then(|s| key_span(s, "strategy"))
            .unwrap_or_else(|| obj.span());
        cx.report(
            subject,
            obj.file,
            span,
            format!(
                "{} sets no rollingUpdate maxUnavailable/maxSurge, so the implicit 25%/25% defaults apply",
                obj.display()
            ),
        );
    }
}
