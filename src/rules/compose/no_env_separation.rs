//! Compose configuration with no way to vary it per environment.

use crate::kind::FileKind;
use crate::model::Project;
use crate::parse::span::Span;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct ComposeNoEnvSeparation;

/// `${VAR}` or `$VAR` interpolation anywhere in the file (`$$` is a literal dollar).
fn interpolates(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'$' {
            let next = bytes[i + 1];
            if next == b'$' {
                i += 2;
                continue;
            }
            if next == b'{' || next.is_ascii_alphabetic() || next == b'_' {
                return true;
            }
        }
        i += 1;
    }
    false
}

impl Rule for ComposeNoEnvSeparation {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let Some(first) = project.compose.first() else {
            return;
        };
        let separated = project.files_of(FileKind::Compose).count() > 1
            || project.compose.len() > 1
            || project
                .compose
                .iter()
                .any(|c| c.services.iter().any(|s| s.get("env_file").is_some()))
            || project
                .compose
                .iter()
                .any(|c| interpolates(&project.file(c.file).text));
        if separated {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let span = first
            .services
            .first()
            .map_or(Span::empty(first.root.start), |s| s.name_span);
        cx.report(
            PROJECT_SUBJECT,
            first.file,
            span,
            format!(
                "`{}` is the only compose file and uses no `env_file` or `${{VAR}}` interpolation, so every environment runs the same configuration",
                project.path(first.file)
            ),
        );
    }
}
