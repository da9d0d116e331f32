//! Prometheus: configurations (`scrape_configs`, `rule_files`, `alerting`), rule files and
//! prometheus-operator `PrometheusRule` objects, with every rule's PromQL analysed.

use std::collections::HashMap;

use rayon::prelude::*;

use super::promql::{self, Facts};
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::Node;

#[derive(Debug, Clone)]
pub struct PromConfig {
    pub file: FileId,
    pub jobs: Vec<ScrapeJob>,
    /// `rule_files` patterns as written, with spans.
    pub rule_files: Vec<(String, Span)>,
    /// Static Alertmanager targets; `alerting` set at all (SD-based targets count).
    pub alertmanagers: Vec<String>,
    pub alerting: Option<Span>,
    /// The document's first key, to point at when something is missing from the whole config.
    pub anchor: Span,
}

#[derive(Debug, Clone)]
pub struct ScrapeJob {
    pub name: String,
    pub span: Span,
    /// `static_configs[].targets`, with spans.
    pub targets: Vec<(String, Span)>,
    /// Service discovery kinds (`kubernetes_sd_configs`, `dns_sd_configs`, `consul_sd_configs`...).
    pub discovery: Vec<String>,
    /// Kubernetes SD roles (`pod`, `endpoints`, `service`...).
    pub kubernetes_roles: Vec<String>,
    /// Relabelling keeps only targets annotated `prometheus.io/scrape: "true"`.
    pub keeps_annotated: bool,
    /// A blackbox-exporter style probe job (`/probe` path or `module` param).
    pub probes: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    Alert,
    Record,
}

#[derive(Debug, Clone)]
pub struct PromRule {
    pub file: FileId,
    pub group: String,
    pub kind: Option<RuleKind>,
    /// Alert or record name.
    pub name: String,
    pub span: Span,
    pub name_span: Span,
    pub expr: Option<(String, Span)>,
    /// `for:` when set and not zero.
    pub for_: Option<Span>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<String>,
    /// The expression's analysis, or the PromQL parser's message.
    pub analysis: Option<Result<Facts, String>>,
    /// Both `alert` and `record`, or neither.
    pub ambiguous: bool,
}

/// Parses every rule's expression, each distinct one once and in parallel: rule files repeat
/// expressions (promtool's large test file has ten thousand `vector(1)`), and the PromQL
/// parser is the slowest of ours per byte.
pub fn analyse_all(rules: &mut [PromRule]) {
    let mut distinct: HashMap<&str, usize> = HashMap::new();
    let mut exprs: Vec<&str> = Vec::new();
    let slots: Vec<Option<usize>> = rules
        .iter()
        .map(|r| {
            let (e, _) = r.expr.as_ref()?;
            Some(*distinct.entry(e.as_str()).or_insert_with(|| {
                exprs.push(e);
                exprs.len() - 1
            }))
        })
        .collect();
    let analysed: Vec<Result<Facts, String>> = exprs.par_iter().map(|e| analyse(e)).collect();
    for (rule, slot) in rules.iter_mut().zip(slots) {
        rule.analysis = slot.map(|i| analysed[i].clone());
    }
}

/// Parses and classifies one expression.
fn analyse(expr: &str) -> Result<Facts, String> {
    if crate::parse::is_templated(expr) && expr.contains("{{") {
        // Helm-templated expressions are judged once rendered.
        Ok(Facts::default())
    } else {
        promql::analyse(expr)
    }
}

impl PromRule {
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct RuleGroup {
    pub file: FileId,
    pub name: String,
    pub span: Span,
}

fn string_list(node: Option<&Node>) -> Vec<(String, Span)> {
    node.map(Node::items)
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| Some((n.as_str()?.to_string(), n.span)))
        .collect()
}

impl PromConfig {
    pub fn from_document(file: FileId, doc: &Node) -> PromConfig {
        let jobs = doc
            .get("scrape_configs")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter(|j| j.is_map())
            .map(ScrapeJob::from_node)
            .collect();
        let mut alertmanagers = Vec::new();
        for am in doc
            .path(&["alerting", "alertmanagers"])
            .map(Node::items)
            .unwrap_or(&[])
        {
            for sc in am.get("static_configs").map(Node::items).unwrap_or(&[]) {
                alertmanagers.extend(string_list(sc.get("targets")).into_iter().map(|(t, _)| t));
            }
        }
        PromConfig {
            file,
            jobs,
            rule_files: string_list(doc.get("rule_files")),
            alertmanagers,
            alerting: doc
                .entry("alerting")
                .filter(|e| {
                    e.value
                        .get("alertmanagers")
                        .is_some_and(|a| !a.items().is_empty())
                })
                .map(|e| e.key.span),
            anchor: doc.entries().first().map_or(doc.span, |e| e.key.span),
        }
    }
}

impl ScrapeJob {
    fn from_node(node: &Node) -> ScrapeJob {
        let mut targets = Vec::new();
        for sc in node.get("static_configs").map(Node::items).unwrap_or(&[]) {
            targets.extend(string_list(sc.get("targets")));
        }
        let discovery: Vec<String> = node
            .string_entries()
            .filter(|(k, _, _)| k.ends_with("_sd_configs"))
            .map(|(k, _, _)| k.to_string())
            .collect();
        let kubernetes_roles = node
            .get("kubernetes_sd_configs")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|c| c.get("role").and_then(Node::as_str).map(str::to_string))
            .collect();
        let keeps_annotated = node
            .get("relabel_configs")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .any(|r| {
                r.get("action").and_then(Node::as_str) == Some("keep")
                    && scalar_or_items(r.get("source_labels"))
                        .iter()
                        .any(|l| l.contains("prometheus_io_scrape"))
            });
        let probes = node.get("metrics_path").and_then(Node::as_str) == Some("/probe")
            || node.path(&["params", "module"]).is_some();
        ScrapeJob {
            name: node
                .get("job_name")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string(),
            span: node.entry("job_name").map_or(node.span, |e| e.value.span),
            targets,
            discovery,
            kubernetes_roles,
            keeps_annotated,
            probes,
        }
    }
}

fn scalar_or_items(node: Option<&Node>) -> Vec<String> {
    match node {
        Some(n) => match n.as_str() {
            Some(s) => vec![s.to_string()],
            None => n
                .items()
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
        },
        None => Vec::new(),
    }
}

/// Groups and rules of a rule file (`groups:` at the top) or a `PrometheusRule` (`spec.groups`).
pub fn rules_of(
    file: FileId,
    groups: &Node,
    out_groups: &mut Vec<RuleGroup>,
    out: &mut Vec<PromRule>,
) {
    for group in groups.items() {
        let name = group
            .get("name")
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string();
        out_groups.push(RuleGroup {
            file,
            name: name.clone(),
            span: group.entry("name").map_or(group.span, |e| e.value.span),
        });
        for rule in group.get("rules").map(Node::items).unwrap_or(&[]) {
            if !rule.is_map() {
                continue;
            }
            let alert = rule.entry("alert");
            let record = rule.entry("record");
            let (kind, name_entry) = match (alert, record) {
                (Some(a), None) => (Some(RuleKind::Alert), Some(a)),
                (None, Some(r)) => (Some(RuleKind::Record), Some(r)),
                (Some(a), Some(_)) => (None, Some(a)),
                (None, None) => (None, None),
            };
            let expr = rule.get("expr").and_then(|e| {
                // Numbers are valid expressions too (`expr: 1`).
                Some((e.as_str()?.to_string(), e.span))
            });
            let for_ = rule
                .get("for")
                .filter(|f| !matches!(f.as_str(), None | Some("0" | "0s" | "0m")))
                .map(|f| f.span);
            let pairs = |key: &str| -> Vec<(String, String)> {
                rule.get(key)
                    .map(Node::string_entries)
                    .into_iter()
                    .flatten()
                    .map(|(k, _, v)| (k.to_string(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            };
            out.push(PromRule {
                file,
                group: name.clone(),
                kind,
                name: name_entry
                    .and_then(|e| e.value.as_str())
                    .unwrap_or("")
                    .to_string(),
                span: rule.span,
                name_span: name_entry.map_or(rule.span, |e| e.value.span),
                expr,
                for_,
                labels: pairs("labels"),
                annotations: pairs("annotations").into_iter().map(|(k, _)| k).collect(),
                // Filled by `analyse_all`, in parallel over every distinct expression.
                analysis: None,
                ambiguous: alert.is_some() == record.is_some(),
            });
        }
    }
}
