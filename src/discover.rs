//! Finds the files worth auditing under a root, classifies them by path, and reads them
//! without ever leaving the root, hanging on special files, or loading oversized ones.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::kind::FileKind;

/// Files above this size are skipped with a notice rather than read.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Decides, from a path relative to the root and whether it is a folder, to leave it out.
pub type Exclude = std::sync::Arc<dyn Fn(&str, bool) -> bool + Send + Sync>;

#[derive(Clone)]
pub struct DiscoverOptions {
    pub max_file_size: u64,
    /// The config's `exclude` patterns; excluded paths are never read.
    pub exclude: Option<Exclude>,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            exclude: None,
        }
    }
}

/// A file chosen for the audit, not yet read.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Path relative to the scanned root, `/`-separated.
    pub path: String,
    pub full_path: PathBuf,
    /// The kind its path gives; YAML of unknown purpose is settled by content later.
    pub kind: FileKind,
}

/// Something about a file the user should know, that is not a finding about its content.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Notice {
    pub path: String,
    pub message: String,
}

pub struct Discovery {
    pub candidates: Vec<Candidate>,
    pub notices: Vec<Notice>,
}

/// Walks `root`, honouring `.gitignore` (also outside a git checkout) and including hidden
/// folders such as `.github/`; `.git/` and Terraform's provider cache are never entered.
pub fn discover(root: &Path, exclude: Option<&Exclude>) -> std::io::Result<Discovery> {
    let root_canonical = fs::canonicalize(root)?;
    let exclude = exclude.cloned();
    let walk_root = root.to_path_buf();
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        .hidden(false)
        .follow_links(false)
        .parents(false)
        .filter_entry(move |e| {
            let name = e.file_name();
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && (name == ".git" || name == ".terraform" || name == "node_modules") {
                return false;
            }
            match (&exclude, relative(&walk_root, e.path())) {
                (Some(excluded), Some(rel)) if !rel.is_empty() => !excluded(&rel, is_dir),
                _ => true,
            }
        })
        .build();

    let mut paths = Vec::new();
    let mut notices = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = error_path(&err)
                    .and_then(|p| relative(root, &p))
                    .unwrap_or_default();
                notices.push(Notice {
                    path,
                    message: format!("not read: {}", first_line(&err.to_string())),
                });
                continue;
            }
        };
        let Some(rel) = relative(root, entry.path()) else {
            continue;
        };
        if rel.is_empty() {
            continue;
        }
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            continue;
        }
        if file_type.is_symlink() {
            match symlink_target_inside(&root_canonical, entry.path()) {
                SymlinkTarget::File(target) => paths.push((rel, target)),
                SymlinkTarget::Dir => {}
                SymlinkTarget::Outside => {
                    if FileKind::from_path(&rel).is_some() {
                        notices.push(Notice {
                            path: rel,
                            message:
                                "symbolic link to a path outside the scanned root: not followed"
                                    .into(),
                        });
                    }
                }
                SymlinkTarget::Broken(why) => {
                    if FileKind::from_path(&rel).is_some() {
                        notices.push(Notice {
                            path: rel,
                            message: format!("symbolic link not followed: {why}"),
                        });
                    }
                }
            }
            continue;
        }
        if !file_type.is_file() {
            if FileKind::from_path(&rel).is_some() {
                notices.push(Notice {
                    path: rel,
                    message: "not a regular file (FIFO, socket or device): skipped".into(),
                });
            }
            continue;
        }
        paths.push((rel, entry.path().to_path_buf()));
    }
    paths.sort();
    paths.dedup_by(|a, b| a.0 == b.0);

    let chart_dirs = helm_chart_dirs(paths.iter().map(|(rel, _)| rel.as_str()));
    let candidates = paths
        .into_iter()
        .filter_map(|(path, full_path)| {
            let kind = FileKind::from_path_in_repo(&path, &chart_dirs)?;
            Some(Candidate {
                path,
                full_path,
                kind,
            })
        })
        .collect();
    notices.sort();
    Ok(Discovery {
        candidates,
        notices,
    })
}

/// Folders that hold a `Chart.yaml`, with a trailing `/` (empty for a chart at the root).
fn helm_chart_dirs<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    paths
        .filter_map(|p| {
            let (dir, name) = split_dir(p);
            (name == "Chart.yaml" || name == "Chart.yml").then(|| dir.to_string())
        })
        .collect()
}

pub(crate) fn split_dir(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    }
}

enum SymlinkTarget {
    File(PathBuf),
    Dir,
    Outside,
    Broken(String),
}

fn symlink_target_inside(root: &Path, link: &Path) -> SymlinkTarget {
    match fs::canonicalize(link) {
        Ok(target) if target.starts_with(root) => match fs::metadata(&target) {
            Ok(m) if m.is_file() => SymlinkTarget::File(target),
            Ok(m) if m.is_dir() => SymlinkTarget::Dir,
            Ok(_) => SymlinkTarget::Broken("points to a special file".into()),
            Err(e) => SymlinkTarget::Broken(e.to_string()),
        },
        Ok(_) => SymlinkTarget::Outside,
        Err(e) => SymlinkTarget::Broken(e.to_string()),
    }
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for part in rel.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&part.as_os_str().to_string_lossy());
    }
    Some(out)
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => error_path(err),
        ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// What reading a candidate gave.
pub enum Loaded {
    Text(String),
    /// Not UTF-8; the byte offset of the first invalid sequence.
    InvalidUtf8(Vec<u8>, usize),
    Skipped(String),
}

/// Reads one candidate, refusing special files, binaries and anything over the size cap.
pub fn load(candidate: &Candidate, options: &DiscoverOptions) -> Loaded {
    let file = match fs::File::open(&candidate.full_path) {
        Ok(f) => f,
        Err(e) => return Loaded::Skipped(format!("not read: {e}")),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return Loaded::Skipped(format!("not read: {e}")),
    };
    if !meta.is_file() {
        return Loaded::Skipped("not a regular file: skipped".into());
    }
    if meta.len() > options.max_file_size {
        return Loaded::Skipped(format!(
            "larger than the {} size cap ({}): skipped",
            human_size(options.max_file_size),
            human_size(meta.len())
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The cap also bounds a file that grows while it is read.
    if let Err(e) = file.take(options.max_file_size + 1).read_to_end(&mut bytes) {
        return Loaded::Skipped(format!("not read: {e}"));
    }
    if bytes.len() as u64 > options.max_file_size {
        return Loaded::Skipped("grew past the size cap while being read: skipped".into());
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Loaded::Skipped("binary content (NUL bytes): skipped".into());
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                // A BOM is invisible: dropping it keeps every line and column as users see them.
                text.drain(..3);
            }
            Loaded::Text(text)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Loaded::InvalidUtf8(e.into_bytes(), at)
        }
    }
}

pub fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}
