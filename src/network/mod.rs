//! Social graphs (petgraph) and their generators.
//!
//! Weak ties are either random mixing over the whole population or the
//! neighbours in a [`SocialGraph`]; a [`NetworkSpec`] (parsed from strings such
//! as `random`, `er:k=10`, `ws:k=10,p=0.1`, `sbm:groups=50,homophily=0.8,k=10`)
//! says which.

pub mod generate;
pub mod graph;
pub mod spec;

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
        "invalid --network `{spec}`: {reason} (expected random, er:k=K, ws:k=K,p=P or sbm:groups=G,homophily=H,k=K)"
    )]
    Spec { spec: String, reason: String },
}
