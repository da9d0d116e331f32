//! A rule or group Prometheus rejects when it loads the file: both or neither of
//! `alert`/`record`, no `expr`, an empty name, a record name that is no metric name, `for` or
//! annotations on a recording rule, an empty or repeated group name.

use std::collections::{BTreeMap, HashMap};

use super::prom_common::{grafana_alerting_files, rule_subject, runs_prometheus_2};
use crate::model::Project;
use crate::model::obs::prometheus::RuleKind;
use crate::parse::FileId;
use crate::rules::{Cx, Rule};

pub struct PrometheusInvalidRule;

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`
fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

impl Rule for PrometheusInvalidRule {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let grafana = grafana_alerting_files(project);
        // Prometheus 3 accepts any UTF-8 record name except braces; Prometheus 2 only
        // `[a-zA-Z_:][a-zA-Z0-9_:]*`.
        let legacy_names = runs_prometheus_2(project);
        for rule in project
            .obs
            .rules
            .iter()
            .filter(|r| !grafana.contains(&r.file))
        {
            let subject = rule_subject(project, rule);
            let templated_name = crate::parse::is_templated(&rule.name);
            let mut at = rule.name_span;
            let problem = if rule.ambiguous {
                Some(if rule.name_span == rule.span {
                    "has neither `alert:` nor `record:`".to_string()
                } else {
                    "has both `alert:` and `record:`".to_string()
                })
            } else if rule.name.is_empty() {
                Some(match rule.kind {
                    Some(RuleKind::Record) => "has an empty `record:` name".to_string(),
                    _ => "has an empty `alert:` name".to_string(),
                })
            } else if rule.expr.is_none() {
                Some("has no `expr:`".to_string())
            } else if rule.kind == Some(RuleKind::Record)
                && !templated_name
                && (rule.name.contains(['{', '}']) || legacy_names && !is_metric_name(&rule.name))
            {
                Some(format!(
                    "is not named with a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`{})",
                    if rule.name.contains(['{', '}']) {
                        "; labels and selectors belong in `expr`"
                    } else {
                        "; this repository runs Prometheus 2"
                    }
                ))
            } else if rule.kind == Some(RuleKind::Record) && rule.for_.is_some() {
                at = rule.for_.unwrap_or(rule.name_span);
                Some("has `for:`, which only alerting rules take".to_string())
            } else if rule.kind == Some(RuleKind::Record) && !rule.annotations.is_empty() {
                Some("has `annotations:`, which only alerting rules take".to_string())
            } else {
                None
            };
            let Some(problem) = problem else {
                cx.evaluate(subject);
                continue;
            };
            let what = match (&rule.kind, rule.name.is_empty()) {
                (Some(RuleKind::Alert), false) => format!("alert `{}`", rule.name),
                (Some(RuleKind::Record), false) => format!("recording rule `{}`", rule.name),
                _ => format!("a rule in group `{}`", rule.group),
            };
            cx.report(
                subject,
                rule.file,
                at,
                format!("{what} {problem}: Prometheus refuses to load the rule file"),
            );
        }

        // Group names: not empty, unique within a file (for `PrometheusRule` objects, within
        // the object: the operator writes one rule file per object).
        let mut seen: BTreeMap<(usize, usize, &str), usize> = BTreeMap::new();
        let mut objects_in: HashMap<FileId, Vec<usize>> = HashMap::new();
        for (i, o) in project.k8s.iter().enumerate() {
            objects_in.entry(o.file).or_default().push(i);
        }
        for group in project
            .obs
            .groups
            .iter()
            .filter(|g| !grafana.contains(&g.file))
        {
            let object = objects_in
                .get(&group.file)
                .into_iter()
                .flatten()
                .copied()
                .find(|&i| {
                    let o = &project.k8s[i].node.span;
                    o.start <= group.span.start && group.span.end <= o.end
                })
                .unwrap_or(usize::MAX);
            let path = project.path(group.file);
            let subject = format!("{path}#group {}", group.name);
            if group.name.trim().is_empty() {
                cx.report(
                    format!(
                        "{path}#group at line {}",
                        project
                            .file(group.file)
                            .lines
                            .position(&project.file(group.file).text, group.span.start)
                            .line
                    ),
                    group.file,
                    group.span,
                    "rule group has no `name:`: Prometheus refuses to load the rule file",
                );
                continue;
            }
            let count = seen
                .entry((group.file, object, group.name.as_str()))
                .or_insert(0);
            *count += 1;
            if *count == 1 {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                format!("{subject} #{count}"),
                group.file,
                group.span,
                format!(
                    "rule group `{}` is defined more than once in this file: Prometheus refuses to load it (group names must be unique per file)",
                    group.name
                ),
            );
        }
    }
}
