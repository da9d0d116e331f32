//! Critical workloads (StatefulSets, pods with a priority class) outside the Guaranteed QoS
//! class: under node pressure they are evicted before Guaranteed pods.

use super::common::{all_containers, key_span, parse_quantity};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sQosNotGuaranteed;

enum Verdict {
    Guaranteed,
    Not(String),
    Unknown,
}

fn quantity(node: Option<&Node>) -> Result<Option<f64>, ()> {
    match node {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(n) => {
            let text = n.as_str().ok_or(())?;
            if is_templated(text) {
                return Err(());
            }
            parse_quantity(text).map(Some).ok_or(())
        }
    }
}

fn container_verdict(c: &super::common::Container<'_>) -> Verdict {
    for res in ["cpu", "memory"] {
        let limit = quantity(c.get(&["resources", "limits", res]));
        let request = quantity(c.get(&["resources", "requests", res]));
        let (Ok(limit), Ok(request)) = (limit, request) else {
            return Verdict::Unknown;
        };
        let name = if res == "cpu" { "CPU" } else { "memory" };
        match (limit, request) {
            (None, _) => return Verdict::Not(format!("no {name} limit")),
            (Some(l), Some(r)) if (l - r).abs() > l.abs() * 1e-9 => {
                return Verdict::Not(format!("a {name} request below its limit"));
            }
            _ => {}
        }
    }
    Verdict::Guaranteed
}

impl Rule for K8sQosNotGuaranteed {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() {
            return;
        }
        let priority = obj
            .pod_spec()
            .and_then(|s| s.get("priorityClassName"))
            .and_then(Node::as_str);
        if priority.is_some_and(is_templated) {
            return;
        }
        // Low-priority classes explicitly opt out of protection.
        let critical_priority = priority.is_some_and(|p| !p.to_ascii_lowercase().contains("low"));
        if !(obj.is("StatefulSet") || critical_priority) {
            return;
        }
        // A LimitRange may inject requests and limits we cannot see.
        if project.has_limit_range(&obj.namespace) {
            return;
        }
        let containers = all_containers(obj);
        if containers.is_empty() {
            return;
        }
        let subject = k8s_subject(project, obj);
        let mut first_failure = None;
        for c in &containers {
            match container_verdict(c) {
                Verdict::Unknown => return,
                Verdict::Not(why) if first_failure.is_none() => first_failure = Some((c, why)),
                _ => {}
            }
        }
        let Some((c, why)) = first_failure else {
            cx.evaluate(subject);
            return;
        };
        let span = key_span(c.node, "resources").unwrap_or_else(|| c.span());
        let why_critical = if obj.is("StatefulSet") {
            String::new()
        } else {
            format!(" (priority class `{}`)", priority.unwrap_or_default())
        };
        let which = if c.init {
            "init container"
        } else {
            "container"
        };
        cx.report(
            subject,
            obj.file,
            span,
            format!(
                "{}{why_critical} is not in the Guaranteed QoS class: {which} `{}` has {why}",
                obj.display(),
                c.name
            ),
        );
    }
}
