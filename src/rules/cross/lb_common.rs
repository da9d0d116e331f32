//! What the cross-file load balancer rules share: every target the balancers send traffic to,
//! the compose service or Kubernetes Service it names, and that service's health checks.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::model::Project;
use crate::model::compose::{ComposeFile, ComposeService};
use crate::model::k8s::{K8sObject, Selector};
use crate::model::lb::{LbTarget, haproxy_targets, nginx_targets};
use crate::model::memo::MemoSlot;
use crate::parse::dockerfile::Args;
use crate::parse::yaml::Node;
use crate::rules::compose::common::{ImageCheck, dockerfile_healthcheck, healthcheck_state, views};

/// Every HAProxy and nginx target in the repository.
pub fn all_targets(project: &Project) -> Vec<LbTarget> {
    let upstreams: BTreeSet<String> = project
        .nginx
        .iter()
        .flat_map(|u| u.config.find_all("upstream"))
        .filter_map(|d| d.arg(0).map(str::to_ascii_lowercase))
        .collect();
    let mut out: Vec<LbTarget> = project.haproxy.iter().flat_map(haproxy_targets).collect();
    out.extend(
        project
            .nginx
            .iter()
            .flat_map(|u| nginx_targets(u, &upstreams)),
    );
    out
}

/// What a target's host names in this repository.
pub enum Resolved<'a> {
    Compose(&'a ComposeFile, &'a ComposeService),
    Service(&'a K8sObject),
}

/// Whether the repository defines services a balancer could name (so an unknown name means
/// something).
pub fn defines_services(project: &Project) -> bool {
    !project.compose.is_empty() || project.k8s.iter().any(|o| o.kind == "Service")
}

/// The compose service (by name, `container_name`, `hostname` or network alias) or Kubernetes
/// Service the target names.
pub fn resolve<'a>(project: &'a Project, target: &LbTarget) -> Option<Resolved<'a>> {
    let (name, namespace) = target.service_name()?;
    let names = names(project);
    let key = name.to_ascii_lowercase();
    if namespace.is_none()
        && let Some(&(c, s)) = names.compose.get(&key)
    {
        let compose = &project.compose[c];
        return Some(Resolved::Compose(compose, &compose.services[s]));
    }
    names
        .services
        .get(&key)
        .into_iter()
        .flatten()
        .map(|&i| &project.k8s[i])
        .find(|o| namespace.is_none_or(|ns| o.namespace.eq_ignore_ascii_case(ns)))
        .map(Resolved::Service)
}

/// The names balancers may use for services, each to where it is defined: asked for every
/// target, so gathered once per project.
#[derive(Default)]
pub struct ServiceNames {
    /// Lowercased compose name, `container_name`, `hostname` or alias to the first
    /// (compose file, service) indices that answer to it.
    compose: HashMap<String, (usize, usize)>,
    /// Lowercased Kubernetes Service name to indices into `k8s`, in file order.
    services: HashMap<String, Vec<usize>>,
    /// Lowercased namespaces of every Kubernetes object.
    namespaces: HashSet<String>,
}

fn names(project: &Project) -> Arc<ServiceNames> {
    project.memo.get_or_init(MemoSlot::LbServiceNames, || {
        let mut names = ServiceNames::default();
        for (c, compose) in project.compose.iter().enumerate() {
            for (s, service) in compose.services.iter().enumerate() {
                for name in compose_names(service) {
                    names
                        .compose
                        .entry(name.to_ascii_lowercase())
                        .or_insert((c, s));
                }
            }
        }
        for (i, obj) in project.k8s.iter().enumerate() {
            if obj.kind == "Service" {
                names
                    .services
                    .entry(obj.name.to_ascii_lowercase())
                    .or_default()
                    .push(i);
            }
            names.namespaces.insert(obj.namespace.to_ascii_lowercase());
        }
        Arc::new(names)
    })
}

/// Names another container on the same network can use for a compose service.
fn compose_names(service: &ComposeService) -> Vec<&str> {
    let mut names = vec![service.name.as_str()];
    for key in ["container_name", "hostname"] {
        if let Some(n) = service.get(key).and_then(Node::as_str) {
            names.push(n);
        }
    }
    if let Some(networks) = service.get("networks") {
        for entry in networks.entries() {
            for alias in entry.value.get("aliases").map(Node::items).unwrap_or(&[]) {
                if let Some(a) = alias.as_str() {
                    names.push(a);
                }
            }
        }
    }
    names
}

/// A second-level name (`api.prod`) is only a Kubernetes name when `prod` is a namespace here.
pub fn plausible_service_name(project: &Project, target: &LbTarget) -> bool {
    match target.service_name() {
        Some((_, None)) => true,
        Some((_, Some(ns))) => names(project).namespaces.contains(&ns.to_ascii_lowercase()),
        None => false,
    }
}

/// The health checks a service has: `None` when it has none at all; otherwise the HTTP paths
/// they request (empty when they are commands or TCP checks). `Err(())` when we cannot tell.
pub fn health_paths(project: &Project, resolved: &Resolved<'_>) -> Result<Option<Vec<String>>, ()> {
    match resolved {
        Resolved::Compose(compose, service) => {
            let views = views(project, compose, service);
            let states: Vec<bool> = views.iter().filter_map(|s| healthcheck_state(s)).collect();
            if states.last() == Some(&true) {
                let test = views
                    .iter()
                    .rev()
                    .find_map(|s| s.get("healthcheck").and_then(|h| h.get("test")));
                let text = test.map(scalar_or_list_text).unwrap_or_default();
                return Ok(Some(url_paths(&text)));
            }
            if states.last() == Some(&false) {
                return Ok(None);
            }
            let builder = views.iter().find(|s| s.get("build").is_some());
            match builder.map(|b| dockerfile_healthcheck(project, compose, b)) {
                Some(ImageCheck::Has(hc)) => {
                    let text = match &hc.args {
                        Args::Shell(s) => s.clone(),
                        Args::Exec(words) => words.join(" "),
                    };
                    Ok(Some(url_paths(&text)))
                }
                Some(ImageCheck::Missing) => Ok(None),
                // A published image may define a HEALTHCHECK we cannot see.
                _ => Err(()),
            }
        }
        Resolved::Service(service) => {
            let Some(selector) = service
                .node
                .path(&["spec", "selector"])
                .map(Selector::from_map)
            else {
                return Err(());
            };
            if selector.templated || selector.is_empty() {
                return Err(());
            }
            let workloads = project.workloads_selected_by(&service.namespace, &selector);
            if workloads.is_empty() {
                return Err(());
            }
            let mut any = false;
            let mut paths = Vec::new();
            for w in workloads {
                for c in w.containers() {
                    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
                        if let Some(p) = c.get(probe) {
                            any = true;
                            if let Some(path) = p.path(&["httpGet", "path"]).and_then(Node::as_str)
                            {
                                paths.push(path.to_string());
                            }
                        }
                    }
                }
            }
            Ok(any.then_some(paths))
        }
    }
}

fn scalar_or_list_text(node: &Node) -> String {
    match node.as_str() {
        Some(s) => s.to_string(),
        None => node
            .items()
            .iter()
            .filter_map(Node::as_str)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Paths of the URLs in a health check command: `curl -f http://localhost:8000/health` →
/// `/health`.
pub fn url_paths(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .filter_map(|word| {
            let rest = word.split_once("://").map(|(_, r)| r).or_else(|| {
                word.starts_with("localhost:")
                    .then_some(word)
                    .or_else(|| word.starts_with("127.0.0.1:").then_some(word))
            })?;
            let path = rest.find('/').map_or("/", |i| &rest[i..]);
            Some(path.split(['?', '#']).next().unwrap_or("/").to_string())
        })
        .collect()
}

/// A health check path and a probe path agree when equal, ignoring a trailing slash.
pub fn same_path(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// A target's subject: the balancer file, the backend or upstream, and the address.
pub fn target_subject(project: &Project, target: &LbTarget) -> String {
    format!(
        "{}#{} {}",
        project.path(target.file),
        target.group,
        target.address
    )
}

/// "compose service `web`" / "Service `web`", for messages.
pub fn describe(project: &Project, resolved: &Resolved<'_>) -> String {
    match resolved {
        Resolved::Compose(compose, service) => {
            format!(
                "compose service `{}` ({})",
                service.name,
                project.path(compose.file)
            )
        }
        Resolved::Service(s) => format!("Service `{}` ({})", s.name, project.path(s.file)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_urls() {
        assert_eq!(
            url_paths("curl -fsS http://localhost:8000/health || exit 1"),
            ["/health"]
        );
        assert_eq!(url_paths("wget -qO- localhost:80/ready?x=1"), ["/ready"]);
        assert!(url_paths("pg_isready -U postgres").is_empty());
        assert_eq!(url_paths("curl http://localhost:8080"), ["/"]);
    }
}
