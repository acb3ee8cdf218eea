//! Helpers for unit tests: the workspace's one seeded generator
//! (SplitMix64, from the synthetic city crate), so randomised tests are
//! repeatable.

pub(crate) use fitcircle_synth::rng::{SplitMix64 as Rng, unit};

use geo::Geometry;

use crate::graph::build::polyline_length_m;
use crate::graph::{Edge, Network};
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
        plan: Default::default(),
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
        groups: Default::default(),
    }
}

/// A network from projected node positions (metres, in `proj`) and edges
/// `(from, to, forward, backward)`: straight two-point geometry, length the
/// geodesic length.
pub(crate) fn network_from_xy(
    proj: &crate::spatial::LocalProjection,
    xy: &[[f64; 2]],
    edges: &[(u32, u32, bool, bool)],
) -> Network {
    let coords: Vec<[f64; 2]> = xy.iter().map(|p| proj.unproject(*p)).collect();
    let mut net = Network {
        osm_ids: vec![0; coords.len()],
        coords,
        ..Default::default()
    };
    for &(from, to, forward, backward) in edges {
        let geom_start = net.geom.len() as u32;
        net.geom
            .extend([net.coords[from as usize], net.coords[to as usize]]);
        let geom_end = net.geom.len() as u32;
        net.edges.push(Edge {
            from,
            to,
            length_m: polyline_length_m(&net.geom[geom_start as usize..]),
            way_id: 0,
            forward,
            backward,
            geom_start,
            geom_end,
        });
    }
    net
}
