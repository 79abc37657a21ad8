//! Streaming CSV reader: one pass over the file converting only the requested
//! columns, straight into `f64` vectors. A column is numeric when every
//! non-missing cell parses as a number; a column that meets text is read
//! again, as categorical, in a second pass over that column alone. Inputs that
//! cannot be reopened (pipes, FIFOs) are first copied once (`source::Source`).
//! Plain files (no quotes, one record per line) take the fast path of
//! `plain_csv`; anything else the csv crate.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::dataset::{
    Categorical, Column, Dataset, MISSING_CODE, is_missing_token, parse_number, plain_decimal,
};
use super::error::{DataError, RowLoc, unknown_column};
use super::lines;
use super::plain_csv::{self, Plain};
use super::source::Source;
use crate::resources::try_with_capacity;

const BUF_BYTES: usize = 1 << 16;

/// Byte-order mark that spreadsheet exports put before the first header name.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl Dataset {
    /// Read a CSV file with a header row (all columns).
    pub fn read_csv(path: &Path) -> Result<Self, DataError> {
        read_csv(path, None)
    }

    /// Read only the named columns of a CSV file; the other columns are
    /// skipped without being converted.
    pub fn read_csv_columns(path: &Path, columns: &[&str]) -> Result<Self, DataError> {
        read_csv(path, Some(columns))
    }
}

/// Which reading paths [`read_csv_paths`] may take (tests force one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paths {
    /// The fast path for plain files, else the csv crate.
    Any,
    /// The csv crate only.
    #[cfg_attr(not(test), allow(dead_code))]
    CsvCrateOnly,
    /// The fast path only: a file that is not plain is an error.
    #[cfg_attr(not(test), allow(dead_code))]
    PlainOnly,
}

/// Read `path`; only `wanted` columns when given (in header order).
pub(crate) fn read_csv(path: &Path, wanted: Option<&[&str]>) -> Result<Dataset, DataError> {
    read_csv_paths(path, wanted, Paths::Any)
}

/// [`read_csv`] restricted to the given reading paths.
pub(crate) fn read_csv_paths(
    path: &Path,
    wanted: Option<&[&str]>,
    paths: Paths,
) -> Result<Dataset, DataError> {
    let file = path.display().to_string();
    let io_err = |reason| DataError::Io {
        file: file.clone(),
        reason,
    };
    let source = Source::open(path).map_err(io_err)?;
    let path = source.path();
    let counted = lines::count(path).map_err(io_err)?;
    let row_bound = counted.lines();
    let mut rdr = open(path).map_err(io_err)?;
    let header = rdr
        .byte_headers()
        .map_err(|e| csv_error(&file, path, e, 0))?
        .clone();
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        return Err(DataError::Empty { file });
    }
    let names: Vec<String> = header
        .iter()
        .enumerate()
        .map(|(j, h)| {
            let h = if j == 0 {
                h.strip_prefix(UTF8_BOM).unwrap_or(h)
            } else {
                h
            };
            String::from_utf8_lossy(h).trim().to_string()
        })
        .collect();
    check_duplicates(&file, &names)?;
    let fields = select_fields(&file, &names, wanted)?;

    let new_builders = || -> Result<Vec<Builder>, DataError> {
        fields
            .iter()
            .map(|_| try_with_capacity("a CSV column", row_bound).map(Builder::Numeric))
            .collect::<Result<_, _>>()
            .map_err(DataError::from)
    };
    let mut builders = new_builders()?;
    let plain = if paths == Paths::CsvCrateOnly {
        Plain::Unsuitable
    } else {
        let start = rdr.position().byte();
        plain_csv::read(
            path,
            start,
            header.len(),
            &fields,
            &mut Columns(&mut builders),
        )
        .map_err(io_err)?
    };
    let n = match plain {
        Plain::Read(n) => n,
        Plain::Unsuitable if paths == Paths::PlainOnly => {
            return Err(DataError::Malformed {
                file,
                line: 0,
                message: "not a plain CSV file (the fast path alone was asked for)".into(),
            });
        }
        Plain::Unsuitable => {
            drop(builders);
            builders = new_builders()?;
            read_records(&mut rdr, &mut builders, &fields, &file, path)?
        }
    };
    if n == 0 {
        return Err(DataError::NoRows { file });
    }

    let text_fields: Vec<usize> = fields
        .iter()
        .zip(&builders)
        .filter(|(_, b)| matches!(b, Builder::Text))
        .map(|(&f, _)| f)
        .collect();
    let mut texts = if text_fields.is_empty() {
        HashMap::new()
    } else {
        read_text_columns(path, &file, &text_fields, n)?
    };
    let columns = fields
        .iter()
        .zip(builders)
        .map(|(f, b)| match b {
            Builder::Numeric(v) => Column::Numeric(v),
            Builder::Text => Column::Categorical(texts.remove(f).unwrap_or_else(|| Categorical {
                levels: Vec::new(),
                codes: vec![MISSING_CODE; n],
            })),
        })
        .collect();
    let names = fields.iter().map(|&f| names[f].clone()).collect();
    let lines = lines::row_lines(path, &counted, n).map_err(io_err)?;
    Ok(Dataset::from_parts(file, names, columns, n, lines))
}

/// The csv crate's pass over the records: the number read.
fn read_records(
    rdr: &mut csv::Reader<BufReader<File>>,
    builders: &mut [Builder],
    fields: &[usize],
    file: &str,
    path: &Path,
) -> Result<usize, DataError> {
    let mut record = csv::ByteRecord::new();
    let mut n = 0usize;
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(n),
            Err(e) => return Err(csv_error(file, path, e, n)),
        }
        for (b, &f) in builders.iter_mut().zip(fields) {
            b.push(&record[f]);
        }
        n += 1;
    }
}

/// The columns being read, as the fast path's sink.
struct Columns<'a>(&'a mut [Builder]);

impl plain_csv::Sink for Columns<'_> {
    #[inline(always)]
    fn number(&mut self, k: usize, x: f64) {
        if let Builder::Numeric(v) = &mut self.0[k] {
            v.push(x);
        }
    }

    #[inline(always)]
    fn cell(&mut self, k: usize, cell: &[u8]) {
        self.0[k].push(cell);
    }
}

/// A column being read: numbers so far, or known to hold text.
enum Builder {
    Numeric(Vec<f64>),
    Text,
}

impl Builder {
    #[inline]
    fn push(&mut self, raw: &[u8]) {
        if let Builder::Numeric(v) = self {
            // Most cells are plain decimals (never blank-padded, never a
            // missing token): try that first, then the general checks.
            if let Some(x) = plain_decimal(raw) {
                v.push(x);
                return;
            }
            let cell = trim(raw);
            if is_missing_token(cell) {
                v.push(f64::NAN);
            } else if let Some(x) = parse_number(cell) {
                v.push(x);
            } else {
                *self = Builder::Text;
            }
        }
    }
}

fn open(path: &Path) -> std::io::Result<csv::Reader<BufReader<File>>> {
    let f = File::open(path)?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(BUF_BYTES)
        .from_reader(BufReader::with_capacity(BUF_BYTES, f)))
}

fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

fn check_duplicates(file: &str, names: &[String]) -> Result<(), DataError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (j, name) in names.iter().enumerate() {
        if let Some(&first) = seen.get(name.as_str()) {
            return Err(DataError::DuplicateColumn {
                file: file.to_string(),
                column: name.clone(),
                first: first + 1,
                second: j + 1,
            });
        }
        seen.insert(name, j);
    }
    Ok(())
}

/// Field positions of the wanted columns, in header order.
fn select_fields(
    file: &str,
    names: &[String],
    wanted: Option<&[&str]>,
) -> Result<Vec<usize>, DataError> {
    let Some(wanted) = wanted else {
        return Ok((0..names.len()).collect());
    };
    let mut fields = BTreeSet::new();
    for w in wanted {
        match names.iter().position(|n| n == w) {
            Some(f) => {
                fields.insert(f);
            }
            None => return Err(unknown_column(file, w, names)),
        }
    }
    Ok(fields.into_iter().collect())
}

/// Second pass: the given fields as categorical columns.
fn read_text_columns(
    path: &Path,
    file: &str,
    fields: &[usize],
    n: usize,
) -> Result<HashMap<usize, Categorical>, DataError> {
    let mut rdr = open(path).map_err(|reason| DataError::Io {
        file: file.to_string(),
        reason,
    })?;
    let mut maps: Vec<HashMap<Vec<u8>, u32>> = vec![HashMap::new(); fields.len()];
    let mut codes: Vec<Vec<u32>> = vec![Vec::with_capacity(n); fields.len()];
    let mut record = csv::ByteRecord::new();
    let mut row = 0;
    while rdr
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(file, path, e, row))?
    {
        for ((map, col), &f) in maps.iter_mut().zip(&mut codes).zip(fields) {
            let cell = trim(&record[f]);
            if is_missing_token(cell) {
                col.push(MISSING_CODE);
            } else {
                let next = map.len() as u32;
                col.push(*map.entry(cell.to_vec()).or_insert(next));
            }
        }
        row += 1;
    }
    Ok(fields
        .iter()
        .zip(maps.into_iter().zip(codes))
        .map(|(&f, (map, codes))| (f, sorted_levels(map, codes)))
        .collect())
}

/// Re-code first-seen codes so that levels are in sorted byte order.
fn sorted_levels(map: HashMap<Vec<u8>, u32>, mut codes: Vec<u32>) -> Categorical {
    let mut entries: Vec<(Vec<u8>, u32)> = map.into_iter().collect();
    entries.sort();
    let mut remap = vec![0u32; entries.len()];
    for (new, (_, old)) in entries.iter().enumerate() {
        remap[*old as usize] = new as u32;
    }
    for c in codes.iter_mut().filter(|c| **c != MISSING_CODE) {
        *c = remap[*c as usize];
    }
    let levels = entries.into_iter().map(|(b, _)| level_label(&b)).collect();
    Categorical { levels, codes }
}

/// A level's text: the bytes when they are UTF-8; otherwise each invalid byte
/// written visibly as `\xNN`, so that levels differing only in non-UTF-8 bytes
/// keep distinct names (lossy decoding would print both as U+FFFD).
fn level_label(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Map a csv error met after `rows_read` complete data rows.
fn csv_error(file: &str, path: &Path, e: csv::Error, rows_read: usize) -> DataError {
    let file = file.to_string();
    let line = e
        .position()
        .and_then(|p| lines::line_at(path, p.byte()))
        .unwrap_or(0);
    match e.into_kind() {
        csv::ErrorKind::Io(reason) => DataError::Io { file, reason },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => DataError::Ragged {
            file,
            loc: RowLoc {
                row: rows_read + 1,
                line: Some(line),
            },
            expected: expected_len as usize,
            found: len as usize,
        },
        other => DataError::Malformed {
            file,
            line,
            message: format!("{other:?}"),
        },
    }
}
