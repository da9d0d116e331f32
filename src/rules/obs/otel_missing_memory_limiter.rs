//! An OpenTelemetry Collector pipeline without a `memory_limiter` processor: a burst of
//! telemetry or a slow backend grows its queues until the collector is OOM-killed, and every
//! signal it carries is lost while it restarts.

use super::signals::layers;
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct OtelCollectorMissingMemoryLimiter;

fn is_limiter(id: &str) -> bool {
    id == "memory_limiter" || id.starts_with("memory_limiter/") || id == "memorylimiter"
}

impl Rule for OtelCollectorMissingMemoryLimiter {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for collector in &project.obs.collectors {
            let layers = layers(project, collector);
            if layers.unknown {
                continue;
            }
            // The memory limiter extension guards every receiver at once.
            let extension = layers.declared("extensions").into_iter().any(is_limiter);
            let connectors = layers.declared("connectors");
            let path = project.path(collector.file);
            for pipeline in &collector.pipelines {
                let receivers = layers.pipeline_components(&pipeline.name, "receivers");
                // Nothing to limit, or only data another pipeline already admitted.
                if receivers.is_empty() || receivers.iter().all(|r| connectors.contains(r)) {
                    continue;
                }
                let subject = format!("{path}#service.pipelines.{}", pipeline.name);
                let limited = extension
                    || layers
                        .pipeline_components(&pipeline.name, "processors")
                        .into_iter()
                        .any(is_limiter);
                if limited {
                    cx.evaluate(subject);
                    continue;
                }
                cx.report(
                    subject,
                    collector.file,
                    pipeline.span,
                    format!(
                        "pipeline `{}` has no `memory_limiter` processor: under a burst or a slow backend the collector grows until it is OOM-killed and drops everything in flight",
                        pipeline.name
                    ),
                );
            }
        }
    }
}
