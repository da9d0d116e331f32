//! Parsers for each input kind. Every parser keeps byte spans and never panics on input.

pub mod dockerfile;
pub mod haproxy;
pub mod hcl_guard;
pub mod nginx;
pub mod span;
pub mod template;
pub mod yaml;
pub mod yaml_input;

use std::sync::Arc;

use crate::kind::FileKind;
use span::LineIndex;

/// Index of a file in `Project::files`.
pub type FileId = usize;

/// One file as read: its text stays for snippets and suppression comments.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub kind: FileKind,
    /// Shared, so reports can show snippets without copying files.
    pub text: Arc<str>,
    pub lines: LineIndex,
}

/// One word of a line-oriented config (HAProxy, nginx): unquoted, unescaped text, with `$VAR`
/// and `${VAR}` kept as written; `span` covers the word as written, quotes included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: span::Span,
}

/// A problem a hand-written parser recovered from; the first one becomes the file's
/// located `parse-error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIssue {
    pub message: String,
    pub span: span::Span,
}

/// A file the parser for its kind rejected; it becomes a `parse-error` finding.
#[derive(Debug, Clone)]
pub struct ParseFailure {
    pub file: FileId,
    pub message: String,
    pub offset: usize,
}

/// True when a value is filled in at deploy time (template, variable, command substitution):
/// rules then cannot know it and stay silent.
pub fn is_templated(value: &str) -> bool {
    value.contains("{{") || value.contains("${") || value.contains("$(") || value.starts_with('$')
}
