//! `exp` and `ln(1 + a)` on eight values at once, written as plain loops
//! over arrays so that they inline into their caller and vectorise for the
//! instruction set it is compiled for (the AVX-512 and AVX2 builds of
//! [`crate::estimate`]'s binary pass, chosen at run time).
//!
//! Hand-written because the vector libraries' versions (`wide`) pick their
//! instruction set when *they* are compiled (the x86-64 baseline in a
//! portable build) and run as out-of-line SSE2 calls from AVX code, which
//! measured slower than the rest of a gradient pass together. The methods
//! are the textbook ones: Cody–Waite reduction with a degree-13 Taylor
//! polynomial for `exp` (Muller, *Elementary Functions*, 2016, ch. 11), and
//! fdlibm's `log1p` (Sun Microsystems 1993: `log(u)` of `u = 1 + a` from
//! `s = f / (2 + f)` and its minimax series, plus the correction
//! `(a - (u - 1)) / u` for the rounding of `u`). Both are within 2 ulp of the
//! correctly rounded result on their domains (tested against `std`).

// The constants are written as fdlibm publishes them.
#![allow(clippy::excessive_precision)]

/// Values per call.
pub(crate) const N: usize = 8;
/// `ln 2` split so that `k * LN2_HI` is exact for `|k| < 2^11` (fdlibm).
const LN2_HI: f64 = 6.931_471_803_691_238_164_9e-1;
/// `ln 2 - LN2_HI`.
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;

/// `exp(x)` for `x <= 0` (inputs below -708 are taken as -708, whose
/// `exp` is 3.3e-308; a logit term with so small an `a` is `a`-free; NaN
/// gives NaN).
#[inline(always)]
pub(crate) fn exp_nonpositive(x: [f64; N]) -> [f64; N] {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    // 1.5 * 2^52: adding it rounds to an integer held in the low mantissa bits.
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    const INV_FACT: [f64; 14] = [
        1.0,
        1.0,
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    let mut out = [0.0; N];
    for l in 0..N {
        // Written so that a NaN passes through (`f64::max` would drop it).
        let x = if x[l] < -708.0 { -708.0 } else { x[l] };
        let t = x * LOG2E + MAGIC;
        let k = t - MAGIC;
        let r = (x - k * LN2_HI) - k * LN2_LO;
        let mut p = INV_FACT[13];
        for c in INV_FACT[..13].iter().rev() {
            p = p * r + c;
        }
        // 2^k from k's bits in t: (k + 1023) << 52 once the rest shifts out.
        let scale = f64::from_bits(t.to_bits().wrapping_add(1023) << 52);
        out[l] = p * scale;
    }
    out
}

/// `ln(1 + a)` for `0 <= a <= 1` and `1 / (1 + a)`: the reciprocal, which
/// the correction term needs anyway, comes for the logit's `Lambda` too
/// (one division fewer a lane than computing it apart).
#[inline(always)]
pub(crate) fn ln_1p_unit_recip(a: [f64; N]) -> ([f64; N], [f64; N]) {
    const SQRT2: f64 = std::f64::consts::SQRT_2;
    const LG: [f64; 7] = [
        6.666_666_666_666_735_130e-1,
        3.999_999_999_940_941_908e-1,
        2.857_142_874_366_239_149e-1,
        2.222_219_843_214_978_396e-1,
        1.818_357_216_161_805_012e-1,
        1.531_383_769_920_937_332e-1,
        1.479_819_860_511_658_591e-1,
    ];
    let mut out = [0.0; N];
    let mut recip = [0.0; N];
    for l in 0..N {
        let a = a[l];
        let u = 1.0 + a;
        recip[l] = 1.0 / u;
        // Rounding of u, carried as a first-order correction (a few ulp of
        // u at most, so its own rounding through the reciprocal is far
        // below the result's ulp).
        let c = (a - (u - 1.0)) * recip[l];
        let high = u > SQRT2;
        let e = if high { 1.0 } else { 0.0 };
        let m = if high { 0.5 * u } else { u };
        let f = m - 1.0;
        let s = f / (2.0 + f);
        let z = s * s;
        let mut r = LG[6];
        for g in LG[..6].iter().rev() {
            r = r * z + g;
        }
        let r = r * z;
        let hfsq = 0.5 * f * f;
        out[l] = e * LN2_HI + (f - (hfsq - (s * (hfsq + r) + (e * LN2_LO + c))));
    }
    (out, recip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn ulps(got: f64, want: f64) -> f64 {
        if got == want {
            return 0.0;
        }
        (got - want).abs() / (want.abs() * f64::EPSILON).max(f64::MIN_POSITIVE)
    }

    /// Over 16 seeds of 8,192 values each (uniform over the domain and
    /// log-uniform towards 0), both functions are within 2 ulp of `std`'s.
    #[test]
    fn both_functions_are_within_two_ulp_of_std() {
        for seed in 0..16u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for _ in 0..1024 {
                let x: [f64; N] = std::array::from_fn(|l| {
                    if l % 2 == 0 {
                        -rng.random_range(0.0..700.0)
                    } else {
                        -(10f64).powf(rng.random_range(-12.0..2.5))
                    }
                });
                let a: [f64; N] = std::array::from_fn(|l| {
                    if l % 2 == 0 {
                        rng.random_range(0.0..=1.0)
                    } else {
                        (10f64).powf(rng.random_range(-300.0..0.0))
                    }
                });
                let (ex, (lp, rc)) = (exp_nonpositive(x), ln_1p_unit_recip(a));
                for l in 0..N {
                    let u = ulps(ex[l], x[l].exp());
                    assert!(u <= 2.0, "seed {seed}: exp({}) off by {u} ulp", x[l]);
                    let u = ulps(lp[l], a[l].ln_1p());
                    assert!(u <= 2.0, "seed {seed}: ln_1p({}) off by {u} ulp", a[l]);
                    assert_eq!(rc[l], 1.0 / (1.0 + a[l]), "seed {seed}: 1 / (1 + {})", a[l]);
                }
            }
        }
    }

    /// The edges: exp(0) = 1, exp(-708) is finite and positive,
    /// ln(1 + 0) = 0, ln(1 + 1) = ln 2, ln(1 + a) = a below 1e-17, and a
    /// NaN stays NaN.
    #[test]
    fn the_edges_are_exact() {
        let ex = exp_nonpositive([0.0, -708.0, -1e-300, -800.0, f64::NAN, -1.0, -2.0, -3.0]);
        assert!(ex[4].is_nan());
        assert!(ln_1p_unit_recip([f64::NAN; N]).0[0].is_nan());
        assert_eq!(ex[0], 1.0);
        assert!(ex[1] > 0.0 && ex[1] < 1e-307);
        assert_eq!(ex[2], 1.0);
        assert_eq!(ex[3], ex[1]);
        let (lp, _) = ln_1p_unit_recip([0.0, 1.0, 1e-18, 1e-300, 0.5, 0.25, 0.75, 0.125]);
        assert_eq!(lp[0], 0.0);
        assert!(ulps(lp[1], std::f64::consts::LN_2) <= 1.0);
        assert_eq!(lp[2], 1e-18);
        assert_eq!(lp[3], 1e-300);
    }
}
