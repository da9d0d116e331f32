//! An Alertmanager whose route tree reaches no receiver with an integration (`slack_configs`,
//! `pagerduty_configs`, `webhook_configs`...): every alert is accepted and then dropped.

use crate::model::Project;
use crate::parse::is_templated;
use crate::rules::{Cx, Rule};

pub struct AlertmanagerNoRealReceiver;

impl Rule for AlertmanagerNoRealReceiver {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for am in &project.obs.alertmanagers {
            if am.routed.is_empty() {
                continue;
            }
            let subject = project.path(am.file).to_string();
            let mut undecided = false;
            let mut real = false;
            for (name, _) in &am.routed {
                if is_templated(name) {
                    undecided = true;
                    continue;
                }
                match am.receiver(name) {
                    Some(r) if !r.integrations.is_empty() => real = true,
                    Some(_) => {}
                    // Unknown receivers are another rule's finding; this one cannot tell.
                    None => undecided = true,
                }
            }
            if real {
                cx.evaluate(subject);
                continue;
            }
            if undecided {
                continue;
            }
            let (root, span) = &am.routed[0];
            let span = *span;
            cx.report(
                subject,
                am.file,
                span,
                format!(
                    "no route reaches a receiver with an integration: `{root}`{} no `*_configs` (Slack, PagerDuty, email, webhook...), so every alert is accepted and then dropped",
                    if am.routed.iter().any(|(n, _)| n != root) {
                        " and every receiver the child routes use have"
                    } else {
                        " has"
                    }
                ),
            );
        }
    }
}
