//! Deployments and StatefulSets that no autoscaler (HPA or KEDA) can scale under load.

use super::common::{app_containers, is_service_workload, looks_like_database, scaled_to_zero};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sMissingHpa;

impl Rule for K8sMissingHpa {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        if !is_service_workload(obj) || scaled_to_zero(obj) {
            return;
        }
        // Databases, brokers and other clustered servers grow by replication, not by an HPA.
        if app_containers(obj)
            .iter()
            .any(|c| c.image().is_some_and(looks_like_database))
        {
            return;
        }
        let subject = k8s_subject(project, obj);
        let keda = project.k8s_in(&obj.namespace, "ScaledObject").any(|so| {
            let target = so.node.path(&["spec", "scaleTargetRef"]);
            let kind = target
                .and_then(|t| t.get("kind"))
                .and_then(Node::as_str)
                .unwrap_or("Deployment");
            target.and_then(|t| t.get("name")).and_then(Node::as_str) == Some(obj.name.as_str())
                && kind == obj.kind
        });
        if keda || project.hpas_for(obj).next().is_some() {
            cx.evaluate(subject);
            return;
        }
        cx.report(
            subject,
            obj.file,
            obj.span(),
            format!("{} has no HorizontalPodAutoscaler", obj.display()),
        );
    }
}
