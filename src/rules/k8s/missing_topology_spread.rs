//! Replicated workloads whose pods may all be scheduled onto one node or zone.

use super::common::{is_service_workload, key_span, scaled_to_zero};
use crate::model::Project;
use crate::model::k8s::{K8sObject, Replicas};
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sMissingTopologySpread;

fn set(node: Option<&Node>) -> bool {
    node.is_some_and(|n| !n.is_null() && n.as_seq().is_none_or(|items| !items.is_empty()))
}

impl Rule for K8sMissingTopologySpread {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_service_workload(obj) || scaled_to_zero(obj) {
            return;
        }
        let hpa = project.hpas_for(obj).next();
        let runs = match (obj.replicas(), hpa) {
            (_, Some(hpa)) => format!(
                "is scaled by HorizontalPodAutoscaler `{}` across several pods",
                hpa.name
            ),
            (Replicas::Count(n), None) if n >= 2 => format!("runs {n} replicas"),
            _ => return,
        };
        let Some(spec) = obj.pod_spec() else {
            return;
        };
        let subject = k8s_subject(project, obj);
        if set(spec.get("topologySpreadConstraints")) {
            cx.evaluate(subject);
            return;
        }
        match spec.get("affinity") {
            Some(a) if !a.is_map() && !a.is_null() => return,
            Some(a) if set(a.get("podAntiAffinity")) => {
                cx.evaluate(subject);
                return;
            }
            _ => {}
        }
        // Reported at the pod template's `spec:` key, where the constraints go.
        let span = obj
            .pod_template()
            .and_then(|t| key_span(t, "spec"))
            .unwrap_or_else(|| obj.span());
        cx.report(
            subject,
            obj.file,
            span,
            format!(
                "{} {runs} but sets no topologySpreadConstraints or pod anti-affinity: the scheduler may put them all on one node or in one zone",
                obj.display()
            ),
        );
    }
}
