//! The weak-tie graph: each migrant forms `stubs` weak ties; each goes to a
//! fellow provincial in the same city (the hometown group) with probability
//! `homophily_enclave` for enclave residents and `homophily_other` otherwise,
//! else to a uniform migrant of the city. Ties to oneself or to one's dyad
//! partner (the strong tie) are dropped. The uniforms are drawn in a fixed
//! order whatever the statuses, so graphs under different enclave statuses
//! share them (common random numbers) and differ only where a status differs.
//! With `network.source = "edges:FILE.csv"` the graph is the measured one,
//! the same under every status.

use rand::Rng;

use super::config::Config;
use super::population::{Population, streams};
use crate::network::SocialGraph;
use crate::seed::{Component, stream};

/// The weak-tie graph under enclave statuses `enclave`, labelled by group.
pub fn weak_tie_graph(cfg: &Config, pop: &Population, enclave: &[bool], seed: u64) -> SocialGraph {
    if let Some(g) = &pop.file_graph {
        return g.as_ref().clone();
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::studies::enclave::population::draw;

    /// A ring of `n` nodes with ids `v0..`, each tied to the next two.
    fn ring(n: usize) -> tempfile::NamedTempFile {
        let mut text = String::from("source,target\n");
        for i in 0..n {
            for d in 1..=2 {
                text.push_str(&format!("v{i},v{}\n", (i + d) % n));
            }
        }
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), text).unwrap();
        f
    }

    #[test]
    fn measured_graph_replaces_the_generated_one_under_every_status() {
        let f = ring(400);
        let mut cfg = Config {
            n: 400,
            ..Config::default()
        };
        cfg.network.source = format!("edges:{}", f.path().display());
        cfg.validate().unwrap();
        let pop = draw(&cfg, 7).unwrap();
        let none = vec![false; 400];
        let all = vec![true; 400];
        let (a, b) = (
            weak_tie_graph(&cfg, &pop, &none, 7),
            weak_tie_graph(&cfg, &pop, &all, 7),
        );
        assert_eq!(a, b);
        assert_eq!(a.edge_count(), 800);
        // Node k is the k-th id of the file: v0's neighbours are v1, v2, v398, v399.
        let mut nb = a.neighbors_of(0).to_vec();
        nb.sort();
        assert_eq!(nb, [1, 2, 398, 399]);
        assert_eq!(a.groups(), pop.group.as_slice());
        cfg.n = 402;
        let e = draw(&cfg, 7).unwrap_err().to_string();
        assert!(
            e.contains("network.source") && e.contains("400 nodes") && e.contains("n = 402"),
            "{e}"
        );
        cfg.network.source = "ws:k=4,p=0.1".into();
        assert!(
            cfg.validate()
                .unwrap_err()
                .to_string()
                .contains("network.source")
        );
    }
}
