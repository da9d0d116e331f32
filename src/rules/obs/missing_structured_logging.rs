//! Nothing asks for structured (JSON) logs: no `LOG_FORMAT=json`-style setting, no
//! `--log-format=json` flag, no JSON `log_format` at the proxy. Plain-text lines cannot be
//! filtered by field, and correlating one request across services becomes a regex hunt.

use super::signals::{
    any_config_line, app_services, args_ask_for_json_logs, asks_for_json_logs, configmap_entries,
    helm_values, services,
};
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsMissingStructuredLogging;

/// nginx `log_format name escape=json ...` or a format that writes a JSON object.
fn nginx_json(project: &Project) -> bool {
    project.nginx.iter().any(|u| {
        u.config.find_all("log_format").iter().any(|d| {
            d.args.iter().skip(1).any(|w| w.text == "escape=json")
                || d.args
                    .iter()
                    .skip(1)
                    .find(|w| !w.text.starts_with("escape="))
                    .is_some_and(|w| w.text.trim_start().starts_with('{'))
        })
    })
}

/// HAProxy `log-format` with the `%{+json}` encoding or a JSON object.
fn haproxy_json(project: &Project) -> bool {
    project.haproxy.iter().any(|u| {
        u.config
            .sections
            .iter()
            .flat_map(|s| &s.directives)
            .filter(|d| {
                d.keyword().eq_ignore_ascii_case("log-format")
                    || d.keyword().eq_ignore_ascii_case("log-format-sd")
            })
            .any(|d| {
                let format: String = d
                    .args()
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                format.contains("%{+json}") || format.trim_start().starts_with('{')
            })
    })
}

fn configured(project: &Project) -> bool {
    let all = services(project);
    all.iter().any(|s| {
        s.env(project).vars.iter().any(|(n, v)| asks_for_json_logs(n, v.as_deref()))
            || args_ask_for_json_logs(&s.args(project))
    }) || configmap_entries(project).iter().any(|(k, v)| {
        asks_for_json_logs(k, *v)
            || v.is_some_and(|text| {
                text.contains('\n')
                    && any_config_line(text, |k, v| asks_for_json_logs(k, Some(v)))
            })
    }) || helm_values(project).any(|text| {
        any_config_line(text, |k, v| !v.is_empty() && asks_for_json_logs(k, Some(v)))
    }) || nginx_json(project)
        || haproxy_json(project)
        // Log records sent over OTLP are structured (attributes, trace IDs) by design.
        || project.obs.collectors.iter().any(|c| {
            c.pipelines
                .iter()
                .filter(|p| p.signal() == "logs")
                .any(|p| p.components("receivers").any(|r| r.split('/').next() == Some("otlp")))
        })
}

impl Rule for ObsMissingStructuredLogging {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let apps = app_services(project);
        let Some(first) = apps.first() else {
            return;
        };
        if configured(project) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        cx.report(
            PROJECT_SUBJECT,
            first.file(),
            first.span(),
            format!(
                "nothing configures structured logs: no service (first {}) sets `LOG_FORMAT=json` or a similar variable or `--log-format=json` flag, and no proxy writes a JSON access log",
                first.display()
            ),
        );
    }
}
