//! GitHub Actions hygiene: pinning, token permissions, script injection, dangerous triggers
//! and timeouts.

mod excessive_permissions;
mod job_without_timeout;
mod missing_permissions;
mod pull_request_target_checkout;
mod template_injection;
mod unpinned_action;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    (
        "gha-excessive-permissions",
        &excessive_permissions::GhaExcessivePermissions,
    ),
    (
        "gha-job-without-timeout",
        &job_without_timeout::GhaJobWithoutTimeout,
    ),
    (
        "gha-missing-permissions",
        &missing_permissions::GhaMissingPermissions,
    ),
    (
        "gha-pull-request-target-checkout",
        &pull_request_target_checkout::GhaPullRequestTargetCheckout,
    ),
    (
        "gha-template-injection",
        &template_injection::GhaTemplateInjection,
    ),
    ("gha-unpinned-action", &unpinned_action::GhaUnpinnedAction),
];
