//! Backends that nothing routes to: a lost routing rule or dead configuration that still runs
//! health checks.

use super::common::{group, subject, units};
use crate::model::Project;
use crate::model::lb::HaproxyUnit;
use crate::parse::haproxy::{SectionKind, is_dynamic_name};
use crate::rules::{Cx, Rule};

pub struct HaproxyUnusedBackend;

impl Rule for HaproxyUnusedBackend {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            if !config
                .sections
                .iter()
                .any(|s| s.kind == SectionKind::Backend)
            {
                continue;
            }
            let group = group(project, unit);
            // A backend name computed at run time may be any of them.
            let dynamic = group.iter().any(|u| {
                u.config
                    .backend_references()
                    .iter()
                    .any(|(_, _, w)| is_dynamic_name(&w.text))
                    || u.config.sections.iter().any(|s| {
                        s.kind == SectionKind::Defaults
                            && s.all("default_backend")
                                .any(|d| d.arg(0).is_some_and(is_dynamic_name))
                    })
            });
            if dynamic {
                continue;
            }
            for (index, section) in config.sections.iter().enumerate() {
                if section.kind != SectionKind::Backend {
                    continue;
                }
                let name = section.name_str();
                if name.is_empty() {
                    continue;
                }
                let subject = subject(project, unit, section);
                if mentioned(&group, unit, index, name) {
                    cx.evaluate(subject);
                    continue;
                }
                cx.report(
                    subject,
                    unit.file,
                    section.header,
                    format!(
                        "backend `{name}` is never used: no `use_backend` or `default_backend` routes to it"
                    ),
                );
            }
        }
    }
}

/// Named anywhere outside its own section: routing rules, but also stick tables (`table NAME`,
/// `sc_*(0,NAME)`), tracked servers (`track NAME/srv`) and fetches such as `nbsrv(NAME)`.
fn mentioned(group: &[&HaproxyUnit], owner: &HaproxyUnit, index: usize, name: &str) -> bool {
    group.iter().any(|u| {
        u.config.sections.iter().enumerate().any(|(i, s)| {
            if u.file == owner.file && i == index {
                return false;
            }
            s.directives.iter().any(|d| {
                // A server's own name is not a reference.
                let skip = usize::from(d.keyword() == "server" || d.keyword() == "server-template");
                d.args()
                    .iter()
                    .skip(skip)
                    .any(|w| contains_name(&w.text, name))
            })
        })
    })
}

/// `name` as a reference inside `text`: the whole word, or delimited the way sample fetches,
/// converters and `track` write it (`nbsrv(NAME)`, `sc_get_gpc0(0,NAME)`, `NAME/srv`).
fn contains_name(text: &str, name: &str) -> bool {
    let mut start = 0;
    while let Some(found) = text.get(start..).and_then(|t| t.find(name)) {
        let at = start + found;
        let end = at + name.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        if matches!(before, None | Some('(' | ',')) && matches!(after, None | Some(')' | ',' | '/'))
        {
            return true;
        }
        start = at + name.len().max(1);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::contains_name;

    #[test]
    fn tokens() {
        assert!(contains_name("api", "api"));
        assert!(contains_name("nbsrv(api)", "api"));
        assert!(contains_name("sc_http_req_rate(0,per_ip)", "per_ip"));
        assert!(contains_name("checks/api1", "checks"));
        assert!(!contains_name("api_v2", "api"));
        assert!(!contains_name("/api/", "api"));
        assert!(contains_name("srv_is_up(checks/api1)", "checks"));
    }
}
