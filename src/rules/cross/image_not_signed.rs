//! CI pushes container images but never signs them.

use crate::model::Project;
use crate::model::ci::capability::Capability;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct CrossImageNotSigned;

impl Rule for CrossImageNotSigned {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if project.dockerfiles.is_empty() {
            return;
        }
        let Some(push) = project.ci.capabilities.first(Capability::ImagePush) else {
            return;
        };
        if project.ci.capabilities.has(Capability::ImageSign) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        cx.report(
            PROJECT_SUBJECT,
            push.file,
            push.span,
            format!(
                "`{}` pushes container images (`{}`) but no CI pipeline signs them (no cosign or notation step)",
                project.path(push.file),
                push.what
            ),
        );
    }
}
