//! A compose service mounts the Docker socket, which is root on the host.

use crate::model::Project;
use crate::model::compose::{ComposeFile, Mount};
use crate::rules::{Cx, Rule, compose_subject};

pub struct ComposeDockerSocketMounted;

fn is_docker_socket(source: &str) -> bool {
    let s = source.trim_start_matches('/');
    s == "var/run/docker.sock" || s == "run/docker.sock"
}

impl Rule for ComposeDockerSocketMounted {
    fn check_compose(&self, compose: &ComposeFile, project: &Project, cx: &mut Cx<'_>) {
        for service in &compose.services {
            let subject = compose_subject(project, compose, service);
            cx.evaluate(subject.clone());
            for (mount, span) in service.mounts() {
                let Mount::Bind { source, .. } = &mount else {
                    continue;
                };
                if !is_docker_socket(source) {
                    continue;
                }
                cx.report(
                    subject.clone(),
                    compose.file,
                    span,
                    format!(
                        "service `{}` mounts the Docker socket `{source}`, which gives it root control of the host",
                        service.name
                    ),
                );
            }
        }
    }
}
