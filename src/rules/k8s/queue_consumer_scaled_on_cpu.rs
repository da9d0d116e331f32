//! Queue consumers whose HorizontalPodAutoscaler watches CPU or memory instead of the backlog.

use super::autoscaling::{keda_scales, metrics, metrics_span};
use super::common::{Container, app_containers, scaled_to_zero};
use super::datastore::datastore;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sQueueConsumerScaledOnCpu;

/// Lowercase alphanumeric words of a name or command line (`run_consumer` → run, consumer).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn has(words: &[String], word: &str) -> bool {
    words.iter().any(|w| w == word)
}

/// Why the container looks like it consumes a queue, from its command line.
fn command_signal(container: &Container<'_>) -> Option<&'static str> {
    let mut text = String::new();
    for key in ["command", "args"] {
        let Some(node) = container.get(&[key]) else {
            continue;
        };
        let parts: Vec<&str> = match node.as_seq() {
            Some(items) => items.iter().filter_map(Node::as_str).collect(),
            None => node.as_str().into_iter().collect(),
        };
        for p in parts {
            text.push_str(p);
            text.push(' ');
        }
    }
    let lower = text.to_ascii_lowercase();
    let w = words(&text);
    if has(&w, "celery") && has(&w, "worker") {
        Some("a Celery worker")
    } else if has(&w, "sidekiq") {
        Some("a Sidekiq process")
    } else if has(&w, "rq") && has(&w, "worker") {
        Some("an RQ worker")
    } else if has(&w, "dramatiq") {
        Some("a Dramatiq worker")
    } else if has(&w, "faust") && has(&w, "worker") {
        Some("a Faust worker")
    } else if lower.contains("queue:work") || lower.contains("queue:listen") {
        Some("a Laravel queue worker")
    } else if has(&w, "consumer") || has(&w, "consumers") {
        Some("its command runs a consumer")
    } else if has(&w, "sqs") {
        Some("its command reads from SQS")
    } else {
        None
    }
}

/// Why the container looks like it consumes a queue, from its environment: a consumer group
/// (`KAFKA_CONSUMER_GROUP`, `KAFKA_GROUP_ID`), worker settings, or a role of `worker`.
fn env_signal(container: &Container<'_>) -> Option<String> {
    for var in container.get(&["env"]).map(Node::items).unwrap_or(&[]) {
        let Some(name) = var.get("name").and_then(Node::as_str) else {
            continue;
        };
        let w = words(name);
        let by_name = has(&w, "consumer")
            || (has(&w, "kafka") && has(&w, "group"))
            || (has(&w, "celery") && has(&w, "worker"))
            || (has(&w, "sidekiq") && has(&w, "concurrency"));
        let value = var.get("value").and_then(Node::as_str).unwrap_or("");
        let by_value = matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "worker" | "consumer"
        );
        if by_name || by_value {
            return Some(format!("its environment sets `{name}`"));
        }
    }
    None
}

fn consumer_signal(obj: &K8sObject, containers: &[Container<'_>]) -> Option<String> {
    let named = |name: &str| {
        let w = words(name);
        ["worker", "workers", "consumer", "consumers"]
            .iter()
            .any(|k| has(&w, k))
    };
    if named(&obj.name) {
        return Some(format!("its name `{}`", obj.name));
    }
    for c in containers {
        // A container's name speaks for the pod only when it is the pod's one app container
        // (a `worker` sidecar next to a web server does not make the pod a consumer).
        if containers.len() == 1 && named(&c.name) {
            return Some(format!("its container `{}`", c.name));
        }
        if let Some(why) = command_signal(c) {
            return Some(why.to_string());
        }
        if let Some(why) = env_signal(c) {
            return Some(why);
        }
    }
    None
}

impl Rule for K8sQueueConsumerScaledOnCpu {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_scalable() || scaled_to_zero(obj) {
            return;
        }
        let containers = app_containers(obj);
        // The broker itself is not one of its consumers.
        if containers
            .iter()
            .any(|c| c.image().is_some_and(|i| datastore(i).is_some()))
        {
            return;
        }
        let Some(why) = consumer_signal(obj, &containers) else {
            return;
        };
        let subject = k8s_subject(project, obj);
        if keda_scales(project, obj) {
            cx.evaluate(subject);
            return;
        }
        // Without an autoscaler this is k8s-missing-hpa's business.
        let mut resource_only = None;
        for hpa in project.hpas_for(obj) {
            match metrics(hpa) {
                None => return,
                Some(m) if m.custom > 0 => {
                    cx.evaluate(subject);
                    return;
                }
                Some(_) => resource_only = resource_only.or(Some(hpa)),
            }
        }
        let Some(hpa) = resource_only else {
            return;
        };
        let related = cx.related(obj.file, obj.span(), "the consumer");
        let finding = cx.report(
            subject,
            hpa.file,
            metrics_span(hpa),
            format!(
                "{} looks like a queue consumer ({why}), but HorizontalPodAutoscaler `{}` scales it on CPU or memory only: a growing backlog does not add pods",
                obj.display(),
                hpa.name
            ),
        );
        finding.related.push(related);
    }
}
