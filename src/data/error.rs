//! Errors of the data layer. Every variant names the file (or `<memory>` for
//! an in-memory dataset) and, where one exists, the row, line and column.

use std::fmt;

/// Where a cell sits: 1-based data row (the header is not counted) and, for a
/// dataset read from a file, the 1-based line of the file it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowLoc {
    pub row: usize,
    pub line: Option<u64>,
}

impl fmt::Display for RowLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "row {} (line {line})", self.row),
            None => write!(f, "row {}", self.row),
        }
    }
}

/// A dataset could not be read, built or turned into a design matrix.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error(transparent)]
    Alloc(Box<crate::resources::AllocError>),
    #[error("cannot read {file}: {reason}")]
    Io {
        file: String,
        reason: std::io::Error,
    },
    #[error("{file}: empty file (expected a header row of column names)")]
    Empty { file: String },
    #[error("{file}: the header has no data rows below it")]
    NoRows { file: String },
    #[error("{file}: malformed CSV at {loc}: {found} fields where the header has {expected}")]
    Ragged {
        file: String,
        loc: RowLoc,
        expected: usize,
        found: usize,
    },
    #[error("{file}: malformed CSV at line {line}: {message}")]
    Malformed {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}: design columns {first} and {second} would both be named `{name}`: {cause}")]
    DuplicateName {
        file: String,
        name: String,
        first: usize,
        second: usize,
        cause: String,
    },
    #[error(
        "{file}: column name `{column}` appears twice in the header (columns {first} and {second})"
    )]
    DuplicateColumn {
        file: String,
        column: String,
        first: usize,
        second: usize,
    },
    #[error(
        "{file}: column `{column}` of {found} rows does not match the {expected} rows of the others"
    )]
    LengthMismatch {
        file: String,
        column: String,
        expected: usize,
        found: usize,
    },
    #[error("{file}: no column `{column}` (columns: {available})")]
    UnknownColumn {
        file: String,
        column: String,
        available: String,
    },
    #[error("{file}: column `{column}`{} must be numeric, but {loc} has `{value}`", in_term(.column, .term))]
    NonNumeric {
        file: String,
        column: String,
        term: String,
        loc: RowLoc,
        value: String,
    },
    #[error("{file}: column `{column}`{} has the non-finite value {value} at {loc}", in_term(.column, .term))]
    NonFinite {
        file: String,
        column: String,
        term: String,
        loc: RowLoc,
        value: f64,
    },
    #[error("{file}: already has a column `{column}`; choose another name for the new column")]
    ColumnExists { file: String, column: String },
    #[error("{file}: column `{column}` has no non-missing values")]
    AllMissing { file: String, column: String },
    #[error(
        "{file}: `{column}` is constant ({value}) over the {n} complete cases; it cannot be estimated beside `const` (drop it)"
    )]
    Constant {
        file: String,
        column: String,
        value: String,
        n: usize,
    },
    #[error("{file}: no complete cases: all {dropped} rows miss at least one of {columns}")]
    NoCompleteCases {
        file: String,
        dropped: usize,
        columns: String,
    },
    #[error("invalid formula term `{term}`: {reason}")]
    BadTerm { term: String, reason: String },
    #[error("invalid subset `{subset}`: {reason}")]
    BadSubset { subset: String, reason: String },
    #[error("{file}: subset `{subset}` keeps no rows")]
    EmptySubset { file: String, subset: String },
    #[error(transparent)]
    Write(#[from] crate::io::WriteError),
    #[error(transparent)]
    Lq(#[from] crate::numeric::lq::LqError),
    #[error("invalid option `lq`: expected two columns ORIGIN,DEST; got `{spec}`")]
    BadLqColumns { spec: String },
}

/// ` (in term `a:b`)` when the term is more than the column itself.
fn in_term(column: &str, term: &str) -> String {
    if column == term {
        String::new()
    } else {
        format!(" (in term `{term}`)")
    }
}

/// The error for a column that is not in the file, listing those that are.
pub(crate) fn unknown_column(file: &str, column: &str, names: &[String]) -> DataError {
    const SHOWN: usize = 30;
    let mut available = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        available.push_str(&format!(", ... ({} in all)", names.len()));
    }
    DataError::UnknownColumn {
        file: file.to_string(),
        column: column.to_string(),
        available,
    }
}

impl From<crate::resources::AllocError> for DataError {
    fn from(e: crate::resources::AllocError) -> Self {
        DataError::Alloc(Box::new(e))
    }
}
