//! Terraform (stub: being written).

use crate::parse::{ParseFailure, SourceFile};

#[derive(Debug, Default)]
pub struct Terraform {
    pub failures: Vec<ParseFailure>,
}

impl Terraform {
    pub fn build(_files: &[SourceFile]) -> Terraform {
        Terraform::default()
    }
}
