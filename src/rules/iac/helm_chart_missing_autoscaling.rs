//! A chart deploys a Deployment or StatefulSet but has no HorizontalPodAutoscaler (or KEDA
//! ScaledObject) template and no `autoscaling` values: its replica count is fixed.
//!
//! Only Deployments are judged: charts that run StatefulSets are mostly datastores and
//! brokers, which do not scale by adding pods on load.

use super::helm_common::{chart_name, check_charts};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct HelmChartMissingAutoscaling;

impl Rule for HelmChartMissingAutoscaling {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        check_charts(
            project,
            cx,
            &["Deployment"],
            |chart| chart.templates.iter().any(|t| t.hpa) || chart.values_mention("autoscaling"),
            |chart, kinds| {
                format!(
                    "chart `{}` deploys a {kinds} but has no HorizontalPodAutoscaler template and no `autoscaling` values: replicas cannot follow load",
                    chart_name(chart)
                )
            },
        );
    }
}
