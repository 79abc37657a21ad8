//! The ethnic-community network: a block model by nationality within each
//! city. Agents of the same city and nationality form a community of size
//! `s`, each pair linked with probability `min(1, k / (s - 1))` (`k` the
//! city's `conational_degree`, larger in the southern cities); there are no
//! ties across communities. Ties to Chinese locals are not nodes of this
//! graph: they are counted in the mechanism.

use std::collections::BTreeMap;

use rand::Rng;

use super::config::Config;
use super::population::Population;
use crate::network::SocialGraph;
use crate::seed::{self, Component};

const NETWORK: u64 = 0x7a1e_0003;

/// The graph and, per agent, its co-national degree and expectation.
#[derive(Debug, Clone)]
pub struct Community {
    /// Groups are community ids (city and nationality).
    pub graph: SocialGraph,
    /// Each agent's degree in its community.
    pub degree: Vec<f64>,
    /// `E[d_i] = (s - 1) p` of the agent's community.
    pub expected_degree: Vec<f64>,
}

/// Call `f(a, b)` for each pair `a > b` of `0..m` kept with probability `p`,
/// by geometric skipping over the `m (m - 1) / 2` pairs (Batagelj & Brandes
/// 2005).
fn bernoulli_pairs(m: usize, p: f64, rng: &mut impl Rng, mut f: impl FnMut(usize, usize)) {
    let total = m * m.saturating_sub(1) / 2;
    if p <= 0.0 || total == 0 {
        return;
    }
    let (mut row, mut base) = (1usize, 0usize);
    let mut push = |idx: usize| {
        while idx >= base + row {
            base += row;
            row += 1;
        }
        f(row, idx - base);
    };
    if p >= 1.0 {
        (0..total).for_each(&mut push);
        return;
    }
    let lp = (-p).ln_1p();
    let mut next = 0.0f64;
    loop {
        let u: f64 = rng.random();
        next += ((1.0 - u).ln() / lp).floor();
        if next >= total as f64 {
            return;
        }
        push(next as usize);
        next += 1.0;
    }
}

/// Build the co-national network of `pop`.
pub fn build(cfg: &Config, pop: &Population, seed: u64) -> Community {
    let mut rng = seed::stream(seed, 0, Component::Custom(NETWORK));
    let n = pop.city.len();
    let mut members: BTreeMap<(u8, u32), Vec<u32>> = BTreeMap::new();
    for i in 0..n {
        members
            .entry((pop.city[i], pop.nationality[i]))
            .or_default()
            .push(i as u32);
    }
    let mut groups = vec![0u32; n];
    let mut expected_degree = vec![0.0; n];
    let mut edges = Vec::new();
    for (g, ((city, _), ids)) in members.iter().enumerate() {
        let s = ids.len();
        let k = cfg.cities[*city as usize].conational_degree;
        let p = if s > 1 {
            (k / (s - 1) as f64).min(1.0)
        } else {
            0.0
        };
        for &i in ids {
            groups[i as usize] = g as u32;
            expected_degree[i as usize] = p * s.saturating_sub(1) as f64;
        }
        bernoulli_pairs(s, p, &mut rng, |a, b| edges.push((ids[a], ids[b])));
    }
    let graph = SocialGraph::from_edges(n, &edges, groups);
    let degree = (0..n as u32).map(|i| graph.degree(i) as f64).collect();
    Community {
        graph,
        degree,
        expected_degree,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::SimRng;
    use rand::SeedableRng;

    #[test]
    fn pairs_are_distinct_and_ordered() {
        let mut rng = SimRng::seed_from_u64(3);
        let mut seen = std::collections::HashSet::new();
        bernoulli_pairs(50, 0.3, &mut rng, |a, b| {
            assert!(a > b && a < 50);
            assert!(seen.insert((a, b)));
        });
        let mut all = 0;
        bernoulli_pairs(10, 1.0, &mut rng, |_, _| all += 1);
        assert_eq!(all, 45);
    }

    #[test]
    fn pair_count_matches_binomial_mean() {
        let mut rng = SimRng::seed_from_u64(9);
        let (m, p, reps) = (200usize, 0.05, 40);
        let mut count = 0usize;
        for _ in 0..reps {
            bernoulli_pairs(m, p, &mut rng, |_, _| count += 1);
        }
        let pairs = (m * (m - 1) / 2) as f64;
        let mean = count as f64 / reps as f64;
        let se = (pairs * p * (1.0 - p) / reps as f64).sqrt();
        assert!(
            (mean - pairs * p).abs() < 4.0 * se,
            "{mean} vs {}",
            pairs * p
        );
    }
}
