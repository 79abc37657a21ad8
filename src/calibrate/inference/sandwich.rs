//! The sandwich covariance of θ̂ for a non-optimal (diagonal) weight.

use faer::Mat;

#[allow(clippy::needless_range_loop)] // k x k matrix products by index
/// `V = (1 + 1/R) P (G'W Σ W G) P` with `P = (G'WG)⁺`, `W = diag(1/se²)`,
/// `Σ_il = se_i se_l C_il` (so `(WΣW)_il = C_il / (se_i se_l)`); row-major k × k.
pub fn sandwich(
    g: &[Vec<f64>],
    se: &[f64],
    corr: &[Vec<f64>],
    pinv: &Mat<f64>,
    reps: usize,
) -> Vec<Vec<f64>> {
    let k = pinv.nrows();
    let mut meat = vec![vec![0.0; k]; k];
    for (i, gi) in g.iter().enumerate() {
        for (l, gl) in g.iter().enumerate() {
            let wsw = corr[i][l] / (se[i] * se[l]);
            for r in 0..k {
                for c in 0..k {
                    meat[r][c] += gi[r] * wsw * gl[c];
                }
            }
        }
    }
    let scale = 1.0 + 1.0 / reps.max(1) as f64;
    let mut out = vec![vec![0.0; k]; k];
    for r in 0..k {
        for c in 0..k {
            let mut acc = 0.0;
            for a in 0..k {
                for b in 0..k {
                    acc += pinv[(r, a)] * meat[a][b] * pinv[(b, c)];
                }
            }
            out[r][c] = scale * acc;
        }
    }
    for r in 0..k {
        for c in 0..r {
            let m = 0.5 * (out[r][c] + out[c][r]);
            out[r][c] = m;
            out[c][r] = m;
        }
    }
    out
}
