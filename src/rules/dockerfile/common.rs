//! Helpers shared by the Dockerfile, compose and cross rules: stage chains, shell commands
//! and word matching in free text.

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
