//! HTTP backends that neither count live errors against a server (`observe`) nor retry a failed
//! connection on another server (`option redispatch`, `retry-on`).

use super::common::{
    checked_http_pool, display, effective, is_unknown, proxies, server_option, subject, units,
};
use crate::model::Project;
use crate::parse::haproxy::HaproxyConfig;
use crate::rules::{Cx, Rule};

pub struct HaproxyNoCircuitBreaker;

impl Rule for HaproxyNoCircuitBreaker {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            for (index, section) in proxies(config) {
                let Some(servers) = checked_http_pool(config, index, section) else {
                    continue;
                };
                let Some(retry) = retries_elsewhere(config, index) else {
                    continue;
                };
                let subject = subject(project, unit, section);
                cx.evaluate(subject.clone());
                let observed = servers
                    .iter()
                    .any(|s| server_option(config, index, s, "observe").is_some());
                let why = match retry {
                    Retry::Elsewhere => continue,
                    _ if observed => continue,
                    Retry::Disabled => "`retries 0` turns retrying off",
                    Retry::No => "no `option redispatch` or `retry-on`",
                };
                cx.report(
                    subject,
                    unit.file,
                    section.header,
                    format!(
                        "{} keeps sending requests to a failing server until its health checks catch up: no `observe layer7` on the servers and {why}",
                        display(section)
                    ),
                );
            }
        }
    }
}

enum Retry {
    /// `option redispatch` or `retry-on` with retries left.
    Elsewhere,
    /// Redispatch or `retry-on` asked for, but `retries 0`.
    Disabled,
    No,
}

/// Whether a failed request is retried on another server: `option redispatch` or a `retry-on`
/// other than `none`, with `retries` (HAProxy's default is 3) above zero. `None` when a value
/// comes from the environment.
fn retries_elsewhere(config: &HaproxyConfig, index: usize) -> Option<Retry> {
    let retries = match effective(config, index, "retries").and_then(|d| d.arg(0)) {
        None => 3,
        Some(v) if is_unknown(v) => return None,
        Some(v) => v.parse::<u32>().unwrap_or(3),
    };
    // `option redispatch <interval>`: a negative interval turns it off; `redispatch` is the
    // pre-1.5 spelling.
    let redispatch = effective(config, index, "option redispatch")
        .is_some_and(|d| !d.values().first().is_some_and(|v| v.text.starts_with('-')))
        || effective(config, index, "redispatch").is_some();
    let retry_on = match effective(config, index, "retry-on").and_then(|d| d.arg(0)) {
        None => false,
        Some(v) if is_unknown(v) => return None,
        Some(v) => v != "none",
    };
    Some(match (redispatch || retry_on, retries) {
        (false, _) => Retry::No,
        (true, 0) => Retry::Disabled,
        (true, _) => Retry::Elsewhere,
    })
}
