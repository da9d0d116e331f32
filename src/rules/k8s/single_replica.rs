//! Scalable workloads that run one pod: every restart, drain or rollout is an outage.

use super::common::scaled_to_zero;
use crate::model::Project;
use crate::model::k8s::{K8sObject, Replicas};
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sSingleReplica;

impl Rule for K8sSingleReplica {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !obj.is_scalable() || scaled_to_zero(obj) {
            return;
        }
        let subject = k8s_subject(project, obj);
        let explicit = match obj.replicas() {
            Replicas::Unknown => return,
            Replicas::Count(n) if n >= 2 => {
                cx.evaluate(subject);
                return;
            }
            Replicas::Count(n) if n < 0 => return,
            Replicas::Count(_) => true,
            Replicas::Default => false,
        };
        // An autoscaler owns the replica count: what matters is the floor it keeps.
        let mut floor_hpa = None;
        for hpa in project.hpas_for(obj) {
            match hpa.node.path(&["spec", "minReplicas"]) {
                None => floor_hpa = floor_hpa.or(Some(hpa)),
                Some(n) => match n.as_i64() {
                    Some(v) if v >= 2 => {
                        cx.evaluate(subject);
                        return;
                    }
                    Some(_) => floor_hpa = floor_hpa.or(Some(hpa)),
                    None => return,
                },
            }
        }
        for so in project.k8s_in(&obj.namespace, "ScaledObject") {
            let target = so.node.path(&["spec", "scaleTargetRef"]);
            let name = target.and_then(|t| t.get("name")).and_then(Node::as_str);
            let kind = target
                .and_then(|t| t.get("kind"))
                .and_then(Node::as_str)
                .unwrap_or("Deployment");
            if name != Some(obj.name.as_str()) || kind != obj.kind {
                continue;
            }
            match so.node.path(&["spec", "minReplicaCount"]).map(Node::as_i64) {
                Some(Some(v)) if v >= 2 => {
                    cx.evaluate(subject);
                    return;
                }
                Some(None) => return,
                _ => {}
            }
        }
        let span = obj
            .node
            .path(&["spec", "replicas"])
            .map_or_else(|| obj.span(), |n| n.span);
        let message = match floor_hpa {
            Some(hpa) => format!(
                "{} can run a single replica: HorizontalPodAutoscaler `{}` has minReplicas below 2",
                obj.display(),
                hpa.name
            ),
            None if explicit => format!("{} runs a single replica", obj.display()),
            None => format!(
                "{} runs a single replica: `replicas` is not set and defaults to 1",
                obj.display()
            ),
        };
        let related = floor_hpa.map(|hpa| {
            let span = hpa
                .node
                .path(&["spec", "minReplicas"])
                .map_or_else(|| hpa.span(), |n| n.span);
            cx.related(hpa.file, span, "autoscaler floor")
        });
        let finding = cx.report(subject, obj.file, span, message);
        if let Some(r) = related {
            finding.related.push(r);
        }
    }
}
