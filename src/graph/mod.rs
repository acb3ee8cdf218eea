//! The walking network: build edges from OSM ways ([`build`]), attach
//! facilities and communities to it (`snap`) and freeze it into CSR arrays
//! for searching ([`csr`]), with its pass-through chains contracted for
//! searches that reach most of it (`contract`).

pub mod build;
pub(crate) mod contract;
pub mod csr;
pub(crate) mod snap;

pub use build::{Edge, Network};
pub use csr::WalkGraph;

#[cfg(test)]
mod build_tests;
