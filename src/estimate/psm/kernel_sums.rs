//! Kernel-weighted moments of point values around many queries in
//! O((n + m) log n) instead of O(n m):
//!
//!   M_{c,e}(s) = sum_{j in W(s)} K(u_j) u_j^e v_{c,j},  u_j = (p_j - s) / h,
//!
//! over the window W(s) of [`kernel_window`] (|u| <= reach), for value
//! columns v_c and powers e = 0..=emax. Queries are sorted and cut into fixed
//! groups no wider than [`Basis::group_width`] bandwidths (and of at most
//! [`group_cap`] queries); within a group every point is expressed relative
//! to the group centre g, [`Basis`] writes K(u) u^e as a combination of
//! per-point features F_n((p - g) / h), and the window sums of the features
//! are differences of compensated running sums taken in one walk over the
//! group's points. A group's points lie within reach + width / 2 bandwidths
//! of g, so the features stay of order one and the expansion loses at most a
//! few digits, which the error bound of each moment accounts for: a caller
//! whose tolerance the bound exceeds sums that query's window directly
//! ([`KernelSums::direct`]).
//!
//! Groups are fixed by the data alone and run in parallel with rayon; each
//! query's result depends only on its group, so results are identical for
//! any number of threads.

use std::ops::Range;

use rayon::prelude::*;

use super::kernel_basis::Basis;
use super::method::{Kernel, kernel_window};

/// Groups a wide bandwidth is still cut into, for the threads to share.
/// Each group walks every point of its queries' windows, so under a wide
/// bandwidth (local linear at h = 0.8: every window holds nearly all points)
/// the work is this many passes over the data: 8 keeps 8 threads busy at an
/// eighth of the 64 passes first used (the enclave Table 4 local-linear
/// bootstrap: 16% of `replicate enclave` at N = 200,000 was this walk).
pub(crate) const WIDE_GROUPS: usize = 8;

/// Most queries in one group: at least 256, and [`WIDE_GROUPS`] groups when
/// the bandwidth is wide. Fixed by the query count only, so the grouping
/// does not depend on the thread count.
pub(crate) fn group_cap(n_queries: usize) -> usize {
    n_queries.div_ceil(WIDE_GROUPS).max(256)
}

/// Points sorted by score with value columns, a kernel and bandwidth.
pub(crate) struct KernelSums<'a> {
    points: &'a [f64],
    values: Vec<&'a [f64]>,
    /// Largest |v| per column.
    v_max: Vec<f64>,
    kernel: Kernel,
    h: f64,
    emax: usize,
    basis: Basis,
}

/// The moments of one query: `value[c * (emax + 1) + e]` and a bound on the
/// rounding error of each.
#[derive(Debug, Clone)]
pub(crate) struct Moments {
    pub value: Vec<f64>,
    pub err: Vec<f64>,
}

impl<'a> KernelSums<'a> {
    /// `points` ascending; each column of `values` aligned with them.
    pub fn new(
        points: &'a [f64],
        values: Vec<&'a [f64]>,
        kernel: Kernel,
        h: f64,
        emax: usize,
    ) -> Self {
        let v_max = values
            .iter()
            .map(|v| v.iter().fold(0.0f64, |m, x| m.max(x.abs())))
            .collect();
        KernelSums {
            points,
            values,
            v_max,
            kernel,
            h,
            emax,
            basis: Basis::new(kernel, emax),
        }
    }

    fn window(&self, s: f64) -> Range<usize> {
        kernel_window(self.points, s, self.h, self.kernel.reach(), false)
    }

    /// Moments of every query in the caller's order; `None` where the window
    /// is empty. `resolve` turns a query's closed-form moments into its
    /// result, or returns `None` to have the window summed directly
    /// ([`KernelSums::direct`]) and handed to `exact`.
    pub fn map<T: Send>(
        &self,
        queries: &[f64],
        resolve: impl Fn(&Moments) -> Option<T> + Sync,
        exact: impl Fn(&[f64]) -> T + Sync,
    ) -> Vec<Option<T>> {
        let mut order: Vec<usize> = (0..queries.len()).collect();
        order.sort_unstable_by(|&a, &b| queries[a].total_cmp(&queries[b]).then(a.cmp(&b)));
        let groups = self.groups(queries, &order);
        let parts: Vec<Vec<(usize, Option<T>)>> = groups
            .par_iter()
            .map(|ids| {
                let moments = self.group_moments(queries, ids);
                ids.iter()
                    .zip(moments)
                    .map(|(&i, m)| {
                        let r = m.map(|m| {
                            resolve(&m).unwrap_or_else(|| exact(&self.direct(queries[i])))
                        });
                        (i, r)
                    })
                    .collect()
            })
            .collect();
        let mut out: Vec<Option<T>> = (0..queries.len()).map(|_| None).collect();
        for (i, r) in parts.into_iter().flatten() {
            out[i] = r;
        }
        out
    }

    /// Sorted query ids cut into groups of bounded width and size.
    fn groups<'o>(&self, queries: &[f64], order: &'o [usize]) -> Vec<&'o [usize]> {
        let (width, cap) = (self.basis.group_width * self.h, group_cap(order.len()));
        let mut out = Vec::new();
        let mut start = 0;
        for k in 1..=order.len() {
            let end_here = k == order.len()
                || k - start >= cap
                || queries[order[k]] - queries[order[start]] > width;
            if end_here {
                out.push(&order[start..k]);
                start = k;
            }
        }
        out
    }

    /// Closed-form moments of the queries `ids` (ascending scores), one walk
    /// over the group's points.
    fn group_moments(&self, queries: &[f64], ids: &[usize]) -> Vec<Option<Moments>> {
        let (first, last) = (queries[ids[0]], queries[ids[ids.len() - 1]]);
        let g = 0.5 * (first + last);
        let windows: Vec<Range<usize>> = ids.iter().map(|&i| self.window(queries[i])).collect();
        let span = windows[0].start..windows[windows.len() - 1].end.max(windows[0].start);
        // Boundaries lo, mid (first point with p >= s) and hi of each window.
        let mut marks: Vec<(usize, usize)> = Vec::with_capacity(3 * ids.len());
        for (k, (w, &i)) in windows.iter().zip(ids).enumerate() {
            let s = queries[i];
            let mid = w.start + self.points[w.clone()].partition_point(|&p| p < s);
            marks.extend([(w.start, 3 * k), (mid, 3 * k + 1), (w.end, 3 * k + 2)]);
        }
        marks.sort_unstable();
        let nf = self.basis.degree + 1;
        let width = self.values.len() * nf;
        let mut snaps = vec![0.0; marks.len() * width];
        let (mut hi, mut lo) = (vec![0.0; width], vec![0.0; width]);
        let mut feat = vec![0.0; nf];
        let mut r_max = 0.0f64;
        let mut next = 0;
        for j in span.clone() {
            while next < marks.len() && marks[next].0 <= j {
                snapshot(&mut snaps, marks[next].1, &hi, &lo);
                next += 1;
            }
            let q = (self.points[j] - g) / self.h;
            r_max = r_max.max(q.abs());
            self.basis.features(q, &mut feat);
            for (c, v) in self.values.iter().enumerate() {
                let vj = v[j];
                for (n, f) in feat.iter().enumerate() {
                    let x = vj * f;
                    let at = c * nf + n;
                    let t = hi[at] + x;
                    lo[at] += if hi[at].abs() >= x.abs() {
                        (hi[at] - t) + x
                    } else {
                        (x - t) + hi[at]
                    };
                    hi[at] = t;
                }
            }
        }
        for m in &marks[next..] {
            snapshot(&mut snaps, m.1, &hi, &lo);
        }
        let n_span = span.len() as f64;
        ids.iter()
            .enumerate()
            .map(|(k, &i)| {
                (!windows[k].is_empty()).then(|| {
                    let t = (queries[i] - g) / self.h;
                    let at =
                        |slot: usize| &snaps[(3 * k + slot) * width..(3 * k + slot + 1) * width];
                    self.combine(t, [at(0), at(1), at(2)], n_span, r_max)
                })
            })
            .collect()
    }

    /// Moments from the running sums at a window's lo, mid and hi.
    fn combine(&self, t: f64, at: [&[f64]; 3], n_span: f64, r_max: f64) -> Moments {
        let nf = self.basis.degree + 1;
        let ne = self.emax + 1;
        let cols = self.values.len();
        let (mut value, mut err) = (vec![0.0; cols * ne], vec![0.0; cols * ne]);
        let (mut a_left, mut a_right) = (vec![0.0; nf], vec![0.0; nf]);
        let f_max: Vec<f64> = (0..nf).map(|n| self.basis.feature_max(n, r_max)).collect();
        let eps = f64::EPSILON * (nf as f64 + 4.0);
        for e in 0..ne {
            self.basis.coefficients(t, e, true, &mut a_left);
            self.basis.coefficients(t, e, false, &mut a_right);
            let scale: f64 = (0..nf)
                .map(|n| (a_left[n].abs() + a_right[n].abs()) * f_max[n])
                .sum();
            for c in 0..cols {
                let mut m = 0.0;
                for n in 0..nf {
                    let x = c * nf + n;
                    let left = at[1][x] - at[0][x];
                    let right = at[2][x] - at[1][x];
                    m += a_left[n] * left + a_right[n] * right;
                }
                value[c * ne + e] = m;
                err[c * ne + e] = eps * n_span * self.v_max[c] * scale;
            }
        }
        Moments { value, err }
    }

    /// The moments of query `s` summed directly over its window, in the
    /// layout of [`Moments::value`].
    pub fn direct(&self, s: f64) -> Vec<f64> {
        let ne = self.emax + 1;
        let mut out = vec![0.0; self.values.len() * ne];
        for j in self.window(s) {
            let u = (self.points[j] - s) / self.h;
            let k = self.kernel.weight(u);
            if k <= 0.0 {
                continue;
            }
            let mut ku = k;
            for e in 0..ne {
                for (c, v) in self.values.iter().enumerate() {
                    out[c * ne + e] += ku * v[j];
                }
                ku *= u;
            }
        }
        out
    }
}

/// Store the compensated running sums (hi + lo) in slot `slot`.
fn snapshot(snaps: &mut [f64], slot: usize, hi: &[f64], lo: &[f64]) {
    let w = hi.len();
    for (d, (a, b)) in snaps[slot * w..(slot + 1) * w]
        .iter_mut()
        .zip(hi.iter().zip(lo))
    {
        *d = a + b;
    }
}
