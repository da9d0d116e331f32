//! Containers without CPU and memory requests: the scheduler packs them blindly and they are
//! the first evicted under pressure.

use super::common::{all_containers, key_span, resources_undecidable};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule};

pub struct K8sMissingResourceRequests;

impl Rule for K8sMissingResourceRequests {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() {
            return;
        }
        let defaulted = project.limit_range_sets(&obj.namespace, &["defaultRequest", "default"]);
        for c in all_containers(obj) {
            let subject = c.subject(project, obj);
            if defaulted {
                cx.evaluate(subject);
                continue;
            }
            if resources_undecidable(&c, &["requests", "limits"]) {
                continue;
            }
            let resources = c.get(&["resources"]);
            // A limit without a request makes Kubernetes use the limit as the request.
            let has = |res: &str| {
                ["requests", "limits"]
                    .iter()
                    .any(|k| c.get(&["resources", k, res]).is_some_and(|n| !n.is_null()))
            };
            let missing: Vec<&str> = ["cpu", "memory"].into_iter().filter(|r| !has(r)).collect();
            if missing.is_empty() {
                cx.evaluate(subject);
                continue;
            }
            let what = if missing.len() == 2 {
                "no CPU or memory request".to_string()
            } else {
                let name = if missing[0] == "cpu" { "CPU" } else { "memory" };
                format!("no {name} request")
            };
            let span = resources
                .and_then(|r| key_span(r, "requests"))
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
