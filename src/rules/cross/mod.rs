//! Rules that compare inputs of different kinds: Dockerfiles against CI pipelines.

mod image_not_built_in_ci;
mod image_not_scanned;
mod image_not_signed;

pub use image_not_built_in_ci::CrossImageNotBuiltInCi;
pub use image_not_scanned::CrossImageNotScanned;
pub use image_not_signed::CrossImageNotSigned;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    ("cross-image-not-built-in-ci", &CrossImageNotBuiltInCi),
    (
        "cross-image-not-published",
        &super::ci::missing_capability::IMAGE_PUBLISHED,
    ),
    ("cross-image-not-scanned", &CrossImageNotScanned),
    ("cross-image-not-signed", &CrossImageNotSigned),
];
