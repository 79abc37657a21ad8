//! Reductions over long `f64` slices written so the compiler can keep
//! several independent accumulators in registers (and vectorise them): a
//! single running `min`, `max` or sum is a chain of dependent operations,
//! one latency per element.
//!
//! Minimum and maximum are exact in any order, so [`min_max`] equals the
//! sequential fold bit for bit; [`dot`] adds in four interleaved lanes, a
//! fixed order, so it is deterministic but may differ from the sequential
//! sum in the last bits.

/// Independent accumulators per reduction.
const LANES: usize = 4;

/// `(min, max)` of the non-NaN values of `v` (`(+inf, -inf)` when there are
/// none), as `fold(min)` and `fold(max)` give.
pub fn min_max(v: &[f64]) -> (f64, f64) {
    let (lo, hi, _) = min_max_nan(v);
    (lo, hi)
}

crate::numeric::simd::dispatched!(
    /// [`min_max`] and whether any value is NaN, in one pass (eight lanes,
    /// compiled for the best instruction set of the CPU).
    fn min_max_nan_lanes(v: &[f64]) -> (f64, f64, bool) => min_max_nan_body
);

/// [`min_max`] and whether any value is NaN, in one pass.
pub fn min_max_nan(v: &[f64]) -> (f64, f64, bool) {
    min_max_nan_lanes(v)
}

#[inline(always)]
fn min_max_nan_body<const FAST: bool>(v: &[f64]) -> (f64, f64, bool) {
    const L: usize = 8;
    let mut lo = [f64::INFINITY; L];
    let mut hi = [f64::NEG_INFINITY; L];
    let mut nan = [false; L];
    let chunks = v.chunks_exact(L);
    let rest = chunks.remainder();
    for c in chunks {
        for l in 0..L {
            lo[l] = if c[l] < lo[l] { c[l] } else { lo[l] };
            hi[l] = if c[l] > hi[l] { c[l] } else { hi[l] };
            nan[l] |= c[l].is_nan();
        }
    }
    let mut out = (f64::INFINITY, f64::NEG_INFINITY);
    for (&a, &b) in lo.iter().zip(&hi).chain(rest.iter().zip(rest)) {
        out = (out.0.min(a), out.1.max(b));
    }
    let any_nan = nan.iter().any(|&m| m) || rest.iter().any(|x| x.is_nan());
    (out.0, out.1, any_nan)
}

crate::numeric::simd::dispatched!(
    /// `sum_i v_i^2` and the `(min, max)` of `v` over the rows where
    /// `y > 0.5` holds and where it does not:
    /// `(sum of squares, [(min, max) where y <= 0.5, (min, max) where y > 0.5])`,
    /// over the common length, in one read of `v`. The ranges skip NaN; the
    /// sum is NaN or infinite when a value is (or the squares overflow).
    /// Eight lanes per group, each row widening its own group's lane and
    /// offering the other group's lane the empty range (`+inf`, `-inf`), so
    /// the loop is branch-free and vectorises (for the best instruction set of
    /// the CPU); the squares add in eight lanes, a fixed order.
    fn sq_min_max_split(v: &[f64], y: &[f64]) -> (f64, [(f64, f64); 2]) => sq_min_max_split_body
);

#[inline(always)]
fn sq_min_max_split_body<const FMA: bool>(v: &[f64], y: &[f64]) -> (f64, [(f64, f64); 2]) {
    const L: usize = 8;
    let n = v.len().min(y.len());
    let (v, y) = (&v[..n], &y[..n]);
    let (inf, ninf) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut lo = [[inf; L]; 2];
    let mut hi = [[ninf; L]; 2];
    let mut sq = [0.0; L];
    let chunks = v.chunks_exact(L);
    let rest_start = v.len() - chunks.remainder().len();
    for (xs, ys) in chunks.zip(y.chunks_exact(L)) {
        for l in 0..L {
            let x = xs[l];
            sq[l] = if FMA {
                x.mul_add(x, sq[l])
            } else {
                x * x + sq[l]
            };
            let m = ys[l] > 0.5;
            let (l0, h0, l1, h1) = if m {
                (inf, ninf, x, x)
            } else {
                (x, x, inf, ninf)
            };
            lo[0][l] = if l0 < lo[0][l] { l0 } else { lo[0][l] };
            hi[0][l] = if h0 > hi[0][l] { h0 } else { hi[0][l] };
            lo[1][l] = if l1 < lo[1][l] { l1 } else { lo[1][l] };
            hi[1][l] = if h1 > hi[1][l] { h1 } else { hi[1][l] };
        }
    }
    let mut out = [(inf, ninf); 2];
    for (g, o) in out.iter_mut().enumerate() {
        for l in 0..L {
            *o = (o.0.min(lo[g][l]), o.1.max(hi[g][l]));
        }
    }
    let mut total = sq.iter().sum::<f64>();
    for (i, &x) in v.iter().enumerate().skip(rest_start) {
        total += x * x;
        let o = &mut out[usize::from(y[i] > 0.5)];
        *o = (o.0.min(x), o.1.max(x));
    }
    (total, out)
}

/// `sum_i a_i b_i` over the common length, in [`LANES`] interleaved partial
/// sums added at the end (lane order fixed: deterministic).
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for l in 0..LANES {
            acc[l] += x[l] * y[l];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values() -> impl Strategy<Value = Vec<f64>> {
        proptest::collection::vec(
            prop_oneof![
                8 => -1e6f64..1e6,
                1 => Just(f64::NAN),
                1 => Just(0.0),
            ],
            0..40,
        )
    }

    proptest! {
        #[test]
        fn min_max_equals_the_sequential_fold(v in values()) {
            let seq = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
            let got = min_max(&v);
            prop_assert_eq!(got.0.to_bits(), seq.0.to_bits());
            prop_assert_eq!(got.1.to_bits(), seq.1.to_bits());
            prop_assert_eq!(min_max_nan(&v).2, v.iter().any(|x| x.is_nan()));
        }

        #[test]
        fn split_ranges_equal_the_ranges_of_each_group_and_the_squares_their_sum(v in values(), seed in 0u64..1000) {
            let mask = |i: usize| (i as u64 * 2654435761 + seed).is_multiple_of(3);
            let y: Vec<f64> = (0..v.len()).map(|i| f64::from(u8::from(mask(i)))).collect();
            let (sq, got) = sq_min_max_split(&v, &y);
            let want_sq: f64 = v.iter().map(|x| x * x).sum();
            if want_sq.is_nan() {
                prop_assert!(sq.is_nan());
            } else {
                prop_assert!((sq - want_sq).abs() <= 16.0 * f64::EPSILON * want_sq);
            }
            for (g, want_mask) in [false, true].into_iter().enumerate() {
                let part: Vec<f64> = v.iter().enumerate().filter(|(i, _)| mask(*i) == want_mask).map(|(_, &x)| x).collect();
                let want = min_max(&part);
                prop_assert_eq!(got[g].0.to_bits(), want.0.to_bits());
                prop_assert_eq!(got[g].1.to_bits(), want.1.to_bits());
            }
        }

        #[test]
        fn dot_is_the_sum_of_products_to_rounding(a in proptest::collection::vec(-1e3f64..1e3, 0..50), b in proptest::collection::vec(-1e3f64..1e3, 0..50)) {
            let exact: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let scale: f64 = a.iter().zip(&b).map(|(x, y)| (x * y).abs()).sum::<f64>() + 1.0;
            prop_assert!((dot(&a, &b) - exact).abs() <= 64.0 * f64::EPSILON * scale);
        }
    }
}
