//! Recognises the source of a template (cookiecutter, Copier, Jinja, Handlebars, ERB, Go
//! templates) among files that failed to parse: what it renders is the config, not its text.

/// The language of the file that failed, which decides where template syntax counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// A control line at column 0 counts anywhere (no YAML line starts with `{%` or `{{`
    /// there); an indented one only on the failing line, as block scalars hold Go templates
    /// (Alertmanager's, Prometheus rule descriptions) that are data, not the file's syntax.
    Yaml,
    /// Only the lines the parser rejected count: a heredoc may carry a template as data.
    Dockerfile,
}

/// Why a file that failed to parse at `failures` (byte offsets) is a template's source rather
/// than a broken config, for the notice that replaces its `parse-error`; `None` when nothing
/// says so.
///
/// Only control syntax counts (`{% if %}`, `{{#if}}`, `<% end %>`, a line that starts with
/// `{{`): a `{{ value }}` inside a line is how a broken compose file or workflow often looks,
/// and those keep their `parse-error`.
pub fn evidence(path: &str, text: &str, failures: &[usize], syntax: Syntax) -> Option<String> {
    if let Some(folder) = path
        .split('/')
        .rev()
        .skip(1)
        .find(|part| part.contains("{{") && part.contains("}}") || part.contains("{%"))
    {
        return Some(format!("in the template folder `{folder}`"));
    }
    let mut failing_lines: Vec<usize> = failures
        .iter()
        .map(|&offset| {
            text.as_bytes()[..offset.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
        })
        .collect();
    failing_lines.sort_unstable();
    failing_lines.dedup();
    text.lines().enumerate().find_map(|(index, line)| {
        let failing = failing_lines.binary_search(&index).is_ok();
        let trimmed = line.trim_start();
        let at_line_start = if failing || syntax == Syntax::Yaml && trimmed.len() == line.len() {
            line_start_marker(trimmed)
        } else {
            None
        };
        let marker = at_line_start.or_else(|| {
            failing
                .then(|| INLINE_MARKERS.iter().find(|m| line.contains(**m)).copied())
                .flatten()
        })?;
        Some(format!("`{marker}` on line {}", index + 1))
    })
}

/// Control syntax that never starts a line of YAML or a Dockerfile instruction.
const LINE_START_MARKERS: [&str; 4] = ["{%", "{#", "<%", "{{"];

/// Control syntax that a failing line may hold anywhere.
const INLINE_MARKERS: [&str; 6] = ["{%", "{{#", "{{/", "{{^", "{{!", "<%"];

fn line_start_marker(trimmed: &str) -> Option<&'static str> {
    LINE_START_MARKERS
        .iter()
        .find(|m| trimmed.starts_with(**m))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::{Syntax, evidence};

    fn at_line(text: &str, line: usize) -> usize {
        text.split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum()
    }

    fn yaml(path: &str, text: &str, failure: usize) -> Option<String> {
        evidence(path, text, &[failure], Syntax::Yaml)
    }

    #[test]
    fn jinja_handlebars_erb_and_go_control_lines_are_templates() {
        for (text, marker) in [
            (
                "services:\n{% if celery %}\n  worker: {}\n{% endif %}\n",
                "{%",
            ),
            ("steps:\n<% if ci %>\n  - run: x\n<% end %>\n", "<%"),
            ("a: 1\n{# a Jinja comment #}\nb: [\n", "{#"),
            ("{{!-- escaped for Handlebars --}}\nname: CI\n", "{{"),
        ] {
            let found = yaml("deploy.yaml", text, text.len());
            let line = if marker == "{{" { 1 } else { 2 };
            assert_eq!(
                found,
                Some(format!("`{marker}` on line {line}")),
                "{text:?}"
            );
        }
        // Indented, it counts on the failing line.
        let text = "kind: Deployment\n  {{- if .Values.x }}\nspec: {}\n";
        assert_eq!(
            yaml("deploy.yaml", text, at_line(text, 2) + 2),
            Some("`{{` on line 2".to_string())
        );
    }

    #[test]
    fn templates_held_as_data_do_not_hide_a_syntax_error() {
        // An Alertmanager template in a ConfigMap's block scalar, a bad indent elsewhere.
        let text = "data:\n  slack.tmpl: |\n    {{ define \"slack.title\" }}\n    {{ end }}\nspec:\n replicas: 1\n  bad: 2\n";
        assert_eq!(yaml("cm.yaml", text, at_line(text, 7) + 5), None);
        // A confd template in a Dockerfile heredoc; the typo is on another line.
        let dockerfile = "FROM alpine:3.20\nCOPY <<EOF /etc/confd/app.tmpl\n{{ range gets \"/x\" }}\n{{ end }}\nEOF\nHEALTHCHEK CMD true\n";
        let typo = at_line(dockerfile, 6);
        assert_eq!(
            evidence("Dockerfile", dockerfile, &[typo], Syntax::Dockerfile),
            None
        );
        // The same control lines as instructions are rejected lines: a template.
        let template = "FROM alpine:3.20\n{{#if backend}}\nRUN go build\n{{/if}}\n";
        let rejected = [at_line(template, 2), at_line(template, 4)];
        assert_eq!(
            evidence("Dockerfile", template, &rejected, Syntax::Dockerfile),
            Some("`{{` on line 2".to_string())
        );
    }

    #[test]
    fn control_syntax_inside_the_failing_line_counts() {
        let text = "a: 1\nimage: app:{{#if dev}}dev{{else}}1{{/if}}\nb: [\n";
        assert_eq!(
            yaml("compose.yaml", text, at_line(text, 2) + 7),
            Some("`{{#` on line 2".to_string())
        );
        // Elsewhere than the failing line, inline syntax is not enough.
        assert_eq!(yaml("compose.yaml", text, at_line(text, 3)), None);
    }

    #[test]
    fn a_placeholder_inside_a_line_is_a_broken_config() {
        let text = "services:\n  web:\n    image: {{ image }}\n";
        assert_eq!(yaml("compose.yaml", text, at_line(text, 3) + 11), None);
        assert_eq!(
            evidence(
                "Dockerfile",
                "FROM a\nFROBNICATE b\n",
                &[7],
                Syntax::Dockerfile
            ),
            None
        );
    }

    #[test]
    fn a_template_folder_makes_every_file_in_it_a_template() {
        let text = "services:\n  web:\n    image: {{ image }}\n";
        assert_eq!(
            yaml("{{cookiecutter.slug}}/deploy/compose.yaml", text, 30),
            Some("in the template folder `{{cookiecutter.slug}}`".to_string())
        );
        // The file's own name is not a folder.
        assert_eq!(yaml("{{name}}.yaml", text, 30), None);
    }

    #[test]
    fn offsets_past_the_end_do_not_panic() {
        assert_eq!(yaml("a.yaml", "a: [\n", 99), None);
        assert_eq!(
            yaml("a.yaml", "é: {%", 1),
            Some("`{%` on line 1".to_string())
        );
        assert_eq!(evidence("a.yaml", "", &[], Syntax::Dockerfile), None);
    }
}
