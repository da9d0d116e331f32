//! The monitoring stack a repository declares: Prometheus configs and rules (files and
//! `PrometheusRule` objects), Alertmanager, Grafana, OpenTelemetry collectors and log shippers,
//! plus the signs of metrics, tracing and logging on the services themselves.

pub mod alertmanager;
pub mod grafana;
pub mod otel;
pub mod prometheus;
pub mod promql;

use std::collections::BTreeSet;

use alertmanager::Alertmanager;
use grafana::{Dashboard, Provisioning};
use otel::Collector;
use prometheus::{PromConfig, PromRule, RuleGroup, rules_of};
use rayon::prelude::*;

use crate::kind::FileKind;
use crate::model::image::image_matches;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::parse::{FileId, ParseFailure, SourceFile};

#[derive(Debug, Default)]
pub struct Observability {
    pub prometheus: Vec<PromConfig>,
    pub groups: Vec<RuleGroup>,
    /// Alerting and recording rules from rule files and `PrometheusRule` objects.
    pub rules: Vec<PromRule>,
    pub alertmanagers: Vec<Alertmanager>,
    pub dashboards: Vec<Dashboard>,
    pub provisioning: Vec<Provisioning>,
    pub collectors: Vec<Collector>,
    /// Log shipper configuration files (fluent-bit, vector, promtail, filebeat...).
    pub log_shippers: Vec<FileId>,
    /// Files of a monitoring kind whose structure is not that kind's.
    pub invalid: Vec<ParseFailure>,
    /// Rule and provisioning files holding Grafana-managed alert rules: see
    /// `holds_grafana_alerting`.
    pub grafana_alerting: BTreeSet<FileId>,
}

/// Grafana-managed alert rules (`groups[].folder`, rules with `condition` and `data` and no
/// `expr`) share the `groups:`/`rules:` shape of Prometheus rule files, but are another format.
fn holds_grafana_alerting(source: &SourceFile, docs: &[Node]) -> bool {
    if !matches!(
        source.kind,
        FileKind::PrometheusRules | FileKind::GrafanaProvisioning
    ) || !(source.text.contains("condition") || source.text.contains("folder"))
    {
        return false;
    }
    docs.iter().any(|doc| {
        doc.get("groups")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .any(|g| {
                g.get("folder").is_some()
                    || g.get("orgId").is_some()
                    || g.get("rules")
                        .map(Node::items)
                        .unwrap_or(&[])
                        .iter()
                        .any(|r| {
                            r.get("condition").is_some()
                                && r.get("data").is_some()
                                && r.get("expr").is_none()
                        })
            })
    })
}

/// Images of metrics collectors and time-series stores.
pub const METRICS_IMAGES: &[&str] = &[
    "prom/prometheus",
    "prometheus",
    "quay.io/prometheus/prometheus",
    "bitnami/prometheus",
    "victoriametrics/victoria-metrics",
    "victoriametrics/vmagent",
    "grafana/agent",
    "grafana/alloy",
    "grafana/mimir",
    "otel/opentelemetry-collector",
    "otel/opentelemetry-collector-contrib",
    "datadog/agent",
    "gcr.io/datadoghq/agent",
    "newrelic/infrastructure",
];

/// Images of tracing backends and collectors.
pub const TRACING_IMAGES: &[&str] = &[
    "otel/opentelemetry-collector",
    "otel/opentelemetry-collector-contrib",
    "otel/opentelemetry-collector-k8s",
    "jaegertracing/all-in-one",
    "jaegertracing/jaeger",
    "jaegertracing/jaeger-collector",
    "openzipkin/zipkin",
    "grafana/tempo",
    "grafana/alloy",
    "datadog/agent",
    "gcr.io/datadoghq/agent",
];

/// Images of log shippers and log stores.
pub const LOG_IMAGES: &[&str] = &[
    "fluent/fluent-bit",
    "cr.fluentbit.io/fluent/fluent-bit",
    "fluent/fluentd",
    "fluentd",
    "timberio/vector",
    "grafana/promtail",
    "grafana/loki",
    "grafana/alloy",
    "docker.elastic.co/beats/filebeat",
    "elastic/filebeat",
    "docker.elastic.co/logstash/logstash",
    "logstash",
    "docker.elastic.co/elasticsearch/elasticsearch",
    "elasticsearch",
    "opensearchproject/opensearch",
    "datadog/agent",
    "gcr.io/datadoghq/agent",
    "splunk/universalforwarder",
    "graylog/graylog",
];

/// Whether an image is one of `names`.
pub fn image_in(image: &str, names: &[&str]) -> bool {
    names.iter().any(|n| image_matches(image, n))
}

/// Environment variable names that make a service export traces.
pub fn is_tracing_env(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.starts_with("OTEL_EXPORTER_OTLP")
        || upper == "OTEL_TRACES_EXPORTER"
        || upper.starts_with("JAEGER_")
        || upper.contains("ZIPKIN")
        || upper.starts_with("DD_TRACE")
        || upper == "DD_AGENT_HOST"
        || upper.starts_with("ELASTIC_APM_SERVER")
        || upper.starts_with("TEMPO_")
}

/// Log drivers that send container logs to a central place.
pub const CENTRAL_LOG_DRIVERS: &[&str] = &[
    "fluentd",
    "gelf",
    "syslog",
    "journald",
    "awslogs",
    "gcplogs",
    "splunk",
    "loki",
    "logentries",
    "etwlogs",
];

/// A dashboard file: its model, `None` when the JSON is no dashboard, or a located error when
/// Grafana could not load it.
fn dashboard_of(
    file: FileId,
    source: &SourceFile,
) -> Result<Option<grafana::WithQueries>, ParseFailure> {
    match serde_json::from_str::<serde_json::Value>(&source.text) {
        Ok(value) => Ok(Dashboard::from_value(file, &source.text, &value)),
        Err(e) => {
            let line_start = source.lines.line_start(e.line()).unwrap_or(0);
            let offset = crate::parse::span::floor_char_boundary(
                &source.text,
                (line_start + e.column().saturating_sub(1)).min(source.text.len()),
            );
            Err(ParseFailure {
                file,
                message: format!("dashboard is not valid JSON: {e}"),
                offset,
            })
        }
    }
}

/// What one monitoring file holds, modelled on its own.
enum ObsFile {
    LogShipper,
    Invalid(ParseFailure),
    Prometheus(PromConfig),
    Rules(Vec<RuleGroup>, Vec<PromRule>),
    Alertmanager(Alertmanager),
    Provisioning(Provisioning),
    Collector(Collector),
    Other,
}

impl ObsFile {
    fn of(files: &[SourceFile], file: FileId, docs: &[Node]) -> ObsFile {
        let kind = files[file].kind;
        if kind == FileKind::LogShipper {
            return ObsFile::LogShipper;
        }
        let Some(doc) = docs.iter().find(|d| d.is_map()) else {
            return ObsFile::Invalid(ParseFailure {
                file,
                message: format!("expected a {} mapping, found none", kind.name()),
                offset: docs.first().map_or(0, |d| d.span.start),
            });
        };
        match kind {
            FileKind::PrometheusConfig => ObsFile::Prometheus(PromConfig::from_document(file, doc)),
            FileKind::PrometheusRules => match doc.get("groups") {
                Some(groups) if groups.as_seq().is_some() => {
                    let (mut out_groups, mut out_rules) = (Vec::new(), Vec::new());
                    rules_of(file, groups, &mut out_groups, &mut out_rules);
                    ObsFile::Rules(out_groups, out_rules)
                }
                _ => ObsFile::Invalid(ParseFailure {
                    file,
                    message: "not a Prometheus rule file: `groups:` must be a list".into(),
                    offset: doc.span.start,
                }),
            },
            FileKind::Alertmanager => ObsFile::Alertmanager(Alertmanager::from_document(file, doc)),
            FileKind::GrafanaProvisioning => {
                ObsFile::Provisioning(Provisioning::from_document(file, doc))
            }
            FileKind::OtelCollector => ObsFile::Collector(Collector::from_document(file, doc)),
            _ => ObsFile::Other,
        }
    }
}

impl Observability {
    /// Builds the model from parsed YAML of monitoring kinds (taking those documents out of
    /// `yaml`), dashboards' JSON text, and `PrometheusRule` objects.
    /// The YAML kinds this model reads: the caller hands their documents to `build`.
    pub fn reads(kind: FileKind) -> bool {
        matches!(
            kind,
            FileKind::PrometheusConfig
                | FileKind::PrometheusRules
                | FileKind::Alertmanager
                | FileKind::GrafanaProvisioning
                | FileKind::OtelCollector
                | FileKind::LogShipper
        )
    }

    /// Builds the model from the parsed YAML of the kinds it `reads`, dashboards' JSON text, and
    /// `PrometheusRule` objects.
    pub fn build(
        files: &[SourceFile],
        mine: Vec<(FileId, Vec<Node>)>,
        k8s: &[K8sObject],
    ) -> Observability {
        let mut obs = Observability::default();
        // Each file is modelled on its own, in parallel; the results are filed in file order.
        let modelled: Vec<(FileId, bool, ObsFile)> = mine
            .par_iter()
            .map(|(file, docs)| {
                let grafana_alerting = holds_grafana_alerting(&files[*file], docs);
                (*file, grafana_alerting, ObsFile::of(files, *file, docs))
            })
            .collect();
        for (file, grafana_alerting, modelled) in modelled {
            if grafana_alerting {
                obs.grafana_alerting.insert(file);
            }
            match modelled {
                ObsFile::LogShipper => obs.log_shippers.push(file),
                ObsFile::Invalid(failure) => obs.invalid.push(failure),
                ObsFile::Prometheus(config) => obs.prometheus.push(config),
                ObsFile::Rules(mut groups, mut rules) => {
                    obs.groups.append(&mut groups);
                    obs.rules.append(&mut rules);
                }
                ObsFile::Alertmanager(am) => obs.alertmanagers.push(am),
                ObsFile::Provisioning(p) => obs.provisioning.push(p),
                ObsFile::Collector(c) => obs.collectors.push(c),
                ObsFile::Other => {}
            }
        }
        for obj in k8s.iter().filter(|o| o.kind == "PrometheusRule") {
            if let Some(groups) = obj.node.path(&["spec", "groups"]) {
                rules_of(obj.file, groups, &mut obs.groups, &mut obs.rules);
            }
        }
        prometheus::analyse_all(&mut obs.rules);
        // JSON parsing and PromQL dominate: dashboards are read in parallel, in file order.
        let parsed: Vec<Result<Option<grafana::WithQueries>, ParseFailure>> = files
            .par_iter()
            .enumerate()
            .filter(|(_, source)| source.kind == FileKind::GrafanaDashboard)
            .map(|(file, source)| dashboard_of(file, source))
            .collect();
        let mut dashboards = Vec::new();
        for d in parsed {
            match d {
                Ok(Some(d)) => dashboards.push(d),
                Ok(None) => {}
                Err(failure) => obs.invalid.push(failure),
            }
        }
        // Dashboards shipped in ConfigMaps for the Grafana sidecar: as many as in files in
        // kube-prometheus, so they are parsed in parallel too.
        let embedded: Vec<(FileId, &Node)> = k8s
            .iter()
            .flat_map(|obj| {
                obj.config_data()
                    .map(move |(_, _, value)| (obj.file, value))
            })
            .filter(|(_, value)| {
                value
                    .as_str()
                    .is_some_and(|t| t.trim_start().starts_with('{'))
            })
            .collect();
        let embedded: Vec<grafana::WithQueries> = embedded
            .par_iter()
            .filter_map(|&(file, value)| {
                let (d, queries) = Dashboard::from_text(file, value.as_str()?)?;
                Some((
                    Dashboard {
                        title_span: value.span,
                        ..d
                    },
                    queries,
                ))
            })
            .collect();
        dashboards.extend(embedded);
        obs.dashboards = grafana::read_metrics(dashboards);
        obs
    }

    pub fn alerts(&self) -> impl Iterator<Item = &PromRule> {
        self.rules
            .iter()
            .filter(|r| r.kind == Some(prometheus::RuleKind::Alert))
    }
}
