//! A git revision's files, written to a temporary folder so that `--diff-base REF` can audit the
//! repository as it was at that revision exactly like a working tree.
//!
//! The repository is untrusted, so it is read through git's plumbing only, and never by running
//! anything it configures:
//! - the `git` program is started directly (never through a shell), with options that switch off
//!   everything a repository's own configuration could make git run (`core.fsmonitor`, hooks,
//!   any transport, hence lazy fetches of a partial clone) and with the environment variables that
//!   point git at another repository cleared;
//! - the revision is resolved with `git rev-parse --verify --end-of-options`, so it can never be
//!   read as an option, and one that starts with `-` is refused before git sees it;
//! - files are listed with `git ls-tree` and read with one streaming `git cat-file --batch`,
//!   which return the bytes as committed: never `git archive` or `git checkout`, which apply
//!   filter drivers (smudge, Git LFS, `export-subst`).
//!
//! Only regular files are written. Symbolic links, submodules, files over the size cap and paths
//! that are not safe to write (`..`, `.git`, empty components) are skipped and listed.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A revision's files written to a temporary folder, for auditing like a working tree.
///
/// The folder corresponds to the audited path: when that is a subfolder of the repository, the
/// snapshot holds that subfolder's files at the revision (and is empty when the subfolder did not
/// exist then). The folder is removed when the snapshot is dropped.
#[derive(Debug)]
pub struct Snapshot {
    /// The temporary folder holding the files.
    pub dir: tempfile::TempDir,
    /// The full id of the commit the revision resolved to.
    pub rev: String,
    /// How many files were written.
    pub files: usize,
    /// Entries that were not written, each as `path (reason)`, path relative to the snapshot.
    pub skipped: Vec<String>,
}

/// Why a revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The audited folder is not inside a git repository.
    #[error("`{}` is not inside a git repository", .0.display())]
    NotARepository(PathBuf),
    /// The revision does not name a commit of the repository.
    #[error("unknown revision `{rev}`: {message}")]
    UnknownRevision { rev: String, message: String },
    /// The `git` program could not be started.
    #[error("the `git` program was not found: install git to compare with a revision")]
    GitMissing,
    /// git failed for another reason; the message is git's.
    #[error("git failed: {message}")]
    Git { message: String },
    /// Writing the snapshot failed.
    #[error("cannot write the snapshot: {0}")]
    Io(#[from] io::Error),
}

/// Writes the files of `path` as they were at revision `rev` to a new temporary folder.
///
/// `path` is the folder being audited (may be a subfolder of the repository, or the root).
/// Extracts the subtree of `path` at `rev` (so the snapshot folder corresponds to `path`).
/// Files larger than `max_file_size` bytes are skipped.
pub fn snapshot(path: &Path, rev: &str, max_file_size: u64) -> Result<Snapshot, SnapshotError> {
    if rev.is_empty() || rev.starts_with('-') || rev.contains('\0') {
        return Err(SnapshotError::UnknownRevision {
            rev: rev.to_string(),
            message: "a revision is a commit, branch or tag name and may not be empty or start \
                      with `-`"
                .to_string(),
        });
    }
    if !path.is_dir() {
        return Err(SnapshotError::Io(io::Error::new(
            io::ErrorKind::NotFound,
            format!("`{}` is not a folder", path.display()),
        )));
    }

    let prefix = show_prefix(path)?;
    let commit = resolve_commit(path, rev)?;

    let dir = tempfile::Builder::new()
        .prefix("shipshape-snapshot-")
        .tempdir()?;
    let mut snapshot = Snapshot {
        dir,
        rev: commit.clone(),
        files: 0,
        skipped: Vec::new(),
    };

    // `<commit>:<prefix>` names the audited folder's tree at the revision (the root tree when
    // the prefix is empty). A folder that did not exist then gives an empty snapshot.
    let mut tree = OsString::from(format!("{commit}:"));
    tree.push(os_str(&prefix).ok_or_else(|| SnapshotError::Git {
        message: "the folder's path in the repository is not valid UTF-8".to_string(),
    })?);
    if !prefix.is_empty() && !is_tree(path, &tree)? {
        return Ok(snapshot);
    }

    let listing = git(path)
        // `--full-tree`: run in a subfolder, ls-tree would otherwise list only the entries of
        // the given tree that are under the same subfolder.
        .args(["ls-tree", "-r", "-z", "--long", "--full-tree"])
        .arg(&tree)
        .output()
        .map_err(spawn_error)?;
    if !listing.status.success() {
        return Err(git_failed(&listing.stderr));
    }

    let mut wanted = Vec::new();
    for record in listing.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let Some(entry) = Entry::parse(record) else {
            return Err(SnapshotError::Git {
                message: format!(
                    "unexpected `git ls-tree` output: {}",
                    String::from_utf8_lossy(record)
                ),
            });
        };
        let shown = String::from_utf8_lossy(entry.path).into_owned();
        let skip = match entry.mode {
            "100644" | "100755" if entry.kind == "blob" => match entry.size {
                Some(size) if size > max_file_size => {
                    Some(format!("larger than {max_file_size} bytes"))
                }
                Some(_) => match safe_relative_path(entry.path) {
                    Some(relative) => {
                        wanted.push(Wanted {
                            oid: entry.oid.to_string(),
                            size: entry.size.unwrap_or(0),
                            executable: entry.mode == "100755",
                            relative,
                            shown: shown.clone(),
                        });
                        None
                    }
                    None => Some("unsafe path".to_string()),
                },
                None => Some("unknown size".to_string()),
            },
            "120000" => Some("symbolic link".to_string()),
            "160000" => Some("submodule".to_string()),
            other => Some(format!("not a regular file (mode {other})")),
        };
        if let Some(reason) = skip {
            snapshot.skipped.push(format!("{shown} ({reason})"));
        }
    }

    if !wanted.is_empty() {
        write_blobs(path, &wanted, &mut snapshot)?;
    }
    Ok(snapshot)
}

/// A file to read from the object database and write to the snapshot.
struct Wanted {
    oid: String,
    size: u64,
    executable: bool,
    relative: PathBuf,
    shown: String,
}

/// One record of `git ls-tree -z --long`: `<mode> <type> <object> <size>\t<path>`.
struct Entry<'a> {
    mode: &'a str,
    kind: &'a str,
    oid: &'a str,
    /// `None` for entries without a size (submodules show `-`).
    size: Option<u64>,
    path: &'a [u8],
}

impl<'a> Entry<'a> {
    fn parse(record: &'a [u8]) -> Option<Entry<'a>> {
        let tab = record.iter().position(|&b| b == b'\t')?;
        let (meta, path) = (&record[..tab], &record[tab + 1..]);
        let mut fields = std::str::from_utf8(meta).ok()?.split_ascii_whitespace();
        let mode = fields.next()?;
        let kind = fields.next()?;
        let oid = fields.next()?;
        let size = fields.next()?.parse().ok();
        if fields.next().is_some() || !oid.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(Entry {
            mode,
            kind,
            oid,
            size,
            path,
        })
    }
}

/// A `git` command hardened so that nothing the scanned repository configures runs.
fn git(path: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(path)
        .args([
            "--no-pager",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "protocol.allow=never",
            // A bare repository committed inside the scanned one is never picked up.
            "-c",
            "safe.bareRepository=explicit",
        ])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        // Git's messages are matched and shown as they are: keep them untranslated.
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    // Set by git for hooks and by users; they would point git at another repository than the
    // one holding `path` (a relative GIT_DIR would even be resolved against `path`).
    for name in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_PREFIX",
    ] {
        command.env_remove(name);
    }
    command
}

fn spawn_error(error: io::Error) -> SnapshotError {
    if error.kind() == io::ErrorKind::NotFound {
        SnapshotError::GitMissing
    } else {
        SnapshotError::Io(error)
    }
}

fn stderr_message(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let message = text.trim();
    if message.is_empty() {
        "git exited with an error and no message".to_string()
    } else {
        message.to_string()
    }
}

fn git_failed(stderr: &[u8]) -> SnapshotError {
    SnapshotError::Git {
        message: stderr_message(stderr),
    }
}

/// The audited folder's path inside its repository, as git prints it (`sub/dir/` or empty).
fn show_prefix(path: &Path) -> Result<Vec<u8>, SnapshotError> {
    let out = git(path)
        .args(["rev-parse", "--show-prefix"])
        .output()
        .map_err(spawn_error)?;
    if !out.status.success() {
        let message = stderr_message(&out.stderr);
        if message.contains("not a git repository") {
            return Err(SnapshotError::NotARepository(path.to_path_buf()));
        }
        return Err(SnapshotError::Git { message });
    }
    let mut prefix = out.stdout;
    if prefix.last() == Some(&b'\n') {
        prefix.pop();
    }
    Ok(prefix)
}

/// The full id of the commit `rev` names.
fn resolve_commit(path: &Path, rev: &str) -> Result<String, SnapshotError> {
    let out = git(path)
        .args(["rev-parse", "--verify", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"))
        .output()
        .map_err(spawn_error)?;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success() && !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(id);
    }
    let mut message = stderr_message(&out.stderr);
    if is_shallow(path) {
        message.push_str(
            "; the repository is a shallow clone, so the revision may be missing from it: fetch \
             more history (`git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout)",
        );
    }
    Err(SnapshotError::UnknownRevision {
        rev: rev.to_string(),
        message,
    })
}

fn is_shallow(path: &Path) -> bool {
    git(path)
        .args(["rev-parse", "--is-shallow-repository"])
        .output()
        .is_ok_and(|out| out.status.success() && out.stdout.starts_with(b"true"))
}

/// Whether `object` (`<commit>:<path>`) exists and is a tree.
fn is_tree(path: &Path, object: &OsStr) -> Result<bool, SnapshotError> {
    let out = git(path)
        .args(["cat-file", "-t"])
        .arg(object)
        .output()
        .map_err(spawn_error)?;
    Ok(out.status.success() && out.stdout.trim_ascii() == b"tree")
}

/// Reads every wanted blob through one `git cat-file --batch` and writes it to the snapshot.
fn write_blobs(
    path: &Path,
    wanted: &[Wanted],
    snapshot: &mut Snapshot,
) -> Result<(), SnapshotError> {
    let root = snapshot.dir.path().to_path_buf();
    let mut child = git(path)
        .args(["cat-file", "--batch", "--buffer"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    let (Some(mut stdin), Some(stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(SnapshotError::Git {
            message: "cannot talk to `git cat-file`".to_string(),
        });
    };

    let result = std::thread::scope(|scope| {
        // Requests are written from another thread so that neither pipe can fill up and block.
        let writer = scope.spawn(move || -> io::Result<()> {
            let mut input = io::BufWriter::new(&mut stdin);
            for file in wanted {
                writeln!(input, "{}", file.oid)?;
            }
            input.flush()
            // Dropping the writer and then `stdin` closes git's input: it ends after the last.
        });
        let errors = scope.spawn(move || {
            let mut text = Vec::new();
            let _ = stderr.read_to_end(&mut text);
            text
        });
        let mut reader = BufReader::new(stdout);
        let read = read_blobs(&mut reader, &root, wanted, snapshot);
        // On an early error, stop git before waiting for the threads feeding and draining it.
        if read.is_err() {
            let _ = child.kill();
        }
        drop(reader);
        let written = writer.join();
        let errors = errors.join().unwrap_or_default();
        (read, written, errors)
    });
    let status = child.wait()?;
    let (read, written, errors) = result;
    // When git stopped with a message, that message explains whatever went wrong reading.
    if !status.success() && !errors.trim_ascii().is_empty() {
        return Err(git_failed(&errors));
    }
    read?;
    if !status.success() {
        return Err(git_failed(&errors));
    }
    match written {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(SnapshotError::Io(error)),
        Err(_) => Err(SnapshotError::Git {
            message: "writing requests to `git cat-file` failed".to_string(),
        }),
    }
}

fn read_blobs(
    reader: &mut impl BufRead,
    root: &Path,
    wanted: &[Wanted],
    snapshot: &mut Snapshot,
) -> Result<(), SnapshotError> {
    let mut header = Vec::new();
    for file in wanted {
        header.clear();
        if reader.read_until(b'\n', &mut header)? == 0 {
            return Err(truncated());
        }
        let line = String::from_utf8_lossy(&header);
        let fields: Vec<&str> = line.split_ascii_whitespace().collect();
        let size = match fields.as_slice() {
            [oid, "blob", size] if *oid == file.oid => size.parse::<u64>().ok(),
            [oid, "missing"] if *oid == file.oid => {
                snapshot
                    .skipped
                    .push(format!("{} (not in the local repository)", file.shown));
                continue;
            }
            _ => None,
        };
        let Some(size) = size else {
            return Err(SnapshotError::Git {
                message: format!("unexpected `git cat-file` output: {}", line.trim_end()),
            });
        };
        if size != file.size {
            return Err(SnapshotError::Git {
                message: format!(
                    "`git cat-file` gave {size} bytes for `{}`, `git ls-tree` said {}",
                    file.shown, file.size
                ),
            });
        }
        let mut content = reader.by_ref().take(size);
        match create_file(root, &file.relative, file.executable)? {
            Some(mut out) => {
                let copied = io::copy(&mut content, &mut out)?;
                if copied != size {
                    return Err(truncated());
                }
                out.flush()?;
                snapshot.files += 1;
            }
            None => {
                if io::copy(&mut content, &mut io::sink())? != size {
                    return Err(truncated());
                }
                snapshot.skipped.push(format!(
                    "{} (clashes with another path of the revision on this file system)",
                    file.shown
                ));
            }
        }
        let mut newline = [0u8; 1];
        reader.read_exact(&mut newline)?;
        if newline != *b"\n" {
            return Err(truncated());
        }
    }
    Ok(())
}

fn truncated() -> SnapshotError {
    SnapshotError::Git {
        message: "`git cat-file` output ended early".to_string(),
    }
}

/// Creates `root/relative` and its folders. `None` when the path clashes with one already
/// written, as two names that differ only in case do on a case-insensitive file system.
fn create_file(
    root: &Path,
    relative: &Path,
    executable: bool,
) -> Result<Option<fs::File>, SnapshotError> {
    let target = root.join(relative);
    if let Some(parent) = target.parent()
        && let Err(error) = fs::create_dir_all(parent)
    {
        return clash_or_error(error);
    }
    let mut options = fs::OpenOptions::new();
    // `create_new` never follows or replaces anything already there.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if executable { 0o755 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = executable;
    match options.open(&target) {
        Ok(file) => Ok(Some(file)),
        Err(error) => clash_or_error(error),
    }
}

fn clash_or_error(error: io::Error) -> Result<Option<fs::File>, SnapshotError> {
    use io::ErrorKind::*;
    match error.kind() {
        AlreadyExists | NotADirectory | IsADirectory | InvalidFilename | InvalidInput => Ok(None),
        _ => Err(SnapshotError::Io(error)),
    }
}

/// The path as a relative path to write, or `None` when a component is empty, `.`, `..` or
/// `.git` (in any case), or cannot be a file name here.
fn safe_relative_path(bytes: &[u8]) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for component in bytes.split(|&b| b == b'/') {
        if component.is_empty()
            || component == b"."
            || component == b".."
            || component.eq_ignore_ascii_case(b".git")
            || component.contains(&0)
        {
            return None;
        }
        #[cfg(not(unix))]
        if component
            .iter()
            .any(|b| matches!(b, b'\\' | b':' | b'<' | b'>' | b'"' | b'|' | b'?' | b'*'))
        {
            return None;
        }
        path.push(os_str(component)?);
    }
    // Every component is a plain name, so the path stays under the snapshot folder.
    if path.as_os_str().is_empty()
        || !path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return None;
    }
    Some(path)
}

/// Git paths are bytes: on Unix every byte string is a file name.
#[cfg(unix)]
fn os_str(bytes: &[u8]) -> Option<&OsStr> {
    use std::os::unix::ffi::OsStrExt;
    Some(OsStr::from_bytes(bytes))
}

/// Elsewhere only UTF-8 paths can be written.
#[cfg(not(unix))]
fn os_str(bytes: &[u8]) -> Option<&OsStr> {
    std::str::from_utf8(bytes).ok().map(OsStr::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_git() -> bool {
        let found = Command::new("git")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            eprintln!("git is not installed: skipping the git snapshot test");
        }
        found
    }

    fn run(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn write(root: &Path, relative: &str, text: &str) {
        let path = root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn commit(dir: &Path, message: &str) {
        run(dir, &["add", "-A"]);
        run(dir, &["commit", "-q", "-m", message]);
    }

    /// A repository with two commits: the first has `Dockerfile` and `deploy/app.yaml`, the
    /// second changes the Dockerfile and adds a subfolder file, a symbolic link, an executable,
    /// a large file and a `.gitignore`d but committed file.
    fn repository() -> tempfile::TempDir {
        let repo = tempfile::tempdir().unwrap();
        let dir = repo.path();
        run(dir, &["init", "-q", "-b", "main"]);
        run(dir, &["config", "user.name", "Test"]);
        run(dir, &["config", "user.email", "test@example.com"]);
        run(dir, &["config", "commit.gpgsign", "false"]);
        write(dir, "Dockerfile", "FROM alpine:3.19\n");
        write(dir, "deploy/app.yaml", "kind: Deployment\n");
        write(dir, ".gitattributes", "*.yaml filter=evil\n");
        commit(dir, "first");
        write(dir, "Dockerfile", "FROM alpine:3.20\nUSER app\n");
        write(dir, "deploy/nested/svc.yaml", "kind: Service\n");
        write(dir, "scripts/run.sh", "#!/bin/sh\necho hi\n");
        write(dir, "big.json", &"x".repeat(200));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", dir.join("deploy/link.yaml")).unwrap();
            let mode = std::os::unix::fs::PermissionsExt::from_mode(0o755);
            fs::set_permissions(dir.join("scripts/run.sh"), mode).unwrap();
        }
        commit(dir, "second");
        // Must never run: snapshots go through no filter, hook or fsmonitor.
        run(dir, &["config", "filter.evil.smudge", "touch smudged; cat"]);
        run(
            dir,
            &["config", "core.fsmonitor", "touch fsmonitor-ran; false"],
        );
        // Uncommitted changes are not part of any revision.
        write(dir, "Dockerfile", "FROM scratch\n");
        write(dir, "untracked.yaml", "a: 1\n");
        repo
    }

    fn read(snapshot: &Snapshot, relative: &str) -> String {
        fs::read_to_string(snapshot.dir.path().join(relative)).unwrap()
    }

    fn listing(root: &Path) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let relative = path.strip_prefix(root).unwrap();
                    out.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        let mut out = Vec::new();
        walk(root, root, &mut out);
        out.sort();
        out
    }

    #[test]
    fn head_is_written_as_committed() {
        if !has_git() {
            return;
        }
        let repo = repository();
        let dir = repo.path();
        let snap = snapshot(dir, "HEAD", 100).unwrap();
        assert_eq!(snap.rev, run(dir, &["rev-parse", "HEAD"]));
        assert_eq!(
            listing(snap.dir.path()),
            [
                ".gitattributes",
                "Dockerfile",
                "deploy/app.yaml",
                "deploy/nested/svc.yaml",
                "scripts/run.sh",
            ]
        );
        assert_eq!(snap.files, 5);
        assert_eq!(read(&snap, "Dockerfile"), "FROM alpine:3.20\nUSER app\n");
        // No smudge filter ran: the committed bytes, and no marker file anywhere.
        assert_eq!(read(&snap, "deploy/app.yaml"), "kind: Deployment\n");
        assert!(!dir.join("smudged").exists() && !dir.join("fsmonitor-ran").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &str| {
                let meta = fs::metadata(snap.dir.path().join(p)).unwrap();
                meta.permissions().mode() & 0o111
            };
            assert_ne!(mode("scripts/run.sh"), 0);
            assert_eq!(mode("Dockerfile"), 0);
            assert!(
                snap.skipped
                    .contains(&"deploy/link.yaml (symbolic link)".to_string()),
                "{:?}",
                snap.skipped
            );
        }
        assert!(
            snap.skipped
                .contains(&"big.json (larger than 100 bytes)".to_string()),
            "{:?}",
            snap.skipped
        );
        let kept = snap.dir.path().to_path_buf();
        drop(snap);
        assert!(!kept.exists(), "the snapshot folder is removed on drop");
    }

    #[test]
    fn an_earlier_revision_and_a_subfolder() {
        if !has_git() {
            return;
        }
        let repo = repository();
        let dir = repo.path();
        let first = snapshot(dir, "HEAD~1", DEFAULT_SIZE).unwrap();
        assert_eq!(first.rev, run(dir, &["rev-parse", "HEAD~1"]));
        assert_eq!(
            listing(first.dir.path()),
            [".gitattributes", "Dockerfile", "deploy/app.yaml"]
        );
        assert_eq!(read(&first, "Dockerfile"), "FROM alpine:3.19\n");
        assert!(first.skipped.is_empty(), "{:?}", first.skipped);

        // The snapshot of a subfolder corresponds to that subfolder.
        let deploy = snapshot(&dir.join("deploy"), "main", DEFAULT_SIZE).unwrap();
        assert_eq!(listing(deploy.dir.path()), ["app.yaml", "nested/svc.yaml"]);
        let nested = snapshot(&dir.join("deploy/nested"), "HEAD", DEFAULT_SIZE).unwrap();
        assert_eq!(listing(nested.dir.path()), ["svc.yaml"]);
        // A subfolder that did not exist at the revision is an empty snapshot.
        let before = snapshot(&dir.join("deploy/nested"), "HEAD~1", DEFAULT_SIZE).unwrap();
        assert_eq!(before.files, 0);
        assert!(listing(before.dir.path()).is_empty());
        // The full id works as well as a name.
        let by_id = snapshot(dir, &first.rev, DEFAULT_SIZE).unwrap();
        assert_eq!(by_id.rev, first.rev);
    }

    const DEFAULT_SIZE: u64 = 8 * 1024 * 1024;

    #[test]
    fn unknown_revisions_and_options_are_refused() {
        if !has_git() {
            return;
        }
        let repo = repository();
        let dir = repo.path();
        match snapshot(dir, "no-such-branch", DEFAULT_SIZE) {
            Err(SnapshotError::UnknownRevision { rev, message }) => {
                assert_eq!(rev, "no-such-branch");
                assert!(!message.is_empty());
            }
            other => panic!("expected an unknown revision, got {other:?}"),
        }
        assert!(matches!(
            snapshot(dir, "HEAD~5", DEFAULT_SIZE),
            Err(SnapshotError::UnknownRevision { .. })
        ));
        let out = std::env::temp_dir().join(format!("shipshape-x-{}", std::process::id()));
        for rev in [
            format!("--output={}", out.display()),
            "-h".to_string(),
            "--all".to_string(),
            String::new(),
        ] {
            assert!(
                matches!(
                    snapshot(dir, &rev, DEFAULT_SIZE),
                    Err(SnapshotError::UnknownRevision { .. })
                ),
                "{rev}"
            );
        }
        assert!(!out.exists());
    }

    #[test]
    fn a_folder_outside_any_repository_is_not_a_repository() {
        if !has_git() {
            return;
        }
        let plain = tempfile::tempdir().unwrap();
        let inner = plain.path().join("inner");
        fs::create_dir(&inner).unwrap();
        let inside = Command::new("git")
            .arg("-C")
            .arg(&inner)
            .args(["rev-parse", "--git-dir"])
            .env_remove("GIT_DIR")
            .output()
            .is_ok_and(|o| o.status.success());
        if inside {
            eprintln!("the temporary folder is inside a git repository: skipping");
            return;
        }
        match snapshot(&inner, "HEAD", DEFAULT_SIZE) {
            Err(SnapshotError::NotARepository(path)) => assert_eq!(path, inner),
            other => panic!("expected not a repository, got {other:?}"),
        }
        assert!(matches!(
            snapshot(&plain.path().join("missing"), "HEAD", DEFAULT_SIZE),
            Err(SnapshotError::Io(_))
        ));
    }

    fn run_with_input(dir: &Path, args: &[&str], input: &str) -> String {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env_remove("GIT_DIR")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("git runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git {args:?} failed");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    #[test]
    fn a_hostile_tree_writes_nothing_outside_the_snapshot() {
        if !has_git() {
            return;
        }
        let repo = repository();
        let dir = repo.path();
        // `git mktree` accepts names that `git add` never would: `..`, `.git`, `.GIT`.
        let escape = format!("shipshape-escape-{}", std::process::id());
        let blob = run_with_input(dir, &["hash-object", "-w", "--stdin"], "evil\n");
        let inner = run_with_input(
            dir,
            &["mktree"],
            &format!("100644 blob {blob}\t{escape}\n100644 blob {blob}\tconfig\n"),
        );
        let root = run_with_input(
            dir,
            &["mktree"],
            &format!(
                "040000 tree {inner}\t..\n040000 tree {inner}\t.git\n\
                 040000 tree {inner}\t.GIT\n040000 tree {inner}\tsub\n100644 blob {blob}\tok\n"
            ),
        );
        let commit = run(dir, &["commit-tree", "-m", "hostile", &root]);
        let snap = snapshot(dir, &commit, DEFAULT_SIZE).unwrap();
        assert_eq!(
            listing(snap.dir.path()),
            [
                "ok".to_string(),
                "sub/config".into(),
                format!("sub/{escape}")
            ]
        );
        assert_eq!(snap.skipped.len(), 6, "{:?}", snap.skipped);
        assert!(snap.skipped.iter().all(|s| s.ends_with("(unsafe path)")));
        let parent = snap.dir.path().parent().unwrap();
        assert!(!parent.join(&escape).exists());
    }

    #[test]
    fn a_revision_missing_from_a_shallow_clone_says_to_fetch_more() {
        if !has_git() {
            return;
        }
        let repo = repository();
        let clone = tempfile::tempdir().unwrap();
        let url = format!("file://{}", repo.path().display());
        let target = clone.path().join("shallow");
        let target_str = target.to_str().unwrap();
        run(
            clone.path(),
            &["clone", "-q", "--depth", "1", &url, target_str],
        );
        assert!(snapshot(&target, "HEAD", DEFAULT_SIZE).is_ok());
        match snapshot(&target, "HEAD~1", DEFAULT_SIZE) {
            Err(SnapshotError::UnknownRevision { message, .. }) => {
                assert!(
                    message.contains("shallow") && message.contains("fetch"),
                    "{message}"
                );
            }
            other => panic!("expected an unknown revision, got {other:?}"),
        }
    }

    #[test]
    fn unsafe_paths_are_refused() {
        for bad in [
            &b""[..],
            b"/etc/passwd",
            b"a//b",
            b"./a",
            b"a/../../b",
            b"..",
            b".git/config",
            b"sub/.GIT/hooks/pre-commit",
            b"a/",
            b"a\0b",
        ] {
            assert!(
                safe_relative_path(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(
            safe_relative_path(b"a/.github/b.yml"),
            Some(PathBuf::from("a/.github/b.yml"))
        );
        assert_eq!(
            safe_relative_path(b".gitignore"),
            Some(PathBuf::from(".gitignore"))
        );
    }

    #[test]
    fn ls_tree_records_are_parsed() {
        let entry = Entry::parse(b"100644 blob 0123abcd     120\tdir/a b.yaml").unwrap();
        assert_eq!(
            (entry.mode, entry.kind, entry.oid, entry.size),
            ("100644", "blob", "0123abcd", Some(120))
        );
        assert_eq!(entry.path, b"dir/a b.yaml");
        let module = Entry::parse(b"160000 commit 0123abcd       -\tvendor/lib").unwrap();
        assert_eq!(module.size, None);
        assert!(Entry::parse(b"100644 blob nothex 1\tx").is_none());
        assert!(Entry::parse(b"garbage").is_none());
    }
}
