//! The terminal report: header, scorecard table, findings as miette diagnostics grouped by
//! category, and the next steps. miette is confined to this module and `error.rs`.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use comfy_table::{Cell, CellAlignment, Table};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use rayon::prelude::*;

use super::{Options, Report};
use crate::catalog;
use crate::finding::{Category, Finding, Severity};
use crate::inert;
use crate::kind::FileKind;
use crate::score::{Grade, Phase};

/// Light rules above and below the header only: readable in a terminal and in CI logs.
const SCORECARD_STYLE: comfy_table::TableStyle = comfy_table::TableStyle::new()
    .top_border(comfy_table::LineStyle::none().fill('─').junction('─'))
    .header_separator(comfy_table::LineStyle::none().fill('─').junction('─'))
    .bottom_border(comfy_table::LineStyle::none().fill('─').junction('─'));

pub fn render(report: &Report, out: &mut dyn Write, options: &Options) -> io::Result<()> {
    let style = Style {
        color: options.color,
    };
    header(report, out, &style)?;
    scorecard(report, out, &style)?;
    if options.explain_score {
        explain_score(report, out)?;
    }
    if !options.quiet {
        findings(report, out, &style)?;
    }
    next_steps(report, out, &style)?;
    if !options.quiet {
        suppressed(report, out)?;
    }
    notices(report, out)?;
    gate(report, out, &style)?;
    Ok(())
}

/// The pre-commit view: the findings in the given files and the gate, nothing else.
pub fn render_findings_only(report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let style = Style { color };
    if report.findings.is_empty() {
        writeln!(out, "shipshape: no findings in the checked files")?;
    } else {
        findings(report, out, &style)?;
    }
    if !report.suppressed.is_empty() {
        writeln!(
            out,
            "  {} finding(s) suppressed in these files",
            report.suppressed.len()
        )?;
    }
    gate(report, out, &style)
}

fn suppressed(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let listed: Vec<&crate::suppress::Suppressed> = report
        .suppressed
        .iter()
        .filter(|s| s.suppressed_by.kind != crate::suppress::Kind::Baseline)
        .collect();
    if listed.is_empty() {
        return Ok(());
    }
    writeln!(out, "Suppressed ({}):", listed.len())?;
    for s in listed.iter().take(30) {
        let f = &s.finding;
        let by = &s.suppressed_by;
        let origin = match by.kind {
            crate::suppress::Kind::Config => format!("config {}", by.path),
            _ => format!("{}:{}", by.path, by.line),
        };
        writeln!(
            out,
            "  {}:{} {} · by {} · {}",
            inert::one_line(&f.path),
            f.line,
            f.rule,
            inert::one_line(&origin),
            inert::one_line(by.reason.as_deref().unwrap_or("no reason given"))
        )?;
    }
    if listed.len() > 30 {
        writeln!(
            out,
            "  … and {} more (see --format json)",
            listed.len() - 30
        )?;
    }
    writeln!(out)
}

fn gate(report: &Report, out: &mut dyn Write, style: &Style) -> io::Result<()> {
    if report.gate.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", style.bold("Gate"))?;
    for check in &report.gate {
        let mark = if check.passed {
            style.paint("32", "✓ pass")
        } else {
            style.paint("31", "✗ FAIL")
        };
        let message = inert::one_line(&check.message);
        writeln!(out, "  {mark}  {:<22} {message}", check.gate)?;
    }
    Ok(())
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    fn grade(&self, grade: Option<Grade>, text: &str) -> String {
        match grade {
            Some(Grade::Excellent) | Some(Grade::Good) => self.paint("32", text),
            Some(Grade::NeedsImprovement) => self.paint("33", text),
            Some(Grade::NotReady) => self.paint("31", text),
            None => self.dim(text),
        }
    }
}

fn header(report: &Report, out: &mut dyn Write, style: &Style) -> io::Result<()> {
    let mut kinds: Vec<(usize, FileKind)> = report
        .files
        .iter()
        .filter(|(k, _)| !matches!(k, FileKind::OtherYaml))
        .map(|(k, n)| (*n, *k))
        .collect();
    kinds.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let parts: Vec<String> = kinds
        .iter()
        .take(5)
        .map(|(n, k)| format!("{n} {}", k.name()))
        .collect();
    writeln!(
        out,
        "{} {} · {} files ({}) · {:.2} s\n",
        style.bold("shipshape"),
        env!("CARGO_PKG_VERSION"),
        report.file_count(),
        if parts.is_empty() {
            "nothing recognised".to_string()
        } else {
            parts.join(", ")
        },
        report.elapsed.as_secs_f64()
    )?;
    let card = &report.scorecard;
    match card.overall {
        Some(score) => writeln!(
            out,
            "  Readiness  {} / 100   {}\n",
            style.bold(&format!("{score:.0}")),
            style.grade(card.grade, card.grade.map_or("", Grade::label))
        ),
        None => writeln!(
            out,
            "  Readiness  n/a   nothing to judge: no Dockerfile, compose file or Kubernetes manifest found\n"
        ),
    }
}

fn scorecard(report: &Report, out: &mut dyn Write, style: &Style) -> io::Result<()> {
    let mut table = Table::new();
    table.load_style(SCORECARD_STYLE);
    table.set_header(["category", "score", "grade", "findings"]);
    for c in &report.scorecard.categories {
        let (score, grade) = match c.score {
            Some(s) => (
                format!("{s:.0}"),
                c.grade.map_or("", Grade::label).to_string(),
            ),
            None => ("n/a".to_string(), format!("({})", c.id.inputs())),
        };
        table.add_row(vec![
            Cell::new(c.title),
            Cell::new(score).set_alignment(CellAlignment::Right),
            Cell::new(style.grade(c.grade, &grade)),
            Cell::new(c.findings).set_alignment(CellAlignment::Right),
        ]);
    }
    writeln!(out, "{table}")?;
    let general = report
        .findings
        .iter()
        .filter(|f| f.category == Category::General)
        .count();
    if general > 0 {
        writeln!(
            out,
            "  {general} input diagnostic(s) (parse errors, duplicate keys, unused suppressions): not scored"
        )?;
    }
    if !report.suppressed.is_empty() {
        let mut by_kind: std::collections::BTreeMap<crate::suppress::Kind, usize> =
            std::collections::BTreeMap::new();
        for s in &report.suppressed {
            *by_kind.entry(s.suppressed_by.kind).or_default() += 1;
        }
        let parts: Vec<String> = by_kind
            .iter()
            .map(|(k, n)| format!("{} {n}", k.label()))
            .collect();
        let without = report
            .overall_unsuppressed
            .map(|o| format!("; counting them, the overall score would be {o:.0}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} finding(s) suppressed ({}), not scored{without}",
            report.suppressed.len(),
            parts.join(", ")
        )?;
    }
    if let Some(b) = &report.baseline {
        writeln!(
            out,
            "  baseline {}: {} known finding(s) set aside, {} new",
            inert::one_line(&b.path),
            b.known,
            b.new
        )?;
        if !b.absent.is_empty() {
            writeln!(
                out,
                "  {} recorded finding(s) are gone (fixed?): refresh with `shipshape baseline`",
                b.absent.len()
            )?;
        }
    }
    if let Some(d) = &report.diff {
        let short: String = d.commit.chars().take(10).collect();
        writeln!(
            out,
            "\n  Compared with {} ({short}):",
            inert::one_line(&d.base)
        )?;
        writeln!(
            out,
            "    {:<26} {}",
            "overall",
            crate::gate::delta(d.overall.0, d.overall.1)
        )?;
        for (c, before, after) in &d.categories {
            if before.is_some() || after.is_some() {
                writeln!(
                    out,
                    "    {:<26} {}",
                    c.title(),
                    crate::gate::delta(*before, *after)
                )?;
            }
        }
        writeln!(
            out,
            "    {} new finding(s), {} fixed",
            d.new_findings, d.fixed_findings
        )?;
    }
    writeln!(out)
}

fn explain_score(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "How the score is computed")?;
    writeln!(
        out,
        "  rule weight by severity: critical 10, high 7.5, medium 5, low 2.5, info 0\n  category = 100 × Σ(weight × pass ratio) / Σ weight over applicable rules\n  overall  = Σ(category weight × category score) / Σ category weights over applicable categories\n"
    )?;
    let mut table = Table::new();
    table.load_style(comfy_table::presets::NOTHING);
    table.set_header([
        "rule",
        "category",
        "weight",
        "evaluated",
        "failed",
        "pass",
        "gain",
    ]);
    for r in &report.scorecard.rules {
        let pass = r
            .pass_ratio
            .map_or("n/a".to_string(), |p| format!("{:.0}%", p * 100.0));
        table.add_row(vec![
            Cell::new(&r.id),
            Cell::new(r.category.id()),
            Cell::new(r.weight).set_alignment(CellAlignment::Right),
            Cell::new(r.evaluated).set_alignment(CellAlignment::Right),
            Cell::new(r.failed).set_alignment(CellAlignment::Right),
            Cell::new(pass).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:+.2}", r.gain)).set_alignment(CellAlignment::Right),
        ]);
    }
    writeln!(out, "{table}\n")
}

/// Findings rendered at a time: enough to keep both cores busy.
const RENDER_CHUNK: usize = 1024;

fn findings(report: &Report, out: &mut dyn Write, style: &Style) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let renderers = handlers(theme);
    let help_wrapper = &renderers.help;
    // Most findings share their rule's help text: it is wrapped once per rule.
    let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let wrapped_help: HashMap<&str, String> = rules
        .par_iter()
        .map(|&rule| (rule, help_wrapper.wrap(&base_help(rule))))
        .collect();
    let sources: HashMap<&str, Arc<str>> = report
        .sources
        .par_iter()
        .map(|(path, text)| (path.as_str(), inert::source(text)))
        .collect();
    for category in Category::SCORED.into_iter().chain([Category::General]) {
        let in_category: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.category == category)
            .collect();
        if in_category.is_empty() {
            continue;
        }
        writeln!(
            out,
            "{}",
            style.bold(&format!(
                "── {} ({} findings) ──",
                category.title(),
                in_category.len()
            ))
        )?;
        // Each finding renders on its own (miette wraps every text it prints, which is most of
        // a large report's time): in parallel, written in order, a chunk at a time so that a
        // huge report is not held in memory whole.
        for chunk in in_category.chunks(RENDER_CHUNK) {
            let rendered: Vec<String> = chunk
                .par_iter()
                .map(|f| {
                    let source = sources.get(f.path.as_str()).cloned().unwrap_or_default();
                    let diag = FindingDiagnostic::new(f, source);
                    let mut rendered = String::new();
                    let handler = renderers.for_message(&f.message);
                    if handler.render_report(&mut rendered, &diag).is_err() {
                        let path = inert::one_line(&f.path);
                        return format!("{path}:{}:{}: {}\n", f.line, f.column, f.message);
                    }
                    // The help is miette's footer, the last thing it writes.
                    let help = match &f.suggestion {
                        None => wrapped_help.get(f.rule.as_str()).cloned(),
                        Some(_) => Some(help_wrapper.wrap(&finding_help(f))),
                    };
                    if let Some(help) = help.filter(|h| !h.is_empty()) {
                        rendered.push_str(&help);
                        rendered.push('\n');
                    }
                    rendered
                })
                .collect();
            for r in rendered {
                writeln!(out, "{r}")?;
            }
        }
    }
    Ok(())
}

fn next_steps(report: &Report, out: &mut dyn Write, style: &Style) -> io::Result<()> {
    let plan = &report.scorecard.plan;
    if plan.is_empty() {
        if report.scorecard.overall.is_some() {
            writeln!(out, "{}", style.bold("No findings: nothing to fix."))?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        style.bold("Next steps (projected overall score after each)")
    )?;
    let mut phase: Option<Phase> = None;
    for (i, step) in plan.iter().enumerate() {
        if phase != Some(step.phase) {
            phase = Some(step.phase);
            writeln!(out, "  {}", style.dim(step.phase.title()))?;
        }
        writeln!(
            out,
            "  {:>2}. {:<58} {:>+6.1} → {:>5.1}   effort: {}   ({} to fix; shipshape explain {})",
            i + 1,
            truncate(&step.title, 58),
            step.gain,
            step.projected,
            step.effort.name(),
            step.failed,
            step.rule
        )?;
    }
    writeln!(out)
}

fn notices(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.notices.is_empty() {
        return Ok(());
    }
    writeln!(out, "Skipped {} file(s):", report.notices.len())?;
    for n in report.notices.iter().take(20) {
        writeln!(
            out,
            "  {}: {}",
            inert::one_line(&n.path),
            inert::one_line(&n.message)
        )?;
    }
    if report.notices.len() > 20 {
        writeln!(
            out,
            "  … and {} more (see --format json)",
            report.notices.len() - 20
        )?;
    }
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// A file's text for miette, read only around each span. miette's own reading of a text goes
/// through it from the start for every label: for large files with many findings, the
/// corpus's terminal report spent more instructions there than on parsing all its YAML.
/// Around the span, miette's reading is the same, so the snippets are too.
struct WindowedSource {
    name: String,
    text: Arc<str>,
}

/// Lines kept beyond the context miette asks for, so that its reading of the window starts
/// and ends as its reading of the whole text would.
const WINDOW_MARGIN: usize = 2;

impl SourceCode for WindowedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let bytes = self.text.as_bytes();
        let start = span.offset().min(bytes.len());
        let end = (span.offset() + span.len()).clamp(start, bytes.len());
        let mut window_start = start;
        for _ in 0..=context_lines_before + WINDOW_MARGIN {
            match memchr::memrchr(b'\n', &bytes[..window_start]) {
                Some(i) => window_start = i,
                None => {
                    window_start = 0;
                    break;
                }
            }
        }
        if window_start > 0 {
            // Just past a line feed: a line start for miette too.
            window_start += 1;
        }
        let mut window_end = end;
        for _ in 0..=context_lines_after + WINDOW_MARGIN {
            match memchr::memchr(b'\n', &bytes[window_end..]) {
                Some(i) => window_end += i + 1,
                None => {
                    window_end = bytes.len();
                    break;
                }
            }
        }
        let window = &bytes[window_start..window_end];
        let shifted = SourceSpan::new((span.offset() - window_start).into(), span.len());
        let inner = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        let lines_before = line_breaks(&bytes[..window_start]);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + window_start).into(),
                inner.span().len(),
            ),
            inner.line() + lines_before,
            inner.column(),
            inner.line_count() + lines_before,
        )))
    }
}

/// Line breaks as miette counts them: `\n`, `\r\n` and a lone `\r`.
fn line_breaks(bytes: &[u8]) -> usize {
    let feeds = memchr::memchr_iter(b'\n', bytes).count();
    let lone_returns = memchr::memchr_iter(b'\r', bytes)
        .filter(|&i| bytes.get(i + 1) != Some(&b'\n'))
        .count();
    feeds + lone_returns
}

/// The width miette wraps the report to.
const REPORT_WIDTH: usize = 100;

/// miette's renderer for findings, and the wrapper that writes their help as its footer would.
fn handlers(theme: GraphicalTheme) -> Renderers {
    let help = HelpWrapper {
        initial_indent: theme.styles.help.style("  help: ").to_string(),
    };
    let wrapping = GraphicalReportHandler::new_themed(theme)
        .with_width(REPORT_WIDTH)
        .with_links(false)
        .with_context_lines(1);
    let one_line = wrapping.clone().with_wrap_lines(false);
    Renderers {
        wrapping,
        one_line,
        help,
    }
}

/// miette's renderers for findings and the wrapper that writes their help as its footer would.
struct Renderers {
    wrapping: GraphicalReportHandler,
    /// For messages that fit on their line, where wrapping changes nothing but was a tenth of
    /// a terminal report's time.
    one_line: GraphicalReportHandler,
    help: HelpWrapper,
}

impl Renderers {
    fn for_message(&self, message: &str) -> &GraphicalReportHandler {
        if fits_on_its_line(message) {
            &self.one_line
        } else {
            &self.wrapping
        }
    }
}

/// Display columns before a finding's message: `  × `.
const MESSAGE_INDENT: usize = 4;

/// Whether miette's wrapping would leave `message` as it is: one line that fits beside its
/// indent in the width miette wraps to (two columns less than the report's), with nothing
/// that textwrap would trim or treat specially.
fn fits_on_its_line(message: &str) -> bool {
    !message.is_empty()
        && !message.starts_with(char::is_whitespace)
        && !message.ends_with(char::is_whitespace)
        && !message.chars().any(char::is_control)
        && textwrap::core::display_width(message) + MESSAGE_INDENT <= REPORT_WIDTH - 2
}

/// Wraps a finding's help as miette wraps its footer, so that the help can be wrapped once per
/// rule rather than once per finding: wrapping was most of a large terminal report's time.
struct HelpWrapper {
    /// `  help: ` in the theme's help style.
    initial_indent: String,
}

impl HelpWrapper {
    /// What miette's `render_footer` writes before its line break.
    fn wrap(&self, help: &str) -> String {
        if help.is_empty() {
            return String::new();
        }
        let options = textwrap::Options::new(REPORT_WIDTH - 2)
            .initial_indent(&self.initial_indent)
            .subsequent_indent("        ")
            .break_words(true);
        textwrap::fill(help, options)
    }
}

/// The rule's fix in one paragraph, and where to read the rest.
fn base_help(rule: &str) -> String {
    catalog::lookup(rule)
        .map(|m| {
            let first = m.fix.split("\n\n").next().unwrap_or("").replace('\n', " ");
            format!("{} (shipshape explain {})", first.trim(), m.id)
        })
        .unwrap_or_default()
}

/// The rule's help, and the snippet suggested for this finding if there is one.
fn finding_help(finding: &Finding) -> String {
    let mut help = base_help(&finding.rule);
    if let Some(snippet) = &finding.suggestion {
        help.push_str("\nSuggested for this repository:\n");
        for line in snippet.lines() {
            help.push_str("    ");
            help.push_str(line);
            help.push('\n');
        }
    }
    help
}

/// Lines longer than this are shown cut around the finding: a minified manifest's single line
/// would otherwise be printed whole, megabytes of it, for every finding in it.
const LONG_LINE: usize = 400;
/// Bytes of the line kept before the span and after it, and of the span itself, when cut.
const CUT_MARGIN: usize = 60;
const CUT_SPAN: usize = 200;
const ELLIPSIS: &str = "…";

/// The line of a finding's span, cut around the span, numbered as in the file.
struct CutLine {
    name: String,
    excerpt: String,
    /// Line breaks before the line in the file (miette's 0-based line).
    line: usize,
    /// Bytes of the file's line not shown before the excerpt's own text.
    column_base: usize,
    label: SourceSpan,
}

impl CutLine {
    /// `None` when every line miette would show for the finding (the lines of its spans and
    /// their neighbours) is short enough to show whole.
    fn around(finding: &Finding, text: &str) -> Option<CutLine> {
        let bytes = text.as_bytes();
        let related = finding
            .related
            .iter()
            .filter(|r| r.path == finding.path)
            .map(|r| r.span);
        let any_long = std::iter::once(finding.span)
            .chain(related)
            .any(|span| has_long_line_around(bytes, span.start, span.end));
        if !any_long {
            return None;
        }
        let start = floor_boundary(text, finding.span.start.min(text.len()));
        let (line_start, line_end) = line_bounds(bytes, start);
        let end = finding.span.end.clamp(start, line_end);
        let mut keep_start = floor_boundary(text, start.saturating_sub(CUT_MARGIN).max(line_start));
        if keep_start - line_start <= ELLIPSIS.len() {
            keep_start = line_start;
        }
        let keep_end = ceil_boundary(text, (end.min(start + CUT_SPAN) + CUT_MARGIN).min(line_end));
        let prefix = if keep_start > line_start {
            ELLIPSIS
        } else {
            ""
        };
        let suffix = if keep_end < line_end { ELLIPSIS } else { "" };
        // A lone `\r` would break the excerpt into lines for miette; it is shown as a space.
        let kept = text[keep_start..keep_end].replace('\r', " ");
        let label_start = prefix.len() + start - keep_start;
        let label_len = end.min(keep_end) - start;
        Some(CutLine {
            name: inert::one_line(&finding.path).into_owned(),
            excerpt: format!("{prefix}{kept}{suffix}"),
            line: line_breaks(&bytes[..line_start]),
            column_base: keep_start - line_start - prefix.len(),
            label: SourceSpan::new(label_start.into(), label_len),
        })
    }
}

impl SourceCode for CutLine {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.excerpt
                .as_bytes()
                .read_span(span, context_lines_before, context_lines_after)?;
        // miette gives a column only to a read without lines before it (the header's).
        let column = if context_lines_before == 0 {
            inner.column() + self.column_base
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.line,
            column,
            inner.line_count() + self.line,
        )))
    }
}

/// Whether a line of the span from `start` to `end`, or the line before or after it, is long.
fn has_long_line_around(bytes: &[u8], start: usize, end: usize) -> bool {
    let start = start.min(bytes.len());
    let (first, _) = line_bounds(bytes, start);
    let from = if first > 0 {
        line_bounds(bytes, first - 1).0
    } else {
        0
    };
    let (_, last) = line_bounds(bytes, end.clamp(start, bytes.len()));
    let to = if last < bytes.len() {
        line_bounds(bytes, last + 1).1
    } else {
        bytes.len()
    };
    let shown = &bytes[from..to];
    let mut line_start = 0;
    for feed in memchr::memchr_iter(b'\n', shown).chain([shown.len()]) {
        if feed - line_start > LONG_LINE {
            return true;
        }
        line_start = feed + 1;
    }
    false
}

/// The bounds of the line holding byte `at`, its line feed left out.
fn line_bounds(bytes: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(bytes.len());
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
    (start, end)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// A finding as miette renders it: message, code, severity and labelled source. The help is
/// not given to miette but appended by the caller (`HelpWrapper`), which is right only while
/// the help would be the last thing miette writes: implementing `related()` here would put
/// related diagnostics after it.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: WindowedSource,
    /// Set when a line to show is long: only the primary span's line is shown, cut.
    cut: Option<CutLine>,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding, text: Arc<str>) -> Self {
        FindingDiagnostic {
            finding,
            cut: CutLine::around(finding, &text),
            source: WindowedSource {
                name: inert::one_line(&finding.path).into_owned(),
                text,
            },
        }
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{} ({})",
            self.finding.rule,
            self.finding.severity.name()
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Critical | Severity::High => miette::Severity::Error,
            Severity::Medium | Severity::Low => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match &self.cut {
            Some(cut) => Some(cut),
            None => Some(&self.source),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if let Some(cut) = &self.cut {
            let here = LabeledSpan::new_primary_with_span(Some("here".to_string()), cut.label);
            return Some(Box::new(std::iter::once(here)));
        }
        let text_len = self.source.text.len();
        let span = self.finding.span;
        let start = span.start.min(text_len);
        let len = span.end.min(text_len).saturating_sub(start);
        let primary = LabeledSpan::new_primary_with_span(
            Some("here".to_string()),
            SourceSpan::new(start.into(), len),
        );
        let related = self
            .finding
            .related
            .iter()
            .filter(|r| r.path == self.finding.path)
            .map(move |r| {
                let s = r.span.start.min(text_len);
                let l = r.span.end.min(text_len).saturating_sub(s);
                LabeledSpan::new_with_span(Some(r.label.clone()), SourceSpan::new(s.into(), l))
            });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Sample {
        help: Option<String>,
    }

    impl fmt::Display for Sample {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "a message long enough to be wrapped by miette as well, {}",
                "word ".repeat(30)
            )
        }
    }

    impl std::error::Error for Sample {}

    impl Diagnostic for Sample {
        fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
            self.help
                .as_ref()
                .map(|h| Box::new(h) as Box<dyn fmt::Display>)
        }
    }

    /// The help appended after miette's rendering is byte for byte the footer miette writes,
    /// with and without colour, for short, long, multi-line and unbreakable texts.
    #[test]
    fn help_wrapped_once_is_mietes_footer() {
        let helps = [
            "Pin the image. (shipshape explain x)".to_string(),
            format!("{} (shipshape explain x)", "Add a resources block to the container. ".repeat(8)),
            "Fix it.\nSuggested for this repository:\n    resources:\n    \n      limits: {cpu: 1}\n"
                .to_string(),
            format!("See https://example.com/{} now", "a".repeat(150)),
            format!("{}\n\n  indented after a blank line", "Café ⚠ 日本語 ".repeat(12)),
        ];
        for theme in [GraphicalTheme::unicode(), GraphicalTheme::unicode_nocolor()] {
            let Renderers {
                wrapping: handler,
                help: wrapper,
                ..
            } = handlers(theme);
            for help in &helps {
                let mut by_miette = String::new();
                let with_help = Sample {
                    help: Some(help.clone()),
                };
                handler.render_report(&mut by_miette, &with_help).unwrap();
                let mut appended = String::new();
                handler
                    .render_report(&mut appended, &Sample { help: None })
                    .unwrap();
                appended.push_str(&wrapper.wrap(help));
                appended.push('\n');
                assert_eq!(by_miette, appended, "{help}");
            }
        }
    }

    fn finding_at(path: &str, start: usize, end: usize) -> Finding {
        Finding {
            rule: "k8s-missing-pdb".into(),
            category: Category::Kubernetes,
            severity: Severity::Medium,
            message: "Deployment `w` has no PodDisruptionBudget".into(),
            subject: "w".into(),
            path: path.into(),
            span: crate::parse::span::Span { start, end },
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            related: Vec::new(),
            suggestion: None,
        }
    }

    fn render_one(finding: &Finding, text: &str) -> String {
        let renderers = handlers(GraphicalTheme::unicode_nocolor());
        let mut out = String::new();
        renderers
            .for_message(&finding.message)
            .render_report(&mut out, &FindingDiagnostic::new(finding, text.into()))
            .unwrap();
        out
    }

    /// A minified manifest's one line is shown cut around the span, with the file's line and
    /// column, not printed whole for every finding.
    #[test]
    fn long_lines_are_cut_around_the_span() {
        let text = format!(
            "# generated\n{{\"kind\": \"Deployment\", \"env\": [{}], \"name\": \"w\"}}\nnext\n",
            "\"x\", ".repeat(100_000)
        );
        let start = text.find("\"w\"").unwrap();
        let out = render_one(&finding_at("deploy.yaml", start, start + 3), &text);
        let column = start - text.find('{').unwrap() + 1;
        assert!(out.contains(&format!("[deploy.yaml:2:{column}]")), "{out}");
        assert!(out.contains(" 2 │ …"), "{out}");
        assert!(out.contains("\"name\": \"w\"}"), "{out}");
        assert!(
            !out.contains("# generated") && !out.contains("next"),
            "{out}"
        );
        assert!(out.len() < 1_000, "{} bytes", out.len());
        // The label sits under the span, as in an uncut line.
        let code_line = out.lines().find(|l| l.contains(" 2 │ ")).unwrap();
        let label_line = out.lines().find(|l| l.contains('┬')).unwrap();
        let column_of = |line: &str, byte: usize| line[..byte].chars().count();
        let span_col = column_of(code_line, code_line.find("\"w\"").unwrap());
        let label_col = column_of(label_line, label_line.find('─').unwrap());
        assert_eq!(label_col, span_col, "{out}");
        // A span over several lines, one of them long, is cut to its first line.
        let first = text.find("# generated").unwrap();
        let out = render_one(&finding_at("deploy.yaml", first, text.len()), &text);
        assert!(
            out.contains("[deploy.yaml:1:1]") && out.len() < 1_000,
            "{out}"
        );
        // A line next to a long one is cut too: the long neighbour is not shown.
        let short = text.find("next").unwrap();
        let out = render_one(&finding_at("deploy.yaml", short, short + 4), &text);
        assert!(
            out.contains("[deploy.yaml:3:1]") && out.len() < 1_000,
            "{out}"
        );
    }

    #[test]
    fn short_lines_are_shown_whole_with_their_neighbours() {
        let text = "a: 1\nb: 2\nc: 3\n";
        let out = render_one(&finding_at("f.yaml", 5, 9), text);
        assert!(out.contains("[f.yaml:2:1]") && out.contains("a: 1") && out.contains("c: 3"));
        assert!(!out.contains('…'), "{out}");
    }

    /// Every offset of a long line of multi-byte characters and lone carriage returns renders
    /// without panicking, keeping the excerpt short.
    #[test]
    fn cut_lines_keep_to_character_boundaries() {
        let text = format!("{}\n", "é日\r🚀x".repeat(200));
        for start in (0..text.len()).step_by(7) {
            for len in [0, 1, 5, 300] {
                let finding = finding_at("f", start, (start + len).min(text.len() + 9));
                let cut = CutLine::around(&finding, &text).expect("the line is long");
                assert!(cut.excerpt.len() < 2 * (CUT_MARGIN + CUT_SPAN), "{start}");
                assert!(!cut.excerpt.contains('\r'));
                let _ = render_one(&finding, &text);
            }
        }
    }

    /// Where `fits_on_its_line` says wrapping changes nothing, miette's output with and
    /// without wrapping is the same, in both themes: widths around the limit, wide and
    /// combining characters, emoji, inner runs of spaces, punctuation that textwrap may break at.
    #[test]
    fn messages_that_fit_render_alike_without_wrapping() {
        let pieces = [
            "word",
            "`nginx:latest`",
            "é",
            "日本",
            "🚀",
            "a\u{301}",
            "x-y/z",
            "  ",
            "(",
            ")",
            "…",
            "--flag=value",
            "https://example.com/a/b",
            "tab",
            "ﬁ",
            "\u{a0}",
            ",",
            ";",
        ];
        let mut messages = Vec::new();
        for seed in 0..400usize {
            let mut message = String::from("Deployment");
            let mut i = seed;
            while textwrap::core::display_width(&message) < 70 + seed % 40 {
                message.push(' ');
                message.push_str(pieces[i % pieces.len()]);
                i = i.wrapping_mul(31).wrapping_add(7);
            }
            messages.push(message);
        }
        messages.push("x".repeat(REPORT_WIDTH - 2 - MESSAGE_INDENT));
        messages.push("x".repeat(REPORT_WIDTH - 1 - MESSAGE_INDENT));
        messages.push("日".repeat((REPORT_WIDTH - 2 - MESSAGE_INDENT) / 2));
        let mut fitting = 0;
        for theme in [GraphicalTheme::unicode(), GraphicalTheme::unicode_nocolor()] {
            let renderers = handlers(theme);
            for message in &messages {
                if !fits_on_its_line(message) {
                    continue;
                }
                fitting += 1;
                let mut finding = finding_at("f.yaml", 0, 1);
                finding.message = message.clone();
                let text: Arc<str> = "a: 1\n".into();
                let render = |handler: &GraphicalReportHandler| {
                    let mut out = String::new();
                    let diag = FindingDiagnostic::new(&finding, text.clone());
                    handler.render_report(&mut out, &diag).unwrap();
                    out
                };
                assert_eq!(
                    render(&renderers.one_line),
                    render(&renderers.wrapping),
                    "{message:?}"
                );
            }
        }
        assert!(fitting > 300, "only {fitting} messages fit");
        assert!(!fits_on_its_line(
            &"x".repeat(REPORT_WIDTH - 1 - MESSAGE_INDENT)
        ));
    }

    /// Everything miette reads from a span: the same through the window as from the whole
    /// text, with `\n`, `\r\n` and lone `\r` line breaks, at the edges and in the middle.
    #[test]
    fn windowed_source_reads_spans_as_miette_does() {
        let mut texts = vec![
            String::new(),
            "one line, no break".to_string(),
            "\n\n\n".to_string(),
            "a\r\nb\rc\nd\r\n\r\ne\rf".to_string(),
        ];
        let mut long = String::new();
        for i in 0..40 {
            long.push_str(&format!("line {i}: {}", "x".repeat(i % 7)));
            long.push_str(["\n", "\r\n", "\r", "\n\n"][i % 4]);
        }
        texts.push(long.clone());
        texts.push(long.trim_end().to_string());
        for text in &texts {
            let whole: Arc<str> = text.as_str().into();
            let windowed = WindowedSource {
                name: "f".to_string(),
                text: whole.clone(),
            };
            let len = text.len();
            for offset in 0..=len {
                for span_len in [0, 1, 3, 25, 90] {
                    let span_len = span_len.min(len - offset);
                    let span = SourceSpan::new(offset.into(), span_len);
                    for (before, after) in [(0, 0), (1, 1), (2, 0), (0, 3)] {
                        let theirs = text.as_bytes().read_span(&span, before, after);
                        let ours = windowed.read_span(&span, before, after);
                        let (theirs, ours) = match (theirs, ours) {
                            (Ok(t), Ok(o)) => (t, o),
                            (Err(_), Err(_)) => continue,
                            (t, o) => {
                                panic!("{text:?} {span:?}: {:?} / {:?}", t.is_ok(), o.is_ok())
                            }
                        };
                        let facts = |c: &dyn SpanContents<'_>| {
                            (
                                c.data().to_vec(),
                                *c.span(),
                                c.line(),
                                c.column(),
                                c.line_count(),
                            )
                        };
                        assert_eq!(
                            facts(&*ours),
                            facts(&*theirs),
                            "{text:?} {span:?} {before} {after}"
                        );
                    }
                }
            }
        }
    }
}
