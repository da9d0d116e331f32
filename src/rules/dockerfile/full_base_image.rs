//! The final stage is built on a full distro or language image where a slim variant exists.

use super::common::{Base, final_chain};
use crate::model::image::ImageRef;
use crate::model::{DockerfileUnit, Project};
use crate::rules::{Cx, Rule, dockerfile_subject};

pub struct DockerfileFullBaseImage;

/// Official images that publish a smaller variant (slim, alpine, jre...).
const FULL_IMAGES: &[&str] = &[
    "python",
    "node",
    "ruby",
    "golang",
    "openjdk",
    "eclipse-temurin",
    "php",
    "perl",
    "rust",
    "debian",
    "ubuntu",
    "centos",
    "fedora",
];

/// Tag words that mark a reduced variant.
const SMALL_VARIANTS: &[&str] = &[
    "slim",
    "alpine",
    "distroless",
    "jre",
    "minimal",
    "micro",
    "busybox",
    "chiseled",
];

impl Rule for DockerfileFullBaseImage {
    fn check_dockerfile(&self, unit: &DockerfileUnit, project: &Project, cx: &mut Cx<'_>) {
        let stages = unit.df.stages();
        let Some((chain, base)) = final_chain(&stages, &unit.df) else {
            return;
        };
        let subject = dockerfile_subject(project, unit);
        let image = match base {
            Base::Unknown => return,
            Base::Scratch => {
                cx.evaluate(subject);
                return;
            }
            Base::Image(image) => image,
        };
        let r = ImageRef::parse(&image);
        let name = r.repository.trim_start_matches("library/");
        // Unknown or third-party images: we cannot tell what a smaller variant would be.
        if !r.is_official() || !FULL_IMAGES.contains(&name) {
            if r.is_official() && matches!(name, "busybox" | "alpine") {
                cx.evaluate(subject);
            }
            return;
        }
        let tag = r.tag.as_deref().unwrap_or("latest").to_ascii_lowercase();
        if SMALL_VARIANTS.iter().any(|v| tag.contains(v)) {
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
                "final stage of `{}` runs on the full `{image}` image; a slim, alpine or distroless variant ships far fewer packages",
                project.path(unit.file)
            ),
        );
    }
}
