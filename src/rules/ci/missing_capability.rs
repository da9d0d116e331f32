//! Pipelines that lack a whole kind of work: static analysis, security or dependency scanning,
//! license checks, tests and coverage, integration tests, benchmarks, caching, parallelism,
//! image publishing, rollback and progressive delivery.

use crate::model::Project;
use crate::model::ci::capability::{Capability, Evidence};
use crate::rules::ci::common::{pipeline_name, report_missing, report_with_snippet};
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct MissingCapability {
    pub capability: Capability,
    /// Judged only where the pipeline already does this (coverage needs tests, rollback needs
    /// deploys); the finding then points at the first place it does.
    pub after: Option<Capability>,
    /// The finding's message, given the pipeline name and the `after` evidence.
    pub message: fn(&str, Option<&Evidence>) -> String,
}

impl Rule for MissingCapability {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let bots = !project.ci.dependabot.is_empty() || !project.ci.renovate.is_empty();
        let prerequisite = match self.after {
            Some(after) => match project.ci.capabilities.first(after) {
                Some(evidence) => Some(evidence),
                None => return,
            },
            None => None,
        };
        let applies = project.ci.has_pipeline()
            || prerequisite.is_some()
            || self.capability == Capability::DependencyScan && bots;
        if !applies {
            return;
        }
        if project.ci.capabilities.has(self.capability) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let message = (self.message)(pipeline_name(project), prerequisite);
        match prerequisite {
            Some(at) => report_with_snippet(project, cx, at.file, at.span, message),
            None => report_missing(project, cx, message),
        }
    }
}

fn what(evidence: Option<&Evidence>) -> &str {
    evidence.map_or("", |e| e.what.trim_matches('"'))
}

pub const STATIC_ANALYSIS: MissingCapability = MissingCapability {
    capability: Capability::StaticAnalysis,
    after: None,
    message: |ci, _| {
        format!(
            "{ci} have no static analysis step (such as SonarQube, CodeQL, golangci-lint, ruff, eslint or clippy)"
        )
    },
};

pub const SECURITY_SCAN: MissingCapability = MissingCapability {
    capability: Capability::SecurityScan,
    after: None,
    message: |ci, _| {
        format!("{ci} have no security scanning (such as CodeQL, Semgrep, Snyk or Trivy)")
    },
};

pub const DEPENDENCY_SCAN: MissingCapability = MissingCapability {
    capability: Capability::DependencyScan,
    after: None,
    message: |ci, _| {
        format!(
            "{ci} have no dependency vulnerability scanning (such as Dependabot, Renovate, npm audit, pip-audit, cargo audit or osv-scanner)"
        )
    },
};

pub const LICENSE_CHECK: MissingCapability = MissingCapability {
    capability: Capability::LicenseCheck,
    after: None,
    message: |ci, _| {
        format!(
            "{ci} have no license compliance check (such as FOSSA, license-checker, cargo-deny or pip-licenses)"
        )
    },
};

pub const TESTS: MissingCapability = MissingCapability {
    capability: Capability::Tests,
    after: None,
    message: |ci, _| {
        format!(
            "{ci} have no test step (such as pytest, go test, cargo test, npm test or mvn verify)"
        )
    },
};

pub const COVERAGE: MissingCapability = MissingCapability {
    capability: Capability::Coverage,
    after: Some(Capability::Tests),
    message: |_, tests| {
        format!(
            "tests run in CI (`{}`) but coverage is neither measured nor reported, so untested code merges unnoticed",
            what(tests)
        )
    },
};

pub const INTEGRATION_TESTS: MissingCapability = MissingCapability {
    capability: Capability::IntegrationTests,
    after: None,
    message: |ci, _| {
        format!(
            "{ci} have no integration or end-to-end tests (such as a job that starts the services and runs an integration suite, Cypress or Playwright)"
        )
    },
};

pub const BENCHMARKS: MissingCapability = MissingCapability {
    capability: Capability::Benchmarks,
    after: None,
    message: |ci, _| {
        format!(
            "{ci} have no performance benchmarks (such as cargo bench, go test -bench, pytest-benchmark or a k6 load test)"
        )
    },
};

pub const CACHE: MissingCapability = MissingCapability {
    capability: Capability::Cache,
    after: None,
    message: |ci, _| {
        format!(
            "{ci} have no dependency or build caching (such as actions/cache, setup-* `cache:`, buildx `cache-from` or GitLab `cache:`)"
        )
    },
};

pub const PARALLELISM: MissingCapability = MissingCapability {
    capability: Capability::Parallelism,
    after: None,
    message: |ci, _| {
        format!(
            "{ci} have no parallel execution (such as independent jobs, a build matrix or GitLab `parallel:`)"
        )
    },
};

pub const IMAGE_PUBLISHED: MissingCapability = MissingCapability {
    capability: Capability::ImagePush,
    after: Some(Capability::ImageBuild),
    message: |_, build| {
        format!(
            "CI builds images (`{}`) but never pushes them to a registry, so what gets deployed is not what CI built and tested",
            what(build)
        )
    },
};

pub const ROLLBACK: MissingCapability = MissingCapability {
    capability: Capability::Rollback,
    after: Some(Capability::Deploy),
    message: |_, deploy| {
        format!(
            "releases are deployed (`{}`) but there is no rollback path: no `helm rollback`/`--atomic`, `kubectl rollout undo`, rollback job or automatic rollback (Argo Rollouts, Flagger)",
            what(deploy)
        )
    },
};

pub const PROGRESSIVE_DELIVERY: MissingCapability = MissingCapability {
    capability: Capability::ProgressiveDelivery,
    after: Some(Capability::Deploy),
    message: |_, deploy| {
        format!(
            "releases go to every user at once (`{}`): no canary, blue-green or progressive rollout limits the blast radius of a bad release",
            what(deploy)
        )
    },
};
