//! HAProxy configurations without a global `maxconn`: the connection limit then follows the
//! environment's file-descriptor limit instead of the memory available.

use super::common::{global_elsewhere, proxies, units};
use crate::model::Project;
use crate::parse::haproxy::SectionKind;
use crate::rules::{Cx, Rule};

pub struct HaproxyMissingMaxconn;

impl Rule for HaproxyMissingMaxconn {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            let Some((_, first_proxy)) = proxies(config).next() else {
                continue;
            };
            let globals: Vec<_> = config
                .sections
                .iter()
                .filter(|s| s.kind == SectionKind::Global)
                .collect();
            let path = project.path(unit.file).to_string();
            if globals.is_empty() {
                // A fragment loaded next to a file that has the global section is judged there.
                // Without `defaults` either, the file looks like a fragment of a configuration
                // whose global section lives outside the repository.
                let has_defaults = config
                    .sections
                    .iter()
                    .any(|s| s.kind == SectionKind::Defaults);
                if global_elsewhere(project, unit) || !has_defaults {
                    continue;
                }
                let first = config
                    .sections
                    .first()
                    .map_or(first_proxy.header, |s| s.header);
                cx.report(
                    path,
                    unit.file,
                    first,
                    "HAProxy configuration has no `global` section, so no global `maxconn`: the connection limit follows the file-descriptor limit",
                );
                continue;
            }
            let set = globals
                .iter()
                .any(|g| g.directives.iter().any(|d| d.name_is("maxconn")));
            if set {
                cx.evaluate(path);
                continue;
            }
            cx.report(
                path,
                unit.file,
                globals[0].header,
                "`global` sets no `maxconn`: HAProxy derives the connection limit from the file-descriptor limit instead of the memory available",
            );
        }
    }
}
