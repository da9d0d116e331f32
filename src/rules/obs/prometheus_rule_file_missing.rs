//! A `rule_files` entry of a Prometheus config that matches no file in the repository: a typo
//! or a moved file, and Prometheus then loads no rules from it without complaint (a glob that
//! matches nothing is not an error), so the alerts never fire.

use super::prom_common::{dir_of, prom_configs};
use crate::kind::FileKind;
use crate::model::Project;
use crate::model::ci::glob_matches;
use crate::model::compose::Mount;
use crate::model::project::normalize;
use crate::parse::is_templated;
use crate::rules::{Cx, Rule};

pub struct PrometheusRuleFileMissing;

/// Whether we would have read a file the pattern names: rule files are YAML; other names
/// (`*.rules`, `*`) may match files we never list.
fn judgeable(pattern: &str) -> bool {
    let last = pattern
        .rsplit('/')
        .next()
        .unwrap_or(pattern)
        .to_ascii_lowercase();
    last.ends_with(".yml") || last.ends_with(".yaml")
}

fn any_file(project: &Project, pattern: &str, rules_only: bool) -> bool {
    let pattern = normalize(pattern);
    project.files.iter().any(|f| {
        (!rules_only || matches!(f.kind, FileKind::PrometheusRules | FileKind::Kubernetes))
            && glob_matches(&pattern, &f.path)
    })
}

/// Folders near a config: its own (and below) and its parent's (siblings and below).
fn near(config_dir: &str) -> Vec<String> {
    let mut out = vec![config_dir.to_string()];
    let trimmed = config_dir.trim_end_matches('/');
    if !trimmed.is_empty() {
        out.push(dir_of(trimmed).to_string());
    }
    out
}

/// An absolute path inside the container: matched through compose bind mounts, else by its
/// tail after `/etc/prometheus/` or after the config folder's own name, near the config.
fn absolute_matches(project: &Project, config_dir: &str, pattern: &str) -> bool {
    for compose in &project.compose {
        let compose_dir = dir_of(project.path(compose.file));
        for service in &compose.services {
            for (mount, _) in service.mounts() {
                let Mount::Bind { source, target } = mount else {
                    continue;
                };
                let target = target.trim_end_matches('/');
                if source.starts_with('/') || is_templated(&source) || target.is_empty() {
                    continue;
                }
                let rest = if pattern == target {
                    Some("")
                } else {
                    pattern
                        .strip_prefix(target)
                        .and_then(|r| r.strip_prefix('/'))
                };
                let Some(rest) = rest else { continue };
                let host = if rest.is_empty() {
                    format!("{compose_dir}{source}")
                } else {
                    format!("{compose_dir}{source}/{rest}")
                };
                if any_file(project, &host, false) {
                    return true;
                }
            }
        }
    }
    let name = dir_of(config_dir.trim_end_matches('/'));
    let config_name = config_dir.trim_end_matches('/')[name.len()..].to_string();
    let mut tails = Vec::new();
    if let Some(t) = pattern.strip_prefix("/etc/prometheus/") {
        tails.push(t.to_string());
    }
    if !config_name.is_empty()
        && let Some(at) = pattern.find(&format!("/{config_name}/"))
    {
        tails.push(pattern[at + config_name.len() + 2..].to_string());
    }
    // The file name alone: mounted from a ConfigMap or copied into the image.
    if let Some(last) = pattern.rsplit('/').next() {
        tails.push(last.to_string());
    }
    for base in near(config_dir) {
        for tail in &tails {
            if any_file(project, &format!("{base}{tail}"), false)
                || any_file(project, &format!("{base}**/{tail}"), true)
            {
                return true;
            }
        }
    }
    false
}

/// Where compose bind mounts put the config file inside containers.
fn container_paths(project: &Project, config_path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for compose in &project.compose {
        let compose_dir = dir_of(project.path(compose.file));
        for service in &compose.services {
            for (mount, _) in service.mounts() {
                let Mount::Bind { source, target } = mount else {
                    continue;
                };
                if source.starts_with('/') || is_templated(&source) || !target.starts_with('/') {
                    continue;
                }
                let host = normalize(&format!("{compose_dir}{source}"));
                let target = target.trim_end_matches('/');
                if host == config_path {
                    out.push(target.to_string());
                } else if let Some(rest) = config_path.strip_prefix(&format!("{host}/")) {
                    out.push(format!("{target}/{rest}"));
                }
            }
        }
    }
    out
}

impl Rule for PrometheusRuleFileMissing {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for config in prom_configs(project) {
            let path = project.path(config.file);
            let config_dir = dir_of(path);
            for (pattern, span) in &config.rule_files {
                let pattern = pattern.trim();
                if pattern.is_empty() || is_templated(pattern) || !judgeable(pattern) {
                    continue;
                }
                let subject = format!("{path}#rule_files {pattern}");
                let found = if pattern.starts_with('/') {
                    absolute_matches(project, config_dir, pattern)
                } else {
                    any_file(project, &format!("{config_dir}{pattern}"), false)
                        // Mounted elsewhere: relative to where the config sits in the container.
                        || container_paths(project, path).iter().any(|inside| {
                            let absolute = normalize(&format!("{}{pattern}", dir_of(inside)));
                            absolute_matches(project, config_dir, &format!("/{absolute}"))
                        })
                };
                if found {
                    cx.evaluate(subject);
                    continue;
                }
                let where_ = if pattern.starts_with('/') {
                    "no file in the repository is mounted or copied there"
                } else {
                    "no file in the repository matches it (relative paths start at the config's folder)"
                };
                cx.report(
                    subject,
                    config.file,
                    *span,
                    format!(
                        "rule file `{pattern}` is loaded by this Prometheus config, but {where_}: Prometheus loads no rules from it, so its alerts never fire"
                    ),
                );
            }
        }
    }
}
