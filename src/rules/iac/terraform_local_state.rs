//! A root module with no remote backend keeps its state in a file on whoever ran `apply`:
//! lost with that laptop or CI runner, never shared, never locked.

use super::tf_common::{module_anchor, module_subject};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct TerraformLocalState;

impl Rule for TerraformLocalState {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let tf = &project.terraform;
        for module in tf.root_modules() {
            let subject = module_subject(module);
            match tf.backend(module) {
                Some(b) if b.ident == "backend" && b.label(0) == Some("local") => {
                    cx.report(
                        subject,
                        b.file,
                        b.head_span(),
                        "this root module stores its state with the `local` backend: a file on the machine that ran `apply`, unshared, unlocked and lost with it; use a remote backend (S3, GCS, azurerm, HCP Terraform)",
                    );
                }
                Some(_) => cx.evaluate(subject),
                None => {
                    let Some((file, span)) = module_anchor(project, module) else {
                        continue;
                    };
                    cx.report(
                        subject.clone(),
                        file,
                        span,
                        format!(
                            "root module `{subject}` declares no `backend` or `cloud` block, so its state is a local file on the machine that ran `apply`: unshared, unlocked and lost with it; configure a remote backend"
                        ),
                    );
                }
            }
        }
    }
}
