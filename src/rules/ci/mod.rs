//! CI/CD rules over GitHub Actions and GitLab CI: triggers, capabilities and deployments.

pub mod common;
mod deploy_without_concurrency;
mod deploy_without_verification;
mod environment_deploy;
pub mod missing_capability;
mod missing_path_filters;
mod missing_pipeline;
mod triggers;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    (
        "ci-deploy-without-concurrency",
        &deploy_without_concurrency::CiDeployWithoutConcurrency,
    ),
    (
        "ci-deploy-without-verification",
        &deploy_without_verification::CiDeployWithoutVerification,
    ),
    ("ci-missing-benchmarks", &missing_capability::BENCHMARKS),
    ("ci-missing-cache", &missing_capability::CACHE),
    ("ci-missing-coverage", &missing_capability::COVERAGE),
    (
        "ci-missing-dependency-scan",
        &missing_capability::DEPENDENCY_SCAN,
    ),
    (
        "ci-missing-environment-deploy",
        &environment_deploy::CiMissingEnvironmentDeploy,
    ),
    (
        "ci-missing-integration-tests",
        &missing_capability::INTEGRATION_TESTS,
    ),
    (
        "ci-missing-license-check",
        &missing_capability::LICENSE_CHECK,
    ),
    ("ci-missing-parallelism", &missing_capability::PARALLELISM),
    (
        "ci-missing-path-filters",
        &missing_path_filters::CiMissingPathFilters,
    ),
    ("ci-missing-pipeline", &missing_pipeline::CiMissingPipeline),
    ("ci-missing-pr-trigger", &triggers::PR),
    (
        "ci-missing-progressive-delivery",
        &missing_capability::PROGRESSIVE_DELIVERY,
    ),
    ("ci-missing-push-trigger", &triggers::PUSH),
    ("ci-missing-rollback", &missing_capability::ROLLBACK),
    ("ci-missing-scheduled-run", &triggers::SCHEDULE),
    (
        "ci-missing-security-scan",
        &missing_capability::SECURITY_SCAN,
    ),
    (
        "ci-missing-static-analysis",
        &missing_capability::STATIC_ANALYSIS,
    ),
    ("ci-missing-tests", &missing_capability::TESTS),
];
