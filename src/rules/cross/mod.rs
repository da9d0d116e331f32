//! Rules for cross inputs.

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[];
