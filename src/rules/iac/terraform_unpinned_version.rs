//! A root module that does not constrain the Terraform version runs with whatever binary the
//! next person or CI image has, which may read or upgrade the state differently.

use super::tf_common::{module_anchor, module_subject};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct TerraformUnpinnedVersion;

impl Rule for TerraformUnpinnedVersion {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let tf = &project.terraform;
        for module in tf.root_modules() {
            let subject = module_subject(module);
            if tf.required_version(module).is_some() {
                cx.evaluate(subject);
                continue;
            }
            let Some((file, span)) = module_anchor(project, module) else {
                continue;
            };
            cx.report(
                subject.clone(),
                file,
                span,
                format!(
                    "root module `{subject}` has no `terraform {{ required_version = ... }}`: any Terraform binary may plan and apply it, and a newer one may upgrade the state so older ones can no longer read it"
                ),
            );
        }
    }
}
