//! Fast path of the CSV reader for the common survey export: every record on
//! one line, fields separated by commas, no quote character anywhere in the
//! data. For such a file the csv crate's general state machine (quotes,
//! escapes, every terminator) reduces to splitting each line at `,`, which
//! `memchr` does several times faster.
//!
//! Hand-written on purpose: no crate splits a restricted CSV dialect with a
//! fallback. The first line that is not plain — a `"`, a bare `\r`, an empty
//! line, a row with the wrong number of fields — stops the fast path
//! ([`Plain::Unsuitable`]), and the caller rereads the file with the csv crate,
//! which then gives the same values or the same error as it always did. A
//! property test below checks both paths agree on random text.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use memchr::{memchr, memchr_iter};

use super::dataset::decimal_prefix;

/// Bytes read per system call (the buffer grows only for longer lines).
const CHUNK: usize = 1 << 20;

/// What the fast path did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Plain {
    /// Every record was read: this many.
    Read(usize),
    /// The data are not plain; nothing read may be used.
    Unsuitable,
}

/// Where the wanted fields of each record go, `k` counting wanted fields.
pub(super) trait Sink {
    /// Field `k` is the plain decimal `x` (as `dataset::plain_decimal` reads it).
    fn number(&mut self, k: usize, x: f64);
    /// Field `k` is anything else: its untrimmed text.
    fn cell(&mut self, k: usize, cell: &[u8]);
}

/// Read the records of `path` from byte `start` (just past the header):
/// `ncols` fields per record, the wanted ones (`fields`, ascending) handed to
/// `sink`.
pub(super) fn read(
    path: &Path,
    start: u64,
    ncols: usize,
    fields: &[usize],
    sink: &mut impl Sink,
) -> io::Result<Plain> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut buf = vec![0u8; CHUNK];
    let (mut filled, mut rows) = (0usize, 0usize);
    let mut split = Splitter {
        ncols,
        fields,
        sink,
    };
    loop {
        let got = file.read(&mut buf[filled..])?;
        let end = filled + got;
        if memchr(b'"', &buf[filled..end]).is_some() {
            return Ok(Plain::Unsuitable);
        }
        if got == 0 {
            if filled > 0 {
                // The last record has no line end: give it one.
                buf.truncate(filled);
                buf.push(b'\n');
                match split.lines(&buf) {
                    Some((1, _)) => rows += 1,
                    _ => return Ok(Plain::Unsuitable),
                }
            }
            return Ok(Plain::Read(rows));
        }
        let Some((got_rows, used)) = split.lines(&buf[..end]) else {
            return Ok(Plain::Unsuitable);
        };
        rows += got_rows;
        buf.copy_within(used..end, 0);
        filled = end - used;
        if filled == buf.len() {
            buf.resize(2 * buf.len(), 0);
        }
    }
}

/// Splits complete lines into fields: `memchr` finds the line ends; within a
/// line a wanted field is parsed as a decimal while it is scanned (one pass
/// over its bytes), and only when that fails is its end searched for.
struct Splitter<'a, S: Sink> {
    ncols: usize,
    fields: &'a [usize],
    sink: &'a mut S,
}

impl<S: Sink> Splitter<'_, S> {
    /// Hand on the wanted fields of every complete line of `text`: the number
    /// of records and the bytes used (up to the last `\n`), or `None` when a
    /// line is not a plain record of `ncols` fields (then nothing may be
    /// used, earlier fields included).
    fn lines(&mut self, text: &[u8]) -> Option<(usize, usize)> {
        let (mut rows, mut line_start) = (0usize, 0usize);
        for nl in memchr_iter(b'\n', text) {
            let line = &text[line_start..nl];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !self.line(line) {
                return None;
            }
            rows += 1;
            line_start = nl + 1;
        }
        Some((rows, line_start))
    }

    /// One line without its terminator; `false` unless it is `ncols`
    /// comma-separated fields free of `\r`.
    #[inline]
    fn line(&mut self, line: &[u8]) -> bool {
        if line.is_empty() || memchr(b'\r', line).is_some() {
            return false;
        }
        let (mut k, mut p) = (0usize, 0usize);
        for col in 0..self.ncols {
            let end = if self.fields.get(k) == Some(&col) {
                let end = self.wanted(k, line, p);
                k += 1;
                end
            } else {
                field_end(line, p)
            };
            let last = col + 1 == self.ncols;
            if last != (end == line.len()) {
                return false;
            }
            p = end + 1;
        }
        true
    }

    /// Hand on wanted field `k` starting at `p`; the index where it ends.
    #[inline(always)]
    fn wanted(&mut self, k: usize, line: &[u8], p: usize) -> usize {
        if let Some((x, used)) = decimal_prefix(&line[p..]) {
            let end = p + used;
            if matches!(line.get(end), None | Some(b',')) {
                self.sink.number(k, x);
                return end;
            }
        }
        let end = field_end(line, p);
        self.sink.cell(k, &line[p..end]);
        end
    }
}

/// Index of the `,` ending the field that starts at `p` (the line's length
/// for the last field).
#[inline(always)]
fn field_end(line: &[u8], p: usize) -> usize {
    memchr(b',', &line[p..]).map_or(line.len(), |q| p + q)
}

#[cfg(test)]
mod tests {
    use super::super::Dataset;
    use super::super::csv_read::{Paths, read_csv_paths};
    use proptest::prelude::*;
    use std::io::Write;

    /// Text over an alphabet that reaches every branch: separators, quotes,
    /// both line ends, blanks, numbers, missing tokens and words.
    fn csv_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just(","),
            Just("\n"),
            Just("\r\n"),
            Just("\r"),
            Just("\""),
            Just(" "),
            Just("1"),
            Just("-2.5"),
            Just("3e2"),
            Just("NA"),
            Just("."),
            Just("a"),
            Just("b"),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    /// Read one file by both paths (Debug text: NaN equals NaN there).
    fn both(text: &str, first: Paths) -> (Result<String, String>, Result<String, String>) {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(format!("x,y,z\n{text}").as_bytes())
            .expect("write temp file");
        let read = |paths| {
            read_csv_paths(f.path(), None, paths)
                .map(|d: Dataset| format!("{d:?}"))
                .map_err(|e| e.to_string())
        };
        (read(first), read(Paths::CsvCrateOnly))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn fast_path_agrees_with_the_csv_crate(text in csv_text()) {
            let (fast, general) = both(&text, Paths::Any);
            prop_assert_eq!(fast, general, "{:?}", text);
        }
    }

    #[test]
    fn plain_numeric_file_is_read_by_the_fast_path() {
        let (fast, general) = both("1,2,3\n4,NA,6\r\n7,8,9", Paths::PlainOnly);
        assert!(
            fast.as_ref().is_ok_and(|d| d.contains("n_rows: 3")),
            "{fast:?}"
        );
        assert_eq!(fast, general);
    }
}
