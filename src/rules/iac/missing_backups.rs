//! The project keeps data (a database, a StatefulSet with volumes, a Terraform database) and
//! nothing in the repository backs it up: one bad migration or deleted volume is permanent.

use super::dr_common::{backup_evidence, stateful_data};
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct IacMissingBackups;

impl Rule for IacMissingBackups {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let stateful = stateful_data(project);
        let Some(first) = stateful.first() else {
            return;
        };
        if backup_evidence(project).is_some() {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let others = match stateful.len() {
            1 => String::new(),
            2 => " and 1 other data store".to_string(),
            n => format!(" and {} other data stores", n - 1),
        };
        cx.report(
            PROJECT_SUBJECT,
            first.file,
            first.span,
            format!(
                "{}{others} keep data, but nothing in the repository backs it up (no Velero schedule, backup CronJob, operator backup, backup service or Terraform backup plan)",
                first.what
            ),
        );
        let related: Vec<_> = stateful
            .iter()
            .skip(1)
            .take(10)
            .map(|s| cx.related(s.file, s.span, s.what.clone()))
            .collect();
        if let Some(finding) = cx.last_finding() {
            finding.related = related;
        }
    }
}
