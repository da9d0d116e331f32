//! Workloads read Secrets, but nothing in the repository says where those Secrets come from:
//! no secret manager, no sealed or encrypted secrets. They are then created by hand (and
//! drift, and get lost with the cluster) or committed in plain text.

use super::dr_common::tf_address;
use crate::kind::FileKind;
use crate::model::Project;
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::Node;
use crate::rules::values::is_secret_name;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct IacMissingSecretManager;

/// API groups whose objects deliver secrets from a manager or from encrypted sources.
const SECRET_GROUPS: &[&str] = &[
    "bitnami.com",
    "external-secrets.io",
    "kubernetes-client.io",
    "secrets.hashicorp.com",
    "secrets-store.csi.x-k8s.io",
    "onepassword.com",
    "secrets.infisical.com",
    "secrets.doppler.com",
    "isindir.github.com",
    "akeyless.io",
];

/// Kinds that, mentioned in a Helm template or any YAML, deliver secrets the same way.
const SECRET_KINDS: &[&str] = &[
    "SealedSecret",
    "ExternalSecret",
    "ClusterExternalSecret",
    "SecretStore",
    "ClusterSecretStore",
    "SecretProviderClass",
    "VaultStaticSecret",
    "VaultDynamicSecret",
    "OnePasswordItem",
    "InfisicalSecret",
    "SopsSecret",
];

/// Terraform resource or data source type prefixes of secret managers.
const TF_SECRET_MANAGERS: &[&str] = &[
    "vault_",
    "aws_secretsmanager_",
    "aws_ssm_parameter",
    "aws_kms_secrets",
    "google_secret_manager_",
    "azurerm_key_vault",
    "doppler_",
    "onepassword_",
    "sops_",
];

/// Where a project reads secrets: the first place, and how many.
struct Uses {
    first: Option<(FileId, Span, String)>,
    count: usize,
}

impl Uses {
    fn add(&mut self, file: FileId, span: Span, what: String) {
        self.count += 1;
        let earlier = self
            .first
            .as_ref()
            .is_none_or(|(f, s, _)| (file, span.start) < (*f, s.start));
        if earlier {
            self.first = Some((file, span, what));
        }
    }
}

fn secret_uses(project: &Project) -> Uses {
    let mut uses = Uses {
        first: None,
        count: 0,
    };
    for obj in project.k8s.iter().filter(|o| o.is_workload()) {
        // Registry credentials are not application secrets.
        let pull: Vec<Span> = obj
            .pod_spec()
            .and_then(|s| s.get("imagePullSecrets"))
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            .map(|n| n.span)
            .collect();
        for r in obj.config_refs() {
            if r.kind != "Secret"
                || pull
                    .iter()
                    .any(|p| p.start <= r.span.start && r.span.end <= p.end)
            {
                continue;
            }
            uses.add(
                obj.file,
                r.span,
                format!("{} reads Secret `{}`", obj.display(), r.name),
            );
        }
    }
    for compose in &project.compose {
        for service in &compose.services {
            if let Some(secrets) = service.get("secrets")
                && !secrets.items().is_empty()
            {
                uses.add(
                    compose.file,
                    secrets.span,
                    format!("compose service `{}` uses `secrets:`", service.name),
                );
                continue;
            }
            for var in service.environment() {
                if is_secret_name(&var.name) {
                    uses.add(
                        compose.file,
                        var.span,
                        format!("compose service `{}` sets `{}`", service.name, var.name),
                    );
                }
            }
        }
    }
    uses
}

/// Evidence of a secret manager or encrypted secrets: a description.
fn secret_manager(project: &Project) -> Option<String> {
    for obj in &project.k8s {
        let group = obj.api_version.split('/').next().unwrap_or("");
        if SECRET_GROUPS.contains(&group) || SECRET_KINDS.contains(&obj.kind.as_str()) {
            return Some(obj.display());
        }
        if obj.is_workload() {
            let template = obj.pod_template();
            let inject = template
                .and_then(|t| t.path(&["metadata", "annotations"]))
                .is_some_and(|a| {
                    a.string_entries()
                        .any(|(k, _, _)| k.starts_with("vault.hashicorp.com/agent-inject"))
                });
            if inject {
                return Some(format!("{} uses the Vault agent injector", obj.display()));
            }
            let csi = obj
                .pod_spec()
                .and_then(|s| s.get("volumes"))
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|v| v.path(&["csi", "driver"]).and_then(Node::as_str))
                .any(|d| d == "secrets-store.csi.k8s.io");
            if csi {
                return Some(format!(
                    "{} mounts the Secrets Store CSI driver",
                    obj.display()
                ));
            }
        }
    }
    for compose in &project.compose {
        let external = compose
            .secrets
            .as_ref()
            .map(Node::entries)
            .unwrap_or(&[])
            .iter()
            .any(|e| e.value.get("external").and_then(Node::as_bool) == Some(true));
        if external {
            return Some(format!(
                "{} uses external secrets",
                project.path(compose.file)
            ));
        }
    }
    for block in project.terraform.all_blocks() {
        if matches!(block.ident.as_str(), "resource" | "data" | "ephemeral")
            && TF_SECRET_MANAGERS
                .iter()
                .any(|p| block.type_name().starts_with(p))
        {
            return Some(format!("Terraform `{}`", tf_address(block)));
        }
    }
    for file in &project.files {
        let name = file.path.rsplit('/').next().unwrap_or(&file.path);
        if name == ".sops.yaml" || name == ".sops.yml" {
            return Some(format!("SOPS configuration `{}`", file.path));
        }
        if !file.kind.is_yaml() && file.kind != FileKind::HelmTemplate {
            continue;
        }
        let text: &str = &file.text;
        if text.contains("ENC[AES256_GCM,") || text.lines().any(|l| l == "sops:") {
            return Some(format!("SOPS-encrypted `{}`", file.path));
        }
        let kind = text.lines().find_map(|l| {
            let kind = l.trim().strip_prefix("kind:")?.trim();
            SECRET_KINDS.iter().find(|k| **k == kind)
        });
        if let Some(kind) = kind {
            return Some(format!("{kind} in `{}`", file.path));
        }
        if text.contains("vault.hashicorp.com/agent-inject") {
            return Some(format!("Vault agent annotations in `{}`", file.path));
        }
    }
    None
}

impl Rule for IacMissingSecretManager {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let uses = secret_uses(project);
        let Some((file, span, what)) = uses.first else {
            return;
        };
        if secret_manager(project).is_some() {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let more = match uses.count {
            1 => String::new(),
            2 => " (and 1 more secret reference)".to_string(),
            n => format!(" (and {} more secret references)", n - 1),
        };
        cx.report(
            PROJECT_SUBJECT,
            file,
            span,
            format!(
                "{what}{more}, but the repository shows no secret manager or encrypted secrets (External Secrets, Sealed Secrets, SOPS, Vault, Secrets Store CSI, a cloud secret manager): the secrets are created by hand or committed"
            ),
        );
    }
}
