//! Every rule has `fixtures/rules/<id>/fire/` and `pass/`. In `fire/`, a comment
//! `expect: <id>` on the line above a line means the rule must report exactly there; the rule
//! must report nowhere else. In `pass/` the rule must judge at least one subject and report
//! nothing, so a pass fixture can never pass by being ignored.

use std::collections::BTreeSet;
use std::path::Path;

use shipshape::catalog;
use shipshape::finding::Category;

use crate::common::{audit, repo_root};

/// (path relative to the fixture folder, 1-based line) for every `expect: <id>` comment.
fn expectations(dir: &Path, id: &str) -> BTreeSet<(String, usize)> {
    let mut out = BTreeSet::new();
    let marker = format!("expect: {id}");
    for entry in ignore::WalkBuilder::new(dir)
        .hidden(false)
        .build()
        .flatten()
    {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let names_rule = line
                .split("expect:")
                .nth(1)
                .is_some_and(|rest| rest.split([',', ' ']).any(|w| w.trim() == id));
            if line.contains(&marker) || names_rule {
                let target = (i + 1..lines.len())
                    .find(|&j| !lines[j].contains("expect:"))
                    .map(|j| j + 1)
                    .unwrap_or(i + 2);
                out.insert((rel.clone(), target));
            }
        }
    }
    out
}

#[test]
fn every_rule_fires_and_passes_on_its_fixtures() {
    let mut failures = Vec::new();
    // SHIPSHAPE_FIXTURE_FILTER=k8s- checks only the rules whose id starts with it.
    let filter = std::env::var("SHIPSHAPE_FIXTURE_FILTER").unwrap_or_default();
    for meta in catalog::catalog() {
        if meta.category == Category::General || !meta.id.starts_with(&filter) {
            continue;
        }
        let dir = repo_root().join("fixtures/rules").join(&meta.id);
        let fire = dir.join("fire");
        let pass = dir.join("pass");
        if !fire.is_dir() || !pass.is_dir() {
            failures.push(format!(
                "{}: missing fixtures/rules/{}/fire or pass",
                meta.id, meta.id
            ));
            continue;
        }

        let report = audit(&fire, &[&meta.id]);
        let got: BTreeSet<(String, usize)> = report
            .findings
            .iter()
            .filter(|f| f.rule == meta.id)
            .map(|f| (f.path.clone(), f.line))
            .collect();
        let want = expectations(&fire, &meta.id);
        if want.is_empty() {
            failures.push(format!(
                "{}: fire fixture has no `expect: {}` comment",
                meta.id, meta.id
            ));
        }
        if got != want {
            failures.push(format!(
                "{}: fire fixture\n    expected {:?}\n    got      {:?}",
                meta.id, want, got
            ));
        }

        let report = audit(&pass, &[&meta.id]);
        let fired: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule == meta.id)
            .map(|f| format!("{}:{}: {}", f.path, f.line, f.message))
            .collect();
        if !fired.is_empty() {
            failures.push(format!("{}: pass fixture fired: {fired:?}", meta.id));
        }
        let evaluated = report
            .scorecard
            .rules
            .iter()
            .find(|r| r.id == meta.id)
            .map_or(0, |r| r.evaluated);
        if evaluated == 0 {
            failures.push(format!("{}: pass fixture evaluated nothing", meta.id));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
