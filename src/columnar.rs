//! Parquet row files: one column model for every command that writes or
//! reads them (`cohort --out FILE.parquet`, `fit --data FILE.parquet`,
//! `run`/`recover`/`sensitivity --format parquet`).
//!
//! A row file is made as CSV by its serialiser (the one definition of its
//! columns), then typed here column by column, so the Parquet file has the
//! CSV's columns in the CSV's order with the types a CSV reader infers:
//! every present cell an integer → `Int64`; every present cell a number →
//! `Float64`; otherwise `Utf8`. A missing cell (empty, `NA`, ...: the
//! library's missing tokens) is a null. pandas' `read_parquet` then gives
//! the frame `read_csv` gives.
//!
//! Reading accepts the types pandas, polars and R's arrow write for numbers
//! (any integer or float width, booleans as 0/1), text (`Utf8`,
//! `LargeUtf8`, dictionary-encoded text: pandas categoricals, R factors),
//! uncompressed or Snappy-compressed.
//!
//! Built with the `parquet` cargo feature (on by default; the Python wheel
//! leaves it off: pandas reads and writes Parquet there).
#![deny(missing_docs)]

use std::path::Path;

use crate::data::{Categorical, Column, DataError, Dataset, MISSING_TOKENS};

/// The values of one typed column (`None`: a null).
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Whole numbers that fit `i64`: `Int64`.
    Int(Vec<Option<i64>>),
    /// Integers beyond `i64` (seeds): `UInt64`, as pandas reads them.
    UInt(Vec<Option<u64>>),
    /// Other numbers: `Float64`.
    Float(Vec<Option<f64>>),
    /// Anything else: `Utf8`.
    Text(Vec<Option<String>>),
}

/// A table of named, typed columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnTable {
    /// `(name, values)` in file order.
    pub columns: Vec<(String, Values)>,
}

/// Why a row file could not be typed, written or read.
#[derive(Debug, thiserror::Error)]
pub enum ColumnarError {
    /// The CSV bytes of a row file could not be parsed.
    #[error("{file}: {message}")]
    Csv {
        /// The file's name.
        file: String,
        /// The CSV reader's message.
        message: String,
    },
    /// The file is not Parquet, or the Parquet library refused it.
    #[error("{file}: not a readable Parquet file: {message}")]
    Parquet {
        /// The file's name.
        file: String,
        /// The Parquet library's message.
        message: String,
    },
    /// A column has a Parquet type that is neither numbers nor text.
    #[error(
        "{file}: column `{column}` has Parquet type {kind}; expected numbers (integers, floats, \
         booleans) or text"
    )]
    Type {
        /// The file's name.
        file: String,
        /// The column's name.
        column: String,
        /// The Arrow type found.
        kind: String,
    },
    /// A wanted column is not in the file.
    #[error("{file}: no column `{column}` (columns: {columns})")]
    NoColumn {
        /// The file's name.
        file: String,
        /// The column asked for.
        column: String,
        /// The file's columns, comma-separated.
        columns: String,
    },
    /// A Parquet file was named, but this build has no `parquet` feature.
    #[error("{file}: this migsim was built without Parquet support (cargo feature `parquet`)")]
    NotBuilt {
        /// The file's name.
        file: String,
    },
    /// The file could not be opened or read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file's name.
        file: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The typed columns do not make a valid dataset.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The output file could not be written.
    #[error(transparent)]
    Write(#[from] crate::io::WriteError),
}

/// Whether `path` names a Parquet file (by its `.parquet` extension).
pub(crate) fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// `name.csv` → `name.parquet`.
pub(crate) fn parquet_name(csv_name: &str) -> String {
    format!(
        "{}.parquet",
        csv_name.strip_suffix(".csv").unwrap_or(csv_name)
    )
}

fn missing(cell: &str) -> bool {
    let t = cell.trim();
    t.is_empty() || MISSING_TOKENS.contains(&t)
}

impl ColumnTable {
    /// Type the columns of CSV bytes (header row first); `file` names
    /// them in errors.
    pub fn from_csv(bytes: &[u8], file: &str) -> Result<ColumnTable, ColumnarError> {
        let bad = |e: csv::Error| ColumnarError::Csv {
            file: file.to_string(),
            message: e.to_string(),
        };
        let mut r = csv::ReaderBuilder::new().from_reader(bytes);
        let names: Vec<String> = r.headers().map_err(bad)?.iter().map(String::from).collect();
        let mut cells: Vec<Vec<String>> = vec![Vec::new(); names.len()];
        for rec in r.records() {
            let rec = rec.map_err(bad)?;
            for (j, c) in rec.iter().enumerate().take(names.len()) {
                cells[j].push(c.to_string());
            }
        }
        let columns = names
            .into_iter()
            .zip(cells)
            .map(|(n, c)| (n, type_cells(c)))
            .collect();
        Ok(ColumnTable { columns })
    }

    /// Rows in the table.
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, v)| match v {
            Values::Int(x) => x.len(),
            Values::UInt(x) => x.len(),
            Values::Float(x) => x.len(),
            Values::Text(x) => x.len(),
        })
    }

    /// As a data set: numbers (nulls as NaN, missing) and text columns.
    pub fn into_dataset(self, source: &str) -> Result<Dataset, DataError> {
        let cols = self
            .columns
            .into_iter()
            .map(|(n, v)| {
                let c = match v {
                    Values::Int(x) => Column::Numeric(
                        x.into_iter()
                            .map(|v| v.map_or(f64::NAN, |i| i as f64))
                            .collect(),
                    ),
                    Values::UInt(x) => Column::Numeric(
                        x.into_iter()
                            .map(|v| v.map_or(f64::NAN, |i| i as f64))
                            .collect(),
                    ),
                    Values::Float(x) => {
                        Column::Numeric(x.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
                    }
                    Values::Text(x) => Column::Categorical(Categorical::from_cells(&x)),
                };
                (n, c)
            })
            .collect();
        Dataset::from_columns(source, cols)
    }
}

/// Int64 if every present cell is an integer (UInt64 if one is above
/// `i64::MAX`), Float64 if a number, else Utf8.
fn type_cells(cells: Vec<String>) -> Values {
    let present = || cells.iter().filter(|c| !missing(c));
    if present().all(|c| c.trim().parse::<i64>().is_ok()) {
        return Values::Int(
            cells
                .iter()
                .map(|c| (!missing(c)).then(|| c.trim().parse().unwrap_or_default()))
                .collect(),
        );
    }
    if present().all(|c| c.trim().parse::<u64>().is_ok()) {
        return Values::UInt(
            cells
                .iter()
                .map(|c| (!missing(c)).then(|| c.trim().parse().unwrap_or_default()))
                .collect(),
        );
    }
    if present().all(|c| c.trim().parse::<f64>().is_ok()) {
        return Values::Float(
            cells
                .iter()
                .map(|c| (!missing(c)).then(|| c.trim().parse().unwrap_or(f64::NAN)))
                .collect(),
        );
    }
    Values::Text(
        cells
            .into_iter()
            .map(|c| (!missing(&c)).then_some(c))
            .collect(),
    )
}

/// The Parquet bytes of the CSV row file `bytes` (named `file`).
pub(crate) fn csv_to_parquet(bytes: &[u8], file: &str) -> Result<Vec<u8>, ColumnarError> {
    ColumnTable::from_csv(bytes, file)?.to_parquet(file)
}

/// The format of a command's row files (`--format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RowFormat {
    /// CSV (the default).
    #[default]
    Csv,
    /// Parquet: each `x.csv` row file becomes `x.parquet`, same columns.
    Parquet,
}

/// A set of output files in `format`: with Parquet, each CSV file becomes
/// its Parquet form (`x.csv` → `x.parquet`); the other files as they are.
pub(crate) fn in_format(
    files: Vec<(&str, Vec<u8>)>,
    format: RowFormat,
) -> Result<Vec<(String, Vec<u8>)>, ColumnarError> {
    files
        .into_iter()
        .map(|(name, bytes)| match format {
            RowFormat::Parquet if name.ends_with(".csv") => {
                Ok((parquet_name(name), csv_to_parquet(&bytes, name)?))
            }
            _ => Ok((name.to_string(), bytes)),
        })
        .collect()
}

/// Write `files` into `dir` in `format`, as one set
/// ([`crate::io::write_dir_atomic`]); returns the paths written.
pub fn write_files(
    dir: &Path,
    files: Vec<(&str, Vec<u8>)>,
    format: RowFormat,
) -> Result<Vec<std::path::PathBuf>, ColumnarError> {
    let files = in_format(files, format)?;
    let named: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    Ok(crate::io::write_dir_atomic(dir, &named)?)
}

/// Write a data set to `path`: Parquet for a `.parquet` name, else CSV
/// (whole or not at all).
pub(crate) fn write_dataset(ds: &Dataset, path: &Path) -> Result<(), ColumnarError> {
    if !is_parquet(path) {
        return Ok(ds.write_csv(path)?);
    }
    let name = path.display().to_string();
    let bytes = csv_to_parquet(&ds.to_csv_bytes(), &name)?;
    Ok(crate::io::write_atomic(path, &bytes)?)
}

/// The data set of a CSV or (by its `.parquet` name) Parquet file: the
/// columns `wanted`, or every column.
pub(crate) fn read_table(path: &Path, wanted: Option<&[&str]>) -> Result<Dataset, ColumnarError> {
    if is_parquet(path) {
        return read_dataset(path, wanted);
    }
    Ok(match wanted {
        Some(cols) => Dataset::read_csv_columns(path, cols)?,
        None => Dataset::read_csv(path)?,
    })
}

/// The columns `wanted` (every column when None) of the Parquet file at
/// `path`, as a data set.
pub fn read_dataset(path: &Path, wanted: Option<&[&str]>) -> Result<Dataset, ColumnarError> {
    let file = path.display().to_string();
    let table = ColumnTable::read_parquet(path)?;
    let table = match wanted {
        None => table,
        Some(w) => table.select(w, &file)?,
    };
    Ok(table.into_dataset(&file)?)
}

impl ColumnTable {
    /// Only the columns `wanted`, in that order (each once).
    pub fn select(mut self, wanted: &[&str], file: &str) -> Result<ColumnTable, ColumnarError> {
        let mut out = Vec::with_capacity(wanted.len());
        for w in wanted {
            if out.iter().any(|(n, _): &(String, Values)| n == w) {
                continue;
            }
            let Some(j) = self.columns.iter().position(|(n, _)| n == w) else {
                return Err(ColumnarError::NoColumn {
                    file: file.to_string(),
                    column: w.to_string(),
                    columns: self
                        .columns
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            out.push(self.columns.swap_remove(j));
        }
        Ok(ColumnTable { columns: out })
    }
}

#[cfg(feature = "parquet")]
mod arrow_io;

#[cfg(not(feature = "parquet"))]
impl ColumnTable {
    /// Without the `parquet` feature: an error naming the file.
    pub fn to_parquet(&self, file: &str) -> Result<Vec<u8>, ColumnarError> {
        Err(ColumnarError::NotBuilt {
            file: file.to_string(),
        })
    }

    /// Without the `parquet` feature: an error naming the file.
    pub fn read_parquet(path: &Path) -> Result<ColumnTable, ColumnarError> {
        Err(ColumnarError::NotBuilt {
            file: path.display().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_columns_are_typed_as_a_csv_reader_types_them() {
        let csv = b"rep,value,arm,note\n1,0.5,base,\n2,,alt,x\n3,2,base,NA\n";
        let t = ColumnTable::from_csv(csv, "t.csv").unwrap();
        assert_eq!(t.n_rows(), 3);
        assert_eq!(t.columns[0].1, Values::Int(vec![Some(1), Some(2), Some(3)]));
        assert_eq!(
            t.columns[1].1,
            Values::Float(vec![Some(0.5), None, Some(2.0)])
        );
        assert_eq!(
            t.columns[2].1,
            Values::Text(vec![
                Some("base".into()),
                Some("alt".into()),
                Some("base".into())
            ])
        );
        assert_eq!(
            t.columns[3].1,
            Values::Text(vec![None, Some("x".into()), None])
        );
        assert_eq!(parquet_name("replications.csv"), "replications.parquet");
    }
}
