//! Infrastructure-as-code rules: Terraform, Helm, Kustomize, environments, disaster recovery
//! and secrets.

mod backup_without_retention;
mod dr_common;
mod env_file_with_secrets;
mod environment_drift;
mod hardcoded_common;
mod helm_chart_legacy_api_version;
mod helm_chart_missing_autoscaling;
mod helm_chart_missing_probes;
mod helm_chart_missing_resources;
mod helm_chart_missing_security_context;
mod helm_common;
mod helm_dependencies_not_locked;
mod helm_dependency_unpinned;
mod helm_values_secret;
mod k8s_hardcoded_hostname;
mod k8s_hardcoded_ip_address;
mod kustomize_missing_resource;
mod missing_backups;
mod missing_deployment_code;
mod missing_environment_parity;
mod missing_infrastructure_code;
mod missing_package_management;
mod missing_secret_manager;
mod terraform_database_single_az;
mod terraform_database_without_backups;
mod terraform_hardcoded_secret;
mod terraform_local_state;
mod terraform_missing_lock_file;
mod terraform_module_unpinned;
mod terraform_resource_untagged;
mod terraform_secret_variable_not_sensitive;
mod terraform_state_without_locking;
mod terraform_stateful_without_deletion_protection;
mod terraform_storage_unencrypted;
mod terraform_unpinned_provider;
mod terraform_unpinned_version;
mod terraform_variable_undocumented;
mod tf_common;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    (
        "env-file-with-secrets",
        &env_file_with_secrets::EnvFileWithSecrets,
    ),
    (
        "helm-chart-legacy-api-version",
        &helm_chart_legacy_api_version::HelmChartLegacyApiVersion,
    ),
    (
        "helm-chart-missing-autoscaling",
        &helm_chart_missing_autoscaling::HelmChartMissingAutoscaling,
    ),
    (
        "helm-chart-missing-probes",
        &helm_chart_missing_probes::HelmChartMissingProbes,
    ),
    (
        "helm-chart-missing-resources",
        &helm_chart_missing_resources::HelmChartMissingResources,
    ),
    (
        "helm-chart-missing-security-context",
        &helm_chart_missing_security_context::HelmChartMissingSecurityContext,
    ),
    (
        "helm-dependencies-not-locked",
        &helm_dependencies_not_locked::HelmDependenciesNotLocked,
    ),
    (
        "helm-dependency-unpinned",
        &helm_dependency_unpinned::HelmDependencyUnpinned,
    ),
    ("helm-values-secret", &helm_values_secret::HelmValuesSecret),
    (
        "iac-backup-without-retention",
        &backup_without_retention::IacBackupWithoutRetention,
    ),
    (
        "iac-environment-drift",
        &environment_drift::IacEnvironmentDrift,
    ),
    ("iac-missing-backups", &missing_backups::IacMissingBackups),
    (
        "iac-missing-deployment-code",
        &missing_deployment_code::IacMissingDeploymentCode,
    ),
    (
        "iac-missing-environment-parity",
        &missing_environment_parity::IacMissingEnvironmentParity,
    ),
    (
        "iac-missing-infrastructure-code",
        &missing_infrastructure_code::IacMissingInfrastructureCode,
    ),
    (
        "iac-missing-package-management",
        &missing_package_management::IacMissingPackageManagement,
    ),
    (
        "iac-missing-secret-manager",
        &missing_secret_manager::IacMissingSecretManager,
    ),
    (
        "k8s-hardcoded-hostname",
        &k8s_hardcoded_hostname::K8sHardcodedHostname,
    ),
    (
        "k8s-hardcoded-ip-address",
        &k8s_hardcoded_ip_address::K8sHardcodedIpAddress,
    ),
    (
        "kustomize-missing-resource",
        &kustomize_missing_resource::KustomizeMissingResource,
    ),
    (
        "terraform-database-single-az",
        &terraform_database_single_az::TerraformDatabaseSingleAz,
    ),
    (
        "terraform-database-without-backups",
        &terraform_database_without_backups::TerraformDatabaseWithoutBackups,
    ),
    (
        "terraform-hardcoded-secret",
        &terraform_hardcoded_secret::TerraformHardcodedSecret,
    ),
    (
        "terraform-local-state",
        &terraform_local_state::TerraformLocalState,
    ),
    (
        "terraform-missing-lock-file",
        &terraform_missing_lock_file::TerraformMissingLockFile,
    ),
    (
        "terraform-module-unpinned",
        &terraform_module_unpinned::TerraformModuleUnpinned,
    ),
    (
        "terraform-resource-untagged",
        &terraform_resource_untagged::TerraformResourceUntagged,
    ),
    (
        "terraform-secret-variable-not-sensitive",
        &terraform_secret_variable_not_sensitive::TerraformSecretVariableNotSensitive,
    ),
    (
        "terraform-state-without-locking",
        &terraform_state_without_locking::TerraformStateWithoutLocking,
    ),
    (
        "terraform-stateful-without-deletion-protection",
        &terraform_stateful_without_deletion_protection::TerraformStatefulWithoutDeletionProtection,
    ),
    (
        "terraform-storage-unencrypted",
        &terraform_storage_unencrypted::TerraformStorageUnencrypted,
    ),
    (
        "terraform-unpinned-provider",
        &terraform_unpinned_provider::TerraformUnpinnedProvider,
    ),
    (
        "terraform-unpinned-version",
        &terraform_unpinned_version::TerraformUnpinnedVersion,
    ),
    (
        "terraform-variable-undocumented",
        &terraform_variable_undocumented::TerraformVariableUndocumented,
    ),
];
