//! A database or queue service keeps its data only in the container's writable layer.

use super::common::{any_sets, extends, views};
use crate::model::Project;
use crate::model::compose::ComposeFile;
use crate::model::image::ImageRef;
use crate::parse::is_templated;
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeStatefulNoVolume;

/// Repository names (last path segment) of images that store data.
const STATEFUL: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "timescaledb",
    "mysql",
    "mariadb",
    "percona",
    "mongo",
    "mongodb",
    "redis",
    "redis-stack",
    "redis-stack-server",
    "valkey",
    "keydb",
    "elasticsearch",
    "opensearch",
    "rabbitmq",
    "kafka",
    "zookeeper",
    "etcd",
    "minio",
    "cassandra",
    "scylla",
    "clickhouse",
    "clickhouse-server",
    "neo4j",
    "influxdb",
    "couchdb",
    "cockroach",
    "nats",
];

impl Rule for ComposeStatefulNoVolume {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let Some(image) = service.image() else {
                continue;
            };
            let views = views(project, compose, service);
            // A built image is whatever its Dockerfile makes it; the name is only a tag.
            if is_templated(image) || any_sets(&views, "build") {
                continue;
            }
            let r = ImageRef::parse(image);
            let name = r.short_name();
            if !STATEFUL.contains(&name) {
                continue;
            }
            let subject = compose_subject(project, compose, service);
            let persistent = views
                .iter()
                .any(|s| s.mounts().iter().any(|(m, _)| m.is_persistent()));
            if persistent || any_sets(&views, "volumes_from") {
                cx.evaluate(subject);
                continue;
            }
            if extends(&views) {
                continue;
            }
            let span = service
                .node
                .get("image")
                .map_or(service.name_span, |n| n.span);
            cx.report(
                subject,
                compose.file,
                span,
                format!(
                    "stateful service `{}` ({name}) has no named volume or bind mount, so its data is lost when the container is recreated",
                    service.name
                ),
            );
        }
    }
}
