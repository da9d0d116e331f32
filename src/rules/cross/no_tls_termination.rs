//! The repository's load balancers and ingresses serve HTTP, yet none of them terminates TLS.

use crate::model::Project;
use crate::parse::FileId;
use crate::parse::haproxy::SectionKind;
use crate::parse::span::Span;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct CrossNoTlsTermination;

/// The first place that accepts plain HTTP traffic, and whether anything terminates TLS.
fn survey(project: &Project) -> (Option<(FileId, Span)>, bool) {
    let mut first_plain: Option<(FileId, Span)> = None;
    let mut tls = false;
    for unit in &project.haproxy {
        for (index, section) in unit.config.sections.iter().enumerate() {
            if !matches!(section.kind, SectionKind::Frontend | SectionKind::Listen) {
                continue;
            }
            let http = unit
                .config
                .effective(index, "mode")
                .and_then(|d| d.arg(0))
                .is_some_and(|m| m == "http");
            for bind in section.all("bind") {
                if bind.args().iter().any(|w| w.text == "ssl") {
                    tls = true;
                } else if http && first_plain.is_none() {
                    first_plain = Some((unit.file, bind.span));
                }
            }
        }
    }
    for unit in &project.nginx {
        for (ancestors, d) in unit.config.walk() {
            if ancestors.last() != Some(&"server") {
                continue;
            }
            match d.name() {
                "listen" => {
                    if d.args.iter().any(|w| w.text == "ssl" || w.text == "quic") {
                        tls = true;
                    } else if first_plain.is_none() && ancestors.first() != Some(&"stream") {
                        first_plain = Some((unit.file, d.span));
                    }
                }
                "ssl_certificate" => tls = true,
                "ssl" if d.arg(0) == Some("on") => tls = true,
                _ => {}
            }
        }
    }
    for obj in &project.k8s {
        let terminates = match obj.kind.as_str() {
            "Ingress" => obj.node.path(&["spec", "tls"]).is_some(),
            "Gateway" => obj
                .node
                .path(&["spec", "listeners"])
                .map(|l| l.items())
                .unwrap_or(&[])
                .iter()
                .any(|l| {
                    matches!(
                        l.get("protocol").and_then(|p| p.as_str()),
                        Some("HTTPS" | "TLS")
                    )
                }),
            // Traefik, Istio and cert-manager objects that carry certificates.
            "IngressRoute" => obj.node.path(&["spec", "tls"]).is_some(),
            "Certificate" | "ClusterIssuer" | "Issuer" => true,
            _ => false,
        };
        tls |= terminates;
    }
    // Caddy and Traefik with ACME obtain certificates on their own.
    tls |= project.compose.iter().flat_map(|c| &c.services).any(|s| {
        s.image()
            .map(|i| i.to_ascii_lowercase())
            .is_some_and(|i| i.starts_with("caddy") || i.contains("/caddy"))
    });
    (first_plain, tls)
}

impl Rule for CrossNoTlsTermination {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let (plain, tls) = survey(project);
        if tls {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let Some((file, span)) = plain else {
            return;
        };
        cx.report(
            PROJECT_SUBJECT,
            file,
            span,
            "no load balancer, proxy or ingress in the repository terminates TLS: traffic and credentials travel in clear text unless something outside the repository encrypts them".to_string(),
        );
    }
}
