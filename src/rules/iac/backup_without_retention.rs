//! A backup schedule that never says how long backups are kept: they pile up until storage
//! costs or quotas bite, or (with a short implicit default) are gone before anyone needs them.
//! Judged: Velero `Schedule`s (`spec.template.ttl`) and the `rule` blocks of Terraform
//! `aws_backup_plan`s (`lifecycle { delete_after }`).

use super::dr_common::{tf_address, tf_has_dynamic, tf_header, tf_literal};
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule, k8s_subject};

pub struct IacBackupWithoutRetention;

impl Rule for IacBackupWithoutRetention {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        let group = obj.api_version.split('/').next().unwrap_or("");
        if !(obj.is("Schedule") && group == "velero.io") {
            return;
        }
        let subject = k8s_subject(project, obj);
        if obj.node.path(&["spec", "template", "ttl"]).is_some() {
            cx.evaluate(subject);
            return;
        }
        cx.report(
            subject,
            obj.file,
            obj.span(),
            format!(
                "Velero {} sets no `spec.template.ttl`: its backups are kept for Velero's implicit 30-day default, whatever the retention policy says",
                obj.display()
            ),
        );
    }

    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for plan in project.terraform.resources("aws_backup_plan") {
            let path = project.path(plan.file);
            let address = tf_address(plan);
            for (i, rule) in plan.blocks_of("rule").enumerate() {
                let rule_name = rule.value("rule_name").and_then(tf_literal);
                let subject = format!(
                    "{path}#{address}.rule.{}",
                    rule_name.clone().unwrap_or_else(|| i.to_string())
                );
                let kept = tf_has_dynamic(rule, "lifecycle")
                    || rule
                        .blocks_of("lifecycle")
                        .any(|l| l.attr("delete_after").is_some());
                if kept {
                    cx.evaluate(subject);
                    continue;
                }
                let which = rule_name.map_or_else(String::new, |n| format!(" `{n}`"));
                cx.report(
                    subject,
                    plan.file,
                    tf_header(rule),
                    format!(
                        "rule{which} of `{address}` has no `lifecycle {{ delete_after }}`: its recovery points are kept forever"
                    ),
                );
            }
        }
    }
}
