//! Containers that keep the runtime's default Linux capabilities (NET_RAW, CHOWN, SETUID...).

use super::common::{all_containers, is_windows, key_span};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule};

pub struct K8sCapabilitiesNotDropped;

impl Rule for K8sCapabilitiesNotDropped {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() || is_windows(obj) {
            return;
        }
        for c in all_containers(obj) {
            // A privileged container has every capability regardless; another rule covers it.
            if c.is_privileged() {
                continue;
            }
            let subject = c.subject(project, obj);
            let caps = c.get(&["securityContext", "capabilities"]);
            let drop = caps.and_then(|n| n.get("drop"));
            if drop.is_some_and(|d| !d.is_null() && d.as_seq().is_none()) {
                continue;
            }
            let items = drop.map(Node::items).unwrap_or(&[]);
            if items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.eq_ignore_ascii_case("all")))
            {
                cx.evaluate(subject);
                continue;
            }
            if items.iter().any(|i| i.as_str().is_none_or(is_templated)) {
                continue;
            }
            let span = caps
                .and_then(|n| key_span(n, "drop"))
                .or_else(|| {
                    c.get(&["securityContext"])
                        .and_then(|s| key_span(s, "capabilities"))
                })
                .unwrap_or_else(|| c.span());
            cx.report(
                subject,
                obj.file,
                span,
                format!("{} does not drop ALL capabilities", c.describe(obj)),
            );
        }
    }
}
