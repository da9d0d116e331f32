//! The final stage starts its process in shell form, so PID 1 is `/bin/sh -c`.

use super::common::final_chain;
use crate::model::{DockerfileUnit, Project};
use crate::parse::dockerfile::Args;
use crate::rules::{Cx, Rule, dockerfile_subject};

pub struct DockerfileShellFormEntrypoint;

impl Rule for DockerfileShellFormEntrypoint {
    fn check_dockerfile(&self, unit: &DockerfileUnit, project: &Project, cx: &mut Cx<'_>) {
        let stages = unit.df.stages();
        let Some((chain, _)) = final_chain(&stages, &unit.df) else {
            return;
        };
        let last = |keyword: &str| {
            chain
                .iter()
                .find_map(|s| s.instructions.iter().rev().find(|i| i.keyword == keyword))
        };
        // The start command of an external base image is unknown: only judge what we see.
        let Some(start) = last("ENTRYPOINT").or_else(|| last("CMD")) else {
            return;
        };
        let subject = dockerfile_subject(project, unit);
        let Args::Shell(text) = &start.args else {
            cx.evaluate(subject);
            return;
        };
        // `exec app` replaces the shell, so the app is PID 1 after all.
        if text.trim_start().starts_with("exec ") {
            cx.evaluate(subject);
            return;
        }
        cx.report(
            subject,
            unit.file,
            start.span,
            format!(
                "{} in `{}` uses shell form, so the process runs under `/bin/sh -c` and never receives SIGTERM",
                start.keyword,
                project.path(unit.file)
            ),
        );
    }
}
