//! Secret manifests with real values committed to the repository: base64 is not encryption.

use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::is_templated;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sSecretCommitted;

impl Rule for K8sSecretCommitted {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is("Secret") || obj.api_version != "v1" {
            return;
        }
        let subject = k8s_subject(project, obj);
        for field in ["data", "stringData"] {
            let Some(map) = obj.node.get(field) else {
                continue;
            };
            for (key, key_node, value) in map.string_entries() {
                let Some(text) = value.as_str() else {
                    continue;
                };
                if text.trim().is_empty() || is_templated(text) {
                    continue;
                }
                let span = key_node.span;
                cx.report(
                    subject,
                    obj.file,
                    span,
                    format!(
                        "{} commits a literal value for `{key}` in `{field}`",
                        obj.display()
                    ),
                );
                return;
            }
        }
        cx.evaluate(subject);
    }
}
