//! HTTP backends that look stateful (login/session/socket.io routes, websocket upgrades, names
//! saying so) but spread a user's requests over several servers without any stickiness.

use std::collections::BTreeMap;

use super::common::{
    display, effective, is_backend_side, is_frontend_side, is_http, is_unknown, proxies, subject,
    units,
};
use crate::model::Project;
use crate::parse::haproxy::{HaproxyConfig, Section, Word};
use crate::rules::{Cx, Rule};

pub struct HaproxyNoSessionAffinity;

/// Name parts that announce per-user state or long-lived connections.
const STATEFUL_NAMES: &[&str] = &[
    "auth",
    "login",
    "session",
    "sessions",
    "sso",
    "ws",
    "websocket",
    "websockets",
    "socket",
    "sockets",
    "socketio",
    "realtime",
    "stream",
    "streams",
    "sticky",
];

/// Path prefixes of logins, sessions and socket transports.
const STATEFUL_PATHS: &[&str] = &[
    "/auth",
    "/login",
    "/session",
    "/ws",
    "/socket.io",
    "/websocket",
    "/sockjs",
];

/// Balance algorithms that send one client to one server.
const STICKY_BALANCE: &[&str] = &["source", "uri", "url_param", "rdp-cookie", "hash"];

impl Rule for HaproxyNoSessionAffinity {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            let routed = routing_signs(config);
            for (index, section) in proxies(config) {
                if !is_backend_side(section) || !is_http(config, index) {
                    continue;
                }
                let servers: Vec<_> = config.servers(index).collect();
                if servers.len() < 2 && !servers.iter().any(|s| s.keyword() == "server-template") {
                    continue;
                }
                let mut signs: Vec<String> = Vec::new();
                if let Some(part) = stateful_name(section.name_str()) {
                    signs.push(format!("its name (`{part}`)"));
                } else if let Some(part) = servers
                    .iter()
                    .filter_map(|s| s.arg(0))
                    .find_map(stateful_name)
                {
                    signs.push(format!("its server names (`{part}`)"));
                }
                if let Some(reasons) = routed.get(section.name_str()) {
                    signs.extend(reasons.iter().cloned());
                }
                if section.find("timeout tunnel").is_some() {
                    signs.push("its `timeout tunnel` for long-lived connections".to_string());
                }
                if signs.is_empty() {
                    continue;
                }
                let Some(sticky) = has_affinity(config, index, section) else {
                    continue;
                };
                let subject = subject(project, unit, section);
                cx.evaluate(subject.clone());
                if sticky {
                    continue;
                }
                cx.report(
                    subject,
                    unit.file,
                    section.header,
                    format!(
                        "{} looks stateful ({}) but spreads each user's requests over {} servers without session affinity",
                        display(section),
                        signs.join(", "),
                        if servers.len() >= 2 { servers.len().to_string() } else { "several".to_string() }
                    ),
                );
            }
        }
    }
}

fn stateful_name(name: &str) -> Option<&str> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|part| STATEFUL_NAMES.iter().any(|s| part.eq_ignore_ascii_case(s)))
}

/// Cookie persistence, stick rules, hashing balance or explicit server choice; `None` when the
/// algorithm is chosen at deploy time.
fn has_affinity(config: &HaproxyConfig, index: usize, section: &Section) -> Option<bool> {
    if let Some(algo) = effective(config, index, "balance").and_then(|d| d.arg(0)) {
        if is_unknown(algo) {
            return None;
        }
        let algo = algo.to_ascii_lowercase();
        if STICKY_BALANCE.contains(&algo.as_str())
            || algo.starts_with("hdr(")
            || algo.starts_with("rdp-cookie")
        {
            return Some(true);
        }
    }
    let sticky = effective(config, index, "cookie").is_some()
        || effective(config, index, "hash-type")
            .is_some_and(|d| d.args().iter().any(|w| w.text == "consistent"))
        || effective(config, index, "appsession").is_some()
        || effective(config, index, "persist").is_some()
        || section.directives.iter().any(|d| {
            let k = d.keyword();
            (k.starts_with("stick") && k != "stick-table") || k == "use-server"
        });
    Some(sticky)
}

/// Backend name → why its traffic looks stateful, from the conditions frontends route on.
fn routing_signs(config: &HaproxyConfig) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, section) in proxies(config) {
        if !is_frontend_side(section) {
            continue;
        }
        let mut acls: BTreeMap<&str, Vec<&Word>> = BTreeMap::new();
        for acl in section.directives.iter().filter(|d| d.name_is("acl")) {
            if let Some((name, rest)) = acl.args().split_first() {
                acls.entry(name.text.as_str())
                    .or_default()
                    .extend(rest.iter());
            }
        }
        for rule in section
            .directives
            .iter()
            .filter(|d| d.name_is("use_backend"))
        {
            let Some((backend, rest)) = rule.args().split_first() else {
                continue;
            };
            let Some(cond) = rest
                .iter()
                .position(|w| w.text == "if" || w.text == "unless")
            else {
                continue;
            };
            let mut words: Vec<&Word> = Vec::new();
            for word in &rest[cond + 1..] {
                let name = word.text.trim_start_matches('!');
                match acls.get(name) {
                    Some(expanded) => words.extend(expanded.iter().copied()),
                    None => words.push(word),
                }
            }
            if let Some(reason) = stateful_condition(&words) {
                let reason = format!("{reason}, routed by {}", display(section));
                let entry = out.entry(backend.text.clone()).or_default();
                if !entry.contains(&reason) {
                    entry.push(reason);
                }
            }
        }
    }
    out
}

/// A path match on a login/session/socket prefix, or a test of the Upgrade/Connection header.
fn stateful_condition(words: &[&Word]) -> Option<String> {
    let lower: Vec<String> = words.iter().map(|w| w.text.to_ascii_lowercase()).collect();
    if lower
        .iter()
        .any(|w| w.contains("hdr") && (w.contains("(upgrade") || w.contains("(connection")))
    {
        return Some("websocket upgrades".to_string());
    }
    let on_path = lower.iter().any(|w| {
        w.starts_with("path")
            || w.starts_with("url")
            || w.starts_with("req.path")
            || w.starts_with("base")
    });
    if !on_path {
        return None;
    }
    lower.iter().find_map(|w| {
        let pattern = w.trim_start_matches('^');
        STATEFUL_PATHS
            .iter()
            .find(|p| path_matches(pattern, p))
            .map(|p| format!("`{p}` requests"))
    })
}

fn path_matches(pattern: &str, prefix: &str) -> bool {
    let Some(rest) = pattern.strip_prefix(prefix) else {
        return false;
    };
    let rest = rest.strip_prefix('s').unwrap_or(rest);
    rest.is_empty() || rest.starts_with(['/', '?', '$', '('])
}

#[cfg(test)]
mod tests {
    use super::{path_matches, stateful_name};

    #[test]
    fn names() {
        assert_eq!(stateful_name("chat_ws"), Some("ws"));
        assert_eq!(stateful_name("news"), None);
        assert_eq!(stateful_name("auth-service"), Some("auth"));
        assert_eq!(stateful_name("oauth"), None);
    }

    #[test]
    fn paths() {
        assert!(path_matches("/socket.io/", "/socket.io"));
        assert!(path_matches("/login", "/login"));
        assert!(path_matches("/sessions/new", "/session"));
        assert!(!path_matches("/author", "/auth"));
        assert!(!path_matches("/wsdl", "/ws"));
    }
}
