//! Secrets written as literal environment values in a manifest: they end up in Git, in
//! `kubectl describe` output and in every copy of the manifest.

use super::common::all_containers;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::values::{has_url_password, is_literal_secret_value, is_secret_name};
use crate::rules::{Cx, Rule};

pub struct K8sSecretInEnv;

impl Rule for K8sSecretInEnv {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() {
            return;
        }
        for c in all_containers(obj) {
            let subject = c.subject(project, obj);
            cx.evaluate(subject.clone());
            for var in c.get(&["env"]).map(Node::items).unwrap_or(&[]) {
                let Some(name) = var.get("name").and_then(Node::as_str) else {
                    continue;
                };
                let Some(node) = var.get("value") else {
                    continue;
                };
                let Some(value) = node.as_str() else {
                    continue;
                };
                let message = if is_secret_name(name) && is_literal_secret_value(value) {
                    format!("{} sets `{name}` to a literal value", c.describe(obj))
                } else if has_url_password(value) {
                    format!(
                        "{} sets `{name}` to a URL with a literal password",
                        c.describe(obj)
                    )
                } else {
                    continue;
                };
                cx.report(subject.clone(), obj.file, node.span, message);
            }
        }
    }
}
