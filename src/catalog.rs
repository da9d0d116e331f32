//! The rule catalog: what users read about each rule, embedded from `rules/**/*.toml`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::finding::{Category, Severity};

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    Low,
    Medium,
    High,
}

impl Effort {
    pub fn name(self) -> &'static str {
        match self {
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High => "high",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    /// Input kinds the rule reads.
    pub targets: Vec<String>,
    pub effort: Effort,
    pub since: String,
    /// Markdown: the production impact.
    pub why: String,
    /// Markdown: what to do, with a fenced snippet.
    pub fix: String,
    #[serde(default)]
    pub references: Vec<String>,
    /// Ready-to-paste snippets per CI system (`github`, `gitlab`) for rules whose fix is a
    /// pipeline step: a finding carries the one for the system the repository uses.
    #[serde(default)]
    pub snippets: std::collections::BTreeMap<String, String>,
    /// The catalog file this came from, `category/id.toml`.
    #[serde(skip)]
    pub source: String,
}

impl RuleMeta {
    pub fn docs_path(&self) -> String {
        format!("docs/rules/{}.md", self.id)
    }

    /// The rule's page in the published repository, for reports read away from a checkout.
    pub fn docs_url(&self) -> String {
        format!(
            "{}/blob/main/{}",
            env!("CARGO_PKG_REPOSITORY"),
            self.docs_path()
        )
    }
}

/// All catalog entries sorted by id. Panics only if the embedded catalog itself is broken,
/// which the test suite rules out.
pub fn catalog() -> &'static [RuleMeta] {
    static CATALOG: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // `build.rs` turned each TOML entry into JSON.
        let mut rules: Vec<RuleMeta> = CATALOG_ENTRIES
            .iter()
            .map(|(source, json)| {
                let mut meta: RuleMeta = serde_json::from_str(json).unwrap_or_else(|e| {
                    panic!("internal error: rule catalog entry {source} is invalid: {e}")
                });
                meta.source = source.to_string();
                meta
            })
            .collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        rules
    })
}

pub fn lookup(id: &str) -> Option<&'static RuleMeta> {
    let rules = catalog();
    rules
        .binary_search_by(|m| m.id.as_str().cmp(id))
        .ok()
        .map(|i| &rules[i])
}
