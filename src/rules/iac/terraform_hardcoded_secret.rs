//! A password, token or key written into Terraform configuration: it lands in version control
//! and in every plan output and state file reader's hands.

use super::tf_common::block_subject;
use crate::model::Project;
use crate::model::terraform::{Attr, Block, Expr, ExprKind};
use crate::rules::values::{is_literal_secret_value, is_secret_name};
use crate::rules::{Cx, Rule};

pub struct TerraformHardcodedSecret;

/// Attribute names of Terraform resources that hold a secret value although the generic name
/// check does not see one.
const TF_SECRET_ATTRS: &[&str] = &["secret_string", "secret_data", "secret_binary"];

/// Resource arguments named like secrets that are not: idempotency tokens.
const TF_NOT_SECRET_ATTRS: &[&str] = &["creation_token", "client_token", "idempotency_token"];

fn secret_key(key: &str) -> bool {
    (is_secret_name(key) && !TF_NOT_SECRET_ATTRS.contains(&key)) || TF_SECRET_ATTRS.contains(&key)
}

/// A literal, non-empty string that is not a placeholder.
fn literal_secret(value: &Expr) -> bool {
    match &value.kind {
        ExprKind::String(s) => is_literal_secret_value(s),
        _ => false,
    }
}

fn report(
    cx: &mut Cx<'_>,
    project: &Project,
    subject: String,
    block: &Block,
    key: &str,
    value: &Expr,
) {
    let where_ = match block.ident.as_str() {
        "resource" => format!("resource `{}.{}`", block.type_name(), block.name()),
        "provider" => format!("provider `{}`", block.name()),
        "module" => format!("module `{}`", block.name()),
        "locals" => "locals".to_string(),
        "variable" => format!("the default of variable `{}`", block.name()),
        other => format!("`{other}`"),
    };
    let _ = project;
    cx.report(
        subject,
        block.file,
        value.span,
        format!(
            "`{key}` in {where_} is a literal secret: it is committed to the repository and shown in plans; pass it in through a sensitive variable or read it from a secret manager"
        ),
    );
}

/// Walks attributes, nested blocks and object entries for secret-named keys.
fn walk_attrs(
    cx: &mut Cx<'_>,
    project: &Project,
    subject: &str,
    block: &Block,
    attrs: &[Attr],
    found: &mut bool,
) {
    for a in attrs {
        if secret_key(&a.key) && literal_secret(&a.value) {
            report(cx, project, subject.to_string(), block, &a.key, &a.value);
            *found = true;
        }
        walk_expr(cx, project, subject, block, &a.value, found);
    }
}

fn walk_expr(
    cx: &mut Cx<'_>,
    project: &Project,
    subject: &str,
    block: &Block,
    expr: &Expr,
    found: &mut bool,
) {
    match &expr.kind {
        ExprKind::Object(entries) => {
            for e in entries {
                if secret_key(&e.key) && literal_secret(&e.value) {
                    report(cx, project, subject.to_string(), block, &e.key, &e.value);
                    *found = true;
                }
                walk_expr(cx, project, subject, block, &e.value, found);
            }
        }
        ExprKind::Array(items) => {
            for item in items {
                walk_expr(cx, project, subject, block, item, found);
            }
        }
        _ => {}
    }
}

fn walk_block(
    cx: &mut Cx<'_>,
    project: &Project,
    subject: &str,
    top: &Block,
    block: &Block,
    found: &mut bool,
) {
    walk_attrs(cx, project, subject, top, &block.attrs, found);
    for inner in &block.blocks {
        walk_block(cx, project, subject, top, inner, found);
    }
}

impl Rule for TerraformHardcodedSecret {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let tf = &project.terraform;
        for file in &tf.files {
            if file.is_vars {
                let subject = project.path(file.file).to_string();
                for a in &file.attrs {
                    let mut hit = false;
                    if secret_key(&a.key) && literal_secret(&a.value) {
                        cx.report(
                            subject.clone(),
                            file.file,
                            a.value.span,
                            format!(
                                "`{}` in a committed variables file is a literal secret: pass it in from the environment (`TF_VAR_{}`) or a secret manager",
                                a.key, a.key
                            ),
                        );
                        hit = true;
                    }
                    if !hit && secret_key(&a.key) {
                        cx.evaluate(subject.clone());
                    }
                }
                if !file.attrs.is_empty() {
                    cx.evaluate(subject);
                }
                continue;
            }
            for block in &file.blocks {
                let subject = block_subject(project, block);
                let mut found = false;
                match block.ident.as_str() {
                    "resource" | "provider" | "module" | "locals" => {
                        walk_block(cx, project, &subject, block, block, &mut found);
                        cx.evaluate(subject);
                    }
                    "variable" if secret_key(block.name()) => {
                        if let Some(default) = block.value("default")
                            && literal_secret(default)
                        {
                            report(cx, project, subject.clone(), block, "default", default);
                        }
                        cx.evaluate(subject);
                    }
                    _ => {}
                }
            }
        }
    }
}
