//! Rules that compare inputs of different kinds: Dockerfiles against CI pipelines, load
//! balancers against the services behind them.

mod health_check_path_mismatch;
mod image_not_built_in_ci;
mod image_not_scanned;
mod image_not_signed;
pub(crate) mod lb_common;
mod lb_target_unknown;
mod lb_target_without_health_endpoint;
mod no_tls_termination;
mod single_load_balancer;

pub use health_check_path_mismatch::CrossHealthCheckPathMismatch;
pub use image_not_built_in_ci::CrossImageNotBuiltInCi;
pub use image_not_scanned::CrossImageNotScanned;
pub use image_not_signed::CrossImageNotSigned;
pub use lb_target_unknown::CrossLbTargetUnknown;
pub use lb_target_without_health_endpoint::CrossLbTargetWithoutHealthEndpoint;
pub use no_tls_termination::CrossNoTlsTermination;
pub use single_load_balancer::CrossSingleLoadBalancer;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    (
        "cross-health-check-path-mismatch",
        &CrossHealthCheckPathMismatch,
    ),
    ("cross-image-not-built-in-ci", &CrossImageNotBuiltInCi),
    (
        "cross-image-not-published",
        &super::ci::missing_capability::IMAGE_PUBLISHED,
    ),
    ("cross-image-not-scanned", &CrossImageNotScanned),
    ("cross-image-not-signed", &CrossImageNotSigned),
    ("cross-lb-target-unknown", &CrossLbTargetUnknown),
    (
        "cross-lb-target-without-health-endpoint",
        &CrossLbTargetWithoutHealthEndpoint,
    ),
    ("cross-no-tls-termination", &CrossNoTlsTermination),
    ("cross-single-load-balancer", &CrossSingleLoadBalancer),
];
