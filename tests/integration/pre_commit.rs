//! The pre-commit hook (`.pre-commit-hooks.yaml`), run by the real `pre-commit` program with
//! `pre-commit try-repo` on a throwaway git repository: a bad Dockerfile is blocked, a good one
//! passes.
//!
//! The test skips when `pre-commit` is not installed (`pip install pre-commit`), unless
//! `SHIPSHAPE_REQUIRE_PRECOMMIT=1` is set, as CI should. pre-commit installs the hook with
//! `cargo install` (`language: rust`) into a fresh temporary store on every `try-repo`; a
//! cheaper release profile and a target folder under `target/tmp/pre-commit` that survives
//! between runs keep that to one build of the dependencies (minutes), then a rebuild of the
//! shipshape crate alone for each `try-repo` (about a minute each on two cores).
//!
//! `try-repo` reads the repository at HEAD plus uncommitted changes to tracked files, so files
//! not yet added to git would be missing. The hook is therefore tried from a commit of the
//! checkout as it is on disk: its tracked and untracked (not ignored) files, copied to a
//! temporary repository.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use shipshape::finding::Severity;

/// The bad Dockerfile: a `latest` base image, no USER, an unpinned install.
const BAD_DOCKERFILE: &str = "FROM ubuntu:latest\nRUN apt-get install curl\n";

/// A Dockerfile with no finding of severity low or worse (in the repository below).
const GOOD_DOCKERFILE: &str = r#"# syntax=docker/dockerfile:1
FROM python:3.12-slim@sha256:2b0079146a74e23bf4ae8f6a28e1b484c6292f6fb904cbb51825b4a19812fcd8
WORKDIR /app
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app app
COPY --chown=app:app app.py .
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
CMD ["python", "app.py"]
"#;

/// Context the Dockerfile is judged against: a pipeline that tests, builds and scans the image,
/// and a compose file that runs it. Without them the project-wide findings (no CI, image never
/// scanned, no deployment code) are reported on the Dockerfile.
const CONTEXT: &[(&str, &str)] = &[
    (".dockerignore", ".git\n*.md\n"),
    ("app.py", "print('hello')\n"),
    (
        "compose.yaml",
        "services:\n  app:\n    build: .\n    image: ghcr.io/example/app:1.0.0\n    ports:\n      - \"8000:8000\"\n",
    ),
    (
        ".github/workflows/ci.yml",
        r#"name: ci
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: python -m pytest
      - run: docker build -t app:${{ github.sha }} .
      - uses: aquasecurity/trivy-action@18f2510ee396bbf400402947b394f2dd8c87dbb0 # 0.29.0
        with:
          image-ref: app:${{ github.sha }}
          exit-code: "1"
          severity: CRITICAL,HIGH
"#,
    ),
];

fn pre_commit_installed() -> bool {
    let found = Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("SHIPSHAPE_REQUIRE_PRECOMMIT").is_some_and(|v| v == "1") {
        panic!("pre-commit is not installed, and SHIPSHAPE_REQUIRE_PRECOMMIT=1 is set");
    }
    if !found {
        eprintln!("skipping: pre-commit is not installed (pip install pre-commit)");
    }
    found
}

/// A git command isolated from the user's and the system's configuration, and from any
/// repository named by the environment (as when the tests run from a git hook).
fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "shipshape test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "shipshape test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .stdin(Stdio::null());
    for name in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
    ] {
        command.env_remove(name);
    }
    command
}

fn run_git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = git(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn new_repository(dir: &Path) {
    run_git(dir, &["init", "-q", "-b", "main"]);
    run_git(dir, &["config", "commit.gpgsign", "false"]);
}

fn commit_all(dir: &Path, message: &str) {
    run_git(dir, &["add", "-A"]);
    run_git(dir, &["commit", "-q", "--no-verify", "-m", message]);
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Commits the shipshape checkout as it is on disk (tracked and untracked files that git does
/// not ignore) into a new repository at `dest`. `None` when the checkout is not a git
/// repository.
fn commit_of_checkout(dest: &Path) -> Option<PathBuf> {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let listing = git(&source)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    for relative in listing.stdout.split(|&b| b == 0).filter(|p| !p.is_empty()) {
        let relative = Path::new(std::str::from_utf8(relative).expect("UTF-8 paths"));
        let from = source.join(relative);
        let to = dest.join(relative);
        // A tracked file deleted from the working tree, or a symbolic link: not needed to build.
        match fs::symlink_metadata(&from) {
            Ok(meta) if meta.is_file() => {}
            _ => continue,
        }
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    }
    assert!(
        dest.join(".pre-commit-hooks.yaml").is_file(),
        "the checkout has no .pre-commit-hooks.yaml"
    );
    new_repository(dest);
    commit_all(dest, "shipshape as on disk");
    Some(dest.to_path_buf())
}

/// Runs `pre-commit try-repo <shipshape> shipshape --files <files>` in `repo`.
fn try_repo(shipshape: &Path, repo: &Path, files: &[&str]) -> Output {
    let cache = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let started = Instant::now();
    let mut command = Command::new("pre-commit");
    command
        .current_dir(repo)
        .arg("try-repo")
        .arg(shipshape)
        .args(["shipshape", "--color", "never", "--verbose", "--files"])
        .args(files)
        // `cargo install` of the hook: reuse the build between runs, and build it fast.
        .env("CARGO_TARGET_DIR", cache.join("pre-commit"))
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
        // try-repo installs into a temporary store of its own whatever PRE_COMMIT_HOME says;
        // setting it keeps pre-commit's log and any other state out of the user's cache.
        .env("PRE_COMMIT_HOME", cache.join("pre-commit-home"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for name in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
    ] {
        command.env_remove(name);
    }
    let out = command.output().expect("pre-commit runs");
    eprintln!(
        "pre-commit try-repo --files {files:?}: {:?} in {:.1} s",
        out.status.code(),
        started.elapsed().as_secs_f64()
    );
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn pre_commit_blocks_a_bad_dockerfile_and_passes_a_good_one() {
    if !pre_commit_installed() {
        return;
    }
    let source = tempfile::tempdir().unwrap();
    let Some(shipshape) = commit_of_checkout(source.path()) else {
        if std::env::var_os("SHIPSHAPE_REQUIRE_PRECOMMIT").is_some_and(|v| v == "1") {
            panic!("{} is not a git checkout", env!("CARGO_MANIFEST_DIR"));
        }
        eprintln!("skipping: the shipshape sources are not a git checkout");
        return;
    };

    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    new_repository(dir);
    for (path, content) in CONTEXT {
        write(dir, path, content);
    }
    commit_all(dir, "context");

    // A bad Dockerfile, staged: the hook fails and names the rules.
    write(dir, "Dockerfile", BAD_DOCKERFILE);
    run_git(dir, &["add", "Dockerfile"]);
    let out = try_repo(&shipshape, dir, &["Dockerfile"]);
    let shown = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "pre-commit should report a failed hook:\n{shown}"
    );
    assert!(
        shown.contains("- exit code: 1"),
        "the hook should exit 1 (a gate failed), not 2 (usage):\n{shown}"
    );
    for rule in ["dockerfile-latest-tag", "dockerfile-root-user"] {
        assert!(
            shown.contains(rule),
            "the report should name {rule}:\n{shown}"
        );
    }

    // The good Dockerfile, staged: the hook passes.
    write(dir, "Dockerfile", GOOD_DOCKERFILE);
    run_git(dir, &["add", "Dockerfile"]);
    let out = try_repo(&shipshape, dir, &["Dockerfile"]);
    let shown = text(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the good Dockerfile should pass:\n{shown}"
    );
    assert!(shown.contains("Passed"), "{shown}");
}

/// The good Dockerfile really has no finding of severity low or worse in its repository, so the
/// test above checks the hook and not the Dockerfile (this part needs no pre-commit).
#[test]
fn the_good_dockerfile_has_no_finding_that_fails_the_hook() {
    let repo = tempfile::tempdir().unwrap();
    for (path, content) in CONTEXT {
        write(repo.path(), path, content);
    }
    write(repo.path(), "Dockerfile", GOOD_DOCKERFILE);
    let report = crate::common::audit(repo.path(), &[]);
    let blocking: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.path == "Dockerfile" && f.severity != Severity::Info)
        .map(|f| format!("{} ({})", f.rule, f.severity.name()))
        .collect();
    assert!(blocking.is_empty(), "{blocking:?}");

    // And the bad one has the findings the hook test looks for.
    write(repo.path(), "Dockerfile", BAD_DOCKERFILE);
    let report = crate::common::audit(repo.path(), &[]);
    let rules: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.path == "Dockerfile")
        .map(|f| f.rule.as_str())
        .collect();
    for rule in ["dockerfile-latest-tag", "dockerfile-root-user"] {
        assert!(rules.contains(&rule), "{rules:?}");
    }
}
