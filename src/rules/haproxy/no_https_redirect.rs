//! HTTP frontends that serve the application on a plain port although the configuration
//! terminates TLS, instead of redirecting to HTTPS.

use super::common::{
    bind_is_local, bind_is_ssl, binds, display, effective, inherited, is_backend_side,
    is_frontend_side, is_http, is_unknown, proxies, routes_to_servers, subject, units,
};
use crate::model::Project;
use crate::parse::haproxy::{Directive, HaproxyConfig};
use crate::rules::{Cx, Rule};

pub struct HaproxyNoHttpsRedirect;

impl Rule for HaproxyNoHttpsRedirect {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            let terminates_tls =
                proxies(config).any(|(_, s)| is_frontend_side(s) && binds(s).any(bind_is_ssl));
            if !terminates_tls {
                continue;
            }
            for (index, section) in proxies(config) {
                if !is_frontend_side(section) || !is_http(config, index) {
                    continue;
                }
                let Some(plain) = binds(section)
                    .find(|b| !bind_is_ssl(b) && !bind_is_local(b) && !bind_is_private(b))
                else {
                    continue;
                };
                if !routes_to_servers(config, index) {
                    continue;
                }
                let subject = subject(project, unit, section);
                cx.evaluate(subject.clone());
                if redirects_to_https(config, index) || backend_redirects(config, index) {
                    continue;
                }
                cx.report(
                    subject,
                    unit.file,
                    section.header,
                    format!(
                        "{} serves plain HTTP on `{}` without redirecting to HTTPS",
                        display(section),
                        plain.arg(0).unwrap_or("")
                    ),
                );
            }
        }
    }
}

/// `redirect scheme https`, `http-request redirect prefix https://...`, `... location
/// https://...`; a location computed at run time counts (it cannot be judged).
fn redirects_to_https(config: &HaproxyConfig, index: usize) -> bool {
    let mut rules: Vec<&Directive> = inherited(config, index, "redirect");
    rules.extend(
        inherited(config, index, "http-request")
            .into_iter()
            .filter(|d| d.arg(0) == Some("redirect")),
    );
    rules.iter().any(|d| {
        let words = d.args();
        words.windows(2).any(|pair| {
            let value = pair[1].text.to_ascii_lowercase();
            match pair[0].text.as_str() {
                "scheme" => value.starts_with("https") || is_unknown(&value),
                "location" | "prefix" => value.starts_with("https://") || is_unknown(&value),
                _ => false,
            }
        })
    })
}

/// Some backend this frontend routes to redirects to HTTPS itself (`default_backend
/// https_redirect`).
fn backend_redirects(config: &HaproxyConfig, index: usize) -> bool {
    let section = &config.sections[index];
    let mut names: Vec<&str> = section
        .directives
        .iter()
        .filter(|d| d.name_is("use_backend") || d.name_is("default_backend"))
        .filter_map(|d| d.arg(0))
        .collect();
    if let Some(name) = effective(config, index, "default_backend").and_then(|d| d.arg(0)) {
        names.push(name);
    }
    config.sections.iter().enumerate().any(|(i, s)| {
        is_backend_side(s)
            && i != index
            && names.contains(&s.name_str())
            && redirects_to_https(config, i)
    })
}

/// A listener on a private network address: internal traffic, not what browsers reach.
fn bind_is_private(bind: &Directive) -> bool {
    let Some(address) = bind.arg(0) else {
        return false;
    };
    address.split(',').all(|a| {
        let a = a.split_once('@').map_or(a, |(_, rest)| rest);
        let host = a.rsplit_once(':').map_or(a, |(h, _)| h);
        match host.parse::<std::net::Ipv4Addr>() {
            Ok(ip) => ip.is_private(),
            Err(_) => false,
        }
    })
}
