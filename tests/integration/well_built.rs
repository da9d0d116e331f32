//! A repository with a good Terraform + Helm + Kustomize layout scores well in the IaC
//! category: every IaC rule that judges it passes.

use shipshape::finding::Category;

use crate::common::{audit, repo_root};

#[test]
fn a_good_terraform_helm_and_kustomize_layout_scores_well() {
    let r = audit(&repo_root().join("fixtures/repos/well-built"), &[]);
    let iac = r
        .scorecard
        .categories
        .iter()
        .find(|c| c.id == Category::Iac)
        .and_then(|c| c.score)
        .expect("iac is judged");
    assert!(iac >= 90.0, "iac {iac}");
    let findings: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.category == Category::Iac || f.rule == "parse-error")
        .map(|f| format!("{}:{} {} {}", f.path, f.line, f.rule, f.message))
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
    // The report says how the chart was judged.
    assert!(
        r.notices
            .iter()
            .any(|n| n.path == "deploy/chart/Chart.yaml" && n.message.contains("not rendered")),
        "{:?}",
        r.notices
    );
    // The layout is really judged: Terraform, Helm, Kustomize, backups and secrets rules all ran.
    for id in [
        "terraform-unpinned-version",
        "terraform-local-state",
        "terraform-missing-lock-file",
        "terraform-stateful-without-deletion-protection",
        "terraform-database-without-backups",
        "terraform-storage-unencrypted",
        "helm-chart-missing-probes",
        "helm-chart-missing-resources",
        "kustomize-missing-resource",
        "iac-missing-environment-parity",
        "iac-missing-backups",
        "iac-backup-without-retention",
        "iac-missing-secret-manager",
    ] {
        let rule = r.scorecard.rules.iter().find(|x| x.id == id).unwrap();
        assert!(rule.evaluated > 0, "{id} judged nothing");
    }
}
