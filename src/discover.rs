//! Finds the files worth auditing under a root, classifies them by path, and reads them
//! without ever leaving the root, hanging on special files, or loading oversized ones.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

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
    discover_with(root, exclude, |_| {})
}

/// As [`discover`], handing each file to `early` as soon as the walk meets it, so reading can
/// start before the walk ends. Its kind there is a guess from the Helm charts met so far: a
/// folder that sorts before its chart's `Chart.yaml` is seen before the chart is. The
/// [`Discovery`] has the final kinds; a caller keeps early work only where the two agree.
pub fn discover_with(
    root: &Path,
    exclude: Option<&Exclude>,
    mut early: impl FnMut(Candidate),
) -> std::io::Result<Discovery> {
    let root_canonical = fs::canonicalize(root)?;
    let exclude = exclude.cloned();
    let walk_root = root.to_path_buf();
    // Ignore files are read here, not by the walker: it would follow a `.gitignore` symbolic link
    // out of the root, open a FIFO and wait, or read `/dev/zero` until memory runs out.
    let rules = Arc::new(IgnoreRules::new(root, &root_canonical));
    let filter_rules = Arc::clone(&rules);
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        // Directory order decides which ignore files fit in their budget: keep it stable.
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            let name = e.file_name();
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && (name == ".git" || name == ".terraform" || name == "node_modules") {
                return false;
            }
            if let Some(excluded) = &exclude
                && let Some(rel) = relative(&walk_root, e.path())
                && !rel.is_empty()
                && excluded(&rel, is_dir)
            {
                return false;
            }
            e.depth() == 0 || !filter_rules.ignored(e.path(), is_dir)
        })
        .build();

    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    // Links to files, with their targets: settled once the walk is over.
    let mut links: Vec<(String, PathBuf)> = Vec::new();
    let mut notices = Vec::new();
    let mut charts_so_far: HashSet<String> = HashSet::new();
    let mut found = |rel: String, full_path: PathBuf| {
        let (dir, name) = split_dir(&rel);
        if name == "Chart.yaml" || name == "Chart.yml" {
            charts_so_far.insert(dir.to_string());
        }
        if let Some(kind) = FileKind::from_path_in_repo(&rel, &charts_so_far) {
            early(Candidate {
                path: rel.clone(),
                full_path: full_path.clone(),
                kind,
            });
        }
        paths.push((rel, full_path));
    };
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
            match symlink_target_inside(&root_canonical, root, entry.path()) {
                SymlinkTarget::File(target) => links.push((rel, target)),
                SymlinkTarget::Dir => {}
                SymlinkTarget::Outside => {
                    if worth_a_notice(&rel) {
                        notices.push(Notice {
                            path: rel,
                            message:
                                "symbolic link to a path outside the scanned root: not followed"
                                    .into(),
                        });
                    }
                }
                SymlinkTarget::Broken(why) => {
                    if worth_a_notice(&rel) {
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
            if worth_a_notice(&rel) {
                notices.push(Notice {
                    path: rel,
                    message: "not a regular file (FIFO, socket or device): skipped".into(),
                });
            }
            continue;
        }
        found(rel, entry.path().to_path_buf());
    }
    notices.append(&mut rules.take_notices());
    let chart_dirs = helm_chart_dirs(paths.iter().chain(&links).map(|(rel, _)| rel.as_str()));
    // A link to a file the walk met itself, read as the same kind, would judge that file twice
    // and repeat every finding (Debian's `sites-enabled/site -> ../sites-available/site`): the
    // file is judged under its own path. A link is kept when its target is ignored, excluded or
    // named for no kind (`Dockerfile -> build/recipe`).
    let walked: HashSet<&str> = paths.iter().map(|(rel, _)| rel.as_str()).collect();
    let kind_of = |rel: &str| FileKind::from_path_in_repo(rel, &chart_dirs);
    let links: Vec<(String, PathBuf)> = links
        .into_iter()
        .filter(|(rel, target)| {
            relative(&root_canonical, target).is_none_or(|target_rel| {
                !walked.contains(target_rel.as_str()) || kind_of(&target_rel) != kind_of(rel)
            })
        })
        .collect();
    paths.extend(links);
    paths.sort();
    paths.dedup_by(|a, b| a.0 == b.0);

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

/// A file of this name that cannot be read (a link out of the root, a FIFO) gets a notice
/// when its name says it is ours: not for a `.conf` or `.json` whose content would have
/// decided, as when it is read and turns out to be no input of ours.
fn worth_a_notice(rel: &str) -> bool {
    FileKind::from_path(rel).is_some_and(|kind| !matches!(kind, FileKind::Conf | FileKind::Json))
}

/// Folders that hold a `Chart.yaml`, with a trailing `/` (empty for a chart at the root).
fn helm_chart_dirs<'a>(paths: impl Iterator<Item = &'a str>) -> HashSet<String> {
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

/// Symbolic links followed in a row before a link counts as a loop (Linux's limit).
const MAX_SYMLINK_HOPS: usize = 40;

/// Resolves `link` one component at a time, never looking at a path outside `root` (canonical):
/// a link that leaves it is not followed, not even to see what lies there (a FUSE or network
/// mount, `/proc`). `walk_root` is `root` as the walk spells it, a prefix of `link`.
fn symlink_target_inside(root: &Path, walk_root: &Path, link: &Path) -> SymlinkTarget {
    let Ok(rel) = link.strip_prefix(walk_root) else {
        return SymlinkTarget::Outside;
    };
    // The walk never follows links, so every folder between the root and the link is real.
    let mut current = root.to_path_buf();
    let mut pending: Vec<std::ffi::OsString> = rel
        .components()
        .rev()
        .map(|c| c.as_os_str().to_os_string())
        .collect();
    let mut hops = 0;
    while let Some(part) = pending.pop() {
        match Path::new(&part).components().next() {
            None | Some(Component::CurDir) => continue,
            Some(Component::ParentDir) => {
                if current == root {
                    return SymlinkTarget::Outside;
                }
                current.pop();
                continue;
            }
            Some(Component::Normal(_)) => {}
            Some(Component::RootDir | Component::Prefix(_)) => return SymlinkTarget::Outside,
        }
        let next = current.join(&part);
        let meta = match fs::symlink_metadata(&next) {
            Ok(m) => m,
            Err(e) => return SymlinkTarget::Broken(e.to_string()),
        };
        if !meta.file_type().is_symlink() {
            if !pending.is_empty() && !meta.is_dir() {
                return SymlinkTarget::Broken("a path component is not a folder".into());
            }
            current = next;
            continue;
        }
        hops += 1;
        if hops > MAX_SYMLINK_HOPS {
            return SymlinkTarget::Broken("too many levels of symbolic links (a loop)".into());
        }
        let target = match fs::read_link(&next) {
            Ok(t) => t,
            Err(e) => return SymlinkTarget::Broken(e.to_string()),
        };
        let target = if target.is_absolute() {
            // Absolute targets count as inside only when spelled through the canonical root.
            match target.strip_prefix(root) {
                Ok(inside) => {
                    current = root.to_path_buf();
                    inside.to_path_buf()
                }
                Err(_) => return SymlinkTarget::Outside,
            }
        } else {
            target
        };
        pending.extend(
            target
                .components()
                .rev()
                .map(|c| c.as_os_str().to_os_string()),
        );
    }
    match fs::metadata(&current) {
        Ok(m) if m.is_file() => SymlinkTarget::File(current),
        Ok(m) if m.is_dir() => SymlinkTarget::Dir,
        Ok(_) => SymlinkTarget::Broken("points to a special file".into()),
        Err(e) => SymlinkTarget::Broken(e.to_string()),
    }
}

/// All ignore files of one walk together are read up to this many bytes: their rules compile
/// into matchers that cost time and memory, and a hostile repository may hold many.
pub const IGNORE_FILES_BUDGET: u64 = 512 * 1024;

/// `.ignore`, `.gitignore` and `.git/info/exclude` rules, read folder by folder as the walk
/// enters them, with the precedence the `ignore` crate gives them (deepest folder first, then
/// `.ignore` over `.gitignore` over `exclude`, then the user's global excludes file).
struct IgnoreRules {
    walk_root: PathBuf,
    root_canonical: PathBuf,
    global: Gitignore,
    state: Mutex<IgnoreState>,
}

#[derive(Default)]
struct IgnoreState {
    folders: HashMap<PathBuf, Arc<FolderRules>>,
    last: Option<(PathBuf, Arc<FolderRules>)>,
    bytes_read: u64,
    notices: Vec<Notice>,
}

struct FolderRules {
    /// `.ignore`, `.gitignore`, `.git/info/exclude`, in precedence order.
    files: [Option<Gitignore>; 3],
    parent: Option<Arc<FolderRules>>,
}

impl IgnoreRules {
    fn new(walk_root: &Path, root_canonical: &Path) -> Self {
        IgnoreRules {
            walk_root: walk_root.to_path_buf(),
            root_canonical: root_canonical.to_path_buf(),
            // Found through the user's git configuration, never through the repository.
            global: Gitignore::global().0,
            state: Mutex::new(IgnoreState::default()),
        }
    }

    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        let Some(folder) = path.parent() else {
            return false;
        };
        let rules = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            self.folder(&mut state, folder)
        };
        for i in 0..3 {
            let mut level = Some(&rules);
            while let Some(r) = level {
                if let Some(gi) = &r.files[i] {
                    match gi.matched(path, is_dir) {
                        Match::None => {}
                        m => return m.is_ignore(),
                    }
                }
                level = r.parent.as_ref();
            }
        }
        self.global.matched(path, is_dir).is_ignore()
    }

    /// The rules in force in `folder`, read on first use; the walk visits a folder's parent first.
    fn folder(&self, state: &mut IgnoreState, folder: &Path) -> Arc<FolderRules> {
        // A folder's entries come one after another: its rules are usually the last asked for,
        // found without hashing the path component by component.
        if let Some((last, rules)) = &state.last
            && last.as_os_str() == folder.as_os_str()
        {
            return Arc::clone(rules);
        }
        if let Some(rules) = state.folders.get(folder) {
            let rules = Arc::clone(rules);
            state.last = Some((folder.to_path_buf(), Arc::clone(&rules)));
            return rules;
        }
        let parent = match folder.parent() {
            Some(p) if folder != self.walk_root && p.starts_with(&self.walk_root) => {
                Some(self.folder(state, p))
            }
            _ => None,
        };
        let git = folder.join(".git");
        let has_git_dir = fs::symlink_metadata(&git).is_ok_and(|m| m.is_dir());
        let files = [
            self.read(state, folder, &folder.join(".ignore")),
            self.read(state, folder, &folder.join(".gitignore")),
            if has_git_dir {
                self.read(state, folder, &git.join("info").join("exclude"))
            } else {
                None
            },
        ];
        let rules = Arc::new(FolderRules { files, parent });
        state
            .folders
            .insert(folder.to_path_buf(), Arc::clone(&rules));
        state.last = Some((folder.to_path_buf(), Arc::clone(&rules)));
        rules
    }

    /// One ignore file, if it exists: read only when it is a regular file inside the root that
    /// fits in what is left of the budget; otherwise a notice says its rules are not applied.
    fn read(&self, state: &mut IgnoreState, folder: &Path, path: &Path) -> Option<Gitignore> {
        let meta = fs::symlink_metadata(path).ok()?;
        let mut notice = |why: String| {
            state.notices.push(Notice {
                path: relative(&self.walk_root, path).unwrap_or_default(),
                message: format!("{why}; its ignore rules are not applied"),
            });
            None
        };
        let target = if meta.file_type().is_symlink() {
            match symlink_target_inside(&self.root_canonical, &self.walk_root, path) {
                SymlinkTarget::File(target) => target,
                SymlinkTarget::Dir => return None,
                SymlinkTarget::Outside => {
                    return notice(
                        "symbolic link to a path outside the scanned root: not followed".into(),
                    );
                }
                SymlinkTarget::Broken(why) => {
                    return notice(format!("symbolic link not followed: {why}"));
                }
            }
        } else if meta.is_file() {
            path.to_path_buf()
        } else if meta.is_dir() {
            return None;
        } else {
            return notice("not a regular file (FIFO, socket or device)".into());
        };
        let left = IGNORE_FILES_BUDGET.saturating_sub(state.bytes_read);
        let mut bytes = Vec::new();
        let read = fs::File::open(&target).and_then(|file| {
            if !file.metadata()?.is_file() {
                return Err(std::io::Error::other("not a regular file"));
            }
            file.take(left + 1).read_to_end(&mut bytes)
        });
        if let Err(e) = read {
            return notice(format!("not read: {e}"));
        }
        if bytes.len() as u64 > left {
            return notice(format!(
                "ignore files together exceed {}",
                human_size(IGNORE_FILES_BUDGET)
            ));
        }
        state.bytes_read += bytes.len() as u64;
        let mut builder = GitignoreBuilder::new(folder);
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            // As the walker did: a line that is not UTF-8 is skipped, the others still apply.
            let Ok(line) = std::str::from_utf8(line) else {
                continue;
            };
            let line = if i == 0 {
                line.trim_start_matches('\u{feff}')
            } else {
                line
            };
            let _ = builder.add_line(Some(path.to_path_buf()), line);
        }
        builder.build().ok()
    }

    fn take_notices(&self) -> Vec<Notice> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut state.notices)
    }
}

/// The path of a file found under `root`, `/`-separated, as reports show it. A name's control
/// characters are written out (`\u{1b}`): the path is printed, and the file is read by its
/// full path, never by this one.
fn relative(root: &Path, path: &Path) -> Option<String> {
    relative_raw(root, path).map(crate::inert::visible_controls)
}

fn relative_raw(root: &Path, path: &Path) -> Option<String> {
    // The walker's paths are `root` joined with plain names: on Unix the relative path is the
    // bytes after `root` and a separator. Comparing components instead cost more than reading
    // the folder.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let root = root.as_os_str().as_bytes();
        if let Some(rest) = path.as_os_str().as_bytes().strip_prefix(root) {
            let rest = if root.ends_with(b"/") || rest.is_empty() {
                Some(rest)
            } else {
                rest.strip_prefix(b"/")
            };
            if let Some(rest) = rest
                && !rest.starts_with(b"/")
            {
                return Some(String::from_utf8_lossy(rest).into_owned());
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_split_at_a_separator() {
        let rel = |root: &str, path: &str| relative(Path::new(root), Path::new(path));
        assert_eq!(rel("repo", "repo/a/b.yaml").as_deref(), Some("a/b.yaml"));
        assert_eq!(rel("repo/", "repo/a/b.yaml").as_deref(), Some("a/b.yaml"));
        assert_eq!(
            rel("../x/repo", "../x/repo/Dockerfile").as_deref(),
            Some("Dockerfile")
        );
        assert_eq!(rel("repo", "repo").as_deref(), Some(""));
        // A sibling sharing the root's name as a prefix is not inside it.
        assert_eq!(rel("repo", "repository/a"), None);
        assert_eq!(rel("/", "/etc/hosts").as_deref(), Some("etc/hosts"));
    }
}
