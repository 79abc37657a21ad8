//! The `--network` spec string.

use std::fmt;
use std::str::FromStr;

use rand::Rng;

use super::generate::{erdos_renyi, sbm, watts_strogatz};
use super::{NetworkError, SocialGraph};

/// How weak ties are drawn.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
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
}

impl NetworkSpec {
    /// Build the graph for `n` agents; `None` for random mixing.
    pub fn build(&self, n: usize, rng: &mut impl Rng) -> Result<Option<SocialGraph>, NetworkError> {
        Ok(match *self {
            NetworkSpec::Random => None,
            NetworkSpec::Er { k } => Some(erdos_renyi(n, k, rng)?),
            NetworkSpec::Ws { k, p } => Some(watts_strogatz(n, k, p, rng)?),
            NetworkSpec::Sbm {
                groups,
                homophily,
                k,
            } => Some(sbm(n, groups, homophily, k, rng)?),
        })
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
