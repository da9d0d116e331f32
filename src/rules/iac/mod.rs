//! Infrastructure-as-code rules: Terraform, Helm, Kustomize, environments, disaster recovery
//! and secrets.

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[];
