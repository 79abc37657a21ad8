//! Lossless numbers in shard rows: a float is written as the text of Rust's
//! shortest round-trip formatting (`"0.1"`, `"NaN"`, `"inf"`) and read back
//! with `str::parse`, which rounds correctly, so a pooled row is bit-for-bit
//! the row the shard computed (JSON numbers cannot hold NaN or infinities).

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An `f64` that survives a JSON round trip exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<f64>()
            .map(Num)
            .map_err(|_| D::Error::custom(format!("`{s}` is not a number")))
    }
}

/// Wrap a slice of floats.
pub fn nums(xs: &[f64]) -> Vec<Num> {
    xs.iter().copied().map(Num).collect()
}

/// Unwrap a slice of [`Num`].
pub fn floats(xs: &[Num]) -> Vec<f64> {
    xs.iter().map(|n| n.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_kind_of_float() {
        let xs = [
            0.1,
            -0.0,
            1e-310,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            std::f64::consts::PI,
            2.0f64.sqrt() * 1e200,
        ];
        let json = serde_json::to_string(&nums(&xs)).unwrap();
        let back: Vec<Num> = serde_json::from_str(&json).unwrap();
        for (a, b) in xs.iter().zip(floats(&back)) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        let nan: Num =
            serde_json::from_str(&serde_json::to_string(&Num(f64::NAN)).unwrap()).unwrap();
        assert!(nan.0.is_nan());
    }
}
