//! The catalog, the registry and the generated docs agree with each other.

use std::collections::BTreeSet;

use shipshape::catalog;
use shipshape::rules::registry;

use crate::common::repo_root;

#[test]
fn registry_and_catalog_list_the_same_rules() {
    let registered: Vec<&str> = registry().iter().map(|(id, _)| *id).collect();
    let mut sorted = registered.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(registered, sorted, "registry ids must be unique");
    let cataloged: Vec<&str> = catalog::catalog().iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        registered, cataloged,
        "every rule needs code and a catalog entry"
    );
}

#[test]
fn catalog_entries_are_complete_and_filed_by_category() {
    for meta in catalog::catalog() {
        let expected = format!("{}/{}.toml", meta.category.id(), meta.id);
        assert_eq!(
            meta.source, expected,
            "{} is filed in the wrong place",
            meta.id
        );
        assert!(
            meta.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: ids are kebab-case",
            meta.id
        );
        assert!(!meta.title.trim().is_empty(), "{}: empty title", meta.id);
        assert!(
            !meta.title.ends_with('.'),
            "{}: titles take no period",
            meta.id
        );
        assert!(meta.why.trim().len() > 40, "{}: `why` is too thin", meta.id);
        assert!(
            meta.fix.contains("```"),
            "{}: `fix` needs a fenced snippet",
            meta.id
        );
        let first = meta.fix.trim_start().chars().next().unwrap_or(' ');
        assert!(
            first.is_uppercase(),
            "{}: `fix` starts with a verb",
            meta.id
        );
        assert!(!meta.targets.is_empty(), "{}: no targets", meta.id);
    }
}

#[test]
fn ci_snippets_are_valid_yaml_for_a_known_ci_system() {
    let mut count = 0;
    for meta in catalog::catalog() {
        for (system, snippet) in &meta.snippets {
            assert!(
                system == "github" || system == "gitlab",
                "{}: unknown CI system `{system}` in [snippets]",
                meta.id
            );
            let parsed = shipshape::parse::yaml::parse(snippet).unwrap_or_else(|e| {
                panic!("{}: {system} snippet is not YAML: {}", meta.id, e.message)
            });
            assert!(
                parsed.documents.iter().any(|d| d.is_map()),
                "{}: {system} snippet is not a YAML mapping",
                meta.id
            );
            count += 1;
        }
    }
    assert!(count >= 40, "only {count} CI snippets");
}

#[test]
fn rules_docs_are_generated_from_the_catalog() {
    let dir = repo_root().join("docs/rules");
    let generated = shipshape::docs::generated_files();
    if std::env::var_os("SHIPSHAPE_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            std::fs::remove_file(entry.path()).unwrap();
        }
        for (name, text) in &generated {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let expected: BTreeSet<String> = generated.keys().cloned().collect();
    assert_eq!(
        on_disk, expected,
        "docs/rules/ is out of date: run `SHIPSHAPE_UPDATE_DOCS=1 cargo test --test integration docs`"
    );
    for (name, text) in &generated {
        let disk = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(
            &disk == text,
            "docs/rules/{name} is out of date: run `SHIPSHAPE_UPDATE_DOCS=1 cargo test --test integration docs`"
        );
    }
}
