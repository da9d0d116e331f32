//! Images without a tag or with `:latest`: what runs changes with every pull and rollbacks
//! cannot restore the previous version.

use super::common::{all_containers, kustomize_sets_image, parse_image};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::is_templated;
use crate::rules::{Cx, Rule};

pub struct K8sLatestImageTag;

impl Rule for K8sLatestImageTag {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() {
            return;
        }
        for c in all_containers(obj) {
            let Some(node) = c.get(&["image"]) else {
                continue;
            };
            let Some(image) = node.as_str() else {
                continue;
            };
            if is_templated(image) {
                continue;
            }
            let subject = c.subject(project, obj);
            let r = parse_image(image);
            let floating = r.digest.is_none() && r.tag.is_none_or(|t| t == "latest");
            // A kustomization's `images:` entry replaces the tag at build time.
            if !floating || kustomize_sets_image(project, r.repository) {
                cx.evaluate(subject);
                continue;
            }
            let what = match r.tag {
                Some(_) => "the `latest` tag".to_string(),
                None => "no tag (so `latest`)".to_string(),
            };
            cx.report(
                subject,
                obj.file,
                node.span,
                format!("{} uses image `{image}` with {what}", c.describe(obj)),
            );
        }
    }
}
