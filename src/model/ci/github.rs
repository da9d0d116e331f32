//! GitHub Actions: workflows (`.github/workflows/*.yml`) and action metadata (`action.yml`),
//! read from the spanned YAML tree into what rules ask about.

use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::{Node, Value};

#[derive(Debug, Clone)]
pub struct Workflow {
    pub file: FileId,
    pub name: Option<String>,
    /// Span of the `on:` key, or of the document when it has none.
    pub on_span: Span,
    pub triggers: Vec<Trigger>,
    pub permissions: Option<Permissions>,
    pub concurrency: Option<Span>,
    /// Workflow-level `env:` (name, value as written).
    pub env: Vec<(String, String)>,
    pub jobs: Vec<Job>,
    /// Span of the `jobs:` key (where new jobs are added).
    pub jobs_span: Span,
    pub root: Node,
}

#[derive(Debug, Clone)]
pub struct Trigger {
    pub event: String,
    pub span: Span,
    /// The trigger only runs for some paths (`paths:` / `paths-ignore:`).
    pub path_filtered: bool,
    /// `schedule:` cron lines, for reporting.
    pub crons: Vec<String>,
}

/// A `permissions:` block as written.
#[derive(Debug, Clone)]
pub struct Permissions {
    pub span: Span,
    pub kind: PermissionsKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PermissionsKind {
    ReadAll,
    WriteAll,
    /// `{}` or every scope `none`.
    Nothing,
    /// Scope → level (`read`, `write`, `none`), each with its span.
    Scopes(Vec<(String, String, Span)>),
    /// An expression or something we cannot read.
    Unknown,
}

impl Permissions {
    /// Scopes granted `write` (all of them for `write-all`).
    pub fn writes(&self) -> Vec<(&str, Span)> {
        match &self.kind {
            PermissionsKind::WriteAll => vec![("write-all", self.span)],
            PermissionsKind::Scopes(scopes) => scopes
                .iter()
                .filter(|(_, level, _)| level == "write")
                .map(|(scope, _, span)| (scope.as_str(), *span))
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub key_span: Span,
    pub span: Span,
    pub name: Option<String>,
    pub needs: Vec<String>,
    pub has_matrix: bool,
    pub timeout: Option<Span>,
    /// `environment:` name (string or `{name: ...}`) and its span.
    pub environment: Option<(String, Span)>,
    pub has_services: bool,
    pub container: Option<String>,
    pub condition: Option<String>,
    pub permissions: Option<Permissions>,
    pub concurrency: Option<Span>,
    pub env: Vec<(String, String)>,
    /// A reusable workflow call (`jobs.<id>.uses`).
    pub uses: Option<ActionRef>,
    pub steps: Vec<Step>,
    pub node: Node,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub span: Span,
    pub name: Option<String>,
    pub uses: Option<ActionRef>,
    pub run: Option<Script>,
    pub with: Vec<(String, Node)>,
    pub env: Vec<(String, String)>,
    pub condition: Option<String>,
}

impl Step {
    pub fn with_str(&self, key: &str) -> Option<&str> {
        self.with
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_str())
    }

    pub fn with_node(&self, key: &str) -> Option<&Node> {
        self.with
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// A shell script (a `run:` or one GitLab `script:` line) with the span of its YAML scalar.
#[derive(Debug, Clone)]
pub struct Script {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionKind {
    /// `./path` in this repository.
    Local,
    /// `docker://image`.
    Docker,
    /// `owner/repo[/path]@ref`.
    Remote,
}

/// A `uses:` reference, split.
#[derive(Debug, Clone)]
pub struct ActionRef {
    pub raw: String,
    pub span: Span,
    pub kind: ActionKind,
    /// `owner/repo` lowercased, for matching well-known actions (empty unless remote).
    pub repo: String,
    /// `owner/repo/path` lowercased, without the ref.
    pub full: String,
    pub git_ref: Option<String>,
}

impl ActionRef {
    pub fn parse(raw: &str, span: Span) -> ActionRef {
        let trimmed = raw.trim();
        if trimmed.starts_with("./") || trimmed.starts_with("../") {
            return ActionRef {
                raw: trimmed.to_string(),
                span,
                kind: ActionKind::Local,
                repo: String::new(),
                full: trimmed.to_ascii_lowercase(),
                git_ref: None,
            };
        }
        if let Some(image) = trimmed.strip_prefix("docker://") {
            return ActionRef {
                raw: trimmed.to_string(),
                span,
                kind: ActionKind::Docker,
                repo: String::new(),
                full: image.to_ascii_lowercase(),
                git_ref: None,
            };
        }
        let (path, git_ref) = match trimmed.split_once('@') {
            Some((p, r)) => (p, Some(r.to_string())),
            None => (trimmed, None),
        };
        let lower = path.to_ascii_lowercase();
        let repo = lower.splitn(3, '/').take(2).collect::<Vec<_>>().join("/");
        ActionRef {
            raw: trimmed.to_string(),
            span,
            kind: ActionKind::Remote,
            repo,
            full: lower,
            git_ref,
        }
    }

    /// Pinned to an immutable revision: a full commit SHA, or an image digest.
    pub fn is_pinned(&self) -> bool {
        match self.kind {
            ActionKind::Local => true,
            ActionKind::Docker => self.full.contains("@sha256:"),
            ActionKind::Remote => self
                .git_ref
                .as_deref()
                .is_some_and(|r| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())),
        }
    }

    /// Whether this reference names `prefix` (`owner/repo` or `owner/repo/path`), case-blind.
    pub fn is(&self, prefix: &str) -> bool {
        self.kind == ActionKind::Remote
            && (self.full == prefix
                || self.full.starts_with(prefix) && self.full[prefix.len()..].starts_with('/'))
    }
}

/// Composite, JavaScript or Docker action metadata.
#[derive(Debug, Clone)]
pub struct ActionFile {
    pub file: FileId,
    pub using: Option<String>,
    pub steps: Vec<Step>,
}

impl Workflow {
    pub fn from_document(file: FileId, root: Node) -> Option<Workflow> {
        let jobs_entry = root
            .entry("jobs")
            .filter(|e| e.value.is_map() || e.value.is_null())?;
        let jobs_span = jobs_entry.key.span;
        let jobs = jobs_entry
            .value
            .entries()
            .iter()
            .filter_map(|e| Job::from_entry(e.key.as_str()?, e.key.span, &e.value))
            .collect();
        let (on_span, triggers) = match root.entry("on").or_else(|| root.entry("true")) {
            Some(on) => (on.key.span, triggers(&on.value)),
            None => (Span::empty(root.span.start), Vec::new()),
        };
        Some(Workflow {
            file,
            name: root.get("name").and_then(Node::as_str).map(str::to_string),
            on_span,
            triggers,
            permissions: root.entry("permissions").map(permissions),
            concurrency: root.entry("concurrency").map(|e| e.key.span),
            env: env_of(&root),
            jobs,
            jobs_span,
            root,
        })
    }

    pub fn trigger(&self, event: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.event == event)
    }

    pub fn job(&self, id: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.id == id)
    }

    /// Jobs that (transitively) need `id`.
    pub fn dependents(&self, id: &str) -> Vec<&Job> {
        let mut out: Vec<&Job> = Vec::new();
        let mut frontier = vec![id.to_string()];
        while let Some(current) = frontier.pop() {
            for job in &self.jobs {
                if job.needs.contains(&current) && !out.iter().any(|j| j.id == job.id) {
                    out.push(job);
                    frontier.push(job.id.clone());
                }
            }
            if out.len() > self.jobs.len() {
                break;
            }
        }
        out
    }
}

fn triggers(on: &Node) -> Vec<Trigger> {
    let simple = |name: &str, span: Span| Trigger {
        event: name.to_string(),
        span,
        path_filtered: false,
        crons: Vec::new(),
    };
    match &on.value {
        Value::Scalar(_) => on
            .as_str()
            .map(|s| vec![simple(s, on.span)])
            .unwrap_or_default(),
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| Some(simple(i.as_str()?, i.span)))
            .collect(),
        Value::Map(entries) => entries
            .iter()
            .filter_map(|e| {
                let event = e.key.as_str()?;
                let path_filtered =
                    e.value.get("paths").is_some() || e.value.get("paths-ignore").is_some();
                let crons = e
                    .value
                    .items()
                    .iter()
                    .filter_map(|c| c.get("cron").and_then(Node::as_str).map(str::to_string))
                    .collect();
                Some(Trigger {
                    event: event.to_string(),
                    span: e.key.span,
                    path_filtered,
                    crons,
                })
            })
            .collect(),
    }
}

fn permissions(entry: &crate::parse::yaml::Entry) -> Permissions {
    let value = &entry.value;
    let span = entry.key.span.join(value.span);
    let kind = match &value.value {
        Value::Scalar(_) => match value.as_str() {
            Some("read-all") => PermissionsKind::ReadAll,
            Some("write-all") => PermissionsKind::WriteAll,
            None => PermissionsKind::Nothing,
            _ => PermissionsKind::Unknown,
        },
        Value::Map(entries) => {
            let scopes: Vec<(String, String, Span)> = entries
                .iter()
                .filter_map(|e| {
                    Some((
                        e.key.as_str()?.to_string(),
                        e.value.as_str()?.to_string(),
                        e.key.span.join(e.value.span),
                    ))
                })
                .collect();
            if scopes.iter().all(|(_, level, _)| level == "none") {
                PermissionsKind::Nothing
            } else {
                PermissionsKind::Scopes(scopes)
            }
        }
        Value::Seq(_) => PermissionsKind::Unknown,
    };
    Permissions { span, kind }
}

impl Job {
    fn from_entry(id: &str, key_span: Span, node: &Node) -> Option<Job> {
        if !node.is_map() {
            return None;
        }
        let needs = match node.get("needs") {
            Some(n) => match n.as_str() {
                Some(s) => vec![s.to_string()],
                None => n
                    .items()
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
            },
            None => Vec::new(),
        };
        let environment = node.get("environment").and_then(|env| {
            let name = env
                .as_str()
                .or_else(|| env.get("name").and_then(Node::as_str))?;
            Some((name.to_string(), env.span))
        });
        let container = node.get("container").and_then(|c| {
            c.as_str()
                .or_else(|| c.get("image").and_then(Node::as_str))
                .map(str::to_string)
        });
        Some(Job {
            id: id.to_string(),
            key_span,
            span: key_span.join(node.span),
            name: node.get("name").and_then(Node::as_str).map(str::to_string),
            needs,
            has_matrix: node.path(&["strategy", "matrix"]).is_some(),
            timeout: node.entry("timeout-minutes").map(|e| e.key.span),
            environment,
            has_services: node.get("services").is_some_and(Node::is_map),
            container,
            condition: node.get("if").and_then(Node::as_str).map(str::to_string),
            permissions: node.entry("permissions").map(permissions),
            concurrency: node.entry("concurrency").map(|e| e.key.span),
            env: env_of(node),
            uses: node
                .get("uses")
                .and_then(|u| Some(ActionRef::parse(u.as_str()?, u.span))),
            steps: steps(node.get("steps")),
            node: node.clone(),
        })
    }

    /// Job id and display name, for matching words like `deploy` or `e2e`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{} {}", self.id, name),
            None => self.id.clone(),
        }
    }
}

pub(crate) fn steps(node: Option<&Node>) -> Vec<Step> {
    node.map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter(|s| s.is_map())
        .map(|s| Step {
            span: s.span,
            name: s.get("name").and_then(Node::as_str).map(str::to_string),
            uses: s
                .get("uses")
                .and_then(|u| Some(ActionRef::parse(u.as_str()?, u.span))),
            run: s.get("run").and_then(|r| {
                Some(Script {
                    text: r.as_str()?.to_string(),
                    span: r.span,
                })
            }),
            with: s
                .get("with")
                .map(Node::string_entries)
                .into_iter()
                .flatten()
                .map(|(k, _, v)| (k.to_string(), v.clone()))
                .collect(),
            env: env_of(s),
            condition: s.get("if").and_then(Node::as_str).map(str::to_string),
        })
        .collect()
}

/// An `env:` mapping as written (values stay unevaluated).
fn env_of(node: &Node) -> Vec<(String, String)> {
    node.get("env")
        .map(Node::string_entries)
        .into_iter()
        .flatten()
        .filter_map(|(k, _, v)| Some((k.to_string(), v.as_str()?.to_string())))
        .collect()
}

impl ActionFile {
    pub fn from_document(file: FileId, root: &Node) -> Option<ActionFile> {
        let runs = root.get("runs").filter(|r| r.is_map())?;
        Some(ActionFile {
            file,
            using: runs.get("using").and_then(Node::as_str).map(str::to_string),
            steps: steps(runs.get("steps")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn workflow(text: &str) -> Workflow {
        let doc = yaml::parse(text).unwrap().documents.remove(0);
        Workflow::from_document(0, doc).unwrap()
    }

    #[test]
    fn triggers_in_every_form() {
        assert_eq!(workflow("on: push\njobs: {}\n").triggers[0].event, "push");
        let w = workflow("on: [push, pull_request]\njobs: {}\n");
        assert_eq!(w.triggers.len(), 2);
        let w = workflow(
            "on:\n  push:\n    paths: ['src/**']\n  schedule:\n    - cron: '0 3 * * *'\n  workflow_dispatch:\njobs: {}\n",
        );
        assert!(w.trigger("push").unwrap().path_filtered);
        assert_eq!(w.trigger("schedule").unwrap().crons, ["0 3 * * *"]);
        assert!(w.trigger("workflow_dispatch").is_some());
    }

    #[test]
    fn jobs_steps_and_refs() {
        let w = workflow(
            "on: push\nenv:\n  CI: true\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    timeout-minutes: 10\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4\n      - uses: github/codeql-action/init@v3\n      - run: make test\n  deploy:\n    needs: build\n    environment:\n      name: prod\n    uses: org/repo/.github/workflows/deploy.yml@main\n",
        );
        let build = w.job("build").unwrap();
        assert!(build.timeout.is_some());
        assert!(build.steps[0].uses.as_ref().unwrap().is_pinned());
        let codeql = build.steps[1].uses.as_ref().unwrap();
        assert!(!codeql.is_pinned());
        assert!(codeql.is("github/codeql-action"));
        assert!(!codeql.is("github/codeql"));
        assert_eq!(codeql.repo, "github/codeql-action");
        assert_eq!(build.steps[2].run.as_ref().unwrap().text, "make test");
        assert_eq!(w.env, [("CI".to_string(), "true".to_string())]);
        let deploy = w.job("deploy").unwrap();
        assert_eq!(deploy.environment.as_ref().unwrap().0, "prod");
        assert_eq!(deploy.needs, ["build"]);
        assert!(deploy.uses.is_some());
        assert_eq!(w.dependents("build").len(), 1);
        assert!(matches!(
            w.permissions.as_ref().unwrap().kind,
            PermissionsKind::Scopes(_)
        ));
    }

    #[test]
    fn local_and_docker_actions() {
        let local = ActionRef::parse("./.github/actions/setup", Span::default());
        assert_eq!(local.kind, ActionKind::Local);
        assert!(local.is_pinned());
        let docker = ActionRef::parse("docker://alpine:3.20", Span::default());
        assert!(!docker.is_pinned());
        let docker = ActionRef::parse("docker://alpine@sha256:abc", Span::default());
        assert!(docker.is_pinned());
    }
}
