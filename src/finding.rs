//! Findings, severities and categories: the vocabulary shared by rules, scoring and reports.

use serde::{Deserialize, Serialize};

use crate::parse::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Weight in the score (design §5).
    pub fn weight(self) -> f64 {
        match self {
            Severity::Critical => 10.0,
            Severity::High => 7.5,
            Severity::Medium => 5.0,
            Severity::Low => 2.5,
            Severity::Info => 0.0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Container,
    Kubernetes,
    Cicd,
    Observability,
    Scaling,
    Iac,
    /// Diagnostics about the input itself (parse errors, duplicate keys); never scored.
    General,
}

impl Category {
    pub const SCORED: [Category; 6] = [
        Category::Container,
        Category::Kubernetes,
        Category::Cicd,
        Category::Observability,
        Category::Scaling,
        Category::Iac,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::Container => "container",
            Category::Kubernetes => "kubernetes",
            Category::Cicd => "cicd",
            Category::Observability => "observability",
            Category::Scaling => "scaling",
            Category::Iac => "iac",
            Category::General => "general",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Container => "Container",
            Category::Kubernetes => "Kubernetes",
            Category::Cicd => "CI/CD",
            Category::Observability => "Observability",
            Category::Scaling => "Load balancing & scaling",
            Category::Iac => "Infrastructure as code",
            Category::General => "Input diagnostics",
        }
    }

    /// What a category would judge, for the `n/a` explanation.
    pub fn inputs(self) -> &'static str {
        match self {
            Category::Container => "no Dockerfile or compose file",
            Category::Kubernetes => "no Kubernetes manifests",
            Category::Cicd => "no CI pipeline and nothing to deploy",
            Category::Observability => "no monitoring configuration and no service to observe",
            Category::Scaling => "no load balancer, autoscaler or scalable workload",
            Category::Iac => "no Terraform, Helm, Kustomize or deployable workload",
            Category::General => "",
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Category::SCORED
            .into_iter()
            .chain([Category::General])
            .find(|c| c.id() == id)
    }
}

/// Another place that explains a finding (the object that is missing a partner, say).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Related {
    pub path: String,
    #[serde(skip)]
    pub span: Span,
    pub line: usize,
    pub column: usize,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    /// What was judged (a Dockerfile's final stage, a Deployment, the project): the scoring unit.
    pub subject: String,
    pub path: String,
    #[serde(skip)]
    pub span: Span,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub related: Vec<Related>,
    /// A ready-to-paste snippet for this repository (its CI system, say), when the catalog has one.
    pub suggestion: Option<String>,
}

/// The longest message or label a finding keeps, and the longest unbroken word in it: a value
/// quoted from a hostile file (a 500 KB image name) is shortened, not copied into every report.
/// Paths deep in a monorepo stay whole.
const MAX_TEXT: usize = 2_000;
const MAX_WORD: usize = 500;
/// What a shortened word keeps of its start and of its end (the closing quote, say).
const WORD_HEAD: usize = 300;
const WORD_TAIL: usize = 40;

/// `text` as a finding shows it: control characters (an escape sequence that would retitle a
/// terminal or rewrite what it printed) are written out as `\u{1b}`, words over 500 bytes keep
/// their start and end around an ellipsis, and the whole is cut after about 2,000 bytes.
/// Ordinary texts come back unchanged.
pub fn bounded(text: String) -> String {
    let text = crate::inert::visible_controls(text);
    if is_short(&text) {
        return text;
    }
    shorten(&text)
}

/// A subject as scoring and baselines key it: shortened as [`bounded`] shortens it, followed
/// by a hash of the whole, so that two long subjects never become one.
pub fn bounded_key(text: String) -> String {
    let text = crate::inert::visible_controls(text);
    if is_short(&text) {
        return text;
    }
    format!("{} #{:016x}", shorten(&text), fnv1a(text.as_bytes()))
}

fn is_short(text: &str) -> bool {
    text.len() <= MAX_WORD || text.len() <= MAX_TEXT && !has_long_word(text)
}

/// A stable 64-bit FNV-1a hash.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn shorten(text: &str) -> String {
    let floor = |s: &str, mut at: usize| {
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let mut out = String::with_capacity(MAX_TEXT + 64);
    let mut rest = text;
    while !rest.is_empty() && out.len() <= MAX_TEXT {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        if word.len() > MAX_WORD {
            out.push_str(&word[..floor(word, WORD_HEAD)]);
            out.push('…');
            let tail = floor(word, word.len() - WORD_TAIL);
            out.push_str(&word[tail..]);
        } else {
            out.push_str(word);
        }
        rest = &rest[word_end..];
        let space_end = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..floor(rest, space_end.min(MAX_WORD))]);
        rest = &rest[space_end..];
    }
    if !rest.is_empty() || out.len() > MAX_TEXT {
        out.truncate(floor(&out, MAX_TEXT));
        out.push('…');
    }
    out
}

fn has_long_word(text: &str) -> bool {
    text.split_whitespace().any(|word| word.len() > MAX_WORD)
}

impl Finding {
    /// The order every report uses: path, line, column, rule, message.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.path,
            self.line,
            self.column,
            &self.rule,
            &self.message,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{bounded, bounded_key};

    #[test]
    fn short_texts_come_back_unchanged() {
        let text = "service `web` uses `nginx:latest`; pin a version".to_string();
        assert_eq!(bounded(text.clone()), text);
        assert_eq!(bounded_key(text.clone()), text);
        let long_but_plain = "word ".repeat(300);
        assert_eq!(bounded(long_but_plain.clone()), long_but_plain);
        // A path deep in a monorepo is no hostile value.
        let deep = format!(
            "`{}/Dockerfile` final stage",
            "services/payments-api".repeat(15)
        );
        assert_eq!(bounded(deep.clone()), deep);
    }

    #[test]
    fn a_huge_quoted_value_keeps_its_start_and_closing_quote() {
        let message = format!(
            "image `{}` has no tag, so each pull differs",
            "a".repeat(500_000)
        );
        let shown = bounded(message);
        assert!(shown.len() < 500, "{}", shown.len());
        assert!(shown.starts_with("image `aaa"), "{shown}");
        assert!(shown.contains("aaa…aaa"), "{shown}");
        assert!(
            shown.ends_with("aaa` has no tag, so each pull differs"),
            "{shown}"
        );
    }

    #[test]
    fn long_texts_are_cut_after_about_two_thousand_bytes() {
        let shown = bounded(format!("values: {}", "`abcdefgh` ".repeat(50_000)));
        assert!(
            shown.len() <= 2_000 + 3 && shown.ends_with('…'),
            "{}",
            shown.len()
        );
        let spaces = bounded(format!("a{}b", " ".repeat(100_000)));
        assert!(spaces.len() <= 2_000 + 3, "{}", spaces.len());
    }

    /// Subjects are keys: shortened, two of them that differ only where they were cut stay two.
    #[test]
    fn long_subjects_stay_distinct() {
        let subject =
            |middle: &str| format!("{}{middle}{}", "p/".repeat(300), "/Dockerfile".repeat(20));
        let (alpha, beta) = (bounded_key(subject("alpha")), bounded_key(subject("beta")));
        assert_ne!(alpha, beta);
        assert!(alpha.len() < 600, "{}", alpha.len());
        assert_eq!(alpha, bounded_key(subject("alpha")));
    }

    #[test]
    fn control_characters_are_written_out_in_texts_and_keys() {
        assert_eq!(bounded("x\u{1b}[2J".to_string()), "x\\u{1b}[2J");
        assert_eq!(bounded_key("x\u{1b}".to_string()), "x\\u{1b}");
    }

    #[test]
    fn cuts_fall_on_character_boundaries() {
        for n in 240..260 {
            for word in ["é", "日本", "🚀", "a", "\u{3000}"] {
                let text = format!("`{}` and {}", word.repeat(n), "ü\u{a0}".repeat(n * 3));
                let _ = bounded(text.clone());
                let _ = bounded_key(text);
            }
        }
    }
}
