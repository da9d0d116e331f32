//! Rules for compose inputs.

pub(crate) mod common;
mod default_network_only;
mod docker_socket_mounted;
mod latest_image;
mod missing_healthcheck;
mod missing_log_rotation;
mod missing_resource_limits;
mod missing_restart_policy;
mod no_env_separation;
mod privileged;
mod root_user;
mod secret_in_environment;
mod single_instance_datastore;
mod stateful_no_volume;

pub use default_network_only::ComposeDefaultNetworkOnly;
pub use docker_socket_mounted::ComposeDockerSocketMounted;
pub use latest_image::ComposeLatestImage;
pub use missing_healthcheck::ComposeMissingHealthcheck;
pub use missing_log_rotation::ComposeMissingLogRotation;
pub use missing_resource_limits::ComposeMissingResourceLimits;
pub use missing_restart_policy::ComposeMissingRestartPolicy;
pub use no_env_separation::ComposeNoEnvSeparation;
pub use privileged::ComposePrivileged;
pub use root_user::ComposeRootUser;
pub use secret_in_environment::ComposeSecretInEnvironment;
pub use single_instance_datastore::ComposeSingleInstanceDatastore;
pub use stateful_no_volume::ComposeStatefulNoVolume;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    ("compose-default-network-only", &ComposeDefaultNetworkOnly),
    ("compose-docker-socket-mounted", &ComposeDockerSocketMounted),
    ("compose-latest-image", &ComposeLatestImage),
    ("compose-missing-healthcheck", &ComposeMissingHealthcheck),
    ("compose-missing-log-rotation", &ComposeMissingLogRotation),
    (
        "compose-missing-resource-limits",
        &ComposeMissingResourceLimits,
    ),
    (
        "compose-missing-restart-policy",
        &ComposeMissingRestartPolicy,
    ),
    ("compose-no-env-separation", &ComposeNoEnvSeparation),
    ("compose-privileged", &ComposePrivileged),
    ("compose-root-user", &ComposeRootUser),
    ("compose-secret-in-environment", &ComposeSecretInEnvironment),
    (
        "compose-single-instance-datastore",
        &ComposeSingleInstanceDatastore,
    ),
    ("compose-stateful-no-volume", &ComposeStatefulNoVolume),
];
