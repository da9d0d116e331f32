//! PodDisruptionBudgets that allow no voluntary eviction: node drains and cluster upgrades hang.

use crate::model::Project;
use crate::model::k8s::{K8sObject, Replicas, Selector};
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sPdbBlocksEviction;

/// `0`, `"0"` or `"0%"`.
fn is_zero(node: &Node) -> bool {
    node.as_i64() == Some(0)
        || node
            .as_str()
            .is_some_and(|s| matches!(s.trim(), "0" | "0%"))
}

impl Rule for K8sPdbBlocksEviction {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is("PodDisruptionBudget") {
            return;
        }
        let subject = k8s_subject(project, obj);
        let spec = obj.spec();
        if let Some(max) = spec.and_then(|s| s.get("maxUnavailable")) {
            if max.as_str().is_none_or(is_templated) {
                return;
            }
            if is_zero(max) {
                cx.report(
                    subject,
                    obj.file,
                    max.span,
                    format!(
                        "{} sets maxUnavailable: 0, so no pod can ever be evicted",
                        obj.display()
                    ),
                );
            } else {
                cx.evaluate(subject);
            }
            return;
        }
        let Some(min) = spec.and_then(|s| s.get("minAvailable")) else {
            return;
        };
        let Some(text) = min.as_str() else {
            return;
        };
        if is_templated(text) {
            return;
        }
        if text.trim() == "100%" {
            cx.report(
                subject,
                obj.file,
                min.span,
                format!(
                    "{} sets minAvailable: 100%, so no pod can ever be evicted",
                    obj.display()
                ),
            );
            return;
        }
        if text.ends_with('%') {
            cx.evaluate(subject);
            return;
        }
        let Some(wanted) = min.as_i64() else {
            return;
        };
        let Some(selector_node) = spec.and_then(|s| s.get("selector")) else {
            return;
        };
        let selector = Selector::from_label_selector(selector_node);
        if selector.templated {
            return;
        }
        // The budget counts every pod it selects, across workloads.
        let mut total = 0;
        let mut selected = Vec::new();
        for w in project
            .workloads_selected_by(&obj.namespace, &selector)
            .into_iter()
            .filter(|w| !w.is("Job") && !w.is("CronJob"))
        {
            // An autoscaler may run more pods than `replicas`: we cannot tell the count.
            if project.hpas_for(w).next().is_some() {
                return;
            }
            total += match (w.kind.as_str(), w.replicas()) {
                ("DaemonSet", _) => return,
                ("Pod", _) => 1,
                (_, Replicas::Default) => 1,
                (_, Replicas::Count(n)) => n,
                (_, Replicas::Unknown) => return,
            };
            selected.push(w);
        }
        if selected.is_empty() {
            return;
        }
        if wanted < total {
            cx.evaluate(subject);
            return;
        }
        let related: Vec<_> = selected
            .iter()
            .map(|w| {
                let span = w
                    .node
                    .path(&["spec", "replicas"])
                    .map_or_else(|| w.span(), |n| n.span);
                cx.related(w.file, span, format!("{} replicas", w.display()))
            })
            .collect();
        let finding = cx.report(
            subject,
            obj.file,
            min.span,
            format!(
                "{} requires {wanted} available pods but selects only {total}, so no pod can be evicted",
                obj.display()
            ),
        );
        finding.related.extend(related);
    }
}
