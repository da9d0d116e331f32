//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: one run, the catalog as
//! `tool.driver.rules`, every finding a result, suppressed findings as results with
//! `suppressions`. Hand-rolled serde structs (see docs/crates.md: a crate adds a code generator
//! for 25 lines of types); every optional field is skipped when absent, as the schema demands.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::baseline;
use crate::catalog::{self, RuleMeta};
use crate::finding::{Finding, Severity};
use crate::suppress::{Kind, Reason};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    /// Our columns count Unicode code points, not SARIF's default UTF-16 units.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct RunProperties {
    score: Option<f64>,
    categories: BTreeMap<&'static str, Option<f64>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: String,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Help<'a>,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    category: &'static str,
    severity: &'static str,
    effort: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    physical_location: PhysicalLocation<'a>,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    uri: String,
    uri_base_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// `k8s-missing-pdb` → `K8sMissingPdb`, SARIF's conventional rule name.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative path as a URI reference: unreserved characters and `/` kept, the rest escaped.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region(line: usize, column: usize, end_line: usize, end_column: usize) -> Region {
    let (line, column) = (line.max(1), column.max(1));
    let (end_line, end_column) = if (end_line, end_column) < (line, column) {
        (line, column)
    } else {
        (end_line, end_column.max(1))
    };
    Region {
        start_line: line,
        start_column: column,
        end_line,
        end_column,
    }
}

fn suppression(reason: &Reason) -> Suppression {
    Suppression {
        kind: match reason.kind {
            Kind::Inline | Kind::File | Kind::Annotation => "inSource",
            Kind::Config | Kind::Baseline => "external",
        },
        justification: match reason.kind {
            Kind::Baseline => Some(format!("recorded in the baseline {}", reason.path)),
            _ => reason.reason.clone(),
        },
    }
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let metas: &[RuleMeta] = catalog::catalog();
    let index: BTreeMap<&str, usize> = metas
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let rules = metas
        .iter()
        .map(|m| Rule {
            id: &m.id,
            name: pascal(&m.id),
            short_description: Text { text: &m.title },
            full_description: Text { text: m.why.trim() },
            help: Help {
                text: m.fix.trim(),
                markdown: format!("{}\n\n**Fix**\n\n{}", m.why.trim(), m.fix.trim()),
            },
            help_uri: m.docs_url(),
            default_configuration: Configuration {
                level: level(m.severity),
            },
            properties: RuleProperties {
                tags: vec!["production-readiness", m.category.id()],
                category: m.category.id(),
                severity: m.severity.name(),
                effort: m.effort.name(),
            },
        })
        .collect();

    let mut results: Vec<SarifResult> = report
        .findings
        .iter()
        .map(|f| result(f, None, &index))
        .collect();
    results.extend(
        report
            .suppressed
            .iter()
            .map(|s| result(&s.finding, Some(&s.suppressed_by), &index)),
    );

    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "shipshape",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
            properties: RunProperties {
                score: report.scorecard.overall,
                categories: report
                    .scorecard
                    .categories
                    .iter()
                    .map(|c| (c.id.id(), c.score))
                    .collect(),
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn result<'a>(
    f: &'a Finding,
    reason: Option<&'a Reason>,
    index: &BTreeMap<&str, usize>,
) -> SarifResult<'a> {
    SarifResult {
        rule_id: f.rule.as_str(),
        rule_index: index.get(f.rule.as_str()).copied().unwrap_or(0),
        level: level(f.severity),
        message: Message {
            text: f.message.clone(),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(&f.path),
                    uri_base_id: "%SRCROOT%",
                },
                region: region(f.line, f.column, f.end_line, f.end_column),
            },
        }],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| RelatedLocation {
                id: i + 1,
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri(&r.path),
                        uri_base_id: "%SRCROOT%",
                    },
                    region: region(r.line, r.column, r.line, r.column),
                },
                message: Message {
                    text: r.label.clone(),
                },
            })
            .collect(),
        partial_fingerprints: BTreeMap::from([("shipshape/v1", baseline::fingerprint(f))]),
        suppressions: reason.map(suppression).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_uris_and_regions() {
        assert_eq!(pascal("k8s-missing-pdb"), "K8sMissingPdb");
        assert_eq!(uri("a b/c#d.yaml"), "a%20b/c%23d.yaml");
        let r = region(3, 0, 2, 0);
        assert_eq!(
            (r.start_line, r.start_column, r.end_line, r.end_column),
            (3, 1, 3, 1)
        );
    }
}
