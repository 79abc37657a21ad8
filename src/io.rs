//! Whole-file and whole-set output.
//!
//! `write_atomic` writes one file to a temporary file in the target
//! directory and renames it over the destination, so a reader never sees a
//! half-written file. [`write_dir_atomic`] replaces the *set* of files of one
//! run: every file is staged in a fresh sibling directory, which is then
//! swapped with the output directory in one `renameat2(RENAME_EXCHANGE)` on
//! Linux (two renames elsewhere), so the directory holds either the old set or
//! the new one, never a mix. `check_writable` lets a command fail before a
//! long simulation rather than after it.
#![deny(missing_docs)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// An output file could not be written.
///
/// The message names the path and the operating-system cause; the cause is
/// not repeated as a `source` (so an error chain prints it once).
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    /// The file or directory that could not be written.
    pub path: PathBuf,
    /// The operating system's reason.
    pub source: std::io::Error,
}

fn wrap(path: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        source,
    }
}

/// Write `bytes` to `path` atomically (temp file in the same directory + rename).
/// Parent directories are created.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let dir = parent_of(path);
    fs::create_dir_all(&dir).map_err(wrap(&dir))?;
    let file_name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp.{}", unique_suffix()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(wrap(path))
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `<pid>.<counter>`: distinct across processes and across calls in one process.
fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}.{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `<host>.<pid>.<counter>`: the staging and set-aside folders of
/// [`write_dir_atomic`] carry their writer, so that a later run can tell
/// a folder left by a killed process from one still being written.
fn owned_suffix() -> String {
    format!("{}.{}", host_name(), unique_suffix())
}

fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname writes
        // at most that many bytes.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            let name: String = String::from_utf8_lossy(&buf[..end])
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            if !name.is_empty() {
                return name;
            }
        }
    }
    "host".into()
}

/// Whether process `pid` of this host is gone.
fn process_gone(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists.
        let rc = unsafe { libc::kill(pid, 0) };
        rc != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

/// Remove the staging and set-aside folders of `base` in `parent` that a
/// killed writer left behind: those of this host whose process is gone,
/// and those of any host untouched for a day.
fn clean_stale(parent: &Path, base: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let host = host_name();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = [".staging.", ".old."]
            .iter()
            .find_map(|k| name.strip_prefix(&format!(".{base}{k}")))
        else {
            continue;
        };
        // rest = host.pid.counter
        let parts: Vec<&str> = rest.rsplitn(3, '.').collect();
        let [_, pid, owner] = parts[..] else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 24 * 3600);
        if (owner == host && process_gone(pid)) || old {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Fail early if `dir` could not receive a run's outputs: its nearest
/// existing ancestor must be a directory in which a file can be created
/// (the check creates and removes a probe file there; nothing else changes).
pub(crate) fn check_writable(dir: &Path) -> Result<(), WriteError> {
    let refuse = |why: String| WriteError {
        path: dir.to_path_buf(),
        source: std::io::Error::other(why),
    };
    if dir.exists() && !dir.is_dir() {
        return Err(refuse("exists and is not a directory".into()));
    }
    let mut probe_dir = dir.to_path_buf();
    while !probe_dir.exists() {
        probe_dir = match probe_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
    }
    if !probe_dir.is_dir() {
        return Err(refuse(format!(
            "{} exists and is not a directory",
            probe_dir.display()
        )));
    }
    // The staging directory is a sibling of `dir`, so its parent must be writable too.
    let probe_dir = if probe_dir == dir {
        parent_of(dir)
    } else {
        probe_dir
    };
    let probe = probe_dir.join(format!(".migsim-probe.{}", unique_suffix()));
    fs::File::create(&probe).map_err(|e| {
        refuse(format!(
            "no file can be created in {} ({e})",
            probe_dir.display()
        ))
    })?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// Replace the output directory `dir` by one holding exactly `files`
/// (name, contents) plus whatever else `dir` held that is not named in
/// `files` (carried over by hard links, so those entries are never absent).
///
/// Steps: create a fresh sibling `.<dir>.staging.<pid>.<n>`, write and sync
/// every file there, then exchange it with `dir` (or rename it into place if
/// `dir` does not exist), then remove the old set. On any failure the staging
/// directory is removed and `dir` is untouched. Returns the paths written.
pub fn write_dir_atomic(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<Vec<PathBuf>, WriteError> {
    let parent = parent_of(dir);
    fs::create_dir_all(&parent).map_err(wrap(&parent))?;
    if dir.exists() && !dir.is_dir() {
        check_writable(dir)?;
    }
    let base = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    clean_stale(&parent, &base);
    let staging = parent.join(format!(".{base}.staging.{}", owned_suffix()));
    fs::create_dir(&staging).map_err(wrap(&staging))?;
    let result = stage(dir, &staging, files).and_then(|()| swap_in(&staging, dir));
    match result {
        Ok(old_at_staging) => {
            if old_at_staging {
                let _ = fs::remove_dir_all(&staging);
            }
            Ok(files.iter().map(|(name, _)| dir.join(name)).collect())
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            Err(e)
        }
    }
}

/// Write the new files into `staging` and hard-link the entries of the old
/// `dir` that the new set does not replace.
fn stage(dir: &Path, staging: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), WriteError> {
    for (name, bytes) in files {
        let p = staging.join(name);
        let mut f = fs::File::create(&p).map_err(wrap(&p))?;
        f.write_all(bytes).map_err(wrap(&p))?;
        f.sync_all().map_err(wrap(&p))?;
    }
    if dir.is_dir() {
        let entries = fs::read_dir(dir).map_err(wrap(dir))?;
        for entry in entries {
            let entry = entry.map_err(wrap(dir))?;
            let name = entry.file_name();
            if files.iter().any(|(n, _)| std::ffi::OsStr::new(n) == name) {
                continue;
            }
            link_tree(&entry.path(), &staging.join(&name))?;
        }
    }
    Ok(())
}

/// Recreate `from` at `to` with hard links for files, new directories for directories.
fn link_tree(from: &Path, to: &Path) -> Result<(), WriteError> {
    let meta = fs::symlink_metadata(from).map_err(wrap(from))?;
    if meta.is_dir() {
        fs::create_dir(to).map_err(wrap(to))?;
        for entry in fs::read_dir(from).map_err(wrap(from))? {
            let entry = entry.map_err(wrap(from))?;
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        fs::hard_link(from, to).map_err(wrap(to))
    }
}

/// Put `staging` at `dir`. Returns true when the old directory now sits at
/// `staging` (to be removed by the caller).
fn swap_in(staging: &Path, dir: &Path) -> Result<bool, WriteError> {
    if !dir.exists() {
        fs::rename(staging, dir).map_err(wrap(dir))?;
        return Ok(false);
    }
    if exchange(staging, dir).map_err(wrap(dir))? {
        return Ok(true);
    }
    // No atomic exchange on this system: move the old set aside, then the
    // new one in; put the old one back if the second rename fails.
    let aside = parent_of(dir).join(format!(".{}.old.{}", display_name(dir), owned_suffix()));
    fs::rename(dir, &aside).map_err(wrap(dir))?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(&aside, dir);
        return Err(wrap(dir)(e));
    }
    let _ = fs::remove_dir_all(&aside);
    Ok(false)
}

fn display_name(dir: &Path) -> String {
    dir.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into())
}

/// Atomically exchange two paths (`renameat2(RENAME_EXCHANGE)`); Ok(false)
/// when the system or file system does not support it.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings for the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.txt");
        write_atomic(&p, b"hello").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"hello");
        assert_eq!(names(p.parent().unwrap()).len(), 1);
    }

    #[test]
    fn dir_set_is_replaced_whole_and_foreign_files_kept() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        write_dir_atomic(&out, &[("a.csv", b"1".to_vec()), ("b.json", b"2".to_vec())]).unwrap();
        assert_eq!(names(&out), ["a.csv", "b.json"]);
        fs::write(out.join("notes.txt"), b"mine").unwrap();
        fs::create_dir(out.join("sub")).unwrap();
        fs::write(out.join("sub/x"), b"x").unwrap();
        write_dir_atomic(&out, &[("a.csv", b"3".to_vec()), ("b.json", b"4".to_vec())]).unwrap();
        assert_eq!(names(&out), ["a.csv", "b.json", "notes.txt", "sub"]);
        assert_eq!(fs::read(out.join("a.csv")).unwrap(), b"3");
        assert_eq!(fs::read(out.join("b.json")).unwrap(), b"4");
        assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"mine");
        assert_eq!(fs::read(out.join("sub/x")).unwrap(), b"x");
        // No staging or old directories are left beside it.
        assert_eq!(names(root.path()), ["run"]);
    }

    #[test]
    fn failure_leaves_the_old_set_untouched() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        write_dir_atomic(&out, &[("a.csv", b"old".to_vec())]).unwrap();
        // A name that cannot be created (a path into a missing directory) fails staging.
        let err = write_dir_atomic(&out, &[("a.csv", b"new".to_vec()), ("no/such", vec![])]);
        assert!(err.is_err());
        assert_eq!(fs::read(out.join("a.csv")).unwrap(), b"old");
        assert_eq!(names(root.path()), ["run"]);
    }

    #[test]
    fn stale_staging_of_a_dead_writer_is_removed_and_a_live_ones_kept() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        // A child that has exited: its pid is gone.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let host = host_name();
        let stale = root.path().join(format!(".run.staging.{host}.{dead}.0"));
        let aside = root.path().join(format!(".run.old.{host}.{dead}.1"));
        let live = root
            .path()
            .join(format!(".run.staging.{host}.{}.0", std::process::id()));
        let other = root.path().join(format!(".other.staging.{host}.{dead}.0"));
        for d in [&stale, &aside, &live, &other] {
            fs::create_dir(d).unwrap();
            fs::write(d.join("a.csv"), b"half").unwrap();
        }
        write_dir_atomic(&out, &[("a.csv", b"1".to_vec())]).unwrap();
        assert!(!stale.exists() && !aside.exists());
        assert!(live.exists(), "a live writer's staging folder was removed");
        assert!(other.exists(), "another output's folder was removed");
    }

    #[test]
    fn unwritable_targets_are_reported_before_work() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("f");
        fs::write(&file, b"").unwrap();
        let e = check_writable(&file).unwrap_err().to_string();
        assert!(e.contains("not a directory"), "{e}");
        let e = check_writable(&file.join("sub")).unwrap_err().to_string();
        assert!(
            e.contains("cannot write") && e.contains("f exists and is not a directory"),
            "{e}"
        );
        // /proc takes no new files: the message names the asked-for path and why.
        if Path::new("/proc/self").exists() {
            let e = check_writable(Path::new("/proc/x"))
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("cannot write /proc/x: no file can be created in /proc ("),
                "{e}"
            );
        }
        assert!(check_writable(&root.path().join("new/deeper")).is_ok());
        assert_eq!(names(root.path()), ["f"]);
    }
}
