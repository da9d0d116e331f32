//! The final stage runs as root: no non-root `USER` in it or the stages it is built from.

use super::common::{Base, final_chain};
use crate::model::image::ImageRef;
use crate::model::{DockerfileUnit, Project};
use crate::parse::dockerfile::{Instruction, expand};
use crate::rules::values::is_root_user;
use crate::rules::{Cx, Rule, dockerfile_subject};

pub struct DockerfileRootUser;

/// Images whose default user is not root, so a missing `USER` is fine.
fn base_runs_as_non_root(image: &str) -> bool {
    let r = ImageRef::parse(image);
    let tag = r.tag.as_deref().unwrap_or("latest").to_ascii_lowercase();
    if tag == "nonroot" || tag.ends_with("-nonroot") || tag.contains("chiseled") {
        return true;
    }
    if r.registry.as_deref() == Some("cgr.dev") && r.repository.starts_with("chainguard/") {
        // Chainguard's `-dev` variants ship a shell and package manager and run as root.
        return !tag.contains("dev");
    }
    r.repository.ends_with("nginx-unprivileged")
}

/// Variables visible at `user` (ARG and ENV of the chain up to it), for expanding `USER ${X}`.
fn resolve_user(
    unit: &DockerfileUnit,
    chain_root_first: &[&[Instruction]],
    user: &Instruction,
) -> Option<String> {
    let globals = unit.df.global_args();
    let mut vars: Vec<(String, Option<String>)> = Vec::new();
    'outer: for instructions in chain_root_first {
        for i in instructions.iter() {
            if std::ptr::eq(i, user) {
                break 'outer;
            }
            if i.keyword == "ARG" || i.keyword == "ENV" {
                for kv in i.key_values() {
                    let value = kv.value.or_else(|| {
                        (i.keyword == "ARG")
                            .then(|| globals.iter().rev().find(|(k, _)| *k == kv.key))
                            .flatten()
                            .and_then(|(_, v)| v.clone())
                    });
                    vars.push((kv.key, value));
                }
            }
        }
    }
    let lookup = |name: &str| {
        vars.iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.clone())
    };
    let raw = user.words().into_iter().next()?;
    expand(&raw, &lookup)
}

impl Rule for DockerfileRootUser {
    fn check_dockerfile(&self, unit: &DockerfileUnit, project: &Project, cx: &mut Cx<'_>) {
        let stages = unit.df.stages();
        let Some((chain, base)) = final_chain(&stages, &unit.df) else {
            return;
        };
        let subject = dockerfile_subject(project, unit);
        let last_user = chain.iter().find_map(|stage| {
            stage
                .instructions
                .iter()
                .rev()
                .find(|i| i.keyword == "USER")
        });
        let final_from = stages[stages.len() - 1].from;
        match last_user {
            Some(user) => {
                let root_first: Vec<&[Instruction]> =
                    chain.iter().rev().map(|s| s.instructions).collect();
                let Some(name) = resolve_user(unit, &root_first, user) else {
                    return;
                };
                if is_root_user(&name) {
                    cx.report(
                        subject,
                        unit.file,
                        user.span,
                        format!(
                            "final stage of `{}` runs as root (`USER {name}`)",
                            project.path(unit.file)
                        ),
                    );
                } else {
                    cx.evaluate(subject);
                }
            }
            None => match base {
                Base::Unknown => {}
                Base::Image(image) if base_runs_as_non_root(&image) => cx.evaluate(subject),
                Base::Image(_) | Base::Scratch => {
                    cx.report(
                        subject,
                        unit.file,
                        final_from.keyword_span.join(final_from.args_span),
                        format!(
                            "final stage of `{}` has no USER instruction, so it runs as root",
                            project.path(unit.file)
                        ),
                    );
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_root_base_images() {
        assert!(base_runs_as_non_root(
            "gcr.io/distroless/static-debian12:nonroot"
        ));
        assert!(base_runs_as_non_root("cgr.dev/chainguard/python:latest"));
        assert!(!base_runs_as_non_root(
            "cgr.dev/chainguard/python:latest-dev"
        ));
        assert!(!base_runs_as_non_root("python:3.12"));
    }
}
