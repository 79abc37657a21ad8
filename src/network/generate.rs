//! Random graph generators, each O(n + edges) and driven by a passed-in RNG.
//!
//! Bernoulli edge sets are drawn by geometric skipping (Batagelj & Brandes
//! 2005, "Efficient generation of large random networks"): the gap to the
//! next present pair is `floor(ln(1 - U) / ln(1 - p))`.

use std::collections::HashSet;

use rand::Rng;

use super::NetworkError;
use super::graph::SocialGraph;

/// Call `f(index)` for each index in `0..total` kept independently with
/// probability `p`.
fn bernoulli_indices(total: u64, p: f64, rng: &mut impl Rng, mut f: impl FnMut(u64)) {
    if p <= 0.0 || total == 0 {
        return;
    }
    let lp = (-p).ln_1p();
    let mut idx: u64 = 0;
    let mut first = true;
    loop {
        let r: f64 = rng.random();
        let skip = ((1.0 - r).ln() / lp).floor();
        if skip.is_nan() || skip >= total as f64 {
            return;
        }
        idx = if first {
            skip as u64
        } else {
            idx + 1 + skip as u64
        };
        first = false;
        if idx >= total {
            return;
        }
        f(idx);
    }
}

/// G(s, p) on the nodes `start..start + s`, edges appended to `out`.
fn gnp_block(start: u32, s: u32, p: f64, rng: &mut impl Rng, out: &mut Vec<(u32, u32)>) {
    let total = s as u64 * (s as u64).saturating_sub(1) / 2;
    let (mut v, mut base) = (1u64, 0u64);
    bernoulli_indices(total, p, rng, |idx| {
        while idx >= base + v {
            base += v;
            v += 1;
        }
        out.push((start + v as u32, start + (idx - base) as u32));
    });
}

/// Bipartite Bernoulli(p) edges between `a..a + sa` and `b..b + sb`.
fn gnp_rect(
    a: u32,
    sa: u32,
    b: u32,
    sb: u32,
    p: f64,
    rng: &mut impl Rng,
    out: &mut Vec<(u32, u32)>,
) {
    bernoulli_indices(sa as u64 * sb as u64, p, rng, |idx| {
        out.push((a + (idx / sb as u64) as u32, b + (idx % sb as u64) as u32));
    });
}

fn check_nodes(n: usize) -> Result<u32, NetworkError> {
    u32::try_from(n)
        .ok()
        .filter(|&n| n >= 2)
        .ok_or(NetworkError::Nodes { n })
}

fn bad(name: &'static str, value: f64, expected: &'static str) -> NetworkError {
    NetworkError::Parameter {
        name,
        value,
        expected,
    }
}

/// Erdős–Rényi G(n, p) with `p = k / (n - 1)` (mean degree `k`).
pub fn erdos_renyi(n: usize, k: f64, rng: &mut impl Rng) -> Result<SocialGraph, NetworkError> {
    let n32 = check_nodes(n)?;
    if !(k >= 0.0 && k <= (n - 1) as f64) {
        return Err(bad("k", k, "a mean degree in [0, n - 1]"));
    }
    let mut edges = Vec::with_capacity((n as f64 * k * 0.5 * 1.01) as usize + 16);
    gnp_block(0, n32, k / (n - 1) as f64, rng, &mut edges);
    Ok(SocialGraph::from_edges(n, &edges, Vec::new()))
}

/// Watts–Strogatz small world: a ring where each node links to its `k / 2`
/// nearest neighbours on each side, each edge's far end then rewired with
/// probability `p` to a uniform node that is neither the node nor already a
/// neighbour (as networkx's `watts_strogatz_graph`).
pub fn watts_strogatz(
    n: usize,
    k: usize,
    p: f64,
    rng: &mut impl Rng,
) -> Result<SocialGraph, NetworkError> {
    let n32 = check_nodes(n)?;
    if !k.is_multiple_of(2) || k == 0 || k + 1 >= n {
        return Err(bad("k", k as f64, "an even degree in 2..n-1"));
    }
    if !(0.0..=1.0).contains(&p) {
        return Err(bad("p", p, "a rewiring probability in [0, 1]"));
    }
    let key = |a: u32, b: u32| ((a.min(b) as u64) << 32) | a.max(b) as u64;
    let mut edges = Vec::with_capacity(n * k / 2);
    for j in 1..=(k / 2) as u32 {
        for u in 0..n32 {
            edges.push((u, (u + j) % n32));
        }
    }
    let mut present: HashSet<u64> = edges.iter().map(|&(a, b)| key(a, b)).collect();
    let mut degree = vec![k as u32; n];
    for e in edges.iter_mut() {
        let (u, v) = *e;
        if rng.random::<f64>() >= p || degree[u as usize] as usize >= n - 1 {
            continue;
        }
        let w = loop {
            let w = rng.random_range(0..n32);
            if w != u && !present.contains(&key(u, w)) {
                break w;
            }
        };
        present.remove(&key(u, v));
        present.insert(key(u, w));
        degree[v as usize] -= 1;
        degree[w as usize] += 1;
        *e = (u, w);
    }
    Ok(SocialGraph::from_edges(n, &edges, Vec::new()))
}

/// Group (hometown) of agent `i` when `n` agents in dyads `(2m, 2m + 1)` are
/// split into `groups` contiguous blocks of whole dyads.
pub fn dyad_group(i: usize, n: usize, groups: usize) -> u32 {
    ((i / 2) * groups / (n / 2)) as u32
}

/// Stochastic block model of hometown communities: `groups` contiguous blocks
/// of whole dyads; within a block of size `s` each pair is linked with
/// probability `h k / (s - 1)`, across blocks with `(1 - h) k / (n - n / groups)`,
/// so the mean degree is `k` and the expected share of an agent's weak ties
/// inside its group is the homophily `h`.
pub fn sbm(
    n: usize,
    groups: usize,
    homophily: f64,
    k: f64,
    rng: &mut impl Rng,
) -> Result<SocialGraph, NetworkError> {
    check_nodes(n)?;
    if !n.is_multiple_of(2) {
        return Err(NetworkError::Nodes { n });
    }
    if groups == 0 || groups > n / 2 || groups > u32::MAX as usize {
        return Err(bad(
            "groups",
            groups as f64,
            "a number of groups in 1..=n/2",
        ));
    }
    if !(0.0..=1.0).contains(&homophily) {
        return Err(bad("homophily", homophily, "a share in [0, 1]"));
    }
    let labels: Vec<u32> = (0..n).map(|i| dyad_group(i, n, groups)).collect();
    let mut starts = vec![0u32; groups + 1];
    for &g in &labels {
        starts[g as usize + 1] += 1;
    }
    for g in 0..groups {
        starts[g + 1] += starts[g];
    }
    let min_size = (0..groups)
        .map(|g| starts[g + 1] - starts[g])
        .min()
        .unwrap_or(0);
    if !(k >= 0.0 && homophily * k <= (min_size - 1) as f64) {
        return Err(bad(
            "k",
            k,
            "a mean degree with homophily * k <= group size - 1",
        ));
    }
    let out_pool = n as f64 - n as f64 / groups as f64;
    if groups == 1 && homophily < 1.0 && k > 0.0 {
        return Err(bad(
            "homophily",
            homophily,
            "1 when there is a single group",
        ));
    }
    let p_out = if groups > 1 {
        (1.0 - homophily) * k / out_pool
    } else {
        0.0
    };
    if p_out > 1.0 {
        return Err(bad(
            "k",
            k,
            "a mean degree with (1 - homophily) k <= n - n/groups",
        ));
    }
    let mut edges = Vec::with_capacity((n as f64 * k * 0.5 * 1.01) as usize + 16);
    for a in 0..groups {
        let (sa, s) = (starts[a], starts[a + 1] - starts[a]);
        gnp_block(sa, s, homophily * k / (s - 1) as f64, rng, &mut edges);
        for b in a + 1..groups {
            let (sb, t) = (starts[b], starts[b + 1] - starts[b]);
            gnp_rect(sa, s, sb, t, p_out, rng, &mut edges);
        }
    }
    Ok(SocialGraph::from_edges(n, &edges, labels))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{Component, stream};

    fn simple(g: &SocialGraph) -> bool {
        (0..g.node_count() as u32).all(|a| {
            let mut nb = g.neighbors_of(a).to_vec();
            nb.sort();
            let len = nb.len();
            nb.dedup();
            nb.len() == len && !nb.contains(&a)
        })
    }

    #[test]
    fn erdos_renyi_has_the_mean_degree() {
        let mut rng = stream(1, 0, Component::Network);
        let g = erdos_renyi(20_000, 8.0, &mut rng).unwrap();
        // Edge count ~ Binomial(n(n-1)/2, p): sd of the mean degree ~ sqrt(2k/n) = 0.028.
        assert!((g.mean_degree() - 8.0).abs() < 0.12);
        assert!(simple(&g));
    }

    #[test]
    fn complete_block_when_p_is_one() {
        let mut rng = stream(1, 0, Component::Network);
        let g = erdos_renyi(30, 29.0, &mut rng).unwrap();
        assert_eq!(g.edge_count(), 30 * 29 / 2);
    }

    #[test]
    fn watts_strogatz_keeps_edges_and_is_simple() {
        let mut rng = stream(2, 0, Component::Network);
        let g = watts_strogatz(2000, 10, 0.2, &mut rng).unwrap();
        assert_eq!(g.edge_count(), 2000 * 5);
        assert!(simple(&g));
        let ring = watts_strogatz(100, 4, 0.0, &mut rng).unwrap();
        assert!((0..100).all(|a| ring.degree(a) == 4));
    }

    #[test]
    fn sbm_has_the_degree_and_homophily() {
        let mut rng = stream(3, 0, Component::Network);
        let g = sbm(40_000, 200, 0.8, 10.0, &mut rng).unwrap();
        assert!((g.mean_degree() - 10.0).abs() < 0.12);
        assert!((g.same_group_share().unwrap() - 0.8).abs() < 0.01);
        assert!(simple(&g));
        assert!((0..40_000).step_by(2).all(|i| g.group(i) == g.group(i + 1)));
    }

    #[test]
    fn invalid_parameters_are_named() {
        let mut rng = stream(3, 0, Component::Network);
        let e = sbm(100, 10, 0.9, 20.0, &mut rng).unwrap_err();
        assert!(e.to_string().contains("k"));
        assert!(watts_strogatz(100, 3, 0.1, &mut rng).is_err());
        assert!(erdos_renyi(1, 1.0, &mut rng).is_err());
    }
}
