//! Prometheus evaluates alerting rules but sends the alerts nowhere: no `alerting:` block, no
//! Alertmanager anywhere. Alerts turn red on the Prometheus page and notify nobody.

use super::prom_common::{
    ALERTMANAGER_IMAGES, charts_mention, first_alert_group, prom_config_anchor, prom_configs,
    prom_rules, runs_image, runs_prometheus, templates_mention,
};
use crate::model::Project;
use crate::model::obs::prometheus::RuleKind;
use crate::parse::yaml::Node;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ObsAlertsNotRouted;

/// Command-line flags that point a Prometheus, Thanos Ruler or vmalert at an Alertmanager.
const NOTIFIER_FLAGS: &[&str] = &[
    "alertmanager.url",
    "alertmanagers.url",
    "alertmanagers.config",
    "notifier.url",
];

fn command_points_at_alertmanager(node: &Node) -> bool {
    ["command", "args", "entrypoint"].iter().any(|key| {
        node.get(key).is_some_and(|n| {
            let mut parts: Vec<&str> = n.items().iter().filter_map(Node::as_str).collect();
            parts.extend(n.as_str());
            parts
                .iter()
                .any(|p| NOTIFIER_FLAGS.iter().any(|f| p.contains(f)))
        })
    })
}

fn routed(project: &Project) -> bool {
    prom_configs(project).any(|c| c.alerting.is_some())
        || !project.obs.alertmanagers.is_empty()
        || runs_image(project, ALERTMANAGER_IMAGES).is_some()
        || project.k8s.iter().any(|o| {
            matches!(
                o.kind.as_str(),
                "Alertmanager" | "AlertmanagerConfig" | "VMAlertmanager"
            ) || o.kind == "Prometheus" && o.node.path(&["spec", "alerting"]).is_some()
                || o.kind == "ThanosRuler" && o.node.path(&["spec", "alertmanagersUrl"]).is_some()
                || o.kind == "ThanosRuler"
                    && o.node.path(&["spec", "alertmanagersConfig"]).is_some()
                || o.containers().iter().any(command_points_at_alertmanager)
        })
        || project
            .compose
            .iter()
            .flat_map(|c| &c.services)
            .any(|s| command_points_at_alertmanager(&s.node))
        || templates_mention(project, &["kind: Alertmanager", "alertmanager"])
        || charts_mention(project, "kube-prometheus-stack")
        || charts_mention(project, "alertmanager")
}

impl Rule for ObsAlertsNotRouted {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let rules = prom_rules(project);
        // Rules shipped for a Prometheus configured elsewhere are routed there: judge only a
        // Prometheus of this repository that loads rule files.
        let loads_rules = if prom_configs(project).next().is_some() {
            prom_configs(project).any(|c| !c.rule_files.is_empty())
        } else {
            runs_prometheus(project)
        };
        if !rules.iter().any(|r| r.kind == Some(RuleKind::Alert)) || !loads_rules {
            return;
        }
        if routed(project) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let config = prom_configs(project)
            .find(|c| !c.rule_files.is_empty())
            .or(prom_configs(project).next());
        let (file, span) = match config {
            Some(c) => (c.file, prom_config_anchor(project, c)),
            None => match first_alert_group(project, &rules) {
                Some(at) => at,
                None => return,
            },
        };
        cx.report(
            PROJECT_SUBJECT,
            file,
            span,
            "alerting rules are defined, but no Prometheus config has `alerting.alertmanagers` and no Alertmanager is deployed: alerts fire into nothing and nobody is notified",
        );
    }
}
