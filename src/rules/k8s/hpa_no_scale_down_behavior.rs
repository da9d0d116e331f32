//! autoscaling/v2 HorizontalPodAutoscalers that leave scale-down to the defaults.

use super::autoscaling::{is_hpa, spec_span};
use super::common::key_span;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sHpaNoScaleDownBehavior;

impl Rule for K8sHpaNoScaleDownBehavior {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        // `behavior` exists from autoscaling/v2beta2 on; v1 and v2beta1 cannot express it.
        if !is_hpa(obj)
            || !matches!(
                obj.api_version.as_str(),
                "autoscaling/v2" | "autoscaling/v2beta2"
            )
        {
            return;
        }
        let behavior = obj.node.path(&["spec", "behavior"]);
        let span = match behavior {
            Some(b) if b.is_map() => match b.get("scaleDown") {
                Some(s) if s.is_null() => key_span(b, "scaleDown").unwrap_or(b.span),
                // A mapping is a policy; anything else is templated.
                Some(s) => {
                    if s.is_map() {
                        cx.evaluate(k8s_subject(project, obj));
                    }
                    return;
                }
                // Reported at the `behavior:` key when it only tunes scale-up.
                None => obj
                    .spec()
                    .and_then(|spec| key_span(spec, "behavior"))
                    .unwrap_or_else(|| spec_span(obj)),
            },
            Some(b) if !b.is_null() => return,
            _ => spec_span(obj),
        };
        cx.report(
            k8s_subject(project, obj),
            obj.file,
            span,
            format!(
                "{} sets no behavior.scaleDown: after the default 5-minute window it may remove every surplus pod at once",
                obj.display()
            ),
        );
    }
}
