//! The commands: each reads its arguments, runs the audit pipeline (`audit.rs`) and renders.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::audit;
use crate::baseline::Baseline;
use crate::catalog;
use crate::cli::{
    AuditArgs, BaselineArgs, Cli, ColorChoice, Command, Format, HookArgs, InitArgs, RulesArgs,
    RulesFormat,
};
use crate::error::AppError;
use crate::finding::{Category, Severity};
use crate::model::Project;
use crate::report::{self, Report};

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
        Some(Command::Init(args)) => init(&args),
        Some(Command::Baseline(args)) => write_baseline(&args),
        Some(Command::Hook(args)) => hook(&args),
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "shipshape", &mut out);
            print_bytes(&out)
        }
        Some(Command::Man) => {
            let command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(command).render(&mut out)?;
            print_bytes(&out)
        }
    }
}

/// Runs the audit of one folder and returns the report, without rendering it.
pub fn build_report(args: &AuditArgs) -> Result<(Report, Project), AppError> {
    audit::build_report(args)
}

fn audit(args: &AuditArgs) -> Result<Outcome, AppError> {
    if args.list_files {
        return list_files(args);
    }
    // Decided before the audit runs: a usage error must not leave a partial report behind.
    let destinations = destinations(args)?;
    let (report, project) = build_report(args)?;
    leave_to_exit(project);
    let render_started = std::time::Instant::now();
    for (format, destination) in &destinations {
        let to_tty = destination.is_none() && io::stdout().is_terminal();
        let options = report::Options {
            color: *format == Format::Terminal && use_color(args.color, to_tty),
            quiet: args.quiet,
            explain_score: args.explain_score,
            compact: args.compact,
        };
        let render = |out: &mut dyn Write| report::render(*format, &report, out, &options);
        match destination {
            Some(path) => write_atomically(path, &render)?,
            None => {
                // stdout is line-buffered: a large report would cost a write per line.
                let stdout = io::stdout();
                let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
                ignore_broken_pipe(render(&mut out).and_then(|_| out.flush()))?;
            }
        }
        if *format == Format::Github {
            write_step_summary(&report)?;
        }
    }
    if args.timings {
        print_timings(&report, render_started.elapsed());
    }
    let outcome = gate_outcome(&report);
    leave_to_exit(report);
    Ok(outcome)
}

/// Leaves `value` for the process's exit to take back. A large repository's model is millions
/// of small allocations: freeing them cost 10 to 30 ms of a corpus audit on the main thread,
/// and, on a thread of its own, up to 6% of the audit's instructions (a core that a one-core
/// CI runner does not have), for memory the process was about to give back anyway. Only for
/// values that hold nothing but memory: no files, folders or threads.
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// Pairs each `--format` with the `--output` after it; a last format without a file goes to
/// standard output, and an `--output` without a format takes it from the file's extension.
fn destinations(args: &AuditArgs) -> Result<Vec<(Format, Option<PathBuf>)>, AppError> {
    let (formats, outputs) = (&args.format, &args.output);
    if formats.is_empty() {
        if outputs.is_empty() {
            return Ok(vec![(Format::Terminal, None)]);
        }
        return outputs
            .iter()
            .map(|path| {
                Format::from_extension(path)
                    .map(|f| (f, Some(path.clone())))
                    .ok_or_else(|| {
                        AppError::usage(
                            format!("cannot tell the report format of `{}` from its extension", path.display()),
                            Some("add --format before --output, e.g. `--format sarif --output report.out`"),
                        )
                    })
            })
            .collect();
    }
    if formats.len() != outputs.len() && formats.len() != outputs.len() + 1 {
        return Err(AppError::usage(
            format!(
                "{} --format and {} --output: give one --output per --format (the last format may go to standard output)",
                formats.len(),
                outputs.len()
            ),
            Some("e.g. `--format json --output report.json --format sarif --output report.sarif`"),
        ));
    }
    let stdout_count = formats.len() - outputs.len();
    let mut out: Vec<(Format, Option<PathBuf>)> = formats
        .iter()
        .zip(
            outputs
                .iter()
                .map(|p| Some(p.clone()))
                .chain(std::iter::repeat_n(None, stdout_count)),
        )
        .map(|(f, p)| (*f, p))
        .collect();
    // Several files may share a format, never a path.
    let mut seen = std::collections::BTreeSet::new();
    for (_, path) in &out {
        if let Some(p) = path
            && !seen.insert(p.clone())
        {
            return Err(AppError::usage(
                format!("`{}` is given as --output twice", p.display()),
                None,
            ));
        }
    }
    out.sort_by_key(|(_, p)| p.is_none());
    Ok(out)
}

/// In GitHub Actions, `--format github` also fills the job summary (Markdown, appended as
/// GitHub expects; the compact form when the full one would pass the 1 MiB limit).
fn write_step_summary(report: &Report) -> Result<(), AppError> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    let mut text = Vec::new();
    let full = report::Options {
        compact: false,
        ..report::Options::default()
    };
    report::render(Format::Markdown, report, &mut text, &full)?;
    if text.len() > 1_000_000 {
        text.clear();
        let compact = report::Options {
            compact: true,
            ..report::Options::default()
        };
        report::render(Format::Markdown, report, &mut text, &compact)?;
    }
    let err = |source| AppError::Output {
        path: path.clone(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(err)?;
    file.write_all(&text).map_err(err)
}

fn print_timings(report: &Report, render: std::time::Duration) {
    let total: std::time::Duration = report
        .timings
        .iter()
        .map(|(_, d)| *d)
        .sum::<std::time::Duration>()
        + render;
    eprintln!("shipshape: timings (wall)");
    for (name, d) in report.timings.iter().chain([("render", render)].iter()) {
        eprintln!(
            "  {name:<15} {:>8.1} ms  {:>3.0}%",
            d.as_secs_f64() * 1e3,
            100.0 * d.as_secs_f64() / total.as_secs_f64().max(1e-9)
        );
    }
    eprintln!("  {:<15} {:>8.1} ms", "total", total.as_secs_f64() * 1e3);
    // Rules run in parallel: their times overlap, so they are listed apart from the phases.
    let shown = report.rule_timings.iter().take(SLOWEST_RULES_SHOWN);
    eprintln!("shipshape: slowest rules (wall, within check)");
    for (id, d) in shown {
        eprintln!("  {id:<40} {:>8.1} ms", d.as_secs_f64() * 1e3);
    }
}

const SLOWEST_RULES_SHOWN: usize = 8;

/// Prints each failed gate on stderr (a CI log shows why the step failed) and decides the exit.
fn gate_outcome(report: &Report) -> Outcome {
    for check in report.gate.iter().filter(|c| !c.passed) {
        eprintln!("shipshape: gate failed: {}", check.message);
    }
    if report.gate_passed() {
        Outcome::Passed
    } else {
        Outcome::GateFailed
    }
}

fn init(args: &InitArgs) -> Result<Outcome, AppError> {
    let path = args.path.join(crate::config::FILE_NAMES[0]);
    if !args.force
        && let Some(existing) = crate::config::FILE_NAMES
            .iter()
            .map(|n| args.path.join(n))
            .find(|p| p.exists())
    {
        return Err(AppError::usage(
            format!("`{}` already exists", existing.display()),
            Some("edit it, or pass --force to replace it with the starter"),
        ));
    }
    write_atomically(&path, &|out| {
        out.write_all(crate::config::STARTER.as_bytes())
    })?;
    println!(
        "wrote {}: every setting is commented out; see docs/configuration.md",
        path.display()
    );
    Ok(Outcome::Passed)
}

fn write_baseline(args: &BaselineArgs) -> Result<Outcome, AppError> {
    let audit_args = AuditArgs {
        path: args.path.clone(),
        config: args.config.clone(),
        ..AuditArgs::default()
    };
    let mut config = audit::resolve_config(&args.config, &args.path)?;
    // A baseline records everything reported today, whatever an older baseline said.
    config.baseline = None;
    let (report, _project) = audit::build_report_with(&audit_args, &config)?;
    let recorded = audit::fingerprint_all(report.findings);
    let baseline = Baseline::from_findings(&recorded);
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.path.join(crate::baseline::DEFAULT_FILE));
    let json = baseline.to_json();
    write_atomically(&output, &|out| out.write_all(json.as_bytes()))?;
    eprintln!(
        "shipshape: recorded {} finding(s) in {}; audit with --baseline {} to report only new ones",
        baseline.findings.len(),
        output.display(),
        output.display()
    );
    Ok(Outcome::Passed)
}

fn hook(args: &HookArgs) -> Result<Outcome, AppError> {
    let root = &args.root;
    let root_canonical = std::fs::canonicalize(root).map_err(|source| AppError::Path {
        path: root.clone(),
        source,
    })?;
    // pre-commit passes paths relative to the repository root; findings use the same form.
    let only: Vec<String> = args
        .files
        .iter()
        .map(|f| {
            std::fs::canonicalize(f)
                .ok()
                .and_then(|abs| {
                    abs.strip_prefix(&root_canonical)
                        .ok()
                        .map(|r| r.to_string_lossy().replace('\\', "/"))
                })
                .unwrap_or_else(|| f.to_string_lossy().trim_start_matches("./").to_string())
        })
        .collect();
    let config = audit::resolve_config(&args.config, root)?;
    let audit_args = AuditArgs {
        path: root.clone(),
        config: args.config.clone(),
        only_files: Some(only),
        fail_on: args.fail_on,
        ..AuditArgs::default()
    };
    let mut thresholds_config = config.clone();
    if args.fail_on.is_none() && config.fail_on.is_none() {
        thresholds_config.fail_on = Some(Severity::Low);
    }
    // The hook judges the staged files, not the repository's score.
    thresholds_config.fail_under = None;
    thresholds_config
        .categories
        .values_mut()
        .for_each(|c| c.min = None);
    let (report, _) = audit::build_report_with(&audit_args, &thresholds_config)?;
    let color = use_color(args.color, io::stdout().is_terminal());
    let stdout = io::stdout();
    let mut out = stdout.lock();
    ignore_broken_pipe(report::terminal::render_findings_only(
        &report, &mut out, color,
    ))?;
    Ok(gate_outcome(&report))
}

fn list_files(args: &AuditArgs) -> Result<Outcome, AppError> {
    let config = audit::resolve_config(&args.config, &args.path)?;
    let project = audit::load_project(&args.path, &config, args.max_file_size)?;
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

fn print_bytes(bytes: &[u8]) -> Result<Outcome, AppError> {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    ignore_broken_pipe(lock.write_all(bytes).and_then(|_| lock.flush()))?;
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
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(err)?;
        let mut out = io::BufWriter::with_capacity(1 << 16, file);
        render(&mut out).map_err(err)?;
        return out.flush().map_err(err);
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
