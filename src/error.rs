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
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<crate::config::ConfigError>),
    #[error("cannot read the configuration file `{path}`: {source}")]
    #[diagnostic(
        code(shipshape::config),
        help("give an existing file with --config, or --no-config to use the defaults")
    )]
    ConfigRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{message}")]
    #[diagnostic(code(shipshape::usage))]
    Usage {
        message: String,
        #[help]
        help: Option<String>,
    },
    #[error("writing the report failed: {0}")]
    Io(#[from] std::io::Error),
}

impl AppError {
    pub fn unknown_rule(id: &str) -> AppError {
        let suggestion = did_you_mean(id)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        AppError::UnknownRule(id.to_string(), suggestion)
    }

    pub fn usage(message: impl Into<String>, help: Option<&str>) -> AppError {
        AppError::Usage {
            message: message.into(),
            help: help.map(String::from),
        }
    }
}

/// The catalog rule id closest to a mistyped one.
pub fn did_you_mean(id: &str) -> Option<&'static str> {
    let ids = || crate::catalog::catalog().iter().map(|m| m.id.as_str());
    ids()
        .map(|known| (crate::config::edit_distance(known, id), known))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, known)| known)
        .or_else(|| ids().find(|known| similar(known, id)))
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
