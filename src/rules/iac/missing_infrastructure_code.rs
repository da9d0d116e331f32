//! The project deploys containers (Kubernetes manifests, compose files) but defines none of the
//! infrastructure they run on as code: clusters, networks, databases and DNS are then made by
//! hand and cannot be rebuilt or reviewed.
//!
//! Infrastructure code recognised: Terraform/OpenTofu files, Terragrunt configurations
//! (`terragrunt.hcl`), Pulumi projects and stacks (`Pulumi.yaml`, `Pulumi.<stack>.yaml`), AWS
//! CDK apps (`cdk.json`), CloudFormation/SAM templates (YAML or JSON, any file name, with
//! `AWSTemplateFormatVersion` or `AWS::` resource types), Kubernetes-native infrastructure
//! objects (Crossplane, Cluster API, AWS Controllers for Kubernetes, Config Connector, Azure
//! Service Operator, eksctl), and CI steps that run `terraform`/`tofu`/`terragrunt`/`pulumi`/
//! `cdk`/`eksctl` (the code lives in another repository).

use crate::kind::{FileKind, is_cloudformation_yaml_text};
use crate::model::Project;
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct IacMissingInfrastructureCode;

/// API groups (suffixes) of Kubernetes objects that provision infrastructure.
const INFRA_GROUPS: &[&str] = &[
    "crossplane.io",
    "upbound.io",
    "cluster.x-k8s.io",
    "services.k8s.aws",
    "cnrm.cloud.google.com",
    "azure.com",
    "eksctl.io",
];

/// Commands in CI that apply infrastructure code.
const CI_COMMANDS: &[&str] = &[
    "terraform apply",
    "terraform plan",
    "terraform init",
    "tofu apply",
    "tofu plan",
    "terragrunt ",
    "pulumi up",
    "pulumi preview",
    "cdk deploy",
    "cdk synth",
    "eksctl create",
    "aws cloudformation deploy",
    "sam deploy",
    "hashicorp/setup-terraform",
    "opentofu/setup-opentofu",
    "pulumi/actions",
];

fn infrastructure_code(project: &Project) -> Option<String> {
    for (kind, label) in [
        (FileKind::Terraform, "Terraform"),
        (FileKind::TerraformVars, "Terraform variables"),
        (FileKind::TerraformLock, "Terraform lock file"),
        (FileKind::Terragrunt, "Terragrunt configuration"),
        (FileKind::Pulumi, "Pulumi project"),
        (FileKind::Cdk, "AWS CDK app"),
        (FileKind::CloudFormation, "CloudFormation template"),
    ] {
        if let Some((_, file)) = project.files_of(kind).next() {
            return Some(format!("{label} `{}`", file.path));
        }
    }
    for obj in &project.k8s {
        let group = obj.api_version.split('/').next().unwrap_or("");
        if INFRA_GROUPS
            .iter()
            .any(|g| group == *g || group.ends_with(&format!(".{g}")))
        {
            return Some(obj.display());
        }
    }
    for file in &project.files {
        // A YAML template that did not parse (short-form tags) is still one.
        if file.kind == FileKind::OtherYaml && is_cloudformation_yaml_text(&file.text) {
            return Some(format!("CloudFormation template `{}`", file.path));
        }
    }
    for (_, file) in project.ci_files() {
        if let Some(cmd) = CI_COMMANDS.iter().find(|c| file.text.contains(*c)) {
            return Some(format!("`{}` in `{}`", cmd.trim(), file.path));
        }
    }
    None
}

/// The first Kubernetes object or compose service in file order.
fn first_deployment(project: &Project) -> Option<(FileId, Span, String)> {
    let k8s = project
        .k8s
        .iter()
        .map(|o| (o.file, o.span(), "Kubernetes manifests"));
    let compose = project.compose.iter().map(|c| {
        let span = c
            .services
            .first()
            .map_or(Span::empty(c.root.start), |s| s.name_span);
        (c.file, span, "compose files")
    });
    k8s.chain(compose)
        .min_by_key(|(f, s, _)| (*f, s.start))
        .map(|(f, s, w)| (f, s, w.to_string()))
}

impl Rule for IacMissingInfrastructureCode {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let Some((file, span, _)) = first_deployment(project) else {
            return;
        };
        if infrastructure_code(project).is_some() {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let what = match (project.k8s.is_empty(), project.compose.is_empty()) {
            (false, false) => "Kubernetes manifests and compose files",
            (false, true) => "Kubernetes manifests",
            _ => "compose files",
        };
        cx.report(
            PROJECT_SUBJECT,
            file,
            span,
            format!(
                "the repository deploys with {what}, but defines none of the infrastructure they run on as code (no Terraform/OpenTofu, Terragrunt, Pulumi, CDK, CloudFormation or Crossplane)"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudformation_templates() {
        assert!(is_cloudformation_yaml_text(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"
        ));
        assert!(is_cloudformation_yaml_text(
            "Resources:\n  Bucket:\n    Type: \"AWS::S3::Bucket\"\n"
        ));
        assert!(!is_cloudformation_yaml_text(
            "kind: Deployment\nType: ClusterIP\n"
        ));
    }
}
