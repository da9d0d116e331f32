//! `COPY . .` without a `.dockerignore`: the whole folder, `.git` and `.env` included, goes in.

use crate::discover::split_dir;
use crate::kind::FileKind;
use crate::model::{DockerfileUnit, Project};
use crate::rules::{Cx, Rule, dockerfile_subject};

pub struct DockerfileMissingDockerignore;

/// A `.dockerignore` next to the Dockerfile (or `<name>.dockerignore`), or in a folder above
/// it, which is where the context usually is when the Dockerfile sits in a subfolder.
fn has_dockerignore(project: &Project, dockerfile_path: &str) -> bool {
    let (dir, name) = split_dir(dockerfile_path);
    let own = format!("{dir}{name}.dockerignore");
    project.files_of(FileKind::Dockerignore).any(|(_, f)| {
        let (ignore_dir, ignore_name) = split_dir(&f.path);
        f.path == own || (ignore_name == ".dockerignore" && dir.starts_with(ignore_dir))
    })
}

impl Rule for DockerfileMissingDockerignore {
    fn check_dockerfile(&self, unit: &DockerfileUnit, project: &Project, cx: &mut Cx<'_>) {
        let whole_context = unit.df.instructions.iter().find(|i| {
            matches!(i.keyword.as_str(), "COPY" | "ADD")
                && i.flag("from").is_none()
                && i.heredocs.is_empty()
                && i.words()
                    .split_last()
                    .is_some_and(|(_, sources)| sources.iter().any(|s| s == "." || s == "./"))
        });
        let Some(copy) = whole_context else {
            return;
        };
        let path = project.path(unit.file);
        let subject = dockerfile_subject(project, unit);
        if has_dockerignore(project, path) {
            cx.evaluate(subject);
            return;
        }
        cx.report(
            subject,
            unit.file,
            copy.keyword_span.join(copy.args_span),
            format!(
                "`{}` copies the whole build context but there is no .dockerignore, so `.git`, local `.env` files and build output go into the image",
                path
            ),
        );
    }
}
