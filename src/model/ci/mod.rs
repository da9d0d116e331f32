//! The CI/CD model: GitHub Actions workflows and actions, GitLab CI pipelines, dependency bots,
//! other CI files, and the capabilities all of them show together.

pub mod capability;
pub mod github;
pub mod gitlab;

use capability::{Capabilities, Capability, Collector};
use github::{ActionFile, Script, Workflow};
use gitlab::{Pipeline, PipelineFile};
use rayon::prelude::*;

use crate::kind::FileKind;
use crate::model::k8s::K8sObject;
use crate::parse::span::Span;
use crate::parse::yaml::Node;
use crate::parse::{FileId, ParseFailure, SourceFile};

/// Which CI system a snippet should be written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiSystem {
    Github,
    Gitlab,
    Other,
}

#[derive(Debug, Default)]
pub struct Ci {
    pub workflows: Vec<Workflow>,
    pub actions: Vec<ActionFile>,
    pub gitlab: Vec<Pipeline>,
    /// `.github/dependabot.yml` files and the span of their `updates:`.
    pub dependabot: Vec<(FileId, Span)>,
    pub renovate: Vec<FileId>,
    /// Jenkins, CircleCI, Travis, Azure, Bitbucket, Drone: read as text only.
    pub other: Vec<FileId>,
    pub capabilities: Capabilities,
    /// Files of a CI kind whose YAML parsed but is not that kind's structure (a workflow with
    /// no `jobs:`, an action with no `runs:`): reported as located parse errors.
    pub invalid: Vec<ParseFailure>,
    /// Files a GitLab pipeline includes, sorted: GitLab CI whatever their name says.
    pub included_gitlab: Vec<FileId>,
}

/// GitHub environments that publish packages or documentation rather than deploy a service.
const PUBLISH_ENVIRONMENTS: &[&str] = &[
    "release",
    "releases",
    "publish",
    "copilot",
    "pages",
    "github-pages",
];

/// Words that make an environment a package registry, an image registry or a documentation
/// site wherever they appear in its name (`pypi-test`, `npm-publish`, `crates.io`): a release
/// goes to them, and canaries, health checks and rollbacks do not apply.
const PUBLISH_ENVIRONMENT_WORDS: &[&str] = &[
    "chromatic",
    "codecov",
    "conda",
    "crates",
    "dockerhub",
    "docs",
    "documentation",
    "gem",
    "gems",
    "ghcr",
    "hex",
    "homebrew",
    "jsr",
    "maven",
    "npm",
    "npmjs",
    "nuget",
    "ossrh",
    "pypi",
    "readthedocs",
    "rubygems",
    "snapcraft",
    "sonatype",
    "testpypi",
];

/// A CI file modelled on its own, before the pass that files it.
enum Alone {
    Workflow(Option<Workflow>),
    Action(Option<ActionFile>),
}

impl Ci {
    /// Builds the model from the parsed YAML of CI kinds, taking those documents out of `yaml`.
    /// Local GitLab includes found among the remaining documents become part of their pipeline.
    /// Builds the CI model from the parsed YAML it owns (taken out of `yaml`). Files a GitLab
    /// pipeline includes are GitLab CI too: they are listed in `included_gitlab` for the caller
    /// to re-kind, so this can run beside other readers of `files`.
    pub fn build(files: &[SourceFile], yaml: &mut Vec<(FileId, Vec<Node>)>) -> Ci {
        let mut ci = Ci::default();
        let (mine, rest): (Vec<_>, Vec<_>) =
            std::mem::take(yaml).into_iter().partition(|(f, _)| {
                matches!(
                    files[*f].kind,
                    FileKind::GithubWorkflow
                        | FileKind::GithubAction
                        | FileKind::Dependabot
                        | FileKind::GitlabCi
                )
            });
        *yaml = rest;
        let mut included: Vec<FileId> = Vec::new();
        // Workflows and actions stand alone: they are modelled in parallel, and filed below in
        // file order with the rest.
        let mut alone: Vec<Option<Alone>> = mine
            .par_iter()
            .map(|(file, docs)| {
                let doc = docs.iter().find(|d| d.is_map())?;
                match files[*file].kind {
                    FileKind::GithubWorkflow => {
                        Some(Alone::Workflow(Workflow::from_document(*file, doc.clone())))
                    }
                    FileKind::GithubAction => {
                        Some(Alone::Action(ActionFile::from_document(*file, doc)))
                    }
                    _ => None,
                }
            })
            .collect();
        for ((file, docs), alone) in mine.iter().zip(&mut alone) {
            let kind = files[*file].kind;
            let Some(doc) = docs.iter().find(|d| d.is_map()) else {
                if kind != FileKind::GitlabCi {
                    ci.invalid.push(ParseFailure {
                        file: *file,
                        message: format!("expected a {} mapping, found none", kind.name()),
                        offset: docs.first().map_or(0, |d| d.span.start),
                    });
                }
                continue;
            };
            match kind {
                FileKind::GithubWorkflow => match alone.take() {
                    Some(Alone::Workflow(Some(w))) => ci.workflows.push(w),
                    _ => ci.invalid.push(ParseFailure {
                        file: *file,
                        message: "not a GitHub Actions workflow: it has no `jobs:` mapping".into(),
                        offset: doc.span.start,
                    }),
                },
                FileKind::GithubAction => match alone.take() {
                    Some(Alone::Action(Some(a))) => ci.actions.push(a),
                    _ => ci.invalid.push(ParseFailure {
                        file: *file,
                        message: "not a GitHub Action: it has no `runs:` mapping".into(),
                        offset: doc.span.start,
                    }),
                },
                FileKind::Dependabot => {
                    let span = doc.entry("updates").map_or(doc.span, |e| e.key.span);
                    ci.dependabot.push((*file, span));
                }
                FileKind::GitlabCi => {
                    let is_root = files[*file]
                        .path
                        .rsplit('/')
                        .next()
                        .is_some_and(|n| n.starts_with(".gitlab-ci."));
                    if !is_root {
                        continue;
                    }
                    let lookup = |target: &str| -> Vec<PipelineFile<'_>> {
                        rest_or_mine(files, yaml, &mine, target)
                    };
                    let pipeline = Pipeline::build(
                        PipelineFile {
                            file: *file,
                            path: &files[*file].path,
                            doc,
                        },
                        &lookup,
                    );
                    included.extend(pipeline.included.iter().copied());
                    ci.gitlab.push(pipeline);
                }
                _ => {}
            }
        }
        included.sort_unstable();
        included.dedup();
        yaml.retain(|(f, _)| {
            files[*f].kind != FileKind::GitlabCi && included.binary_search(f).is_err()
        });
        ci.included_gitlab = included;
        ci.renovate = kinds(files, FileKind::Renovate);
        ci.other = kinds(files, FileKind::OtherCi);
        ci.collect(files);
        ci
    }

    /// True when any CI pipeline file is in the repository.
    pub fn has_pipeline(&self) -> bool {
        !self.workflows.is_empty() || !self.gitlab.is_empty() || !self.other.is_empty()
    }

    /// The system most of the pipeline lives in.
    pub fn system(&self) -> Option<CiSystem> {
        if !self.workflows.is_empty() && self.workflows.len() >= self.gitlab.len() {
            Some(CiSystem::Github)
        } else if !self.gitlab.is_empty() {
            Some(CiSystem::Gitlab)
        } else if !self.other.is_empty() {
            Some(CiSystem::Other)
        } else {
            None
        }
    }

    /// Where a missing step belongs: the `jobs:` of the main GitHub workflow (the one run on
    /// pull requests or pushes with the most jobs), else the GitLab pipeline's `stages:`.
    pub fn main_location(&self, files: &[SourceFile]) -> Option<(FileId, Span)> {
        let main = self
            .workflows
            .iter()
            .filter(|w| is_live_workflow(files, w.file))
            .max_by_key(|w| {
                let validates = w.trigger("pull_request").is_some() || w.trigger("push").is_some();
                (validates, w.jobs.len(), std::cmp::Reverse(w.file))
            });
        match (self.system(), main) {
            (Some(CiSystem::Github), Some(w)) => Some((w.file, w.jobs_span)),
            _ => self
                .gitlab
                .first()
                .map(|p| (p.file, p.anchor))
                .or_else(|| self.other.first().map(|f| (*f, Span::empty(0)))),
        }
    }

    fn collect(&mut self, files: &[SourceFile]) {
        let mut caps = Capabilities::default();
        // Reading every step's script is most of CI modelling: workflows and actions are read in
        // parallel, and their evidence joined in file order, as one loop would have pushed it.
        let per_workflow: Vec<Capabilities> = self
            .workflows
            .par_iter()
            .map(|w| workflow_capabilities(files, w))
            .collect();
        let per_action: Vec<Capabilities> = self
            .actions
            .par_iter()
            .map(|a| {
                let mut caps = Capabilities::default();
                let mut c = Collector {
                    caps: &mut caps,
                    file: a.file,
                    job: None,
                    text: &files[a.file].text,
                };
                for step in &a.steps {
                    c.step(step);
                }
                caps
            })
            .collect();
        for found in per_workflow.into_iter().chain(per_action) {
            caps.append(found);
        }
        for p in &self.gitlab {
            for include in &p.includes {
                let text = &files[include.file].text;
                let mut c = Collector {
                    caps: &mut caps,
                    file: include.file,
                    job: None,
                    text,
                };
                c.template(&include.target, include.span);
            }
            let mut per_stage: std::collections::BTreeMap<&str, usize> = Default::default();
            for job in &p.jobs {
                *per_stage
                    .entry(job.stage.as_deref().unwrap_or("test"))
                    .or_default() += 1;
                let text = &files[job.file].text;
                let mut c = Collector {
                    caps: &mut caps,
                    file: job.file,
                    job: Some(job.name.clone()),
                    text,
                };
                c.job_name(job.label(), job.key_span, !job.scripts.is_empty());
                if let Some((image, span)) = &job.image {
                    c.image(image, *span);
                }
                for (service, span) in &job.services {
                    c.image(service, *span);
                }
                for script in &job.scripts {
                    c.script(script);
                }
                if let Some((env, span)) = &job.environment
                    && !matches!(
                        job.environment_action.as_deref(),
                        Some("stop" | "prepare" | "access" | "verify")
                    )
                    && is_deploy_environment(env, job.label())
                {
                    c.evidence(Capability::Deploy, *span, format!("environment {env}"));
                }
                if job.has_cache {
                    let span = job.node.entry("cache").map_or(job.key_span, |e| e.key.span);
                    c.evidence(Capability::Cache, span, "cache");
                }
                if job.parallel {
                    let span = job
                        .node
                        .entry("parallel")
                        .map_or(job.key_span, |e| e.key.span);
                    c.evidence(Capability::Parallelism, span, "parallel");
                }
                if has_changes_rule(&job.node) {
                    c.evidence(Capability::PathFilter, job.key_span, "rules: changes");
                }
                if let Some(coverage) = job.node.entry("coverage") {
                    c.evidence(Capability::Coverage, coverage.key.span, "coverage regex");
                }
                if let Some(reports) = job.node.path(&["artifacts", "reports"])
                    && (reports.get("coverage_report").is_some()
                        || reports.get("cobertura").is_some())
                {
                    c.evidence(Capability::Coverage, reports.span, "coverage report");
                }
            }
            if let Some((stage, _)) = per_stage.iter().find(|(_, n)| **n >= 2) {
                let mut c = Collector {
                    caps: &mut caps,
                    file: p.file,
                    job: None,
                    text: &files[p.file].text,
                };
                c.evidence(
                    Capability::Parallelism,
                    p.anchor,
                    format!("several jobs in stage {stage}"),
                );
            }
        }
        for (file, span) in &self.dependabot {
            caps.push(capability::Evidence {
                capability: Capability::DependencyScan,
                file: *file,
                span: *span,
                what: "Dependabot".into(),
                job: None,
            });
        }
        for file in &self.renovate {
            caps.push(capability::Evidence {
                capability: Capability::DependencyScan,
                file: *file,
                span: Span::empty(0),
                what: "Renovate".into(),
                job: None,
            });
        }
        for file in &self.other {
            let text = &files[*file].text;
            let mut c = Collector {
                caps: &mut caps,
                file: *file,
                job: None,
                text,
            };
            c.script(&Script {
                text: text.to_string(),
                span: Span::new(0, text.len()),
            });
        }
        self.capabilities = caps;
        self.capabilities.finish();
    }

    /// Capabilities that Kubernetes objects provide: GitOps deploys (Argo CD, Flux) and
    /// progressive delivery with automatic rollback (Argo Rollouts, Flagger).
    pub fn collect_k8s(&mut self, objects: &[K8sObject]) {
        for obj in objects {
            let group = obj.api_version.split('/').next().unwrap_or("");
            let found: &[(Capability, &str)] = match (group, obj.kind.as_str()) {
                ("argoproj.io", "Rollout") => &[
                    (Capability::ProgressiveDelivery, "Argo Rollouts"),
                    (Capability::Rollback, "Argo Rollouts automatic abort"),
                ],
                ("argoproj.io", "AnalysisTemplate" | "ClusterAnalysisTemplate") => {
                    &[(Capability::SmokeTest, "Argo Rollouts analysis")]
                }
                ("flagger.app", "Canary") => &[
                    (Capability::ProgressiveDelivery, "Flagger canary"),
                    (Capability::Rollback, "Flagger automatic rollback"),
                    (Capability::SmokeTest, "Flagger analysis"),
                ],
                ("argoproj.io", "Application" | "ApplicationSet") => {
                    &[(Capability::Deploy, "Argo CD (GitOps)")]
                }
                ("kustomize.toolkit.fluxcd.io", "Kustomization") => {
                    &[(Capability::Deploy, "Flux (GitOps)")]
                }
                ("helm.toolkit.fluxcd.io", "HelmRelease") => {
                    &[(Capability::Deploy, "Flux HelmRelease (GitOps)")]
                }
                _ => &[],
            };
            for (capability, what) in found {
                self.capabilities.push(capability::Evidence {
                    capability: *capability,
                    file: obj.file,
                    span: obj.node.span,
                    what: (*what).to_string(),
                    job: None,
                });
            }
            if group == "helm.toolkit.fluxcd.io"
                && obj.node.path(&["spec", "upgrade", "remediation"]).is_some()
            {
                self.capabilities.push(capability::Evidence {
                    capability: Capability::Rollback,
                    file: obj.file,
                    span: obj.node.span,
                    what: "Flux upgrade remediation".into(),
                    job: None,
                });
            }
        }
        self.capabilities.finish();
    }
}

fn kinds(files: &[SourceFile], kind: FileKind) -> Vec<FileId> {
    files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == kind)
        .map(|(i, _)| i)
        .collect()
}

/// Starter templates and test data hold workflows too; only `.github/workflows/` ones run.
pub fn is_live_workflow(files: &[SourceFile], file: FileId) -> bool {
    files[file].path.contains(".github/workflows/")
}

/// Environment names that stand for a place a service runs.
const DEPLOY_ENVIRONMENT_WORDS: &[&str] = &[
    "prod",
    "production",
    "staging",
    "stage",
    "stg",
    "dev",
    "development",
    "qa",
    "uat",
    "test",
    "testing",
    "preview",
    "review",
    "sandbox",
    "demo",
    "canary",
    "live",
    "preprod",
    "nonprod",
    "int",
    "integration",
    "perf",
    "beta",
    "alpha",
    "green",
    "blue",
    "eu",
    "us",
    "cluster",
    "k8s",
];

/// Jobs that hold an environment to tear it down or to gate a secret rather than to release.
const NOT_A_DEPLOY: &[&str] = &[
    "cleanup", "clean", "teardown", "destroy", "delete", "stop", "scan",
];

/// Whether a job that names environment `name` deploys: the environment is a deployment
/// target (a templated name is, as in reusable deploy workflows) or the job says it deploys,
/// and the job is not a teardown.
fn is_deploy_environment(name: &str, job_label: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if PUBLISH_ENVIRONMENTS.contains(&lower.as_str()) {
        return false;
    }
    let words = |s: &str| -> Vec<String> {
        s.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let templated = crate::parse::is_templated(name);
    let environment = words(name);
    // A template's words are code (`${{ inputs.docs && 'docs' || 'prod' }}`), not its name.
    if !templated
        && environment
            .iter()
            .any(|w| PUBLISH_ENVIRONMENT_WORDS.contains(&w.as_str()))
    {
        return false;
    }
    let label = words(job_label);
    if label.iter().any(|w| NOT_A_DEPLOY.contains(&w.as_str())) {
        return false;
    }
    templated
        || environment
            .iter()
            .any(|w| DEPLOY_ENVIRONMENT_WORDS.contains(&w.as_str()))
        || label
            .iter()
            .any(|w| w.starts_with("deploy") || w == "release" || w == "rollout" || w == "promote")
}

fn has_changes_rule(job: &Node) -> bool {
    job.get("rules")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .any(|r| r.get("changes").is_some())
        || job.path(&["only", "changes"]).is_some()
}

/// The parsed YAML of every file a local include names (GitLab paths are from the repository
/// root; `*` matches within a folder and `**` across folders).
fn rest_or_mine<'a>(
    files: &'a [SourceFile],
    rest: &'a [(FileId, Vec<Node>)],
    mine: &'a [(FileId, Vec<Node>)],
    target: &str,
) -> Vec<PipelineFile<'a>> {
    let target = crate::model::project::normalize(target);
    rest.iter()
        .chain(mine.iter())
        .filter(|(f, _)| files[*f].kind.is_yaml() && glob_matches(&target, &files[*f].path))
        .filter_map(|(f, docs)| {
            Some(PipelineFile {
                file: *f,
                path: &files[*f].path,
                doc: docs.iter().find(|d| d.is_map())?,
            })
        })
        .collect()
}

/// A small glob: `**` spans folders, `*` does not.
pub fn glob_matches(pattern: &str, path: &str) -> bool {
    fn go(p: &[u8], s: &[u8], budget: &mut usize) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match p.first() {
            None => s.is_empty(),
            Some(b'*') if p.get(1) == Some(&b'*') => {
                // `**/` starts at a folder boundary; a bare `**` spans anything.
                match p[2..].strip_prefix(b"/") {
                    Some(rest) => (0..=s.len())
                        .any(|i| (i == 0 || s[i - 1] == b'/') && go(rest, &s[i..], budget)),
                    None => (0..=s.len()).any(|i| go(&p[2..], &s[i..], budget)),
                }
            }
            Some(b'*') => (0..=s.len())
                .take_while(|&i| i == 0 || s[i - 1] != b'/')
                .any(|i| go(&p[1..], &s[i..], budget)),
            Some(c) => s.first() == Some(c) && go(&p[1..], &s[1..], budget),
        }
    }
    go(pattern.as_bytes(), path.as_bytes(), &mut 10_000)
}

/// The CI capabilities one GitHub workflow shows, in the order its jobs and steps give them.
fn workflow_capabilities(files: &[SourceFile], w: &Workflow) -> Capabilities {
    let mut caps = Capabilities::default();
    let text = &files[w.file].text;
    let mut independent = 0;
    for job in &w.jobs {
        let mut c = Collector {
            caps: &mut caps,
            file: w.file,
            job: Some(job.id.clone()),
            text,
        };
        c.job_name(
            &job.label(),
            job.key_span,
            job.steps.iter().any(|s| s.run.is_some()),
        );
        if let Some(uses) = &job.uses {
            c.action(uses);
        }
        if let Some(image) = &job.container {
            c.image(image, job.key_span);
        }
        for step in &job.steps {
            c.step(step);
        }
        if let Some((env, span)) = &job.environment
            && is_deploy_environment(env, &job.label())
        {
            c.evidence(Capability::Deploy, *span, format!("environment {env}"));
        }
        if job.has_matrix {
            let span = job
                .node
                .entry("strategy")
                .map_or(job.key_span, |e| e.key.span);
            c.evidence(Capability::Parallelism, span, "matrix");
        }
        if job.needs.is_empty() {
            independent += 1;
        }
    }
    let mut c = Collector {
        caps: &mut caps,
        file: w.file,
        job: None,
        text,
    };
    if independent >= 2 {
        c.evidence(
            Capability::Parallelism,
            w.jobs_span,
            format!("{independent} independent jobs"),
        );
    }
    for t in &w.triggers {
        if t.path_filtered {
            c.evidence(
                Capability::PathFilter,
                t.span,
                format!("{} path filter", t.event),
            );
        }
    }
    caps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches("ci/*.yml", "ci/test.yml"));
        assert!(!glob_matches("ci/*.yml", "ci/sub/test.yml"));
        assert!(glob_matches("ci/**/*.yml", "ci/sub/test.yml"));
        assert!(glob_matches("ci/**.yml", "ci/test.yml"));
        assert!(glob_matches("templates/build.yml", "templates/build.yml"));
    }

    #[test]
    fn registries_and_documentation_sites_are_not_deploy_targets() {
        for publish in [
            "pypi",
            "pypi-test",
            "test-pypi",
            "testpypi",
            "npm-publish",
            "crates.io",
            "github-pages",
            "docs-staging",
            "release",
            "readthedocs",
            "ghcr",
        ] {
            assert!(!is_deploy_environment(publish, "publish"), "{publish}");
        }
        for deploy in ["production", "staging", "prod-eu", "test"] {
            assert!(is_deploy_environment(deploy, "ship"), "{deploy}");
        }
        assert!(is_deploy_environment("${{ inputs.environment }}", "deploy"));
        assert!(is_deploy_environment("cloudflare-pages", "deploy"));
        assert!(is_deploy_environment(
            "${{ inputs.docs && 'docs' || 'production' }}",
            "ship"
        ));
        assert!(!is_deploy_environment("production", "teardown"));
    }
}
