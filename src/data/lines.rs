//! Line numbers of CSV records, for error messages.
//!
//! The csv crate's own `Position::line` skips blank lines and miscounts CRLF
//! files, so lines are counted here from the raw bytes. When every record is
//! one line (lines in the file = records + header) row r sits on line r + 2;
//! otherwise (blank lines, quoted line breaks) the start line of every record
//! is found from the record's byte offset.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::error::RowLoc;

const CHUNK: usize = 1 << 20;

/// How data rows map to lines of the source file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RowLines {
    /// Built in memory: no lines.
    Memory,
    /// Row `r` (0-based) starts on line `first + r`.
    Regular { first: u64 },
    /// Start line of every row (multi-line quoted cells or blank lines).
    Explicit(Vec<u64>),
}

impl RowLines {
    pub(crate) fn loc(&self, i: usize) -> RowLoc {
        let line = match self {
            RowLines::Memory => None,
            RowLines::Regular { first } => Some(first + i as u64),
            RowLines::Explicit(v) => v.get(i).copied(),
        };
        RowLoc { row: i + 1, line }
    }
}

/// Newlines in the file, and whether its last line lacks one.
pub(crate) struct LineCount {
    pub newlines: usize,
    pub unterminated: bool,
}

impl LineCount {
    /// Lines of text in the file.
    pub fn lines(&self) -> usize {
        self.newlines + usize::from(self.unterminated)
    }
}

/// Count the file's lines (also an upper bound on its records).
pub(crate) fn count(path: &Path) -> std::io::Result<LineCount> {
    let mut f = File::open(path)?;
    let mut buf = vec![0u8; CHUNK];
    let (mut newlines, mut last) = (0, b'\n');
    loop {
        let got = f.read(&mut buf)?;
        if got == 0 {
            return Ok(LineCount {
                newlines,
                unterminated: last != b'\n',
            });
        }
        newlines += memchr::memchr_iter(b'\n', &buf[..got]).count();
        last = buf[got - 1];
    }
}

/// The row-to-line map of a file holding `n` records below a header.
pub(crate) fn row_lines(path: &Path, counted: &LineCount, n: usize) -> std::io::Result<RowLines> {
    if counted.lines() == n + 1 {
        return Ok(RowLines::Regular { first: 2 });
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .map_err(into_io)?;
    let mut record = csv::ByteRecord::new();
    let mut offsets = Vec::with_capacity(n);
    while rdr.read_byte_record(&mut record).map_err(into_io)? {
        offsets.push(record.position().map_or(0, |p| p.byte()));
    }
    Ok(RowLines::Explicit(lines_at(path, &offsets)?))
}

/// Line of the record whose csv byte offset is `byte`.
pub(crate) fn line_at(path: &Path, byte: u64) -> Option<u64> {
    lines_at(path, &[byte]).ok()?.first().copied()
}

/// 1-based start lines of records at sorted csv byte offsets. A csv offset may
/// point at the terminator that precedes the record, so line breaks right at
/// the offset are skipped before the record's line is taken.
fn lines_at(path: &Path, offsets: &[u64]) -> std::io::Result<Vec<u64>> {
    let mut f = File::open(path)?;
    let mut buf = vec![0u8; CHUNK];
    let mut lines = vec![0u64; offsets.len()];
    let (mut k, mut nl, mut pos) = (0usize, 0u64, 0u64);
    let mut pending: Option<usize> = None;
    loop {
        let got = f.read(&mut buf)?;
        if got == 0 {
            break;
        }
        for &b in &buf[..got] {
            while k < offsets.len() && offsets[k] <= pos {
                pending.get_or_insert(k);
                k += 1;
            }
            if let Some(s) = pending.filter(|_| b != b'\n' && b != b'\r') {
                lines[s..k].iter_mut().for_each(|l| *l = nl + 1);
                pending = None;
            }
            nl += u64::from(b == b'\n');
            pos += 1;
        }
    }
    let start = pending.unwrap_or(k);
    lines[start..].iter_mut().for_each(|l| *l = nl + 1);
    Ok(lines)
}

fn into_io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<u64> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, text).unwrap();
        let c = count(&p).unwrap();
        let n = text.lines().filter(|l| !l.trim().is_empty()).count() - 1;
        match row_lines(&p, &c, n).unwrap() {
            RowLines::Regular { first } => (0..n as u64).map(|r| first + r).collect(),
            RowLines::Explicit(v) => v,
            RowLines::Memory => unreachable!(),
        }
    }

    #[test]
    fn start_lines_by_hand() {
        assert_eq!(lines_of("a,b\n1,2\n3,4\n"), [2, 3]);
        assert_eq!(lines_of("a,b\n1,2\n3,4"), [2, 3]);
        assert_eq!(lines_of("a,b\r\n1,2\r\n\r\n3,4\r\n"), [2, 4]);
        assert_eq!(lines_of("a,b\n1,2\n\n3,4\n"), [2, 4]);
        assert_eq!(lines_of("\na,b\n1,2\n"), [3]);
        assert_eq!(lines_of("a,b\n1,2\n\n\n"), [2]);
    }

    #[test]
    fn quoted_line_breaks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("q.csv");
        std::fs::write(&p, "a,b\n1,\"x\n\ny\"\n3,4\n").unwrap();
        let c = count(&p).unwrap();
        let RowLines::Explicit(v) = row_lines(&p, &c, 2).unwrap() else {
            panic!("expected explicit lines")
        };
        assert_eq!(v, [2, 5]);
    }
}
