//! Helpers shared by the Prometheus, alerting and Alertmanager rules: subjects, where metrics
//! are collected, what the alerts measure, and the places to point at.

use std::collections::{BTreeMap, BTreeSet};

use crate::discover::split_dir;
use crate::kind::FileKind;
use crate::model::Project;
use crate::model::memo::MemoSlot;
use crate::model::obs::image_in;
use crate::model::obs::prometheus::{PromConfig, PromRule, RuleKind};
use crate::model::obs::promql::Measures;
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::Node;

/// Images of a Prometheus server or a compatible scraper.
pub(crate) const PROMETHEUS_IMAGES: &[&str] = &[
    "prometheus",
    "victoriametrics/victoria-metrics",
    "victoriametrics/vmagent",
];

/// Images that evaluate rule files: Prometheus and compatible rulers.
const RULER_IMAGES: &[&str] = &[
    "prometheus",
    "victoriametrics/victoria-metrics",
    "victoriametrics/vmalert",
];

pub(crate) const ALERTMANAGER_IMAGES: &[&str] = &["alertmanager"];

/// `{path}#alert {name}` for alerts, `{path}#record {name}` for recording rules.
pub(crate) fn rule_subject(project: &Project, rule: &PromRule) -> String {
    let path = project.path(rule.file);
    match (&rule.kind, rule.name.is_empty()) {
        (Some(RuleKind::Alert), false) => [path, "#alert ", &rule.name].concat(),
        (Some(RuleKind::Record), false) => [path, "#record ", &rule.name].concat(),
        _ => {
            let source = project.file(rule.file);
            let line = source.lines.position(&source.text, rule.span.start).line;
            format!("{path}#rule at line {line}")
        }
    }
}

/// Files that hold Grafana-managed alert rules (`groups[].folder`, rules with `uid`,
/// `condition` and `data`): the same `groups:`/`rules:` shape as Prometheus rule files, but
/// another format.
pub(crate) fn grafana_alerting_files(project: &Project) -> &BTreeSet<FileId> {
    &project.obs.grafana_alerting
}

/// Prometheus rules, leaving out Grafana-managed alert rule files.
pub(crate) fn prom_rules(project: &Project) -> Vec<&PromRule> {
    let grafana = grafana_alerting_files(project);
    project
        .obs
        .rules
        .iter()
        .filter(|r| !grafana.contains(&r.file))
        .collect()
}

/// LogQL (Loki ruler) expressions share the rule file format; PromQL has no `|` operator
/// outside strings, LogQL pipelines (`|=`, `| json`) always use one.
pub(crate) fn is_logql(expr: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in expr.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q != '`' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '|' => return true,
                _ => {}
            },
        }
    }
    false
}

/// Templating that is resolved before Prometheus sees the expression (Helm, envsubst, jsonnet
/// string formatting).
pub(crate) fn is_templated_expr(expr: &str) -> bool {
    expr.contains("{{") || expr.contains("${") || expr.contains("$(")
}

/// An alert that fires by design (`vector(1)` watchdogs) or only reads other alerts
/// (`ALERTS{...}` inhibitors): `for:` and the like do not apply.
pub(crate) fn is_meta_alert(rule: &PromRule) -> bool {
    match &rule.analysis {
        Some(Ok(facts)) => {
            let templated = rule
                .expr
                .as_ref()
                .is_some_and(|(e, _)| is_templated_expr(e));
            !templated
                && facts
                    .metrics
                    .iter()
                    .all(|m| m == "ALERTS" || m == "ALERTS_FOR_STATE")
        }
        _ => false,
    }
}

/// An alert on a deadline or an age (`time() - last_success > 86400`, certificate TTLs): the
/// condition only gets truer with time, so it cannot flap and a `for:` only delays it.
pub(crate) fn is_deadline_alert(rule: &PromRule) -> bool {
    let Some(Ok(facts)) = &rule.analysis else {
        return false;
    };
    let word = |m: &str| {
        m.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "ttl" | "expiry" | "expiration" | "expires" | "expire"))
    };
    facts
        .functions
        .iter()
        .any(|f| f == "time" || f == "timestamp")
        || facts.metrics.iter().any(|m| word(m))
}

/// What the alerting rules measure, following recording rules they read.
#[derive(Clone)]
pub(crate) struct AlertClasses {
    pub measured: BTreeSet<Measures>,
    /// Some alert's expression is templated or does not parse: it may measure anything.
    pub undecided: bool,
}

/// `alert_classes` of the project's Prometheus rules, worked out once for the four rules that
/// each look for one class.
pub(crate) fn project_alert_classes(project: &Project) -> AlertClasses {
    project.memo.get_or_init(MemoSlot::AlertClasses, || {
        alert_classes(&prom_rules(project))
    })
}

pub(crate) fn alert_classes(rules: &[&PromRule]) -> AlertClasses {
    // Recording rule name -> the classes its expression measures, and the metrics it reads.
    let mut records: BTreeMap<&str, Vec<&PromRule>> = BTreeMap::new();
    for r in rules.iter().filter(|r| r.kind == Some(RuleKind::Record)) {
        records.entry(r.name.as_str()).or_default().push(r);
    }
    let mut measured = BTreeSet::new();
    let mut undecided = false;
    for alert in rules.iter().filter(|r| r.kind == Some(RuleKind::Alert)) {
        let templated = alert
            .expr
            .as_ref()
            .is_some_and(|(e, _)| is_templated_expr(e));
        match &alert.analysis {
            Some(Ok(facts)) if !templated => {
                measured.extend(facts.measures());
                // Recording rules the alert reads, transitively (bounded: hostile files).
                let mut seen: BTreeSet<&str> = BTreeSet::new();
                let mut stack: Vec<&str> = facts.metrics.iter().map(String::as_str).collect();
                while let Some(name) = stack.pop() {
                    if seen.len() > 1000 || !seen.insert(name) {
                        continue;
                    }
                    for rec in records.get(name).into_iter().flatten() {
                        if let Some(Ok(f)) = &rec.analysis {
                            measured.extend(f.measures());
                            stack.extend(f.metrics.iter().map(String::as_str));
                        }
                    }
                }
            }
            _ => undecided = true,
        }
    }
    AlertClasses {
        measured,
        undecided,
    }
}

/// The `scrape_configs:` key of a Prometheus config, else its first key.
pub(crate) fn prom_config_anchor(project: &Project, config: &PromConfig) -> Span {
    let text = &project.file(config.file).text;
    let key = "scrape_configs:";
    let at = if text.starts_with(key) {
        Some(0)
    } else {
        text.find(&format!("\n{key}")).map(|i| i + 1)
    };
    match at {
        Some(i) => Span::new(i, i + key.len() - 1),
        None => config.anchor,
    }
}

/// The first compose service or Kubernetes workload running one of `images`, at its name.
pub(crate) fn runs_image(project: &Project, images: &[&str]) -> Option<(FileId, Span)> {
    for compose in &project.compose {
        for service in &compose.services {
            if service.image().is_some_and(|i| image_in(i, images)) {
                return Some((compose.file, service.name_span));
            }
        }
    }
    for obj in project.k8s.iter().filter(|o| o.is_workload()) {
        let runs = obj.containers().iter().any(|c| {
            c.get("image")
                .and_then(Node::as_str)
                .is_some_and(|i| image_in(i, images))
        });
        if runs {
            return Some((obj.file, obj.span()));
        }
    }
    None
}

fn first_object<'a>(
    project: &'a Project,
    kinds: &[&str],
) -> Option<&'a crate::model::k8s::K8sObject> {
    project.k8s.iter().find(|o| {
        kinds.contains(&o.kind.as_str()) && o.api_version.starts_with("monitoring.coreos.com/")
    })
}

/// Where metrics collection is declared, when it is: the first Prometheus config's
/// `scrape_configs`, else the first ServiceMonitor/PodMonitor, `Prometheus` object, or service
/// running a Prometheus image.
pub(crate) fn collection_anchor(project: &Project) -> Option<(FileId, Span)> {
    if let Some(config) = prom_configs(project).next() {
        return Some((config.file, prom_config_anchor(project, config)));
    }
    if let Some(obj) = first_object(project, &["ServiceMonitor", "PodMonitor", "Prometheus"]) {
        return Some((obj.file, obj.span()));
    }
    runs_image(project, PROMETHEUS_IMAGES)
}

/// A Prometheus the repository runs or configures itself: a config file, a `Prometheus`
/// object, or a service running a Prometheus-compatible image.
pub(crate) fn runs_prometheus(project: &Project) -> bool {
    prom_configs(project).next().is_some()
        || first_object(project, &["Prometheus", "ThanosRuler"]).is_some()
        || runs_image(project, RULER_IMAGES).is_some()
}

/// The first group of the file that holds the first alerting rule.
pub(crate) fn first_alert_group(project: &Project, rules: &[&PromRule]) -> Option<(FileId, Span)> {
    let alert = rules.iter().find(|r| r.kind == Some(RuleKind::Alert))?;
    let span = project
        .obs
        .groups
        .iter()
        .find(|g| g.file == alert.file)
        .map_or(alert.name_span, |g| g.span);
    Some((alert.file, span))
}

/// The folder of a file, with a trailing `/` (empty at the root).
pub(crate) fn dir_of(path: &str) -> &str {
    split_dir(path).0
}

/// The repository runs a Prometheus 2 image (tag `v2.*`), which accepts only legacy metric
/// names.
pub(crate) fn runs_prometheus_2(project: &Project) -> bool {
    let is_v2 = |image: &str| {
        image_in(image, &["prometheus"])
            && image
                .split('@')
                .next()
                .and_then(|n| n.rsplit_once(':'))
                .is_some_and(|(_, tag)| {
                    !tag.contains('/') && (tag.starts_with("v2.") || tag.starts_with("2."))
                })
    };
    project
        .compose
        .iter()
        .flat_map(|c| &c.services)
        .any(|s| s.image().is_some_and(is_v2))
        || project.k8s.iter().filter(|o| o.is_workload()).any(|o| {
            o.containers()
                .iter()
                .any(|c| c.get("image").and_then(Node::as_str).is_some_and(is_v2))
        })
}

/// Some Helm template's text contains one of `needles` (templates are not parsed).
pub(crate) fn templates_mention(project: &Project, needles: &[&str]) -> bool {
    project
        .files_of(FileKind::HelmTemplate)
        .any(|(_, f)| needles.iter().any(|n| f.text.contains(n)))
}

/// A Helm chart, values file, Kustomization or Kubernetes object (Argo CD / Flux) names the
/// chart `name`.
pub(crate) fn charts_mention(project: &Project, name: &str) -> bool {
    project.files.iter().any(|f| {
        matches!(
            f.kind,
            FileKind::HelmChart
                | FileKind::HelmValues
                | FileKind::Kustomization
                | FileKind::Kubernetes
        ) && f.text.contains(name)
    })
}

/// Rule groups that set `label` for all their rules (group-level `labels:`, Prometheus 3 and
/// prometheus-operator), as (file, group name).
pub(crate) fn groups_labelling(project: &Project, label: &str) -> BTreeSet<(FileId, String)> {
    let mut out = BTreeSet::new();
    let mut collect = |file: FileId, groups: &Node| {
        for g in groups.items() {
            if g.path(&["labels", label]).is_some()
                && let Some(name) = g.get("name").and_then(Node::as_str)
            {
                out.insert((file, name.to_string()));
            }
        }
    };
    let files: BTreeSet<FileId> = project.obs.groups.iter().map(|g| g.file).collect();
    for file in files {
        let source = project.file(file);
        if source.kind != FileKind::PrometheusRules
            || !source.text.contains(label)
            || !has_group_labels(&source.text)
        {
            continue;
        }
        if let Ok(stream) = crate::parse::yaml::parse(&source.text) {
            for doc in &stream.documents {
                if let Some(groups) = doc.get("groups") {
                    collect(file, groups);
                }
            }
        }
    }
    for obj in project.k8s.iter().filter(|o| o.kind == "PrometheusRule") {
        if let Some(groups) = obj.node.path(&["spec", "groups"]) {
            collect(obj.file, groups);
        }
    }
    out
}

/// Where to point at an expression: its value, or for a block scalar (`expr: |`) whose value
/// starts on the next line, the `expr:` key before it.
pub(crate) fn expr_span(project: &Project, rule: &PromRule, span: Span) -> Span {
    let text = &project.file(rule.file).text;
    let before = &text[rule.span.start.min(span.start)..span.start];
    if let Some(at) = before.rfind("expr:") {
        let gap = &before[at + 5..];
        if gap.contains('\n')
            && gap.chars().all(|c| {
                c.is_whitespace() || matches!(c, '|' | '>' | '-' | '+') || c.is_ascii_digit()
            })
        {
            let start = rule.span.start.min(span.start) + at;
            return Span::new(start, start + 4);
        }
    }
    span
}

/// Prometheus configs, leaving out Promtail's (`scrape_configs` plus a top-level `clients:`),
/// which look alike but ship logs.
pub(crate) fn prom_configs(project: &Project) -> impl Iterator<Item = &PromConfig> {
    project.obs.prometheus.iter().filter(|c| {
        let text = &project.file(c.file).text;
        !(text.starts_with("clients:") || text.contains("\nclients:"))
    })
}

/// A `labels:` key at the indentation of a group's `rules:` key: the only case worth parsing
/// the file again for.
fn has_group_labels(text: &str) -> bool {
    let column = |line: &str, key: &str| -> Option<usize> {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rest = trimmed.strip_prefix("- ").map_or((indent, trimmed), |r| {
            (
                indent + 2 + (r.len() - r.trim_start().len()),
                r.trim_start(),
            )
        });
        rest.1.starts_with(key).then_some(rest.0)
    };
    let rules: BTreeSet<usize> = text.lines().filter_map(|l| column(l, "rules:")).collect();
    text.lines()
        .filter_map(|l| column(l, "labels:"))
        .any(|c| rules.contains(&c))
}
