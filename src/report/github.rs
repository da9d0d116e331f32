//! GitHub Actions workflow commands: one annotation per finding, shown on the pull request's
//! diff and in the run summary. Paths are made relative to the repository root GitHub uses (the
//! working directory), so auditing a subfolder still annotates the right file.

use std::io::{self, Write};

use super::Report;
use crate::catalog;
use crate::finding::Severity;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let prefix = match report.root.trim_start_matches("./").trim_end_matches('/') {
        "" | "." => String::new(),
        root => format!("{root}/"),
    };
    for f in &report.findings {
        let command = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "notice",
        };
        let title = catalog::lookup(&f.rule)
            .map_or(f.rule.clone(), |m| format!("{} ({})", m.title, f.rule));
        let mut message = f.message.clone();
        if let Some(meta) = catalog::lookup(&f.rule) {
            let first = meta
                .fix
                .split("\n\n")
                .next()
                .unwrap_or("")
                .replace('\n', " ");
            message.push_str(&format!(
                "\n\nFix: {} (shipshape explain {})",
                first.trim(),
                f.rule
            ));
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&format!("{prefix}{}", f.path)),
            f.line,
            f.column,
            f.end_line.max(f.line),
            f.end_column,
            property(&title),
            data(&message)
        )?;
    }
    let score = report
        .scorecard
        .overall
        .map_or("n/a".to_string(), |s| format!("{s:.0}/100"));
    writeln!(
        out,
        "::notice title=shipshape readiness {score}::{} finding(s), {} suppressed; {}",
        report.findings.len(),
        report.suppressed.len(),
        data(
            &report
                .scorecard
                .categories
                .iter()
                .map(|c| format!(
                    "{} {}",
                    c.id.id(),
                    c.score.map_or("n/a".to_string(), |s| format!("{s:.0}"))
                ))
                .collect::<Vec<_>>()
                .join(", ")
        )
    )?;
    for check in report.gate.iter().filter(|c| !c.passed) {
        writeln!(
            out,
            "::error title=shipshape gate failed ({})::{}",
            property(&check.gate),
            data(&check.message)
        )?;
    }
    Ok(())
}

/// Escapes a command's message. Other control characters (a file name's escape sequence) have
/// no escape in the runner's syntax and reach the log as written: they are written out.
fn data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() && c != '\t' => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_expects() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(data("a\u{1b}[2J\tb"), "a\\u{1b}[2J\tb");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}
