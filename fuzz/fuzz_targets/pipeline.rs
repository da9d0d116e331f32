#![no_main]
//! The whole pipeline on a single file: the first input byte picks the file's name (and so its
//! kind) from `NAMES`, the rest is written as that file into a temporary repository, which is
//! audited (discover, parse, model, check, score) and then rendered in every report format.
//! Nothing may panic, whatever the file holds.
//!
//! `fuzz/seed.sh` reads `NAMES` from this file to prefix each seed with the byte that selects
//! its name: keep one quoted name per line.

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use shipshape::cli::{AuditArgs, ConfigArgs, Format};
use shipshape::report::{self, Options};

/// File names, chosen by `data[0] % NAMES.len()`.
const NAMES: &[&str] = &[
    "Dockerfile",
    "docker-compose.yml",
    "k8s/app.yaml",
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    "haproxy.cfg",
    "nginx.conf",
    "main.tf",
    "prometheus.yml",
    "alerts.rules.yml",
    "dashboard.json",
    "Chart.yaml",
    "kustomization.yaml",
    ".env",
    ".shipshape.yaml",
    "action.yml",
    ".github/dependabot.yml",
    ".pre-commit-config.yaml",
    "renovate.json",
    ".dockerignore",
    "terraform.tfvars",
    ".terraform.lock.hcl",
    "terragrunt.hcl",
    "template.json",
    "alertmanager.yml",
    "otel-collector.yaml",
    "app.conf",
    "Pulumi.yaml",
    "cdk.json",
    ".circleci/config.yml",
    "Jenkinsfile",
    "fluent-bit.conf",
];

/// Every report format.
const FORMATS: [Format; 7] = [
    Format::Terminal,
    Format::Json,
    Format::Sarif,
    Format::Junit,
    Format::Markdown,
    Format::Github,
    Format::Html,
];

// A new `Format` variant stops this from compiling until it is added to `FORMATS`.
const _: () = match Format::Terminal {
    Format::Terminal
    | Format::Json
    | Format::Sarif
    | Format::Junit
    | Format::Markdown
    | Format::Github
    | Format::Html => (),
};

/// One temporary folder per process; each input gets a fresh `repo/` inside it.
fn workdir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temporary folder"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, content)) = data.split_first() else {
        return;
    };
    let name = NAMES[first as usize % NAMES.len()];
    let root: PathBuf = workdir().path().join("repo");
    // Start clean, so that a crash replays from its input alone.
    let _ = std::fs::remove_dir_all(&root);
    let file = root.join(name);
    std::fs::create_dir_all(file.parent().expect("a parent")).expect("create folders");
    std::fs::write(&file, content).expect("write the input");

    let config = if name == ".shipshape.yaml" {
        // The input is the configuration itself: read it.
        ConfigArgs {
            config: Some(file.clone()),
            ..Default::default()
        }
    } else {
        ConfigArgs {
            no_config: true,
            ..Default::default()
        }
    };
    let args = AuditArgs {
        path: root,
        config,
        ..Default::default()
    };
    let Ok((report, _project)) = shipshape::audit::build_report(&args) else {
        return;
    };
    for format in FORMATS {
        let mut out = Vec::new();
        report::render(format, &report, &mut out, &Options::default()).expect("render to memory");
    }
    for compact in [false, true] {
        let options = Options {
            color: true,
            quiet: false,
            explain_score: true,
            compact,
        };
        report::render(Format::Terminal, &report, &mut Vec::new(), &options).expect("render");
        report::render(Format::Markdown, &report, &mut Vec::new(), &options).expect("render");
    }
});
