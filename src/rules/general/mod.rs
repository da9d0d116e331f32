//! Diagnostics about the input itself: files that do not parse, keys written twice.

use super::{Cx, Rule};
use crate::model::Project;
use crate::parse::SourceFile;
use crate::parse::span::Span;
use crate::parse::yaml::DuplicateKey;

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
            if repeated_by_design(&project.files[*file], dup) {
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
/// it) repeat keys on purpose: each `task:` or `<name>_task:` key is another task, and repeated
/// `matrix:` keys and the keys inside a `matrix:` are variants. Cirrus reads every copy.
fn repeated_by_design(file: &SourceFile, dup: &DuplicateKey) -> bool {
    let name = crate::discover::split_dir(&file.path)
        .1
        .to_ascii_lowercase();
    if !(name.starts_with(".cirrus.") && (name.ends_with(".yml") || name.ends_with(".yaml"))) {
        return false;
    }
    let key = dup.key.as_str();
    key == "task"
        || key.ends_with("_task")
        || key == "matrix"
        || parent_key(&file.text, dup.span.start) == Some("matrix")
}

/// The key whose block mapping holds the key at `offset`: the nearest line above it that is
/// indented less than the key's column.
fn parent_key(text: &str, offset: usize) -> Option<&str> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = offset - line_start;
    before[..line_start]
        .lines()
        .rev()
        .map(|line| (line.len() - line.trim_start_matches(' ').len(), line.trim()))
        .find(|(indent, line)| *indent < column && !line.is_empty() && !line.starts_with('#'))
        .and_then(|(_, line)| line.trim_start_matches("- ").split_once(':'))
        .map(|(key, _)| key.trim().trim_matches(['"', '\'']))
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
