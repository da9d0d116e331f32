//! What the Helm, Kustomize and environment rules share: chart subjects, environment folder
//! names, and the other ways a repository may package or parameterise its manifests
//! (Helmfile, Argo CD applications).

use crate::discover::split_dir;
use crate::model::Project;
use crate::model::helm::Chart;

/// The subject for a chart: its `Chart.yaml`.
pub fn chart_subject(project: &Project, chart: &Chart) -> String {
    project.path(chart.file).to_string()
}

/// The chart's name for messages.
pub fn chart_name(chart: &Chart) -> String {
    chart.name.as_ref().map_or_else(
        || chart.dir.trim_end_matches('/').to_string(),
        |n| n.value.clone(),
    )
}

/// Folder names that stand for a deployment environment.
const ENV_NAMES: &[&str] = &[
    "dev",
    "develop",
    "development",
    "test",
    "testing",
    "qa",
    "uat",
    "int",
    "integration",
    "stage",
    "staging",
    "stg",
    "preprod",
    "pre-prod",
    "preproduction",
    "prod",
    "production",
    "prd",
    "sandbox",
    "demo",
];

pub fn is_env_name(name: &str) -> bool {
    ENV_NAMES.contains(&name.to_ascii_lowercase().as_str())
}

/// The first folder of `path` named for an environment, with the folder path up to it.
pub fn env_of_path(path: &str) -> Option<(String, String)> {
    let (dir, _) = split_dir(path);
    let mut prefix = String::new();
    for part in dir.trim_end_matches('/').split('/') {
        if is_env_name(part) {
            return Some((part.to_ascii_lowercase(), prefix));
        }
        prefix.push_str(part);
        prefix.push('/');
    }
    None
}

/// A Helmfile (`helmfile.yaml`, `helmfile.d/*.yaml`) is in the repository.
pub fn has_helmfile(project: &Project) -> bool {
    project.files.iter().any(|f| {
        let (dir, name) = split_dir(&f.path);
        name.starts_with("helmfile.") || dir.ends_with("helmfile.d/")
    })
}

/// Argo CD deploys per environment: an ApplicationSet, or two Applications or more.
pub fn has_argocd_environments(project: &Project) -> bool {
    let argo = |kind: &str| {
        project
            .k8s
            .iter()
            .filter(|o| o.is(kind) && o.api_version.starts_with("argoproj.io/"))
            .count()
    };
    argo("ApplicationSet") > 0 || argo("Application") >= 2
}

/// Judges every chart whose templates declare one of `kinds` (all workloads when empty):
/// `present` says whether the chart provides the feature; `message` words the finding.
pub fn check_charts(
    project: &Project,
    cx: &mut crate::rules::Cx<'_>,
    kinds: &[&str],
    present: impl Fn(&Chart) -> bool,
    message: impl Fn(&Chart, &str) -> String,
) {
    for chart in &project.helm.charts {
        if !chart.has_workloads() {
            continue;
        }
        let workloads = chart.workload_kinds();
        let judged: Vec<&str> = workloads
            .iter()
            .copied()
            .filter(|k| kinds.is_empty() || kinds.contains(k))
            .collect();
        if judged.is_empty() {
            continue;
        }
        let subject = chart_subject(project, chart);
        if present(chart) {
            cx.evaluate(subject);
            continue;
        }
        cx.report(
            subject,
            chart.file,
            chart.anchor(),
            message(chart, &judged.join("/")),
        );
    }
}

/// Folders whose manifests are samples or test data, not something the repository deploys.
const SAMPLE_DIRS: &[&str] = &[
    "example",
    "examples",
    "sample",
    "samples",
    "test",
    "tests",
    "testdata",
    "test-data",
    "test-fixtures",
    "test_files",
    "fixtures",
    "docs",
    "documentation",
];

/// The path lies under an example, test or documentation folder.
pub fn is_sample_path(path: &str) -> bool {
    let (dir, _) = split_dir(path);
    dir.split('/')
        .any(|part| SAMPLE_DIRS.contains(&part.to_ascii_lowercase().as_str()))
}
