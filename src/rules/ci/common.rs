//! What CI/CD rules share: where project-level findings go, subjects, and deploy jobs.

use std::collections::HashSet;

use crate::kind::FileKind;
use crate::model::Project;
use crate::model::ci::capability::{Capability, Evidence};
use crate::model::ci::github::Workflow;
use crate::model::ci::{CiSystem, is_live_workflow};
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::rules::{Cx, PROJECT_SUBJECT};

/// Reports a project-level finding at the pipeline's main location, with the snippet for the
/// CI system the repository uses. Does nothing when there is no pipeline to point at.
pub fn report_missing(project: &Project, cx: &mut Cx<'_>, message: String) {
    let Some((file, span)) = project.ci.main_location(&project.files) else {
        return;
    };
    report_with_snippet(project, cx, file, span, message);
}

/// Reports a project-level finding at `file`/`span` with the snippet for this repository's CI.
pub fn report_with_snippet(
    project: &Project,
    cx: &mut Cx<'_>,
    file: FileId,
    span: Span,
    message: String,
) {
    let snippet = match project.ci.system() {
        Some(CiSystem::Github) => cx.snippet("github"),
        Some(CiSystem::Gitlab) => cx.snippet("gitlab"),
        _ => None,
    };
    cx.report(PROJECT_SUBJECT, file, span, message).suggestion = snippet;
}

/// Workflows that GitHub runs (under `.github/workflows/`).
pub fn live_workflows(project: &Project) -> impl Iterator<Item = &Workflow> {
    project
        .ci
        .workflows
        .iter()
        .filter(|w| is_live_workflow(&project.files, w.file))
}

/// The live workflow a trigger finding points at: the one with the most jobs.
pub fn main_workflow(project: &Project) -> Option<&Workflow> {
    live_workflows(project).max_by_key(|w| {
        let validates = w.trigger("pull_request").is_some() || w.trigger("push").is_some();
        (validates, w.jobs.len(), std::cmp::Reverse(w.file))
    })
}

pub fn job_subject(project: &Project, file: FileId, job: &str) -> String {
    format!("{}#jobs.{job}", project.path(file))
}

pub fn step_subject(project: &Project, file: FileId, job: &str, index: usize) -> String {
    format!("{}#jobs.{job}.steps[{index}]", project.path(file))
}

/// The repository's CI jobs phrased for the system in use, for messages. Always plural:
/// messages go on with "have no …" and "never build …".
pub fn pipeline_name(project: &Project) -> &'static str {
    match project.ci.system() {
        Some(CiSystem::Github) => "the GitHub Actions workflows",
        Some(CiSystem::Gitlab) => "the GitLab CI jobs",
        _ => "the CI jobs",
    }
}

/// The repository holds something that gets deployed: its readiness depends on a pipeline.
pub fn has_deployables(project: &Project) -> bool {
    !project.dockerfiles.is_empty()
        || !project.compose.is_empty()
        || !project.k8s.is_empty()
        || project.files.iter().any(|f| {
            matches!(
                f.kind,
                FileKind::HelmChart | FileKind::Kustomization | FileKind::Terraform
            )
        })
}

/// The repository describes a runtime environment (Kubernetes, Helm, Kustomize, Terraform)
/// that a pipeline is expected to deploy.
pub fn has_deploy_targets(project: &Project) -> bool {
    project.k8s.iter().any(|o| o.is_workload())
        || project.files.iter().any(|f| {
            matches!(
                f.kind,
                FileKind::HelmChart | FileKind::Kustomization | FileKind::Terraform
            )
        })
}

/// A job that deploys, in either CI system.
pub struct DeployJob<'a> {
    pub file: FileId,
    pub name: &'a str,
    pub key_span: Span,
    /// The evidence that makes it a deploy job.
    pub evidence: &'a Evidence,
    pub system: CiSystem,
}

/// Every job with deploy evidence, once each, in file order.
pub fn deploy_jobs(project: &Project) -> Vec<DeployJob<'_>> {
    let mut out: Vec<DeployJob<'_>> = Vec::new();
    for evidence in project.ci.capabilities.of(Capability::Deploy) {
        let Some((file, name)) = &evidence.job else {
            continue;
        };
        if out.iter().any(|d| d.file == *file && d.name == name) {
            continue;
        }
        if let Some(w) = project.ci.workflows.iter().find(|w| w.file == *file)
            && let Some(job) = w.job(name)
        {
            out.push(DeployJob {
                file: *file,
                name: &job.id,
                key_span: job.key_span,
                evidence,
                system: CiSystem::Github,
            });
            continue;
        }
        for p in &project.ci.gitlab {
            if let Some(job) = p.jobs.iter().find(|j| j.file == *file && j.name == *name) {
                out.push(DeployJob {
                    file: *file,
                    name: &job.name,
                    key_span: job.key_span,
                    evidence,
                    system: CiSystem::Gitlab,
                });
                break;
            }
        }
    }
    out.sort_by_key(|d| (d.file, d.key_span.start));
    out
}

/// The jobs that show one capability, gathered once so that judging each deploy job does not
/// walk all the evidence again.
pub struct EvidencedJobs {
    jobs: HashSet<(FileId, String)>,
    /// Evidence from Kubernetes objects, which applies to every deploy.
    anywhere: bool,
}

impl EvidencedJobs {
    pub fn of(project: &Project, capability: Capability) -> EvidencedJobs {
        let mut jobs = HashSet::new();
        let mut anywhere = false;
        for e in project.ci.capabilities.of(capability) {
            match &e.job {
                Some(job) => {
                    jobs.insert(job.clone());
                }
                None => anywhere |= is_k8s_evidence(project, e),
            }
        }
        EvidencedJobs { jobs, anywhere }
    }
}

/// Whether the capability `shown` gathers shows in the deploy job itself or in a job that runs
/// after it.
pub fn in_job_or_after(project: &Project, deploy: &DeployJob<'_>, shown: &EvidencedJobs) -> bool {
    if shown.anywhere {
        return true;
    }
    let mut jobs: Vec<(FileId, String)> = vec![(deploy.file, deploy.name.to_string())];
    match deploy.system {
        CiSystem::Github => {
            if let Some(w) = project.ci.workflows.iter().find(|w| w.file == deploy.file) {
                jobs.extend(
                    w.dependents(deploy.name)
                        .into_iter()
                        .map(|j| (w.file, j.id.clone())),
                );
            }
        }
        CiSystem::Gitlab => {
            for p in &project.ci.gitlab {
                if let Some(job) = p
                    .jobs
                    .iter()
                    .find(|j| j.file == deploy.file && j.name == deploy.name)
                {
                    jobs.extend(p.after(job).map(|j| (j.file, j.name.clone())));
                }
            }
        }
        CiSystem::Other => {}
    }
    jobs.iter().any(|j| shown.jobs.contains(j))
}

/// Evidence from Kubernetes objects (Argo Rollouts analysis, Flagger) applies to every deploy.
fn is_k8s_evidence(project: &Project, evidence: &Evidence) -> bool {
    project.file(evidence.file).kind == FileKind::Kubernetes
}
