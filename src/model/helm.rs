//! Helm charts: one per `Chart.yaml`, with its metadata and dependencies, its values files
//! (parsed YAML) and what its templates declare. Templates are Go templates, never parsed as
//! YAML: they are searched as text for the kinds they declare, the `.Values` paths they read
//! and a few words that matter to production readiness (probes, resources, security context).
//!
//! A `Chart.lock` (or Helm 2's `requirements.lock`) at the chart's root is read for the
//! dependencies it locks.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use crate::discover::split_dir;
use crate::kind::FileKind;
use crate::parse::span::Span;
use crate::parse::yaml::Node;
use crate::parse::{FileId, ParseFailure, SourceFile};

#[derive(Debug, Default)]
pub struct Helm {
    /// Sorted by the chart's folder.
    pub charts: Vec<Chart>,
    pub failures: Vec<ParseFailure>,
}

/// A string value with where it is written.
#[derive(Debug, Clone)]
pub struct Spanned {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Chart {
    /// The `Chart.yaml`.
    pub file: FileId,
    /// The chart's folder with a trailing `/`, empty for a chart at the root.
    pub dir: String,
    pub api_version: Option<Spanned>,
    pub name: Option<Spanned>,
    pub version: Option<Spanned>,
    pub app_version: Option<Spanned>,
    /// `type: library` charts render nothing by themselves.
    pub library: bool,
    /// From `Chart.yaml` (apiVersion v2) or `requirements.yaml` (v1).
    pub dependencies: Vec<Dependency>,
    /// The `dependencies:` keys that declare them: (file, key span), `Chart.yaml` first.
    pub dependencies_keys: Vec<(FileId, Span)>,
    /// The `Chart.lock` or `requirements.lock` next to `Chart.yaml`, if one is committed.
    pub lock: Option<ChartLock>,
    pub values: Vec<ValuesFile>,
    pub templates: Vec<Template>,
}

#[derive(Debug, Clone)]
pub struct Dependency {
    /// The file declaring it (`Chart.yaml` or `requirements.yaml`).
    pub file: FileId,
    pub name: String,
    pub version: Option<Spanned>,
    pub repository: Option<String>,
    /// The dependency's `name` value, or the list item.
    pub span: Span,
}

/// A chart's lock file.
#[derive(Debug, Clone)]
pub struct ChartLock {
    pub file: FileId,
    /// The dependencies it locks, each with the span of its `name`; `None` when the file has
    /// no readable `dependencies` list (it did not parse).
    pub dependencies: Option<Vec<Spanned>>,
}

#[derive(Debug, Clone)]
pub struct ValuesFile {
    pub file: FileId,
    /// The file name: `values.yaml`, `values-prod.yaml`.
    pub name: String,
    /// `prod` for `values-prod.yaml` / `values.prod.yaml`; `None` for `values.yaml`.
    pub env: Option<String>,
    /// The first mapping document, if any.
    pub doc: Option<Node>,
}

#[derive(Debug, Clone, Default)]
pub struct Template {
    pub file: FileId,
    /// Literal top-level `kind:` values.
    pub kinds: Vec<String>,
    /// `.Values.a.b` paths read, without the `.Values.` prefix.
    pub values_paths: BTreeSet<String>,
    pub liveness_probe: bool,
    pub readiness_probe: bool,
    pub resources: bool,
    pub security_context: bool,
    pub hpa: bool,
    pub pdb: bool,
}

const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet"];

impl Chart {
    /// Template kinds that run long-lived pods.
    pub fn workload_kinds(&self) -> BTreeSet<&str> {
        self.templates
            .iter()
            .flat_map(|t| t.kinds.iter())
            .map(String::as_str)
            .filter(|k| WORKLOADS.contains(k))
            .collect()
    }

    pub fn has_workloads(&self) -> bool {
        !self.library && !self.workload_kinds().is_empty()
    }

    /// Any values file holds a key whose name contains `word` (ASCII case-insensitive).
    pub fn values_mention(&self, word: &str) -> bool {
        let word = word.to_ascii_lowercase();
        self.values
            .iter()
            .filter_map(|v| v.doc.as_ref())
            .any(|doc| has_key_containing(doc, &word))
            || self
                .templates
                .iter()
                .flat_map(|t| t.values_paths.iter())
                .any(|p| p.to_ascii_lowercase().contains(&word))
    }

    /// Values files named for an environment: `values-prod.yaml`, `values.staging.yaml`.
    pub fn env_values(&self) -> impl Iterator<Item = &ValuesFile> {
        self.values.iter().filter(|v| v.env.is_some())
    }

    /// Where to point at the chart as a whole: its `name`, else the file start.
    pub fn anchor(&self) -> Span {
        self.name
            .as_ref()
            .or(self.api_version.as_ref())
            .map(|s| s.span)
            .unwrap_or(Span::new(0, 0))
    }
}

fn has_key_containing(node: &Node, word: &str) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        for e in n.entries() {
            if e.key
                .as_str()
                .is_some_and(|k| k.to_ascii_lowercase().contains(word))
            {
                return true;
            }
            stack.push(&e.value);
        }
        stack.extend(n.items());
    }
    false
}

fn spanned(node: Option<&Node>) -> Option<Spanned> {
    let node = node?;
    Some(Spanned {
        value: node.as_str()?.to_string(),
        span: node.span,
    })
}

/// The span of a document's `dependencies:` key.
fn dependencies_key(doc: &Node) -> Option<Span> {
    doc.entry("dependencies").map(|e| e.key.span)
}

fn lock_of(file: FileId, doc: Option<&Node>) -> ChartLock {
    let dependencies = doc.and_then(|d| d.get("dependencies")).map(|deps| {
        deps.items()
            .iter()
            .filter_map(|d| spanned(d.get("name")))
            .collect()
    });
    ChartLock { file, dependencies }
}

fn dependencies_of(file: FileId, doc: &Node) -> Vec<Dependency> {
    doc.get("dependencies")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter(|d| d.is_map())
        .map(|d| Dependency {
            file,
            name: d
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string(),
            version: spanned(d.get("version")),
            repository: d
                .get("repository")
                .and_then(Node::as_str)
                .map(str::to_string),
            span: d.get("name").map_or(d.span, |n| n.span),
        })
        .collect()
}

/// `values-prod.yaml` → `prod`, `values.staging.yml` → `staging`, `values.yaml` → none.
pub fn values_env(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".yaml")
        .or_else(|| lower.strip_suffix(".yml"))?;
    let rest = stem.strip_prefix("values")?;
    let env = rest.strip_prefix(['-', '.', '_'])?;
    (!env.is_empty()).then(|| env.to_string())
}

/// Reads a template's text for what it declares.
pub fn scan_template(file: FileId, text: &str) -> Template {
    let mut t = Template {
        file,
        ..Template::default()
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("kind:") {
            let value = rest.split(" #").next().unwrap_or("").trim();
            let value = value.trim_matches(['"', '\'']);
            if value.contains("{{") {
                // `kind: {{ ternary "StatefulSet" "Deployment" ... }}`: the literal choices.
                for w in WORKLOADS {
                    if value.contains(&format!("\"{w}\"")) {
                        t.kinds.push(w.to_string());
                    }
                }
            } else if !value.is_empty() {
                t.kinds.push(value.to_string());
            }
        }
    }
    let mut rest = text;
    while let Some(i) = rest.find(".Values.") {
        rest = &rest[i + ".Values.".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches('.');
        if !path.is_empty() {
            t.values_paths.insert(path.to_string());
        }
    }
    t.liveness_probe = text.contains("livenessProbe");
    t.readiness_probe = text.contains("readinessProbe");
    t.resources = text.contains("resources");
    t.security_context = text.contains("securityContext") || text.contains("SecurityContext");
    t.hpa = t
        .kinds
        .iter()
        .any(|k| k == "HorizontalPodAutoscaler" || k == "ScaledObject");
    t.pdb = t.kinds.iter().any(|k| k == "PodDisruptionBudget");
    t
}

impl Helm {
    pub fn build(files: &[SourceFile], yaml: &[(FileId, Vec<Node>)]) -> Helm {
        let index: HashMap<FileId, &Vec<Node>> = yaml.iter().map(|(f, d)| (*f, d)).collect();
        let docs_of = |file: FileId| -> Option<&Vec<Node>> { index.get(&file).copied() };
        let mut charts: Vec<Chart> = Vec::new();
        for (id, f) in files.iter().enumerate() {
            if f.kind != FileKind::HelmChart {
                continue;
            }
            let (dir, _) = split_dir(&f.path);
            let doc = docs_of(id)
                .and_then(|d| d.iter().find(|n| n.is_map()))
                .unwrap_or(Node::empty());
            charts.push(Chart {
                file: id,
                dir: dir.to_string(),
                api_version: spanned(doc.get("apiVersion")),
                name: spanned(doc.get("name")),
                version: spanned(doc.get("version")),
                app_version: spanned(doc.get("appVersion")),
                library: doc.get("type").and_then(Node::as_str) == Some("library"),
                dependencies: dependencies_of(id, doc),
                dependencies_keys: dependencies_key(doc).map(|k| (id, k)).into_iter().collect(),
                lock: None,
                values: Vec::new(),
                templates: Vec::new(),
            });
        }
        charts.sort_by(|a, b| a.dir.cmp(&b.dir));
        // The chart a file belongs to: the one with the longest folder that holds it, found by
        // trying the file's folders from the deepest (a scan of every chart made a monorepo of
        // charts quadratic).
        let by_dir: HashMap<&str, usize> = charts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.dir.as_str(), i))
            .collect();
        let owner = |path: &str| -> Option<usize> {
            path.rmatch_indices('/')
                .map(|(at, _)| &path[..=at])
                .chain([""])
                .find_map(|dir| by_dir.get(dir).copied())
        };
        let mut values: Vec<(usize, ValuesFile)> = Vec::new();
        let mut templates: Vec<(usize, FileId)> = Vec::new();
        // (chart, its dependencies, the `dependencies:` key declaring them)
        type Requirements = (usize, Vec<Dependency>, Option<(FileId, Span)>);
        let mut requirements: Vec<Requirements> = Vec::new();
        let mut locks: Vec<(usize, ChartLock)> = Vec::new();
        for (id, f) in files.iter().enumerate() {
            let (dir, name) = split_dir(&f.path);
            let relevant = matches!(f.kind, FileKind::HelmValues | FileKind::HelmTemplate)
                || matches!(
                    name,
                    "requirements.yaml" | "requirements.yml" | "Chart.lock" | "requirements.lock"
                );
            if !relevant {
                continue;
            }
            let Some(chart) = owner(&f.path) else {
                continue;
            };
            let at_chart_root = dir == charts[chart].dir;
            match f.kind {
                FileKind::HelmValues => values.push((
                    chart,
                    ValuesFile {
                        file: id,
                        name: name.to_string(),
                        env: values_env(name),
                        doc: docs_of(id).and_then(|d| d.iter().find(|n| n.is_map()).cloned()),
                    },
                )),
                FileKind::HelmTemplate => {
                    let lower = name.to_ascii_lowercase();
                    if lower.ends_with(".yaml")
                        || lower.ends_with(".yml")
                        || lower.ends_with(".tpl")
                    {
                        templates.push((chart, id));
                    }
                }
                _ if at_chart_root
                    && (name == "requirements.yaml" || name == "requirements.yml") =>
                {
                    if let Some(doc) = docs_of(id).and_then(|d| d.iter().find(|n| n.is_map())) {
                        let key = dependencies_key(doc).map(|k| (id, k));
                        requirements.push((chart, dependencies_of(id, doc), key));
                    }
                }
                _ if at_chart_root && (name == "Chart.lock" || name == "requirements.lock") => {
                    let doc = docs_of(id).and_then(|d| d.iter().find(|n| n.is_map()));
                    locks.push((chart, lock_of(id, doc)));
                }
                _ => {}
            }
        }
        for (chart, v) in values {
            charts[chart].values.push(v);
        }
        // Scanning template text is most of this model's work: in parallel, in file order.
        let templates: Vec<(usize, Template)> = templates
            .into_par_iter()
            .map(|(chart, id)| (chart, scan_template(id, &files[id].text)))
            .collect();
        for (chart, t) in templates {
            charts[chart].templates.push(t);
        }
        for (chart, deps, key) in requirements {
            charts[chart].dependencies.extend(deps);
            charts[chart].dependencies_keys.extend(key);
        }
        // A chart with both lock files: the one matching where its dependencies are declared.
        for (chart, lock) in locks {
            let name = split_dir(&files[lock.file].path).1;
            let c = &mut charts[chart];
            let declared_in_chart_yaml = c.dependencies.iter().any(|d| d.file == c.file);
            let preferred = (name == "Chart.lock") == declared_in_chart_yaml;
            if c.lock.is_none() || preferred {
                c.lock = Some(lock);
            }
        }
        Helm {
            charts,
            failures: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.charts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_files_name_environments() {
        assert_eq!(values_env("values.yaml"), None);
        assert_eq!(values_env("values-prod.yaml").as_deref(), Some("prod"));
        assert_eq!(values_env("values.staging.yml").as_deref(), Some("staging"));
        assert_eq!(values_env("values_dev.yaml").as_deref(), Some("dev"));
    }

    #[test]
    fn lock_files_belong_to_their_chart() {
        use crate::parse::span::LineIndex;
        let inputs = [
            (
                "web/Chart.yaml",
                FileKind::HelmChart,
                "apiVersion: v2\nname: web\ndependencies:\n  - name: redis\n    repository: https://charts.bitnami.com/bitnami\n",
            ),
            (
                "web/Chart.lock",
                FileKind::HelmLock,
                "dependencies:\n- name: redis\n  version: 19.6.4\n- name: old\n  version: 1.0.0\ndigest: sha256:00\n",
            ),
            (
                "legacy/Chart.yaml",
                FileKind::HelmChart,
                "apiVersion: v1\nname: legacy\n",
            ),
            (
                "legacy/requirements.yaml",
                FileKind::OtherYaml,
                "dependencies:\n  - name: mysql\n    repository: https://charts.helm.sh/stable\n",
            ),
        ];
        let files: Vec<SourceFile> = inputs
            .iter()
            .map(|(path, kind, text)| SourceFile {
                path: path.to_string(),
                kind: *kind,
                text: (*text).into(),
                lines: LineIndex::new(text),
            })
            .collect();
        let yaml: Vec<(FileId, Vec<Node>)> = inputs
            .iter()
            .enumerate()
            .map(|(i, (_, _, text))| (i, crate::parse::yaml::parse(text).unwrap().documents))
            .collect();
        let helm = Helm::build(&files, &yaml);
        let legacy = &helm.charts[0];
        assert!(legacy.lock.is_none());
        assert_eq!(legacy.dependencies[0].name, "mysql");
        assert_eq!(legacy.dependencies_keys, vec![(3, Span::new(0, 12))]);
        let web = &helm.charts[1];
        let lock = web.lock.as_ref().expect("Chart.lock is read");
        assert_eq!(lock.file, 1);
        let names: Vec<&str> = lock
            .dependencies
            .as_ref()
            .unwrap()
            .iter()
            .map(|d| d.value.as_str())
            .collect();
        assert_eq!(names, vec!["redis", "old"]);
        assert_eq!(web.dependencies_keys, vec![(0, Span::new(25, 37))]);
    }

    #[test]
    fn templates_are_searched_as_text() {
        let t = scan_template(
            0,
            "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          resources: {{- toYaml .Values.resources | nindent 12 }}\n---\nkind: \"Service\"\n",
        );
        assert_eq!(t.kinds, vec!["Deployment", "Service"]);
        assert!(t.values_paths.contains("resources"));
        assert!(t.values_paths.contains("enabled"));
        assert!(t.resources);
        assert!(!t.readiness_probe);
    }
}
