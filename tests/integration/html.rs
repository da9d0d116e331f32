//! The HTML report: a self-contained page, checked for its structure, then rendered in headless
//! Chromium when it is installed (`SHIPSHAPE_REQUIRE_CHROMIUM=1` makes its absence a failure):
//! the screenshot must not be blank, the script must run without errors, nothing may be loaded
//! (a Content-Security-Policy violation is a console line), and the filters must work.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::BufReader;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::repo_root;

const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

fn shipshape(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn acgs() -> String {
    repo_root()
        .join("fixtures/repos/acgs-like")
        .display()
        .to_string()
}

/// Writes the acgs-like report as HTML into `dir`; returns its path, text and the JSON report.
fn render_acgs(dir: &Path, name: &str) -> (PathBuf, String, serde_json::Value) {
    let path = dir.join(name);
    let out = shipshape(&["audit", &acgs(), "-f", "html", "-o", path.to_str().unwrap()]);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "audit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&path).expect("the HTML report was written");
    let json = shipshape(&["audit", &acgs(), "-f", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON report");
    (path, html, json)
}

/// The text of the element starting at `<tag id="id"` up to its closing tag.
fn element<'a>(html: &'a str, tag: &str, id: &str) -> &'a str {
    let open = format!("<{tag} id=\"{id}\"");
    assert_eq!(html.matches(&open).count(), 1, "one {open}");
    let start = html.find(&open).unwrap();
    let end = html[start..]
        .find(&format!("</{tag}>"))
        .unwrap_or_else(|| panic!("{open} is not closed"));
    &html[start..start + end]
}

/// Every start tag as `(name, text of the tag)`.
fn start_tags(html: &str) -> Vec<(String, &str)> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        tags.push((name, &rest[..end]));
    }
    tags
}

fn findings_count(json: &serde_json::Value) -> usize {
    json["summary"]["findings"].as_u64().unwrap() as usize
}

#[test]
fn html_report_is_self_contained_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html, json) = render_acgs(dir.path(), "report.html");
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; \
         style-src &#39;unsafe-inline&#39;; script-src &#39;unsafe-inline&#39;; img-src data:\">"
    ));

    // Header: repository, version, files audited, findings.
    assert!(html.contains(&format!(
        "<span id=\"repository\">{}</span>",
        acgs().replace('&', "&amp;")
    )));
    assert!(html.contains(&format!(
        "<dt>shipshape</dt><dd>{}</dd>",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(html.contains(&format!(
        "<dd id=\"files-audited\">{}</dd>",
        json["summary"]["files"]
    )));
    let total = findings_count(&json);
    assert!(html.contains(&format!("<dd id=\"findings-total\">{total}</dd>")));

    // The gauge: an arc in the grade's colour and the score as text.
    let gauge = element(&html, "svg", "gauge");
    assert!(gauge.contains("class=\"gauge-track\"") && gauge.contains("class=\"gauge-value\""));
    let score = json["summary"]["score"].as_f64().unwrap();
    assert!(gauge.contains(&format!(">{score:.1}<")), "{gauge}");
    let grade = json["summary"]["grade"].as_str().unwrap().replace('-', " ");
    assert!(gauge.contains(&format!(">{grade}<")), "{gauge}");

    // The chart: six categories with their score as text (or n/a).
    let chart = element(&html, "svg", "categories-chart");
    assert_eq!(chart.matches("<g class=\"cat\"").count(), 6);
    for c in json["categories"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let at = chart
            .find(&format!("data-category=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} is not in the chart"));
        let group = &chart[at..at + chart[at..].find("</g>").unwrap()];
        let shown = c["score"]
            .as_f64()
            .map_or("n/a".to_string(), |s| format!("{s:.1}"));
        assert!(group.contains(&format!(">{shown}<")), "{id}: {group}");
    }

    // The plan, grouped by phase, every step with its projected score.
    let plan = element(&html, "section", "plan");
    for step in json["plan"].as_array().unwrap() {
        let rule = step["rule"].as_str().unwrap();
        assert!(
            plan.contains(&format!(">{rule}</a>")),
            "{rule} is not planned"
        );
    }
    assert!(plan.contains("Phase 1: immediate improvements"));
    let planned_rows = plan.matches("<tr><td class=\"num\">").count();
    assert_eq!(planned_rows, json["plan"].as_array().unwrap().len());

    // The findings table: one row per finding, filterable by category and severity.
    let table = element(&html, "table", "findings-table");
    assert_eq!(table.matches("<tr class=\"finding\"").count(), total);
    assert_eq!(
        table.matches("<tr ").count(),
        total,
        "only findings rows in the table"
    );
    for f in json["findings"].as_array().unwrap().iter().take(20) {
        let location = format!("{}:{}", f["path"].as_str().unwrap(), f["line"]);
        assert!(table.contains(&location), "{location} is missing");
    }
    let filters = element(&html, "div", "filters");
    assert!(filters.contains("<select id=\"filter-category\">"));
    assert!(filters.contains("name=\"severity\" value=\"high\""));
    assert!(html.contains(&format!(
        "<span id=\"shown-count\">{total}</span> of {total} findings"
    )));

    // Nothing is loaded from the network, and nothing but our own style and script is there.
    let tags = start_tags(&html);
    for (name, tag) in &tags {
        if matches!(
            name.as_str(),
            "link"
                | "script"
                | "img"
                | "style"
                | "iframe"
                | "object"
                | "embed"
                | "source"
                | "base"
                | "image"
                | "use"
        ) {
            let lower = tag.to_ascii_lowercase();
            assert!(
                !lower.contains("http://") && !lower.contains("https://") && !lower.contains("//"),
                "<{name}> loads from elsewhere: <{tag}>"
            );
        }
    }
    let count = |n: &str| tags.iter().filter(|(name, _)| name == n).count();
    assert_eq!(count("script"), 1);
    assert_eq!(count("style"), 1);
    assert_eq!(count("img") + count("iframe") + count("object"), 0);
    assert!(!html.contains("@import") && !html.contains("@font-face"));

    // Deterministic: a second run gives the same bytes.
    let (_, again, _) = render_acgs(dir.path(), "again.html");
    assert!(again == html, "the HTML report differs between two runs");
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Runs headless Chromium with `args` in its own process group, killed after the timeout.
/// Returns stdout, stderr and how long it took.
fn chromium(program: &Path, dir: &Path, name: &str, args: &[String]) -> (String, String, Duration) {
    let stdout = dir.join(format!("{name}.stdout"));
    let stderr = dir.join(format!("{name}.stderr"));
    let started = Instant::now();
    let mut child = Command::new(program)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.join(format!("{name}-profile")).display()
        ))
        .args(args)
        .stdin(Stdio::null())
        .stdout(File::create(&stdout).unwrap())
        .stderr(File::create(&stderr).unwrap())
        .process_group(0)
        .spawn()
        .expect("chromium starts");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            // The whole group: Chromium's renderer and GPU processes too.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium ({name}) did not finish within {CHROMIUM_TIMEOUT:?}: {}",
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(
        status.success(),
        "chromium ({name}) failed: {status}\n{err}"
    );
    (
        std::fs::read_to_string(&stdout).unwrap_or_default(),
        err,
        elapsed,
    )
}

/// Console output (script errors, Content-Security-Policy violations, logging): the page has none.
fn assert_quiet_console(name: &str, stderr: &str) {
    let console: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(
        console.is_empty(),
        "{name}: the page wrote to the console:\n{}",
        console.join("\n")
    );
}

fn file_url(path: &Path) -> String {
    let path = path.canonicalize().unwrap();
    let mut url = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// `(shown count, rows not hidden, rows)` from a dumped DOM.
fn rows_of(dom: &str) -> (usize, usize, usize) {
    let at = dom.find("<span id=\"shown-count\">").expect("the count") + 23;
    let shown = dom[at..at + dom[at..].find('<').unwrap()].parse().unwrap();
    let rows: Vec<&str> = dom
        .split("<tr class=\"finding\"")
        .skip(1)
        .map(|r| &r[..r.find('>').unwrap()])
        .collect();
    let visible = rows.iter().filter(|r| !r.contains(" hidden")).count();
    (shown, visible, rows.len())
}

fn hex_colour(hex: &str) -> [u8; 3] {
    let channel = |i: usize| u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap();
    [channel(0), channel(1), channel(2)]
}

/// Chromium, or `None` (the test is skipped) unless `SHIPSHAPE_REQUIRE_CHROMIUM=1`.
fn chromium_or_skip() -> Option<PathBuf> {
    let found = find_on_path("chromium");
    if found.is_none() {
        assert!(
            std::env::var("SHIPSHAPE_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "SHIPSHAPE_REQUIRE_CHROMIUM=1 but chromium is not on PATH (Debian package chromium)"
        );
        eprintln!("skipped: chromium is not on PATH (install Debian's chromium to run this test)");
    }
    found
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(program) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, html, json) = render_acgs(dir.path(), "report.html");
    let url = file_url(&path);
    let total = findings_count(&json);

    // The screenshot: decodes, is the window's size, and is not blank.
    let shot = dir.path().join("shot.png");
    let (_, stderr, took) = chromium(
        &program,
        dir.path(),
        "screenshot",
        &[
            "--hide-scrollbars".into(),
            "--window-size=1280,2000".into(),
            format!("--screenshot={}", shot.display()),
            url.clone(),
        ],
    );
    eprintln!("chromium screenshot: {took:.2?}");
    assert_quiet_console("screenshot", &stderr);
    let mut decoder = png::Decoder::new(BufReader::new(File::open(&shot).expect("a screenshot")));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("the screenshot is a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).expect("the PNG decodes");
    assert_eq!((info.width, info.height), (1280, 2000));
    let channels = info.color_type.samples();
    assert!(channels >= 3, "a colour screenshot: {:?}", info.color_type);
    let rgb: Vec<[u8; 3]> = pixels[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    let distinct: BTreeSet<[u8; 3]> = rgb.iter().copied().collect();
    assert!(
        distinct.len() >= 64,
        "only {} distinct colours",
        distinct.len()
    );
    let background = rgb[0];
    let other = rgb.iter().filter(|p| **p != background).count();
    assert!(
        other * 10 > rgb.len(),
        "the screenshot is almost uniform: {other} of {} pixels differ from the background",
        rgb.len()
    );
    // The gauge's arc was painted, in the grade's colour.
    let stroke = html
        .split("class=\"gauge-value\" stroke=\"")
        .nth(1)
        .map(|s| &s[..7])
        .expect("the gauge has a value arc");
    let want = hex_colour(stroke);
    let near = |p: &[u8; 3]| (0..3).all(|i| p[i].abs_diff(want[i]) <= 8);
    let arc_pixels = rgb.iter().filter(|p| near(p)).count();
    assert!(
        arc_pixels > 1000,
        "only {arc_pixels} pixels in the gauge colour {stroke}"
    );

    // The DOM after the script ran: ready, no error, every row there and shown.
    let (dom, stderr, took) = chromium(
        &program,
        dir.path(),
        "dom",
        &[
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            "--dump-dom".into(),
            url.clone(),
        ],
    );
    eprintln!("chromium dump-dom: {took:.2?}");
    assert_quiet_console("dump-dom", &stderr);
    let body = &dom[dom.find("<body").expect("a body")..];
    let body_tag = &body[..body.find('>').unwrap()];
    assert!(
        body_tag.contains("data-ready=\"1\""),
        "the script did not finish: {body_tag}"
    );
    assert!(
        !body_tag.contains("data-js-error"),
        "a script error: {body_tag}"
    );
    assert!(
        dom.contains(
            "<div id=\"filters\" class=\"filters\" role=\"search\" aria-label=\"Filter findings\">"
        ),
        "the script did not reveal the filters"
    );
    assert_eq!(rows_of(&dom), (total, total, total));

    // The filters, preset from the address: only Kubernetes findings of high or medium severity.
    let (dom, stderr, took) = chromium(
        &program,
        dir.path(),
        "filtered",
        &[
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            "--dump-dom".into(),
            format!("{url}#category=kubernetes&severity=high,medium"),
        ],
    );
    eprintln!("chromium dump-dom, filtered: {took:.2?}");
    assert_quiet_console("filtered", &stderr);
    let expected = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["category"] == "kubernetes" && (f["severity"] == "high" || f["severity"] == "medium")
        })
        .count();
    assert!(expected > 0 && expected < total);
    assert_eq!(rows_of(&dom), (expected, expected, total));
}

/// A repository whose paths are markup: the page shows them as text, and the browser builds no
/// element from them and runs none of them.
#[test]
fn hostile_paths_stay_text_in_the_page_and_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo \"><img src=x onerror=alert(1)>");
    let service = root.join("<svg onload=alert(2)>");
    std::fs::create_dir_all(&service).unwrap();
    std::fs::write(
        service.join("Dockerfile"),
        "FROM ubuntu:latest\nUSER root\n",
    )
    .unwrap();
    let path = dir.path().join("hostile.html");
    let out = shipshape(&[
        "audit",
        root.to_str().unwrap(),
        "--no-config",
        "-f",
        "html",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "audit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(
        html.contains("&lt;svg onload=alert(2)&gt;/Dockerfile"),
        "the path is in the table"
    );
    assert!(html.contains("repo &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<img") && !html.contains("<svg onload"));

    let Some(program) = chromium_or_skip() else {
        return;
    };
    let (dom, stderr, took) = chromium(
        &program,
        dir.path(),
        "hostile",
        &[
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            "--dump-dom".into(),
            file_url(&path),
        ],
    );
    eprintln!("chromium dump-dom, hostile paths: {took:.2?}");
    assert_quiet_console("hostile", &stderr);
    assert!(
        dom.contains("data-ready=\"1\""),
        "the script did not finish"
    );
    assert!(!dom.contains("data-js-error"));
    let tags = start_tags(&dom);
    assert!(
        tags.iter().all(|(name, _)| name != "img"),
        "an img element was built"
    );
    assert!(
        tags.iter()
            .all(|(_, tag)| !tag.contains("onload") && !tag.contains("onerror")),
        "an event handler attribute was built"
    );
}
