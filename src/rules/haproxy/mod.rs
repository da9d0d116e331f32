//! HAProxy rules: TLS, health checks, timeouts, balancing, discovery and backend references.

mod common;
mod missing_maxconn;
mod missing_timeouts;
mod no_circuit_breaker;
mod no_hsts;
mod no_http2;
mod no_http_health_check;
mod no_https_redirect;
mod no_metrics;
mod no_session_affinity;
mod roundrobin_only;
mod server_without_check;
mod static_servers;
mod undefined_backend;
mod unused_backend;
mod weak_tls;

pub use missing_maxconn::HaproxyMissingMaxconn;
pub use missing_timeouts::HaproxyMissingTimeouts;
pub use no_circuit_breaker::HaproxyNoCircuitBreaker;
pub use no_hsts::HaproxyNoHsts;
pub use no_http_health_check::HaproxyNoHttpHealthCheck;
pub use no_http2::HaproxyNoHttp2;
pub use no_https_redirect::HaproxyNoHttpsRedirect;
pub use no_metrics::HaproxyNoMetrics;
pub use no_session_affinity::HaproxyNoSessionAffinity;
pub use roundrobin_only::HaproxyRoundrobinOnly;
pub use server_without_check::HaproxyServerWithoutCheck;
pub use static_servers::HaproxyStaticServers;
pub use undefined_backend::HaproxyUndefinedBackend;
pub use unused_backend::HaproxyUnusedBackend;
pub use weak_tls::HaproxyWeakTls;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    ("haproxy-missing-maxconn", &HaproxyMissingMaxconn),
    ("haproxy-missing-timeouts", &HaproxyMissingTimeouts),
    ("haproxy-no-circuit-breaker", &HaproxyNoCircuitBreaker),
    ("haproxy-no-hsts", &HaproxyNoHsts),
    ("haproxy-no-http-health-check", &HaproxyNoHttpHealthCheck),
    ("haproxy-no-http2", &HaproxyNoHttp2),
    ("haproxy-no-https-redirect", &HaproxyNoHttpsRedirect),
    ("haproxy-no-metrics", &HaproxyNoMetrics),
    ("haproxy-no-session-affinity", &HaproxyNoSessionAffinity),
    ("haproxy-roundrobin-only", &HaproxyRoundrobinOnly),
    ("haproxy-server-without-check", &HaproxyServerWithoutCheck),
    ("haproxy-static-servers", &HaproxyStaticServers),
    ("haproxy-undefined-backend", &HaproxyUndefinedBackend),
    ("haproxy-unused-backend", &HaproxyUnusedBackend),
    ("haproxy-weak-tls", &HaproxyWeakTls),
];
