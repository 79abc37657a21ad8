//! The weak-tie graph: each migrant forms `stubs` weak ties; each goes to a
//! fellow provincial in the same city (the hometown group) with probability
//! `homophily_enclave` for enclave residents and `homophily_other` otherwise,
//! else to a uniform migrant of the city. Ties to oneself or to one's dyad
//! partner (the strong tie) are dropped. The uniforms are drawn in a fixed
//! order whatever the statuses, so graphs under different enclave statuses
//! share them (common random numbers) and differ only where a status differs.

use rand::Rng;

use super::config::Config;
use super::population::{Population, streams};
use crate::network::SocialGraph;
use crate::seed::{Component, stream};

/// The weak-tie graph under enclave statuses `enclave`, labelled by group.
pub fn weak_tie_graph(cfg: &Config, pop: &Population, enclave: &[bool], seed: u64) -> SocialGraph {
    let w = &cfg.network;
    let mut rng = stream(seed, 0, Component::Custom(streams::GRAPH));
    let mut edges = Vec::with_capacity(pop.n * w.stubs);
    for (i, &in_enclave) in enclave.iter().enumerate().take(pop.n) {
        let h = if in_enclave {
            w.homophily_enclave
        } else {
            w.homophily_other
        };
        let g = pop.group[i] as usize;
        let c = pop.city[i] as usize;
        for _ in 0..w.stubs {
            let same: f64 = rng.random();
            let pick: f64 = rng.random();
            let (lo, hi) = if same < h {
                (pop.group_start[g], pop.group_start[g + 1])
            } else {
                (pop.city_start[c], pop.city_start[c + 1])
            };
            let j = (lo + (pick * (hi - lo) as f64) as u32).min(hi - 1);
            if j as usize != i && j as usize != (i ^ 1) {
                edges.push((i as u32, j));
            }
        }
    }
    SocialGraph::from_edges(pop.n, &edges, pop.group.clone())
}

/// Share of each migrant's weak ties that are fellow provincials (NaN for an
/// isolated migrant).
pub fn ascribed_share(graph: &SocialGraph) -> Vec<f64> {
    (0..graph.node_count() as u32)
        .map(|i| {
            let nb = graph.neighbors_of(i);
            let g = graph.group(i);
            let same = nb.iter().filter(|&&j| graph.group(j) == g).count();
            same as f64 / nb.len() as f64
        })
        .collect()
}
