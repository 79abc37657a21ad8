//! Survey data: a columnar `Dataset` read from CSV, formulas, and the design
//! matrices estimators consume.

pub mod design;

pub use design::{Clusters, Design};
