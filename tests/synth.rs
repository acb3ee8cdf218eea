//! The synthetic city generator (crate `fitcircle-synth`): a ~50,000-node city is
//! written as PBF, read back through fitcircle's own reader, extractor and
//! graph builder, and checked against what the generator promises.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use fitcircle::geodesic_area_m2;
use fitcircle::graph::build::build_network;
use fitcircle::input::osm::RawOsm;
use fitcircle::input::osm_extract::{OsmFeatures, category_counts, extract};
use fitcircle::model::Category;
use fitcircle_synth::{City, Element, Meaning, SynthError, SynthParams, SynthStats, TagRules};
use geo::Centroid;

const TARGET: usize = 50_000;

fn params(seed: u64) -> SynthParams {
    SynthParams {
        target_nodes: TARGET,
        seed,
        ..SynthParams::default()
    }
}

/// fitcircle's own tag rules, so the generator's counts can be checked
/// against what fitcircle's reader and extractor see.
struct FitcircleTags;

impl TagRules for FitcircleTags {
    fn classify(&self, tags: &[(&str, &str)], element: Element) -> Meaning {
        let (is_way, closed) = match element {
            Element::Way { closed } => (true, closed),
            Element::Node | Element::Relation => (false, false),
        };
        let m = fitcircle::input::element_meaning(tags, is_way, closed);
        Meaning {
            walkable: m.walkable,
            facility: m.facility,
            residential: m.residential,
        }
    }
}

fn write(params: &SynthParams, path: &Path) -> SynthStats {
    let city = City::plan(params).unwrap_or_else(|e| panic!("plan: {e}"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    city.write(&FitcircleTags, &mut file)
        .unwrap_or_else(|e| panic!("write: {e}"))
}

fn read(path: &Path) -> (RawOsm, OsmFeatures) {
    let raw = fitcircle::input::read_osm(path).unwrap_or_else(|e| panic!("read_osm: {e}"));
    let features = extract(&raw);
    (raw, features)
}

/// One city, read back and checked every way the generator promises (one
/// test, so the city is generated and read once).
#[test]
fn city_reads_back_as_promised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("city.osm.pbf");
    let stats = write(&params(7), &path);
    let (raw, f) = read(&path);
    let net = build_network(&f.walk_input(&raw));

    // The stats describe the file as fitcircle reads it.
    assert_eq!(stats.nodes, raw.node_ids.len());
    assert_eq!(stats.ways, raw.ways.len());
    assert_eq!(stats.relations, raw.relations.len());
    assert_eq!(stats.walkable_ways, f.walk_ways.len());
    assert_eq!(stats.facilities, f.facilities.len());
    assert_eq!(stats.residential_areas, f.residential.len());
    let [w, s, e, n] = stats.bbox;
    assert!(
        (116.29..116.31).contains(&w) && (39.84..39.86).contains(&s),
        "{:?}",
        stats.bbox
    );
    assert!(e > w + 0.05 && n > s + 0.05, "{:?}", stats.bbox);
    for c in &raw.node_coords {
        assert!(w <= c[0] && c[0] <= e && s <= c[1] && c[1] <= n);
    }

    // Size: within 25 % of the target walking-graph nodes.
    let nodes = net.node_count();
    assert!(
        nodes as f64 >= 0.75 * TARGET as f64 && nodes as f64 <= 1.25 * TARGET as f64,
        "{nodes} graph nodes for a target of {TARGET}"
    );

    // Components: one dominant, plus the islets.
    let (_, sizes) = net.components();
    let mut sizes = sizes.clone();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    assert!(sizes.len() >= 2, "components {sizes:?}");
    assert!(
        sizes[0] as f64 > 0.99 * nodes as f64,
        "dominant component {} of {nodes}",
        sizes[0]
    );

    // Every facility category, schools with pitches inside.
    let counts = category_counts(&f.facilities);
    // Card rooms (棋牌室) come from a bureau's tables only: OpenStreetMap
    // has no established tag for them.
    for cat in Category::ALL
        .into_iter()
        .filter(|c| *c != Category::CardRoom)
    {
        assert!(
            counts.get(&cat).copied().unwrap_or(0) > 0,
            "no {cat:?} in {counts:?}"
        );
    }
    assert!(
        f.facilities
            .iter()
            .any(|x| x.category == Category::FootballPitch && x.school_id.is_some()),
        "no pitch inside a school"
    );
    // A park drawn as a multipolygon relation and a fitness-trail route.
    assert!(
        f.facilities
            .iter()
            .any(|x| x.id.starts_with("osm:relation/") && x.category == Category::Park)
    );
    assert!(
        f.facilities
            .iter()
            .any(|x| x.id.starts_with("osm:relation/") && x.category == Category::Track)
    );

    // Residential compounds: population at 20,000-40,000 per km2, gates on
    // their edge that lie on walkable footways.
    assert!(f.residential.len() > 1000);
    let on_walk: HashSet<i64> = f
        .walk_ways
        .iter()
        .flat_map(|w| f.nodes(w).iter().map(|&k| raw.node_ids[k as usize]))
        .collect();
    let entrance_ids: HashMap<(i64, i64), i64> = raw
        .tagged_nodes
        .iter()
        .filter(|n| raw.tags(n.tags).has("entrance"))
        .map(|n| {
            (
                ((n.lon * 1e7).round() as i64, (n.lat * 1e7).round() as i64),
                n.id,
            )
        })
        .collect();
    let mut total_pop = 0.0;
    for r in &f.residential {
        let pop = r.population.expect("population tag");
        total_pop += pop;
        let area_km2 = geodesic_area_m2(&r.community.geometry).unwrap() / 1e6;
        let density = pop / area_km2;
        assert!(
            (19_500.0..=40_500.0).contains(&density),
            "{}: {pop} people on {area_km2} km2",
            r.community.id
        );
        assert!(
            !r.community.entrances.is_empty(),
            "{} has no entrance",
            r.community.id
        );
        for p in &r.community.entrances {
            let key = ((p.x() * 1e7).round() as i64, (p.y() * 1e7).round() as i64);
            let id = entrance_ids[&key];
            assert!(
                on_walk.contains(&id),
                "entrance node {id} is not on a walkable way"
            );
        }
    }
    assert_eq!(total_pop as u64, stats.population);

    // Motorways and foot=no ways are in the file but not walkable.
    let walk_ids: HashSet<i64> = f.walk_ways.iter().map(|w| w.id).collect();
    let motorways: Vec<i64> = raw
        .ways
        .iter()
        .filter(|w| raw.tags(w.tags).is("highway", "motorway"))
        .map(|w| w.id)
        .collect();
    let foot_no: Vec<i64> = raw
        .ways
        .iter()
        .filter(|w| raw.tags(w.tags).is("foot", "no"))
        .map(|w| w.id)
        .collect();
    assert!(!motorways.is_empty() && !foot_no.is_empty());
    for id in motorways.iter().chain(&foot_no) {
        assert!(!walk_ids.contains(id), "way {id} should not be walkable");
    }
    let steps = raw
        .ways
        .iter()
        .filter(|w| raw.tags(w.tags).is("highway", "steps"))
        .count();
    assert!(steps > 0, "no steps");
    let arterials = raw
        .ways
        .iter()
        .filter(|w| {
            raw.tags(w.tags).is("highway", "primary") || raw.tags(w.tags).is("highway", "secondary")
        })
        .count();
    assert!(arterials > 0, "no arterials");

    // Only bridges join the river's banks: without them the dominant
    // component falls apart into a west and an east city.
    let bridges: HashSet<i64> = raw
        .ways
        .iter()
        .filter(|w| raw.tags(w.tags).is("bridge", "yes"))
        .map(|w| w.id)
        .collect();
    assert!(!bridges.is_empty());
    let mut no_bridges = f.clone();
    no_bridges.walk_ways.retain(|w| !bridges.contains(&w.id));
    let split = build_network(&no_bridges.walk_input(&raw));
    let (_, parts) = split.components();
    let mut parts = parts.clone();
    parts.sort_unstable_by(|a, b| b.cmp(a));
    assert!(
        parts[1] as f64 > 0.2 * nodes as f64,
        "without bridges the city should split in two: {:?}",
        &parts[..3]
    );

    // Under-served districts: facilities are far denser near the south-west
    // corner than near the north-east one.
    let (mut sw, mut ne) = (0usize, 0usize);
    for x in &f.facilities {
        let c = x.geometry.centroid().unwrap();
        let (fx, fy) = ((c.x() - w) / (e - w), (c.y() - s) / (n - s));
        if fx < 0.4 && fy < 0.4 {
            sw += 1;
        } else if fx > 0.6 && fy > 0.6 {
            ne += 1;
        }
    }
    assert!(sw > 3 * ne, "facilities SW {sw}, NE {ne}");
}

#[test]
fn same_params_same_bytes_other_seed_other_city() {
    let dir = tempfile::tempdir().unwrap();
    let small = |seed| SynthParams {
        target_nodes: 20_000,
        seed,
        ..SynthParams::default()
    };
    let (a, b, c) = (
        dir.path().join("a.pbf"),
        dir.path().join("b.pbf"),
        dir.path().join("c.pbf"),
    );
    let sa = write(&small(3), &a);
    let sb = write(&small(3), &b);
    write(&small(4), &c);
    assert_eq!(sa, sb);
    let (ba, bb, bc) = (
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        std::fs::read(&c).unwrap(),
    );
    assert!(ba == bb, "same parameters gave different files");
    assert!(ba != bc, "different seeds gave the same file");
}

#[test]
fn tiny_cities_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    for target in [0, 10, 500] {
        let path = dir.path().join(format!("t{target}.pbf"));
        let p = SynthParams {
            target_nodes: target,
            ..SynthParams::default()
        };
        let st = write(&p, &path);
        let (raw, f) = read(&path);
        let net = build_network(&f.walk_input(&raw));
        assert!(
            net.node_count() > 0 && st.nodes == raw.node_ids.len(),
            "target {target}"
        );
    }
}

#[test]
fn errors_name_the_problem() {
    let polar = SynthParams {
        origin: [0.0, 89.0],
        ..SynthParams::default()
    };
    match City::plan(&polar) {
        Err(e @ SynthError::Params(_)) => {
            assert!(e.to_string().contains("[0, 89]"), "{e}")
        }
        other => panic!("expected a parameter error, got {other:?}"),
    }
    let off_globe = SynthParams {
        origin: [200.0, 0.0],
        ..SynthParams::default()
    };
    assert!(matches!(City::plan(&off_globe), Err(SynthError::Params(_))));
    // No city without bound (a typo of 1e11 nodes once streamed for ever).
    let huge = SynthParams {
        target_nodes: 100_000_000_000,
        ..SynthParams::default()
    };
    match City::plan(&huge) {
        Err(e @ SynthError::Params(_)) => assert!(e.to_string().contains("at most"), "{e}"),
        other => panic!("expected a parameter error, got {other:?}"),
    }
}
