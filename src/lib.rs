//! fitcircle: 15-minute walking coverage of sports facilities.
//!
//! Does every resident live within a 15-minute walk of a place to exercise,
//! and where not? The library answers stage by stage; each stage is a
//! function with a typed result that the next one takes.
//!
//! | stage | function | result |
//! |---|---|---|
//! | read | [`load`] (CSV, GeoJSON, OSM PBF / XML; WGS-84, GCJ-02, BD-09) | [`Inputs`] |
//! | place | [`analysis::placement::place`]: projection, swapped-coordinate check, snapping, the walking graph | [`analysis::placement::Placement`] |
//! | scenarios | [`analysis::scenario::compute`]: which facilities count now and after the planned projects, coverage of each | [`analysis::scenario::Scenarios`] |
//! | units | [`analysis::units::assign`], [`analysis::units::summarise_all`] | [`analysis::units::AreaSummary`] per area |
//! | catchments | [`analysis::catchment::evaluate`]: life-circle tiers, time windows, 2SFCA, per-capita area | [`analysis::catchment::Catchments`] |
//! | covered areas | [`analysis::covered_area::bands_per_target`]: travel-time surfaces ([`analysis::surface`]) and walking bands ([`analysis::bands`]) | [`analysis::covered_area::Banded`]: `geo::MultiPolygon` per target and band |
//! | assess | [`assess`]: gaps and the 37-indicator scorecard | [`Assessment`] |
//! | write | [`write_all`]: RFC 7946 GeoJSON, CSV, FlatGeobuf, GeoTIFF surfaces; `output::report` (feature `report`): report.html, map.png | the files written |
//!
//! [`run`] chains the analysis stages (place to covered areas) into one
//! [`Study`]. The modules follow the pipeline and import only downwards:
//! [`model`] (records) <- [`config`] <- [`input`] -> [`graph`] + `spatial`
//! -> [`analysis`] -> [`output`]; `tests/layers.rs` checks that no module
//! imports another in a cycle.
//!
//! ```
//! use fitcircle::{Config, run_with_defaults};
//!
//! # fn main() -> fitcircle::Result<()> {
//! let bundle = concat!(env!("CARGO_MANIFEST_DIR"), "/data/helsinki/fitcircle.toml");
//! let inputs = fitcircle::load(&Config::read(bundle.as_ref())?)?;
//! let study = run_with_defaults(&inputs, &Config::read(bundle.as_ref())?.settings)?;
//! let all = &study.areas[0]; // the whole area first, then each unit
//! let any = &all.targets[0]; // "any facility" first, then each category
//! println!(
//!     "{:.1} % of {} residents live within a {}-minute walk of a place to exercise",
//!     100.0 * any.share(),
//!     all.population,
//!     study.settings.minutes
//! );
//! assert!(any.share() > 0.9);
//! # Ok(())
//! # }
//! ```
//!
//! The binary (`src/main.rs` and its `cli` module, behind the default `cli`
//! feature) is a thin layer over this library; with
//! `default-features = false` none of its crates (clap, anyhow, indicatif)
//! nor the report's (plotters, png, fonts) are compiled.

#![deny(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

// Modules are `pub` where they hold API (the stages and their result
// types, readers, writers); the rest is `pub(crate)`, so the compiler flags
// what nothing uses. The binary and `tests/` go through the modules below
// and the re-exports after them.
pub mod analysis;
mod bounds;
pub mod bundled;
pub mod config;
pub mod crs;
mod error;
pub mod graph;
pub mod input;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod progress;
mod spatial;
pub mod targets;
#[cfg(test)]
mod testing;
pub mod timing;

// The façade: the items most callers need, at the crate root.
pub use analysis::gaps::{Assessment, assess};
pub use analysis::study::{Depth, Full, Isochrones, Study, run, run_with_defaults};
pub use config::{Config, Settings};
pub use error::{Error, Result};
pub use input::{Inputs, load};
pub use output::write_all;
pub use spatial::{LocalProjection, geodesic_area_m2, representative_point};
