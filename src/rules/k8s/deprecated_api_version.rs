//! Objects written against API versions that current Kubernetes releases no longer serve.

use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct K8sDeprecatedApiVersion;

/// (removed apiVersion, kinds, replacement, release that removed it).
const REMOVED: &[(&str, &[&str], &str, &str)] = &[
    (
        "extensions/v1beta1",
        &["Deployment", "DaemonSet", "ReplicaSet"],
        "apps/v1",
        "1.16",
    ),
    (
        "extensions/v1beta1",
        &["NetworkPolicy"],
        "networking.k8s.io/v1",
        "1.16",
    ),
    (
        "extensions/v1beta1",
        &["Ingress"],
        "networking.k8s.io/v1",
        "1.22",
    ),
    (
        "extensions/v1beta1",
        &["PodSecurityPolicy"],
        "Pod Security Admission (PodSecurityPolicy was removed in 1.25)",
        "1.16",
    ),
    (
        "apps/v1beta1",
        &["Deployment", "StatefulSet", "ControllerRevision"],
        "apps/v1",
        "1.16",
    ),
    (
        "apps/v1beta2",
        &[
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ControllerRevision",
        ],
        "apps/v1",
        "1.16",
    ),
    (
        "policy/v1beta1",
        &["PodDisruptionBudget"],
        "policy/v1",
        "1.25",
    ),
    (
        "policy/v1beta1",
        &["PodSecurityPolicy"],
        "Pod Security Admission (no replacement API)",
        "1.25",
    ),
    (
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        "autoscaling/v2",
        "1.25",
    ),
    (
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        "autoscaling/v2",
        "1.26",
    ),
    ("batch/v1beta1", &["CronJob"], "batch/v1", "1.25"),
    ("batch/v2alpha1", &["CronJob"], "batch/v1", "1.21"),
    (
        "networking.k8s.io/v1beta1",
        &["Ingress", "IngressClass"],
        "networking.k8s.io/v1",
        "1.22",
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
        "rbac.authorization.k8s.io/v1",
        "1.22",
    ),
    (
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        "apiextensions.k8s.io/v1",
        "1.22",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ],
        "admissionregistration.k8s.io/v1",
        "1.22",
    ),
    (
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        "apiregistration.k8s.io/v1",
        "1.22",
    ),
    (
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        "certificates.k8s.io/v1",
        "1.22",
    ),
    (
        "coordination.k8s.io/v1beta1",
        &["Lease"],
        "coordination.k8s.io/v1",
        "1.22",
    ),
    (
        "scheduling.k8s.io/v1beta1",
        &["PriorityClass"],
        "scheduling.k8s.io/v1",
        "1.22",
    ),
    (
        "storage.k8s.io/v1beta1",
        &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
        "storage.k8s.io/v1",
        "1.22",
    ),
    (
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        "storage.k8s.io/v1",
        "1.27",
    ),
    (
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        "discovery.k8s.io/v1",
        "1.25",
    ),
    (
        "events.k8s.io/v1beta1",
        &["Event"],
        "events.k8s.io/v1",
        "1.25",
    ),
    (
        "node.k8s.io/v1beta1",
        &["RuntimeClass"],
        "node.k8s.io/v1",
        "1.25",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        &["FlowSchema", "PriorityLevelConfiguration"],
        "flowcontrol.apiserver.k8s.io/v1",
        "1.26",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        &["FlowSchema", "PriorityLevelConfiguration"],
        "flowcontrol.apiserver.k8s.io/v1",
        "1.29",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        &["FlowSchema", "PriorityLevelConfiguration"],
        "flowcontrol.apiserver.k8s.io/v1",
        "1.32",
    ),
];

impl Rule for K8sDeprecatedApiVersion {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        // Only objects of kinds that ever had a removed version are judged.
        if !REMOVED
            .iter()
            .any(|(_, kinds, _, _)| kinds.contains(&obj.kind.as_str()))
        {
            return;
        }
        let subject = k8s_subject(project, obj);
        let hit = REMOVED.iter().find(|(api, kinds, _, _)| {
            *api == obj.api_version && kinds.contains(&obj.kind.as_str())
        });
        let Some((api, _, replacement, release)) = hit else {
            cx.evaluate(subject);
            return;
        };
        let span = obj
            .node
            .get("apiVersion")
            .map_or_else(|| obj.span(), |n| n.span);
        cx.report(
            subject,
            obj.file,
            span,
            format!(
                "{} uses `{api}`, removed in Kubernetes {release}; use {replacement}",
                obj.display()
            ),
        );
    }
}
