//! Memory estimates checked before a large allocation.
//!
//! A request such as `--agents 4294967294` or `replications = 10^12` is
//! refused before anything is allocated, with a message naming the value, the
//! estimated memory and the limit: the memory this machine has available
//! (`MemAvailable` of `/proc/meminfo`, falling back to `MemTotal`; when
//! neither can be read, 1 TiB, so the check still stops absurd requests).
//! Estimates are deliberately coarse (bytes per item times items, computed in
//! `u128` so they cannot overflow); they stop requests that cannot fit, not
//! requests that merely come close.
//!
//! Run time is checked the same way: a request whose estimated run time
//! exceeds a limit ([`DEFAULT_TIME_LIMIT_S`], 24 hours, unless the caller
//! raises it) is refused with the value, the estimate and the limit, so
//! `--t-end 1e12` stops at once instead of running for years.
#![deny(missing_docs)]

use std::fmt;

/// Fallback limit when the machine's memory cannot be read.
const UNKNOWN_LIMIT: u128 = 1 << 40;

/// A request that would not fit in memory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{what} = {value} needs about {need} of memory ({basis}); this machine has {limit} available"
)]
pub struct SizeError {
    /// The option or key, e.g. `--agents` or `replications`.
    pub what: String,
    /// The value asked for, as written.
    pub value: String,
    /// Estimated memory: bytes per item times items.
    pub need: Bytes,
    /// Memory available on this machine (or the 1 TiB fallback).
    pub limit: Bytes,
    /// How the estimate was formed, e.g. "24 bytes per agent".
    pub basis: String,
}

/// Default limit on a request's estimated run time: 24 hours.
pub const DEFAULT_TIME_LIMIT_S: f64 = 86_400.0;

/// A request whose estimated run time exceeds the limit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{what} = {value} needs about {need} of run time ({basis}); the limit is {limit} (raise it with {raise})"
)]
pub struct TimeError {
    /// The option or key, e.g. `--t-end`.
    pub what: String,
    /// The value asked for, as written.
    pub value: String,
    /// Estimated run time.
    pub need: Seconds,
    /// The run-time limit in force.
    pub limit: Seconds,
    /// How the estimate was formed, e.g. "3e12 events x 25 ns".
    pub basis: String,
    /// The option that raises the limit.
    pub raise: String,
}

/// A duration printed in the largest fitting unit (s, min, h, days, years).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Seconds(pub f64);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let units = [
            (365.25 * 86_400.0, "years"),
            (86_400.0, "days"),
            (3_600.0, "h"),
            (60.0, "min"),
        ];
        match units.iter().find(|(size, _)| s >= *size) {
            Some((size, name)) if s / size >= 1e6 => write!(f, "{:.1e} {name}", s / size),
            Some((size, name)) => write!(f, "{:.1} {name}", s / size),
            None => write!(f, "{s:.1} s"),
        }
    }
}

/// Refuse a request whose estimated run time `seconds` exceeds `limit`
/// seconds. `what`/`value` name the request, `basis` says how the estimate
/// was formed and `raise` names the option that raises the limit. A NaN
/// estimate counts as over the limit.
pub fn check_time(
    what: &str,
    value: impl fmt::Display,
    seconds: f64,
    basis: String,
    limit: f64,
    raise: &str,
) -> Result<(), TimeError> {
    if seconds <= limit {
        return Ok(());
    }
    Err(TimeError {
        what: what.to_string(),
        value: value.to_string(),
        need: Seconds(seconds),
        limit: Seconds(limit),
        basis,
        raise: raise.to_string(),
    })
}

/// An allocation that the memory estimate let through but the allocator
/// refused (e.g. memory taken by other processes meanwhile).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not allocate {what}: {count} x {each} bytes = {need} ({reason})")]
pub struct AllocError {
    /// What the memory was for, e.g. `agent states`.
    pub what: String,
    /// Number of items asked for.
    pub count: usize,
    /// Bytes per item.
    pub each: usize,
    /// `count × each`.
    pub need: Bytes,
    /// The allocator's message.
    pub reason: String,
}

/// An empty vector with room for `count` items, or an [`AllocError`]
/// naming `what` instead of aborting the process.
pub fn try_with_capacity<T>(what: &str, count: usize) -> Result<Vec<T>, AllocError> {
    let mut v = Vec::new();
    v.try_reserve_exact(count).map_err(|e| AllocError {
        what: what.to_string(),
        count,
        each: std::mem::size_of::<T>(),
        need: Bytes(count as u128 * std::mem::size_of::<T>() as u128),
        reason: e.to_string(),
    })?;
    Ok(v)
}

/// A byte count printed in binary units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bytes(pub u128);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        let mut x = self.0 as f64;
        let mut u = 0;
        while x >= 1024.0 && u + 1 < units.len() {
            x /= 1024.0;
            u += 1;
        }
        if u == 0 {
            write!(f, "{} B", self.0)
        } else {
            write!(f, "{x:.1} {}", units[u])
        }
    }
}

/// Bytes of memory this process may use: `MemAvailable` (else `MemTotal`)
/// from `/proc/meminfo`, or 1 TiB when that cannot be read.
pub fn memory_limit() -> u128 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            meminfo_field(&text, "MemAvailable:").or_else(|| meminfo_field(&text, "MemTotal:"))
        })
        .unwrap_or(UNKNOWN_LIMIT)
}

/// A `kB` field of `/proc/meminfo`, in bytes.
fn meminfo_field(text: &str, key: &str) -> Option<u128> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kb: u128 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Refuse `count` items of `bytes_each` (plus `fixed` bytes) when the total
/// exceeds [`memory_limit`]. `what`/`value` name the request, `unit` the item.
pub fn check_items(
    what: &str,
    value: impl fmt::Display,
    count: u128,
    bytes_each: u128,
    unit: &str,
) -> Result<(), SizeError> {
    check_against(what, value, count, bytes_each, unit, memory_limit())
}

/// [`check_items`] against an explicit limit (for tests).
pub fn check_against(
    what: &str,
    value: impl fmt::Display,
    count: u128,
    bytes_each: u128,
    unit: &str,
    limit: u128,
) -> Result<(), SizeError> {
    let need = count.saturating_mul(bytes_each);
    if need > limit {
        return Err(SizeError {
            what: what.to_string(),
            value: value.to_string(),
            need: Bytes(need),
            limit: Bytes(limit),
            basis: format!("{count} {unit} x {bytes_each} bytes"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_over_the_limit_naming_value_estimate_and_limit() {
        let e = check_against(
            "--agents",
            4_294_967_294u64,
            4_294_967_294,
            64,
            "agents",
            8 << 30,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("--agents = 4294967294"), "{e}");
        assert!(e.contains("256.0 GiB"), "{e}");
        assert!(e.contains("8.0 GiB available"), "{e}");
        assert!(check_against("--agents", 1000, 1000, 64, "agents", 8 << 30).is_ok());
        // No overflow on absurd products.
        assert!(check_against("reps", "1e30", u128::MAX / 2, 1 << 20, "reps", 1 << 30).is_err());
    }

    #[test]
    fn refuses_over_the_time_limit_naming_value_estimate_and_limit() {
        let e = check_time(
            "--t-end",
            1e12,
            4.0e12 * 25e-9,
            "4e12 events x 25 ns".into(),
            DEFAULT_TIME_LIMIT_S,
            "--max-hours",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("--t-end = 1000000000000"), "{e}");
        assert!(e.contains("about 1.2 days"), "{e}");
        assert!(e.contains("limit is 1.0 days"), "{e}");
        assert!(e.contains("--max-hours"), "{e}");
        let ok = check_time("x", 1, 10.0, String::new(), 60.0, "y");
        assert!(ok.is_ok());
        let nan = check_time("x", 1, f64::NAN, String::new(), 60.0, "y");
        assert!(nan.is_err());
    }

    #[test]
    fn an_impossible_allocation_is_an_error_not_an_abort() {
        let e = try_with_capacity::<u64>("agents", usize::MAX / 4).unwrap_err();
        assert_eq!(e.what, "agents");
        assert!(
            e.to_string().starts_with("could not allocate agents:"),
            "{e}"
        );
    }

    #[test]
    fn meminfo_is_parsed() {
        let text = "MemTotal:       16303412 kB\nMemFree: 1 kB\nMemAvailable:    8000000 kB\n";
        assert_eq!(meminfo_field(text, "MemAvailable:"), Some(8_000_000 * 1024));
        assert_eq!(meminfo_field(text, "MemTotal:"), Some(16_303_412 * 1024));
        assert!(memory_limit() > 0);
    }
}
