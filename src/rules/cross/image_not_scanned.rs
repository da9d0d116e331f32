//! The project builds container images but no CI pipeline scans them for vulnerabilities.

use crate::model::Project;
use crate::rules::dockerfile::common::find_word;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct CrossImageNotScanned;

/// Tool names and actions that scan images, matched as whole words in CI text.
const SCANNERS: &[&str] = &[
    "trivy",
    "aquasecurity/trivy-action",
    "grype",
    "anchore/scan-action",
    "docker scout",
    "docker/scout-action",
    "docker scan",
    "snyk container",
    "snyk/actions/docker",
    "clair",
    "clairctl",
    "neuvector",
    "twistcli",
    "prisma-cloud",
    "prismacloud",
    "container-scanning.gitlab-ci.yml",
    "container_scanning",
];

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
        let scanned = project
            .ci_files()
            .any(|(_, f)| SCANNERS.iter().any(|s| find_word(&f.text, s).is_some()));
        if scanned {
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
