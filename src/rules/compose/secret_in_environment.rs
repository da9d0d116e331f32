//! A compose `environment` entry holds a literal secret or a URL with a password.

use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::rules::values::{has_url_password, is_literal_secret_value, is_secret_name};
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeSecretInEnvironment;

impl Rule for ComposeSecretInEnvironment {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let subject = compose_subject(project, compose, service);
            cx.evaluate(subject.clone());
            for var in service.environment() {
                let Some(value) = var.value.as_deref() else {
                    continue;
                };
                let message = if is_secret_name(&var.name) && is_literal_secret_value(value) {
                    format!(
                        "service `{}` sets `{}` to a literal secret in `environment`",
                        service.name, var.name
                    )
                } else if has_url_password(value) {
                    format!(
                        "service `{}` sets `{}` to a URL with a literal password",
                        service.name, var.name
                    )
                } else {
                    continue;
                };
                cx.report(subject.clone(), compose.file, var.span, message);
            }
        }
    }
}
