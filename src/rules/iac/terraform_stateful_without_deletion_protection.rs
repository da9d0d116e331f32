//! A database whose deletion nothing guards: one mistaken `destroy`, rename or replacement
//! plan deletes the data with it.

use super::tf_common::{Setting, block_subject, setting};
use crate::model::Project;
use crate::model::terraform::Block;
use crate::rules::{Cx, Rule};

pub struct TerraformStatefulWithoutDeletionProtection;

/// (resource type, the argument that protects it, whether the provider protects by default).
const STATEFUL: &[(&str, &str, bool)] = &[
    ("aws_db_instance", "deletion_protection", false),
    ("aws_rds_cluster", "deletion_protection", false),
    ("aws_docdb_cluster", "deletion_protection", false),
    ("aws_neptune_cluster", "deletion_protection", false),
    ("aws_dynamodb_table", "deletion_protection_enabled", false),
    ("google_sql_database_instance", "deletion_protection", true),
    ("google_spanner_database", "deletion_protection", true),
    ("google_bigtable_instance", "deletion_protection", true),
    // Azure databases have no such argument: `prevent_destroy` or a management lock.
    ("azurerm_mssql_database", "", false),
    ("azurerm_mssql_server", "", false),
    ("azurerm_postgresql_flexible_server", "", false),
    ("azurerm_mysql_flexible_server", "", false),
    ("azurerm_cosmosdb_account", "", false),
];

impl Rule for TerraformStatefulWithoutDeletionProtection {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let tf = &project.terraform;
        let azure_locks = tf
            .all_blocks()
            .any(|b| b.ident == "resource" && b.type_name() == "azurerm_management_lock");
        for block in tf.all_blocks().filter(|b| b.ident == "resource") {
            let Some(&(_, arg, default_on)) =
                STATEFUL.iter().find(|(t, _, _)| *t == block.type_name())
            else {
                continue;
            };
            let subject = block_subject(project, block);
            if block.prevents_destroy() || (arg.is_empty() && azure_locks) {
                cx.evaluate(subject);
                continue;
            }
            let span = if arg.is_empty() {
                Some(block.head_span())
            } else {
                match setting(block, &[], arg) {
                    Setting::Unknown => None,
                    Setting::Absent if default_on => None,
                    Setting::Absent => Some(block.head_span()),
                    Setting::Literal(e) if e.as_bool() == Some(true) => None,
                    Setting::Literal(e) => Some(e.span),
                }
            };
            let Some(span) = span else {
                cx.evaluate(subject);
                continue;
            };
            cx.report(subject, block.file, span, message(block, arg));
        }
    }
}

fn message(block: &Block, arg: &str) -> String {
    let what = format!("`{}.{}`", block.type_name(), block.name());
    if arg.is_empty() {
        format!(
            "{what} holds data but nothing guards its deletion: add `lifecycle {{ prevent_destroy = true }}` or an `azurerm_management_lock`"
        )
    } else {
        format!(
            "{what} holds data but has no `{arg} = true` and no `lifecycle {{ prevent_destroy = true }}`: a mistaken destroy or replacement deletes it"
        )
    }
}
