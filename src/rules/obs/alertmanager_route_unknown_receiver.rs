//! A route names a receiver that `receivers:` does not define: Alertmanager refuses the
//! configuration, so it does not start (or keeps the old config on reload).

use std::collections::BTreeMap;

use crate::model::Project;
use crate::parse::is_templated;
use crate::rules::{Cx, Rule};

pub struct AlertmanagerRouteUnknownReceiver;

impl Rule for AlertmanagerRouteUnknownReceiver {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for am in &project.obs.alertmanagers {
            if am.receivers.iter().any(|r| is_templated(&r.name)) {
                continue;
            }
            let path = project.path(am.file);
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (name, span) in &am.routed {
                if is_templated(name) {
                    continue;
                }
                let n = seen.entry(name.as_str()).or_insert(0);
                *n += 1;
                let subject = if *n == 1 {
                    format!("{path}#receiver {name}")
                } else {
                    format!("{path}#receiver {name} #{n}")
                };
                if am.receiver(name).is_some() {
                    cx.evaluate(subject);
                    continue;
                }
                let known: Vec<String> = am
                    .receivers
                    .iter()
                    .map(|r| format!("`{}`", r.name))
                    .collect();
                cx.report(
                    subject,
                    am.file,
                    *span,
                    format!(
                        "route sends alerts to receiver `{name}`, which `receivers:` does not define{}: Alertmanager rejects the whole configuration",
                        if known.is_empty() {
                            String::new()
                        } else {
                            format!(" (defined: {})", known.join(", "))
                        }
                    ),
                );
            }
        }
    }
}
