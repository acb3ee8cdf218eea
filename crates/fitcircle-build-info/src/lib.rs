//! The git commit the binary is built from (for `fitcircle --version`).
//!
//! A crate of its own so that a new commit re-runs only this crate's build
//! script and relinks the binary: set in the main package's build.rs, the
//! commit would make every commit recompile the whole library.

/// `git rev-parse --short=12 HEAD` at build time, or "unknown" outside a
/// git checkout or without git.
pub const COMMIT: &str = env!("FITCIRCLE_GIT_COMMIT");
