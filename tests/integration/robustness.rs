//! Hostile and real-world input: the corpus of public files, and every kind of bad file.
//! Each run must finish, with a located diagnostic or a notice for whatever it could not read.

use std::path::{Path, PathBuf};

use shipshape::kind::FileKind;
use shipshape::model::Project;

use crate::common::audit;

fn corpus() -> Option<PathBuf> {
    let path = crate::common::repo_root().join("../shared/corpus");
    path.is_dir().then_some(path)
}

/// The corpus, read and modelled; it is part of the test environment, so missing it fails.
fn corpus_project() -> Project {
    let Some(corpus) = corpus() else {
        panic!("../shared/corpus is missing: it is part of the test environment");
    };
    Project::load(&corpus, &Default::default()).unwrap()
}

#[test]
fn the_corpus_audits_without_panic_and_every_failure_is_located() {
    let Some(corpus) = corpus() else {
        panic!("../shared/corpus is missing: it is part of the test environment");
    };
    let project = Project::load(&corpus, &Default::default()).unwrap();
    assert!(
        project.files.len() > 3000,
        "only {} files recognised",
        project.files.len()
    );
    // Every YAML and Dockerfile either parsed or has a located failure.
    for failure in &project.failures {
        let file = project.file(failure.file);
        assert!(failure.offset <= file.text.len());
        assert!(!failure.message.is_empty());
    }
    let yaml_files = project
        .files
        .iter()
        .filter(|f| f.kind.is_yaml() || f.kind == FileKind::Dockerfile)
        .count();
    assert!(yaml_files > 2500);
    // Nothing of a kind we parse is left unclassified.
    assert!(project.files.iter().all(|f| f.kind != FileKind::Yaml));

    let report = audit(&corpus, &[]);
    for f in &report.findings {
        assert!(f.line >= 1 && f.column >= 1, "{f:?}");
        assert!(!f.path.is_empty());
    }
    let parse_errors = report
        .findings
        .iter()
        .filter(|f| f.rule == "parse-error")
        .count();
    // The corpus holds a handful of deliberately broken files; a jump means a parser regressed.
    assert!(
        parse_errors < 40,
        "{parse_errors} parse errors in the corpus"
    );
}

#[test]
fn every_ci_file_in_the_corpus_is_modelled_or_has_a_located_parse_error() {
    let project = corpus_project();
    let failed: Vec<usize> = project.failures.iter().map(|f| f.file).collect();
    let ci = &project.ci;
    let mut seen = 0;
    for (id, file) in project.files.iter().enumerate() {
        let modelled = match file.kind {
            FileKind::GithubWorkflow => ci.workflows.iter().any(|w| w.file == id),
            FileKind::GithubAction => ci.actions.iter().any(|a| a.file == id),
            FileKind::Dependabot => ci.dependabot.iter().any(|(f, _)| *f == id),
            FileKind::GitlabCi => ci
                .gitlab
                .iter()
                .any(|p| p.file == id || p.included.contains(&id)),
            _ => continue,
        };
        seen += 1;
        assert!(
            modelled || failed.contains(&id),
            "{} ({}) is neither modelled nor a parse error",
            file.path,
            file.kind.name()
        );
    }
    assert!(seen > 600, "only {seen} CI files in the corpus");
    assert!(ci.workflows.len() > 500 && !ci.gitlab.is_empty());
}

#[test]
fn every_haproxy_and_nginx_file_in_the_corpus_parses_or_has_a_located_parse_error() {
    let project = corpus_project();
    let failed = |id: usize| project.failures.iter().find(|f| f.file == id);
    let mut seen = 0;
    for (id, file) in project.files.iter().enumerate() {
        let issues = match file.kind {
            FileKind::Haproxy => project
                .haproxy
                .iter()
                .find(|u| u.file == id)
                .map(|u| u.config.issues.len()),
            FileKind::Nginx => project
                .nginx
                .iter()
                .find(|u| u.file == id)
                .map(|u| u.config.issues.len()),
            _ => continue,
        };
        seen += 1;
        let issues = issues.unwrap_or_else(|| panic!("{} was not parsed", file.path));
        if issues > 0 {
            let failure =
                failed(id).unwrap_or_else(|| panic!("{}: issues but no parse error", file.path));
            assert!(failure.offset <= file.text.len());
        }
    }
    // The corpus's HAProxy SPOE files are not HAProxy configurations.
    assert!(seen >= 140, "only {seen} HAProxy and nginx files");
}

#[test]
fn every_monitoring_and_iac_file_in_the_corpus_is_modelled_or_has_a_located_parse_error() {
    let project = corpus_project();
    let failed: Vec<usize> = project.failures.iter().map(|f| f.file).collect();
    let obs = &project.obs;
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for (id, file) in project.files.iter().enumerate() {
        let modelled = match file.kind {
            FileKind::PrometheusConfig => obs.prometheus.iter().any(|p| p.file == id),
            FileKind::PrometheusRules => obs.groups.iter().any(|g| g.file == id),
            FileKind::Alertmanager => obs.alertmanagers.iter().any(|a| a.file == id),
            FileKind::GrafanaProvisioning => obs.provisioning.iter().any(|p| p.file == id),
            FileKind::OtelCollector => obs.collectors.iter().any(|c| c.file == id),
            // JSON that is not a dashboard (no panels) is simply not judged.
            FileKind::GrafanaDashboard => true,
            FileKind::Terraform | FileKind::TerraformVars => true,
            FileKind::HelmChart | FileKind::HelmValues | FileKind::Kustomization => true,
            FileKind::HelmLock => project
                .helm
                .charts
                .iter()
                .any(|c| file.path.starts_with(c.dir.as_str())),
            // Read as text (Terragrunt also checked for HCL syntax).
            FileKind::Terragrunt | FileKind::Pulumi | FileKind::Cdk | FileKind::CloudFormation => {
                true
            }
            _ => continue,
        };
        *seen.entry(file.kind.name()).or_default() += 1;
        // Empty rule files (`groups: []`) are valid and model nothing.
        let empty = file.text.trim().is_empty() || file.text.contains("groups: []");
        assert!(
            modelled || empty || failed.contains(&id),
            "{} ({}) is neither modelled nor a parse error",
            file.path,
            file.kind.name()
        );
    }
    for failure in &project.failures {
        assert!(failure.offset <= project.file(failure.file).text.len());
    }
    for kind in [
        "prometheus-config",
        "prometheus-rules",
        "terraform",
        "helm-chart",
        "kustomization",
    ] {
        assert!(
            seen.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} files in the corpus"
        );
    }
}

#[test]
fn the_known_flow_closer_file_parses() {
    let Some(corpus) = corpus() else { return };
    let path = corpus.join("opentelemetry-demo/compose.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let stream =
        shipshape::parse::yaml::parse(&text).expect("accepted by Compose, PyYAML and libyaml");
    assert!(stream.documents[0].get("services").is_some());
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Every file the project read, with the kind it settled on.
fn kinds_of(project: &Project) -> Vec<(&str, FileKind)> {
    project
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.kind))
        .collect()
}

fn finding_for<'a>(
    report: &'a shipshape::report::Report,
    path: &str,
) -> Option<&'a shipshape::finding::Finding> {
    report
        .findings
        .iter()
        .find(|f| f.path == path && f.rule == "parse-error")
}

#[test]
fn bad_inputs_end_in_clear_diagnostics_and_a_finished_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A good file, so we can see the run went on.
    write(root, "ok/Dockerfile", b"FROM alpine:3.20\nUSER 1000\n");
    // Alias bomb.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    let names = ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    let mut prev = 'a';
    for n in names {
        bomb.push_str(&format!("{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        prev = n;
    }
    write(root, "bomb/docker-compose.yml", bomb.as_bytes());
    // 10,000-deep nesting.
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\ndata: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    write(root, "deep/k8s.yaml", deep.as_bytes());
    // Invalid UTF-8.
    write(
        root,
        "utf8/docker-compose.yml",
        b"services:\n  web:\n    image: \xff\xfe\n",
    );
    // Binary named like a Dockerfile.
    write(root, "bin/Dockerfile", &[0u8, 1, 2, 3, 0, 255, 0, 10]);
    // Empty file.
    write(root, "empty/Dockerfile", b"");
    write(root, "empty/compose.yaml", b"");
    // Over the size cap (cap set low below).
    write(root, "big/docker-compose.yml", &vec![b'#'; 300_000]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        // Symlink loop and a link that leaves the root.
        std::fs::create_dir_all(root.join("loop")).unwrap();
        symlink(root.join("loop"), root.join("loop/again")).unwrap();
        symlink("/etc/hostname", root.join("outside.Dockerfile")).unwrap();
        symlink("/etc", root.join("etc-link")).unwrap();
        // A FIFO must not hang the run.
        let fifo = root.join("fifo/Dockerfile");
        std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(status.is_ok_and(|s| s.success()), "mkfifo is available");
    }

    let mut args = crate::common::audit_args(root, &[]);
    args.max_file_size = 200_000;
    let (report, project) = shipshape::app::build_report(&args).expect("the run finishes");

    assert!(project.files.iter().any(|f| f.path == "ok/Dockerfile"));
    let bomb = finding_for(&report, "bomb/docker-compose.yml").expect("alias bomb diagnosed");
    assert!(bomb.message.contains("alias"), "{}", bomb.message);
    let deep = finding_for(&report, "deep/k8s.yaml").expect("deep nesting diagnosed");
    assert!(deep.message.contains("nesting"), "{}", deep.message);
    let utf8 = finding_for(&report, "utf8/docker-compose.yml").expect("invalid UTF-8 diagnosed");
    assert_eq!((utf8.line, utf8.column), (3, 12));
    let notice = |p: &str| {
        report
            .notices
            .iter()
            .find(|n| n.path == p)
            .map(|n| n.message.clone())
    };
    assert!(notice("bin/Dockerfile").is_some_and(|m| m.contains("binary")));
    assert!(notice("big/docker-compose.yml").is_some_and(|m| m.contains("size cap")));
    assert!(project.files.iter().any(|f| f.path == "empty/Dockerfile"));
    assert!(finding_for(&report, "empty/compose.yaml").is_none());
    #[cfg(unix)]
    {
        assert!(notice("outside.Dockerfile").is_some_and(|m| m.contains("outside")));
        assert!(notice("fifo/Dockerfile").is_some_and(|m| m.contains("not a regular file")));
        assert!(
            project
                .files
                .iter()
                .all(|f| !f.path.starts_with("etc-link"))
        );
        assert!(
            project
                .files
                .iter()
                .all(|f| !f.path.starts_with("loop/again"))
        );
    }
}

#[test]
fn gitignored_files_are_skipped_also_outside_git_and_hidden_dirs_are_seen() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", b"ignored/\n");
    write(root, "ignored/Dockerfile", b"FROM alpine:3.20\n");
    write(root, ".github/workflows/ci.yml", b"on: push\njobs: {}\n");
    write(root, ".git/config/Dockerfile", b"FROM alpine\n");
    write(root, "infra/.terraform/modules/x/main.tf", b"");
    let project = Project::load(root, &Default::default()).unwrap();
    let paths: Vec<&str> = project.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec![".github/workflows/ci.yml"]);
    assert_eq!(project.files[0].kind, FileKind::GithubWorkflow);
}

#[test]
fn conf_files_are_kept_only_when_their_content_is_nginx_or_haproxy() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "deploy/default.conf", b"server {\n  listen 80;\n}\n");
    write(
        root,
        "lb/edge.cfg",
        b"global\n  maxconn 100\n\nfrontend web\n  bind *:80\n",
    );
    write(
        root,
        "app/supervisord.conf",
        b"[program:web]\ncommand=run\n",
    );
    let project = Project::load(root, &Default::default()).unwrap();
    let kinds = kinds_of(&project);
    assert_eq!(
        kinds,
        vec![
            ("deploy/default.conf", FileKind::Nginx),
            ("lb/edge.cfg", FileKind::Haproxy)
        ]
    );
    assert!(project.notices.is_empty());
}

#[test]
fn conf_files_named_for_nginx_or_haproxy_in_another_format_are_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "tmpfiles.d/haproxy.conf",
        b"d /run/haproxy 2775 haproxy haproxy -\n",
    );
    write(
        root,
        "fail2ban/filter.d/nginx-http-auth.conf",
        b"[Definition]\nfailregex = ^<HOST> - \\S+ \"GET\n",
    );
    write(
        root,
        "supervisor/nginx.conf",
        b"[program:nginx]\ncommand=/usr/sbin/nginx -g \"daemon off;\"\n",
    );
    // PHP-FPM's pool beside the nginx config it serves.
    write(
        root,
        "docker/nginx/www.conf",
        b"; pool\n[www]\nuser = www-data\npm = dynamic\n",
    );
    write(
        root,
        "docker/nginx/default.conf",
        b"server {\n  listen 80;\n}\n",
    );
    // Fragments with directives and no block are still nginx; a SPOE file is not HAProxy.
    write(root, "nginx/snippets/ssl.conf", b"ssl_protocols TLSv1.3;\n");
    write(
        root,
        "haproxy/spoe.cfg",
        b"[ip-reputation]\nspoe-agent iprep\n  messages check-ip\n",
    );
    write(root, "haproxy/haproxy.cfg", b"defaults\n  mode http\n");
    // Still theirs: comments after a tab or a `;`, `[x]` inside a Lua block, an acme section.
    write(
        root,
        "nginx/snippets/proxy.conf",
        b"proxy_set_header Host $host;\t# keep\nproxy_buffering off;#x\n",
    );
    write(
        root,
        "nginx/lua.conf",
        b"location /t {\n  content_by_lua_block {\n    local s = [[\n[section]\n]]\n  }\n}\n",
    );
    write(
        root,
        "haproxy/acme.cfg",
        b"acme letsencrypt\n  directory https://acme-v02.api.letsencrypt.org/directory\n",
    );
    let project = Project::load(root, &Default::default()).unwrap();
    assert_eq!(
        kinds_of(&project),
        vec![
            ("docker/nginx/default.conf", FileKind::Nginx),
            ("haproxy/acme.cfg", FileKind::Haproxy),
            ("haproxy/haproxy.cfg", FileKind::Haproxy),
            ("nginx/lua.conf", FileKind::Nginx),
            ("nginx/snippets/proxy.conf", FileKind::Nginx),
            ("nginx/snippets/ssl.conf", FileKind::Nginx),
        ]
    );
    assert!(project.notices.is_empty(), "{:?}", project.notices);
}

#[test]
fn dockerfiles_named_for_a_language_are_known_by_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "svc/Dockerfile.go",
        b"# syntax=docker/dockerfile:1\nFROM golang:1.23 AS build\nRUN go build ./...\n",
    );
    write(
        root,
        "parser/dockerfile.go",
        b"package dockerfile\n\nfunc Parse() {}\n",
    );
    write(
        root,
        "syntax/dockerfile.vim",
        b"\" Vim syntax file\nsyntax case ignore\n",
    );
    let project = Project::load(root, &Default::default()).unwrap();
    let kinds = kinds_of(&project);
    assert_eq!(kinds, vec![("svc/Dockerfile.go", FileKind::Dockerfile)]);
    assert!(project.notices.is_empty(), "{:?}", project.notices);
}

#[test]
fn json_named_like_a_dashboard_is_one_only_with_panels() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A web app called `dashboard`: its JSON-with-comments settings are no Grafana dashboard.
    write(
        root,
        "dashboard/tsconfig.json",
        b"{\n  // strict mode\n  \"compilerOptions\": {\"strict\": true}\n}\n",
    );
    write(
        root,
        "dashboard/package.json",
        b"{\"name\": \"dashboard\"}\n",
    );
    write(
        root,
        "grafana/dashboards/api.json",
        b"{\"title\": \"API\", \"panels\": [{\"type\": \"graph\", \"targets\": [{\"expr\": \"up\"}]}]}\n",
    );
    write(root, "grafana/dashboards/broken.json", b"{\"panels\": [\n");
    let project = Project::load(root, &Default::default()).unwrap();
    let kinds = kinds_of(&project);
    assert_eq!(
        kinds,
        vec![
            ("grafana/dashboards/api.json", FileKind::GrafanaDashboard),
            ("grafana/dashboards/broken.json", FileKind::GrafanaDashboard),
        ]
    );
    let report = crate::common::audit(root, &["parse-error"]);
    let errors: Vec<&str> = report.findings.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(errors, ["grafana/dashboards/broken.json"]);
}

#[test]
fn other_infrastructure_code_and_chart_locks_are_recognised_by_name_or_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "chart/Chart.yaml",
        b"apiVersion: v2\nname: web\nversion: 1.0.0\n",
    );
    write(
        root,
        "chart/Chart.lock",
        b"dependencies: []\ndigest: sha256:00\n",
    );
    write(root, "stray/Chart.lock", b"dependencies: []\n");
    write(root, "pulumi/Pulumi.yaml", b"name: infra\nruntime: go\n");
    write(
        root,
        "pulumi/Pulumi.prod.yaml",
        b"config:\n  aws:region: eu-west-1\n",
    );
    write(
        root,
        "cdk/cdk.json",
        b"{\"app\": \"npx ts-node bin/app.ts\"}\n",
    );
    write(
        root,
        "live/prod/terragrunt.hcl",
        b"include \"root\" {\n  path = find_in_parent_folders()\n}\n",
    );
    write(
        root,
        "cfn/queue.json",
        b"{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\"}}\n}\n",
    );
    write(
        root,
        "cfn/bucket.template",
        b"{\"Resources\": {\"B\": {\"Type\" : \"AWS::S3::Bucket\"}}}\n",
    );
    write(
        root,
        "cfn/sam.yaml",
        b"Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Ref Handler\n",
    );
    // JSON and `.template` files that are not templates are dropped without a notice.
    write(root, "web/package.json", b"{\"name\": \"web\"}\n");
    write(root, "web/data.json", b"{\"Type\": \"user\"}\n");
    write(
        root,
        "web/nginx.conf.template",
        b"server { listen ${PORT}; }\n",
    );
    write(root, "web/big.json", &vec![b' '; 300_000]);

    let options = shipshape::discover::DiscoverOptions {
        max_file_size: 200_000,
        ..Default::default()
    };
    let project = Project::load(root, &options).unwrap();
    let kinds = kinds_of(&project);
    assert_eq!(
        kinds,
        vec![
            ("cdk/cdk.json", FileKind::Cdk),
            ("cfn/bucket.template", FileKind::CloudFormation),
            ("cfn/queue.json", FileKind::CloudFormation),
            ("cfn/sam.yaml", FileKind::CloudFormation),
            ("chart/Chart.lock", FileKind::HelmLock),
            ("chart/Chart.yaml", FileKind::HelmChart),
            ("live/prod/terragrunt.hcl", FileKind::Terragrunt),
            ("pulumi/Pulumi.prod.yaml", FileKind::Pulumi),
            ("pulumi/Pulumi.yaml", FileKind::Pulumi),
        ]
    );
    assert!(project.notices.iter().all(|n| !n.path.starts_with("web/")));
    assert!(project.failures.is_empty());
    assert!(project.helm.charts[0].lock.is_some());

    // Each of them counts as infrastructure declared as code.
    for only in [
        "cdk/cdk.json",
        "cfn/bucket.template",
        "cfn/sam.yaml",
        "live/prod/terragrunt.hcl",
        "pulumi/Pulumi.yaml",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read(root.join(only)).unwrap();
        write(dir.path(), only, &text);
        write(
            dir.path(),
            "k8s/app.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
        );
        let report = audit(dir.path(), &["iac-missing-infrastructure-code"]);
        let rule = report
            .scorecard
            .rules
            .iter()
            .find(|r| r.id == "iac-missing-infrastructure-code")
            .unwrap();
        assert_eq!(rule.evaluated, 1, "{only}");
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.rule != "iac-missing-infrastructure-code"),
            "{only}"
        );
    }
}

/// The YAML layer reads through its own input (a smaller look-ahead window than saphyr's
/// `StrInput`, and the vendored saphyr's runs of plain scalars and block scalar lines taken at
/// once): on every YAML file of the corpus it must give the events, spans and errors of
/// saphyr's `BufferedInput`, which goes one character at a time as saphyr always did.
#[test]
fn yaml_input_gives_saphyrs_events_on_every_corpus_file() {
    use saphyr_parser::{BufferedInput, Parser};
    use shipshape::parse::yaml_input::SmallWindowInput;
    let project = corpus_project();
    let mut compared = 0;
    for file in project.files.iter().filter(|f| f.kind.is_yaml()) {
        let mut ours = Parser::new(SmallWindowInput::new(&file.text));
        let mut theirs = Parser::new(BufferedInput::new(file.text.chars()));
        loop {
            let (a, b) = (ours.next_event(), theirs.next_event());
            assert_eq!(
                format!("{a:?}"),
                format!("{b:?}"),
                "{}: events differ",
                file.path
            );
            if a.is_none() || a.is_some_and(|e| e.is_err()) {
                break;
            }
        }
        compared += 1;
    }
    assert!(compared > 2000, "only {compared} YAML files compared");
}

/// The bracket check that keeps hostile HCL from hcl-edit refuses only files hcl-edit refuses
/// too: on every Terraform and Terragrunt file of the corpus.
#[test]
fn hcl_files_refused_for_open_brackets_are_invalid_for_hcl_edit_too() {
    use shipshape::parse::hcl_guard::unclosed_bracket;
    let project = corpus_project();
    let mut checked = 0;
    for file in project.files.iter().filter(|f| {
        matches!(
            f.kind,
            FileKind::Terraform | FileKind::TerraformVars | FileKind::Terragrunt
        ) && !f.path.ends_with(".json")
    }) {
        if unclosed_bracket(&file.text).is_some() {
            assert!(
                hcl_edit::parser::parse_body(&file.text).is_err(),
                "{}: refused for an open bracket, yet hcl-edit parses it",
                file.path
            );
        }
        checked += 1;
    }
    assert!(checked > 500, "only {checked} HCL files checked");
}

#[test]
fn keys_repeated_by_design_in_cirrus_ci_are_not_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let cirrus = b"lint_task:\n  script: make lint\nlint_task:\n  script: make vet\ntask:\n  matrix:\n    env:\n      V: 1\n    env:\n      V: 2\n  matrix:\n    - name: a\n  script: make test\n  script: make check\ntask:\n  name: other\n";
    write(root, ".cirrus.yml", cirrus);
    write(root, "ci/.cirrus.tasks.yml", cirrus);
    write(root, "other/config.yml", b"task: 1\ntask: 2\n");
    let report = crate::common::audit(root, &["yaml-duplicate-key"]);
    let found: Vec<(&str, usize)> = report
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.line))
        .collect();
    // Two `script:` keys in one task are a mistake in Cirrus too.
    assert_eq!(
        found,
        [
            (".cirrus.yml", 14),
            ("ci/.cirrus.tasks.yml", 14),
            ("other/config.yml", 2)
        ]
    );
}

#[test]
fn templates_that_do_not_parse_are_noticed_not_reported_as_broken() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // cookiecutter: the folder's name is a placeholder, the files hold Jinja.
    write(
        root,
        "{{cookiecutter.slug}}/docker-compose.yml",
        b"services:\n  web:\n    image: app:1\n{% if cookiecutter.celery %}\n  worker:\n    image: app:1\n{% endif %}\n",
    );
    // A scaffolding tool's Handlebars Dockerfile and workflow.
    write(
        root,
        "templates/common/Dockerfile",
        b"FROM alpine:3.20\n{{#if backend}}\nRUN apk add go\n{{/if}}\nUSER 1000\n",
    );
    write(
        root,
        "templates/github/ci.yml",
        b"{{!-- escaped for Handlebars --}}\nname: CI\non: push\n",
    );
    // Broken configs holding a placeholder inside a line stay parse errors.
    write(
        root,
        "deploy/docker-compose.yml",
        b"services:\n  web:\n    image: {{ image }}\n    ports: [80\n",
    );
    write(
        root,
        "app/Dockerfile",
        b"FROM alpine:3.20\nFROBNICATE {{ x }}\n",
    );
    let report = crate::common::audit(root, &["parse-error"]);
    let errors: Vec<(&str, usize)> = report
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.line))
        .collect();
    assert_eq!(
        errors,
        [("app/Dockerfile", 2), ("deploy/docker-compose.yml", 5)]
    );
    let notices: Vec<(&str, &str)> = report
        .notices
        .iter()
        .map(|n| (n.path.as_str(), n.message.as_str()))
        .collect();
    assert_eq!(
        notices,
        [
            (
                "templates/common/Dockerfile",
                "dockerfile template (`{{` on line 2): not parsed, judge the rendered file"
            ),
            (
                "templates/github/ci.yml",
                "yaml template (`{{` on line 1): not parsed, judge the rendered file"
            ),
            (
                "{{cookiecutter.slug}}/docker-compose.yml",
                "compose template (in the template folder `{{cookiecutter.slug}}`): not parsed, judge the rendered file"
            ),
        ]
    );
}

#[test]
fn ci_messages_name_the_pipeline_in_agreement_with_their_verb() {
    let dir = tempfile::tempdir().unwrap();
    let systems = [
        (
            ".gitlab-ci.yml",
            "build:\n  script:\n    - echo hi\n",
            "the GitLab CI jobs",
        ),
        (
            "azure-pipelines.yml",
            "steps:\n  - script: echo hi\n",
            "the CI jobs",
        ),
    ];
    for (name, text, subject) in systems {
        let repo = dir.path().join(name.trim_start_matches('.'));
        write(&repo, "Dockerfile", b"FROM python:3.12-slim\n");
        write(&repo, name, text.as_bytes());
        let report = audit(&repo, &["ci-missing-tests", "cross-image-not-built-in-ci"]);
        let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages.contains(&format!("{subject} have no test step (such as pytest, go test, cargo test, npm test or mvn verify)").as_str()),
            "{name}: {messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with(&format!("{subject} never build the images"))),
            "{name}: {messages:?}"
        );
    }
}

#[test]
fn tool_configs_shaped_like_manifests_do_not_make_a_kubernetes_repository() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "catalog-info.yaml",
        b"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  type: service\n",
    );
    write(
        dir.path(),
        "kind-config.yaml",
        b"apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n  - role: control-plane\n",
    );
    let project = Project::load(dir.path(), &Default::default()).unwrap();
    assert!(project.k8s.is_empty());
    assert!(
        kinds_of(&project)
            .iter()
            .all(|(_, kind)| *kind == FileKind::OtherYaml),
        "{:?}",
        kinds_of(&project)
    );
    let report = audit(dir.path(), &[]);
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule == "iac-missing-infrastructure-code"),
        "{:?}",
        report.findings
    );
}

#[test]
fn server_blocks_in_debians_site_folders_are_read_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Debian's nginx-common ships this one, without an extension.
    write(
        root,
        "etc/nginx/sites-available/default",
        b"# Default server configuration\n#\nserver {\n\tlisten 80 default_server;\n\tlisten [::]:80 default_server;\n\troot /var/www/html;\n\tindex index.html index.htm index.nginx-debian.html;\n\tserver_name _;\n\tlocation / {\n\t\ttry_files $uri $uri/ =404;\n\t}\n}\n",
    );
    write(
        root,
        "deploy/sites-enabled/shop.example.com",
        b"server {\n  listen 443 ssl;\n  server_name shop.example.com;\n}\n",
    );
    // Apache keeps its sites in folders of the same name.
    write(
        root,
        "apache/sites-available/legacy",
        b"<VirtualHost *:80>\n  ServerName legacy\n</VirtualHost>\n",
    );
    write(
        root,
        "etc/nginx/sites-available/default.dpkg-dist",
        b"server {\n  listen 80;\n}\n",
    );
    // Enabled as Debian enables a site: judged once, under `sites-available/`.
    std::fs::create_dir_all(root.join("etc/nginx/sites-enabled")).unwrap();
    std::os::unix::fs::symlink(
        "../sites-available/default",
        root.join("etc/nginx/sites-enabled/default"),
    )
    .unwrap();
    // A link out of the root in a site folder: its content is unknown, so no notice.
    std::os::unix::fs::symlink(
        "/etc/nginx/sites-available/other",
        root.join("etc/nginx/sites-enabled/other"),
    )
    .unwrap();
    let project = Project::load(root, &Default::default()).unwrap();
    assert_eq!(
        kinds_of(&project),
        vec![
            ("deploy/sites-enabled/shop.example.com", FileKind::Nginx),
            ("etc/nginx/sites-available/default", FileKind::Nginx),
        ]
    );
    assert!(project.failures.is_empty(), "{:?}", project.failures);
    assert!(project.notices.is_empty(), "{:?}", project.notices);
}
