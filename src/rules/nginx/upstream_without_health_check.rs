//! Upstreams of two or more servers with neither an active health check nor a tuned passive one.

use super::common::{Nginx, PASS_DIRECTIVES, lua_mentions, pass_host, walk};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct NginxUpstreamWithoutHealthCheck;

/// `max_fails=N` (N ≥ 1) or `fail_timeout=...` on an upstream server.
fn tunes_failures(server: &crate::parse::nginx::Directive) -> bool {
    server.args.iter().any(|w| {
        w.text.starts_with("fail_timeout=")
            || w.text
                .strip_prefix("max_fails=")
                .is_some_and(|n| n.parse::<u32>().map_or(true, |n| n > 0))
    })
}

impl Rule for NginxUpstreamWithoutHealthCheck {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let nx = Nginx::new(project);
        // Upstreams actively checked: `health_check` (NGINX Plus) in a block that passes to them.
        let mut checked: Vec<String> = Vec::new();
        let mut lua_checker = Vec::new();
        for (unit, u) in nx.units.iter().enumerate() {
            for (parents, d) in walk(&u.config.directives) {
                if lua_mentions(project, nx.file(unit), d, "healthcheck") {
                    lua_checker.push(unit);
                }
                if d.name() != "health_check" {
                    continue;
                }
                let Some(block) = parents.last() else {
                    continue;
                };
                for (_, inner) in walk(block.children()) {
                    if PASS_DIRECTIVES.contains(&inner.name()) {
                        checked.extend(pass_host(inner));
                    }
                }
            }
        }
        for (unit, u) in nx.units.iter().enumerate() {
            for (_, d) in walk(&u.config.directives) {
                if d.name() != "upstream" || d.block.is_none() {
                    continue;
                }
                let Some(name) = d.arg(0) else { continue };
                if name.contains(['$', '{']) {
                    continue;
                }
                let servers: Vec<_> = d.children_named("server").collect();
                if servers.len() < 2 {
                    continue;
                }
                let group = nx.group(unit);
                if lua_checker.iter().any(|l| group.contains(l)) {
                    continue;
                }
                let subject = nx.upstream_subject(unit, d);
                cx.evaluate(subject.clone());
                let active = d.child("check").is_some()
                    || d.child("health_check").is_some()
                    || checked.iter().any(|c| c == name);
                if active || servers.iter().any(|s| tunes_failures(s)) {
                    continue;
                }
                cx.report(
                    subject,
                    nx.file(unit),
                    d.name.span,
                    format!(
                        "upstream `{name}` balances {} servers with no active health check and \
                         no max_fails/fail_timeout: a failed server is only skipped for 10 s \
                         after a real request to it failed",
                        servers.len()
                    ),
                );
            }
        }
    }
}
