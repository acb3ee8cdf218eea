//! Helpers for unit tests: the workspace's one seeded generator
//! (SplitMix64, from the synthetic city crate), so randomised tests are
//! repeatable.

pub use fitcircle_synth::rng::{SplitMix64 as Rng, unit};
