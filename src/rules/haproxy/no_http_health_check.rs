//! HTTP backends whose servers are checked by a bare TCP connect, which passes while the
//! application answers 500.

use super::common::{
    checked_http_pool, display, effective, inherited, proxies, server_params, subject, units,
};
use crate::model::Project;
use crate::parse::haproxy::HaproxyConfig;
use crate::rules::{Cx, Rule};

pub struct HaproxyNoHttpHealthCheck;

/// Check types that replace the TCP connect check; someone chose one of them on purpose.
const OTHER_CHECKS: &[&str] = &[
    "option httpchk",
    "option tcp-check",
    "option ssl-hello-chk",
    "option smtpchk",
    "option ldap-check",
    "option mysql-check",
    "option pgsql-check",
    "option redis-check",
    "option spop-check",
    "option external-check",
];

impl Rule for HaproxyNoHttpHealthCheck {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            for (index, section) in proxies(config) {
                let Some(servers) = checked_http_pool(config, index, section) else {
                    continue;
                };
                // An agent reports the application's own view of its health.
                if servers
                    .iter()
                    .any(|s| server_params(s).iter().any(|w| w.text == "agent-check"))
                {
                    continue;
                }
                let subject = subject(project, unit, section);
                cx.evaluate(subject.clone());
                if has_application_check(config, index) {
                    continue;
                }
                cx.report(
                    subject,
                    unit.file,
                    section.header,
                    format!(
                        "{} checks its servers with a TCP connect only: a server answering 500 stays in rotation (add `option httpchk`)",
                        display(section)
                    ),
                );
            }
        }
    }
}

fn has_application_check(config: &HaproxyConfig, index: usize) -> bool {
    OTHER_CHECKS
        .iter()
        .any(|name| effective(config, index, name).is_some())
        || !inherited(config, index, "http-check").is_empty()
        || !inherited(config, index, "tcp-check").is_empty()
}
