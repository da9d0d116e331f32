//! The real programs as oracles: `haproxy -c` and `nginx -t` judge every HAProxy and nginx file
//! of the corpus, and our parsers must agree on syntax. A file the real program accepts must
//! parse cleanly with ours; a syntax error it reports must be ours too. Failures for other
//! reasons (a missing certificate or include, an unresolvable host, a keyword from a newer
//! release or a module not installed) say nothing about syntax and are counted apart.
//!
//! `.ci/run` installs Debian's `haproxy` and `nginx` and sets `SHIPSHAPE_REQUIRE_ORACLES=1`;
//! elsewhere the test skips when a program is missing. `--nocapture` prints the agreement table
//! recorded in `docs/comparisons.md`.

use std::path::{Path, PathBuf};
use std::process::Command;

use shipshape::model::Project;
use shipshape::parse::nginx::NginxConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Accepted,
    SyntaxError,
    /// Rejected for a reason that is not syntax.
    Other,
}

fn available(program: &str) -> bool {
    let found = Command::new(program).arg("-v").output().is_ok();
    if !found && std::env::var_os("SHIPSHAPE_REQUIRE_ORACLES").is_some() {
        panic!("{program} is not installed, and SHIPSHAPE_REQUIRE_ORACLES is set");
    }
    if !found {
        eprintln!("skipping: {program} is not installed (apt-get install {program})");
    }
    found
}

fn corpus() -> PathBuf {
    crate::common::repo_root().join("../shared/corpus")
}

/// HAProxy's messages for problems of syntax, as opposed to content.
fn haproxy_verdict(status: bool, stderr: &str) -> Verdict {
    if std::env::var_os("SHIPSHAPE_ORACLE_DEBUG").is_some() && !status {
        eprintln!(
            "haproxy: {}",
            stderr.lines().find(|l| l.contains("ALERT")).unwrap_or("")
        );
    }
    if status {
        return Verdict::Accepted;
    }
    let syntax = [
        "unmatched quote",
        "unmatched brace",
        "unknown section",
        "line too long",
        "too many words",
        "missing terminating",
        "unsupported escape",
        "unterminated",
        "empty section",
        "non-terminated '.if'",
        "'.if' without",
        "'.endif' without",
        "cannot handle unexpected argument",
    ];
    let lower = stderr.to_ascii_lowercase();
    if syntax.iter().any(|s| lower.contains(s)) {
        Verdict::SyntaxError
    } else {
        Verdict::Other
    }
}

fn nginx_verdict(status: bool, stderr: &str) -> Verdict {
    if std::env::var_os("SHIPSHAPE_ORACLE_DEBUG").is_some() && !status {
        eprintln!("nginx: {}", stderr.lines().next().unwrap_or(""));
    }
    if status {
        return Verdict::Accepted;
    }
    let syntax = [
        "unexpected \"",
        "unexpected end of file",
        "is not terminated by",
        "unexpected \"}\"",
        "unexpected \";\"",
        "unexpected \"{\"",
    ];
    if syntax.iter().any(|s| stderr.contains(s)) {
        Verdict::SyntaxError
    } else {
        Verdict::Other
    }
}

fn run_haproxy(path: &Path) -> Verdict {
    let out = Command::new("haproxy")
        .args(["-c", "-f"])
        .arg(path)
        .output()
        .expect("haproxy runs");
    haproxy_verdict(out.status.success(), &String::from_utf8_lossy(&out.stderr))
}

/// nginx needs a main configuration: snippets are wrapped in the context their top-level
/// directives belong to. `root` is where relative includes resolve (a copy of the file's
/// project, so `include h5bp/basic.conf;` finds its file); `rel` is the file's path inside it.
fn run_nginx(root: &Path, rel: &str, config: &NginxConfig) -> Verdict {
    let top: Vec<&str> = config.directives.iter().map(|d| d.name()).collect();
    let abs = root.join(rel);
    let include = format!("include {};", abs.display());
    let main = if top
        .iter()
        .any(|n| matches!(*n, "events" | "http" | "stream" | "mail"))
    {
        abs.clone()
    } else {
        let wrapped = if top.iter().any(|n| {
            matches!(
                *n,
                "server" | "upstream" | "map" | "geo" | "log_format" | "split_clients"
            )
        }) {
            format!("events {{}}\nhttp {{\n{include}\n}}\n")
        } else if top
            .iter()
            .any(|n| matches!(*n, "location" | "listen" | "server_name"))
        {
            format!("events {{}}\nhttp {{\nserver {{\n{include}\n}}\n}}\n")
        } else {
            format!("events {{}}\nhttp {{\nserver {{\nlocation / {{\n{include}\n}}\n}}\n}}\n")
        };
        let file = root.join(format!(
            "shipshape-wrap-{}.conf",
            rel.replace(['/', '.'], "_")
        ));
        std::fs::write(&file, wrapped).expect("scratch is writable");
        file
    };
    let out = Command::new("nginx")
        .args(["-t", "-q", "-e", "stderr", "-p"])
        .arg(root)
        .arg("-c")
        .arg(&main)
        .output()
        .expect("nginx runs");
    nginx_verdict(out.status.success(), &String::from_utf8_lossy(&out.stderr))
}

/// Copies a corpus project into `scratch`, with the stock files nginx configurations expect
/// beside them (`mime.types`, `fastcgi_params`...), so that includes resolve.
fn project_copy(corpus: &Path, project: &str, scratch: &Path) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            let target = to.join(entry.file_name());
            if kind.is_dir() {
                copy(&entry.path(), &target);
            } else if kind.is_file() {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let root = scratch.join(project);
    if !root.exists() {
        copy(&corpus.join(project), &root);
        for stock in [
            "mime.types",
            "fastcgi_params",
            "fastcgi.conf",
            "scgi_params",
            "uwsgi_params",
        ] {
            let from = Path::new("/etc/nginx").join(stock);
            let to = root.join(stock);
            if from.exists() && !to.exists() {
                std::fs::copy(from, to).unwrap();
            }
        }
        std::fs::create_dir_all(root.join("logs")).unwrap();
    }
    root
}

#[derive(Default)]
struct Tally {
    agree_clean: usize,
    agree_error: usize,
    other: usize,
    disagreements: Vec<String>,
}

impl Tally {
    fn add(&mut self, path: &str, real: Verdict, ours_clean: bool) {
        match (real, ours_clean) {
            (Verdict::Accepted, true) => self.agree_clean += 1,
            (Verdict::SyntaxError, false) => self.agree_error += 1,
            (Verdict::Other, _) => self.other += 1,
            (Verdict::Accepted, false) => self.disagreements.push(format!(
                "{path}: accepted by the real program, rejected by ours"
            )),
            (Verdict::SyntaxError, true) => self.disagreements.push(format!(
                "{path}: a syntax error for the real program, clean for ours"
            )),
        }
    }

    fn print(&self, program: &str) {
        let compared = self.agree_clean + self.agree_error + self.disagreements.len();
        println!(
            "{program}: {compared} files compared, {} agree (accepted {}, syntax error {}), {} disagree; {} rejected for other reasons",
            self.agree_clean + self.agree_error,
            self.agree_clean,
            self.agree_error,
            self.disagreements.len(),
            self.other
        );
        for d in &self.disagreements {
            println!("  {d}");
        }
    }
}

#[test]
fn haproxy_and_our_parser_agree_on_the_corpus() {
    if !available("haproxy") {
        return;
    }
    let root = corpus();
    let project = Project::load(&root, &Default::default()).unwrap();
    let mut tally = Tally::default();
    for unit in &project.haproxy {
        let path = project.path(unit.file);
        let real = run_haproxy(&root.join(path));
        tally.add(path, real, unit.config.issues.is_empty());
    }
    tally.print("haproxy");
    assert!(tally.agree_clean + tally.agree_error > 30);
    assert!(tally.disagreements.is_empty(), "{:#?}", tally.disagreements);
}

#[test]
fn nginx_and_our_parser_agree_on_the_corpus() {
    if !available("nginx") {
        return;
    }
    let root = corpus();
    let project = Project::load(&root, &Default::default()).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let mut tally = Tally::default();
    for unit in &project.nginx {
        let path = project.path(unit.file);
        let (top, rel) = path.split_once('/').unwrap_or(("", path));
        let copy = project_copy(&root, top, scratch.path());
        let real = run_nginx(&copy, rel, &unit.config);
        tally.add(path, real, unit.config.issues.is_empty());
    }
    tally.print("nginx");
    assert!(tally.agree_clean + tally.agree_error > 20);
    assert!(tally.disagreements.is_empty(), "{:#?}", tally.disagreements);
}

/// Hand-made syntax errors: both the real programs and our parsers must reject each.
#[test]
fn seeded_syntax_errors_are_errors_for_both() {
    let scratch = tempfile::tempdir().unwrap();
    if available("haproxy") {
        let cases = [
            "frontend f\n    bind :80\n    default_backend \"b\n",
            "frontend f\n    bind :80\n.if defined(X)\n    maxconn 10\n",
        ];
        for (i, text) in cases.iter().enumerate() {
            let path = scratch.path().join(format!("h{i}.cfg"));
            std::fs::write(&path, text).unwrap();
            assert_eq!(run_haproxy(&path), Verdict::SyntaxError, "{text}");
            assert!(
                !shipshape::parse::haproxy::parse(text).issues.is_empty(),
                "{text}"
            );
        }
    }
    if available("nginx") {
        let cases = [
            "events {}\nhttp { server { listen 8080 location / { } } }\n",
            "events {}\nhttp { server { listen 8080; }\n",
            "events {}\nhttp { server { listen 8080; } } }\n",
        ];
        for (i, text) in cases.iter().enumerate() {
            let rel = format!("n{i}.conf");
            std::fs::write(scratch.path().join(&rel), text).unwrap();
            let config = shipshape::parse::nginx::parse(text);
            assert_eq!(
                run_nginx(scratch.path(), &rel, &config),
                Verdict::SyntaxError,
                "{text}"
            );
            assert!(!config.issues.is_empty(), "{text}");
        }
    }
}
