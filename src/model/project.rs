//! Reads and parses every discovered file in parallel, then builds the typed model and the
//! cross-file index that rules query (selectors, HPA/PDB targets, build contexts).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rayon::prelude::*;

use super::ci::Ci;
use super::compose::{ComposeFile, Mount};
use super::helm::Helm;
use super::k8s::{K8sObject, Selector};
use super::kustomize::Kustomize;
use super::lb::{HaproxyUnit, NginxUnit};
use super::obs::Observability;
pub use super::selection::Selection;
use super::selection::SelectorIndex;
use super::terraform::{ParsedHcl, Terraform};
use crate::discover::{self, Candidate, DiscoverOptions, Loaded, Notice};
use crate::kind::{self, FileKind};
use crate::parse::dockerfile::{self, Dockerfile};
use crate::parse::haproxy::{self, HaproxyConfig};
use crate::parse::nginx::{self, NginxConfig};
use crate::parse::span::LineIndex;
use crate::parse::yaml::{self, DuplicateKey, Node, Value, YamlStream};
use crate::parse::{FileId, ParseFailure, SourceFile, is_templated, template};

#[derive(Debug)]
pub struct DockerfileUnit {
    pub file: FileId,
    pub df: Dockerfile,
}

#[derive(Debug, Default)]
pub struct Project {
    /// Every file read, sorted by path; `FileId` indexes here.
    pub files: Vec<SourceFile>,
    pub dockerfiles: Vec<DockerfileUnit>,
    pub compose: Vec<ComposeFile>,
    pub k8s: Vec<K8sObject>,
    pub ci: Ci,
    pub obs: Observability,
    pub terraform: Terraform,
    pub helm: Helm,
    pub kustomize: Kustomize,
    pub haproxy: Vec<HaproxyUnit>,
    /// nginx files, each with the repository files it includes.
    pub nginx: Vec<NginxUnit>,
    /// Parsed YAML of kinds whose models come later (monitoring, Helm, Kustomize).
    pub other_yaml: Vec<(FileId, Vec<Node>)>,
    pub failures: Vec<ParseFailure>,
    pub duplicate_keys: Vec<(FileId, DuplicateKey)>,
    pub notices: Vec<Notice>,
    /// Wall time of each loading phase, for `--timings`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// Indices into `compose` by the folder of the file (with trailing `/`): the files combined
    /// into one compose project. Rules look siblings up here instead of scanning every file.
    compose_by_dir: BTreeMap<String, Vec<usize>>,
    /// Indices into `k8s` by namespace, then kind. Rules that relate objects (a Service
    /// selecting a Deployment, a PDB counting pods) ask per namespace and kind: scanning every
    /// object for every object made a large monorepo quadratic in all of its objects.
    k8s_by_namespace: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Indices into `k8s` by kind, across namespaces.
    k8s_by_kind: HashMap<String, Vec<usize>>,
    selectors: SelectorIndex,
    /// Indices into `files` by kind (kinds are final when loading ends).
    files_by_kind: HashMap<FileKind, Vec<FileId>>,
    /// Indices into `k8s` of HorizontalPodAutoscalers by `hpa_key` of their target.
    hpas_by_target: HashMap<String, Vec<usize>>,
    /// Per compose service, in file order: what `compose_bind_sources` returns, made once.
    compose_bind_sources: std::sync::OnceLock<Vec<Vec<String>>>,
    /// Facts rules share, computed on first use.
    pub memo: super::memo::Memo,
}

enum Content {
    Dockerfile(Dockerfile),
    Yaml(YamlStream),
    Haproxy(HaproxyConfig),
    Nginx(NginxConfig),
    Hcl(ParsedHcl),
    Text,
    Failed(String, usize),
}

/// One file read and parsed on a worker thread, with everything per-file made there too.
struct Loaded1 {
    candidate: Candidate,
    kind: FileKind,
    text: Arc<str>,
    lines: LineIndex,
    content: Content,
}

impl Project {
    /// Discovers, reads and parses everything under `root`.
    pub fn load(root: &Path, options: &DiscoverOptions) -> std::io::Result<Project> {
        let started = std::time::Instant::now();
        // Files are read and parsed while the walk goes on (the walk is mostly waiting on the
        // file system). A file whose kind changed once the walk was over (it sat in a Helm
        // chart met later) is read again below.
        let early: Mutex<HashMap<(String, PathBuf), (FileKind, Loading)>> = Mutex::default();
        let mut discovered = Duration::ZERO;
        let discovery = rayon::scope(|scope| {
            let early = &early;
            let discovery = discover::discover_with(root, options.exclude.as_ref(), |candidate| {
                scope.spawn(move |_| {
                    let key = (candidate.path.clone(), candidate.full_path.clone());
                    let kind = candidate.kind;
                    let loading = load_one(candidate, options);
                    lock(early).insert(key, (kind, loading));
                });
            });
            discovered = started.elapsed();
            discovery
        })?;
        let mut notices = discovery.notices;
        let mut early = early.into_inner().unwrap_or_else(|e| e.into_inner());
        let pending: Vec<Result<Loading, Candidate>> = discovery
            .candidates
            .into_iter()
            .map(|candidate| {
                let key = (candidate.path.clone(), candidate.full_path.clone());
                match early.remove(&key) {
                    Some((kind, loading)) if kind == candidate.kind => Ok(loading),
                    _ => Err(candidate),
                }
            })
            .collect();
        drop(early);
        let loaded: Vec<Loading> = pending
            .into_par_iter()
            // One file per task: a run of megabyte manifests must not stay queued behind one
            // thread while the other idles.
            .with_max_len(1)
            .map(|pending| pending.unwrap_or_else(|candidate| load_one(candidate, options)))
            .collect();

        let parsed = started.elapsed();
        let mut project = Project::default();
        let mut yaml_docs: Vec<(FileId, Vec<Node>)> = Vec::new();
        let mut hcl: Vec<(FileId, ParsedHcl)> = Vec::new();
        for item in loaded {
            let item = match item {
                Ok(Some(item)) => item,
                Ok(None) => continue,
                Err(notice) => {
                    notices.push(notice);
                    continue;
                }
            };
            let file = project.files.len();
            let mut kind = item.kind;
            match item.content {
                Content::Dockerfile(df) => project.dockerfiles.push(DockerfileUnit { file, df }),
                Content::Yaml(stream) => {
                    project
                        .duplicate_keys
                        .extend(stream.duplicate_keys.into_iter().map(|d| (file, d)));
                    yaml_docs.push((file, stream.documents));
                }
                Content::Haproxy(config) => {
                    if let Some(issue) = config.issues.first() {
                        project.failures.push(ParseFailure {
                            file,
                            message: issue_message(&issue.message, config.issues.len()),
                            offset: issue.span.start,
                        });
                    }
                    project.haproxy.push(HaproxyUnit { file, config });
                }
                Content::Nginx(config) => {
                    if let Some(issue) = config.issues.first() {
                        project.failures.push(ParseFailure {
                            file,
                            message: issue_message(&issue.message, config.issues.len()),
                            offset: issue.span.start,
                        });
                    }
                    project.nginx.push(NginxUnit {
                        file,
                        config,
                        includes: Vec::new(),
                    });
                }
                Content::Hcl(parsed) => hcl.push((file, parsed)),
                Content::Text => {}
                Content::Failed(message, offset) => {
                    if kind == FileKind::Yaml {
                        // Content decides what unknown YAML is; unparsable, it stays unknown.
                        kind = FileKind::OtherYaml;
                    }
                    project.failures.push(ParseFailure {
                        file,
                        message,
                        offset,
                    })
                }
            }
            project.files.push(SourceFile {
                lines: item.lines,
                path: item.candidate.path,
                kind,
                text: item.text,
            });
        }
        let namespaces = kustomize_namespaces(&project.files, &yaml_docs);
        for (file, docs) in yaml_docs {
            let kind = match project.files[file].kind {
                FileKind::Yaml => kind::sniff_yaml_content(&docs),
                k => k,
            };
            project.files[file].kind = kind;
            match kind {
                FileKind::Compose => {
                    let mut docs = docs.into_iter().filter(Node::is_map);
                    if let Some(doc) = docs.next() {
                        project.compose.push(ComposeFile::from_document(file, doc));
                    }
                }
                FileKind::Kubernetes => {
                    let default_ns = namespaces
                        .get(&project.files[file].path)
                        .map(String::as_str)
                        .unwrap_or("default");
                    for doc in docs {
                        push_k8s(&mut project.k8s, file, doc, default_ns);
                    }
                }
                _ => project.other_yaml.push((file, docs)),
            }
        }
        super::lb::resolve_nginx_includes(&project.files, &mut project.nginx);
        project.terraform = Terraform::from_parsed(&project.files, hcl);
        // CI and monitoring each read their own files: they are modelled side by side. CI takes
        // its YAML out of `other_yaml` and looks up GitLab includes among the rest; monitoring's
        // YAML is taken out first (no pipeline includes a Prometheus file).
        let (obs_yaml, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut project.other_yaml)
            .into_iter()
            .partition(|(f, _)| Observability::reads(project.files[*f].kind));
        project.other_yaml = rest;
        (project.ci, project.obs) = rayon::join(
            || {
                let mut ci = Ci::build(&project.files, &mut project.other_yaml);
                ci.collect_k8s(&project.k8s);
                ci
            },
            || Observability::build(&project.files, obs_yaml, &project.k8s),
        );
        for &file in &project.ci.included_gitlab {
            project.files[file].kind = FileKind::GitlabCi;
        }
        project.failures.append(&mut project.ci.invalid);
        project.failures.append(&mut project.obs.invalid);
        project.failures.append(&mut project.terraform.failures);
        project.helm = Helm::build(&project.files, &project.other_yaml);
        project.failures.append(&mut project.helm.failures);
        project.kustomize = Kustomize::build(&project.files, &project.other_yaml);
        project.failures.append(&mut project.kustomize.failures);
        // Charts are judged without rendering them: the report says so, chart by chart.
        for chart in &project.helm.charts {
            notices.push(Notice {
                path: project.files[chart.file].path.clone(),
                message: format!(
                    "Helm chart judged from Chart.yaml, {} values file(s) and the text of {} template(s), not rendered: API version, dependency pins and lock, resources, probes, autoscaling, securityContext and secrets in values",
                    chart.values.len(),
                    chart.templates.len()
                ),
            });
        }
        for (i, obj) in project.k8s.iter().enumerate() {
            project
                .k8s_by_namespace
                .entry(obj.namespace.clone())
                .or_default()
                .entry(obj.kind.clone())
                .or_default()
                .push(i);
            project
                .k8s_by_kind
                .entry(obj.kind.clone())
                .or_default()
                .push(i);
        }
        project.selectors = SelectorIndex::build(&project.k8s);
        for (i, compose) in project.compose.iter().enumerate() {
            let dir = discover::split_dir(&project.files[compose.file].path).0;
            project
                .compose_by_dir
                .entry(dir.to_string())
                .or_default()
                .push(i);
        }
        for (i, hpa) in project.k8s.iter().enumerate() {
            if hpa.kind != "HorizontalPodAutoscaler" {
                continue;
            }
            let target = hpa.node.path(&["spec", "scaleTargetRef"]);
            let field = |key: &str| target.and_then(|t| t.get(key)).and_then(Node::as_str);
            if let (Some(kind), Some(name)) = (field("kind"), field("name")) {
                project
                    .hpas_by_target
                    .entry(hpa_key(&hpa.namespace, kind, name))
                    .or_default()
                    .push(i);
            }
        }
        for (file, source) in project.files.iter().enumerate() {
            project
                .files_by_kind
                .entry(source.kind)
                .or_default()
                .push(file);
        }
        // A notice may quote what it found (a link's target, a value): printable, like paths.
        for notice in &mut notices {
            notice.message = crate::inert::visible_controls(std::mem::take(&mut notice.message));
        }
        notices.sort();
        project.notices = notices;
        project.timings = vec![
            ("discover", discovered),
            ("read and parse", parsed - discovered),
            ("model", started.elapsed() - parsed),
        ];
        Ok(project)
    }

    pub fn path(&self, file: FileId) -> &str {
        &self.files[file].path
    }

    /// The compose files in folder `dir` (as `split_dir` gives it): one compose project.
    pub fn compose_in<'p>(&'p self, dir: &str) -> impl Iterator<Item = &'p ComposeFile> + 'p {
        self.compose_by_dir
            .get(dir)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&i| &self.compose[i])
    }

    pub fn file(&self, file: FileId) -> &SourceFile {
        &self.files[file]
    }

    pub fn files_of(&self, kind: FileKind) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files_by_kind
            .get(&kind)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&file| (file, &self.files[file]))
    }

    /// Counts of files per kind, for the report header.
    pub fn kind_counts(&self) -> BTreeMap<FileKind, usize> {
        let mut counts = BTreeMap::new();
        for f in &self.files {
            *counts.entry(f.kind).or_insert(0) += 1;
        }
        counts
    }

    /// The Dockerfile a compose build uses: `<context>/<dockerfile or Dockerfile>`,
    /// with the context relative to the compose file's folder.
    pub fn dockerfile_for_build(
        &self,
        compose_file: FileId,
        context: &str,
        dockerfile: Option<&str>,
    ) -> Option<&DockerfileUnit> {
        let (dir, _) = discover::split_dir(self.path(compose_file));
        let joined = normalize(&format!(
            "{dir}{context}/{}",
            dockerfile.unwrap_or("Dockerfile")
        ));
        self.dockerfiles
            .iter()
            .find(|d| self.path(d.file) == joined)
    }

    /// Per compose service (files in order, services in order), the paths in the repository it
    /// bind-mounts: relative sources resolved against the compose file's folder. Computed on
    /// first use and shared by every rule that asks which files a container sees.
    pub fn compose_bind_sources(&self) -> &[Vec<String>] {
        self.compose_bind_sources.get_or_init(|| {
            let mut out = Vec::new();
            for compose in &self.compose {
                let dir = discover::split_dir(self.path(compose.file)).0;
                for service in &compose.services {
                    out.push(
                        service
                            .mounts()
                            .into_iter()
                            .filter_map(|(m, _)| match m {
                                Mount::Bind { source, .. }
                                    if !is_templated(&source)
                                        && !source.starts_with('/')
                                        && !source.starts_with('~') =>
                                {
                                    Some(normalize(&format!("{dir}{source}")))
                                }
                                _ => None,
                            })
                            .collect(),
                    );
                }
            }
            out
        })
    }

    /// Objects of one kind in one namespace.
    pub fn k8s_in<'a>(
        &'a self,
        namespace: &'a str,
        kind: &'a str,
    ) -> impl Iterator<Item = &'a K8sObject> {
        self.k8s_by_namespace
            .get(namespace)
            .and_then(|kinds| kinds.get(kind))
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&i| &self.k8s[i])
    }

    /// Objects of one kind in any namespace, in file order.
    pub fn k8s_of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a K8sObject> {
        self.k8s_by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&i| &self.k8s[i])
    }

    /// HorizontalPodAutoscalers whose `scaleTargetRef` names this workload.
    pub fn hpas_for<'a>(&'a self, workload: &'a K8sObject) -> impl Iterator<Item = &'a K8sObject> {
        self.hpas_by_target
            .get(&hpa_key(
                &workload.namespace,
                &workload.kind,
                &workload.name,
            ))
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|&i| &self.k8s[i])
    }

    /// Objects of `kind` in the workload's namespace whose selector (at `selector_path`)
    /// selects the workload's pods. `None` when some selector is templated and we cannot tell.
    pub fn selecting<'a>(
        &'a self,
        workload: &'a K8sObject,
        kind: &'a str,
        selector_path: &'a [&'a str],
        plain_map: bool,
    ) -> Selection<'a> {
        let labels = workload.pod_labels();
        if let Some(selection) = self.selectors.selecting(
            &self.k8s,
            &labels,
            &workload.namespace,
            kind,
            selector_path,
            plain_map,
        ) {
            return selection;
        }
        let mut found = Vec::new();
        let mut undecidable = false;
        for obj in self.k8s_in(&workload.namespace, kind) {
            let Some(node) = obj.node.path(selector_path) else {
                continue;
            };
            let selector = Selector::read(node, plain_map);
            if selector.templated {
                undecidable = true;
            } else if selector.matches(&labels) {
                found.push(obj);
            }
        }
        Selection { found, undecidable }
    }

    /// The workloads (objects with a pod template) in `namespace` whose pods `selector`
    /// selects, in file order.
    pub fn workloads_selected_by<'a>(
        &'a self,
        namespace: &str,
        selector: &Selector,
    ) -> Vec<&'a K8sObject> {
        self.selectors
            .workloads_selected_by(&self.k8s, namespace, selector)
    }

    /// Whether some object of `kind` in the workload's namespace selects its pods (the first
    /// value), and whether some selector is templated so that we cannot tell (the second).
    pub fn selected_by_any(
        &self,
        workload: &K8sObject,
        kind: &str,
        selector_path: &[&str],
        plain_map: bool,
    ) -> (bool, bool) {
        let labels = workload.pod_labels();
        self.selectors
            .selects_any(&labels, &workload.namespace, kind, selector_path, plain_map)
            .unwrap_or_else(|| {
                let selection = self.selecting(workload, kind, selector_path, plain_map);
                (!selection.found.is_empty(), selection.undecidable)
            })
    }

    /// Whether the repository defines an object of `kind` named `name` in `namespace`.
    pub fn defines(&self, kind: &str, namespace: &str, name: &str) -> bool {
        self.k8s_in(namespace, kind).any(|o| o.name == name)
    }

    /// A LimitRange in the namespace sets a container default under any of `keys`
    /// (`default` for limits, `defaultRequest` for requests).
    pub fn limit_range_sets(&self, namespace: &str, keys: &[&str]) -> bool {
        self.k8s_in(namespace, "LimitRange").any(|lr| {
            lr.node
                .path(&["spec", "limits"])
                .map(Node::items)
                .unwrap_or(&[])
                .iter()
                .any(|l| keys.iter().any(|k| l.get(k).is_some()))
        })
    }

    /// The namespace holds a LimitRange at all (it may inject requests or limits).
    pub fn has_limit_range(&self, namespace: &str) -> bool {
        self.k8s_in(namespace, "LimitRange").next().is_some()
    }

    /// Text of every CI pipeline file, for capability detection.
    pub fn ci_files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().filter(|(_, f)| {
            matches!(
                f.kind,
                FileKind::GithubWorkflow
                    | FileKind::GithubAction
                    | FileKind::GitlabCi
                    | FileKind::OtherCi
            )
        })
    }
}

/// The key of an autoscaler's target in `hpas_by_target`.
fn hpa_key(namespace: &str, kind: &str, name: &str) -> String {
    format!("{namespace}\0{kind}\0{name}")
}

/// One candidate read, its kind settled, not yet parsed.
struct Read1 {
    candidate: Candidate,
    kind: FileKind,
    text: String,
    /// Not valid UTF-8: the message and byte offset (the text is a lossy copy).
    failure: Option<(String, usize)>,
}

/// Reads one candidate: `Ok(None)` when its content shows it is no input of ours.
fn read_one(candidate: Candidate, options: &DiscoverOptions) -> Result<Option<Read1>, Notice> {
    let (text, failure) = match discover::load(&candidate, options) {
        Loaded::Text(text) => (text, None),
        Loaded::InvalidUtf8(bytes, at) => (
            String::from_utf8_lossy(&bytes).into_owned(),
            Some(("file is not valid UTF-8".to_string(), at)),
        ),
        // A `.conf` or `.json` nobody said was ours is not worth a notice.
        Loaded::Skipped(_) if matches!(candidate.kind, FileKind::Conf | FileKind::Json) => {
            return Ok(None);
        }
        Loaded::Skipped(message) => {
            return Err(Notice {
                path: candidate.path,
                message,
            });
        }
    };
    let mut kind = candidate.kind;
    // Only server configs are read for placeholders: a substring search of every file was 1%
    // of an audit.
    let templated = |text: &str| text.contains("{{") && text.contains("}}") || text.contains("{%");
    if matches!(kind, FileKind::Nginx | FileKind::Haproxy)
        && !templated(&text)
        && kind::conf_contradicts_name(kind, &text)
    {
        // Named for the server but written in another format: content settles it.
        kind = FileKind::Conf;
    }
    if kind == FileKind::Conf {
        match kind::sniff_conf_content(&text) {
            Some(sniffed) => kind = sniffed,
            None => return Ok(None),
        }
    }
    if kind == FileKind::Dockerfile
        && kind::dockerfile_needs_content_check(&candidate.path)
        && !kind::starts_like_dockerfile(&text)
    {
        // `dockerfile.go` with Go in it: a Dockerfile parser's source, not a Dockerfile.
        return Ok(None);
    }
    if kind == FileKind::GrafanaDashboard && !kind::could_be_dashboard(&text) {
        // Named like a dashboard but without panels: a web app's `dashboard/tsconfig.json`, a
        // schema about dashboards. Only a template could still be ours.
        kind = FileKind::Json;
    }
    if kind == FileKind::Json {
        match kind::sniff_template_content(&text) {
            Some(sniffed) => kind = sniffed,
            None => return Ok(None),
        }
    }
    // A config rendered by a template engine (consul-template, Jinja, Helm) is not the config
    // the server reads; its placeholders are not syntax errors.
    if matches!(kind, FileKind::Haproxy | FileKind::Nginx) && templated(&text) {
        return Err(Notice {
            path: candidate.path,
            message: format!(
                "{} template (`{{{{ }}}}` placeholders): not parsed, judge the rendered file",
                kind.name()
            ),
        });
    }
    Ok(Some(Read1 {
        candidate,
        kind,
        text,
        failure,
    }))
}

/// A file read and parsed, nothing to do (`None`), or why it was not read.
type Loading = Result<Option<Loaded1>, Notice>;

fn load_one(candidate: Candidate, options: &DiscoverOptions) -> Loading {
    read_one(candidate, options)?.map(parse_one).transpose()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Parses one file read by `read_one`; a template's source that does not parse becomes a notice.
fn parse_one(read: Read1) -> Result<Loaded1, Notice> {
    let Read1 {
        candidate,
        kind,
        text,
        failure,
    } = read;
    let not_utf8 = failure.is_some();
    let content = if let Some((message, offset)) = failure {
        Content::Failed(message, offset)
    } else if kind == FileKind::Dockerfile {
        Content::Dockerfile(dockerfile::parse(&text))
    } else if kind.is_yaml() {
        match yaml::parse(&text) {
            Ok(stream) => Content::Yaml(stream),
            Err(e) => Content::Failed(e.message, e.offset),
        }
    } else if kind == FileKind::Haproxy {
        Content::Haproxy(haproxy::parse(&text))
    } else if kind == FileKind::Nginx {
        Content::Nginx(nginx::parse(&text))
    } else if let Some(parsed) = ParsedHcl::parse(kind, &candidate.path, &text) {
        Content::Hcl(parsed)
    } else {
        Content::Text
    };
    let evidence = match &content {
        Content::Failed(_, offset) if !not_utf8 => {
            template::evidence(&candidate.path, &text, &[*offset], template::Syntax::Yaml)
        }
        Content::Dockerfile(df) if !df.errors.is_empty() => {
            let rejected: Vec<usize> = df.errors.iter().map(|e| e.span.start).collect();
            template::evidence(
                &candidate.path,
                &text,
                &rejected,
                template::Syntax::Dockerfile,
            )
        }
        _ => None,
    };
    if let Some(reason) = evidence {
        return Err(Notice {
            message: format!(
                "{} template ({reason}): not parsed, judge the rendered file",
                kind.name()
            ),
            path: candidate.path,
        });
    }
    Ok(Loaded1 {
        candidate,
        kind,
        lines: LineIndex::new(&text),
        text: text.into(),
        content,
    })
}

fn push_k8s(out: &mut Vec<K8sObject>, file: FileId, doc: Node, default_ns: &str) {
    let is_list = doc
        .get("kind")
        .and_then(Node::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List") && doc.get("items").is_some());
    if is_list {
        if let Value::Map(entries) = doc.value {
            for entry in entries {
                if entry.key.as_str() == Some("items")
                    && let Value::Seq(items) = entry.value.value
                {
                    for item in items {
                        push_k8s(out, file, item, default_ns);
                    }
                }
            }
        }
        return;
    }
    // A tool's file in the same stream as manifests (a Skaffold config, a kubeconfig) is not an
    // object of the cluster.
    if !crate::kind::is_kubernetes_object(&doc) {
        return;
    }
    if let Some(obj) = K8sObject::from_node(file, doc, default_ns) {
        out.push(obj);
    }
}

/// Files listed in a kustomization's `resources:` take its `namespace:`.
fn kustomize_namespaces(
    files: &[SourceFile],
    docs: &[(FileId, Vec<Node>)],
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (file, docs) in docs {
        if files[*file].kind != FileKind::Kustomization {
            continue;
        }
        let Some(doc) = docs.first() else { continue };
        let Some(ns) = doc.get("namespace").and_then(Node::as_str) else {
            continue;
        };
        let (dir, _) = discover::split_dir(&files[*file].path);
        for res in doc.get("resources").map(Node::items).unwrap_or(&[]) {
            if let Some(r) = res.as_str() {
                out.insert(normalize(&format!("{dir}{r}")), ns.to_string());
            }
        }
    }
    out
}

/// A parser's first problem, noting how many more there are.
fn issue_message(first: &str, count: usize) -> String {
    match count {
        0 | 1 => first.to_string(),
        n => format!(
            "{first} (and {} more problem{})",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    }
}

/// Resolves `.` and `..` in a `/`-separated relative path.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}
