//! TLS servers that do not speak HTTP/2.

use std::collections::BTreeSet;

use super::common::{At, Nginx};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct NginxNoHttp2;

/// The last `http2 on|off` among `dirs`, if any.
fn http2_setting(dirs: &[At<'_>]) -> Option<bool> {
    dirs.iter()
        .rfind(|(_, d)| d.name() == "http2")
        .map(|(_, d)| d.arg(0) == Some("on"))
}

impl Rule for NginxNoHttp2 {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let nx = Nginx::new(project);
        let servers = nx.servers();
        for server in &servers {
            let listens = nx.listens(server);
            let Some(first_ssl) = listens.iter().find(|l| l.ssl) else {
                continue;
            };
            // A server that only answers with `return` (redirects, 444) is not judged.
            if !nx.serves_content(server) {
                continue;
            }
            let own = nx.children(server.unit, server.block.children());
            let http = nx.http_level(server);
            if nx.any_unresolved(&own) || nx.any_unresolved(&http) {
                continue;
            }
            let subject = nx.server_subject(server);
            cx.evaluate(subject.clone());
            let setting = http2_setting(&own).or_else(|| http2_setting(&http));
            if setting == Some(true) || listens.iter().any(|l| l.ssl && l.http2) {
                continue;
            }
            // `listen ... http2` enables HTTP/2 on the socket, for every server bound to it.
            let group = nx.group(server.unit);
            let shared: BTreeSet<_> = servers
                .iter()
                .filter(|s| group.contains(&s.unit))
                .flat_map(|s| nx.listens(s))
                .filter(|l| l.http2)
                .map(|l| l.socket())
                .collect();
            if setting.is_none()
                && listens
                    .iter()
                    .any(|l| l.ssl && shared.contains(&l.socket()))
            {
                continue;
            }
            cx.report(
                subject,
                nx.file(server.unit),
                first_ssl.directive.span,
                format!(
                    "TLS server `{}` does not enable HTTP/2: add `http2 on;` (nginx 1.25.1+) \
                     or the `http2` parameter to `listen {}`",
                    nx.server_names(server).first().copied().unwrap_or("_"),
                    first_ssl.directive.arg(0).unwrap_or(""),
                ),
            );
        }
    }
}
