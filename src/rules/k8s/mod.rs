//! Rules for k8s inputs.

mod capabilities_not_dropped;
mod common;
mod config_not_externalized;
mod deprecated_api_version;
mod host_namespace;
mod latest_image_tag;
mod missing_hpa;
mod missing_liveness_probe;
mod missing_network_policy;
mod missing_pdb;
mod missing_readiness_probe;
mod missing_resource_limits;
mod missing_resource_requests;
mod missing_service;
mod pdb_blocks_eviction;
mod privilege_escalation_allowed;
mod privileged_container;
mod qos_not_guaranteed;
mod rolling_update_unset;
mod run_as_root;
mod secret_committed;
mod secret_in_env;
mod selector_mismatch;
mod single_replica;
mod writable_root_filesystem;

pub use capabilities_not_dropped::K8sCapabilitiesNotDropped;
pub use config_not_externalized::K8sConfigNotExternalized;
pub use deprecated_api_version::K8sDeprecatedApiVersion;
pub use host_namespace::K8sHostNamespace;
pub use latest_image_tag::K8sLatestImageTag;
pub use missing_hpa::K8sMissingHpa;
pub use missing_liveness_probe::K8sMissingLivenessProbe;
pub use missing_network_policy::K8sMissingNetworkPolicy;
pub use missing_pdb::K8sMissingPdb;
pub use missing_readiness_probe::K8sMissingReadinessProbe;
pub use missing_resource_limits::K8sMissingResourceLimits;
pub use missing_resource_requests::K8sMissingResourceRequests;
pub use missing_service::K8sMissingService;
pub use pdb_blocks_eviction::K8sPdbBlocksEviction;
pub use privilege_escalation_allowed::K8sPrivilegeEscalationAllowed;
pub use privileged_container::K8sPrivilegedContainer;
pub use qos_not_guaranteed::K8sQosNotGuaranteed;
pub use rolling_update_unset::K8sRollingUpdateUnset;
pub use run_as_root::K8sRunAsRoot;
pub use secret_committed::K8sSecretCommitted;
pub use secret_in_env::K8sSecretInEnv;
pub use selector_mismatch::K8sSelectorMismatch;
pub use single_replica::K8sSingleReplica;
pub use writable_root_filesystem::K8sWritableRootFilesystem;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    ("k8s-capabilities-not-dropped", &K8sCapabilitiesNotDropped),
    ("k8s-config-not-externalized", &K8sConfigNotExternalized),
    ("k8s-deprecated-api-version", &K8sDeprecatedApiVersion),
    ("k8s-host-namespace", &K8sHostNamespace),
    ("k8s-latest-image-tag", &K8sLatestImageTag),
    ("k8s-missing-hpa", &K8sMissingHpa),
    ("k8s-missing-liveness-probe", &K8sMissingLivenessProbe),
    ("k8s-missing-network-policy", &K8sMissingNetworkPolicy),
    ("k8s-missing-pdb", &K8sMissingPdb),
    ("k8s-missing-readiness-probe", &K8sMissingReadinessProbe),
    ("k8s-missing-resource-limits", &K8sMissingResourceLimits),
    ("k8s-missing-resource-requests", &K8sMissingResourceRequests),
    ("k8s-missing-service", &K8sMissingService),
    ("k8s-pdb-blocks-eviction", &K8sPdbBlocksEviction),
    (
        "k8s-privilege-escalation-allowed",
        &K8sPrivilegeEscalationAllowed,
    ),
    ("k8s-privileged-container", &K8sPrivilegedContainer),
    ("k8s-qos-not-guaranteed", &K8sQosNotGuaranteed),
    ("k8s-rolling-update-unset", &K8sRollingUpdateUnset),
    ("k8s-run-as-root", &K8sRunAsRoot),
    ("k8s-secret-committed", &K8sSecretCommitted),
    ("k8s-secret-in-env", &K8sSecretInEnv),
    ("k8s-selector-mismatch", &K8sSelectorMismatch),
    ("k8s-single-replica", &K8sSingleReplica),
    ("k8s-writable-root-filesystem", &K8sWritableRootFilesystem),
];
