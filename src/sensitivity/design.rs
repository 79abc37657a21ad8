//! Sample designs, addressed row by row so that shards can compute any slice
//! of rows and a summary can pool them.
//!
//! * Saltelli (2010) radial design for Sobol indices: base matrices A and B
//!   (N rows each) from one 2k-dimensional Owen-scrambled Sobol sequence
//!   (`sobol_burley`: A uses dimensions 0..k, B dimensions k..2k), and for
//!   each parameter i the matrix A_B^(i): A with column i taken from B. Row
//!   `r` of the design is base sample `j = r / (k+2)`, block `m = r % (k+2)`:
//!   m = 0 is A_j, m = 1 is B_j, m = 2+i is A_B^(i)_j. N(k+2) rows in all.
//! * Morris (1991) trajectories on a p-level grid with step
//!   Δ = p / (2(p-1)): trajectory t has k+1 points; row `r` is point
//!   `r % (k+1)` of trajectory `r / (k+1)`, each trajectory generated from
//!   its own seed `seed::derive(master, t, MORRIS_STREAM)`.
//!
//! Points are in the unit cube; [`Bounds::scale`] maps them to parameter
//! values.

use rand::Rng;
use rand::seq::SliceRandom;

use super::error::SensitivityError;
use crate::seed::{self, Component};

/// Seed stream of the Owen scramble of Saltelli designs.
pub const SCRAMBLE_STREAM: u64 = 0x0005_0B01;
/// Seed stream of Morris trajectories.
pub const MORRIS_STREAM: u64 = 0x0F0A_A15E;

/// Lower and upper bound of each parameter, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    /// The parameters (dotted settings).
    pub keys: Vec<String>,
    /// Lower bound of each.
    pub lower: Vec<f64>,
    /// Upper bound of each (above the lower).
    pub upper: Vec<f64>,
}

impl Bounds {
    /// Check that every range is finite and non-empty.
    pub fn new(
        keys: Vec<String>,
        lower: Vec<f64>,
        upper: Vec<f64>,
    ) -> Result<Bounds, SensitivityError> {
        if keys.is_empty() {
            return Err(SensitivityError::NoParams);
        }
        for ((k, &l), &u) in keys.iter().zip(&lower).zip(&upper) {
            if !(l.is_finite() && u.is_finite() && l < u) {
                return Err(SensitivityError::BadBounds {
                    key: k.clone(),
                    lower: l,
                    upper: u,
                });
            }
        }
        Ok(Bounds { keys, lower, upper })
    }

    /// Number of parameters k.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// `lower + u (upper - lower)` per coordinate.
    pub fn scale(&self, u: &[f64]) -> Vec<f64> {
        u.iter()
            .zip(self.lower.iter().zip(&self.upper))
            .map(|(u, (l, h))| l + u * (h - l))
            .collect()
    }
}

/// Largest base sample count `sobol_burley` supports (2^16).
pub const MAX_SOBOL_N: usize = 1 << 16;

/// The Saltelli design of `k` parameters with `n` base samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaltelliDesign {
    /// Parameters k.
    pub k: usize,
    /// Base samples N (rows A_j and B_j of two Sobol point sets).
    pub n: usize,
    /// Owen scramble seed (from the master seed).
    pub scramble: u32,
}

impl SaltelliDesign {
    /// Check `k` (2k Sobol dimensions at most) and `n` (2 to 2^16) and derive the
    /// scramble seed from `master`.
    pub fn new(k: usize, n: usize, master: u64) -> Result<SaltelliDesign, SensitivityError> {
        if k == 0 {
            return Err(SensitivityError::NoParams);
        }
        let max = sobol_burley::NUM_DIMENSIONS as usize;
        if 2 * k > max {
            return Err(SensitivityError::TooManyParams {
                k,
                dims: 2 * k,
                max,
            });
        }
        if !(2..=MAX_SOBOL_N).contains(&n) {
            return Err(SensitivityError::BadN {
                n,
                min: 2,
                max: MAX_SOBOL_N,
            });
        }
        let scramble = seed::derive(master, 0, Component::Custom(SCRAMBLE_STREAM)) as u32;
        Ok(SaltelliDesign { k, n, scramble })
    }

    /// Number of model runs: N(k+2).
    pub fn rows(&self) -> usize {
        self.n * (self.k + 2)
    }

    /// Unit-cube point of design row `r`.
    pub fn point(&self, r: usize) -> Vec<f64> {
        let (j, m) = (r / (self.k + 2), r % (self.k + 2));
        let a = |d: usize| self.coord(j, d);
        let b = |d: usize| self.coord(j, self.k + d);
        (0..self.k)
            .map(|d| match m {
                0 => a(d),
                1 => b(d),
                _ if m - 2 == d => b(d),
                _ => a(d),
            })
            .collect()
    }

    fn coord(&self, j: usize, dim: usize) -> f64 {
        f64::from(sobol_burley::sample(j as u32, dim as u32, self.scramble))
    }
}

/// A Morris design: `r` trajectories on a `levels`-point grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MorrisDesign {
    /// Parameters k.
    pub k: usize,
    /// Trajectories r, each of k + 1 points.
    pub trajectories: usize,
    /// Grid levels p; a step is Δ = p / (2 (p - 1)).
    pub levels: usize,
    /// Master seed of the trajectories' starts and orders.
    pub master: u64,
}

/// One point of a trajectory: where, and which parameter moved to get there
/// (`None` at the start) and by how much (±Δ).
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisPoint {
    /// The unit-cube point.
    pub x: Vec<f64>,
    /// The parameter moved to reach it and its step ±Δ (`None` at a start).
    pub moved: Option<(usize, f64)>,
}

impl MorrisDesign {
    /// Check `k` (at least 1), `trajectories` (2 to 100,000) and `levels` (at
    /// least 2), and keep `master`.
    pub fn new(
        k: usize,
        trajectories: usize,
        levels: usize,
        master: u64,
    ) -> Result<MorrisDesign, SensitivityError> {
        if k == 0 {
            return Err(SensitivityError::NoParams);
        }
        if levels < 2 {
            return Err(SensitivityError::BadLevels { levels });
        }
        if !(2..=100_000).contains(&trajectories) {
            return Err(SensitivityError::BadN {
                n: trajectories,
                min: 2,
                max: 100_000,
            });
        }
        Ok(MorrisDesign {
            k,
            trajectories,
            levels,
            master,
        })
    }

    /// Grid step Δ = p / (2(p-1)).
    pub fn delta(&self) -> f64 {
        self.levels as f64 / (2.0 * (self.levels - 1) as f64)
    }

    /// Number of model runs: r(k+1).
    pub fn rows(&self) -> usize {
        self.trajectories * (self.k + 1)
    }

    /// Trajectory `t`: a random grid start, then each parameter in random
    /// order moved by +Δ, or -Δ where +Δ would leave [0, 1].
    pub fn trajectory(&self, t: usize) -> Vec<MorrisPoint> {
        let mut rng = seed::stream(self.master, t as u64, Component::Custom(MORRIS_STREAM));
        let p = self.levels;
        let delta = self.delta();
        let mut x: Vec<f64> = (0..self.k)
            .map(|_| rng.random_range(0..p) as f64 / (p - 1) as f64)
            .collect();
        let mut order: Vec<usize> = (0..self.k).collect();
        order.shuffle(&mut rng);
        let mut out = vec![MorrisPoint {
            x: x.clone(),
            moved: None,
        }];
        for i in order {
            let step = if x[i] + delta <= 1.0 + 1e-12 {
                delta
            } else {
                -delta
            };
            x[i] = (x[i] + step).clamp(0.0, 1.0);
            out.push(MorrisPoint {
                x: x.clone(),
                moved: Some((i, step)),
            });
        }
        out
    }

    /// Unit-cube point of design row `r`.
    pub fn point(&self, r: usize) -> Vec<f64> {
        let (t, s) = (r / (self.k + 1), r % (self.k + 1));
        self.trajectory(t).swap_remove(s).x
    }
}
