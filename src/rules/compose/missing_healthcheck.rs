//! A long-running compose service with no health check, neither in compose nor in its image.

use super::common::{extends, is_one_shot, views};
use crate::model::Project;
use crate::model::compose::{ComposeFile, ComposeService};
use crate::parse::dockerfile::Args;
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::dockerfile::common::stage_chain;
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeMissingHealthcheck;

/// `Some(true)` for an active health check, `Some(false)` for one that is switched off.
fn healthcheck_state(service: &ComposeService) -> Option<bool> {
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

enum ImageCheck {
    Has,
    Missing,
    Unknown,
}

/// Whether the Dockerfile the service builds declares a HEALTHCHECK in its final stage.
fn dockerfile_healthcheck(
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
        Some(_) => ImageCheck::Has,
        // The external base image may still define one: only a `FROM scratch`-like chain is sure.
        None => ImageCheck::Missing,
    }
}

impl Rule for ComposeMissingHealthcheck {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let views = views(project, compose, service);
            let subject = compose_subject(project, compose, service);
            let states: Vec<bool> = views.iter().filter_map(|s| healthcheck_state(s)).collect();
            // The later file wins when several define a health check.
            if states.last() == Some(&true) {
                cx.evaluate(subject);
                continue;
            }
            if extends(&views) || is_one_shot(project, compose, &service.name) {
                continue;
            }
            let builder = views.iter().find(|s| s.get("build").is_some());
            if let Some(builder) = builder {
                match dockerfile_healthcheck(project, compose, builder) {
                    ImageCheck::Has if states.is_empty() => {
                        cx.evaluate(subject);
                        continue;
                    }
                    ImageCheck::Unknown if states.is_empty() => continue,
                    _ => {}
                }
            } else if service.image().is_some_and(is_templated) {
                continue;
            }
            let span = service
                .node
                .entry("healthcheck")
                .map_or(service.name_span, |e| e.key.span);
            let what = if states.is_empty() {
                "has no health check"
            } else {
                "disables its health check"
            };
            cx.report(
                subject,
                compose.file,
                span,
                format!(
                    "service `{}` {what}, so dependants and restarts cannot tell a hung container from a healthy one",
                    service.name
                ),
            );
        }
    }
}
