//! Suppressions: inline comments (`# shipshape: ignore[rule] reason`), whole-file comments
//! (`# shipshape: ignore-file[rule]`), the Kubernetes annotation `shipshape.dev/ignore`, and the
//! config's per-rule path ignores. Suppressed findings leave the score and the gate but are counted
//! and listed; a suppression that matches nothing is itself reported.

use std::collections::{BTreeMap, BTreeSet};

use ignore::gitignore::Gitignore;
use rayon::prelude::*;
use serde::Serialize;

use crate::catalog;
use crate::finding::{Category, Finding};
use crate::model::Project;
use crate::parse::SourceFile;
use crate::parse::span::Span;

/// The annotation that suppresses rules for one Kubernetes object.
pub const ANNOTATION: &str = "shipshape.dev/ignore";
/// The rule that reports suppressions matching nothing.
pub const UNUSED_RULE: &str = "unused-suppression";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A comment on the finding's line or the line above.
    Inline,
    /// `ignore-file[...]` anywhere in the file.
    File,
    /// `shipshape.dev/ignore` on a Kubernetes object.
    Annotation,
    /// `rules.<id>.ignore` in the config file.
    Config,
    /// A known finding recorded in the baseline file.
    Baseline,
}

impl Kind {
    /// The name reports use, as in the JSON (`whole-file` reads better than `file` in prose).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Inline => "inline",
            Kind::File => "whole-file",
            Kind::Annotation => "annotation",
            Kind::Config => "config",
            Kind::Baseline => "baseline",
        }
    }
}

/// Where a finding was suppressed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub kind: Kind,
    /// The file holding the suppression (the config or baseline file for those kinds).
    pub path: String,
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A finding left out of the score, with what suppressed it.
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: Finding,
    pub suppressed_by: Reason,
}

/// One suppression written in a scanned file.
#[derive(Debug, Clone)]
struct Directive {
    kind: Kind,
    path: String,
    span: Span,
    line: usize,
    column: usize,
    /// `(rule id as written, its byte span)`.
    rules: Vec<(String, Span)>,
    reason: Option<String>,
    /// Lines (1-based, inclusive) the directive covers; the whole file for `ignore-file`.
    lines: (usize, usize),
}

/// What applying suppressions produced.
pub struct Applied {
    pub kept: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// `unused-suppression` findings; also counted as the subjects that rule judged.
    pub unused: Vec<Finding>,
    pub directives: usize,
}

/// Applies every suppression in `project` and the config's path ignores to `findings`.
/// `ran` says whether a rule ran (a suppression for a rule that did not run is not unused);
/// `config_path` labels config ignores.
pub fn apply(
    project: &Project,
    findings: Vec<Finding>,
    path_ignores: &BTreeMap<String, (Gitignore, String)>,
    config_path: &str,
    ran: &dyn Fn(&str) -> bool,
) -> Applied {
    let directives = collect(project);
    let by_path: BTreeMap<&str, Vec<usize>> =
        directives
            .iter()
            .enumerate()
            .fold(BTreeMap::new(), |mut map, (i, d)| {
                map.entry(d.path.as_str()).or_insert_with(Vec::new).push(i);
                map
            });
    let mut used: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut kept = Vec::with_capacity(findings.len());
    let mut suppressed = Vec::new();
    'findings: for finding in findings {
        for &i in by_path.get(finding.path.as_str()).into_iter().flatten() {
            let d = &directives[i];
            if finding.line < d.lines.0 || finding.line > d.lines.1 {
                continue;
            }
            if let Some(r) = d.rules.iter().position(|(id, _)| *id == finding.rule) {
                used.insert((i, r));
                suppressed.push(Suppressed {
                    suppressed_by: Reason {
                        kind: d.kind,
                        path: d.path.clone(),
                        line: d.line,
                        reason: d.reason.clone(),
                    },
                    finding,
                });
                continue 'findings;
            }
        }
        if let Some((matcher, prefix)) = path_ignores.get(&finding.rule) {
            let rel = format!("{prefix}{}", finding.path);
            if crate::config::matches(matcher, &rel) {
                suppressed.push(Suppressed {
                    suppressed_by: Reason {
                        kind: Kind::Config,
                        path: config_path.to_string(),
                        line: 0,
                        reason: Some(format!("rules.{}.ignore", finding.rule)),
                    },
                    finding,
                });
                continue;
            }
        }
        kept.push(finding);
    }

    let mut unused = Vec::new();
    for (i, d) in directives.iter().enumerate() {
        for (r, (id, span)) in d.rules.iter().enumerate() {
            let message = if catalog::lookup(id).is_none() {
                // No rule id is long: a huge one gets no suggestion (an edit distance
                // against every rule would take seconds).
                let hint = (id.len() <= 100)
                    .then(|| crate::error::did_you_mean(id))
                    .flatten()
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                format!("this suppression names `{id}`, which is not a rule{hint}")
            } else if !ran(id) || used.contains(&(i, r)) {
                continue;
            } else {
                let place = match d.kind {
                    Kind::File => "in this file",
                    Kind::Annotation => "on this object",
                    _ => "on this line or the next",
                };
                format!(
                    "`{id}` reports nothing {place}: remove `{id}` from the suppression (the finding was fixed or moved)"
                )
            };
            unused.push(unused_finding(project, d, id, *span, message));
        }
        if d.rules.is_empty() {
            unused.push(unused_finding(
                project,
                d,
                "",
                d.span,
                "this suppression names no rule: write the rule ids in brackets, `shipshape: ignore[rule-id] reason`".into(),
            ));
        }
    }
    Applied {
        kept,
        suppressed,
        unused,
        directives: directives.len(),
    }
}

/// The subject names the file and the rule, never the line: a baseline keeps it across moves.
fn unused_finding(
    project: &Project,
    d: &Directive,
    rule: &str,
    span: Span,
    message: String,
) -> Finding {
    let meta = catalog::lookup(UNUSED_RULE).expect("catalog has unused-suppression");
    let (line, column, end_line, end_column) = project
        .files
        .iter()
        .find(|f| f.path == d.path)
        .map(|f| {
            let a = f.lines.position(&f.text, span.start);
            let b = f.lines.position(&f.text, span.end);
            (a.line, a.column, b.line, b.column)
        })
        .unwrap_or((d.line, d.column, d.line, d.column));
    Finding {
        rule: meta.id.clone(),
        category: Category::General,
        severity: meta.severity,
        message: crate::finding::bounded(message),
        subject: crate::finding::bounded_key(format!("{}#ignore[{rule}]", d.path)),
        path: d.path.clone(),
        span,
        line,
        column,
        end_line,
        end_column,
        related: Vec::new(),
        suggestion: None,
    }
}

/// Every suppression written in the project's files and Kubernetes annotations.
fn collect(project: &Project) -> Vec<Directive> {
    let mut out = Vec::new();
    // Every byte of the repository is searched: in parallel, and with memchr's searcher.
    let finder = memchr::memmem::Finder::new("shipshape:");
    let with_directives: Vec<&SourceFile> = project
        .files
        .par_iter()
        .filter(|file| finder.find(file.text.as_bytes()).is_some())
        .collect();
    for file in with_directives {
        let mut offset = 0;
        for (index, line) in file.text.split_inclusive('\n').enumerate() {
            if let Some(d) = parse_comment(line, offset) {
                let number = index + 1;
                let column = file.lines.position(&file.text, d.start).column;
                out.push(Directive {
                    lines: if d.whole_file {
                        (1, usize::MAX)
                    } else {
                        (number, number + 1)
                    },
                    kind: if d.whole_file {
                        Kind::File
                    } else {
                        Kind::Inline
                    },
                    path: file.path.clone(),
                    span: Span::new(d.start, d.end),
                    line: number,
                    column,
                    rules: d.rules,
                    reason: d.reason,
                });
            }
            offset += line.len();
        }
    }
    for object in &project.k8s {
        let Some(entry) = object
            .node
            .path(&["metadata", "annotations"])
            .and_then(|a| a.entry(ANNOTATION))
        else {
            continue;
        };
        let Some(value) = entry.value.as_str() else {
            continue;
        };
        let file = project.file(object.file);
        let start = file.lines.position(&file.text, object.node.span.start).line;
        let end = file.lines.position(&file.text, object.node.span.end).line;
        let value_span = entry.value.span;
        // A quoted value's ids start one byte in; an escaped one cannot be mapped back, so its
        // ids point at the whole value.
        let raw = file
            .text
            .get(value_span.start..value_span.end)
            .unwrap_or("");
        let inner = if raw == value {
            Some(value_span.start)
        } else if raw.len() == value.len() + 2 && raw.get(1..raw.len() - 1) == Some(value) {
            Some(value_span.start + 1)
        } else {
            None
        };
        let rules = split_ids(value, inner.unwrap_or(value_span.start))
            .into_iter()
            .map(|(id, span)| (id, if inner.is_some() { span } else { value_span }))
            .collect();
        let pos = file.lines.position(&file.text, entry.key.span.start);
        let reason = object
            .annotation("shipshape.dev/ignore-reason")
            .map(|r| crate::finding::bounded(r.to_string()));
        out.push(Directive {
            kind: Kind::Annotation,
            path: file.path.clone(),
            span: entry.key.span.join(value_span),
            line: pos.line,
            column: pos.column,
            rules,
            reason,
            // An object's findings may sit on its first line (`apiVersion`) or the `---` above.
            lines: (start.saturating_sub(1).max(1), end),
        });
    }
    out
}

struct Comment {
    start: usize,
    end: usize,
    whole_file: bool,
    rules: Vec<(String, Span)>,
    reason: Option<String>,
}

/// Reads `shipshape: ignore[...]` from a comment in `line` (which starts at byte `offset`).
fn parse_comment(line: &str, offset: usize) -> Option<Comment> {
    let at = line.find("shipshape:")?;
    let before = line[..at].trim_end();
    if !(before.ends_with('#') || before.ends_with("//")) {
        return None;
    }
    let marker = before.len() - if before.ends_with('#') { 1 } else { 2 };
    let rest = &line[at + "shipshape:".len()..];
    let rest_trimmed = rest.trim_start();
    let mut cursor = at + "shipshape:".len() + (rest.len() - rest_trimmed.len());
    let (whole_file, after) = if let Some(a) = rest_trimmed.strip_prefix("ignore-file") {
        cursor += "ignore-file".len();
        (true, a)
    } else if let Some(a) = rest_trimmed.strip_prefix("ignore") {
        cursor += "ignore".len();
        (false, a)
    } else {
        return None;
    };
    let line_end = line.trim_end_matches(['\n', '\r']).len();
    let (rules, tail_start) = match after.strip_prefix('[') {
        Some(inner) => match inner.find(']') {
            Some(close) => {
                let ids = split_ids(&inner[..close], offset + cursor + 1);
                (ids, cursor + 1 + close + 1)
            }
            None => (Vec::new(), line_end),
        },
        None => (Vec::new(), cursor),
    };
    let tail = line.get(tail_start..line_end).unwrap_or("");
    let reason = crate::finding::bounded(
        tail.trim()
            .trim_start_matches([':', '-', '—', ' '])
            .trim()
            .to_string(),
    );
    Some(Comment {
        start: offset + marker,
        end: offset + line_end,
        whole_file,
        rules,
        reason: (!reason.is_empty()).then_some(reason),
    })
}

/// Splits `a, b` into ids with their byte spans (`base` is the offset of `list`).
fn split_ids(list: &str, base: usize) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for part in list.split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let lead = part.len() - part.trim_start().len();
            let start = base + pos + lead;
            out.push((trimmed.to_string(), Span::new(start, start + trimmed.len())));
        }
        pos += part.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(c: &Comment) -> Vec<&str> {
        c.rules.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn reads_inline_comments_in_every_syntax() {
        let c = parse_comment(
            "USER root # shipshape: ignore[dockerfile-root-user] needs port 80\n",
            100,
        )
        .unwrap();
        assert_eq!(ids(&c), ["dockerfile-root-user"]);
        assert_eq!(c.reason.as_deref(), Some("needs port 80"));
        assert!(!c.whole_file);
        assert_eq!(c.start, 110);
        let line = "  # shipshape: ignore[a-b, c-d] - legacy\n";
        let c = parse_comment(line, 0).unwrap();
        assert_eq!(ids(&c), ["a-b", "c-d"]);
        let (_, span) = &c.rules[1];
        assert_eq!(&line[span.start..span.end], "c-d");
        assert_eq!(c.reason.as_deref(), Some("legacy"));
        let c = parse_comment("// shipshape: ignore-file[terraform-resource-untagged]", 0).unwrap();
        assert!(c.whole_file);
        assert_eq!(c.reason, None);
        let c = parse_comment("#shipshape:ignore[x]", 0).unwrap();
        assert_eq!(ids(&c), ["x"]);
    }

    #[test]
    fn ignores_text_that_is_not_a_comment_directive() {
        assert!(parse_comment("description: \"shipshape: ignore[x]\"", 0).is_none());
        assert!(parse_comment("# shipshape: audits this file", 0).is_none());
        assert!(parse_comment("no marker here", 0).is_none());
    }

    #[test]
    fn a_directive_without_rules_has_none() {
        let c = parse_comment("# shipshape: ignore because", 0).unwrap();
        assert!(c.rules.is_empty());
        let c = parse_comment("# shipshape: ignore[unclosed", 0).unwrap();
        assert!(c.rules.is_empty());
    }
}
