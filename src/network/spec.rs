//! The `--network` spec string.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use rand::Rng;

use super::edges::FileGraph;
use super::generate::{erdos_renyi, sbm, watts_strogatz};
use super::{NetworkError, SocialGraph};

/// How weak ties are drawn.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NetworkSpec {
    /// A uniform random other agent (the mean-field case).
    Random,
    /// Erdős–Rényi with mean degree `k`.
    Er { k: f64 },
    /// Watts–Strogatz with degree `k` and rewiring probability `p`.
    Ws { k: usize, p: f64 },
    /// Hometown stochastic block model.
    Sbm {
        groups: usize,
        homophily: f64,
        k: f64,
    },
    /// A measured graph read from an edge-list file (`edges:FILE.csv`,
    /// optionally `edges:FILE.csv,directed=true`; see `super::edges`). The
    /// file is read when the spec is parsed.
    Edges {
        path: String,
        directed: bool,
        #[serde(skip)]
        graph: Arc<FileGraph>,
    },
}

impl NetworkSpec {
    /// Build the graph for `n` agents; `None` for random mixing.
    pub fn build(&self, n: usize, rng: &mut impl Rng) -> Result<Option<SocialGraph>, NetworkError> {
        Ok(match self {
            NetworkSpec::Random => None,
            NetworkSpec::Er { k } => Some(erdos_renyi(n, *k, rng)?),
            NetworkSpec::Ws { k, p } => Some(watts_strogatz(n, *k, *p, rng)?),
            NetworkSpec::Sbm {
                groups,
                homophily,
                k,
            } => Some(sbm(n, *groups, *homophily, *k, rng)?),
            NetworkSpec::Edges { graph, .. } => {
                if graph.graph.node_count() != n {
                    return Err(NetworkError::FileNodes {
                        file: graph.report.file.clone(),
                        nodes: graph.graph.node_count(),
                        agents: n,
                    });
                }
                Some(graph.graph.clone())
            }
        })
    }

    /// The report of a graph read from a file (`None` for generators).
    pub fn file_report(&self) -> Option<&super::edges::GraphReport> {
        match self {
            NetworkSpec::Edges { graph, .. } => Some(&graph.report),
            _ => None,
        }
    }

    /// Mean degree the spec gives (exact for a file, the target for a
    /// generator; 0 for random mixing), for memory estimates.
    pub fn mean_degree(&self) -> f64 {
        match self {
            NetworkSpec::Random => 0.0,
            NetworkSpec::Er { k } | NetworkSpec::Sbm { k, .. } => *k,
            NetworkSpec::Ws { k, .. } => *k as f64,
            NetworkSpec::Edges { graph, .. } => graph.graph.mean_degree(),
        }
    }
}

impl fmt::Display for NetworkSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkSpec::Random => write!(f, "random"),
            NetworkSpec::Er { k } => write!(f, "er:k={k}"),
            NetworkSpec::Ws { k, p } => write!(f, "ws:k={k},p={p}"),
            NetworkSpec::Sbm {
                groups,
                homophily,
                k,
            } => {
                write!(f, "sbm:groups={groups},homophily={homophily},k={k}")
            }
            NetworkSpec::Edges { path, directed, .. } => {
                write!(f, "edges:{path}")?;
                if *directed {
                    write!(f, ",directed=true")?;
                }
                Ok(())
            }
        }
    }
}

struct Fields<'a> {
    spec: &'a str,
    pairs: Vec<(&'a str, &'a str)>,
}

impl Fields<'_> {
    fn err(&self, reason: String) -> NetworkError {
        NetworkError::Spec {
            spec: self.spec.to_string(),
            reason,
        }
    }

    fn only(&self, allowed: &[&str]) -> Result<(), NetworkError> {
        match self.pairs.iter().find(|(k, _)| !allowed.contains(k)) {
            Some((k, _)) => Err(self.err(format!(
                "unknown key `{k}` (allowed: {})",
                allowed.join(", ")
            ))),
            None => Ok(()),
        }
    }

    fn get<T: FromStr>(&self, key: &str) -> Result<T, NetworkError> {
        let (_, v) = self
            .pairs
            .iter()
            .find(|(k, _)| *k == key)
            .ok_or_else(|| self.err(format!("missing `{key}=`")))?;
        v.parse()
            .map_err(|_| self.err(format!("`{key}={v}` is not a valid number")))
    }
}

impl FromStr for NetworkSpec {
    type Err = NetworkError;

    fn from_str(spec: &str) -> Result<Self, NetworkError> {
        let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
        if kind.trim() == "edges" {
            return parse_edges(spec, rest);
        }
        let mut pairs = Vec::new();
        for item in rest.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = item.split_once('=').ok_or_else(|| NetworkError::Spec {
                spec: spec.to_string(),
                reason: format!("`{item}` is not key=value"),
            })?;
            let k = k.trim();
            if pairs.iter().any(|(seen, _)| *seen == k) {
                return Err(NetworkError::Spec {
                    spec: spec.to_string(),
                    reason: format!("key `{k}` is given more than once"),
                });
            }
            pairs.push((k, v.trim()));
        }
        let f = Fields { spec, pairs };
        match kind.trim() {
            "random" => f.only(&[]).map(|_| NetworkSpec::Random),
            "er" => {
                f.only(&["k"])?;
                Ok(NetworkSpec::Er { k: f.get("k")? })
            }
            "ws" => {
                f.only(&["k", "p"])?;
                Ok(NetworkSpec::Ws {
                    k: f.get("k")?,
                    p: f.get("p")?,
                })
            }
            "sbm" => {
                f.only(&["groups", "homophily", "k"])?;
                Ok(NetworkSpec::Sbm {
                    groups: f.get("groups")?,
                    homophily: f.get("homophily")?,
                    k: f.get("k")?,
                })
            }
            other => Err(f.err(format!("unknown network kind `{other}`"))),
        }
    }
}

/// `edges:PATH[,directed=true|false]`: the path runs to the last comma
/// that starts a `directed=` option (paths may contain commas otherwise).
fn parse_edges(spec: &str, rest: &str) -> Result<NetworkSpec, NetworkError> {
    let err = |reason: String| NetworkError::Spec {
        spec: spec.to_string(),
        reason,
    };
    let (path, directed) = match rest.rsplit_once(',') {
        Some((p, opt)) if opt.trim().starts_with("directed") => {
            let v = opt
                .split_once('=')
                .map(|(_, v)| v.trim())
                .ok_or_else(|| err(format!("`{opt}` is not key=value")))?;
            let d = match v {
                "true" => true,
                "false" => false,
                other => return Err(err(format!("`directed={other}`: expected true or false"))),
            };
            (p.trim(), d)
        }
        _ => (rest.trim(), false),
    };
    if path.is_empty() {
        return Err(err("missing the file: expected edges:FILE.csv".into()));
    }
    let graph = FileGraph::read(Path::new(path), directed)?;
    Ok(NetworkSpec::Edges {
        path: path.to_string(),
        directed,
        graph,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_specs() {
        for s in [
            "random",
            "er:k=10",
            "ws:k=10,p=0.1",
            "sbm:groups=50,homophily=0.8,k=10",
        ] {
            let spec: NetworkSpec = s.parse().unwrap();
            assert_eq!(spec.to_string(), s);
        }
    }

    #[test]
    fn rejects_bad_specs() {
        for s in [
            "grid",
            "er",
            "er:k=x",
            "ws:k=10",
            "sbm:groups=5,k=3,h=1",
            "random:k=3",
            "er:k",
        ] {
            assert!(s.parse::<NetworkSpec>().is_err(), "{s}");
        }
    }

    #[test]
    fn duplicate_keys_are_an_error_naming_the_key() {
        for (s, key) in [
            ("er:k=10,k=5", "k"),
            ("ws:k=4,p=0.1,p=0.2", "p"),
            ("er: k=3 ,k =3", "k"),
        ] {
            let e = s.parse::<NetworkSpec>().unwrap_err().to_string();
            assert!(
                e.contains(&format!("key `{key}` is given more than once")),
                "{e}"
            );
        }
    }
}
