//! The report every format renders from: sorted findings, the scorecard and notices.
//! Renderers are pure functions of it; none re-runs rules.

pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod terminal;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::baseline;
use crate::discover::Notice;
use crate::finding::Finding;
use crate::gate::{Check, Diff};
use crate::kind::FileKind;
use crate::score::Scorecard;
use crate::suppress::Suppressed;

pub struct Report {
    /// The scanned root as the user gave it.
    pub root: String,
    pub files: BTreeMap<FileKind, usize>,
    pub findings: Vec<Finding>,
    /// Findings left out of the score: suppressed inline, by annotation, by config or baseline.
    pub suppressed: Vec<Suppressed>,
    /// The overall score had nothing been suppressed (`None` when nothing was).
    pub overall_unsuppressed: Option<f64>,
    pub scorecard: Scorecard,
    /// The configuration file read, if any.
    pub config: Option<String>,
    pub baseline: Option<BaselineSummary>,
    pub diff: Option<Diff>,
    pub gate: Vec<Check>,
    /// Every subject each rule judged, passing or not (JUnit lists passes as test cases).
    pub subjects: BTreeMap<String, Vec<String>>,
    pub notices: Vec<Notice>,
    /// Source text per path of the files with findings, for snippets.
    pub sources: BTreeMap<String, Arc<str>>,
    pub elapsed: std::time::Duration,
    /// Wall time per phase (discover, read and parse, model, check, suppress, score), for
    /// `--timings`; never in a rendered report, which must be deterministic.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// Wall time per rule, slowest first (rules run in parallel, so these overlap).
    pub rule_timings: Vec<(String, std::time::Duration)>,
}

/// How the findings compared with the baseline file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BaselineSummary {
    pub path: String,
    pub known: usize,
    pub new: usize,
    /// Recorded findings no longer reported: refresh the baseline to drop them.
    pub absent: Vec<baseline::Entry>,
}

impl Report {
    pub fn gate_passed(&self) -> bool {
        self.gate.iter().all(|c| c.passed)
    }

    pub fn file_count(&self) -> usize {
        self.files.values().sum()
    }
}

/// What a renderer may be asked to vary.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub color: bool,
    pub quiet: bool,
    pub explain_score: bool,
    /// Markdown: the short form for pull-request comments.
    pub compact: bool,
}

/// Renders `report` in `format`.
pub fn render(
    format: crate::cli::Format,
    report: &Report,
    out: &mut dyn std::io::Write,
    options: &Options,
) -> std::io::Result<()> {
    use crate::cli::Format;
    match format {
        Format::Terminal => terminal::render(report, out, options),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Junit => junit::render(report, out),
        Format::Markdown => markdown::render(report, out, options),
        Format::Github => github::render(report, out),
        Format::Html => html::render(report, out),
    }
}
