//! Formula + dataset -> [`Design`]: listwise deletion, `const`, terms,
//! fixed-effect dummies and dense cluster ids.
//!
//! Design column order: `const` (as statsmodels' `add_constant`), then the
//! terms in the order written, then for each `--fe` column one dummy per level
//! but the first, levels sorted (numerically for numeric columns, byte-wise for
//! text, as pandas/patsy sort them). Dummies are named `COL=value`; a numeric
//! value is printed in its shortest round-trip form, so an integer-valued level
//! reads `year=2016` (pandas' `get_dummies` on an int column gives `year_2016`;
//! patsy gives `C(year)[T.2016]`), and 2.5 reads `x=2.5`.

use std::borrow::Cow;
use std::path::Path;

use faer::Mat;
use rayon::prelude::*;

use super::dataset::{Categorical, Column, Dataset, parse_number};
use super::design::{Clusters, Design};
use super::error::{DataError, unknown_column};
use super::formula::{Formula, Term};
use super::lines::RowLines;
use super::regressors::Columns;
use crate::resources::{AllocError, Bytes};

/// Read only the columns `formula` uses from a CSV file and build its design.
pub fn load_design(path: &Path, formula: &Formula) -> Result<Design, DataError> {
    let ds = Dataset::read_csv_columns(path, &formula.columns())?;
    build_design_owned(ds, formula)
}

/// Build the design of `formula` on `ds`.
pub fn build_design(ds: &Dataset, formula: &Formula) -> Result<Design, DataError> {
    let (source, lines, cols) = ds.borrow_parts();
    Builder::new(source, lines, cols, formula)?.build()
}

/// Build the design, freeing each data column once the design has taken what
/// it needs from it (peak memory: the design plus the not-yet-used columns).
pub fn build_design_owned(ds: Dataset, formula: &Formula) -> Result<Design, DataError> {
    let (source, lines, cols) = ds.into_parts();
    Builder::new(source, lines, cols, formula)?.build()
}

/// A column lent to [`build_design_borrowed`]: numbers read in place from
/// the caller's memory (NaN = missing), or a column the caller built.
#[derive(Debug)]
pub enum ColumnRef<'a> {
    /// Numbers read where they lie; NaN marks a missing cell.
    Numbers(&'a [f64]),
    /// A column the caller built (text, or numbers it had to convert).
    Owned(Column),
}

/// Build the design of `formula` from columns held elsewhere (an Arrow
/// table): numeric columns are read where they lie, so the design matrix is
/// the first copy of the data. `source` names the data in error messages.
pub fn build_design_borrowed(
    source: &str,
    columns: Vec<(String, ColumnRef<'_>)>,
    formula: &Formula,
) -> Result<Design, DataError> {
    let cols = lent_cols(source, columns)?;
    Builder::from_cols(source.to_string(), RowLines::Memory, cols, formula)?.build()
}

/// A design built from lent columns: its regressors where they lie
/// ([`Columns`]) or, where that cannot be, as a matrix.
#[derive(Debug)]
pub enum LentDesign<'a> {
    /// Every term a plain column of complete, finite, non-constant numbers,
    /// no fixed effects: the columns used as they lie, the constant owned.
    Columns(Design<Columns<'a>>),
    /// Any other formula or data (products, fixed effects, dropped rows).
    Matrix(Design),
}

/// Like [`build_design_borrowed`], but where every term is a plain column
/// with no missing, infinite or constant values and the formula has no
/// fixed effects, the design's regressors are the lent columns themselves
/// (no copy; see [`LentDesign`]). The checks and errors are those of
/// [`build_design_borrowed`].
pub fn build_design_lent<'a>(
    source: &str,
    columns: Vec<(String, ColumnRef<'a>)>,
    formula: &Formula,
) -> Result<LentDesign<'a>, DataError> {
    let cols = lent_cols(source, columns)?;
    Builder::from_cols(source.to_string(), RowLines::Memory, cols, formula)?.build_lent()
}

/// The columns as the builder holds them, all of one length.
fn lent_cols<'a>(
    source: &str,
    columns: Vec<(String, ColumnRef<'a>)>,
) -> Result<Vec<(String, Col<'a>)>, DataError> {
    let n_rows = columns.first().map_or(0, |(_, c)| c.len());
    if let Some((name, c)) = columns.iter().find(|(_, c)| c.len() != n_rows) {
        return Err(DataError::LengthMismatch {
            file: source.to_string(),
            column: name.clone(),
            expected: n_rows,
            found: c.len(),
        });
    }
    Ok(columns
        .into_iter()
        .map(|(name, c)| {
            let col = match c {
                ColumnRef::Numbers(v) => Col::Num(Cow::Borrowed(v)),
                ColumnRef::Owned(c) => Col::from(Cow::Owned(c)),
            };
            (name, col)
        })
        .collect())
}

impl ColumnRef<'_> {
    fn len(&self) -> usize {
        match self {
            ColumnRef::Numbers(v) => v.len(),
            ColumnRef::Owned(c) => c.len(),
        }
    }
}

/// A formula column inside the builder: numbers or text, borrowed or owned.
enum Col<'a> {
    Num(Cow<'a, [f64]>),
    Cat(Cow<'a, Categorical>),
}

impl<'a> From<Cow<'a, Column>> for Col<'a> {
    fn from(c: Cow<'a, Column>) -> Col<'a> {
        match c {
            Cow::Borrowed(Column::Numeric(v)) => Col::Num(Cow::Borrowed(v)),
            Cow::Borrowed(Column::Categorical(c)) => Col::Cat(Cow::Borrowed(c)),
            Cow::Owned(Column::Numeric(v)) => Col::Num(Cow::Owned(v)),
            Cow::Owned(Column::Categorical(c)) => Col::Cat(Cow::Owned(c)),
        }
    }
}

impl Col<'_> {
    fn len(&self) -> usize {
        match self {
            Col::Num(v) => v.len(),
            Col::Cat(c) => c.codes.len(),
        }
    }

    fn is_missing(&self, i: usize) -> bool {
        match self {
            Col::Num(v) => v[i].is_nan(),
            Col::Cat(c) => c.codes[i] == super::dataset::MISSING_CODE,
        }
    }

    /// Whether any cell is missing (NaN or the missing code), and a numeric
    /// column's `(min, max)`, in one pass ([`crate::numeric::reduce::min_max_nan`]).
    fn scan(&self) -> (bool, Option<(f64, f64)>) {
        match self {
            Col::Num(v) => {
                let (lo, hi, nan) = crate::numeric::reduce::min_max_nan(v);
                (nan, Some((lo, hi)))
            }
            Col::Cat(_) => (self.any_missing(), None),
        }
    }

    /// Whether any cell is missing (NaN or the missing code), scanned in
    /// fixed chunks without an early exit inside a chunk (vectorised).
    fn any_missing(&self) -> bool {
        const CHUNK: usize = 1024;
        match self {
            Col::Num(v) => v
                .chunks(CHUNK)
                .any(|c| c.iter().fold(false, |m, x| m | x.is_nan())),
            Col::Cat(c) => c.codes.chunks(CHUNK).any(|c| {
                c.iter()
                    .fold(false, |m, &code| m | (code == super::dataset::MISSING_CODE))
            }),
        }
    }

    fn all_missing(&self) -> bool {
        (0..self.len()).all(|i| self.is_missing(i))
    }
}

/// Every coefficient name must be unique, or results would hold two rows of
/// the same name: a data column `const` beside the intercept, or factor levels
/// whose bytes differ only where they are not UTF-8 (both shown as U+FFFD).
fn check_unique_names(file: &str, names: &[String]) -> Result<(), DataError> {
    for (j, name) in names.iter().enumerate() {
        if let Some(first) = names[..j].iter().position(|n| n == name) {
            let cause = if name == "const" {
                "a data column named `const` beside the intercept; rename the column".to_string()
            } else if name.contains('\u{FFFD}') {
                "factor levels that differ only in bytes that are not valid UTF-8 (shown as \u{FFFD}); \
                 re-encode the file as UTF-8"
                    .to_string()
            } else {
                "two terms or levels print the same; rename one".to_string()
            };
            return Err(DataError::DuplicateName {
                file: file.to_string(),
                name: name.clone(),
                first: first + 1,
                second: j + 1,
                cause,
            });
        }
    }
    Ok(())
}

struct Builder<'a, 'f> {
    file: String,
    lines: RowLines,
    formula: &'f Formula,
    /// The formula's columns, in `Formula::columns` order.
    names: Vec<&'f str>,
    cols: Vec<Col<'a>>,
    /// Complete-case rows (`None`: every row is complete).
    rows: Option<Vec<usize>>,
    /// `(min, max)` of each numeric column, from the missing-value scan
    /// when every row is complete (empty otherwise).
    ranges: Vec<Option<(f64, f64)>>,
    n: usize,
    n_dropped: usize,
}

impl<'a, 'f> Builder<'a, 'f> {
    fn new(
        file: String,
        lines: RowLines,
        all: Vec<(String, Cow<'a, Column>)>,
        formula: &'f Formula,
    ) -> Result<Self, DataError> {
        let all = all.into_iter().map(|(n, c)| (n, Col::from(c))).collect();
        Self::from_cols(file, lines, all, formula)
    }

    fn from_cols(
        file: String,
        lines: RowLines,
        mut all: Vec<(String, Col<'a>)>,
        formula: &'f Formula,
    ) -> Result<Self, DataError> {
        let names = formula.columns();
        let mut cols = Vec::with_capacity(names.len());
        for name in &names {
            let Some(j) = all.iter().position(|(n, _)| n == name) else {
                let avail: Vec<String> = all.iter().map(|(n, _)| n.clone()).collect();
                return Err(unknown_column(&file, name, &avail));
            };
            cols.push(std::mem::replace(&mut all[j].1, empty()));
        }
        drop(all);
        let mut b = Builder {
            file,
            lines,
            formula,
            names,
            cols,
            rows: None,
            ranges: Vec::new(),
            n: 0,
            n_dropped: 0,
        };
        b.check_columns()?;
        b.complete_cases()?;
        Ok(b)
    }

    fn build(mut self) -> Result<Design, DataError> {
        let f = self.formula;
        let y = self.gather(self.idx(&f.y)).into_owned();
        self.check_finite(&y, &f.y, &f.y)?;
        self.release_after(Stage::Y);
        let fe_levels: Vec<(usize, Vec<Level>)> =
            f.fe.iter()
                .map(|c| self.fe_levels(c))
                .collect::<Result<_, _>>()?;
        let k = usize::from(f.intercept)
            + f.x_terms.len()
            + fe_levels.iter().map(|(_, l)| l.len() - 1).sum::<usize>();
        let n = self.n;
        let mut x = Mat::<f64>::new();
        x.try_reserve(n, k).map_err(|e| AllocError {
            what: "the design matrix".into(),
            count: n.saturating_mul(k),
            each: 8,
            need: Bytes(n as u128 * k as u128 * 8),
            reason: format!("{e:?}"),
        })?;
        advise_huge_pages(&mut x, n * k);
        let mut names = Vec::with_capacity(k);
        let plain = self.checked_plain_terms();
        if let Some(sources) = &plain {
            // Every term a plain column already checked: all of them (and
            // the constant) copied at once, columns and row chunks in parallel.
            let mut all: Vec<Option<&[f64]>> = Vec::with_capacity(sources.len() + 1);
            if f.intercept {
                all.push(None);
                names.push("const".to_string());
            }
            all.extend(sources.iter().map(|v| Some(&v[..])));
            names.extend(f.x_terms.iter().map(|t| t.name.clone()));
            fill_parallel(&mut x, n, &all);
        } else if f.intercept {
            push_col(&mut x, n, |_| 1.0);
            names.push("const".to_string());
        }
        let filled = plain.is_some();
        drop(plain);
        if let Some(last) = f.x_terms.len().checked_sub(1)
            && filled
        {
            self.release_after(Stage::Term(last));
        }
        for (t, term) in f.x_terms.iter().enumerate().filter(|_| !filled) {
            if let Some(j) = self.checked_plain(term) {
                // A plain column whose range the missing-value scan found:
                // finite and not constant already, so only the copy is left.
                let v = self.gather(j);
                push_col(&mut x, n, |i| v[i]);
                drop(v);
                names.push(term.name.clone());
                self.release_after(Stage::Term(t));
                continue;
            }
            let mut v: Cow<'_, [f64]> = Cow::Borrowed(&[]);
            for (p, c) in term.factors.iter().enumerate() {
                let w = self.gather(self.idx(c));
                self.check_finite(&w, c, &term.name)?;
                if p == 0 {
                    v = w;
                } else {
                    v.to_mut()
                        .iter_mut()
                        .zip(w.iter())
                        .for_each(|(a, b)| *a *= b);
                }
            }
            self.check_not_constant(&v, &term.name)?;
            push_col(&mut x, n, |i| v[i]);
            drop(v);
            names.push(term.name.clone());
            self.release_after(Stage::Term(t));
        }
        for (e, (codes_col, levels)) in fe_levels.iter().enumerate() {
            let col = &f.fe[e];
            let level_of = self.level_index(*codes_col, levels);
            for (l, level) in levels.iter().enumerate().skip(1) {
                push_col(&mut x, n, |i| f64::from(u8::from(level_of[i] == l as u32)));
                names.push(format!("{col}={}", level.label));
            }
            self.release_after(Stage::Fe(e));
        }
        check_unique_names(&self.file, &names)?;
        let clusters = match &f.cluster {
            Some(c) => Some(self.clusters(c)?),
            None => None,
        };
        Ok(Design {
            y_name: f.y.clone(),
            y,
            x,
            names,
            clusters,
            n_dropped: self.n_dropped,
        })
    }

    /// [`build_design_lent`]: the lent columns as the regressors where
    /// [`Self::lent_terms`] has them, else [`Self::build`].
    fn build_lent(mut self) -> Result<LentDesign<'a>, DataError> {
        let Some(terms) = self.lent_terms() else {
            return self.build().map(LentDesign::Matrix);
        };
        let f = self.formula;
        let y = self.gather(self.idx(&f.y)).into_owned();
        self.check_finite(&y, &f.y, &f.y)?;
        let n = self.n;
        let mut cols = Vec::with_capacity(terms.len() + 1);
        let mut names = Vec::with_capacity(terms.len() + 1);
        if f.intercept {
            cols.push(Cow::Owned(vec![1.0; n]));
            names.push("const".to_string());
        }
        cols.extend(terms);
        names.extend(f.x_terms.iter().map(|t| t.name.clone()));
        check_unique_names(&self.file, &names)?;
        let clusters = match &f.cluster {
            Some(c) => Some(self.clusters(c)?),
            None => None,
        };
        let x = Columns::new(n, cols).map_err(|(j, found)| DataError::LengthMismatch {
            file: self.file.clone(),
            column: names[j].clone(),
            expected: n,
            found,
        })?;
        Ok(LentDesign::Columns(Design {
            y_name: f.y.clone(),
            y,
            x,
            names,
            clusters,
            n_dropped: self.n_dropped,
        }))
    }

    /// Each term's column as lent (no copy) when there are no fixed
    /// effects, no row was dropped and every term is a plain numeric column
    /// whose range the missing-value scan found finite and not constant;
    /// `None` otherwise.
    fn lent_terms(&self) -> Option<Vec<Cow<'a, [f64]>>> {
        if !self.formula.fe.is_empty() || self.rows.is_some() {
            return None;
        }
        self.formula
            .x_terms
            .iter()
            .map(|term| match &self.cols[self.checked_plain(term)?] {
                Col::Num(v) => Some(v.clone()),
                Col::Cat(_) => None,
            })
            .collect()
    }

    /// The column of `term` when it is a plain column whose range the
    /// missing-value scan found finite and not constant.
    fn checked_plain(&self, term: &Term) -> Option<usize> {
        let [c] = &term.factors[..] else {
            return None;
        };
        let j = self.idx(c);
        match self.ranges.get(j).copied() {
            Some(Some((lo, hi))) if lo.is_finite() && hi.is_finite() && lo < hi => Some(j),
            _ => None,
        }
    }

    /// Each term's column when every term is a plain column whose range the
    /// missing-value scan found finite and not constant (no row dropped);
    /// `None` otherwise.
    fn checked_plain_terms(&self) -> Option<Vec<Cow<'_, [f64]>>> {
        self.formula
            .x_terms
            .iter()
            .map(|term| self.checked_plain(term).map(|j| self.gather(j)))
            .collect()
    }

    fn idx(&self, name: &str) -> usize {
        self.names.iter().position(|n| *n == name).unwrap_or(0)
    }

    /// All-missing and (for numeric roles) non-numeric columns.
    fn check_columns(&mut self) -> Result<(), DataError> {
        let f = self.formula;
        let numeric_roles = std::iter::once((f.y.as_str(), f.y.as_str())).chain(
            f.x_terms
                .iter()
                .flat_map(|t| t.factors.iter().map(move |c| (c.as_str(), t.name.as_str()))),
        );
        for (j, col) in self.cols.iter().enumerate() {
            if col.all_missing() {
                return Err(DataError::AllMissing {
                    file: self.file.clone(),
                    column: self.names[j].to_string(),
                });
            }
        }
        for (c, term) in numeric_roles {
            let j = self.idx(c);
            if let Col::Cat(cat) = &self.cols[j] {
                let numeric = self.as_numeric(cat, c, term)?;
                self.cols[j] = Col::Num(Cow::Owned(numeric));
            }
        }
        Ok(())
    }

    /// A text column used as a number: an error at its first non-numeric
    /// cell, or (all levels numeric, e.g. built in memory) its parsed values.
    fn as_numeric(
        &self,
        cat: &Categorical,
        column: &str,
        term: &str,
    ) -> Result<Vec<f64>, DataError> {
        if let Some((i, value)) = cat.first_non_numeric() {
            return Err(DataError::NonNumeric {
                file: self.file.clone(),
                column: column.to_string(),
                term: term.to_string(),
                loc: self.lines.loc(i),
                value: value.to_string(),
            });
        }
        let parsed: Vec<f64> = cat
            .levels
            .iter()
            .map(|l| parse_number(l.trim().as_bytes()).unwrap_or(f64::NAN))
            .collect();
        Ok(cat
            .codes
            .iter()
            .map(|&c| parsed.get(c as usize).copied().unwrap_or(f64::NAN))
            .collect())
    }

    /// Listwise deletion over every column of the formula.
    fn complete_cases(&mut self) -> Result<(), DataError> {
        let n_rows = self.cols.first().map_or(0, |c| c.len());
        // Most data have no missing cell: one branch-free scan per column,
        // the columns in parallel, settles that before any row mask is built,
        // and gives each numeric column's range on the way.
        let scans: Vec<(bool, Option<(f64, f64)>)> = self.cols.par_iter().map(Col::scan).collect();
        if !scans.iter().any(|s| s.0) {
            self.n = n_rows;
            self.ranges = scans.into_iter().map(|s| s.1).collect();
            return Ok(());
        }
        // Missing rows marked column by column (a vectorised pass each).
        let mut missing = vec![false; n_rows];
        for c in &self.cols {
            match c {
                Col::Num(v) => missing
                    .iter_mut()
                    .zip(v.iter())
                    .for_each(|(m, x)| *m |= x.is_nan()),
                Col::Cat(cat) => missing
                    .iter_mut()
                    .zip(&cat.codes)
                    .for_each(|(m, &code)| *m |= code == super::dataset::MISSING_CODE),
            }
        }
        let complete = |i: usize| !missing[i];
        let dropped = missing.iter().filter(|&&m| m).count();
        if dropped == n_rows {
            return Err(DataError::NoCompleteCases {
                file: self.file.clone(),
                dropped,
                columns: self.names.join(", "),
            });
        }
        if dropped > 0 {
            self.rows = Some((0..n_rows).filter(|&i| complete(i)).collect());
        }
        self.n = n_rows - dropped;
        self.n_dropped = dropped;
        Ok(())
    }

    /// Original row index of complete case `i`.
    fn row(&self, i: usize) -> usize {
        self.rows.as_ref().map_or(i, |r| r[i])
    }

    /// Complete-case values of numeric column `j`.
    /// Column `j` over the complete cases: borrowed when every row is one.
    fn gather(&self, j: usize) -> Cow<'_, [f64]> {
        let Col::Num(v) = &self.cols[j] else {
            return Cow::Owned(vec![f64::NAN; self.n]);
        };
        match &self.rows {
            None => Cow::Borrowed(&v[..]),
            Some(rows) => Cow::Owned(rows.iter().map(|&r| v[r]).collect()),
        }
    }

    fn check_finite(&self, v: &[f64], column: &str, term: &str) -> Result<(), DataError> {
        match v.iter().position(|x| x.is_infinite()) {
            None => Ok(()),
            Some(i) => Err(DataError::NonFinite {
                file: self.file.clone(),
                column: column.to_string(),
                term: term.to_string(),
                loc: self.lines.loc(self.row(i)),
                value: v[i],
            }),
        }
    }

    fn check_not_constant(&self, v: &[f64], term: &str) -> Result<(), DataError> {
        let (lo, hi) = crate::numeric::reduce::min_max(v);
        if lo < hi {
            return Ok(());
        }
        Err(DataError::Constant {
            file: self.file.clone(),
            column: term.to_string(),
            value: format!("{lo}"),
            n: self.n,
        })
    }

    /// Sorted levels of a fixed-effect or cluster column over the complete cases.
    fn levels(&self, j: usize) -> Vec<Level> {
        match &self.cols[j] {
            Col::Num(_) => {
                let mut v = self.gather(j).into_owned();
                v.iter_mut().for_each(|x| *x += 0.0);
                v.sort_by(f64::total_cmp);
                v.dedup_by(|a, b| a.total_cmp(b).is_eq());
                v.into_iter()
                    .map(|x| Level {
                        label: format!("{x}"),
                        key: Key::Num(x),
                    })
                    .collect()
            }
            Col::Cat(cat) => {
                let mut seen = vec![false; cat.levels.len()];
                for i in 0..self.n {
                    if let Some(s) = seen.get_mut(cat.codes[self.row(i)] as usize) {
                        *s = true;
                    }
                }
                (0..cat.levels.len())
                    .filter(|&c| seen[c])
                    .map(|c| Level {
                        label: cat.levels[c].clone(),
                        key: Key::Code(c as u32),
                    })
                    .collect()
            }
        }
    }

    fn fe_levels(&self, column: &str) -> Result<(usize, Vec<Level>), DataError> {
        let j = self.idx(column);
        let levels = self.levels(j);
        if levels.len() < 2 {
            return Err(DataError::Constant {
                file: self.file.clone(),
                column: column.to_string(),
                value: levels.first().map_or(String::new(), |l| l.label.clone()),
                n: self.n,
            });
        }
        Ok((j, levels))
    }

    /// Position in `levels` of each complete case's value of column `j`.
    fn level_index(&self, j: usize, levels: &[Level]) -> Vec<u32> {
        let find = |key: Key| {
            levels
                .binary_search_by(|l| l.key.cmp(&key))
                .map_or(u32::MAX, |p| p as u32)
        };
        match &self.cols[j] {
            Col::Num(v) => (0..self.n)
                .map(|i| find(Key::Num(v[self.row(i)] + 0.0)))
                .collect(),
            Col::Cat(cat) => (0..self.n)
                .map(|i| find(Key::Code(cat.codes[self.row(i)])))
                .collect(),
        }
    }

    fn clusters(&mut self, column: &str) -> Result<Clusters, DataError> {
        let j = self.idx(column);
        let levels = self.levels(j);
        let ids = self.level_index(j, &levels);
        self.release_after(Stage::Cluster);
        Ok(Clusters {
            variable: column.to_string(),
            ids,
            groups: levels.len(),
        })
    }

    /// Drop the owned data of columns no later stage reads.
    fn release_after(&mut self, done: Stage) {
        for j in 0..self.cols.len() {
            let name = self.names[j];
            if last_use(self.formula, name) <= done {
                self.cols[j] = empty();
            }
        }
    }
}

/// Build steps in order; a column is freed after its last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Y,
    Term(usize),
    Fe(usize),
    Cluster,
}

fn last_use(f: &Formula, column: &str) -> Stage {
    if f.cluster.as_deref() == Some(column) {
        return Stage::Cluster;
    }
    if let Some(e) = f.fe.iter().rposition(|c| c == column) {
        return Stage::Fe(e);
    }
    if let Some(t) = f
        .x_terms
        .iter()
        .rposition(|t| t.factors.iter().any(|c| c == column))
    {
        return Stage::Term(t);
    }
    Stage::Y
}

/// One level of a fixed-effect or cluster column.
struct Level {
    label: String,
    key: Key,
}

/// Sort key of a level: the number, or the sorted-level code of a text column.
#[derive(Debug, Clone, Copy)]
enum Key {
    Num(f64),
    Code(u32),
}

impl Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        match (self, other) {
            (Key::Num(a), Key::Num(b)) => a.total_cmp(b),
            (Key::Code(a), Key::Code(b)) => a.cmp(b),
            (Key::Num(_), Key::Code(_)) => std::cmp::Ordering::Less,
            (Key::Code(_), Key::Num(_)) => std::cmp::Ordering::Greater,
        }
    }
}

fn empty() -> Col<'static> {
    Col::Num(Cow::Owned(Vec::new()))
}

/// Ask the kernel to back the `len` reserved, still untouched values of `x`
/// with transparent huge pages (`madvise(MADV_HUGEPAGE)`, Linux), so that
/// filling a design of tens of megabytes takes a few dozen page faults
/// instead of thousands; a hint only, whatever the kernel answers.
fn advise_huge_pages(x: &mut Mat<f64>, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        const PAGE: usize = 4096;
        if len * 8 < 4 * HUGE {
            return;
        }
        let start = x.as_ptr_mut() as usize;
        let first = start.div_ceil(PAGE) * PAGE;
        let end = (start + len * 8) / PAGE * PAGE;
        if end > first {
            // SAFETY: [first, end) lies inside the allocation reserved for
            // `x` (page-aligned inward); MADV_HUGEPAGE changes no contents.
            unsafe {
                libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
            }
        }
    }
}

/// The design's first columns, written in parallel into the still empty `x`
/// (reserved for `n` rows and at least `cols.len()` columns): column `c`
/// is `cols[c]` (`None`: the constant 1). Each worker writes chunks of one
/// column, so the fresh pages are also first touched (and cleared by the
/// kernel) on both cores.
fn fill_parallel(x: &mut Mat<f64>, n: usize, cols: &[Option<&[f64]>]) {
    const CHUNK: usize = 1 << 16;
    /// The reserved buffer, written at disjoint places by the workers.
    struct Buffer(*mut f64);
    // SAFETY: the workers write disjoint elements and nothing reads the
    // buffer until they have all finished.
    unsafe impl Sync for Buffer {}
    impl Buffer {
        fn at(&self, i: usize) -> *mut f64 {
            self.0.wrapping_add(i)
        }
    }
    debug_assert!(
        x.nrows() == 0 && x.ncols() == 0,
        "fill_parallel needs an empty matrix"
    );
    let stride = x.col_stride().unsigned_abs();
    let buf = Buffer(x.as_ptr_mut());
    let chunks = n.div_ceil(CHUNK).max(1);
    (0..cols.len() * chunks).into_par_iter().for_each(|t| {
        let (c, r0) = (t / chunks, (t % chunks) * CHUNK);
        let r1 = (r0 + CHUNK).min(n);
        let dst = buf.at(c * stride + r0);
        for r in r0..r1 {
            let v = cols[c].map_or(1.0, |s| s[r]);
            // SAFETY: `c < cols.len() <= ` the reserved columns and `r < n <=`
            // the reserved rows, so the element lies inside the allocation.
            unsafe { dst.add(r - r0).write(v) };
        }
    });
    // SAFETY: every element of the first `cols.len()` columns and `n` rows
    // was written above.
    unsafe { x.set_dims(n, cols.len()) };
}

/// Append a column of `n` rows to `x`, touching only that column's memory.
fn push_col(x: &mut Mat<f64>, n: usize, value: impl Fn(usize) -> f64) {
    let k = x.ncols();
    x.resize_with(n, k + 1, |i, _| value(i));
}
