//! A compose database, cache or broker that runs one container with no replication: a single
//! point of failure for every service that depends on it.

use super::common::{extends, views};
use crate::discover::split_dir;
use crate::model::Project;
use crate::model::compose::{ComposeFile, ComposeService};
use crate::parse::yaml::Node;
use crate::rules::k8s::datastore::{
    Replication, command_replication, datastore, env_replication, ha_companion,
};
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeSingleInstanceDatastore;

/// Compose files named for development or tests (`docker-compose.dev.yml`,
/// `compose.test.yaml`, `docker-compose-ci.yml`): one container is what they are meant to run.
fn dev_only(path: &str) -> bool {
    let (_, name) = split_dir(path);
    name.to_ascii_lowercase().split(['.', '-', '_']).any(|w| {
        matches!(
            w,
            "dev" | "development" | "test" | "tests" | "testing" | "ci" | "local" | "e2e"
        )
    })
}

/// The words of `command` and `entrypoint`, as a list or a shell string.
fn command_words(service: &ComposeService) -> Vec<&str> {
    let mut words = Vec::new();
    for key in ["entrypoint", "command"] {
        let Some(node) = service.get(key) else {
            continue;
        };
        match node.as_seq() {
            Some(items) => words.extend(items.iter().filter_map(Node::as_str)),
            None => words.extend(node.as_str().unwrap_or("").split_whitespace()),
        }
    }
    words
}

/// What the service's command and environment say about replication.
fn replication(service: &ComposeService) -> Replication {
    let mut found = command_replication(&command_words(service));
    for var in service.environment() {
        found = found.or(env_replication(&var.name, var.value.as_deref()));
    }
    found
}

/// How many containers the service runs: `deploy.replicas` or `scale`; `None` when templated.
fn replicas(views: &[&ComposeService]) -> Option<i64> {
    let mut most = 1;
    for s in views {
        for node in [s.node.path(&["deploy", "replicas"]), s.get("scale")]
            .into_iter()
            .flatten()
        {
            most = most.max(node.as_i64()?);
        }
    }
    Some(most)
}

impl Rule for ComposeSingleInstanceDatastore {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        let path = project.path(compose.file);
        if dev_only(path) {
            return;
        }
        let (dir, _) = split_dir(path);
        // Every service of the compose files combined with this one (same folder).
        let neighbours: Vec<&ComposeService> =
            project.compose_in(dir).flat_map(|c| &c.services).collect();
        for service in &compose.services {
            let views = views(project, compose, service);
            // A built image is whatever its Dockerfile makes it; the name is only a tag.
            if views.iter().any(|s| s.get("build").is_some()) {
                continue;
            }
            let Some(product) = service.image().and_then(datastore) else {
                continue;
            };
            let subject = compose_subject(project, compose, service);
            match replicas(&views) {
                Some(n) if n >= 2 => {
                    cx.evaluate(subject);
                    continue;
                }
                Some(_) => {}
                None => continue,
            }
            if views.iter().any(|s| {
                s.node
                    .path(&["deploy", "mode"])
                    .is_some_and(|m| m.as_str() != Some("replicated"))
            }) {
                // `mode: global` runs one container per Swarm node; not a replica count.
                continue;
            }
            let own = views
                .iter()
                .fold(Replication::Absent, |acc, s| acc.or(replication(s)));
            match own {
                Replication::Shown(_) => {
                    cx.evaluate(subject);
                    continue;
                }
                Replication::Unknown => continue,
                Replication::Absent => {}
            }
            // A replica or Sentinel of the same product elsewhere in the stack.
            let replicated = neighbours.iter().any(|other| {
                other.name != service.name
                    && other.image().is_some_and(|image| {
                        ha_companion(image) == Some(product)
                            || (datastore(image) == Some(product)
                                && matches!(replication(other), Replication::Shown(_)))
                    })
            });
            if replicated {
                cx.evaluate(subject);
                continue;
            }
            if extends(&views) {
                continue;
            }
            cx.report(
                subject,
                compose.file,
                service.name_span,
                format!(
                    "service `{}` runs a single {product} container with no replica, replication or Sentinel/cluster setting: when it stops, every service that depends on it stops working",
                    service.name
                ),
            );
        }
    }
}
