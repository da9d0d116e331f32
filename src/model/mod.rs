//! The typed project model rules read, built once from the parsed files.

pub mod ci;
pub mod compose;
pub mod helm;
pub mod image;
pub mod k8s;
pub mod kustomize;
pub mod lb;
pub mod memo;
pub mod obs;
pub mod project;
pub mod selection;
pub mod terraform;

pub use project::{DockerfileUnit, Project};
