//! fitcircle: 15-minute walking coverage of sports facilities.
//!
//! The pipeline, one folder a stage:
//!
//! 1. [`input`]: read OSM PBF/XML, CSV and GeoJSON into plain [`model`] records,
//!    converting GCJ-02 / BD-09 coordinates to WGS-84 ([`crs`]).
//! 2. [`graph`]: build the walking network (foot-access rules, ways split at
//!    shared nodes), snap facilities and communities onto it, freeze it into
//!    CSR arrays with `u32` indices.
//! 3. [`spatial`]: local metric projection and R-trees (`rstar`).
//! 4. [`analysis`]: bounded multi-source Dijkstra, per-category coverage,
//!    population-weighted summaries (parallel with `rayon`, deterministic).
//! 5. [`output`]: RFC 7946 GeoJSON, CSV tables and the terminal summary,
//!    written atomically.
//!
//! The binary (`src/main.rs` and its `cli` module, behind the default `cli`
//! feature) is a thin layer over this library.

pub mod analysis;
pub mod config;
pub mod crs;
pub mod error;
pub mod graph;
pub mod input;
pub mod model;
pub mod output;
pub mod spatial;
pub mod targets;
#[cfg(test)]
mod testing;
pub mod timing;

pub use error::{Error, Result};
