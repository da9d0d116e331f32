//! One integration test binary (one link step): each module tests one area.

mod common;
mod rule_fixtures;
