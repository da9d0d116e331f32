//! A project whose scalable workloads have no VerticalPodAutoscaler, not even one that only
//! recommends: requests stay whatever someone guessed.

use super::common::scaled_to_zero;
use crate::kind::FileKind;
use crate::model::Project;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct K8sMissingVpa;

/// Goldilocks creates a recommendation-only VPA for every workload of a namespace carrying
/// this label.
const GOLDILOCKS_LABEL: &str = "goldilocks.fairwinds.com/enabled";

fn has_vpa(project: &Project) -> bool {
    project.k8s.iter().any(|o| {
        o.kind == "VerticalPodAutoscaler"
            || (o.kind == "Namespace"
                && o.labels().get(GOLDILOCKS_LABEL).map(String::as_str) == Some("true"))
    }) || project
        .files_of(FileKind::HelmTemplate)
        .any(|(_, f)| f.text.contains("kind: VerticalPodAutoscaler"))
}

impl Rule for K8sMissingVpa {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let scalable: Vec<_> = project
            .k8s
            .iter()
            .filter(|o| o.is_scalable() && !scaled_to_zero(o))
            .collect();
        // Reported at the first scalable workload (files in path order): the project has no
        // single place where a missing object belongs.
        let Some(first) = scalable.first() else {
            return;
        };
        if has_vpa(project) {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let others = match scalable.len() {
            1 => String::new(),
            2 => " and 1 other workload".to_string(),
            n => format!(" and {} other workloads", n - 1),
        };
        cx.report(
            PROJECT_SUBJECT,
            first.file,
            first.span(),
            format!(
                "no VerticalPodAutoscaler in the project: the CPU and memory requests of {}{others} are sized by hand, with no recommendation to check them against",
                first.display()
            ),
        );
    }
}
