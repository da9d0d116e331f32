//! Rules for cross inputs.

mod image_not_scanned;
mod image_not_signed;

pub use image_not_scanned::CrossImageNotScanned;
pub use image_not_signed::CrossImageNotSigned;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    ("cross-image-not-scanned", &CrossImageNotScanned),
    ("cross-image-not-signed", &CrossImageNotSigned),
];
