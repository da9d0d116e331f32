//! HAProxy configurations that expose neither a stats page, a Prometheus endpoint nor a stats
//! socket: nobody can see rates, errors or server states.

use super::common::{global_elsewhere, group, is_frontend_side, proxies, units};
use crate::model::Project;
use crate::model::lb::HaproxyUnit;
use crate::parse::haproxy::SectionKind;
use crate::rules::{Cx, Rule};

pub struct HaproxyNoMetrics;

impl Rule for HaproxyNoMetrics {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            let Some((_, first_proxy)) = proxies(config).next() else {
                continue;
            };
            let path = project.path(unit.file).to_string();
            if group(project, unit).into_iter().any(exposes_metrics) {
                cx.evaluate(path);
                continue;
            }
            // The global section, where a stats socket would be, lives in another file.
            if global_elsewhere(project, unit) {
                continue;
            }
            let at = proxies(config)
                .find(|(_, s)| is_frontend_side(s))
                .map_or(first_proxy.header, |(_, s)| s.header);
            cx.report(
                path,
                unit.file,
                at,
                "HAProxy exposes no stats page, Prometheus endpoint or stats socket: rates, errors and server states are invisible",
            );
        }
    }
}

/// `stats enable`/`stats uri` (any `stats` setting in a proxy or defaults turns the page on),
/// `use-service prometheus-exporter`, or a `stats socket` in `global`.
fn exposes_metrics(unit: &HaproxyUnit) -> bool {
    unit.config.sections.iter().any(|section| {
        section.directives.iter().any(|d| match section.kind {
            SectionKind::Global => d.keyword() == "stats" && d.arg(0) == Some("socket"),
            SectionKind::Frontend
            | SectionKind::Backend
            | SectionKind::Listen
            | SectionKind::Defaults => {
                (d.keyword() == "stats" && d.arg(0).is_some_and(|a| a != "http-request"))
                    || (d.arg(0) == Some("use-service")
                        && d.arg(1).is_some_and(|s| s.contains("prometheus-exporter")))
                    || d.keyword() == "prometheus-exporter"
            }
            _ => false,
        })
    })
}
