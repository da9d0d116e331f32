//! Servers HAProxy never health-checks: it keeps sending them traffic when they are down.

use super::common::{
    display, is_backend_side, is_local_address, proxies, server_address, server_checked, subject,
    units,
};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct HaproxyServerWithoutCheck;

impl Rule for HaproxyServerWithoutCheck {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            for (index, section) in proxies(config) {
                if !is_backend_side(section) {
                    continue;
                }
                let servers: Vec<_> = config.servers(index).collect();
                // A lone local sidecar (an ACME client, a local socket): there is nothing to
                // fail over to and a refused local connection fails as fast as a check would.
                if let [only] = servers.as_slice()
                    && only.keyword() == "server"
                    && server_address(only).is_some_and(|a| is_local_address(&a.text))
                {
                    continue;
                }
                let subject = subject(project, unit, section);
                for server in servers {
                    match server_checked(config, index, server) {
                        None => continue,
                        Some(true) => cx.evaluate(subject.clone()),
                        Some(false) => {
                            let name = server.arg(0).unwrap_or("");
                            let what = if server.keyword() == "server-template" {
                                "server-template"
                            } else {
                                "server"
                            };
                            cx.report(
                                subject.clone(),
                                unit.file,
                                server.span,
                                format!(
                                    "{what} `{name}` of {} has no `check`: HAProxy keeps sending it traffic when it is down",
                                    display(section)
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}
