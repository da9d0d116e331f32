//! A root module without a committed `.terraform.lock.hcl` gets whatever provider builds
//! `terraform init` resolves that day, unverified by checksum.

use super::tf_common::module_subject;
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct TerraformMissingLockFile;

impl Rule for TerraformMissingLockFile {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let tf = &project.terraform;
        for module in tf.root_modules() {
            let subject = module_subject(module);
            if module.lock_file.is_some() {
                cx.evaluate(subject);
                continue;
            }
            let anchor = tf
                .blocks(module)
                .find(|b| b.ident == "terraform" || b.ident == "provider")
                .or_else(|| tf.blocks(module).next());
            let Some(block) = anchor else {
                continue;
            };
            cx.report(
                subject.clone(),
                block.file,
                block.head_span(),
                format!(
                    "root module `{subject}` has no committed `.terraform.lock.hcl`: each `terraform init` may pick other provider versions and builds, unverified by checksum; run `terraform init` and commit the lock file"
                ),
            );
        }
    }
}
