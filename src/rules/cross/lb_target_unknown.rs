//! A load balancer sends traffic to a name that no compose service or Kubernetes Service in the
//! repository defines: a typo or a renamed service, found when requests fail.

use super::lb_common::{
    all_targets, defines_services, plausible_service_name, resolve, target_subject,
};
use crate::model::Project;
use crate::model::lb::LbKind;
use crate::rules::{Cx, Rule};

pub struct CrossLbTargetUnknown;

impl Rule for CrossLbTargetUnknown {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if !defines_services(project) {
            return;
        }
        for target in all_targets(project) {
            if !plausible_service_name(project, &target) {
                continue;
            }
            let subject = target_subject(project, &target);
            if resolve(project, &target).is_some() {
                cx.evaluate(subject);
                continue;
            }
            let (name, _) = target.service_name().unwrap_or_default();
            let what = match target.kind {
                LbKind::Haproxy => format!("backend `{}`", target.group),
                LbKind::Nginx => format!("`{}`", target.group),
            };
            cx.report(
                subject,
                target.file,
                target.span,
                format!(
                    "{what} sends traffic to `{}`, but no compose service or Kubernetes Service named `{name}` is defined in the repository",
                    target.address
                ),
            );
        }
    }
}
