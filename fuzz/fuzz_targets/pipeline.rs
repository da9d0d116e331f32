#![no_main]
//! The whole pipeline on a single file: the first input byte picks the file's name (and so its
//! kind) from `NAMES`, the rest is written as that file into a temporary repository, which is
//! audited (discover, parse, model, check, score) and then rendered: always as JSON, and in one
//! more format or option set of `RENDERS`, picked by a hash of the whole input. Nothing may
//! panic, whatever the file holds.
//!
//! Rendering every format for every input spent 95% of the target's time in renderers (three
//! terminal renders alone 54%), so the audit, where most of the code is, ran at a twelfth of
//! the speed it could. Hashing the input spreads the saved inputs across the renders, and a
//! mutation of an input usually moves it to another render, so every renderer still sees every
//! kind of report.
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

/// The renders besides JSON, one chosen per input: every format, and the terminal and Markdown
/// reports also with colour, `--explain-score` and `--compact`.
const RENDERS: &[(Format, Options)] = &[
    (Format::Terminal, PLAIN),
    (Format::Terminal, RICH),
    (Format::Terminal, RICH_COMPACT),
    (Format::Sarif, PLAIN),
    (Format::Junit, PLAIN),
    (Format::Markdown, PLAIN),
    (Format::Markdown, RICH_COMPACT),
    (Format::Github, PLAIN),
    (Format::Html, PLAIN),
];

const PLAIN: Options = Options {
    color: false,
    quiet: false,
    explain_score: false,
    compact: false,
};
const RICH: Options = Options {
    color: true,
    quiet: false,
    explain_score: true,
    compact: false,
};
const RICH_COMPACT: Options = Options {
    compact: true,
    ..RICH
};

// A new `Format` variant stops this from compiling until it is added to `RENDERS`.
const _: () = match Format::Terminal {
    Format::Terminal
    | Format::Json
    | Format::Sarif
    | Format::Junit
    | Format::Markdown
    | Format::Github
    | Format::Html => (),
};

/// FNV-1a: cheap, and any change to the input changes it.
fn input_hash(input: &[u8]) -> u64 {
    input.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

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
    report::render(Format::Json, &report, &mut Vec::new(), &PLAIN).expect("render to memory");
    let (format, options) = &RENDERS[(input_hash(data) % RENDERS.len() as u64) as usize];
    report::render(*format, &report, &mut Vec::new(), options).expect("render to memory");
});
