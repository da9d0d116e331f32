//! What the nginx rules share: every `include` resolved to the repository files it names, the
//! blocks that enclose an included file, `server` blocks with their context, `listen` parsing
//! and subject names.
//!
//! nginx resolves a relative include against its prefix (the folder of the main `nginx.conf`),
//! so a pattern is tried from the including file's folder upwards, then anywhere by its tail.
//! An include that matches no repository file and is not one of nginx's stock files makes what
//! it would add unknown: rules that look for a directive stay silent then.

use std::collections::{BTreeSet, HashMap};

use crate::model::Project;
use crate::model::lb::NginxUnit;
use crate::parse::FileId;
use crate::parse::nginx::Directive;
use crate::parse::span::Span;

/// Files nginx packages ship: including one the repository lacks hides nothing the rules need.
const STOCK_INCLUDES: &[&str] = &[
    "mime.types",
    "fastcgi_params",
    "fastcgi.conf",
    "uwsgi_params",
    "scgi_params",
    "proxy_params",
    "koi-utf",
    "koi-win",
    "win-utf",
    "fastcgi-php.conf",
    "options-ssl-nginx.conf",
];

/// How many include hops a walk follows, against cycles and pathological fan-out.
const MAX_INCLUDE_DEPTH: usize = 12;
/// How many directives one expanded walk yields at most.
const MAX_EXPANDED: usize = 200_000;

/// Pass directives: where a location sends requests.
pub const PASS_DIRECTIVES: &[&str] = &[
    "proxy_pass",
    "grpc_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "memcached_pass",
];

/// A `(unit index, directive)` pair: directives reached through includes live in other files.
pub type At<'p> = (usize, &'p Directive);

/// Every directive below `dirs`, depth-first in document order, with its enclosing blocks.
pub fn walk(dirs: &[Directive]) -> Vec<(Vec<&Directive>, &Directive)> {
    let mut out = Vec::new();
    let mut parents: Vec<&Directive> = Vec::new();
    let mut stack = vec![dirs.iter()];
    while let Some(iter) = stack.last_mut() {
        match iter.next() {
            Some(d) => {
                out.push((parents.clone(), d));
                if !d.children().is_empty() {
                    parents.push(d);
                    stack.push(d.children().iter());
                }
            }
            None => {
                stack.pop();
                parents.pop();
            }
        }
    }
    out
}

/// The nginx files of a project with their includes resolved per directive.
pub struct Nginx<'p> {
    pub project: &'p Project,
    pub units: &'p [NginxUnit],
    /// Units each include directive names, keyed by (unit, directive start).
    targets: HashMap<(usize, usize), Vec<usize>>,
    /// Include directives whose content is unknown: a variable, or no repository file matches.
    unresolved: BTreeSet<(usize, usize)>,
    /// Per unit: the units it includes directly.
    edges: Vec<BTreeSet<usize>>,
    /// Per unit: who includes it, and the blocks around that include directive.
    includers: Vec<Vec<(usize, Vec<&'p Directive>)>>,
}

/// A `server { }` block of the http context.
pub struct Server<'p> {
    pub unit: usize,
    pub block: &'p Directive,
    /// The blocks around it, outermost first, through the files that include its file: one
    /// chain per way nginx reaches it.
    pub chains: Vec<Vec<At<'p>>>,
}

/// One `listen` directive, parsed.
pub struct Listen<'p> {
    pub directive: &'p Directive,
    /// Address, lowercased; `*` for any.
    pub addr: String,
    pub port: Option<u16>,
    pub unix: bool,
    pub ssl: bool,
    pub http2: bool,
}

impl Listen<'_> {
    pub fn loopback(&self) -> bool {
        self.unix
            || self.addr == "localhost"
            || self.addr == "[::1]"
            || self.addr.starts_with("127.")
    }

    /// The socket nginx binds, for comparing servers sharing one.
    pub fn socket(&self) -> (String, Option<u16>) {
        (self.addr.clone(), self.port)
    }
}

pub fn parse_listen(d: &Directive) -> Option<Listen<'_>> {
    let first = d.arg(0)?;
    let rest: Vec<&str> = d.args.iter().skip(1).map(|w| w.text.as_str()).collect();
    let ssl = rest.contains(&"ssl");
    let http2 = rest.contains(&"http2");
    if first.starts_with("unix:") {
        return Some(Listen {
            directive: d,
            addr: first.to_string(),
            port: None,
            unix: true,
            ssl,
            http2,
        });
    }
    let (addr, port) = if first.contains('$') {
        // A template placeholder (`${PORT}`): the port is unknown.
        (first.to_string(), None)
    } else if let Some(inner) = first.strip_prefix('[') {
        let (host, after) = inner.split_once(']').unwrap_or((inner, ""));
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok(),
            None => Some(80),
        };
        (format!("[{}]", host.to_ascii_lowercase()), port)
    } else if first.bytes().all(|b| b.is_ascii_digit()) {
        ("*".to_string(), first.parse().ok())
    } else if let Some((host, port)) = first.rsplit_once(':') {
        (host.to_ascii_lowercase(), port.parse().ok())
    } else {
        (first.to_ascii_lowercase(), Some(80))
    };
    let addr = if addr == "0.0.0.0" {
        "*".to_string()
    } else {
        addr
    };
    Some(Listen {
        directive: d,
        addr,
        port,
        unix: false,
        ssl,
        http2,
    })
}

/// The host a pass directive names, when it is written literally: `http://api:8080/x` → `api`,
/// `php` → `php`. `None` for variables and sockets.
pub fn pass_host(d: &Directive) -> Option<String> {
    let target = d.arg(0)?;
    let rest = target.split_once("://").map_or(target, |(_, r)| r);
    if rest.starts_with("unix:") {
        return None;
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.is_empty() || authority.contains('$') || authority.contains('{') {
        return None;
    }
    let host = if let Some(end) = authority.find(']') {
        &authority[..=end]
    } else {
        match authority.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => authority,
        }
    };
    Some(host.to_string())
}

/// A pass directive whose host comes from a variable: it may reach any upstream.
pub fn is_dynamic_pass(d: &Directive) -> bool {
    let Some(target) = d.arg(0) else {
        return false;
    };
    let rest = target.split_once("://").map_or(target, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    authority.is_empty() || authority.contains('$')
}

/// Whether the text of a Lua block (kept unparsed) mentions `needle` (lowercase).
pub fn lua_mentions(project: &Project, file: FileId, d: &Directive, needle: &str) -> bool {
    if !d.name().contains("_by_lua") {
        return false;
    }
    let text = &project.file(file).text;
    text.get(d.span.start..d.span.end)
        .is_some_and(|s| s.to_ascii_lowercase().contains(needle))
}

fn is_stock(pattern: &str) -> bool {
    let name = pattern.rsplit('/').next().unwrap_or(pattern);
    STOCK_INCLUDES.contains(&name) || pattern.contains("modules-enabled/")
}

impl<'p> Nginx<'p> {
    pub fn new(project: &'p Project) -> Self {
        let units = &project.nginx[..];
        let paths = crate::model::lb::IncludePaths::new(
            units.iter().map(|u| project.path(u.file)).collect(),
        );
        let mut targets = HashMap::new();
        let mut unresolved = BTreeSet::new();
        let mut edges = vec![BTreeSet::new(); units.len()];
        let mut includers = vec![Vec::new(); units.len()];
        for (i, unit) in units.iter().enumerate() {
            for (parents, d) in walk(&unit.config.directives) {
                if d.name() != "include" {
                    continue;
                }
                let Some(pattern) = d.arg(0) else { continue };
                let key = (i, d.span.start);
                if pattern.contains('$') {
                    unresolved.insert(key);
                    continue;
                }
                let found = crate::model::lb::resolve_include(&paths, i, pattern);
                if found.is_empty() {
                    if !is_stock(pattern) {
                        unresolved.insert(key);
                    }
                    continue;
                }
                for &t in &found {
                    edges[i].insert(t);
                    includers[t].push((i, parents.clone()));
                }
                targets.insert(key, found);
            }
        }
        Nginx {
            project,
            units,
            targets,
            unresolved,
            edges,
            includers,
        }
    }

    pub fn file(&self, unit: usize) -> FileId {
        self.units[unit].file
    }

    pub fn path(&self, unit: usize) -> &'p str {
        self.project.path(self.units[unit].file)
    }

    fn include_targets(&self, unit: usize, d: &Directive) -> &[usize] {
        self.targets
            .get(&(unit, d.span.start))
            .map_or(&[], |v| v.as_slice())
    }

    /// An include directive whose content cannot be seen.
    pub fn is_unresolved(&self, unit: usize, d: &Directive) -> bool {
        d.name() == "include" && self.unresolved.contains(&(unit, d.span.start))
    }

    /// Whether any include among `dirs` hides content.
    pub fn any_unresolved(&self, dirs: &[At<'p>]) -> bool {
        dirs.iter().any(|(u, d)| self.is_unresolved(*u, d))
    }

    /// The directives of a block, with includes replaced by the files they name.
    pub fn children(&self, unit: usize, block: &'p [Directive]) -> Vec<At<'p>> {
        self.expand(unit, block, false, &|_| false)
    }

    /// Every directive below `block`, at any depth, following includes.
    pub fn subtree(&self, unit: usize, block: &'p Directive) -> Vec<At<'p>> {
        self.expand(unit, block.children(), true, &|_| false)
    }

    /// Like `subtree`, without the blocks `skip` accepts (nor anything inside them).
    pub fn subtree_without(
        &self,
        unit: usize,
        block: &'p Directive,
        skip: &dyn Fn(&Directive) -> bool,
    ) -> Vec<At<'p>> {
        self.expand(unit, block.children(), true, skip)
    }

    fn expand(
        &self,
        unit: usize,
        dirs: &'p [Directive],
        deep: bool,
        skip: &dyn Fn(&Directive) -> bool,
    ) -> Vec<At<'p>> {
        let mut out = Vec::new();
        let mut stack: Vec<(usize, &'p Directive, usize)> =
            dirs.iter().rev().map(|d| (unit, d, 0)).collect();
        while let Some((u, d, hops)) = stack.pop() {
            if out.len() >= MAX_EXPANDED {
                break;
            }
            if skip(d) {
                continue;
            }
            out.push((u, d));
            if d.name() == "include" {
                if hops < MAX_INCLUDE_DEPTH {
                    for &t in self.include_targets(u, d).iter().rev() {
                        for c in self.units[t].config.directives.iter().rev() {
                            stack.push((t, c, hops + 1));
                        }
                    }
                }
                continue;
            }
            if deep {
                for c in d.children().iter().rev() {
                    stack.push((u, c, hops));
                }
            }
        }
        out
    }

    /// The blocks around a file's top level, through the files that include it: one chain per
    /// way nginx reaches it, outermost first; a single empty chain when nothing includes it.
    pub fn contexts(&self, unit: usize) -> Vec<Vec<At<'p>>> {
        let mut out: Vec<Vec<At<'p>>> = Vec::new();
        let mut stack: Vec<(usize, Vec<At<'p>>, BTreeSet<usize>)> =
            vec![(unit, Vec::new(), BTreeSet::from([unit]))];
        let mut budget = 256;
        while let Some((u, suffix, seen)) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                break;
            }
            let outer: Vec<_> = self.includers[u]
                .iter()
                .filter(|(i, _)| !seen.contains(i))
                .collect();
            if outer.is_empty() {
                out.push(suffix);
                continue;
            }
            for (i, parents) in outer {
                let mut chain: Vec<At<'p>> = parents.iter().map(|p| (*i, *p)).collect();
                chain.extend(suffix.iter().copied());
                let mut seen = seen.clone();
                seen.insert(*i);
                stack.push((*i, chain, seen));
            }
        }
        if out.is_empty() {
            out.push(Vec::new());
        }
        out
    }

    /// The unit and every unit it includes, directly or not.
    pub fn closure(&self, unit: usize) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![unit];
        while let Some(u) = stack.pop() {
            if seen.insert(u) {
                stack.extend(self.edges[u].iter().copied());
            }
        }
        seen
    }

    /// One configuration: the files that include this one (up to those nothing includes), and
    /// everything they and it include.
    pub fn group(&self, unit: usize) -> BTreeSet<usize> {
        let mut up = BTreeSet::new();
        let mut stack = vec![unit];
        while let Some(u) = stack.pop() {
            if up.insert(u) {
                stack.extend(self.includers[u].iter().map(|(i, _)| *i));
            }
        }
        let mut out = BTreeSet::new();
        for u in up {
            if self.includers[u].is_empty() || u == unit {
                out.extend(self.closure(u));
            }
        }
        out
    }

    /// Every `server { }` block of the http context, in file order.
    pub fn servers(&self) -> Vec<Server<'p>> {
        let mut out = Vec::new();
        for (unit, u) in self.units.iter().enumerate() {
            let outer = self.contexts(unit);
            for (parents, d) in walk(&u.config.directives) {
                if d.name() != "server" || d.block.is_none() {
                    continue;
                }
                let own: Vec<At<'p>> = parents.iter().map(|p| (unit, *p)).collect();
                let chains: Vec<Vec<At<'p>>> = outer
                    .iter()
                    .map(|c| c.iter().chain(own.iter()).copied().collect())
                    .collect();
                let named = |names: &[&str]| {
                    chains
                        .iter()
                        .any(|c| c.iter().any(|(_, b)| names.contains(&b.name())))
                };
                let http = named(&["http"]);
                let other = named(&["stream", "mail", "upstream"]);
                if !http && (other || looks_like_stream(d)) {
                    continue;
                }
                out.push(Server {
                    unit,
                    block: d,
                    chains,
                });
            }
        }
        out
    }

    /// The `http` blocks around a server, with the unit each lives in.
    pub fn http_blocks(&self, server: &Server<'p>) -> Vec<At<'p>> {
        let mut out: Vec<At<'p>> = Vec::new();
        for chain in &server.chains {
            for &(u, b) in chain {
                if b.name() == "http" && !out.iter().any(|(_, o)| std::ptr::eq(*o, b)) {
                    out.push((u, b));
                }
            }
        }
        out
    }

    /// The directives set at http level around a server (its own includes followed).
    pub fn http_level(&self, server: &Server<'p>) -> Vec<At<'p>> {
        self.http_blocks(server)
            .into_iter()
            .flat_map(|(u, b)| self.children(u, b.children()))
            .collect()
    }

    pub fn listens(&self, server: &Server<'p>) -> Vec<Listen<'p>> {
        self.children(server.unit, server.block.children())
            .into_iter()
            .filter(|(_, d)| d.name() == "listen")
            .filter_map(|(_, d)| parse_listen(d))
            .collect()
    }

    /// A server that terminates TLS: `listen ... ssl`, or the old `ssl on;`.
    pub fn is_ssl(&self, server: &Server<'p>) -> bool {
        self.listens(server).iter().any(|l| l.ssl) || self.ssl_on(server)
    }

    /// The old `ssl on;` (server or http level): every listen of the server speaks TLS.
    pub fn ssl_on(&self, server: &Server<'p>) -> bool {
        let ssl_on = |dirs: &[At<'p>]| {
            dirs.iter()
                .any(|(_, d)| d.name() == "ssl" && d.arg(0) == Some("on"))
        };
        ssl_on(&self.children(server.unit, server.block.children()))
            || ssl_on(&self.http_level(server))
    }

    /// Whether a server answers with content (locations, files, proxied responses) rather than
    /// only a `return`; ACME challenge locations do not count.
    pub fn serves_content(&self, server: &Server<'p>) -> bool {
        self.subtree_without(server.unit, server.block, &is_acme_location)
            .iter()
            .any(|(_, d)| {
                matches!(d.name(), "location" | "root" | "alias" | "try_files")
                    || PASS_DIRECTIVES.contains(&d.name())
            })
    }

    /// `{path}#server {server_name or listen}:{line}`.
    pub fn server_subject(&self, server: &Server<'p>) -> String {
        let block = server.block;
        let label = block
            .child("server_name")
            .and_then(|d| d.arg(0))
            .or_else(|| block.child("listen").and_then(|d| d.arg(0)))
            .unwrap_or("_");
        format!(
            "{}#server {}:{}",
            self.path(server.unit),
            label,
            self.line(server.unit, block.name.span)
        )
    }

    pub fn server_names(&self, server: &Server<'p>) -> Vec<&'p str> {
        server
            .block
            .children_named("server_name")
            .flat_map(|d| d.args.iter().map(|w| w.text.as_str()))
            .filter(|n| !n.is_empty() && *n != "_" && *n != "\"\"")
            .collect()
    }

    /// `{path}#upstream {name}`.
    pub fn upstream_subject(&self, unit: usize, upstream: &Directive) -> String {
        format!(
            "{}#upstream {}",
            self.path(unit),
            upstream.arg(0).unwrap_or("")
        )
    }

    pub fn line(&self, unit: usize, span: Span) -> usize {
        let source = self.project.file(self.file(unit));
        source.lines.position(&source.text, span.start).line
    }

    /// `path:line`, for messages.
    pub fn at(&self, unit: usize, span: Span) -> String {
        format!("{}:{}", self.path(unit), self.line(unit, span))
    }
}

/// A location that only answers ACME (Let's Encrypt) challenges, which must stay reachable.
pub fn is_acme_location(d: &Directive) -> bool {
    d.name() == "location" && d.args.iter().any(|w| w.text.contains("acme-challenge"))
}

/// A top-level `server` in a file nothing includes, that reads like the stream module's: UDP,
/// or a bare `proxy_pass name;` without locations.
fn looks_like_stream(d: &Directive) -> bool {
    let udp = d
        .children_named("listen")
        .any(|l| l.args.iter().skip(1).any(|w| w.text == "udp"));
    let bare_pass = d
        .children_named("proxy_pass")
        .any(|p| p.arg(0).is_some_and(|t| !t.contains("://")));
    udp || (bare_pass && d.child("location").is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::nginx::parse;

    #[test]
    fn listen_forms() {
        let config = parse(
            "listen 443 ssl http2; listen [::]:80; listen 127.0.0.1:8080; listen unix:/tmp/s; \
             listen example.com; listen 0.0.0.0:8443 ssl;",
        );
        let l: Vec<Listen> = config.directives.iter().filter_map(parse_listen).collect();
        assert_eq!(
            (l[0].addr.as_str(), l[0].port, l[0].ssl, l[0].http2),
            ("*", Some(443), true, true)
        );
        assert_eq!((l[1].addr.as_str(), l[1].port), ("[::]", Some(80)));
        assert!(l[2].loopback() && l[2].port == Some(8080));
        assert!(l[3].unix && l[3].loopback());
        assert_eq!((l[4].addr.as_str(), l[4].port), ("example.com", Some(80)));
        assert_eq!(l[5].socket(), ("*".to_string(), Some(8443)));
    }

    #[test]
    fn pass_hosts() {
        let config = parse(
            "proxy_pass http://api:8080/v1; fastcgi_pass php; proxy_pass http://$up; \
             uwsgi_pass unix:/run/u.sock; grpc_pass grpc://[::1]:50051;",
        );
        let hosts: Vec<Option<String>> = config.directives.iter().map(pass_host).collect();
        assert_eq!(hosts[0].as_deref(), Some("api"));
        assert_eq!(hosts[1].as_deref(), Some("php"));
        assert_eq!(hosts[2], None);
        assert_eq!(hosts[3], None);
        assert_eq!(hosts[4].as_deref(), Some("[::1]"));
        assert!(is_dynamic_pass(&config.directives[2]));
        assert!(!is_dynamic_pass(&config.directives[0]));
    }
}
