//! The JSON report, `schema_version: 1`: frozen field names that scripts build on.
//! Deterministic: no timings, maps ordered, findings sorted.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::value::RawValue;

use super::{BaselineSummary, Report};
use crate::catalog;
use crate::discover::Notice;
use crate::finding::Finding;
use crate::finding::{Category, Related, Severity};
use crate::gate::Check;
use crate::score::{Grade, PlanStep, RuleScore};
use crate::suppress::Reason;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    root: &'a str,
    summary: Summary<'a>,
    categories: Vec<JsonCategory>,
    findings: Vec<JsonFinding<'a>>,
    rules: &'a [RuleScore],
    plan: &'a [PlanStep],
    notices: &'a [Notice],
    /// Findings left out of the score, each with what suppressed it.
    suppressed: Vec<JsonSuppressed<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a BaselineSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<JsonDiff<'a>>,
    /// Every gate that was set, passed or not.
    gate: &'a [Check],
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    suppressed_by: &'a Reason,
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    base: &'a str,
    commit: &'a str,
    overall: ScoreChange,
    categories: Vec<CategoryChange>,
    new_findings: usize,
    fixed_findings: usize,
}

#[derive(Serialize)]
struct ScoreChange {
    before: Option<f64>,
    after: Option<f64>,
}

#[derive(Serialize)]
struct CategoryChange {
    id: Category,
    before: Option<f64>,
    after: Option<f64>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    score: Option<f64>,
    grade: Option<Grade>,
    files: usize,
    files_by_kind: BTreeMap<&'static str, usize>,
    findings: usize,
    findings_by_severity: BTreeMap<&'static str, usize>,
    suppressed: usize,
    /// The overall score had nothing been suppressed; present only when something was.
    #[serde(skip_serializing_if = "Option::is_none")]
    score_unsuppressed: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonCategory {
    id: Category,
    title: &'static str,
    score: Option<f64>,
    grade: Option<Grade>,
    weight: f64,
    findings: usize,
    rules_applicable: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    category: Category,
    severity: Severity,
    title: &'a str,
    message: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    subject: &'a str,
    fix: &'a RawValue,
    docs: String,
    related: &'a [Related],
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut by_severity: BTreeMap<&'static str, usize> =
        Severity::ALL.iter().map(|s| (s.name(), 0)).collect();
    for f in &report.findings {
        *by_severity.entry(f.severity.name()).or_default() += 1;
    }
    let fixes = Fixes::of(report);
    let mut doc = JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "shipshape",
            version: env!("CARGO_PKG_VERSION"),
        },
        root: &report.root,
        summary: Summary {
            score: report.scorecard.overall,
            grade: report.scorecard.grade,
            files: report.file_count(),
            files_by_kind: report.files.iter().map(|(k, n)| (k.name(), *n)).collect(),
            findings: report.findings.len(),
            findings_by_severity: by_severity,
            suppressed: report.suppressed.len(),
            score_unsuppressed: report.overall_unsuppressed,
            note: report
                .scorecard
                .overall
                .is_none()
                .then_some("nothing to judge: no rule had a subject to evaluate"),
        },
        categories: report
            .scorecard
            .categories
            .iter()
            .map(|c| JsonCategory {
                id: c.id,
                title: c.title,
                score: c.score,
                grade: c.grade,
                weight: c.weight,
                findings: c.findings,
                rules_applicable: c.rules_applicable,
            })
            .collect(),
        // Rendered apart, in parallel: `write_spliced` puts them in place.
        findings: Vec::new(),
        rules: &report.scorecard.rules,
        plan: &report.scorecard.plan,
        notices: &report.notices,
        suppressed: report
            .suppressed
            .iter()
            .map(|s| JsonSuppressed {
                finding: json_finding(&s.finding, &fixes),
                suppressed_by: &s.suppressed_by,
            })
            .collect(),
        baseline: report.baseline.as_ref(),
        diff: report.diff.as_ref().map(|d| JsonDiff {
            base: &d.base,
            commit: &d.commit,
            overall: ScoreChange {
                before: d.overall.0,
                after: d.overall.1,
            },
            categories: d
                .categories
                .iter()
                .map(|(id, before, after)| CategoryChange {
                    id: *id,
                    before: *before,
                    after: *after,
                })
                .collect(),
            new_findings: d.new_findings,
            fixed_findings: d.fixed_findings,
        }),
        gate: &report.gate,
    };
    let mut envelope = Vec::new();
    serde_json::to_writer_pretty(&mut envelope, &doc)?;
    let render_one = |f: &Finding| indented_finding(&json_finding(f, &fixes));
    if !write_spliced(out, &envelope, &report.findings, render_one)? {
        doc.findings = report
            .findings
            .iter()
            .map(|f| json_finding(f, &fixes))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &doc)?;
    }
    writeln!(out)
}

/// The top-level `findings` array as `to_writer_pretty` writes it when empty; `"findings"` is
/// a key at the top level (two spaces in) nowhere else, and a key's quotes are never escaped.
const EMPTY_FINDINGS: &[u8] = b"\n  \"findings\": [],";

/// A finding as `to_writer_pretty` writes it as an element of the top-level `findings` array,
/// two levels deep.
fn indented_finding(finding: &impl Serialize) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(
        &mut out,
        NestedPretty {
            indent: 2,
            has_value: false,
        },
    );
    finding.serialize(&mut serializer)?;
    Ok(out)
}

/// serde_json's `PrettyFormatter` (two spaces a level), starting `indent` levels deep.
struct NestedPretty {
    indent: usize,
    has_value: bool,
}

impl NestedPretty {
    fn new_line<W: ?Sized + Write>(&self, out: &mut W, first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.pad(out)
    }

    fn pad<W: ?Sized + Write>(&self, out: &mut W) -> io::Result<()> {
        for _ in 0..self.indent {
            out.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.indent += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.indent -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            self.pad(out)?;
        }
        out.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for NestedPretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.new_line(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.new_line(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Findings rendered at a time: enough to keep both cores busy, few enough that a huge
/// report is not held in memory twice.
const SPLICE_CHUNK: usize = 4096;

/// Writes the report with its findings in place of the empty array: the same bytes as
/// serialising it whole, with the findings (nearly all of a large report) rendered in parallel,
/// a chunk at a time. `false`, having written nothing, if the empty array is not where it is
/// expected.
fn write_spliced<T: Sync>(
    out: &mut dyn Write,
    envelope: &[u8],
    findings: &[T],
    render: impl Fn(&T) -> io::Result<Vec<u8>> + Sync,
) -> io::Result<bool> {
    if findings.is_empty() {
        out.write_all(envelope)?;
        return Ok(true);
    }
    let Some(at) = envelope
        .windows(EMPTY_FINDINGS.len())
        .position(|w| w == EMPTY_FINDINGS)
    else {
        return Ok(false);
    };
    out.write_all(&envelope[..at])?;
    out.write_all(b"\n  \"findings\": [\n")?;
    for (c, chunk) in findings.chunks(SPLICE_CHUNK).enumerate() {
        let rendered: Vec<Vec<u8>> = chunk.par_iter().map(&render).collect::<io::Result<_>>()?;
        for (i, bytes) in rendered.iter().enumerate() {
            if c > 0 || i > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(bytes)?;
        }
    }
    out.write_all(b"\n  ],")?;
    out.write_all(&envelope[at + EMPTY_FINDINGS.len()..])?;
    Ok(true)
}

/// Each rule's `fix` as JSON text, escaped once. Half of a large report is the same few hundred
/// fix texts repeated for every finding of their rule: escaping them once halves rendering.
struct Fixes {
    by_rule: std::collections::HashMap<String, Box<RawValue>>,
    none: Box<RawValue>,
}

impl Fixes {
    fn of(report: &Report) -> Fixes {
        let mut by_rule = std::collections::HashMap::new();
        let findings = report
            .findings
            .iter()
            .chain(report.suppressed.iter().map(|s| &s.finding));
        for f in findings {
            if !by_rule.contains_key(&f.rule)
                && let Some(meta) = catalog::lookup(&f.rule)
                && let Ok(raw) = serde_json::value::to_raw_value(&meta.fix)
            {
                by_rule.insert(f.rule.clone(), raw);
            }
        }
        Fixes {
            by_rule,
            none: serde_json::value::to_raw_value("").expect("a string serializes"),
        }
    }

    fn get(&self, rule: &str) -> &RawValue {
        self.by_rule.get(rule).unwrap_or(&self.none)
    }
}

fn json_finding<'a>(f: &'a Finding, fixes: &'a Fixes) -> JsonFinding<'a> {
    let meta = catalog::lookup(&f.rule);
    JsonFinding {
        rule: &f.rule,
        category: f.category,
        severity: f.severity,
        title: meta.map_or("", |m| m.title.as_str()),
        message: &f.message,
        path: &f.path,
        line: f.line,
        column: f.column,
        end_line: f.end_line,
        end_column: f.end_column,
        subject: &f.subject,
        fix: fixes.get(&f.rule),
        docs: meta.map(|m| m.docs_path()).unwrap_or_default(),
        related: &f.related,
        suggestion: f.suggestion.as_deref(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Item {
        text: String,
        nested: Vec<BTreeMap<String, Vec<u32>>>,
        empty: Vec<u32>,
    }

    #[derive(Serialize)]
    struct Shaped {
        summary: BTreeMap<&'static str, usize>,
        findings: Vec<Item>,
        rules: Vec<&'static str>,
    }

    fn item(text: &str) -> Item {
        Item {
            text: text.to_string(),
            nested: vec![BTreeMap::from([("k".to_string(), vec![1, 2])])],
            empty: Vec::new(),
        }
    }

    /// Splicing separately rendered findings into the envelope gives the bytes of rendering
    /// the whole, whatever the strings hold (line breaks, quotes, the marker itself).
    #[test]
    fn spliced_findings_match_the_whole_rendering() {
        let many: Vec<&str> = (0..SPLICE_CHUNK + 3).map(|_| "x").collect();
        for texts in [
            vec![],
            vec!["one"],
            vec!["a\nb", "\"findings\": [],", "\n  \"findings\": [],", "{\n}"],
            many,
        ] {
            let whole = Shaped {
                summary: BTreeMap::from([("findings", texts.len())]),
                findings: texts.iter().map(|t| item(t)).collect(),
                rules: vec!["r"],
            };
            let mut expected = Vec::new();
            serde_json::to_writer_pretty(&mut expected, &whole).unwrap();

            let envelope_of = Shaped {
                findings: Vec::new(),
                ..whole
            };
            let mut envelope = Vec::new();
            serde_json::to_writer_pretty(&mut envelope, &envelope_of).unwrap();
            let mut spliced = Vec::new();
            let render = |t: &&str| indented_finding(&item(t));
            assert!(write_spliced(&mut spliced, &envelope, &texts, render).unwrap());
            assert_eq!(
                String::from_utf8(spliced).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }
}
