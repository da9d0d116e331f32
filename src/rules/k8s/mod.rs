//! Rules for k8s inputs.

mod autoscaling;
mod capabilities_not_dropped;
mod common;
mod config_not_externalized;
pub(crate) mod datastore;
mod deprecated_api_version;
mod destination_rule_no_outlier_detection;
mod host_namespace;
mod hpa_max_not_above_min;
mod hpa_min_replicas_too_low;
mod hpa_no_scale_down_behavior;
mod hpa_single_resource_metric;
mod latest_image_tag;
mod missing_hpa;
mod missing_liveness_probe;
mod missing_network_policy;
mod missing_pdb;
mod missing_readiness_probe;
mod missing_resource_limits;
mod missing_resource_requests;
mod missing_service;
mod missing_topology_spread;
mod missing_vpa;
mod pdb_blocks_eviction;
mod privilege_escalation_allowed;
mod privileged_container;
mod qos_not_guaranteed;
mod queue_consumer_scaled_on_cpu;
mod rolling_update_unset;
mod run_as_root;
mod secret_committed;
mod secret_in_env;
mod selector_mismatch;
mod single_instance_datastore;
mod single_replica;
mod writable_root_filesystem;

pub use capabilities_not_dropped::K8sCapabilitiesNotDropped;
pub use config_not_externalized::K8sConfigNotExternalized;
pub use deprecated_api_version::K8sDeprecatedApiVersion;
pub use destination_rule_no_outlier_detection::K8sDestinationRuleNoOutlierDetection;
pub use host_namespace::K8sHostNamespace;
pub use hpa_max_not_above_min::K8sHpaMaxNotAboveMin;
pub use hpa_min_replicas_too_low::K8sHpaMinReplicasTooLow;
pub use hpa_no_scale_down_behavior::K8sHpaNoScaleDownBehavior;
pub use hpa_single_resource_metric::K8sHpaSingleResourceMetric;
pub use latest_image_tag::K8sLatestImageTag;
pub use missing_hpa::K8sMissingHpa;
pub use missing_liveness_probe::K8sMissingLivenessProbe;
pub use missing_network_policy::K8sMissingNetworkPolicy;
pub use missing_pdb::K8sMissingPdb;
pub use missing_readiness_probe::K8sMissingReadinessProbe;
pub use missing_resource_limits::K8sMissingResourceLimits;
pub use missing_resource_requests::K8sMissingResourceRequests;
pub use missing_service::K8sMissingService;
pub use missing_topology_spread::K8sMissingTopologySpread;
pub use missing_vpa::K8sMissingVpa;
pub use pdb_blocks_eviction::K8sPdbBlocksEviction;
pub use privilege_escalation_allowed::K8sPrivilegeEscalationAllowed;
pub use privileged_container::K8sPrivilegedContainer;
pub use qos_not_guaranteed::K8sQosNotGuaranteed;
pub use queue_consumer_scaled_on_cpu::K8sQueueConsumerScaledOnCpu;
pub use rolling_update_unset::K8sRollingUpdateUnset;
pub use run_as_root::K8sRunAsRoot;
pub use secret_committed::K8sSecretCommitted;
pub use secret_in_env::K8sSecretInEnv;
pub use selector_mismatch::K8sSelectorMismatch;
pub use single_instance_datastore::K8sSingleInstanceDatastore;
pub use single_replica::K8sSingleReplica;
pub use writable_root_filesystem::K8sWritableRootFilesystem;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    ("k8s-capabilities-not-dropped", &K8sCapabilitiesNotDropped),
    ("k8s-config-not-externalized", &K8sConfigNotExternalized),
    ("k8s-deprecated-api-version", &K8sDeprecatedApiVersion),
    (
        "k8s-destination-rule-no-outlier-detection",
        &K8sDestinationRuleNoOutlierDetection,
    ),
    ("k8s-host-namespace", &K8sHostNamespace),
    ("k8s-hpa-max-not-above-min", &K8sHpaMaxNotAboveMin),
    ("k8s-hpa-min-replicas-too-low", &K8sHpaMinReplicasTooLow),
    ("k8s-hpa-no-scale-down-behavior", &K8sHpaNoScaleDownBehavior),
    (
        "k8s-hpa-single-resource-metric",
        &K8sHpaSingleResourceMetric,
    ),
    ("k8s-latest-image-tag", &K8sLatestImageTag),
    ("k8s-missing-hpa", &K8sMissingHpa),
    ("k8s-missing-liveness-probe", &K8sMissingLivenessProbe),
    ("k8s-missing-network-policy", &K8sMissingNetworkPolicy),
    ("k8s-missing-pdb", &K8sMissingPdb),
    ("k8s-missing-readiness-probe", &K8sMissingReadinessProbe),
    ("k8s-missing-resource-limits", &K8sMissingResourceLimits),
    ("k8s-missing-resource-requests", &K8sMissingResourceRequests),
    ("k8s-missing-service", &K8sMissingService),
    ("k8s-missing-topology-spread", &K8sMissingTopologySpread),
    ("k8s-missing-vpa", &K8sMissingVpa),
    ("k8s-pdb-blocks-eviction", &K8sPdbBlocksEviction),
    (
        "k8s-privilege-escalation-allowed",
        &K8sPrivilegeEscalationAllowed,
    ),
    ("k8s-privileged-container", &K8sPrivilegedContainer),
    ("k8s-qos-not-guaranteed", &K8sQosNotGuaranteed),
    (
        "k8s-queue-consumer-scaled-on-cpu",
        &K8sQueueConsumerScaledOnCpu,
    ),
    ("k8s-rolling-update-unset", &K8sRollingUpdateUnset),
    ("k8s-run-as-root", &K8sRunAsRoot),
    ("k8s-secret-committed", &K8sSecretCommitted),
    ("k8s-secret-in-env", &K8sSecretInEnv),
    ("k8s-selector-mismatch", &K8sSelectorMismatch),
    ("k8s-single-instance-datastore", &K8sSingleInstanceDatastore),
    ("k8s-single-replica", &K8sSingleReplica),
    ("k8s-writable-root-filesystem", &K8sWritableRootFilesystem),
];
