//! `network.geojson` carries, at both ends of every edge, the walking
//! minutes to the nearest facility of each target. Checked against what
//! must hold of any shortest-walk field, independently of how it was
//! searched: no edge offers a shorter walk (the triangle inequality in the
//! walking direction), every reached node other than a facility's own
//! access point is reached through a tight edge, and every node reached
//! within a band lies inside that band's polygon in isochrones.geojson.

mod common;

use std::collections::HashMap;

use common::*;
use geo::{Contains, Distance, Euclidean, Point};
use serde_json::Value;

fn minutes_of(p: &serde_json::Map<String, Value>, key: &str) -> Option<f64> {
    p.get(key).and_then(Value::as_f64)
}

#[test]
fn street_minutes_are_a_shortest_walk_field_that_agrees_with_the_bands() {
    let tmp = temp_dir();
    let out = tmp.path().join("o");
    run_ok(
        &manifest_dir(),
        &[
            "analyze",
            "--bundle",
            "helsinki",
            "--network-geojson",
            "--cell",
            "5",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let iso = read_json(&out.join("isochrones.geojson"));
    let bands: Vec<&Value> = features(&iso)
        .iter()
        .filter(|f| f["properties"]["kind"] == "band")
        .collect();
    let first = props(bands[0]);
    let mpm = first["limit_m"].as_f64().unwrap() / first["minutes"].as_f64().unwrap();
    let targets: Vec<String> = {
        let mut t: Vec<String> = bands
            .iter()
            .map(|f| f["properties"]["target"].as_str().unwrap().to_string())
            .collect();
        t.dedup();
        t
    };
    assert!(targets.len() > 3, "{targets:?}");

    let net = read_json(&out.join("network.geojson"));
    let edges = features(&net);
    assert!(edges.len() > 1000);
    for target in &targets {
        // Node minutes (both ends of every edge must agree on a node).
        let mut at: HashMap<u64, Option<f64>> = HashMap::new();
        let mut coords: HashMap<u64, [f64; 2]> = HashMap::new();
        for e in edges {
            let p = props(e);
            let line = e["geometry"]["coordinates"].as_array().unwrap();
            let pt = |c: &Value| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()];
            for (end, c) in [("from", &line[0]), ("to", line.last().unwrap())] {
                let node = p[end].as_u64().unwrap();
                let m = minutes_of(p, &format!("minutes_{target}_{end}"));
                assert!(
                    p.contains_key(&format!("minutes_{target}_{end}")),
                    "no minutes_{target}_{end}"
                );
                if let Some(old) = at.insert(node, m) {
                    assert_eq!(old, m, "{target}: node {node} has two values");
                }
                coords.insert(node, pt(c));
            }
        }
        let reached = at.values().filter(|m| m.is_some()).count();
        assert!(reached > 100, "{target}: only {reached} nodes reached");
        // Triangle inequality and tight edges (values are rounded to 0.01
        // minute).
        let tol = 0.011;
        let mut tight: HashMap<u64, bool> = HashMap::new();
        for e in edges {
            let p = props(e);
            let (u, v) = (p["from"].as_u64().unwrap(), p["to"].as_u64().unwrap());
            let walk = p["length_m"].as_f64().unwrap() / mpm;
            let (mu, mv) = (at[&u], at[&v]);
            for (a, ma, mb, open) in [
                (u, mu, mv, p["forward"] == Value::Bool(true)),
                (v, mv, mu, p["backward"] == Value::Bool(true)),
            ] {
                if !open {
                    continue;
                }
                if let (Some(ma), Some(mb)) = (ma, mb) {
                    assert!(
                        ma <= mb + walk + tol,
                        "{target}: node {a} at {ma} min, a neighbour at {mb} + {walk}"
                    );
                    if (ma - (mb + walk)).abs() <= tol {
                        tight.insert(a, true);
                    }
                }
            }
        }
        // A reached node without a tight edge is where a facility joins
        // the network: it is walked from a facility's access point on one
        // of its edges, so its minutes are at most one edge's walk.
        let longest = edges
            .iter()
            .map(|e| props(e)["length_m"].as_f64().unwrap())
            .fold(0.0, f64::max)
            / mpm;
        for (node, m) in &at {
            if let Some(m) = m
                && !tight.contains_key(node)
            {
                assert!(*m <= longest + tol, "{target}: node {node} at {m} min");
            }
        }
        // Nodes reached within a band lie in its polygon (a street point
        // walked within the band is inside it, to within a cell: 5 m).
        for f in bands
            .iter()
            .filter(|f| f["properties"]["target"] == target.as_str())
        {
            let minutes = f["properties"]["minutes"].as_f64().unwrap();
            let g: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).unwrap();
            let poly = geo::Geometry::<f64>::try_from(&g.value).unwrap();
            let mut inside = 0;
            for (node, m) in &at {
                let Some(m) = m else { continue };
                if *m > minutes - 0.02 {
                    continue;
                }
                let c = coords[node];
                let pt = Point::new(c[0], c[1]);
                if !poly.contains(&pt) {
                    // Within 5 m (about 4.5e-5 degrees of latitude).
                    let d = match &poly {
                        geo::Geometry::MultiPolygon(mp) => {
                            mp.0.iter()
                                .map(|p| Euclidean.distance(p, &pt))
                                .fold(f64::INFINITY, f64::min)
                        }
                        _ => f64::INFINITY,
                    };
                    assert!(
                        d < 1e-4,
                        "{target} {minutes} min: node {node} ({m} min) outside"
                    );
                }
                inside += 1;
            }
            assert!(inside > 10, "{target} {minutes}: {inside}");
        }
    }
}
