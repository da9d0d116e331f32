//! Images without a tag or with `:latest`: what runs changes with every pull and rollbacks
//! cannot restore the previous version.

use super::common::{all_containers, kustomize_sets_image};
use crate::model::Project;
use crate::model::image::ImageRef;
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
            let r = ImageRef::parse(image);
            // A kustomization's `images:` entry replaces the tag at build time.
            let what = match r.floating_tag() {
                Some(_) if kustomize_sets_image(project, &r.name) => None,
                Some(_) if r.tag.is_some() => Some("the `latest` tag"),
                Some(_) => Some("no tag (so `latest`)"),
                None => None,
            };
            let Some(what) = what else {
                cx.evaluate(subject);
                continue;
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
