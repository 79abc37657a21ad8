//! Errors of the data layer. Every variant names the file (or `<memory>` for
//! an in-memory dataset) and, where one exists, the row, line and column.

use std::fmt;

/// Where a cell sits: 1-based data row (the header is not counted) and, for a
/// dataset read from a file, the 1-based line of the file it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowLoc {
    /// 1-based data row (the header is not counted).
    pub row: usize,
    /// 1-based line of the file the row starts on; `None` in memory.
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
///
/// In every variant `file` is the file's name as given (`<memory>` for an
/// in-memory dataset).
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// Memory for the columns or the design could not be allocated.
    #[error(transparent)]
    Alloc(Box<crate::resources::AllocError>),
    /// The file could not be opened or read.
    #[error("cannot read {file}: {reason}")]
    Io {
        /// The file's name.
        file: String,
        /// The operating system's reason.
        reason: std::io::Error,
    },
    /// The file has no bytes (so no header).
    #[error("{file}: empty file (expected a header row of column names)")]
    Empty {
        /// The file's name.
        file: String,
    },
    /// The file has a header and nothing below it.
    #[error("{file}: the header has no data rows below it")]
    NoRows {
        /// The file's name.
        file: String,
    },
    /// A row has a different number of fields than the header.
    #[error("{file}: malformed CSV at {loc}: {found} fields where the header has {expected}")]
    Ragged {
        /// The file's name.
        file: String,
        /// The row.
        loc: RowLoc,
        /// Fields of the header.
        expected: usize,
        /// Fields of this row.
        found: usize,
    },
    /// The CSV reader refused the bytes (e.g. an unterminated quote).
    #[error("{file}: malformed CSV at line {line}: {message}")]
    Malformed {
        /// The file's name.
        file: String,
        /// 1-based line of the file.
        line: u64,
        /// The reader's message.
        message: String,
    },
    /// Two design columns (e.g. a factor's dummies) would get the same name.
    #[error("{file}: design columns {first} and {second} would both be named `{name}`: {cause}")]
    DuplicateName {
        /// The file's name.
        file: String,
        /// The clashing name.
        name: String,
        /// 1-based position of the first design column.
        first: usize,
        /// 1-based position of the second design column.
        second: usize,
        /// How the two names came about.
        cause: String,
    },
    /// A column name appears twice in the header.
    #[error(
        "{file}: column name `{column}` appears twice in the header (columns {first} and {second})"
    )]
    DuplicateColumn {
        /// The file's name.
        file: String,
        /// The repeated name.
        column: String,
        /// 1-based position of its first occurrence.
        first: usize,
        /// 1-based position of its second occurrence.
        second: usize,
    },
    /// The columns of an in-memory dataset differ in length.
    #[error(
        "{file}: column `{column}` of {found} rows does not match the {expected} rows of the others"
    )]
    LengthMismatch {
        /// The dataset's name.
        file: String,
        /// The column of the wrong length.
        column: String,
        /// Rows of the other columns.
        expected: usize,
        /// Rows of this column.
        found: usize,
    },
    /// A formula, subset or option names a column the data lacks.
    #[error("{file}: no column `{column}` (columns: {available})")]
    UnknownColumn {
        /// The file's name.
        file: String,
        /// The column asked for.
        column: String,
        /// The columns the data has (the first 30, then a count).
        available: String,
    },
    /// A cell of a column used as a number is not a number.
    #[error("{file}: column `{column}`{} must be numeric, but {loc} has `{value}`", in_term(.column, .term))]
    NonNumeric {
        /// The file's name.
        file: String,
        /// The column.
        column: String,
        /// The formula term that uses it (the column itself for a plain term).
        term: String,
        /// The row.
        loc: RowLoc,
        /// The cell as written.
        value: String,
    },
    /// A cell of a numeric column is infinite or NaN (not a missing token).
    #[error("{file}: column `{column}`{} has the non-finite value {value} at {loc}", in_term(.column, .term))]
    NonFinite {
        /// The file's name.
        file: String,
        /// The column.
        column: String,
        /// The formula term that uses it (the column itself for a plain term).
        term: String,
        /// The row.
        loc: RowLoc,
        /// The value found.
        value: f64,
    },
    /// A computed column (e.g. `lq`) would replace a column of the data.
    #[error("{file}: already has a column `{column}`; choose another name for the new column")]
    ColumnExists {
        /// The file's name.
        file: String,
        /// The name taken.
        column: String,
    },
    /// Every cell of a needed column is missing.
    #[error("{file}: column `{column}` has no non-missing values")]
    AllMissing {
        /// The file's name.
        file: String,
        /// The column.
        column: String,
    },
    /// A regressor is constant over the complete cases, so collinear with
    /// the intercept.
    #[error(
        "{file}: `{column}` is constant ({value}) over the {n} complete cases; it cannot be estimated beside `const` (drop it)"
    )]
    Constant {
        /// The file's name.
        file: String,
        /// The design column.
        column: String,
        /// Its one value.
        value: String,
        /// Number of complete cases.
        n: usize,
    },
    /// Listwise deletion left no row.
    #[error("{file}: no complete cases: all {dropped} rows miss at least one of {columns}")]
    NoCompleteCases {
        /// The file's name.
        file: String,
        /// Rows dropped (all of them).
        dropped: usize,
        /// The columns the fit needs, comma-separated.
        columns: String,
    },
    /// A formula term could not be parsed.
    #[error("invalid formula term `{term}`: {reason}")]
    BadTerm {
        /// The term as written.
        term: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `--subset` expression could not be parsed.
    #[error("invalid subset `{subset}`: {reason}")]
    BadSubset {
        /// The expression as written.
        subset: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A subset keeps no row.
    #[error("{file}: subset `{subset}` keeps no rows")]
    EmptySubset {
        /// The file's name.
        file: String,
        /// The expression.
        subset: String,
    },
    /// A data file could not be written.
    #[error(transparent)]
    Write(#[from] crate::io::WriteError),
    /// The location quotient could not be computed.
    #[error(transparent)]
    Lq(#[from] crate::numeric::lq::LqError),
    /// The `lq` option is not `ORIGIN,DEST`.
    #[error("invalid option `lq`: expected two columns ORIGIN,DEST; got `{spec}`")]
    BadLqColumns {
        /// The option as written.
        spec: String,
    },
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
