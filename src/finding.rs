//! Findings, severities and categories: the vocabulary shared by rules, scoring and reports.

use serde::{Deserialize, Serialize};

use crate::parse::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Weight in the score (design §5).
    pub fn weight(self) -> f64 {
        match self {
            Severity::Critical => 10.0,
            Severity::High => 7.5,
            Severity::Medium => 5.0,
            Severity::Low => 2.5,
            Severity::Info => 0.0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Container,
    Kubernetes,
    Cicd,
    Observability,
    Scaling,
    Iac,
    /// Diagnostics about the input itself (parse errors, duplicate keys); never scored.
    General,
}

impl Category {
    pub const SCORED: [Category; 6] = [
        Category::Container,
        Category::Kubernetes,
        Category::Cicd,
        Category::Observability,
        Category::Scaling,
        Category::Iac,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::Container => "container",
            Category::Kubernetes => "kubernetes",
            Category::Cicd => "cicd",
            Category::Observability => "observability",
            Category::Scaling => "scaling",
            Category::Iac => "iac",
            Category::General => "general",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Container => "Container",
            Category::Kubernetes => "Kubernetes",
            Category::Cicd => "CI/CD",
            Category::Observability => "Observability",
            Category::Scaling => "Load balancing & scaling",
            Category::Iac => "Infrastructure as code",
            Category::General => "Input diagnostics",
        }
    }

    /// What a category would judge, for the `n/a` explanation.
    pub fn inputs(self) -> &'static str {
        match self {
            Category::Container => "no Dockerfile or compose file",
            Category::Kubernetes => "no Kubernetes manifests",
            Category::Cicd => "no CI pipeline and nothing to deploy",
            Category::Observability => "no monitoring configuration and no service to observe",
            Category::Scaling => "no load balancer, autoscaler or scalable workload",
            Category::Iac => "no Terraform, Helm, Kustomize or deployable workload",
            Category::General => "",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Category::SCORED
            .into_iter()
            .chain([Category::General])
            .find(|c| c.id() == id)
    }
}

/// Another place that explains a finding (the object that is missing a partner, say).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Related {
    pub path: String,
    #[serde(skip)]
    pub span: Span,
    pub line: usize,
    pub column: usize,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    /// What was judged (a Dockerfile's final stage, a Deployment, the project): the scoring unit.
    pub subject: String,
    pub path: String,
    #[serde(skip)]
    pub span: Span,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub related: Vec<Related>,
    /// A ready-to-paste snippet for this repository (its CI system, say), when the catalog has one.
    pub suggestion: Option<String>,
}

impl Finding {
    /// The order every report uses: path, line, column, rule, message.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.path,
            self.line,
            self.column,
            &self.rule,
            &self.message,
        )
    }
}
