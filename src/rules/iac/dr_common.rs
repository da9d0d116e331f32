//! Shared views for the disaster-recovery and secrets rules: the stateful data a project
//! keeps, and the tools that back it up or keep its secrets. Terraform comes from the parsed
//! model (`project.terraform`).

use crate::model::Project;
use crate::model::compose::ComposeService;
use crate::model::k8s::K8sObject;
use crate::model::terraform::{Block, Expr, ExprKind};
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::Node;
use crate::rules::k8s::datastore::datastore;

/// `resource "type" "name"`: the block type and labels, to point at.
pub(crate) fn tf_header(block: &Block) -> Span {
    block
        .labels
        .last()
        .map_or(block.ident_span, |l| block.ident_span.join(l.span))
}

/// `type.name` for messages and subjects.
pub(crate) fn tf_address(block: &Block) -> String {
    block
        .labels
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// A `dynamic "<ident>"` block stands for blocks we cannot see.
pub(crate) fn tf_has_dynamic(block: &Block, ident: &str) -> bool {
    block
        .blocks_of("dynamic")
        .any(|b| b.label(0) == Some(ident))
}

/// A literal value (string without interpolation, number, bool) as text, quotes removed.
pub(crate) fn tf_literal(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::String(s) => Some(s.clone()),
        ExprKind::Bool(_) | ExprKind::Number(_) => Some(expr.text.clone()),
        _ => None,
    }
}

/// `resource` blocks of the given types, in file order.
pub(crate) fn tf_resources_of<'a>(
    project: &'a Project,
    types: &'a [&'a str],
) -> impl Iterator<Item = &'a Block> {
    project
        .terraform
        .all_blocks()
        .filter(move |b| b.ident == "resource" && types.contains(&b.type_name()))
}

/// Terraform resources that hold a database's data.
pub(crate) const TF_DATABASES: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_dynamodb_table",
    "aws_docdb_cluster",
    "aws_neptune_cluster",
    "aws_redshift_cluster",
    "google_sql_database_instance",
    "google_spanner_database",
    "google_bigtable_instance",
    "azurerm_mssql_database",
    "azurerm_postgresql_flexible_server",
    "azurerm_mysql_flexible_server",
    "azurerm_cosmosdb_account",
];

/// Datastore products whose data is worth a backup; caches and queues (Redis, Kafka…)
/// count only through a StatefulSet's volume claims.
const DATABASE_PRODUCTS: &[&str] = &[
    "PostgreSQL",
    "MySQL",
    "MariaDB",
    "MongoDB",
    "Elasticsearch",
    "OpenSearch",
    "Cassandra",
    "ScyllaDB",
    "etcd",
];

/// A database image (`postgres:16`, `bitnami/mongodb`): its product.
pub(crate) fn database_image(image: &str) -> Option<&'static str> {
    datastore(image).filter(|p| DATABASE_PRODUCTS.contains(p))
}

/// Something that keeps data: where it is and what it is.
#[derive(Debug, Clone)]
pub(crate) struct Stateful {
    pub file: FileId,
    pub span: Span,
    pub what: String,
}

/// StatefulSets with volume claims and workloads running a database image.
pub(crate) fn k8s_stateful(obj: &K8sObject) -> Option<String> {
    if !obj.is_workload() || obj.is("CronJob") || obj.is("Job") {
        return None;
    }
    if let Some(product) = obj.containers().iter().find_map(|c| {
        c.get("image")
            .and_then(Node::as_str)
            .and_then(database_image)
    }) {
        return Some(format!("{} (runs {product})", obj.display()));
    }
    let claims = obj
        .node
        .path(&["spec", "volumeClaimTemplates"])
        .map(Node::items)
        .unwrap_or(&[]);
    (obj.is("StatefulSet") && !claims.is_empty())
        .then(|| format!("{} (persistent volume claims)", obj.display()))
}

/// Every place the project keeps data, in file order.
pub(crate) fn stateful_data(project: &Project) -> Vec<Stateful> {
    let mut out = Vec::new();
    for obj in &project.k8s {
        if let Some(what) = k8s_stateful(obj) {
            out.push(Stateful {
                file: obj.file,
                span: obj.span(),
                what,
            });
        }
    }
    for compose in &project.compose {
        for service in &compose.services {
            if let Some(product) = service.image().and_then(database_image) {
                out.push(Stateful {
                    file: compose.file,
                    span: service.name_span,
                    what: format!("compose service `{}` (runs {product})", service.name),
                });
            }
        }
    }
    for block in tf_resources_of(project, TF_DATABASES) {
        out.push(Stateful {
            file: block.file,
            span: tf_header(block),
            what: format!("Terraform `{}`", tf_address(block)),
        });
    }
    out.sort_by_key(|s| (s.file, s.span.start));
    out
}

/// Words in a command line that run a backup.
const BACKUP_COMMANDS: &[&str] = &[
    "pg_dump",
    "pg_dumpall",
    "pg_basebackup",
    "pgbackrest",
    "wal-g backup-push",
    "wal-g backup",
    "mysqldump",
    "mariadb-dump",
    "mariabackup",
    "xtrabackup",
    "mongodump",
    "--rdb",
    "restic backup",
    "borg create",
    "velero backup",
    "etcdctl snapshot save",
    "aws s3 sync",
    "gsutil rsync",
    "rclone sync",
    "rclone copy",
    "elasticsearch-snapshot",
    "_snapshot/",
];

/// Images (last path segment of the repository) that exist to back something up.
const BACKUP_IMAGES: &[&str] = &[
    "postgres-backup-local",
    "postgres-backup-s3",
    "db-backup",
    "docker-volume-backup",
    "mysql-backup",
    "mongodb-backup",
    "restic",
    "borgmatic",
    "velero",
    "wal-g",
    "pgbackrest",
    "k8up",
    "stash",
    "volsync",
];

fn image_is_backup_tool(image: &str) -> bool {
    let repo = image.split('@').next().unwrap_or(image);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    let name = last.split(':').next().unwrap_or(last).to_ascii_lowercase();
    BACKUP_IMAGES.contains(&name.as_str()) || name.ends_with("-backup") || name.contains("backup-")
}

fn text_runs_backup(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    BACKUP_COMMANDS.iter().copied().find(|c| {
        if *c == "--rdb" {
            lower.contains("redis-cli") && lower.contains(c)
        } else {
            lower.contains(c)
        }
    })
}

fn words_of(node: Option<&Node>) -> String {
    match node {
        None => String::new(),
        Some(n) => match n.as_str() {
            Some(s) => s.to_string(),
            None => n
                .items()
                .iter()
                .filter_map(Node::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        },
    }
}

/// Kubernetes kinds (with their API group) that schedule backups.
const BACKUP_KINDS: &[(&str, &str)] = &[
    ("velero.io", "Schedule"),
    ("postgresql.cnpg.io", "ScheduledBackup"),
    ("stash.appscode.com", "BackupConfiguration"),
    ("stash.appscode.com", "BackupBlueprint"),
    ("core.kubestash.com", "BackupConfiguration"),
    ("k8up.io", "Schedule"),
    ("backup.appuio.ch", "Schedule"),
    ("config.kio.kasten.io", "Policy"),
    ("volsync.backube", "ReplicationSource"),
    ("mysql.presslabs.org", "MysqlBackup"),
    ("pxc.percona.com", "PerconaXtraDBClusterBackup"),
    ("psmdb.percona.com", "PerconaServerMongoDBBackup"),
    ("snapshot.storage.k8s.io", "VolumeSnapshot"),
];

fn api_group(api_version: &str) -> &str {
    api_version.split('/').next().unwrap_or("")
}

/// Evidence that something in the project backs data up: a description.
pub(crate) fn backup_evidence(project: &Project) -> Option<String> {
    for obj in &project.k8s {
        let group = api_group(&obj.api_version);
        if BACKUP_KINDS.iter().any(|(g, k)| *g == group && obj.is(k)) {
            return Some(obj.display());
        }
        // Operators that take scheduled backups of the clusters they run.
        if obj.is("PostgresCluster") && obj.node.path(&["spec", "backups"]).is_some()
            || obj.is("Cluster")
                && group == "postgresql.cnpg.io"
                && obj.node.path(&["spec", "backup"]).is_some()
        {
            return Some(format!("{} backups", obj.display()));
        }
        if obj.is("CronJob")
            && let Some(what) = k8s_cronjob_backup(obj)
        {
            return Some(what);
        }
    }
    for compose in &project.compose {
        for service in &compose.services {
            if let Some(what) = compose_backup(service) {
                return Some(what);
            }
        }
    }
    let tf = &project.terraform;
    for block in tf.all_blocks().filter(|b| b.ident == "resource") {
        if let Some(what) = tf_backup(block) {
            return Some(what);
        }
    }
    for block in tf.all_blocks().filter(|b| b.ident == "module") {
        if let Some(value) = block.value("backup_retention_period")
            && value.as_number().is_none_or(|n| n > 0.0)
        {
            return Some(format!(
                "module `{}` sets `backup_retention_period`",
                tf_address(block)
            ));
        }
    }
    None
}

fn k8s_cronjob_backup(obj: &K8sObject) -> Option<String> {
    if obj.name.to_ascii_lowercase().contains("backup") {
        return Some(obj.display());
    }
    for c in obj.containers().iter().chain(obj.init_containers()) {
        if c.get("image")
            .and_then(Node::as_str)
            .is_some_and(image_is_backup_tool)
        {
            return Some(obj.display());
        }
        let line = format!("{} {}", words_of(c.get("command")), words_of(c.get("args")));
        if let Some(cmd) = text_runs_backup(&line) {
            return Some(format!("{} runs `{cmd}`", obj.display()));
        }
    }
    None
}

fn compose_backup(service: &ComposeService) -> Option<String> {
    let name = format!("compose service `{}`", service.name);
    if service.image().is_some_and(image_is_backup_tool)
        || service.name.to_ascii_lowercase().contains("backup")
    {
        return Some(name);
    }
    let line = format!(
        "{} {}",
        words_of(service.get("command")),
        words_of(service.get("entrypoint"))
    );
    text_runs_backup(&line).map(|cmd| format!("{name} runs `{cmd}`"))
}

fn tf_backup(block: &Block) -> Option<String> {
    let what = || format!("Terraform `{}`", tf_address(block));
    match block.type_name() {
        "aws_backup_plan"
        | "aws_backup_selection"
        | "google_backup_dr_backup_plan"
        | "azurerm_backup_policy_vm"
        | "azurerm_data_protection_backup_policy_disk"
        | "azurerm_data_protection_backup_policy_postgresql"
        | "google_spanner_backup_schedule" => Some(what()),
        // Aurora clusters always keep automated backups (at least one day).
        "aws_rds_cluster" | "aws_docdb_cluster" | "aws_neptune_cluster" => Some(what()),
        "aws_db_instance" => block
            .value("backup_retention_period")
            .filter(|v| v.as_number().is_none_or(|n| n > 0.0))
            .map(|_| format!("{} keeps automated backups", what())),
        "aws_dynamodb_table" => block
            .blocks_of("point_in_time_recovery")
            .find_map(|p| p.value("enabled"))
            .filter(|v| v.as_bool() != Some(false))
            .map(|_| format!("{} has point-in-time recovery", what())),
        "google_sql_database_instance" => {
            let enabled = block
                .blocks_of("settings")
                .flat_map(|s| s.blocks_of("backup_configuration"))
                .find_map(|b| b.value("enabled"));
            enabled
                .filter(|v| v.as_bool() != Some(false))
                .map(|_| format!("{} has backups enabled", what()))
        }
        // Azure's managed databases back themselves up.
        t if t.starts_with("azurerm_") && TF_DATABASES.contains(&t) => Some(what()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::terraform::parse;

    #[test]
    fn terraform_views() {
        let text = r#"
resource "aws_db_instance" "main" {
  backup_retention_period = var.retention
}

resource "aws_db_instance" "none" {
  backup_retention_period = 0
}

resource "aws_dynamodb_table" "t" {
  point_in_time_recovery {
    enabled = false
  }
}

resource "google_sql_database_instance" "g" {
  settings {
    backup_configuration {
      enabled = true
    }
  }
}

resource "aws_backup_plan" "p" {
  rule {
    rule_name = "daily"
  }
  dynamic "lifecycle" {
    for_each = var.x
    content {}
  }
}
"#;
        let (blocks, _) = parse(text, 0).unwrap();
        let db = &blocks[0];
        assert_eq!(
            &text[tf_header(db).start..tf_header(db).end],
            "resource \"aws_db_instance\" \"main\""
        );
        assert_eq!(tf_address(db), "aws_db_instance.main");
        assert!(tf_backup(db).is_some());
        assert!(tf_backup(&blocks[1]).is_none());
        assert!(tf_backup(&blocks[2]).is_none());
        assert!(tf_backup(&blocks[3]).is_some());
        let plan = &blocks[4];
        assert!(tf_has_dynamic(plan, "lifecycle"));
        let rule = plan.block("rule").unwrap();
        assert_eq!(&text[tf_header(rule).start..tf_header(rule).end], "rule");
        assert_eq!(
            rule.value("rule_name").and_then(tf_literal).as_deref(),
            Some("daily")
        );
    }

    #[test]
    fn backup_tools() {
        assert!(image_is_backup_tool(
            "prodrigestivill/postgres-backup-local:16"
        ));
        assert!(image_is_backup_tool("tiredofit/db-backup"));
        assert!(image_is_backup_tool("offen/docker-volume-backup:v2"));
        assert!(!image_is_backup_tool("postgres:16"));
        assert_eq!(
            text_runs_backup("sh -c pg_dump -h db app | gzip"),
            Some("pg_dump")
        );
        assert_eq!(
            text_runs_backup("redis-cli --rdb /backup/dump.rdb"),
            Some("--rdb")
        );
        assert_eq!(text_runs_backup("redis-server --appendonly yes"), None);
    }
}
