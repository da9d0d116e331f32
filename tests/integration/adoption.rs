//! Adopting shipshape on a real repository: the config file, suppressions, baselines, the gate,
//! `--diff-base` and the pre-commit `hook` command, driven through the binary as users do.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn shipshape(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["audit", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let out = shipshape(dir, &args);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "audit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn findings(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn has(report: &Value, rule: &str, path: &str) -> bool {
    findings(report)
        .iter()
        .any(|(r, p, _)| r == rule && p == path)
}

const BAD_DOCKERFILE: &str = "FROM ubuntu:latest\nRUN apt-get update && apt-get install -y curl\nCMD [\"curl\", \"example.com\"]\n";

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:latest
";

/// A temporary folder that is its own git repository, so config discovery stops inside it.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

#[test]
fn config_errors_point_at_line_and_column_and_exit_2() {
    let dir = repo();
    write(dir.path(), "Dockerfile", BAD_DOCKERFILE);
    write(
        dir.path(),
        ".shipshape.yaml",
        "rules:\n  dockerfile-latest-tag: loud\ngate:\n  fail_undr: 3\n",
    );
    let out = shipshape(dir.path(), &["audit", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no partial report on a config error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".shipshape.yaml:2:26"), "{err}");
    assert!(err.contains("expected off, on or a severity"), "{err}");
    assert!(err.contains(".shipshape.yaml:4:3"), "{err}");
    assert!(err.contains("did you mean `fail_under`?"), "{err}");
    // --no-config ignores it; --config with a missing file is a usage error.
    assert_eq!(
        shipshape(dir.path(), &["audit", ".", "--no-config"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        shipshape(dir.path(), &["audit", ".", "--config", "missing.yaml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn init_writes_a_starter_that_loads_and_refuses_to_overwrite() {
    let dir = repo();
    write(dir.path(), "Dockerfile", BAD_DOCKERFILE);
    assert_eq!(shipshape(dir.path(), &["init"]).status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join(".shipshape.yaml")).unwrap();
    assert!(text.contains("fail_under"));
    assert_eq!(
        shipshape(dir.path(), &["audit", "."]).status.code(),
        Some(0)
    );
    assert_eq!(shipshape(dir.path(), &["init"]).status.code(), Some(2));
    assert_eq!(
        shipshape(dir.path(), &["init", "--force"]).status.code(),
        Some(0)
    );
}

#[test]
fn config_excludes_disables_overrides_ignores_and_weights() {
    let dir = repo();
    write(dir.path(), "Dockerfile", BAD_DOCKERFILE);
    write(dir.path(), "vendor/Dockerfile", BAD_DOCKERFILE);
    write(dir.path(), "legacy/Dockerfile", BAD_DOCKERFILE);
    write(dir.path(), "k8s/web.yaml", DEPLOYMENT);
    let before = json(dir.path(), &[]);
    assert!(has(&before, "dockerfile-latest-tag", "vendor/Dockerfile"));
    assert!(has(&before, "dockerfile-root-user", "legacy/Dockerfile"));
    assert!(has(&before, "k8s-missing-pdb", "k8s/web.yaml"));

    write(
        dir.path(),
        ".shipshape.yaml",
        "exclude: [vendor/]\nrules:\n  k8s-missing-pdb: off\n  dockerfile-latest-tag: critical\n  dockerfile-root-user:\n    ignore: ['legacy/**']\ncategories:\n  kubernetes: {weight: 3}\n",
    );
    let after = json(dir.path(), &[]);
    assert!(
        !findings(&after)
            .iter()
            .any(|(_, p, _)| p.starts_with("vendor/"))
    );
    assert!(!has(&after, "k8s-missing-pdb", "k8s/web.yaml"));
    let latest = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "dockerfile-latest-tag")
        .unwrap();
    assert_eq!(latest["severity"], "critical");
    assert!(!has(&after, "dockerfile-root-user", "legacy/Dockerfile"));
    assert!(has(&after, "dockerfile-root-user", "Dockerfile"));
    let suppressed = after["suppressed"].as_array().unwrap();
    assert!(
        suppressed
            .iter()
            .any(|s| s["rule"] == "dockerfile-root-user"
                && s["path"] == "legacy/Dockerfile"
                && s["suppressed_by"]["kind"] == "config")
    );
    assert_eq!(after["summary"]["suppressed"], suppressed.len());
    let k8s = after["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "kubernetes")
        .unwrap();
    assert_eq!(k8s["weight"], 3.0);

    // A config in the repository root applies when auditing a subfolder, patterns included.
    let sub = json(&dir.path().join("legacy"), &[]);
    assert!(!has(&sub, "dockerfile-root-user", "Dockerfile"));
}

#[test]
fn a_required_category_with_nothing_to_judge_fails_instead_of_na() {
    let dir = repo();
    write(dir.path(), "Dockerfile", BAD_DOCKERFILE);
    write(
        dir.path(),
        ".shipshape.yaml",
        "categories:\n  kubernetes:\n    required: true\n    min: 50\n",
    );
    let report = json(dir.path(), &[]);
    let k8s = report["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "kubernetes")
        .unwrap();
    assert_eq!(k8s["score"], 0.0);
    assert!(findings(&report).contains(&(
        "required-category-empty".into(),
        ".shipshape.yaml".into(),
        3
    )));
    let gate = report["gate"].as_array().unwrap();
    assert!(
        gate.iter()
            .any(|g| g["gate"] == "category-min:kubernetes" && g["passed"] == false)
    );
    assert_eq!(
        shipshape(dir.path(), &["audit", "."]).status.code(),
        Some(1)
    );

    // Without `required`, the same minimum passes on n/a (Polaris fails with 0 here).
    write(
        dir.path(),
        ".shipshape.yaml",
        "categories:\n  kubernetes: {min: 50}\n",
    );
    assert_eq!(
        shipshape(dir.path(), &["audit", "."]).status.code(),
        Some(0)
    );
}

#[test]
fn inline_file_and_annotation_suppressions_with_reasons_and_unused_ones() {
    let dir = repo();
    write(
        dir.path(),
        "Dockerfile",
        "# shipshape: ignore-file[dockerfile-image-not-digest-pinned] tags are promoted by CI\n\
         # shipshape: ignore[dockerfile-latest-tag] base image is rebuilt nightly\n\
         FROM ubuntu:latest\n\
         RUN apt-get update && apt-get install -y curl # shipshape: ignore[dockerfile-add-instead-of-copy]\n\
         CMD [\"curl\", \"example.com\"]\n",
    );
    write(
        dir.path(),
        "k8s/web.yaml",
        &DEPLOYMENT.replace(
            "  name: web\n",
            "  name: web\n  annotations:\n    shipshape.dev/ignore: \"k8s-missing-pdb, k8s-not-a-rule\"\n",
        ),
    );
    let report = json(dir.path(), &[]);
    let got = findings(&report);
    assert!(!has(&report, "dockerfile-latest-tag", "Dockerfile"));
    assert!(!has(
        &report,
        "dockerfile-missing-healthcheck",
        "Dockerfile"
    ));
    assert!(!has(&report, "k8s-missing-pdb", "k8s/web.yaml"));
    // The trailing comment on line 4 names a rule that reports nothing there.
    assert!(
        got.contains(&("unused-suppression".into(), "Dockerfile".into(), 4)),
        "{got:?}"
    );
    assert!(
        got.contains(&("unused-suppression".into(), "k8s/web.yaml".into(), 6)),
        "{got:?}"
    );
    let suppressed = report["suppressed"].as_array().unwrap();
    let reason = |rule: &str| {
        suppressed
            .iter()
            .find(|s| s["rule"] == rule)
            .map(|s| s["suppressed_by"].clone())
            .unwrap_or_else(|| panic!("{rule} not suppressed"))
    };
    assert_eq!(reason("dockerfile-latest-tag")["kind"], "inline");
    assert_eq!(
        reason("dockerfile-latest-tag")["reason"],
        "base image is rebuilt nightly"
    );
    assert_eq!(reason("dockerfile-image-not-digest-pinned")["kind"], "file");
    assert_eq!(reason("k8s-missing-pdb")["kind"], "annotation");
    assert!(report["summary"]["score_unsuppressed"].is_number());

    // --no-ignores shows everything and reports no unused suppression.
    let all = json(dir.path(), &["--no-ignores"]);
    assert!(has(&all, "dockerfile-latest-tag", "Dockerfile"));
    assert!(has(&all, "k8s-missing-pdb", "k8s/web.yaml"));
    assert!(
        !findings(&all)
            .iter()
            .any(|(r, _, _)| r == "unused-suppression")
    );
    assert_eq!(all["summary"]["suppressed"], 0);
}

#[test]
fn baseline_survives_moves_and_catches_renames_and_same_names_elsewhere() {
    let dir = repo();
    write(dir.path(), "k8s/web.yaml", DEPLOYMENT);
    let out = shipshape(dir.path(), &["baseline", ".", "--no-config"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let baseline = dir.path().join(".shipshape-baseline.json");
    assert!(baseline.is_file());
    let gated = [
        "--no-config",
        "--baseline",
        ".shipshape-baseline.json",
        "--fail-on",
        "low",
    ];

    // Nothing new: exit 0 and no findings.
    let report = json(dir.path(), &gated);
    assert!(findings(&report).is_empty(), "{:?}", findings(&report));
    assert!(report["baseline"]["known"].as_u64().unwrap() > 3);

    // Lines move and an unrelated edit elsewhere: still nothing new.
    write(
        dir.path(),
        "k8s/web.yaml",
        &format!(
            "# moved down\n\n{}",
            DEPLOYMENT.replace("replicas: 1", "replicas: 1 # one for now")
        ),
    );
    let report = json(dir.path(), &gated);
    assert!(findings(&report).is_empty(), "{:?}", findings(&report));

    // A same-named Deployment in another file is new, not absorbed.
    write(dir.path(), "k8s/other/web.yaml", DEPLOYMENT);
    let report = json(dir.path(), &gated);
    assert!(has(&report, "k8s-missing-pdb", "k8s/other/web.yaml"));
    assert!(
        findings(&report)
            .iter()
            .all(|(_, p, _)| p == "k8s/other/web.yaml")
    );
    assert_eq!(
        shipshape(
            dir.path(),
            &[
                "audit",
                ".",
                "--no-config",
                "--baseline",
                ".shipshape-baseline.json",
                "--fail-on",
                "low"
            ]
        )
        .status
        .code(),
        Some(1)
    );
    std::fs::remove_dir_all(dir.path().join("k8s/other")).unwrap();

    // A renamed resource is new, and its old findings are listed as gone.
    write(
        dir.path(),
        "k8s/web.yaml",
        &DEPLOYMENT.replace("name: web\nspec", "name: api\nspec"),
    );
    let report = json(dir.path(), &gated);
    assert!(has(&report, "k8s-missing-pdb", "k8s/web.yaml"));
    assert!(!report["baseline"]["absent"].as_array().unwrap().is_empty());
}

#[test]
fn gates_from_flags_and_config_with_exit_codes() {
    let dir = repo();
    write(dir.path(), "Dockerfile", BAD_DOCKERFILE);
    let code = |args: &[&str]| shipshape(dir.path(), args).status.code();
    assert_eq!(
        code(&["audit", ".", "--category-min", "container=99"]),
        Some(1)
    );
    assert_eq!(
        code(&["audit", ".", "--category-min", "kubernetes=99"]),
        Some(0)
    );
    assert_eq!(code(&["audit", ".", "--category-min", "nope=9"]), Some(2));
    write(dir.path(), ".shipshape.yaml", "gate:\n  fail_on: high\n");
    assert_eq!(code(&["audit", "."]), Some(1));
    // The flag wins over the config.
    assert_eq!(code(&["audit", ".", "--fail-on", "critical"]), Some(0));
    let report = json(dir.path(), &[]);
    assert_eq!(report["gate"][0]["gate"], "fail-on");
    assert_eq!(report["gate"][0]["passed"], false);
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args([
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn diff_base_compares_with_a_git_revision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    if !git(d, &["init", "-q"]) {
        eprintln!("git is not installed: skipping");
        return;
    }
    write(d, "k8s/web.yaml", DEPLOYMENT);
    assert!(git(d, &["add", "-A"]) && git(d, &["commit", "-qm", "base"]));
    // Unchanged: passes, and the delta is shown per category.
    let out = shipshape(d, &["audit", ".", "--diff-base", "HEAD", "--no-config"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Compared with HEAD"), "{text}");
    assert!(text.contains("Kubernetes"), "{text}");
    assert!(text.contains("(±0)"), "{text}");
    // A new bad Dockerfile in the working tree: new findings, exit 1.
    write(d, "Dockerfile", BAD_DOCKERFILE);
    let report = json(d, &["--diff-base", "HEAD", "--no-config"]);
    assert!(report["diff"]["new_findings"].as_u64().unwrap() > 0);
    assert!(report["diff"]["commit"].as_str().unwrap().len() >= 40);
    assert_eq!(
        shipshape(d, &["audit", ".", "--diff-base", "HEAD", "--no-config"])
            .status
            .code(),
        Some(1)
    );
    // A revision that does not exist is a usage error.
    assert_eq!(
        shipshape(
            d,
            &["audit", ".", "--diff-base", "no-such-ref", "--no-config"]
        )
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn hook_reports_and_gates_only_the_given_files() {
    let dir = repo();
    write(dir.path(), "Dockerfile", BAD_DOCKERFILE);
    write(dir.path(), "k8s/web.yaml", DEPLOYMENT);
    let out = shipshape(dir.path(), &["hook", "k8s/web.yaml"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("k8s-missing-pdb"), "{text}");
    assert!(!text.contains("dockerfile-"), "{text}");
    // A file with no findings passes; so does a file shipshape does not read.
    write(dir.path(), "notes.txt", "hello\n");
    let out = shipshape(dir.path(), &["hook", "notes.txt"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The threshold can be raised.
    let out = shipshape(
        dir.path(),
        &["hook", "--fail-on", "critical", "k8s/web.yaml"],
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn config_schema_lists_every_rule_and_validates_configs() {
    let path = crate::common::repo_root().join("docs/config.schema.json");
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let ids: Vec<Value> = shipshape::catalog::catalog()
        .iter()
        .map(|m| Value::from(m.id.as_str()))
        .collect();
    let listed = &mut schema["properties"]["rules"]["propertyNames"]["enum"];
    if *listed != Value::from(ids.clone()) {
        if std::env::var_os("SHIPSHAPE_UPDATE_DOCS").is_some() {
            *listed = Value::from(ids);
            let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
            std::fs::write(&path, text).unwrap();
        } else {
            panic!(
                "docs/config.schema.json lists other rule ids than the catalog: run SHIPSHAPE_UPDATE_DOCS=1 cargo test --test integration config_schema"
            );
        }
    }
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let good = serde_json::json!({
        "exclude": ["vendor/"],
        "rules": {"k8s-missing-pdb": "off", "dockerfile-latest-tag": "critical",
                  "ci-missing-benchmarks": {"severity": "low", "ignore": ["x/**"]}},
        "categories": {"container": {"weight": 2, "min": 80}, "iac": {"required": true}},
        "gate": {"fail_under": 75, "fail_on": "high"},
        "baseline": ".shipshape-baseline.json"
    });
    assert!(validator.is_valid(&good));
    for bad in [
        serde_json::json!({"exclud": []}),
        serde_json::json!({"rules": {"not-a-rule": "off"}}),
        serde_json::json!({"gate": {"fail_on": "loud"}}),
        serde_json::json!({"categories": {"container": {"min": 120}}}),
    ] {
        assert!(!validator.is_valid(&bad), "{bad} should be invalid");
    }
}
