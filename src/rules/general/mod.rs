//! Diagnostics about the input itself: files that do not parse, keys written twice.

use super::{Cx, Rule};
use crate::model::Project;
use crate::parse::span::Span;

pub struct ParseError;

impl Rule for ParseError {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for failure in &project.failures {
            let path = project.path(failure.file).to_string();
            cx.report(
                path,
                failure.file,
                Span::empty(failure.offset),
                failure.message.clone(),
            );
        }
        for unit in &project.dockerfiles {
            for issue in &unit.df.errors {
                cx.report(
                    project.path(unit.file).to_string(),
                    unit.file,
                    issue.span,
                    issue.message.clone(),
                );
            }
        }
    }
}

pub struct YamlDuplicateKey;

impl Rule for YamlDuplicateKey {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for (file, dup) in &project.duplicate_keys {
            if repeats_keys_by_design(project.path(*file)) {
                continue;
            }
            let related = cx.related(*file, dup.first, "first defined here");
            cx.report(
                project.path(*file).to_string(),
                *file,
                dup.span,
                format!(
                    "key `{}` is defined twice in the same mapping; the later value wins",
                    dup.key
                ),
            )
            .related
            .push(related);
        }
    }
}

/// Cirrus CI configurations (`.cirrus.yml`, and files such as `.cirrus.tasks.yml` merged into
/// it) repeat keys on purpose: each `task:` key is another task, each key under `matrix:`
/// another variant. Cirrus reads every copy, so none is lost.
fn repeats_keys_by_design(path: &str) -> bool {
    let name = crate::discover::split_dir(path).1.to_ascii_lowercase();
    name.starts_with(".cirrus.") && (name.ends_with(".yml") || name.ends_with(".yaml"))
}

/// Findings the pipeline itself makes after the rules ran: suppressions that matched nothing
/// (`suppress.rs`) and required categories with nothing to judge (`audit.rs`). Registered so the
/// catalog and the registry stay one list, and so `--rule` and the config can name them.
pub struct ReportedByPipeline;

impl Rule for ReportedByPipeline {}

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    ("parse-error", &ParseError),
    ("required-category-empty", &ReportedByPipeline),
    ("unused-suppression", &ReportedByPipeline),
    ("yaml-duplicate-key", &YamlDuplicateKey),
];
