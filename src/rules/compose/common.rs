//! Helpers shared by the compose rules: a service as the combined compose files define it.

use crate::discover::split_dir;
use crate::model::Project;
use crate::model::compose::{ComposeFile, ComposeService};
use crate::parse::yaml::Node;

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
    for other in &project.compose {
        if other.file == compose.file || split_dir(project.path(other.file)).0 != dir {
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
    project
        .compose
        .iter()
        .filter(|c| split_dir(project.path(c.file)).0 == dir)
        .flat_map(|c| &c.services)
        .any(|s| {
            s.get("depends_on")
                .and_then(|d| d.get(name))
                .and_then(|d| d.get("condition"))
                .and_then(Node::as_str)
                == Some("service_completed_successfully")
        })
}
