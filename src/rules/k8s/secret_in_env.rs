//! Secrets written as literal environment values in a manifest: they end up in Git, in
//! `kubectl describe` output and in every copy of the manifest.

use super::common::all_containers;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule};

pub struct K8sSecretInEnv;

/// Name parts that mark a credential.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIALS",
    "CREDENTIAL",
];
/// Two-part names that mark a credential.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SECRET", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("SIGNING", "KEY"),
];
/// Last name parts that describe where or how a secret is found, not the secret itself.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "FILE",
    "PATH",
    "NAME",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "DIR",
    "LENGTH",
    "TTL",
    "EXPIRY",
    "EXPIRATION",
    "EXPIRES",
    "TIMEOUT",
    "ENABLED",
    "REQUIRED",
    "TYPE",
    "MODE",
    "HEADER",
    "PREFIX",
    "ID",
    "USER",
    "USERNAME",
    "KIND",
    "REF",
    "KEYREF",
    "LOCATION",
    "AUDIENCE",
    "ISSUER",
    "SECONDS",
    "MINUTES",
    "DAYS",
    "HOURS",
    "ALGORITHM",
    "FORMAT",
    "VERSION",
    "COUNT",
    "POLICY",
];

fn secret_looking(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let Some(last) = words.last() else {
        return false;
    };
    if NOT_SECRET_SUFFIXES.contains(last) {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(w))
        || words
            .windows(2)
            .any(|p| SECRET_PAIRS.contains(&(p[0], p[1])))
}

/// Values that are not a credential even under a credential-looking name.
fn placeholder(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || is_templated(v)
        || v.starts_with('<') && v.ends_with('>')
        || v.starts_with('/')
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "none"
        )
}

/// `scheme://user:password@host` with a literal password.
fn url_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return false;
    };
    let Some((_, password)) = userinfo.split_once(':') else {
        return false;
    };
    !password.is_empty() && !placeholder(password) && !password.chars().all(|c| c == '*')
}

impl Rule for K8sSecretInEnv {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_workload() {
            return;
        }
        for c in all_containers(obj) {
            let subject = c.subject(project, obj);
            cx.evaluate(subject.clone());
            for var in c.get(&["env"]).map(Node::items).unwrap_or(&[]) {
                let Some(name) = var.get("name").and_then(Node::as_str) else {
                    continue;
                };
                let Some(node) = var.get("value") else {
                    continue;
                };
                let Some(value) = node.as_str() else {
                    continue;
                };
                let message = if secret_looking(name) && !placeholder(value) {
                    format!("{} sets `{name}` to a literal value", c.describe(obj))
                } else if url_password(value) {
                    format!(
                        "{} sets `{name}` to a URL with a literal password",
                        c.describe(obj)
                    )
                } else {
                    continue;
                };
                cx.report(subject.clone(), obj.file, node.span, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_urls() {
        assert!(secret_looking("DB_PASSWORD"));
        assert!(secret_looking("stripe-api-key"));
        assert!(secret_looking("GITHUB_TOKEN"));
        assert!(!secret_looking("DB_PASSWORD_FILE"));
        assert!(!secret_looking("AWS_ACCESS_KEY_ID"));
        assert!(!secret_looking("TOKEN_TTL"));
        assert!(!secret_looking("KEYCLOAK_URL"));
        assert!(!secret_looking("MONKEY"));
        assert!(url_password("postgres://app:hunter2@db:5432/app"));
        assert!(!url_password("postgres://app:$(DB_PASSWORD)@db/app"));
        assert!(!url_password("postgres://app@db/app"));
        assert!(!url_password("http://host:8080/path@x"));
    }
}
