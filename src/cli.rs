//! Command-line interface: arguments, help text and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::finding::Severity;

const ABOUT: &str = "Audit a repository's infrastructure for production readiness.

shipshape reads Dockerfiles, compose files, Kubernetes manifests, Helm charts, Kustomize,
CI workflows, HAProxy and nginx configs, monitoring configs, Terraform and other
infrastructure code, checks them alone and against each other, and scores six categories
from 0 to 100. Every finding has a location, a reason and a fix.";

const AFTER_HELP: &str = "Examples:
  shipshape                                   audit the current directory
  shipshape audit path/to/repo                audit another directory
  shipshape audit --format json --output report.json
  shipshape audit -f json -o report.json -f sarif -o report.sarif -f terminal
                                              several reports in one run (the last one on stdout)
  shipshape audit --fail-under 75             exit 1 when the overall score is below 75
  shipshape audit --fail-on high              exit 1 on any high or critical finding
  shipshape audit --list-files                show which files were recognised, and as what
  shipshape rules                             list every rule
  shipshape explain k8s-missing-pdb           why a rule matters and how to fix it
  shipshape init                              write a commented .shipshape.yaml to start from
  shipshape baseline                          record today's findings; later runs report new ones
  shipshape audit --diff-base origin/main     fail when the score drops or findings appear

Exit codes:
  0  the audit ran and every gate passed
  1  a gate failed (--fail-under, --category-min, --fail-on, --diff-base or the config's gate)
  2  usage, configuration or I/O error (no report is written)";

#[derive(Debug, Parser)]
#[command(name = "shipshape", version, about = ABOUT, after_help = AFTER_HELP)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// `audit` is the default command: its options work without naming it.
    #[command(flatten)]
    pub audit: AuditArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit a repository and print its readiness report (the default command)
    #[command(after_help = AFTER_HELP)]
    Audit(AuditArgs),
    /// List every rule in the catalog
    Rules(RulesArgs),
    /// Print a rule's documentation: why it matters and how to fix it
    Explain {
        /// Rule id, as shown in reports (e.g. dockerfile-root-user)
        id: String,
    },
    /// Write a commented starter configuration file (.shipshape.yaml)
    Init(InitArgs),
    /// Record the current findings so later audits report and gate only new ones
    #[command(after_help = BASELINE_HELP)]
    Baseline(BaselineArgs),
    /// Pre-commit hook: audit the repository, report and gate only findings in FILES
    #[command(after_help = HOOK_HELP)]
    Hook(HookArgs),
    /// Print a shell completion script
    #[command(after_help = COMPLETIONS_HELP)]
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `shipshape man > shipshape.1`
    Man,
}

const COMPLETIONS_HELP: &str = "Install:
  bash  shipshape completions bash > ~/.local/share/bash-completion/completions/shipshape
  zsh   shipshape completions zsh > ~/.zfunc/_shipshape   (with ~/.zfunc in $fpath)
  fish  shipshape completions fish > ~/.config/fish/completions/shipshape.fish";

const BASELINE_HELP: &str =
    "A finding is recorded by its rule, file and subject (the object, stage or
service it is about), never by its line: moving lines or editing elsewhere keeps it known.
Then `shipshape audit --baseline .shipshape-baseline.json` (or `baseline:` in the config)
reports, scores and gates only the new findings, and lists recorded ones that are gone.

Example:
  shipshape baseline                 writes ./.shipshape-baseline.json for the current folder
  shipshape baseline services/ -o services/.shipshape-baseline.json";

const HOOK_HELP: &str =
    "Run by pre-commit (see .pre-commit-hooks.yaml) from the repository root, with
the staged files as arguments. The whole repository is read, so cross-file checks see their
context, but only findings in the given files are printed and gated. Without a gate in the
config or on the command line, a finding of severity low or worse fails the hook.";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to write .shipshape.yaml into
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Replace an existing configuration file
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Repository or folder to audit
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Where to write the baseline [default: PATH/.shipshape-baseline.json]
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    /// Files to report on (pre-commit passes the staged ones)
    pub files: Vec<PathBuf>,
    /// Repository root to audit for context
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Exit 1 when a finding in FILES has this severity or worse [default: the config's, else low]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// When to colour output (NO_COLOR is honoured in `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Which configuration file to use.
#[derive(Debug, Args, Clone, Default)]
pub struct ConfigArgs {
    /// Read this configuration file instead of searching for .shipshape.yaml
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "no_config",
        help_heading = "Configuration"
    )]
    pub config: Option<PathBuf>,
    /// Use the defaults: read no configuration file
    #[arg(long, help_heading = "Configuration")]
    pub no_config: bool,
    /// Disregard inline suppressions, `shipshape.dev/ignore` annotations and config path ignores
    #[arg(long, help_heading = "Configuration")]
    pub no_ignores: bool,
}

#[derive(Debug, Args, Clone)]
pub struct AuditArgs {
    /// Repository or folder to audit
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Report format; repeat with --output to write several reports in one run
    #[arg(
        long,
        short = 'f',
        value_enum,
        value_name = "FORMAT",
        help_heading = "Output"
    )]
    pub format: Vec<Format>,

    /// Write the report to FILE (atomically). The first --output takes the first --format, and so
    /// on; one more --format than --output sends the last report to standard output. Without
    /// --format, the extension decides (.json, .sarif, .xml, .md, .html)
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Vec<PathBuf>,

    /// Markdown: a short summary that fits a pull-request comment
    #[arg(long, help_heading = "Output")]
    pub compact: bool,

    /// When to colour terminal output (NO_COLOR is honoured in `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,

    /// Print only the scorecard, no individual findings
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,

    /// Print each rule's weight, pass ratio and score contribution
    #[arg(long, help_heading = "Output")]
    pub explain_score: bool,

    /// Print the wall time of each phase (discover, parse, model, check, score, render) and of
    /// the slowest rules on stderr. Files are parsed while the walk goes on: `discover` ends
    /// when the walk does, `read and parse` is the parsing left after it
    #[arg(long, help_heading = "Output")]
    pub timings: bool,

    /// List the files found and the kind each was recognised as, then exit
    #[arg(long, help_heading = "Output")]
    pub list_files: bool,

    /// Exit 1 when the overall score is below N (a score of n/a passes)
    #[arg(long, value_name = "N", value_parser = parse_score, help_heading = "Gates")]
    pub fail_under: Option<f64>,

    /// Exit 1 when any finding has this severity or worse
    #[arg(long, value_enum, value_name = "SEVERITY", help_heading = "Gates")]
    pub fail_on: Option<SeverityArg>,

    /// Exit 1 when a category scores below N, e.g. `container=80` (repeat or comma-separate)
    #[arg(long, value_name = "CATEGORY=N", value_delimiter = ',', value_parser = parse_category_min, help_heading = "Gates")]
    pub category_min: Vec<(crate::finding::Category, f64)>,

    /// Report, score and gate only findings not recorded in this baseline file
    #[arg(long, value_name = "FILE", help_heading = "Gates")]
    pub baseline: Option<PathBuf>,

    /// Compare with a git revision (e.g. origin/main): exit 1 if the score dropped or findings appeared
    #[arg(long, value_name = "REF", help_heading = "Gates")]
    pub diff_base: Option<String>,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Report only findings in these files (the whole folder is still read for context)
    #[arg(skip)]
    pub only_files: Option<Vec<String>>,

    /// Run only these rules (repeat or comma-separate)
    #[arg(
        long = "rule",
        value_name = "ID",
        value_delimiter = ',',
        help_heading = "Selection"
    )]
    pub rules: Vec<String>,

    /// Skip files larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = crate::discover::DEFAULT_MAX_FILE_SIZE, help_heading = "Selection")]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
    /// Only rules of this category (container, kubernetes, cicd, observability, scaling, iac)
    #[arg(long)]
    pub category: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Scorecard, findings with source snippets, and next steps
    Terminal,
    /// Machine-readable report (schema_version 1, see docs/json-report.md)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// JUnit XML: a test suite per category, a test case per rule and subject
    Junit,
    /// A readiness report in Markdown, like a hand-written review (add --compact for PR comments)
    Markdown,
    /// GitHub Actions annotations; also writes the job summary when GITHUB_STEP_SUMMARY is set
    Github,
    /// One self-contained HTML page with charts and a filterable findings table
    Html,
}

impl Format {
    /// The format a report file's extension implies.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "xml" => Format::Junit,
            "md" | "markdown" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "txt" | "log" => Format::Terminal,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Critical => Severity::Critical,
            SeverityArg::High => Severity::High,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Info => Severity::Info,
        }
    }
}

impl Default for AuditArgs {
    fn default() -> Self {
        AuditArgs {
            path: PathBuf::from("."),
            format: Vec::new(),
            output: Vec::new(),
            compact: false,
            color: ColorChoice::Auto,
            quiet: false,
            explain_score: false,
            timings: false,
            list_files: false,
            fail_under: None,
            fail_on: None,
            category_min: Vec::new(),
            baseline: None,
            diff_base: None,
            config: ConfigArgs::default(),
            only_files: None,
            rules: Vec::new(),
            max_file_size: crate::discover::DEFAULT_MAX_FILE_SIZE,
        }
    }
}

fn parse_category_min(s: &str) -> Result<(crate::finding::Category, f64), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not CATEGORY=N; write e.g. `container=80`"))?;
    let category = crate::finding::Category::SCORED
        .into_iter()
        .find(|c| c.id() == name.trim())
        .ok_or_else(|| {
            let ids: Vec<&str> = crate::finding::Category::SCORED
                .iter()
                .map(|c| c.id())
                .collect();
            format!("unknown category `{name}`; one of {}", ids.join(", "))
        })?;
    Ok((category, parse_score(value.trim())?))
}

fn parse_score(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number; give a score from 0 to 100"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is outside 0..=100"))
    }
}
