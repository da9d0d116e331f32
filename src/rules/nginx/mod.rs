//! nginx rules: TLS, redirects, upstream health and references, status endpoints.

mod common;
mod no_hsts;
mod no_http2;
mod no_https_redirect;
mod no_status_endpoint;
mod unused_upstream;
mod upstream_without_health_check;
mod weak_tls;

pub use no_hsts::NginxNoHsts;
pub use no_http2::NginxNoHttp2;
pub use no_https_redirect::NginxNoHttpsRedirect;
pub use no_status_endpoint::NginxNoStatusEndpoint;
pub use unused_upstream::NginxUnusedUpstream;
pub use upstream_without_health_check::NginxUpstreamWithoutHealthCheck;
pub use weak_tls::NginxWeakTls;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    ("nginx-no-hsts", &NginxNoHsts),
    ("nginx-no-http2", &NginxNoHttp2),
    ("nginx-no-https-redirect", &NginxNoHttpsRedirect),
    ("nginx-no-status-endpoint", &NginxNoStatusEndpoint),
    ("nginx-unused-upstream", &NginxUnusedUpstream),
    (
        "nginx-upstream-without-health-check",
        &NginxUpstreamWithoutHealthCheck,
    ),
    ("nginx-weak-tls", &NginxWeakTls),
];
