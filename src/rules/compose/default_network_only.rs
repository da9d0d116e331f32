//! Every service of a compose file shares the default network: no isolation between tiers.

use super::common::views;
use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::rules::{Cx, Rule};

pub struct ComposeDefaultNetworkOnly;

impl Rule for ComposeDefaultNetworkOnly {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        if compose.services.len() < 2 {
            return;
        }
        let subject = format!("{}#networks", project.path(compose.file));
        let customised = compose.networks.is_some()
            || compose.services.iter().any(|service| {
                views(project, compose, service)
                    .iter()
                    .any(|s| s.get("networks").is_some() || s.get("network_mode").is_some())
            });
        if customised {
            cx.evaluate(subject);
            return;
        }
        let first = &compose.services[0];
        cx.report(
            subject,
            compose.file,
            first.name_span,
            format!(
                "all {} services of `{}` share the default network, so every container can reach every other",
                compose.services.len(),
                project.path(compose.file)
            ),
        );
    }
}
