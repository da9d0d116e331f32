//! A server that serves content over plain HTTP, in a configuration that also terminates TLS,
//! instead of redirecting to HTTPS.

use std::collections::{BTreeMap, BTreeSet};

use super::common::Nginx;
use crate::model::Project;
use crate::parse::nginx::Directive;
use crate::rules::{Cx, Rule};

pub struct NginxNoHttpsRedirect;

/// Whether a directive sends (or may send, when the target is a variable) a redirect to HTTPS.
fn redirects_to_https(d: &Directive) -> bool {
    let target = match d.name() {
        "return" => {
            let first = d.arg(0).unwrap_or("");
            match first.parse::<u16>() {
                Ok(301 | 302 | 303 | 307 | 308) => d.arg(1),
                Ok(_) => None,
                Err(_) => Some(first),
            }
        }
        "rewrite" => d.arg(1),
        _ => None,
    };
    target.is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t.starts_with("https://") || (t.starts_with('$') && !t.starts_with("$scheme"))
    })
}

impl Rule for NginxNoHttpsRedirect {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let nx = Nginx::new(project);
        let servers = nx.servers();
        // TLS servers per unit.
        let mut tls: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, s) in servers.iter().enumerate() {
            if nx.is_ssl(s) {
                tls.entry(s.unit).or_default().push(i);
            }
        }
        for server in &servers {
            if nx.ssl_on(server) {
                continue;
            }
            // Plain-HTTP listeners reachable from outside; no `listen` at all means port 80.
            let listens = nx.listens(server);
            let plain: Vec<_> = listens.iter().filter(|l| !l.ssl && !l.loopback()).collect();
            if !listens.is_empty() && plain.is_empty() {
                continue;
            }
            let group = nx.group(server.unit);
            let tls_here: Vec<usize> = group
                .iter()
                .filter_map(|u| tls.get(u))
                .flatten()
                .copied()
                .collect();
            let Some(&first_tls) = tls_here.first() else {
                continue;
            };
            // Port 80, or a host that is served over TLS too.
            let port_80 = listens.is_empty() || plain.iter().any(|l| l.port == Some(80));
            let tls_names: BTreeSet<&str> = tls_here
                .iter()
                .flat_map(|&i| nx.server_names(&servers[i]))
                .collect();
            let same_host = listens.iter().any(|l| l.ssl)
                || nx
                    .server_names(server)
                    .iter()
                    .any(|n| tls_names.contains(n));
            if !port_80 && !same_host {
                continue;
            }
            let all = nx.subtree(server.unit, server.block);
            if nx.any_unresolved(&all) {
                continue;
            }
            let subject = nx.server_subject(server);
            if all.iter().any(|(_, d)| redirects_to_https(d)) {
                cx.evaluate(subject);
                continue;
            }
            if !nx.serves_content(server) {
                continue;
            }
            let (span, shown) = match plain.first() {
                Some(l) => (
                    l.directive.span,
                    l.directive.arg(0).unwrap_or("").to_string(),
                ),
                None => (server.block.name.span, "port 80".to_string()),
            };
            // Point at another TLS server when this one is mixed.
            let tls_server = tls_here
                .iter()
                .map(|&i| &servers[i])
                .find(|s| !std::ptr::eq(s.block, server.block))
                .unwrap_or(&servers[first_tls]);
            let message = format!(
                "server `{}` listens on plain HTTP ({shown}) and serves content without \
                 redirecting to HTTPS, although this configuration terminates TLS ({})",
                nx.server_names(server).first().copied().unwrap_or("_"),
                nx.at(tls_server.unit, tls_server.block.name.span),
            );
            let related = cx.related(
                nx.file(tls_server.unit),
                tls_server.block.name.span,
                "TLS server",
            );
            cx.report(subject, nx.file(server.unit), span, message)
                .related
                .push(related);
        }
    }
}
