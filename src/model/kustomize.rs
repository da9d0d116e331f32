//! Kustomize (stub: being written).

use crate::parse::yaml::Node;
use crate::parse::{FileId, ParseFailure, SourceFile};

#[derive(Debug, Default)]
pub struct Kustomize {
    pub failures: Vec<ParseFailure>,
}

impl Kustomize {
    pub fn build(_files: &[SourceFile], _yaml: &[(FileId, Vec<Node>)]) -> Kustomize {
        Kustomize::default()
    }
}
