//! A chart's templates run workloads, but no template or values file sets a
//! `securityContext`: containers run with the image's user (often root) and default
//! privileges.

use super::helm_common::{chart_name, check_charts};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct HelmChartMissingSecurityContext;

impl Rule for HelmChartMissingSecurityContext {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        check_charts(
            project,
            cx,
            &[],
            |chart| {
                chart.templates.iter().any(|t| t.security_context)
                    || chart.values_mention("securityContext")
            },
            |chart, kinds| {
                format!(
                    "chart `{}` deploys a {kinds} but no template or values file sets a `securityContext`: containers run as the image's user with default privileges",
                    chart_name(chart)
                )
            },
        );
    }
}
