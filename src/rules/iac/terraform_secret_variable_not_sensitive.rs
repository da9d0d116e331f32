//! A variable that carries a secret but is not `sensitive`: Terraform prints its value in
//! plan and apply output, and so in CI logs.

use super::tf_common::{block_subject, setting};
use crate::model::Project;
use crate::model::terraform::{Block, ExprKind};
use crate::rules::values::is_secret_name;
use crate::rules::{Cx, Rule};

pub struct TerraformSecretVariableNotSensitive;

/// A flag or a number (`create_random_password`, `password_length`): no secret in it.
fn holds_no_secret(block: &Block) -> bool {
    let typed = block.value("type").map(|t| t.text.trim().to_string());
    if matches!(typed.as_deref(), Some("bool" | "number")) {
        return true;
    }
    matches!(
        block.value("default").map(|d| &d.kind),
        Some(ExprKind::Bool(_) | ExprKind::Number(_))
    )
}

impl Rule for TerraformSecretVariableNotSensitive {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for block in project.terraform.all_blocks() {
            if block.ident != "variable" || !is_secret_name(block.name()) || holds_no_secret(block)
            {
                continue;
            }
            let subject = block_subject(project, block);
            if setting(block, &[], "sensitive").true_or_unknown() {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                block.file,
                block.head_span(),
                format!(
                    "variable `{}` holds a secret but is not `sensitive = true`: Terraform shows its value in plan and apply output, and so in CI logs",
                    block.name()
                ),
            );
        }
    }
}
