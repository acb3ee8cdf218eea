//! The walking network: build edges from OSM ways ([`build`]), attach
//! facilities and communities to it ([`snap`]) and freeze it into CSR arrays
//! for searching ([`csr`]).

pub mod build;
pub mod csr;
pub mod snap;

pub use build::{Edge, Network};
pub use csr::WalkGraph;
