//! A committed `.env` file (`.env`, `.env.local`, `.env.production`…) holds a literal secret:
//! it is in Git history for good, and in every clone, fork and CI cache. Templates
//! (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`) are meant to be committed and
//! are not judged.
//!
//! Not registered yet: discovery does not read `.env` files. Once `FileKind::DotEnv` exists
//! (discovered by `is_dotenv_name`, read as text), add this module and its `RULES` entry; the
//! rule selects files by name, so it works whatever kind they are given.

use crate::model::Project;
use crate::parse::span::Span;
use crate::rules::values::{is_literal_secret_value, is_secret_name};
use crate::rules::{Cx, Rule};

pub struct EnvFileWithSecrets;

/// Suffixes of `.env` files that are templates, not configuration.
const TEMPLATE_PARTS: &[&str] = &["example", "sample", "template", "dist", "tmpl", "tpl"];

/// `.env`, `.env.local`, `.env.production` — not `.env.example` and friends.
pub(crate) fn is_dotenv_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower == ".env" {
        return true;
    }
    let Some(rest) = lower.strip_prefix(".env.") else {
        return false;
    };
    !rest.is_empty() && !rest.split('.').any(|p| TEMPLATE_PARTS.contains(&p))
}

/// `KEY=value` / `export KEY="value"`: the key, and the value's byte range in the line.
fn assignment(line: &str) -> Option<(&str, usize, usize)> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return None;
    }
    let offset = line.len() - trimmed.len();
    let (body, offset) = match trimmed.strip_prefix("export ") {
        Some(b) => (b.trim_start(), line.len() - b.trim_start().len()),
        None => (trimmed, offset),
    };
    let (key, value) = body.split_once('=')?;
    let key = key.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    let value_start = offset + key.len() + (body.len() - key.len() - value.len());
    let value_trimmed = value.trim();
    let lead = value.len() - value.trim_start().len();
    let start = value_start + lead;
    Some((key, start, start + value_trimmed.len()))
}

/// The value without quotes or a trailing ` # comment`.
fn unquote(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q)
            && let Some(end) = inner.find(q)
        {
            return &inner[..end];
        }
    }
    v.split(" #").next().unwrap_or(v).trim()
}

impl Rule for EnvFileWithSecrets {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for (id, file) in project.files.iter().enumerate() {
            let name = file.path.rsplit('/').next().unwrap_or(&file.path);
            if !is_dotenv_name(name) {
                continue;
            }
            let subject = file.path.clone();
            cx.evaluate(subject.clone());
            let mut line_start = 0;
            for line in file.text.split_inclusive('\n') {
                let here = line_start;
                line_start += line.len();
                let line = line.trim_end_matches(['\n', '\r']);
                let Some((key, start, end)) = assignment(line) else {
                    continue;
                };
                let value = unquote(&line[start..end]);
                if !is_secret_name(key) || !is_literal_secret_value(value) {
                    continue;
                }
                cx.report(
                    subject.clone(),
                    id,
                    Span::new(here + start, here + end),
                    format!(
                        "`{name}` is committed with a literal `{key}`: move the value to a secret manager or CI secret, keep only `{key}=` in a `.env.example`, and rotate it"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_names() {
        for yes in [".env", ".env.local", ".env.production", ".env.prod.local"] {
            assert!(is_dotenv_name(yes), "{yes}");
        }
        for no in [
            ".env.example",
            ".env.sample",
            ".env.template",
            ".env.dist",
            ".envrc",
            "env",
            ".env.local.example",
        ] {
            assert!(!is_dotenv_name(no), "{no}");
        }
    }

    #[test]
    fn assignments() {
        let line = "export DB_PASSWORD = \"hunter2\"";
        let (key, s, e) = assignment(line).unwrap();
        assert_eq!(key, "DB_PASSWORD");
        assert_eq!(&line[s..e], "\"hunter2\"");
        assert_eq!(unquote(&line[s..e]), "hunter2");
        assert_eq!(unquote("abc # comment"), "abc");
        assert!(assignment("# API_KEY=x").is_none());
    }
}
