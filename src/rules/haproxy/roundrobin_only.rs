//! Configurations where every load-balanced backend uses roundrobin, which ignores how many
//! requests each server is still processing.

use super::common::{balanced, effective, is_backend_side, proxies, units};
use crate::model::Project;
use crate::parse::span::Span;
use crate::rules::{Cx, Rule};

pub struct HaproxyRoundrobinOnly;

impl Rule for HaproxyRoundrobinOnly {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            let mut judged = 0;
            let mut all_roundrobin = true;
            let mut first_line: Option<Span> = None;
            let mut first_header: Option<Span> = None;
            for (index, section) in proxies(config) {
                if !is_backend_side(section) {
                    continue;
                }
                // With a single server the algorithm makes no difference.
                if !balanced(config, index) {
                    continue;
                }
                judged += 1;
                first_header.get_or_insert(section.header);
                // No `balance` at all means HAProxy's default, roundrobin.
                let Some(d) = effective(config, index, "balance") else {
                    continue;
                };
                match d.arg(0) {
                    Some(algo) if algo.eq_ignore_ascii_case("roundrobin") => {
                        // The earliest line, which may sit in a defaults section.
                        let earlier = first_line.is_none_or(|s| d.span.start < s.start);
                        first_line = if earlier { Some(d.span) } else { first_line };
                    }
                    // Another algorithm, or one chosen at deploy time.
                    Some(_) => all_roundrobin = false,
                    None => {}
                }
            }
            if judged == 0 {
                continue;
            }
            let path = project.path(unit.file).to_string();
            if !all_roundrobin {
                cx.evaluate(path);
                continue;
            }
            let Some(span) = first_line.or(first_header) else {
                continue;
            };
            let what = if judged == 1 {
                "the only load-balanced backend uses".to_string()
            } else {
                format!("all {judged} load-balanced backends use")
            };
            cx.report(
                path,
                unit.file,
                span,
                format!(
                    "{what} roundrobin, which ignores in-flight load: leastconn suits long or uneven requests"
                ),
            );
        }
    }
}
