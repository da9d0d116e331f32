//! A Helm values file holds a literal secret under a secret-named key (`password`,
//! `apiToken`, `secretKey`): it is committed to the repository and rendered into every
//! release. Keys that name a Secret or a key inside one (`existingSecret`, `secretName`,
//! `passwordKey`) are references, not secrets.

use crate::model::Project;
use crate::parse::yaml::Node;
use crate::rules::values::{is_literal_secret_value, is_secret_name};
use crate::rules::{Cx, Rule};

pub struct HelmValuesSecret;

/// Key names that point at a Secret rather than hold one.
fn names_a_secret(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.ends_with("secretname")
        || lower.contains("existingsecret")
        || lower.ends_with("secretref")
        || lower.ends_with("secretkeyref")
        || [
            "password",
            "passwd",
            "token",
            "passphrase",
            "credentials",
            "credential",
        ]
        .iter()
        .any(|w| lower.ends_with(&format!("{w}key")) || lower.ends_with(&format!("{w}_key")))
}

/// A sibling key names a Secret (`secretName`, `existingSecret`, `passwordsSecret`): then
/// `secretKey`-like keys name a key inside it.
fn beside_secret_reference(map: &Node) -> bool {
    map.string_entries().any(|(k, _, v)| {
        let k = k.to_ascii_lowercase();
        (k.ends_with("secret") || k.ends_with("secretname") || k.contains("existingsecret"))
            && (v.as_str().is_some() || v.is_null())
    })
}

/// A file name (`thanos.yaml`, `tls.key`) is where a secret is, not the secret.
fn looks_like_file_name(value: &str) -> bool {
    let Some((stem, ext)) = value.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && matches!(
            ext,
            "yaml"
                | "yml"
                | "json"
                | "pem"
                | "crt"
                | "key"
                | "txt"
                | "conf"
                | "properties"
                | "jks"
                | "p12"
        )
}

impl Rule for HelmValuesSecret {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for chart in &project.helm.charts {
            for values in &chart.values {
                let Some(doc) = &values.doc else { continue };
                let path = project.path(values.file);
                let mut stack: Vec<(String, &Node)> = vec![(String::new(), doc)];
                while let Some((prefix, node)) = stack.pop() {
                    for (i, item) in node.items().iter().enumerate() {
                        stack.push((format!("{prefix}[{i}]"), item));
                    }
                    for (key, _, value) in node.string_entries() {
                        let here = if prefix.is_empty() {
                            key.to_string()
                        } else {
                            format!("{prefix}.{key}")
                        };
                        if !value.is_map() && value.as_seq().is_none() {
                            if !is_secret_name(key) || names_a_secret(key) {
                                continue;
                            }
                            if key.to_ascii_lowercase().ends_with("key")
                                && beside_secret_reference(node)
                            {
                                continue;
                            }
                            let subject = format!("{path}#{here}");
                            match value.as_str() {
                                Some(v)
                                    if is_literal_secret_value(v) && !looks_like_file_name(v) =>
                                {
                                    cx.report(
                                        subject,
                                        values.file,
                                        value.span,
                                        format!(
                                            "`{here}` holds a literal secret in a committed values file; pass it at install time or reference an existing Secret"
                                        ),
                                    );
                                }
                                _ => cx.evaluate(subject),
                            }
                        } else {
                            stack.push((here, value));
                        }
                    }
                }
            }
        }
    }
}
