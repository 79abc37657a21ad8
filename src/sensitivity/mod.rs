//! Global sensitivity analysis: which parameters drive an output.
//!
//! * `design`: Saltelli (2010) and Morris (1991) sample designs, each row
//!   computable on its own (shards compute slices of rows; the summaries
//!   pool them);
//! * `sobol`: first-order and total Sobol indices (Saltelli 2010 /
//!   Jansen 1999 estimators) with bootstrap intervals;
//! * `morris`: elementary effects, mu* and sigma;
//! * [`scenario`]: both applied to a scenario's levels and effects;
//! * `report::sensitivity_files`: sensitivity.json, indices.csv, design.csv and
//!   reports (the report layer, above this one).

pub(crate) mod design;
pub(crate) mod error;
pub(crate) mod morris;
pub(crate) mod noise;
pub(crate) mod pipeline;
pub mod scenario;
pub(crate) mod sobol;

pub use design::{Bounds, MorrisDesign, SaltelliDesign};
pub use morris::{MorrisIndex, morris_indices};
pub use pipeline::analyse;
pub use scenario::{Analysis, IndexRow, Method};
pub use sobol::{SaltelliOutputs, SobolIndex, sobol_indices};
