//! Helm charts (stub: being written).

use crate::parse::yaml::Node;
use crate::parse::{FileId, ParseFailure, SourceFile};

#[derive(Debug, Default)]
pub struct Helm {
    pub failures: Vec<ParseFailure>,
}

impl Helm {
    pub fn build(_files: &[SourceFile], _yaml: &[(FileId, Vec<Node>)]) -> Helm {
        Helm::default()
    }
}
