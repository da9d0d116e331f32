//! Helpers shared by the compose rules: a service as the combined compose files define it.

use crate::discover::split_dir;
use crate::model::Project;
use crate::model::compose::{ComposeFile, ComposeService};
use crate::parse::dockerfile::{Args, Instruction};
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::dockerfile::common::stage_chain;

/// The service as every compose file in the same folder defines it (`docker-compose.yml` plus
/// `docker-compose.override.yml`, `compose.prod.yaml`...): those files are combined with
/// `-f`, so a setting in any of them may apply.
pub(crate) fn views<'a>(
    project: &'a Project,
    compose: &'a ComposeFile,
    service: &'a ComposeService,
) -> Vec<&'a ComposeService> {
    let (dir, _) = split_dir(project.path(compose.file));
    let mut out = vec![service];
    for other in project.compose_in(dir) {
        if other.file == compose.file {
            continue;
        }
        out.extend(other.services.iter().filter(|s| s.name == service.name));
    }
    out
}

/// True when any view of the service sets `key`.
pub(crate) fn any_sets(views: &[&ComposeService], key: &str) -> bool {
    views
        .iter()
        .any(|s| s.get(key).is_some_and(|n| !n.is_null()))
}

/// `extends:` pulls settings from another service or file that we do not merge.
pub(crate) fn extends(views: &[&ComposeService]) -> bool {
    any_sets(views, "extends")
}

/// A one-shot task (migrations, seeding): another service waits for it to exit successfully.
pub(crate) fn is_one_shot(project: &Project, compose: &ComposeFile, name: &str) -> bool {
    let (dir, _) = split_dir(project.path(compose.file));
    project.compose_in(dir).flat_map(|c| &c.services).any(|s| {
        s.get("depends_on")
            .and_then(|d| d.get(name))
            .and_then(|d| d.get("condition"))
            .and_then(Node::as_str)
            == Some("service_completed_successfully")
    })
}

/// `Some(true)` for an active health check, `Some(false)` for one that is switched off.
pub(crate) fn healthcheck_state(service: &ComposeService) -> Option<bool> {
    let hc = service.get("healthcheck")?;
    if hc.get("disable").and_then(Node::as_bool) == Some(true) {
        return Some(false);
    }
    let test = hc.get("test");
    let first = test.and_then(|t| {
        t.as_str()
            .or_else(|| t.items().first().and_then(Node::as_str))
    });
    Some(first != Some("NONE"))
}

/// What the image a service builds says about health checks.
pub(crate) enum ImageCheck {
    /// The final stage's `HEALTHCHECK` instruction.
    Has(Box<Instruction>),
    Missing,
    Unknown,
}

/// Whether the Dockerfile the service builds declares a HEALTHCHECK in its final stage.
pub(crate) fn dockerfile_healthcheck(
    project: &Project,
    compose: &ComposeFile,
    service: &ComposeService,
) -> ImageCheck {
    let Some(context) = service.build_context() else {
        return ImageCheck::Unknown;
    };
    let dockerfile = service.build_dockerfile();
    if is_templated(context) || dockerfile.is_some_and(is_templated) || context.contains("://") {
        return ImageCheck::Unknown;
    }
    let Some(unit) = project.dockerfile_for_build(compose.file, context, dockerfile) else {
        return ImageCheck::Unknown;
    };
    let stages = unit.df.stages();
    // `build.target` picks the stage the image is built from; otherwise the final one.
    let target = service
        .get("build")
        .and_then(|b| b.get("target"))
        .and_then(Node::as_str);
    let at = match target {
        Some(t) if is_templated(t) => return ImageCheck::Unknown,
        Some(t) => {
            let t = t.to_ascii_lowercase();
            match stages
                .iter()
                .position(|s| s.alias.as_deref() == Some(t.as_str()))
            {
                Some(at) => at,
                None => return ImageCheck::Unknown,
            }
        }
        None if stages.is_empty() => return ImageCheck::Unknown,
        None => stages.len() - 1,
    };
    let (chain, _) = stage_chain(&stages, &unit.df, at);
    let last = chain.iter().find_map(|s| {
        s.instructions
            .iter()
            .rev()
            .find(|i| i.keyword == "HEALTHCHECK")
    });
    match last {
        Some(hc) if matches!(&hc.args, Args::Shell(s) if s.trim().eq_ignore_ascii_case("none")) => {
            ImageCheck::Missing
        }
        Some(hc) => ImageCheck::Has(Box::new(hc.clone())),
        // The external base image may still define one: only a `FROM scratch`-like chain is sure.
        None => ImageCheck::Missing,
    }
}
