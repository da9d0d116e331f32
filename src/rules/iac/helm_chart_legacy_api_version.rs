//! `Chart.yaml` declares `apiVersion: v1`, the Helm 2 chart format: dependencies live in a
//! separate `requirements.yaml`, `type: library` is unavailable, and Helm 3 tooling treats the
//! chart as legacy.

use super::helm_common::{chart_name, chart_subject};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct HelmChartLegacyApiVersion;

impl Rule for HelmChartLegacyApiVersion {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for chart in &project.helm.charts {
            let Some(api) = &chart.api_version else {
                continue;
            };
            let subject = chart_subject(project, chart);
            if api.value.trim() == "v1" {
                cx.report(
                    subject,
                    chart.file,
                    api.span,
                    format!(
                        "chart `{}` uses `apiVersion: v1`, the Helm 2 chart format; Helm 3 charts use `apiVersion: v2`",
                        chart_name(chart)
                    ),
                );
            } else {
                cx.evaluate(subject);
            }
        }
    }
}
