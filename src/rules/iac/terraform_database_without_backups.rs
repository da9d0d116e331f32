//! A managed database created with automated backups switched off: nothing to restore from
//! after a bad migration, a deleted table or a lost instance.

use super::tf_common::{Setting, is_present, judge, setting};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct TerraformDatabaseWithoutBackups;

impl Rule for TerraformDatabaseWithoutBackups {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for block in project
            .terraform
            .all_blocks()
            .filter(|b| b.ident == "resource")
        {
            let what = format!("`{}.{}`", block.type_name(), block.name());
            let found = match block.type_name() {
                t @ ("aws_db_instance" | "aws_rds_cluster") => {
                    // Read replicas and secondary clusters are backed up through their source.
                    if is_present(block, "replicate_source_db")
                        || is_present(block, "replication_source_identifier")
                        || is_present(block, "global_cluster_identifier")
                    {
                        continue;
                    }
                    match setting(block, &[], "backup_retention_period") {
                        Setting::Unknown => None,
                        // An Aurora cluster keeps one day by default.
                        Setting::Absent if t == "aws_rds_cluster" => None,
                        Setting::Absent => Some((
                            block.head_span(),
                            format!(
                                "{what} sets no `backup_retention_period`, so automated backups are not configured: set it to the days of backups to keep (7 or more)"
                            ),
                        )),
                        Setting::Literal(e) if e.as_number() == Some(0.0) => Some((
                            e.span,
                            format!(
                                "{what} has `backup_retention_period = 0`: automated backups and point-in-time recovery are off"
                            ),
                        )),
                        Setting::Literal(_) => None,
                    }
                }
                "google_sql_database_instance" => {
                    if is_present(block, "master_instance_name") {
                        continue;
                    }
                    setting(block, &["settings", "backup_configuration"], "enabled").failure(
                        block,
                        |e| e.as_bool() == Some(true),
                        || format!(
                                "{what} has automated backups disabled: set `settings.backup_configuration.enabled = true`"
                            ),
                        || format!(
                                "{what} does not enable automated backups: add `settings {{ backup_configuration {{ enabled = true }} }}`"
                            ),
                    )
                }
                _ => continue,
            };
            judge(project, cx, block, found);
        }
    }
}
