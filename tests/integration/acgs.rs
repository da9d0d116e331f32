//! The seed report's system, as a fixture: its ✅ lines must be passes and its ⚠️ lines findings,
//! for the container, Kubernetes, CI/CD and load balancing & scaling categories.

use shipshape::finding::Category;
use shipshape::report::Report;

use crate::common::{audit, repo_root};

fn report() -> Report {
    audit(&repo_root().join("fixtures/repos/acgs-like"), &[])
}

/// The rule judged something and nothing failed.
fn assert_passes(report: &Report, id: &str, seed_line: &str) {
    let rule = report
        .scorecard
        .rules
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} is not a rule"));
    assert!(rule.evaluated > 0, "✅ {seed_line}: {id} evaluated nothing");
    let failures: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == id)
        .map(|f| format!("{}:{} {}", f.path, f.line, f.message))
        .collect();
    assert!(
        failures.is_empty(),
        "✅ {seed_line}: {id} fired: {failures:#?}"
    );
}

/// The rule reported at least one finding.
fn assert_fires(report: &Report, id: &str, seed_line: &str) -> usize {
    let n = report.findings.iter().filter(|f| f.rule == id).count();
    assert!(n > 0, "⚠️ {seed_line}: {id} did not fire");
    n
}

#[test]
fn container_category_reproduces_the_seed() {
    let r = report();
    assert_passes(&r, "dockerfile-root-user", "Non-root user execution");
    assert_passes(&r, "dockerfile-full-base-image", "Minimal base images");
    assert_passes(
        &r,
        "dockerfile-latest-tag",
        "Minimal base images (pinned tags)",
    );
    assert_passes(
        &r,
        "dockerfile-build-tools-in-final-stage",
        "Multi-stage builds",
    );
    assert_passes(
        &r,
        "cross-image-not-scanned",
        "Security scanning (Trivy in CI)",
    );
    assert_passes(&r, "cross-image-not-signed", "Image signing (Cosign)");
    assert_passes(&r, "compose-default-network-only", "Network isolation");
    assert_passes(&r, "compose-stateful-no-volume", "Volume persistence");
    assert_passes(&r, "compose-missing-healthcheck", "Health checks");
    assert_passes(&r, "compose-no-env-separation", "Environment management");

    // Eleven compose services (with the HAProxy load balancer), none with limits or log
    // rotation.
    assert_eq!(
        assert_fires(&r, "compose-missing-resource-limits", "Resource limits"),
        11
    );
    assert!(assert_fires(&r, "compose-secret-in-environment", "Secrets management") >= 2);
    assert_eq!(
        assert_fires(&r, "compose-missing-log-rotation", "Logging configuration"),
        11
    );
}

#[test]
fn kubernetes_category_reproduces_the_seed() {
    let r = report();
    assert_passes(
        &r,
        "k8s-missing-service",
        "Service definitions / service discovery",
    );
    assert_passes(&r, "k8s-config-not-externalized", "ConfigMap usage");
    assert_passes(&r, "k8s-secret-in-env", "Secret management");

    // Eight Deployments and two StatefulSets run one replica each.
    assert_eq!(assert_fires(&r, "k8s-single-replica", "Single replica"), 10);
    assert_eq!(assert_fires(&r, "k8s-missing-hpa", "No HPA"), 8);
    assert!(assert_fires(&r, "k8s-missing-resource-limits", "Missing resource limits") >= 10);
    assert_eq!(
        assert_fires(&r, "k8s-missing-pdb", "No pod disruption budgets"),
        10
    );
    assert_eq!(
        assert_fires(&r, "k8s-missing-network-policy", "No network policies"),
        10
    );
}

#[test]
fn the_scores_are_those_of_a_system_that_is_not_yet_ready() {
    let r = report();
    let score = |c: Category| {
        r.scorecard
            .categories
            .iter()
            .find(|s| s.id == c)
            .and_then(|s| s.score)
            .unwrap_or_else(|| panic!("{c:?} is n/a"))
    };
    let container = score(Category::Container);
    let kubernetes = score(Category::Kubernetes);
    // The seed rates the container setup far better than the Kubernetes one.
    assert!(
        container > kubernetes,
        "container {container} vs kubernetes {kubernetes}"
    );
    assert!(container >= 60.0, "container {container}");
    // The seed scores CI/CD at 90 %: a complete pipeline with optimisation opportunities.
    let cicd = score(Category::Cicd);
    assert!((85.0..97.0).contains(&cicd), "cicd {cicd}");
    assert!(cicd > container && cicd > kubernetes, "cicd {cicd}");
    // The seed scores load balancing & scaling at 80 %: good edge, single points of failure.
    let scaling = score(Category::Scaling);
    assert!((60.0..90.0).contains(&scaling), "scaling {scaling}");
    // The seed scores observability at 88 %: a complete Prometheus stack without tracing or
    // central logs.
    let observability = score(Category::Observability);
    assert!(
        (80.0..95.0).contains(&observability),
        "observability {observability}"
    );
    // The seed scores infrastructure as code at 75 %; we weigh its four gaps (no Terraform, no
    // Helm, no environment parity, no backups) more heavily than it does.
    let iac = score(Category::Iac);
    assert!((15.0..50.0).contains(&iac), "iac {iac}");
    assert!(r.scorecard.categories.iter().all(|c| c.score.is_some()));
    // The plan starts with low-effort steps and every step raises the projected score.
    let plan = &r.scorecard.plan;
    assert!(!plan.is_empty());
    assert!(plan.windows(2).all(|w| w[0].projected <= w[1].projected));
    assert!(plan.iter().any(|s| s.rule == "k8s-missing-pdb"));
}

#[test]
fn cicd_category_reproduces_the_seed() {
    let r = report();
    for (id, line) in [
        ("ci-missing-pipeline", "GitHub Actions workflow"),
        ("ci-missing-pr-trigger", "Triggers: pull request"),
        ("ci-missing-push-trigger", "Triggers: push"),
        ("ci-missing-scheduled-run", "Triggers: daily schedule"),
        (
            "ci-missing-static-analysis",
            "Static code analysis (SonarQube)",
        ),
        (
            "ci-missing-security-scan",
            "Security scanning (CodeQL, Snyk)",
        ),
        (
            "ci-missing-dependency-scan",
            "Dependency vulnerability scanning",
        ),
        ("ci-missing-license-check", "License compliance checking"),
        ("ci-missing-tests", "Unit tests"),
        ("ci-missing-coverage", "Unit tests with coverage reporting"),
        (
            "ci-missing-integration-tests",
            "Integration tests, end-to-end tests",
        ),
        ("ci-missing-benchmarks", "Performance benchmarking"),
        ("cross-image-not-built-in-ci", "Multi-stage Docker builds"),
        (
            "cross-image-not-published",
            "Artifact publishing to registry",
        ),
        ("cross-image-not-scanned", "Container image scanning"),
        ("cross-image-not-signed", "Image signing with Cosign"),
        (
            "ci-missing-environment-deploy",
            "Environment-specific deployments",
        ),
        (
            "ci-deploy-without-verification",
            "Health check validation, smoke tests",
        ),
        ("ci-missing-rollback", "Rollback capabilities"),
        ("ci-missing-parallelism", "Parallel execution (some)"),
        ("ci-deploy-without-concurrency", "one deploy at a time"),
        ("gha-missing-permissions", "least-privilege token"),
        ("gha-template-injection", "no untrusted input in scripts"),
        ("gha-job-without-timeout", "bounded jobs"),
    ] {
        assert_passes(&r, id, line);
    }
    // The seed's optimisation opportunities.
    assert_eq!(
        assert_fires(&r, "ci-missing-cache", "Caching optimization"),
        1
    );
    assert_eq!(
        assert_fires(&r, "ci-missing-path-filters", "Incremental builds"),
        1
    );
    assert_eq!(
        assert_fires(
            &r,
            "ci-missing-progressive-delivery",
            "Blue-green deployments, canary releases"
        ),
        1
    );
    // Third-party and GitHub actions referenced by tag, as most pipelines do.
    assert_eq!(assert_fires(&r, "gha-unpinned-action", "pinned actions"), 4);
    let cache = r
        .findings
        .iter()
        .find(|f| f.rule == "ci-missing-cache")
        .unwrap();
    assert_eq!(
        (cache.path.as_str(), cache.line),
        (".github/workflows/ci.yml", 14)
    );
    assert!(
        cache
            .suggestion
            .as_deref()
            .is_some_and(|s| s.contains("cache")),
        "a GitHub Actions snippet comes with the finding"
    );
}

#[test]
fn scaling_category_reproduces_the_seed() {
    let r = report();
    // The seed's four strengths of the HAProxy setup.
    for (id, line) in [
        ("cross-no-tls-termination", "TLS termination"),
        ("haproxy-weak-tls", "TLS termination (modern minimum)"),
        ("haproxy-no-https-redirect", "HTTP to HTTPS redirect"),
        ("haproxy-server-without-check", "Health checks"),
        ("haproxy-no-http-health-check", "Health checks (HTTP)"),
        ("haproxy-no-http2", "HTTP/2 support"),
        ("haproxy-missing-timeouts", "timeouts"),
        ("haproxy-undefined-backend", "backends defined"),
        ("cross-lb-target-unknown", "servers are compose services"),
        (
            "cross-health-check-path-mismatch",
            "health check path is the services' own",
        ),
    ] {
        assert_passes(&r, id, line);
    }
    // Its four limitations.
    assert_eq!(
        assert_fires(&r, "cross-single-load-balancer", "Single load balancer"),
        1
    );
    assert_eq!(
        assert_fires(&r, "haproxy-static-servers", "Static configuration"),
        1
    );
    assert_eq!(
        assert_fires(&r, "haproxy-roundrobin-only", "Limited algorithms"),
        1
    );
    assert_eq!(
        assert_fires(&r, "haproxy-no-session-affinity", "No session affinity"),
        1
    );
    // Single points of failure: PostgreSQL and Redis, in compose and in Kubernetes.
    assert_eq!(
        assert_fires(&r, "compose-single-instance-datastore", "database, cache"),
        2
    );
    assert_eq!(
        assert_fires(&r, "k8s-single-instance-datastore", "database, cache"),
        2
    );
}

#[test]
fn observability_category_reproduces_the_seed() {
    let r = report();
    for (id, line) in [
        ("obs-missing-metrics", "Metrics collection"),
        ("cross-service-not-scraped", "Service-level metrics"),
        ("obs-missing-dashboards", "Custom dashboards"),
        (
            "grafana-dashboards-not-provisioned",
            "Custom dashboards (provisioned)",
        ),
        ("obs-missing-alert-rules", "Alerting rules"),
        (
            "obs-missing-endpoint-probe",
            "Health monitoring: endpoint availability",
        ),
        ("obs-missing-downtime-alert", "Service downtime alerts"),
        ("obs-missing-error-rate-alert", "High error rates > 5 %"),
        (
            "obs-missing-latency-alert",
            "Performance degradation > 500 ms",
        ),
        (
            "obs-missing-saturation-alert",
            "Resource exhaustion > 80 % CPU/memory",
        ),
        (
            "prometheus-invalid-expression",
            "alert expressions are valid PromQL",
        ),
        ("prometheus-rule-file-missing", "rule files load"),
        ("prometheus-alert-missing-for", "alerts wait before firing"),
        (
            "prometheus-alert-missing-severity",
            "alerts carry a severity",
        ),
        (
            "prometheus-alert-missing-summary",
            "alerts explain themselves",
        ),
        ("obs-alerts-not-routed", "alerts reach Alertmanager"),
        (
            "alertmanager-no-real-receiver",
            "Alertmanager notifies someone",
        ),
        (
            "alertmanager-route-unknown-receiver",
            "routes name real receivers",
        ),
    ] {
        assert_passes(&r, id, line);
    }
    // The seed's "Observability Enhancements Needed".
    for (id, line) in [
        ("obs-missing-tracing", "OpenTelemetry: not yet implemented"),
        (
            "obs-missing-request-id",
            "Request correlation / request ID tracking",
        ),
        (
            "obs-missing-centralized-logging",
            "Centralized logging: ELK stack not deployed",
        ),
        (
            "obs-missing-structured-logging",
            "Structured logging: inconsistent log formats",
        ),
        (
            "obs-missing-business-dashboards",
            "Business metrics: limited visibility",
        ),
    ] {
        assert_eq!(assert_fires(&r, id, line), 1, "{id}");
    }
}

#[test]
fn iac_category_reproduces_the_seed() {
    let r = report();
    assert_passes(
        &r,
        "iac-missing-deployment-code",
        "Kubernetes manifests, Docker Compose",
    );
    assert_passes(&r, "k8s-hardcoded-ip-address", "Configuration management");
    for (id, line) in [
        (
            "iac-missing-infrastructure-code",
            "Terraform/Pulumi: no cloud infrastructure automation",
        ),
        (
            "iac-missing-package-management",
            "Helm charts: no Kubernetes package management",
        ),
        (
            "iac-missing-environment-parity",
            "Environment parity: dev/staging/prod differences",
        ),
        (
            "iac-missing-backups",
            "Disaster recovery: no automated backup/restore",
        ),
    ] {
        assert_eq!(assert_fires(&r, id, line), 1, "{id}");
    }
}
