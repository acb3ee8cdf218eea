//! The study's stages one by one on a five-node street (placement,
//! scenarios, units, covered areas), with figures worked out by hand.
//!
//! The street runs east along latitude 60.17 with a node every 100 m
//! (edges of exactly 100 m). Facility F stands 10 m north of node 0;
//! community C1 (100 people) 10 m north of node 2, C2 (200 people) 10 m
//! north of node 4; a planned facility P 10 m north of node 4. The walk is
//! 3 minutes at 6 km/h = 300 m. So, along the street: C1 is 10 + 200 + 10
//! = 220 m from F (covered), C2 420 m (not covered; covered once P is
//! built, at 20 m).

use std::borrow::Cow;

use geo::{Geometry, Point, polygon};

use super::coverage::{CoverageSettings, Target};
use super::covered_area::{self, Outline};
use super::placement::{self, Distances};
use super::scenario::{self, Scenario, Search};
use super::units;
use crate::config::Settings;
use crate::graph::{Edge, Network};
use crate::input::Inputs;
use crate::model::{AdminUnit, Category, Facility, Status, UnitIx};
use crate::testing;

const LAT: f64 = 60.17;
const LON0: f64 = 24.94;

/// Degrees of longitude per metre at `LAT` (local, for placing points).
fn dlon(m: f64) -> f64 {
    m / (111_320.0 * LAT.to_radians().cos())
}

/// Degrees of latitude per metre (local).
fn dlat(m: f64) -> f64 {
    m / 110_574.0
}

/// A point `east` metres along the street and `north` metres off it.
fn at(east: f64, north: f64) -> Geometry<f64> {
    Point::new(LON0 + dlon(east), LAT + dlat(north)).into()
}

fn street() -> Network {
    let coords: Vec<[f64; 2]> = (0..5)
        .map(|i| [LON0 + dlon(100.0 * i as f64), LAT])
        .collect();
    let mut geom = Vec::new();
    let edges = (0..4u32)
        .map(|i| {
            let start = geom.len() as u32;
            geom.extend([coords[i as usize], coords[i as usize + 1]]);
            Edge {
                from: i,
                to: i + 1,
                length_m: 100.0,
                way_id: 1,
                forward: true,
                backward: true,
                geom_start: start,
                geom_end: geom.len() as u32,
            }
        })
        .collect();
    Network {
        osm_ids: (1..=5).collect(),
        coords,
        edges,
        geom,
    }
}

fn facility(id: &str, status: Status, geometry: Geometry<f64>) -> Facility {
    Facility {
        status,
        ..testing::facility(id, Category::FitnessStation, 150.0, geometry)
    }
}

fn inputs() -> Inputs {
    Inputs {
        facilities: vec![
            facility("F", Status::Existing, at(0.0, 10.0)),
            facility("P", Status::Planned, at(400.0, 10.0)),
        ],
        communities: vec![
            testing::community("C1", 100.0, at(200.0, 10.0)),
            testing::community("C2", 200.0, at(400.0, 10.0)),
        ],
        // One unit around the western half (nodes 0 to 2).
        units: vec![AdminUnit {
            id: "W".into(),
            name: "West".into(),
            geometry: polygon![
                (x: LON0 - dlon(50.0), y: LAT - dlat(50.0)),
                (x: LON0 + dlon(250.0), y: LAT - dlat(50.0)),
                (x: LON0 + dlon(250.0), y: LAT + dlat(50.0)),
                (x: LON0 - dlon(50.0), y: LAT + dlat(50.0)),
            ]
            .into(),
        }],
        ..Inputs::default()
    }
}

fn settings() -> Settings {
    Settings {
        minutes: 3.0,
        speed_kmh: 6.0,
        min_component_nodes: 1,
        ..Settings::default()
    }
}

fn coverage_settings() -> CoverageSettings {
    CoverageSettings {
        limit_m: 300.0,
        report_m: 600.0,
        pair_m: 300.0,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.5
}

#[test]
fn placement_snaps_every_item_onto_the_street() {
    let inputs = inputs();
    let net = street();
    let p = placement::place(&inputs, Some(Cow::Borrowed(&net)), &settings()).unwrap();
    let Distances::Network {
        graph,
        base_nodes,
        base_edges,
    } = &p.distances
    else {
        panic!("a network was given");
    };
    assert_eq!((*base_nodes, *base_edges), (5, 4));
    assert!(graph.node_count() >= 5);
    for access in p.facility_access.iter().chain(&p.community_access) {
        let access = access.as_ref().expect("every item is near the street");
        assert!(!access.is_empty());
        assert!(access.iter().all(|&(_, d)| close(d, 10.0)), "{access:?}");
    }
    assert!(p.community_points.iter().all(Option::is_some));
}

#[test]
fn placement_refuses_swapped_coordinates_and_empty_inputs() {
    let net = street();
    let mut swapped = inputs();
    for c in &mut swapped.communities {
        let Geometry::Point(pt) = c.geometry else {
            unreachable!()
        };
        c.geometry = Point::new(pt.y(), pt.x()).into();
    }
    let err = placement::place(&swapped, Some(Cow::Borrowed(&net)), &settings()).unwrap_err();
    assert!(
        matches!(
            err,
            crate::Error::SwappedCoordinates {
                swapped: 2,
                total: 2,
                ..
            }
        ),
        "{err}"
    );
    let mut none = inputs();
    none.communities.clear();
    let err = placement::place(&none, Some(Cow::Borrowed(&net)), &settings()).unwrap_err();
    assert!(matches!(err, crate::Error::NoCommunities));
}

#[test]
fn scenarios_count_planned_facilities_only_after() {
    let inputs = inputs();
    let net = street();
    let p = placement::place(&inputs, Some(Cow::Borrowed(&net)), &settings()).unwrap();
    let s = scenario::compute(&inputs, &p, coverage_settings(), Search::WithPairs);
    assert_eq!(s.counts_now, [true, false]);
    assert_eq!(
        s.counts_after,
        Scenario::AfterPlanned.counted(&inputs.facilities)
    );
    let any = s.now.target_index(Target::Any).unwrap();
    let c1 = s.now.nearest_m[any].get(0).unwrap();
    let c2 = s.now.nearest_m[any].get(1).unwrap();
    assert!(close(c1, 220.0) && close(c2, 420.0), "{c1} {c2}");
    assert!(s.now.covered(any, 0) && !s.now.covered(any, 1));
    let after = s.after.expect("a planned facility");
    let c2_after = after.nearest_m[any].get(1).unwrap();
    assert!(close(c2_after, 20.0), "{c2_after}");
    assert!(after.covered(any, 1));
    // Nearest-only searches give the same distances.
    let quick = scenario::compute(&inputs, &p, coverage_settings(), Search::NearestOnly);
    assert_eq!(quick.now.nearest_m[any].get(1), s.now.nearest_m[any].get(1));
}

#[test]
fn straight_lines_without_a_network() {
    let inputs = inputs();
    let p = placement::place(&inputs, None, &settings()).unwrap();
    assert!(matches!(p.distances, Distances::StraightLine { detour } if detour == 1.3));
    let s = scenario::compute(&inputs, &p, coverage_settings(), Search::WithPairs);
    let any = s.now.target_index(Target::Any).unwrap();
    // 200 m east of F, the same 10 m north: 200 x 1.3 = 260 m.
    let c1 = s.now.nearest_m[any].get(0).unwrap();
    assert!(close(c1, 260.0), "{c1}");
}

#[test]
fn units_assign_and_sum_by_area() {
    let inputs = inputs();
    let net = street();
    let p = placement::place(&inputs, Some(Cow::Borrowed(&net)), &settings()).unwrap();
    let s = scenario::compute(&inputs, &p, coverage_settings(), Search::WithPairs);
    let a = units::assign(&inputs, &p);
    assert_eq!(a.community_unit, [Some(UnitIx::new(0)), None]);
    assert_eq!(a.facility_unit, [Some(UnitIx::new(0)), None]);
    let sources = scenario::sources(&inputs, &p.facility_access, &s.counts_now);
    let areas = units::summarise_all(&inputs, &s.now, &p.community_access, &a, &sources);
    let (all, west) = (&areas[0].targets[0], &areas[1].targets[0]);
    assert_eq!((all.population, all.covered_population), (300.0, 100.0));
    assert_eq!((west.population, west.covered_population), (100.0, 100.0));
    assert_eq!((all.facilities, west.facilities), (1, 1));
    assert!(close(all.share(), 1.0 / 3.0));
}

#[test]
fn covered_areas_hold_the_covered_and_not_the_uncovered() {
    use geo::Contains;
    let inputs = inputs();
    let net = street();
    let p = placement::place(&inputs, Some(Cow::Borrowed(&net)), &settings()).unwrap();
    let s = scenario::compute(&inputs, &p, coverage_settings(), Search::WithPairs);
    let sources = scenario::sources(&inputs, &p.facility_access, &s.counts_now);
    let outline = Outline {
        limit_m: 300.0,
        buffer_m: 40.0,
    };
    let areas = covered_area::per_target(&p, &s.now.targets, &sources, outline);
    assert_eq!(areas.len(), s.now.targets.len());
    let Geometry::Point(c1) = inputs.communities[0].geometry else {
        unreachable!()
    };
    let Geometry::Point(c2) = inputs.communities[1].geometry else {
        unreachable!()
    };
    assert!(areas[0].contains(&c1) && !areas[0].contains(&c2));
    let per_facility = covered_area::per_facility(&p, &sources, outline);
    assert!(per_facility[0].is_some() && per_facility[1].is_none());
    assert!(covered_area::none(&s.now.targets)[0].0.is_empty());
}
