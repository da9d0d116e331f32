//! Helpers shared by the Dockerfile, compose and cross rules: stage chains,
//! secret-looking names and word matching in free text.

use crate::parse::dockerfile::{Args, Dockerfile, Instruction, Stage, expand};

/// Expands `FROM` arguments the way BuildKit does: only global `ARG` defaults are visible.
pub(crate) fn expand_from(df: &Dockerfile, image: &str) -> Option<String> {
    let args = df.global_args();
    let lookup = |name: &str| {
        args.iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.clone())
    };
    expand(image, &lookup)
}

/// What a stage is ultimately built from.
pub(crate) enum Base {
    /// An external image reference (variables expanded).
    Image(String),
    Scratch,
    /// A variable without a default: the base is decided at build time.
    Unknown,
}

/// The stage followed by the stages it is built `FROM`, nearest first, and the external base.
pub(crate) fn stage_chain<'a>(
    stages: &'a [Stage<'a>],
    df: &Dockerfile,
    at: usize,
) -> (Vec<&'a Stage<'a>>, Base) {
    let mut chain = Vec::new();
    let mut current = at;
    loop {
        let Some(stage) = stages.get(current) else {
            return (chain, Base::Unknown);
        };
        chain.push(stage);
        let Some(image) = expand_from(df, &stage.image) else {
            return (chain, Base::Unknown);
        };
        let lower = image.to_ascii_lowercase();
        // Only earlier stages can be referenced; a bounded walk also rules out cycles.
        let parent = stages[..current]
            .iter()
            .rposition(|s| s.alias.as_deref() == Some(lower.as_str()));
        match parent {
            Some(p) => current = p,
            None if lower == "scratch" => return (chain, Base::Scratch),
            None => return (chain, Base::Image(image)),
        }
    }
}

/// The final stage's chain (see `stage_chain`), or `None` for a Dockerfile without `FROM`.
pub(crate) fn final_chain<'a>(
    stages: &'a [Stage<'a>],
    df: &Dockerfile,
) -> Option<(Vec<&'a Stage<'a>>, Base)> {
    if stages.is_empty() {
        return None;
    }
    Some(stage_chain(stages, df, stages.len() - 1))
}

/// True when `FROM` names an earlier stage rather than an image.
pub(crate) fn is_stage_reference(stages: &[Stage<'_>], index: usize, image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    stages[..index.min(stages.len())]
        .iter()
        .any(|s| s.alias.as_deref() == Some(lower.as_str()))
}

/// The text a RUN (or other shell instruction) executes, heredoc bodies included.
pub(crate) fn command_text(instruction: &Instruction) -> String {
    let mut text = match &instruction.args {
        Args::Shell(s) => s.clone(),
        Args::Exec(list) => list.join(" "),
    };
    for heredoc in &instruction.heredocs {
        text.push('\n');
        text.push_str(&heredoc.body);
    }
    text
}

/// Splits shell text into simple commands (on `&&`, `||`, `;`, `|`, newlines), each as words.
pub(crate) fn shell_commands(text: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let normalized = text.replace("\\\n", " ");
    for part in normalized.split(['\n', ';', '|', '&']) {
        let words: Vec<String> = part
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_string())
            .filter(|w| !w.is_empty())
            .collect();
        if !words.is_empty() {
            commands.push(words);
        }
    }
    commands
}

/// Drops leading `sudo`, `env`, `VAR=value` and `exec` words so the program name comes first.
pub(crate) fn program_words(words: &[String]) -> &[String] {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let is_assignment = w.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        // Shell keywords open compound commands: `if x; then apt-get purge ...; fi`.
        let is_keyword = matches!(
            w.as_str(),
            "then" | "do" | "else" | "elif" | "if" | "while" | "until" | "!" | "{" | "(" | "time"
        );
        if w == "sudo" || w == "env" || w == "exec" || w == "nohup" || is_assignment || is_keyword {
            i += 1;
        } else {
            break;
        }
    }
    &words[i..]
}

/// Name parts that make a variable secret: `DB_PASSWORD`, `githubToken`, `AWS_SECRET_ACCESS_KEY`.
const SECRET_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "CREDENTIALS",
    "CREDENTIAL",
];
const SECRET_PAIRS: &[(&str, &str)] = &[("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY")];
/// A last part that makes the variable describe a secret rather than hold one.
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "FILE",
    "PATH",
    "NAME",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "LENGTH",
    "URL",
    "URI",
    "ENDPOINT",
    "DIR",
    "TYPE",
    "HEADER",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "ID",
    "HOST",
    "PORT",
    "USER",
    "USERNAME",
    "REF",
    "ARN",
    "REGION",
    "MODE",
    "VERSION",
    "SIZE",
    "COUNT",
    "FORMAT",
    "ALGORITHM",
    "PREFIX",
    "PROVIDER",
    "LOCATION",
    "KIND",
    "MIN",
    "MAX",
];

fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Parts that may follow the secret word and still name the secret itself:
/// `SECRET_KEY`, `SECRET_KEY_BASE`, `PASSWORD_PROD`, `TOKEN_2`.
const SECRET_TAILS: &[&str] = &[
    "KEY",
    "BASE",
    "SALT",
    "HASH",
    "VALUE",
    "PROD",
    "PRODUCTION",
    "DEV",
    "STAGING",
    "LIVE",
    "TEST",
    "ACCESS",
];

/// A variable name that holds a secret value (`DB_PASSWORD`), not one that describes where a
/// secret is or how it behaves (`PASSWORD_FILE`, `TOKEN_URL`, `ACCESS_TOKEN_EXPIRE_MINUTES`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let parts = name_parts(name);
    let Some(last) = parts.last() else {
        return false;
    };
    if NOT_SECRET_SUFFIXES.contains(&last.as_str()) {
        return false;
    }
    let ends_secret = |i: usize| {
        SECRET_PARTS.contains(&parts[i].as_str())
            || (i > 0
                && SECRET_PAIRS
                    .iter()
                    .any(|(a, b)| parts[i - 1] == *a && parts[i] == *b))
    };
    let Some(end) = (0..parts.len()).rev().find(|&i| ends_secret(i)) else {
        return false;
    };
    parts[end + 1..]
        .iter()
        .all(|p| SECRET_TAILS.contains(&p.as_str()) || p.chars().all(|c| c.is_ascii_digit()))
}

/// A value that is a literal secret: not empty, not a variable reference, not a file path,
/// not a boolean switch.
pub(crate) fn is_literal_secret_value(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty()
        || v.contains('$')
        || v.starts_with('/')
        || matches!(v.to_ascii_lowercase().as_str(), "true" | "false"))
}

/// Finds `needle` in `haystack` case-insensitively, only where it is not part of a longer word.
/// Returns the byte offset of the first such match.
pub(crate) fn find_word(haystack: &str, needle: &str) -> Option<usize> {
    let hay = haystack.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(found) = hay.get(from..).and_then(|h| h.find(&needle)) {
        let start = from + found;
        let end = start + needle.len();
        let before_ok = hay[..start].chars().next_back().is_none_or(|c| !is_word(c));
        let after_ok = hay[end..].chars().next().is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return Some(start);
        }
        from = start + needle.len().max(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in [
            "DB_PASSWORD",
            "githubToken",
            "AWS_SECRET_ACCESS_KEY",
            "API_KEY",
            "STRIPE_APIKEY",
            "SECRET_KEY_BASE",
            "JWT_SECRET_KEY",
            "DB_PASSWORD_2",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "PASSWORD_FILE",
            "TOKEN_URL",
            "SECRET_NAME",
            "TOKENIZERS_PARALLELISM",
            "KEYCLOAK",
            "PWD",
            "AWS_ACCESS_KEY_ID",
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "PASSWORD_MIN_LENGTH",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn words() {
        assert_eq!(find_word("run: trivy image", "trivy"), Some(5));
        assert_eq!(find_word("trivyx", "trivy"), None);
        assert_eq!(find_word("a Docker  Scout", "docker scout"), None);
        assert_eq!(find_word("docker scout cves", "Docker Scout"), Some(0));
    }
}
