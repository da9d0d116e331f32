//! The kinds of input shipshape recognises, and how a path (then, for YAML, content) decides one.

use std::collections::HashSet;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    Dockerfile,
    Dockerignore,
    Compose,
    Kubernetes,
    HelmChart,
    HelmValues,
    HelmTemplate,
    /// `Chart.lock` (or Helm 2's `requirements.lock`) at a chart's root.
    HelmLock,
    Kustomization,
    Haproxy,
    Nginx,
    GithubWorkflow,
    GithubAction,
    Dependabot,
    Renovate,
    GitlabCi,
    OtherCi,
    PreCommit,
    Terraform,
    TerraformVars,
    TerraformLock,
    /// `terragrunt.hcl`: read as text, never evaluated.
    Terragrunt,
    /// A Pulumi project or stack file (`Pulumi.yaml`, `Pulumi.<stack>.yaml`).
    Pulumi,
    /// An AWS CDK app's `cdk.json`: read as text.
    Cdk,
    /// A CloudFormation or SAM template (YAML settled by content, or JSON/`.template` sniffed
    /// when read): read as text.
    CloudFormation,
    PrometheusConfig,
    PrometheusRules,
    Alertmanager,
    GrafanaDashboard,
    GrafanaProvisioning,
    OtelCollector,
    LogShipper,
    /// A committed `.env` file (not an `.env.example` template): read as text.
    DotEnv,
    /// YAML whose purpose only its content can tell; settled after parsing.
    Yaml,
    /// A `.conf`/`.cfg` whose name does not tell; settled by content when read, and dropped
    /// when it is neither nginx nor HAProxy.
    Conf,
    /// A `.json` or `.template` file whose name does not tell; settled by content when read
    /// (a CloudFormation template), and dropped otherwise.
    Json,
    /// YAML that turned out to be none of the above.
    OtherYaml,
}

/// Extensions that make `Dockerfile.<ext>` a file about Dockerfiles (an editor's syntax file,
/// documentation, data, a patch), never a Dockerfile variant such as `Dockerfile.prod`.
const NOT_DOCKERFILE_EXTENSIONS: &[&str] = &[
    "adoc",
    "css",
    "diff",
    "html",
    "json",
    "markdown",
    "md",
    "patch",
    "png",
    "pyc",
    "rst",
    "snap",
    "snippets",
    "sublime-syntax",
    "svg",
    "tmlanguage",
    "toml",
    "vim",
    "xml",
    "yaml",
    "yml",
];

/// Programming languages' extensions: `Dockerfile.go` is as often a service's Dockerfile (a
/// variant named for its language) as a parser's source, so its content decides
/// ([`starts_like_dockerfile`]).
const SOURCE_EXTENSIONS: &[&str] = &[
    "bash", "c", "cc", "cpp", "cs", "go", "h", "hs", "java", "js", "kt", "lua", "mjs", "php", "pl",
    "ps1", "py", "rb", "rs", "scala", "sh", "swift", "ts", "zsh",
];

/// The extension of a `Dockerfile.<ext>` or `Containerfile.<ext>` name (lowercase), if it is one.
fn dockerfile_variant_extension(lower_name: &str) -> Option<&str> {
    let rest = lower_name
        .strip_prefix("dockerfile.")
        .or_else(|| lower_name.strip_prefix("containerfile."))?;
    Some(rest.rsplit_once('.').map_or(rest, |(_, ext)| ext))
}

/// Whether the file at `path`, a Dockerfile by its name, is one only if its content says so.
pub fn dockerfile_needs_content_check(path: &str) -> bool {
    let name = crate::discover::split_dir(path).1.to_ascii_lowercase();
    dockerfile_variant_extension(&name).is_some_and(|ext| SOURCE_EXTENSIONS.contains(&ext))
}

/// A Dockerfile's first instruction is `FROM` or `ARG`, after blank lines, comments and parser
/// directives.
pub fn starts_like_dockerfile(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .and_then(|line| line.split_whitespace().next())
        .is_some_and(|word| word.eq_ignore_ascii_case("FROM") || word.eq_ignore_ascii_case("ARG"))
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Dockerfile => "dockerfile",
            FileKind::Dockerignore => "dockerignore",
            FileKind::Compose => "compose",
            FileKind::Kubernetes => "kubernetes",
            FileKind::HelmChart => "helm-chart",
            FileKind::HelmValues => "helm-values",
            FileKind::HelmTemplate => "helm-template",
            FileKind::HelmLock => "helm-lock",
            FileKind::Kustomization => "kustomization",
            FileKind::Haproxy => "haproxy",
            FileKind::Nginx => "nginx",
            FileKind::GithubWorkflow => "github-workflow",
            FileKind::GithubAction => "github-action",
            FileKind::Dependabot => "dependabot",
            FileKind::Renovate => "renovate",
            FileKind::GitlabCi => "gitlab-ci",
            FileKind::OtherCi => "other-ci",
            FileKind::PreCommit => "pre-commit",
            FileKind::Terraform => "terraform",
            FileKind::TerraformVars => "terraform-vars",
            FileKind::TerraformLock => "terraform-lock",
            FileKind::Terragrunt => "terragrunt",
            FileKind::Pulumi => "pulumi",
            FileKind::Cdk => "cdk",
            FileKind::CloudFormation => "cloudformation",
            FileKind::PrometheusConfig => "prometheus-config",
            FileKind::PrometheusRules => "prometheus-rules",
            FileKind::Alertmanager => "alertmanager",
            FileKind::GrafanaDashboard => "grafana-dashboard",
            FileKind::GrafanaProvisioning => "grafana-provisioning",
            FileKind::OtelCollector => "otel-collector",
            FileKind::LogShipper => "log-shipper",
            FileKind::DotEnv => "dotenv",
            FileKind::Yaml => "yaml",
            FileKind::Conf => "conf",
            FileKind::Json => "json",
            FileKind::OtherYaml => "other-yaml",
        }
    }

    /// Kinds whose text is YAML and goes through the shared YAML layer.
    pub fn is_yaml(self) -> bool {
        matches!(
            self,
            FileKind::Compose
                | FileKind::Kubernetes
                | FileKind::HelmChart
                | FileKind::HelmValues
                | FileKind::HelmLock
                | FileKind::Kustomization
                | FileKind::GithubWorkflow
                | FileKind::GithubAction
                | FileKind::Dependabot
                | FileKind::GitlabCi
                | FileKind::PreCommit
                | FileKind::PrometheusConfig
                | FileKind::PrometheusRules
                | FileKind::Alertmanager
                | FileKind::GrafanaProvisioning
                | FileKind::OtelCollector
                | FileKind::Pulumi
                | FileKind::Yaml
                | FileKind::OtherYaml
        )
    }

    /// The kind a path alone gives, ignoring where Helm charts are.
    pub fn from_path(path: &str) -> Option<FileKind> {
        Self::from_path_in_repo(path, &HashSet::new())
    }

    /// The kind a path gives; `chart_dirs` are folders holding a `Chart.yaml` (with trailing `/`).
    pub fn from_path_in_repo(path: &str, chart_dirs: &HashSet<String>) -> Option<FileKind> {
        let (dir, name) = crate::discover::split_dir(path);
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        let is_yaml_ext = matches!(ext, "yml" | "yaml");

        // The innermost chart: a subchart under `charts/` is a chart of its own.
        // Looked up by the path's folders, deepest first, rather than by testing every chart.
        let innermost = path
            .rmatch_indices('/')
            .map(|(i, _)| &path[..=i])
            .chain([""])
            .find(|d| chart_dirs.contains(*d));
        if let Some(chart) = innermost {
            let inner = &path[chart.len()..];
            if inner.starts_with("templates/") || inner.contains("/templates/") {
                return Some(FileKind::HelmTemplate);
            }
            if inner == "Chart.yaml" || inner == "Chart.yml" {
                return Some(FileKind::HelmChart);
            }
            if inner == "Chart.lock" || inner == "requirements.lock" {
                return Some(FileKind::HelmLock);
            }
            if !inner.contains('/') && lower.starts_with("values") && is_yaml_ext {
                return Some(FileKind::HelmValues);
            }
        }

        // Before the Dockerfile names: BuildKit reads `Dockerfile.dockerignore` as the ignore
        // file of `Dockerfile`.
        if lower == ".dockerignore" || lower.ends_with(".dockerignore") {
            return Some(FileKind::Dockerignore);
        }
        if lower == "dockerfile"
            || lower.ends_with(".dockerfile")
            || lower == "containerfile"
            || dockerfile_variant_extension(&lower)
                .is_some_and(|ext| !NOT_DOCKERFILE_EXTENSIONS.contains(&ext))
        {
            return Some(FileKind::Dockerfile);
        }
        if lower == ".env"
            || lower.starts_with(".env.")
                && ![
                    "example", "sample", "template", "dist", "tmpl", "defaults", "schema",
                ]
                .iter()
                .any(|s| lower.ends_with(s))
        {
            return Some(FileKind::DotEnv);
        }
        if lower == ".gitlab-ci.yml" || lower == ".gitlab-ci.yaml" {
            return Some(FileKind::GitlabCi);
        }
        if dir.ends_with(".github/workflows/") && is_yaml_ext {
            return Some(FileKind::GithubWorkflow);
        }
        if (lower == "action.yml" || lower == "action.yaml") && !dir.contains("/workflows/") {
            return Some(FileKind::GithubAction);
        }
        if dir.ends_with(".github/") && (lower == "dependabot.yml" || lower == "dependabot.yaml") {
            return Some(FileKind::Dependabot);
        }
        if matches!(
            lower.as_str(),
            "renovate.json" | "renovate.json5" | ".renovaterc" | ".renovaterc.json"
        ) {
            return Some(FileKind::Renovate);
        }
        if lower == ".pre-commit-config.yaml" || lower == ".pre-commit-config.yml" {
            return Some(FileKind::PreCommit);
        }
        if matches!(
            lower.as_str(),
            "jenkinsfile"
                | ".travis.yml"
                | "azure-pipelines.yml"
                | "bitbucket-pipelines.yml"
                | ".drone.yml"
        ) || dir.ends_with(".circleci/") && lower == "config.yml"
        {
            return Some(FileKind::OtherCi);
        }
        if (lower == "kustomization.yaml"
            || lower == "kustomization.yml"
            || name == "Kustomization")
            && !name.is_empty()
        {
            return Some(FileKind::Kustomization);
        }
        if is_yaml_ext && (lower.starts_with("docker-compose") || lower.starts_with("compose.")) {
            return Some(FileKind::Compose);
        }
        if is_yaml_ext && name.starts_with("Pulumi.") {
            return Some(FileKind::Pulumi);
        }
        if lower == "cdk.json" {
            return Some(FileKind::Cdk);
        }
        if lower == "terragrunt.hcl" {
            return Some(FileKind::Terragrunt);
        }
        match ext {
            "tf" => return Some(FileKind::Terraform),
            "tfvars" => return Some(FileKind::TerraformVars),
            _ => {}
        }
        if lower == ".terraform.lock.hcl" {
            return Some(FileKind::TerraformLock);
        }
        if lower.ends_with(".tfvars.json") {
            return Some(FileKind::TerraformVars);
        }
        if ext == "cfg" && lower.contains("haproxy") {
            return Some(FileKind::Haproxy);
        }
        if ext == "conf" || ext == "cfg" {
            // Settled by content: nginx and HAProxy configs go by many names.
            return Some(sniff_conf_name(&lower, dir).unwrap_or(FileKind::Conf));
        }
        if ext == "json" && (dir.contains("dashboard") || lower.contains("dashboard")) {
            return Some(FileKind::GrafanaDashboard);
        }
        if (ext == "json" || ext == "template") && !NOT_TEMPLATES.contains(&lower.as_str()) {
            // Settled by content: CloudFormation templates go by any name.
            return Some(FileKind::Json);
        }
        if is_yaml_ext {
            return Some(FileKind::Yaml);
        }
        if is_site_folder(dir) && !is_backup_name(&lower) {
            // Debian's layout names a server block for its site, without `.conf`
            // (`sites-available/default`, `sites-enabled/example.com`): settled by content, so
            // an Apache site there is left alone.
            return Some(FileKind::Conf);
        }
        None
    }
}

/// `…/sites-available/` or `…/sites-enabled/`, as `split_dir` gives a folder.
fn is_site_folder(dir: &str) -> bool {
    let last = dir.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    last.eq_ignore_ascii_case("sites-available") || last.eq_ignore_ascii_case("sites-enabled")
}

/// Editors' and package managers' copies beside a config: not what the server reads.
fn is_backup_name(lower: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        ".bak",
        ".backup",
        ".bk",
        ".bkp",
        ".orig",
        ".old",
        ".save",
        ".swp",
        ".swo",
        ".tmp",
        ".rej",
        ".disabled",
        ".dist",
        ".example",
        ".sample",
        ".pacnew",
        ".pacsave",
        ".md",
        ".txt",
        // Templates that render a site: judged once rendered, not as written.
        ".erb",
        ".j2",
        ".jinja",
        ".jinja2",
        ".tmpl",
        ".tpl",
        ".template",
        // Not `.in`: sites are often named for their domain (`shop.example.in`).
    ];
    lower.starts_with('.')
        || lower.ends_with('~')
        || (lower.starts_with('#') && lower.ends_with('#'))
        || SUFFIXES.iter().any(|suffix| lower.ends_with(suffix))
        || lower.contains(".dpkg-")
        || lower.contains(".ucf-")
        || lower.contains(".rpmnew")
        || lower.contains(".rpmsave")
}

/// JSON files that are never CloudFormation templates: not worth reading.
const NOT_TEMPLATES: &[&str] = &[
    "package.json",
    "package-lock.json",
    "composer.json",
    "composer.lock",
    "tsconfig.json",
    "jsconfig.json",
    ".eslintrc.json",
    "values.schema.json",
    "devcontainer.json",
    ".devcontainer.json",
    "launch.json",
    "settings.json",
    "extensions.json",
];

/// Settles a `.json` or `.template` file whose name did not say what it is: a CloudFormation
/// (or SAM) template, in JSON or YAML, or nothing of ours.
pub fn sniff_template_content(text: &str) -> Option<FileKind> {
    if text.contains("\"AWSTemplateFormatVersion\"")
        || json_type_is_aws(text)
        || is_cloudformation_yaml_text(text)
    {
        Some(FileKind::CloudFormation)
    } else {
        None
    }
}

/// Whether JSON text named like a Grafana dashboard can be one: every dashboard model has
/// `panels` (or, before Grafana 5, `rows`).
pub fn could_be_dashboard(text: &str) -> bool {
    text.contains("\"panels\"") || text.contains("\"rows\"")
}

/// `"Type": "AWS::…"` somewhere in JSON text.
fn json_type_is_aws(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find("\"Type\"") {
        rest = &rest[i + "\"Type\"".len()..];
        let after = rest.trim_start();
        if let Some(value) = after.strip_prefix(':')
            && value.trim_start().starts_with("\"AWS::")
        {
            return true;
        }
    }
    false
}

/// A CloudFormation template in YAML, judged line by line (it may not parse: short-form tags
/// such as `!Ref` are everywhere).
pub fn is_cloudformation_yaml_text(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("AWSTemplateFormatVersion:")
            || l.strip_prefix("Type:")
                .is_some_and(|t| t.trim().trim_matches(['"', '\'']).starts_with("AWS::"))
    })
}

fn sniff_conf_name(lower: &str, dir: &str) -> Option<FileKind> {
    if lower.starts_with("nginx") || dir.contains("nginx") {
        Some(FileKind::Nginx)
    } else if lower.starts_with("haproxy") || dir.contains("haproxy") {
        Some(FileKind::Haproxy)
    } else if matches!(
        lower,
        "fluent-bit.conf" | "fluentbit.conf" | "td-agent-bit.conf"
    ) {
        Some(FileKind::LogShipper)
    } else {
        None
    }
}

/// True when a `.conf`/`.cfg` file named for nginx or HAProxy holds another format: an INI file
/// (fail2ban's `filter.d/nginx-*.conf`, supervisor's `[program:nginx]`, PHP-FPM's pool in an
/// `nginx/` folder), systemd's `tmpfiles.d/haproxy.conf`, rsyslog rules. Such files are not
/// configs of the server they are named for, and their syntax errors are not ours to report.
pub fn conf_contradicts_name(kind: FileKind, text: &str) -> bool {
    let mut code_lines = 0usize;
    let mut nginx_lines = 0usize;
    let mut haproxy_sections = 0usize;
    for line in text.lines().take(2000) {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        code_lines += 1;
        // An INI file opens with a section; later, `[x]` may sit in a Lua block or a map.
        if code_lines == 1 && t.starts_with('[') && t.ends_with(']') {
            return true;
        }
        let code = without_comment(t);
        if code.ends_with(';') || code.ends_with('{') || code.ends_with('}') {
            nginx_lines += 1;
        }
        // Every HAProxy keyword belongs to a section: a file without one is not HAProxy's.
        let word = t.split_whitespace().next().unwrap_or("");
        if crate::parse::haproxy::SectionKind::from_keyword(word).is_some() {
            haproxy_sections += 1;
        }
    }
    match kind {
        FileKind::Nginx => code_lines > 0 && nginx_lines == 0,
        FileKind::Haproxy => code_lines > 0 && haproxy_sections == 0,
        _ => false,
    }
}

/// A config line without its trailing `#` comment: one that starts a word, after whitespace
/// or after the `;`, `{` or `}` that ends a directive.
fn without_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let cut = (1..bytes.len())
        .find(|&i| bytes[i] == b'#' && matches!(bytes[i - 1], b' ' | b'\t' | b';' | b'{' | b'}'));
    cut.map_or(line, |i| &line[..i]).trim_end()
}

/// Settles a `.conf`/`.cfg` file whose name did not say what it is.
pub fn sniff_conf_content(text: &str) -> Option<FileKind> {
    let mut haproxy = false;
    let mut nginx = false;
    // nginx ends simple directives with `;`; HOCON and INI-like formats assign with `=`.
    let mut terminated = 0usize;
    let mut assignments = 0usize;
    for line in text.lines().take(2000) {
        let t = line.trim_start();
        if t.starts_with('#') {
            continue;
        }
        let code = t.split(" #").next().unwrap_or("").trim_end();
        if code.ends_with(';') {
            terminated += 1;
        } else if code
            .split_once(" = ")
            .is_some_and(|(k, _)| !k.contains(' '))
        {
            assignments += 1;
        }
        let word = t.split_whitespace().next().unwrap_or("");
        if line.len() == t.len() && matches!(word, "frontend" | "backend" | "listen" | "defaults") {
            haproxy = true;
        }
        if matches!(word, "http" | "server" | "upstream" | "location") && t.contains('{') {
            nginx = true;
        }
    }
    if nginx && terminated > 0 && terminated >= assignments {
        Some(FileKind::Nginx)
    } else if haproxy {
        Some(FileKind::Haproxy)
    } else {
        None
    }
}

/// Settles YAML whose path did not say what it is, from its first document's shape.
pub fn sniff_yaml_content(docs: &[crate::parse::yaml::Node]) -> FileKind {
    let mut kubernetes = false;
    for doc in docs {
        if is_cloudformation_doc(doc) {
            return FileKind::CloudFormation;
        }
        if is_kubernetes_object(doc) {
            kubernetes = true;
            continue;
        }
        if let Some(services) = doc.get("services").and_then(|s| s.as_map()) {
            let looks_compose = services
                .iter()
                .any(|e| e.value.get("image").is_some() || e.value.get("build").is_some());
            if looks_compose {
                return FileKind::Compose;
            }
        }
        if doc.get("on").is_some()
            && doc
                .get("jobs")
                .and_then(|j| j.as_map())
                .is_some_and(|jobs| {
                    jobs.iter().any(|e| {
                        e.value.get("runs-on").is_some()
                            || e.value.get("steps").is_some()
                            || e.value.get("uses").is_some()
                    })
                })
        {
            return FileKind::GithubWorkflow;
        }
        // Promtail also has `scrape_configs`, next to `clients` (Loki) or `positions`.
        if doc.get("scrape_configs").is_some()
            && (doc.get("clients").is_some() || doc.get("positions").is_some())
        {
            return FileKind::LogShipper;
        }
        if doc.get("scrape_configs").is_some()
            || (doc.get("global").is_some() && doc.get("rule_files").is_some())
        {
            return FileKind::PrometheusConfig;
        }
        // Grafana provisioning (alerting, datasources, dashboards) carries `apiVersion` too.
        if doc.get("apiVersion").is_some()
            && [
                "groups",
                "datasources",
                "providers",
                "contactPoints",
                "policies",
                "templates",
            ]
            .iter()
            .any(|k| doc.get(k).is_some())
        {
            return FileKind::GrafanaProvisioning;
        }
        if let Some(groups) = doc.get("groups").and_then(|g| g.as_seq())
            && groups.iter().any(|g| g.get("rules").is_some())
        {
            return FileKind::PrometheusRules;
        }
        if doc.get("route").is_some() && doc.get("receivers").is_some() {
            return FileKind::Alertmanager;
        }
        if doc.get("receivers").is_some()
            && doc.get("exporters").is_some()
            && doc.path(&["service", "pipelines"]).is_some()
        {
            return FileKind::OtelCollector;
        }
        if doc.get("datasources").is_some()
            || (doc.get("providers").is_some() && doc.get("apiVersion").is_some())
        {
            return FileKind::GrafanaProvisioning;
        }
        if doc.get("scrape_configs").is_some() && doc.get("clients").is_some() {
            return FileKind::LogShipper;
        }
        if doc.get("filebeat.inputs").is_some()
            || doc.get("sources").is_some() && doc.get("sinks").is_some()
        {
            return FileKind::LogShipper;
        }
    }
    if kubernetes {
        FileKind::Kubernetes
    } else {
        FileKind::OtherYaml
    }
}

/// A document shaped like a Kubernetes object (`apiVersion` and `kind`) that is not one of the
/// tool configuration files that borrow the shape but are never applied to a cluster.
pub fn is_kubernetes_object(doc: &crate::parse::yaml::Node) -> bool {
    let field = |key| doc.get(key).and_then(|n| n.as_str());
    match (field("apiVersion"), field("kind")) {
        (Some(api_version), Some(kind)) => !is_tool_config(api_version.trim(), kind.trim()),
        _ => false,
    }
}

/// API groups of tools' own configuration files: Backstage's catalog, Skaffold, Garden, Score,
/// kind, k3d, ctlptl, eksctl and k0sctl cluster files, kubeadm, the audit policy and the
/// components' `*.config.k8s.io` files (kubelet, kube-proxy, the API server's admission and
/// encryption configs, kustomize's Kustomization and Component), kpt functions, Crossplane
/// package metadata, Carvel's vendir, kbld and kapp, kwok's config, the kuttl, Chainsaw and
/// Kyverno CLI tests and operator-sdk's scorecard. Groups of objects a cluster serves (Cluster
/// API's `cluster.x-k8s.io`, kpt's `ResourceGroup`, Porch's `porch.kpt.dev`) are not here.
const TOOL_GROUPS: &[&str] = &[
    "skaffold",
    "backstage.io",
    "garden.io",
    "score.dev",
    "kind.x-k8s.io",
    "k3d.io",
    "ctlptl.dev",
    "eksctl.io",
    "k0sctl.k0sproject.io",
    "config.kwok.x-k8s.io",
    "kubeadm.k8s.io",
    "audit.k8s.io",
    "apiserver.k8s.io",
    "eventratelimit.admission.k8s.io",
    "client.authentication.k8s.io",
    "fn.kpt.dev",
    "meta.pkg.crossplane.io",
    "vendir.k14s.io",
    "kbld.k14s.io",
    "kapp.k14s.io",
    "kuttl.dev",
    "chainsaw.kyverno.io",
    "cli.kyverno.io",
    "scorecard.operatorframework.io",
];

fn is_tool_config(api_version: &str, kind: &str) -> bool {
    // A kubeconfig, kustomize's built-in generator and transformer configs, and a kpt
    // package's Kptfile (kpt's and Porch's other kinds are served by clusters).
    if (api_version == "v1" && kind == "Config")
        || api_version == "builtin"
        || (api_version.starts_with("kpt.dev/") && kind == "Kptfile")
    {
        return true;
    }
    let Some((group, _version)) = api_version.split_once('/') else {
        return false;
    };
    // API groups are lowercase DNS names: compared as written, with no copy per document.
    group.ends_with(".config.k8s.io")
        || TOOL_GROUPS
            .iter()
            .any(|g| group == *g || group.strip_suffix(g).is_some_and(|p| p.ends_with('.')))
}

/// `AWSTemplateFormatVersion`, a SAM `Transform`, or a `Resources` map with an `AWS::` type.
fn is_cloudformation_doc(doc: &crate::parse::yaml::Node) -> bool {
    doc.get("AWSTemplateFormatVersion").is_some()
        || doc
            .get("Transform")
            .and_then(|t| t.as_str())
            .is_some_and(|t| t.starts_with("AWS::Serverless"))
        || doc
            .get("Resources")
            .and_then(|r| r.as_map())
            .is_some_and(|resources| {
                resources.iter().any(|e| {
                    e.value
                        .get("Type")
                        .and_then(|t| t.as_str())
                        .is_some_and(|t| t.starts_with("AWS::"))
                })
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_decide_kinds() {
        let k = |p| FileKind::from_path(p);
        assert_eq!(k("Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("svc/Dockerfile.prod"), Some(FileKind::Dockerfile));
        assert_eq!(k("build/api.Dockerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("Containerfile"), Some(FileKind::Dockerfile));
        assert_eq!(k("Containerfile.ubi"), Some(FileKind::Dockerfile));
        assert_eq!(k("Dockerfile.el"), Some(FileKind::Dockerfile));
        assert_eq!(k("Dockerfile.dockerignore"), Some(FileKind::Dockerignore));
        assert_eq!(
            k("api.Dockerfile.dockerignore"),
            Some(FileKind::Dockerignore)
        );
        // Files about Dockerfiles: an editor's, documentation, compiled Python.
        assert_eq!(k("syntax/dockerfile.vim"), None);
        assert_eq!(k("docs/Dockerfile.md"), None);
        assert_eq!(k("util/__pycache__/dockerfile.cpython-311.pyc"), None);
        // Named for a language: a Dockerfile if its content is one.
        assert_eq!(k("svc/Dockerfile.go"), Some(FileKind::Dockerfile));
        assert!(dockerfile_needs_content_check("svc/Dockerfile.go"));
        assert!(dockerfile_needs_content_check("Containerfile.py"));
        assert!(!dockerfile_needs_content_check("svc/Dockerfile.prod"));
        assert!(!dockerfile_needs_content_check("svc/Dockerfile"));
        assert!(starts_like_dockerfile(
            "\u{feff}# syntax=docker/dockerfile:1\n\n# build\nARG GO=1.23\nFROM golang:${GO}\n"
        ));
        assert!(starts_like_dockerfile("from alpine\n"));
        assert!(!starts_like_dockerfile(
            "package dockerfile\n\nimport \"strings\"\n"
        ));
        assert!(!starts_like_dockerfile(
            "#!/usr/bin/env python\nimport os\n"
        ));
        assert!(!starts_like_dockerfile(""));
        assert_eq!(k("docker-compose.prod.yml"), Some(FileKind::Compose));
        assert_eq!(k("compose.yaml"), Some(FileKind::Compose));
        assert_eq!(
            k(".github/workflows/ci.yml"),
            Some(FileKind::GithubWorkflow)
        );
        assert_eq!(k(".github/dependabot.yml"), Some(FileKind::Dependabot));
        assert_eq!(k(".gitlab-ci.yml"), Some(FileKind::GitlabCi));
        assert_eq!(k("infra/main.tf"), Some(FileKind::Terraform));
        assert_eq!(k("prod.tfvars"), Some(FileKind::TerraformVars));
        assert_eq!(k("lb/haproxy.cfg"), Some(FileKind::Haproxy));
        assert_eq!(k("nginx/nginx.conf"), Some(FileKind::Nginx));
        assert_eq!(
            k("overlays/prod/kustomization.yaml"),
            Some(FileKind::Kustomization)
        );
        assert_eq!(k("k8s/app.yaml"), Some(FileKind::Yaml));
        assert_eq!(k("deploy/default.conf"), Some(FileKind::Conf));
        assert_eq!(k("etc/nginx/sites-available/default"), Some(FileKind::Conf));
        assert_eq!(k("sites-enabled/example.com"), Some(FileKind::Conf));
        assert_eq!(k("sites-available/default.dpkg-dist"), None);
        assert_eq!(k("sites-available/default~"), None);
        assert_eq!(k("sites-available/README.md"), None);
        assert_eq!(k("sites-available/default.backup"), None);
        assert_eq!(k("sites-available/#default#"), None);
        assert_eq!(k("sites-available/site.erb"), None);
        assert_eq!(k("sites-available/site.pacnew"), None);
        assert_eq!(k("sites-enabled/shop.example.in"), Some(FileKind::Conf));
        assert_eq!(k("docs/default"), None);
        assert_eq!(k("README.md"), None);
        assert_eq!(k("src/main.py"), None);
    }

    #[test]
    fn content_decides_yaml_kinds() {
        let k =
            |text: &str| sniff_yaml_content(&crate::parse::yaml::parse(text).unwrap().documents);
        assert_eq!(
            k(
                "server:\n  http_listen_port: 9080\npositions:\n  filename: /tmp/p.yaml\nclients:\n  - url: http://loki:3100/loki/api/v1/push\nscrape_configs:\n  - job_name: system\n"
            ),
            FileKind::LogShipper
        );
        assert_eq!(
            k("scrape_configs:\n  - job_name: api\n"),
            FileKind::PrometheusConfig
        );
        assert_eq!(
            k("apiVersion: 1\ngroups:\n  - orgId: 1\n    name: g\n    rules: []\n"),
            FileKind::GrafanaProvisioning
        );
        assert_eq!(
            k("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: []\n"),
            FileKind::GithubWorkflow
        );
    }

    #[test]
    fn tool_configs_shaped_like_kubernetes_objects_are_not_manifests() {
        let k =
            |text: &str| sniff_yaml_content(&crate::parse::yaml::parse(text).unwrap().documents);
        for tool in [
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\n",
            "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\n",
            "apiVersion: skaffold/v4beta11\nkind: Config\nmanifests:\n  rawYaml: [k8s/*.yaml]\n",
            "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n  - role: control-plane\n",
            "apiVersion: k3d.io/v1alpha5\nkind: Simple\n",
            "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n",
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
            "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n",
            "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n",
            "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
            "apiVersion: builtin\nkind: PatchTransformer\n",
            "apiVersion: kpt.dev/v1\nkind: Kptfile\n",
            "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetLabels\n",
            "apiVersion: vendir.k14s.io/v1alpha1\nkind: Config\n",
            "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\n",
        ] {
            assert_eq!(k(tool), FileKind::OtherYaml, "{tool}");
        }
        for object in [
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
            "apiVersion: v1\nkind: ConfigMap\n",
            "apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\n",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\n",
            "apiVersion: kpt.dev/v1alpha1\nkind: ResourceGroup\n",
            "apiVersion: config.porch.kpt.dev/v1alpha1\nkind: Repository\n",
            // A manifest beside a tool's file in one stream is still a manifest.
            "apiVersion: skaffold/v4beta11\nkind: Config\n---\napiVersion: v1\nkind: Service\n",
        ] {
            assert_eq!(k(object), FileKind::Kubernetes, "{object}");
        }
    }

    #[test]
    fn chart_templates_are_never_yaml() {
        let charts = HashSet::from(["charts/web/".to_string()]);
        let k = |p| FileKind::from_path_in_repo(p, &charts);
        assert_eq!(
            k("charts/web/templates/deploy.yaml"),
            Some(FileKind::HelmTemplate)
        );
        assert_eq!(k("charts/web/Chart.yaml"), Some(FileKind::HelmChart));
        assert_eq!(k("charts/web/values.yaml"), Some(FileKind::HelmValues));
        assert_eq!(k("charts/web/values-prod.yaml"), Some(FileKind::HelmValues));
        assert_eq!(k("charts/web/Chart.lock"), Some(FileKind::HelmLock));
        assert_eq!(k("charts/web/requirements.lock"), Some(FileKind::HelmLock));
        assert_eq!(
            k("charts/web/templates/Chart.lock"),
            Some(FileKind::HelmTemplate)
        );
        // Outside a chart, a lock file is nothing of ours.
        assert_eq!(k("other/Chart.lock"), None);
    }

    #[test]
    fn subcharts_are_charts_of_their_own() {
        let charts = HashSet::from(["web/".to_string(), "web/charts/db/".to_string()]);
        let k = |p| FileKind::from_path_in_repo(p, &charts);
        assert_eq!(k("web/charts/db/Chart.yaml"), Some(FileKind::HelmChart));
        assert_eq!(k("web/charts/db/Chart.lock"), Some(FileKind::HelmLock));
        assert_eq!(k("web/charts/db/values.yaml"), Some(FileKind::HelmValues));
    }

    #[test]
    fn other_infrastructure_code_is_recognised() {
        let k = |p| FileKind::from_path(p);
        assert_eq!(k("infra/Pulumi.yaml"), Some(FileKind::Pulumi));
        assert_eq!(k("infra/Pulumi.prod.yaml"), Some(FileKind::Pulumi));
        assert_eq!(k("cdk/cdk.json"), Some(FileKind::Cdk));
        assert_eq!(k("live/prod/terragrunt.hcl"), Some(FileKind::Terragrunt));
        assert_eq!(k("cfn/stack.json"), Some(FileKind::Json));
        assert_eq!(k("cfn/stack.template"), Some(FileKind::Json));
        assert_eq!(k("web/package.json"), None);
        assert_eq!(
            sniff_template_content(
                "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {}\n}"
            ),
            Some(FileKind::CloudFormation)
        );
        assert_eq!(
            sniff_template_content("{\"Resources\": {\"Q\": {\"Type\" : \"AWS::SQS::Queue\"}}}"),
            Some(FileKind::CloudFormation)
        );
        assert_eq!(
            sniff_template_content("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"),
            Some(FileKind::CloudFormation)
        );
        assert_eq!(
            sniff_template_content("{\"name\": \"x\", \"Type\": \"A\"}"),
            None
        );
        assert_eq!(sniff_template_content("FROM debian:%%SUITE%%\n"), None);
        let yaml =
            |text: &str| sniff_yaml_content(&crate::parse::yaml::parse(text).unwrap().documents);
        assert_eq!(
            yaml(
                "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
            ),
            FileKind::CloudFormation
        );
        assert_eq!(
            yaml(
                "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Ref H\n"
            ),
            FileKind::CloudFormation
        );
    }
}
