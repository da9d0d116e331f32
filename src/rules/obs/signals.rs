//! What the collection, dashboard, tracing and logging rules share: the services a repository
//! runs (compose services and Kubernetes workloads) with the part of the monitoring stack each
//! one is, their environment, and where metrics, traces and logs are collected.
//!
//! Scoping keeps a repository of several independent setups (`examples/a/compose.yaml`,
//! `examples/b/compose.yaml`) from judging one setup against another's monitoring: a compose
//! service is compared with the monitoring of its own compose project (the compose files of its
//! folder and the configs they mount); a Kubernetes workload with the ServiceMonitors and
//! PodMonitors under the same top-level folder that watch its namespace, and with the tracing
//! set up in its folder or a folder above it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::discover::split_dir;
use crate::kind::FileKind;
use crate::model::Project;
use crate::model::compose::{ComposeFile, ComposeService};
use crate::model::image::ImageRef;
use crate::model::k8s::{K8sObject, Selector};
use crate::model::memo::MemoSlot;
use crate::model::obs::grafana::Dashboard;
use crate::model::obs::otel::Collector;
use crate::model::obs::prometheus::PromConfig;
use crate::model::obs::{LOG_IMAGES, METRICS_IMAGES, TRACING_IMAGES, image_in, is_tracing_env};
use crate::parse::FileId;
use crate::parse::is_templated;
use crate::parse::span::Span;
use crate::parse::yaml::Node;
use crate::rules::compose::common::{is_one_shot, views};
use crate::rules::k8s::datastore::datastore;
use crate::rules::{compose_subject, k8s_subject};

/// The part of the monitoring stack a service is, from its image (or its name when the image
/// is templated or missing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Roles {
    /// Collects or stores metrics (Prometheus, agents, OTel collectors).
    pub metrics: bool,
    /// Stores metrics itself, to be queried by dashboards and alerts (Prometheus, Thanos,
    /// Mimir, VictoriaMetrics), as opposed to an agent forwarding them to a vendor.
    pub store: bool,
    /// Collects or stores traces (Jaeger, Zipkin, Tempo, OTel collectors).
    pub tracing: bool,
    /// Ships or stores logs (fluent-bit, Loki, Elasticsearch...).
    pub logging: bool,
    /// An OpenTelemetry Collector: which signals it carries is in its configuration.
    pub collector: bool,
    /// Grafana, Kibana.
    pub dashboards: bool,
    /// Blackbox exporter, Uptime Kuma, Gatus: synthetic checks.
    pub probe: bool,
    /// A metrics exporter (`*exporter*`, kube-state-metrics, cAdvisor): only useful when scraped.
    pub exporter: bool,
    /// Anything else of the monitoring stack (Alertmanager, Pushgateway, OpAMP...).
    pub monitoring: bool,
    /// A development tool or test runner (Adminer, MailHog, Cypress...), not an application.
    pub tool: bool,
    /// A datastore or broker (PostgreSQL, Redis, Kafka...).
    pub datastore: bool,
}

impl Roles {
    /// Part of the monitoring, tracing or logging stack itself.
    pub fn stack(&self) -> bool {
        self.metrics
            || self.collector
            || self.tracing
            || self.logging
            || self.dashboards
            || self.probe
            || self.exporter
            || self.monitoring
            || self.tool
    }
}

/// Development tools and consoles found in compose files next to the application.
const TOOLS: &[&str] = &[
    "adminer",
    "pgadmin",
    "phpmyadmin",
    "mailhog",
    "mailpit",
    "maildev",
    "smtp4dev",
    "redis-commander",
    "redisinsight",
    "mongo-express",
    "kafka-ui",
    "kafdrop",
    "akhq",
    "localstack",
    "swagger-ui",
    "portainer",
];

/// Datastores and brokers the seed names that `datastore()` does not know.
const MORE_DATASTORES: &[&str] = &["memcached", "minio", "nats", "couchdb", "neo4j", "influxdb"];

/// Words that name a datastore when only a service name is known.
const DATASTORE_WORDS: &[&str] = &[
    "postgres",
    "postgresql",
    "pg",
    "mysql",
    "mariadb",
    "redis",
    "valkey",
    "keydb",
    "mongo",
    "mongodb",
    "rabbitmq",
    "kafka",
    "zookeeper",
    "elasticsearch",
    "memcached",
    "etcd",
    "minio",
    "cassandra",
    "db",
    "database",
];

fn words(text: &str) -> Vec<String> {
    text.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Roles a name announces: an image's repository name (`image`: only `-` separates words,
/// so `prometheus_demo_service` is not Prometheus) or a service name.
fn roles_from_name(name: &str, roles: &mut Roles, image: bool) {
    let lower = name.to_ascii_lowercase();
    let w: Vec<String> = if image {
        lower
            .split('-')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        words(&lower)
    };
    let has = |word: &str| w.iter().any(|x| x == word);
    let starts = |prefix: &str| w.iter().any(|x| x.starts_with(prefix));
    if has("blackbox") || has("gatus") || lower.contains("uptime-kuma") || has("uptimekuma") {
        roles.probe = true;
        return;
    }
    if lower.ends_with("exporter")
        || has("exporter")
        || w.iter().any(|x| x.ends_with("exporter"))
        || lower.contains("kube-state-metrics")
        || has("cadvisor")
    {
        roles.exporter = true;
        return;
    }
    if has("prometheus")
        || has("thanos")
        || has("mimir")
        || has("cortex")
        || has("vmagent")
        || has("vminsert")
        || starts("victoria")
    {
        roles.metrics = true;
        roles.store = true;
    }
    if has("telegraf") || has("alloy") || (has("grafana") && has("agent")) {
        roles.metrics = true;
    }
    if starts("otelcol") || ((has("otel") || has("opentelemetry")) && has("collector")) {
        roles.collector = true;
        roles.tracing = true;
        roles.metrics = true;
    }
    if has("jaeger") || has("zipkin") || has("tempo") {
        roles.tracing = true;
    }
    if has("loki")
        || has("promtail")
        || starts("fluent")
        || lower == "vector"
        || has("filebeat")
        || has("logstash")
        || has("graylog")
        || has("splunk")
        || has("elasticsearch")
        || has("opensearch")
    {
        roles.logging = true;
    }
    if (has("grafana") && !has("agent")) || has("kibana") || lower.contains("opensearch-dashboards")
    {
        roles.dashboards = true;
    }
    if has("alertmanager")
        || has("pushgateway")
        || has("karma")
        || has("opamp")
        || has("pyroscope")
        || has("parca")
    {
        roles.monitoring = true;
    }
    if TOOLS.iter().any(|t| lower.contains(t))
        || w.iter().any(|x| {
            matches!(
                x.as_str(),
                "test" | "tests" | "e2e" | "cypress" | "playwright" | "selenium"
            )
        })
        || lower.ends_with("tests")
    {
        roles.tool = true;
    }
}

/// The roles of a service running `image` (literal) or, when the image is templated or
/// missing, named `names`.
pub(crate) fn roles_of(image: Option<&str>, names: &[&str]) -> Roles {
    let mut roles = Roles::default();
    match image
        .map(str::trim)
        .filter(|i| !i.is_empty() && !is_templated(i))
    {
        Some(image) => {
            roles.metrics = image_in(image, METRICS_IMAGES);
            roles.tracing = image_in(image, TRACING_IMAGES);
            roles.logging = image_in(image, LOG_IMAGES);
            let reference = ImageRef::parse(image);
            let short = reference.short_name().to_ascii_lowercase();
            roles_from_name(&short, &mut roles, true);
            if !roles.stack() {
                roles.datastore =
                    datastore(image).is_some() || MORE_DATASTORES.contains(&short.as_str());
            }
        }
        None => {
            for name in names {
                roles_from_name(name, &mut roles, false);
            }
            if !roles.stack() {
                roles.datastore = names.iter().any(|n| {
                    words(n)
                        .iter()
                        .any(|w| DATASTORE_WORDS.contains(&w.as_str()))
                });
            }
        }
    }
    // Test runners and tools are told by their service name too (`cypress/included`).
    for name in names {
        let mut by_name = Roles::default();
        roles_from_name(name, &mut by_name, false);
        roles.tool |= by_name.tool;
    }
    roles
}

/// A long-running service: a compose service or a Kubernetes workload.
pub(crate) enum Svc<'p> {
    Compose {
        compose: &'p ComposeFile,
        service: &'p ComposeService,
    },
    K8s(&'p K8sObject),
}

pub(crate) struct Service<'p> {
    pub svc: Svc<'p>,
    pub roles: Roles,
}

impl<'p> Service<'p> {
    pub fn subject(&self, project: &Project) -> String {
        match &self.svc {
            Svc::Compose { compose, service } => compose_subject(project, compose, service),
            Svc::K8s(obj) => k8s_subject(project, obj),
        }
    }

    pub fn file(&self) -> FileId {
        match &self.svc {
            Svc::Compose { compose, .. } => compose.file,
            Svc::K8s(obj) => obj.file,
        }
    }

    /// The compose service key or the workload's name.
    pub fn span(&self) -> Span {
        match &self.svc {
            Svc::Compose { service, .. } => service.name_span,
            Svc::K8s(obj) => obj.span(),
        }
    }

    /// "compose service `web`" / "Deployment `web`", for messages.
    pub fn display(&self) -> String {
        match &self.svc {
            Svc::Compose { service, .. } => format!("compose service `{}`", service.name),
            Svc::K8s(obj) => obj.display(),
        }
    }

    /// An application service: not part of the monitoring stack, not a datastore.
    pub fn is_app(&self) -> bool {
        !self.roles.stack() && !self.roles.datastore
    }

    /// The folder of the compose project, for compose services.
    pub fn compose_dir(&self, project: &'p Project) -> Option<&'p str> {
        match &self.svc {
            Svc::Compose { compose, .. } => Some(split_dir(project.path(compose.file)).0),
            Svc::K8s(_) => None,
        }
    }

    /// The environment the service's containers get.
    pub fn env(&self, project: &Project) -> Env {
        let mut env = Env::default();
        match &self.svc {
            Svc::Compose { compose, service } => {
                for view in views(project, compose, service) {
                    if view.get("env_file").is_some() || view.get("extends").is_some() {
                        env.unknown = true;
                    }
                    for var in view.environment() {
                        env.vars.push((var.name, var.value));
                    }
                }
            }
            Svc::K8s(obj) => {
                for container in obj.containers() {
                    k8s_container_env(project, obj, container, &mut env);
                }
            }
        }
        env
    }

    /// Command-line words the service's containers run with (`command`, `args`, `entrypoint`).
    pub fn args(&self, project: &Project) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |node: Option<&Node>| {
            let Some(node) = node else { return };
            match node.as_str() {
                Some(s) => out.extend(s.split_whitespace().map(str::to_string)),
                None => out.extend(
                    node.items()
                        .iter()
                        .filter_map(Node::as_str)
                        .map(str::to_string),
                ),
            }
        };
        match &self.svc {
            Svc::Compose { compose, service } => {
                for view in views(project, compose, service) {
                    push(view.get("command"));
                    push(view.get("entrypoint"));
                }
            }
            Svc::K8s(obj) => {
                for container in obj.containers() {
                    push(container.get("command"));
                    push(container.get("args"));
                }
            }
        }
        out
    }

    /// Annotations of the pod template and of the workload itself.
    pub fn annotations(&self) -> Vec<(&'p str, &'p Node)> {
        match &self.svc {
            Svc::Compose { .. } => Vec::new(),
            Svc::K8s(obj) => {
                let mut out: Vec<(&str, &Node)> = Vec::new();
                let template = obj
                    .pod_template()
                    .and_then(|t| t.path(&["metadata", "annotations"]));
                let own = obj.node.path(&["metadata", "annotations"]);
                for node in [template, own].into_iter().flatten() {
                    out.extend(node.string_entries().map(|(k, _, v)| (k, v)));
                }
                out
            }
        }
    }
}

/// Environment variables, and whether some come from where we cannot see (`env_file`,
/// `extends`, Secrets, ConfigMaps outside the repository).
#[derive(Debug, Default)]
pub(crate) struct Env {
    pub vars: Vec<(String, Option<String>)>,
    pub unknown: bool,
}

fn k8s_container_env(project: &Project, obj: &K8sObject, container: &Node, env: &mut Env) {
    for var in container.get("env").map(Node::items).unwrap_or(&[]) {
        let Some(name) = var.get("name").and_then(Node::as_str) else {
            continue;
        };
        env.vars.push((
            name.to_string(),
            var.get("value").and_then(Node::as_str).map(str::to_string),
        ));
    }
    for from in container.get("envFrom").map(Node::items).unwrap_or(&[]) {
        let Some(name) = from.path(&["configMapRef", "name"]).and_then(Node::as_str) else {
            // Secrets, or a templated reference.
            env.unknown = true;
            continue;
        };
        let prefix = from.get("prefix").and_then(Node::as_str).unwrap_or("");
        match project
            .k8s_in(&obj.namespace, "ConfigMap")
            .find(|cm| cm.name == name)
        {
            Some(cm) => {
                for (key, _, value) in cm
                    .node
                    .get("data")
                    .map(Node::string_entries)
                    .into_iter()
                    .flatten()
                {
                    env.vars
                        .push((format!("{prefix}{key}"), value.as_str().map(str::to_string)));
                }
            }
            None => env.unknown = true,
        }
    }
}

/// The service as every compose file of its folder defines it.
pub(crate) fn views_of<'a>(
    project: &'a Project,
    compose: &'a ComposeFile,
    service: &'a ComposeService,
) -> Vec<&'a ComposeService> {
    views(project, compose, service)
}

/// Kubernetes workloads that keep running: not Jobs, CronJobs or Helm hooks.
pub(crate) fn is_long_running(obj: &K8sObject) -> bool {
    obj.is_workload() && !matches!(obj.kind.as_str(), "Job" | "CronJob")
}

/// The image and names that classify a workload: its first container (the main one by
/// convention), else the workload's name.
fn workload_roles(obj: &K8sObject) -> Roles {
    let first = obj.containers().first();
    let image = first.and_then(|c| c.get("image")).and_then(Node::as_str);
    let container = first
        .and_then(|c| c.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("");
    roles_of(image, &[obj.name.as_str(), container])
}

fn compose_roles(project: &Project, compose: &ComposeFile, service: &ComposeService) -> Roles {
    let views = views(project, compose, service);
    let image = views.iter().rev().find_map(|s| s.image());
    let mut names = vec![service.name.as_str()];
    names.extend(
        views
            .iter()
            .filter_map(|s| s.get("container_name").and_then(Node::as_str)),
    );
    roles_of(image, &names)
}

/// Every long-running service: compose services (once per compose project, however many files
/// define them) and Kubernetes workloads.
pub(crate) fn services(project: &Project) -> Vec<Service<'_>> {
    project
        .memo
        .get_or_init(MemoSlot::ObsServices, || find_services(project))
        .into_iter()
        .filter_map(|(at, roles)| {
            let svc = match at {
                ServiceAt::Compose { compose, service } => {
                    let compose = project.compose.get(compose)?;
                    Svc::Compose {
                        compose,
                        service: compose.services.get(service)?,
                    }
                }
                ServiceAt::K8s(i) => Svc::K8s(project.k8s.get(i)?),
            };
            Some(Service { svc, roles })
        })
        .collect()
}

/// Where a service is in the project, by index: the list of services is worked out once per
/// project and shared by the rules.
#[derive(Debug, Clone, Copy)]
enum ServiceAt {
    Compose { compose: usize, service: usize },
    K8s(usize),
}

fn find_services(project: &Project) -> Vec<(ServiceAt, Roles)> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (c, compose) in project.compose.iter().enumerate() {
        let dir = split_dir(project.path(compose.file)).0;
        for (s, service) in compose.services.iter().enumerate() {
            if !seen.insert((dir, service.name.as_str())) {
                continue;
            }
            if is_one_shot(project, compose, &service.name)
                || scaled_to_zero(project, compose, service)
            {
                continue;
            }
            out.push((
                ServiceAt::Compose {
                    compose: c,
                    service: s,
                },
                compose_roles(project, compose, service),
            ));
        }
    }
    for (i, obj) in project.k8s.iter().enumerate() {
        if is_long_running(obj) {
            out.push((ServiceAt::K8s(i), workload_roles(obj)));
        }
    }
    out
}

/// `deploy.replicas: 0` or `scale: 0`: defined but not started.
fn scaled_to_zero(project: &Project, compose: &ComposeFile, service: &ComposeService) -> bool {
    views(project, compose, service).iter().any(|s| {
        s.get("scale").and_then(Node::as_i64) == Some(0)
            || s.node.path(&["deploy", "replicas"]).and_then(Node::as_i64) == Some(0)
    })
}

/// Application services only.
pub(crate) fn app_services(project: &Project) -> Vec<Service<'_>> {
    services(project)
        .into_iter()
        .filter(Service::is_app)
        .collect()
}

/// The first path component: Kubernetes objects and monitoring are compared within it.
pub(crate) fn scope_of(path: &str) -> &str {
    path.split_once('/').map_or("", |(first, _)| first)
}

/// A prometheus-operator object of one of `kinds`.
pub(crate) fn is_operator_kind(obj: &K8sObject, kinds: &[&str]) -> bool {
    kinds.contains(&obj.kind.as_str()) && obj.api_version.starts_with("monitoring.coreos.com/")
}

/// A scrape annotation with value `true` on a pod template, workload or Service.
pub(crate) fn scrape_annotated(node: &Node) -> bool {
    let annotated = |n: Option<&Node>| {
        n.and_then(|a| a.get("prometheus.io/scrape"))
            .and_then(Node::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    };
    annotated(node.path(&["metadata", "annotations"]))
        || annotated(node.path(&["spec", "template", "metadata", "annotations"]))
}

/// Collector pipelines for `signal` (`traces`, `metrics`, `logs`).
pub(crate) fn collectors_with<'p>(project: &'p Project, signal: &str) -> Vec<&'p Collector> {
    project
        .obs
        .collectors
        .iter()
        .filter(|c| c.pipelines.iter().any(|p| p.signal() == signal))
        .collect()
}

/// Whether anything in the repository collects metrics: a Prometheus config, prometheus-operator
/// objects, scrape annotations, an OTel collector with a metrics pipeline, a metrics image, or
/// services that push OTLP metrics.
pub(crate) fn metrics_collected(project: &Project) -> bool {
    !project.obs.prometheus.is_empty()
        || project.k8s.iter().any(|o| {
            is_operator_kind(
                o,
                &[
                    "ServiceMonitor",
                    "PodMonitor",
                    "Prometheus",
                    "PrometheusAgent",
                    "Probe",
                ],
            ) || scrape_annotated(&o.node)
        })
        || !collectors_with(project, "metrics").is_empty()
        || services(project).iter().any(|s| {
            s.roles.metrics
                || s.env(project)
                    .vars
                    .iter()
                    .any(|(name, value)| pushes_metrics(name, value.as_deref()))
        })
        || deploy_files_mention(
            project,
            &[
                "ServiceMonitor",
                "PodMonitor",
                "serviceMonitor",
                "prometheus.io/scrape",
                "kube-prometheus-stack",
            ],
        )
}

/// Whether the repository keeps metrics in a store it runs or configures itself (a
/// Prometheus-compatible server, prometheus-operator objects, scrape annotations, a collector
/// exporting to Prometheus), so dashboards and probes belong here too. Metrics that only leave
/// through an agent or collector for a vendor's backend are looked at there.
pub(crate) fn metrics_self_hosted(project: &Project) -> bool {
    !project.obs.prometheus.is_empty()
        || project.k8s.iter().any(|o| {
            is_operator_kind(
                o,
                &[
                    "ServiceMonitor",
                    "PodMonitor",
                    "Prometheus",
                    "PrometheusAgent",
                    "Probe",
                ],
            ) || scrape_annotated(&o.node)
        })
        || services(project).iter().any(|s| s.roles.store)
        || project.obs.collectors.iter().any(|c| {
            c.pipelines
                .iter()
                .filter(|p| p.signal() == "metrics")
                .flat_map(|p| p.components("exporters"))
                .any(|e| e.split('/').next().unwrap_or("").starts_with("prometheus"))
        })
}

/// Test data and fixtures: not where a finding about the whole project should point first.
fn is_test_path(path: &str) -> bool {
    path.split('/').any(|part| {
        let p = part.to_ascii_lowercase();
        matches!(
            p.as_str(),
            "test" | "tests" | "testdata" | "fixtures" | "e2e" | "__tests__"
        )
    })
}

/// `OTEL_EXPORTER_OTLP_(METRICS_)ENDPOINT` or `OTEL_METRICS_EXPORTER` set to an exporter.
fn pushes_metrics(name: &str, value: Option<&str>) -> bool {
    let upper = name.to_ascii_uppercase();
    let off = value.is_some_and(|v| v.trim().eq_ignore_ascii_case("none"));
    (upper == "OTEL_METRICS_EXPORTER" && !off)
        || upper == "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"
        || upper == "OTEL_EXPORTER_OTLP_ENDPOINT"
        || upper == "DD_AGENT_HOST"
        || upper.starts_with("DD_DOGSTATSD")
        || upper.starts_with("STATSD_HOST")
}

/// Where to point when something about metrics collection is missing: the first Prometheus
/// config's `scrape_configs` key, else the first prometheus-operator object, else the first
/// service collecting metrics, else the first collector metrics pipeline.
pub(crate) fn metrics_anchor(project: &Project) -> Option<(FileId, Span)> {
    let configs = &project.obs.prometheus;
    let config = configs
        .iter()
        .find(|c| !is_test_path(project.path(c.file)))
        .or_else(|| configs.first());
    if let Some(config) = config {
        return Some((config.file, scrape_configs_key(project, config)));
    }
    if let Some(obj) = project.k8s.iter().find(|o| {
        is_operator_kind(
            o,
            &[
                "ServiceMonitor",
                "PodMonitor",
                "Prometheus",
                "PrometheusAgent",
            ],
        )
    }) {
        return Some((obj.file, obj.span()));
    }
    if let Some(s) = services(project).into_iter().find(|s| s.roles.metrics) {
        return Some((s.file(), s.span()));
    }
    project.obs.collectors.iter().find_map(|c| {
        c.pipelines
            .iter()
            .find(|p| p.signal() == "metrics")
            .map(|p| (c.file, p.span))
    })
}

/// The `scrape_configs:` key of a Prometheus config, else its first key.
pub(crate) fn scrape_configs_key(project: &Project, config: &PromConfig) -> Span {
    let text = &project.file(config.file).text;
    let key = "scrape_configs";
    let at = if text.starts_with(key) {
        Some(0)
    } else {
        text.find(&format!("\n{key}:")).map(|i| i + 1)
    };
    at.map_or(config.anchor, |i| Span::new(i, i + key.len()))
}

/// Folders and files a compose project's services bind-mount from the repository, resolved
/// against the compose file's folder.
/// Whether `path` is `source` or lies below it.
pub(crate) fn under(path: &str, source: &str) -> bool {
    path == source
        || source.is_empty()
        || (path.len() > source.len()
            && path.starts_with(source)
            && path.as_bytes()[source.len()] == b'/')
}

/// The compose projects of a repository, by folder, with what each bind-mounts: built once, so
/// assigning files to projects is not quadratic in the number of compose files.
pub(crate) struct ComposeProjects<'p> {
    mounts: BTreeMap<&'p str, Vec<&'p str>>,
}

impl<'p> ComposeProjects<'p> {
    pub(crate) fn new(project: &'p Project) -> Self {
        let mut mounts: BTreeMap<&'p str, Vec<&'p str>> = BTreeMap::new();
        // `compose_bind_sources` lists services file by file, in order.
        let mut per_service = project.compose_bind_sources().iter();
        for compose in &project.compose {
            let dir = split_dir(project.path(compose.file)).0;
            let own = mounts.entry(dir).or_default();
            for sources in per_service.by_ref().take(compose.services.len()) {
                own.extend(sources.iter().map(String::as_str));
            }
        }
        ComposeProjects { mounts }
    }

    /// The files of `paths` that belong to the compose project in `compose_dir`: those its
    /// services mount, else those in its folder or below that no other compose project mounts.
    pub(crate) fn files(&self, compose_dir: &str, paths: &PathSet<'_>) -> Vec<FileId> {
        let own: &[&str] = self.mounts.get(compose_dir).map_or(&[], Vec::as_slice);
        let mut mounted: Vec<(usize, FileId)> = own
            .iter()
            .filter(|m| !m.is_empty())
            .flat_map(|m| {
                paths
                    .starting_with(m)
                    .iter()
                    .filter(move |(p, _, _)| under(p, m))
            })
            .map(|&(_, order, file)| (order, file))
            .collect();
        if !mounted.is_empty() {
            mounted.sort_unstable();
            mounted.dedup();
            return mounted.into_iter().map(|(_, f)| f).collect();
        }
        let mut inside: Vec<(usize, FileId, &str)> = paths
            .starting_with(compose_dir)
            .iter()
            .map(|&(p, order, file)| (order, file, p))
            .collect();
        inside.sort_unstable();
        let others = || self.mounts.iter().filter(|(d, _)| **d != compose_dir);
        inside
            .into_iter()
            .map(|(_, f, p)| (f, p))
            .filter(|(_, p)| {
                !others().any(|(_, ms)| ms.iter().any(|m| !m.is_empty() && under(p, m)))
            })
            // A nested compose project owns the files of its own folder.
            .filter(|(_, p)| {
                !others().any(|(d, _)| {
                    d.len() > compose_dir.len() && d.starts_with(compose_dir) && p.starts_with(d)
                })
            })
            .map(|(f, _)| f)
            .collect()
    }
}

/// Paths of one kind of file, sorted, so that the files in a folder (or under a mount) are found
/// by binary search rather than by testing every path for every compose project.
pub(crate) struct PathSet<'a> {
    /// (path, position in the order given, file).
    sorted: Vec<(&'a str, usize, FileId)>,
}

impl<'a> PathSet<'a> {
    pub(crate) fn new(paths: impl Iterator<Item = (FileId, &'a str)>) -> Self {
        let mut sorted: Vec<(&str, usize, FileId)> = paths
            .enumerate()
            .map(|(order, (file, path))| (path, order, file))
            .collect();
        sorted.sort_unstable();
        PathSet { sorted }
    }

    fn starting_with(&self, prefix: &str) -> &[(&'a str, usize, FileId)] {
        let from = self.sorted.partition_point(|(p, _, _)| *p < prefix);
        let len = self.sorted[from..]
            .iter()
            .take_while(|(p, _, _)| p.starts_with(prefix))
            .count();
        &self.sorted[from..from + len]
    }
}

/// Names other containers can reach a compose service by: its name, `container_name`,
/// `hostname` and network aliases (any compose file of its project).
pub(crate) fn compose_names(
    project: &Project,
    compose: &ComposeFile,
    service: &ComposeService,
) -> Vec<String> {
    let mut names = vec![service.name.to_ascii_lowercase()];
    for view in views(project, compose, service) {
        for key in ["container_name", "hostname"] {
            if let Some(n) = view.get(key).and_then(Node::as_str) {
                names.push(n.to_ascii_lowercase());
            }
        }
        if let Some(networks) = view.get("networks") {
            for entry in networks.entries() {
                for alias in entry.value.get("aliases").map(Node::items).unwrap_or(&[]) {
                    if let Some(a) = alias.as_str() {
                        names.push(a.to_ascii_lowercase());
                    }
                }
            }
        }
    }
    names
}

/// Services of the namespace whose selector selects the workload's pods; `None` when a selector
/// is templated.
pub(crate) fn services_selecting<'p>(
    project: &'p Project,
    obj: &'p K8sObject,
) -> Option<Vec<&'p K8sObject>> {
    let selection = project.selecting(obj, "Service", &["spec", "selector"], true);
    if selection.undecidable {
        return None;
    }
    Some(
        selection
            .found
            .into_iter()
            .filter(|s| {
                s.node
                    .path(&["spec", "selector"])
                    .is_some_and(|n| !Selector::from_map(n).is_empty())
            })
            .collect(),
    )
}

/// A variable that turns tracing on for a service: the model's tracing variables, any `OTEL_*`
/// setting (the SDKs read them), `*TRACING*`/`*TRACER*` switches that are not off, or an agent
/// loaded through the environment (`JAVA_TOOL_OPTIONS=-javaagent:opentelemetry-javaagent.jar`).
pub(crate) fn is_tracing_var(name: &str, value: Option<&str>) -> bool {
    let upper = name.to_ascii_uppercase();
    let value_lower = value.unwrap_or("").trim().to_ascii_lowercase();
    let off = matches!(
        value_lower.as_str(),
        "none" | "false" | "0" | "off" | "no" | "disabled"
    );
    if upper.contains("DISABLE") || upper == "OTEL_SDK_DISABLED" {
        return false;
    }
    if (upper == "OTEL_TRACES_EXPORTER" || upper.ends_with("_ENABLED")) && off {
        return false;
    }
    if is_tracing_env(name) || upper.starts_with("OTEL_") {
        return true;
    }
    if (upper.contains("TRACING") || upper.contains("TRACER")) && !off {
        return true;
    }
    [
        "opentelemetry",
        "dd-java-agent",
        "elastic-apm-agent",
        "dd-trace",
    ]
    .iter()
    .any(|agent| value_lower.contains(agent))
}

/// Annotations that make an operator inject tracing into a pod (OpenTelemetry Operator
/// auto-instrumentation or collector sidecar, Jaeger agent sidecar).
pub(crate) fn is_inject_annotation(key: &str, value: &Node) -> bool {
    let on = value
        .as_str()
        .is_none_or(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "0" | ""));
    on && (key.starts_with("instrumentation.opentelemetry.io/inject-")
        || key == "sidecar.opentelemetry.io/inject"
        || key == "sidecar.jaegertracing.io/inject")
}

/// Namespaces annotated for tracing injection (every pod in them is instrumented).
pub(crate) fn injected_namespaces(project: &Project) -> BTreeSet<&str> {
    project
        .k8s
        .iter()
        .filter(|o| o.kind == "Namespace")
        .filter(|o| {
            o.node
                .path(&["metadata", "annotations"])
                .map(Node::string_entries)
                .into_iter()
                .flatten()
                .any(|(k, _, v)| is_inject_annotation(k, v))
        })
        .map(|o| o.name.as_str())
        .collect()
}

/// OpenTelemetry Operator / Jaeger Operator objects that set up tracing.
pub(crate) fn is_tracing_object(obj: &K8sObject) -> bool {
    (obj.api_version.starts_with("opentelemetry.io/")
        && matches!(
            obj.kind.as_str(),
            "Instrumentation" | "OpenTelemetryCollector"
        ))
        || (obj.api_version.starts_with("jaegertracing.io/") && obj.kind == "Jaeger")
}

/// Where tracing is set up, computed once per run: each service's own instrumentation, the
/// folders holding Kubernetes tracing (operator objects, injection annotations, tracing
/// backends, instrumented workloads), and the compose projects with tracing.
pub(crate) struct Tracing<'p> {
    pub services: Vec<Service<'p>>,
    /// Per service: it is instrumented itself (variables, annotations, namespace injection, an
    /// agent in the Dockerfile it builds).
    pub instrumented: Vec<bool>,
    k8s_dirs: BTreeSet<&'p str>,
    compose_dirs: BTreeSet<&'p str>,
}

impl<'p> Tracing<'p> {
    pub fn build(project: &'p Project) -> Tracing<'p> {
        let services = services(project);
        let namespaces = injected_namespaces(project);
        let instrumented: Vec<bool> = services
            .iter()
            .map(|s| {
                s.env(project)
                    .vars
                    .iter()
                    .any(|(n, v)| is_tracing_var(n, v.as_deref()))
                    || s.annotations()
                        .iter()
                        .any(|(k, v)| is_inject_annotation(k, v))
                    || matches!(&s.svc, Svc::K8s(o) if namespaces.contains(o.namespace.as_str()))
                    || (s.is_app() && built_with_tracing(project, s))
            })
            .collect();
        let mut k8s_dirs: BTreeSet<&str> = project
            .k8s
            .iter()
            .filter(|o| {
                is_tracing_object(o)
                    || o.node
                        .path(&["metadata", "annotations"])
                        .map(Node::string_entries)
                        .into_iter()
                        .flatten()
                        .any(|(k, _, v)| is_inject_annotation(k, v))
            })
            .map(|o| split_dir(project.path(o.file)).0)
            .collect();
        let mut compose_dirs = BTreeSet::new();
        let collector_paths = PathSet::new(
            project
                .obs
                .collectors
                .iter()
                .map(|c| (c.file, project.path(c.file))),
        );
        let traces_paths = PathSet::new(
            collectors_with(project, "traces")
                .iter()
                .map(|c| (c.file, project.path(c.file))),
        );
        // Per compose folder: its services, each with whether it is instrumented.
        let mut dirs: BTreeMap<&str, Vec<(&Service<'_>, bool)>> = BTreeMap::new();
        for (s, inst) in services.iter().zip(&instrumented) {
            if let Some(dir) = s.compose_dir(project) {
                dirs.entry(dir).or_default().push((s, *inst));
            }
        }
        let compose_projects = ComposeProjects::new(project);
        for (dir, in_dir) in dirs {
            let traced_configs = !compose_projects.files(dir, &traces_paths).is_empty();
            // A collector whose configuration is found here and has no traces pipeline
            // carries other signals only.
            let collector_configs = !compose_projects.files(dir, &collector_paths).is_empty();
            let traced = traced_configs
                || in_dir.iter().any(|(s, inst)| {
                    *inst || (s.roles.tracing && !(s.roles.collector && collector_configs))
                });
            if traced {
                compose_dirs.insert(dir);
            }
        }
        for (s, inst) in services.iter().zip(&instrumented) {
            if let Svc::K8s(o) = &s.svc
                && (*inst || s.roles.tracing)
            {
                k8s_dirs.insert(split_dir(project.path(o.file)).0);
            }
        }
        Tracing {
            services,
            instrumented,
            k8s_dirs,
            compose_dirs,
        }
    }

    /// Something in the repository is traced.
    pub fn anywhere(&self) -> bool {
        !self.k8s_dirs.is_empty()
            || !self.compose_dirs.is_empty()
            || self.instrumented.iter().any(|i| *i)
            || self.services.iter().any(|s| s.roles.tracing)
    }

    /// Tracing is set up for this service's surroundings: its compose project, or (Kubernetes)
    /// its folder or a folder above it, so that one optional overlay or example does not
    /// stand for the whole repository.
    pub fn around(&self, project: &Project, service: &Service<'_>) -> bool {
        match &service.svc {
            Svc::Compose { .. } => service
                .compose_dir(project)
                .is_some_and(|d| self.compose_dirs.contains(d)),
            Svc::K8s(o) => {
                // The folder or one above it (`k8s_dirs` holds folders with a trailing `/`,
                // and "" for the root).
                let dir = split_dir(project.path(o.file)).0;
                self.k8s_dirs.contains("")
                    || dir
                        .match_indices('/')
                        .any(|(i, _)| self.k8s_dirs.contains(&dir[..=i]))
            }
        }
    }
}

/// Whether an environment variable or configuration key asks for JSON (structured) logs:
/// `LOG_FORMAT=json`, `LOG_JSON=true`, `LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs`...; a value
/// that is not written here (templated, or passed through from the host) counts as set.
pub(crate) fn asks_for_json_logs(name: &str, value: Option<&str>) -> bool {
    // Most names are not about logs: say so before allocating.
    if !name
        .as_bytes()
        .windows(3)
        .any(|w| w.eq_ignore_ascii_case(b"log"))
    {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    if !upper.contains("LOG") {
        return false;
    }
    let structured = upper.contains("STRUCTURED");
    if !(upper.contains("FORMAT") || upper.contains("JSON") || structured) {
        return false;
    }
    let Some(value) = value else {
        return true;
    };
    let v = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    if is_templated(&v) {
        return true;
    }
    v.contains("json")
        || v == "true"
        || v == "1"
        || (structured && matches!(v.as_str(), "ecs" | "logstash" | "gelf"))
}

/// Command-line flags asking for JSON logs: `--log-format=json`, `--log.format json`,
/// `--log-json`.
pub(crate) fn args_ask_for_json_logs(args: &[String]) -> bool {
    args.iter().enumerate().any(|(i, word)| {
        let lower = word.to_ascii_lowercase();
        let flag = lower.trim_start_matches('-');
        if !(lower.starts_with('-') && flag.contains("log")) {
            return false;
        }
        let (key, value) = match flag.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (flag, None),
        };
        if !(key.contains("format")
            || key.contains("json")
            || key.contains("encoder")
            || key.contains("encoding"))
        {
            return false;
        }
        if key.contains("json") && value.is_none() {
            return true;
        }
        let value = value.or_else(|| args.get(i + 1).map(|v| v.to_ascii_lowercase()));
        value.is_some_and(|v| v.contains("json"))
    })
}

/// Kubernetes ConfigMap data entries, as name/value pairs.
pub(crate) fn configmap_entries(project: &Project) -> Vec<(&str, Option<&str>)> {
    project
        .k8s
        .iter()
        .flat_map(K8sObject::config_data)
        .map(|(k, _, v)| (k, v.as_str()))
        .collect()
}

/// `key: value` / `key=value` lines of configuration text (Helm values, YAML or properties
/// files kept in ConfigMaps) as name/value pairs; nested YAML keys are joined with `_`
/// (`logging: {format: json}` gives `logging_format`).
#[cfg(test)]
pub(crate) fn config_lines(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    any_config_line(text, |name, value| {
        out.push((name.to_string(), value.to_string()));
        false
    });
    out
}

/// Whether `matches` holds for one of the name/value pairs `config_lines` would give (values
/// empty for keys that only open a section). Builds each name in one reused buffer: this runs
/// over every Helm values file and every multi-line ConfigMap value of a repository.
pub(crate) fn any_config_line(text: &str, mut matches: impl FnMut(&str, &str) -> bool) -> bool {
    let mut parents: Vec<(usize, &str)> = Vec::new();
    let mut name = String::new();
    for line in text.lines().take(20_000) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let entry = trimmed.trim_start_matches("- ");
        let (key, value) = match entry.split_once(": ").or_else(|| entry.split_once('=')) {
            Some(kv) => kv,
            None => match entry.strip_suffix(':') {
                Some(k) => (k, ""),
                None => continue,
            },
        };
        let key = key.trim().trim_matches(['"', '\'']);
        if key.is_empty() || key.contains(' ') {
            continue;
        }
        while parents.last().is_some_and(|(i, _)| *i >= indent) {
            parents.pop();
        }
        let value = value.trim();
        if value.is_empty() {
            parents.push((indent, key));
            continue;
        }
        name.clear();
        for part in parents.iter().map(|(_, k)| *k).chain([key]) {
            if !name.is_empty() {
                name.push('_');
            }
            name.extend(
                part.chars()
                    .map(|c| if matches!(c, '.' | '-') { '_' } else { c }),
            );
        }
        if matches(&name, value) {
            return true;
        }
    }
    false
}

/// Some Helm chart, values file or template, Kustomization or Terraform file mentions one of
/// `needles`: what they deploy is not modelled here, but they name what they install.
pub(crate) fn deploy_files_mention(project: &Project, needles: &[&str]) -> bool {
    project.files.iter().any(|f| {
        matches!(
            f.kind,
            FileKind::HelmChart
                | FileKind::HelmValues
                | FileKind::HelmTemplate
                | FileKind::Kustomization
                | FileKind::Terraform
        ) && needles.iter().any(|n| f.text.contains(n))
    })
}

/// Text in a Dockerfile that instruments the image for tracing: an OpenTelemetry or vendor
/// agent, or `OTEL_*` settings baked in.
pub(crate) fn dockerfile_traces(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "opentelemetry",
        "otel_exporter_otlp",
        "otel_service_name",
        "ddtrace",
        "dd-java-agent",
        "elastic-apm-agent",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

/// A compose service's image is built from a Dockerfile of the repository that instruments it.
pub(crate) fn built_with_tracing(project: &Project, service: &Service<'_>) -> bool {
    let Svc::Compose { compose, service } = &service.svc else {
        return false;
    };
    views(project, compose, service).iter().any(|view| {
        view.build_context()
            .filter(|c| !is_templated(c))
            .and_then(|c| project.dockerfile_for_build(compose.file, c, view.build_dockerfile()))
            .is_some_and(|unit| dockerfile_traces(&project.file(unit.file).text))
    })
}

/// Helm values files, whose text may configure the chart's applications.
pub(crate) fn helm_values(project: &Project) -> impl Iterator<Item = &str> {
    project
        .files_of(FileKind::HelmValues)
        .map(|(_, f)| &*f.text)
}

/// Where to point at a dashboard: its `"title"` in a JSON file; for a dashboard kept in a
/// ConfigMap, the data key that holds it (the model spans the embedded JSON text).
pub(crate) fn dashboard_span(project: &Project, dashboard: &Dashboard) -> Span {
    if project.file(dashboard.file).kind == FileKind::GrafanaDashboard {
        return json_title_span(&project.file(dashboard.file).text, &dashboard.title)
            .unwrap_or(dashboard.title_span);
    }
    project
        .k8s
        .iter()
        .filter(|o| o.file == dashboard.file)
        .flat_map(K8sObject::config_data)
        .find(|(_, _, value)| value.span == dashboard.title_span)
        .map_or(dashboard.title_span, |(_, key, _)| key.span)
}

/// The `"title": "<title>"` key of a dashboard's JSON. Panels have titles too; exported
/// dashboards sort keys, which puts the dashboard's own title after its panels, so the last
/// match is taken.
fn json_title_span(text: &str, title: &str) -> Option<Span> {
    let quoted = serde_json::to_string(title).ok()?;
    let mut found = None;
    let mut from = 0;
    while let Some(at) = text[from..].find("\"title\"").map(|i| from + i) {
        let rest = text[at + 7..].trim_start();
        if let Some(value) = rest.strip_prefix(':')
            && value.trim_start().starts_with(&quoted)
        {
            found = Some(Span::new(at, at + 7));
        }
        from = at + 7;
    }
    found
}

/// The configuration layers an OpenTelemetry Collector may be started with together
/// (`--config a.yaml --config b.yaml` merges them): the collector configs of the same folder,
/// and partial configs there that only add exporters or override pipelines.
pub(crate) struct Layers<'p> {
    collectors: Vec<&'p Collector>,
    partial: Vec<&'p Node>,
    /// A section or a pipeline list is substituted as a whole (`${file:...}`, `${env:...}`):
    /// what it holds is unknown.
    pub unknown: bool,
}

const COLLECTOR_SECTIONS: &[&str] = &[
    "receivers",
    "processors",
    "exporters",
    "connectors",
    "extensions",
];

/// A section or pipeline list whose whole value is a `${...}` substitution.
fn substituted(text: &str) -> bool {
    text.lines().any(|line| {
        let t = line.trim_start();
        [
            "receivers:",
            "processors:",
            "exporters:",
            "connectors:",
            "extensions:",
            "service:",
            "pipelines:",
        ]
        .iter()
        .any(|key| {
            t.strip_prefix(key).is_some_and(|rest| {
                rest.trim_start()
                    .trim_start_matches(['"', '\''])
                    .starts_with("${")
            })
        })
    })
}

fn is_partial_collector_doc(doc: &Node) -> bool {
    doc.path(&["service", "pipelines"]).is_some()
        || COLLECTOR_SECTIONS
            .iter()
            .any(|s| doc.get(s).is_some_and(Node::is_map))
}

/// (index into `other_yaml`, index of the document) of every document that holds part of a
/// collector configuration: looked for once, not once per collector.
fn partial_collector_docs(project: &Project) -> Arc<Vec<(usize, usize)>> {
    project
        .memo
        .get_or_init(MemoSlot::PartialCollectorDocs, || {
            let mut found = Vec::new();
            for (f, (_, docs)) in project.other_yaml.iter().enumerate() {
                for (d, doc) in docs.iter().enumerate() {
                    if is_partial_collector_doc(doc) {
                        found.push((f, d));
                    }
                }
            }
            Arc::new(found)
        })
}

/// Files a compose service mounts together with `path`: a collector started with several
/// `--config` files mounted from different folders.
fn mounted_with<'p>(project: &'p Project, path: &str) -> BTreeSet<&'p str> {
    let sources = project.compose_bind_sources();
    let by_source = project.memo.get_or_init(MemoSlot::ServicesBySource, || {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (service, sources) in sources.iter().enumerate() {
            for source in sources.iter().filter(|s| !s.is_empty()) {
                index.entry(source.clone()).or_default().push(service);
            }
        }
        Arc::new(index)
    });
    // The services mounting `path` itself or a folder above it.
    let mut services: Vec<usize> = path
        .match_indices('/')
        .map(|(i, _)| &path[..i])
        .chain([path])
        .filter_map(|p| by_source.get(p))
        .flatten()
        .copied()
        .collect();
    services.sort_unstable();
    services.dedup();
    services
        .into_iter()
        .flat_map(|s| sources[s].iter().map(String::as_str))
        .collect()
}

pub(crate) fn layers<'p>(project: &'p Project, collector: &'p Collector) -> Layers<'p> {
    let path = project.path(collector.file);
    let dir = split_dir(path).0;
    let mounted = mounted_with(project, path);
    let together = |file: FileId| {
        let p = project.path(file);
        split_dir(p).0 == dir || mounted.iter().any(|m| !m.is_empty() && under(p, m))
    };
    let collectors: Vec<&Collector> = project
        .obs
        .collectors
        .iter()
        .filter(|c| together(c.file))
        .collect();
    let partial: Vec<&Node> = partial_collector_docs(project)
        .iter()
        .filter(|(f, _)| together(project.other_yaml[*f].0))
        .map(|&(f, d)| &project.other_yaml[f].1[d])
        .collect();
    let unknown = collectors
        .iter()
        .any(|c| substituted(&project.file(c.file).text));
    Layers {
        collectors,
        partial,
        unknown,
    }
}

/// Some collector configuration anywhere in the repository declares `id` in `section`: the
/// file may be layered with this one in a way we cannot see.
pub(crate) fn declared_anywhere(project: &Project, section: &str, id: &str) -> bool {
    project
        .obs
        .collectors
        .iter()
        .any(|c| c.declares(section, id))
        || project
            .other_yaml
            .iter()
            .flat_map(|(_, docs)| docs.iter())
            .filter(|d| is_partial_collector_doc(d))
            .any(|d| d.get(section).and_then(|s| s.get(id)).is_some())
}

impl Layers<'_> {
    /// Some layer declares component `id` in `section` (connectors stand in for receivers and
    /// exporters).
    pub fn declares(&self, section: &str, id: &str) -> bool {
        self.collectors.iter().any(|c| c.declares(section, id))
            || self.partial.iter().any(|d| {
                d.get(section).and_then(|s| s.get(id)).is_some()
                    || (section != "processors"
                        && d.get("connectors").and_then(|s| s.get(id)).is_some())
            })
    }

    /// Component ids some layer lists in `section` of pipeline `name`.
    pub fn pipeline_components(&self, name: &str, section: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .collectors
            .iter()
            .flat_map(|c| c.pipelines.iter().filter(|p| p.name == name))
            .flat_map(|p| p.components(section))
            .collect();
        for doc in &self.partial {
            if let Some(list) = doc.path(&["service", "pipelines", name, section]) {
                out.extend(list.items().iter().filter_map(Node::as_str));
            }
        }
        out
    }

    /// Component ids declared in `section` by any layer.
    pub fn declared(&self, section: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .collectors
            .iter()
            .flat_map(|c| c.declared.iter())
            .filter(|(s, _, _)| s == section)
            .map(|(_, id, _)| id.as_str())
            .collect();
        for doc in &self.partial {
            out.extend(
                doc.get(section)
                    .map(Node::string_entries)
                    .into_iter()
                    .flatten()
                    .map(|(k, _, _)| k),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_images_and_names() {
        assert!(roles_of(Some("prom/prometheus:v2.53.0"), &[]).metrics);
        assert!(roles_of(Some("quay.io/prometheus/node-exporter:v1.8.0"), &[]).exporter);
        assert!(roles_of(Some("prometheuscommunity/postgres-exporter"), &[]).exporter);
        assert!(roles_of(Some("oliver006/redis_exporter"), &[]).exporter);
        assert!(roles_of(Some("quay.io/prometheus/blackbox-exporter"), &[]).probe);
        assert!(roles_of(Some("grafana/grafana:11.0.0"), &[]).dashboards);
        assert!(roles_of(Some("jaegertracing/all-in-one:1.57"), &[]).tracing);
        assert!(roles_of(Some("postgres:16"), &[]).datastore);
        assert!(roles_of(Some("memcached:1.6"), &[]).datastore);
        assert!(!roles_of(Some("ghcr.io/acme/api:1.0"), &["api"]).stack());
        assert!(
            !roles_of(
                Some("quay.io/fabxc/prometheus_demo_service"),
                &["example-app"]
            )
            .stack()
        );
        assert!(
            roles_of(
                Some("quay.io/prometheus-operator/prometheus-operator:v0.76.0"),
                &[]
            )
            .metrics
        );
        assert!(roles_of(Some("cypress/included:13.6.0"), &["frontendTests"]).tool);
        assert!(!roles_of(Some("ghcr.io/acme/api:1.0"), &["db"]).datastore);
        assert!(roles_of(Some("${COLLECTOR_IMAGE}"), &["otel-collector"]).tracing);
        assert!(roles_of(Some("${IMAGE}:${V}-kafka"), &["kafka"]).datastore);
        assert!(roles_of(None, &["astronomy-db"]).datastore);
        assert!(!roles_of(None, &["frontend"]).stack());
        assert!(!roles_of(Some("${IMAGE}:${V}-frontend"), &["frontend"]).datastore);
    }

    #[test]
    fn tracing_variables() {
        assert!(is_tracing_var(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            Some("http://collector:4317")
        ));
        assert!(is_tracing_var("OTEL_SERVICE_NAME", Some("web")));
        assert!(is_tracing_var("ENABLE_TRACING", Some("1")));
        assert!(!is_tracing_var("DISABLE_TRACING", Some("1")));
        assert!(!is_tracing_var("OTEL_TRACES_EXPORTER", Some("none")));
        assert!(!is_tracing_var("TRACING_ENABLED", Some("false")));
        assert!(is_tracing_var(
            "JAVA_TOOL_OPTIONS",
            Some("-javaagent:/otel/opentelemetry-javaagent.jar")
        ));
        assert!(!is_tracing_var("DATABASE_URL", Some("postgres://db")));
    }

    #[test]
    fn json_log_settings() {
        assert!(asks_for_json_logs("LOG_FORMAT", Some("json")));
        assert!(asks_for_json_logs("LOG_JSON", Some("true")));
        assert!(asks_for_json_logs("APP_LOG_FORMAT", Some("JSON")));
        assert!(asks_for_json_logs(
            "LOGGING_STRUCTURED_FORMAT_CONSOLE",
            Some("ecs")
        ));
        assert!(asks_for_json_logs("LOG_FORMAT", Some("${LOG_FORMAT}")));
        assert!(asks_for_json_logs("LOG_FORMAT", None));
        assert!(!asks_for_json_logs("LOG_FORMAT", Some("text")));
        assert!(!asks_for_json_logs("LOG_LEVEL", Some("info")));
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(args_ask_for_json_logs(&args(&["--log-format=json"])));
        assert!(args_ask_for_json_logs(&args(&["--log.format", "json"])));
        assert!(args_ask_for_json_logs(&args(&["--log-json"])));
        assert!(!args_ask_for_json_logs(&args(&["--log-level=debug"])));
        assert!(!args_ask_for_json_logs(&args(&["--log.format=logfmt"])));
    }

    #[test]
    fn nested_configuration_keys() {
        let lines = config_lines(
            "app:\n  logging:\n    format: json\n  level: info\nlogging.structured.format.console=ecs\n",
        );
        assert!(lines.contains(&("app_logging_format".to_string(), "json".to_string())));
        assert!(lines.contains(&("app_level".to_string(), "info".to_string())));
        assert!(lines.contains(&(
            "logging_structured_format_console".to_string(),
            "ecs".to_string()
        )));
    }

    #[test]
    fn dashboard_title_after_panels() {
        let text = r#"{"panels": [{"title": "Orders"}], "title": "Orders"}"#;
        let span = json_title_span(text, "Orders").unwrap();
        assert_eq!(span.start, text.rfind("\"title\"").unwrap());
        assert!(json_title_span(text, "Missing").is_none());
    }

    #[test]
    fn whole_sections_substituted() {
        assert!(substituted("receivers: ${file:receivers.yaml}\n"));
        assert!(substituted(
            "service:\n  pipelines:\n    traces:\n      exporters: \"${env:EXPORTERS}\"\n"
        ));
        assert!(!substituted(
            "exporters:\n  otlp:\n    endpoint: ${env:ENDPOINT}\n"
        ));
    }

    #[test]
    fn scopes() {
        assert_eq!(scope_of("a/x.yaml"), scope_of("a/b/y.yaml"));
        assert_ne!(scope_of("a/x.yaml"), scope_of("b/y.yaml"));
        assert_eq!(
            scope_of("x.yaml"),
            "",
            "a file at the root is in every scope"
        );
        assert!(under("mon/prometheus.yml", "mon"));
        assert!(!under("monitoring/prometheus.yml", "mon"));
    }
}
