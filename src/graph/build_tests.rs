//! Graph building from the hand-written OSM fixtures in `tests/fixtures/osm/`
//! (each fixture's expectations are stated in the XML comment at its top):
//! splitting ways at shared nodes (`split.osm`), foot-access rules and
//! walking directions (`access.osm`), facility / community extraction with
//! multipolygons and a broken relation (`facilities.osm`), and snapping onto
//! the network with `attach` preserving lengths.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::analysis::search::{Scratch, bounded_multi_source};
use crate::graph::Network;
use crate::graph::WalkGraph;
use crate::graph::build::{build_network, polyline_length_m};
use crate::graph::csr::Direction;
use crate::graph::snap::{AccessMode, SnapSettings, Snapper, attach};
use crate::input::osm::RawOsm;
use crate::input::osm_extract::{OsmFeatures, extract};
use crate::input::osm_xml::{parse_osm_xml, read_osm_xml};
use crate::model::{AreaSource, Category, Facility};
use crate::spatial::LocalProjection;
use geo::{Geometry, Point};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/osm")
        .join(name)
}

/// Read, extract and build the network of one fixture.
fn load(name: &str) -> (RawOsm, OsmFeatures, Network) {
    let path = fixture(name);
    let raw = read_osm_xml(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let features = extract(&raw);
    let net = build_network(&features.walk_input(&raw));
    (raw, features, net)
}

/// OSM node id -> network node index.
fn node_index(net: &Network) -> HashMap<i64, u32> {
    net.osm_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, i as u32))
        .collect()
}

fn osm_pair(net: &Network, a: u32, b: u32) -> (i64, i64) {
    let (x, y) = (net.osm_ids[a as usize], net.osm_ids[b as usize]);
    (x.min(y), x.max(y))
}

/// Check a measured (geodesic) length against a fixture's stated
/// (haversine, one decimal) length: within 0.5 % of it.
fn assert_len(what: &str, got: f64, stated: f64) {
    let tol = 0.005 * stated;
    assert!(
        (got - stated).abs() <= tol,
        "{what}: length {got:.3} m, fixture says ~{stated} m (tolerance {tol:.3} m)"
    );
}

// ---------------------------------------------------------------- split.osm

#[test]
fn split_ways_at_shared_nodes() {
    let (raw, features, net) = load("split.osm");
    assert_eq!(raw.node_ids.len(), 11, "11 OSM nodes in the file");
    assert_eq!(features.walk_ways.len(), 3);

    assert_eq!(net.node_count(), 6, "graph nodes: {:?}", net.osm_ids);
    let ids: BTreeSet<i64> = net.osm_ids.iter().copied().collect();
    assert_eq!(ids, BTreeSet::from([101, 103, 105, 201, 204, 302]));
    assert_eq!(net.osm_ids.len(), net.coords.len());

    assert_eq!(net.edges.len(), 5, "edges: {:?}", net.edges);
    let expected: HashMap<(i64, i64), (i64, f64, usize)> = HashMap::from([
        // (osm a, osm b) -> (way, stated length, polyline points)
        ((101, 103), (1, 110.6, 3)),
        ((103, 105), (1, 110.6, 3)),
        ((103, 201), (2, 111.2, 3)),
        ((103, 204), (2, 111.2, 3)),
        ((105, 302), (3, 111.2, 3)),
    ]);
    let mut seen = BTreeSet::new();
    let mut total = 0.0;
    for (e, edge) in net.edges.iter().enumerate() {
        let key = osm_pair(&net, edge.from, edge.to);
        let &(way, stated, points) = expected
            .get(&key)
            .unwrap_or_else(|| panic!("unexpected edge {key:?}: {edge:?}"));
        assert!(seen.insert(key), "edge {key:?} twice");
        assert_eq!(edge.way_id, way, "{key:?}");
        assert!(edge.forward && edge.backward, "{key:?} is two-way");
        let g = net.edge_geom(e);
        assert_eq!(g.len(), points, "{key:?} polyline {g:?}");
        assert_eq!(g[0], net.coords[edge.from as usize]);
        assert_eq!(*g.last().unwrap(), net.coords[edge.to as usize]);
        assert!((polyline_length_m(g) - edge.length_m).abs() < 1e-9);
        assert_len(&format!("edge {key:?}"), edge.length_m, stated);
        // The brief's absolute bound too: within 0.5 m of the stated length.
        assert!(
            (edge.length_m - stated).abs() < 0.5,
            "{key:?}: {}",
            edge.length_m
        );
        total += edge.length_m;
    }
    assert_len("total", total, 554.8);

    // Node coordinates are those of the OSM nodes.
    for (i, id) in net.osm_ids.iter().enumerate() {
        assert_eq!(Some(net.coords[i]), raw.coord(*id));
    }

    let (comp, sizes) = net.components();
    assert_eq!(sizes, vec![6]);
    assert!(comp.iter().all(|c| *c == 0));

    let g = WalkGraph::new(net);
    assert_eq!(g.arc_count(), 10);
    assert_eq!(g.component_sizes, vec![6]);
    // Degrees from the fixture: 103 has 4, 105 has 2, the others 1.
    let idx = node_index(&g.net);
    for (osm, deg) in [(103, 4), (105, 2), (101, 1), (201, 1), (204, 1), (302, 1)] {
        let v = idx[&osm];
        assert_eq!(
            g.arcs(v, Direction::Outbound).count(),
            deg,
            "out-degree of {osm}"
        );
        assert_eq!(
            g.arcs(v, Direction::Inbound).count(),
            deg,
            "in-degree of {osm}"
        );
    }
}

// --------------------------------------------------------------- access.osm

#[test]
fn access_rules_and_directions() {
    let (_raw, features, net) = load("access.osm");
    let kept: BTreeSet<i64> = features.walk_ways.iter().map(|w| w.id).collect();
    assert_eq!(kept, BTreeSet::from([10, 11, 12, 13, 14, 24]));
    for w in &features.walk_ways {
        let expect = if w.id == 24 {
            (true, false)
        } else {
            (true, true)
        };
        assert_eq!((w.forward, w.backward), expect, "way {}", w.id);
    }

    let ids: BTreeSet<i64> = net.osm_ids.iter().copied().collect();
    assert_eq!(ids, BTreeSet::from([1, 2, 3, 4, 5, 6, 25]));
    assert_eq!(net.node_count(), 7);
    assert_eq!(net.edges.len(), 6);
    for e in &net.edges {
        let stated = if e.way_id == 24 { 111.2 } else { 55.3 };
        assert_len(&format!("way {}", e.way_id), e.length_m, stated);
    }
    let (_, sizes) = net.components();
    assert_eq!(sizes, vec![7], "one weakly connected component");

    let idx = node_index(&net);
    let g = WalkGraph::new(net);
    assert_eq!(g.arc_count(), 11);
    let out = |osm: i64| -> Vec<i64> {
        g.arcs(idx[&osm], Direction::Outbound)
            .map(|(w, _)| g.net.osm_ids[w as usize])
            .collect()
    };
    let inb = |osm: i64| -> Vec<i64> {
        g.arcs(idx[&osm], Direction::Inbound)
            .map(|(w, _)| g.net.osm_ids[w as usize])
            .collect()
    };

    // oneway=yes (way 14, 5-6) is ignored by walkers: both arcs present.
    assert!(out(5).contains(&6) && out(6).contains(&5));
    assert!(inb(5).contains(&6) && inb(6).contains(&5));
    // oneway:foot=yes (way 24, 5->25): one direction only.
    assert!(out(5).contains(&25), "5 -> 25 missing: {:?}", out(5));
    assert!(out(25).is_empty(), "arcs out of 25: {:?}", out(25));
    assert_eq!(inb(25), vec![5]);
    assert!(!inb(5).contains(&25));
    // Dropped spurs leave no trace.
    for osm in [21, 22, 23, 24] {
        assert!(
            !idx.contains_key(&osm),
            "node {osm} should not be in the graph"
        );
    }

    // Distances stated in the fixture.
    let mut s = Scratch::new(g.node_count());
    bounded_multi_source(&g, Direction::Outbound, [(idx[&1], 0.0)], 1e9, &mut s);
    assert_len("1 -> 6", s.dist(idx[&6]).unwrap(), 276.6);
    assert_len("1 -> 25", s.dist(idx[&25]).unwrap(), 276.6 - 55.3 + 111.2);
    bounded_multi_source(&g, Direction::Outbound, [(idx[&25], 0.0)], 1e9, &mut s);
    assert_eq!(s.reached, vec![idx[&25]], "nothing reachable from 25");
    // Inbound towards 25: everyone can walk to 25.
    bounded_multi_source(&g, Direction::Inbound, [(idx[&25], 0.0)], 1e9, &mut s);
    assert_eq!(s.reached.len(), 7);
    assert_len("5 -> 25", s.dist(idx[&5]).unwrap(), 111.2);
    // ... but 25 can walk nowhere, so inbound towards 5 never reaches 25.
    bounded_multi_source(&g, Direction::Inbound, [(idx[&5], 0.0)], 1e9, &mut s);
    assert_eq!(s.dist(idx[&25]), None);
    assert_eq!(s.reached.len(), 6);
}

// ----------------------------------------------------------- facilities.osm

fn facility<'a>(fs: &'a [Facility], id: &str) -> &'a Facility {
    fs.iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no facility {id}; have {:?}", ids_of(fs)))
}

fn ids_of(fs: &[Facility]) -> Vec<&str> {
    fs.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn facilities_extracted() {
    let path = fixture("facilities.osm");
    let raw = read_osm_xml(&path).unwrap();
    assert_eq!(raw.node_ids.len(), 38);
    assert_eq!(raw.tagged_nodes.len(), 2);
    assert_eq!(raw.ways.len(), 11);
    assert_eq!(raw.relations.len(), 2);
    let features = extract(&raw);
    let fs = &features.facilities;

    // 5 sports facilities from the fixture comment, plus the school grounds
    // (our tag table makes amenity=school a SchoolVenue facility).
    let got: BTreeSet<(&str, Category)> = fs.iter().map(|f| (f.id.as_str(), f.category)).collect();
    let want = BTreeSet::from([
        ("osm:way/100", Category::FootballPitch),
        ("osm:node/1101", Category::FitnessStation),
        ("osm:way/110", Category::SportsCentre),
        ("osm:relation/900", Category::Park),
        ("osm:way/130", Category::SchoolVenue),
        ("osm:way/131", Category::BasketballCourt),
    ]);
    assert_eq!(got, want);
    assert_eq!(fs.len(), 6, "no duplicates: {:?}", ids_of(fs));

    // Geometry kinds.
    assert!(matches!(
        facility(fs, "osm:way/100").geometry,
        Geometry::Polygon(_)
    ));
    assert!(matches!(
        facility(fs, "osm:node/1101").geometry,
        Geometry::Point(p) if p == Point::new(24.9432, 60.1701)
    ));
    assert_eq!(facility(fs, "osm:node/1101").name, "Ulkokuntosali");
    assert_eq!(
        facility(fs, "osm:node/1101").area_source,
        AreaSource::Default
    );

    // The sports centre keeps building=yes; its footprint is floor area.
    let centre = facility(fs, "osm:way/110");
    assert!(matches!(centre.geometry, Geometry::Polygon(_)));
    assert_eq!(centre.name, "Urheilutalo \"Kallio\"");
    assert_eq!(centre.area_source, AreaSource::Geometry);
    assert!(
        centre.floor_area_m2 > 0.0 && centre.area_m2 == 0.0,
        "{centre:?}"
    );

    // The soccer pitch: ~110.6 m x 66.7 m.
    let pitch = facility(fs, "osm:way/100");
    assert_eq!(pitch.area_source, AreaSource::Geometry);
    assert!(
        (pitch.area_m2 - 110.6 * 66.7).abs() < 0.02 * 110.6 * 66.7,
        "pitch area {}",
        pitch.area_m2
    );

    // The park: outer ring joined from ways 120 + 121, hole from way 122.
    let park = facility(fs, "osm:relation/900");
    assert_eq!(park.name, "Lammenpuisto");
    let Geometry::MultiPolygon(mp) = &park.geometry else {
        panic!("park geometry {:?}", park.geometry);
    };
    assert_eq!(mp.0.len(), 1, "one polygon");
    let poly = &mp.0[0];
    assert_eq!(poly.interiors().len(), 1, "with one hole");
    assert_eq!(poly.exterior().0.len(), 5, "closed 4-corner ring");
    assert_eq!(poly.interiors()[0].0.len(), 5);
    assert_eq!(park.area_source, AreaSource::Geometry);
    // (Its area is checked in `park_multipolygon_area_with_hole`.)

    // School and the pitch inside it.
    let school = facility(fs, "osm:way/130");
    assert_eq!(school.name, "Koulu & lukio");
    assert_eq!(school.school_id, None);
    let court = facility(fs, "osm:way/131");
    assert_eq!(court.school_id.as_deref(), Some("osm:way/130"));
    for f in fs.iter().filter(|f| f.id != "osm:way/131") {
        assert_eq!(f.school_id, None, "{} is not inside the school", f.id);
    }

    // The residential area.
    assert_eq!(features.residential.len(), 1);
    let res = &features.residential[0];
    assert_eq!(res.community.id, "osm:way/140");
    assert_eq!(res.population, Some(1200.0));
    assert_eq!(res.community.population, 1200.0);
    assert!(matches!(res.community.geometry, Geometry::Polygon(_)));
    let c1405 = raw.coord(1405).unwrap();
    assert_eq!(
        res.community.entrances,
        vec![Point::new(c1405[0], c1405[1])]
    );

    // The broken relation 901: skipped, reported once.
    assert!(!fs.iter().any(|f| f.id.contains("901")));
    let mentions: Vec<&String> = features
        .warnings
        .iter()
        .filter(|w| w.contains("901"))
        .collect();
    assert_eq!(mentions.len(), 1, "warnings: {:?}", features.warnings);
    assert!(!features.warnings.iter().any(|w| w.contains("900")));
    assert!(features.units.is_empty());

    // Network from the comment: 7 nodes, 6 two-way edges.
    let net = build_network(&features.walk_input(&raw));
    let ids: BTreeSet<i64> = net.osm_ids.iter().copied().collect();
    assert_eq!(
        ids,
        BTreeSet::from([5001, 5003, 5004, 5005, 5011, 5013, 1405])
    );
    let stated: HashMap<(i64, i64), f64> = HashMap::from([
        ((5001, 5003), 276.6),
        ((5003, 5004), 221.2),
        ((5004, 5005), 55.3),
        ((5003, 5011), 222.4),
        ((5003, 5013), 111.2),
        ((1405, 5004), 22.2),
    ]);
    assert_eq!(net.edges.len(), 6);
    for e in &net.edges {
        let key = osm_pair(&net, e.from, e.to);
        let len = stated
            .get(&key)
            .unwrap_or_else(|| panic!("unexpected edge {key:?}"));
        assert_len(&format!("{key:?}"), e.length_m, *len);
        assert!(e.forward && e.backward);
    }
    assert_eq!(net.components().1, vec![7]);
}

#[test]
fn snapping_and_attach_preserve_lengths() {
    let (raw, features, net) = load("facilities.osm");
    let proj = LocalProjection::fit(net.coords.iter().copied()).expect("non-empty network");
    let snapper = Snapper::new(
        &net,
        proj,
        SnapSettings {
            min_component_nodes: 1,
            ..Default::default()
        },
    );

    // The fitness station is ~11 m north of way 500 between 5002 and 5003.
    let station = raw.coord(1101).unwrap();
    let hit = snapper.snap_point(station).expect("fitness station snaps");
    assert!((hit.dist_m - 11.0).abs() <= 2.0, "{hit:?}");
    let edge = &net.edges[hit.edge as usize];
    assert_eq!(osm_pair(&net, edge.from, edge.to), (5001, 5003));
    // Along the edge from its `from` end: 0.0032 deg of lon (~177 m) from 5001.
    let from_5001 = if net.osm_ids[edge.from as usize] == 5001 {
        hit.offset_m
    } else {
        edge.length_m - hit.offset_m
    };
    assert!((from_5001 - 177.0).abs() < 3.0, "{hit:?}");

    // Access points for every facility and community, then attach them all.
    let mut hits = Vec::new();
    for f in &features.facilities {
        let acc = snapper
            .access_points(&f.geometry, &f.entrances, AccessMode::Boundary)
            .unwrap_or_else(|e| panic!("{} unreachable: {}", f.id, e.reason()));
        assert!(!acc.is_empty());
        hits.extend(acc);
    }
    let res = &features.residential[0].community;
    let res_hits = snapper
        .access_points(&res.geometry, &res.entrances, AccessMode::Boundary)
        .expect("community reachable");
    // The entrance is node 1405 itself: a zero-distance hit at an edge end.
    assert_eq!(res_hits.len(), 1, "{res_hits:?}");
    assert!(res_hits[0].dist_m < 1e-6, "{res_hits:?}");
    let first_res = hits.len();
    hits.extend(res_hits.iter().copied());
    hits.push(hit);

    let before: f64 = net.edges.iter().map(|e| e.length_m).sum();
    let (out, nodes) = attach(&net, &hits);
    assert_eq!(nodes.len(), hits.len());
    let after: f64 = out.edges.iter().map(|e| e.length_m).sum();
    assert!(
        (before - after).abs() < 1e-6,
        "total length before {before} after {after}"
    );
    assert_eq!(out.osm_ids.len(), out.coords.len());
    assert_eq!(&out.coords[..net.node_count()], &net.coords[..]);
    assert_eq!(&out.osm_ids[..net.node_count()], &net.osm_ids[..]);
    for (i, e) in out.edges.iter().enumerate() {
        let g = out.edge_geom(i);
        assert!(g.len() >= 2);
        assert_eq!(
            g[0], out.coords[e.from as usize],
            "edge {i} starts at its from node"
        );
        assert_eq!(
            *g.last().unwrap(),
            out.coords[e.to as usize],
            "edge {i} ends at its to node"
        );
        let geo_len = polyline_length_m(g);
        assert!(
            (geo_len - e.length_m).abs() < 0.1,
            "edge {i}: polyline {geo_len} vs length_m {}",
            e.length_m
        );
    }
    for (h, &v) in hits.iter().zip(&nodes) {
        assert!((v as usize) < out.node_count());
        // The node lies where the hit says along its edge, up to the merge
        // radius (0.5 m).
        let base = &net.edges[h.edge as usize];
        let along = if v == base.from {
            0.0
        } else if v == base.to {
            base.length_m
        } else {
            let s = snapper.snap_point(out.coords[v as usize]).unwrap();
            assert_eq!(s.edge, h.edge, "node {v} of {h:?} is on another edge");
            assert!(s.dist_m < 1e-3, "node {v} is off its edge: {s:?}");
            s.offset_m
        };
        assert!(
            (along - h.offset_m).abs() <= 0.5 + 1e-6,
            "node {v} at {along} m along edge {}, hit at {} m",
            h.edge,
            h.offset_m
        );
    }
    // The community's entrance becomes the graph node for OSM 1405.
    let idx = node_index(&net);
    assert_eq!(nodes[first_res], idx[&1405]);
    // The fitness station's node is new (inserted by snapping).
    let station_node = *nodes.last().unwrap();
    assert!(station_node as usize >= net.node_count());
    assert_eq!(out.osm_ids[station_node as usize], 0);

    // Walking distance station -> community entrance along the footways:
    // from the snap point east to 5003, then 5003-5004, then 5004-1405.
    let g = WalkGraph::new(out);
    assert_eq!(g.component_sizes.len(), 1);
    let mut s = Scratch::new(g.node_count());
    bounded_multi_source(
        &g,
        Direction::Inbound,
        [(idx[&1405], 0.0)],
        f64::INFINITY,
        &mut s,
    );
    let walk = s.dist(station_node).unwrap();
    let expect = (edge.length_m - from_5001) + 221.2 + 22.2;
    assert!((walk - expect).abs() < 2.0, "walk {walk} vs ~{expect}");
}

/// The park (relation 900) is the outer ring minus the pond: ~34,440 -
/// 3,690 = ~30,750 m2 (fixture comment). Both rings are drawn
/// counter-clockwise in the file, as OSM allows: ring orientation in OSM
/// carries no meaning, so the area must not depend on it.
#[test]
fn park_multipolygon_area_with_hole() {
    let raw = read_osm_xml(&fixture("facilities.osm")).unwrap();
    let features = extract(&raw);
    let park = facility(&features.facilities, "osm:relation/900");
    assert_eq!(park.area_source, AreaSource::Geometry);
    assert!(
        (park.area_m2 - 30_750.0).abs() < 0.02 * 30_750.0,
        "park area {} m2, expected ~30,750 m2 (outer minus pond)",
        park.area_m2
    );
}

/// A closed way drawn clockwise has the same area as drawn counter-clockwise
/// (OSM does not prescribe the winding of closed ways).
#[test]
fn closed_way_area_does_not_depend_on_winding() {
    let xml = |order: [u32; 5]| {
        let corners = [
            (1, 60.1702, 24.9405),
            (2, 60.1702, 24.9425),
            (3, 60.1708, 24.9425),
            (4, 60.1708, 24.9405),
        ];
        let mut s = String::from("<osm version=\"0.6\">\n");
        for (id, lat, lon) in corners {
            s += &format!("<node id=\"{id}\" lat=\"{lat}\" lon=\"{lon}\"/>\n");
        }
        s += "<way id=\"100\">";
        for id in order {
            s += &format!("<nd ref=\"{id}\"/>");
        }
        s += "<tag k=\"leisure\" v=\"pitch\"/><tag k=\"sport\" v=\"soccer\"/></way>\n</osm>\n";
        s
    };
    let area = |text: String| {
        let raw = parse_osm_xml(&text, Path::new("inline.osm")).unwrap();
        let features = extract(&raw);
        assert_eq!(features.facilities.len(), 1);
        features.facilities[0].area_m2
    };
    let ccw = area(xml([1, 2, 3, 4, 1]));
    let cw = area(xml([1, 4, 3, 2, 1]));
    // ~110.6 m x 66.7 m
    assert!(
        (ccw - 7_420.0).abs() < 0.02 * 7_420.0,
        "counter-clockwise: {ccw} m2"
    );
    assert!(
        (cw - ccw).abs() < 1e-6 * ccw,
        "clockwise: {cw} m2 vs counter-clockwise {ccw} m2"
    );
}
