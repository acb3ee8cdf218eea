//! Analyses over the walking graph: bounded searches (`search`) and
//! per-category coverage ([`coverage`]). Pure functions, parallel inside with
//! rayon, results collected in input order so output is deterministic.

pub mod bands;
#[cfg(test)]
mod bands_tests;
pub mod catchment;
pub mod coverage;
pub mod covered_area;
pub mod gaps;
pub(crate) mod isochrone;
#[cfg(test)]
mod isochrone_tests;
pub mod measures;
pub mod placement;
pub(crate) mod reach;
pub mod scenario;
pub(crate) mod search;
#[cfg(test)]
mod search_oracle_tests;
pub mod sites;
#[cfg(test)]
mod sites_tests;
pub mod siting;
#[cfg(test)]
mod stage_tests;
pub(crate) mod straight;
pub mod study;
pub(crate) mod supply;
#[cfg(test)]
mod supply_tests;
pub mod surface;
pub mod units;
pub mod verify;
pub mod windows;
#[cfg(test)]
mod windows_tests;
