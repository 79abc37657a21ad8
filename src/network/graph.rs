//! The social graph: an undirected simple graph stored in compressed sparse
//! row form, with an optional group (hometown) label per node.
//!
//! It implements petgraph's visitor traits (`IntoNeighbors`, `Visitable`,
//! `NodeIndexable`, ...) so petgraph's traversals run on it directly, and
//! converts to and from `petgraph::graph::UnGraph`. It is not a
//! `petgraph::Graph` inside because that costs 16 bytes per undirected edge
//! plus per-node links, and `petgraph::csr::Csr` can only be built from a
//! sorted list of both edge directions (8 more bytes per directed edge at
//! peak); this layout costs 4 bytes per directed edge and 8 per node, which
//! keeps a 10^6-agent simulation inside the memory budget.

use petgraph::graph::UnGraph;
use petgraph::visit::{
    GraphBase, GraphProp, IntoNeighbors, IntoNodeIdentifiers, NodeCompactIndexable, NodeCount,
    NodeIndexable, Visitable,
};

/// Undirected social graph in CSR form; nodes are `0..n` as `u32`.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialGraph {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    groups: Vec<u32>,
    /// Empty (unweighted), else the running sum of the tie weights of each
    /// node's neighbours, parallel to `targets`.
    cum_weights: Vec<f64>,
    /// Arcs `a -> b` stored at `a` only (graphs read with `directed=true`).
    directed: bool,
}

impl SocialGraph {
    /// Build from undirected edges (each listed once, no self-loops or
    /// duplicates) by a counting sort; `groups` is empty or has `n` labels.
    pub fn from_edges(n: usize, edges: &[(u32, u32)], groups: Vec<u32>) -> Self {
        let mut offsets = vec![0usize; n + 1];
        for &(a, b) in edges {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut cursor = offsets[..n].to_vec();
        let mut targets = vec![0u32; offsets[n]];
        for &(a, b) in edges {
            targets[cursor[a as usize]] = b;
            cursor[a as usize] += 1;
            targets[cursor[b as usize]] = a;
            cursor[b as usize] += 1;
        }
        Self {
            offsets,
            targets,
            groups,
            cum_weights: Vec::new(),
            directed: false,
        }
    }

    /// Build from an edge list read from a file: `edges` each listed once
    /// (no self-loops or duplicates), `weights` empty or one per edge, and
    /// with `directed` each `(a, b)` an arc stored at `a` only.
    pub fn from_edge_list(n: usize, edges: &[(u32, u32)], weights: &[f64], directed: bool) -> Self {
        let mut offsets = vec![0usize; n + 1];
        for &(a, b) in edges {
            offsets[a as usize + 1] += 1;
            if !directed {
                offsets[b as usize + 1] += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut cursor = offsets[..n].to_vec();
        let mut targets = vec![0u32; offsets[n]];
        let mut w = if weights.is_empty() {
            Vec::new()
        } else {
            vec![0.0; offsets[n]]
        };
        for (k, &(a, b)) in edges.iter().enumerate() {
            let mut put = |from: u32, to: u32| {
                let at = cursor[from as usize];
                targets[at] = to;
                if let Some(x) = weights.get(k) {
                    w[at] = *x;
                }
                cursor[from as usize] += 1;
            };
            put(a, b);
            if !directed {
                put(b, a);
            }
        }
        if !w.is_empty() {
            for a in 0..n {
                let mut acc = 0.0;
                for x in &mut w[offsets[a]..offsets[a + 1]] {
                    acc += *x;
                    *x = acc;
                }
            }
        }
        Self {
            offsets,
            targets,
            groups: Vec::new(),
            cum_weights: w,
            directed,
        }
    }

    /// The same ties with group labels `groups` (empty or one per node).
    pub fn with_groups(mut self, groups: Vec<u32>) -> Self {
        self.groups = groups;
        self
    }

    /// Whether ties are arcs (`a -> b` passes information from `a` to `b` only).
    pub fn is_directed(&self) -> bool {
        self.directed
    }

    /// Whether ties carry weights (contacts then follow [`SocialGraph::contact`]).
    pub fn is_weighted(&self) -> bool {
        !self.cum_weights.is_empty()
    }

    /// A weak-tie contact of `a`: a neighbour with probability proportional
    /// to its tie weight (uniform when unweighted), from a uniform `u` in
    /// [0, 1); `None` for a node without neighbours.
    #[inline]
    pub fn contact(&self, a: u32, u: f64) -> Option<u32> {
        let (lo, hi) = (self.offsets[a as usize], self.offsets[a as usize + 1]);
        if lo == hi {
            return None;
        }
        if self.cum_weights.is_empty() {
            let k = ((u * (hi - lo) as f64) as usize).min(hi - lo - 1);
            return Some(self.targets[lo + k]);
        }
        let cum = &self.cum_weights[lo..hi];
        let x = u * cum[hi - lo - 1];
        let k = cum.partition_point(|&c| c <= x).min(hi - lo - 1);
        Some(self.targets[lo + k])
    }

    /// Convert a petgraph graph (node and edge weights dropped, no labels).
    pub fn from_petgraph<N, E>(g: &UnGraph<N, E>) -> Self {
        let edges: Vec<(u32, u32)> = g
            .raw_edges()
            .iter()
            .map(|e| (e.source().index() as u32, e.target().index() as u32))
            .collect();
        Self::from_edges(g.node_count(), &edges, Vec::new())
    }

    /// A petgraph copy whose node weights are the group labels (0 if none).
    pub fn to_petgraph(&self) -> UnGraph<u32, ()> {
        let mut g = UnGraph::with_capacity(self.node_count(), self.edge_count());
        for i in 0..self.node_count() {
            g.add_node(self.group(i as u32).unwrap_or(0));
        }
        for a in 0..self.node_count() as u32 {
            for &b in self.neighbors_of(a) {
                if a < b || self.directed {
                    g.add_edge(a.into(), b.into(), ());
                }
            }
        }
        g
    }

    /// Number of nodes (agents).
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of undirected edges (of arcs when directed).
    pub fn edge_count(&self) -> usize {
        if self.directed {
            self.targets.len()
        } else {
            self.targets.len() / 2
        }
    }

    /// Neighbours of node `a` (the hot-loop view).
    #[inline]
    pub fn neighbors_of(&self, a: u32) -> &[u32] {
        &self.targets[self.offsets[a as usize]..self.offsets[a as usize + 1]]
    }

    /// Number of neighbours (out-neighbours when directed) of `a`.
    pub fn degree(&self, a: u32) -> usize {
        self.offsets[a as usize + 1] - self.offsets[a as usize]
    }

    /// Mean degree `2 E / n` (mean out-degree `E / n` when directed).
    pub fn mean_degree(&self) -> f64 {
        self.targets.len() as f64 / self.node_count().max(1) as f64
    }

    /// Group label of `a` (`None` without labels).
    pub fn group(&self, a: u32) -> Option<u32> {
        self.groups.get(a as usize).copied()
    }

    /// Group labels, one per node (empty without labels).
    pub fn groups(&self) -> &[u32] {
        &self.groups
    }

    /// Share of edge ends that join two members of the same group (the
    /// realised homophily); `None` without labels or edges.
    pub fn same_group_share(&self) -> Option<f64> {
        if self.groups.is_empty() || self.targets.is_empty() {
            return None;
        }
        let same = (0..self.node_count() as u32)
            .map(|a| {
                let g = self.groups[a as usize];
                self.neighbors_of(a)
                    .iter()
                    .filter(|&&b| self.groups[b as usize] == g)
                    .count()
            })
            .sum::<usize>();
        Some(same as f64 / self.targets.len() as f64)
    }

    /// Heap bytes held: offsets, targets and labels.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * size_of::<usize>()
            + (self.targets.capacity() + self.groups.capacity()) * size_of::<u32>()
            + self.cum_weights.capacity() * size_of::<f64>()
    }
}

type BitMap = <UnGraph<(), ()> as Visitable>::Map;

impl GraphBase for SocialGraph {
    type NodeId = u32;
    type EdgeId = usize;
}

impl GraphProp for SocialGraph {
    type EdgeType = petgraph::Undirected;
}

impl NodeCount for SocialGraph {
    fn node_count(&self) -> usize {
        SocialGraph::node_count(self)
    }
}

impl NodeIndexable for SocialGraph {
    fn node_bound(&self) -> usize {
        SocialGraph::node_count(self)
    }
    fn to_index(&self, a: u32) -> usize {
        a as usize
    }
    fn from_index(&self, i: usize) -> u32 {
        i as u32
    }
}

impl NodeCompactIndexable for SocialGraph {}

impl Visitable for SocialGraph {
    type Map = BitMap;
    fn visit_map(&self) -> BitMap {
        BitMap::with_capacity(SocialGraph::node_count(self))
    }
    fn reset_map(&self, map: &mut BitMap) {
        map.clear();
        map.grow(SocialGraph::node_count(self));
    }
}

impl<'a> IntoNeighbors for &'a SocialGraph {
    type Neighbors = std::iter::Copied<std::slice::Iter<'a, u32>>;
    fn neighbors(self, a: u32) -> Self::Neighbors {
        self.neighbors_of(a).iter().copied()
    }
}

impl IntoNodeIdentifiers for &SocialGraph {
    type NodeIdentifiers = std::ops::Range<u32>;
    fn node_identifiers(self) -> Self::NodeIdentifiers {
        0..SocialGraph::node_count(self) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::visit::Bfs;

    #[test]
    fn petgraph_round_trip_and_traversal() {
        let edges = [(0, 1), (1, 2), (3, 4)];
        let g = SocialGraph::from_edges(6, &edges, vec![0, 0, 0, 1, 1, 1]);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.degree(1), 2);
        let pg = g.to_petgraph();
        assert_eq!(petgraph::algo::connected_components(&pg), 3);
        assert_eq!(SocialGraph::from_petgraph(&pg).edge_count(), 3);
        let mut bfs = Bfs::new(&g, 0);
        let mut seen = Vec::new();
        while let Some(v) = bfs.next(&g) {
            seen.push(v);
        }
        seen.sort();
        assert_eq!(seen, vec![0, 1, 2]);
        assert_eq!(g.same_group_share(), Some(1.0));
    }
}
