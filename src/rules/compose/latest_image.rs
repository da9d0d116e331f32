//! A compose service runs an image that is untagged or `:latest`.

use super::common::{any_sets, views};
use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::parse::is_templated;
use crate::rules::dockerfile::common::ImageRef;
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeLatestImage;

impl Rule for ComposeLatestImage {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let Some(node) = service.get("image") else {
                continue;
            };
            let Some(image) = node.as_str() else {
                continue;
            };
            // With `build:` the image name is the tag the build produces, not a pull.
            if is_templated(image) || any_sets(&views(project, compose, service), "build") {
                continue;
            }
            let subject = compose_subject(project, compose, service);
            let r = ImageRef::parse(image);
            if !r.is_floating() {
                cx.evaluate(subject);
                continue;
            }
            let how = if r.tag.is_some() {
                "`:latest`"
            } else {
                "no tag"
            };
            cx.report(
                subject,
                compose.file,
                node.span,
                format!(
                    "service `{}` runs `{image}` with {how}, so each pull may start a different version",
                    service.name
                ),
            );
        }
    }
}
