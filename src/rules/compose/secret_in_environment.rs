//! A compose `environment` entry holds a literal secret or a URL with a password.

use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::parse::is_templated;
use crate::rules::dockerfile::common::{is_literal_secret_value, is_secret_name};
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeSecretInEnvironment;

/// The password of `scheme://user:password@host...`, when it is written literally.
fn url_password(value: &str) -> Option<&str> {
    let (_, rest) = value.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty() && !is_templated(password) && !password.contains('$')).then_some(password)
}

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
                } else if url_password(value).is_some() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords() {
        assert_eq!(
            url_password("postgres://app:s3cret@db:5432/app"),
            Some("s3cret")
        );
        assert_eq!(url_password("redis://:pw@redis:6379/0"), Some("pw"));
        assert_eq!(url_password("postgres://app:${DB_PASSWORD}@db/app"), None);
        assert_eq!(url_password("postgres://app@db/app"), None);
        assert_eq!(url_password("http://example.com/a:b@c"), None);
    }
}
