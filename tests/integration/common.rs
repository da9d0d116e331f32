//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use shipshape::cli::{AuditArgs, ColorChoice, Format};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn audit_args(path: &Path, rules: &[&str]) -> AuditArgs {
    AuditArgs {
        path: path.to_path_buf(),
        format: Format::Json,
        output: None,
        color: ColorChoice::Never,
        quiet: false,
        explain_score: false,
        list_files: false,
        fail_under: None,
        fail_on: None,
        rules: rules.iter().map(|s| s.to_string()).collect(),
        max_file_size: shipshape::discover::DEFAULT_MAX_FILE_SIZE,
    }
}

pub fn audit(path: &Path, rules: &[&str]) -> shipshape::report::Report {
    shipshape::app::build_report(&audit_args(path, rules))
        .unwrap_or_else(|e| panic!("audit of {} failed: {e}", path.display()))
        .0
}
