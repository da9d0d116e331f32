//! Upstreams no pass directive sends traffic to.

use std::collections::BTreeSet;

use super::common::{Nginx, PASS_DIRECTIVES, is_dynamic_pass, pass_host, walk};
use crate::discover::split_dir;
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct NginxUnusedUpstream;

impl Rule for NginxUnusedUpstream {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let nx = Nginx::new(project);
        let mut used: BTreeSet<String> = BTreeSet::new();
        let mut dynamic: BTreeSet<usize> = BTreeSet::new();
        for (unit, u) in nx.units.iter().enumerate() {
            for (_, d) in walk(&u.config.directives) {
                if !PASS_DIRECTIVES.contains(&d.name()) {
                    continue;
                }
                if is_dynamic_pass(d) {
                    dynamic.insert(unit);
                }
                used.extend(pass_host(d));
            }
        }
        for (unit, u) in nx.units.iter().enumerate() {
            // A pass whose target is a variable, in this configuration or beside this file, may
            // reach any upstream.
            let dir = split_dir(nx.path(unit)).0;
            let group = nx.group(unit);
            let unknown = dynamic
                .iter()
                .any(|&o| group.contains(&o) || split_dir(nx.path(o)).0 == dir);
            for (_, d) in walk(&u.config.directives) {
                if d.name() != "upstream" || d.block.is_none() {
                    continue;
                }
                let Some(name) = d.arg(0) else { continue };
                if name.contains(['$', '{']) || unknown {
                    continue;
                }
                let subject = nx.upstream_subject(unit, d);
                cx.evaluate(subject.clone());
                if used.contains(name) {
                    continue;
                }
                cx.report(
                    subject,
                    nx.file(unit),
                    d.name.span,
                    format!(
                        "upstream `{name}` is never used: no proxy_pass, grpc_pass, fastcgi_pass \
                         or other pass directive names it"
                    ),
                );
            }
        }
    }
}
