//! TLS servers that send no `Strict-Transport-Security` header.

use super::common::{At, Nginx, lua_mentions};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct NginxNoHsts;

const HSTS: &str = "strict-transport-security";

fn sets_hsts(project: &Project, nx: &Nginx<'_>, dirs: &[At<'_>]) -> bool {
    dirs.iter().any(|(u, d)| match d.name() {
        "add_header" => d.arg(0).is_some_and(|h| h.eq_ignore_ascii_case(HSTS)),
        "more_set_headers" => d
            .args
            .iter()
            .any(|w| w.text.to_ascii_lowercase().contains(HSTS)),
        _ => lua_mentions(project, nx.file(*u), d, HSTS),
    })
}

impl Rule for NginxNoHsts {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let nx = Nginx::new(project);
        for server in nx.servers() {
            let listens = nx.listens(&server);
            let Some(first_ssl) = listens.iter().find(|l| l.ssl) else {
                continue;
            };
            // A server that only answers with `return` (redirects, 444) is not judged.
            if !nx.serves_content(&server) {
                continue;
            }
            let inside = nx.subtree(server.unit, server.block);
            let http = nx.http_level(&server);
            if nx.any_unresolved(&inside) || nx.any_unresolved(&http) {
                continue;
            }
            let subject = nx.server_subject(&server);
            cx.evaluate(subject.clone());
            if sets_hsts(project, &nx, &inside) || sets_hsts(project, &nx, &http) {
                continue;
            }
            cx.report(
                subject,
                nx.file(server.unit),
                first_ssl.directive.span,
                format!(
                    "TLS server `{}` sends no Strict-Transport-Security header: browsers keep \
                     trying plain HTTP first, open to SSL stripping",
                    nx.server_names(&server).first().copied().unwrap_or("_"),
                ),
            );
        }
    }
}
