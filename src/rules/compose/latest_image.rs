//! A compose service runs an image that is untagged or `:latest`.

use super::common::{any_sets, views};
use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::model::image::ImageRef;
use crate::parse::is_templated;
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
            let Some(how) = ImageRef::parse(image).floating_tag() else {
                cx.evaluate(subject);
                continue;
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
