//! Workloads whose configuration is hard-coded in env values instead of a ConfigMap: every
//! change needs a new manifest and environments drift apart.

use super::common::all_containers;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sConfigNotExternalized;

/// Below this many literal values, inline env is a reasonable choice.
const THRESHOLD: usize = 3;

impl Rule for K8sConfigNotExternalized {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() || obj.pod_spec().is_none() {
            return;
        }
        let subject = k8s_subject(project, obj);
        if obj.config_refs().iter().any(|r| r.kind == "ConfigMap") {
            cx.evaluate(subject);
            return;
        }
        let literals = all_containers(obj)
            .iter()
            .flat_map(|c| c.get(&["env"]).map(Node::items).unwrap_or(&[]))
            .filter(|e| {
                e.get("value")
                    .and_then(Node::as_str)
                    .is_some_and(|v| !is_templated(v))
            })
            .count();
        if literals < THRESHOLD {
            cx.evaluate(subject);
            return;
        }
        cx.report(
            subject,
            obj.file,
            obj.span(),
            format!(
                "{} hard-codes {literals} environment values and uses no ConfigMap",
                obj.display()
            ),
        );
    }
}
