//! Recognises the source of a template (cookiecutter, Copier, Jinja, Handlebars, ERB, Go
//! templates) among files that failed to parse: what it renders is the config, not its text.

/// Why a file that failed to parse at `failure_offset` is a template's source rather than a
/// broken config, for the notice that replaces its `parse-error`; `None` when nothing says so.
///
/// Only control syntax counts (`{% if %}`, `{{#if}}`, `<% end %>`, a `{{ … }}` line of its
/// own): a `{{ value }}` inside a line is how a broken compose file or workflow often looks, and
/// those keep their `parse-error`.
pub fn evidence(path: &str, text: &str, failure_offset: usize) -> Option<String> {
    if let Some(folder) = path
        .split('/')
        .rev()
        .skip(1)
        .find(|part| part.contains("{{") && part.contains("}}") || part.contains("{%"))
    {
        return Some(format!("in the template folder `{folder}`"));
    }
    let failure_line = text.as_bytes()[..failure_offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    text.lines().enumerate().find_map(|(index, line)| {
        let marker = line_start_marker(line.trim_start()).or_else(|| {
            (index == failure_line)
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
    use super::evidence;

    fn at_line(text: &str, line: usize) -> usize {
        text.split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum()
    }

    #[test]
    fn jinja_handlebars_erb_and_go_control_lines_are_templates() {
        for (text, marker) in [
            (
                "services:\n{% if celery %}\n  worker: {}\n{% endif %}\n",
                "{%",
            ),
            (
                "FROM alpine\n{{#if backend}}\nRUN go build\n{{/if}}\n",
                "{{",
            ),
            ("steps:\n<% if ci %>\n  - run: x\n<% end %>\n", "<%"),
            ("kind: Deployment\n  {{- if .Values.x }}\nspec: {}\n", "{{"),
            ("a: 1\n{# a Jinja comment #}\nb: [\n", "{#"),
        ] {
            let found = evidence("deploy.yaml", text, text.len());
            assert_eq!(found, Some(format!("`{marker}` on line 2")), "{text:?}");
        }
    }

    #[test]
    fn control_syntax_inside_the_failing_line_counts() {
        let text = "a: 1\nimage: app:{{#if dev}}dev{{else}}1{{/if}}\nb: [\n";
        assert_eq!(
            evidence("compose.yaml", text, at_line(text, 2) + 7),
            Some("`{{#` on line 2".to_string())
        );
        // Elsewhere than the failing line, inline syntax is not enough.
        assert_eq!(evidence("compose.yaml", text, at_line(text, 3)), None);
    }

    #[test]
    fn a_placeholder_inside_a_line_is_a_broken_config() {
        let text = "services:\n  web:\n    image: {{ image }}\n";
        assert_eq!(evidence("compose.yaml", text, at_line(text, 3) + 11), None);
        assert_eq!(evidence("Dockerfile", "FROM a\nFROBNICATE b\n", 7), None);
    }

    #[test]
    fn a_template_folder_makes_every_file_in_it_a_template() {
        let text = "services:\n  web:\n    image: {{ image }}\n";
        assert_eq!(
            evidence("{{cookiecutter.slug}}/deploy/compose.yaml", text, 30),
            Some("in the template folder `{{cookiecutter.slug}}`".to_string())
        );
        // The file's own name is not a folder.
        assert_eq!(evidence("{{name}}.yaml", text, 30), None);
    }

    #[test]
    fn offsets_past_the_end_do_not_panic() {
        assert_eq!(evidence("a.yaml", "a: [\n", 99), None);
        assert_eq!(
            evidence("a.yaml", "é: {%", 1),
            Some("`{%` on line 1".to_string())
        );
    }
}
