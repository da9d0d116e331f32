//! What the HAProxy rules share: subjects, settings in effect through `defaults` sections,
//! `bind` and `server` options, and the files HAProxy may load together with a given one.
//!
//! HAProxy accepts several `-f` files (or a whole folder) that form one configuration, so a
//! backend may be defined in `conf.d/` and used from the main file. Rules that look across
//! sections therefore consider a file's *group*: the HAProxy files in its own folder, its parent
//! folder and its direct subfolders. Being generous there only makes rules quieter.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::discover::split_dir;
use crate::model::Project;
use crate::model::lb::{HaproxyUnit, split_host_port};
use crate::model::memo::MemoSlot;
use crate::parse::haproxy::{Directive, HaproxyConfig, Section, SectionKind, Word};
use crate::parse::is_templated;

/// The HAProxy files rules judge: not templates (`{{ }}`, `{% %}`), whose rendered output is
/// what HAProxy actually reads.
pub fn units(project: &Project) -> impl Iterator<Item = &HaproxyUnit> {
    project.haproxy.iter().filter(|u| {
        let text = &project.file(u.file).text;
        !text.contains("{{") && !text.contains("{%")
    })
}

/// `path#frontend www`: the subject of a proxy section.
pub fn subject(project: &Project, unit: &HaproxyUnit, section: &Section) -> String {
    format!(
        "{}#{} {}",
        project.path(unit.file),
        section.kind.keyword(),
        section.name_str()
    )
}

/// `frontend www`, for messages.
pub fn display(section: &Section) -> String {
    format!("{} `{}`", section.kind.keyword(), section.name_str())
}

/// Frontends, backends and listens with their index.
pub fn proxies(config: &HaproxyConfig) -> impl Iterator<Item = (usize, &Section)> {
    config
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_proxy())
}

pub fn is_frontend_side(section: &Section) -> bool {
    matches!(section.kind, SectionKind::Frontend | SectionKind::Listen)
}

pub fn is_backend_side(section: &Section) -> bool {
    matches!(section.kind, SectionKind::Backend | SectionKind::Listen)
}

/// The setting in effect for a proxy, through its defaults; `default option X` (back to
/// HAProxy's built-in default) counts as unset.
pub fn effective<'c>(config: &'c HaproxyConfig, index: usize, name: &str) -> Option<&'c Directive> {
    config.effective(index, name).filter(|d| !d.reset())
}

/// The section itself, then the defaults it inherits from, nearest first (cycle-safe).
pub fn with_defaults(config: &HaproxyConfig, index: usize) -> Vec<&Section> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut at = index;
    while seen.insert(at) {
        let Some(section) = config.sections.get(at) else {
            break;
        };
        out.push(section);
        let Some(parent) = config.defaults_for(at) else {
            break;
        };
        let Some(next) = config.sections.iter().position(|s| std::ptr::eq(s, parent)) else {
            break;
        };
        at = next;
    }
    out
}

/// Every directive named `name` in the section or the defaults it inherits from. For rule
/// lists (`http-response`, `http-check`) that HAProxy inherits from defaults.
pub fn inherited<'c>(config: &'c HaproxyConfig, index: usize, name: &str) -> Vec<&'c Directive> {
    with_defaults(config, index)
        .into_iter()
        .flat_map(|s| s.directives.iter())
        .filter(|d| d.name_is(name) && !d.negated())
        .collect()
}

/// The proxy's effective mode. HAProxy's built-in default is TCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Http,
    Tcp,
    /// Templated, or a mode such as `log` or `spop` the rules do not judge.
    Other,
}

pub fn mode(config: &HaproxyConfig, index: usize) -> Mode {
    match effective(config, index, "mode").and_then(|d| d.arg(0)) {
        None => Mode::Tcp,
        Some(m) if m.eq_ignore_ascii_case("http") => Mode::Http,
        Some(m) if m.eq_ignore_ascii_case("tcp") => Mode::Tcp,
        Some(_) => Mode::Other,
    }
}

pub fn is_http(config: &HaproxyConfig, index: usize) -> bool {
    mode(config, index) == Mode::Http
}

pub fn binds(section: &Section) -> impl Iterator<Item = &Directive> {
    section.directives.iter().filter(|d| d.name_is("bind"))
}

/// `bind <address> ... ssl ...`: TLS is terminated on this listener.
pub fn bind_is_ssl(bind: &Directive) -> bool {
    bind.args().iter().skip(1).any(|w| w.text == "ssl")
}

/// The value following `option` on a bind or server line (`alpn h2`, `ciphers ...`).
pub fn option_value<'d>(words: &'d [Word], option: &str) -> Option<&'d Word> {
    let i = words.iter().position(|w| w.text == option)?;
    words.get(i + 1)
}

/// A listener nothing outside the host can reach: loopback addresses and local sockets.
pub fn bind_is_local(bind: &Directive) -> bool {
    let Some(address) = bind.arg(0) else {
        return false;
    };
    !address.is_empty() && address.split(',').all(address_is_local)
}

fn address_is_local(address: &str) -> bool {
    let a = address.trim();
    if a.starts_with('/')
        || ["unix@", "abns@", "fd@", "sockpair@", "uxst@", "uxdg@"]
            .iter()
            .any(|p| a.starts_with(p))
    {
        return true;
    }
    let a = a.split_once('@').map_or(a, |(_, rest)| rest);
    a.starts_with("127.")
        || a.starts_with("localhost")
        || a.starts_with("[::1]")
        || a.starts_with("::1")
}

/// The parameters of a `server`, `server-template` or `default-server` line, after its name
/// and address.
pub fn server_params(server: &Directive) -> &[Word] {
    let skip = match server.keyword() {
        "server" => 2,
        "server-template" => 3,
        _ => 0,
    };
    server.args().get(skip..).unwrap_or(&[])
}

/// The server's address word (`10.0.0.1:80`, `app.internal:8080`).
pub fn server_address(server: &Directive) -> Option<&Word> {
    match server.keyword() {
        "server" => server.args().get(1),
        "server-template" => server.args().get(2),
        _ => None,
    }
}

/// `0.0.0.0`, `::` or `*` (optionally with a port): the destination is set per request
/// (`http-request set-dst`, transparent or `option http_proxy` setups), not a fixed server.
pub fn is_per_request_address(address: &str) -> bool {
    let bare = address.split_once('@').map_or(address, |(_, rest)| rest);
    let host = if let Some(rest) = bare.strip_prefix('[') {
        rest.split_once(']').map_or(rest, |(h, _)| h)
    } else if bare.matches(':').count() > 1 {
        bare
    } else {
        bare.split_once(':').map_or(bare, |(h, _)| h)
    };
    matches!(host, "0.0.0.0" | "::" | "*" | "")
}

/// Host part of a server address, without an `ipv4@`-style prefix or port.
pub fn server_host(address: &str) -> String {
    let bare = address.split_once('@').map_or(address, |(_, rest)| rest);
    split_host_port(bare).0
}

/// A server on the same host: a local socket, `localhost` or a loopback address (a sidecar).
pub fn is_local_address(address: &str) -> bool {
    let host = server_host(address);
    address.starts_with('/')
        || ["unix@", "abns@", "sockpair@"]
            .iter()
            .any(|p| address.starts_with(p))
        || host == "localhost"
        || host.starts_with("127.")
        || host == "[::1]"
}

/// `default-server` lines that apply to a proxy's servers, in the order HAProxy applies them:
/// the farthest defaults section first, the proxy's own lines last.
pub fn default_server_lines(config: &HaproxyConfig, index: usize) -> Vec<&Directive> {
    let mut chain = with_defaults(config, index);
    chain.reverse();
    chain
        .into_iter()
        .flat_map(|s| s.directives.iter())
        .filter(|d| d.keyword() == "default-server")
        .collect()
}

/// Whether a boolean server setting (`check`/`no-check`) ends up on for `server`, applying
/// `default-server` lines then the server's own. `None` when a templated word could hold it.
pub fn server_flag(
    config: &HaproxyConfig,
    index: usize,
    server: &Directive,
    on: &str,
    off: &str,
) -> Option<bool> {
    let mut state = false;
    let lines = default_server_lines(config, index);
    let words = lines
        .iter()
        .flat_map(|d| d.args().iter())
        .chain(server_params(server).iter());
    let mut unknown = false;
    for word in words {
        if word.text == on {
            state = true;
        } else if word.text == off {
            state = false;
        } else if is_unknown(&word.text) {
            unknown = true;
        }
    }
    if unknown && !state { None } else { Some(state) }
}

/// Whether a server with an option that takes a value (`resolvers dns`, `observe layer7`) gets it
/// from its own line or a `default-server` line.
pub fn server_option<'c>(
    config: &'c HaproxyConfig,
    index: usize,
    server: &'c Directive,
    option: &str,
) -> Option<&'c Word> {
    option_value(server_params(server), option).or_else(|| {
        default_server_lines(config, index)
            .into_iter()
            .rev()
            .find_map(|d| option_value(d.args(), option))
    })
}

/// HAProxy health-checks this server: `check` (directly or from `default-server`) and not
/// `no-check`. `track` servers follow another server's checks. `None` for servers whose
/// destination is only decided per request.
pub fn server_checked(config: &HaproxyConfig, index: usize, server: &Directive) -> Option<bool> {
    if option_value(server_params(server), "track").is_some() {
        return Some(true);
    }
    if server_address(server).is_some_and(|a| is_per_request_address(&a.text)) {
        return None;
    }
    server_flag(config, index, server, "check", "no-check")
}

/// The HAProxy files that may be loaded together with `unit` (itself first): same folder,
/// parent folder, direct subfolders.
pub fn group<'p>(project: &'p Project, unit: &'p HaproxyUnit) -> Vec<&'p HaproxyUnit> {
    let dirs = by_dir(project);
    let dir = split_dir(project.path(unit.file)).0;
    let mut others: Vec<usize> = [
        dirs.in_dir.get(dir),
        parent_dir(dir).and_then(|p| dirs.in_dir.get(p)),
        dirs.in_subdir_of.get(dir),
    ]
    .into_iter()
    .flatten()
    .flatten()
    .copied()
    .filter(|&i| project.haproxy[i].file != unit.file)
    .collect();
    others.sort_unstable();
    others.dedup();
    let mut out = vec![unit];
    out.extend(others.into_iter().map(|i| &project.haproxy[i]));
    out
}

/// HAProxy files by folder, and by the folder above theirs: every unit asks for its group, so
/// the files are filed once instead of compared with every other file.
#[derive(Default)]
pub struct HaproxyDirs {
    in_dir: HashMap<String, Vec<usize>>,
    in_subdir_of: HashMap<String, Vec<usize>>,
}

fn by_dir(project: &Project) -> Arc<HaproxyDirs> {
    project.memo.get_or_init(MemoSlot::HaproxyDirs, || {
        let mut dirs = HaproxyDirs::default();
        for (i, unit) in project.haproxy.iter().enumerate() {
            let dir = split_dir(project.path(unit.file)).0;
            dirs.in_dir.entry(dir.to_string()).or_default().push(i);
            if let Some(parent) = parent_dir(dir) {
                dirs.in_subdir_of
                    .entry(parent.to_string())
                    .or_default()
                    .push(i);
            }
        }
        Arc::new(dirs)
    })
}

/// `a/b/` → `a/`; `a/` → ``; `` → none.
fn parent_dir(dir: &str) -> Option<&str> {
    let trimmed = dir.strip_suffix('/')?;
    Some(trimmed.rfind('/').map_or("", |i| &trimmed[..=i]))
}

/// The file has no `global` section but another file supplies it: a group mate has one, or a
/// comment says where it lives (`# global is defined in global.def`).
pub fn global_elsewhere(project: &Project, unit: &HaproxyUnit) -> bool {
    let has_global = |u: &HaproxyUnit| {
        u.config
            .sections
            .iter()
            .any(|s| s.kind == SectionKind::Global)
    };
    if has_global(unit) {
        return false;
    }
    group(project, unit).iter().skip(1).any(|u| has_global(u))
        || project.file(unit.file).text.lines().any(|line| {
            let line = line.trim_start();
            line.starts_with('#') && line.to_ascii_lowercase().contains("global")
        })
}

/// Sends requests to backends or servers, as opposed to a stats page, a monitor endpoint or a
/// frontend that only answers canned responses.
pub fn routes_to_servers(config: &HaproxyConfig, index: usize) -> bool {
    let section = &config.sections[index];
    section.directives.iter().any(|d| {
        d.name_is("use_backend") || d.keyword() == "server" || d.keyword() == "server-template"
    }) || effective(config, index, "default_backend").is_some()
}

/// Load-balanced: at least two servers, or a template that creates several.
pub fn balanced(config: &HaproxyConfig, index: usize) -> bool {
    let servers: Vec<&Directive> = config.servers(index).collect();
    servers.len() >= 2 || servers.iter().any(|s| s.keyword() == "server-template")
}

/// Names of the backends (and listens) defined in these files.
pub fn backend_names(units: &[&HaproxyUnit]) -> BTreeSet<String> {
    units
        .iter()
        .flat_map(|u| u.config.sections.iter())
        .filter(|s| is_backend_side(s))
        .map(|s| s.name_str().to_string())
        .collect()
}

/// A value HAProxy fills in from the environment or at run time.
pub fn is_unknown(text: &str) -> bool {
    is_templated(text) || text.contains("%[")
}

/// `0`, `0s`, `0ms`: HAProxy reads a zero timeout as no timeout at all.
pub fn is_zero_duration(text: &str) -> bool {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    !digits.is_empty() && digits.chars().all(|c| c == '0')
}

/// The servers of an HTTP backend that balances over several servers, all of whose health
/// checks we can read and at least one of which is checked; `None` for any other proxy.
pub fn checked_http_pool<'a>(
    config: &'a HaproxyConfig,
    index: usize,
    section: &Section,
) -> Option<Vec<&'a Directive>> {
    // With a single server there is no other server to send requests to.
    if !is_backend_side(section) || !is_http(config, index) || !balanced(config, index) {
        return None;
    }
    let servers: Vec<&Directive> = config.servers(index).collect();
    let checked: Vec<Option<bool>> = servers
        .iter()
        .map(|s| server_checked(config, index, s))
        .collect();
    (!checked.contains(&None) && checked.contains(&Some(true))).then_some(servers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents() {
        assert_eq!(parent_dir("a/b/"), Some("a/"));
        assert_eq!(parent_dir("a/"), Some(""));
        assert_eq!(parent_dir(""), None);
    }

    #[test]
    fn zero_durations() {
        assert!(is_zero_duration("0"));
        assert!(is_zero_duration("0ms"));
        assert!(!is_zero_duration("10s"));
        assert!(!is_zero_duration("${T}"));
    }

    #[test]
    fn per_request_addresses() {
        assert!(is_per_request_address("0.0.0.0"));
        assert!(is_per_request_address("0.0.0.0:0"));
        assert!(is_per_request_address("[::]:80"));
        assert!(is_per_request_address(":8080"));
        assert!(!is_per_request_address("10.0.0.1:80"));
        assert!(!is_per_request_address("app:80"));
    }

    #[test]
    fn local_addresses() {
        assert!(address_is_local("127.0.0.1:8080"));
        assert!(address_is_local("ipv4@127.0.0.1:80"));
        assert!(address_is_local("unix@/run/haproxy.sock"));
        assert!(address_is_local("/var/run/app.sock"));
        assert!(!address_is_local(":80"));
        assert!(!address_is_local("0.0.0.0:443"));
    }
}
