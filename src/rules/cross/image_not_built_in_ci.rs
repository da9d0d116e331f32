//! The repository has Dockerfiles and a pipeline, but the pipeline never builds an image:
//! images that reach production are built on someone's laptop.

use crate::model::Project;
use crate::model::ci::capability::Capability;
use crate::rules::ci::common::{pipeline_name, report_missing};
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct CrossImageNotBuiltInCi;

impl Rule for CrossImageNotBuiltInCi {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let Some(first) = project.dockerfiles.first() else {
            return;
        };
        if !project.ci.has_pipeline() {
            return;
        }
        if project.ci.capabilities.has(Capability::ImageBuild) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let count = project.dockerfiles.len();
        let what = if count == 1 {
            format!("`{}`", project.path(first.file))
        } else {
            format!("{count} Dockerfiles")
        };
        report_missing(
            project,
            cx,
            format!(
                "{} never build the images from {what}: releases depend on manual, unreproducible builds",
                pipeline_name(project)
            ),
        );
        let span = first
            .df
            .instructions
            .first()
            .map(|i| i.keyword_span.join(i.args_span))
            .unwrap_or_default();
        let related = cx.related(first.file, span, "built from here");
        if let Some(f) = cx.last_finding() {
            f.related.push(related);
        }
    }
}
