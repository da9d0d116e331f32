//! A service runs next to a Prometheus that never scrapes it: no static target names it, no
//! ServiceMonitor or PodMonitor selects it, and no Kubernetes discovery job reaches it. Its
//! metrics exist only on its own `/metrics` page.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::signals::{
    ComposeProjects, Service, Svc, compose_names, is_operator_kind, metrics_collected, same_scope,
    scope_of, scrape_annotated, services, services_selecting,
};
use crate::discover::split_dir;
use crate::model::Project;
use crate::model::k8s::{K8sObject, Selector};
use crate::model::lb::split_host_port;
use crate::model::obs::prometheus::PromConfig;
use crate::parse::FileId;
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::{Cx, Rule};

pub struct CrossServiceNotScraped;

/// Roles of Kubernetes service discovery that find every pod or endpoint.
const ALL_TARGET_ROLES: &[&str] = &["pod", "endpoints", "endpointslice"];

impl Rule for CrossServiceNotScraped {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if !metrics_collected(project) {
            return;
        }
        let all = services(project);
        let judged = |s: &&Service<'_>| s.is_app() || s.roles.exporter;
        // Services by compose folder, in order: one compose project each.
        let mut by_dir: BTreeMap<&str, Vec<&Service<'_>>> = BTreeMap::new();
        for service in &all {
            if let Some(dir) = service.compose_dir(project) {
                by_dir.entry(dir).or_default().push(service);
            }
        }
        let compose_projects = ComposeProjects::new(project);
        for (dir, services) in by_dir {
            let Some(scrape) = compose_targets(project, &compose_projects, dir) else {
                continue;
            };
            for service in services.into_iter().filter(judged) {
                let Svc::Compose {
                    compose,
                    service: svc,
                } = &service.svc
                else {
                    continue;
                };
                let Some(names) = reachable_names(project, compose, svc) else {
                    continue;
                };
                let subject = service.subject(project);
                if names.iter().any(|n| scrape.hosts.contains(n)) {
                    cx.evaluate(subject);
                    continue;
                }
                let configs: Vec<String> = scrape
                    .configs
                    .iter()
                    .map(|f| format!("`{}`", project.path(*f)))
                    .collect();
                cx.report(
                    subject,
                    service.file(),
                    service.span(),
                    format!(
                        "{} is never scraped: no scrape job in {} targets `{}`, so its metrics are collected nowhere",
                        service.display(),
                        configs.join(", "),
                        names[0]
                    ),
                );
            }
        }
        let all_monitors: Vec<&K8sObject> = project
            .k8s
            .iter()
            .filter(|o| is_operator_kind(o, &["ServiceMonitor", "PodMonitor"]))
            .collect();
        // Monitors and configs depend only on the workload's scope: found once per scope.
        type InScope<'p> = (Vec<&'p K8sObject>, Vec<&'p PromConfig>);
        let mut by_scope: HashMap<&str, InScope<'_>> = HashMap::new();
        for service in all.iter().filter(judged) {
            let Svc::K8s(obj) = &service.svc else {
                continue;
            };
            let path = project.path(obj.file);
            let (monitors, configs) = by_scope.entry(scope_of(path)).or_insert_with(|| {
                let monitors = all_monitors
                    .iter()
                    .copied()
                    .filter(|o| same_scope(project.path(o.file), path))
                    .collect();
                let configs = project
                    .obs
                    .prometheus
                    .iter()
                    .filter(|c| same_scope(project.path(c.file), path))
                    .collect();
                (monitors, configs)
            });
            let (monitors, configs) = (&*monitors, &*configs);
            let discovers = configs.iter().any(|c| {
                c.jobs
                    .iter()
                    .any(|j| j.discovery.iter().any(|d| d == "kubernetes_sd_configs"))
            });
            // Judged only where monitoring is known to look: a discovery job, or a monitor
            // watching the workload's namespace. A namespace left to `kubectl -n` reads as
            // `default` here, and only monitors looking at `default` judge it.
            let watched = monitors
                .iter()
                .any(|m| watches_namespace(m, &obj.namespace));
            if !watched && !discovers {
                continue;
            }
            let subject = service.subject(project);
            match k8s_scraped(project, obj, monitors, configs) {
                Some(true) => cx.evaluate(subject),
                Some(false) => {
                    cx.report(
                        subject,
                        obj.file,
                        obj.span(),
                        format!(
                            "{} is never scraped: no ServiceMonitor or PodMonitor selects it or a Service in front of it, no Kubernetes discovery job keeps it, and no static target names its Service",
                            service.display()
                        ),
                    );
                }
                None => {}
            }
        }
    }
}

/// Hosts the Prometheus configs of a compose project scrape, with those configs. `None` when the
/// project has no config we can read, or one whose targets are discovered or templated.
struct Scrape {
    hosts: BTreeSet<String>,
    configs: Vec<FileId>,
}

fn compose_targets(
    project: &Project,
    compose_projects: &ComposeProjects<'_>,
    dir: &str,
) -> Option<Scrape> {
    let paths = project
        .obs
        .prometheus
        .iter()
        .map(|c| (c.file, project.path(c.file)));
    let files = compose_projects.files(dir, paths);
    if files.is_empty() {
        return None;
    }
    let mut hosts = BTreeSet::new();
    for config in project
        .obs
        .prometheus
        .iter()
        .filter(|c| files.contains(&c.file))
    {
        if project
            .file(config.file)
            .text
            .contains("scrape_config_files")
        {
            return None;
        }
        for job in &config.jobs {
            if job.discovery.iter().any(|d| d != "kubernetes_sd_configs") {
                return None;
            }
            if job.probes {
                continue;
            }
            for (target, _) in &job.targets {
                let host = target_host(target)?;
                hosts.insert(host);
            }
        }
    }
    Some(Scrape {
        hosts,
        configs: files,
    })
}

/// The host of a static target (`web:8000`, `http://web:8000/metrics`); `None` when templated.
fn target_host(target: &str) -> Option<String> {
    if is_templated(target) || target.contains('%') {
        return None;
    }
    let rest = target.split_once("://").map_or(target, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    let (host, _) = split_host_port(authority);
    (!host.is_empty()).then_some(host)
}

/// The names a scrape target may use for a compose service; `None` when its network is the
/// host's or another container's (targets then use addresses we cannot match).
fn reachable_names(
    project: &Project,
    compose: &crate::model::compose::ComposeFile,
    service: &crate::model::compose::ComposeService,
) -> Option<Vec<String>> {
    let mut names = compose_names(project, compose, service);
    let views = crate::rules::compose::common::views(project, compose, service);
    for view in views {
        let Some(mode) = view.get("network_mode").and_then(Node::as_str) else {
            continue;
        };
        match mode.strip_prefix("service:") {
            Some(other) => {
                let dir = split_dir(project.path(compose.file)).0;
                let owner = project
                    .compose_in(dir)
                    .find_map(|c| c.services.iter().find(|s| s.name == other).map(|s| (c, s)));
                match owner {
                    Some((c, s)) => names.extend(compose_names(project, c, s)),
                    None => return None,
                }
            }
            None if mode == "bridge" || mode == "default" => {}
            None => return None,
        }
    }
    Some(names)
}

/// Whether a workload is scraped; `None` when a selector is templated.
fn k8s_scraped(
    project: &Project,
    obj: &K8sObject,
    monitors: &[&K8sObject],
    configs: &[&PromConfig],
) -> Option<bool> {
    let kube_jobs: Vec<_> = configs
        .iter()
        .flat_map(|c| &c.jobs)
        .filter(|j| j.discovery.iter().any(|d| d == "kubernetes_sd_configs"))
        .collect();
    if kube_jobs.iter().any(|j| {
        !j.keeps_annotated
            && j.kubernetes_roles
                .iter()
                .any(|r| ALL_TARGET_ROLES.contains(&r.as_str()))
    }) {
        return Some(true);
    }
    let fronts = services_selecting(project, obj)?;
    if !kube_jobs.is_empty()
        && (scrape_annotated(&obj.node) || fronts.iter().any(|s| scrape_annotated(&s.node)))
    {
        return Some(true);
    }
    let mut undecided = false;
    let pod_labels = obj.pod_labels();
    for monitor in monitors {
        let selector = monitor
            .node
            .path(&["spec", "selector"])
            .map(Selector::from_label_selector)
            .unwrap_or_default();
        if selector.templated {
            undecided = true;
            continue;
        }
        let selected = match monitor.kind.as_str() {
            "ServiceMonitor" => {
                // A monitor selecting no Service of the repository targets Services defined
                // elsewhere, which may front this workload.
                let targets_elsewhere = !project.k8s.iter().any(|s| {
                    s.kind == "Service" && may_watch(monitor, s) && selector.matches(&s.labels())
                });
                if targets_elsewhere && may_watch(monitor, obj) {
                    undecided = true;
                }
                fronts
                    .iter()
                    .any(|s| may_watch(monitor, s) && selector.matches(&s.labels()))
            }
            _ => may_watch(monitor, obj) && selector.matches(&pod_labels),
        };
        if selected {
            return Some(true);
        }
    }
    for config in configs {
        for job in &config.jobs {
            for (target, _) in &job.targets {
                let Some(host) = target_host(target) else {
                    undecided = true;
                    continue;
                };
                let parts: Vec<&str> = host.split('.').collect();
                let (name, ns) = match parts.as_slice() {
                    [name] => (*name, None),
                    [name, ns] => (*name, Some(*ns)),
                    [name, ns, "svc", ..] => (*name, Some(*ns)),
                    _ => continue,
                };
                if fronts.iter().any(|s| {
                    s.name.eq_ignore_ascii_case(name) && ns.is_none_or(|n| s.namespace == n)
                }) {
                    return Some(true);
                }
            }
        }
    }
    if undecided { None } else { Some(false) }
}

/// Whether a monitor may look at an object's namespace: surely, or because the object's
/// namespace is left to apply time.
fn may_watch(monitor: &K8sObject, obj: &K8sObject) -> bool {
    let implicit =
        obj.node.path(&["metadata", "namespace"]).is_none() && obj.namespace == "default";
    implicit || watches_namespace(monitor, &obj.namespace)
}

/// The namespaces a ServiceMonitor or PodMonitor looks in: `namespaceSelector.any`, its
/// `matchNames`, else its own.
fn watches_namespace(monitor: &K8sObject, namespace: &str) -> bool {
    let selector = monitor.node.path(&["spec", "namespaceSelector"]);
    if selector.and_then(|s| s.get("any")).and_then(Node::as_bool) == Some(true) {
        return true;
    }
    match selector.and_then(|s| s.get("matchNames")) {
        Some(names) => names
            .items()
            .iter()
            .filter_map(Node::as_str)
            .any(|n| n == namespace || is_templated(n)),
        None => monitor.namespace == namespace,
    }
}
