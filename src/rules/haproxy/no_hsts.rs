//! HTTPS frontends whose responses never carry `Strict-Transport-Security`.

use super::common::{
    bind_is_ssl, binds, display, effective, group, is_backend_side, is_frontend_side, is_http,
    is_unknown, proxies, routes_to_servers, subject, units, with_defaults,
};
use crate::model::Project;
use crate::parse::haproxy::{Directive, HaproxyConfig, is_dynamic_name};
use crate::rules::{Cx, Rule};

pub struct HaproxyNoHsts;

impl Rule for HaproxyNoHsts {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            let group = group(project, unit);
            for (index, section) in proxies(config) {
                if !is_frontend_side(section)
                    || !is_http(config, index)
                    || !routes_to_servers(config, index)
                {
                    continue;
                }
                if !binds(section).any(bind_is_ssl) {
                    continue;
                }
                let subject = subject(project, unit, section);
                cx.evaluate(subject.clone());
                if sets_hsts(config, index) {
                    continue;
                }
                // Backends this frontend routes to; every backend when a name is computed.
                let mut targets: Vec<String> = section
                    .directives
                    .iter()
                    .filter(|d| d.name_is("use_backend") || d.name_is("default_backend"))
                    .filter_map(|d| d.arg(0).map(str::to_string))
                    .collect();
                if let Some(d) = effective(config, index, "default_backend") {
                    targets.extend(d.arg(0).map(str::to_string));
                }
                let any_backend = targets.iter().any(|t| is_dynamic_name(t));
                let in_backends = group.iter().any(|u| {
                    proxies(&u.config).any(|(i, s)| {
                        is_backend_side(s)
                            && (any_backend || targets.iter().any(|t| t == s.name_str()))
                            && sets_hsts(&u.config, i)
                    })
                });
                if in_backends {
                    continue;
                }
                cx.report(
                    subject,
                    unit.file,
                    section.header,
                    format!(
                        "{} serves HTTPS without a `Strict-Transport-Security` header: browsers may still try plain HTTP first",
                        display(section)
                    ),
                );
            }
        }
    }
}

/// `http-response`/`http-after-response` `set-header`/`add-header Strict-Transport-Security`
/// (or the pre-2.1 `rspadd`) in the section or its defaults.
fn sets_hsts(config: &HaproxyConfig, index: usize) -> bool {
    with_defaults(config, index)
        .into_iter()
        .flat_map(|s| s.directives.iter())
        .any(is_hsts)
}

fn is_hsts(d: &Directive) -> bool {
    match d.keyword() {
        "http-response" | "http-after-response" => {
            matches!(d.arg(0), Some("set-header" | "add-header"))
                && d.arg(1).is_some_and(|h| {
                    h.eq_ignore_ascii_case("strict-transport-security") || is_unknown(h)
                })
        }
        "rspadd" => d.arg(0).is_some_and(|h| {
            h.to_ascii_lowercase()
                .starts_with("strict-transport-security")
        }),
        _ => false,
    }
}
