//! Rule documentation generated from the catalog: `docs/rules/<id>.md`, the index, and the
//! page `shipshape explain` prints. A test keeps `docs/rules/` equal to this output.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::catalog::{self, RuleMeta};
use crate::finding::Category;

/// One rule's page.
pub fn rule_page(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", meta.id, meta.title);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| id | `{}` |", meta.id);
    let _ = writeln!(
        out,
        "| category | {} (`{}`) |",
        meta.category.title(),
        meta.category.id()
    );
    let _ = writeln!(
        out,
        "| severity | {} (weight {}) |",
        meta.severity.name(),
        meta.severity.weight()
    );
    let _ = writeln!(out, "| effort | {} |", meta.effort.name());
    let _ = writeln!(out, "| reads | {} |", meta.targets.join(", "));
    let _ = writeln!(out, "| since | {} |\n", meta.since);
    let _ = writeln!(out, "## Why it matters\n\n{}\n", meta.why.trim());
    let _ = writeln!(out, "## How to fix\n\n{}\n", meta.fix.trim());
    if !meta.snippets.is_empty() {
        let _ = writeln!(
            out,
            "## Snippets per CI system\n\nA finding carries the snippet for the CI system the repository uses.\n"
        );
        for (system, snippet) in &meta.snippets {
            let name = match system.as_str() {
                "github" => "GitHub Actions (`.github/workflows/*.yml`)",
                "gitlab" => "GitLab CI (`.gitlab-ci.yml`)",
                other => other,
            };
            let _ = writeln!(out, "### {name}\n\n```yaml\n{}\n```\n", snippet.trim_end());
        }
    }
    if meta.category == Category::General {
        let _ = writeln!(
            out,
            "## Scoring\n\nNot scored: this diagnostic is about the input, not its readiness.\n"
        );
    }
    if !meta.references.is_empty() {
        let _ = writeln!(out, "## References\n");
        for r in &meta.references {
            let _ = writeln!(out, "- <{r}>");
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The index of every rule, grouped by category.
pub fn index_page() -> String {
    let mut by_category: BTreeMap<Category, Vec<&RuleMeta>> = BTreeMap::new();
    for meta in catalog::catalog() {
        by_category.entry(meta.category).or_default().push(meta);
    }
    let mut out = String::from(
        "# Rules\n\nGenerated from the catalog in `rules/` (do not edit by hand: run\n`SHIPSHAPE_UPDATE_DOCS=1 cargo test --test integration docs` after changing a rule).\n",
    );
    for (category, rules) in by_category {
        let _ = writeln!(out, "\n## {} (`{}`)\n", category.title(), category.id());
        let _ = writeln!(out, "| id | severity | effort | title |\n|---|---|---|---|");
        for m in rules {
            let _ = writeln!(
                out,
                "| [`{id}`]({id}.md) | {} | {} | {} |",
                m.severity.name(),
                m.effort.name(),
                m.title,
                id = m.id
            );
        }
    }
    out
}

/// Every generated file under `docs/rules/`, by file name.
pub fn generated_files() -> BTreeMap<String, String> {
    let mut files: BTreeMap<String, String> = catalog::catalog()
        .iter()
        .map(|m| (format!("{}.md", m.id), rule_page(m)))
        .collect();
    files.insert("README.md".into(), index_page());
    files
}
