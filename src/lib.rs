//! shipshape: audits a repository's infrastructure for production readiness.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod discover;
pub mod docs;
pub mod error;
pub mod finding;
pub mod kind;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod score;
