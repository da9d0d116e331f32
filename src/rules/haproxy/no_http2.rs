//! HTTP frontends terminating TLS without advertising `h2` in ALPN: clients stay on HTTP/1.1.

use super::common::{
    bind_is_ssl, binds, display, is_frontend_side, is_http, is_unknown, option_value, proxies,
    routes_to_servers, subject, units,
};
use crate::model::Project;
use crate::parse::haproxy::SectionKind;
use crate::rules::{Cx, Rule};

pub struct HaproxyNoHttp2;

impl Rule for HaproxyNoHttp2 {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            // A global default ALPN (not a stock HAProxy keyword, but some builds and wrappers
            // accept it) would apply to every bind.
            let global_alpn = config
                .sections
                .iter()
                .filter(|s| s.kind == SectionKind::Global)
                .flat_map(|s| s.directives.iter())
                .filter(|d| d.keyword().starts_with("ssl-default-bind"))
                .filter_map(|d| option_value(d.args(), "alpn"))
                .next()
                .map(|w| w.text.clone());
            if global_alpn
                .as_deref()
                .is_some_and(|a| offers_h2(a) || is_unknown(a))
            {
                continue;
            }
            for (index, section) in proxies(config) {
                if !is_frontend_side(section)
                    || !is_http(config, index)
                    || !routes_to_servers(config, index)
                {
                    continue;
                }
                let tls: Vec<_> = binds(section)
                    .filter(|b| bind_is_ssl(b) && !is_quic(b.arg(0).unwrap_or("")))
                    .collect();
                let Some(first) = tls.first() else { continue };
                let mut unknown = false;
                let mut h2 = false;
                for bind in &tls {
                    let options = bind.args().get(1..).unwrap_or(&[]);
                    // Per-certificate ALPN can come from a crt-list file we cannot see.
                    if options.iter().any(|w| w.text == "crt-list") {
                        unknown = true;
                    }
                    match option_value(options, "alpn") {
                        Some(alpn) if is_unknown(&alpn.text) => unknown = true,
                        Some(alpn) if offers_h2(&alpn.text) => h2 = true,
                        _ => {}
                    }
                }
                if unknown {
                    continue;
                }
                let subject = subject(project, unit, section);
                cx.evaluate(subject.clone());
                if h2 {
                    continue;
                }
                let options = first.args().get(1..).unwrap_or(&[]);
                let address = first.arg(0).unwrap_or("");
                let message = match option_value(options, "alpn") {
                    Some(alpn) => format!(
                        "{} advertises only `{}` in ALPN on `{address}`: clients cannot use HTTP/2",
                        display(section),
                        alpn.text
                    ),
                    None if options.iter().any(|w| w.text == "no-alpn") => format!(
                        "{} disables ALPN on `{address}`: clients cannot use HTTP/2",
                        display(section)
                    ),
                    None => format!(
                        "{} terminates TLS on `{address}` without `alpn h2,http/1.1`: before HAProxy 2.8 clients get HTTP/1.1 only",
                        display(section)
                    ),
                };
                cx.report(subject, unit.file, first.span, message);
            }
        }
    }
}

fn offers_h2(alpn: &str) -> bool {
    alpn.split(',').any(|p| p.trim().eq_ignore_ascii_case("h2"))
}

/// QUIC listeners speak HTTP/3; HTTP/2 is a TCP matter.
fn is_quic(address: &str) -> bool {
    address.starts_with("quic")
}
