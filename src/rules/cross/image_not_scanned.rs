//! The project builds container images but no CI pipeline scans them for vulnerabilities.

use crate::model::Project;
use crate::model::ci::capability::Capability;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct CrossImageNotScanned;

impl Rule for CrossImageNotScanned {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let Some((unit, from)) = project.dockerfiles.iter().find_map(|u| {
            u.df.instructions
                .iter()
                .find(|i| i.keyword == "FROM")
                .map(|from| (u, from))
        }) else {
            return;
        };
        if project.ci.capabilities.has(Capability::ImageScan) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let count = project.dockerfiles.len();
        let what = if count == 1 {
            format!("the image built from `{}` is", project.path(unit.file))
        } else {
            format!("the images built from {count} Dockerfiles are")
        };
        cx.report(
            PROJECT_SUBJECT,
            unit.file,
            from.keyword_span.join(from.args_span),
            format!("{what} never scanned for vulnerabilities in CI (no trivy, grype, snyk or docker scout step)"),
        );
    }
}
