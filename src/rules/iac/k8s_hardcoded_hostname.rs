//! A literal, fully qualified hostname that belongs to one environment, in a workload's
//! environment, arguments or a ConfigMap value: `db.prod.example.com`, `api-staging.acme.io`,
//! `postgres.internal.prod`, or a cloud endpoint that names one database, cache, broker or load
//! balancer (`mydb.abc123.eu-west-1.rds.amazonaws.com`, `orders.database.windows.net`). The
//! same manifest then cannot serve another environment, and the copy made for it drifts.
//!
//! Precision first. A hostname fires only when it has three labels or more, ends in a known
//! top-level domain, and one of the labels before it is, or has a `-`-separated word that is,
//! an environment name (`prod`, `production`, `prd`, `staging`, `stage`, `stg`, `dev`,
//! `development`, `qa`, `uat`, `test`, `preprod`). Names in a private zone (`.internal`,
//! `.local`, `.corp`...) or in a zone named for the environment (`postgres.internal.prod`)
//! count only where a host is written (the whole value, after `scheme://` or `=`, before
//! `:port`): elsewhere such names are file names and property paths. Cloud endpoints fire
//! without an environment name; AWS ones only with their region label, which tells an
//! instance from a service principal (`monitoring.rds.amazonaws.com`).
//! Never reported: cluster-internal Service DNS (`name.namespace`, `*.svc`, `*.cluster.local`),
//! plain Service names, e-mail addresses, file paths, wildcard patterns, well-known public
//! services (`dev.azure.com`, `acme-staging-v02.api.letsencrypt.org`, `test.pypi.org`, identity
//! providers' developer tenants) and templated values. Which values are read is shared with
//! `k8s-hardcoded-ip-address` (`hardcoded_common`).

use super::hardcoded_common::check_object;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule};

pub struct K8sHardcodedHostname;

/// Environment names a hostname label (or a `-`-separated word of one) may carry.
const ENV_MARKERS: &[&str] = &[
    "prod",
    "production",
    "prd",
    "staging",
    "stage",
    "stg",
    "dev",
    "development",
    "qa",
    "uat",
    "test",
    "preprod",
];

/// Top-level domains that end real hostnames. File extensions that are also country codes
/// (`.sh`, `.py`, `.pl`, `.md`, `.rs`, `.so`, `.in`, `.zip`) are left out, and so are the
/// reserved `.test`, `.example` and `.invalid`.
#[rustfmt::skip]
const TLDS: &[&str] = &[
    "com", "net", "org", "io", "co", "dev", "app", "cloud", "ai", "biz", "info", "me", "tech",
    "online", "site", "xyz", "gov", "edu", "mil", "int", "eu", "us", "uk", "de", "fr", "nl", "es",
    "it", "ch", "at", "be", "se", "no", "dk", "fi", "jp", "cn", "au", "ca", "br", "ru", "kr", "sg",
    "hk", "tw", "nz", "za", "ie", "lu", "cz", "pt", "gr", "hu", "ro", "il", "tr", "mx", "ar", "cl",
    "vn", "th", "ph", "ua", "sk", "si", "hr", "bg", "lt", "lv", "ee", "is",
];

/// Private zones: they end hostnames, but also file names (`.env.test.local`) and property
/// paths, so a name ending in one counts only where a host is written.
const PRIVATE_ZONES: &[&str] = &[
    "internal",
    "local",
    "lan",
    "corp",
    "intra",
    "intranet",
    "private",
    "localdomain",
    "home",
];

/// Public services whose hostnames carry environment words that are not ours.
const PUBLIC_SERVICES: &[&str] = &[
    "github.com",
    "githubusercontent.com",
    "github.io",
    "gitlab.com",
    "bitbucket.org",
    "googleapis.com",
    "google.com",
    "gstatic.com",
    "googleusercontent.com",
    "gcr.io",
    "pkg.dev",
    "docker.io",
    "docker.com",
    "quay.io",
    "ghcr.io",
    "k8s.io",
    "kubernetes.io",
    "amazonaws.com",
    "amazon.com",
    "azure.com",
    "azure.net",
    "windows.net",
    "microsoft.com",
    "microsoftonline.com",
    "visualstudio.com",
    "letsencrypt.org",
    "pypi.org",
    "npmjs.org",
    "npmjs.com",
    "salesforce.com",
    "force.com",
    "okta.com",
    "oktapreview.com",
    "auth0.com",
    "stripe.com",
    "paypal.com",
    "braintreegateway.com",
    "twilio.com",
    "sendgrid.net",
    "slack.com",
    "sentry.io",
    "datadoghq.com",
    "datadoghq.eu",
    "newrelic.com",
    "pagerduty.com",
    "atlassian.net",
    "cloudflare.com",
    "mosquitto.org",
    "k6.io",
];

/// AWS endpoints that name one instance: (suffix, what it is). The suffix follows a region
/// label (`eu-west-1`, `use1`) and the instance's own labels; without a region it is a
/// service principal (`monitoring.rds.amazonaws.com`), not an instance.
const AWS_INSTANCES: &[(&str, &str)] = &[
    (".rds.amazonaws.com", "an RDS database endpoint"),
    (".cache.amazonaws.com", "an ElastiCache endpoint"),
    (".docdb.amazonaws.com", "a DocumentDB endpoint"),
    (".neptune.amazonaws.com", "a Neptune endpoint"),
    (".redshift.amazonaws.com", "a Redshift cluster endpoint"),
    (".es.amazonaws.com", "an OpenSearch domain endpoint"),
    (".aoss.amazonaws.com", "an OpenSearch collection endpoint"),
    (".elb.amazonaws.com", "a load balancer's endpoint"),
];

/// Azure endpoints that name one instance: (suffix, what it is), after the instance's name.
const AZURE_INSTANCES: &[(&str, &str)] = &[
    (".database.windows.net", "an Azure SQL server"),
    (
        ".redis.cache.windows.net",
        "an Azure Cache for Redis instance",
    ),
    (".servicebus.windows.net", "an Azure Service Bus namespace"),
    (
        ".postgres.database.azure.com",
        "an Azure Database for PostgreSQL server",
    ),
    (
        ".mysql.database.azure.com",
        "an Azure Database for MySQL server",
    ),
    (
        ".mariadb.database.azure.com",
        "an Azure Database for MariaDB server",
    ),
    (".documents.azure.com", "an Azure Cosmos DB account"),
    (".mongo.cosmos.azure.com", "an Azure Cosmos DB account"),
];

/// Regional AWS services whose endpoints name one instance: `<id>.<service>.<region>.amazonaws.com`.
const AWS_REGIONAL_INSTANCES: &[(&str, &str)] = &[
    ("mq", "an Amazon MQ broker"),
    ("kafka", "an MSK broker"),
    ("execute-api", "an API Gateway endpoint"),
];

/// What makes a hostname belong to one environment.
#[derive(Debug, PartialEq)]
pub enum Why {
    /// It carries this environment name.
    Env(String),
    /// It names one cloud instance.
    Instance(&'static str),
}

fn is_hostname_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'-'
}

/// The environment name a label carries: the label, or a `-`-separated word of it, with
/// trailing digits dropped (`prod`, `db-prod01`, `staging2-api`).
fn env_marker(label: &str) -> Option<&'static str> {
    label.split('-').find_map(|word| {
        let word = word.trim_end_matches(|c: char| c.is_ascii_digit());
        ENV_MARKERS.iter().copied().find(|m| *m == word)
    })
}

fn ends_with_domain(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

fn cloud_instance(host: &str, labels: &[&str]) -> Option<&'static str> {
    for (suffix, what) in AWS_INSTANCES {
        // `<instance>.<region>` before the suffix, the region ending in a digit.
        if let Some(rest) = host.strip_suffix(suffix)
            && let Some((instance, region)) = rest.rsplit_once('.')
            && !instance.is_empty()
            && region.ends_with(|c: char| c.is_ascii_digit())
        {
            return Some(what);
        }
    }
    for (suffix, what) in AZURE_INSTANCES {
        if let Some(rest) = host.strip_suffix(suffix)
            && !rest.is_empty()
        {
            return Some(what);
        }
    }
    // `b-1234.mq.us-east-1.amazonaws.com`: an instance label, the service, a region.
    let n = labels.len();
    if n >= 5 && labels[n - 2..] == ["amazonaws", "com"] {
        for (service, what) in AWS_REGIONAL_INSTANCES {
            if labels[n - 4] == *service && labels[n - 3].contains('-') {
                return Some(what);
            }
        }
    }
    None
}

/// Why `host` (lowercase, dotted) belongs to one environment, if it does. `in_host_position`
/// says whether the value writes it where a host goes (the whole value, after `scheme://` or
/// `=`, before `:port`): a name in a private zone counts only there.
fn judge_host(host: &str, in_host_position: bool) -> Option<Why> {
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return None;
    }
    let last = *labels.last()?;
    if !last.bytes().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    if let Some(what) = cloud_instance(host, &labels) {
        return Some(Why::Instance(what));
    }
    // `name.namespace` is in-cluster DNS, and so is anything under `.svc` or `cluster.local`.
    if labels.len() < 3
        || labels.contains(&"svc")
        || ends_with_domain(host, "cluster.local")
        || labels.contains(&"localhost")
    {
        return None;
    }
    if PUBLIC_SERVICES.iter().any(|d| ends_with_domain(host, d)) {
        return None;
    }
    let head = &labels[..labels.len() - 1];
    if TLDS.contains(&last) || (in_host_position && PRIVATE_ZONES.contains(&last)) {
        return head
            .iter()
            .find_map(|l| env_marker(l))
            .map(|m| Why::Env(m.to_string()));
    }
    // A private zone named for the environment: `postgres.internal.prod`, but not a reversed
    // domain (`com.example.prod`), a property path (`matrix.runs.test`) or the reserved
    // `.test` zone.
    if in_host_position
        && last != "test"
        && ENV_MARKERS.contains(&last)
        && !TLDS.contains(&labels[0])
    {
        return Some(Why::Env(last.to_string()));
    }
    None
}

/// The first environment-specific hostname in `value`, and why it is one.
pub fn hardcoded_hostname(value: &str) -> Option<(String, Why)> {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !is_hostname_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_hostname_byte(b[i]) {
            i += 1;
        }
        let end = i;
        let before = &value[..start];
        let prev = before.bytes().last();
        let next = b.get(end).copied();
        // Part of an identifier (`x_db.prod.example.com`), a wildcard pattern, a template.
        if matches!(prev, Some(b'_' | b'*' | b'$' | b'{' | b'}' | b'%'))
            || matches!(next, Some(b'_' | b'*' | b'}' | b'%'))
        {
            continue;
        }
        // A path segment, but not the host after `scheme://`.
        if prev == Some(b'/') && !before.ends_with("//") {
            continue;
        }
        // An e-mail address, but not the host after `scheme://user:pass@`.
        if prev == Some(b'@') && !before.contains("://") {
            continue;
        }
        let token = value[start..end].trim_matches(['.', '-']);
        if !token.contains('.') {
            continue;
        }
        let in_host_position = value.trim() == token
            || before.ends_with("://")
            || before.ends_with('=')
            || (prev == Some(b'@') && before.contains("://"))
            || value[end..]
                .strip_prefix(':')
                .is_some_and(|port| port.starts_with(|c: char| c.is_ascii_digit()));
        let host = token.to_ascii_lowercase();
        if let Some(why) = judge_host(&host, in_host_position) {
            return Some((token.to_string(), why));
        }
    }
    None
}

impl Rule for K8sHardcodedHostname {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        check_object(obj, project, cx, |value| {
            hardcoded_hostname(value).map(|(host, why)| {
                let why = match why {
                    Why::Env(env) => format!("named for the `{env}` environment"),
                    Why::Instance(what) => format!("{what}, one environment's instance"),
                };
                format!(
                    "hard-codes the hostname `{host}` ({why}): set it per environment (Kustomize overlay, Helm values, an ExternalName Service) so the same manifest serves every environment"
                )
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(v: &str) -> Option<String> {
        hardcoded_hostname(v).map(|(h, _)| h)
    }

    #[test]
    fn finds_environment_specific_hostnames() {
        for (value, want) in [
            ("db.prod.example.com", "db.prod.example.com"),
            ("api-staging.acme.io", "api-staging.acme.io"),
            ("postgres.internal.prod", "postgres.internal.prod"),
            (
                "postgres://app:pw@db.prod.example.com:5432/app",
                "db.prod.example.com",
            ),
            (
                "jdbc:mysql://mysql-qa1.corp.acme.com:3306/x",
                "mysql-qa1.corp.acme.com",
            ),
            ("db.staging.internal", "db.staging.internal"),
            ("redis://cache.internal.stg:6379", "cache.internal.stg"),
            (
                "search-logs-x7.eu-west-1.es.amazonaws.com",
                "search-logs-x7.eu-west-1.es.amazonaws.com",
            ),
            (
                "--kafka=kafka-0.stg.acme.internal:9092",
                "kafka-0.stg.acme.internal",
            ),
            ("https://Auth.UAT.Acme.com/login", "Auth.UAT.Acme.com"),
            (
                "orders.c9akciq32.eu-west-1.rds.amazonaws.com",
                "orders.c9akciq32.eu-west-1.rds.amazonaws.com",
            ),
            (
                "redis://sessions.abc123.0001.use1.cache.amazonaws.com:6379",
                "sessions.abc123.0001.use1.cache.amazonaws.com",
            ),
            (
                "Server=tcp:orders.database.windows.net,1433;Database=orders",
                "orders.database.windows.net",
            ),
            (
                "amqps://b-6f5c.mq.us-east-1.amazonaws.com:5671",
                "b-6f5c.mq.us-east-1.amazonaws.com",
            ),
        ] {
            assert_eq!(host(value).as_deref(), Some(want), "{value}");
        }
        assert_eq!(
            hardcoded_hostname("db.prod.example.com").map(|(_, w)| w),
            Some(Why::Env("prod".into()))
        );
    }

    #[test]
    fn leaves_portable_names_alone() {
        for value in [
            "redis",
            "redis:6379",
            "postgres.prod",
            "postgres.prod:5432",
            "api.staging.svc",
            "api.staging.svc.cluster.local",
            "http://kafka.prod.svc.cluster.local:9092",
            "db.prod.svc.k8s.acme.com",
            "https://dev.azure.com/acme/project",
            "https://acme-staging-v02.api.letsencrypt.org/directory",
            "https://test.pypi.org/simple",
            "https://dev-123456.okta.com",
            "sqs.us-east-1.amazonaws.com",
            "https://rds.eu-west-1.amazonaws.com",
            "ops@staging.acme.io",
            "/etc/certs/db.prod.example.com/tls.crt",
            "config.prod.yaml",
            "deploy.prod.sh",
            "com.acme.prod",
            "*.staging.acme.io",
            "https://api.example.com",
            "www.latest.com",
            "10.0.0.1",
            "devops.acme.com",
            "monitoring.rds.amazonaws.com",
            "es.amazonaws.com",
            "abc.example.test",
            "${{ matrix.runs.test }}",
            "if condition.value.test then",
            ".env.test.local",
            "see api.prod.internal for details",
            "${DB_HOST}.prod.example.com",
            "db.prod.example.com_backup",
        ] {
            assert_eq!(host(value), None, "{value}");
        }
    }
}
