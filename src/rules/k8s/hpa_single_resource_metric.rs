//! HorizontalPodAutoscalers that scale on CPU alone or memory alone.

use super::autoscaling::{is_hpa, is_v1, metrics, metrics_span};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sHpaSingleResourceMetric;

impl Rule for K8sHpaSingleResourceMetric {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_hpa(obj) {
            return;
        }
        let Some(m) = metrics(obj) else {
            return;
        };
        let subject = k8s_subject(project, obj);
        let resource = match m.single_resource() {
            Some(r @ ("cpu" | "memory")) => r,
            _ => {
                cx.evaluate(subject);
                return;
            }
        };
        let message = if is_v1(obj) {
            format!(
                "{} uses autoscaling/v1, which scales on CPU utilization only",
                obj.display()
            )
        } else if m.defaulted {
            format!(
                "{} lists no metrics, so it scales on CPU only (the default 80% utilization target)",
                obj.display()
            )
        } else {
            format!(
                "{} scales on {} only",
                obj.display(),
                if resource == "cpu" { "CPU" } else { "memory" }
            )
        };
        cx.report(subject, obj.file, metrics_span(obj), message);
    }
}
