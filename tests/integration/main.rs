//! One integration test binary (one link step): each module tests one area.

mod acgs;
mod adoption;
mod catalog;
mod cli;
mod common;
mod formats;
mod hostile;
mod html;
mod oracles;
mod oracles_prometheus;
mod pre_commit;
mod robustness;
mod rule_fixtures;
mod well_built;
