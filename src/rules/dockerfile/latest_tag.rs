//! A `FROM` image that is untagged or `:latest` and not pinned by digest.

use super::common::{expand_from, is_stage_reference};
use crate::model::image::ImageRef;
use crate::model::{DockerfileUnit, Project};
use crate::rules::{Cx, Rule};

pub struct DockerfileLatestTag;

impl Rule for DockerfileLatestTag {
    fn check_dockerfile(&self, unit: &DockerfileUnit, project: &Project, cx: &mut Cx<'_>) {
        let stages = unit.df.stages();
        let path = project.path(unit.file);
        for stage in &stages {
            let Some(image) = expand_from(&unit.df, &stage.image) else {
                continue;
            };
            if image.is_empty()
                || image.eq_ignore_ascii_case("scratch")
                || is_stage_reference(&stages, stage.index, &image)
            {
                continue;
            }
            let subject = format!("{path}#from.{}", stage.index);
            if let Some(how) = ImageRef::parse(&image).floating_tag() {
                cx.report(
                    subject,
                    unit.file,
                    stage.image_span,
                    format!("base image `{image}` in `{path}` uses {how}, so rebuilds pick up whatever was pushed last"),
                );
            } else {
                cx.evaluate(subject);
            }
        }
    }
}
