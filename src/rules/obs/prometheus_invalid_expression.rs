//! A rule whose `expr` is not valid PromQL: Prometheus refuses to load the whole rule file, so
//! every rule in it, alerts included, silently stops being evaluated.

use super::prom_common::{expr_span, is_logql, is_templated_expr, prom_rules, rule_subject};
use crate::model::Project;
use crate::model::obs::prometheus::RuleKind;
use crate::rules::{Cx, Rule};

pub struct PrometheusInvalidExpression;

impl Rule for PrometheusInvalidExpression {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for rule in prom_rules(project) {
            let (Some((expr, span)), Some(analysis)) = (&rule.expr, &rule.analysis) else {
                continue;
            };
            // Judged once rendered; LogQL (Loki ruler) is another language.
            if is_templated_expr(expr) || is_logql(expr) {
                continue;
            }
            let subject = rule_subject(project, rule);
            let Err(error) = analysis else {
                cx.evaluate(subject);
                continue;
            };
            // Valid in Prometheus 2, removed in 3: which one runs is not ours to guess.
            if error.contains("holt_winters") {
                continue;
            }
            let what = match (&rule.kind, rule.name.is_empty()) {
                (Some(RuleKind::Alert), false) => format!("alert `{}`", rule.name),
                (Some(RuleKind::Record), false) => format!("recording rule `{}`", rule.name),
                _ => "this rule".to_string(),
            };
            let error = error.lines().next().unwrap_or("").trim();
            cx.report(
                subject,
                rule.file,
                expr_span(project, rule, *span),
                format!(
                    "the expression of {what} is not valid PromQL ({error}): Prometheus refuses to load the rule file, failing its start or config reload"
                ),
            );
        }
    }
}
