//! Datastore images and the settings that show a datastore replicates, shared by the
//! Kubernetes and compose single-instance rules.

use crate::model::image::ImageRef;
use crate::parse::is_templated;

/// Repository names (last path segment) of datastore images, with the product they run.
/// Exact names only: `postgres-exporter`, `redis-commander` or `mongo-express` are not
/// datastores, and `redis-cluster`, `mongodb-sharded` or `postgresql-repmgr` are HA images.
const DATASTORES: &[(&str, &str)] = &[
    ("postgres", "PostgreSQL"),
    ("postgresql", "PostgreSQL"),
    ("postgis", "PostgreSQL"),
    ("timescaledb", "PostgreSQL"),
    ("pgvector", "PostgreSQL"),
    ("mysql", "MySQL"),
    ("mysql-server", "MySQL"),
    ("percona-server", "MySQL"),
    ("mariadb", "MariaDB"),
    ("redis", "Redis"),
    ("redis-stack", "Redis"),
    ("redis-stack-server", "Redis"),
    ("valkey", "Valkey"),
    ("keydb", "KeyDB"),
    ("mongo", "MongoDB"),
    ("mongodb", "MongoDB"),
    ("mongodb-community-server", "MongoDB"),
    ("rabbitmq", "RabbitMQ"),
    ("kafka", "Kafka"),
    ("cp-kafka", "Kafka"),
    ("cp-server", "Kafka"),
    ("zookeeper", "ZooKeeper"),
    ("cp-zookeeper", "ZooKeeper"),
    ("etcd", "etcd"),
    ("elasticsearch", "Elasticsearch"),
    ("opensearch", "OpenSearch"),
    ("cassandra", "Cassandra"),
    ("scylla", "ScyllaDB"),
];

/// Images that exist only to make a datastore highly available: a workload running one of
/// them is a replica or a failover manager of that product.
const HA_COMPANIONS: &[(&str, &str)] = &[
    ("redis-sentinel", "Redis"),
    ("valkey-sentinel", "Valkey"),
    ("postgresql-repmgr", "PostgreSQL"),
];

fn lookup(table: &[(&str, &'static str)], image: &str) -> Option<&'static str> {
    if is_templated(image) {
        return None;
    }
    let image = ImageRef::parse(image);
    let name = image.short_name();
    table.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
}

/// The datastore product an image runs (`bitnami/postgresql:16` → PostgreSQL).
pub(crate) fn datastore(image: &str) -> Option<&'static str> {
    lookup(DATASTORES, image)
}

/// The datastore an HA companion image (Sentinel, repmgr) protects.
pub(crate) fn ha_companion(image: &str) -> Option<&'static str> {
    lookup(HA_COMPANIONS, image)
}

/// What a setting says about replication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Replication {
    /// Replication, Sentinel or clustering is configured; the text names the evidence.
    Shown(String),
    /// The setting is templated or comes from elsewhere: it may configure replication.
    Unknown,
    /// Nothing about replication.
    Absent,
}

impl Replication {
    /// Combines two findings: evidence wins, then doubt.
    pub fn or(self, other: Replication) -> Replication {
        match (self, other) {
            (Replication::Shown(s), _) | (_, Replication::Shown(s)) => Replication::Shown(s),
            (Replication::Unknown, _) | (_, Replication::Unknown) => Replication::Unknown,
            _ => Replication::Absent,
        }
    }
}

/// Variables listing the members of a cluster: two or more members mean a cluster.
const MEMBER_LISTS: &[&str] = &[
    "KAFKA_CFG_CONTROLLER_QUORUM_VOTERS",
    "KAFKA_CONTROLLER_QUORUM_VOTERS",
    "ZOO_SERVERS",
    "ZOOKEEPER_SERVERS",
    "ETCD_INITIAL_CLUSTER",
    "CASSANDRA_SEEDS",
    "DISCOVERY.SEED_HOSTS",
    "DISCOVERY_SEED_HOSTS",
    "CLUSTER.INITIAL_MASTER_NODES",
    "CLUSTER_INITIAL_MASTER_NODES",
];

/// Parts of a variable name that switch replication on (`POSTGRESQL_REPLICATION_MODE`,
/// `REDIS_SENTINEL_QUORUM`, `MONGODB_REPLICA_SET_MODE`, `POSTGRESQL_MASTER_HOST`).
const SWITCHES: &[&str] = &[
    "REPLICATION",
    "REPLICA_SET",
    "REPLSET",
    "SENTINEL",
    "REPLICAOF",
    "SLAVEOF",
    "MASTER_HOST",
    "PRIMARY_HOST",
    "CLUSTER_ENABLED",
    "CLUSTER_NODES",
];

/// Values that leave replication off.
fn is_off(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "no" | "none" | "false" | "off" | "0" | "disabled" | "standalone"
    )
}

fn members(value: &str) -> usize {
    value
        .split([',', ' ', ';'])
        .filter(|m| !m.trim().is_empty())
        .count()
}

/// What one environment variable says; `value` is `None` when it comes from elsewhere
/// (`valueFrom`, a bare name in compose passed through from the shell).
pub(crate) fn env_replication(name: &str, value: Option<&str>) -> Replication {
    let upper = name.to_ascii_uppercase();
    let list = MEMBER_LISTS.contains(&upper.as_str());
    if !list && !SWITCHES.iter().any(|s| upper.contains(s)) {
        return Replication::Absent;
    }
    let Some(value) = value else {
        return Replication::Unknown;
    };
    if is_templated(value) {
        return Replication::Unknown;
    }
    if list {
        if members(value) >= 2 {
            Replication::Shown(format!("`{name}` lists {} members", members(value)))
        } else {
            Replication::Absent
        }
    } else if is_off(value) {
        Replication::Absent
    } else {
        Replication::Shown(format!("`{name}={}`", value.trim()))
    }
}

/// What a command line says (`--replSet rs0`, `--cluster-enabled yes`, `redis-sentinel`,
/// `--replicaof primary 6379`, `--initial-cluster a=…,b=…`). Words that are templated
/// (`{{ … }}`, `${…}`) make it undecidable; Kubernetes' `$(VAR)` expansion does not.
pub(crate) fn command_replication(words: &[&str]) -> Replication {
    if words.iter().any(|w| w.contains("{{") || w.contains("${")) {
        return Replication::Unknown;
    }
    let text = words.join(" ").to_ascii_lowercase();
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let shown = |what: &str| Replication::Shown(format!("`{what}` in its command"));
    if tokens
        .iter()
        .any(|t| *t == "--replset" || t.starts_with("--replset="))
    {
        return shown("--replSet");
    }
    if tokens
        .windows(2)
        .any(|w| w[0].trim_start_matches('-') == "cluster-enabled" && w[1] == "yes")
    {
        return shown("cluster-enabled yes");
    }
    for word in [
        "sentinel",
        "replicaof",
        "slaveof",
        "primary_conninfo",
        "group_replication",
    ] {
        if text.contains(word) {
            return shown(word);
        }
    }
    for (i, t) in tokens.iter().enumerate() {
        let value = match t.strip_prefix("--initial-cluster") {
            Some("") => tokens.get(i + 1).copied().unwrap_or(""),
            Some(rest) => rest.strip_prefix('=').unwrap_or(""),
            None => continue,
        };
        if value.split(',').filter(|m| !m.is_empty()).count() >= 2 {
            return shown("--initial-cluster");
        }
    }
    Replication::Absent
}

/// What a configuration file (a ConfigMap's `redis.conf`, `postgresql.conf`, `mongod.conf`,
/// `rabbitmq.conf`) says: directives at the start of a line.
pub(crate) fn config_replication(text: &str) -> Replication {
    const DIRECTIVES: &[&str] = &[
        "replicaof ",
        "slaveof ",
        "sentinel monitor",
        "cluster-enabled yes",
        "primary_conninfo",
        "replsetname:",
        "replset:",
        "group_replication",
        "cluster_formation.",
    ];
    for line in text.lines() {
        let line = line.trim().to_ascii_lowercase();
        if let Some(d) = DIRECTIVES.iter().find(|d| line.starts_with(*d)) {
            return Replication::Shown(format!("`{}` in its configuration", d.trim()));
        }
    }
    Replication::Absent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datastore_images() {
        assert_eq!(datastore("postgres:15-alpine"), Some("PostgreSQL"));
        assert_eq!(datastore("docker.io/bitnami/redis:7.2"), Some("Redis"));
        assert_eq!(datastore("confluentinc/cp-kafka:7.6.0"), Some("Kafka"));
        assert_eq!(datastore("prometheuscommunity/postgres-exporter"), None);
        assert_eq!(datastore("bitnami/redis-cluster:7"), None);
        assert_eq!(datastore("{{ .Values.image }}"), None);
        assert_eq!(ha_companion("bitnami/redis-sentinel:7"), Some("Redis"));
    }

    #[test]
    fn replication_settings() {
        assert!(matches!(
            env_replication("POSTGRESQL_REPLICATION_MODE", Some("master")),
            Replication::Shown(_)
        ));
        assert_eq!(
            env_replication("REDIS_REPLICATION_MODE", Some("standalone")),
            Replication::Absent
        );
        assert_eq!(
            env_replication("REDIS_REPLICATION_MODE", Some("{{ .Values.mode }}")),
            Replication::Unknown
        );
        assert_eq!(
            env_replication("KAFKA_CFG_CONTROLLER_QUORUM_VOTERS", Some("0@kafka-0:9093")),
            Replication::Absent
        );
        assert!(matches!(
            env_replication(
                "KAFKA_CFG_CONTROLLER_QUORUM_VOTERS",
                Some("0@k-0:9093,1@k-1:9093,2@k-2:9093")
            ),
            Replication::Shown(_)
        ));
        assert_eq!(
            env_replication("POSTGRES_DB", Some("app")),
            Replication::Absent
        );
        assert!(matches!(
            command_replication(&["mongod", "--replSet", "rs0"]),
            Replication::Shown(_)
        ));
        assert!(matches!(
            command_replication(&["redis-server", "--cluster-enabled", "yes"]),
            Replication::Shown(_)
        ));
        assert_eq!(
            command_replication(&["redis-server", "--appendonly", "yes"]),
            Replication::Absent
        );
        assert_eq!(
            command_replication(&["--advertise-client-urls=http://$(POD_IP):2379"]),
            Replication::Absent
        );
        assert!(matches!(
            command_replication(&["etcd", "--initial-cluster=a=http://a:2380,b=http://b:2380"]),
            Replication::Shown(_)
        ));
        assert!(matches!(
            config_replication("appendonly yes\nreplicaof redis-0.redis 6379\n"),
            Replication::Shown(_)
        ));
    }
}
