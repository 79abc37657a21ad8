//! Survey data: a columnar `Dataset` read from CSV, formulas, and the design
//! matrices estimators consume.
//!
//! [`Dataset`] holds named numeric and text columns (CSV or Parquet via
//! [`crate::columnar`]); a [`Formula`] names the outcome, the regressor
//! [`Term`]s, fixed effects and clusters; [`build_design`] and its variants
//! turn the two into a [`Design`] of complete cases (listwise deletion), the
//! one input every estimator takes. [`Subset`] filters rows, [`LqColumns`]
//! adds the location quotient of formula 13 as a column. Every failure is a
//! [`DataError`] naming the file, row, line and column.
#![deny(missing_docs)]

pub(crate) mod build;
mod csv_read;
pub(crate) mod dataset;
pub(crate) mod design;
pub(crate) mod error;
pub(crate) mod formula;
mod lines;
pub mod lq_columns;
mod plain_csv;
pub(crate) mod regressors;
mod source;
pub(crate) mod subset;

pub use build::{
    ColumnRef, LentDesign, build_design, build_design_borrowed, build_design_lent,
    build_design_owned, load_design,
};
pub use dataset::{Categorical, Column, Dataset, MISSING_TOKENS};
pub use design::{Clusters, Design};
pub use error::{DataError, RowLoc};
pub use formula::{Formula, Term};
pub(crate) use lq_columns::append_lq_column;
pub use lq_columns::{LqColumns, design_with, wanted_columns};
pub use regressors::{Columns, Regressors};
pub use subset::Subset;
