//! The command line as users and scripts meet it: exit codes, formats, --output, errors.

use std::process::{Command, Output};

use crate::common::repo_root;

fn shipshape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the binary runs")
}

fn acgs() -> String {
    repo_root()
        .join("fixtures/repos/acgs-like")
        .display()
        .to_string()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn json_report_matches_its_published_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("docs/json-report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    for target in [
        acgs(),
        repo_root().join("fixtures/rules").display().to_string(),
    ] {
        let out = shipshape(&["audit", &target, "--format", "json"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report = json_of(&out);
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{target}: {errors:#?}");
    }
}

#[test]
fn json_output_is_byte_identical_across_runs() {
    let a = shipshape(&["audit", &acgs(), "--format", "json"]);
    let b = shipshape(&["audit", &acgs(), "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
    let findings = json_of(&a)["findings"].as_array().unwrap().clone();
    let keys: Vec<(String, u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "findings are sorted by path, line, column, rule"
    );
}

#[test]
fn json_output_does_not_depend_on_the_thread_count() {
    let run = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_shipshape"))
            .args(["audit", &acgs(), "--format", "json"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("the binary runs")
            .stdout
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn audit_is_the_default_command() {
    let out = shipshape(&[&acgs(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_of(&out)["schema_version"], 1);
}

#[test]
fn fail_under_and_fail_on_gate_with_exit_1() {
    let out = shipshape(&["audit", &acgs(), "--quiet", "--fail-under", "100"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("below 100"));
    let out = shipshape(&["audit", &acgs(), "--quiet", "--fail-under", "0"]);
    assert_eq!(out.status.code(), Some(0));
    let out = shipshape(&["audit", &acgs(), "--quiet", "--fail-on", "info"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_empty_repository_is_not_applicable_and_passes_gates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# nothing to audit\n").unwrap();
    let path = dir.path().display().to_string();
    let out = shipshape(&["audit", &path, "--format", "json", "--fail-under", "90"]);
    assert_eq!(out.status.code(), Some(0), "n/a must not fail a gate");
    let report = json_of(&out);
    assert!(report["summary"]["score"].is_null());
    assert!(
        report["categories"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["score"].is_null())
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = shipshape(&["audit", "/definitely/not/here"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot audit"));
    let out = shipshape(&["audit", &acgs(), "--rule", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule"));
    let out = shipshape(&["audit", &acgs(), "--fail-under", "101"]);
    assert_eq!(out.status.code(), Some(2));
    let out = shipshape(&["audit", &acgs(), "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = shipshape(&["explain", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_is_written_atomically_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("report.json");
    let out = shipshape(&[
        "audit",
        &acgs(),
        "--format",
        "json",
        "--output",
        &dest.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when --output is given"
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&dest).unwrap()).unwrap();
    assert_eq!(written["schema_version"], 1);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");

    let missing = dir.path().join("no/such/dir/report.json");
    let out = shipshape(&["audit", &acgs(), "--output", &missing.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_and_explain_describe_the_catalog() {
    let out = shipshape(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let rules = json_of(&out);
    let rules = rules.as_array().unwrap();
    assert!(!rules.is_empty());
    for r in rules {
        for key in ["id", "category", "severity", "title"] {
            assert!(r[key].is_string(), "{key} missing in {r}");
        }
    }
    let out = shipshape(&["explain", "parse-error"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains("## Why it matters") && page.contains("## How to fix"));
}

#[test]
fn list_files_shows_each_kind() {
    let out = shipshape(&["audit", &acgs(), "--list-files"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("dockerfile") && text.contains("services/auth/Dockerfile"));
    assert!(text.contains("compose") && text.contains("docker-compose.yml"));
    assert!(text.contains("kubernetes") && text.contains("k8s/auth.yaml"));
}

#[test]
fn terminal_report_has_scorecard_findings_and_next_steps() {
    let out = shipshape(&["audit", &acgs(), "--color", "never"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Readiness"), "{text}");
    assert!(text.contains("Container") && text.contains("Kubernetes"));
    assert!(
        !text.contains("\x1b["),
        "no colour codes with --color never"
    );
    // A finding shows its rule, its place in the source and the fix.
    assert!(text.contains("k8s-missing-pdb (medium)"), "{text}");
    assert!(text.contains("╭─[k8s/auth.yaml:"), "{text}");
    assert!(text.contains("shipshape explain k8s-missing-pdb"), "{text}");
    assert!(
        text.contains("Next steps") && text.contains("Phase 1"),
        "{text}"
    );

    let quiet = shipshape(&["audit", &acgs(), "--color", "never", "--quiet"]);
    let quiet = String::from_utf8_lossy(&quiet.stdout);
    assert!(quiet.contains("Readiness") && !quiet.contains("╭─["));
}

#[test]
fn timings_go_to_stderr_with_the_slowest_rules_and_leave_the_report_alone() {
    let plain = shipshape(&["audit", &acgs(), "--no-config", "-f", "json"]);
    let timed = shipshape(&["audit", &acgs(), "--no-config", "-f", "json", "--timings"]);
    assert_eq!(plain.status.code(), timed.status.code());
    assert_eq!(
        plain.stdout, timed.stdout,
        "timings must never enter the report"
    );
    let err = String::from_utf8_lossy(&timed.stderr);
    for phase in [
        "discover",
        "read and parse",
        "model",
        "check",
        "score",
        "render",
        "total",
    ] {
        assert!(err.contains(phase), "no `{phase}` in:\n{err}");
    }
    let rules: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.contains("slowest rules"))
        .skip(1)
        .collect();
    assert_eq!(rules.len(), 8, "eight slowest rules listed:\n{err}");
    let known = json_of(&shipshape(&["rules", "--format", "json"]));
    for line in rules {
        let id = line.split_whitespace().next().unwrap();
        assert!(
            known.as_array().unwrap().iter().any(|r| r["id"] == id),
            "`{id}` is not a rule id"
        );
        assert!(line.trim_end().ends_with("ms"), "{line}");
    }
}

/// Files are read while the walk goes on, classified by the charts met so far: a chart's folder
/// that sorts before its `Chart.yaml` is met first, and must still come out as the chart's.
#[test]
fn files_met_before_their_chart_are_still_the_charts() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    std::fs::create_dir_all(chart.join(".ci/templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(chart.join("Chart.lock"), "dependencies: []\n").unwrap();
    std::fs::write(
        chart.join(".ci/templates/deploy.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n",
    )
    .unwrap();
    let out = shipshape(&["audit", dir.path().to_str().unwrap(), "--list-files"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let kind_of = |path: &str| {
        text.lines()
            .find(|l| l.ends_with(path))
            .and_then(|l| l.split_whitespace().next())
            .map(str::to_string)
    };
    assert_eq!(
        kind_of("chart/.ci/templates/deploy.yaml").as_deref(),
        Some("helm-template"),
        "{text}"
    );
    assert_eq!(
        kind_of("chart/Chart.lock").as_deref(),
        Some("helm-lock"),
        "{text}"
    );
}

/// The image is built from what its Dockerfile copies, not from the checkout: Cargo must load
/// the manifest (its bench target, the vendored crates of `[patch.crates-io]`) from that alone.
#[test]
fn the_dockerfile_copies_everything_cargo_needs_to_build() {
    fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
        if from.is_dir() {
            std::fs::create_dir_all(to).unwrap();
            for entry in std::fs::read_dir(from).unwrap() {
                let entry = entry.unwrap();
                copy_tree(&entry.path(), &to.join(entry.file_name()));
            }
        } else {
            std::fs::copy(from, to).unwrap();
        }
    }
    let root = crate::common::repo_root();
    let dockerfile = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    let context = tempfile::tempdir().unwrap();
    for line in dockerfile.lines() {
        let Some(args) = line.strip_prefix("COPY ") else {
            continue;
        };
        if args.starts_with("--from") {
            continue;
        }
        let words: Vec<&str> = args.split_whitespace().collect();
        for source in &words[..words.len() - 1] {
            copy_tree(&root.join(source), &context.path().join(source));
        }
    }
    let output = std::process::Command::new(option_env!("CARGO").unwrap_or("cargo"))
        // `cargo tree` loads every manifest for this platform without fetching other ones.
        .args(["tree", "--offline", "--locked", "--depth", "1"])
        .current_dir(context.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
