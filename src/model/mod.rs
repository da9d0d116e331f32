//! The typed project model rules read, built once from the parsed files.

pub mod ci;
pub mod compose;
pub mod image;
pub mod k8s;
pub mod lb;
pub mod obs;
pub mod project;

pub use project::{DockerfileUnit, Project};
