//! A chart's templates run workloads, but no template or values file mentions a
//! `readinessProbe` or `livenessProbe`: traffic reaches pods before they are ready, and hung
//! pods are never restarted.

use super::helm_common::{chart_name, check_charts};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct HelmChartMissingProbes;

impl Rule for HelmChartMissingProbes {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        check_charts(
            project,
            cx,
            &[],
            |chart| {
                chart
                    .templates
                    .iter()
                    .any(|t| t.readiness_probe || t.liveness_probe)
                    || chart.values_mention("readinessProbe")
                    || chart.values_mention("livenessProbe")
            },
            |chart, kinds| {
                format!(
                    "chart `{}` deploys a {kinds} but no template or values file defines a `readinessProbe` or `livenessProbe`",
                    chart_name(chart)
                )
            },
        );
    }
}
