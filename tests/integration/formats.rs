//! Every report format on the acgs-like fixture: validated against its specification where one
//! exists (SARIF), parsed where it is structured (JUnit), and pinned by reviewed insta snapshots.
//! Also several outputs in one run, the integrations (completions, man page) and shipshape's own
//! image, which shipshape must score 100 in the container category.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::repo_root;

const ACGS: &str = "fixtures/repos/acgs-like";

/// Runs the binary from the repository root, so report paths are stable in snapshots.
fn shipshape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the binary runs")
}

fn render(format: &str) -> String {
    let out = shipshape(&["audit", ACGS, "--no-config", "--format", format]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 report")
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let schema_path = repo_root().join("../shared/schemas/sarif-2.1.0.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("../shared/schemas"))
            .unwrap();
    // The published schema's `run.language` pattern is not a valid ECMA 262 regex (a stray `]`),
    // which a strict meta-schema check rejects; that property is one shipshape never writes.
    let mut schema = schema;
    fix_language_patterns(&mut schema);
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let sarif: Value = serde_json::from_str(&render("sarif")).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), shipshape::catalog::catalog().len());
    let json: Value = serde_json::from_str(&render("json")).unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), json["findings"].as_array().unwrap().len());
    for (result, finding) in results.iter().zip(json["findings"].as_array().unwrap()) {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(result["ruleId"], finding["rule"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], finding["line"]);
        assert_eq!(region["startColumn"], finding["column"]);
        assert!(result["partialFingerprints"]["shipshape/v1"].is_string());
    }
    assert!(
        rules
            .iter()
            .all(|r| r["helpUri"].as_str().unwrap().ends_with(".md")
                && r["properties"]["tags"].as_array().unwrap().len() == 2)
    );
}

fn fix_language_patterns(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "pattern" && v.as_str().is_some_and(|p| p.ends_with("]?$")) {
                    *v = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                } else {
                    fix_language_patterns(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_language_patterns),
        _ => {}
    }
}

#[test]
fn suppressed_findings_are_sarif_results_with_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "# shipshape: ignore[dockerfile-latest-tag] rebuilt nightly\nFROM ubuntu:latest\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["audit", ".", "--format", "sarif"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let suppressed: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["ruleId"], "dockerfile-latest-tag");
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "rebuilt nightly"
    );
}

#[test]
fn junit_has_a_suite_per_category_and_passing_cases() {
    let xml = render("junit");
    assert!(xml.starts_with("<?xml"));
    for category in [
        "container",
        "kubernetes",
        "cicd",
        "observability",
        "scaling",
        "iac",
    ] {
        assert!(
            xml.contains(&format!("<testsuite name=\"shipshape.{category}\"")),
            "{category}"
        );
    }
    let cases = xml.matches("<testcase ").count();
    let failures = xml.matches("<failure ").count();
    assert!(
        failures > 50 && cases > failures * 2,
        "{cases} cases, {failures} failures"
    );
    // A failure carries its location and the fix.
    assert!(
        xml.contains("docker-compose.yml:31:7: [high]"),
        "no located failure"
    );
    assert!(xml.contains("How to fix:"));
}

#[test]
fn github_format_annotates_files_and_writes_the_job_summary() {
    let summary = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(summary.path(), "previous step\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["audit", ACGS, "--no-config", "--format", "github"])
        .current_dir(repo_root())
        .env("GITHUB_STEP_SUMMARY", summary.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("::") && first.contains(&format!("file={ACGS}/")),
        "{first}"
    );
    assert!(
        text.lines().all(|l| l.starts_with("::")),
        "one command per line"
    );
    assert!(text.contains("title=shipshape readiness"));
    let written = std::fs::read_to_string(summary.path()).unwrap();
    assert!(
        written.starts_with("previous step\n"),
        "the summary is appended to"
    );
    assert!(written.len() > 200 && written.contains('#'), "{written}");
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let sarif = dir.path().join("report.sarif");
    let md = dir.path().join("report.md");
    let out = shipshape(&[
        "audit",
        ACGS,
        "--no-config",
        "--format",
        "json",
        "--output",
        json.to_str().unwrap(),
        "--format",
        "sarif",
        "--output",
        sarif.to_str().unwrap(),
        "--output",
        md.to_str().unwrap(),
    ]);
    // Three --output and two --format cannot be paired, so it is refused before auditing.
    assert_eq!(out.status.code(), Some(2));
    assert!(!json.exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("one --output per --format"));

    let out = shipshape(&[
        "audit",
        ACGS,
        "--no-config",
        "-f",
        "json",
        "-o",
        json.to_str().unwrap(),
        "-f",
        "sarif",
        "-o",
        sarif.to_str().unwrap(),
        "-f",
        "terminal",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Readiness"));
    let j: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(
        j["findings"].as_array().unwrap().len(),
        s["runs"][0]["results"].as_array().unwrap().len()
    );

    // Without --format, the extension decides; an unknown one is a usage error.
    let out = shipshape(&["audit", ACGS, "--no-config", "-o", md.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&md).unwrap().starts_with('#'));
    let bad = dir.path().join("report.weird");
    let out = shipshape(&["audit", ACGS, "-o", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = shipshape(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("shipshape") && text.contains("baseline"),
            "{shell}"
        );
    }
    let out = shipshape(&["man"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(".TH shipshape 1"), "{text}");
    assert!(text.contains("fail\\-under"));
}

#[test]
fn shipshapes_own_image_scores_100_in_the_container_category() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo_root();
    for rel in ["Dockerfile", ".dockerignore", ".github/workflows/image.yml"] {
        let target = dir.path().join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(root.join(rel), &target).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(["audit", ".", "--no-config", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let container = report["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "container")
        .unwrap();
    let container_findings: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "container")
        .collect();
    assert_eq!(container["score"], 100.0, "{container_findings:#?}");
}

/// Timings vary run to run; everything else in a report is deterministic.
fn without_timing(text: &str) -> String {
    text.lines()
        .map(|l| match l.find(" · ").and(l.rfind(" s")) {
            Some(_) if l.starts_with("shipshape ") => {
                let cut = l.rfind(" · ").unwrap();
                format!("{} · [elapsed]", &l[..cut])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn snapshot_terminal() {
    snapshot("acgs-terminal", &without_timing(&render("terminal")));
}

#[test]
fn snapshot_json() {
    snapshot("acgs-json", &render("json"));
}

#[test]
fn snapshot_sarif_results() {
    // The driver's rules are the catalog (tested above); the snapshot pins the results.
    let sarif: Value = serde_json::from_str(&render("sarif")).unwrap();
    let results = serde_json::to_string_pretty(&sarif["runs"][0]["results"]).unwrap();
    snapshot("acgs-sarif-results", &results);
}

#[test]
fn snapshot_junit() {
    snapshot("acgs-junit", &render("junit"));
}

#[test]
fn snapshot_github() {
    snapshot("acgs-github", &render("github"));
}

#[test]
fn snapshot_markdown() {
    snapshot("acgs-markdown", &render("markdown"));
    let out = shipshape(&["audit", ACGS, "--no-config", "-f", "markdown", "--compact"]);
    snapshot(
        "acgs-markdown-compact",
        &String::from_utf8_lossy(&out.stdout),
    );
}

#[test]
fn snapshot_html() {
    snapshot("acgs-html", &render("html"));
}
