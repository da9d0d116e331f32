//! Rules for dockerfile inputs.

mod add_instead_of_copy;
mod build_tools_in_final_stage;
pub(crate) mod common;
mod full_base_image;
mod image_not_digest_pinned;
mod latest_tag;
mod missing_dockerignore;
mod root_user;
mod secret_in_env;
mod shell_form_entrypoint;

pub use add_instead_of_copy::DockerfileAddInsteadOfCopy;
pub use build_tools_in_final_stage::DockerfileBuildToolsInFinalStage;
pub use full_base_image::DockerfileFullBaseImage;
pub use image_not_digest_pinned::DockerfileImageNotDigestPinned;
pub use latest_tag::DockerfileLatestTag;
pub use missing_dockerignore::DockerfileMissingDockerignore;
pub use root_user::DockerfileRootUser;
pub use secret_in_env::DockerfileSecretInEnv;
pub use shell_form_entrypoint::DockerfileShellFormEntrypoint;

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[
    (
        "dockerfile-add-instead-of-copy",
        &DockerfileAddInsteadOfCopy,
    ),
    (
        "dockerfile-build-tools-in-final-stage",
        &DockerfileBuildToolsInFinalStage,
    ),
    ("dockerfile-full-base-image", &DockerfileFullBaseImage),
    (
        "dockerfile-image-not-digest-pinned",
        &DockerfileImageNotDigestPinned,
    ),
    ("dockerfile-latest-tag", &DockerfileLatestTag),
    (
        "dockerfile-missing-dockerignore",
        &DockerfileMissingDockerignore,
    ),
    ("dockerfile-root-user", &DockerfileRootUser),
    ("dockerfile-secret-in-env", &DockerfileSecretInEnv),
    (
        "dockerfile-shell-form-entrypoint",
        &DockerfileShellFormEntrypoint,
    ),
];
