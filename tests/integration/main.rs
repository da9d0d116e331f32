//! One integration test binary (one link step): each module tests one area.

mod common;
mod acgs;
mod catalog;
mod cli;
mod robustness;
mod rule_fixtures;
