//! The audit pipeline: configuration → discover → parse → check → suppress → baseline → score →
//! gate. Every output format renders the report this builds; none re-runs a stage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::baseline::{self, Baseline};
use crate::catalog;
use crate::cli::{AuditArgs, ConfigArgs};
use crate::config::{self, Config};
use crate::discover::DiscoverOptions;
use crate::error::AppError;
use crate::finding::{Category, Finding};
use crate::gate::{self, Diff, Thresholds};
use crate::model::Project;
use crate::report::{BaselineSummary, Report};
use crate::rules;
use crate::score;
use crate::suppress::{self, Kind, Reason, Suppressed};

/// The rule reporting a required category that had nothing to judge.
pub const REQUIRED_RULE: &str = "required-category-empty";

/// The configuration for auditing `root`: `--config`, else the nearest config file, else defaults.
pub fn resolve_config(args: &ConfigArgs, root: &Path) -> Result<Config, AppError> {
    if args.no_config {
        return Ok(Config::default());
    }
    match args.config.clone().or_else(|| config::find(root)) {
        Some(path) => Config::load(&path),
        None => Ok(Config::default()),
    }
}

/// `root` as seen from the config's folder (`services/api/`), so config patterns written
/// relative to the config match paths found under `root`.
fn prefix_from_config(config: &Config, root: &Path) -> String {
    let (Ok(base), Ok(root)) = (
        std::fs::canonicalize(&config.base),
        std::fs::canonicalize(root),
    ) else {
        return String::new();
    };
    match root.strip_prefix(&base) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            let mut p = rel.to_string_lossy().replace('\\', "/");
            p.push('/');
            p
        }
        _ => String::new(),
    }
}

/// Discovers and parses the folder to audit.
pub fn load_project(root: &Path, config: &Config, max_file_size: u64) -> Result<Project, AppError> {
    let path_error = |source| AppError::Path {
        path: root.to_path_buf(),
        source,
    };
    if !std::fs::metadata(root).map_err(path_error)?.is_dir() {
        return Err(AppError::NotADirectory(root.to_path_buf()));
    }
    let exclude = config.exclude_matcher().map(|matcher| {
        let prefix = prefix_from_config(config, root);
        Arc::new(move |rel: &str, is_dir: bool| {
            config::matches_path(&matcher, &format!("{prefix}{rel}"), is_dir)
        }) as crate::discover::Exclude
    });
    let options = DiscoverOptions {
        max_file_size,
        exclude,
    };
    Project::load(root, &options).map_err(path_error)
}

/// Runs the audit of one folder and returns the report, without rendering it.
pub fn build_report(args: &AuditArgs) -> Result<(Report, Project), AppError> {
    let config = resolve_config(&args.config, &args.path)?;
    build_report_with(args, &config)
}

/// [`build_report`] with the configuration already resolved.
pub fn build_report_with(args: &AuditArgs, config: &Config) -> Result<(Report, Project), AppError> {
    let started = Instant::now();
    for id in &args.rules {
        if catalog::lookup(id).is_none() {
            return Err(AppError::unknown_rule(id));
        }
    }
    let baseline_path = args.baseline.clone().or_else(|| {
        config.baseline.as_ref().map(|p| {
            if p.is_absolute() {
                p.clone()
            } else {
                config.base.join(p)
            }
        })
    });
    let baseline = baseline_path.as_deref().map(Baseline::read).transpose()?;

    let root = &args.path;
    let project = load_project(root, config, args.max_file_size)?;
    let selected = |id: &str| {
        if args.rules.is_empty() {
            config.is_enabled(id)
        } else {
            args.rules.iter().any(|r| r == id)
        }
    };
    let mut timings = project.timings.clone();
    let mut phase = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, std::time::Duration)>| {
        timings.push((name, phase.elapsed()));
        phase = Instant::now();
    };
    let mut outcomes = rules::run(&project, &selected);
    let severities = config.severity_overrides();
    // Scoring reads what each rule evaluated, not its findings: they move out, uncopied.
    let mut findings: Vec<Finding> = outcomes
        .iter_mut()
        .flat_map(|o| std::mem::take(&mut o.findings))
        .map(|mut f| {
            if let Some(s) = severities.get(&f.rule) {
                f.severity = *s;
            }
            f
        })
        .collect();
    if selected(REQUIRED_RULE) {
        findings.extend(required_category_findings(config, &outcomes, root));
    }

    let config_label = config
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut suppressed: Vec<Suppressed> = Vec::new();
    if !args.config.no_ignores {
        let prefix = prefix_from_config(config, root);
        let path_ignores = config
            .rule_ignore_matchers()
            .into_iter()
            .map(|(id, m)| (id, (m, prefix.clone())))
            .collect();
        let applied = suppress::apply(&project, findings, &path_ignores, &config_label, &selected);
        findings = applied.kept;
        if selected(suppress::UNUSED_RULE) {
            findings.extend(applied.unused);
        }
        suppressed = applied.suppressed;
    }

    lap("check", &mut timings);
    let mut baseline_summary = None;
    if let (Some(baseline), Some(path)) = (&baseline, &baseline_path) {
        let fingerprinted = fingerprint_all(findings);
        let cmp = baseline.compare(fingerprinted);
        let label = path.display().to_string();
        baseline_summary = Some(BaselineSummary {
            path: label.clone(),
            known: cmp.known.len(),
            new: cmp.new.len(),
            absent: cmp.absent,
        });
        suppressed.extend(cmp.known.into_iter().map(|finding| Suppressed {
            suppressed_by: Reason {
                kind: Kind::Baseline,
                path: label.clone(),
                line: 0,
                reason: None,
            },
            finding,
        }));
        findings = cmp.new;
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    suppressed.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));

    lap("suppress", &mut timings);
    let settings = score::Settings {
        weights: config.category_weights(),
        severities,
        required: config
            .categories
            .iter()
            .filter(|(_, s)| s.required)
            .map(|(c, _)| *c)
            .collect(),
    };
    let scorecard = score_findings(&outcomes, &findings, &settings);
    let overall_unsuppressed = (!suppressed.is_empty())
        .then(|| {
            let all: Vec<Finding> = findings
                .iter()
                .cloned()
                .chain(suppressed.iter().map(|s| s.finding.clone()))
                .collect();
            score_findings(&outcomes, &all, &settings).overall
        })
        .flatten();

    if let Some(only) = &args.only_files {
        let only: BTreeSet<&str> = only.iter().map(String::as_str).collect();
        findings.retain(|f| only.contains(f.path.as_str()));
        suppressed.retain(|s| only.contains(s.finding.path.as_str()));
    }

    let used: BTreeSet<&str> = findings
        .iter()
        .map(|f| f.path.as_str())
        .chain(suppressed.iter().map(|s| s.finding.path.as_str()))
        .collect();
    let sources = project
        .files
        .iter()
        .filter(|f| used.contains(f.path.as_str()))
        .map(|f| (f.path.clone(), Arc::clone(&f.text)))
        .collect();

    let diff = match &args.diff_base {
        Some(rev) => Some(diff_against(rev, args, config, &findings, &scorecard)?),
        None => None,
    };
    lap("score", &mut timings);
    let thresholds = thresholds(args, config);
    let gate = gate::evaluate(&thresholds, &scorecard, &findings, diff.as_ref());

    let report = Report {
        root: root.display().to_string(),
        files: project.kind_counts(),
        findings,
        suppressed,
        overall_unsuppressed,
        scorecard,
        config: config.path.as_ref().map(|p| p.display().to_string()),
        baseline: baseline_summary,
        diff,
        gate,
        // Moved, not copied: tens of thousands of subjects on a large repository.
        subjects: outcomes
            .iter_mut()
            .filter(|o| !o.evaluated.is_empty())
            .map(|o| {
                let evaluated = std::mem::take(&mut o.evaluated);
                (o.meta.id.clone(), evaluated.into_iter().collect())
            })
            .collect(),
        notices: project.notices.clone(),
        sources,
        elapsed: started.elapsed(),
        timings,
        rule_timings: slowest_first(&outcomes),
    };
    Ok((report, project))
}

fn slowest_first(outcomes: &[rules::RuleOutcome]) -> Vec<(String, std::time::Duration)> {
    let mut timings: Vec<(String, std::time::Duration)> = outcomes
        .iter()
        .map(|o| (o.meta.id.clone(), o.elapsed))
        .collect();
    timings.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    timings
}

/// The gate's thresholds: command-line flags first, then the config.
pub fn thresholds(args: &AuditArgs, config: &Config) -> Thresholds {
    let mut category_min: BTreeMap<Category, f64> = config
        .categories
        .iter()
        .filter_map(|(c, s)| s.min.map(|m| (*c, m)))
        .collect();
    category_min.extend(args.category_min.iter().copied());
    Thresholds {
        fail_under: args.fail_under.or(config.fail_under),
        category_min,
        fail_on: args.fail_on.map(Into::into).or(config.fail_on),
    }
}

fn score_findings(
    outcomes: &[rules::RuleOutcome],
    findings: &[Finding],
    settings: &score::Settings,
) -> score::Scorecard {
    let mut failed: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut per_category: BTreeMap<Category, usize> = BTreeMap::new();
    for f in findings {
        failed.entry(&f.rule).or_default().insert(&f.subject);
        *per_category.entry(f.category).or_default() += 1;
    }
    let failed_counts = failed
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.len()))
        .collect();
    score::score(outcomes, &failed_counts, &per_category, settings)
}

/// Pairs each finding with its baseline fingerprint.
pub fn fingerprint_all(findings: Vec<Finding>) -> Vec<(Finding, String)> {
    findings
        .into_iter()
        .map(|f| {
            let fp = baseline::fingerprint(&f);
            (f, fp)
        })
        .collect()
}

/// A required category with no applicable rule is a finding, so it cannot pass as `n/a`.
fn required_category_findings(
    config: &Config,
    outcomes: &[rules::RuleOutcome],
    root: &Path,
) -> Vec<Finding> {
    let Some(meta) = catalog::lookup(REQUIRED_RULE) else {
        return Vec::new();
    };
    let config_path = config
        .path
        .as_ref()
        .map(|p| display_relative(p, root))
        .unwrap_or_default();
    config
        .categories
        .iter()
        .filter(|(c, s)| {
            s.required
                && !outcomes
                    .iter()
                    .any(|o| o.meta.category == **c && !o.evaluated.is_empty())
        })
        .map(|(c, s)| {
            let (line, column) = s.required_at.unwrap_or((1, 1));
            Finding {
                rule: meta.id.clone(),
                category: Category::General,
                severity: meta.severity,
                message: format!(
                    "the configuration requires the {} category, but nothing here could be judged for it ({}); it scores 0",
                    c.title(),
                    c.inputs()
                ),
                subject: c.id().to_string(),
                path: config_path.clone(),
                span: Default::default(),
                line,
                column,
                end_line: line,
                end_column: column,
                related: Vec::new(),
                suggestion: None,
            }
        })
        .collect()
}

/// `path` relative to `root` when it is inside it, else as given.
fn display_relative(path: &Path, root: &Path) -> String {
    let (Ok(p), Ok(r)) = (std::fs::canonicalize(path), std::fs::canonicalize(root)) else {
        return path.display().to_string();
    };
    match p.strip_prefix(&r) {
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => path.display().to_string(),
    }
}

/// Audits the same folder at `rev` with the same configuration and compares.
fn diff_against(
    rev: &str,
    args: &AuditArgs,
    config: &Config,
    findings: &[Finding],
    scorecard: &score::Scorecard,
) -> Result<Diff, AppError> {
    let snapshot = crate::git_snapshot::snapshot(&args.path, rev, args.max_file_size)
        .map_err(|e| AppError::usage(format!("--diff-base {rev}: {e}"), Some(DIFF_HELP)))?;
    let base_args = AuditArgs {
        path: snapshot.dir.path().to_path_buf(),
        baseline: None,
        diff_base: None,
        only_files: None,
        ..args.clone()
    };
    let mut base_config = config.clone();
    base_config.baseline = None;
    // Config patterns are relative to the config's folder; the snapshot stands for `args.path`.
    let prefix = prefix_from_config(config, &args.path);
    base_config.base = PathBuf::from(snapshot.dir.path());
    if !prefix.is_empty() {
        base_config.exclude = rebase_patterns(&config.exclude, &prefix);
        for settings in base_config.rules.values_mut() {
            settings.ignore = rebase_patterns(&settings.ignore, &prefix);
        }
    }
    let (base_report, _) = build_report_with(&base_args, &base_config)?;

    let head = fingerprint_all(findings.to_vec());
    let base = fingerprint_all(base_report.findings.clone());
    let recorded = Baseline::from_findings(&base);
    let cmp = recorded.compare(head);
    let categories = Category::SCORED
        .iter()
        .map(|c| {
            let of = |card: &score::Scorecard| {
                card.categories
                    .iter()
                    .find(|x| x.id == *c)
                    .and_then(|x| x.score)
            };
            (*c, of(&base_report.scorecard), of(scorecard))
        })
        .collect();
    Ok(Diff {
        base: rev.to_string(),
        commit: snapshot.rev.clone(),
        overall: (base_report.scorecard.overall, scorecard.overall),
        categories,
        new_findings: cmp.new.len(),
        fixed_findings: cmp.absent.len(),
    })
}

const DIFF_HELP: &str = "--diff-base reads the revision through git: run inside a git checkout and make sure the revision was fetched (in CI: `fetch-depth: 0`, or `git fetch origin main`)";

/// Patterns written for the config's folder, made relative to a subfolder `prefix` (`a/b/`).
/// Anchored patterns outside the subfolder are dropped; unanchored ones apply anywhere.
fn rebase_patterns(patterns: &[String], prefix: &str) -> Vec<String> {
    patterns
        .iter()
        .filter_map(|p| {
            let (neg, body) = p.strip_prefix('!').map_or(("", p.as_str()), |b| ("!", b));
            let anchored = body.trim_end_matches('/').contains('/');
            if !anchored {
                return Some(p.clone());
            }
            let body = body.trim_start_matches('/');
            if body.starts_with("**/") {
                return Some(p.clone());
            }
            body.strip_prefix(prefix)
                .map(|rest| format!("{neg}/{rest}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_follow_the_audited_subfolder() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rebase_patterns(
                &p(&[
                    "svc/a/legacy/",
                    "vendor/",
                    "other/x",
                    "**/gen/**",
                    "!svc/a/keep"
                ]),
                "svc/a/"
            ),
            p(&["/legacy/", "vendor/", "**/gen/**", "!/keep"])
        );
    }
}
