//! Observability rules: metrics collection and scraping, alert rules and routing, dashboards,
//! tracing and logging.

mod alertmanager_no_real_receiver;
mod alertmanager_route_unknown_receiver;
mod alerts_not_routed;
mod dashboards_not_provisioned;
mod missing_alert_class;
mod missing_alert_rules;
mod missing_business_dashboards;
mod missing_centralized_logging;
mod missing_dashboards;
mod missing_endpoint_probe;
mod missing_metrics;
mod missing_request_id;
mod missing_structured_logging;
mod missing_tracing;
mod otel_invalid_pipeline;
mod otel_missing_memory_limiter;
mod prom_common;
mod prometheus_alert_missing_for;
mod prometheus_alert_missing_severity;
mod prometheus_alert_missing_summary;
mod prometheus_invalid_expression;
mod prometheus_invalid_rule;
mod prometheus_rule_file_missing;
mod service_not_scraped;
mod service_not_traced;
mod signals;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    (
        "alertmanager-no-real-receiver",
        &alertmanager_no_real_receiver::AlertmanagerNoRealReceiver,
    ),
    (
        "alertmanager-route-unknown-receiver",
        &alertmanager_route_unknown_receiver::AlertmanagerRouteUnknownReceiver,
    ),
    (
        "cross-service-not-scraped",
        &service_not_scraped::CrossServiceNotScraped,
    ),
    (
        "cross-service-not-traced",
        &service_not_traced::CrossServiceNotTraced,
    ),
    (
        "grafana-dashboards-not-provisioned",
        &dashboards_not_provisioned::GrafanaDashboardsNotProvisioned,
    ),
    (
        "obs-alerts-not-routed",
        &alerts_not_routed::ObsAlertsNotRouted,
    ),
    (
        "obs-missing-alert-rules",
        &missing_alert_rules::ObsMissingAlertRules,
    ),
    (
        "obs-missing-business-dashboards",
        &missing_business_dashboards::ObsMissingBusinessDashboards,
    ),
    (
        "obs-missing-centralized-logging",
        &missing_centralized_logging::ObsMissingCentralizedLogging,
    ),
    (
        "obs-missing-dashboards",
        &missing_dashboards::ObsMissingDashboards,
    ),
    ("obs-missing-downtime-alert", &missing_alert_class::DOWNTIME),
    (
        "obs-missing-endpoint-probe",
        &missing_endpoint_probe::ObsMissingEndpointProbe,
    ),
    (
        "obs-missing-error-rate-alert",
        &missing_alert_class::ERROR_RATE,
    ),
    ("obs-missing-latency-alert", &missing_alert_class::LATENCY),
    ("obs-missing-metrics", &missing_metrics::ObsMissingMetrics),
    (
        "obs-missing-request-id",
        &missing_request_id::ObsMissingRequestId,
    ),
    (
        "obs-missing-saturation-alert",
        &missing_alert_class::SATURATION,
    ),
    (
        "obs-missing-structured-logging",
        &missing_structured_logging::ObsMissingStructuredLogging,
    ),
    ("obs-missing-tracing", &missing_tracing::ObsMissingTracing),
    (
        "otel-collector-invalid-pipeline",
        &otel_invalid_pipeline::OtelCollectorInvalidPipeline,
    ),
    (
        "otel-collector-missing-memory-limiter",
        &otel_missing_memory_limiter::OtelCollectorMissingMemoryLimiter,
    ),
    (
        "prometheus-alert-missing-for",
        &prometheus_alert_missing_for::PrometheusAlertMissingFor,
    ),
    (
        "prometheus-alert-missing-severity",
        &prometheus_alert_missing_severity::PrometheusAlertMissingSeverity,
    ),
    (
        "prometheus-alert-missing-summary",
        &prometheus_alert_missing_summary::PrometheusAlertMissingSummary,
    ),
    (
        "prometheus-invalid-expression",
        &prometheus_invalid_expression::PrometheusInvalidExpression,
    ),
    (
        "prometheus-invalid-rule",
        &prometheus_invalid_rule::PrometheusInvalidRule,
    ),
    (
        "prometheus-rule-file-missing",
        &prometheus_rule_file_missing::PrometheusRuleFileMissing,
    ),
];
