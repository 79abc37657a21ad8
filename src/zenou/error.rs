//! Errors of the Zenou model and engine. Each variant names the parameter and
//! the allowed range, so the one-line message tells the user what to fix.

/// Invalid model, engine or network input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZenouError {
    #[error("invalid {name} = {value}: expected {expected}")]
    InvalidParameter {
        name: &'static str,
        value: f64,
        expected: &'static str,
    },
    #[error("invalid number of agents {n}: expected an even number in 2..={max}")]
    InvalidAgents { n: u64, max: u64 },
    #[error("per-agent omega has {got} entries but there are {n} agents")]
    OmegaLength { got: usize, n: usize },
    #[error("graph has {graph} nodes but the engine has {agents} agents")]
    GraphSize { graph: usize, agents: usize },
    #[error(transparent)]
    Network(#[from] crate::network::NetworkError),
    #[error(transparent)]
    Size(#[from] crate::resources::SizeError),
    #[error(transparent)]
    Time(Box<crate::resources::TimeError>),
    #[error(transparent)]
    Alloc(Box<crate::resources::AllocError>),
}

impl From<crate::resources::TimeError> for ZenouError {
    fn from(e: crate::resources::TimeError) -> Self {
        ZenouError::Time(Box::new(e))
    }
}

impl From<crate::resources::AllocError> for ZenouError {
    fn from(e: crate::resources::AllocError) -> Self {
        ZenouError::Alloc(Box::new(e))
    }
}

/// Check `value` is finite and satisfies `ok`, or name it in an error.
pub(crate) fn check(
    name: &'static str,
    value: f64,
    expected: &'static str,
    ok: bool,
) -> Result<f64, ZenouError> {
    if value.is_finite() && ok {
        Ok(value)
    } else {
        Err(ZenouError::InvalidParameter {
            name,
            value,
            expected,
        })
    }
}
