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
            f.path,
            f.line,
            f.rule,
            origin,
            by.reason.as_deref().unwrap_or("no reason given")
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
        writeln!(out, "  {mark}  {:<22} {}", check.gate, check.message)?;
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
            b.path, b.known, b.new
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
        writeln!(out, "\n  Compared with {} ({short}):", d.base)?;
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
    let (handler, help_wrapper) = handlers(theme);
    // Most findings share their rule's help text: it is wrapped once per rule.
    let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    rules.sort_unstable();
    rules.dedup();
    let wrapped_help: HashMap<&str, String> = rules
        .par_iter()
        .map(|&rule| (rule, help_wrapper.wrap(&base_help(rule))))
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
                    let source = report
                        .sources
                        .get(&f.path)
                        .cloned()
                        .unwrap_or_else(|| "".into());
                    let diag = FindingDiagnostic::new(f, source);
                    let mut rendered = String::new();
                    if handler.render_report(&mut rendered, &diag).is_err() {
                        return format!("{}:{}:{}: {}\n", f.path, f.line, f.column, f.message);
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
        writeln!(out, "  {}: {}", n.path, n.message)?;
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
fn handlers(theme: GraphicalTheme) -> (GraphicalReportHandler, HelpWrapper) {
    let help_wrapper = HelpWrapper {
        initial_indent: theme.styles.help.style("  help: ").to_string(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(REPORT_WIDTH)
        .with_links(false)
        .with_context_lines(1);
    (handler, help_wrapper)
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

/// A finding as miette renders it: message, code, severity and labelled source. The help is
/// not given to miette but appended by the caller (`HelpWrapper`), which is right only while
/// the help would be the last thing miette writes: implementing `related()` here would put
/// related diagnostics after it.
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: WindowedSource,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding, text: Arc<str>) -> Self {
        FindingDiagnostic {
            finding,
            source: WindowedSource {
                name: finding.path.clone(),
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
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
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
            let (handler, wrapper) = handlers(theme);
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
