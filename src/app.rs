//! The pipeline: discover → parse → check → score → report, and the CLI commands around it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crate::catalog;
use crate::cli::{AuditArgs, Cli, ColorChoice, Command, Format, RulesArgs, RulesFormat};
use crate::discover::DiscoverOptions;
use crate::error::AppError;
use crate::finding::{Category, Finding, Severity};
use crate::model::Project;
use crate::report::{self, Report};
use crate::rules;
use crate::score;

/// Exit status of a finished command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    GateFailed,
}

pub fn run(cli: Cli) -> Result<Outcome, AppError> {
    match cli.command {
        None => audit(&cli.audit),
        Some(Command::Audit(args)) => audit(&args),
        Some(Command::Rules(args)) => list_rules(&args),
        Some(Command::Explain { id }) => explain(&id),
    }
}

/// Runs the audit of one folder and returns the report, without rendering it.
pub fn build_report(args: &AuditArgs) -> Result<(Report, Project), AppError> {
    let started = Instant::now();
    for id in &args.rules {
        if catalog::lookup(id).is_none() {
            return Err(AppError::unknown_rule(id));
        }
    }
    let root = &args.path;
    let project = load_project(args)?;

    let outcomes = rules::run(&project, &args.rules);
    let mut findings: Vec<Finding> = outcomes
        .iter()
        .flat_map(|o| o.findings.iter().cloned())
        .collect();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();

    let mut failed: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    let mut per_category: BTreeMap<Category, usize> = BTreeMap::new();
    for f in &findings {
        failed.entry(f.rule.clone()).or_default().insert(&f.subject);
        *per_category.entry(f.category).or_default() += 1;
    }
    let failed_counts = failed.into_iter().map(|(k, v)| (k, v.len())).collect();
    let weights = Category::SCORED.iter().map(|c| (*c, 1.0)).collect();
    let scorecard = score::score(&outcomes, &failed_counts, &per_category, &weights);

    let used: BTreeSet<&str> = findings.iter().map(|f| f.path.as_str()).collect();
    let sources = project
        .files
        .iter()
        .filter(|f| used.contains(f.path.as_str()))
        .map(|f| (f.path.clone(), Arc::clone(&f.text)))
        .collect();
    let report = Report {
        root: root.display().to_string(),
        files: project.kind_counts(),
        findings,
        suppressed: 0,
        scorecard,
        notices: project.notices.clone(),
        sources,
        elapsed: started.elapsed(),
    };
    Ok((report, project))
}

fn audit(args: &AuditArgs) -> Result<Outcome, AppError> {
    if args.list_files {
        return list_files(args);
    }
    let (report, _project) = build_report(args)?;
    let color = use_color(
        args.color,
        args.output.is_none() && io::stdout().is_terminal(),
    );
    let render = |out: &mut dyn Write| -> io::Result<()> {
        match args.format {
            Format::Json => report::json::render(&report, out),
            Format::Terminal => report::terminal::render(
                &report,
                out,
                &report::terminal::Options {
                    color,
                    quiet: args.quiet,
                    explain_score: args.explain_score,
                },
            ),
        }
    };
    match &args.output {
        Some(path) => write_atomically(path, &render)?,
        None => {
            let stdout = io::stdout();
            let mut lock = stdout.lock();
            ignore_broken_pipe(render(&mut lock).and_then(|_| lock.flush()))?;
        }
    }
    Ok(gate(args, &report))
}

fn gate(args: &AuditArgs, report: &Report) -> Outcome {
    let mut failed = false;
    if let (Some(min), Some(score)) = (args.fail_under, report.scorecard.overall)
        && score < min
    {
        eprintln!("shipshape: gate failed: overall score {score:.1} is below {min}");
        failed = true;
    }
    if let Some(level) = args.fail_on {
        let level: Severity = level.into();
        let count = report
            .findings
            .iter()
            .filter(|f| f.severity >= level)
            .count();
        if count > 0 {
            eprintln!(
                "shipshape: gate failed: {count} finding(s) of severity {} or worse",
                level.name()
            );
            failed = true;
        }
    }
    if failed {
        Outcome::GateFailed
    } else {
        Outcome::Passed
    }
}

/// Discovers and parses the folder to audit.
fn load_project(args: &AuditArgs) -> Result<Project, AppError> {
    let root = &args.path;
    let path_error = |source| AppError::Path {
        path: root.clone(),
        source,
    };
    if !std::fs::metadata(root).map_err(path_error)?.is_dir() {
        return Err(AppError::NotADirectory(root.clone()));
    }
    let options = DiscoverOptions {
        max_file_size: args.max_file_size,
    };
    Project::load(root, &options).map_err(path_error)
}

fn list_files(args: &AuditArgs) -> Result<Outcome, AppError> {
    let project = load_project(args)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = (|| -> io::Result<()> {
        for f in &project.files {
            writeln!(out, "{:<22} {}", f.kind.name(), f.path)?;
        }
        for n in &project.notices {
            writeln!(out, "{:<22} {}  ({})", "skipped", n.path, n.message)?;
        }
        writeln!(
            out,
            "{} files recognised, {} skipped",
            project.files.len(),
            project.notices.len()
        )
    })();
    ignore_broken_pipe(result)?;
    Ok(Outcome::Passed)
}

fn list_rules(args: &RulesArgs) -> Result<Outcome, AppError> {
    let rules: Vec<&catalog::RuleMeta> = catalog::catalog()
        .iter()
        .filter(|m| {
            args.category
                .as_deref()
                .is_none_or(|c| m.category.id() == c)
        })
        .collect();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = match args.format {
        RulesFormat::Json => {
            #[derive(serde::Serialize)]
            struct Row<'a> {
                id: &'a str,
                category: Category,
                severity: Severity,
                title: &'a str,
                effort: catalog::Effort,
                docs: String,
            }
            let rows: Vec<Row> = rules
                .iter()
                .map(|m| Row {
                    id: &m.id,
                    category: m.category,
                    severity: m.severity,
                    title: &m.title,
                    effort: m.effort,
                    docs: m.docs_path(),
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)
                .map_err(io::Error::other)
                .and_then(|_| writeln!(out))
        }
        RulesFormat::Table => {
            let mut table = comfy_table::Table::new();
            table.load_style(comfy_table::presets::NOTHING);
            table.set_header(["id", "category", "severity", "title"]);
            for m in &rules {
                table.add_row([
                    m.id.as_str(),
                    m.category.id(),
                    m.severity.name(),
                    m.title.as_str(),
                ]);
            }
            writeln!(out, "{table}").and_then(|_| {
                writeln!(
                    out,
                    "\n{} rules. `shipshape explain <id>` prints one in full.",
                    rules.len()
                )
            })
        }
    };
    ignore_broken_pipe(result)?;
    Ok(Outcome::Passed)
}

fn explain(id: &str) -> Result<Outcome, AppError> {
    let meta = catalog::lookup(id).ok_or_else(|| AppError::unknown_rule(id))?;
    let page = crate::docs::rule_page(meta);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    ignore_broken_pipe(out.write_all(page.as_bytes()))?;
    Ok(Outcome::Passed)
}

fn use_color(choice: ColorChoice, is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// `shipshape audit | head` must end quietly, not with an error.
fn ignore_broken_pipe(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes to a temporary file beside `path`, then renames it: readers never see half a report.
fn write_atomically(
    path: &Path,
    render: &dyn Fn(&mut dyn Write) -> io::Result<()>,
) -> Result<(), AppError> {
    let err = |source| AppError::Output {
        path: path.to_path_buf(),
        source,
    };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        // /dev/null, /dev/stdout or a pipe: nothing to replace atomically, write straight in.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(err)?;
        render(&mut file).map_err(err)?;
        return file.flush().map_err(err);
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(err)?;
    {
        let mut buf = io::BufWriter::new(tmp.as_file_mut());
        render(&mut buf).map_err(err)?;
        buf.flush().map_err(err)?;
    }
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
