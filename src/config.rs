//! The project's configuration file (`.shipshape.yaml`): where it is found, what it may say, and
//! errors that point at the line and column of every mistake in it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::catalog;
use crate::finding::{Category, Severity};
use crate::parse::span::Span;
use crate::parse::yaml::{self, Node, Value};

/// File names searched, in this order, in each folder from the scanned root up.
pub const FILE_NAMES: [&str; 4] = [
    ".shipshape.yaml",
    ".shipshape.yml",
    "shipshape.yaml",
    "shipshape.yml",
];

/// Config files are small; a bigger one is a mistake, not a config.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// What a rule is set to in the config.
#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    /// gitignore-style patterns, relative to the config file's folder.
    pub ignore: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CategorySettings {
    pub weight: Option<f64>,
    pub min: Option<f64>,
    pub required: bool,
    /// Where `required: true` is written, for the finding when the category has nothing to judge.
    pub required_at: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file read, `None` for the defaults.
    pub path: Option<PathBuf>,
    /// The config's folder, the base of its patterns.
    pub base: PathBuf,
    pub exclude: Vec<String>,
    pub rules: BTreeMap<String, RuleSettings>,
    pub categories: BTreeMap<Category, CategorySettings>,
    pub fail_under: Option<f64>,
    pub fail_on: Option<Severity>,
    pub baseline: Option<PathBuf>,
}

/// One mistake in a config file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct Problem {
    pub message: String,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

/// Every mistake in a config file, shown against its text.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("invalid configuration: {first}")]
#[diagnostic(code(shipshape::config))]
pub struct ConfigError {
    pub path: String,
    pub first: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
    #[related]
    pub others: Vec<Problem>,
}

/// Finds the config for `root`: the first config file in `root` or a parent folder, stopping at
/// the folder that holds `.git`. Outside a git checkout only `root` itself is searched, so a stray
/// file in a home folder never changes an audit.
pub fn find(root: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(root).ok()?;
    let in_repo = start.ancestors().any(|d| d.join(".git").exists());
    for dir in start.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            // The scanned repository is untrusted: a config that is a link (to
            // `/proc/self/environ`, say) or a special file is never read, or its text could
            // end up in an error message in a CI log.
            if std::fs::symlink_metadata(&candidate).is_ok_and(|m| m.file_type().is_file()) {
                return Some(candidate);
            }
        }
        if !in_repo || dir.join(".git").exists() {
            break;
        }
    }
    None
}

impl Config {
    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Config, crate::error::AppError> {
        let io_error = |source| crate::error::AppError::ConfigRead {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io_error)?;
        if !meta.is_file() {
            return Err(io_error(std::io::Error::other("not a regular file")));
        }
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(io_error(std::io::Error::other(format!(
                "the file is {} bytes; a configuration file is at most {MAX_CONFIG_BYTES}",
                meta.len()
            ))));
        }
        let text = std::fs::read_to_string(path).map_err(io_error)?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let mut config = Config::parse(&text, &path.display().to_string())
            .map_err(crate::error::AppError::Config)?;
        config.path = Some(path.to_path_buf());
        config.base = base;
        Ok(config)
    }

    /// Parses config text; `name` labels the source in errors.
    pub fn parse(text: &str, name: &str) -> Result<Config, Box<ConfigError>> {
        let mut checker = Checker {
            text,
            problems: Vec::new(),
        };
        let config = checker.config();
        if checker.problems.is_empty() {
            return Ok(config);
        }
        let mut problems = checker.problems;
        problems.sort_by_key(|p| p.span.offset());
        let first = problems.remove(0);
        Err(Box::new(ConfigError {
            path: name.to_string(),
            first: first.message,
            src: NamedSource::new(name, crate::inert::source(&text.into()).to_string())
                .with_language("yaml"),
            span: first.span,
            label: first.label,
            help: first.help,
            others: problems,
        }))
    }

    pub fn is_enabled(&self, rule: &str) -> bool {
        self.rules.get(rule).and_then(|r| r.enabled).unwrap_or(true)
    }

    pub fn severity_overrides(&self) -> BTreeMap<String, Severity> {
        self.rules
            .iter()
            .filter_map(|(id, r)| r.severity.map(|s| (id.clone(), s)))
            .collect()
    }

    pub fn category_weights(&self) -> BTreeMap<Category, f64> {
        Category::SCORED
            .iter()
            .map(|c| {
                let w = self.categories.get(c).and_then(|s| s.weight);
                (*c, w.unwrap_or(1.0))
            })
            .collect()
    }

    /// Matcher for `exclude`, rooted at the config's folder.
    pub fn exclude_matcher(&self) -> Option<Gitignore> {
        matcher(&self.base, &self.exclude)
    }

    /// Matchers for each rule's `ignore` patterns.
    pub fn rule_ignore_matchers(&self) -> BTreeMap<String, Gitignore> {
        self.rules
            .iter()
            .filter_map(|(id, r)| matcher(&self.base, &r.ignore).map(|m| (id.clone(), m)))
            .collect()
    }
}

/// Patterns were validated when the config was read; one that still fails is skipped.
fn matcher(base: &Path, patterns: &[String]) -> Option<Gitignore> {
    if patterns.is_empty() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(base);
    for p in patterns {
        let _ = builder.add_line(None, p);
    }
    builder.build().ok()
}

/// Whether file `rel` (a path relative to the config's folder) or one of its parents matches.
pub fn matches(matcher: &Gitignore, rel: &str) -> bool {
    matches_path(matcher, rel, false)
}

/// Whether `rel` (a file or folder relative to the config's folder) or one of its parents matches.
pub fn matches_path(matcher: &Gitignore, rel: &str, is_dir: bool) -> bool {
    let rel = rel.trim_start_matches("./");
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.starts_with("..")
        && matcher
            .matched_path_or_any_parents(Path::new(rel), is_dir)
            .is_ignore()
}

struct Checker<'t> {
    text: &'t str,
    problems: Vec<Problem>,
}

const TOP_KEYS: &[&str] = &["exclude", "rules", "categories", "gate", "baseline"];
const RULE_KEYS: &[&str] = &["enabled", "severity", "ignore"];
const CATEGORY_KEYS: &[&str] = &["weight", "min", "required"];
const GATE_KEYS: &[&str] = &["fail_under", "fail_on"];

impl Checker<'_> {
    fn problem(&mut self, span: Span, message: String, label: &str, help: Option<String>) {
        let span = if span.is_empty() && span.start < self.text.len() {
            Span::new(span.start, span.start + 1)
        } else {
            span
        };
        // Messages quote the file: printable, and short however long what they quote.
        self.problems.push(Problem {
            message: crate::finding::bounded(message),
            span: (span.start, span.len()).into(),
            label: label.to_string(),
            help: help.map(crate::finding::bounded),
        });
    }

    fn config(&mut self) -> Config {
        let mut config = Config::default();
        let stream = match yaml::parse(self.text) {
            Ok(s) => s,
            Err(e) => {
                let at = e.offset.min(self.text.len());
                self.problem(
                    Span::new(at, at),
                    format!("not valid YAML: {}", e.message),
                    "here",
                    None,
                );
                return config;
            }
        };
        for d in &stream.duplicate_keys {
            self.problem(
                d.span,
                format!("`{}` is set twice", d.key),
                "set again here",
                Some("keep one of them".into()),
            );
        }
        let Some(doc) = stream.documents.first() else {
            return config;
        };
        if stream.documents.len() > 1 {
            self.problem(
                stream.documents[1].span,
                "a configuration file holds one YAML document".into(),
                "second document",
                None,
            );
        }
        if doc.is_null() || matches!(&doc.value, Value::Scalar(s) if s.text.is_empty()) {
            return config;
        }
        let Some(entries) = self.map(doc, "the configuration") else {
            return config;
        };
        for entry in entries {
            let Some(key) = self.key(&entry.key, TOP_KEYS, "top-level key") else {
                continue;
            };
            let value = &entry.value;
            match key {
                "exclude" => config.exclude = self.patterns(value),
                "rules" => self.rules(value, &mut config),
                "categories" => self.categories(value, &mut config),
                "gate" => self.gate(value, &mut config),
                "baseline" => {
                    if let Some(s) = self.string(value, "a file path") {
                        config.baseline = Some(PathBuf::from(s));
                    }
                }
                _ => {}
            }
        }
        config
    }

    fn rules(&mut self, node: &Node, config: &mut Config) {
        if node.is_null() {
            return;
        }
        let Some(entries) = self.map(node, "`rules`") else {
            return;
        };
        for entry in entries {
            let Some(id) = entry.key.as_str() else {
                self.problem(entry.key.span, "a rule id must be text".into(), "", None);
                continue;
            };
            if catalog::lookup(id).is_none() {
                let help = (id.len() <= 100)
                    .then(|| crate::error::did_you_mean(id))
                    .flatten()
                    .map(|s| format!("did you mean `{s}`? `shipshape rules` lists every rule"))
                    .unwrap_or_else(|| "`shipshape rules` lists every rule id".into());
                self.problem(
                    entry.key.span,
                    format!("unknown rule `{id}`"),
                    "no rule has this id",
                    Some(help),
                );
                continue;
            }
            let mut settings = RuleSettings::default();
            let value = &entry.value;
            match &value.value {
                Value::Scalar(s) if s.plain || !s.text.is_empty() => match s.text.as_str() {
                    "off" | "false" | "disabled" => settings.enabled = Some(false),
                    "on" | "true" | "enabled" => settings.enabled = Some(true),
                    other => match severity(other) {
                        Some(sev) => settings.severity = Some(sev),
                        None => self.problem(
                            value.span,
                            format!("`{other}` is not a rule setting"),
                            "expected off, on or a severity",
                            Some(RULE_VALUE_HELP.into()),
                        ),
                    },
                },
                Value::Map(fields) => {
                    for field in fields {
                        let Some(k) = self.key(&field.key, RULE_KEYS, "rule setting") else {
                            continue;
                        };
                        match k {
                            "enabled" => settings.enabled = self.bool(&field.value),
                            "severity" => settings.severity = self.severity(&field.value),
                            "ignore" => settings.ignore = self.patterns(&field.value),
                            _ => {}
                        }
                    }
                }
                _ => self.problem(
                    value.span,
                    format!("`{id}` must be off, on, a severity or a mapping"),
                    "unexpected value",
                    Some(RULE_VALUE_HELP.into()),
                ),
            }
            config.rules.insert(id.to_string(), settings);
        }
    }

    fn categories(&mut self, node: &Node, config: &mut Config) {
        if node.is_null() {
            return;
        }
        let Some(entries) = self.map(node, "`categories`") else {
            return;
        };
        let ids: Vec<&str> = Category::SCORED.iter().map(|c| c.id()).collect();
        for entry in entries {
            let Some(id) = self.key(&entry.key, &ids, "category") else {
                continue;
            };
            let Some(category) = Category::from_id(id) else {
                continue;
            };
            let mut settings = CategorySettings::default();
            if let Some(fields) = self.map(&entry.value, &format!("`{id}`")) {
                for field in fields {
                    let Some(k) = self.key(&field.key, CATEGORY_KEYS, "category setting") else {
                        continue;
                    };
                    match k {
                        "weight" => {
                            settings.weight = self.number(&field.value, 0.0, 1000.0, false);
                        }
                        "min" => settings.min = self.number(&field.value, 0.0, 100.0, true),
                        "required" => {
                            settings.required = self.bool(&field.value).unwrap_or(false);
                            let pos = crate::parse::span::LineIndex::new(self.text)
                                .position(self.text, field.key.span.start);
                            settings.required_at = Some((pos.line, pos.column));
                        }
                        _ => {}
                    }
                }
            }
            config.categories.insert(category, settings);
        }
    }

    fn gate(&mut self, node: &Node, config: &mut Config) {
        if node.is_null() {
            return;
        }
        let Some(fields) = self.map(node, "`gate`") else {
            return;
        };
        for field in fields {
            let Some(k) = self.key(&field.key, GATE_KEYS, "gate setting") else {
                continue;
            };
            match k {
                "fail_under" => config.fail_under = self.number(&field.value, 0.0, 100.0, true),
                "fail_on" => config.fail_on = self.severity(&field.value),
                _ => {}
            }
        }
    }

    fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [yaml::Entry]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            _ => {
                self.problem(
                    node.span,
                    format!("{what} must be a mapping of keys to values"),
                    "expected `key: value` lines",
                    None,
                );
                None
            }
        }
    }

    fn key<'k>(&mut self, key: &'k Node, allowed: &[&'k str], what: &str) -> Option<&'k str> {
        let Some(text) = key.as_str() else {
            self.problem(key.span, format!("a {what} must be text"), "", None);
            return None;
        };
        if let Some(known) = allowed.iter().find(|k| **k == text) {
            return Some(known);
        }
        let close = allowed
            .iter()
            .find(|k| edit_distance(k, text) <= 2 || k.replace('_', "-") == text);
        let help = match close {
            Some(k) => format!("did you mean `{k}`? Allowed: {}", allowed.join(", ")),
            None => format!("allowed: {}", allowed.join(", ")),
        };
        self.problem(
            key.span,
            format!("unknown {what} `{text}`"),
            "not recognised",
            Some(help),
        );
        None
    }

    fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        match node.as_str() {
            Some(s) if !s.is_empty() => Some(s),
            _ => {
                self.problem(node.span, format!("expected {what}"), "not text", None);
                None
            }
        }
    }

    fn bool(&mut self, node: &Node) -> Option<bool> {
        let b = node.as_bool();
        if b.is_none() {
            self.problem(
                node.span,
                "expected true or false".into(),
                "not a boolean",
                None,
            );
        }
        b
    }

    fn severity(&mut self, node: &Node) -> Option<Severity> {
        let found = node.as_str().and_then(severity);
        if found.is_none() {
            self.problem(
                node.span,
                "expected a severity".into(),
                "not a severity",
                Some("one of critical, high, medium, low, info".into()),
            );
        }
        found
    }

    fn number(&mut self, node: &Node, min: f64, max: f64, inclusive_min: bool) -> Option<f64> {
        let value = node
            .as_scalar()
            .filter(|s| s.plain)
            .and_then(|s| s.text.parse::<f64>().ok())
            .filter(|v| v.is_finite());
        let ok =
            value.is_some_and(|v| v <= max && (if inclusive_min { v >= min } else { v > min }));
        if !ok {
            let range = if inclusive_min {
                format!("from {min} to {max}")
            } else {
                format!("above {min}, at most {max}")
            };
            self.problem(
                node.span,
                format!("expected a number {range}"),
                "out of range or not a number",
                None,
            );
            return None;
        }
        value
    }

    fn patterns(&mut self, node: &Node) -> Vec<String> {
        if node.is_null() {
            return Vec::new();
        }
        let items: Vec<&Node> = match &node.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Scalar(_) => vec![node],
            Value::Map(_) => {
                self.problem(
                    node.span,
                    "expected a list of path patterns".into(),
                    "a mapping",
                    Some("write `- path/pattern/**` items".into()),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            let Some(p) = self.string(item, "a path pattern") else {
                continue;
            };
            if let Err(e) = GitignoreBuilder::new("/").add_line(None, p) {
                self.problem(
                    item.span,
                    format!("invalid path pattern: {e}"),
                    "here",
                    Some(
                        "patterns use .gitignore syntax: `vendor/`, `**/*.tf`, `charts/legacy/**`"
                            .into(),
                    ),
                );
                continue;
            }
            out.push(p.to_string());
        }
        out
    }
}

const RULE_VALUE_HELP: &str = "write `off`, a severity (critical, high, medium, low, info), or a mapping with `enabled`, `severity` and `ignore`";

fn severity(text: &str) -> Option<Severity> {
    Severity::ALL.into_iter().find(|s| s.name() == text)
}

/// Levenshtein distance on short ASCII keys, for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The commented starter config written by `shipshape init`.
pub const STARTER: &str = r#"# shipshape configuration. Every key is optional; delete what you do not need.
# Reference: docs/configuration.md in shipshape's repository; editors can validate this file
# with its docs/config.schema.json (for the YAML language server, add a
# `# yaml-language-server: $schema=<path to config.schema.json>` line).

# Paths never read, in .gitignore syntax, relative to this file.
exclude:
  # - vendor/
  # - "examples/**"

# Per rule: `off`, a severity (critical, high, medium, low, info), or a mapping.
rules:
  # k8s-missing-network-policy: off
  # dockerfile-latest-tag: critical
  # ci-missing-benchmarks:
  #   severity: low
  #   ignore: ["experiments/**"]     # findings under these paths are suppressed

# Per category: weight in the overall score (default 1), a minimum score for the gate,
# and `required: true` to make a category with nothing to judge fail instead of being n/a.
categories:
  # container:  { weight: 2, min: 80 }
  # kubernetes: { required: true }
  # cicd:       { min: 70 }

# The CI gate. Command-line flags (--fail-under, --fail-on) take precedence.
gate:
  # fail_under: 75     # exit 1 when the overall score is below this
  # fail_on: high      # exit 1 on any finding of this severity or worse

# Known findings recorded by `shipshape baseline`; only new ones are reported and gated.
# baseline: .shipshape-baseline.json
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match Config::parse(text, "test.yaml") {
            Ok(_) => Vec::new(),
            Err(e) => std::iter::once(e.first)
                .chain(e.others.into_iter().map(|p| p.message))
                .collect(),
        }
    }

    #[test]
    fn starter_config_is_valid_and_empty() {
        let c = Config::parse(STARTER, "starter").unwrap();
        assert!(c.rules.is_empty() && c.exclude.is_empty() && c.fail_under.is_none());
    }

    #[test]
    fn full_config_reads_every_setting() {
        let c = Config::parse(
            "exclude: [vendor/]\nrules:\n  dockerfile-latest-tag: critical\n  k8s-missing-pdb: off\n  ci-missing-benchmarks:\n    severity: low\n    ignore: ['x/**']\ncategories:\n  container: {weight: 2, min: 80}\n  iac: {required: true}\ngate:\n  fail_under: 75\n  fail_on: high\nbaseline: b.json\n",
            "t",
        )
        .unwrap();
        assert_eq!(c.exclude, ["vendor/"]);
        assert_eq!(
            c.rules["dockerfile-latest-tag"].severity,
            Some(Severity::Critical)
        );
        assert!(!c.is_enabled("k8s-missing-pdb"));
        assert_eq!(c.rules["ci-missing-benchmarks"].ignore, ["x/**"]);
        assert_eq!(c.category_weights()[&Category::Container], 2.0);
        assert_eq!(c.categories[&Category::Container].min, Some(80.0));
        assert!(c.categories[&Category::Iac].required);
        assert_eq!(c.categories[&Category::Iac].required_at, Some((10, 9)));
        assert_eq!(c.fail_under, Some(75.0));
        assert_eq!(c.fail_on, Some(Severity::High));
        assert_eq!(c.baseline, Some(PathBuf::from("b.json")));
    }

    #[test]
    fn every_mistake_is_reported_at_its_place() {
        let err = Config::parse(
            "exclud: [x]\nrules:\n  not-a-rule: off\n  k8s-missing-pdb: loud\ncategories:\n  containers: {}\ngate:\n  fail_under: 120\n",
            "t",
        )
        .unwrap_err();
        assert_eq!(err.first, "unknown top-level key `exclud`");
        assert_eq!(err.span.offset(), 0);
        assert_eq!(
            err.help
                .as_deref()
                .map(|h| h.starts_with("did you mean `exclude`")),
            Some(true)
        );
        let messages: Vec<String> = err.others.iter().map(|p| p.message.clone()).collect();
        assert_eq!(
            messages,
            [
                "unknown rule `not-a-rule`",
                "`loud` is not a rule setting",
                "unknown category `containers`",
                "expected a number from 0 to 100"
            ]
        );
    }

    #[test]
    fn syntax_errors_and_wrong_shapes_are_problems() {
        assert!(
            problems("rules: [a")
                .iter()
                .all(|m| m.starts_with("not valid YAML"))
        );
        assert_eq!(
            problems("- a\n- b\n"),
            ["the configuration must be a mapping of keys to values"]
        );
        assert_eq!(
            problems("gate:\n  fail_on: loud\n"),
            ["expected a severity"]
        );
        assert_eq!(
            problems("exclude: {a: b}\n"),
            ["expected a list of path patterns"]
        );
        assert_eq!(problems("gate: {}\ngate: {}\n"), ["`gate` is set twice"]);
        assert!(problems("").is_empty());
        assert!(problems("# only comments\n").is_empty());
    }

    #[test]
    fn patterns_match_like_gitignore() {
        let m = matcher(
            Path::new("/repo"),
            &[
                "vendor/".into(),
                "**/*.tfvars".into(),
                "charts/old/**".into(),
            ],
        )
        .unwrap();
        assert!(matches(&m, "vendor/a/Dockerfile"));
        assert!(matches(&m, "envs/prod/x.tfvars"));
        assert!(matches(&m, "charts/old/templates/a.yaml"));
        assert!(!matches(&m, "charts/new/Chart.yaml"));
        assert!(!matches(&m, "../outside"));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("exclude", "exclud"), 1);
        assert_eq!(edit_distance("gate", "gate"), 0);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }
}
