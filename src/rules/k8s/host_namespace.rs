//! Pods that share the host's network, PID or IPC namespace and so see the node's processes,
//! sockets or shared memory.

use super::common::key_span;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sHostNamespace;

impl Rule for K8sHostNamespace {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() {
            return;
        }
        let Some(spec) = obj.pod_spec() else {
            return;
        };
        let subject = k8s_subject(project, obj);
        let mut undecidable = false;
        let mut shared = Vec::new();
        for key in ["hostNetwork", "hostPID", "hostIPC"] {
            match spec.get(key).map(Node::as_bool) {
                Some(Some(true)) => shared.push(key),
                Some(None) => undecidable = true,
                _ => {}
            }
        }
        for key in &shared {
            let span = key_span(spec, key).unwrap_or_else(|| obj.span());
            cx.report(
                subject.clone(),
                obj.file,
                span,
                format!("{} sets {key}: true", obj.display()),
            );
        }
        if shared.is_empty() && !undecidable {
            cx.evaluate(subject);
        }
    }
}
