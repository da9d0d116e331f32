//! Kustomize: every kustomization with the paths it builds from (resources, bases, components,
//! patches) resolved against the repository, remote URLs recorded as such, its images,
//! generators and namespace; then the overlay tree (which kustomizations build on which) and the
//! environment names overlays are given by their folders (`overlays/prod` → `prod`).

use std::collections::{BTreeMap, BTreeSet};

use crate::discover::split_dir;
use crate::kind::FileKind;
use crate::parse::span::Span;
use crate::parse::yaml::Node;
use crate::parse::{FileId, ParseFailure, SourceFile, is_templated};

#[derive(Debug, Default)]
pub struct Kustomize {
    /// Sorted by folder.
    pub kustomizations: Vec<Kustomization>,
    pub failures: Vec<ParseFailure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RefField {
    Resources,
    Bases,
    Components,
    Patches,
    PatchesStrategicMerge,
    PatchesJson6902,
}

impl RefField {
    pub fn name(self) -> &'static str {
        match self {
            RefField::Resources => "resources",
            RefField::Bases => "bases",
            RefField::Components => "components",
            RefField::Patches => "patches",
            RefField::PatchesStrategicMerge => "patchesStrategicMerge",
            RefField::PatchesJson6902 => "patchesJson6902",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Repository-relative, normalized; `None` when it climbs above the scanned root.
    Local(Option<String>),
    Remote,
    /// Templated or otherwise unknowable (`${ENV}`).
    Unknown,
}

#[derive(Debug, Clone)]
pub struct PathRef {
    pub field: RefField,
    /// As written.
    pub value: String,
    pub span: Span,
    pub target: Target,
}

#[derive(Debug, Clone)]
pub struct Kustomization {
    pub file: FileId,
    /// Folder with a trailing `/` (empty at the root).
    pub dir: String,
    pub refs: Vec<PathRef>,
    /// `images[].name`.
    pub images: Vec<String>,
    /// configMapGenerator, secretGenerator and `generators:` entries.
    pub generators: usize,
    pub namespace: Option<String>,
    /// `kind: Component`.
    pub component: bool,
    /// Indices of the kustomizations this one builds on (a local folder it lists).
    pub bases: Vec<usize>,
    /// Indices of the kustomizations that build on this one.
    pub overlays: Vec<usize>,
}

impl Kustomization {
    /// The environment an overlay stands for: its folder's name.
    pub fn env_name(&self) -> Option<&str> {
        let name = self.dir.trim_end_matches('/').rsplit('/').next()?;
        (!name.is_empty()).then_some(name)
    }
}

/// Kustomize accepts remote bases as URLs, `github.com/org/repo//path?ref=…` and `git@…`.
pub fn is_remote(value: &str) -> bool {
    let v = value.trim();
    if v.contains("://") || v.starts_with("git@") || v.starts_with("git::") || v.contains("?ref=") {
        return true;
    }
    let first = v.split('/').next().unwrap_or("");
    let lower = first.to_ascii_lowercase();
    v.contains('/')
        && first.contains('.')
        && first != "."
        && first != ".."
        && !lower.ends_with(".yaml")
        && !lower.ends_with(".yml")
        && !lower.ends_with(".json")
        && (lower.starts_with("github.")
            || lower.starts_with("gitlab.")
            || lower.starts_with("bitbucket.")
            || lower.ends_with(".com")
            || lower.ends_with(".org")
            || lower.ends_with(".io")
            || lower.ends_with(".net"))
}

/// `dir` + `rel`, with `.` and `..` resolved; `None` when it climbs above the root.
pub fn resolve(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(rel.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn target_of(dir: &str, value: &str) -> Target {
    if is_templated(value) {
        Target::Unknown
    } else if is_remote(value) {
        Target::Remote
    } else {
        Target::Local(resolve(dir, value))
    }
}

fn refs_of(dir: &str, doc: &Node) -> Vec<PathRef> {
    let mut out = Vec::new();
    let mut push = |field: RefField, node: &Node| {
        if let Some(value) = node.as_str() {
            out.push(PathRef {
                field,
                value: value.to_string(),
                span: node.span,
                target: target_of(dir, value),
            });
        }
    };
    for (field, key) in [
        (RefField::Resources, "resources"),
        (RefField::Bases, "bases"),
        (RefField::Components, "components"),
    ] {
        for item in doc.get(key).map(Node::items).unwrap_or(&[]) {
            push(field, item);
        }
    }
    for item in doc.get("patches").map(Node::items).unwrap_or(&[]) {
        if let Some(path) = item.get("path") {
            push(RefField::Patches, path);
        } else if item.as_str().is_some() {
            push(RefField::Patches, item);
        }
    }
    for item in doc
        .get("patchesStrategicMerge")
        .map(Node::items)
        .unwrap_or(&[])
    {
        // Entries may be inline patches rather than file names.
        if item
            .as_str()
            .is_some_and(|s| !s.contains('\n') && !s.contains(": "))
        {
            push(RefField::PatchesStrategicMerge, item);
        }
    }
    for item in doc.get("patchesJson6902").map(Node::items).unwrap_or(&[]) {
        if let Some(path) = item.get("path") {
            push(RefField::PatchesJson6902, path);
        }
    }
    out
}

impl Kustomize {
    pub fn build(files: &[SourceFile], yaml: &[(FileId, Vec<Node>)]) -> Kustomize {
        let mut kustomizations = Vec::new();
        for (file, docs) in yaml {
            let f = &files[*file];
            if f.kind != FileKind::Kustomization {
                continue;
            }
            let Some(doc) = docs.iter().find(|d| d.is_map()) else {
                continue;
            };
            let (dir, _) = split_dir(&f.path);
            let generators = ["configMapGenerator", "secretGenerator", "generators"]
                .iter()
                .map(|k| doc.get(k).map_or(0, |n| n.items().len()))
                .sum();
            kustomizations.push(Kustomization {
                file: *file,
                dir: dir.to_string(),
                refs: refs_of(dir, doc),
                images: doc
                    .get("images")
                    .map(Node::items)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|i| i.get("name").and_then(Node::as_str))
                    .map(str::to_string)
                    .collect(),
                generators,
                namespace: doc
                    .get("namespace")
                    .and_then(Node::as_str)
                    .map(str::to_string),
                component: doc.get("kind").and_then(Node::as_str) == Some("Component"),
                bases: Vec::new(),
                overlays: Vec::new(),
            });
        }
        kustomizations.sort_by(|a: &Kustomization, b| a.dir.cmp(&b.dir).then(a.file.cmp(&b.file)));
        let by_dir: BTreeMap<String, usize> = kustomizations
            .iter()
            .enumerate()
            .map(|(i, k)| (k.dir.trim_end_matches('/').to_string(), i))
            .collect();
        let mut edges = BTreeSet::new();
        for (i, k) in kustomizations.iter().enumerate() {
            for r in &k.refs {
                if !matches!(
                    r.field,
                    RefField::Resources | RefField::Bases | RefField::Components
                ) {
                    continue;
                }
                if let Target::Local(Some(path)) = &r.target
                    && let Some(&j) = by_dir.get(path.as_str())
                    && j != i
                {
                    edges.insert((i, j));
                }
            }
        }
        for (overlay, base) in edges {
            kustomizations[overlay].bases.push(base);
            kustomizations[base].overlays.push(overlay);
        }
        Kustomize {
            kustomizations,
            failures: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kustomizations.is_empty()
    }

    /// Environment names: the folders of kustomizations that build on another one.
    pub fn environments(&self) -> BTreeSet<&str> {
        self.kustomizations
            .iter()
            .filter(|k| !k.bases.is_empty() && !k.component)
            .filter_map(Kustomization::env_name)
            .collect()
    }

    /// A base that at least two overlays build on (directly or through intermediate layers).
    pub fn shared_base(&self) -> Option<&Kustomization> {
        self.kustomizations.iter().find(|k| {
            !k.component
                && k.overlays
                    .iter()
                    .filter(|&&o| !self.kustomizations[o].component)
                    .count()
                    >= 2
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_and_local_paths() {
        assert!(is_remote("github.com/org/repo//base?ref=v1"));
        assert!(is_remote("https://github.com/org/repo/base"));
        assert!(is_remote("git@github.com:org/repo.git"));
        assert!(!is_remote("../base"));
        assert!(!is_remote("deployment.yaml"));
        assert!(!is_remote("sub.dir/deployment.yaml"));
        assert_eq!(
            resolve("overlays/prod/", "../../base").as_deref(),
            Some("base")
        );
        assert_eq!(resolve("a/", "../../x"), None);
    }

    #[test]
    fn overlays_build_on_a_shared_base() {
        use crate::parse::span::LineIndex;
        let inputs = [
            (
                "base/kustomization.yaml",
                "resources:\n  - deployment.yaml\n",
            ),
            (
                "overlays/prod/kustomization.yaml",
                "resources:\n  - ../../base\npatches:\n  - path: replicas.yaml\n",
            ),
            (
                "overlays/staging/kustomization.yaml",
                "bases:\n  - ../../base/\nnamespace: staging\n",
            ),
        ];
        let files: Vec<SourceFile> = inputs
            .iter()
            .map(|(path, text)| SourceFile {
                path: path.to_string(),
                kind: FileKind::Kustomization,
                text: (*text).into(),
                lines: LineIndex::new(text),
            })
            .collect();
        let yaml: Vec<(FileId, Vec<Node>)> = inputs
            .iter()
            .enumerate()
            .map(|(i, (_, text))| (i, crate::parse::yaml::parse(text).unwrap().documents))
            .collect();
        let k = Kustomize::build(&files, &yaml);
        let base = k.shared_base().expect("a shared base");
        assert_eq!(base.dir, "base/");
        assert_eq!(
            k.environments().into_iter().collect::<Vec<_>>(),
            vec!["prod", "staging"]
        );
        let prod = &k.kustomizations[1];
        assert_eq!(
            prod.refs[1].target,
            Target::Local(Some("overlays/prod/replicas.yaml".into()))
        );
        assert_eq!(k.kustomizations[2].namespace.as_deref(), Some("staging"));
    }
}
