//! Rules for dockerfile inputs.

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[];
