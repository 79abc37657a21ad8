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
            batch_means: Vec::with_capacity(batches),
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
        let b = self.batch_means.len() as f64;
        if b < 2.0 {
            return (f64::NAN, f64::NAN);
        }
        let mean = self.batch_means.iter().sum::<f64>() / b;
        let var = self
            .batch_means
            .iter()
            .map(|x| (x - mean).powi(2))
            .sum::<f64>()
            / (b - 1.0);
        (mean, (var / b).sqrt())
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
