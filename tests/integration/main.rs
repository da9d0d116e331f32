//! One integration test binary (one link step): each module tests one area.

mod acgs;
mod catalog;
mod cli;
mod common;
mod oracles;
mod oracles_prometheus;
mod robustness;
mod rule_fixtures;
mod well_built;
