//! Calibration of the studies to their published tables by indirect inference.

pub mod file;

pub use file::{CalibratedFileError, CalibrationTable};
