//! A cloud resource without tags or labels: nobody can tell what it belongs to, who owns it or
//! what it costs, and cleanup and incident response guess.

use super::tf_common::{Setting, block_subject, setting};
use crate::model::Project;
use crate::model::terraform::{Block, ExprKind};
use crate::rules::{Cx, Rule};

pub struct TerraformResourceUntagged;

/// Common AWS resources that take `tags` (not those tagged through `tag` blocks, such as
/// `aws_autoscaling_group`).
const AWS_TAGS: &[&str] = &[
    "aws_instance",
    "aws_launch_template",
    "aws_ebs_volume",
    "aws_s3_bucket",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_dynamodb_table",
    "aws_elasticache_replication_group",
    "aws_efs_file_system",
    "aws_vpc",
    "aws_subnet",
    "aws_security_group",
    "aws_nat_gateway",
    "aws_internet_gateway",
    "aws_route_table",
    "aws_eip",
    "aws_lb",
    "aws_alb",
    "aws_lb_target_group",
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_lambda_function",
    "aws_sqs_queue",
    "aws_sns_topic",
    "aws_kms_key",
    "aws_ecr_repository",
    "aws_cloudwatch_log_group",
    "aws_secretsmanager_secret",
    "aws_iam_role",
    "aws_cloudfront_distribution",
    "aws_elasticsearch_domain",
    "aws_opensearch_domain",
    "aws_msk_cluster",
    "aws_docdb_cluster",
    "aws_redshift_cluster",
];

/// Common Azure resources that take `tags`.
const AZURE_TAGS: &[&str] = &[
    "azurerm_resource_group",
    "azurerm_virtual_network",
    "azurerm_network_security_group",
    "azurerm_public_ip",
    "azurerm_storage_account",
    "azurerm_key_vault",
    "azurerm_kubernetes_cluster",
    "azurerm_linux_virtual_machine",
    "azurerm_windows_virtual_machine",
    "azurerm_mssql_server",
    "azurerm_postgresql_flexible_server",
    "azurerm_mysql_flexible_server",
    "azurerm_cosmosdb_account",
    "azurerm_container_registry",
    "azurerm_redis_cache",
    "azurerm_service_plan",
    "azurerm_linux_web_app",
    "azurerm_log_analytics_workspace",
];

/// Common Google resources that take `labels`.
const GOOGLE_LABELS: &[&str] = &[
    "google_compute_instance",
    "google_compute_disk",
    "google_storage_bucket",
    "google_pubsub_topic",
    "google_pubsub_subscription",
    "google_bigquery_dataset",
    "google_redis_instance",
    "google_cloud_run_v2_service",
    "google_cloudfunctions2_function",
    "google_kms_crypto_key",
    "google_filestore_instance",
];

/// True when the AWS provider applies tags to every resource it creates.
fn aws_default_tags(project: &Project) -> bool {
    project.terraform.all_blocks().any(|b| {
        b.ident == "provider" && b.label(0) == Some("aws") && b.block("default_tags").is_some()
    })
}

fn untagged(block: &Block, key: &str) -> bool {
    match setting(block, &[], key) {
        Setting::Absent => true,
        Setting::Unknown => false,
        Setting::Literal(e) => matches!(&e.kind, ExprKind::Object(entries) if entries.is_empty()),
    }
}

impl Rule for TerraformResourceUntagged {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let aws_defaults = aws_default_tags(project);
        for block in project
            .terraform
            .all_blocks()
            .filter(|b| b.ident == "resource")
        {
            let t = block.type_name();
            let key = if AWS_TAGS.contains(&t) {
                if aws_defaults {
                    continue;
                }
                "tags"
            } else if AZURE_TAGS.contains(&t) {
                "tags"
            } else if GOOGLE_LABELS.contains(&t) {
                "labels"
            } else {
                continue;
            };
            let subject = block_subject(project, block);
            // `tags` set through a `dynamic` block or any other non-object value counts.
            if !untagged(block, key) {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                block.file,
                block.head_span(),
                format!(
                    "`{t}.{}` has no `{key}`: nothing records its owner, environment or cost centre; add {key} (or provider-wide `default_tags` for AWS)",
                    block.name()
                ),
            );
        }
    }
}
