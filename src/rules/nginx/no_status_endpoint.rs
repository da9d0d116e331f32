//! Main nginx configurations that expose no status or metrics endpoint.

use super::common::{Nginx, lua_mentions, walk};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct NginxNoStatusEndpoint;

impl Rule for NginxNoStatusEndpoint {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let nx = Nginx::new(project);
        for (unit, u) in nx.units.iter().enumerate() {
            let Some(http) = u.config.directives.iter().find(|d| d.name() == "http") else {
                continue;
            };
            let mut exposed = false;
            let mut unknown = false;
            for other in nx.closure(unit) {
                let file = nx.file(other);
                for (parents, d) in walk(&nx.units[other].config.directives) {
                    let in_location = parents.last().is_some_and(|p| p.name() == "location");
                    exposed |= match d.name() {
                        "stub_status" | "vhost_traffic_status_display" | "check_status" => true,
                        "api" | "status" => in_location,
                        _ => lua_mentions(project, file, d, "prometheus"),
                    };
                    unknown |= nx.is_unresolved(other, d);
                }
            }
            if unknown {
                continue;
            }
            let subject = nx.path(unit).to_string();
            cx.evaluate(subject.clone());
            if exposed {
                continue;
            }
            cx.report(
                subject,
                nx.file(unit),
                http.name.span,
                "nginx exposes no stub_status, API or traffic-status endpoint: connections and \
                 request rates cannot be scraped or alerted on",
            );
        }
    }
}
