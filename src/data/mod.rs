//! Survey data: a columnar `Dataset` read from CSV, formulas, and the design
//! matrices estimators consume.

pub mod build;
mod csv_read;
pub mod dataset;
pub mod design;
pub mod error;
pub mod formula;
mod lines;
pub mod lq_columns;
mod plain_csv;
mod source;
pub mod subset;

pub use build::{ColumnRef, build_design, build_design_borrowed, build_design_owned, load_design};
pub use dataset::{Categorical, Column, Dataset, MISSING_TOKENS};
pub use design::{Clusters, Design};
pub use error::{DataError, RowLoc};
pub use formula::{Formula, Term};
pub use lq_columns::{
    LQ_COLUMN, LqColumns, append_lq_column, design_with, load_design_with, wanted_columns,
};
pub use subset::Subset;
