//! An S3 backend with no lock: two `apply` runs at once both write the state, and the later
//! one silently discards the other's changes.

use super::tf_common::{Setting, setting};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct TerraformStateWithoutLocking;

impl Rule for TerraformStateWithoutLocking {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let tf = &project.terraform;
        for t in tf.all_blocks().filter(|b| b.ident == "terraform") {
            for backend in t.blocks_of("backend") {
                // gcs, azurerm, remote, consul, pg, kubernetes... lock natively.
                if backend.label(0) != Some("s3") {
                    continue;
                }
                let subject = format!("{}#backend.s3", project.path(backend.file));
                let dynamo = !matches!(setting(backend, &[], "dynamodb_table"), Setting::Absent);
                let lockfile = setting(backend, &[], "use_lockfile").true_or_unknown();
                // A partial configuration (`backend "s3" {}`) gets its settings from
                // `-backend-config` at init: unknown.
                let partial = backend.attrs.is_empty() && backend.blocks.is_empty();
                if dynamo || lockfile || partial {
                    cx.evaluate(subject);
                    continue;
                }
                cx.report(
                    subject,
                    backend.file,
                    backend.head_span(),
                    "the S3 backend has neither `use_lockfile = true` nor `dynamodb_table`: concurrent runs are not locked out and can overwrite each other's state; set `use_lockfile = true` (Terraform 1.10+)",
                );
            }
        }
    }
}
