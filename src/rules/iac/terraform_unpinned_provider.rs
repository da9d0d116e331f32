//! A provider with no version constraint upgrades to its newest major version on the next
//! `terraform init`, with its breaking changes.

use std::collections::BTreeSet;

use super::tf_common::module_subject;
use crate::model::Project;
use crate::model::terraform::{Block, ExprKind};
use crate::rules::{Cx, Rule};

pub struct TerraformUnpinnedProvider;

/// Providers built into Terraform itself.
const BUILTIN: &[&str] = &["terraform"];

impl Rule for TerraformUnpinnedProvider {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let tf = &project.terraform;
        for module in &tf.modules {
            let dir = module_subject(module);
            let mut declared = BTreeSet::new();
            for (rp, entry) in tf.required_providers(module) {
                declared.insert(entry.key.clone());
                let subject = format!("{dir}#required_providers.{}", entry.key);
                let versioned = match &entry.value.kind {
                    // Terraform 0.12 style: `aws = "~> 3.0"`.
                    ExprKind::String(v) => !v.trim().is_empty(),
                    ExprKind::Object(_) => entry.value.get("version").is_some_and(
                        |v| !matches!(&v.kind, ExprKind::String(s) if s.trim().is_empty()),
                    ),
                    _ => true,
                };
                if versioned {
                    cx.evaluate(subject);
                    continue;
                }
                let file = rp.file;
                cx.report(
                    subject,
                    file,
                    entry.key_span,
                    format!(
                        "provider `{}` has no `version` constraint: the next `terraform init` installs its newest release, breaking changes included; add `version = \"~> X.Y\"`",
                        entry.key
                    ),
                );
            }
            if !module.is_root {
                continue;
            }
            // Providers used by the root module but missing from `required_providers`.
            let mut used: Vec<(String, &Block)> = Vec::new();
            for b in tf.blocks(module) {
                let name = match b.ident.as_str() {
                    "provider" => b.label(0).unwrap_or("").to_string(),
                    "resource" | "data" => b.provider_name().to_string(),
                    _ => continue,
                };
                if name.is_empty() || BUILTIN.contains(&name.as_str()) {
                    continue;
                }
                // The provider block when there is one, else the first resource.
                match used.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) if b.ident == "provider" && slot.1.ident != "provider" => slot.1 = b,
                    Some(_) => {}
                    None => used.push((name, b)),
                }
            }
            for (name, block) in used {
                let subject = format!("{dir}#provider.{name}");
                if declared.contains(&name) {
                    cx.evaluate(subject);
                    continue;
                }
                cx.report(
                    subject,
                    block.file,
                    block.head_span(),
                    format!(
                        "provider `{name}` is used but not listed in `terraform {{ required_providers }}`, so it has neither a pinned source nor a version constraint; declare it with `source` and `version`"
                    ),
                );
            }
        }
    }
}
