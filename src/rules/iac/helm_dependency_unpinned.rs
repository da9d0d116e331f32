//! A chart dependency has no version, or a constraint that floats without bound (`*`, `x`,
//! `>=1.0`, `latest`): each `helm dependency update` may pull a different, possibly breaking,
//! subchart. Bounded ranges (`~1.2.0`, `^1.2.0`, `1.x`, `>=1.0 <2.0`) are locked by
//! `Chart.lock` and do not fire; local `file://` dependencies need no version.
//!
//! Whether a `Chart.lock` is committed, and matches, is `helm-dependencies-not-locked`'s
//! question.

use super::helm_common::chart_name;
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct HelmDependencyUnpinned;

/// Why a version constraint floats without bound, if it does.
pub fn floating(constraint: &str) -> Option<&'static str> {
    let c = constraint.trim();
    if c.is_empty() {
        return Some("an empty version");
    }
    for alt in c.split("||") {
        let alt = alt.trim();
        let lower = alt.to_ascii_lowercase();
        if lower == "latest" || lower == "*" || lower.is_empty() {
            return Some("a version that matches any release");
        }
        let first = lower
            .trim_start_matches(['v', '=', ' '])
            .split('.')
            .next()
            .unwrap_or("");
        if first == "x" || first == "*" {
            return Some("a wildcard major version");
        }
        let has_lower = alt.contains('>');
        let has_upper = alt.contains('<') || alt.contains('^') || alt.contains('~');
        // `1.0 - 2.0` hyphen ranges are bounded.
        let hyphen = alt.contains(" - ");
        if has_lower && !has_upper && !hyphen {
            return Some("a lower bound with no upper bound");
        }
    }
    None
}

impl Rule for HelmDependencyUnpinned {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for chart in &project.helm.charts {
            for dep in &chart.dependencies {
                if dep
                    .repository
                    .as_deref()
                    .is_some_and(|r| r.starts_with("file://"))
                {
                    continue;
                }
                let subject = format!("{}#dependencies.{}", project.path(dep.file), dep.name);
                match &dep.version {
                    None => {
                        cx.report(
                            subject,
                            dep.file,
                            dep.span,
                            format!(
                                "chart `{}` depends on `{}` with no `version`: every dependency update may pull a different release",
                                chart_name(chart),
                                dep.name
                            ),
                        );
                    }
                    Some(v) => match floating(&v.value) {
                        Some(why) if !crate::parse::is_templated(&v.value) => {
                            cx.report(
                                subject,
                                dep.file,
                                v.span,
                                format!(
                                    "chart `{}` depends on `{}` with `{}`, {why}: pin a version or a bounded range",
                                    chart_name(chart),
                                    dep.name,
                                    v.value
                                ),
                            );
                        }
                        _ => cx.evaluate(subject),
                    },
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::floating;

    #[test]
    fn floating_constraints() {
        for c in ["*", "x", "latest", ">=1.0.0", "> 2", "x.x.x", ""] {
            assert!(floating(c).is_some(), "{c}");
        }
        for c in [
            "1.2.3",
            "~1.2.0",
            "^1.2.0",
            "2.x.x",
            ">=1.0.0 <2.0.0",
            "1.0 - 2.0",
            ">=1, <2",
        ] {
            assert!(floating(c).is_none(), "{c}");
        }
    }
}
