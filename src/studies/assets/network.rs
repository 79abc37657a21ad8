//! The workers' social graph: firms as blocks of a stochastic block model
//! (`network::generate::sbm`), so most ties are colleagues.

use super::config::NetworkParams;
use crate::network::SocialGraph;
use crate::network::generate::sbm;
use crate::seed::{self, Component};
use crate::studies::StudyError;

/// Number of firms for `n` workers.
pub fn firm_count(n: usize, p: &NetworkParams) -> usize {
    (n / p.firm_size).clamp(1, (n / 2).max(1))
}

/// The graph of `n` workers (group = firm). `sbm` needs an even number of
/// nodes, so for odd `n` one extra node is generated and dropped.
pub fn build(n: usize, p: &NetworkParams, seed: u64) -> Result<SocialGraph, StudyError> {
    let mut rng = seed::stream(seed, 0, Component::Network);
    let m = n + n % 2;
    let firms = firm_count(n, p);
    let homophily = if firms == 1 { 1.0 } else { p.homophily };
    let g = sbm(m, firms, homophily, p.degree, &mut rng)?;
    if m == n {
        return Ok(g);
    }
    let mut edges = Vec::with_capacity(g.edge_count());
    for a in 0..n as u32 {
        edges.extend(
            g.neighbors_of(a)
                .iter()
                .filter(|&&b| b > a && (b as usize) < n)
                .map(|&b| (a, b)),
        );
    }
    Ok(SocialGraph::from_edges(n, &edges, g.groups()[..n].to_vec()))
}
