//! Social graphs (petgraph) and their generators.
