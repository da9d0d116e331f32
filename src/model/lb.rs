//! Load balancers: HAProxy and nginx configurations, nginx includes resolved inside the
//! repository, and the targets (servers, upstreams, proxied hosts) they send traffic to.

use std::collections::{BTreeSet, HashMap};

use crate::discover::split_dir;
use crate::model::ci::glob_matches;
use crate::model::project::normalize;
use crate::parse::haproxy::{HaproxyConfig, SectionKind};
use crate::parse::nginx::NginxConfig;
use crate::parse::span::Span;
use crate::parse::{FileId, SourceFile};

#[derive(Debug)]
pub struct HaproxyUnit {
    pub file: FileId,
    pub config: HaproxyConfig,
}

#[derive(Debug)]
pub struct NginxUnit {
    pub file: FileId,
    pub config: NginxConfig,
    /// Files this one includes, directly or not, found in the repository (cycle-safe).
    pub includes: Vec<FileId>,
}

impl NginxUnit {
    /// A main configuration (it has an `http` block), as opposed to a snippet included by one.
    pub fn is_main(&self) -> bool {
        self.config.directives.iter().any(|d| d.name() == "http")
    }
}

/// Which load balancer a target belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbKind {
    Haproxy,
    Nginx,
}

/// A place a load balancer sends traffic: a HAProxy `server`, an nginx upstream `server` or a
/// host in `proxy_pass`.
#[derive(Debug, Clone)]
pub struct LbTarget {
    pub kind: LbKind,
    pub file: FileId,
    /// The address as written (`web:8000`, `10.0.0.5`, `api.default.svc.cluster.local:80`).
    pub address: String,
    pub span: Span,
    /// Host part, lowercased, without port; empty when dynamic.
    pub host: String,
    pub port: Option<u16>,
    /// The backend or upstream it belongs to (`proxy_pass` targets name the location).
    pub group: String,
    /// HTTP health check path the balancer probes this target with, when it has one.
    pub health_path: Option<String>,
}

impl LbTarget {
    /// A bare service name (`web`, `api.prod`, `api.prod.svc.cluster.local`) rather than an IP
    /// address, `localhost` or an external domain: something compose or Kubernetes must define.
    pub fn service_name(&self) -> Option<(&str, Option<&str>)> {
        let host = self.host.as_str();
        if host.is_empty()
            || host == "localhost"
            || host.parse::<std::net::IpAddr>().is_ok()
            || host.starts_with('[')
            || host.contains('$')
            || host.contains('{')
            || host.starts_with("unix:")
        {
            return None;
        }
        let parts: Vec<&str> = host.split('.').collect();
        match parts.as_slice() {
            [name] => Some((name, None)),
            [name, ns] => Some((name, Some(ns))),
            [name, ns, "svc", ..] => Some((name, Some(ns))),
            _ => None,
        }
    }
}

/// Splits `host:port`; IPv6 literals keep their brackets.
pub fn split_host_port(address: &str) -> (String, Option<u16>) {
    let address = address.trim();
    if let Some(rest) = address.strip_prefix('[') {
        let (host, after) = rest.split_once(']').unwrap_or((rest, ""));
        let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
        return (format!("[{host}]"), port);
    }
    match address.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (host.to_ascii_lowercase(), port.parse().ok()),
        _ => (address.to_ascii_lowercase(), None),
    }
}

/// The HTTP path of `option httpchk` / `http-check send` in effect for a proxy.
pub fn haproxy_health_path(config: &HaproxyConfig, index: usize) -> Option<String> {
    let section = &config.sections[index];
    if let Some(send) = section
        .all("http-check")
        .filter(|d| d.arg(0) == Some("send"))
        .last()
    {
        let words: Vec<&str> = send.args().iter().map(|w| w.text.as_str()).collect();
        if let Some(i) = words.iter().position(|w| *w == "uri") {
            return words.get(i + 1).map(|s| s.to_string());
        }
    }
    let chk = config.effective(index, "option httpchk")?;
    let values: Vec<&str> = chk.values().iter().map(|w| w.text.as_str()).collect();
    match values.as_slice() {
        [] => Some("/".to_string()),
        [uri] => Some(uri.to_string()),
        [_method, uri, ..] => Some(uri.to_string()),
    }
}

pub fn haproxy_targets(unit: &HaproxyUnit) -> Vec<LbTarget> {
    let mut out = Vec::new();
    for (index, section) in unit.config.sections.iter().enumerate() {
        if !matches!(section.kind, SectionKind::Backend | SectionKind::Listen) {
            continue;
        }
        let health_path = haproxy_health_path(&unit.config, index);
        for server in unit.config.servers(index) {
            // `server <name> <address>`; `server-template <prefix> <num> <fqdn>:<port>`.
            let word = match server.keyword() {
                "server-template" => server.args().get(2),
                _ => server.args().get(1),
            };
            let Some(word) = word else { continue };
            let (host, port) = split_host_port(&word.text);
            let dynamic = word.text.contains('$') || word.text.starts_with('/');
            out.push(LbTarget {
                kind: LbKind::Haproxy,
                file: unit.file,
                address: word.text.clone(),
                span: word.span,
                host: if dynamic { String::new() } else { host },
                port,
                group: section.name_str().to_string(),
                health_path: health_path.clone(),
            });
        }
    }
    out
}

/// Upstream servers and `proxy_pass` hosts that are not upstream names.
pub fn nginx_targets(unit: &NginxUnit, upstream_names: &BTreeSet<String>) -> Vec<LbTarget> {
    let mut out = Vec::new();
    for (_, directive) in unit.config.walk() {
        match directive.name() {
            "upstream" => {
                let group = directive.arg(0).unwrap_or("").to_string();
                for server in directive.children_named("server") {
                    let Some(word) = server.args.first() else {
                        continue;
                    };
                    let (host, port) = split_host_port(&word.text);
                    let dynamic = word.text.contains('$') || word.text.starts_with("unix:");
                    out.push(LbTarget {
                        kind: LbKind::Nginx,
                        file: unit.file,
                        address: word.text.clone(),
                        span: word.span,
                        host: if dynamic { String::new() } else { host },
                        port,
                        group: group.clone(),
                        health_path: None,
                    });
                }
            }
            "proxy_pass" | "grpc_pass" | "uwsgi_pass" | "fastcgi_pass" | "scgi_pass" => {
                let Some(word) = directive.args.first() else {
                    continue;
                };
                let rest = word
                    .text
                    .split_once("://")
                    .map_or(word.text.as_str(), |(_, r)| r);
                let authority = rest.split('/').next().unwrap_or("");
                let (host, port) = split_host_port(authority);
                if upstream_names.contains(&host) || authority.contains('$') {
                    continue;
                }
                out.push(LbTarget {
                    kind: LbKind::Nginx,
                    file: unit.file,
                    address: authority.to_string(),
                    span: word.span,
                    host,
                    port,
                    group: format!("{} {}", directive.name(), word.text),
                    health_path: None,
                });
            }
            _ => {}
        }
    }
    out
}

/// Resolves each nginx file's `include`s to repository files (see `resolve_include`); cycles
/// stop.
pub fn resolve_nginx_includes(files: &[SourceFile], units: &mut [NginxUnit]) {
    let paths = IncludePaths::new(units.iter().map(|u| files[u.file].path.as_str()).collect());
    let direct: Vec<Vec<usize>> = units
        .iter()
        .enumerate()
        .map(|(i, unit)| {
            let mut found = BTreeSet::new();
            for d in unit.config.find_all("include") {
                let Some(pattern) = d.arg(0) else { continue };
                if pattern.contains('$') {
                    continue;
                }
                found.extend(resolve_include(&paths, i, pattern));
            }
            found.into_iter().collect()
        })
        .collect();
    let mut closures = Vec::with_capacity(units.len());
    for i in 0..units.len() {
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        let mut stack: Vec<usize> = direct[i].clone();
        while let Some(j) = stack.pop() {
            if j == i || !seen.insert(j) {
                continue;
            }
            stack.extend(direct[j].iter().copied());
        }
        closures.push(seen.into_iter().map(|j| units[j].file).collect::<Vec<_>>());
    }
    for (unit, includes) in units.iter_mut().zip(closures) {
        unit.includes = includes;
    }
}

/// Repository files an include pattern names, from `from`'s folder upwards, else by tail.
/// The nginx files' paths, with indexes so that resolving an include tests only the paths that
/// could match it: those starting with the pattern's text before its first `*`, or, for a
/// `**/…/name` pattern, those with that file name. Testing every path for every include made
/// a monorepo of many nginx setups quadratic.
pub struct IncludePaths<'a> {
    paths: Vec<&'a str>,
    /// (path, index into `paths`), sorted by path.
    sorted: Vec<(&'a str, usize)>,
    /// Indices into `paths` by file name.
    by_name: HashMap<&'a str, Vec<usize>>,
}

impl<'a> IncludePaths<'a> {
    pub fn new(paths: Vec<&'a str>) -> Self {
        let mut sorted: Vec<(&str, usize)> = paths.iter().copied().zip(0..).collect();
        sorted.sort_unstable();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, path) in paths.iter().enumerate() {
            by_name.entry(split_dir(path).1).or_default().push(i);
        }
        IncludePaths {
            paths,
            sorted,
            by_name,
        }
    }

    /// Indices of the paths other than `from` that `pattern` matches, in order.
    fn hits(&self, pattern: &str, from: usize) -> Vec<usize> {
        let literal = &pattern[..pattern.find('*').unwrap_or(pattern.len())];
        let name = split_dir(pattern).1;
        let mut candidates: Vec<usize> = if !literal.is_empty() {
            let start = self.sorted.partition_point(|(p, _)| *p < literal);
            self.sorted[start..]
                .iter()
                .take_while(|(p, _)| p.starts_with(literal))
                .map(|(_, i)| *i)
                .collect()
        } else if !name.contains('*') {
            self.by_name.get(name).cloned().unwrap_or_default()
        } else {
            (0..self.paths.len()).collect()
        };
        candidates.sort_unstable();
        candidates
            .into_iter()
            .filter(|&i| i != from && glob_matches(pattern, self.paths[i]))
            .collect()
    }
}

pub fn resolve_include(paths: &IncludePaths<'_>, from: usize, pattern: &str) -> Vec<usize> {
    let rel = match pattern.strip_prefix('/') {
        Some(abs) => abs
            .strip_prefix("etc/nginx/")
            .or_else(|| abs.strip_prefix("usr/local/nginx/conf/"))
            .or_else(|| abs.strip_prefix("usr/local/openresty/nginx/conf/"))
            .or_else(|| abs.strip_prefix("etc/openresty/"))
            .unwrap_or(abs),
        None => pattern,
    };
    let hits = |candidate: &str| paths.hits(candidate, from);
    let (dir, _) = split_dir(paths.paths[from]);
    let mut base = dir.trim_end_matches('/');
    loop {
        let candidate = if base.is_empty() {
            normalize(rel)
        } else {
            normalize(&format!("{base}/{rel}"))
        };
        let found = hits(&candidate);
        if !found.is_empty() {
            return found;
        }
        if base.is_empty() {
            break;
        }
        base = base.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
    // Anywhere by its tail, keeping only the matches nearest the including file: sharing the
    // longest folder prefix with it, and all its folders but the last (`deploy/nginx/nginx.conf`
    // may use `deploy/conf.d/`), so a repository of several independent nginx setups
    // (`demos/a/nginx.conf`, `demos/b/conf.d/`) does not wire them into each other.
    let found = hits(&format!("**/{}", rel.trim_start_matches("./")));
    let shared = |i: &usize| common_dirs(paths.paths[from], paths.paths[*i]);
    let best = found.iter().map(shared).max().unwrap_or(0);
    let depth = dir.split_terminator('/').count();
    if best + 1 < depth {
        return Vec::new();
    }
    found.into_iter().filter(|i| shared(i) == best).collect()
}

/// How many leading folders two paths share.
fn common_dirs(a: &str, b: &str) -> usize {
    let (a, _) = split_dir(a);
    let (b, _) = split_dir(b);
    a.split_terminator('/')
        .zip(b.split_terminator('/'))
        .take_while(|(x, y)| x == y)
        .count()
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port() {
        assert_eq!(split_host_port("web:8000"), ("web".to_string(), Some(8000)));
        assert_eq!(split_host_port("10.0.0.1"), ("10.0.0.1".to_string(), None));
        assert_eq!(split_host_port("[::1]:80"), ("[::1]".to_string(), Some(80)));
    }
}
