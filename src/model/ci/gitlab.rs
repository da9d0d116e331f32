//! GitLab CI: `.gitlab-ci.yml` plus the local files it includes, with `default:`, hidden jobs,
//! `extends` and `!reference` resolved the way GitLab does, so rules see each job's effective
//! configuration. Remote, project and template includes are recorded, never fetched.

use std::collections::HashSet;

use super::github::Script;
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::{Entry, Node, Value};

/// Keywords at the top of a pipeline that are not jobs.
const GLOBAL_KEYWORDS: &[&str] = &[
    "stages",
    "variables",
    "include",
    "workflow",
    "default",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "spec",
    "pages:deploy",
];

/// Keywords `default:` passes down to every job that does not set them.
const DEFAULT_KEYWORDS: &[&str] = &[
    "after_script",
    "artifacts",
    "before_script",
    "cache",
    "hooks",
    "id_tokens",
    "image",
    "interruptible",
    "retry",
    "services",
    "tags",
    "timeout",
];

/// GitLab stops at 11 levels of `extends`.
const MAX_EXTENDS_DEPTH: usize = 11;

#[derive(Debug, Clone)]
pub struct Pipeline {
    /// The `.gitlab-ci.yml` this pipeline starts from.
    pub file: FileId,
    /// Local files it includes (transitively), found in the scanned tree.
    pub included: Vec<FileId>,
    pub includes: Vec<Include>,
    pub stages: Vec<String>,
    pub jobs: Vec<GlJob>,
    /// `workflow: rules:` text, for trigger detection.
    pub workflow_rules: Option<Node>,
    /// Span of the first line worth pointing at when something is missing: `stages:` or the
    /// first job.
    pub anchor: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludeKind {
    Local,
    Template,
    Remote,
    Project,
    Component,
}

#[derive(Debug, Clone)]
pub struct Include {
    pub kind: IncludeKind,
    pub target: String,
    pub file: FileId,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct GlJob {
    pub name: String,
    pub file: FileId,
    pub key_span: Span,
    pub span: Span,
    pub stage: Option<String>,
    pub image: Option<(String, Span)>,
    pub services: Vec<(String, Span)>,
    /// `before_script`, `script` and `after_script` lines in order.
    pub scripts: Vec<Script>,
    pub needs: Vec<String>,
    pub parallel: bool,
    pub has_cache: bool,
    pub environment: Option<(String, Span)>,
    /// `environment: action:` (`start`, `stop`, `prepare`, `verify`, `access`).
    pub environment_action: Option<String>,
    pub manual: bool,
    pub resource_group: bool,
    pub trigger: bool,
    /// The effective job after `default:`, `extends` and `!reference`.
    pub node: Node,
}

impl GlJob {
    pub fn label(&self) -> &str {
        &self.name
    }
}

/// One parsed file of a pipeline: its documents and where it came from.
pub struct PipelineFile<'a> {
    pub file: FileId,
    pub path: &'a str,
    pub doc: &'a Node,
}

impl Pipeline {
    /// Builds the pipeline rooted at `root`, pulling local includes through `lookup`
    /// (a repository path, without leading `/`, to every matching parsed file).
    pub fn build<'a>(
        root: PipelineFile<'a>,
        lookup: &dyn Fn(&str) -> Vec<PipelineFile<'a>>,
    ) -> Pipeline {
        let mut files: Vec<PipelineFile<'a>> = Vec::new();
        let mut includes = Vec::new();
        let mut seen: HashSet<FileId> = HashSet::new();
        seen.insert(root.file);
        let mut queue = vec![root];
        while let Some(current) = queue.pop() {
            for include in read_includes(current.file, current.doc) {
                if include.kind == IncludeKind::Local {
                    let target = include.target.trim_start_matches('/');
                    for found in lookup(target) {
                        if seen.insert(found.file) && seen.len() <= 150 {
                            queue.push(found);
                        }
                    }
                }
                includes.push(include);
            }
            files.push(current);
        }
        // The root file comes first, then includes in path order; later keys override earlier
        // ones the way GitLab merges included configuration under the root file.
        let root_file = files[0].file;
        files[1..].sort_by_key(|f| f.path);
        let mut top: Vec<Entry> = Vec::new();
        for f in files.iter().skip(1).chain(files.iter().take(1)) {
            for entry in f.doc.entries() {
                let key = entry.key.as_str();
                if let Some(existing) = top.iter_mut().find(|e| e.key.as_str() == key) {
                    existing.value = deep_merge(&existing.value, &entry.value);
                    existing.key = entry.key.clone();
                } else {
                    top.push(entry.clone());
                }
            }
        }
        let file_of = |span: Span, key: &str| -> FileId {
            // The winning definition of a top-level key comes from the root unless only an
            // included file defines it.
            files
                .iter()
                .take(1)
                .chain(files.iter().skip(1))
                .find(|f| f.doc.entry(key).is_some_and(|e| e.key.span == span))
                .map_or(root_file, |f| f.file)
        };
        let merged = Node {
            span: files[0].doc.span,
            value: Value::Map(top),
        };
        let default = merged.get("default");
        let all_jobs: Vec<&Entry> = merged
            .entries()
            .iter()
            .filter(|e| {
                e.key
                    .as_str()
                    .is_some_and(|k| !GLOBAL_KEYWORDS.contains(&k))
                    && e.value.is_map()
            })
            .collect();
        let find = |name: &str| -> Option<&Node> {
            all_jobs
                .iter()
                .rev()
                .find(|e| e.key.as_str() == Some(name))
                .map(|e| &e.value)
        };
        let mut jobs = Vec::new();
        for entry in &all_jobs {
            let Some(name) = entry.key.as_str() else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let mut budget = 200;
            let mut node = resolve_extends(
                &entry.value,
                &find,
                &mut vec![name.to_string()],
                &mut budget,
            );
            if let Some(default) = default {
                node = apply_default(&node, default);
            }
            let node = resolve_references(&node, &find);
            jobs.push(GlJob::from_node(
                name,
                file_of(entry.key.span, name),
                entry.key.span,
                node,
            ));
        }
        let stages: Vec<String> = merged
            .get("stages")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
        let anchor = files[0]
            .doc
            .entry("stages")
            .map(|e| e.key.span)
            .or_else(|| files[0].doc.entries().first().map(|e| e.key.span))
            .unwrap_or(Span::empty(0));
        Pipeline {
            file: root_file,
            included: files.iter().skip(1).map(|f| f.file).collect(),
            includes,
            stages,
            jobs,
            workflow_rules: merged.path(&["workflow", "rules"]).cloned(),
            anchor,
        }
    }

    /// Jobs that (transitively) run after `name` through `needs`, or in a later stage.
    pub fn after<'a>(&'a self, job: &'a GlJob) -> impl Iterator<Item = &'a GlJob> {
        let stage_index = |j: &GlJob| {
            let stage = j.stage.as_deref().unwrap_or("test");
            self.stages
                .iter()
                .position(|s| s == stage)
                .unwrap_or(match stage {
                    ".pre" => 0,
                    ".post" => usize::MAX,
                    _ => usize::MAX / 2,
                })
        };
        let mine = stage_index(job);
        self.jobs.iter().filter(move |j| {
            j.name != job.name && (j.needs.contains(&job.name) || stage_index(j) > mine)
        })
    }
}

fn read_includes(file: FileId, doc: &Node) -> Vec<Include> {
    let Some(include) = doc.get("include") else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &include.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![include],
    };
    let mut out = Vec::new();
    for item in items {
        if let Some(s) = item.as_str() {
            let kind = if s.starts_with("http://") || s.starts_with("https://") {
                IncludeKind::Remote
            } else {
                IncludeKind::Local
            };
            out.push(Include {
                kind,
                target: s.to_string(),
                file,
                span: item.span,
            });
            continue;
        }
        let pairs = [
            ("local", IncludeKind::Local),
            ("template", IncludeKind::Template),
            ("remote", IncludeKind::Remote),
            ("project", IncludeKind::Project),
            ("component", IncludeKind::Component),
        ];
        for (key, kind) in pairs {
            let Some(value) = item.get(key) else { continue };
            let mut targets: Vec<String> = value.as_str().map(str::to_string).into_iter().collect();
            if kind == IncludeKind::Project {
                targets = match item.get("file") {
                    Some(f) => match f.as_str() {
                        Some(s) => vec![s.to_string()],
                        None => f
                            .items()
                            .iter()
                            .filter_map(|i| i.as_str().map(str::to_string))
                            .collect(),
                    },
                    None => targets,
                };
            }
            for target in targets {
                out.push(Include {
                    kind: kind.clone(),
                    target,
                    file,
                    span: item.span,
                });
            }
        }
    }
    out
}

/// Maps merge key by key (the overlay winning); everything else is replaced.
pub fn deep_merge(base: &Node, over: &Node) -> Node {
    match (&base.value, &over.value) {
        (Value::Map(a), Value::Map(b)) => {
            let mut merged: Vec<Entry> = a.clone();
            for entry in b {
                let key = entry.key.as_str();
                match merged
                    .iter_mut()
                    .find(|e| e.key.as_str() == key && key.is_some())
                {
                    Some(existing) => {
                        existing.value = deep_merge(&existing.value, &entry.value);
                        existing.key = entry.key.clone();
                    }
                    None => merged.push(entry.clone()),
                }
            }
            Node {
                span: over.span,
                value: Value::Map(merged),
            }
        }
        _ => over.clone(),
    }
}

fn extends_names(node: &Node) -> Vec<String> {
    match node.get("extends") {
        Some(e) => match e.as_str() {
            Some(s) => vec![s.to_string()],
            None => e
                .items()
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
        },
        None => Vec::new(),
    }
}

/// `extends` resolved parent first; a cycle, a missing parent or a spent budget (hostile files
/// can make the inheritance graph explode) just stops inheriting.
fn resolve_extends<'a>(
    node: &Node,
    find: &dyn Fn(&str) -> Option<&'a Node>,
    path: &mut Vec<String>,
    budget: &mut usize,
) -> Node {
    let parents = extends_names(node);
    if parents.is_empty() || path.len() >= MAX_EXTENDS_DEPTH {
        return node.clone();
    }
    let mut base: Option<Node> = None;
    for parent in parents {
        if path.contains(&parent) || *budget == 0 {
            continue;
        }
        let Some(parent_node) = find(&parent) else {
            continue;
        };
        *budget -= 1;
        path.push(parent);
        let resolved = resolve_extends(parent_node, find, path, budget);
        path.pop();
        base = Some(match base {
            Some(b) => deep_merge(&b, &resolved),
            None => resolved,
        });
    }
    match base {
        Some(base) => deep_merge(&base, node),
        None => node.clone(),
    }
}

fn apply_default(job: &Node, default: &Node) -> Node {
    let Value::Map(entries) = &job.value else {
        return job.clone();
    };
    let mut entries = entries.clone();
    for entry in default.entries() {
        let Some(key) = entry.key.as_str() else {
            continue;
        };
        if DEFAULT_KEYWORDS.contains(&key) && !entries.iter().any(|e| e.key.as_str() == Some(key)) {
            entries.push(entry.clone());
        }
    }
    Node {
        span: job.span,
        value: Value::Map(entries),
    }
}

/// `!reference [.job, key, ...]` reaches us as a short sequence whose first item names a hidden
/// or other job: replace it with what it points at.
fn resolve_references<'a>(node: &Node, find: &dyn Fn(&str) -> Option<&'a Node>) -> Node {
    fn walk<'a>(node: &Node, find: &dyn Fn(&str) -> Option<&'a Node>, depth: usize) -> Node {
        if depth > 8 {
            return node.clone();
        }
        match &node.value {
            Value::Seq(items) => {
                if let Some(target) = reference_target(items, find) {
                    return walk(target, find, depth + 1);
                }
                Node {
                    span: node.span,
                    value: Value::Seq(items.iter().map(|i| walk(i, find, depth + 1)).collect()),
                }
            }
            Value::Map(entries) => Node {
                span: node.span,
                value: Value::Map(
                    entries
                        .iter()
                        .map(|e| Entry {
                            key: e.key.clone(),
                            value: walk(&e.value, find, depth + 1),
                        })
                        .collect(),
                ),
            },
            Value::Scalar(_) => node.clone(),
        }
    }
    walk(node, find, 0)
}

fn reference_target<'a>(
    items: &[Node],
    find: &dyn Fn(&str) -> Option<&'a Node>,
) -> Option<&'a Node> {
    if !(2..=4).contains(&items.len()) {
        return None;
    }
    let names: Vec<&str> = items.iter().map(Node::as_str).collect::<Option<_>>()?;
    if !names[0].starts_with('.') {
        return None;
    }
    let mut node = find(names[0])?;
    for key in &names[1..] {
        node = node.get(key)?;
    }
    Some(node)
}

/// Script lines, flattening the nested lists anchors and references leave behind.
fn script_lines(node: Option<&Node>, out: &mut Vec<Script>) {
    fn walk(node: &Node, out: &mut Vec<Script>, depth: usize) {
        if depth > 8 {
            return;
        }
        match &node.value {
            Value::Scalar(_) => {
                if let Some(text) = node.as_str() {
                    out.push(Script {
                        text: text.to_string(),
                        span: node.span,
                    });
                }
            }
            Value::Seq(items) => items.iter().for_each(|i| walk(i, out, depth + 1)),
            Value::Map(_) => {}
        }
    }
    if let Some(node) = node {
        walk(node, out, 0);
    }
}

fn image_name(node: &Node) -> Option<(String, Span)> {
    let name = node
        .as_str()
        .or_else(|| node.get("name").and_then(Node::as_str))?;
    Some((name.to_string(), node.span))
}

impl GlJob {
    fn from_node(name: &str, file: FileId, key_span: Span, node: Node) -> GlJob {
        let mut scripts = Vec::new();
        for key in ["before_script", "script", "after_script"] {
            script_lines(node.get(key), &mut scripts);
        }
        let needs = node
            .get("needs")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| {
                n.as_str()
                    .or_else(|| n.get("job").and_then(Node::as_str))
                    .map(str::to_string)
            })
            .collect();
        let environment = node.get("environment").and_then(|env| {
            let name = env
                .as_str()
                .or_else(|| env.get("name").and_then(Node::as_str))?;
            Some((name.to_string(), env.span))
        });
        GlJob {
            name: name.to_string(),
            file,
            key_span,
            span: key_span.join(node.span),
            stage: node.get("stage").and_then(Node::as_str).map(str::to_string),
            image: node.get("image").and_then(image_name),
            services: node
                .get("services")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(image_name)
                .collect(),
            scripts,
            needs,
            parallel: node
                .get("parallel")
                .is_some_and(|p| p.as_i64().is_some_and(|n| n > 1) || p.get("matrix").is_some()),
            has_cache: node.get("cache").is_some_and(|c| !c.is_null()),
            environment,
            environment_action: node
                .path(&["environment", "action"])
                .and_then(Node::as_str)
                .map(str::to_string),
            manual: node.get("when").and_then(Node::as_str) == Some("manual")
                || node
                    .get("rules")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .any(|r| r.get("when").and_then(Node::as_str) == Some("manual")),
            resource_group: node.get("resource_group").is_some(),
            trigger: node.get("trigger").is_some(),
            node,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn pipeline(files: &[(&str, &str)]) -> Pipeline {
        let docs: Vec<(String, Node)> = files
            .iter()
            .map(|(p, t)| (p.to_string(), yaml::parse(t).unwrap().documents.remove(0)))
            .collect();
        let lookup = |target: &str| -> Vec<PipelineFile<'_>> {
            docs.iter()
                .enumerate()
                .filter(|(_, (p, _))| p == target)
                .map(|(i, (p, d))| PipelineFile {
                    file: i,
                    path: p,
                    doc: d,
                })
                .collect()
        };
        Pipeline::build(
            PipelineFile {
                file: 0,
                path: &docs[0].0,
                doc: &docs[0].1,
            },
            &lookup,
        )
    }

    #[test]
    fn extends_default_and_includes() {
        let p = pipeline(&[
            (
                ".gitlab-ci.yml",
                "include:\n  - local: ci/test.yml\n  - template: Security/SAST.gitlab-ci.yml\nstages: [build, test, deploy]\ndefault:\n  image: python:3.12\n.base:\n  cache:\n    paths: [.venv]\n  script: [make build]\nbuild:\n  extends: .base\n  stage: build\ndeploy:\n  stage: deploy\n  image: alpine\n  environment:\n    name: production\n  script:\n    - kubectl apply -f k8s/\n",
            ),
            (
                "ci/test.yml",
                "unit:\n  stage: test\n  script:\n    - pytest --cov\n",
            ),
        ]);
        let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["unit", "build", "deploy"]);
        let build = &p.jobs[1];
        assert!(build.has_cache);
        assert_eq!(build.image.as_ref().unwrap().0, "python:3.12");
        assert_eq!(build.scripts[0].text, "make build");
        assert_eq!(p.jobs[0].file, 1);
        assert_eq!(p.jobs[2].image.as_ref().unwrap().0, "alpine");
        assert_eq!(p.jobs[2].environment.as_ref().unwrap().0, "production");
        assert_eq!(p.includes.len(), 2);
        assert_eq!(p.included, [1]);
        assert_eq!(p.after(&p.jobs[1]).count(), 2);
    }

    #[test]
    fn references_and_cycles() {
        let p = pipeline(&[(
            ".gitlab-ci.yml",
            ".setup:\n  script:\n    - echo setup\n.a:\n  extends: .b\n.b:\n  extends: .a\njob:\n  extends: .a\n  script:\n    - !reference [.setup, script]\n    - run tests\n",
        )]);
        let job = &p.jobs[0];
        let lines: Vec<&str> = job.scripts.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(lines, ["echo setup", "run tests"]);
    }
}
