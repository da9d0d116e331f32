//! `promtool` and `amtool` as oracles for the monitoring model.
//!
//! - Rule files: every expression promtool rejects must be one our PromQL parser rejects, and
//!   every expression it accepts must parse with ours (compared rule by rule).
//! - Prometheus configs and Alertmanager configs: a file promtool/amtool rejects as malformed
//!   YAML must be a parse error for us too, and a file they accept must parse with us.
//!   Rejections for content (relabel rules, URLs, unknown fields) are counted apart: shipshape
//!   reads these configs to judge readiness, it does not re-validate Prometheus' schema.
//!
//! `.ci/run` installs Debian's `prometheus` (for promtool) and `prometheus-alertmanager`
//! (amtool) and sets `SHIPSHAPE_REQUIRE_ORACLES=1`; elsewhere the tests skip when missing.

use std::collections::BTreeSet;
use std::process::Command;

use shipshape::kind::FileKind;
use shipshape::model::Project;
use shipshape::model::obs::prometheus::RuleKind;

fn available(program: &str) -> bool {
    let found = Command::new(program).arg("--version").output().is_ok();
    if !found && std::env::var_os("SHIPSHAPE_REQUIRE_ORACLES").is_some() {
        panic!("{program} is not installed, and SHIPSHAPE_REQUIRE_ORACLES is set");
    }
    if !found {
        eprintln!("skipping: {program} is not installed");
    }
    found
}

fn corpus() -> std::path::PathBuf {
    crate::common::repo_root().join("../shared/corpus")
}

/// `(group, 1-based rule index)` pairs.
type RulePositions = BTreeSet<(String, usize)>;

/// `group "G", rule N` positions (1-based rule index) promtool could not parse, and those it
/// rejected only for being newer than it: Debian's promtool is 2.42, while promql-parser
/// follows current Prometheus (`sort_by_label`, the `fill()` binary-operator modifier).
fn promtool_bad_expressions(output: &str) -> (RulePositions, RulePositions) {
    let mut out = BTreeSet::new();
    let mut newer = BTreeSet::new();
    for line in output
        .lines()
        .filter(|l| l.contains("could not parse expression"))
    {
        let Some(group) = line
            .split("group \"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        else {
            continue;
        };
        let Some(index) = line
            .split("rule ")
            .nth(1)
            .and_then(|r| r.split(',').next())
            .and_then(|n| n.trim().parse().ok())
        else {
            continue;
        };
        if line.contains("unknown function with name") {
            newer.insert((group.to_string(), index));
        } else {
            out.insert((group.to_string(), index));
        }
    }
    (out, newer)
}

#[test]
fn promtool_and_our_promql_parser_agree_on_every_corpus_expression() {
    if !available("promtool") {
        return;
    }
    let root = corpus();
    let project = Project::load(&root, &Default::default()).unwrap();
    let (mut agree, mut compared, mut files_compared, mut skipped, mut version) = (0, 0, 0, 0, 0);
    let mut disagreements = Vec::new();
    for (id, file) in project.files.iter().enumerate() {
        if file.kind != FileKind::PrometheusRules {
            continue;
        }
        let out = Command::new("promtool")
            .args(["check", "rules"])
            .arg(root.join(&file.path))
            .output()
            .expect("promtool runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // promtool stops at YAML errors or unknown fields before reading any expression.
        if text.contains("unmarshal errors") || text.contains("yaml:") {
            skipped += 1;
            continue;
        }
        files_compared += 1;
        let (bad, newer) = promtool_bad_expressions(&text);
        let mut index_in_group: std::collections::HashMap<&str, usize> = Default::default();
        for rule in project.obs.rules.iter().filter(|r| r.file == id) {
            let n = index_in_group.entry(rule.group.as_str()).or_default();
            *n += 1;
            let Some(analysis) = &rule.analysis else {
                continue;
            };
            if newer.contains(&(rule.group.clone(), *n)) {
                version += 1;
                continue;
            }
            compared += 1;
            let theirs_ok = !bad.contains(&(rule.group.clone(), *n));
            if theirs_ok == analysis.is_ok() {
                agree += 1;
            } else {
                let kind = if rule.kind == Some(RuleKind::Alert) {
                    "alert"
                } else {
                    "record"
                };
                disagreements.push(format!(
                    "{} group {:?} rule {} ({kind} {}): promtool {}, ours {:?}",
                    file.path,
                    rule.group,
                    n,
                    rule.name,
                    if theirs_ok { "accepts" } else { "rejects" },
                    analysis.as_ref().map(|_| ()).map_err(|e| e.as_str())
                ));
            }
        }
    }
    println!(
        "promtool check rules: {files_compared} rule files compared ({skipped} stopped at YAML or unknown fields), {compared} expressions, {agree} agree, {} disagree; {version} use PromQL newer than promtool 2.42",
        disagreements.len()
    );
    for d in &disagreements {
        println!("  {d}");
    }
    assert!(compared > 100, "only {compared} expressions compared");
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// YAML-level verdicts: a file the tool says is not YAML must be a parse error for us.
fn yaml_verdicts(program: &str, args: &[&str], kind: FileKind) -> (usize, usize, Vec<String>) {
    let root = corpus();
    let project = Project::load(&root, &Default::default()).unwrap();
    let failed: BTreeSet<usize> = project.failures.iter().map(|f| f.file).collect();
    let (mut agree, mut other) = (0, 0);
    let mut disagreements = Vec::new();
    for (id, file) in project.files.iter().enumerate() {
        if file.kind != kind {
            continue;
        }
        let out = Command::new(program)
            .args(args)
            .arg(root.join(&file.path))
            .output()
            .expect("oracle runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let ours_ok = !failed.contains(&id);
        let yaml_error = text.contains("yaml: line")
            || text.contains("yaml: control characters")
            || text.contains("did not find expected");
        match (out.status.success(), yaml_error) {
            (true, _) if ours_ok => agree += 1,
            (false, true) if !ours_ok => agree += 1,
            (false, false) => other += 1,
            _ => disagreements.push(format!(
                "{}: {program} {}, ours {}",
                file.path,
                if out.status.success() {
                    "accepts"
                } else {
                    "rejects the YAML"
                },
                if ours_ok { "parses" } else { "rejects" }
            )),
        }
    }
    (agree, other, disagreements)
}

#[test]
fn promtool_and_our_reader_agree_on_corpus_prometheus_configs() {
    if !available("promtool") {
        return;
    }
    let (agree, other, disagreements) = yaml_verdicts(
        "promtool",
        &["check", "config", "--syntax-only"],
        FileKind::PrometheusConfig,
    );
    println!(
        "promtool check config: {agree} agree, {} disagree, {other} rejected for content (relabelling, URLs, unknown fields, missing files)",
        disagreements.len()
    );
    for d in &disagreements {
        println!("  {d}");
    }
    assert!(agree > 30);
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

#[test]
fn amtool_and_our_reader_agree_on_corpus_alertmanager_configs() {
    if !available("amtool") {
        return;
    }
    let (agree, other, disagreements) =
        yaml_verdicts("amtool", &["check-config"], FileKind::Alertmanager);
    println!(
        "amtool check-config: {agree} agree, {} disagree, {other} rejected for content",
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
