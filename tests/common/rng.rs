//! The seeded generator of every randomised test: SplitMix64 (Steele, Lea,
//! Flood 2014), the synthetic city's own (`fitcircle_synth::rng`), so the
//! workspace has one. `Rng(seed)` starts a stream. Included with
//! `#[path = "common/rng.rs"] mod rng;` so test crates that do not run the
//! binary need not pull in `common`.

pub use fitcircle_synth::rng::SplitMix64 as Rng;
