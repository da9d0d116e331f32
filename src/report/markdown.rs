//! The Markdown readiness report, modelled on the hand-written seed review
//! (`../shared/seed/acgs-1-infrastructure-analysis.md`): executive summary, score breakdown,
//! per-category strengths and areas for improvement, recommended changes with the catalog's fix
//! snippets, the phased remediation plan and a metrics dashboard. With `compact` it is the short
//! form for pull-request comments and `$GITHUB_STEP_SUMMARY`, always under [`COMPACT_LIMIT`]
//! bytes.
//!
//! Deterministic: no timestamps or timings, every list in a fixed order.
//!
//! Everything that comes from scanned files (messages, paths, subjects, suppression reasons) is
//! untrusted: it is flattened to one line and escaped, so it can neither break out of its table
//! cell or list item nor inject HTML. The catalog's own Markdown (`why`, `fix`) is trusted and
//! copied as written, snippets intact.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Options, Report};
use crate::catalog;
use crate::finding::{Category, Finding, Severity};
use crate::gate::delta;
use crate::kind::FileKind;
use crate::score::{CategoryScore, Grade, Phase, PlanStep, RuleScore};
use crate::suppress::{Kind, Suppressed};

/// The compact report never exceeds this many bytes (GitHub's comment limit is 65,536
/// characters).
pub const COMPACT_LIMIT: usize = 60_000;
/// Locations listed per failing rule in the full report.
const LOCATIONS_PER_RULE: usize = 5;
/// Rules given a "recommended change" with the catalog's fix.
const RECOMMENDED: usize = 8;
/// Entries listed in the long tail sections (notices, suppressed, diagnostics, baseline).
const LISTED: usize = 20;
const COMPACT_FINDINGS: usize = 10;
const COMPACT_PLAN: usize = 5;
const COMPACT_ROWS: usize = 12;
/// Characters kept of one untrusted string in the compact report.
const COMPACT_TEXT: usize = 200;
const COMPACT_PATH: usize = 120;

/// Appends one line (`put!(doc)` appends an empty one). Writing to a `String` cannot fail.
macro_rules! put {
    ($doc:expr) => {
        $doc.push('\n')
    };
    ($doc:expr, $($arg:tt)*) => {{
        let _ = writeln!($doc, $($arg)*);
    }};
}

pub fn render(report: &Report, out: &mut dyn Write, options: &Options) -> io::Result<()> {
    let text = if options.compact {
        compact(report)
    } else {
        full(report)
    };
    out.write_all(text.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// The full report

fn full(report: &Report) -> String {
    let facts = Facts::of(report);
    let mut doc = String::new();
    header(report, &facts, &mut doc);
    executive_summary(report, &facts, &mut doc);
    gate_section(report, &mut doc, usize::MAX);
    diff_section(report, &mut doc, usize::MAX);
    for category in &report.scorecard.categories {
        category_section(report, &facts, category, &mut doc);
    }
    diagnostics_section(report, &mut doc);
    recommended_changes(report, &facts, &mut doc);
    remediation_plan(report, &mut doc);
    metrics(report, &facts, &mut doc);
    baseline_section(report, &mut doc);
    suppressed_section(report, &mut doc);
    skipped_section(report, &mut doc);
    footer(report, &mut doc);
    doc
}

/// Figures several sections share.
struct Facts<'a> {
    by_rule: BTreeMap<&'a str, Vec<&'a Finding>>,
    by_severity: Vec<(Severity, usize)>,
    rules_run: usize,
    rules_applicable: usize,
    general: Vec<&'a Finding>,
}

impl<'a> Facts<'a> {
    fn of(report: &'a Report) -> Facts<'a> {
        let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &report.findings {
            by_rule.entry(f.rule.as_str()).or_default().push(f);
        }
        let by_severity = Severity::ALL
            .iter()
            .map(|s| {
                (
                    *s,
                    report.findings.iter().filter(|f| f.severity == *s).count(),
                )
            })
            .collect();
        Facts {
            by_rule,
            by_severity,
            rules_run: report.scorecard.rules.len(),
            rules_applicable: report
                .scorecard
                .rules
                .iter()
                .filter(|r| r.evaluated > 0)
                .count(),
            general: report
                .findings
                .iter()
                .filter(|f| f.category == Category::General)
                .collect(),
        }
    }

    /// "30 high, 88 medium and 9 info" (severities with findings only).
    fn severity_phrase(&self) -> String {
        let parts: Vec<String> = self
            .by_severity
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {}", s.name()))
            .collect();
        and_list(&parts)
    }
}

fn header(report: &Report, facts: &Facts, doc: &mut String) {
    put!(
        doc,
        "# Infrastructure & Deployment Readiness: {}",
        code(&report.root, Ctx::Inline)
    );
    put!(doc);
    put!(doc, "**Repository:** {}  ", code(&report.root, Ctx::Inline));
    put!(
        doc,
        "**Generated by:** shipshape {}  ",
        env!("CARGO_PKG_VERSION")
    );
    put!(
        doc,
        "**Scope:** {}, {} run, {} applicable  ",
        plural(report.file_count(), "file"),
        plural(facts.rules_run, "rule"),
        facts.rules_applicable
    );
    match &report.config {
        Some(path) => put!(doc, "**Configuration:** {}  ", code(path, Ctx::Inline)),
        None => put!(doc, "**Configuration:** defaults (no configuration file)  "),
    }
    let status = if report.gate.is_empty() {
        "Analysis complete".to_string()
    } else if report.gate_passed() {
        "Analysis complete · ✅ CI gate passed".to_string()
    } else {
        "Analysis complete · ❌ CI gate failed".to_string()
    };
    put!(doc, "**Status:** {status}");
    put!(doc);
}

fn executive_summary(report: &Report, facts: &Facts, doc: &mut String) {
    let card = &report.scorecard;
    put!(doc, "## Executive Summary");
    put!(doc);
    let root = code(&report.root, Ctx::Inline);
    let Some(overall) = card.overall else {
        put!(
            doc,
            "{root} has **no deployment readiness score**: shipshape found nothing to judge (no Dockerfile, compose file, Kubernetes manifest, pipeline, load balancer, monitoring or infrastructure-as-code file). Every category is `n/a`, never 0 or 100."
        );
        put!(doc);
        score_breakdown(report, doc);
        return;
    };
    let verdict = match card.grade {
        Some(Grade::Excellent) => "✅ **excellent**: production ready",
        Some(Grade::Good) => "✅ **good**: production ready with optimizations",
        Some(Grade::NeedsImprovement) => "⚠️ **needs improvement** before production",
        Some(Grade::NotReady) | None => "❌ **not ready** for production",
    };
    let mut kinds: Vec<(usize, FileKind)> = report
        .files
        .iter()
        .filter(|(k, n)| !matches!(k, FileKind::OtherYaml) && **n > 0)
        .map(|(k, n)| (*n, *k))
        .collect();
    kinds.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut kind_parts: Vec<String> = kinds
        .iter()
        .take(5)
        .map(|(n, k)| format!("{n} {}", k.name()))
        .collect();
    if kinds.len() > 5 {
        kind_parts.push(format!("{} more", plural(kinds.len() - 5, "kind")));
    }
    let kinds_text = if kind_parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", kind_parts.join(", "))
    };
    let mut paragraph = format!(
        "{root} has a **{}/100 deployment readiness score**: {verdict}. shipshape read {}{kinds_text} and judged {} against {} applicable rules.",
        num(overall),
        plural(report.file_count(), "infrastructure file"),
        if report.file_count() == 1 {
            "it"
        } else {
            "them"
        },
        facts.rules_applicable
    );

    let mut scored: Vec<&CategoryScore> = card
        .categories
        .iter()
        .filter(|c| c.score.is_some())
        .collect();
    scored.sort_by(|a, b| {
        b.score
            .unwrap_or(0.0)
            .total_cmp(&a.score.unwrap_or(0.0))
            .then(a.id.cmp(&b.id))
    });
    let describe = |c: &CategoryScore| {
        format!(
            "**{}** ({}, {})",
            c.title,
            num(c.score.unwrap_or(0.0)),
            c.grade.map_or("n/a", Grade::label)
        )
    };
    match scored.len() {
        0 => {}
        1 => {
            let _ = write!(
                paragraph,
                " Only {} had anything to judge.",
                describe(scored[0])
            );
        }
        n => {
            let weak: Vec<&CategoryScore> =
                scored.iter().rev().take(2.min(n - 1)).copied().collect();
            let floor = weak.iter().filter_map(|c| c.score).fold(f64::MIN, f64::max);
            // Strongest: above every weak one, so a tie is never both strongest and weakest.
            let strong: Vec<String> = scored
                .iter()
                .take(2.min(n - weak.len()))
                .filter(|c| c.score.is_some_and(|s| s > floor))
                .map(|c| describe(c))
                .collect();
            let weak: Vec<String> = weak.iter().map(|c| describe(c)).collect();
            if strong.is_empty() {
                let _ = write!(
                    paragraph,
                    " Every judged category scores {}.",
                    num(scored[0].score.unwrap_or(0.0))
                );
            } else {
                let _ = write!(
                    paragraph,
                    " The strongest {} {}; the weakest {} {}.",
                    if strong.len() == 1 {
                        "area is"
                    } else {
                        "areas are"
                    },
                    and_list(&strong),
                    if weak.len() == 1 { "is" } else { "are" },
                    and_list(&weak)
                );
            }
        }
    }
    let na: Vec<&str> = card
        .categories
        .iter()
        .filter(|c| c.score.is_none())
        .map(|c| c.title)
        .collect();
    if !na.is_empty() {
        let na: Vec<String> = na.iter().map(|t| t.to_string()).collect();
        let _ = write!(
            paragraph,
            " {} had nothing to judge (`n/a`).",
            and_list(&na)
        );
    }
    put!(doc, "{paragraph}");
    put!(doc);

    let mut paragraph = if report.findings.is_empty() {
        "shipshape reports **no findings**.".to_string()
    } else {
        format!(
            "shipshape reports **{}**: {}.",
            plural(report.findings.len(), "finding"),
            facts.severity_phrase()
        )
    };
    if !facts.general.is_empty() {
        let _ = write!(
            paragraph,
            " {} of them {} about the input itself (parse errors, duplicate keys, unused suppressions) and {} not scored.",
            facts.general.len(),
            if facts.general.len() == 1 {
                "is"
            } else {
                "are"
            },
            if facts.general.len() == 1 {
                "is"
            } else {
                "are"
            },
        );
    }
    let mut gains: Vec<&RuleScore> = card
        .rules
        .iter()
        .filter(|r| r.failed > 0 && r.gain > 0.0)
        .collect();
    gains.sort_by(by_gain);
    if !gains.is_empty() {
        let top: Vec<String> = gains
            .iter()
            .take(3)
            .map(|r| format!("*{}* ({})", text(&r.title, Ctx::Inline), points(r.gain)))
            .collect();
        let _ = write!(
            paragraph,
            " The largest gains come from fixing {}.",
            and_list(&top)
        );
    }
    if let Some(last) = card.plan.last() {
        let _ = write!(
            paragraph,
            " The remediation plan's {}, cheapest first, would take the score to **{}/100**",
            plural(card.plan.len(), "step"),
            num(last.projected)
        );
        let first_phase = card.plan[0].phase;
        let in_first = card
            .plan
            .iter()
            .take_while(|s| s.phase == first_phase)
            .collect::<Vec<_>>();
        if in_first.len() < card.plan.len() {
            let _ = write!(
                paragraph,
                "; {} alone ({}) reaches {}",
                phase_name(first_phase),
                plural(in_first.len(), "step"),
                num(in_first.last().map_or(overall, |s| s.projected))
            );
        }
        paragraph.push('.');
    }
    put!(doc, "{paragraph}");
    put!(doc);

    let mut extra = Vec::new();
    if !report.suppressed.is_empty() {
        let kinds = suppressed_kinds(&report.suppressed);
        let without = score_counting_suppressed(report)
            .map(|(them, o)| format!("; counting {them}, the score would be {o}"))
            .unwrap_or_default();
        extra.push(format!(
            "{} suppressed ({}) and left out of the score{without}.",
            plural_be(report.suppressed.len(), "finding"),
            kinds
        ));
    }
    if let Some(b) = &report.baseline {
        extra.push(format!(
            "Against the baseline {}, {} set aside and {} new.",
            code(&b.path, Ctx::Inline),
            plural_be(b.known, "known finding"),
            b.new
        ));
    }
    if let Some(d) = &report.diff {
        extra.push(format!(
            "Compared with {}, the overall score went {}, with {} and {} fixed.",
            code(&d.base, Ctx::Inline),
            delta(d.overall.0, d.overall.1),
            plural(d.new_findings, "new finding"),
            d.fixed_findings
        ));
    }
    if !report.gate.is_empty() {
        let failing = report.gate.iter().filter(|c| !c.passed).count();
        let mut failed: Vec<String> = report
            .gate
            .iter()
            .filter(|c| !c.passed)
            .take(3)
            .map(|c| {
                format!(
                    "{} ({})",
                    code(&c.gate, Ctx::Inline),
                    text(&c.message, Ctx::Inline)
                )
            })
            .collect();
        if failed.is_empty() {
            extra.push(format!(
                "The CI gate ✅ **passed** ({}).",
                if report.gate.len() == 1 {
                    "1 check".to_string()
                } else {
                    format!("all {} checks", report.gate.len())
                }
            ));
        } else {
            if failing > failed.len() {
                failed.push(format!("{} more", failing - failed.len()));
            }
            extra.push(format!(
                "The CI gate ❌ **failed**: {} of {} failed: {}.",
                failing,
                plural(report.gate.len(), "check"),
                failed.join("; ")
            ));
        }
    }
    if !extra.is_empty() {
        put!(doc, "{}", extra.join(" "));
        put!(doc);
    }
    score_breakdown(report, doc);
}

fn score_breakdown(report: &Report, doc: &mut String) {
    put!(doc, "### Readiness Score Breakdown");
    put!(doc);
    score_table(report, doc);
    put!(doc);
    let card = &report.scorecard;
    match card.overall {
        Some(overall) => put!(
            doc,
            "**Overall readiness: {}/100** {} **{}**",
            num(overall),
            marker(card.grade),
            grade_title(card.grade)
        ),
        None => put!(doc, "**Overall readiness: n/a** ➖ **Nothing to judge**"),
    }
    put!(doc);
}

fn score_table(report: &Report, doc: &mut String) {
    put!(doc, "| Category | Score | Grade | Findings | Weight |");
    put!(doc, "| --- | ---: | --- | ---: | ---: |");
    for c in &report.scorecard.categories {
        let (score, grade) = match c.score {
            Some(s) if c.rules_applicable == 0 => (
                num(s),
                format!(
                    "{} {} (required, nothing to judge)",
                    marker(c.grade),
                    grade_title(c.grade)
                ),
            ),
            Some(s) => (
                num(s),
                format!("{} {}", marker(c.grade), grade_title(c.grade)),
            ),
            None => ("n/a".to_string(), format!("➖ n/a ({})", c.id.inputs())),
        };
        put!(
            doc,
            "| {} {} | {score} | {grade} | {} | {} |",
            category_icon(c.id),
            c.title,
            c.findings,
            c.weight
        );
    }
}

fn gate_section(report: &Report, doc: &mut String, max_rows: usize) {
    if report.gate.is_empty() {
        return;
    }
    let failed = report.gate.iter().filter(|c| !c.passed).count();
    put!(doc, "## 🚦 CI Gate");
    put!(doc);
    if failed == 0 {
        put!(doc, "✅ **Passed**: every gate holds.");
    } else {
        put!(
            doc,
            "❌ **Failed**: {} of {} did not hold.",
            failed,
            plural(report.gate.len(), "gate")
        );
    }
    put!(doc);
    put!(doc, "| Gate | Result | Detail |");
    put!(doc, "| --- | --- | --- |");
    for check in report.gate.iter().take(max_rows) {
        put!(
            doc,
            "| {} | {} | {} |",
            code(&clip(&check.gate, COMPACT_TEXT), Ctx::Cell),
            if check.passed { "✅ pass" } else { "❌ fail" },
            text(&clip(&check.message, COMPACT_TEXT * 2), Ctx::Cell)
        );
    }
    more_line(doc, report.gate.len(), max_rows, "gate");
    put!(doc);
}

fn diff_section(report: &Report, doc: &mut String, max_rows: usize) {
    let Some(d) = &report.diff else {
        return;
    };
    let short: String = d.commit.chars().take(10).collect();
    put!(
        doc,
        "## 🔀 Change since {} ({})",
        code(&clip(&d.base, COMPACT_PATH), Ctx::Inline),
        code(&short, Ctx::Inline)
    );
    put!(doc);
    put!(doc, "| Category | Before → after |");
    put!(doc, "| --- | --- |");
    put!(
        doc,
        "| **Overall** | **{}** |",
        delta(d.overall.0, d.overall.1)
    );
    let changed: Vec<_> = d
        .categories
        .iter()
        .filter(|(_, before, after)| before.is_some() || after.is_some())
        .collect();
    for (c, before, after) in changed.iter().take(max_rows) {
        put!(
            doc,
            "| {} {} | {} |",
            category_icon(*c),
            c.title(),
            delta(*before, *after)
        );
    }
    more_line(doc, changed.len(), max_rows, "category");
    put!(doc);
    put!(
        doc,
        "{} and {} since the base revision.",
        capitalise(&plural(d.new_findings, "new finding")),
        plural(d.fixed_findings, "fixed finding")
    );
    put!(doc);
}

fn category_section(report: &Report, facts: &Facts, c: &CategoryScore, doc: &mut String) {
    let icon = category_icon(c.id);
    let Some(score) = c.score else {
        put!(doc, "## {icon} {} (n/a)", c.title);
        put!(doc);
        put!(
            doc,
            "➖ Not applicable: nothing to judge here ({}). The category is left out of the overall score.",
            c.id.inputs()
        );
        put!(doc);
        return;
    };
    put!(
        doc,
        "## {icon} {} ({}/100 {} {})",
        c.title,
        num(score),
        marker(c.grade),
        grade_title(c.grade)
    );
    put!(doc);
    let rules: Vec<&RuleScore> = report
        .scorecard
        .rules
        .iter()
        .filter(|r| r.category == c.id)
        .collect();
    if c.rules_applicable == 0 {
        put!(
            doc,
            "Nothing to judge here ({}), but the configuration marks this category required, so it scores 0.",
            c.id.inputs()
        );
        put!(doc);
        return;
    }
    let mut passed: Vec<&RuleScore> = rules
        .iter()
        .copied()
        .filter(|r| r.evaluated > 0 && r.failed == 0)
        .collect();
    passed.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(&b.id)));
    let mut failing: Vec<&RuleScore> = rules.iter().copied().filter(|r| r.failed > 0).collect();
    failing.sort_by(by_gain);
    let idle = rules.iter().filter(|r| r.evaluated == 0).count();
    let mut intro = format!(
        "{} of {} applied: {} {}, {} found something to fix ({}).",
        c.rules_applicable,
        plural(rules.len(), "rule"),
        passed.len(),
        if passed.len() == 1 { "passes" } else { "pass" },
        failing.len(),
        plural(c.findings, "finding")
    );
    if idle > 0 {
        let _ = write!(
            intro,
            " {} nothing to judge in this repository.",
            if idle == 1 {
                "1 rule had".to_string()
            } else {
                format!("{idle} rules had")
            }
        );
    }
    put!(doc, "{intro}");
    put!(doc);

    put!(doc, "**Strengths:**");
    put!(doc);
    if passed.is_empty() {
        put!(
            doc,
            "- _None yet: every applicable rule found something to fix._"
        );
    }
    for r in &passed {
        put!(
            doc,
            "- ✅ {}: **none found** ({} checked)",
            text(&r.title, Ctx::Inline),
            plural(r.evaluated, "subject")
        );
    }
    put!(doc);

    put!(doc, "**Areas for improvement:**");
    put!(doc);
    if failing.is_empty() {
        put!(doc, "- _None: every applicable rule passes._");
    }
    for r in &failing {
        let gain = if r.gain > 0.0 {
            format!(" · {} points if fixed", points(r.gain))
        } else {
            " · not scored (info)".to_string()
        };
        put!(
            doc,
            "- ⚠️ **{}** ({}, {}): {} of {} {}{gain}",
            text(&r.title, Ctx::Inline),
            code(&r.id, Ctx::Inline),
            r.severity.name(),
            r.failed,
            plural(r.evaluated, "subject"),
            if r.failed == 1 { "fails" } else { "fail" }
        );
        let found = facts
            .by_rule
            .get(r.id.as_str())
            .map_or(&[][..], |v| v.as_slice());
        for f in found.iter().take(LOCATIONS_PER_RULE) {
            put!(
                doc,
                "  - {}: {}",
                location(&f.path, f.line, Ctx::Inline),
                text(&f.message, Ctx::Inline)
            );
        }
        if found.len() > LOCATIONS_PER_RULE {
            put!(
                doc,
                "  - … and {} more (`shipshape audit --rule {}`)",
                found.len() - LOCATIONS_PER_RULE,
                r.id
            );
        }
    }
    put!(doc);
}

fn diagnostics_section(report: &Report, doc: &mut String) {
    let general: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.category == Category::General)
        .collect();
    if general.is_empty() {
        return;
    }
    put!(
        doc,
        "## {} Input Diagnostics (not scored)",
        category_icon(Category::General)
    );
    put!(doc);
    put!(
        doc,
        "What shipshape could not read as written, or suppressions that match nothing: fix these first, since a file that does not parse is judged on what could be read of it."
    );
    put!(doc);
    for f in general.iter().take(LISTED) {
        put!(
            doc,
            "- {} {} ({}): {}",
            location(&f.path, f.line, Ctx::Inline),
            code(&f.rule, Ctx::Inline),
            f.severity.name(),
            text(&f.message, Ctx::Inline)
        );
    }
    more_line(doc, general.len(), LISTED, "diagnostic");
    put!(doc);
}

fn recommended_changes(report: &Report, facts: &Facts, doc: &mut String) {
    let mut failing: Vec<&RuleScore> = report
        .scorecard
        .rules
        .iter()
        .filter(|r| r.failed > 0 && r.weight > 0.0)
        .collect();
    if failing.is_empty() {
        return;
    }
    failing.sort_by(by_gain);
    put!(doc, "## 🛠️ Recommended Changes");
    put!(doc);
    put!(
        doc,
        "The {} whose fix gains the most, with the catalog's remediation (`shipshape explain <rule>` prints the same).",
        if failing.len() == 1 {
            "failing rule".to_string()
        } else {
            format!("{} failing rules", failing.len().min(RECOMMENDED))
        }
    );
    put!(doc);
    for (i, r) in failing.iter().take(RECOMMENDED).enumerate() {
        put!(doc, "### {}. {}", i + 1, text(&r.title, Ctx::Inline));
        put!(doc);
        put!(
            doc,
            "{} · {} · {} severity · effort {} · {} to fix · **{} points**",
            code(&r.id, Ctx::Inline),
            r.category.title(),
            r.severity.name(),
            r.effort.name(),
            plural(r.failed, "subject"),
            points(r.gain)
        );
        put!(doc);
        let Some(meta) = catalog::lookup(&r.id) else {
            continue;
        };
        let why = first_paragraph(&meta.why);
        if !why.is_empty() {
            put!(doc, "**Why it matters:** {why}");
            put!(doc);
        }
        let fix = meta.fix.trim();
        if !fix.is_empty() {
            if fix.starts_with("```") || fix.starts_with("~~~") {
                put!(doc, "**How to fix:**");
                put!(doc);
                put!(doc, "{fix}");
            } else {
                put!(doc, "**How to fix:** {fix}");
            }
            put!(doc);
        }
        let mut shown: Vec<&str> = Vec::new();
        for f in facts.by_rule.get(r.id.as_str()).into_iter().flatten() {
            if let Some(s) = f.suggestion.as_deref().filter(|s| !s.trim().is_empty())
                && !shown.contains(&s)
            {
                shown.push(s);
            }
        }
        for s in shown.iter().take(2) {
            put!(doc, "**Suggested for this repository:**");
            put!(doc);
            doc.push_str(&fenced(s, "yaml"));
            put!(doc);
        }
        put!(
            doc,
            "Reference: [{}]({})",
            meta.docs_path(),
            meta.docs_url()
        );
        put!(doc);
    }
}

fn remediation_plan(report: &Report, doc: &mut String) {
    let plan = &report.scorecard.plan;
    put!(doc, "## 📈 Remediation Plan");
    put!(doc);
    if plan.is_empty() {
        put!(
            doc,
            "{}",
            if report.scorecard.overall.is_some() {
                "Nothing to fix: every scored rule passes."
            } else {
                "Nothing to plan: nothing was judged."
            }
        );
        put!(doc);
        return;
    }
    put!(
        doc,
        "Steps ordered by effort, then by what they gain. Each shows the projected overall score once it and every step before it are done, starting from **{}/100**.",
        num(report.scorecard.overall.unwrap_or(0.0))
    );
    put!(doc);
    let mut number = 1;
    for phase in [Phase::Immediate, Phase::Next, Phase::Later] {
        let steps: Vec<&PlanStep> = plan.iter().filter(|s| s.phase == phase).collect();
        let Some(last) = steps.last() else {
            continue;
        };
        put!(
            doc,
            "### {} ({} effort)",
            capitalise(phase.title()),
            steps[0].effort.name()
        );
        put!(doc);
        for step in &steps {
            put!(doc, "{}", plan_line(number, step, usize::MAX));
            number += 1;
        }
        put!(doc);
        put!(
            doc,
            "After {}: **{}/100** {} {}",
            phase_name(phase),
            num(last.projected),
            marker(Some(Grade::of(last.projected))),
            grade_title(Some(Grade::of(last.projected)))
        );
        put!(doc);
    }
}

fn plan_line(number: usize, step: &PlanStep, max: usize) -> String {
    format!(
        "{number}. **{}** ({}, {}): fix {} · {} → **{}**",
        text(&clip(&step.title, max), Ctx::Inline),
        code(&clip(&step.rule, max), Ctx::Inline),
        step.category.title(),
        plural(step.failed, "subject"),
        points(step.gain),
        num(step.projected)
    )
}

fn metrics(report: &Report, facts: &Facts, doc: &mut String) {
    put!(doc, "## 📊 Metrics Dashboard");
    put!(doc);
    put!(doc, "### Key Figures");
    put!(doc);
    put!(doc, "| Metric | Value |");
    put!(doc, "| --- | ---: |");
    put!(doc, "| **Files analysed** | {} |", report.file_count());
    put!(
        doc,
        "| **Rules applicable** | {} of {} |",
        facts.rules_applicable,
        facts.rules_run
    );
    put!(doc, "| **Findings** | {} |", report.findings.len());
    for (severity, n) in &facts.by_severity {
        put!(doc, "| {} | {n} |", capitalise(severity.name()));
    }
    put!(
        doc,
        "| **Input diagnostics** (not scored) | {} |",
        facts.general.len()
    );
    put!(
        doc,
        "| **Suppressed findings** | {} |",
        report.suppressed.len()
    );
    put!(
        doc,
        "| **Skipped files** (notices) | {} |",
        report.notices.len()
    );
    put!(
        doc,
        "| **Remediation steps** | {} |",
        report.scorecard.plan.len()
    );
    if let Some(last) = report.scorecard.plan.last() {
        put!(
            doc,
            "| **Projected score after the plan** | {} |",
            num(last.projected)
        );
    }
    put!(doc);
    let mut files: Vec<(&FileKind, &usize)> =
        report.files.iter().filter(|(_, n)| **n > 0).collect();
    files.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    if !files.is_empty() {
        put!(doc, "### Files by Kind");
        put!(doc);
        put!(doc, "| Kind | Files |");
        put!(doc, "| --- | ---: |");
        for (kind, n) in files {
            put!(doc, "| {} | {n} |", kind.name());
        }
        put!(doc);
    }
}

fn baseline_section(report: &Report, doc: &mut String) {
    let Some(b) = &report.baseline else {
        return;
    };
    put!(doc, "## 📌 Baseline");
    put!(doc);
    put!(
        doc,
        "Baseline file {}: {} set aside (not scored, never failing the gate), {} new.",
        code(&b.path, Ctx::Inline),
        plural_be(b.known, "known finding"),
        b.new
    );
    put!(doc);
    if !b.absent.is_empty() {
        put!(
            doc,
            "{} recorded in the baseline {} no longer reported (fixed?): refresh it with `shipshape baseline`.",
            plural(b.absent.len(), "finding"),
            if b.absent.len() == 1 { "is" } else { "are" }
        );
        put!(doc);
        for e in b.absent.iter().take(LISTED) {
            put!(
                doc,
                "- {} {}: {}",
                code(&e.path, Ctx::Inline),
                code(&e.rule, Ctx::Inline),
                text(&e.message, Ctx::Inline)
            );
        }
        more_line(doc, b.absent.len(), LISTED, "finding");
        put!(doc);
    }
}

/// The overall score had the suppressed findings counted, with the pronoun for them.
fn score_counting_suppressed(report: &Report) -> Option<(&'static str, String)> {
    let them = if report.suppressed.len() == 1 {
        "it"
    } else {
        "them"
    };
    report.overall_unsuppressed.map(|o| (them, num(o)))
}

fn suppressed_section(report: &Report, doc: &mut String) {
    if report.suppressed.is_empty() {
        return;
    }
    put!(doc, "## 🔕 Suppressed Findings");
    put!(doc);
    let without = score_counting_suppressed(report)
        .map(|(them, o)| format!(" Counting {them}, the overall score would be {o}."))
        .unwrap_or_default();
    put!(
        doc,
        "{} left out of the score and the gate.{without}",
        plural_be(report.suppressed.len(), "finding"),
    );
    put!(doc);
    put!(doc, "| Suppressed by | Findings |");
    put!(doc, "| --- | ---: |");
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for s in &report.suppressed {
        *by_kind.entry(s.suppressed_by.kind).or_default() += 1;
    }
    for (kind, n) in &by_kind {
        put!(doc, "| {} | {n} |", kind_name(*kind));
    }
    put!(doc);
    // Baselined findings are many and alike: the baseline section speaks for them.
    let listed: Vec<&Suppressed> = report
        .suppressed
        .iter()
        .filter(|s| s.suppressed_by.kind != Kind::Baseline)
        .collect();
    if listed.is_empty() {
        return;
    }
    put!(doc, "| Location | Rule | Suppressed by | Reason |");
    put!(doc, "| --- | --- | --- | --- |");
    for s in listed.iter().take(LISTED) {
        let f = &s.finding;
        let by = &s.suppressed_by;
        let origin = match by.kind {
            Kind::Config => format!("config {}", code(&by.path, Ctx::Cell)),
            kind => format!(
                "{} {}",
                kind_name(kind),
                location(&by.path, by.line, Ctx::Cell)
            ),
        };
        put!(
            doc,
            "| {} | {} | {origin} | {} |",
            location(&f.path, f.line, Ctx::Cell),
            code(&f.rule, Ctx::Cell),
            by.reason
                .as_deref()
                .map_or("_no reason given_".to_string(), |r| text(r, Ctx::Cell))
        );
    }
    put!(doc);
    more_line(doc, listed.len(), LISTED, "suppressed finding");
    if listed.len() > LISTED {
        put!(doc);
    }
}

fn skipped_section(report: &Report, doc: &mut String) {
    if report.notices.is_empty() {
        return;
    }
    put!(doc, "## ⏭️ Skipped Files");
    put!(doc);
    put!(
        doc,
        "{} not read, or read only in part:",
        plural(report.notices.len(), "file")
    );
    put!(doc);
    for n in report.notices.iter().take(LISTED) {
        put!(
            doc,
            "- {}: {}",
            code(&n.path, Ctx::Inline),
            text(&n.message, Ctx::Inline)
        );
    }
    more_line(doc, report.notices.len(), LISTED, "file");
    put!(doc);
}

fn footer(report: &Report, doc: &mut String) {
    put!(doc, "---");
    put!(doc);
    let card = &report.scorecard;
    match card.overall {
        Some(overall) => put!(
            doc,
            "**Overall readiness: {}/100** {} **{}**",
            num(overall),
            marker(card.grade),
            grade_title(card.grade)
        ),
        None => put!(doc, "**Overall readiness: n/a** ➖ **Nothing to judge**"),
    }
    put!(doc);
    put!(
        doc,
        "_Generated by shipshape {}. Run `shipshape explain <rule>` for any rule named above._",
        env!("CARGO_PKG_VERSION")
    );
}

// ---------------------------------------------------------------------------------------------
// The compact report

fn compact(report: &Report) -> String {
    let facts = Facts::of(report);
    let card = &report.scorecard;
    let mut doc = String::new();
    match card.overall {
        Some(overall) => put!(
            doc,
            "## 🚢 shipshape readiness: {}/100 {} {}",
            num(overall),
            marker(card.grade),
            grade_title(card.grade)
        ),
        None => put!(doc, "## 🚢 shipshape readiness: n/a ➖ nothing to judge"),
    }
    put!(doc);
    let mut line = format!(
        "{} · {} · {}",
        code(&clip(&report.root, COMPACT_PATH), Ctx::Inline),
        plural(report.file_count(), "file"),
        plural(report.findings.len(), "finding")
    );
    if !report.findings.is_empty() {
        let _ = write!(line, " ({})", facts.severity_phrase());
    }
    if !report.suppressed.is_empty() {
        let _ = write!(line, " · {} suppressed", report.suppressed.len());
    }
    if let Some(b) = &report.baseline {
        let _ = write!(line, " · baseline: {} known, {} new", b.known, b.new);
    }
    put!(doc, "{line}");
    put!(doc);
    score_table(report, &mut doc);
    put!(doc);
    gate_section(report, &mut doc, COMPACT_ROWS);
    diff_section(report, &mut doc, COMPACT_ROWS);

    if !report.findings.is_empty() {
        let gain: BTreeMap<&str, f64> =
            card.rules.iter().map(|r| (r.id.as_str(), r.gain)).collect();
        let mut order: Vec<usize> = (0..report.findings.len()).collect();
        order.sort_by(|&a, &b| {
            let (fa, fb) = (&report.findings[a], &report.findings[b]);
            fb.severity
                .cmp(&fa.severity)
                .then(
                    gain.get(fb.rule.as_str())
                        .unwrap_or(&0.0)
                        .total_cmp(gain.get(fa.rule.as_str()).unwrap_or(&0.0)),
                )
                .then(a.cmp(&b))
        });
        let shown = order.len().min(COMPACT_FINDINGS);
        put!(
            doc,
            "### Top findings ({shown} of {})",
            report.findings.len()
        );
        put!(doc);
        put!(doc, "| Severity | Rule | Location | Message |");
        put!(doc, "| --- | --- | --- | --- |");
        for &i in order.iter().take(COMPACT_FINDINGS) {
            let f = &report.findings[i];
            put!(
                doc,
                "| {} | {} | {} | {} |",
                f.severity.name(),
                code(&clip(&f.rule, COMPACT_PATH), Ctx::Cell),
                location(&clip(&f.path, COMPACT_PATH), f.line, Ctx::Cell),
                text(&clip(&f.message, COMPACT_TEXT), Ctx::Cell)
            );
        }
        put!(doc);
        if report.findings.len() > shown {
            put!(
                doc,
                "_… and {} more in the full report._",
                report.findings.len() - shown
            );
            put!(doc);
        }
    }

    if !card.plan.is_empty() {
        let shown = card.plan.len().min(COMPACT_PLAN);
        put!(doc, "### Next steps ({shown} of {})", card.plan.len());
        put!(doc);
        for (i, step) in card.plan.iter().take(COMPACT_PLAN).enumerate() {
            put!(doc, "{}", plan_line(i + 1, step, COMPACT_TEXT));
        }
        put!(doc);
        if let Some(last) = card.plan.last() {
            put!(
                doc,
                "The whole plan ({}) would reach **{}/100**.",
                plural(card.plan.len(), "step"),
                num(last.projected)
            );
            put!(doc);
        }
    }
    put!(
        doc,
        "_shipshape {} · full report: `shipshape audit -f markdown` · `shipshape explain <rule>`_",
        env!("CARGO_PKG_VERSION")
    );
    cap(doc, COMPACT_LIMIT)
}

/// Cuts `doc` at a line boundary so that it fits in `limit` bytes, saying so. Every list of the
/// compact report is already bounded; this is the last guard.
fn cap(mut doc: String, limit: usize) -> String {
    if doc.len() <= limit {
        return doc;
    }
    let note = "\n_… cut to fit a pull-request comment: run `shipshape audit -f markdown` for the full report._\n";
    let mut end = limit.saturating_sub(note.len());
    while !doc.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(newline) = doc[..end].rfind('\n') {
        end = newline + 1;
    }
    doc.truncate(end);
    doc.push_str(note);
    doc
}

// ---------------------------------------------------------------------------------------------
// Wording

fn by_gain(a: &&RuleScore, b: &&RuleScore) -> std::cmp::Ordering {
    b.gain
        .total_cmp(&a.gain)
        .then(b.severity.cmp(&a.severity))
        .then(a.id.cmp(&b.id))
}

/// A score with one decimal, as `gate::delta` writes it (`71.6`, `86.0`); the ends of the scale
/// as the seed writes them (`100`, `0`).
fn num(x: f64) -> String {
    if x == 100.0 || x == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// A gain in points: `+1.2`; `+<0.1` for a gain too small to show at one decimal.
fn points(gain: f64) -> String {
    if gain > 0.0 && gain < 0.05 {
        "+<0.1".to_string()
    } else {
        format!("{gain:+.1}")
    }
}

fn marker(grade: Option<Grade>) -> &'static str {
    match grade {
        Some(Grade::Excellent) | Some(Grade::Good) => "✅",
        Some(Grade::NeedsImprovement) => "⚠️",
        Some(Grade::NotReady) => "❌",
        None => "➖",
    }
}

fn grade_title(grade: Option<Grade>) -> String {
    grade.map_or("n/a".to_string(), |g| capitalise(g.label()))
}

fn category_icon(category: Category) -> &'static str {
    match category {
        Category::Container => "🐳",
        Category::Kubernetes => "☸️",
        Category::Cicd => "🚀",
        Category::Observability => "📡",
        Category::Scaling => "⚖️",
        Category::Iac => "🏗️",
        Category::General => "🧾",
    }
}

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Immediate => "phase 1",
        Phase::Next => "phase 2",
        Phase::Later => "phase 3",
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Inline => "inline comment",
        Kind::File => "whole-file comment",
        Kind::Annotation => "annotation",
        Kind::Config => "config",
        Kind::Baseline => "baseline",
    }
}

fn suppressed_kinds(suppressed: &[Suppressed]) -> String {
    let mut by_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for s in suppressed {
        *by_kind.entry(s.suppressed_by.kind).or_default() += 1;
    }
    let parts: Vec<String> = by_kind
        .iter()
        .map(|(k, n)| format!("{n} by {}", kind_name(*k)))
        .collect();
    parts.join(", ")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `1 finding is`, `2 findings are`.
fn plural_be(n: usize, noun: &str) -> String {
    format!("{} {}", plural(n, noun), if n == 1 { "is" } else { "are" })
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn more_line(doc: &mut String, total: usize, shown: usize, noun: &str) {
    if total > shown {
        let rest = total - shown;
        put!(
            doc,
            "- … and {rest} more {noun}{}",
            if rest == 1 { "" } else { "s" }
        );
    }
}

/// The first paragraph of catalog Markdown, on one line.
fn first_paragraph(markdown: &str) -> String {
    markdown
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// At most `max` characters of `s`, with `…` when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

// ---------------------------------------------------------------------------------------------
// Escaping untrusted text

/// Where inline Markdown goes: table cells also need `|` escaped inside code spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Inline,
    Cell,
}

/// One line: every control character (newlines, tabs, escapes) and Unicode line or paragraph
/// separator becomes a space, so untrusted text cannot end its list item or table row.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Untrusted text as inline Markdown. Rule messages quote names in backticks: when the
/// backticks pair up, those spans stay code spans (with a safe fence); everything else is
/// escaped, so no emphasis, link, image, table pipe or HTML can come from scanned files.
fn text(s: &str, ctx: Ctx) -> String {
    let flat = one_line(s);
    let parts: Vec<&str> = flat.split('`').collect();
    let paired = parts.len() > 1
        && parts.len() % 2 == 1
        && parts
            .iter()
            .skip(1)
            .step_by(2)
            .all(|p| !p.trim().is_empty());
    if !paired {
        return escape(&flat);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| if i % 2 == 1 { code(p, ctx) } else { escape(p) })
        .collect()
}

/// Escapes text outside code: HTML's `&`, `<` and `>` as entities, Markdown's punctuation with a
/// backslash (a backslash-escaped `|` also stays inside a GFM table cell).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Untrusted text as a code span, fenced with more backticks than any run inside it. In a table
/// cell `|` must be escaped even inside code; text with both `\` and `|` is escaped as plain
/// text there instead, which no table parser misreads.
fn code(s: &str, ctx: Ctx) -> String {
    let mut body = one_line(s);
    if body.trim().is_empty() {
        return escape(&body);
    }
    if ctx == Ctx::Cell && body.contains('|') {
        if body.contains('\\') {
            return escape(&body);
        }
        body = body.replace('|', "\\|");
    }
    let fence = "`".repeat(longest_run(&body, '`') + 1);
    let pad = if body.starts_with(['`', ' ']) || body.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// `path:line` as code (just the path when there is no line).
fn location(path: &str, line: usize, ctx: Ctx) -> String {
    if line == 0 {
        code(path, ctx)
    } else {
        code(&format!("{path}:{line}"), ctx)
    }
}

/// A fenced block whose fence no line of `body` can close.
fn fenced(body: &str, lang: &str) -> String {
    let fence = "`".repeat(longest_run(body, '`').max(2) + 1);
    format!(
        "{fence}{lang}\n{}\n{fence}\n",
        body.trim_end_matches(['\n', '\r'])
    )
}

fn longest_run(s: &str, ch: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == ch {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::cli::{AuditArgs, ConfigArgs};
    use crate::discover::Notice;
    use crate::gate::{Check, Diff};
    use crate::parse::span::Span;
    use crate::suppress::Reason;

    fn acgs() -> Report {
        let args = AuditArgs {
            path: PathBuf::from("fixtures/repos/acgs-like"),
            config: ConfigArgs {
                no_config: true,
                ..ConfigArgs::default()
            },
            ..AuditArgs::default()
        };
        crate::audit::build_report(&args)
            .expect("the acgs-like fixture audits")
            .0
    }

    fn render_to_string(report: &Report, compact: bool) -> String {
        let mut out = Vec::new();
        let options = Options {
            compact,
            ..Options::default()
        };
        render(report, &mut out, &options).unwrap();
        String::from_utf8(out).unwrap()
    }

    const HOSTILE: &str = "evil | cell <script>alert(1)</script> `a`b`` ``` **bold** [x](http://e) &amp;\n| injected | row |\r\n# heading";

    fn hostile_finding(rule: &str, i: usize) -> Finding {
        Finding {
            rule: rule.into(),
            category: Category::Kubernetes,
            severity: Severity::Critical,
            message: format!("{HOSTILE} {i}"),
            subject: format!("k8s/x{i}.yaml#Deployment/evil"),
            path: format!("k8s/we`ird|<b>\n{i}.yaml"),
            span: Span::default(),
            line: i + 1,
            column: 1,
            end_line: i + 1,
            end_column: 2,
            related: vec![],
            suggestion: None,
        }
    }

    /// What of a line is not inside a code span (where `<` is shown as written, never HTML).
    fn outside_code(line: &str) -> String {
        let chars: Vec<char> = line.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' if i + 1 < chars.len() => {
                    out.push(chars[i]);
                    out.push(chars[i + 1]);
                    i += 2;
                }
                '`' => {
                    let mut n = 0;
                    while i + n < chars.len() && chars[i + n] == '`' {
                        n += 1;
                    }
                    // The closing run has exactly n backticks.
                    let mut j = i + n;
                    let mut close = None;
                    while j < chars.len() {
                        if chars[j] == '`' {
                            let mut m = 0;
                            while j + m < chars.len() && chars[j + m] == '`' {
                                m += 1;
                            }
                            if m == n {
                                close = Some(j + m);
                                break;
                            }
                            j += m;
                        } else {
                            j += 1;
                        }
                    }
                    match close {
                        Some(end) => i = end,
                        None => {
                            out.extend(&chars[i..i + n]);
                            i += n;
                        }
                    }
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out
    }

    /// No `<` outside code spans and fenced blocks: scanned text cannot open an HTML tag.
    fn assert_no_html(md: &str) {
        let mut fence: Option<String> = None;
        for line in md.lines() {
            let trimmed = line.trim_start();
            if let Some(f) = &fence {
                if trimmed.starts_with(f.as_str()) && trimmed.trim_end_matches('`').is_empty() {
                    fence = None;
                }
                continue;
            }
            if trimmed.starts_with("```") {
                fence = Some(trimmed.chars().take_while(|c| *c == '`').collect());
                continue;
            }
            assert!(
                !outside_code(line).contains('<'),
                "raw `<` outside code: {line}"
            );
        }
    }

    /// Cells in a GFM table row: unescaped `|` outside the leading and trailing one.
    fn cells(row: &str) -> usize {
        let mut pipes = 0;
        let mut escaped = false;
        for c in row.chars() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '|' {
                pipes += 1;
            }
        }
        pipes - 1
    }

    #[test]
    fn full_report_has_every_section_of_the_seed() {
        let report = acgs();
        let md = render_to_string(&report, false);
        for heading in [
            "# Infrastructure & Deployment Readiness: `fixtures/repos/acgs-like`",
            "**Generated by:** shipshape ",
            "## Executive Summary",
            "### Readiness Score Breakdown",
            "| Category | Score | Grade | Findings | Weight |",
            "## 🐳 Container (",
            "## ☸️ Kubernetes (",
            "## 🚀 CI/CD (",
            "**Strengths:**",
            "**Areas for improvement:**",
            "## 🛠️ Recommended Changes",
            "**Why it matters:**",
            "**How to fix:**",
            "## 📈 Remediation Plan",
            "### Phase 1: immediate improvements (low effort)",
            "## 📊 Metrics Dashboard",
            "| **Rules applicable** |",
            "**Overall readiness: ",
        ] {
            assert!(md.contains(heading), "missing {heading:?}");
        }
        let overall = num(report.scorecard.overall.unwrap());
        assert!(md.contains(&format!("**{overall}/100 deployment readiness score**")));
        assert!(md.contains("- ✅ "), "strengths are listed");
        assert!(md.contains("- ⚠️ **"), "areas for improvement are listed");
        assert!(md.contains("  - … and "), "long location lists are cut");
        // The catalog's fix snippets survive intact: fences balance.
        let fences = md
            .lines()
            .filter(|l| l.trim_start().starts_with("```"))
            .count();
        assert_eq!(fences % 2, 0);
        assert!(md.contains("```yaml\n"));
        // No timing leaks in.
        assert!(!md.contains(" s\n") && !md.contains("elapsed"));
    }

    #[test]
    fn compact_report_is_short_and_has_its_parts() {
        let report = acgs();
        let md = render_to_string(&report, true);
        assert!(md.starts_with("## 🚢 shipshape readiness: "));
        assert!(md.contains("| Category | Score | Grade | Findings | Weight |"));
        assert!(md.contains("### Top findings (10 of "));
        assert!(md.contains("### Next steps (5 of "));
        assert!(!md.contains("## Executive Summary"));
        assert!(md.len() < 10_000, "{} bytes", md.len());
        // High findings come first.
        let first_row = md
            .lines()
            .skip_while(|l| !l.starts_with("| Severity |"))
            .nth(2)
            .unwrap();
        assert!(first_row.starts_with("| high |"), "{first_row}");
    }

    #[test]
    fn output_is_deterministic() {
        let (a, b) = (acgs(), acgs());
        assert_eq!(render_to_string(&a, false), render_to_string(&b, false));
        assert_eq!(render_to_string(&a, true), render_to_string(&b, true));
    }

    #[test]
    fn compact_stays_under_the_limit_with_ten_thousand_hostile_findings() {
        let mut report = acgs();
        for i in 0..10_000 {
            report.findings.push(hostile_finding("k8s-missing-pdb", i));
        }
        for i in 0..500 {
            report.notices.push(Notice {
                path: format!("big{i}.bin"),
                message: "x".repeat(10_000),
            });
        }
        // The full report has no limit, but lists at most a few locations per rule.
        let full = render_to_string(&report, false);
        assert!(full.len() < 400_000, "{} bytes", full.len());
        assert!(full.contains("  - … and 10005 more (`shipshape audit --rule k8s-missing-pdb`)"));
        assert!(full.contains("- … and 480 more files"));

        // Whatever the input: a huge root, long messages everywhere, hundreds of gates.
        report.root = "r".repeat(100_000);
        for f in report.findings.iter_mut().take(50) {
            f.message = HOSTILE.repeat(1_000);
            f.path = "p".repeat(10_000);
        }
        for i in 0..500 {
            report.gate.push(Check {
                gate: format!("g{i}"),
                passed: false,
                message: HOSTILE.repeat(100),
            });
        }
        let md = render_to_string(&report, true);
        assert!(md.len() < COMPACT_LIMIT, "{} bytes", md.len());
        assert!(md.contains("### Top findings (10 of 10168)"));
        assert!(md.contains("_… and 10158 more in the full report._"));
        assert!(md.contains("- … and 488 more gates"));
        assert_no_html(&md);
    }

    #[test]
    fn cap_cuts_at_a_line_and_says_so() {
        let doc = "line\n".repeat(30_000);
        let capped = cap(doc, COMPACT_LIMIT);
        assert!(capped.len() <= COMPACT_LIMIT);
        assert!(capped.ends_with("for the full report._\n"));
        assert!(capped.contains("line\n\n_… cut"));
    }

    #[test]
    fn hostile_text_stays_in_its_cell_and_line() {
        let mut report = acgs();
        report
            .findings
            .insert(0, hostile_finding("k8s-missing-pdb", 0));
        report.suppressed.push(Suppressed {
            finding: hostile_finding("k8s-single-replica", 1),
            suppressed_by: Reason {
                kind: Kind::Inline,
                path: "a|b\n".into(),
                line: 3,
                reason: Some(HOSTILE.into()),
            },
        });
        report.notices.push(Notice {
            path: "x`|\ny".into(),
            message: HOSTILE.into(),
        });
        for compact in [false, true] {
            let md = render_to_string(&report, compact);
            assert_no_html(&md);
            assert!(md.contains("&lt;script&gt;"), "HTML is escaped");
            assert!(!md.contains("**bold**"), "emphasis is escaped");
            assert!(!md.contains("[x](http"), "links are escaped");
            for line in md.lines() {
                assert!(
                    !line.starts_with("| injected"),
                    "a newline broke out: {line}"
                );
                assert!(
                    !line.starts_with("# heading"),
                    "a newline broke out: {line}"
                );
            }
            // Every row of every table has as many cells as its header.
            let mut columns = None;
            for line in md.lines() {
                if line.starts_with('|') {
                    let n = cells(line);
                    match columns {
                        None => columns = Some(n),
                        Some(c) => assert_eq!(c, n, "row escaped its cells: {line}"),
                    }
                } else {
                    columns = None;
                }
            }
            // The message's line holds all of it.
            let row = md
                .lines()
                .find(|l| l.contains("evil \\| cell"))
                .expect("the hostile message is shown");
            assert!(
                row.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                "{row}"
            );
            assert!(
                row.contains("\\| injected \\| row \\|  # heading 0"),
                "{row}"
            );
            if !compact {
                assert!(md.contains("## 🔕 Suppressed Findings"));
                assert!(md.contains("| inline comment | 1 |"));
                assert!(md.contains("## ⏭️ Skipped Files"));
                assert!(md.contains("- ``x`| y``: evil \\| cell"));
            }
        }
    }

    #[test]
    fn recommended_changes_carry_the_suggestion_in_a_fence_it_cannot_close() {
        let mut report = acgs();
        let top = report
            .scorecard
            .rules
            .iter()
            .filter(|r| r.failed > 0 && r.weight > 0.0)
            .max_by(|a, b| by_gain(b, a))
            .unwrap()
            .id
            .clone();
        let finding = report.findings.iter_mut().find(|f| f.rule == top).unwrap();
        finding.suggestion = Some("run: echo ```\n<script>\n".into());
        let md = render_to_string(&report, false);
        assert!(md.contains(
            "**Suggested for this repository:**\n\n````yaml\nrun: echo ```\n<script>\n````\n"
        ));
        assert_no_html(&md);
    }

    #[test]
    fn escaping_rules() {
        assert_eq!(
            text("service `web` has <b>|", Ctx::Inline),
            "service `web` has &lt;b&gt;\\|"
        );
        assert_eq!(text("odd ` tick", Ctx::Inline), "odd \\` tick");
        assert_eq!(code("a`b", Ctx::Inline), "``a`b``");
        assert_eq!(code("`x", Ctx::Inline), "`` `x ``");
        assert_eq!(code("a|b", Ctx::Cell), "`a\\|b`");
        assert_eq!(code("a|b", Ctx::Inline), "`a|b`");
        assert_eq!(code("a\\|b", Ctx::Cell), "a\\\\\\|b");
        assert_eq!(text("two\nlines", Ctx::Cell), "two lines");
        assert_eq!(fenced("x\n```\ny", "yaml"), "````yaml\nx\n```\ny\n````\n");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(num(71.0), "71.0");
        assert_eq!(num(100.0), "100");
        assert_eq!(num(71.64), "71.6");
        assert_eq!(
            and_list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }

    #[test]
    fn gate_diff_baseline_and_nothing_to_judge() {
        let mut report = acgs();
        report.gate = vec![
            Check {
                gate: "fail-under".into(),
                passed: false,
                message: "overall score 71.6 is below 75".into(),
            },
            Check {
                gate: "fail-on".into(),
                passed: true,
                message: "no finding of severity critical or worse".into(),
            },
        ];
        report.diff = Some(Diff {
            base: "origin/main".into(),
            commit: "0123456789abcdef".into(),
            overall: (Some(70.0), report.scorecard.overall),
            categories: report
                .scorecard
                .categories
                .iter()
                .map(|c| (c.id, Some(50.0), c.score))
                .collect(),
            new_findings: 3,
            fixed_findings: 1,
        });
        report.baseline = Some(crate::report::BaselineSummary {
            path: ".shipshape-baseline.json".into(),
            known: 4,
            new: 2,
            absent: vec![],
        });
        let md = render_to_string(&report, false);
        assert!(md.contains("## 🚦 CI Gate"));
        assert!(md.contains("| `fail-under` | ❌ fail | overall score 71.6 is below 75 |"));
        assert!(md.contains("The CI gate ❌ **failed**: 1 of 2 checks failed"));
        assert!(md.contains("## 🔀 Change since `origin/main` (`0123456789`)"));
        assert!(md.contains("| **Overall** | **70.0 → "));
        assert!(md.contains("## 📌 Baseline"));
        assert!(md.contains("4 known findings are set aside"));
        let compact = render_to_string(&report, true);
        assert!(compact.contains("## 🚦 CI Gate") && compact.contains("## 🔀 Change since"));

        let mut empty = acgs();
        empty.findings.clear();
        empty.files.clear();
        empty.scorecard = crate::score::Scorecard {
            overall: None,
            grade: None,
            categories: empty
                .scorecard
                .categories
                .iter()
                .cloned()
                .map(|mut c| {
                    c.score = None;
                    c.grade = None;
                    c.findings = 0;
                    c.rules_applicable = 0;
                    c
                })
                .collect(),
            rules: vec![],
            plan: vec![],
        };
        let md = render_to_string(&empty, false);
        assert!(md.contains("**no deployment readiness score**"));
        assert!(md.contains("➖ n/a (no Dockerfile or compose file)"));
        assert!(md.contains("Nothing to plan"));
        assert!(render_to_string(&empty, true).contains("n/a ➖ nothing to judge"));
    }
}
