//! Hostile repositories: one generated repository holding every bad input at once, audited by
//! the binary within bounded time and memory, with a diagnostic for each file it could not
//! judge and nothing read outside the root; and reports that do not depend on the thread count.
//! Every input is generated at test time in a temporary folder: none is committed.

use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The hostile audit is killed, and the test fails, after this long.
const TIME_LIMIT: Duration = Duration::from_secs(60);
/// Peak resident memory allowed to the hostile audit. Far below the 200 MB file it must not
/// read and the gigabytes a followed `/dev/zero` or a copied alias bomb would take.
const MEMORY_LIMIT_KIB: u64 = 400 * 1024;

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    wall: Duration,
    /// Peak resident set size, when it could be measured.
    peak_kib: Option<u64>,
}

/// Runs the binary, killing it (with everything it started) once `limit` has passed. Peak memory
/// comes from `/usr/bin/time` when installed, otherwise from sampling `VmHWM` while it runs.
fn run_bounded(args: &[&str], envs: &[(&str, &str)], limit: Duration) -> Run {
    use std::os::unix::process::CommandExt;
    let bin = env!("CARGO_BIN_EXE_shipshape");
    let time = Path::new("/usr/bin/time");
    let use_time = time.exists();
    let rss_file = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = if use_time {
        let mut c = Command::new(time);
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(rss_file.path())
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let started = Instant::now();
    let mut child = cmd.spawn().expect("the binary runs");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        out.read_to_end(&mut v).map(|_| v)
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        err.read_to_end(&mut v).map(|_| v)
    });
    let mut sampled = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if !use_time {
            sampled = sampled.max(vm_hwm_kib(child.id()).unwrap_or(0));
        }
        if started.elapsed() > limit {
            // The whole process group: `time` and the audit under it.
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            panic!("shipshape {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = started.elapsed();
    let stdout = out_reader.join().unwrap().unwrap();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap().unwrap()).into_owned();
    let peak_kib = if use_time {
        std::fs::read_to_string(rss_file.path())
            .ok()
            .and_then(|s| s.lines().rev().find_map(|l| l.trim().parse().ok()))
    } else {
        (sampled > 0).then_some(sampled)
    };
    Run {
        code: status.code(),
        stdout,
        stderr,
        wall,
        peak_kib,
    }
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn link(root: &Path, rel: &str, target: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    symlink(target, path).unwrap();
}

fn mkfifo(root: &Path, rel: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = Command::new("mkfifo").arg(&path).status();
    assert!(status.is_ok_and(|s| s.success()), "mkfifo is available");
}

/// Deterministic noise; `min` 1 keeps NUL bytes out.
fn noise(len: usize, seed: u64, min: u8) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let b = (x >> 24) as u8;
            b.max(min)
        })
        .collect()
}

fn alias_bomb() -> String {
    let mut bomb = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let mut prev = 'a';
    for n in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        bomb.push_str(&format!("{n}: &{n} [{refs}]\n"));
        prev = n;
    }
    bomb
}

/// Anchors nested 250 deep around one 200,000-item sequence: copying each anchored node when
/// it is defined would copy the sequence 250 times (gigabytes from a 400 KB file).
fn nested_anchors(alias_at_end: bool) -> String {
    let mut s = String::from("services:\n  x: ");
    for i in 0..250 {
        s.push_str(&format!("&a{i} ["));
    }
    s.push_str(&vec!["1"; 200_000].join(","));
    s.push_str(&"]".repeat(250));
    s.push('\n');
    if alias_at_end {
        s.push_str("  y: *a0\n");
    }
    s
}

fn json(run: &Run) -> Value {
    serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr:\n{}",
            run.stderr.chars().take(4000).collect::<String>()
        )
    })
}

fn array<'a>(report: &'a Value, key: &str) -> &'a [Value] {
    report[key].as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// The notice for `path`, or the message of its located parse error.
fn diagnostic(report: &Value, path: &str) -> Option<String> {
    let notice = array(report, "notices")
        .iter()
        .find(|n| n["path"] == path)
        .map(|n| n["message"].as_str().unwrap_or("").to_string());
    notice.or_else(|| {
        array(report, "findings")
            .iter()
            .find(|f| f["path"] == path && f["rule"] == "parse-error")
            .map(|f| f["message"].as_str().unwrap_or("").to_string())
    })
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()));
    format!(
        "first difference at line {}:\n  {:?}\n  {:?}",
        line + 1,
        a.lines().nth(line),
        b.lines().nth(line)
    )
}

/// Writes every bad input at once. Returns whether the unreadable file is unreadable to us
/// (root reads it regardless of its mode).
fn build_hostile_repository(root: &Path) -> bool {
    // Good files, to see the run went on around the bad ones.
    write(root, "ok/Dockerfile", b"FROM alpine:3.20\nUSER 1000\n");
    write(
        root,
        "ok/compose.yaml",
        b"services:\n  web:\n    image: nginx:1.27\n",
    );

    // Alias bomb, and anchors nested around a large sequence.
    write(root, "bomb/docker-compose.yml", alias_bomb().as_bytes());
    write(
        root,
        "anchors/docker-compose.yml",
        nested_anchors(true).as_bytes(),
    );
    // Deep nesting: YAML, a Grafana dashboard, HCL.
    write(
        root,
        "deep/k8s.yaml",
        format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
    );
    write(
        root,
        "dashboards/deep-dashboard.json",
        format!(
            "{{\"panels\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        )
        .as_bytes(),
    );
    // Nested object expressions: hcl-edit 0.10.0 backtracked exponentially in their depth
    // (vendor/README.md); all 120 are left open, which the bracket check reports.
    write(
        root,
        "infra/objects.tf",
        "fo=5.orp/t5.orp/tlvolume_typesb+{\n   sb+{\nr5.orp/tlsb+{\n"
            .repeat(40)
            .as_bytes(),
    );
    // Brackets left open: hcl-edit's backtracking doubled with each (found by fuzzing).
    write(
        root,
        "infra/unclosed.tf",
        include_bytes!("../../fixtures/regressions/terraform-unclosed-braces.tf"),
    );
    // Heredocs closed on their first line, nested in interpolations: 17 s in hcl-edit 0.10.0
    // (found by fuzzing). Its one NUL byte is a space here, or the file is skipped as binary.
    write(
        root,
        "infra/heredocs.tf",
        include_str!("../../fixtures/regressions/terraform-heredoc-delimiters.tf")
            .replace('\0', " ")
            .as_bytes(),
    );
    write(
        root,
        "infra/deep.tf",
        format!(
            "locals {{\n  x = {}1{}\n}}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        )
        .as_bytes(),
    );
    // A 5 MB single line, in a file that is audited.
    let mut long =
        b"on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "
            .to_vec();
    long.extend(std::iter::repeat_n(b'x', 5_000_000));
    long.push(b'\n');
    write(root, "long/.github/workflows/ci.yml", &long);
    // Text that yields a problem per line or a duplicate key per line.
    write(root, "garbage/Dockerfile", &b"x\n".repeat(500_000));
    write(root, "dups/docker-compose.yml", &b"k: v\n".repeat(200_000));
    // 200 MB, sparse: the size cap must skip it unread.
    let big = std::fs::File::create(root.join("docker-compose.yml")).unwrap();
    big.set_len(200 * 1024 * 1024).unwrap();
    drop(big);

    // Binary content, invalid UTF-8, NUL bytes.
    write(root, "bin/Dockerfile", &noise(64 * 1024, 1, 0));
    write(root, "k8s/deploy.yaml", &noise(64 * 1024, 2, 0));
    write(root, "noise/Dockerfile", &noise(64 * 1024, 3, 1));
    write(
        root,
        "utf8/docker-compose.yml",
        b"services:\n  web:\n    image: nginx:1.27\n    command: \xff\xfe\xc3 run\n    user: root\n",
    );
    write(
        root,
        "nul/compose.yaml",
        b"services:\n  web:\n    image: ng\x00inx\n",
    );

    // Symbolic links: loops, and links out of the root.
    link(root, "loop-a.yaml", "loop-b.yaml");
    link(root, "loop-b.yaml", "loop-a.yaml");
    link(root, "loops/self", ".");
    link(root, "loops/parent", "..");
    link(root, "etc", "/etc");
    link(root, "Dockerfile", "/etc/passwd");
    link(root, "zero/docker-compose.yml", "/dev/zero");
    link(root, "proc/Dockerfile", "/proc/self/mem");
    link(root, "proc/root", "/proc/self/root");
    // Ignore files are read too: a `.gitignore` leading to `/dev/zero`, one that is a FIFO.
    link(root, ".gitignore", "/dev/zero");
    mkfifo(root, "fifo/.gitignore");

    // Special files: a FIFO, a link to it, a socket.
    mkfifo(root, "fifo/Dockerfile");
    link(root, "fifo/compose.yaml", "Dockerfile");
    std::fs::create_dir_all(root.join("sock")).unwrap();
    drop(std::os::unix::net::UnixListener::bind(root.join("sock/Dockerfile")).unwrap());

    // An unreadable file.
    write(root, "locked/Dockerfile", b"FROM alpine:3.20\n");
    let locked = root.join("locked/Dockerfile");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let unreadable = std::fs::read(&locked).is_err();

    // 100,000 empty files, half of them YAML, in 100 folders.
    for d in 0..100 {
        let dir = root.join(format!("many/d{d:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        for f in 0..1000 {
            let ext = if f % 2 == 0 { "yaml" } else { "txt" };
            std::fs::File::create(dir.join(format!("f{f:04}.{ext}"))).unwrap();
        }
    }

    // A path of 4,000 characters to a Dockerfile.
    write(root, &long_path(), b"FROM alpine:3.20\n");
    unreadable
}

/// Twenty folders of 199 characters, then `Dockerfile`: 4,010 characters.
fn long_path() -> String {
    let mut path = String::new();
    for i in 0..20 {
        path.push_str(&format!("{}{}/", "p".repeat(198), i % 10));
    }
    path.push_str("Dockerfile");
    path
}

#[test]
fn a_hostile_repository_is_audited_in_bounded_time_and_memory_without_leaving_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir(&root).unwrap();
    let started = Instant::now();
    let unreadable = build_hostile_repository(&root);
    eprintln!("hostile repository written in {:?}", started.elapsed());
    let root_arg = root.display().to_string();
    let args = ["audit", &root_arg, "--format", "json"];

    let first = run_bounded(&args, &[("RAYON_NUM_THREADS", "2")], TIME_LIMIT);
    eprintln!(
        "hostile audit: {:.2} s wall, peak RSS {}",
        first.wall.as_secs_f64(),
        first
            .peak_kib
            .map_or("not measured".to_string(), |k| format!(
                "{:.1} MiB",
                k as f64 / 1024.0
            ))
    );
    assert!(
        matches!(first.code, Some(0 | 1)),
        "exit {:?}; stderr:\n{}",
        first.code,
        first.stderr.chars().take(4000).collect::<String>()
    );
    if let Some(peak) = first.peak_kib {
        assert!(
            peak < MEMORY_LIMIT_KIB,
            "peak RSS {peak} KiB is over {MEMORY_LIMIT_KIB}"
        );
    }
    // No finding echoes the 5 MB line, and no file yields thousands of findings.
    assert!(
        first.stdout.len() < 4_000_000,
        "the report is {} bytes",
        first.stdout.len()
    );
    let report = json(&first);

    // Each file that could not be judged has a notice or a located parse error that says why.
    let mut expected = vec![
        ("bomb/docker-compose.yml", "alias"),
        ("anchors/docker-compose.yml", "alias"),
        ("deep/k8s.yaml", "nesting"),
        ("dashboards/deep-dashboard.json", "recursion limit"),
        ("infra/deep.tf", "nesting"),
        ("infra/objects.tf", "never closed"),
        ("infra/unclosed.tf", "never closed"),
        ("infra/heredocs.tf", "invalid HCL"),
        ("docker-compose.yml", "size cap"),
        ("bin/Dockerfile", "binary"),
        ("k8s/deploy.yaml", "binary"),
        ("noise/Dockerfile", "UTF-8"),
        ("utf8/docker-compose.yml", "UTF-8"),
        ("nul/compose.yaml", "binary"),
        ("loop-a.yaml", "symbolic link"),
        ("loop-b.yaml", "symbolic link"),
        ("Dockerfile", "outside the scanned root"),
        ("zero/docker-compose.yml", "outside the scanned root"),
        ("proc/Dockerfile", "outside the scanned root"),
        (".gitignore", "outside the scanned root"),
        ("fifo/.gitignore", "not a regular file"),
        ("fifo/Dockerfile", "not a regular file"),
        ("fifo/compose.yaml", "special file"),
        ("sock/Dockerfile", "not a regular file"),
        ("garbage/Dockerfile", "unknown instruction"),
    ];
    if unreadable {
        expected.push(("locked/Dockerfile", "not read"));
    } else {
        eprintln!(
            "running as root: chmod 000 does not stop root from reading, so the unreadable \
             file is only checked when the tests run as another user"
        );
    }
    let mut missing = Vec::new();
    for (path, needle) in &expected {
        match diagnostic(&report, path) {
            Some(message) if message.contains(needle) => {}
            other => missing.push(format!("{path}: expected `{needle}`, got {other:?}")),
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    let utf8 = array(&report, "findings")
        .iter()
        .find(|f| f["path"] == "utf8/docker-compose.yml" && f["rule"] == "parse-error")
        .unwrap();
    assert_eq!(
        (utf8["line"].as_u64(), utf8["column"].as_u64()),
        (Some(4), Some(14))
    );

    // Findings per file stay bounded however many lines repeat a problem.
    let count = |path: &str, rule: &str| {
        array(&report, "findings")
            .iter()
            .filter(|f| f["path"] == path && f["rule"] == rule)
            .count()
    };
    assert_eq!(count("garbage/Dockerfile", "parse-error"), 101);
    assert_eq!(count("dups/docker-compose.yml", "yaml-duplicate-key"), 100);

    // The good files, the long line, the long path and the empty files were all audited.
    let paths: Vec<&str> = array(&report, "findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(paths.contains(&"long/.github/workflows/ci.yml"));
    assert!(
        paths.contains(&long_path().as_str()),
        "the 4,000-character path"
    );
    let files = report["summary"]["files"].as_u64().unwrap();
    assert!(files > 50_000, "{files} files audited");

    // Nothing outside the root was read: every path named is a real entry inside it, no link
    // to a folder was entered, and nothing from /etc/passwd appears.
    for (what, list) in [("finding", "findings"), ("notice", "notices")] {
        for item in array(&report, list) {
            let path = item["path"].as_str().unwrap_or("");
            assert!(
                !path.is_empty()
                    && !path.starts_with('/')
                    && !path.split('/').any(|p| p == ".." || p == "."),
                "{what} path {path:?}"
            );
            assert!(
                std::fs::symlink_metadata(root.join(path)).is_ok(),
                "{what} path {path:?} is not an entry of the root"
            );
            for prefix in ["etc/", "loops/self/", "loops/parent/", "proc/root/"] {
                assert!(!path.starts_with(prefix), "{what} path {path:?}");
            }
        }
    }
    assert!(
        !String::from_utf8_lossy(&first.stdout).contains("root:x:0:0"),
        "/etc/passwd was read"
    );

    // The same bytes again, on one thread.
    let second = run_bounded(&args, &[("RAYON_NUM_THREADS", "1")], TIME_LIMIT);
    assert_eq!(first.code, second.code);
    assert!(
        first.stdout == second.stdout,
        "two audits of the hostile repository differ; {}",
        first_difference(&first.stdout, &second.stdout)
    );
}

/// A minified manifest's one line and a huge quoted value stay out of the reports: every
/// format stays small however long the line or the value.
#[test]
fn huge_lines_and_values_do_not_swell_any_report() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let env: Vec<String> = (0..40_000)
        .map(|i| format!("{{\"name\": \"V{i}\", \"value\": \"{}\"}}", "x".repeat(40)))
        .collect();
    let manifest = format!(
        "{{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {{\"name\": \"w\"}}, \
         \"spec\": {{\"selector\": {{\"matchLabels\": {{\"a\": \"b\"}}}}, \"template\": {{\"metadata\": \
         {{\"labels\": {{\"a\": \"b\"}}}}, \"spec\": {{\"containers\": [{{\"name\": \"c\", \
         \"image\": \"nginx:latest\", \"env\": [{}]}}]}}}}}}}}\n",
        env.join(", ")
    );
    assert!(manifest.len() > 2_500_000 && manifest.lines().count() == 1);
    write(root, "k8s/deploy.yaml", manifest.as_bytes());
    let name = "a".repeat(500_000);
    write(
        root,
        "docker-compose.yml",
        format!("services:\n  web:\n    image: {name}\n    environment:\n      PASSWORD: {name}\n")
            .as_bytes(),
    );
    write(
        root,
        "Dockerfile",
        format!("FROM {name}\nUSER {name}\n").as_bytes(),
    );
    let root_arg = root.display().to_string();
    for format in [
        "terminal", "json", "sarif", "markdown", "html", "junit", "github",
    ] {
        let args = ["audit", &root_arg, "--no-config", "--format", format];
        let run = run_bounded(&args, &[], Duration::from_secs(120));
        assert!(
            matches!(run.code, Some(0 | 1)),
            "{format}: exit {:?}",
            run.code
        );
        let findings = if format == "json" {
            array(&json(&run), "findings").len()
        } else {
            0
        };
        // SARIF carries the rule catalog (about 340 KB); the others stay under 100 KB here.
        let limit = if format == "sarif" { 600_000 } else { 150_000 };
        assert!(
            run.stdout.len() < limit,
            "{format}: {} bytes ({findings} findings)",
            run.stdout.len()
        );
        let copied = memchr::memmem::find(&run.stdout, "a".repeat(1_000).as_bytes());
        assert!(copied.is_none(), "{format}: the huge value is copied");
        let line = memchr::memmem::find(&run.stdout, b"\"V20000\"");
        assert!(line.is_none(), "{format}: the minified line is copied");
    }
}

/// A repository cannot drive the terminal of whoever audits it: no escape sequence, backspace
/// or C1 control from a file, a file name or a value reaches any report raw.
#[test]
fn control_characters_from_files_never_reach_a_report_raw() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "docker-compose.yml",
        b"services:\n  web:\n    image: \"evil\\e]0;pwned\\a\\e[2J\\x9b31m\"\n    user: root\n",
    );
    write(
        root,
        "Dockerfile",
        b"FROM alpine\x1b[2J:latest\rEVIL\nRUN echo \x08\x08ok\n\
          # shipshape: ignore[\x1b[2J] reason \xc2\x9b31m\x7f\n",
    );
    let pod = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n";
    write(root, "k8s/\x1b[31mdeploy.yaml", pod);
    let c1_name = std::ffi::OsStr::from_bytes(b"k8s/a\x7f\xc2\x9b31m.yaml");
    std::fs::write(root.join(c1_name), pod).unwrap();
    write(root, "nginx/nginx.conf", b"server {\n  listen 80\n");
    let root_arg = root.display().to_string();
    for format in [
        "terminal", "json", "sarif", "markdown", "html", "junit", "github",
    ] {
        let args = [
            "audit",
            &root_arg,
            "--no-config",
            "--color",
            "never",
            "--format",
            format,
        ];
        let run = run_bounded(&args, &[], Duration::from_secs(60));
        assert!(
            matches!(run.code, Some(0 | 1)),
            "{format}: exit {:?}",
            run.code
        );
        let text = String::from_utf8_lossy(&run.stdout);
        assert!(
            text.contains("alpine"),
            "{format}: the Dockerfile was not reported"
        );
        let mut chars = text.char_indices().peekable();
        let mut raw = None;
        while let Some((at, c)) = chars.next() {
            let crlf = c == '\r' && chars.peek().is_some_and(|(_, next)| *next == '\n');
            if c.is_control() && !matches!(c, '\n' | '\t') && !crlf {
                raw = Some((at, c));
                break;
            }
        }
        assert!(raw.is_none(), "{format}: raw control {raw:?}");
    }
}

#[test]
fn corpus_reports_do_not_depend_on_the_thread_count() {
    let corpus = crate::common::repo_root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("../shared/corpus is missing: thread-count determinism not checked");
        return;
    }
    let corpus = corpus.display().to_string();
    for format in ["json", "sarif"] {
        let args = ["audit", &corpus, "--format", format, "--no-config"];
        let limit = Duration::from_secs(300);
        let one = run_bounded(&args, &[("RAYON_NUM_THREADS", "1")], limit);
        let two = run_bounded(&args, &[("RAYON_NUM_THREADS", "2")], limit);
        for run in [&one, &two] {
            assert!(
                matches!(run.code, Some(0 | 1)) && run.stdout.len() > 100_000,
                "{format}: exit {:?}, {} bytes; stderr:\n{}",
                run.code,
                run.stdout.len(),
                run.stderr.chars().take(4000).collect::<String>()
            );
        }
        assert!(
            one.stdout == two.stdout,
            "{format} output differs between 1 and 2 threads; {}",
            first_difference(&one.stdout, &two.stdout)
        );
    }
}

/// Regression: the walker read ignore files itself, so a `.gitignore` linked to `/dev/zero`
/// filled memory until the run was killed, and one that was a FIFO blocked it for good.
#[test]
fn ignore_files_are_read_only_when_they_are_regular_files_inside_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, "a/Dockerfile", b"FROM alpine:3.20\n");
    link(&root, "a/.gitignore", "/dev/zero");
    write(&root, "b/Dockerfile", b"FROM alpine:3.20\n");
    mkfifo(&root, "b/.gitignore");
    write(&root, "c/Dockerfile", b"FROM alpine:3.20\n");
    link(&root, "c/.ignore", "/etc/passwd");
    // Over the budget for ignore files: its rules are not applied, with a notice.
    write(&root, "d/Dockerfile", b"FROM alpine:3.20\n");
    let mut huge = b"Dockerfile\n".to_vec();
    huge.resize(600 * 1024, b'#');
    write(&root, "d/.gitignore", &huge);
    // Inside the root, a linked ignore file applies.
    write(&root, "rules/ignore-dockerfiles", b"Dockerfile\n");
    write(&root, "e/Dockerfile", b"FROM alpine:3.20\n");
    link(&root, "e/.gitignore", "../rules/ignore-dockerfiles");

    let root_arg = root.display().to_string();
    let run = run_bounded(
        &["audit", &root_arg, "--format", "json", "--no-config"],
        &[],
        Duration::from_secs(30),
    );
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    let report = json(&run);
    for (path, needle) in [
        ("a/.gitignore", "outside the scanned root"),
        ("b/.gitignore", "not a regular file"),
        ("c/.ignore", "outside the scanned root"),
        ("d/.gitignore", "ignore files together exceed"),
    ] {
        let message = diagnostic(&report, path).unwrap_or_default();
        assert!(
            message.contains(needle) && message.contains("not applied"),
            "{path}: {message:?}"
        );
    }
    let audited = |path: &str| array(&report, "findings").iter().any(|f| f["path"] == path);
    for path in [
        "a/Dockerfile",
        "b/Dockerfile",
        "c/Dockerfile",
        "d/Dockerfile",
    ] {
        assert!(audited(path), "{path} was not audited");
    }
    assert!(
        !audited("e/Dockerfile"),
        "the linked .gitignore was not applied"
    );
}

fn discovered(root: &Path) -> (Vec<String>, Vec<shipshape::discover::Notice>) {
    let found = shipshape::discover::discover(root, None).unwrap();
    let paths = found.candidates.into_iter().map(|c| c.path).collect();
    (paths, found.notices)
}

/// The ignore files read by discovery keep the walker's precedence: the deepest folder first,
/// `.ignore` over `.gitignore` over `.git/info/exclude`, negations re-including files.
#[test]
fn ignore_rules_keep_their_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let df = b"FROM alpine:3.20\n";
    write(
        root,
        ".gitignore",
        b"# built\nbuild/\n!keep/build/\n*.log\n",
    );
    write(root, "app/Dockerfile", df);
    write(root, "build/Dockerfile", df);
    write(root, "keep/build/Dockerfile", df);
    write(root, "sub/.gitignore", b"Dockerfile\r\n");
    write(root, "sub/Dockerfile", df);
    write(root, "sub/deeper/Dockerfile", df);
    write(root, "sub/inner/.gitignore", b"\xef\xbb\xbf!Dockerfile\n");
    write(root, "sub/inner/Dockerfile", df);
    write(root, "other/.gitignore", b"compose.yaml\n");
    write(root, "other/.ignore", b"!compose.yaml\n");
    write(root, "other/compose.yaml", b"services: {}\n");
    write(root, ".git/info/exclude", b"excluded/\n");
    write(root, "excluded/Dockerfile", df);
    let (paths, notices) = discovered(root);
    assert_eq!(
        paths,
        [
            "app/Dockerfile",
            "keep/build/Dockerfile",
            "other/compose.yaml",
            "sub/inner/Dockerfile"
        ]
    );
    assert!(notices.is_empty(), "{notices:?}");
}

/// Links are resolved one component at a time inside the root: followed there, through linked
/// folders too, and never past its edge, even to come back.
#[test]
fn symbolic_links_are_followed_only_inside_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().canonicalize().unwrap();
    let root = parent.join("repo");
    write(&root, "real/Dockerfile", b"FROM alpine:3.20\n");
    write(&parent, "sibling/Dockerfile", b"FROM alpine:3.20\n");
    link(&root, "hop", "real");
    link(&root, "chain/Dockerfile", "../hop/./Dockerfile");
    let absolute = root.join("real/Dockerfile").display().to_string();
    link(&root, "abs/Dockerfile", &absolute);
    link(&root, "out/Dockerfile", "../../sibling/Dockerfile");
    link(&root, "back/Dockerfile", "../../repo/real/Dockerfile");
    link(&root, "dangling/Dockerfile", "nowhere");
    link(&root, "notdir/Dockerfile", "../real/Dockerfile/x");
    write(&root, "real/recipe", b"FROM alpine:3.20\n");
    link(&root, "named/Dockerfile", "../real/recipe");

    let found = shipshape::discover::discover(&root, None).unwrap();
    let candidates: Vec<(&str, PathBuf)> = found
        .candidates
        .iter()
        .map(|c| (c.path.as_str(), c.full_path.clone()))
        .collect();
    // Links to `real/Dockerfile` would judge it three times: it is judged once, under its own
    // path. A link gives a kind to a file named for none.
    assert_eq!(
        candidates,
        [
            ("named/Dockerfile", root.join("real/recipe")),
            ("real/Dockerfile", root.join("real/Dockerfile")),
        ]
    );
    let notice = |path: &str| {
        found
            .notices
            .iter()
            .find(|n| n.path == path)
            .map(|n| n.message.clone())
            .unwrap_or_default()
    };
    assert!(notice("out/Dockerfile").contains("outside the scanned root"));
    assert!(notice("back/Dockerfile").contains("outside the scanned root"));
    assert!(notice("dangling/Dockerfile").contains("not followed"));
    assert!(notice("notdir/Dockerfile").contains("not followed"));
}

/// Regression: anchored nodes were copied when defined, so anchors nested around one large
/// sequence copied it once per level (gigabytes from a 400 KB file).
#[test]
fn anchored_nodes_are_copied_within_a_budget() {
    use shipshape::parse::yaml::{self, ANCHOR_NODE_BUDGET};
    let stream = yaml::parse(&nested_anchors(false)).expect("valid YAML without aliases");
    let x = stream.documents[0].path(&["services", "x"]).unwrap();
    assert_eq!(x.items().len(), 1);
    // An alias to a node too large for the alias budget is the alias bomb error, as before.
    let err = yaml::parse(&nested_anchors(true)).unwrap_err();
    assert!(err.message.contains("alias"), "{}", err.message);
    // Many small anchored nodes: their copies are bounded too.
    let mut many = String::from("x:\n");
    for i in 0..(ANCHOR_NODE_BUDGET / 1000 + 1) {
        many.push_str(&format!("  - &a{i} [{}]\n", vec!["1"; 999].join(",")));
    }
    let err = yaml::parse(&many).unwrap_err();
    assert!(
        err.message.contains("anchors copy more than"),
        "{}",
        err.message
    );
    // Ordinary anchors and merge keys are unaffected.
    let ok = yaml::parse("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\ne: *b\n").unwrap();
    assert_eq!(ok.documents[0].path(&["d", "x"]).unwrap().as_i64(), Some(1));
    assert_eq!(ok.documents[0].path(&["e", "x"]).unwrap().as_i64(), Some(1));
}

/// Regression: a file of repeated keys or of unknown instructions made a finding per line,
/// turning an 8 MB file into a report of gigabytes.
#[test]
fn problems_recorded_per_file_are_capped() {
    use shipshape::parse::{dockerfile, yaml};
    let stream = yaml::parse(&"k: v\n".repeat(10_000)).unwrap();
    assert_eq!(stream.duplicate_keys.len(), yaml::MAX_DUPLICATE_KEYS);
    let df = dockerfile::parse(&"x\n".repeat(10_000));
    assert_eq!(df.errors.len(), dockerfile::MAX_ISSUES + 1);
    assert!(
        df.errors[..dockerfile::MAX_ISSUES]
            .iter()
            .all(|e| e.message.contains("unknown"))
    );
    assert!(
        df.errors[dockerfile::MAX_ISSUES]
            .message
            .contains("more than 100 problems")
    );
    let few = dockerfile::parse("FROM a\nfrobnicate\nFROM\n");
    assert_eq!(few.errors.len(), 2);
}

/// A parse error shows the configuration's text, so a repository that committed
/// `.shipshape.yaml -> /proc/self/environ` would print the CI job's environment, secrets
/// included: discovered configuration files that are links are never read.
#[test]
fn a_configuration_file_linked_out_of_the_root_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    write(&root, "Dockerfile", b"FROM alpine:3.20\n");
    link(&root, ".shipshape.yaml", "/proc/self/environ");
    let root_arg = root.display().to_string();
    let run = run_bounded(
        &["audit", &root_arg, "--format", "json"],
        &[("SHIPSHAPE_TEST_SECRET", "do-not-print-me")],
        Duration::from_secs(30),
    );
    assert!(!run.stderr.contains("do-not-print-me"), "{}", run.stderr);
    assert!(!String::from_utf8_lossy(&run.stdout).contains("do-not-print-me"));
}

/// promql-parser recurses without a limit, so an alert expression nested 50,000 parentheses
/// deep would overflow the stack and abort the whole run: it is refused before parsing.
#[test]
fn a_deeply_nested_promql_expression_is_a_parse_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let expr = format!("{}up{}", "(".repeat(50_000), ")".repeat(50_000));
    write(
        &root,
        "prometheus/rules.yml",
        format!("groups:\n- name: a\n  rules:\n  - alert: A\n    expr: {expr}\n").as_bytes(),
    );
    let root_arg = root.display().to_string();
    let run = run_bounded(
        &["audit", &root_arg, "--format", "json", "--no-config"],
        &[],
        Duration::from_secs(60),
    );
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
}
