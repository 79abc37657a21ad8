//! Formula parser (`--y`, `--x`, `--fe`, `--cluster`): the input is split on
//! NUL bytes into the four option values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migsim::data::Formula;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0');
    let y = parts.next().unwrap_or("");
    let x = parts.next();
    let fe = parts.next();
    let cluster = parts.next();
    let _ = Formula::parse(y, x, fe, cluster, true);
});
