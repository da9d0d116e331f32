//! The final stage's base image is referenced by tag only, not by `@sha256:` digest.

use super::common::{Base, final_chain};
use crate::model::image::ImageRef;
use crate::model::{DockerfileUnit, Project};
use crate::rules::{Cx, Rule, dockerfile_subject};

pub struct DockerfileImageNotDigestPinned;

impl Rule for DockerfileImageNotDigestPinned {
    fn check_dockerfile(&self, unit: &DockerfileUnit, project: &Project, cx: &mut Cx<'_>) {
        let stages = unit.df.stages();
        let Some((chain, Base::Image(image))) = final_chain(&stages, &unit.df) else {
            return;
        };
        let subject = dockerfile_subject(project, unit);
        if ImageRef::parse(&image).is_digest_pinned() {
            cx.evaluate(subject);
            return;
        }
        let root = chain
            .last()
            .expect("a chain holds at least the final stage");
        cx.report(
            subject,
            unit.file,
            root.image_span,
            format!(
                "final base image `{image}` of `{}` is not pinned by digest, so the same tag can resolve to different content",
                project.path(unit.file)
            ),
        );
    }
}
