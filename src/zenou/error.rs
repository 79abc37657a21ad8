//! Errors of the Zenou model and engine. Each variant names the parameter and
//! the allowed range, so the one-line message tells the user what to fix.

/// Invalid model, engine or network input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ZenouError {
    /// A model or engine parameter out of its range.
    #[error("invalid {name} = {value}: expected {expected}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range.
        expected: &'static str,
    },
    /// An odd number of agents, or one the engine cannot index.
    #[error("invalid number of agents {n}: expected an even number in 2..={max}")]
    InvalidAgents {
        /// The number asked for.
        n: u64,
        /// The largest allowed.
        max: u64,
    },
    /// Per-agent omega of the wrong length.
    #[error("per-agent omega has {got} entries but there are {n} agents")]
    OmegaLength {
        /// Entries given.
        got: usize,
        /// Agents.
        n: usize,
    },
    /// A graph whose node count is not the number of agents.
    #[error("graph has {graph} nodes but the engine has {agents} agents")]
    GraphSize {
        /// Nodes of the graph.
        graph: usize,
        /// Agents of the run.
        agents: usize,
    },
    /// The run's monitor asked it to stop (nothing was produced).
    #[error("cancelled at simulated time {t} after {events} events")]
    Cancelled {
        /// Events done before the stop.
        events: u64,
        /// Simulated time reached.
        t: f64,
    },
    /// A bad network specification or file.
    #[error(transparent)]
    Network(#[from] crate::network::NetworkError),
    /// A run that would not fit in memory (refused before allocating).
    #[error(transparent)]
    Size(#[from] crate::resources::SizeError),
    /// A run whose estimated time exceeds the limit.
    #[error(transparent)]
    Time(Box<crate::resources::TimeError>),
    /// The allocator refused the memory a run needs.
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
