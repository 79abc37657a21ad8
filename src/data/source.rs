//! An input file that can be read more than once.
//!
//! The CSV reader makes several passes (line count, values, text columns,
//! line map). A regular file is simply reopened; anything else — a pipe, a
//! FIFO, `<(cat f)` process substitution, `/dev/stdin` — can be read only
//! once, so it is copied, in one streaming pass, to a private temporary file
//! that is removed when the [`Source`] is dropped.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A re-readable copy of an input path.
pub(crate) struct Source {
    path: PathBuf,
    spooled: bool,
}

impl Source {
    /// `path` itself when it is a regular file, otherwise a temporary copy of
    /// the stream read from it once.
    pub(crate) fn open(path: &Path) -> io::Result<Source> {
        let meta = fs::metadata(path)?;
        if meta.is_file() {
            return Ok(Source {
                path: path.to_path_buf(),
                spooled: false,
            });
        }
        if meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a directory, not a file",
            ));
        }
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let tmp = std::env::temp_dir().join(format!(
            "migsim-input.{}.{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let source = Source {
            path: tmp,
            spooled: true,
        };
        let mut out = File::options()
            .write(true)
            .create_new(true)
            .open(&source.path)?;
        let mut input = File::open(path)?;
        io::copy(&mut input, &mut out)?;
        Ok(source)
    }

    /// The path to read from.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        if self.spooled {
            let _ = fs::remove_file(&self.path);
        }
    }
}
