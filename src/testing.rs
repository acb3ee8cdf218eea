//! Helpers for unit tests: the workspace's one seeded generator
//! (SplitMix64, from the synthetic city crate), so randomised tests are
//! repeatable.

pub(crate) use fitcircle_synth::rng::{SplitMix64 as Rng, unit};

use geo::Geometry;

use crate::model::{AreaSource, Category, Community, Facility, PopulationSource, Status};

/// A facility for a test: existing, `area_m2` of outdoor land given,
/// named by its id, every optional attribute unset (override with struct
/// update syntax).
pub(crate) fn facility(
    id: &str,
    category: Category,
    area_m2: f64,
    geometry: Geometry<f64>,
) -> Facility {
    Facility {
        id: id.into(),
        name: id.into(),
        category,
        status: Status::Existing,
        area_m2,
        floor_area_m2: 0.0,
        area_source: AreaSource::Given,
        opening_hours: None,
        open_to_public: None,
        school_id: None,
        build_year: None,
        geometry,
        entrances: Vec::new(),
        note: None,
        subtype: None,
        equipment_generation: None,
    }
}

/// A community for a test: `population` given, named by its id.
pub(crate) fn community(id: &str, population: f64, geometry: Geometry<f64>) -> Community {
    Community {
        id: id.into(),
        name: id.into(),
        population,
        population_source: PopulationSource::Given,
        households: None,
        build_year: None,
        geometry,
        entrances: Vec::new(),
    }
}
