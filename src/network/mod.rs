#![deny(missing_docs)]
//! Social graphs (petgraph) and their generators.
//!
//! Weak ties are either random mixing over the whole population or the
//! neighbours in a [`SocialGraph`]; a [`NetworkSpec`] (parsed from strings such
//! as `random`, `er:k=10`, `ws:k=10,p=0.1`, `sbm:groups=50,homophily=0.8,k=10`)
//! says which; `edges:FILE.csv` reads a measured graph (`edges`).

/// Measured graphs from edge-list files.
pub(crate) mod edges;
/// Random graph generators: Erdos-Renyi, Watts-Strogatz, stochastic block model.
pub(crate) mod generate;
/// The compressed adjacency the engine reads ([`SocialGraph`]).
pub(crate) mod graph;
/// Network specifications parsed from strings ([`NetworkSpec`]).
pub(crate) mod spec;

pub use graph::SocialGraph;
pub use spec::NetworkSpec;

/// Invalid network input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetworkError {
    /// A generator parameter out of its range.
    #[error("invalid network {name} = {value}: expected {expected}")]
    Parameter {
        /// The parameter (`k`, `p`, `groups`, `homophily`).
        name: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range.
        expected: &'static str,
    },
    /// A node count the engine cannot hold (odd, or 2^32 or more).
    #[error("invalid number of nodes {n}: expected an even number in 2..=4294967295")]
    Nodes {
        /// The count asked for.
        n: usize,
    },
    /// A `--network` string that does not parse.
    #[error(
        "invalid --network `{spec}`: {reason} (expected random, er:k=K, ws:k=K,p=P, sbm:groups=G,homophily=H,k=K or edges:FILE.csv[,directed=true])"
    )]
    Spec {
        /// The string given.
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A bad edge-list file (where and why).
    #[error("{0}")]
    EdgeFile(Box<EdgeFileProblem>),
    /// An edge-list file whose node count differs from the agents asked for.
    #[error(
        "{file} has {nodes} nodes but {agents} agents were asked for: give as many agents as nodes (or take the number from the file, e.g. `--agents from-file`)"
    )]
    FileNodes {
        /// The file.
        file: String,
        /// Its nodes.
        nodes: usize,
        /// The agents asked for.
        agents: usize,
    },
}

/// A bad edge-list file: where (row 1 is the header) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeFileProblem {
    /// The file.
    pub file: String,
    /// The row (1 is the header), when one is at fault.
    pub row: Option<usize>,
    /// The column, when one is at fault.
    pub column: Option<String>,
    /// What was wrong and what was expected.
    pub reason: String,
}

impl std::fmt::Display for EdgeFileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(r) = self.row {
            write!(f, " row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, " column `{c}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}
