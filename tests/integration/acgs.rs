//! The seed report's system, as a fixture: its ✅ lines must be passes and its ⚠️ lines findings,
//! for the container and Kubernetes categories.

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

    // Ten compose services, none with limits or log rotation.
    assert_eq!(
        assert_fires(&r, "compose-missing-resource-limits", "Resource limits"),
        10
    );
    assert!(assert_fires(&r, "compose-secret-in-environment", "Secrets management") >= 2);
    assert_eq!(
        assert_fires(&r, "compose-missing-log-rotation", "Logging configuration"),
        10
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
    // Only the two categories of this release are judged.
    for c in [
        Category::Cicd,
        Category::Observability,
        Category::Scaling,
        Category::Iac,
    ] {
        assert!(
            r.scorecard
                .categories
                .iter()
                .any(|s| s.id == c && s.score.is_none())
        );
    }
    // The plan starts with low-effort steps and every step raises the projected score.
    let plan = &r.scorecard.plan;
    assert!(!plan.is_empty());
    assert!(plan.windows(2).all(|w| w[0].projected <= w[1].projected));
    assert!(plan.iter().any(|s| s.rule == "k8s-missing-pdb"));
}
