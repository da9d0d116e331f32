//! Backends whose servers are all fixed addresses: scaling out or replacing an instance needs a
//! configuration change and a reload.

use super::common::{
    display, is_backend_side, is_local_address, is_per_request_address, is_unknown, proxies,
    server_address, server_host, server_option, server_params, subject, units,
};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct HaproxyStaticServers;

impl Rule for HaproxyStaticServers {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            for (index, section) in proxies(config) {
                if !is_backend_side(section) {
                    continue;
                }
                let servers: Vec<_> = config.servers(index).collect();
                let Some(first) = servers.first() else {
                    continue;
                };
                let mut hosts = Vec::new();
                let mut judged = true;
                for server in &servers {
                    let Some(address) = server_address(server) else {
                        judged = false;
                        break;
                    };
                    let address = address.text.as_str();
                    // Unknown addresses, local sockets and sidecars, and placeholder slots filled
                    // at run time through the Runtime or Data Plane API.
                    let host = server_host(address);
                    if is_unknown(address)
                        || host.is_empty()
                        || is_per_request_address(address)
                        || is_local_address(address)
                        || server_params(server).iter().any(|w| w.text == "disabled")
                    {
                        judged = false;
                        break;
                    }
                    hosts.push(host);
                }
                if !judged {
                    continue;
                }
                // One host name is a service address (a Kubernetes Service, a load-balanced DNS
                // name) that scales behind it.
                if hosts.len() == 1
                    && hosts[0].parse::<std::net::IpAddr>().is_err()
                    && !hosts[0].starts_with('[')
                {
                    continue;
                }
                let subject = subject(project, unit, section);
                cx.evaluate(subject.clone());
                let discovered = servers.iter().any(|s| {
                    s.keyword() == "server-template"
                        || server_option(config, index, s, "resolvers").is_some()
                });
                if discovered {
                    continue;
                }
                cx.report(
                    subject,
                    unit.file,
                    first.span,
                    format!(
                        "{} lists {} fixed server address{} without DNS discovery: new instances need a config change and a reload",
                        display(section),
                        servers.len(),
                        if servers.len() == 1 { "" } else { "es" }
                    ),
                );
            }
        }
    }
}
