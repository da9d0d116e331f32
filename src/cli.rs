//! Command-line interface: arguments, help text and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::finding::Severity;

const ABOUT: &str = "Audit a repository's infrastructure for production readiness.

shipshape reads Dockerfiles, compose files, Kubernetes manifests, Helm charts, Kustomize,
CI workflows, HAProxy and nginx configs, monitoring configs and Terraform, checks them alone
and against each other, and scores six categories from 0 to 100. Every finding has a
location, a reason and a fix.";

const AFTER_HELP: &str = "Examples:
  shipshape                                   audit the current directory
  shipshape audit path/to/repo                audit another directory
  shipshape audit --format json --output report.json
  shipshape audit --fail-under 75             exit 1 when the overall score is below 75
  shipshape audit --fail-on high              exit 1 on any high or critical finding
  shipshape audit --list-files                show which files were recognised, and as what
  shipshape rules                             list every rule
  shipshape explain k8s-missing-pdb           why a rule matters and how to fix it

Exit codes:
  0  the audit ran and every gate passed
  1  a gate failed (--fail-under or --fail-on)
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
}

#[derive(Debug, Args, Clone)]
pub struct AuditArgs {
    /// Repository or folder to audit
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Report format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Terminal, help_heading = "Output")]
    pub format: Format,

    /// Write the report to FILE (atomically) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// When to colour terminal output (NO_COLOR is honoured in `auto`)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Output")]
    pub color: ColorChoice,

    /// Print only the scorecard, no individual findings
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,

    /// Print each rule's weight, pass ratio and score contribution
    #[arg(long, help_heading = "Output")]
    pub explain_score: bool,

    /// List the files found and the kind each was recognised as, then exit
    #[arg(long, help_heading = "Output")]
    pub list_files: bool,

    /// Exit 1 when the overall score is below N (a score of n/a passes)
    #[arg(long, value_name = "N", value_parser = parse_score, help_heading = "Gates")]
    pub fail_under: Option<f64>,

    /// Exit 1 when any finding has this severity or worse
    #[arg(long, value_enum, value_name = "SEVERITY", help_heading = "Gates")]
    pub fail_on: Option<SeverityArg>,

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
