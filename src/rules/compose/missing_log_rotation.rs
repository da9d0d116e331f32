//! A compose service logs with the default `json-file` driver and no `max-size`.

use super::common::{extends, views};
use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeMissingLogRotation;

impl Rule for ComposeMissingLogRotation {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let views = views(project, compose, service);
            let subject = compose_subject(project, compose, service);
            let loggings: Vec<&Node> = views.iter().filter_map(|s| s.get("logging")).collect();
            let driver = loggings
                .iter()
                .rev()
                .find_map(|l| l.get("driver").and_then(Node::as_str));
            if driver.is_some_and(is_templated) {
                continue;
            }
            let rotated = loggings.iter().any(|l| {
                l.path(&["options", "max-size"])
                    .is_some_and(|v| !v.is_null())
            });
            if rotated || driver.is_some_and(|d| d != "json-file") {
                cx.evaluate(subject);
                continue;
            }
            if extends(&views) {
                continue;
            }
            let span = service
                .node
                .entry("logging")
                .map_or(service.name_span, |e| e.key.span);
            cx.report(
                subject,
                compose.file,
                span,
                format!(
                    "service `{}` logs to `json-file` without `max-size`, so its log file grows until the disk is full",
                    service.name
                ),
            );
        }
    }
}
