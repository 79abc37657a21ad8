//! Reading a text input file (scenario, spec, targets, calibrated file)
//! whole, after checking what it is: a regular file no larger than
//! [`TEXT_LIMIT`], or a pipe/FIFO (such as `<(cat f)`) read up to that limit.
//! A device (`/dev/zero`), a folder or a socket is refused before any byte is
//! read, so a wrong path can neither hang nor fill memory.

use std::io::Read;
use std::path::Path;

/// Largest text input accepted: 16 MiB, far above any scenario or spec.
pub const TEXT_LIMIT: u64 = 16 << 20;

fn refuse(what: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, what)
}

/// The kind of a file that is neither regular nor a FIFO, for messages.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(unix)]
fn is_fifo(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::Metadata) -> bool {
    false
}

/// The UTF-8 text of `path` (see the module doc). The error's message says
/// what the file is and what was expected; callers add the path.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    read_text_limited(path, TEXT_LIMIT)
}

/// [`read_text`] with another size limit (bytes).
pub fn read_text_limited(path: &Path, limit: u64) -> std::io::Result<String> {
    let meta = std::fs::metadata(path)?;
    let stream = is_fifo(&meta);
    if !meta.is_file() && !stream {
        return Err(refuse(format!(
            "is {}; expected a regular file (or a pipe)",
            kind(&meta)
        )));
    }
    if meta.is_file() && meta.len() > limit {
        return Err(refuse(format!(
            "is {} bytes; a text input may hold at most {limit} bytes",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(refuse(format!(
            "holds more than {limit} bytes; a text input may hold at most that"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        refuse(format!(
            "is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_folders_are_refused_unread() {
        let e = read_text(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(e.contains("character device"), "{e}");
        let d = tempfile::tempdir().unwrap();
        let e = read_text(d.path()).unwrap_err().to_string();
        assert!(e.contains("a folder"), "{e}");
    }

    #[test]
    fn size_limit_counts_bytes() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.toml");
        std::fs::write(&p, vec![b'a'; 101]).unwrap();
        assert_eq!(read_text_limited(&p, 101).unwrap().len(), 101);
        let e = read_text_limited(&p, 100).unwrap_err().to_string();
        assert!(e.contains("101 bytes") && e.contains("at most 100"), "{e}");
        std::fs::write(&p, [b'a', 0xff]).unwrap();
        let e = read_text(&p).unwrap_err().to_string();
        assert!(e.contains("offset 1"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_read_up_to_the_limit() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&p)
                .status()
                .unwrap()
                .success()
        );
        let w = p.clone();
        let writer = std::thread::spawn(move || {
            // A writer that would go on far past the limit.
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).open(&w).unwrap();
            let chunk = [b'x'; 64];
            for _ in 0..100 {
                if f.write_all(&chunk).is_err() {
                    break;
                }
            }
        });
        let e = read_text_limited(&p, 1000).unwrap_err().to_string();
        assert!(e.contains("more than 1000 bytes"), "{e}");
        writer.join().unwrap();
    }
}
