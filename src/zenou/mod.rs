//! The Zenou (2013) dyad job-information model: analytic steady state, ODE,
//! heterogeneous contact rates, endogenous weak-tie choice, and the exact
//! continuous-time agent-based engine.
