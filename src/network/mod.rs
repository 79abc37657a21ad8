//! Social graphs (petgraph) and their generators.
//!
//! Weak ties are either random mixing over the whole population or the
//! neighbours in a [`SocialGraph`]; a [`NetworkSpec`] (parsed from strings such
//! as `random`, `er:k=10`, `ws:k=10,p=0.1`, `sbm:groups=50,homophily=0.8,k=10`)
//! says which; `edges:FILE.csv` reads a measured graph (`edges`).

pub(crate) mod edges;
pub(crate) mod generate;
pub(crate) mod graph;
pub(crate) mod spec;

pub use graph::SocialGraph;
pub use spec::NetworkSpec;

/// Invalid network input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetworkError {
    #[error("invalid network {name} = {value}: expected {expected}")]
    Parameter {
        name: &'static str,
        value: f64,
        expected: &'static str,
    },
    #[error("invalid number of nodes {n}: expected an even number in 2..=4294967295")]
    Nodes { n: usize },
    #[error(
        "invalid --network `{spec}`: {reason} (expected random, er:k=K, ws:k=K,p=P, sbm:groups=G,homophily=H,k=K or edges:FILE.csv[,directed=true])"
    )]
    Spec { spec: String, reason: String },
    #[error("{0}")]
    EdgeFile(Box<EdgeFileProblem>),
    #[error(
        "{file} has {nodes} nodes but {agents} agents were asked for: give as many agents as nodes (or take the number from the file, e.g. `--agents from-file`)"
    )]
    FileNodes {
        file: String,
        nodes: usize,
        agents: usize,
    },
}

/// A bad edge-list file: where (row 1 is the header) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeFileProblem {
    pub file: String,
    pub row: Option<usize>,
    pub column: Option<String>,
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
