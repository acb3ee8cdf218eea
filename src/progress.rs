//! Progress of long work, reported through a small trait the caller
//! passes in: the library says which stage it is in and how far along;
//! the binary draws a bar or writes JSON lines ([`Progress`]). Coarse by
//! design (a call per stage, not per item), so it costs nothing
//! measurable. Bottom layer: no imports from the crate.

/// Receives progress updates. Called from the thread running the stage.
pub trait Progress: Sync {
    /// Stage `name` has `done` of `total` steps behind it (`done == total`:
    /// finished).
    fn update(&self, name: &str, done: u64, total: u64);
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _name: &str, _done: u64, _total: u64) {}
}
