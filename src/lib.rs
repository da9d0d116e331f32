//! shipshape: audits a repository's infrastructure for production readiness.

pub mod app;
pub mod audit;
pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod discover;
pub mod docs;
pub mod error;
pub mod finding;
pub mod gate;
pub mod git_snapshot;
pub mod inert;
pub mod kind;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod score;
pub mod suppress;
