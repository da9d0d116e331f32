//! User-facing errors: each maps to exit code 2 with a clear message.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum AppError {
    #[error("cannot audit `{path}`: {source}")]
    #[diagnostic(code(shipshape::path), help("give the path of a folder to audit"))]
    Path {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{0}` is not a folder")]
    #[diagnostic(
        code(shipshape::path),
        help("shipshape audits a whole repository: give its folder")
    )]
    NotADirectory(PathBuf),
    #[error("cannot write the report to `{path}`: {source}")]
    #[diagnostic(code(shipshape::output))]
    Output {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("unknown rule `{0}`")]
    #[diagnostic(
        code(shipshape::rule),
        help("`shipshape rules` lists every rule id{1}")
    )]
    UnknownRule(String, String),
    #[error("writing the report failed: {0}")]
    Io(#[from] std::io::Error),
}

impl AppError {
    pub fn unknown_rule(id: &str) -> AppError {
        let suggestion = crate::catalog::catalog()
            .iter()
            .map(|m| m.id.as_str())
            .filter(|known| similar(known, id))
            .map(|s| format!("; did you mean `{s}`?"))
            .next()
            .unwrap_or_default();
        AppError::UnknownRule(id.to_string(), suggestion)
    }
}

/// A cheap "did you mean": shares a long prefix or differs only in the rule's kind prefix.
fn similar(known: &str, typed: &str) -> bool {
    let common = known
        .chars()
        .zip(typed.chars())
        .take_while(|(a, b)| a == b)
        .count();
    common >= 8
        || known.split_once('-').map(|(_, rest)| rest) == typed.split_once('-').map(|(_, r)| r)
}
