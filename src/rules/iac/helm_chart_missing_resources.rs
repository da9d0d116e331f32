//! A chart's templates run workloads, but neither its templates nor its values mention
//! `resources`: its pods get no CPU or memory requests and limits.

use super::helm_common::{chart_name, check_charts};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct HelmChartMissingResources;

impl Rule for HelmChartMissingResources {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        check_charts(
            project,
            cx,
            &[],
            |chart| {
                chart.templates.iter().any(|t| t.resources) || chart.values_mention("resources")
            },
            |chart, kinds| {
                format!(
                    "chart `{}` deploys a {kinds} but neither its templates nor its values set `resources`: its pods run with no CPU or memory requests and limits",
                    chart_name(chart)
                )
            },
        );
    }
}
