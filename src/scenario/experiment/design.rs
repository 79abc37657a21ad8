//! Design points of an experiment.
//!
//! * Full factorial over levels `L_0, …, L_{k-1}`: `P = ∏ |L_j|` points;
//!   point `p` takes level `(p / ∏_{i>j} |L_i|) mod |L_j|` of factor `j`
//!   (mixed radix, the last factor varying fastest), so every combination
//!   appears exactly once.
//! * Latin hypercube of `n` points over `[a_j, b_j]`: factor `j` has its own
//!   random permutation `π_j` of `0..n` and uniforms `u_{p,j}` from the
//!   stream `seed::stream(master, j, LHS_STREAM)`, and point `p` takes
//!   `a_j + (π_j(p) + u_{p,j}) / n · (b_j − a_j)`: each of the `n` strata
//!   `[a_j + s(b_j−a_j)/n, a_j + (s+1)(b_j−a_j)/n)` of every factor holds
//!   exactly one point (McKay, Beckman & Conover 1979).

use rand::Rng;
use rand::seq::SliceRandom;

use crate::seed::{self, Component};

/// Stream tag of the Latin-hypercube permutations and jitter.
pub(crate) const LHS_STREAM: u64 = 0x0E7B_1A00;

/// Every combination of `levels`, in mixed-radix order (last factor
/// fastest). The caller has checked the product's size.
pub fn factorial(levels: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let total: usize = levels.iter().map(Vec::len).product();
    (0..total)
        .map(|p| {
            let mut rest = p;
            let mut point = vec![0.0; levels.len()];
            for (j, l) in levels.iter().enumerate().rev() {
                point[j] = l[rest % l.len()];
                rest /= l.len();
            }
            point
        })
        .collect()
}

/// A Latin hypercube of `n` points over `[lower_j, upper_j]` (see the
/// module docs); the same `master` gives the same points.
pub fn lhs(n: usize, lower: &[f64], upper: &[f64], master: u64) -> Vec<Vec<f64>> {
    let mut points = vec![vec![0.0; lower.len()]; n];
    for (j, (&a, &b)) in lower.iter().zip(upper).enumerate() {
        let mut rng = seed::stream(master, j as u64, Component::Custom(LHS_STREAM));
        let mut perm: Vec<usize> = (0..n).collect();
        perm.shuffle(&mut rng);
        for (p, &s) in perm.iter().enumerate() {
            let u: f64 = rng.random();
            let x = a + (s as f64 + u) / n as f64 * (b - a);
            // Rounding may not push a point out of its stratum's top edge.
            points[p][j] = x.min(b);
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factorial_order_is_mixed_radix() {
        let p = factorial(&[vec![1.0, 2.0], vec![10.0, 20.0, 30.0]]);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec![1.0, 10.0]);
        assert_eq!(p[1], vec![1.0, 20.0]);
        assert_eq!(p[3], vec![2.0, 10.0]);
    }

    #[test]
    fn one_point_hypercube_lies_in_the_box() {
        let p = lhs(1, &[0.0, -1.0], &[1.0, 1.0], 3);
        assert!((0.0..=1.0).contains(&p[0][0]) && (-1.0..=1.0).contains(&p[0][1]));
    }
}
