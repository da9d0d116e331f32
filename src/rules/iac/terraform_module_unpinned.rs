//! A module called from git without a tag or commit, or from a registry without a version,
//! changes under the configuration whenever its author pushes.

use super::tf_common::block_subject;
use crate::model::Project;
use crate::model::terraform::is_local_source;
use crate::rules::{Cx, Rule};

pub struct TerraformModuleUnpinned;

/// Branch names that float: a `ref` naming one is no pin.
const FLOATING_REFS: &[&str] = &[
    "main", "master", "develop", "dev", "trunk", "head", "latest",
];

enum Source {
    /// Git (or a git host shorthand): the `ref` query value, if any.
    Git(Option<String>),
    /// A registry address `namespace/name/provider`, optionally behind a host.
    Registry,
    /// Local paths, archives, buckets: nothing to judge.
    Other,
}

fn classify(source: &str) -> Source {
    let s = source.trim();
    if is_local_source(s) {
        return Source::Other;
    }
    let git = s.starts_with("git::")
        || s.starts_with("git@")
        || s.starts_with("github.com/")
        || s.starts_with("bitbucket.org/")
        || s.starts_with("gitlab.com/")
        || (s.contains("://") && s.split(['?', '#']).next().unwrap_or("").ends_with(".git"))
        || s.starts_with("hg::");
    if git {
        let query = s.split_once('?').map(|(_, q)| q).unwrap_or("");
        let r = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("ref="))
            .map(str::to_string);
        return Source::Git(r);
    }
    if s.contains("::") || s.contains("://") {
        return Source::Other;
    }
    let address = s.split("//").next().unwrap_or(s);
    let parts: Vec<&str> = address.split('/').collect();
    let plain = |p: &&str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    match parts.len() {
        3 if parts.iter().all(plain) => Source::Registry,
        4 if parts[0].contains('.') && parts[1..].iter().all(plain) => Source::Registry,
        _ => Source::Other,
    }
}

impl Rule for TerraformModuleUnpinned {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for block in project.terraform.all_blocks() {
            if block.ident != "module" {
                continue;
            }
            let Some(source) = block.attr("source") else {
                continue;
            };
            let Some(text) = source.value.as_str() else {
                continue;
            };
            let subject = block_subject(project, block);
            let message = match classify(text) {
                Source::Other => continue,
                Source::Git(Some(r))
                    if !r.is_empty()
                        && !FLOATING_REFS.contains(&r.to_ascii_lowercase().as_str()) =>
                {
                    None
                }
                Source::Git(Some(r)) if !r.is_empty() => Some(format!(
                    "module `{}` is fetched from the `{r}` branch, which moves: pin `?ref=` to a release tag or a commit SHA",
                    block.name()
                )),
                Source::Git(_) => Some(format!(
                    "module `{}` is fetched from git without `?ref=`: every `terraform init` takes the default branch as it is that day; pin a release tag or a commit SHA",
                    block.name()
                )),
                Source::Registry if block.value("version").is_some() => None,
                Source::Registry => Some(format!(
                    "registry module `{}` has no `version`: every `terraform init -upgrade` may take a new major release; add a version constraint",
                    block.name()
                )),
            };
            match message {
                Some(m) => {
                    cx.report(subject, block.file, source.value.span, m);
                }
                None => cx.evaluate(subject),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        assert!(matches!(classify("./modules/db"), Source::Other));
        assert!(matches!(
            classify("terraform-aws-modules/vpc/aws"),
            Source::Registry
        ));
        assert!(matches!(
            classify("app.terraform.io/acme/vpc/aws"),
            Source::Registry
        ));
        assert!(matches!(classify("github.com/acme/mod"), Source::Git(None)));
        assert!(matches!(
            classify("git::https://example.com/vpc.git?ref=v1.2.0"),
            Source::Git(Some(r)) if r == "v1.2.0"
        ));
        assert!(matches!(
            classify("s3::https://s3.amazonaws.com/b/vpc.zip"),
            Source::Other
        ));
        assert!(matches!(
            classify("https://example.com/vpc-module.zip"),
            Source::Other
        ));
    }
}
