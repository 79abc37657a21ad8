//! The CSV reader through its file entry point (`Dataset::read_csv`): any
//! bytes give a dataset or an error, never a panic, abort or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migsim::data::Dataset;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("migsim-fuzz-{}.csv", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(ds) = Dataset::read_csv(&path) {
        assert!(ds.n_rows() >= 1);
    }
    let _ = std::fs::remove_file(&path);
});
