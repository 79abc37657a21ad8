//! The columnar `Dataset`: numeric columns as `f64` (missing = NaN), text
//! columns as categorical (sorted levels + codes).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use super::error::{DataError, RowLoc};
use super::lines::RowLines;

/// Cell texts read as missing (case-sensitive): pandas' most common defaults
/// plus Stata's `.`.
pub const MISSING_TOKENS: &[&str] = &["", "NA", "N/A", "NaN", "nan", "NULL", "."];

/// Code of a missing cell in a [`Categorical`] column.
pub const MISSING_CODE: u32 = u32::MAX;

/// Whether a (trimmed) cell is one of [`MISSING_TOKENS`].
#[inline]
pub fn is_missing_token(cell: &[u8]) -> bool {
    matches!(
        cell,
        b"" | b"NA" | b"N/A" | b"NaN" | b"nan" | b"NULL" | b"."
    )
}

/// Parse a trimmed, non-missing cell as a number (`1`, `-2.5e3`, `.5`, `inf`),
/// with the same result as `str::parse::<f64>`.
#[inline]
pub fn parse_number(cell: &[u8]) -> Option<f64> {
    plain_decimal(cell).or_else(|| std::str::from_utf8(cell).ok()?.parse::<f64>().ok())
}

/// Powers of ten exactly representable as `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Clinger's fast path for `[+-]digits[.digits]`: when the digits form an
/// integer m <= 2^53 and there are f <= 22 decimals, m and 10^f are exact and
/// one IEEE division m / 10^f is the correctly rounded value. `None` (fall
/// back to the full parser) otherwise.
#[inline]
pub(crate) fn plain_decimal(cell: &[u8]) -> Option<f64> {
    match decimal_prefix(cell) {
        Some((x, used)) if used == cell.len() => Some(x),
        _ => None,
    }
}

/// The longest `[+-]digits[.digits]` at the start of `s`, by Clinger's fast
/// path (see [`plain_decimal`]), and the bytes it takes; `None` when there
/// is no digit or the fast path does not apply (over 19 digits, m > 2^53).
#[inline(always)]
pub(crate) fn decimal_prefix(s: &[u8]) -> Option<(f64, usize)> {
    let (neg, start) = match s.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let (m, mut i) = digit_run(0, s, start);
    let int_digits = i - start;
    let (mut m, mut frac) = (m, 0);
    if s.get(i) == Some(&b'.') {
        let (m2, j) = digit_run(m, s, i + 1);
        (m, frac, i) = (m2, j - i - 1, j);
    }
    let digits = int_digits + frac;
    // Up to 19 digits m < 10^19 < 2^64, so the wrapping arithmetic is exact.
    if digits == 0 || digits > 19 || m > 1 << 53 || frac >= POW10.len() {
        return None;
    }
    let x = m as f64 / POW10[frac];
    Some((if neg { -x } else { x }, i))
}

/// Accumulate the decimal digits of `s` from `i` onto `m` (wrapping past 19
/// digits, which the caller refuses): the value and the index after them.
#[inline(always)]
fn digit_run(mut m: u64, s: &[u8], mut i: usize) -> (u64, usize) {
    while let Some(&b) = s.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        m = m.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    (m, i)
}

/// A text column: levels in sorted (byte-wise, as Python's `sorted`) order,
/// and one code per row indexing into them (`MISSING_CODE` when missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Categorical {
    /// The distinct non-missing values, sorted byte-wise.
    pub levels: Vec<String>,
    /// Per row, the index into `levels` (`MISSING_CODE` when missing).
    pub codes: Vec<u32>,
}

impl Categorical {
    /// Build from cells; `None` and the [`MISSING_TOKENS`] are missing.
    pub fn from_cells<S: AsRef<str>>(cells: &[Option<S>]) -> Self {
        fn present<S: AsRef<str>>(c: &Option<S>) -> Option<&str> {
            c.as_ref()
                .map(|s| s.as_ref())
                .filter(|s| !is_missing_token(s.as_bytes()))
        }
        let levels: Vec<String> = cells
            .iter()
            .filter_map(present)
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .map(str::to_string)
            .collect();
        let codes = cells
            .iter()
            .map(|c| match present(c) {
                Some(s) => levels
                    .binary_search_by(|l| l.as_str().cmp(s))
                    .map_or(MISSING_CODE, |i| i as u32),
                None => MISSING_CODE,
            })
            .collect();
        Categorical { levels, codes }
    }

    /// The text of row `i` (0-based), `None` when missing.
    pub fn get(&self, i: usize) -> Option<&str> {
        let c = *self.codes.get(i)?;
        self.levels.get(c as usize).map(String::as_str)
    }

    /// First row (0-based) whose text is not a number, with that text.
    pub fn first_non_numeric(&self) -> Option<(usize, &str)> {
        let bad: Vec<bool> = self
            .levels
            .iter()
            .map(|l| parse_number(l.trim().as_bytes()).is_none())
            .collect();
        self.codes
            .iter()
            .position(|&c| c != MISSING_CODE && bad[c as usize])
            .map(|i| (i, self.levels[self.codes[i] as usize].as_str()))
    }
}

/// One column of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers; NaN marks a missing cell.
    Numeric(Vec<f64>),
    /// Text.
    Categorical(Categorical),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(v) => v.len(),
            Column::Categorical(c) => c.codes.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether row `i` (0-based) is missing.
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            Column::Numeric(v) => v[i].is_nan(),
            Column::Categorical(c) => c.codes[i] == MISSING_CODE,
        }
    }

    /// Whether every cell is missing.
    pub fn all_missing(&self) -> bool {
        (0..self.len()).all(|i| self.is_missing(i))
    }

    /// Every cell as a label: text as written, numbers in shortest
    /// round-trip form (a numeric province code 11 reads `11`), missing empty.
    pub fn labels(&self) -> Vec<String> {
        (0..self.len())
            .map(|i| {
                let mut s = String::new();
                self.write_cell(i, &mut s);
                s
            })
            .collect()
    }

    fn write_cell(&self, i: usize, out: &mut String) {
        use std::fmt::Write;
        match self {
            Column::Numeric(v) if v[i].is_nan() => {}
            Column::Numeric(v) => {
                let _ = write!(out, "{}", v[i]);
            }
            Column::Categorical(c) => out.push_str(c.get(i).unwrap_or("")),
        }
    }
}

/// A named, columnar table.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    source: String,
    names: Vec<String>,
    columns: Vec<Column>,
    n_rows: usize,
    lines: RowLines,
}

impl Dataset {
    /// Build from in-memory columns (e.g. a simulated cohort); `source` names
    /// it in error messages.
    pub fn from_columns(
        source: impl Into<String>,
        columns: Vec<(String, Column)>,
    ) -> Result<Self, DataError> {
        let source = source.into();
        let n_rows = columns.first().map_or(0, |(_, c)| c.len());
        let mut seen = HashSet::new();
        for (j, (name, col)) in columns.iter().enumerate() {
            if !seen.insert(name.as_str()) {
                let first = columns.iter().position(|(n, _)| n == name).unwrap_or(0);
                return Err(DataError::DuplicateColumn {
                    file: source,
                    column: name.clone(),
                    first: first + 1,
                    second: j + 1,
                });
            }
            if col.len() != n_rows {
                return Err(DataError::LengthMismatch {
                    file: source,
                    column: name.clone(),
                    expected: n_rows,
                    found: col.len(),
                });
            }
        }
        let (names, columns) = columns.into_iter().unzip();
        Ok(Dataset {
            source,
            names,
            columns,
            n_rows,
            lines: RowLines::Memory,
        })
    }

    pub(crate) fn from_parts(
        source: String,
        names: Vec<String>,
        columns: Vec<Column>,
        n_rows: usize,
        lines: RowLines,
    ) -> Self {
        Dataset {
            source,
            names,
            columns,
            n_rows,
            lines,
        }
    }

    /// The file (or `<memory>` label) the data came from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Column names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The named column, if there is one.
    pub fn column(&self, name: &str) -> Option<&Column> {
        let j = self.names.iter().position(|n| n == name)?;
        self.columns.get(j)
    }

    /// The named column, or the error listing the columns there are.
    pub fn require(&self, name: &str) -> Result<&Column, DataError> {
        self.column(name)
            .ok_or_else(|| super::error::unknown_column(&self.source, name, &self.names))
    }

    /// The named columns as numbers (`NaN` = missing), e.g. the items of a
    /// factor index; a text cell is an error naming its row and value.
    pub fn numeric_columns(&self, names: &[&str]) -> Result<Vec<Vec<f64>>, DataError> {
        names
            .iter()
            .map(|&name| match self.require(name)? {
                Column::Numeric(v) => Ok(v.clone()),
                Column::Categorical(cat) => {
                    let (i, value) = cat.first_non_numeric().unwrap_or((0, ""));
                    Err(DataError::NonNumeric {
                        file: self.source.clone(),
                        column: name.to_string(),
                        term: name.to_string(),
                        loc: self.loc(i),
                        value: value.to_string(),
                    })
                }
            })
            .collect()
    }

    /// Append a derived column (a factor score, a location quotient) after
    /// the others.
    pub fn push_column(&mut self, name: &str, column: Column) -> Result<(), DataError> {
        if self.names.iter().any(|n| n == name) {
            return Err(DataError::ColumnExists {
                file: self.source.clone(),
                column: name.to_string(),
            });
        }
        if column.len() != self.n_rows {
            return Err(DataError::LengthMismatch {
                file: self.source.clone(),
                column: name.to_string(),
                expected: self.n_rows,
                found: column.len(),
            });
        }
        self.names.push(name.to_string());
        self.columns.push(column);
        Ok(())
    }

    /// The rows `rows` (0-based, ascending), keeping their source lines for
    /// error messages (row numbers in later messages count within the
    /// selection; the line is the file's).
    pub fn select_rows(&self, rows: &[usize]) -> Dataset {
        let columns = self
            .columns
            .iter()
            .map(|c| match c {
                Column::Numeric(v) => Column::Numeric(rows.iter().map(|&i| v[i]).collect()),
                Column::Categorical(c) => Column::Categorical(Categorical {
                    levels: c.levels.clone(),
                    codes: rows.iter().map(|&i| c.codes[i]).collect(),
                }),
            })
            .collect();
        let lines = match &self.lines {
            RowLines::Memory => RowLines::Memory,
            other => RowLines::Explicit(
                rows.iter()
                    .map(|&i| other.loc(i).line.unwrap_or(0))
                    .collect(),
            ),
        };
        Dataset {
            source: self.source.clone(),
            names: self.names.clone(),
            columns,
            n_rows: rows.len(),
            lines,
        }
    }

    /// Location of row `i` (0-based) for error messages.
    pub fn loc(&self, i: usize) -> RowLoc {
        self.lines.loc(i)
    }

    /// The columns by name, taken out of the dataset (for building a design
    /// without holding two copies of the data).
    pub(crate) fn into_parts(self) -> (String, RowLines, Vec<(String, Cow<'static, Column>)>) {
        let cols = self
            .names
            .into_iter()
            .zip(self.columns.into_iter().map(Cow::Owned))
            .collect();
        (self.source, self.lines, cols)
    }

    /// The columns by reference, with the source name and line map.
    pub(crate) fn borrow_parts(&self) -> (String, RowLines, Vec<(String, Cow<'_, Column>)>) {
        let cols = self
            .names
            .iter()
            .cloned()
            .zip(self.columns.iter().map(Cow::Borrowed))
            .collect();
        (self.source.clone(), self.lines.clone(), cols)
    }

    /// The dataset as CSV text: header row, numbers in shortest round-trip
    /// form, missing cells empty.
    pub fn to_csv_bytes(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut cells = vec![String::new(); self.columns.len()];
        let _ = w.write_record(&self.names);
        for i in 0..self.n_rows {
            for (cell, col) in cells.iter_mut().zip(&self.columns) {
                cell.clear();
                col.write_cell(i, cell);
            }
            let _ = w.write_record(&cells);
        }
        w.into_inner().unwrap_or_default()
    }

    /// Write as CSV, atomically (temp file + rename).
    pub fn write_csv(&self, path: &Path) -> Result<(), DataError> {
        crate::io::write_atomic(path, &self.to_csv_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn std_parse(s: &str) -> Option<f64> {
        s.parse::<f64>().ok()
    }

    proptest! {
        #[test]
        fn fast_path_equals_std_parse(x in -1e9f64..1e9, decimals in 0usize..18) {
            let s = format!("{x:.decimals$}");
            prop_assert_eq!(parse_number(s.as_bytes()).map(f64::to_bits), std_parse(&s).map(f64::to_bits), "{}", s);
        }

        #[test]
        fn digit_strings_equal_std_parse(int in "[+-]?[0-9]{0,12}", frac in "(\\.[0-9]{0,12})?") {
            let s = format!("{int}{frac}");
            prop_assert_eq!(parse_number(s.as_bytes()).map(f64::to_bits), std_parse(&s).map(f64::to_bits), "{}", s);
        }
    }

    #[test]
    fn edge_cases_equal_std_parse() {
        for s in [
            "-0",
            "0.",
            ".5",
            "+.5",
            "-",
            "+",
            ".",
            "1e5",
            "-2.5E-3",
            "inf",
            "-infinity",
            "9007199254740993",
            "123456789012345678901",
            "0.1234567890123456789012",
            "1.2.3",
            "1-2",
            " 1",
        ] {
            assert_eq!(
                parse_number(s.as_bytes()).map(f64::to_bits),
                std_parse(s).map(f64::to_bits),
                "{s}"
            );
        }
    }
}
