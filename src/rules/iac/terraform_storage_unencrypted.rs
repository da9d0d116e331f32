//! Database and disk storage without encryption at rest: snapshots, backups and retired disks
//! hold the data in the clear.

use super::tf_common::{Setting, is_present, judge, setting};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct TerraformStorageUnencrypted;

/// (resource type, the argument that turns encryption at rest on).
const STORAGE: &[(&str, &str)] = &[
    ("aws_db_instance", "storage_encrypted"),
    ("aws_rds_cluster", "storage_encrypted"),
    ("aws_docdb_cluster", "storage_encrypted"),
    ("aws_neptune_cluster", "storage_encrypted"),
    ("aws_ebs_volume", "encrypted"),
    ("aws_efs_file_system", "encrypted"),
    (
        "aws_elasticache_replication_group",
        "at_rest_encryption_enabled",
    ),
];

/// Arguments that make the storage inherit its encryption from elsewhere.
const INHERITS: &[&str] = &[
    "replicate_source_db",
    "snapshot_identifier",
    "snapshot_id",
    "replication_source_identifier",
    "global_cluster_identifier",
    "source_db_instance_identifier",
];

impl Rule for TerraformStorageUnencrypted {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let tf = &project.terraform;
        // Account-wide EBS encryption by default covers every new volume.
        let ebs_default = tf.resources("aws_ebs_encryption_by_default").any(|b| {
            !matches!(setting(b, &[], "enabled"), Setting::Literal(e) if e.as_bool() == Some(false))
        });
        for block in tf.all_blocks().filter(|b| b.ident == "resource") {
            let Some(&(t, arg)) = STORAGE.iter().find(|(t, _)| *t == block.type_name()) else {
                continue;
            };
            let what = format!("`{t}.{}`", block.name());
            let inherits = INHERITS.iter().any(|k| is_present(block, k))
                || (t == "aws_ebs_volume" && ebs_default)
                // Aurora Serverless v1 is always encrypted.
                || (t == "aws_rds_cluster"
                    && block.value("engine_mode").and_then(|e| e.as_str()) == Some("serverless"));
            let found = match setting(block, &[], arg) {
                Setting::Unknown => None,
                Setting::Literal(e) if e.as_bool() == Some(true) => None,
                Setting::Literal(e) => Some((
                    e.span,
                    format!(
                        "{what} has `{arg} = {}`: its data, snapshots and backups are stored unencrypted; set `{arg} = true` (with a KMS key)",
                        e.text
                    ),
                )),
                Setting::Absent if inherits => None,
                Setting::Absent => Some((
                    block.head_span(),
                    format!(
                        "{what} does not set `{arg} = true`: its data, snapshots and backups are stored unencrypted"
                    ),
                )),
            };
            judge(project, cx, block, found);
        }
    }
}
