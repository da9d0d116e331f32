//! A service runs next to a Prometheus that never scrapes it: no static target names it, no
//! ServiceMonitor or PodMonitor selects it, and no Kubernetes discovery job reaches it. Its
//! metrics exist only on its own `/metrics` page.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::signals::{
    ComposeProjects, PathSet, Service, Svc, compose_names, is_operator_kind, metrics_collected,
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
        let configs = PathSet::new(
            project
                .obs
                .prometheus
                .iter()
                .map(|c| (c.file, project.path(c.file))),
        );
        let config_at: HashMap<FileId, usize> = project
            .obs
            .prometheus
            .iter()
            .enumerate()
            .map(|(i, c)| (c.file, i))
            .collect();
        for (dir, services) in by_dir {
            let Some(scrape) =
                compose_targets(project, &compose_projects, &configs, &config_at, dir)
            else {
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
        let all_configs: Vec<&PromConfig> = project.obs.prometheus.iter().collect();
        let monitors_by_scope = by_scope_of(&all_monitors, |o| project.path(o.file));
        let configs_by_scope = by_scope_of(&all_configs, |c| project.path(c.file));
        // Monitors and configs depend only on the workload's scope: found once per scope.
        type InScope<'p> = (Vec<&'p K8sObject>, Vec<&'p PromConfig>);
        let mut by_scope: HashMap<&str, InScope<'_>> = HashMap::new();
        for service in all.iter().filter(judged) {
            let Svc::K8s(obj) = &service.svc else {
                continue;
            };
            let path = project.path(obj.file);
            let (monitors, configs) = by_scope.entry(scope_of(path)).or_insert_with(|| {
                let scope = scope_of(path);
                let monitors = in_scope(&monitors_by_scope, scope, &all_monitors);
                let configs = in_scope(&configs_by_scope, scope, &all_configs);
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

/// Positions in `items` by the scope of each item's path.
fn by_scope_of<'a, T>(items: &[T], path: impl Fn(&T) -> &'a str) -> HashMap<&'a str, Vec<usize>> {
    let mut out: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        out.entry(scope_of(path(item))).or_default().push(i);
    }
    out
}

/// The items in the same scope as a path in `scope` (or one of the two at the repository
/// root), in order: all of them for a path at the
/// root, else those in the scope and those at the root.
fn in_scope<T: Copy>(by_scope: &HashMap<&str, Vec<usize>>, scope: &str, items: &[T]) -> Vec<T> {
    if scope.is_empty() {
        return items.to_vec();
    }
    let mut at: Vec<usize> = [scope, ""]
        .iter()
        .filter_map(|s| by_scope.get(s))
        .flatten()
        .copied()
        .collect();
    at.sort_unstable();
    at.into_iter().map(|i| items[i]).collect()
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
    configs: &PathSet<'_>,
    config_at: &HashMap<FileId, usize>,
    dir: &str,
) -> Option<Scrape> {
    let files = compose_projects.files(dir, configs);
    if files.is_empty() {
        return None;
    }
    let mut hosts = BTreeSet::new();
    // `files` keeps the order of `obs.prometheus`, which `configs` was built from; each file
    // holds one Prometheus config.
    for config in files
        .iter()
        .filter_map(|f| config_at.get(f).map(|&i| &project.obs.prometheus[i]))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_in_scope_are_those_of_the_scope_and_the_root_in_order() {
        let paths = ["a/p.yml", "root.yml", "b/p.yml", "a/q/r.yml"];
        let by_scope = by_scope_of(&paths, |p| p);
        assert_eq!(
            in_scope(&by_scope, "a", &paths),
            vec!["a/p.yml", "root.yml", "a/q/r.yml"]
        );
        assert_eq!(in_scope(&by_scope, "", &paths), paths.to_vec());
        assert_eq!(in_scope(&by_scope, "c", &paths), vec!["root.yml"]);
    }
}
