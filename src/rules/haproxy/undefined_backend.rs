//! `use_backend`/`default_backend` naming a backend no section defines: HAProxy refuses the
//! configuration.

use super::common::{backend_names, display, group, subject, units};
use crate::model::Project;
use crate::parse::haproxy::is_dynamic_name;
use crate::rules::{Cx, Rule};

pub struct HaproxyUndefinedBackend;

impl Rule for HaproxyUndefinedBackend {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for unit in units(project) {
            let config = &unit.config;
            let refs = config.backend_references();
            if refs.is_empty() {
                continue;
            }
            let defined = backend_names(&group(project, unit));
            for (index, directive, word) in refs {
                if is_dynamic_name(&word.text) {
                    continue;
                }
                let section = &config.sections[index];
                let subject = subject(project, unit, section);
                if defined.contains(&word.text) {
                    cx.evaluate(subject);
                    continue;
                }
                let hint = defined
                    .iter()
                    .find(|d| d.eq_ignore_ascii_case(&word.text))
                    .map(|d| format!(" (names are case-sensitive: `{d}` exists)"))
                    .unwrap_or_default();
                cx.report(
                    subject,
                    unit.file,
                    word.span,
                    format!(
                        "`{}` in {} names backend `{}`, which no backend or listen section defines{hint}",
                        directive.keyword(),
                        display(section),
                        word.text
                    ),
                );
            }
        }
    }
}
