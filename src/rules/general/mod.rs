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
