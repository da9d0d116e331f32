//! Containers without a memory limit: one leak can push the whole node into OOM kills.

use super::common::{all_containers, key_span, resources_undecidable};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule};

pub struct K8sMissingResourceLimits;

impl Rule for K8sMissingResourceLimits {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() {
            return;
        }
        let defaulted = project.limit_range_sets(&obj.namespace, &["default"]);
        for c in all_containers(obj) {
            let subject = c.subject(project, obj);
            if defaulted {
                cx.evaluate(subject);
                continue;
            }
            if resources_undecidable(&c, &["limits"]) {
                continue;
            }
            let resources = c.get(&["resources"]);
            let memory = c.get(&["resources", "limits", "memory"]);
            let cpu = c.get(&["resources", "limits", "cpu"]);
            if memory.is_some_and(|m| !m.is_null()) {
                cx.evaluate(subject);
                continue;
            }
            // CPU limits are debated (throttling); a missing memory limit is not.
            let what = if cpu.is_some_and(|n| !n.is_null()) {
                "no memory limit"
            } else {
                "no CPU or memory limit"
            };
            let span = resources
                .and_then(|r| key_span(r, "limits"))
                .or_else(|| key_span(c.node, "resources"))
                .unwrap_or_else(|| c.span());
            cx.report(
                subject,
                obj.file,
                span,
                format!("{} has {what}", c.describe(obj)),
            );
        }
    }
}
