//! `ENV` or `ARG` bakes a literal secret into the image.

use crate::model::{DockerfileUnit, Project};
use crate::rules::values::{is_literal_secret_value, is_secret_name};
use crate::rules::{Cx, Rule, dockerfile_subject};

pub struct DockerfileSecretInEnv;

impl Rule for DockerfileSecretInEnv {
    fn check_dockerfile(&self, unit: &DockerfileUnit, project: &Project, cx: &mut Cx<'_>) {
        let subject = dockerfile_subject(project, unit);
        cx.evaluate(subject.clone());
        for instruction in &unit.df.instructions {
            if instruction.keyword != "ENV" && instruction.keyword != "ARG" {
                continue;
            }
            for kv in instruction.key_values() {
                let Some(value) = kv.value.as_deref() else {
                    continue;
                };
                if !is_secret_name(&kv.key) || !is_literal_secret_value(value) {
                    continue;
                }
                let how = if instruction.keyword == "ENV" {
                    "is readable by anyone who can pull the image"
                } else {
                    "stays in the image history"
                };
                cx.report(
                    subject.clone(),
                    unit.file,
                    kv.span,
                    format!(
                        "{} `{}` in `{}` holds a literal secret that {how}",
                        instruction.keyword,
                        kv.key,
                        project.path(unit.file)
                    ),
                );
            }
        }
    }
}
