//! Istio DestinationRules that never eject failing endpoints: no circuit breaking.

use super::autoscaling::spec_span;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sDestinationRuleNoOutlierDetection;

fn present(node: Option<&Node>) -> bool {
    node.is_some_and(|n| !n.is_null())
}

/// Whether a `trafficPolicy` ejects outliers, for all ports or some; `None` when templated.
fn policy_ejects(policy: Option<&Node>) -> Option<bool> {
    let Some(policy) = policy.filter(|p| !p.is_null()) else {
        return Some(false);
    };
    if !policy.is_map() {
        return None;
    }
    if present(policy.get("outlierDetection")) {
        return Some(true);
    }
    match policy.get("portLevelSettings") {
        Some(p) if !p.is_null() && p.as_seq().is_none() => None,
        Some(p) => Some(
            p.items()
                .iter()
                .any(|port| present(port.get("outlierDetection"))),
        ),
        None => Some(false),
    }
}

impl Rule for K8sDestinationRuleNoOutlierDetection {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if obj.kind != "DestinationRule" || !obj.api_version.starts_with("networking.istio.io/") {
            return;
        }
        let Some(spec) = obj.spec() else {
            return;
        };
        let host = spec.get("host").and_then(Node::as_str).unwrap_or("");
        // Wildcard hosts (`*.local`) set mesh-wide defaults, mostly mutual TLS.
        if host.starts_with('*') {
            return;
        }
        let subject = k8s_subject(project, obj);
        let mut ejects = match policy_ejects(spec.get("trafficPolicy")) {
            Some(e) => e,
            None => return,
        };
        match spec.get("subsets") {
            Some(s) if !s.is_null() && s.as_seq().is_none() => return,
            Some(s) => {
                for subset in s.items() {
                    match policy_ejects(subset.get("trafficPolicy")) {
                        Some(e) => ejects |= e,
                        None => return,
                    }
                }
            }
            None => {}
        }
        if ejects {
            cx.evaluate(subject);
            return;
        }
        cx.report(
            subject,
            obj.file,
            spec_span(obj),
            format!(
                "{} for `{host}` sets no outlierDetection: an endpoint that fails every request keeps receiving its share of traffic",
                obj.display()
            ),
        );
    }
}
