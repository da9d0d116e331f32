//! A compose service explicitly sets `user:` to root.

use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::parse::is_templated;
use crate::rules::values::is_root_user;
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeRootUser;

impl Rule for ComposeRootUser {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            // Without `user:` the image decides, which dockerfile-root-user judges.
            let Some(node) = service.get("user") else {
                continue;
            };
            let Some(user) = node.as_str() else {
                continue;
            };
            if is_templated(user) {
                continue;
            }
            let subject = compose_subject(project, compose, service);
            if !is_root_user(user) {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                compose.file,
                node.span,
                format!("service `{}` runs as root (`user: {user}`)", service.name),
            );
        }
    }
}
