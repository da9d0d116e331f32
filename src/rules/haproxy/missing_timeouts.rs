//! Proxies without client, connect or server timeouts: HAProxy then waits forever on that side
//! (its own "missing timeouts" warning, with the same conditions).

use super::common::{
    Mode, display, effective, is_backend_side, is_frontend_side, is_zero_duration, mode, proxies,
    subject, units,
};
use crate::model::Project;
use crate::parse::haproxy::HaproxyConfig;
use crate::rules::{Cx, Rule};

pub struct HaproxyMissingTimeouts;

impl Rule for HaproxyMissingTimeouts {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            for (index, section) in proxies(config) {
                let mode = mode(config, index);
                if mode == Mode::Other {
                    continue;
                }
                let mut missing = Vec::new();
                let mut judged = false;
                if is_frontend_side(section) {
                    judged = true;
                    if !set(config, index, "timeout client", "clitimeout") {
                        missing.push("timeout client");
                    }
                }
                // Backend timeouts only matter once there are servers to connect to.
                if is_backend_side(section) && config.servers(index).next().is_some() {
                    judged = true;
                    if !set(config, index, "timeout connect", "contimeout") {
                        missing.push("timeout connect");
                    }
                    // In TCP mode a tunnel timeout covers the server side.
                    let tunnel = mode == Mode::Tcp && set(config, index, "timeout tunnel", "");
                    if !set(config, index, "timeout server", "srvtimeout") && !tunnel {
                        missing.push("timeout server");
                    }
                }
                if !judged {
                    continue;
                }
                let subject = subject(project, unit, section);
                if missing.is_empty() {
                    cx.evaluate(subject);
                    continue;
                }
                let list = missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                cx.report(
                    subject,
                    unit.file,
                    section.header,
                    format!(
                        "{} has no {list} (not even from defaults): HAProxy waits forever on that side",
                        display(section)
                    ),
                );
            }
        }
    }
}

/// A non-zero value (or one filled in at deploy time) in effect, under the current name or its
/// pre-1.5 alias.
fn set(config: &HaproxyConfig, index: usize, name: &str, legacy: &str) -> bool {
    let value = effective(config, index, name)
        .and_then(|d| d.values().first())
        .or_else(|| {
            (!legacy.is_empty())
                .then(|| effective(config, index, legacy).and_then(|d| d.args().first()))
                .flatten()
        });
    value.is_some_and(|v| !is_zero_duration(&v.text))
}
