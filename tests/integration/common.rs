//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use shipshape::cli::{AuditArgs, ColorChoice, Format};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn audit_args(path: &Path, rules: &[&str]) -> AuditArgs {
    AuditArgs {
        path: path.to_path_buf(),
        format: vec![Format::Json],
        color: ColorChoice::Never,
        rules: rules.iter().map(|s| s.to_string()).collect(),
        // Fixtures are judged as written: a config file in the checkout must not change them.
        config: shipshape::cli::ConfigArgs {
            no_config: true,
            ..Default::default()
        },
        ..AuditArgs::default()
    }
}

pub fn audit(path: &Path, rules: &[&str]) -> shipshape::report::Report {
    shipshape::app::build_report(&audit_args(path, rules))
        .unwrap_or_else(|e| panic!("audit of {} failed: {e}", path.display()))
        .0
}
