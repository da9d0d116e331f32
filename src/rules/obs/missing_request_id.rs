//! The load balancer neither generates nor forwards a request ID: the lines one request leaves
//! in the proxy's and the services' logs cannot be tied together.

use std::collections::BTreeSet;

use crate::discover::split_dir;
use crate::model::Project;
use crate::model::lb::{HaproxyUnit, IncludePaths, NginxUnit, resolve_include};
use crate::parse::haproxy::{Directive, HaproxyConfig, Section, SectionKind};
use crate::rules::{Cx, Rule};

pub struct ObsMissingRequestId;

/// Headers that carry a request or correlation ID, or a trace context.
fn is_id_header(name: &str) -> bool {
    let n = name.trim_matches(['"', '\'']).to_ascii_lowercase();
    matches!(
        n.as_str(),
        "x-request-id"
            | "x-correlation-id"
            | "request-id"
            | "x-requestid"
            | "correlation-id"
            | "traceparent"
            | "x-amzn-trace-id"
            | "x-b3-traceid"
            | "x-cloud-trace-context"
    )
}

/// nginx files packages ship; including one the repository lacks hides no request ID.
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

const PASS_DIRECTIVES: &[&str] = &[
    "proxy_pass",
    "grpc_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
];

const HEADER_DIRECTIVES: &[&str] = &[
    "proxy_set_header",
    "grpc_set_header",
    "fastcgi_param",
    "uwsgi_param",
    "scgi_param",
];

impl Rule for ObsMissingRequestId {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in &project.haproxy {
            let text = &project.file(unit.file).text;
            if text.contains("{{") || text.contains("{%") {
                continue;
            }
            check_haproxy(project, unit, cx);
        }
        let paths = IncludePaths::new(project.nginx.iter().map(|u| project.path(u.file)).collect());
        for (index, unit) in project.nginx.iter().enumerate() {
            if unit.is_main() {
                check_nginx(project, &paths, index, unit, cx);
            }
        }
    }
}

/// The section, then the `defaults` it inherits from, nearest first (cycle-safe).
fn with_defaults(config: &HaproxyConfig, index: usize) -> Vec<&Section> {
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

fn is_http(config: &HaproxyConfig, index: usize) -> bool {
    config
        .effective(index, "mode")
        .and_then(|d| d.arg(0))
        .is_some_and(|m| m.eq_ignore_ascii_case("http"))
}

/// A frontend or listen that sends HTTP requests on to servers.
fn routes(config: &HaproxyConfig, index: usize) -> bool {
    let section = &config.sections[index];
    section.directives.iter().any(|d| {
        d.name_is("use_backend") || d.keyword() == "server" || d.keyword() == "server-template"
    }) || config.effective(index, "default_backend").is_some()
}

fn sets_id_header(d: &Directive) -> bool {
    d.keyword().eq_ignore_ascii_case("http-request")
        && matches!(d.arg(0), Some("set-header" | "add-header"))
        && d.arg(1).is_some_and(is_id_header)
}

/// `unique-id-format` with `unique-id-header` or an ID header set from it, or an ID header set
/// directly; an OpenTelemetry filter propagates the trace context.
fn haproxy_forwards_id(config: &HaproxyConfig, index: usize) -> bool {
    let directives: Vec<&Directive> = with_defaults(config, index)
        .into_iter()
        .flat_map(|s| s.directives.iter())
        .filter(|d| !d.negated())
        .collect();
    let format = directives
        .iter()
        .any(|d| d.keyword().eq_ignore_ascii_case("unique-id-format"));
    let header = directives
        .iter()
        .any(|d| d.keyword().eq_ignore_ascii_case("unique-id-header"));
    let set = directives.iter().any(|d| sets_id_header(d));
    let otel = directives.iter().any(|d| {
        d.keyword() == "filter"
            && d.arg(0)
                .is_some_and(|f| f.contains("opentelemetry") || f == "opentracing")
    });
    (format && header) || set || otel
}

fn check_haproxy(project: &Project, unit: &HaproxyUnit, cx: &mut Cx<'_>) {
    let config = &unit.config;
    let fronts: Vec<(usize, &Section)> = config
        .sections
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            matches!(s.kind, SectionKind::Frontend | SectionKind::Listen)
                && is_http(config, *i)
                && routes(config, *i)
        })
        .collect();
    let Some((_, first)) = fronts.first() else {
        return;
    };
    let subject = project.path(unit.file).to_string();
    if fronts.iter().any(|(i, _)| haproxy_forwards_id(config, *i)) {
        cx.evaluate(subject);
        return;
    }
    cx.report(
        subject,
        unit.file,
        first.header,
        format!(
            "{} `{}` neither generates nor forwards a request ID (`unique-id-format` with `unique-id-header`, or `http-request set-header X-Request-ID`): proxy and service logs of one request cannot be correlated",
            first.kind.keyword(),
            first.name_str()
        ),
    );
}

fn check_nginx(
    project: &Project,
    paths: &IncludePaths<'_>,
    index: usize,
    unit: &NginxUnit,
    cx: &mut Cx<'_>,
) {
    let Some(http) = unit.config.directives.iter().find(|d| d.name() == "http") else {
        return;
    };
    let mut files: Vec<&NginxUnit> = vec![unit];
    files.extend(
        project
            .nginx
            .iter()
            .filter(|u| unit.includes.contains(&u.file)),
    );
    let mut proxies = false;
    let mut forwards = false;
    for (i, file) in files.iter().enumerate() {
        let from = if i == 0 {
            index
        } else {
            project
                .nginx
                .iter()
                .position(|u| u.file == file.file)
                .unwrap_or(index)
        };
        for (parents, d) in file.config.walk() {
            let name = d.name();
            // `stream` proxies TCP: no headers to carry an ID. An included file is read where
            // its include sits, normally inside `http`.
            let http = if i == 0 {
                parents.contains(&"http")
            } else {
                !parents.contains(&"stream")
            };
            if http && PASS_DIRECTIVES.contains(&name) {
                proxies = true;
            }
            if HEADER_DIRECTIVES.contains(&name)
                && (d.arg(0).is_some_and(is_id_header)
                    || d.args
                        .iter()
                        .skip(1)
                        .any(|w| w.text.contains("$request_id")))
            {
                forwards = true;
            }
            if name == "otel_trace_context" && matches!(d.arg(0), Some("inject" | "propagate"))
                || name == "opentracing_propagate_context"
            {
                forwards = true;
            }
            // What an include we cannot read adds is unknown.
            if name == "include"
                && let Some(pattern) = d.arg(0)
            {
                let stock = STOCK_INCLUDES.contains(&split_dir(pattern).1);
                if !stock
                    && (pattern.contains('$') || resolve_include(paths, from, pattern).is_empty())
                {
                    return;
                }
            }
        }
    }
    if !proxies {
        return;
    }
    let subject = project.path(unit.file).to_string();
    if forwards {
        cx.evaluate(subject);
        return;
    }
    cx.report(
        subject,
        unit.file,
        http.name.span,
        "nginx proxies requests without passing a request ID (`proxy_set_header X-Request-ID $request_id`): proxy and service logs of one request cannot be correlated",
    );
}
