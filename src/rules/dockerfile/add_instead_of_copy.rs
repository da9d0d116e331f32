//! `ADD` used for plain local files, where `COPY` says exactly what happens.

use crate::model::{DockerfileUnit, Project};
use crate::parse::is_templated;
use crate::rules::{Cx, Rule, dockerfile_subject};

pub struct DockerfileAddInsteadOfCopy;

fn is_remote(source: &str) -> bool {
    source.contains("://") || source.starts_with("git@")
}

/// ADD unpacks local tar archives, which COPY cannot do.
fn is_archive(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    s.contains(".tar")
        || [
            ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".gz", ".bz2", ".xz", ".zst",
        ]
        .iter()
        .any(|ext| s.ends_with(ext))
}

impl Rule for DockerfileAddInsteadOfCopy {
    fn check_dockerfile(&self, unit: &DockerfileUnit, project: &Project, cx: &mut Cx<'_>) {
        let subject = dockerfile_subject(project, unit);
        cx.evaluate(subject.clone());
        for add in unit.df.instructions.iter().filter(|i| i.keyword == "ADD") {
            // Heredoc sources and URL-only flags are not local copies.
            if !add.heredocs.is_empty()
                || add.flag("checksum").is_some()
                || add.flag("keep-git-dir").is_some()
            {
                continue;
            }
            let words = add.words();
            let Some((_, sources)) = words.split_last() else {
                continue;
            };
            if sources.is_empty()
                || sources
                    .iter()
                    .any(|s| is_remote(s) || is_archive(s) || is_templated(s))
            {
                continue;
            }
            cx.report(
                subject.clone(),
                unit.file,
                add.keyword_span,
                format!(
                    "`ADD {}` in `{}` copies local files; use COPY, which never fetches URLs or unpacks archives",
                    sources.join(" "),
                    project.path(unit.file)
                ),
            );
        }
    }
}
