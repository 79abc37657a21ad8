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
    pub value: String,
    pub need: Bytes,
    pub limit: Bytes,
    /// How the estimate was formed, e.g. "24 bytes per agent".
    pub basis: String,
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
    fn meminfo_is_parsed() {
        let text = "MemTotal:       16303412 kB\nMemFree: 1 kB\nMemAvailable:    8000000 kB\n";
        assert_eq!(meminfo_field(text, "MemAvailable:"), Some(8_000_000 * 1024));
        assert_eq!(meminfo_field(text, "MemTotal:"), Some(16_303_412 * 1024));
        assert!(memory_limit() > 0);
    }
}
