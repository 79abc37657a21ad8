//! Time-exact bookkeeping of the share up during a run.
//!
//! The share up is piecewise constant between events, so its integral is
//! accumulated exactly. The second half of the run `[t_end/2, t_end]` is cut
//! into `B` batches of equal length; the estimate is the mean of the batch
//! time-averages (= the time average over the second half) and its standard
//! error is `sd(batch means) / sqrt(B)`, the batch-means estimator, which
//! accounts for autocorrelation as long as a batch is much longer than the
//! relaxation time of the share (Flegal & Jones 2010, "Batch means and spectral
//! variance estimators in MCMC"). The first half is discarded as burn-in.

use crate::resources::{AllocError, try_with_capacity};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Events between progress updates.
pub(crate) const PROGRESS_EVERY: u64 = 1 << 16;

/// Batches the standard error is never merged below (the default count).
const MIN_SE_BATCHES: usize = 32;

/// Lag-1 autocorrelation of a series (0 for a constant one).
fn lag1_autocorrelation(x: &[f64]) -> f64 {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let var: f64 = x.iter().map(|v| (v - m).powi(2)).sum();
    if var == 0.0 {
        return 0.0;
    }
    let cov: f64 = x.windows(2).map(|w| (w[0] - m) * (w[1] - m)).sum();
    cov / var
}

/// Records the share up at a fixed interval and the batch means.
#[derive(Debug, Clone)]
pub struct Tracker {
    n: f64,
    t_end: f64,
    every: f64,
    n_records: u64,
    next_record: f64,
    batches: usize,
    batch_len: f64,
    half: f64,
    batch_idx: usize,
    next_batch: f64,
    next_mark: f64,
    acc: f64,
    series: Vec<(f64, f64)>,
    batch_means: Vec<f64>,
    /// Simulated time reached, as `f64` bits, for a progress display.
    progress: Option<Arc<AtomicU64>>,
}

impl Tracker {
    /// `record_every = None` records no series.
    pub fn new(n: usize, t_end: f64, record_every: Option<f64>, batches: usize) -> Self {
        let every = record_every.unwrap_or(f64::INFINITY);
        let next_record = if record_every.is_some() {
            0.0
        } else {
            f64::INFINITY
        };
        let half = t_end / 2.0;
        Self {
            n: n as f64,
            t_end,
            every,
            n_records: 0,
            next_record,
            batches,
            batch_len: (t_end - half) / batches as f64,
            half,
            batch_idx: 0,
            next_batch: half,
            next_mark: next_record.min(half),
            acc: 0.0,
            series: Vec::new(),
            progress: None,
            // Grown as batches complete; a huge request is refused by
            // `EngineConfig::validate` before a run, never pre-allocated here.
            batch_means: Vec::with_capacity(batches.min(1 << 12)),
        }
    }

    /// Reserve the whole recorded series up front (`t_end / record_every + 1`
    /// points), so that a series the memory check let through but the
    /// allocator refuses is an error before the run, never an abort during it.
    pub fn reserve_series(&mut self) -> Result<(), AllocError> {
        if self.every.is_finite() {
            let points = (self.t_end / self.every).min(usize::MAX as f64 / 2.0) as usize + 1;
            self.series = try_with_capacity("the recorded series", points)?;
        }
        Ok(())
    }

    /// Publish the simulated time reached to `cell` (as `f64` bits) every
    /// `PROGRESS_EVERY` events; reading it never affects the run.
    pub fn with_progress(mut self, cell: Option<Arc<AtomicU64>>) -> Self {
        self.progress = cell;
        self
    }

    /// Called by the engine after each event; stores `t` every
    /// `PROGRESS_EVERY` events when a progress cell is attached.
    #[inline(always)]
    pub fn tick(&self, events: u64, t: f64) {
        if events.is_multiple_of(PROGRESS_EVERY)
            && let Some(cell) = &self.progress
        {
            cell.store(t.to_bits(), Ordering::Relaxed);
        }
    }

    /// The state held `u` agents up on `[t0, t1)`.
    #[inline(always)]
    pub fn advance(&mut self, t0: f64, t1: f64, u: usize) {
        if t1 < self.next_mark {
            self.acc += u as f64 * (t1 - t0);
        } else {
            self.cross_marks(t0, t1, u);
        }
    }

    #[inline(never)]
    fn cross_marks(&mut self, mut t0: f64, t1: f64, u: usize) {
        let uf = u as f64;
        while self.next_mark <= t1 {
            let m = self.next_mark;
            self.acc += uf * (m - t0);
            t0 = m;
            if self.next_batch <= m {
                if self.batch_idx > 0 {
                    self.batch_means.push(self.acc / (self.batch_len * self.n));
                }
                self.acc = 0.0;
                self.batch_idx += 1;
                self.next_batch = match self.batch_idx {
                    b if b < self.batches => self.half + b as f64 * self.batch_len,
                    b if b == self.batches => self.t_end,
                    _ => f64::INFINITY,
                };
            }
            if self.next_record <= m {
                self.series.push((m, uf / self.n));
                self.n_records += 1;
                let next = self.n_records as f64 * self.every;
                self.next_record = if next <= self.t_end {
                    next
                } else {
                    f64::INFINITY
                };
            }
            self.next_mark = self.next_batch.min(self.next_record);
        }
        self.acc += uf * (t1 - t0);
    }

    /// `(t, share up)` records.
    pub fn series(&self) -> &[(f64, f64)] {
        &self.series
    }

    pub fn batch_means(&self) -> &[f64] {
        &self.batch_means
    }

    /// Mean share over the second half and its batch-means standard error.
    pub fn estimate(&self) -> (f64, f64) {
        let (mean, se, _) = self.estimate_merged();
        (mean, se)
    }

    /// Mean, standard error and the number of batches behind the SE.
    ///
    /// `sd / sqrt(B)` is a standard error only if the batch means are nearly
    /// uncorrelated, i.e. a batch is much longer than the relaxation time; with
    /// too many batches (say more than the events in the second half) they are
    /// not, and the SE comes out orders of magnitude too small. So while there
    /// are more than `min(requested, 32)` batches and the lag-1
    /// autocorrelation of the batch means exceeds `2 / sqrt(B)` (its 95% bound
    /// under independence), adjacent batches are merged in pairs (with an odd
    /// count the first is left out of the SE). The mean always uses every batch.
    pub fn estimate_merged(&self) -> (f64, f64, usize) {
        let all = &self.batch_means;
        if all.len() < 2 {
            return (f64::NAN, f64::NAN, all.len());
        }
        let mean = all.iter().sum::<f64>() / all.len() as f64;
        let floor = all.len().min(MIN_SE_BATCHES);
        let mut means = all.clone();
        while means.len() > floor
            && lag1_autocorrelation(&means) > 2.0 / (means.len() as f64).sqrt()
        {
            let skip = means.len() % 2;
            means = means[skip..]
                .chunks(2)
                .map(|p| (p[0] + p[1]) / 2.0)
                .collect();
        }
        let b = means.len() as f64;
        let m = means.iter().sum::<f64>() / b;
        let var = means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (b - 1.0);
        (mean, (var / b).sqrt(), means.len())
    }

    pub fn into_series(self) -> (Vec<(f64, f64)>, Vec<f64>) {
        (self.series, self.batch_means)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_a_step_function_exactly() {
        // 10 agents; 4 up on [0, 6), 8 up on [6, 10]; batches of length 1 on [5, 10].
        let mut tr = Tracker::new(10, 10.0, Some(2.5), 5);
        tr.advance(0.0, 6.0, 4);
        tr.advance(6.0, 10.0, 8);
        let means = tr.batch_means().to_vec();
        let expect = [0.4, 0.8, 0.8, 0.8, 0.8];
        assert_eq!(means.len(), 5);
        for (m, e) in means.iter().zip(expect) {
            assert!((m - e).abs() < 1e-12);
        }
        let times: Vec<f64> = tr.series().iter().map(|r| r.0).collect();
        assert_eq!(times, vec![0.0, 2.5, 5.0, 7.5, 10.0]);
        assert!((tr.series()[3].1 - 0.8).abs() < 1e-12);
        let (mean, se) = tr.estimate();
        assert!((mean - 0.72).abs() < 1e-12);
        assert!((se - (0.032f64 / 5.0).sqrt()).abs() < 1e-12);
    }
}
