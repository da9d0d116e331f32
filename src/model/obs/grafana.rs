//! Grafana: dashboards (JSON, read with serde_json; locations found by searching the text) and
//! provisioning files (datasources, dashboard providers).

use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::Value;

use super::promql;
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::Node;

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub file: FileId,
    pub title: String,
    pub title_span: Span,
    pub panels: usize,
    /// Metric names the panels' PromQL queries read.
    pub metrics: Vec<String>,
}

/// A dashboard with the PromQL queries of its panels, before `read_metrics`.
pub type WithQueries = (Dashboard, Vec<String>);

impl Dashboard {
    /// `None` when the JSON is not a dashboard (no `panels`/`rows`, or not JSON at all).
    /// The dashboard comes with its queries; `read_metrics` fills in what they read.
    pub fn from_text(file: FileId, text: &str) -> Option<WithQueries> {
        let value: Value = serde_json::from_str(text).ok()?;
        Dashboard::from_value(file, text, &value)
    }

    /// A dashboard from its parsed JSON, with its queries; `text` locates the title.
    pub fn from_value(file: FileId, text: &str, value: &Value) -> Option<WithQueries> {
        // Dashboards exported for sharing wrap the model in `dashboard`.
        let model = value
            .get("dashboard")
            .filter(|d| d.is_object())
            .unwrap_or(value);
        let has_panels = model.get("panels").is_some() || model.get("rows").is_some();
        if !has_panels {
            return None;
        }
        let title = model
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let title_span = text
            .find("\"title\"")
            .map(|at| Span::new(at, at + 7))
            .unwrap_or(Span::empty(0));
        let mut exprs = Vec::new();
        let mut panels = 0usize;
        // Walk panels, nested rows and targets without recursion.
        let mut stack: Vec<&Value> = vec![model];
        let mut steps = 0;
        while let Some(v) = stack.pop() {
            steps += 1;
            if steps > 200_000 {
                break;
            }
            match v {
                Value::Object(map) => {
                    if map.contains_key("targets") && map.contains_key("type") {
                        panels += 1;
                    }
                    for key in ["expr", "query"] {
                        if let Some(Value::String(e)) = map.get(key) {
                            exprs.push(e.clone());
                        }
                    }
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        let queries = exprs
            .iter()
            // Grafana variables (`$__rate_interval`, `$job`) are not PromQL.
            .map(|e| {
                e.replace("$__rate_interval", "5m")
                    .replace("$__interval", "1m")
                    .replace("$__range", "1h")
            })
            .collect();
        Some((
            Dashboard {
                file,
                title,
                title_span,
                panels,
                metrics: Vec::new(),
            },
            queries,
        ))
    }
}

/// Sets each dashboard's `metrics` from its queries. Dashboards repeat queries across panels
/// and across copies of themselves, and PromQL parsing is most of their cost: each distinct
/// query is parsed once, in parallel.
pub fn read_metrics(dashboards: Vec<WithQueries>) -> Vec<Dashboard> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let slots: Vec<Vec<usize>> = dashboards
        .iter()
        .map(|(_, queries)| {
            queries
                .iter()
                .map(|q| {
                    *index.entry(q.as_str()).or_insert_with(|| {
                        distinct.push(q);
                        distinct.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    let read: Vec<Vec<String>> = distinct
        .par_iter()
        .map(|q| promql::analyse(q).map(|f| f.metrics).unwrap_or_default())
        .collect();
    dashboards
        .into_iter()
        .zip(slots)
        .map(|((mut dashboard, _), slots)| {
            let mut metrics: Vec<String> = slots.iter().flat_map(|&i| read[i].clone()).collect();
            metrics.sort();
            metrics.dedup();
            dashboard.metrics = metrics;
            dashboard
        })
        .collect()
}

/// Grafana provisioning: `apiVersion` with `datasources:` or `providers:`.
#[derive(Debug, Clone)]
pub struct Provisioning {
    pub file: FileId,
    pub datasources: Vec<String>,
    /// Dashboard provider paths (`options.path`).
    pub dashboard_paths: Vec<String>,
}

impl Provisioning {
    pub fn from_document(file: FileId, doc: &Node) -> Provisioning {
        Provisioning {
            file,
            datasources: doc
                .get("datasources")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|d| d.get("type").and_then(Node::as_str).map(str::to_string))
                .collect(),
            dashboard_paths: doc
                .get("providers")
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| {
                    p.path(&["options", "path"])
                        .and_then(Node::as_str)
                        .map(str::to_string)
                })
                .collect(),
        }
    }
}
