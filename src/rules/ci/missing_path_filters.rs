//! A repository of several services whose pipeline rebuilds everything on every change.

use std::collections::BTreeSet;

use crate::discover::split_dir;
use crate::model::Project;
use crate::model::ci::CiSystem;
use crate::model::ci::capability::Capability;
use crate::rules::ci::common::{main_workflow, report_missing, report_with_snippet};
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct CiMissingPathFilters;

impl Rule for CiMissingPathFilters {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if !project.ci.has_pipeline() {
            return;
        }
        let folders: BTreeSet<&str> = project
            .dockerfiles
            .iter()
            .map(|u| split_dir(project.path(u.file)).0)
            .collect();
        if folders.len() < 2 {
            return;
        }
        if project.ci.capabilities.has(Capability::PathFilter) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let message = format!(
            "the repository builds {} services from {} folders, but no pipeline filters by changed paths: every change rebuilds and retests everything",
            project.dockerfiles.len(),
            folders.len()
        );
        match (project.ci.system(), main_workflow(project)) {
            (Some(CiSystem::Github), Some(main)) => {
                report_with_snippet(project, cx, main.file, main.on_span, message)
            }
            _ => report_missing(project, cx, message),
        }
    }
}
