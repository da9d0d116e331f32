//! A chart pulls dependencies from chart repositories but commits no `Chart.lock` (or Helm 2's
//! `requirements.lock`) next to its `Chart.yaml`: every `helm dependency update` resolves the
//! version constraints again, so two builds of the same commit may package different subcharts.
//! Reported on the `dependencies:` key that declares them.
//!
//! A committed lock that no longer matches the declared dependencies also fires: a declared
//! dependency the lock does not list (on the dependency), or a locked one the chart no longer
//! declares (on the lock entry). `helm dependency build` refuses such a lock.
//!
//! Only dependencies fetched from a repository count: `file://` subcharts and dependencies
//! with no `repository` (vendored under `charts/`) need no lock. Charts without such
//! dependencies are not judged.

use std::collections::BTreeSet;

use super::helm_common::{chart_name, chart_subject};
use crate::discover::split_dir;
use crate::model::Project;
use crate::model::helm::{Chart, Dependency};
use crate::parse::is_templated;
use crate::rules::{Cx, Rule};

pub struct HelmDependenciesNotLocked;

/// A dependency `helm dependency update` downloads.
fn is_fetched(dep: &Dependency) -> bool {
    dep.repository.as_deref().is_some_and(|r| {
        let r = r.trim();
        !r.is_empty() && !r.starts_with("file://") && !is_templated(r)
    })
}

/// The lock file's name for a chart whose dependencies are declared in `file`.
fn lock_name(project: &Project, chart: &Chart, dep: &Dependency) -> &'static str {
    if dep.file != chart.file
        && split_dir(project.path(dep.file))
            .1
            .starts_with("requirements")
    {
        "requirements.lock"
    } else {
        "Chart.lock"
    }
}

impl Rule for HelmDependenciesNotLocked {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for chart in &project.helm.charts {
            let fetched: Vec<&Dependency> = chart
                .dependencies
                .iter()
                .filter(|d| is_fetched(d) && !d.name.is_empty())
                .collect();
            let Some(first) = fetched.first() else {
                continue;
            };
            let subject = chart_subject(project, chart);
            let Some(lock) = &chart.lock else {
                let (file, span) = chart
                    .dependencies_keys
                    .iter()
                    .find(|(f, _)| *f == first.file)
                    .copied()
                    .unwrap_or((first.file, first.span));
                let names: Vec<String> = fetched.iter().map(|d| format!("`{}`", d.name)).collect();
                cx.report(
                    subject,
                    file,
                    span,
                    format!(
                        "chart `{}` fetches {} from chart repositories ({}) but commits no `{}`: every `helm dependency update` may resolve other versions; run it and commit the lock file",
                        chart_name(chart),
                        if fetched.len() == 1 {
                            "a dependency".to_string()
                        } else {
                            format!("{} dependencies", fetched.len())
                        },
                        names.join(", "),
                        lock_name(project, chart, first)
                    ),
                );
                continue;
            };
            let Some(locked) = &lock.dependencies else {
                // A lock we could not read: it exists, which is what this rule asks.
                cx.evaluate(subject);
                continue;
            };
            let lock_path = project.path(lock.file);
            let lock_file = split_dir(lock_path).1;
            let locked_names: BTreeSet<&str> = locked.iter().map(|l| l.value.as_str()).collect();
            let declared: BTreeSet<&str> =
                chart.dependencies.iter().map(|d| d.name.as_str()).collect();
            let mut stale = false;
            for dep in &fetched {
                if !locked_names.contains(dep.name.as_str()) {
                    stale = true;
                    cx.report(
                        subject.clone(),
                        dep.file,
                        dep.span,
                        format!(
                            "chart `{}` declares dependency `{}`, which `{lock_file}` does not lock: the lock is out of date and `helm dependency build` refuses it; run `helm dependency update` and commit the lock file",
                            chart_name(chart),
                            dep.name
                        ),
                    );
                }
            }
            for entry in locked {
                if is_templated(&entry.value) || declared.contains(entry.value.as_str()) {
                    continue;
                }
                stale = true;
                let related = chart
                    .dependencies_keys
                    .first()
                    .map(|(f, s)| cx.related(*f, *s, "the declared dependencies"));
                let finding = cx.report(
                    subject.clone(),
                    lock.file,
                    entry.span,
                    format!(
                        "`{lock_file}` locks `{}`, which chart `{}` no longer declares: the lock is out of date and `helm dependency build` refuses it; run `helm dependency update` and commit the lock file",
                        entry.value,
                        chart_name(chart)
                    ),
                );
                finding.related.extend(related);
            }
            if !stale {
                cx.evaluate(subject);
            }
        }
    }
}
