//! CI pushes container images but never signs them.

use crate::model::Project;
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::rules::dockerfile::common::find_word;
use crate::rules::{Cx, PROJECT_SUBJECT, Rule};

pub struct CrossImageNotSigned;

/// Commands and tools that push images to a registry.
const PUSHERS: &[&str] = &[
    "docker push",
    "docker image push",
    "buildah push",
    "podman push",
    "kaniko",
    "ko publish",
    "ko build",
    "jib",
    "crane push",
];

const SIGNERS: &[&str] = &[
    "cosign",
    "sigstore/cosign-installer",
    "sigstore",
    "notation sign",
    "notaryproject",
    "docker trust sign",
];

fn line_span(text: &str, offset: usize) -> Span {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[start..end];
    let lead = line.len() - line.trim_start().len();
    Span::new(start + lead, start + line.trim_end().len())
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The `push:` line of a `docker/build-push-action` step whose push is not `false`, or a
/// `buildx build --push` command.
fn build_push(text: &str) -> Option<usize> {
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (n, line) in lines.iter().enumerate() {
        let here = offset;
        offset += line.len();
        let lower = line.to_ascii_lowercase();
        if lower.contains("buildx") && find_word(&lower, "--push").is_some() {
            return Some(here + indent(line));
        }
        if !lower.contains("docker/build-push-action") {
            continue;
        }
        // The step's keys sit at the `uses:` key's column; anything less indented ends it.
        let col = lower.find("uses").unwrap_or(indent(line));
        let mut at = offset;
        for next in &lines[n + 1..] {
            let trimmed = next.trim();
            if !trimmed.is_empty()
                && (indent(next) < col || trimmed.starts_with("- ") && indent(next) <= col)
            {
                break;
            }
            if let Some(value) = trimmed.strip_prefix("push:") {
                let value = value.split('#').next().unwrap_or("").trim();
                if !value.is_empty() && value != "false" && value != "\"false\"" {
                    return Some(at + indent(next));
                }
            }
            at += next.len();
        }
    }
    None
}

fn first_push(text: &str) -> Option<usize> {
    let mut found: Vec<usize> = PUSHERS.iter().filter_map(|p| find_word(text, p)).collect();
    found.extend(build_push(text));
    found.into_iter().min()
}

impl Rule for CrossImageNotSigned {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        if project.dockerfiles.is_empty() {
            return;
        }
        let push: Option<(FileId, usize)> = project
            .ci_files()
            .find_map(|(id, f)| first_push(&f.text).map(|at| (id, at)));
        let Some((file, at)) = push else {
            return;
        };
        let signed = project
            .ci_files()
            .any(|(_, f)| SIGNERS.iter().any(|s| find_word(&f.text, s).is_some()));
        if signed {
            cx.evaluate(PROJECT_SUBJECT);
            return;
        }
        let text = &project.file(file).text;
        cx.report(
            PROJECT_SUBJECT,
            file,
            line_span(text, at),
            format!(
                "`{}` pushes container images but no CI pipeline signs them (no cosign or notation step)",
                project.path(file)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes() {
        let wf = "steps:\n  - uses: docker/build-push-action@v6\n    with:\n      context: .\n      push: ${{ github.event_name != 'pull_request' }}\n";
        let at = first_push(wf).unwrap();
        assert!(wf[at..].starts_with("push:"));
        let wf = "steps:\n  - uses: docker/build-push-action@v6\n    with:\n      push: false\n  - run: echo push: true\n";
        assert_eq!(first_push(wf), None);
        assert!(first_push("script:\n  - docker push $IMAGE\n").is_some());
        assert!(first_push("run: mvn compile jibDockerBuild").is_none());
    }
}
