//! OpenTelemetry Collector pipelines that reference a component no section declares, or have
//! no receiver or no exporter: the collector validates its configuration at start-up and
//! refuses to run, so no telemetry flows at all.

use super::signals::{declared_anywhere, layers};
use crate::model::Project;
use crate::parse::is_templated;
use crate::rules::{Cx, Rule};

pub struct OtelCollectorInvalidPipeline;

fn singular(section: &str) -> &str {
    section.strip_suffix('s').unwrap_or(section)
}

impl Rule for OtelCollectorInvalidPipeline {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for collector in &project.obs.collectors {
            let layers = layers(project, collector);
            if layers.unknown {
                continue;
            }
            let path = project.path(collector.file);
            for pipeline in &collector.pipelines {
                let subject = format!("{path}#service.pipelines.{}", pipeline.name);
                let missing: Vec<&str> = ["receivers", "exporters"]
                    .into_iter()
                    .filter(|section| {
                        layers
                            .pipeline_components(&pipeline.name, section)
                            .is_empty()
                    })
                    .collect();
                if missing.is_empty() {
                    cx.evaluate(subject);
                } else {
                    cx.report(
                        subject,
                        collector.file,
                        pipeline.span,
                        format!(
                            "pipeline `{}` has no {}: the collector rejects the configuration and does not start",
                            pipeline.name,
                            missing.join(" and no ")
                        ),
                    );
                }
                for (section, id, span) in &pipeline.uses {
                    if is_templated(id) {
                        continue;
                    }
                    let subject =
                        format!("{path}#service.pipelines.{}.{section}.{id}", pipeline.name);
                    if layers.declares(section, id) {
                        cx.evaluate(subject);
                        continue;
                    }
                    if declared_anywhere(project, section, id) {
                        continue;
                    }
                    cx.report(
                        subject,
                        collector.file,
                        *span,
                        format!(
                            "pipeline `{}` uses {} `{id}`, which is not declared under `{section}:`: the collector rejects the configuration and does not start",
                            pipeline.name,
                            singular(section)
                        ),
                    );
                }
            }
        }
    }
}
