//! A variable without a type or description: callers guess what to pass, and a wrong type is
//! found at apply time instead of at validation.

use super::tf_common::block_subject;
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct TerraformVariableUndocumented;

impl Rule for TerraformVariableUndocumented {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for block in project.terraform.all_blocks() {
            if block.ident != "variable" {
                continue;
            }
            let subject = block_subject(project, block);
            let missing: Vec<&str> = ["type", "description"]
                .into_iter()
                .filter(|k| {
                    block
                        .value(k)
                        .is_none_or(|v| v.as_str().is_some_and(|s| s.trim().is_empty()))
                })
                .collect();
            if missing.is_empty() {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                block.file,
                block.head_span(),
                format!(
                    "variable `{}` has no {}: say what it is for and constrain its values so mistakes fail at `terraform validate`",
                    block.name(),
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            );
        }
    }
}
