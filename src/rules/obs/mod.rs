//! Observability rules: metrics collection and scraping, alert rules and routing, dashboards,
//! tracing and logging.

use super::Rule;

/// This kind's rules, by id.
pub const RULES: &[(&str, &dyn Rule)] = &[];
