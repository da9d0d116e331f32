//! The rule engine: the `Rule` trait, the context that stamps catalog metadata on findings
//! and records every subject evaluated, and the explicit registry.

pub mod ci;
pub mod compose;
pub mod cross;
pub mod dockerfile;
pub mod general;
pub mod gha;
pub mod haproxy;
pub mod iac;
pub mod k8s;
pub mod nginx;
pub mod obs;
pub mod values;

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::catalog::{self, RuleMeta};
use crate::finding::{Finding, Related, bounded, bounded_key};
use crate::model::compose::{ComposeFile, ComposeService};
use crate::model::k8s::K8sObject;
use crate::model::{DockerfileUnit, Project};
use crate::parse::FileId;
use crate::parse::span::Span;

/// A rule implements only the hooks for the inputs it reads. Per-input hooks see one unit at a
/// time; `check_project` is for rules that compare files with each other.
pub trait Rule: Send + Sync {
    fn check_dockerfile(&self, _unit: &DockerfileUnit, _project: &Project, _cx: &mut Cx<'_>) {}
    fn check_compose(&self, _compose: &ComposeFile, _project: &Project, _cx: &mut Cx<'_>) {}
    fn check_k8s(&self, _object: &K8sObject, _project: &Project, _cx: &mut Cx<'_>) {}
    fn check_project(&self, _project: &Project, _cx: &mut Cx<'_>) {}
}

/// What one rule produced over the whole project.
#[derive(Debug, Clone)]
pub struct RuleOutcome {
    pub meta: &'static RuleMeta,
    /// Every subject the rule judged, failing or not: the score's denominator.
    pub evaluated: BTreeSet<String>,
    pub findings: Vec<Finding>,
    /// Wall time the rule took, for `--timings`.
    pub elapsed: std::time::Duration,
}

/// Handed to a rule for one run; rules cannot misspell their id or invent a severity.
pub struct Cx<'a> {
    pub meta: &'static RuleMeta,
    project: &'a Project,
    /// Collected in any order and with repeats; sorted into a set once, when the rule is done.
    evaluated: Vec<String>,
    findings: Vec<Finding>,
}

impl<'a> Cx<'a> {
    pub fn new(meta: &'static RuleMeta, project: &'a Project) -> Self {
        Cx {
            meta,
            project,
            evaluated: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// Records that `subject` was judged by this rule (and so counts in its pass ratio).
    pub fn evaluate(&mut self, subject: impl Into<String>) {
        self.evaluated.push(bounded_key(subject.into()));
    }

    /// Reports a failure of `subject` at `span` in `file`. The subject counts as evaluated.
    pub fn report(
        &mut self,
        subject: impl Into<String>,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Finding {
        let subject = bounded_key(subject.into());
        self.evaluated.push(subject.clone());
        let source = self.project.file(file);
        let start = source.lines.position(&source.text, span.start);
        let end = source.lines.position(&source.text, span.end);
        self.findings.push(Finding {
            rule: self.meta.id.clone(),
            category: self.meta.category,
            severity: self.meta.severity,
            message: bounded(message.into()),
            subject,
            path: source.path.clone(),
            span,
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            related: Vec::new(),
            suggestion: None,
        });
        self.findings
            .last_mut()
            .expect("internal error: a finding was just pushed")
    }

    /// A related location for the finding just reported.
    pub fn related(&self, file: FileId, span: Span, label: impl Into<String>) -> Related {
        let source = self.project.file(file);
        let pos = source.lines.position(&source.text, span.start);
        Related {
            path: source.path.clone(),
            span,
            line: pos.line,
            column: pos.column,
            label: bounded(label.into()),
        }
    }

    /// The catalog's snippet for `system` (`github`, `gitlab`), to attach to a finding.
    pub fn snippet(&self, system: &str) -> Option<String> {
        self.meta
            .snippets
            .get(system)
            .map(|s| s.trim_end().to_string() + "\n")
    }

    /// The finding most recently reported, to add related locations after the fact.
    pub fn last_finding(&mut self) -> Option<&mut Finding> {
        self.findings.last_mut()
    }

    pub fn finish(mut self) -> RuleOutcome {
        self.evaluated.sort_unstable();
        self.evaluated.dedup();
        RuleOutcome {
            meta: self.meta,
            evaluated: self.evaluated.into_iter().collect(),
            findings: self.findings,
            elapsed: std::time::Duration::ZERO,
        }
    }
}

/// Subject keys: stable names for what a rule judged, used by scoring and baselines.
pub fn dockerfile_subject(project: &Project, unit: &DockerfileUnit) -> String {
    project.path(unit.file).to_string()
}

pub fn compose_subject(
    project: &Project,
    compose: &ComposeFile,
    service: &ComposeService,
) -> String {
    format!("{}#services.{}", project.path(compose.file), service.name)
}

pub fn k8s_subject(project: &Project, object: &K8sObject) -> String {
    // Built without `format!`: a subject is made for every object every Kubernetes rule judges.
    [project.path(object.file), "#", &object.subject()].concat()
}

pub const PROJECT_SUBJECT: &str = "project";

type Entry = (&'static str, &'static dyn Rule);

/// Every rule, sorted by id. Each kind's module lists its own rules explicitly in `RULES`;
/// a test checks the whole list against the catalog.
pub fn registry() -> &'static [Entry] {
    static REGISTRY: std::sync::OnceLock<Vec<Entry>> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut all: Vec<Entry> = [
            ci::RULES,
            compose::RULES,
            cross::RULES,
            dockerfile::RULES,
            general::RULES,
            gha::RULES,
            haproxy::RULES,
            iac::RULES,
            k8s::RULES,
            nginx::RULES,
            obs::RULES,
        ]
        .concat();
        all.sort_by_key(|(id, _)| *id);
        all
    })
}

/// Runs every rule `selected` accepts over the project, in parallel.
pub fn run(project: &Project, selected: &(dyn Fn(&str) -> bool + Sync)) -> Vec<RuleOutcome> {
    registry()
        .par_iter()
        .filter(|(id, _)| selected(id))
        .map(|(id, rule)| {
            let meta = catalog::lookup(id)
                .unwrap_or_else(|| panic!("internal error: rule {id} has no catalog entry"));
            let started = std::time::Instant::now();
            let mut cx = Cx::new(meta, project);
            for unit in &project.dockerfiles {
                rule.check_dockerfile(unit, project, &mut cx);
            }
            for compose in &project.compose {
                rule.check_compose(compose, project, &mut cx);
            }
            for object in &project.k8s {
                rule.check_k8s(object, project, &mut cx);
            }
            rule.check_project(project, &mut cx);
            RuleOutcome {
                elapsed: started.elapsed(),
                ..cx.finish()
            }
        })
        .collect()
}
